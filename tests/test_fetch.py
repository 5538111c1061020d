"""Fetching under hostile input and faults: malformed links, redirects, servers that drip,
pages that are not the article. A real HTTP server on 127.0.0.1."""

import logging
import time

import pytest
from helpers import PORT_STRIKE, RAIN, VACCINE, briefing, cli, rss, seed_text, titles
from site_server import Site, drip, redirect, slow

from digest.errors import FetchError
from digest.fetch import PAGE_TRIES, PHASE_TIMEOUTS, Limits, Pages, fetch

NOTICE = b"Assine o jornal para continuar lendo esta reportagem.\n"
BOT_CHECK = (
    b'<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head>'
    b"<body><h1>Please wait&hellip; checking your browser</h1><p>jornal.example.br "
    b"needs to review the security of your connection before proceeding.</p>"
    b"<noscript>Enable JavaScript and cookies to continue</noscript></body></html>"
)


@pytest.fixture
def logged():
    """The messages digest logs while a test calls the library."""
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())
    logger = logging.getLogger("digest")
    logger.addHandler(handler)
    yield seen
    logger.removeHandler(handler)


@pytest.fixture
def store(site, tmp_path):
    """Saved pages in a fresh folder, quick limits, and the URL of the site's /a.html."""
    return Pages(tmp_path), Limits(timeout=1, retries=0), f"{site.url}/a.html"


def run_day(out, *more):
    """`digest run` for 21 November in Portuguese, writing to `out`, of what `more` names."""
    return cli("run", "-d", "2026-11-21", "-o", out, "-l", "pt", *more)


def test_one_bad_link_costs_one_warning_and_the_run_goes_on(site, tmp_path):
    site.routes = {
        "/not%C3%ADcia-a%C3%A7%C3%A3o": RAIN,
        "/ok%20a": VACCINE,
        "/hop": redirect("/port a.html", 301),
        "/port%20a.html": PORT_STRIKE,
        "/to-ftp": redirect("ftp://127.0.0.1/x"),
        "/to-file": redirect("file:///etc/passwd"),
        "/loop": redirect(f"{site.url}/loop"),
    }
    bad = {
        "http://127.0.0.1:99999/x": "Port out of range 0-65535",
        "http://[::1/x": "Invalid IPv6 URL",
        "http://[fe80::zz]/x": None,  # the wording differs between Python versions
        "http://exa mple.com/x": "'exa mple.com' is not a host name",
        "ftp://127.0.0.1/x": "not an http(s) URL",
        "http:///x": "no host name",
        f"{site.url}/to-ftp": "redirected to ftp://127.0.0.1/x: not an http(s) URL",
        f"{site.url}/to-file": "redirected to file:///etc/passwd: not an http(s) URL",
        f"{site.url}/loop": f"redirects in a loop (back to {site.url}/loop)",
    }
    good = [f"{site.url}/notícia-ação", f"{site.url}/ok a", f"{site.url}/hop"]
    out = tmp_path / "out"
    result = run_day(
        out,
        *[x for url in [*bad, *good] for x in ("--url", url)],
    )
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == len(bad), result.stderr
    for url, reason in bad.items():
        (line,) = [w for w in lines if w.startswith(f"digest: warning: {url}: ")]
        assert reason is None or line == f"digest: warning: {url}: {reason}"
    assert sorted(titles(briefing(out, "2026-11-21"))) == [
        "Chuva forte alaga ruas de São Paulo nesta sexta-feira",
        "Greve de estivadores paralisa o porto de Santos pelo segundo dia",
        "Ministério amplia vacinação contra a gripe para todas as idades",
    ]
    assert site.hits.count("/loop") == 1


