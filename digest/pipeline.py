"""The whole run: ingest → clean → split → cluster → summarize → translate → render."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from . import clean, ingest, split
from .cluster import cluster
from .model import Article, Briefing
from .render import render
from .store import write_atomic
from .summarize import Summarizer
from .translate import Translator, translate_stories

log = logging.getLogger("digest")


def articles_of(text: str, path: Path) -> list[Article]:
    """The stories in one file's text, as articles carrying the file's metadata."""
    cleaned = clean.clean(text, markdown=path.suffix.lower() == ".md")
    out = []
    for title, paragraphs in split.stories(cleaned):
        lang = clean.detect_lang(" ".join(paragraphs))
        out.append(Article(title, tuple(paragraphs), path, cleaned.source,
                           cleaned.published, lang))
    if not out:
        log.warning("%s: no article text left after cleaning, skipped", path)
    return out


def load(inputs: Iterable[Path]) -> tuple[list[Article], int]:
    """Every article in the inputs, and how many files yielded one."""
    articles: list[Article] = []
    files = 0
    for path in ingest.discover(inputs):
        text = ingest.read(path)
        found = articles_of(text, path) if text is not None else []
        for a in found:
            if a.lang not in ("pt", "en"):
                log.warning("%s: %r reads as %s, not Portuguese", path, a.title, a.lang)
        files += bool(found)
        articles += found
    return articles, files


def build(
    inputs: Iterable[Path],
    date: dt.date,
    summarizer: Summarizer,
    translator: Translator | None,
    words: int,
    langs: Sequence[str] = ("pt", "en"),
) -> Briefing:
    """A briefing of the articles found in `inputs`."""
    articles, files = load(inputs)
    if not articles:
        log.warning("no article could be read from the inputs given; the briefing is empty")
    stories = cluster(articles)
    for story, summary in zip(stories, summarizer.summarize(stories, words)):
        story.summary = summary
    if translator is not None and "en" in langs:
        translate_stories(stories, translator)
    return Briefing(date, stories, files, tuple(langs), summarizer.name,
                    translator.name if translator else "")


def write(briefing: Briefing, out_dir: Path) -> Path:
    """Render the briefing to OUT/YYYY-MM-DD.md, replacing an earlier one atomically."""
    return write_atomic(out_dir / f"{briefing.date.isoformat()}.md", render(briefing))
