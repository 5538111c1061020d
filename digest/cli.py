"""The `digest` command line."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .config import SETTINGS, Config, langs_of
from .config import load as load_settings

# Which settings give which command's defaults (command-line options still win).
COMMAND_SETTINGS = {
    "run": (
        "out",
        "lang",
        "words",
        "top",
        "minutes",
        "follow",
        "summarizer",
        "translator",
        "format",
        "strict",
        "device",
        "batch_size",
        "summarizer_prompt",
        "translator_prompt",
    ),
    "send": ("out",),
    "summarize": (
        "words",
        "summarizer",
        "translator",
        "device",
        "batch_size",
        "summarizer_prompt",
        "translator_prompt",
    ),
    "translate": ("translator", "device", "batch_size", "translator_prompt"),
    "eval": ("summarizer", "device", "batch_size", "summarizer_prompt"),
    "install": ("out",),
}


# Settings whose option's parameter is named otherwise (`format` is a builtin).
PARAMETER = {"format": "format_"}


class _Stderr(logging.Handler):
    """One line per message on the current stderr: 'digest: warning: …'."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"digest: {record.levelname.lower()}: {record.getMessage()}", err=True)


def _setup_logging() -> None:
    log = logging.getLogger("digest")
    if not any(isinstance(h, _Stderr) for h in log.handlers):
        log.addHandler(_Stderr())
        log.setLevel(logging.INFO)
        log.propagate = False


