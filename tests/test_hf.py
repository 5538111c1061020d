"""hf: backends on tiny T5 and MarianMT models the tests build themselves, loaded and run
through the same code as a model from the hub, driven through the CLI."""

import json
import re
import shutil

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from helpers import DATE, SEEDS, cli, dated_run, free_port
from models import build_marian, build_t5

from digest import __version__

SEED_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Models this small gain nothing from a second thread, and on a machine whose
    cores are busy (other tests, benches) torch's threads mostly wait on each other:
    a summary takes 0.3 s on one thread, 0.8 to 1.7 s on two."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def t5(tmp_path_factory):
    return build_t5(tmp_path_factory.mktemp("t5"), SEED_TEXT, initializer_factor=5.0)


@pytest.fixture(scope="session")
def marian(tmp_path_factory):
    return build_marian(tmp_path_factory.mktemp("marian"), SEED_TEXT, init_std=0.5)


@pytest.fixture(autouse=True)
def empty_hub(tmp_path, monkeypatch):
    """No model comes from the network or from the machine's own cache."""
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return tmp_path / "hub"


@pytest.mark.slow
def test_run_with_hf_models_gives_a_full_briefing(t5, marian, tmp_path):
    # --minutes 0: a random model's summaries are long, and would be fitted to ten minutes.
    result = dated_run(
        SEEDS, tmp_path, "--summarizer", f"hf:{t5}", "--translator", f"hf:{marian}", "--minutes", 0
    )
    assert result.exit_code == 0, result.output
    assert "13 stories from 14 articles in 5 files" in result.output
    md = (tmp_path / f"{DATE}.md").read_text()
    sections = [s for s in re.split(r"\n---\n", md) if re.match(r"\n## \d+\. ", s)]
    assert len(sections) == 10
    for section in sections:
        pt, title_en, en = re.search(
            r"^## .+\n\n(.+)\n\n> \*\*(.+)\*\*\n>\n> (.+)$", section, re.M
        ).groups()
        assert pt.strip() and title_en.strip() and en.strip()
        assert len(pt.split()) <= 60 + 1
    assert md.rstrip().endswith(
        f"*Resumos: hf:{t5} · tradução: hf:{marian} · digest {__version__}*"
    )
    # Not on a terminal: no progress bars, no library chatter; one line on long stories.
    assert result.stderr == (
        "digest: info: 10 of 10 stories are longer than the model's "
        "128-token input: each is summarized in parts (up to 16), then "
        "the parts' summaries together\n"
    )


@pytest.mark.slow
def test_batched_output_equals_one_at_a_time(t5, marian):
    """Padding, masks and each output cut at its own limit: a text's output does not
    depend on what else is in its batch."""

    def summaries(batch):
        result = cli(
            "summarize",
            *sorted(SEEDS.glob("00[1-4]_*.txt")),
            "--json",
            "-l",
            "pt",
            "--words",
            15,
            "--summarizer",
            f"hf:{t5}",
            "--batch-size",
            batch,
        )
        assert result.exit_code == 0, result.output
        return [json.loads(line)["summary"] for line in result.stdout.splitlines()]

    one, batched = summaries(1), summaries(8)
    assert len(one) == 4 and len(set(one)) >= 3  # the stories' summaries differ
    assert batched == one

    lines = SEED_TEXT.splitlines()[:24]

    def translated(batch):
        result = cli(
            "translate",
            "--translator",
            f"hf:{marian}",
            "--batch-size",
            batch,
            input="\n".join(lines) + "\n",
        )
        assert result.exit_code == 0, result.output
        return result.stdout.splitlines()

    one = translated(1)
    assert len(one) == len(lines) and len(set(one)) > 10
    assert translated(16) == one


def test_an_hf_translator_keeps_every_figure_too(marian):
    """Through the same path as Bergamot: this untrained model writes nonsense, but
    every figure comes out as the Portuguese states it, in English form, and no other."""
    result = cli(
        "translate",
        "--translator",
        f"hf:{marian}",
        input="A dívida chegou a US$ 666 bilhões, e 114 casos foram registrados "
        "às 22h13.\nO benefício pode chegar até R$ 4.340 por família.\n",
    )
    assert result.exit_code == 0, result.output
    debt, benefit = result.stdout.splitlines()
    assert "US$666 billion" in debt and "R$4,340" in benefit
    assert re.findall(r"\d+(?:[.,:]\d+)*", debt) == ["666", "114", "22:13"]
    assert re.findall(r"\d+(?:[.,:]\d+)*", benefit) == ["4,340"]


@pytest.mark.slow
def test_long_input_is_summarized_in_parts_not_cut(t5, tmp_path):
    from digest.backends import Options
    from digest.backends.hf import HFSummarizer

    seed = next(SEEDS.glob("000_*.txt"))
    result = cli("summarize", seed, "-l", "pt", "--summarizer", f"hf:{t5}")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r"digest: info: 10 of 10 stories are longer than the model's "
        r"128-token input: each is summarized in parts \(up to \d+\), then "
        r"the parts' summaries together\n",
        result.stderr,
    )
    # The parts hold every word of the text, in order, each within the model's input.
    summarizer = HFSummarizer(Options(model=str(t5)))
    text = "Primeira frase do texto. " * 5 + " ".join(
        f"A frase número {i} fala de um assunto diferente e importante." for i in range(80)
    )
    parts = summarizer.chunks(text)
    assert len(parts) > 3 and all(len(p) <= 128 for p in parts)
    decoded = " ".join(
        summarizer.engine.tokenizer.decode(p, skip_special_tokens=True).removeprefix("summarize: ")
        for p in parts
    )
    assert decoded.split() == text.split()


