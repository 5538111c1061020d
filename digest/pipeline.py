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


def articles_of(text: str, path: Path | str, html: bool | None = None) -> list[Article]:
    """The stories in one file's (or page's) text, as articles carrying its metadata.

    HTML (a .html file, or any fetched page) first goes through trafilatura for the main
    text, title, date, author and site name; the cleaning after it is the same.
    """
    name = str(path)
    if html is None:
        html = name.lower().endswith(ingest.HTML_SUFFIXES)
    meta: dict = {}
    if html:
        text, meta = clean.from_html(text, name)
    cleaned = clean.clean(text, markdown=name.lower().endswith(".md"))
    source = cleaned.source or meta.get("source")
    published = cleaned.published or meta.get("published")
    out = []
    for title, paragraphs in split.stories(cleaned):
        lang = clean.detect_lang(" ".join(paragraphs))
        out.append(Article(title, tuple(paragraphs), path, source, published, lang))
    if not out:
        log.warning("%s: no article text left after cleaning, skipped", path)
    return out


def load(inputs: Iterable[Path], pages: Iterable[tuple[str, bytes]] = ()) -> list[Article]:
    """Every article in the input files and in the fetched (URL, page) pairs."""
    articles: list[Article] = []
    for path in ingest.discover(inputs):
        text = ingest.read(path)
        articles += articles_of(text, path) if text is not None else []
    for url, body in pages:
        text = ingest.decode(body, url)
        articles += articles_of(text, url, html=True) if text is not None else []
    for a in articles:
        if a.lang not in ("pt", "en"):
            log.warning("%s: %r reads as %s, not Portuguese", a.path, a.title, a.lang)
    return articles


def build(
    articles: Sequence[Article],
    date: dt.date,
    summarizer: Summarizer,
    translator: Translator | None,
    words: int,
    langs: Sequence[str] = ("pt", "en"),
) -> Briefing:
    """A briefing of these articles: grouped into stories, summarized, translated."""
    stories = cluster(list(articles))
    for story, summary in zip(stories, summarizer.summarize(stories, words)):
        story.summary = summary
    if translator is not None and "en" in langs:
        translate_stories(stories, translator)
    return Briefing(date, stories, len({str(a.path) for a in articles}), tuple(langs),
                    summarizer.name, translator.name if translator else "")


def write(briefing: Briefing, out_dir: Path) -> Path:
    """Render the briefing to OUT/YYYY-MM-DD.md, replacing an earlier one atomically."""
    return write_atomic(out_dir / f"{briefing.date.isoformat()}.md", render(briefing))
