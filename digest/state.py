"""What digest has read and made, kept between runs: one SQLite database (WAL) in the
data folder ($DIGEST_HOME, else the platform's: ~/.local/share/digest on Linux).

- `articles`: every article ever read, by the SHA-256 of its cleaned text, with where it
  was first read, when, and the date of the briefing it went into (NULL: none yet).
  The text is kept, so a day's briefing can be made again from here alone.
- `cache`: summaries and translations, keyed by what they were made from and how.
- `events`: the events each briefing showed, to recognise them again on later days
  (digest.follow.Memory): the briefing's date, the event's anchor in it, the date its
  thread was first shown, its headlines, the sentences shown, and `marks`, a JSON object
  of the words, names and scores that recognise it, with its format's version `v` (1).

Each write is one transaction, so a run killed at any point leaves the database whole.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import __version__
from .config import expand
from .errors import DigestError
from .model import Article, Story
from .summarize import summaries_of

if TYPE_CHECKING:
    from .follow import Memory

log = logging.getLogger("digest")

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    hash TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    article TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    briefing TEXT
);
CREATE INDEX IF NOT EXISTS articles_briefing ON articles (briefing);
CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    briefing TEXT NOT NULL,
    anchor TEXT NOT NULL,
    first TEXT NOT NULL,
    headline TEXT NOT NULL,
    headline_en TEXT,
    shown TEXT NOT NULL,
    marks TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_briefing ON events (briefing);
"""
MARKS_VERSION = 1


def home() -> Path:
    """The data folder: $DIGEST_HOME, else the platform's user data folder."""
    if os.environ.get("DIGEST_HOME"):
        return expand(Path(os.environ["DIGEST_HOME"]), "DIGEST_HOME")
    import platformdirs

    return platformdirs.user_data_path("digest")


