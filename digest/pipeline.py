"""The daily run as one call, and the stages it is made of.

    import digest
    result = digest.run(["seeds"], date="2026-11-22", out="out")

ingest → clean → split (`load`), then cluster → summarize → translate (`build`), then
render → deliver (`run`). `run` is what `digest run` does; the stages are plain
functions on `Article`, `Story` and `Briefing` for callers who want only some of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import backends, clean, ingest, progress, split, workers
from .cluster import group
from .config import Config, langs_of
from .edit import SHORTEST, WORDS_PER_MINUTE, give_way, rank
from .errors import DigestError
from .follow import Memory, follow, memories
from .headline import short_title
from .model import Article, Briefing, Story
from .render import check_templates, cut_gist, reading_words, render
from .store import all_locked, write_atomic
from .summarize import Summarizer, summaries_of
from .translate import Translator, translate_stories, translate_texts

if TYPE_CHECKING:
    from email.message import EmailMessage

    from .fetch import Pages

log = logging.getLogger("digest")


def articles_of(
    text: str, path: Path | str, page: bool = False, category: str | None = None
) -> list[Article]:
    """The stories in one file's (or fetched `page`'s) text, as articles carrying its
    metadata: source, date, publisher, and section (from `category`, a feed's for the
    page, else the page's own, else its path's folders).

    HTML (a .html file, or a fetched page with markup) first goes through trafilatura
    for the main text, title, date, author, site name and section; the cleaning after it
    is the same. A page (fetched, or an HTML file) with fewer than MIN_PAGE_WORDS is no
    article.
    """
    name = str(path)
    kind = ingest.kind(name, text if page else None)
    meta: dict = {}
    if kind == "html":
        text, meta = clean.from_html(text, name)
    cleaned = clean.clean(text, markdown=kind == "markdown")
    source = cleaned.source or meta.get("source")
    published = cleaned.published or meta.get("published")
    outlet = meta.get("site") or cleaned.source
    section = ingest.section_of([category, meta.get("section"), *ingest.path_sections(name)])
    out = []
    for title, paragraphs in split.stories(cleaned):
        if (page or kind == "html") and sum(len(p.split()) for p in paragraphs) < MIN_PAGE_WORDS:
            continue  # a notice, a paywall or a bot check, not an article
        lang = clean.detect_lang(" ".join(paragraphs))
        out.append(
            Article(
                title,
                tuple(paragraphs),
                path,
                source,
                published,
                lang,
                section,
                outlet,
                title != short_title(paragraphs[0]),
            )
        )
    if not out:
        log.warning("%s: no article text left after cleaning, skipped", _one_line(name))
    return out


# Fewer words than this, extracted from a web page, are no article: "Please enable
# JavaScript", "Assine para continuar lendo", an error page. (The shortest article in
# cstnews-dev has 42 words; a one-sentence news brief, 25 or so.)
MIN_PAGE_WORDS = 20


def _one_line(name: str) -> str:
    """A file name or URL as it can be shown in one line of a message."""
    return name if name.isprintable() else repr(name)[1:-1]


def load(
    inputs: Path | Iterable[Path], pages: Iterable[tuple[str, bytes, str | None]] = ()
) -> list[Article]:
    """Every article in the input files (one path or several) and in the fetched (URL,
    page, category)s."""
    articles: list[Article] = []
    paths = ingest.discover(map(Path, _listed("load()", "inputs", inputs, (str, Path))))
    with progress.bar("reading", len(paths), " files") as shown:
        for done, (part, said) in enumerate(
            workers.each(_files, paths, READ_AT_ONCE, PARALLEL, "reading the inputs")
        ):
            for level, message in said:  # what the workers logged, in the files' order
                log.log(level, "%s", message)
            articles += part
            shown.update(min(READ_AT_ONCE, len(paths) - done * READ_AT_ONCE))
    for url, body, category in progress.bar("reading", None, " pages", pages):
        text = ingest.decode(body, url)
        if text is not None:
            articles += articles_of(text, url, True, category)
    for a in articles:
        if a.lang not in ("pt", "en"):
            log.warning("%s: %r reads as %s, not Portuguese", a.path, a.title, a.lang)
    return articles


# Files read by one worker at a time; a day of more than PARALLEL files is read by a
# worker process per core (each reads, cleans and splits its files: the text work is
# Python's, on one core each), fewer in this process.
READ_AT_ONCE = 256
PARALLEL = 4096


def _files(paths: Sequence[Path]) -> tuple[list[Article], list[tuple[int, str]]]:
    """The articles in these files, and what reading them logged (level, message)."""
    said: list[tuple[int, str]] = []

    class Kept(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append((record.levelno, record.getMessage()))

    kept, handlers, propagate = Kept(), log.handlers, log.propagate
    log.handlers, log.propagate = [kept], False
    try:
        articles = [
            a
            for path in paths
            if (text := ingest.read(path)) is not None
            for a in articles_of(text, ingest.shown(path))
        ]
    finally:
        log.handlers, log.propagate = handlers, propagate
    return articles, said


def build(
    articles: Sequence[Article],
    date: dt.date,
    summarizer: Summarizer,
    translator: Translator | None,
    words: int,
    langs: Sequence[str] = ("pt", "en"),
    top: int = 0,
    minutes: int = 0,
    inputs: Sequence[Path] = (),
    earlier: Sequence[Memory] = (),
    templates: Path | None = None,
) -> Briefing:
    """A briefing of these articles: grouped into stories and ranked; the first `top`
    (all, with 0) summarized in `words`, all translated (the others' headlines only).
    A day too long to read in `minutes` gives way as an editor would: first the least
    reported stories of the one-line list (counted, not listed), then the summaries,
    down to SHORTEST words (never cutting a sentence or a lede). Stories that continue
    the `earlier` briefings' events say so, and leave out what those showed. It renders
    with the `templates` folder's templates (None: the built-in ones)."""
    date = _day(date, "build()")
    numbers: dict[str, object] = {"words": words, "top": top, "minutes": minutes}
    for name, number in numbers.items():
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise DigestError(f"build(): {name} must be a whole number, not {number!r}")
    if isinstance(langs, str):
        langs = langs_of(langs)
    day = group(articles)
    if day is not None:
        follow(day, earlier)
    briefing = Briefing(
        date,
        rank(day.stories, day.x, day.members, top) if day else [],
        len({str(a.path) for a in articles}),
        tuple(langs),
        summarizer.name,
        translator.name if translator else "",
        top=top,
        inputs=tuple(map(Path, _listed("build()", "inputs", inputs, (str, Path)))),
        templates=templates,
    )
    english = _Shown(translator) if translator is not None and "en" in langs else None
    _summarize(briefing, summarizer, None, words)
    read = 0  # the words it reads, when measured to fit its minutes
    # The day is fitted to its minutes first, the English counted as long as the
    # Portuguese, and only what it keeps is translated: a long day's shorter summaries
    # tried, and the stories left out of the list, never reach the translator.
    if minutes:
        words, read = _fit(briefing, summarizer, None, words, minutes, english is not None)
    if english:
        _translate(briefing, english)
        if minutes:
            read = reading_words(briefing)
            if read > minutes * WORDS_PER_MINUTE:  # its English came out longer: shorter still
                words, read = _fit(briefing, summarizer, english, words, minutes, read=read)
    if minutes and read > minutes * WORDS_PER_MINUTE:
        _too_long(briefing, minutes, read)
    if day is not None:
        briefing.memories = memories(
            day, briefing.stories, date, {id(s): n for n, s in enumerate(briefing.full, 1)}
        )
    return briefing


class _Shown:
    """A translator whose sentences are counted on a progress bar, CHUNK at a time (so
    many that cutting a batch there costs the engine nothing to speak of)."""

    CHUNK = 256

    def __init__(self, inner: Translator):
        self.inner, self.name = inner, inner.name
        self.settings = getattr(inner, "settings", "")

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [
            t
            for chunk in progress.chunks(texts, "translating", " sentences", self.CHUNK)
            for t in self.inner.translate(chunk)
        ]


def _summarize(
    briefing: Briefing, summarizer: Summarizer, translator: Translator | None, words: int
) -> None:
    """Summarize (and translate) the stories shown in full in `words`, 64 at a time
    (a multiple of the batch of a model backend) for a progress bar."""
    summaries = [
        summary
        for chunk in progress.chunks(briefing.full, "summarizing", " stories", 64)
        for summary in summaries_of(summarizer, chunk, words)
    ]
    for story, summary in zip(briefing.full, summaries, strict=True):
        story.summary = summary
        story.notes = []
    briefing.summarizer = summarizer.name  # whose they are: a fallback's, if it took over
    if translator is not None:
        _translate(briefing, translator, full_only=True)


def _translate(briefing: Briefing, translator: Translator, full_only: bool = False) -> None:
    """The English of every story the briefing shows: those in full and their lines in
    brief, then (unless `full_only`) the headlines of the others, not of those left out
    of the list."""
    translate_stories(briefing.full, translator)
    _translate_gists(briefing.full, translator)
    if full_only:
        return
    left_out = {id(s) for s in briefing.omitted}
    translate_stories(
        [s for s in briefing.stories[len(briefing.full) :] if id(s) not in left_out], translator
    )


def _translate_gists(stories: Sequence[Story], translator: Translator) -> None:
    """The English of each story's line in brief that is a clause cut from its lede,
    translated as that clause (render.gist); if the translator fails, the line in brief
    shows the lede's whole English instead."""
    cut = [
        (story, line)
        for story in stories
        if story.lang == "pt" and story.summary_en and (line := cut_gist(story))
    ]
    try:
        english = translate_texts([line for _, line in cut], translator)
    except Exception as exc:  # a backend failure must not cost the briefing
        log.warning(
            "translation of the lines in brief failed (%s): the ledes' English stands in", exc
        )
        return
    for (story, _), line in zip(cut, english, strict=True):
        story.gist_en = line


def _fit(
    briefing: Briefing,
    summarizer: Summarizer,
    translator: Translator | None,
    words: int,
    minutes: int,
    as_long: bool = False,
    read: int = 0,
) -> tuple[int, int]:
    """Make the rendered briefing read in `minutes` (see `build`) as far as it can, from
    its summaries of `words` and the list as it stands (a second fit only shortens the
    first's). Returns the words its summaries have then, and its reading words as last
    measured (`read`: as measured before, if it was). Summaries made again are
    translated by `translator`; with `as_long`, an English yet to be made is counted as
    long as the Portuguese."""
    limit = minutes * WORDS_PER_MINUTE
    left_out, order = list(briefing.omitted), give_way(briefing.also)
    if read and not order and words <= SHORTEST:
        return words, read  # nothing can give way: the briefing stands as measured
    tried = -1  # the last length tried

    def measured() -> int:
        nonlocal read
        read = _as_long(briefing) if as_long else reading_words(briefing)
        return read

    def fits(kept: int) -> bool:
        """Whether the briefing fits with only the last `kept` of `order` listed."""
        briefing.omitted = left_out + order[: len(order) - kept]
        return measured() <= limit

    if fits(0):  # the most stories kept that fit (all, if all do): doubling, then
        low, high = 0, 1  # halving, so that no briefing measured lists many more than fit
        while high <= len(order) and fits(high):
            low, high = high, 2 * high
        high = min(high, len(order) + 1)
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if fits(middle) else (low, middle)
        fits(low)
        return words, read
    # Then the longest summaries that fit, ten words shorter at a time, found by halving
    # the lengths to try (each length tried is summarized, and translated, again).
    lengths = [*range(words - 10, SHORTEST, -10), SHORTEST] if words > SHORTEST else []

    def shorter(k: int) -> bool:
        nonlocal tried
        tried = k
        _summarize(briefing, summarizer, translator, lengths[k])
        return measured() <= limit

    low, high = 0, len(lengths)  # the first that fits is in lengths[low:high], or none is
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if shorter(middle) else (middle + 1, high)
    if low < len(lengths):
        if tried != low:
            shorter(low)  # from the cache: those summaries (and translations) were made
        return lengths[low], read
    return (lengths[-1] if lengths else words), read  # the last tried was the shortest


def _as_long(briefing: Briefing) -> int:
    """The briefing's reading words with every story in Portuguese given an English as
    long as its own, for as long as it is measured. English news usually runs a little
    shorter than Portuguese, so what fits so mostly fits translated (`build` measures it
    again once it is)."""
    standing_in = [s for s in briefing.stories if s.lang == "pt" and s.summary_en is None]
    full = {id(s) for s in briefing.full}
    for s in standing_in:
        s.title_en, s.summary_en = s.title, s.summary
        s.gist_en = cut_gist(s) if id(s) in full else None
    try:
        return reading_words(briefing)
    finally:
        for s in standing_in:
            s.title_en = s.summary_en = s.gist_en = None


def _too_long(briefing: Briefing, minutes: int, read: int) -> None:
    """Say that the briefing, as short as it gets, still takes more than `minutes`
    (`read`: its reading words)."""
    took = -(-read // WORDS_PER_MINUTE)
    left_out = len(briefing.omitted)
    log.warning(
        "this briefing takes %d min to read, more than --minutes %d: %s at the "
        "shortest (%d words)%s",
        took,
        minutes,
        _plural(len(briefing.full), "summary is", "summaries are"),
        SHORTEST,
        f", and {_plural(left_out, 'story', 'stories')} left out of the list" if left_out else "",
    )


def write(briefing: Briefing, out: Path) -> Path:
    """Render the briefing to OUT/YYYY-MM-DD.md, replacing an earlier one atomically."""
    return write_atomic(out / f"{briefing.date.isoformat()}.md", render(briefing))


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass
class Result:
    """What a run made: the briefing, the files written, what came from the cache,
    and what was emailed."""

    briefing: Briefing
    written: list[Path] = field(default_factory=list)
    held: int = 0  # articles read that earlier briefings already hold
    summaries_cached: int = 0
    translations_cached: int = 0
    queued: Path | None = None  # the email put in the outbox
    sent: list[tuple[Path, list[str]]] = field(default_factory=list)  # (message, to)

    @property
    def articles(self) -> int:
        return sum(len(s.articles) for s in self.briefing.stories)

    def __str__(self) -> str:
        """'out/2026-11-22.md (13 stories from 14 articles in 5 files; …)'."""
        b = self.briefing
        cached = [
            f"{_plural(n, one, many)} from the cache"
            for n, one, many in (
                (self.summaries_cached, "summary", "summaries"),
                (self.translations_cached, "translation", "translations"),
            )
            if n
        ]
        return (
            f"{', '.join(map(str, self.written))} "
            f"({_plural(len(b.stories), 'story', 'stories')} from "
            f"{_plural(self.articles, 'article', 'articles')} in "
            f"{_plural(b.files, 'file', 'files')}" + "".join(f"; {c}" for c in cached) + ")"
        )


def run(
    inputs: str | Path | Iterable[str | Path] | None = None,
    *,
    urls: Iterable[str] | None = None,
    feeds: Iterable[str] | None = None,
    date: dt.date | str | None = None,
    everything: bool = False,
    send: bool = False,
    force: bool = False,
    settings: Config | None = None,
    **overrides: Any,
) -> Result:
    """Write the briefing of what is new in `inputs` (files or folders), `urls` (pages)
    and `feeds` (RSS/Atom); with `send`, email it. What `digest run` does.

    `inputs` is one path or several. With no inputs, urls or feeds, the settings'
    `inputs`, `urls` and `feeds` are read, else `seeds/`. `date` is a date or
    'YYYY-MM-DD' (default: today). `everything` takes articles that earlier briefings
    hold too; `force` sends a date sent before.
    `settings` (default: digest.toml and DIGEST_* variables, see `digest.config.load`)
    give the rest; `overrides` replace single settings by name, checked as the file's
    are: out, lang, words, top, minutes, follow, summarizer, translator, format, strict,
    device, batch_size, summarizer_prompt, translator_prompt.
    """
    from .deliver import Mailroom
    from .fetch import Pages
    from .state import State, home

    base = _settings("run()", settings)
    _flags("run()", everything=everything, send=send, force=force)
    inputs, urls, feeds = (
        _listed("run()", "inputs", inputs, (str, Path)),
        _listed("run()", "urls", urls, (str,)),
        _listed("run()", "feeds", feeds, (str,)),
    )
    cfg = base.override(**overrides)
    day, langs, out = _day(date), langs_of(cfg["lang"]), Path(cfg["out"])
    # The Markdown's template measures the reading time whatever the form written.
    check_templates(
        cfg["templates"],
        [
            "briefing.md.j2",
            *(("email.txt.j2", "email.html.j2") if cfg["format"] != "md" or send else ()),
        ],
    )
    data = home()
    with all_locked((data, "data folder"), (out, "output folder")), State(data) as state:
        notes: list[str] = []
        summarizer, translator = _backends(cfg, langs, state, notes)
        pages = Pages(state.folder / "pages")
        paths, fetched = _inputs(cfg, inputs, urls, feeds, pages)
        read = load(paths, fetched)
        found = {str(a.path) for a in read}
        for url, *_ in fetched:  # a page that gave no article is fetched again next time
            pages.settle(url, url in found)
        chosen = state.for_briefing(day, everything, state.add(read))
        held = 0 if everything else state.elsewhere(read, day)
        if not read and not chosen:
            log.warning("no article could be read from the inputs given; the briefing is empty")
        if held:
            log.info(
                "%s went into earlier briefings and %s left out (--all includes them)",
                _plural(held, "article read", "articles read"),
                "is" if held == 1 else "are",
            )
        earlier = state.recall(day, cfg["follow"]) if cfg["follow"] else []
        briefing = build(
            chosen,
            day,
            summarizer,
            translator,
            cfg["words"],
            langs,
            cfg["top"],
            cfg["minutes"],
            [p for p in paths if p.is_dir()],
            earlier,
            cfg["templates"],
        )
        briefing.notes += notes
        result = Result(
            briefing,
            held=held,
            summaries_cached=summarizer.hits,
            translations_cached=translator.hits if translator else 0,
        )
        if cfg["format"] in ("md", "both"):
            result.written.append(write(briefing, out))
        unsent = (
            _email(result, cfg, out, send, force)
            if cfg["format"] in ("email", "both") or send
            else None
        )
        state.assign(chosen, day)
        state.remember(day, briefing.memories)
        if unsent:
            unsent.result = result
            raise unsent
        if send:
            try:
                result.sent = Mailroom(out).flush(cfg)
            except DigestError as exc:
                exc.result = result  # the briefing was written: say so, then the error
                raise
    return result


def _email(result: Result, cfg: Config, out: Path, send: bool, force: bool) -> DigestError | None:
    """Write OUT/DATE.eml and, with `send`, put it in the outbox as `send` would.
    Returns the error to raise once the articles count as used, if it cannot be queued
    (the .eml is kept for `digest send --to`)."""
    from .deliver import Mailroom, compose

    briefing, day = result.briefing, result.briefing.date
    message = compose(briefing, cfg["email.from"], cfg["email.to"])
    result.written.append(write_atomic(out / f"{day.isoformat()}.eml", message.as_bytes()))
    if not send:
        return None
    # In the outbox before its articles count as used: a run that stops from here on
    # leaves the email for the next `digest send`.
    try:
        result.queued = Mailroom(out).post(message, day, cfg, force=force)
    except DigestError as exc:
        return exc
    return None


@dataclass
class Delivery:
    """What a send did: the date's briefing `message`, as addressed, put in the outbox
    at `queued` (None when it was not to go, or waited there already), then what the
    outbox held sent, oldest first, each (its file in sent/, its recipients). A dry run
    sends nothing: `queued` is where the briefing would wait, and `waiting` what would
    go with it."""

    queued: Path | None = None
    message: EmailMessage | None = None
    sent: list[tuple[Path, list[str]]] = field(default_factory=list)
    waiting: list[Path] = field(default_factory=list)


def send(
    date: dt.date | str | None = None,
    *,
    out: str | Path | None = None,
    to: str | Iterable[str] | None = None,
    force: bool = False,
    dry_run: bool = False,
    settings: Config | None = None,
) -> Delivery:
    """Email the briefing OUT/DATE.eml that a run wrote (`format` email or both), and
    first whatever waits in OUT/outbox/. What `digest send` does; `digest run --send`
    queues and sends by the same rules (deliver.Mailroom's post and flush).

    `date` as for `run`; `out` defaults to the settings' out; `to` (one address or
    several) replaces the briefing's recipients. A date sent before goes again only
    with `force`, a briefing without stories only with email.send_empty. A message the
    server does not take stays in the outbox for the next send: DeliveryError (exit
    status 3), after the others went.
    """
    from .deliver import Mailroom, read_briefing
    from .store import locked

    cfg = _settings("send()", settings)
    _flags("send()", force=force, dry_run=dry_run)
    day, addresses = _day(date, "send()"), _listed("send()", "to", to, (str,))
    folder = Path(cfg["out"] if out is None else out)
    path, room, done = folder / f"{day.isoformat()}.eml", Mailroom(folder), Delivery()
    with locked(folder, "output folder"):
        message = read_briefing(path) if path.exists() else None
        if room.is_waiting(day) and not (addresses or force):
            message = None  # queued already: that one goes, as it was
        elif message is None and not room.waiting():
            raise DigestError(
                f"{path}: no email briefing for {day}; `digest run --format email` writes one"
            )
        if message is not None:
            done.queued = room.post(message, day, cfg, addresses, force, dry_run)
            done.message = message if done.queued else None
        if dry_run:
            done.waiting = [p for p in room.waiting() if p != done.queued]
        else:
            done.sent = room.flush(cfg)
    return done


def _inputs(
    cfg: Config,
    inputs: Iterable[str | Path] | None,
    urls: Iterable[str] | None,
    feeds: Iterable[str] | None,
    pages: Pages,
) -> tuple[list[Path], list]:
    """The files to read and the fetched (URL, page) pairs: as given, else the
    settings' inputs, urls and feeds, else seeds/."""
    from .fetch import Limits, Pages, fetch

    paths, links, feeds = [Path(p) for p in inputs or ()], list(urls or ()), list(feeds or ())
    if not (paths or links or feeds):
        paths, links, feeds = list(cfg["inputs"]), list(cfg["urls"]), list(cfg["feeds"])
        if not (paths or links or feeds):
            paths = [Path("seeds")]
            if not paths[0].is_dir():
                raise DigestError(
                    "no articles to read: name files or folders, give --url or "
                    "--feed, or set inputs, urls or feeds in digest.toml"
                )
    if not (links or feeds):
        return paths, []
    limits = Limits(cfg["fetch.timeout"], cfg["fetch.retries"], cfg["fetch.max_mb"] * 2**20)

    @dataclasses.dataclass
    class Shown(Pages):
        """The pages, each one read counted on a progress bar."""

        bar: Any = None

        def read(self, *args: Any) -> bytes:
            try:
                return super().read(*args)
            finally:
                self.bar.update()

    with progress.bar("fetching", None, " pages") as shown:
        return paths, fetch(links, feeds, Shown(pages.folder, shown), limits)


def _backends(cfg: Config, langs: Sequence[str], state: Any, notes: list[str]) -> tuple:
    """The configured summarizer and translator (None for a Portuguese-only briefing),
    each keeping what it makes in the state's cache."""
    from .state import CachedSummarizer, CachedTranslator

    options = backends.Options(device=cfg["device"], batch_size=cfg["batch_size"])
    summarizer = backends.chosen(
        "summarizer",
        cfg["summarizer"],
        dataclasses.replace(
            options, prompt=cfg["summarizer_prompt"], settings=_own(cfg, "summarizer")
        ),
        cfg["strict"],
        notes,
        lambda s: CachedSummarizer(s, state),
    )
    if "en" not in langs:
        return summarizer, None
    translator = backends.chosen(
        "translator",
        cfg["translator"],
        dataclasses.replace(
            options, prompt=cfg["translator_prompt"], settings=_own(cfg, "translator")
        ),
        cfg["strict"],
        notes,
        lambda t: CachedTranslator(t, state),
    )
    return summarizer, translator


def _own(cfg: Config, kind: str) -> dict[str, Any]:
    """The settings of the backend chosen for `kind`: its [backends.NAME] table."""
    return cfg.backends.get(cfg[kind].partition(":")[0], {})


def _settings(where: str, settings: Config | None) -> Config:
    """The settings given, else digest.toml's and DIGEST_* variables'."""
    from .config import load

    if settings is not None and not isinstance(settings, Config):
        raise DigestError(
            f"{where}: settings must be a Config (digest.config.load()), not {settings!r}"
        )
    return settings or load()


def _flags(where: str, **flags: Any) -> None:
    """A DigestError naming the first argument of `where` that is not True or False."""
    for name, flag in flags.items():
        if not isinstance(flag, bool):
            raise DigestError(f"{where}: {name} must be True or False, not {flag!r}")


def _listed(where: str, name: str, value: Any, kinds: tuple[type, ...]) -> list:
    """An argument that takes one item or several as a list: one (a string, a path)
    wrapped, several listed; a DigestError naming the argument if it is neither."""
    if value is None:
        return []
    items = [value] if isinstance(value, kinds) else value
    if isinstance(items, (bytes, Mapping)) or not isinstance(items, Iterable):
        items = [items]
    items = list(items)
    for item in items:
        if not isinstance(item, kinds):
            what = " or ".join("a path" if kind is Path else "a string" for kind in kinds)
            raise DigestError(f"{where}: {name} must be {what}, or a list of them, not {item!r}")
    return items


def _day(date: Any, where: str = "run()") -> dt.date:
    """The day `date` names: a date (a datetime's own), 'YYYY-MM-DD', or None (today)."""
    if date is None:
        return dt.date.today()
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    if not isinstance(date, str):
        raise DigestError(f"{where}: date must be a date or 'YYYY-MM-DD', not {date!r}")
    try:
        return dt.date.fromisoformat(date)
    except ValueError:
        raise DigestError(f"date {date!r} is not in YYYY-MM-DD form") from None