def test_a_bad_link_in_a_feed_is_one_warning(site, tmp_path):
    site.routes = {
        "/feed.xml": rss("http://[::1/broken", "/chuva-ação.html"),
        "/chuva-a%C3%A7%C3%A3o.html": RAIN,
    }
    result = run_day(tmp_path, "--feed", f"{site.url}/feed.xml")
    assert result.exit_code == 0, result.output
    assert result.stderr == "digest: warning: http://[::1/broken: Invalid IPv6 URL\n"
    assert titles(briefing(tmp_path, "2026-11-21")) == [
        "Chuva forte alaga ruas de São Paulo nesta sexta-feira"
    ]


def test_a_feed_item_naming_no_character_costs_that_item_alone(site, tmp_path):
    # "&#55296;" is a lone surrogate: no character, which feedparser cannot encode.
    feed = rss("/nada&#55296;.html", "/chuva.html").replace(
        b"<title>t</title>", b"<title>&#xD800;</title>", 1
    )
    site.routes = {"/feed.xml": feed, "/chuva.html": RAIN}
    result = run_day(tmp_path, "--feed", f"{site.url}/feed.xml")
    assert result.exit_code == 0, result.output
    assert result.stderr == (f"digest: warning: {site.url}/nada\ufffd.html: HTTP 404 Not Found\n")
    assert titles(briefing(tmp_path, "2026-11-21")) == [
        "Chuva forte alaga ruas de São Paulo nesta sexta-feira"
    ]


def test_a_url_with_a_byte_that_is_not_utf8_is_one_warning(site, tmp_path):
    import os
    import subprocess
    import sys

    site.routes = {"/chuva.html": RAIN}
    # As a shell passes it: the command line's bytes, one of them not UTF-8.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "digest",
            "run",
            "-d",
            "2026-11-21",
            "-o",
            tmp_path,
            "-l",
            "pt",
            "--url",
            f"{site.url}/a".encode() + b"\xff",
            "--url",
            f"{site.url}/chuva.html",
        ],
        capture_output=True,
        env=os.environ,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode() == (
        f"digest: warning: '{site.url}/a\\udcff': holds a byte "
        "or a code point that is not UTF-8 text\n"
    )
    assert len(titles(briefing(tmp_path, "2026-11-21"))) == 1


def test_a_server_that_drips_is_cut_off_at_the_deadline(site, tmp_path):
    # 8 bytes a second: every read comes well within the 1 s timeout, the answer never.
    site.routes = {"/drip.html": drip(b"<p>" + b"x" * 40 + b"</p>"), "/rain.html": RAIN}
    start = time.monotonic()
    result = run_day(
        tmp_path,
        "--url",
        f"{site.url}/drip.html",
        "--url",
        f"{site.url}/rain.html",
    )
    assert time.monotonic() - start < 3
    assert result.exit_code == 0, result.output
    assert result.stderr == f"digest: warning: {site.url}/drip.html: timed out\n"
    assert len(titles(briefing(tmp_path, "2026-11-21"))) == 1


def test_the_fetch_phase_has_a_deadline(tmp_path, logged):
    site = Site()
    try:
        site.routes = {f"/{i}.html": slow(RAIN, 2) for i in range(40)}
        urls = [f"{site.url}/{i}.html" for i in range(40)]
        limits = Limits(timeout=0.25, retries=0)
        start = time.monotonic()
        # 40 pages that each use their whole 0.25 s, two at a time: 5 s without a
        # deadline for the phase; 1.5 s with it.
        assert fetch(urls, [], Pages(tmp_path), limits, workers=2) == []
        assert time.monotonic() - start < PHASE_TIMEOUTS * limits.timeout + 2
    finally:
        site.close()
    assert sorted(w.split(": ", 1)[0] for w in logged) == sorted(urls)
    assert {w.split(": ", 1)[1] for w in logged} == {
        "timed out",
        "not fetched: the run's time for fetching is up",
    }


def test_an_empty_page_or_a_bot_check_is_fetched_again_on_a_later_run(site, store):
    pages, limits, url = store
    for first in (b"", BOT_CHECK):
        site.routes["/a.html"] = first
        with pytest.raises(FetchError, match="not the article; a later run tries again"):
            pages.read(url, limits)
    site.routes["/a.html"] = RAIN
    assert pages.read(url, limits) == RAIN
    pages.settle(url, True)
    assert pages.read(url, limits) == RAIN
    assert site.hits == ["/a.html"] * 3