def digest_of(*parts: object) -> str:
    """The SHA-256 of `parts` as JSON, for any text: a lone surrogate (a byte of a file
    name or command line that is not UTF-8) is hashed as it is."""
    return hashlib.sha256(
        json.dumps(parts, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")
    ).hexdigest()


def article_hash(a: Article) -> str:
    """The identity of an article: its text, wherever it came from. Kept on the article
    (past its frozen __setattr__, outside its fields): a run asks for it three times,
    and at 100,000 articles each time took 2 s."""
    known = vars(a).get("_hash")
    if known is None:
        known = digest_of(a.title, a.paragraphs)
        object.__setattr__(a, "_hash", known)
    return known


def _dump(a: Article) -> str:
    return json.dumps(
        {
            "title": a.title,
            "paragraphs": a.paragraphs,
            "path": str(a.path),
            "source": a.source,
            "lang": a.lang,
            "published": a.published.isoformat() if a.published else None,
            "section": a.section,
            "outlet": a.outlet,
            "headline": a.headline,
        },
        ensure_ascii=False,
    )


def _load(text: str, key: str) -> Article:
    """The article a row holds, under its `key`; ValueError if the row is damaged (not
    the JSON of one)."""
    d = json.loads(text)
    if not (
        isinstance(d, dict)
        and all(isinstance(d.get(key), kind) for key, kind in _REQUIRED.items())
        and all(isinstance(p, str) for p in d["paragraphs"])
        and all(isinstance(d.get(key), (str, type(None))) for key in _OPTIONAL)
        and isinstance(d.get("headline", True), bool)
    ):
        raise ValueError("not the record of an article")
    path = d["path"] if "://" in d["path"] else Path(d["path"])
    published = dt.datetime.fromisoformat(d["published"]) if d.get("published") else None
    article = Article(
        d["title"],
        tuple(d["paragraphs"]),
        path,
        d.get("source"),
        published,
        d["lang"],
        d.get("section"),
        d.get("outlet"),
        d.get("headline", True),
    )
    object.__setattr__(article, "_hash", key)  # as article_hash keeps it
    return article


_REQUIRED = {"title": str, "paragraphs": list, "path": str, "lang": str}
_OPTIONAL = ("source", "published", "section", "outlet")


F = TypeVar("F", bound=Callable[..., Any])


def _guarded(method: F) -> F:
    """A State method whose database errors become one-line DigestErrors naming the file."""

    @functools.wraps(method)
    def wrapper(self: State, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):
                raise DigestError(f"{self.path}: cannot use the database ({exc})") from None
            raise DigestError(
                f"{self.path}: damaged or not a digest database ({exc}); "
                "move it aside and digest starts a new one"
            ) from None

    return wrapper  # type: ignore[return-value]


class State:
    """The database of one data folder."""

    @_guarded
    def __init__(self, folder: Path | None = None):
        self.folder = folder or home()
        self.path = self.folder / "state.db"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DigestError(
                f"{self.folder}: cannot use the data folder ({exc.strerror or exc})"
            ) from None
        self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: a kill loses nothing
            self.db.executescript(SCHEMA)
        except sqlite3.Error:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> State:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @_guarded
    def add(self, articles: Iterable[Article]) -> dict[str, Article]:
        """Record articles not seen before (the same text from elsewhere is not new);
        return those recorded now, by hash."""
        now = dt.datetime.now().isoformat(timespec="seconds")
        by_hash: dict[str, Article] = {}
        for a in articles:
            by_hash.setdefault(article_hash(a), a)
        with self.db:
            self.db.execute("BEGIN")
            for (key,) in self._rows(
                "SELECT hash FROM articles WHERE hash IN ({marks})", [*by_hash]
            ):
                del by_hash[key]
            self.db.executemany(
                "INSERT OR IGNORE INTO articles (hash, origin, article, first_seen) "
                "VALUES (?, ?, ?, ?)",
                ((key, str(a.path), _dump(a), now) for key, a in by_hash.items()),
            )
        return by_hash

    @_guarded
    def for_briefing(
        self, date: dt.date, everything: bool = False, added: Mapping[str, Article] = {}
    ) -> list[Article]:
        """The articles of the briefing for `date`: those already in it and those in no
        briefing yet (or every article, with `everything`), in the order first read.
        Those `added` (what `add` returned) are taken as they are, not loaded again:
        on a large day, loading them cost seconds and held the day's text twice."""
        rows = self.db.execute(
            "SELECT rowid, hash, article FROM articles"
            + ("" if everything else " WHERE briefing IS NULL OR briefing = ?")
            + " ORDER BY rowid",
            () if everything else (date.isoformat(),),
        )
        articles, damaged = [], []
        for row, key, text in rows:
            if key in added:
                articles.append(added[key])
                continue
            try:
                articles.append(_load(text, key))
            except (ValueError, TypeError):  # a row changed by hand or by another program
                damaged.append(str(row))
        if damaged:
            log.warning(
                "%s: %s of the articles table damaged, skipped: %s",
                self.path,
                "a row" if len(damaged) == 1 else f"{len(damaged)} rows",
                ", ".join(damaged[:10]) + (", …" if len(damaged) > 10 else ""),
            )
        return articles

    @_guarded
    def elsewhere(self, articles: Sequence[Article], date: dt.date) -> int:
        """How many of these articles went into the briefing of another date."""
        return sum(
            n
            for (n,) in self._rows(
                "SELECT COUNT(*) FROM articles WHERE hash IN ({marks})"
                " AND briefing IS NOT NULL AND briefing != ?",
                [article_hash(a) for a in articles],
                date.isoformat(),
            )
        )

    @_guarded
    def assign(self, articles: Iterable[Article], date: dt.date) -> None:
        """Mark articles as in the briefing for `date` (those in none yet)."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "UPDATE articles SET briefing = ? WHERE hash = ? AND briefing IS NULL",
                ((date.isoformat(), article_hash(a)) for a in articles),
            )

    @_guarded
    def remember(self, date: dt.date, events: Iterable[Memory]) -> None:
        """Keep the events the briefing of `date` showed, in place of any kept before."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM events WHERE briefing = ?", (date.isoformat(),))
            self.db.executemany(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        date.isoformat(),
                        m.anchor,
                        m.first.isoformat(),
                        m.headline,
                        m.headline_en,
                        json.dumps(m.shown, ensure_ascii=False),
                        json.dumps(
                            {
                                "v": MARKS_VERSION,
                                "terms": m.terms,
                                "names": m.names,
                                "scores": m.scores,
                            },
                            ensure_ascii=False,
                        ),
                    )
                    for m in events
                ),
            )

    @_guarded
    def recall(self, date: dt.date, days: int) -> list[Memory]:
        """The events the briefings of the `days` days before `date` showed."""
        from .follow import Memory

        rows = self.db.execute(
            "SELECT briefing, anchor, first, headline, headline_en, shown, marks FROM events"
            " WHERE briefing >= ? AND briefing < ? ORDER BY briefing, rowid",
            ((date - dt.timedelta(days=days)).isoformat(), date.isoformat()),
        )
        out = []
        for day, anchor, first, headline, headline_en, shown, marks in rows:
            m = json.loads(marks)
            if m.get("v") == MARKS_VERSION:
                out.append(
                    Memory(
                        dt.date.fromisoformat(day),
                        anchor,
                        dt.date.fromisoformat(first),
                        headline,
                        headline_en,
                        json.loads(shown),
                        m["terms"],
                        m["names"],
                        m["scores"],
                    )
                )
        return out

    @_guarded
    def _rows(self, sql: str, keys: Sequence[str], *params) -> list[tuple]:
        """The rows of `sql`, its `{marks}` standing for `keys`, 500 keys a query."""
        rows: list[tuple] = []
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            rows += self.db.execute(
                sql.format(marks=",".join("?" * len(chunk))), (*chunk, *params)
            ).fetchall()
        return rows

    def through(self, keys: Sequence[str], items: Sequence, make) -> tuple[list[str], set[str]]:
        """The cached value of each key; those missing made from their items by
        `make(items)` (once per key) and kept. Also returns the keys it made."""
        found = dict(self._rows("SELECT key, value FROM cache WHERE key IN ({marks})", keys))
        todo = {k: item for k, item in zip(keys, items, strict=True) if k not in found}
        if todo:
            new = dict(zip(todo, make(list(todo.values())), strict=True))
            self.put(new)
            found.update(new)
        return [found[k] for k in keys], set(todo)

    @_guarded
    def put(self, items: dict[str, str]) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO cache VALUES (?, ?)", items.items())


