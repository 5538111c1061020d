"""Articles from the web: pages by URL, and the pages that RSS/Atom feeds link to.

Fetching has a timeout, a size cap, retries with backoff on errors that may pass
(timeouts, refused connections, 429 and 5xx), and a user agent that says who asks.
A URL that fails costs one warning and the run goes on. Every page is saved, as it was
read, under DATA/pages/, and a page read once is not fetched again: its saved copy
serves, so a day's briefing can be made again offline.
"""
from __future__ import annotations

import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .errors import FetchError
from .store import write_atomic

log = logging.getLogger("digest")

USER_AGENT = f"digest/{__version__} (daily news briefing; Python urllib)"
RETRY_STATUS = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Limits:
    timeout: float = 20.0
    retries: int = 2
    max_bytes: int = 5 * 2**20
    backoff: float = 1.0  # seconds before the first retry, doubled each time


def get(url: str, limits: Limits) -> bytes:
    """The body at `url`, or FetchError saying why not."""
    if not url.startswith(("http://", "https://")):
        raise FetchError(f"{url}: not an http(s) URL")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,
                                                   "Accept-Encoding": "identity"})
    delay = limits.backoff
    for attempt in range(limits.retries + 1):
        try:
            with urllib.request.urlopen(request, timeout=limits.timeout) as response:
                body = response.read(limits.max_bytes + 1)
            if len(body) > limits.max_bytes:
                raise FetchError(f"{url}: larger than {limits.max_bytes // 2**20} MB, skipped")
            return body
        except urllib.error.HTTPError as exc:
            reason = f"HTTP {exc.code} {exc.reason}"
            if exc.code not in RETRY_STATUS:
                raise FetchError(f"{url}: {reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            inner = getattr(exc, "reason", exc)
            reason = "timed out" if isinstance(inner, TimeoutError) or "timed out" in str(
                inner) else str(getattr(inner, "strerror", None) or inner)
        if attempt < limits.retries:
            time.sleep(delay)
            delay *= 2
    raise FetchError(f"{url}: {reason} (tried {limits.retries + 1} times)")


def feed_links(url: str, body: bytes) -> list[str]:
    """The article links of an RSS or Atom feed, in the feed's order."""
    import feedparser

    feed = feedparser.parse(body)
    links = [e.get("link") for e in feed.entries if e.get("link")]
    if not links:
        why = str(getattr(feed, "bozo_exception", "")).splitlines()[:1]
        why = [re.sub(r"^<unknown>:(\d+):(\d+): (.+)$", r"\3 at line \1, column \2", w)
               for w in why]
        raise FetchError(f"{url}: not an RSS or Atom feed with links"
                         + (f" ({why[0]})" if why and why[0] else ""))
    return list(dict.fromkeys(urllib.parse.urljoin(url, link) for link in links))


@dataclass
class Pages:
    """Saved copies of fetched pages, one file per URL under `folder`."""

    folder: Path

    def path(self, url: str) -> Path:
        from .state import digest_of

        return self.folder / f"{digest_of(url)[:32]}.html"

    def read(self, url: str, limits: Limits) -> bytes:
        """The saved copy of `url`, else the page fetched now (and saved)."""
        saved = self.path(url)
        if saved.exists():
            return saved.read_bytes()
        body = get(url, limits)
        write_atomic(saved, body)
        return body


def fetch(urls: Sequence[str], feeds: Sequence[str], pages: Pages, limits: Limits,
          workers: int = 8) -> list[tuple[str, bytes]]:
    """(URL, page) for every URL and every page the feeds link to, each URL once;
    a feed is read afresh every time. Failures are warned about and skipped."""
    def attempt(fn, *args):
        try:
            return fn(*args)
        except FetchError as exc:
            log.warning("%s", exc)
            return None

    with ThreadPoolExecutor(workers) as pool:
        bodies = pool.map(lambda f: attempt(get, f, limits), feeds)
        linked = [link for feed, body in zip(feeds, bodies) if body is not None
                  for link in (attempt(feed_links, feed, body) or [])]
        todo = list(dict.fromkeys([*urls, *linked]))
        found = pool.map(lambda u: attempt(pages.read, u, limits), todo)
        return [(url, body) for url, body in zip(todo, found) if body is not None]
