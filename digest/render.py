"""Turn a `Briefing` into text through the Jinja2 templates in `templates/`."""
from __future__ import annotations

import datetime as dt
import os
import re
from importlib import resources
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .model import Briefing, Story

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


def markdown_escape(text: str) -> str:
    """Text shown literally in Markdown: no emphasis, links, HTML or list markers."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: m[1] + "\\" + m[2], text)


def display_path(path: Path | str) -> str:
    """A path relative to the working folder when it lies below it; a URL as it is."""
    if isinstance(path, str):
        return path
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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
        title=story.title if original else story.title_en,
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
    """How the briefing was made: 'Resumos: extractive · tradução: bergamot · digest 0.1.0'."""
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


def environment(autoescape: bool = False):
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(md=markdown_escape, long_date=long_date, short_date=short_date,
                       path=display_path)
    return env


def render(briefing: Briefing, template: str = "briefing.md.j2") -> str:
    """The briefing rendered through one template."""
    env = environment(autoescape=template.endswith(".html.j2"))
    text = env.get_template(template).render(
        b=briefing, subject=subject(briefing), counts=counts(briefing),
        colophon=colophon(briefing),
        t=lambda pt, en: both(briefing.langs, pt, en),
        shown=lambda story: shown(story, briefing.langs))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
