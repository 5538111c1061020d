"""Articles from the web: pages by URL, and the pages that RSS/Atom feeds link to.

Fetching has a deadline for each try (connect, every read and every redirect within
fetch.timeout), one for the whole fetch phase, a size cap, retries with backoff on errors
that may pass (timeouts, refused connections, 429 and 5xx), and a user agent that says
who asks. A URL that cannot be read, malformed ones included, costs one warning line and
the run goes on. Pages are saved, as they were read, under DATA/pages/; a page known to
hold an article is not fetched again: its saved copy serves, so a day's briefing can be
made again offline.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .deadline import Deadline
from .errors import FetchError
from .store import write_atomic

log = logging.getLogger("digest")

USER_AGENT = f"digest/{__version__} (daily news briefing; Python urllib)"
HEADERS = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
RETRY_STATUS = {429, 500, 502, 503, 504}
REDIRECT_STATUS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 10
# The whole fetch phase of a run may take this many times fetch.timeout: room for a feed
# and then its pages to use their three tries each (the default fetch.retries = 2), one
# after the other, while a scheduled run never waits on the network for more than two
# minutes (the default timeout of 20 s).
PHASE_TIMEOUTS = 6
# Runs in which a page may give no article (an empty 200, a "checking your browser"
# page, a page with no article text) and be fetched again; then the URL is left alone.
PAGE_TRIES = 3
# Characters a URL keeps as they are: the reserved ones, and '%' of an escape already
# made. Everything else (spaces, accents, controls) is percent-encoded as UTF-8.
URL_SAFE = "!#$%&'()*+,/:;=?@[]~"


@dataclass(frozen=True)
class Limits:
    timeout: float = 20.0  # seconds for one try of a URL, start to end
    retries: int = 2
    max_bytes: int = 5 * 2**20
    backoff: float = 1.0  # seconds before the first retry, doubled each time


class _Failure(Exception):
    """Why a URL could not be read; `again` when another try may go better."""

    def __init__(self, reason: str, again: bool = False) -> None:
        super().__init__(" ".join(reason.split()))
        self.again = again


def get(url: str, limits: Limits, until: float | None = None) -> bytes:
    """The body at `url`, or FetchError saying why not, in one line naming `url`.

    Each try, redirects included, ends within limits.timeout; no try runs past `until`
    (a time.monotonic() value), and none is retried when the backoff would reach it.
    """
    delay, tries = limits.backoff, 0
    try:
        address = _address(url)
        if until is not None and time.monotonic() >= until:
            raise _Failure("not fetched: the run's time for fetching is up")
        while True:
            tries += 1
            try:
                return _try(address, limits, until)
            except _Failure as exc:
                late = until is not None and time.monotonic() + delay >= until
                if not exc.again or tries > limits.retries or late:
                    raise
            time.sleep(delay)
            delay *= 2
    except _Failure as exc:
        raise FetchError(
            f"{_shown(url)}: {exc}" + (f" (tried {tries} times)" if tries > 1 else "")
        ) from None


def _shown(url: str) -> str:
    """`url` as a warning can show it on one line."""
    return url if url.isprintable() else repr(url)


def _address(url: str) -> str:
    """`url` as a request carries it: http(s), an ASCII host, the path and query
    percent-encoded; _Failure saying what is wrong with it if it cannot be fetched."""
    try:
        url.encode("utf-8")
    except UnicodeEncodeError:  # a byte of the command line, or a feed's "&#55296;"
        raise _Failure("holds a byte or a code point that is not UTF-8 text") from None
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port  # ValueError when it is not a number from 0 to 65535
    except ValueError as exc:
        raise _Failure(str(exc)) from None
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in ("http", "https"):
        raise _Failure("not an http(s) URL")
    if not host:
        raise _Failure("no host name")
    if parts.username is not None:
        raise _Failure("a user name in the URL is not supported")
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError as exc:
            raise _Failure(str(exc)) from None
        host = f"[{host}]"
    else:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            host = ""
        if not re.fullmatch(r"[A-Za-z0-9._-]+", host):
            raise _Failure(f"{parts.hostname!r} is not a host name")
    netloc = host if port is None else f"{host}:{port}"
    return urllib.parse.urlunsplit(
        (scheme, netloc, _quote(parts.path) or "/", _quote(parts.query), "")
    )


def _quote(text: str) -> str:
    return urllib.parse.quote(re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", text), safe=URL_SAFE)


def _try(url: str, limits: Limits, until: float | None) -> bytes:
    """One try at `url`, redirects followed, ended by its deadline."""
    with Deadline(limits.timeout, until) as deadline:
        try:
            return _follow(url, limits, deadline)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if deadline.expired:
                raise _Failure("timed out", again=True) from None
            inner = getattr(exc, "reason", exc)  # what a URLError wraps
            if isinstance(inner, TimeoutError) or "timed out" in str(inner):
                raise _Failure("timed out", again=True) from None
            reason = str(getattr(inner, "strerror", None) or inner) or type(inner).__name__
            raise _Failure(reason, again=not isinstance(exc, ValueError)) from None


def _follow(url: str, limits: Limits, deadline: Deadline) -> bytes:
    """The body at `url`, following redirects to http(s) URLs only."""
    opener, seen = _opener(deadline), {url}
    while True:
        request = urllib.request.Request(url, headers=HEADERS)
        try:
            with opener.open(request, timeout=deadline.remaining()) as response:
                body = response.read(limits.max_bytes + 1)
        except urllib.error.HTTPError as exc:
            with exc:
                location = exc.headers.get("Location") if exc.code in REDIRECT_STATUS else None
            if location is None:
                raise _Failure(
                    f"HTTP {exc.code} {exc.reason}", again=exc.code in RETRY_STATUS
                ) from None
            url = _redirect(url, location)
            if url in seen:
                raise _Failure(f"redirects in a loop (back to {url})") from None
            if len(seen) > MAX_REDIRECTS:
                raise _Failure(f"more than {MAX_REDIRECTS} redirects") from None
            seen.add(url)
            continue
        if deadline.expired:
            raise TimeoutError("timed out")
        if len(body) > limits.max_bytes:
            raise _Failure(f"larger than {limits.max_bytes // 2**20} MB, skipped")
        return body


def _redirect(url: str, location: str) -> str:
    """Where a redirect from `url` to `location` leads, if it is an http(s) URL."""
    with contextlib.suppress(UnicodeError):  # http.client reads Latin-1; sites send UTF-8
        location = location.encode("latin-1").decode("utf-8")
    try:
        return _address(urllib.parse.urljoin(url, location))
    except (_Failure, ValueError) as exc:
        raise _Failure(f"redirected to {_shown(location)}: {exc}") from None


def _opener(deadline: Deadline) -> urllib.request.OpenerDirector:
    """An opener whose connections end at `deadline`, with the environment's proxies,
    that leaves redirects to the caller (as HTTPError)."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        _Handler(deadline),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


