"""Backends come from entry points, as a third-party plugin's would: a fake plugin,
installed as a distribution's metadata on the path and nowhere else, is listed by
`digest backends` and used by `digest run`."""

import subprocess
import sys

import pytest
from helpers import DATE, SEEDS, cli

PLUGIN = '''
class Shout:
    """Summarizes a story as its headline, in capitals, in the style its settings'
    table ([backends.shout] in digest.toml) gives."""

    def __init__(self, options):
        self.name = "shout"
        self.settings = options.settings.get("style", "!")  # part of the cache key

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
    (info / "entry_points.txt").write_text(
        "[digest.summarizers]\nshout = digest_shout:Shout\n\n"
        "[digest.translators]\necho = digest_shout:Echo\n"
    )
    return tmp_path


SEED = SEEDS / "002_92a03ea6e66c8f79.txt"


def run_seed(plugins, out, *options, **env) -> subprocess.CompletedProcess:
    """`digest run` on one seed for the tests' date, into `out`, with the distributions
    in the folder `plugins` installed (`digest_with`)."""
    return digest_with(plugins, "run", SEED, "-d", DATE, "-o", out, *options, **env)


def digest_with(plugins, *args, input=None, **env) -> subprocess.CompletedProcess:
    """`digest ARGS`, in this process, with the distributions in the folder `plugins` on
    the path as if installed there: importlib.metadata finds their entry points as it
    finds pip's. Their modules and the list of backends are forgotten after."""
    from digest import backends

    sys.path.insert(0, str(plugins))
    backends.registered.cache_clear()
    try:
        result = cli(*args, input=input, env=env)
    finally:
        sys.path.remove(str(plugins))
        backends.registered.cache_clear()
        for name in [m for m in sys.modules if m.startswith(("digest_shout", "digest_broken"))]:
            del sys.modules[name]
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def test_digest_backends_lists_the_built_in_ones_and_the_plugins(plugin):
    done = digest_with(plugin, "backends")
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines()]
    assert rows[0] == ["kind", "name", "provided", "by"]
    names = {(r[0], r[1]): " ".join(r[2:]) for r in rows[1:]}
    assert names[("summarizer", "shout")] == "digest_shout:Shout (digest-shout 0.1)"
    assert names[("translator", "echo")] == "digest_shout:Echo (digest-shout 0.1)"
    # The built-in ones are registered the same way, by digest's own metadata.
    for kind, name, value in (
        ("summarizer", "extractive", "extractive:Extractive"),
        ("summarizer", "hf:MODEL", "hf:HFSummarizer"),
        ("translator", "bergamot", "bergamot:Bergamot"),
        ("translator", "hf:MODEL", "hf:HFTranslator"),
    ):
        assert names[(kind, name)].startswith(f"digest.backends.{value} (digest ")


def test_a_plugin_summarizes_and_translates_a_run(plugin, tmp_path):
    run = ("run", SEED, "-d", DATE, "-o", tmp_path / "out")
    backends = ("--summarizer", "shout", "--translator", "echo")
    done = digest_with(plugin, *run, *backends)
    assert done.returncode == 0, done.stderr
    md = (tmp_path / "out" / f"{DATE}.md").read_text()
    assert "\nKIM JONG-UN PROMETE FAZER ‘TUDO PARA AJUDAR’ A RÚSSIA APÓS REUNIÃO COM PUTIN!\n" in md
    assert "> **\\[pt-en\\] Kim Jong-un promete" in md  # the options reached it: src, tgt
    assert "*Resumos: shout · tradução: echo · digest " in md
    # What the backend says of its settings is part of the cache key: another style is
    # summarized afresh, not taken from the cache.
    settings = tmp_path / "digest.toml"
    settings.write_text('[backends.shout]\nstyle = "?!"\n')
    again = digest_with(plugin, *run, *backends, DIGEST_CONFIG=str(settings))
    assert again.returncode == 0 and "summaries from the cache" not in again.stdout
    assert "REUNIÃO COM PUTIN?!" in (tmp_path / "out" / f"{DATE}.md").read_text()


def test_an_unknown_backend_names_those_installed(plugin):
    done = digest_with(plugin, "run", "--summarizer", "magic")
    assert done.returncode == 1
    assert done.stderr == (
        "Error: unknown summarizer 'magic': choose from extractive, hf:MODEL, shout\n"
    )


BROKEN = '''
class Raises:
    name, settings = "raises", ""

    def __init__(self, options):
        pass

    def summarize(self, stories, words):
        raise ValueError("the model server said no")


class Nothing(Raises):
    name = "nothing"

    def summarize(self, stories, words):
        return None


class Fewer(Raises):
    name = "fewer"

    def summarize(self, stories, words):
        return [s.title for s in stories][1:]


class Numbers(Raises):
    name = "numbers"

    def summarize(self, stories, words):
        return [42 for _ in stories]


