"""The `digest` command line."""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import click

from . import __version__

LANGS = ("pt", "en")


class _Stderr(logging.Handler):
    """One line per message on the current stderr: 'digest: warning: …'."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"digest: {record.levelname.lower()}: {record.getMessage()}", err=True)


def _setup_logging() -> None:
    log = logging.getLogger("digest")
    if not any(isinstance(h, _Stderr) for h in log.handlers):
        log.addHandler(_Stderr())
        log.setLevel(logging.INFO)
        log.propagate = False


def _langs(ctx, param, value: str) -> tuple[str, ...]:
    langs = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    if not langs or any(lang not in LANGS for lang in langs):
        raise click.BadParameter(f"{value!r}: use pt, en or pt,en")
    return langs


def _date(ctx, param, value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from None


@click.group()
@click.version_option(__version__, prog_name="digest")
def main() -> None:
    """Dated, bilingual (Portuguese + English) daily briefings from news articles."""
    _setup_logging()


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--input", "-i", "more_inputs", multiple=True, type=click.Path(path_type=Path),
              help="An article file or folder (repeatable; same as INPUTS).")
@click.option("--date", "-d", callback=_date, help="Briefing date, YYYY-MM-DD [default: today].")
@click.option("--out", "-o", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("out"), show_default=True, help="Folder for the briefing.")
@click.option("--lang", "-l", default="pt,en", show_default=True, callback=_langs,
              help="Languages of the briefing: pt, en or pt,en.")
@click.option("--words", "-w", type=click.IntRange(10, 2000), default=60, show_default=True,
              help="Word budget of each story's summary.")
@click.option("--summarizer", default="extractive", show_default=True,
              help="Summarizer backend.")
@click.option("--translator", default="bergamot", show_default=True,
              help="Translator backend (pt→en).")
def run(inputs, more_inputs, date, out_dir, lang, words, summarizer, translator) -> None:
    """Write the briefing of the articles in INPUTS (files or folders; default seeds/)
    to OUT/YYYY-MM-DD.md."""
    from .ingest import DigestError
    from .pipeline import build, write
    from .summarize import get_summarizer
    from .translate import get_translator

    paths = list(inputs) + list(more_inputs) or [Path("seeds")]
    try:
        briefing = build(
            paths, date, get_summarizer(summarizer),
            get_translator(translator) if "en" in lang else None, words, lang)
        path = write(briefing, out_dir)
    except DigestError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{path} ({len(briefing.stories)} stories from {briefing.files} files)")
