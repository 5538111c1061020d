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


_words = click.option("--words", "-w", type=click.IntRange(10, 2000), default=60,
                      show_default=True, help="Word budget of each story's summary.")
_summarizer = click.option("--summarizer", default="extractive", show_default=True,
                           help="Summarizer backend.")
_translator = click.option("--translator", default="bergamot", show_default=True,
                           help="Translator backend.")


def _lang_option(default: str):
    return click.option("--lang", "-l", default=default, show_default=True, callback=_langs,
                        help="Languages to show: pt, en or pt,en.")


def _user_errors(fn):
    """Run a command body, turning DigestError into a one-line error and exit status 1."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .ingest import DigestError
        try:
            return fn(*args, **kwargs)
        except DigestError as exc:
            raise click.ClickException(str(exc)) from None
    return wrapper


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--input", "-i", "more_inputs", multiple=True, type=click.Path(path_type=Path),
              help="An article file or folder (repeatable; same as INPUTS).")
@click.option("--date", "-d", callback=_date, help="Briefing date, YYYY-MM-DD [default: today].")
@click.option("--out", "-o", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("out"), show_default=True, help="Folder for the briefing.")
@_lang_option("pt,en")
@_words
@_summarizer
@_translator
@_user_errors
def run(inputs, more_inputs, date, out_dir, lang, words, summarizer, translator) -> None:
    """Write the briefing of the articles in INPUTS (files or folders; default seeds/)
    to OUT/YYYY-MM-DD.md."""
    from .pipeline import build, write
    from .summarize import get_summarizer
    from .translate import get_translator

    paths = list(inputs) + list(more_inputs) or [Path("seeds")]
    briefing = build(paths, date, get_summarizer(summarizer),
                     get_translator(translator) if "en" in lang else None, words, lang)
    path = write(briefing, out_dir)
    articles = sum(len(s.articles) for s in briefing.stories)
    click.echo(f"{path} ({_plural(len(briefing.stories), 'story', 'stories')} from "
               f"{_plural(articles, 'article', 'articles')} in "
               f"{_plural(briefing.files, 'file', 'files')})")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@_words
@_lang_option("pt")
@_summarizer
@_translator
@click.option("--json", "as_json", is_flag=True, help="One JSON object per story, a line each.")
@_user_errors
def summarize(files, words, lang, summarizer, translator, as_json) -> None:
    """Summarize article FILES (or standard input), cleaned as `digest run` cleans them.

    A file that holds several stories gives one summary per story.
    """
    import json
    import sys

    from .cluster import cluster
    from .ingest import DigestError, decode
    from .pipeline import articles_of
    from .summarize import get_summarizer
    from .translate import get_translator, translate_stories

    engine = get_summarizer(summarizer)
    english = get_translator(translator) if "en" in lang else None
    for path in files or [Path("-")]:
        name = "<stdin>" if str(path) == "-" else str(path)
        try:
            data = sys.stdin.buffer.read() if name == "<stdin>" else path.read_bytes()
        except OSError as exc:
            raise DigestError(f"{path}: cannot read ({exc.strerror or exc})") from None
        text = decode(data, name)
        stories = cluster(articles_of(text, path)) if text is not None else []
        if not stories:
            raise DigestError(f"{name}: no article text to summarize")
        for story, summary in zip(stories, engine.summarize(stories, words)):
            story.summary = summary
        if english:
            translate_stories(stories, english)
        for story in stories:
            if as_json:
                click.echo(json.dumps({
                    "input": name, "title": story.title, "summary": story.summary,
                    "title_en": story.title_en, "summary_en": story.summary_en,
                    "words": len(story.summary.split()),
                    "words_en": len(story.summary_en.split()) if story.summary_en else None,
                    "lang": story.lang,
                }, ensure_ascii=False))
                continue
            parts = []
            if "pt" in lang or not story.summary_en:
                parts += [story.title, story.summary]
            if "en" in lang and story.summary_en:
                parts += [story.title_en, story.summary_en]
            parts += [f"[{note}]" for note in story.notes]
            click.echo("\n\n".join(parts) + "\n")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@_translator
@click.option("--src", default="pt", show_default=True, help="Language of the input.")
@click.option("--tgt", default="en", show_default=True, help="Language of the output.")
@_user_errors
def translate(files, translator, src, tgt) -> None:
    """Translate FILES (or standard input) line for line: N lines in, N lines out.

    Blank lines stay blank and each line is translated on its own (split into sentences
    and joined again), so the output stays aligned with its source. Output streams.
    """
    import sys

    from .ingest import DigestError, read_lines
    from .translate import get_translator, translate_lines

    engine = get_translator(translator, src, tgt)
    for path in files or [Path("-")]:
        if str(path) == "-":
            stream, name = sys.stdin.buffer, "<stdin>"
        else:
            try:
                stream, name = path.open("rb"), str(path)
            except OSError as exc:
                raise DigestError(f"{path}: cannot read ({exc.strerror or exc})") from None
        with stream:
            for line in translate_lines(read_lines(stream, name), engine):
                click.echo(line)
                sys.stdout.flush()


@main.command("eval")
@click.argument("corpus", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--words", "-w", type=click.IntRange(10, 2000), default=120, show_default=True,
              help="Word budget of each summary.")
@_summarizer
@click.option("--save-summaries", type=click.Path(path_type=Path, file_okay=False),
              help="Write every summary under this folder, to rescore elsewhere.")
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
@_user_errors
def eval_(corpus, words, summarizer, save_summaries, as_json) -> None:
    """Score summaries (ROUGE F1) and story clustering (B-cubed) on a CORPUS folder."""
    import dataclasses
    import json
    import time

    from .evaluate import evaluate
    from .summarize import get_summarizer

    t0 = time.perf_counter()
    report = evaluate(corpus, get_summarizer(summarizer), words, save_summaries)
    seconds = time.perf_counter() - t0
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(report) | {"words": words,
                                                           "seconds": round(seconds, 2)}))
        return
    c = report.counts
    click.echo(f"{corpus}: {c['articles']} articles, {c['stories']} stories, "
               f"--words {words}, {summarizer}, {seconds:.1f} s")
    click.echo(f"{'':34}{'ROUGE-1':>9}{'ROUGE-2':>9}{'ROUGE-L':>9}")
    for name, scores in (("single-document", report.single),
                         ("single-document, lead baseline", report.single_lead),
                         ("multi-document", report.multi),
                         ("multi-document, lead baseline", report.multi_lead)):
        if scores:
            click.echo(f"{name:34}" + "".join(f"{scores[k]:9.3f}"
                                              for k in ("rouge1", "rouge2", "rougeL")))
    b = report.clustering
    click.echo(f"clustering (B-cubed): precision {b['precision']:.3f}, "
               f"recall {b['recall']:.3f}, F1 {b['f1']:.3f}")
