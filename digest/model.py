"""The small typed records that flow through the pipeline."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Article:
    """One story's text as read from one file or page (one may hold several)."""

    title: str
    paragraphs: tuple[str, ...]
    path: Path | str  # a file, or the URL of a page
    source: str | None = None
    published: dt.datetime | None = None
    lang: str = "pt"

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class Story:
    """One event in the briefing: one or more articles, summarized together."""

    articles: list[Article]
    summary: str = ""
    title_en: str | None = None
    summary_en: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.articles[0].title

    @property
    def lang(self) -> str:
        return self.articles[0].lang


@dataclass
class Briefing:
    """A dated briefing: the stories of one day and how they were made."""

    date: dt.date
    stories: list[Story]
    files: int
    langs: tuple[str, ...] = ("pt", "en")
    summarizer: str = ""
    translator: str = ""
    notes: list[str] = field(default_factory=list)  # how the run departed from its settings