class _Kept:
    """A backend wrapped so that what it makes is kept in the state's cache."""

    def __init__(self, inner, state: State):
        self.inner, self.state, self.name = inner, state, inner.name
        self.hits = 0  # results an earlier run made, taken from the cache
        self.made: set[str] = set()  # the keys of those it made

    def _through(self, keys: Sequence[str], items: Sequence, make) -> list[str]:
        """`State.through`, counting as hits only what an earlier run made (what this
        run made and asks for again, as a headline two stories share, is no hit)."""
        out, made = self.state.through(keys, items, make)
        self.hits += sum(k not in made and k not in self.made for k in keys)
        self.made |= made
        return out


class CachedSummarizer(_Kept):
    """A summarizer whose summaries are kept: a story summarized before, from the same
    articles with the same backend and settings, is not summarized again."""

    def summarize(self, stories: Sequence[Story], words: int) -> list[str]:
        how = (self.inner.name, getattr(self.inner, "settings", ""), words, __version__)
        keys = [
            digest_of("summary", how, [article_hash(a) for a in s.articles], sorted(s.seen))
            for s in stories
        ]
        # Held to the protocol before it is kept: a plugin's failure is not cached.
        return self._through(keys, stories, lambda todo: summaries_of(self.inner, todo, words))


class CachedTranslator(_Kept):
    """A translator whose translations are kept, sentence by sentence."""

    def translate(self, texts: Sequence[str]) -> list[str]:
        how = (self.inner.name, getattr(self.inner, "settings", ""), __version__)
        keys = [digest_of("translation", how, t) for t in texts]
        return self._through(keys, texts, self.inner.translate)
