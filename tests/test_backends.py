"""Backends come from entry points, as a third-party plugin's would: a fake plugin,
installed as a distribution's metadata on the path and nowhere else, is listed by
`digest backends` and used by `digest run`."""
import os
import subprocess
import sys

import pytest
from conftest import ROOT, SEEDS

PLUGIN = '''
import os


class Shout:
    """Summarizes a story as its headline, in capitals, in the style $SHOUT_STYLE."""

    def __init__(self, options):
        self.name = "shout"
        self.settings = os.environ.get("SHOUT_STYLE", "!")  # part of the cache key

    def summarize(self, stories, words):
        return [s.title.upper() + self.settings for s in stories]


class Echo:
    """Translates by echoing, marked, in the direction it was asked for."""

    def __init__(self, options):
        self.name = "echo"
        self.settings = f"{options.src}-{options.tgt}"

    def translate(self, texts):
        return [f"[{self.settings}] {t}" if t.strip() else t for t in texts]
'''


@pytest.fixture
def plugin(tmp_path):
    """The folder of a distribution 'digest-shout' that registers a summarizer and a
    translator: a module and its .dist-info with entry_points.txt."""
    (tmp_path / "digest_shout.py").write_text(PLUGIN)
    info = tmp_path / "digest_shout-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: digest-shout\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[digest.summarizers]\nshout = digest_shout:Shout\n\n"
                                           "[digest.translators]\necho = digest_shout:Echo\n")
    return tmp_path


def digest_process(plugin, *args, **env):
    return subprocess.run([sys.executable, "-m", "digest", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(plugin), **env})


def test_digest_backends_lists_the_built_in_ones_and_the_plugins(plugin):
    done = digest_process(plugin, "backends")
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines()]
    assert rows[0] == ["kind", "name", "provided", "by"]
    names = {(r[0], r[1]): " ".join(r[2:]) for r in rows[1:]}
    assert names[("summarizer", "shout")] == "digest_shout:Shout (digest-shout 0.1)"
    assert names[("translator", "echo")] == "digest_shout:Echo (digest-shout 0.1)"
    # The built-in ones are registered the same way, by digest's own metadata.
    assert names[("summarizer", "extractive")].startswith("digest.summarize:Extractive (digest ")
    assert names[("summarizer", "hf:MODEL")].startswith("digest.hf:HFSummarizer (digest ")
    assert names[("translator", "bergamot")].startswith("digest.translate:Bergamot (digest ")


def test_a_plugin_summarizes_and_translates_a_run(plugin, tmp_path):
    seed = SEEDS / "002_92a03ea6e66c8f79.txt"
    done = digest_process(plugin, "run", seed, "-d", "2026-11-22", "-o", tmp_path / "out",
                          "--summarizer", "shout", "--translator", "echo")
    assert done.returncode == 0, done.stderr
    md = (tmp_path / "out" / "2026-11-22.md").read_text()
    assert "\nKIM JONG-UN PROMETE FAZER ‘TUDO PARA AJUDAR’ A RÚSSIA APÓS REUNIÃO COM PUTIN!\n" in md
    assert "> **\\[pt-en\\] Kim Jong-un promete" in md  # the options reached it: src, tgt
    assert "*Resumos: shout · tradução: echo · digest " in md
    # What the backend says of its settings is part of the cache key: another style is
    # summarized afresh, not taken from the cache.
    again = digest_process(plugin, "run", seed, "-d", "2026-11-22", "-o", tmp_path / "out",
                           "--summarizer", "shout", "--translator", "echo", SHOUT_STYLE="?!")
    assert again.returncode == 0 and "summaries from the cache" not in again.stdout
    assert "REUNIÃO COM PUTIN?!" in (tmp_path / "out" / "2026-11-22.md").read_text()


def test_an_unknown_backend_names_those_installed(plugin):
    done = digest_process(plugin, "run", "--summarizer", "magic")
    assert done.returncode == 1
    assert done.stderr == ("Error: unknown summarizer 'magic': choose from extractive, "
                           "hf:MODEL, shout\n")
