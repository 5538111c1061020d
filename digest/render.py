"""Turn a `Briefing` into text through the Jinja2 templates in `templates/`."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .edit import WORDS_PER_MINUTE, outlet
from .errors import DigestError
from .ingest import SECTIONS
from .model import Briefing, Story

if TYPE_CHECKING:
    import jinja2

MONTHS_PT = (
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro"
).split()
MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()
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
    return (
        text
        if text.isprintable()
        else "".join(
            c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
        )
    )


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


def display_path(path: Path | str, inputs: tuple[Path, ...] = ()) -> str:
    """A local file as a reader may see it: relative to the working folder when it lies
    below it, else to the input folder it was read from, else its name alone (a
    reader's briefing never shows where files lie on the machine); a URL as it is."""
    return path if isinstance(path, str) else _below(path, tuple(inputs), os.getcwd())


@functools.lru_cache(maxsize=1 << 16)
def _below(path: Path, inputs: tuple[Path, ...], cwd: str) -> str:
    """display_path's answer, kept: resolving a path asks the file system about each of
    its folders, and a long day's render is made a dozen times as the day is fitted."""
    full = path.resolve()
    for folder in (Path(cwd), *inputs):
        try:
            return str(full.relative_to(_resolved(folder)))
        except ValueError:
            continue
    return path.name


@functools.lru_cache(maxsize=64)
def _resolved(folder: Path) -> Path:
    """A folder resolved once for the many files shown below it."""
    return folder.resolve()


def display_url(url: str) -> str:
    """A URL shown short: host and path, no scheme, no query."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    return host + (parts.path if parts.path != "/" else "")


def outlets(story: Story, inputs: tuple[Path, ...] = ()) -> list[tuple[str, str | None, bool]]:
    """Who reports the story, once each: (name, a link where there is one, whether the
    name is a local file's, shown only when nothing names its outlet)."""
    seen: dict[str, tuple[str, str | None, bool]] = {}
    for a in story.articles:
        name = outlet(a)
        if name is None:
            seen.setdefault(str(a.path), (display_path(a.path, inputs), a.url, True))
        elif name not in seen or (seen[name][1] is None and a.url):
            seen[name] = (name, a.url, False)
    return list(seen.values())


def since(story: Story, langs: tuple[str, ...]) -> tuple[str, str | None]:
    """'Desde 21/11 · Since 21 Nov', and the briefing that first showed the story's
    event ('2026-11-21.md#3-headline'), for a story that continues one."""
    first = story.first
    if first is None:
        return "", None
    text = both(
        langs, f"Desde {first:%d/%m}", f"Since {first.day} {MONTHS_EN[first.month - 1][:3]}"
    )
    where = next((e.anchor for e in story.earlier if e.date == first), "")
    return text, f"{first.isoformat()}.md" + (f"#{where}" if where else "")


def dated(story: Story) -> str | None:
    """The date (and time, if known) of the story's newest article."""
    return short_date(story.published) if story.published else None


def gist(story: Story, english: bool = False) -> str:
    """What happened, in one line: the main clause of the summary's first sentence (or
    the whole sentence, when the headline is already that clause). In English, the
    translation of that clause where the pipeline made one (`Story.gist_en`), else the
    whole first sentence: a clause cut from the English on its own could end where the
    Portuguese does not (in the middle of a list)."""
    from .headline import main_clause
    from .sentence import sentences

    if english and story.gist_en:
        return story.gist_en
    summary = (story.summary_en if english else story.summary) or ""
    title = (story.title_en if english else story.title) or ""
    first = sentences(summary)[0] if summary.strip() else title
    clause = first if english else main_clause(first)
    return (first if clause.lower() == title.lower().rstrip(".") else clause).rstrip(".") + "."


def cut_gist(story: Story) -> str | None:
    """The story's Portuguese line in brief when it is a clause cut from its first
    sentence (and so needs an English of its own), else None."""
    from .sentence import sentences

    line = gist(story)
    first = sentences(story.summary)[0] if story.summary.strip() else ""
    return line if first and line.rstrip(".") != first.rstrip(".") else None


def sectioned(
    stories: list[Story],
    omitted: list[Story] = (),  # type: ignore[assignment]
) -> list[tuple[str | None, list[Story], int]]:
    """Stories grouped by section, in the sections' fixed order, keeping their order
    within each; those with none last; with how many `omitted` stories each section has
    besides. A day where no story names a section is one group with no heading."""
    by: dict[str | None, list[Story]] = {}
    more: dict[str | None, int] = {}
    for story in stories:
        by.setdefault(story.section, []).append(story)
    for story in omitted:
        by.setdefault(story.section, [])
        more[story.section] = more.get(story.section, 0) + 1
    return [(key, by[key], more.get(key, 0)) for key in [*SECTIONS, None] if key in by]


def words_in(text: str) -> int:
    """Words a reader reads: runs holding a letter or digit."""
    return len(re.findall(r"\S*\w\S*", text))


def reading_minutes(text: str) -> int:
    """Minutes to read `text` at WORDS_PER_MINUTE, rounded up (never under one)."""
    return max(1, -(-words_in(text) // WORDS_PER_MINUTE))


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
    """'Resumo diário · Daily briefing — 22/11/2026: the lead story's headline'."""
    text = (
        f"{both(briefing.langs, 'Resumo diário', 'Daily briefing')} — {short_date(briefing.date)}"
    )
    if briefing.stories:
        text += f": {one_line(shown(briefing.stories[0], briefing.langs).title)}"
    return text


def _n(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def counts(briefing: Briefing) -> str:
    """'13 notícias de 14 artigos · 3 veículos · 13 stories from 14 articles · 3 outlets'
    (and how many articles no outlet is known for)."""
    stories = briefing.stories
    names = [outlet(a) for s in stories for a in s.articles]  # once each: a long day is
    known = len(set(names)) - (None in names)  # rendered a dozen times as it is fitted
    unknown = names.count(None)
    pt = (
        f"{_n(len(stories), 'notícia', 'notícias')} de "
        f"{_n(len(names), 'artigo', 'artigos')} · {_n(known, 'veículo', 'veículos')}"
    )
    en = (
        f"{_n(len(stories), 'story', 'stories')} from "
        f"{_n(len(names), 'article', 'articles')} · {_n(known, 'outlet', 'outlets')}"
    )
    if unknown:
        pt += f" e {unknown} sem veículo conhecido"
        en += f" and {unknown} of unknown outlet"
    return both(briefing.langs, pt, en)


def colophon(briefing: Briefing) -> str:
    """How the briefing was made: 'Resumos: extractive · tradução: bergamot · digest 0.2.0'."""
    b = briefing
    if "pt" in b.langs:
        made = f"Resumos: {b.summarizer}" + (
            f" · tradução: {b.translator}" if "en" in b.langs else ""
        )
    else:
        made = f"Summaries: {b.summarizer} · translation: {b.translator}"
    return f"{made} · digest {__version__}"


def templates_dir(folder: Path | None = None) -> Path:
    """The templates folder: `folder` (the templates setting), else the one installed
    with digest."""
    return folder if folder is not None else Path(str(resources.files("digest.templates")))


def check_templates(folder: Path | None, names: Sequence[str]) -> None:
    """A DigestError naming the templates setting if `folder` lacks one of `names`:
    said before a run does its work, not after."""
    missing = [name for name in names if folder is not None and not (folder / name).is_file()]
    if missing:
        raise DigestError(f"templates: {folder} has no {' or '.join(missing)}")


def environment(autoescape: bool = False, folder: Path | None = None) -> jinja2.Environment:
    """The Jinja environment for a templates folder (made once for each)."""
    return _environment(templates_dir(folder), autoescape)


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
    env.filters.update(
        md=markdown_escape,
        code=code,
        long_date=long_date,
        short_date=short_date,
        one_line=one_line,
        day_month=lambda d: d.strftime("%d/%m"),
    )
    env.globals.update(link=markdown_link, web_link=web_link, dated=dated)
    return env


_READING = "\x00reading time\x00"


def _section(key: str | None) -> tuple[str, str]:
    return SECTIONS[key][0] if key else ("Outras", "Other")


def _fill(briefing: Briefing, template: str) -> str:
    """The briefing through one template, with a placeholder for its reading time."""
    import jinja2

    b = briefing
    env = environment(template.endswith(".html.j2"), b.templates)
    number = {id(s): i for i, s in enumerate(b.full, 1)}
    try:
        text = _through(env.get_template(template), b, number)
    except jinja2.TemplateError as exc:
        if b.templates is None:  # the built-in templates' errors are digest's own
            raise
        check_templates(b.templates, [template])
        line = f", line {exc.lineno}" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        raise DigestError(
            f"templates: {b.templates / template}{line}: {' '.join(str(exc).split())}"
        ) from None
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _through(template: jinja2.Template, b: Briefing, number: dict[int, int]) -> str:
    return template.render(
        b=b,
        subject=subject(b),
        counts=counts(b),
        colophon=colophon(b),
        reading=_READING,
        sections=sectioned(b.also, b.omitted),
        outlets=lambda story: outlets(story, b.inputs),
        since=lambda story: since(story, b.langs),
        gist=lambda story: (
            gist(story) if "pt" in b.langs or story.lang == "en" else None,
            gist(story, True) if shown(story, b.langs).summary_en else None,
        ),
        section_name=lambda key: both(b.langs, *_section(key)),
        section_pt=lambda key: _section(key)[0],
        section_en=lambda key: _section(key)[1],
        t=lambda pt, en: both(b.langs, pt, en),
        shown=lambda story: shown(story, b.langs),
        number=lambda story: number.get(id(story)),
    )


def reading_words(briefing: Briefing) -> int:
    """Words in the briefing's Markdown (whatever the form it is sent in), its reading
    time included."""
    return words_in(_fill(briefing, "briefing.md.j2").replace(_READING, "Leitura: 1 min"))


def reading_time(briefing: Briefing) -> int:
    """Minutes to read the briefing (its Markdown, whatever the form it is sent in)."""
    return max(1, -(-reading_words(briefing) // WORDS_PER_MINUTE))


def render(briefing: Briefing, template: str = "briefing.md.j2", minutes: int | None = None) -> str:
    """The briefing rendered through one template. Its reading time is the Markdown's,
    whatever the form: `minutes`, when the caller has it already."""
    text = _fill(briefing, template)
    if minutes is None:
        minutes = (
            reading_minutes(text.replace(_READING, ""))
            if template == "briefing.md.j2"
            else reading_time(briefing)
        )
    return text.replace(
        _READING, both(briefing.langs, f"Leitura: {minutes} min", f"Reading time: {minutes} min")
    )
