"""Day-over-day runs: each briefing holds what is new; re-running a day reproduces it;
HTML pages, URLs and feeds from a real HTTP server on 127.0.0.1; kept state."""

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys

import pytest
from helpers import (
    KILL_POINTS,
    PORT_STRIKE,
    RAIN,
    ROOT,
    SEEDS,
    VACCINE,
    Inbox,
    atom,
    briefing,
    cli,
    page,
    rss,
    titles,
)
from site_server import slow

SEED = {p.name[:3]: p for p in SEEDS.glob("*.txt")}


FETCH = "[fetch]\ntimeout = 1\nretries = 1\nmax_mb = 1\n"  # for the site fixture


def test_each_day_holds_what_is_new_and_a_rerun_reproduces_it(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    for key in ("002", "003"):
        shutil.copy(SEED[key], inbox)
    first = cli("run", inbox, "-d", "2026-11-21", "-o", out, "-l", "pt")
    assert first.exit_code == 0 and "(2 stories from 2 articles in 2 files)" in first.stdout
    day1 = briefing(out, "2026-11-21")

    shutil.copy(SEED["001"], inbox)
    shutil.copy(SEED["003"], inbox / "the-same-article-again.txt")
    second = cli("run", inbox, "-d", "2026-11-22", "-o", out, "-l", "pt")
    assert second.exit_code == 0, second.output
    assert "(1 story from 1 article in 1 file)" in second.stdout
    assert second.stderr == (
        "digest: info: 2 articles read went into earlier briefings and "
        "are left out (--all includes them)\n"
    )
    assert titles(briefing(out, "2026-11-22")) == [
        'Putin e líder norte-coreano prometem "reforçar cooperação" antes da cúpula Rússia-EUA'
    ]

    # Re-running a day gives the same briefing, byte for byte, from the cache.
    again = cli("run", inbox, "-d", "2026-11-21", "-o", out, "-l", "pt")
    assert again.exit_code == 0 and "2 summaries from the cache" in again.stdout
    assert briefing(out, "2026-11-21") == day1
    # Nothing new: an empty briefing, and no word of unreadable inputs.
    quiet = cli("run", inbox, "-d", "2026-11-23", "-o", out, "-l", "pt")
    assert "(0 stories from 0 articles in 0 files)" in quiet.stdout
    assert quiet.stderr == (
        "digest: info: 3 articles read went into earlier briefings and "
        "are left out (--all includes them)\n"
    )
    # --all takes everything read so far.
    every = cli("run", inbox, "-d", "2026-11-23", "-o", out, "-l", "pt", "--all")
    assert "(3 stories from 3 articles in 3 files" in every.stdout


def test_an_article_read_again_from_elsewhere_is_the_one_first_recorded(tmp_path):
    """The same text from a second file, in one run or a later one, is one article: the
    one first read, with its path and outlet, whichever the run holds in memory."""
    import datetime as dt
    from pathlib import Path

    from digest.model import Article
    from digest.state import State

    day = dt.date(2026, 11, 21)
    first = Article("Greve no porto", ("Os estivadores pararam.",), Path("a.txt"))
    copy = Article("Greve no porto", ("Os estivadores pararam.",), Path("b.txt"), outlet="X")
    other = Article("Chuva forte", ("Choveu muito.",), Path("c.txt"))
    with State(tmp_path) as state:
        added = state.add([first, copy])
        assert list(added.values()) == [first]
        assert state.for_briefing(day, added=added) == [first]
    with State(tmp_path) as state:  # a later run, before the day's briefing is made
        added = state.add([copy, other])
        assert list(added.values()) == [other]
        assert state.for_briefing(day, added=added) == [first, other]


def test_a_warm_rerun_makes_no_summary_or_translation(tmp_path):
    out = tmp_path / "out"
    cold = cli("run", SEEDS, "-d", "2026-11-22", "-o", out)
    assert cold.exit_code == 0 and "from the cache" not in cold.stdout
    md = briefing(out, "2026-11-22")
    warm = cli("run", SEEDS, "-d", "2026-11-22", "-o", out)
    # Ten stories in full (summaries and their translations, and the seven lines in
    # brief cut from a long lede), three headlines.
    assert warm.stdout.endswith(
        "(13 stories from 14 articles in 5 files; 10 summaries from "
        "the cache; 47 translations from the cache)\n"
    )
    assert briefing(out, "2026-11-22") == md


def test_a_first_run_says_nothing_is_from_the_cache(tmp_path):
    """What a run made and asked for again (here the headline two events share, one in
    full and one in the list) is not "from the cache": that is an earlier run's."""
    pages, out = tmp_path / "in", tmp_path / "out"
    pages.mkdir()
    for name, seed in (("a", 0), ("b", 2)):
        body = sorted(SEEDS.glob("*.txt"))[seed].read_text().split("\n\n")[1:4]
        (pages / f"{name}.txt").write_text("\n\n".join(["Notícias da manhã", *body]))
    cold = cli("run", pages, "-d", "2026-11-22", "-o", out, "--top", 1)
    assert cold.stdout == f"{out}/2026-11-22.md (2 stories from 2 articles in 2 files)\n"
    warm = cli("run", pages, "-d", "2026-11-22", "-o", out, "--top", 1)
    assert warm.stdout.endswith("1 summary from the cache; 4 translations from the cache)\n")


def test_pages_and_feeds_from_a_local_server(site, tmp_path):
    site.routes = {
        "/rain.html": RAIN,
        "/vaccine.html": VACCINE,
        "/port.html": PORT_STRIKE,
        "/feed.xml": rss(f"{site.url}/rain.html", "/vaccine.html"),
        "/atom.xml": atom(f"{site.url}/vaccine.html", f"{site.url}/port.html"),
        "/broken.xml": b"<rss><channel><item><title>oops</titl",
        "/gone.html": 404,
        "/error.html": 500,
        "/slow.html": slow(RAIN),
        "/big.html": b"<p>" + b"x" * (2 * 2**20) + b"</p>",
    }
    out = tmp_path / "out"
    feeds = [x for f in ("feed", "atom") for x in ("--feed", f"{site.url}/{f}.xml")]
    result = cli(
        *("run", "-d", "2026-11-21", "-o", out, "-l", "pt", *feeds),
        *("--feed", f"{site.url}/broken.xml"),
        *[x for u in ("gone", "error", "slow", "big") for x in ("--url", f"{site.url}/{u}.html")],
    )
    assert result.exit_code == 0, result.output
    warnings = sorted(result.stderr.splitlines())
    assert warnings == sorted(
        [
            f"digest: warning: {site.url}/broken.xml: not an RSS or Atom feed with links "
            "(unclosed token at line 2, column 31)",
            f"digest: warning: {site.url}/gone.html: HTTP 404 Not Found",
            f"digest: warning: {site.url}/error.html: HTTP 500 Internal Server Error "
            "(tried 2 times)",
            f"digest: warning: {site.url}/slow.html: timed out (tried 2 times)",
            f"digest: warning: {site.url}/big.html: larger than 1 MB, skipped",
        ]
    ), result.stderr
    md = briefing(out, "2026-11-21")
    # vaccine.html is in both feeds: read once, one story.
    assert sorted(titles(md)) == [
        "Chuva forte alaga ruas de São Paulo nesta sexta-feira",
        "Greve de estivadores paralisa o porto de Santos pelo segundo dia",
        "Ministério amplia vacinação contra a gripe para todas as idades",
    ]
    assert site.hits.count("/vaccine.html") == 1
    for junk in (
        "Início",
        "Publicidade",
        "Leia também",
        "Trânsito tem lentidão",
        "Todos os direitos",
    ):
        assert junk not in md
    # The outlet from the page's metadata, linked to the page; its date.
    assert f"Fonte (21/11/2026): [Jornal Exemplo](<{site.url}/rain.html>)" in md

    # Day two: the feeds gained one article; only it is new. The old pages are not
    # fetched again, and day one can be made again with the server gone.
    site.routes["/feed.xml"] = rss(f"{site.url}/rain.html", "/vaccine.html", "/new.html")
    site.routes["/new.html"] = page(
        "Metrô de São Paulo terá nova linha até 2030",
        [
            "O governo de São Paulo anunciou nesta sábado (22) a construção de uma nova linha "
            "de metrô ligando a zona leste ao centro, com entrega prevista para 2030."
        ],
    )
    site.hits.clear()
    result = cli("run", "-d", "2026-11-22", "-o", out, "-l", "pt", *feeds)
    assert result.exit_code == 0, result.output
    assert titles(briefing(out, "2026-11-22")) == ["Metrô de São Paulo terá nova linha até 2030"]
    assert sorted(site.hits) == ["/atom.xml", "/feed.xml", "/new.html"]
    day1 = briefing(out, "2026-11-21")
    site.close()
    result = cli("run", "-d", "2026-11-21", "-o", out, "-l", "pt", "--feed", f"{site.url}/feed.xml")
    assert result.exit_code == 0
    assert "feed.xml: " in result.stderr  # the feed itself cannot be read now...
    assert briefing(out, "2026-11-21") == day1  # ...but the day is rebuilt as it was


def test_html_files_are_extracted(tmp_path):
    (tmp_path / "rain.html").write_bytes(RAIN)
    result = cli("run", tmp_path, "-d", "2026-11-21", "-o", tmp_path / "out", "-l", "pt")
    assert result.exit_code == 0, result.output
    md = briefing(tmp_path / "out", "2026-11-21")
    assert titles(md) == ["Chuva forte alaga ruas de São Paulo nesta sexta-feira"]
    assert "alagando ruas da zona sul" in md and "Publicidade" not in md


def test_urls_and_feeds_from_the_settings(site, isolated_settings, tmp_path):
    site.routes = {"/rain.html": RAIN, "/feed.xml": rss("/vaccine.html"), "/vaccine.html": VACCINE}
    isolated_settings.write_text(
        f'urls = ["{site.url}/rain.html"]\nfeeds = ["{site.url}/feed.xml"]\n'
    )
    result = cli("run", "-d", "2026-11-21", "-o", tmp_path, "-l", "pt")
    assert result.exit_code == 0, result.output
    assert len(titles(briefing(tmp_path, "2026-11-21"))) == 2


KILLED_DAY = "2026-11-22"


def _killable(out, home, inbox):
    """A real run, translated and sent to `inbox`, that kills may stop: (its arguments,
    its environment)."""
    env = {
        **os.environ,
        "DIGEST_HOME": str(home),
        "DIGEST_SMTP_HOST": "127.0.0.1",
        "DIGEST_SMTP_PORT": str(inbox.port),
        "DIGEST_SMTP_SECURITY": "none",
        "DIGEST_FROM": "digest@example.org",
        "DIGEST_TO": "ana@example.org",
    }
    return ["run", SEED["002"], SEED["003"], "-d", KILLED_DAY, "-o", out, "--send"], env


def _bodies(message):
    return [message.get_body((kind,)).get_content() for kind in ("plain", "html")]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The run never killed (None) and one for each kill point, started at once, each
    with its own folders and inbox: point → (process, its folder, its inbox). Each test
    waits for its own."""
    started = {}
    for point in (None, *KILL_POINTS):
        folder, inbox = tmp_path_factory.mktemp(point or "uninterrupted"), Inbox()
        args, env = _killable(folder / "out", folder / "home", inbox)
        inbox.start()
        how = [ROOT / "tests" / "helpers.py", point] if point else ["-m", "digest"]
        with (folder / "stderr").open("w") as stderr:
            started[point] = (
                subprocess.Popen(
                    [sys.executable, *map(str, how + args)],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                ),
                folder,
                inbox,
            )
    yield started
    for process, _, inbox in started.values():
        if process.poll() is None:  # its test failed first
            process.kill()
            process.wait()
        inbox.stop()


@pytest.fixture(scope="module")
def uninterrupted(runs):
    """The briefing and the email's text parts of the run never killed."""
    process, folder, inbox = runs[None]
    assert process.wait(timeout=300) == 0, (folder / "stderr").read_text()
    (message,) = inbox.messages()
    return (folder / "out" / f"{KILLED_DAY}.md").read_bytes(), _bodies(message)


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_run_killed_at_any_point_is_made_whole_by_running_it_again(point, runs, uninterrupted):
    """Killed (-9) where a crash costs most: no half briefing, a whole database, and the
    same run again gives the briefing of a run never killed, byte for byte, and the email
    once."""
    expected, bodies = uninterrupted
    process, folder, inbox = runs[point]
    out, home = folder / "out", folder / "home"
    args, env = _killable(out, home, inbox)
    md = out / f"{KILLED_DAY}.md"
    process.wait(timeout=300)
    said = (folder / "stderr").read_text()
    assert process.returncode == -signal.SIGKILL, said  # it got there
    half = list(out.glob(f".{md.name}.*.digest-tmp"))
    if point == "outbox":
        assert md.read_bytes() == expected
        assert (out / "outbox" / f"{KILLED_DAY}.eml").exists()
    else:
        assert not md.exists()
    if point == "briefing-write":  # what the kill left is a temporary file apart
        assert len(half) == 1 and 0 < half[0].stat().st_size < len(expected)
    db = sqlite3.connect(home / "state.db")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    if point == "translation-cache":  # the row written before the kill is not kept
        (key,) = re.findall(r"^killed with (\w+) written$", said, re.M)
        assert db.execute("SELECT COUNT(*) FROM cache WHERE key = ?", (key,)).fetchone() == (0,)
    db.close()
    assert inbox.envelopes == []

    again = subprocess.run(
        [sys.executable, "-m", "digest", *map(str, args)], env=env, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert md.read_bytes() == expected
    (message,) = inbox.messages()
    assert _bodies(message) == bodies
    assert not list(out.glob("**/.*.digest-tmp")) and not list(out.glob("outbox/*"))


def test_a_page_that_gave_no_article_is_read_again_until_it_does(site, tmp_path):
    notice = b"<html><body><p>Assine para continuar lendo.</p></body></html>"
    site.routes = {"/rain.html": notice}
    out = tmp_path / "out"
    first = cli("run", "--url", f"{site.url}/rain.html", "-d", "2026-11-21", "-o", out, "-l", "pt")
    assert first.exit_code == 0, first.output
    assert "no article text left after cleaning" in first.stderr
    assert titles(briefing(out, "2026-11-21")) == []  # the notice is no story
    site.routes["/rain.html"] = RAIN
    second = cli("run", "--url", f"{site.url}/rain.html", "-d", "2026-11-22", "-o", out, "-l", "pt")
    assert second.exit_code == 0, second.output
    assert titles(briefing(out, "2026-11-22")) == [
        "Chuva forte alaga ruas de São Paulo nesta sexta-feira"
    ]
    assert site.hits == ["/rain.html", "/rain.html"]
    cli("run", "--url", f"{site.url}/rain.html", "-d", "2026-11-23", "-o", out, "-l", "pt")
    assert site.hits == ["/rain.html", "/rain.html"]  # known good now: kept, not fetched


def test_temporary_files_a_killed_run_left_are_removed_by_the_next_and_no_others(tmp_path):
    from digest.state import home

    out = tmp_path / "out"
    left = [
        home() / "pages" / ".x.html.1.digest-tmp",
        out / ".2026-11-22.md.2.digest-tmp",
        out / "outbox" / ".2026-11-22.eml.3.digest-tmp",
        out / "sent" / ".2026-11-21.eml.4.digest-tmp",
    ]
    # Other programs' temporary files, where digest works and below: not digest's to take.
    foreign = [
        out / ".report.md.tmp",
        out / "drafts" / ".notes.tmp",
        home() / ".cache.tmp",
        out / "drafts" / ".x.md.5.digest-tmp",
        home() / "pages" / ".editor.tmp",
    ]
    for path in left + foreign:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half")
    result = cli("run", SEEDS, "-d", "2026-11-22", "-o", out, "-l", "pt")
    assert result.exit_code == 0, result.output
    assert not [path for path in left if path.exists()]
    assert all(path.read_text() == "half" for path in foreign)


def test_the_output_folder_may_be_the_data_folder(tmp_path):
    from digest.state import home

    seed = SEEDS / "001_f1a4ccf0f197fcc1.txt"
    # A re-run of the day holds its article again; the next day's run finds nothing new.
    for day, made in (
        ("2026-11-22", "1 story from 1 article in 1 file"),
        ("2026-11-22", "1 story from 1 article in 1 file"),
        ("2026-11-23", "0 stories from 0 articles in 0 files"),
    ):
        result = cli("run", seed, "-d", day, "-o", home(), "-l", "pt")
        assert result.exit_code == 0, result.output
        assert f"({made}" in result.stdout
    assert {p.name for p in home().iterdir()} >= {"state.db", "2026-11-22.md", "2026-11-23.md"}
