"""Condense each story to a word budget, behind one `Summarizer` protocol: whatever the
backend, a summary is held to the protocol and ends on whole sentences (summaries_of).
The embedded default, `extractive`, is digest/backends/extractive.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from .backends import why
from .clean import normalize
from .errors import Unavailable
from .model import Story
from .sentence import sentences, word_count


class Summarizer(Protocol):
    """What a summarizer backend is (see digest.backends for how one is registered)."""

    name: str
    settings: str  # all else that shapes the output (model, prompt): part of the cache key

    def summarize(self, stories: Sequence[Story], words: int) -> list[str]:
        """One summary of at most `words` words per story, in order."""
        ...


def summaries_of(summarizer: Summarizer, stories: Sequence[Story], words: int) -> list[str]:
    """What `summarizer` makes of `stories`, held to the protocol: a list of one string
    per story, each made one line of plain text and held to `words` as every summary is
    (first_sentences: whole sentences, a first one kept whole up to RUN_ON budgets).
    Unavailable, one line naming the summarizer, when it raises or gives anything else:
    a plugin's failure is never a traceback, nor a summary of any length or shape."""
    name = getattr(summarizer, "name", type(summarizer).__name__)
    try:
        out: object = summarizer.summarize(stories, words)
    except Unavailable:  # said already, by a summarizer held inside this one
        raise
    except Exception as exc:
        raise Unavailable(f"summarizer {name} failed ({why(exc)})") from None
    if not isinstance(out, (list, tuple)) or len(out) != len(stories):
        got = f"{len(out)} summaries" if isinstance(out, (list, tuple)) else type(out).__name__
        raise Unavailable(
            f"summarizer {name} gave {got} for {len(stories)} "
            f"{'story' if len(stories) == 1 else 'stories'}"
        )
    for summary in out:
        if not isinstance(summary, str):
            raise Unavailable(
                f"summarizer {name} gave a {type(summary).__name__}, not a string, as a summary"
            )
    # Only what can be kept is cleaned (a plugin may return megabytes): a first sentence
    # up to RUN_ON budgets, and a word more, so that one that runs past is seen to.
    return [
        first_sentences(sentences(normalize(" ".join(s.split()[: RUN_ON * words + 1]))), words)
        for s in out
    ]


def cut(text: str, words: int) -> str:
    """Text cut to at most `words` words at a word boundary, with '…' when cut."""
    tokens = text.split()
    return text if len(tokens) <= words else " ".join(tokens[:words]).rstrip(",;:") + "…"


# A "sentence" this many times the budget is no sentence (text without stops, a list):
# it is cut, where a long lede is kept whole.
RUN_ON = 3


def first_sentences(candidates: Iterable[str], words: int) -> str:
    """Whole sentences, in the order given, while they fit in `words`; the first whole
    even if it alone does not fit (a summary is never cut inside a sentence), unless it
    runs past RUN_ON times the budget. Every summarizer's summary ends so."""
    out: list[str] = []
    used = 0
    for s in candidates:
        n = word_count(s)
        if used + n > words:
            if not out:
                out.append(closed(s) if n <= RUN_ON * words else cut(s, words))
            break
        out.append(closed(s))
        used += n
    return " ".join(out)


def closed(sentence: str) -> str:
    """A sentence with a final stop, so that a standfirst joins the text cleanly."""
    return sentence if re.search(r"[.!?…]\W*$", sentence) else sentence + "."
