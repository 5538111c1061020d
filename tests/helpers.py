"""What the tests share: where things are, the command line run in-process, a free
port, the seeds' text, isolation from the machine's settings, news pages and feeds as
sites serve them, an SMTP inbox on loopback, seed facts several modules check, and a
launcher that runs the command line in a child process and kills it at a chosen point
(`python tests/helpers.py POINT ARGS...`)."""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CSTNEWS = ROOT.parent / "shared" / "corpora" / "cstnews-dev"
DATE = "2026-11-22"  # the date of the tests' briefings


def cli(
    *args: object, input: str | bytes | None = None, env: dict[str, str] | None = None
) -> Result:
    """Run the digest command line in this process, as a user would type it; an
    exception digest does not turn into a one-line error fails the test."""
    from digest.cli import main

    return CliRunner().invoke(
        main, [str(a) for a in args], input=input, env=env, catch_exceptions=False
    )


def dated_run(inputs: object, out: object, *options: object, **kwargs: Any) -> Result:
    """`digest run INPUTS -d DATE -o OUT OPTIONS`: the tests' day, written to OUT."""
    return cli("run", inputs, "-d", DATE, "-o", out, *options, **kwargs)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (just now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed_text(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def within_budget(summary: str, words: int, ledes: set[str]) -> bool:
    """Whether `summary` keeps to a budget of `words` as digest's rule has it
    (digest.summarize.first_sentences): whole sentences within `words` words (a
    sentence cut with '…' as well); or else one of `ledes` alone, kept whole since it is
    never cut inside, so long as it runs to at most RUN_ON times the budget."""
    from digest.sentence import word_count
    from digest.summarize import RUN_ON, closed

    n = word_count(summary)
    return n <= words or (summary in {closed(lede) for lede in ledes} and n <= RUN_ON * words)


def seed_ledes() -> set[str]:
    """The first sentence of every seed article, as digest reads them."""
    from digest.pipeline import load
    from digest.sentence import first_sentence

    return {first_sentence(a.paragraphs[0]) for a in load([SEEDS]) if a.paragraphs}


def isolate(mp: pytest.MonkeyPatch, folder: Path) -> Path:
    """Point digest at an empty digest.toml and an empty data folder under `folder`, and
    drop the machine's DIGEST_* variables; returns the settings file."""
    for name in list(os.environ):
        if name.startswith("DIGEST_"):
            mp.delenv(name)
    config = folder / "digest.toml"
    config.write_text("")
    mp.setenv("DIGEST_CONFIG", str(config))
    mp.setenv("DIGEST_HOME", str(folder / "home"))
    return config


def page(
    title: str, paragraphs: list[str], site: str = "Jornal Exemplo", date: str = "2026-11-21"
) -> bytes:
    """A news page as sites serve them: navigation, an ad, the article, related links."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="pt-BR"><head><meta charset="utf-8">
<title>{title} | {site}</title><meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{date}T08:30:00-03:00">
<meta name="author" content="Ana Souza"></head><body>
<header><nav><a href="/">Início</a> <a href="/politica">Política</a>
<a href="/esportes">Esportes</a></nav></header>
<div class="ad">Publicidade: assine o Jornal Exemplo por R$ 1,90 no primeiro mês</div>
<article><h1>{title}</h1>{body}</article>
<aside><h3>Leia também</h3><ul><li><a href="/x">Trânsito tem lentidão recorde na capital</a></li>
<li><a href="/y">Previsão do tempo para o fim de semana</a></li></ul></aside>
<footer>© {site}. Todos os direitos reservados.</footer></body></html>""".encode()


RAIN = page(
    "Chuva forte alaga ruas de São Paulo nesta sexta-feira",
    [
        "Uma chuva forte atingiu a cidade de São Paulo na manhã desta sexta-feira (21), "
        "alagando ruas da zona sul e provocando a queda de árvores em vários bairros.",
        "Segundo a Defesa Civil, o volume de água chegou a 80 milímetros em duas horas, o "
        "maior registrado neste ano. Não houve feridos, de acordo com o órgão.",
        "A prefeitura informou que equipes trabalham para desobstruir as vias e que o "
        "rodízio de veículos está suspenso até o fim do dia.",
    ],
)
VACCINE = page(
    "Ministério amplia vacinação contra a gripe para todas as idades",
    [
        "O Ministério da Saúde anunciou nesta sexta-feira (21) que a vacinação contra a gripe "
        "passa a valer para todas as faixas etárias em todo o país a partir de segunda-feira.",
        "A decisão foi tomada porque ainda sobram doses nos estoques dos estados, segundo a "
        "pasta, que pede aos postos que ampliem o horário de atendimento.",
    ],
)
PORT_STRIKE = page(
    "Greve de estivadores paralisa o porto de Santos pelo segundo dia",
    [
        "A greve dos estivadores paralisou pelo segundo dia consecutivo nesta sexta-feira (21) "
        "as operações do porto de Santos, o maior da América Latina.",
        "Os trabalhadores pedem reajuste salarial de 12% e melhores condições de segurança; "
        "a autoridade portuária diz que negocia com o sindicato.",
    ],
)


def rss(*links: str) -> bytes:
    items = "".join(f"<item><title>t</title><link>{link}</link></item>" for link in links)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Exemplo</title>'
        f"{items}</channel></rss>"
    ).encode()


def atom(*links: str) -> bytes:
    entries = "".join(
        f'<entry><title>t</title><link href="{link}"/><id>{link}</id></entry>' for link in links
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Exemplo</title>{entries}</feed>"
    ).encode()


def briefing(out, date):
    return (out / f"{date}.md").read_text(encoding="utf-8")


def titles(md: str) -> list[str]:
    return re.findall(r"^## \d+\. (.+)$", md, re.M)


class Inbox:
    """An aiosmtpd handler that keeps what it receives, or refuses it when told to."""

    def __init__(self):
        self.envelopes = []
        self.refuse = None
        self.port = free_port()
        self.controller = None

    def start(self, **options):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse
        self.envelopes.append(envelope)
        return "250 2.0.0 OK"

    def messages(self):
        return [
            email.message_from_bytes(e.original_content, policy=email.policy.default)
            for e in self.envelopes
        ]


def aim(mp: pytest.MonkeyPatch, inbox: Inbox, sender: str, to: str) -> None:
    """Point digest at the plain SMTP server of `inbox`."""
    for name, value in {
        "DIGEST_SMTP_HOST": "127.0.0.1",
        "DIGEST_SMTP_PORT": str(inbox.port),
        "DIGEST_SMTP_SECURITY": "none",
        "DIGEST_FROM": sender,
        "DIGEST_TO": to,
    }.items():
        mp.setenv(name, value)


# seed 000's stories, as split.stories finds them
SEED_000_HEADLINES = [
    "Donald Trump pretende se reunir com Putin e Zelensky na próxima semana",
    "Rússia ataca área residencial na Ucrânia",
    "Rússia vê envio de armas como sinal para Ucrânia deixar negociações de paz",
    "Rússia envia drones e mísseis contra a Ucrânia",
    "Trump impõe prazo de 50 dias para Rússia fechar trégua na Ucrânia ou enfrentará tarifa de "
    "100%",
    "Zelensky agradece a Trump pelo envio de armas à Ucrânia",
    "Após conversa com Trump, Putin lança maior ataque aéreo à Ucrânia desde 2022",
    "Ataque da Rússia em hospital da Ucrânia deixa nove feridos",
    "Rússia nega atrasar negociações de paz enquanto intensifica ofensiva na Ucrânia",
    "Seul afirma que Coreia do Norte pode enviar novas tropas a Rússia em julho",
]

# (seed, boilerplate that clean must remove)
BOILERPLATE = [
    ("000", "(Foto: reprodução/Gavriil Grigorov/Getty Images Embed)"),
    ("000", "Encontro entre Putin, à esquerda, e Witkoff, à direita"),
    ("000", "Pronunciamento de Volodymyr Zelenskyy após ataques"),
    ("000", "23 mortos no último conflito entre Rússia e Ucrânia."),
    ("001", "Topo"),
    ("001", "Notícias"),
    ("001", "ksb/bjt/db/nn/arm/db/am"),
    ("001", "Agence France-Presse"),
    ("001", "As mais lidas agora"),
    ("001", "Rodriguinho critica Yasmin Brunet"),
    ("001", "Valdemar pede autorização ao STF para visitar Bolsonaro"),
    ("001", "12/08/2025 19h48"),
    ("002", "pic.twitter.com"),
    ("002", "PUTIN MEETS KIM JONG-UN IN BEIJING"),
    ("002", "Putin praises role of North Korean military"),
    ("002", "If North Korea can help Russia"),
    ("002", "Sputnik (@SputnikInt)"),
    ("002", "Primeira aparição internacional da filha de Kim Jong-un"),
    ("003", "Artigos relacionados"),
    ("003", "Botão Voltar ao topo"),
    ("004", "Today"),
]


# Where kill_at can stop a run, as a kill -9 or a power cut would.
KILL_POINTS = {
    "translation-cache": "inside the transaction that keeps a batch of translations, one "
    "row written, before its commit",
    "briefing-write": "half of the .md briefing written to its temporary file, before the rename",
    "outbox": "just after the email is put in the outbox, before anything else",
}


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class _Through:
    """A module seen through, with some of its names replaced (for one module's use)."""

    def __init__(self, module, **names):
        self.__dict__.update(names, _module=module)

    def __getattr__(self, name):
        return getattr(self._module, name)


class _HalfThenDie:
    """A file whose first write writes half of what it is given, to the disk, then dies."""

    def __init__(self, f):
        self.f = f

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()

    def write(self, data):
        self.f.write(data[: len(data) // 2])
        self.f.flush()
        os.fsync(self.f.fileno())
        _die()


def kill_at(point: str, args: list[str]) -> None:
    """Run `digest ARGS` in this process and SIGKILL it at `point` (KILL_POINTS), with
    the product as it is: the point is found by wrapping digest's own functions, and
    nothing else changes."""
    import tempfile

    from digest import deliver, state, store
    from digest.cli import main

    if point == "translation-cache":
        translate, init = state.CachedTranslator.translate, state.State.__init__
        translating: list[bool] = []
        written: list[str] = []
        rows = 0

        def traced(sql: str) -> None:
            nonlocal rows
            if translating and sql.startswith("INSERT OR REPLACE INTO cache"):
                rows += 1
                if rows == 1:
                    written.extend(re.findall(r"VALUES \('(\w+)'", sql))
                else:  # the first row is in the open transaction
                    print(f"killed with {written[0]} written", file=sys.stderr, flush=True)
                    _die()

        def opened(self, *a, **k):
            init(self, *a, **k)
            self.db.set_trace_callback(traced)

        def translate_killed(self, texts):
            translating.append(True)
            try:
                return translate(self, texts)
            finally:
                translating.pop()

        state.State.__init__ = opened
        state.CachedTranslator.translate = translate_killed
    elif point == "briefing-write":
        names: dict[int, str] = {}

        def mkstemp(**k):
            fd, name = tempfile.mkstemp(**k)
            names[fd] = name
            return fd, name

        def fdopen(fd, *a, **k):
            f = os.fdopen(fd, *a, **k)
            return _HalfThenDie(f) if ".md." in Path(names.get(fd, "")).name else f

        store.tempfile = _Through(tempfile, mkstemp=mkstemp)
        store.os = _Through(os, fdopen=fdopen)
    elif point == "outbox":
        queue = deliver.Mailroom.queue

        def queue_killed(self, *a, **k):
            queue(self, *a, **k)
            _die()

        deliver.Mailroom.queue = queue_killed
    else:
        raise SystemExit(f"kill_at: no point {point!r}; choose from {', '.join(KILL_POINTS)}")
    main(args, prog_name="digest")


if __name__ == "__main__":
    kill_at(sys.argv[1], sys.argv[2:])