def _langs(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    from .errors import DigestError

    try:
        return langs_of(value)
    except DigestError:
        raise click.BadParameter(f"{value!r}: use pt, en or pt,en") from None


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from None


F = TypeVar("F", bound=Callable[..., Any])


def _user_errors(fn: F) -> F:
    """Run a command body, turning DigestError into a one-line error and its exit status
    (1, or 3 when mail waits in the outbox, 4 when another run holds a folder)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .errors import DigestError

        try:
            return fn(*args, **kwargs)
        except DigestError as exc:
            # click reads a ClickException's exit status from its class.
            failure = type("Failure", (click.ClickException,), {"exit_code": exc.exit_code})
            raise failure(str(exc)) from None

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(__version__, prog_name="digest")
@click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="DIGEST_CONFIG",
    help="Settings file [default: digest.toml in your config folder].",
)
@click.pass_context
@_user_errors
def main(ctx: click.Context, config_path: Path | None) -> None:
    """Dated, bilingual (Portuguese + English) daily briefings from news articles."""
    _setup_logging()
    ctx.obj = cfg = load_settings(config_path)
    defaults: dict[str, Any] = {
        command: {
            PARAMETER.get(key, key): cfg[key] for key in keys if cfg.sources[key] != "default"
        }
        for command, keys in COMMAND_SETTINGS.items()
    }
    defaults["schedule"] = {"install": defaults.pop("install")}
    ctx.default_map = defaults


def _default(key: str) -> Any:
    return SETTINGS[key].default


def _setting(*names: str, key: str, **kwargs: Any) -> Callable[[F], F]:
    """An option whose default and help are those of the setting `key`."""
    return click.option(
        *names, default=_default(key), show_default=True, help=SETTINGS[key].help, **kwargs
    )


_words = _setting("--words", "-w", key="words", type=click.IntRange(10, 2000))
_summarizer = _setting("--summarizer", key="summarizer")
_translator = _setting("--translator", key="translator")
_out = _setting("--out", "-o", key="out", type=click.Path(path_type=Path, file_okay=False))


def _model_options(*roles: str) -> Callable[[F], F]:
    """--device, --batch-size, and a prompt file for each of `roles` ('summarizer',
    'translator'): what model backends take."""
    path = click.Path(path_type=Path, dir_okay=False, exists=True)
    options = [_setting(f"--{role}-prompt", key=f"{role}_prompt", type=path) for role in roles]
    options += [
        _setting("--batch-size", key="batch_size", type=click.IntRange(1, 4096)),
        _setting("--device", key="device"),
    ]

    def decorate(fn: F) -> F:
        for option in options:
            fn = option(fn)
        return fn

    return decorate


def _backend(kind: str, name: str, models: dict[str, Any], src: str = "pt", tgt: str = "en") -> Any:
    """The backend `name` with the model options a command was given."""
    from .backends import Options, load

    return load(
        kind,
        name,
        Options(
            src=src,
            tgt=tgt,
            device=models["device"],
            batch_size=models["batch_size"],
            prompt=models.get(f"{kind}_prompt"),
        ),
    )


def _lang_option(default: str) -> Callable[[F], F]:
    return click.option(
        "--lang",
        "-l",
        default=default,
        show_default=True,
        callback=_langs,
        help="Languages to show: pt, en or pt,en.",
    )


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--input",
    "-i",
    "more_inputs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="An article file or folder (repeatable; same as INPUTS).",
)
@click.option("--url", "urls", multiple=True, help="An article page to read (repeatable).")
@click.option("--feed", "feeds", multiple=True, help="An RSS/Atom feed to read (repeatable).")
@click.option("--date", "-d", callback=_date, help="Briefing date, YYYY-MM-DD [default: today].")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Include articles that went into earlier briefings too.",
)
@_out
@_lang_option(_default("lang"))
@_words
@_setting("--top", key="top", type=click.IntRange(0, None))
@_setting("--minutes", key="minutes", type=click.IntRange(0, None))
@_setting("--follow", key="follow", type=click.IntRange(0, 365))
@_summarizer
@_translator
@_setting("--format", "-f", "format_", key="format", type=click.Choice(SETTINGS["format"].choices))
@click.option("--send", is_flag=True, help="Email the briefing too (see `digest send`).")
@click.option("--force", is_flag=True, help="With --send: send even if DATE was sent before.")
@_setting("--strict", key="strict", is_flag=True)
@_model_options("summarizer", "translator")
@click.option(
    "--quiet", "-q", is_flag=True, help="No progress bars and no notes; warnings and errors only."
)
@click.pass_obj
@_user_errors
def run(
    cfg: Config,
    inputs: tuple[Path, ...],
    more_inputs: tuple[Path, ...],
    urls: tuple[str, ...],
    feeds: tuple[str, ...],
    date: dt.date,
    everything: bool,
    send: bool,
    force: bool,
    format_: str,
    lang: tuple[str, ...],
    quiet: bool,
    **settings: Any,
) -> None:
    """Write the briefing of what is new in INPUTS (files or folders), --url pages and
    --feed feeds (default: the inputs, urls and feeds settings, else seeds/) to
    OUT/YYYY-MM-DD.md, and with --send, email it.

    An article goes into one day's briefing: the first run that reads it, or a re-run of
    that day. Summaries and translations are kept, so a re-run is quick. On a terminal,
    a stage that takes more than two seconds shows its progress on stderr.
    """
    from . import progress
    from .errors import DigestError
    from .pipeline import run as run_digest

    if quiet:
        progress.quiet()
        logging.getLogger("digest").setLevel(logging.WARNING)

    try:
        result = run_digest(
            [*inputs, *more_inputs],
            urls=urls,
            feeds=feeds,
            date=date,
            everything=everything,
            send=send,
            force=force,
            settings=cfg,
            format=format_,
            lang=",".join(lang),
            **settings,
        )
    except DigestError as exc:
        if exc.result is not None:
            click.echo(str(exc.result))  # what was written, before what went wrong
        raise
    click.echo(str(result))
    for path, addresses in result.sent:
        click.echo(f"sent {path.stem} to {', '.join(addresses)}")


@main.command()
@click.option("--date", "-d", callback=_date, help="Briefing date, YYYY-MM-DD [default: today].")
@click.option("--to", "-t", multiple=True, help="Recipient (repeatable) [default: email.to].")
@_out
@click.option("--force", is_flag=True, help="Send even if the date was sent before.")
@click.option("--dry-run", "-n", is_flag=True, help="Say what would be sent; send nothing.")
@click.pass_obj
@_user_errors
def send(
    cfg: Config, date: dt.date, to: tuple[str, ...], out: Path, force: bool, dry_run: bool
) -> None:
    """Email the briefing OUT/DATE.eml, and first whatever waits in OUT/outbox/.

    A date already sent is not sent again unless --force, nor a briefing without stories
    unless email.send_empty. A message the server does not take stays in the outbox
    (exit status 3); the next send or scheduled run retries it.
    """
    from .deliver import recipients
    from .pipeline import send as send_digest

    done = send_digest(date, out=out, to=to, force=force, dry_run=dry_run, settings=cfg)
    if done.message is not None and dry_run:
        click.echo(
            f"would send {date} to {', '.join(recipients(done.message))}: {done.message['Subject']}"
        )
    for waiting in done.waiting:
        click.echo(f"would send {waiting} (waiting)")
    for sent, addresses in done.sent:
        click.echo(f"sent {sent.stem} to {', '.join(addresses)}")


@main.group()
def schedule() -> None:
    """The daily run in your crontab: install, show, remove."""


_tabfile = click.option(
    "--tabfile",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Edit this crontab file instead of your crontab.",
)


@schedule.command()
@click.option("--at", "at", required=True, help="Time of day, HH:MM (24-hour, local time).")
@click.option("--send", is_flag=True, help="Email the briefing on each run.")
@click.option(
    "--input",
    "-i",
    "inputs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Article folder the run reads (repeatable) [default: inputs setting].",
)
@_out
@click.option(
    "--log",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Log file the run appends to [default: OUT/digest.log].",
)
@_tabfile
@click.pass_obj
@_user_errors
def install(
    cfg: Config,
    at: str,
    send: bool,
    inputs: tuple[Path, ...],
    out: Path,
    log: Path | None,
    tabfile: Path | None,
) -> None:
    """Run `digest run` every day at --at; installing again replaces the entry."""
    from . import schedule as cron
    from .errors import DigestError

    try:
        when = dt.time.fromisoformat(at)
    except ValueError:
        raise DigestError(f"--at {at!r}: use HH:MM, e.g. 07:00") from None
    if not inputs and not cfg["inputs"]:
        raise DigestError(f"say which articles to read: --input DIR, or inputs in {cfg.path}")
    config = cfg.path if cfg.path.exists() else None
    log = log or out / "digest.log"
    # The templates folder DIGEST_TEMPLATES gives goes into the line; the file's, with it.
    templates = cfg["templates"] if cfg.sources["templates"] == "DIGEST_TEMPLATES" else None
    # cron.command refuses what a crontab line cannot carry.
    line = cron.command(inputs, out, log, config, send, templates)
    log.parent.mkdir(parents=True, exist_ok=True)  # the shell opens it before digest starts
    click.echo(cron.install(when, line, tabfile))


@schedule.command()
@_tabfile
@_user_errors
def show(tabfile: Path | None) -> None:
    """Print the digest entry, if there is one."""
    from . import schedule as cron

    entries = cron.show(tabfile)
    click.echo("\n".join(entries) if entries else "no digest entry")


@schedule.command()
@_tabfile
@_user_errors
def remove(tabfile: Path | None) -> None:
    """Remove the digest entry."""
    from . import schedule as cron

    click.echo("removed the digest entry" if cron.remove(tabfile) else "no digest entry")


def _table(rows: Sequence[Sequence[str]]) -> None:
    """Print rows as columns, the first row a header."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


@main.command("backends")
@_user_errors
def backends_() -> None:
    """The installed summarizers and translators, and the package that provides each."""
    from .backends import registered, takes_model, why

    rows = [("kind", "name", "provided by")]
    for kind in ("summarizer", "translator"):
        for name, entry in registered(kind).items():
            dist = entry.dist
            try:
                named, broken = f"{name}:MODEL" if takes_model(entry.load()) else name, ""
            except Exception as exc:  # a plugin that cannot be imported: listed, with why
                named, broken = name, f": cannot be loaded ({why(exc)})"
            rows.append(
                (
                    kind,
                    named,
                    entry.value + (f" ({dist.name} {dist.version})" if dist else "") + broken,
                )
            )
    _table(rows)


@main.group()
def models() -> None:
    """Seq2seq models for --summarizer hf:NAME and --translator hf:NAME."""


@models.command("list")
def models_list() -> None:
    """The recommended models, their size and licence, and whether they are cached."""
    from .backends.hf import MODELS, cached

    _table(
        [("model", "task", "params", "download", "licence", "cached")]
        + [
            (
                ("* " if m.default else "  ") + m.name,
                m.task,
                m.params,
                m.size,
                m.licence,
                "yes" if cached(m.name) else "no",
            )
            for m in MODELS.values()
        ]
    )
    click.echo(
        "* the default for its task. Use one as --summarizer hf:NAME or --translator hf:NAME."
    )


@models.command()
@click.argument("name")
@_user_errors
def pull(name: str) -> None:
    """Download NAME into the Hugging Face cache, for use offline."""
    from .backends.hf import pull as download

    click.echo(download(name))


@models.command()
@click.argument("name")
@_user_errors
def info(name: str) -> None:
    """What is known of NAME: its card entry, where it is, its shape and its prompt."""
    from .backends.hf import model_info

    model = model_info(name)
    if model.known:
        click.echo(f"{name}: {model.known.note}")
        click.echo(
            f"task {model.known.task}, {model.known.params} parameters, "
            f"{model.known.size} download, licence {model.known.licence}"
        )
    click.echo(f"location: {model.location or 'not cached (digest models pull ' + name + ')'}")
    if model.shape is not None:
        click.echo("config: " + ", ".join(f"{k} {v}" for k, v in model.shape.items()))
    elif model.location:
        click.echo("config: none (no config.json: not a model folder)")
    click.echo(f"prompt ({model.task}): {model.prompt!r}")


@main.group("config")
def config_() -> None:
    """The effective settings."""


@config_.command("show")
@click.pass_obj
def config_show(cfg: Config) -> None:
    """Print every setting, its value (secrets masked) and where it came from."""
    state = "" if cfg.path.exists() else " (not found: built-in defaults)"
    click.echo(f"# {cfg.path}{state}")
    for line in cfg.show():
        click.echo(line)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@_words
@_lang_option("pt")
@_summarizer
@_translator
@_model_options("summarizer", "translator")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per story, a line each.")
@_user_errors
def summarize(
    files: tuple[Path, ...],
    words: int,
    lang: tuple[str, ...],
    summarizer: str,
    translator: str,
    as_json: bool,
    **models: Any,
) -> None:
    """Summarize article FILES (or standard input), cleaned as `digest run` cleans them.

    A file that holds several stories gives one summary per story.
    """
    import json
    import sys

    from .errors import DigestError
    from .ingest import decode
    from .model import Story
    from .pipeline import articles_of
    from .summarize import summaries_of
    from .translate import translate_stories

    engine = _backend("summarizer", summarizer, models)
    english = _backend("translator", translator, models) if "en" in lang else None
    for path in files or (Path("-"),):
        name = "<stdin>" if str(path) == "-" else str(path)
        try:
            data = sys.stdin.buffer.read() if name == "<stdin>" else path.read_bytes()
        except OSError as exc:
            raise DigestError(f"{path}: cannot read ({exc.strerror or exc})") from None
        text = decode(data, name)
        stories = [Story([a]) for a in articles_of(text, path)] if text is not None else []
        if not stories:
            raise DigestError(f"{name}: no article text to summarize")
        for story, summary in zip(stories, summaries_of(engine, stories, words), strict=True):
            story.summary = summary
        if english:
            translate_stories(stories, english)
        for story in stories:
            if as_json:
                click.echo(
                    json.dumps(
                        {
                            "input": name,
                            "title": story.title,
                            "summary": story.summary,
                            "title_en": story.title_en,
                            "summary_en": story.summary_en,
                            "words": len(story.summary.split()),
                            "words_en": len(story.summary_en.split()) if story.summary_en else None,
                            "lang": story.lang,
                        },
                        ensure_ascii=False,
                    )
                )
                continue
            parts = []
            if "pt" in lang or not story.summary_en:
                parts += [story.title, story.summary]
            if "en" in lang and story.summary_en and story.title_en:
                parts += [story.title_en, story.summary_en]
            parts += [f"[{note}]" for note in story.notes]
            click.echo("\n\n".join(parts) + "\n")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@_translator
@click.option("--src", default="pt", show_default=True, help="Language of the input.")
@click.option("--tgt", default="en", show_default=True, help="Language of the output.")
@_model_options("translator")
@_user_errors
def translate(files: tuple[Path, ...], translator: str, src: str, tgt: str, **models: Any) -> None:
    """Translate FILES (or standard input) line for line: N lines in, N lines out.

    Blank lines stay blank and each line is translated on its own (split into sentences
    and joined again), so the output stays aligned with its source. Output streams.
    """
    import sys
    from typing import BinaryIO

    from .backends import why
    from .errors import DigestError
    from .ingest import read_lines
    from .translate import translate_lines

    engine = _backend("translator", translator, models, src, tgt)
    for path in files or (Path("-"),):
        stream: BinaryIO
        if str(path) == "-":
            stream, name = sys.stdin.buffer, "<stdin>"
        else:
            try:
                stream, name = path.open("rb"), str(path)
            except OSError as exc:
                raise DigestError(f"{path}: cannot read ({exc.strerror or exc})") from None
        with stream:
            try:
                for line in translate_lines(read_lines(stream, name), engine):
                    click.echo(line)
                    sys.stdout.flush()
            except (DigestError, OSError):
                raise
            except Exception as exc:  # a plugin's failure, as one line naming it
                raise DigestError(f"translator {engine.name} failed ({why(exc)})") from None


@main.command("eval")
@click.argument("corpus", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--words",
    "-w",
    type=click.IntRange(10, 2000),
    default=120,
    show_default=True,
    help="Word budget of each summary.",
)
@_summarizer
@click.option(
    "--save-summaries",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write every summary under this folder, to rescore elsewhere.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
@_model_options("summarizer")
@_user_errors
def eval_(
    corpus: Path,
    words: int,
    summarizer: str,
    save_summaries: Path | None,
    as_json: bool,
    **models: Any,
) -> None:
    """Score summaries (ROUGE F1) and story clustering (B-cubed) on a CORPUS folder."""
    import dataclasses
    import json
    import time

    from .evaluate import evaluate

    t0 = time.perf_counter()
    report = evaluate(corpus, _backend("summarizer", summarizer, models), words, save_summaries)
    seconds = time.perf_counter() - t0
    if as_json:
        click.echo(
            json.dumps(dataclasses.asdict(report) | {"words": words, "seconds": round(seconds, 2)})
        )
        return
    c = report.counts
    click.echo(
        f"{corpus}: {c['articles']} articles, {c['stories']} stories, "
        f"--words {words}, {summarizer}, {seconds:.1f} s"
    )
    click.echo(f"{'':40}{'ROUGE-1':>9}{'ROUGE-2':>9}{'ROUGE-L':>9}")
    for system, label in EVAL_ROWS:
        scores = report.rouge.get(system)
        if scores:
            click.echo(
                f"{label:40}" + "".join(f"{scores[k]:9.3f}" for k in ("rouge1", "rouge2", "rougeL"))
            )
    b = report.clustering
    click.echo(
        f"grouping (B-cubed): precision {b['precision']:.3f}, "
        f"recall {b['recall']:.3f}, F1 {b['f1']:.3f}"
    )
    s = report.splitting
    if s["pages"]:
        click.echo(
            f"splitting: {s['pages_exact']} of {s['pages']} pages glued from 3-4 "
            f"articles came apart exactly; {s['articles_whole']} of {s['articles']} "
            "articles stayed whole"
        )


EVAL_ROWS = (
    ("single", "single-document"),
    ("single_lead", "  lead (first sentences)"),
    ("single_lead_budget", "  lead, at digest's length budget"),
    ("multi", "multi-document"),
    ("multi_round_robin", "  round robin of the articles' leads"),
    ("multi_lead", "  lead of the first article"),
)