class Flood(Raises):
    """16 MB a story, on many lines, some of them Markdown headings and list items."""
    name = "flood"

    def summarize(self, stories, words):
        line = "Uma frase longa repetida sem parar. "
        return ["# Manchete falsa\\n- item\\n" + line * (16 * 2**20 // len(line))
                for _ in stories]


class FailsToStart(Raises):
    def __init__(self, options):
        raise OSError("no GPU here")


class NoMethod:
    def __init__(self, options):
        self.name = "nomethod"


class Garbled:
    name, settings = "garbled", ""

    def __init__(self, options):
        pass

    def translate(self, texts):
        return texts[1:]
'''
FAILING = {
    "raises": "summarizer raises failed (ValueError: the model server said no)",
    "nothing": "summarizer nothing gave NoneType for 1 story",
    "fewer": "summarizer fewer gave 0 summaries for 1 story",
    "numbers": "summarizer numbers gave a int, not a string, as a summary",
    "starts": "summarizer starts (digest_broken:FailsToStart from digest-broken 0.1) "
    "could not be built: OSError: no GPU here",
    "nomethod": "summarizer nomethod (digest_broken:NoMethod from digest-broken 0.1) is "
    "no summarizer: it has no name or no summarize() method",
    "missing": "summarizer 'missing' (digest_missing:Gone from digest-broken 0.1) cannot "
    "be loaded: ModuleNotFoundError: No module named 'digest_missing'",
}
LOAD_TIME = {"starts", "nomethod", "missing"}


@pytest.fixture
def broken(tmp_path):
    """A distribution 'digest-broken' of summarizers that fail in every way a plugin can:
    they raise, give None, too few summaries, numbers or 16 MB, cannot start, have no
    summarize(), or live in a module that is not there."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "digest_broken.py").write_text(BROKEN)
    info = folder / "digest_broken-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: digest-broken\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[digest.summarizers]\nraises = digest_broken:Raises\nnothing = digest_broken:Nothing\n"
        "fewer = digest_broken:Fewer\nnumbers = digest_broken:Numbers\n"
        "flood = digest_broken:Flood\nstarts = digest_broken:FailsToStart\n"
        "nomethod = digest_broken:NoMethod\nmissing = digest_missing:Gone\n\n"
        "[digest.translators]\ngarbled = digest_broken:Garbled\n"
    )
    return folder


def test_a_plugin_that_cannot_be_imported_is_listed_with_why(broken):
    done = digest_with(broken, "backends")
    assert done.returncode == 0, done.stderr
    (row,) = [line for line in done.stdout.splitlines() if " missing " in line]
    assert row.split(None, 2)[2] == (
        "digest_missing:Gone (digest-broken 0.1): cannot be "
        "loaded (ModuleNotFoundError: No module named "
        "'digest_missing')"
    )


@pytest.mark.parametrize("name", FAILING)
def test_a_failing_summarizer_plugin_falls_back_with_a_note(broken, tmp_path, name):
    out = tmp_path / "out"
    done = run_seed(broken, out, "-l", "pt", "--summarizer", name)
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"digest: warning: {FAILING[name]}; using the embedded extractive instead\n"
    )
    md = (out / f"{DATE}.md").read_text()
    how = "unavailable" if name in LOAD_TIME else "failed"
    assert f"*Nota: {name} {how}: summaries by the embedded extractive*" in md
    assert "*Resumos: extractive · digest " in md
    assert "O norte-coreano falou em um 'dever fraternal'" in md  # the extractive's summary


# --strict takes one path for every plugin that fails at run time, one for every plugin
# that fails to load: one of each.
@pytest.mark.parametrize("name", ["raises", "missing"])
def test_with_strict_a_failing_summarizer_plugin_stops_the_run(broken, tmp_path, name):
    strict = run_seed(broken, tmp_path, "-l", "pt", "--summarizer", name, "--strict")
    assert (strict.returncode, strict.stderr) == (1, f"Error: {FAILING[name]}\n")
    assert not (tmp_path / f"{DATE}.md").exists()


def _corpus(folder):
    """A corpus of one story: a seed article and a reference summary of it."""
    story = folder / "corpus" / "c01"
    story.mkdir(parents=True)
    text = (SEEDS / "002_92a03ea6e66c8f79.txt").read_text(encoding="utf-8")
    (story / "d1.txt").write_text(text)
    (story / "d1.reference.txt").write_text(text[:400])
    return story.parent


def test_a_summarizer_plugin_is_held_to_the_budget_and_to_one_line(broken, tmp_path):
    done = run_seed(broken, tmp_path, "-l", "pt", "--summarizer", "flood", "--words", "20")
    assert done.returncode == 0, done.stderr
    md = (tmp_path / f"{DATE}.md").read_text()
    # Its lines joined into one paragraph: no heading or list item of its own.
    assert "\n# Manchete falsa" not in md and "\n- item" not in md
    summary = md.split("\n## 1. ")[1].split("\n\n")[1]  # under the story's headline
    assert summary.startswith("\\# Manchete falsa - item Uma frase")
    assert len(summary.split()) <= 20 and len(md) < 5000
    shown = digest_with(broken, "summarize", SEED, "--summarizer", "flood", "--words", "20")
    assert shown.returncode == 0, shown.stderr
    _, summary = shown.stdout.strip().split("\n\n")
    assert summary.startswith("# Manchete falsa - item Uma frase") and len(summary.split()) <= 20
    scored = digest_with(
        broken, "eval", _corpus(tmp_path), "--summarizer", "flood", "--json", "--words", "20"
    )
    assert scored.returncode == 0, scored.stderr


@pytest.mark.parametrize("command", ["summarize", "eval"])
def test_a_failing_summarizer_plugin_is_one_line_in_summarize_and_eval(broken, tmp_path, command):
    what = SEEDS / "002_92a03ea6e66c8f79.txt" if command == "summarize" else _corpus(tmp_path)
    done = digest_with(broken, command, what, "--summarizer", "fewer")
    assert (done.returncode, done.stderr) == (1, f"Error: {FAILING['fewer']}\n")


def test_a_failing_translator_plugin_costs_its_stories_or_is_one_line(broken, tmp_path):
    done = run_seed(broken, tmp_path, "--translator", "garbled")
    assert done.returncode == 0, done.stderr
    assert "English translation unavailable" in (tmp_path / f"{DATE}.md").read_text()
    done = digest_with(broken, "translate", "--translator", "garbled", input="Olá.\nTchau.\n")
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("Error: translator garbled failed (ValueError: zip() ")
