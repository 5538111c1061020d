"""Turn a `Briefing` into text through the Jinja2 templates in `templates/`."""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from . import __version__
from .model import Briefing

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


def display_path(path: Path) -> str:
    """A path relative to the working folder when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def templates_dir() -> Path:
    """The templates folder: $DIGEST_TEMPLATES, else the one installed with digest."""
    if os.environ.get("DIGEST_TEMPLATES"):
        return Path(os.environ["DIGEST_TEMPLATES"])
    return Path(__file__).parent / "templates"


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
    text = env.get_template(template).render(b=briefing, version=__version__)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