def test_missing_model_falls_back_and_says_so(tmp_path):
    name = "recogna-nlp/ptt5-base-summ-xlsum"
    result = dated_run(SEEDS, tmp_path, "-l", "pt", "--summarizer", f"hf:{name}")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"digest: warning: model '{name}' is not in the local cache (HF_HUB_OFFLINE is "
        f"set): run `digest models pull {name}` where huggingface.co is reachable, or give a "
        "local folder: hf:/path/to/model; using the embedded extractive instead\n"
    )
    md = (tmp_path / f"{DATE}.md").read_text()
    assert md.rstrip().endswith(
        f"*Nota: hf:{name} unavailable: summaries by the embedded extractive*"
    )
    assert f"*Resumos: extractive · digest {__version__}*" in md

    result = dated_run(
        SEEDS, tmp_path / "strict", "-l", "pt", "--summarizer", f"hf:{name}", "--strict"
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: model '{name}' is not in the local cache")
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "strict" / f"{DATE}.md").exists()


def test_download_failure_is_one_line(tmp_path, monkeypatch):
    port = free_port()  # on loopback, where nothing listens
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    result = cli("models", "pull", "Helsinki-NLP/opus-mt-ROMANCE-en")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: model 'Helsinki-NLP/opus-mt-ROMANCE-en' could not be downloaded ("
    )
    assert len(result.stderr.splitlines()) == 1


def test_a_hub_model_in_the_cache_is_found_offline(t5, empty_hub, tmp_path):
    """The cache layout huggingface_hub writes: refs/main names the snapshot."""
    name = "recogna-nlp/ptt5-base-summ-xlsum"
    repo = empty_hub / "models--recogna-nlp--ptt5-base-summ-xlsum"
    shutil.copytree(t5, repo / "snapshots" / "0123abc")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0123abc")

    listed = cli("models", "list").output
    assert re.search(rf"^\* {name} +summarize +223M +0\.9 GB +MIT +yes$", listed, re.M)
    assert re.search(r"^\* Helsinki-NLP/opus-mt-ROMANCE-en .* no$", listed, re.M)

    # A short article (one input, no parts): a random model writes to its limit.
    article = tmp_path / "article.txt"
    article.write_text(
        "Chuva forte alaga ruas de São Paulo\n\nUma chuva forte atingiu a "
        "cidade de São Paulo na manhã desta sexta-feira, alagando ruas da zona "
        "sul.\n"
    )
    result = cli(
        "summarize", article, "--json", "-l", "pt", "--words", 15, "--summarizer", f"hf:{name}"
    )
    assert result.exit_code == 0, result.output
    from_cache = json.loads(result.stdout)["summary"]
    direct = json.loads(
        cli(
            "summarize", article, "--json", "-l", "pt", "--words", 15, "--summarizer", f"hf:{t5}"
        ).stdout
    )["summary"]
    assert from_cache and from_cache == direct  # same weights, same prompt

    info = cli("models", "info", name).output
    assert f"location: {repo / 'snapshots' / '0123abc'}" in info
    assert "config: model_type t5, vocab_size" in info
    assert "prompt (summarize): 'summarize: {text}'" in info


@pytest.mark.slow
def test_a_prompt_file_replaces_the_models_prompt(t5, tmp_path):
    seed = next(SEEDS.glob("002_*.txt"))
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("Resuma a notícia: {text}\n")

    def summary(*more):
        result = cli("summarize", seed, "--json", "-l", "pt", "--summarizer", f"hf:{t5}", *more)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["summary"]

    assert summary("--summarizer-prompt", prompt) != summary()
    result = cli(
        "summarize", seed, "--summarizer", f"hf:{t5}", "--summarizer-prompt", tmp_path / "nope.txt"
    )
    assert result.exit_code == 2 and "nope.txt' does not exist" in result.stderr


def test_models_info_reads_a_folder_it_does_not_load(tmp_path, empty_hub):
    (tmp_path / "config.json").write_text(
        '{"model_type": "mt5", "d_model": 64, "architectures": ["MT5ForConditionalGeneration"]}'
    )
    assert cli("models", "info", tmp_path).output == (
        f"location: {tmp_path}\nconfig: model_type mt5, d_model 64\n"
        "prompt (summarize): 'summarize: {text}'\n"
    )
    name = "Helsinki-NLP/opus-mt-ROMANCE-en"
    assert cli("models", "info", name).output == (
        f"{name}: MarianMT, Romance languages (Portuguese among them) to English\n"
        "task translate, 76M parameters, 0.3 GB download, licence Apache-2.0\n"
        f"location: not cached (digest models pull {name})\nprompt (translate): '{{text}}'\n"
    )


def test_not_a_model_folder_is_a_clear_error(tmp_path):
    result = cli("summarize", next(SEEDS.glob("002_*.txt")), "--summarizer", f"hf:{tmp_path}")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path}: not a model folder (no config.json)\n"
