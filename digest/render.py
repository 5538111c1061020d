"""Turn a `Briefing` into text through the Jinja2 templates in `templates/`."""
from __future__ import annotations

import datetime as dt
import functools
import os
import re
import urllib.parse
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .edit import SECTIONS, WORDS_PER_MINUTE, outlet
from .model import Article, Briefing, Story

if TYPE_CHECKING:
    import jinja2

MONTHS_PT = ("janeiro fevereiro março abril maio junho julho agosto setembro outubro "
             "novembro dezembro").split()
MONTHS_EN = ("January February March April May June July August September October "
             "November December").split()
DAYS_PT = "segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado domingo".split()
DAYS_EN = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


def long_date(day: dt.date, lang: str) -> str:
    """'domingo, 22 de novembro de 2026' or 'Sunday, 22 November 2026'."""
    if lang == "pt":
        return f"{DAYS_PT[day.weekday()]}, {day.day} de {MONTHS_PT[day.month - 1]} de {day.year}"
    return f"{DAYS_EN[day.weekday()]}, {day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def short_date(when: dt.date | dt.datetime) -> str:
    """'12/08/2025', with the time when there is one: '12/08/2025 19:48'."""
    text = when.strftime("%d/%m/%Y")
    if isinstance(when, dt.datetime) and (when.hour or when.minute):
        text += when.strftime(" %H:%M")
    return text


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_MD_LINE_START = re.compile(r"^(\s*)(#|>|[-+]\s|\d+[.)]\s)")


def one_line(text: str) -> str:
    """Text that stays on one line: any control character shown as its escape."""
    return text if text.isprintable() else "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def markdown_escape(text: str) -> str:
    """Text shown literally in Markdown: no emphasis, links, HTML or list markers."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: m[1] + "\\" + m[2], text)


def code(text: str) -> str:
    """A Markdown code span that shows `text` as it is: fenced by more backticks than
    any run inside it (so none can close it early), on one line."""
    text = one_line(text)
    fence = "`" * (max(map(len, re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def web_link(url: str | None) -> str | None:
    """`url` as a safe link target: http(s) only, with the characters that could end a
    Markdown or HTML destination percent-encoded; None for anything else."""
    if not url or not re.match(r"https?://[^\s/]", url, re.IGNORECASE):
        return None
    return re.sub(r"[\x00-\x20<>\"'`\\()\x7f]", lambda m: f"%{ord(m[0]):02X}", url)


def markdown_link(label: str, url: str | None) -> str:
    """'[label](<url>)' with both made safe, or the escaped label alone."""
    target = web_link(url)
    text = markdown_escape(one_line(label))
    return f"[{text}](<{target}>)" if target else text


def display_path(path: Path | str) -> str:
    """A path relative to the working folder when it lies below it; a URL as it is."""
    if isinstance(path, str):
        return path
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def display_url(url: str) -> str:
    """A URL shown short: host and path, no scheme, no query."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    return host + (parts.path if parts.path != "/" else "")


@dataclass(frozen=True)
class Source:
    """One article's credit line: who and when (if known), and where."""

    credit: str  # "Agence France-Presse, 12/08/2025 19:48"; "" when nothing is known
    where: str  # a file's path, or a URL shown short
    url: str | None  # the article's page, to link to

    @classmethod
    def of(cls, article: Article) -> Source:
        credit = ", ".join(x for x in (article.source, article.published and
                                       short_date(article.published)) if x)
        url = article.url
        return cls(credit, display_url(url) if url else display_path(article.path), url)


def sources(story: Story) -> list[Source]:
    return [Source.of(a) for a in story.articles]


def outlets(story: Story) -> list[tuple[str, str | None, bool]]:
    """The story's distinct sources, short: (name, a link where there is one, whether
    the name is a file's path)."""
    seen: dict[str, tuple[str, str | None, bool]] = {}
    for a in story.articles:
        file = not (a.outlet or a.url)
        name = display_path(a.path) if file else outlet(a)
        seen.setdefault(name, (name, a.url, file))
    return list(seen.values())


def sectioned(stories: list[Story]) -> list[tuple[str | None, list[Story]]]:
    """Stories grouped by section, in the sections' fixed order, keeping their order
    within each; those with none last. A day where no story names a section is one
    group with no heading."""
    by: dict[str | None, list[Story]] = {}
    for story in stories:
        by.setdefault(story.section, []).append(story)
    return [(key, by[key]) for key in [*SECTIONS, None] if key in by]


def reading_minutes(text: str) -> int:
    """Minutes to read `text` at WORDS_PER_MINUTE (words: runs holding a letter or digit)."""
    return max(1, round(len(re.findall(r"\S*\w\S*", text)) / WORDS_PER_MINUTE))