class _Connection(http.client.HTTPConnection):
    """A connection whose socket is shut down at the deadline of its request."""

    deadline: Deadline

    def connect(self) -> None:
        self.timeout = self.deadline.remaining()
        super().connect()
        self.deadline.watch(self.sock)


class _TLSConnection(http.client.HTTPSConnection, _Connection):
    """The same over TLS. HTTPSConnection.connect wraps the socket that its super(),
    here _Connection.connect, opened and watched: the handshake is watched too."""


class _Handler(urllib.request.AbstractHTTPHandler):
    """http:// and https:// through connections that end at `deadline`."""

    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def _connection(self, kind: type[_Connection]) -> Callable[..., _Connection]:
        def make(*args, **kwargs) -> _Connection:
            connection = kind(*args, **kwargs)
            connection.deadline = self.deadline
            return connection

        return make

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection(_Connection), req)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection(_TLSConnection), req)

    http_request = https_request = urllib.request.AbstractHTTPHandler.do_request_


def feed_links(url: str, body: bytes) -> list[tuple[str, str | None]]:
    """The article links of an RSS or Atom feed, in the feed's order, each with the
    item's first category (its section, as the site names it)."""
    import feedparser

    try:
        feed = feedparser.parse(_CHARACTER_REFERENCE.sub(_character, body))
    except Exception as exc:  # whatever the feed holds, one line naming it, not the run
        raise FetchError(
            f"{_shown(url)}: not a feed digest can read ({type(exc).__name__}: {exc})"
        ) from None
    links = [
        (
            e.get("link"),
            next(
                (
                    t.get("label") or t.get("term")
                    for t in e.get("tags", [])
                    if t.get("label") or t.get("term")
                ),
                None,
            ),
        )
        for e in feed.entries
        if e.get("link")
    ]
    if not links:
        why = str(getattr(feed, "bozo_exception", "")).splitlines()[:1]
        why = [
            re.sub(r"^<unknown>:(\d+):(\d+): (.+)$", r"\3 at line \1, column \2", w) for w in why
        ]
        raise FetchError(
            f"{_shown(url)}: not an RSS or Atom feed with links"
            + (f" ({why[0]})" if why and why[0] else "")
        )
    first: dict[str, str | None] = {}
    for link, category in links:
        first.setdefault(_join(url, link), category)
    return list(first.items())


_CHARACTER_REFERENCE = re.compile(rb"&#(?:([0-9]{1,8})|[xX]([0-9a-fA-F]{1,8}));")


def _character(reference: re.Match[bytes]) -> bytes:
    """A numeric character reference as it is, or U+FFFD's in place of one that names no
    character (a surrogate, NUL, past U+10FFFF), on which feedparser would fail."""
    code = int(reference[1]) if reference[1] else int(reference[2], 16)
    return reference[0] if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else b"&#65533;"


