"""The small typed records that flow through the pipeline."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Article:
    """One story's text as read from one file or page (one may hold several)."""

    title: str
    paragraphs: tuple[str, ...]
    path: Path | str  # a file, or the URL of a page
    source: str | None = None  # as the page credits it: "Ana Souza, Jornal Exemplo"
    published: dt.datetime | None = None
    lang: str = "pt"
    section: str | None = None  # a key of ingest.SECTIONS, from the page's own metadata
    outlet: str | None = None  # who publishes it: a site, an agency; None: unknown
    headline: bool = True  # False: the title was made from the lede, the page had none

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def url(self) -> str | None:
        return self.path if isinstance(self.path, str) and "://" in self.path else None


@dataclass(frozen=True)
class Earlier:
    """A day an earlier briefing showed a story's event: its date and headline, and
    where it stood in that briefing ('' for a one-line story)."""

    date: dt.date
    headline: str
    headline_en: str | None
    anchor: str


@dataclass
class Story:
    """One event in the briefing: one or more articles, summarized together."""

    articles: list[Article]
    summary: str = ""
    title_en: str | None = None
    summary_en: str | None = None
    notes: list[str] = field(default_factory=list)
    related: list[Story] = field(default_factory=list)  # other stories on its topic
    # A story that continues an event of earlier briefings: when that was first shown,
    # those days (newest first), and every sentence they showed of it.
    first: dt.date | None = None
    earlier: list[Earlier] = field(default_factory=list)
    seen: frozenset[str] = frozenset()
    # The English of its one line in brief (render.gist), where that line is a clause
    # cut from the lede: translated as such, so that both languages say the same.
    gist_en: str | None = None

    @property
    def title(self) -> str:
        return self.articles[0].title

    @property
    def lang(self) -> str:
        return self.articles[0].lang

    @property
    def published(self) -> dt.datetime | None:
        """When its newest article came out, if any says."""
        return max(
            (a.published for a in self.articles if a.published),
            default=None,
            key=lambda d: d.timestamp(),
        )

    @functools.cached_property
    def section(self) -> str | None:
        """The section most of its articles name (the first named, of those named as
        often), if any names one. Found once: a story's articles do not change, and a
        long day's render asks each story's a dozen times as it fits the day."""
        named = [a.section for a in self.articles if a.section]
        return max(dict.fromkeys(named), key=named.count) if named else None


@dataclass
class Briefing:
    """A dated briefing: the day's stories, most important first, and how it was made."""

    date: dt.date
    stories: list[Story]
    files: int
    langs: tuple[str, ...] = ("pt", "en")
    summarizer: str = ""
    translator: str = ""
    notes: list[str] = field(default_factory=list)  # how the run departed from its settings
    top: int = 0  # stories shown in full; the rest one line each (0: all in full)
    # The least reported of the others, left out of the list to keep to --minutes:
    # counted under their sections ("+3 more in World"), not listed.
    omitted: list[Story] = field(default_factory=list)
    inputs: tuple[Path, ...] = ()  # the folders read: local paths are shown below them
    templates: Path | None = None  # the folder it renders with (the templates setting)
    # What later runs remember of it (digest.follow.Memory), made with it.
    memories: list = field(default_factory=list)

    @property
    def full(self) -> list[Story]:
        return self.stories[: self.top] if self.top else self.stories

    @property
    def also(self) -> list[Story]:
        """The stories after the first `top` listed in one line each: all but those
        shown as related under a story in full, and those omitted."""
        if not self.top:
            return []
        skip = {id(r) for s in self.full for r in s.related} | {id(s) for s in self.omitted}
        return [s for s in self.stories[self.top :] if id(s) not in skip]