def test_a_page_that_gave_no_article_is_fetched_again_until_known_good(site, store):
    pages, limits, url = store
    site.routes["/a.html"] = b"<html><body><p>Carregando...</p></body></html>"
    assert pages.read(url, limits).startswith(b"<html>")
    assert pages.read(url, limits).startswith(b"<html>")  # the same run: the saved copy
    pages.settle(url, False)
    site.routes["/a.html"] = RAIN
    assert pages.read(url, limits) == RAIN
    pages.settle(url, True)
    # Known good: it serves from now on, whatever a later run says of it.
    pages.settle(url, False)
    site.close()
    assert pages.read(url, limits) == RAIN
    assert site.hits == ["/a.html"] * 2


def test_a_dead_link_is_left_alone_after_a_few_runs(site, store):
    pages, limits, url = store
    site.routes["/a.html"] = b"<html><body></body></html>"
    for run in range(PAGE_TRIES + 2):
        try:
            pages.read(url, limits)
        except FetchError as exc:
            assert run >= PAGE_TRIES and "no article in 3 runs, not fetched again" in str(exc)
        else:
            pages.settle(url, False)
    assert site.hits == ["/a.html"] * PAGE_TRIES


def test_pages_saved_before_are_kept_as_they_are(site, store):
    pages, limits, url = store
    pages.path(url).write_bytes(RAIN)  # as an earlier digest saved it
    pages.settle(url, False)
    assert pages.read(url, limits) == RAIN and site.hits == []


def test_an_article_served_as_plain_text_or_markdown_is_read_as_such(site, tmp_path):
    markdown = (
        "# Chuva forte alaga ruas de São Paulo nesta sexta-feira\n\n"
        "Uma chuva forte atingiu a cidade de São Paulo na manhã desta sexta-feira "
        "(21), alagando ruas da zona sul e provocando a queda de árvores.\n\n"
        "## Defesa Civil\n\nO volume de água chegou a 80 milímetros em duas "
        "horas, o maior registrado neste ano. Não houve feridos.\n"
    )
    site.routes = {
        "/a.txt": seed_text("001").encode(),  # each served as text/html
        "/chuva?id=7": markdown.encode(),
        "/aviso.txt": NOTICE,
    }
    urls = [f"{site.url}/a.txt", f"{site.url}/chuva?id=7", f"{site.url}/aviso.txt"]
    result = run_day(
        tmp_path,
        *[x for url in urls for x in ("--url", url)],
    )
    assert result.exit_code == 0, result.output
    md = briefing(tmp_path, "2026-11-21")
    assert titles(md) == [
        'Putin e líder norte-coreano prometem "reforçar cooperação" antes da cúpula Rússia-EUA',
        "Chuva forte alaga ruas de São Paulo nesta sexta-feira",
    ]  # the heading kept inside
    assert "#" not in md.split("## 2. ")[1].split("Fonte")[0]
    assert f"{site.url}/aviso.txt: no article text left" in result.stderr  # too short
    cli("run", "-d", "2026-11-22", "-o", tmp_path, "-l", "pt", "--url", urls[2])
    assert site.hits.count("/aviso.txt") == 2  # and not kept: fetched again


def test_a_page_of_any_markup_goes_through_the_html_extractor(site, tmp_path):
    body = "".join(f"<span>{p}</span><br>" for p in seed_text("001").split("\n") if p)
    site.routes = {"/p": f"<section>{body}</section>".encode()}
    result = run_day(tmp_path, "--url", f"{site.url}/p")
    assert result.exit_code == 0, result.output
    md = briefing(tmp_path, "2026-11-21")
    assert "reforçar cooperação" in md and "span" not in md and "section" not in md