def _join(base: str, link: str) -> str:
    try:
        return urllib.parse.urljoin(base, link)
    except ValueError:  # a malformed link: get() warns about it, as about any other
        return link


@dataclass
class Pages:
    """Saved copies of fetched pages, one file per URL under `folder`.

    A saved page serves from then on, in place of the web, once it is known to hold an
    article. Until then it is pending: an empty page or a bot check is not saved, and a
    saved one that the caller says gave no article (`settle`) is dropped; either way the
    URL is fetched again on a later run, for PAGE_TRIES runs in all, and then left alone.
    Copies saved before pages could be pending count as known.
    """

    folder: Path

    def path(self, url: str) -> Path:
        from .state import digest_of

        return self.folder / f"{digest_of(url)[:32]}.html"

    def _pending(self, url: str) -> Path:
        """The mark of a URL not yet known to give an article: the runs it gave none."""
        return self.path(url).with_suffix(".pending")

    def _tries(self, url: str) -> int:
        try:
            text = self._pending(url).read_text(encoding="ascii", errors="replace").strip()
        except FileNotFoundError:
            return 0
        return int(text) if text.isdigit() else 0

    def read(self, url: str, limits: Limits, until: float | None = None) -> bytes:
        """The saved copy of `url`, else the page fetched now (and saved, pending)."""
        saved, pending = self.path(url), self._pending(url)
        if saved.exists():
            return saved.read_bytes()
        tries = self._tries(url)
        if tries >= PAGE_TRIES:
            raise FetchError(
                f"{_shown(url)}: no article in {tries} runs, not fetched again "
                f"(deleting {pending} allows it)"
            )
        body = get(url, limits, until)
        what = (
            "an empty page"
            if not body.strip()
            else ("a bot check page" if _bot_check(body) else None)
        )
        if what:
            write_atomic(pending, str(tries + 1))
            raise FetchError(
                f"{_shown(url)}: {what}, not the article; "
                + (
                    "a later run tries again"
                    if tries + 1 < PAGE_TRIES
                    else f"not fetched again ({PAGE_TRIES} runs gave none)"
                )
            )
        write_atomic(pending, str(tries))  # before the page: a crash between the two
        write_atomic(saved, body)  # leaves no unchecked page for good
        return body

    def settle(self, url: str, ok: bool) -> None:
        """Say whether the page that `read` gave for `url` held an article (`ok`).

        A pending page that did is known from then on; one that did not is dropped, to
        be fetched again by a later `read` (until PAGE_TRIES runs gave none). A known
        page, or a URL with no saved page, is left as it is.
        """
        saved, pending = self.path(url), self._pending(url)
        if not (saved.exists() and pending.exists()):
            return
        if ok:
            pending.unlink()
        else:
            write_atomic(pending, str(self._tries(url) + 1))
            saved.unlink()


# What the usual bot checks ("Just a moment...", "Checking your browser") send in place of
# the page: a small page with one of these. A news page is larger, and has its article.
BOT_CHECK = re.compile(
    rb"<title>\s*(just a moment|attention required|um momento|please wait)"
    rb"|checking your browser|verificando (seu|o) navegador"
    rb"|cf-browser-verification|/cdn-cgi/challenge-platform/",
    re.IGNORECASE,
)


def _bot_check(body: bytes) -> bool:
    return len(body) < 64 * 1024 and BOT_CHECK.search(body) is not None


def fetch(
    urls: Sequence[str], feeds: Sequence[str], pages: Pages, limits: Limits, workers: int = 8
) -> list[tuple[str, bytes, str | None]]:
    """(URL, page, the feed's category for it) for every URL and every page the feeds
    link to, each URL once;
    a feed is read afresh every time. Failures are warned about and skipped. Nothing is
    fetched after PHASE_TIMEOUTS × limits.timeout; saved pages still serve."""
    until = time.monotonic() + PHASE_TIMEOUTS * limits.timeout

    def attempt(fn, *args):
        try:
            return fn(*args)
        except FetchError as exc:
            log.warning("%s", exc)
            return None

    with ThreadPoolExecutor(workers) as pool:
        bodies = pool.map(lambda f: attempt(get, f, limits, until), feeds)
        linked = [
            link
            for feed, body in zip(feeds, bodies, strict=True)
            if body is not None
            for link in (attempt(feed_links, feed, body) or [])
        ]
        category: dict[str, str | None] = {url: None for url in urls}
        for link, label in linked:
            category[link] = category.get(link) or label
        todo = list(category)
        found = pool.map(lambda u: attempt(pages.read, u, limits, until), todo)
        return [
            (url, body, category[url])
            for url, body in zip(todo, found, strict=True)
            if body is not None
        ]