def both(langs: tuple[str, ...], pt: str, en: str) -> str:
    """Label text in the briefing's languages: 'Fonte · Source', 'Fonte' or 'Source'."""
    return " · ".join(text for lang, text in (("pt", pt), ("en", en)) if lang in langs)


@dataclass(frozen=True)
class Shown:
    """What a briefing shows of one story: its own text, the English, or both."""

    title: str
    summary: str | None
    title_en: str | None
    summary_en: str | None


def shown(story: Story, langs: tuple[str, ...]) -> Shown:
    """The original unless the briefing is English-only and a translation exists;
    the English when asked for and the story is not already in English."""
    english = "en" in langs and story.lang != "en" and story.summary_en is not None
    original = "pt" in langs or not english
    return Shown(
        title=story.title if original else story.title_en or story.title,
        summary=story.summary if original else None,
        title_en=story.title_en if english and original else None,
        summary_en=story.summary_en if english else None,
    )


def subject(briefing: Briefing) -> str:
    """'Resumo diário · Daily briefing — 22/11/2026'."""
    return f"{both(briefing.langs, 'Resumo diário', 'Daily briefing')} — " \
           f"{short_date(briefing.date)}"


def counts(briefing: Briefing) -> str:
    """'13 notícias de 5 arquivos · 13 stories from 5 files'."""
    n, files = len(briefing.stories), briefing.files
    return both(briefing.langs,
                f"{n} {'notícia' if n == 1 else 'notícias'} de "
                f"{files} {'arquivo' if files == 1 else 'arquivos'}",
                f"{n} {'story' if n == 1 else 'stories'} from "
                f"{files} {'file' if files == 1 else 'files'}")


def colophon(briefing: Briefing) -> str:
    """How the briefing was made: 'Resumos: extractive · tradução: bergamot · digest 0.2.0'."""
    b = briefing
    if "pt" in b.langs:
        made = f"Resumos: {b.summarizer}" + (f" · tradução: {b.translator}"
                                             if "en" in b.langs else "")
    else:
        made = f"Summaries: {b.summarizer} · translation: {b.translator}"
    return f"{made} · digest {__version__}"


def templates_dir() -> Path:
    """The templates folder: $DIGEST_TEMPLATES, else the one installed with digest."""
    if os.environ.get("DIGEST_TEMPLATES"):
        return Path(os.environ["DIGEST_TEMPLATES"])
    return Path(str(resources.files("digest.templates")))


def environment(autoescape: bool = False) -> jinja2.Environment:
    """The Jinja environment for the templates folder in use (made once for each)."""
    return _environment(templates_dir(), autoescape)


@functools.cache
def _environment(folder: Path, autoescape: bool) -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(md=markdown_escape, code=code, long_date=long_date,
                       short_date=short_date, path=display_path, one_line=one_line)
    env.globals.update(link=markdown_link, web_link=web_link, sources=sources,
                       outlets=outlets)
    return env


_READING = "\x00reading time\x00"


def _fill(briefing: Briefing, template: str) -> str:
    """The briefing through one template, with a placeholder for its reading time."""
    b = briefing
    env = environment(autoescape=template.endswith(".html.j2"))
    number = {id(s): i for i, s in enumerate(b.full, 1)}
    text = env.get_template(template).render(
        b=b, subject=subject(b), counts=counts(b), colophon=colophon(b), reading=_READING,
        sections=sectioned(b.also),
        section_name=lambda key: both(b.langs, *SECTIONS[key][0]) if key else both(
            b.langs, "Outras", "Other"),
        t=lambda pt, en: both(b.langs, pt, en),
        shown=lambda story: shown(story, b.langs),
        number=lambda story: number.get(id(story)))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def reading_time(briefing: Briefing) -> int:
    """Minutes to read the briefing (its Markdown, whatever the form it is sent in)."""
    return reading_minutes(_fill(briefing, "briefing.md.j2").replace(_READING, ""))


def render(briefing: Briefing, template: str = "briefing.md.j2",
           minutes: int | None = None) -> str:
    """The briefing rendered through one template. Its reading time is the Markdown's,
    whatever the form: `minutes`, when the caller has it already."""
    text = _fill(briefing, template)
    if minutes is None:
        minutes = (reading_minutes(text.replace(_READING, "")) if template == "briefing.md.j2"
                   else reading_time(briefing))
    return text.replace(_READING, both(briefing.langs, f"Leitura: {minutes} min",
                                        f"Reading time: {minutes} min"))
