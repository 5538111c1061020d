"""Condense each story to a word budget, behind one `Summarizer` protocol.

The embedded default, `extractive`, needs no weights. It picks whole sentences:

- From one article: the lede, then the sentences that come early and repeat the
  headline's words. In news the lede is the strongest single signal.
- From several articles: the sentences that together cover the most concepts (pairs
  of adjacent content words), each worth the number of sources that report it, more
  when it is reported early: the concept-based integer program of Gillick & Favre
  (2009), solved exactly by HiGHS (scipy.optimize.milp). What several outlets say,
  and say first, is what the story is.

Either way a summary never takes a quotation or a fragment (unless it is the lede),
never a sentence that leans on one it leaves out ("Ele disse…", "Além disso…", "O
encontro…" after the meeting was named), and never repeats itself; it fits the word
budget and a share of the story's own length, and reads in the articles' order.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from typing import Protocol

from .backends import Options, why
from .clean import content_words, normalize
from .errors import DigestError, Unavailable
from .model import Story
from .split import first_sentence, leaning, sentences, word_count


class Summarizer(Protocol):
    """What a summarizer backend is (see digest.backends for how one is registered)."""

    name: str
    settings: str  # all else that shapes the output (model, prompt): part of the cache key

    def summarize(self, stories: Sequence[Story], words: int) -> list[str]:
        """One summary of at most `words` words per story, in order."""
        ...


def summaries_of(summarizer: Summarizer, stories: Sequence[Story],
                 words: int) -> list[str]:
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
        got = (f"{len(out)} summaries" if isinstance(out, (list, tuple))
               else type(out).__name__)
        raise Unavailable(f"summarizer {name} gave {got} for {len(stories)} "
                          f"{'story' if len(stories) == 1 else 'stories'}")
    for summary in out:
        if not isinstance(summary, str):
            raise Unavailable(f"summarizer {name} gave a {type(summary).__name__}, not a "
                              "string, as a summary")
    # Only what can be kept is cleaned (a plugin may return megabytes): a first sentence
    # up to RUN_ON budgets, and a word more, so that one that runs past is seen to.
    return [first_sentences(sentences(normalize(" ".join(s.split()[:RUN_ON * words + 1]))),
                            words) for s in out]


@dataclass(frozen=True)
class Knobs:
    """The extractive summarizer's few settings, chosen together by 5-fold
    cross-validation on cstnews-dev (bench/tune.py: chosen on four fifths of the stories,
    scored on the fifth, over 20 random splits). Out of fold, at --words 120, ROUGE-1 is
    0.546 for one article (its lead 0.497; its lead cut to the same length budget 0.528)
    and 0.513 for several (the round robin of their leads 0.464)."""

    # One article: a sentence's score is 1/(1 + position) + HEADLINE × the share of the
    # headline's content words it holds.
    headline: float = 0.25
    # Several articles: a concept first seen at sentence position p is worth
    # sources × (1 + CONCEPT_POSITION / (1 + p)).
    concept_position: float = 2.0
    # Sentences shorter than this (captions, fragments, datelines) are never picked,
    # except a lede.
    min_words: int = 6
    # A summary is at most this share of its story's words: human abstracts of news
    # run near 30% of the text, and a short article deserves a short summary.
    ratio: float = 0.35


KNOBS = Knobs()
# Past this many candidate sentences (the earliest of each article are kept), the
# program would grow without changing the choice: late sentences are rarely worth it.
CANDIDATES = 200
_QUOTE = re.compile(r"[\"“”«»]")


@dataclass
class _Sentence:
    text: str
    doc: int
    pos: int  # position in its article
    words: int
    tokens: list[str]
    leans: bool  # needs the sentence before it to be understood
    seen: bool = False  # shown in an earlier briefing (digest.follow)

    @cached_property
    def concepts(self) -> set[tuple[str, str]]:
        return set(zip(self.tokens, self.tokens[1:], strict=False))


def _sentences(story: Story) -> list[_Sentence]:
    """The sentences of a story's articles, in order, article by article."""
    out = []
    for d, article in enumerate(story.articles):
        texts = [s for p in article.paragraphs for s in sentences(p)]
        out += [_Sentence(s, d, pos, word_count(s), content_words(s), lean)
                for pos, (s, lean) in enumerate(zip(texts, leaning(texts), strict=True))]
    return out


def budget(story: Story, words: int, knobs: Knobs = KNOBS) -> int:
    """The words a story's summary may have: `words`, and at most `ratio` of all the
    words its articles hold, but never fewer than its lede needs (nor than 15)."""
    held = sum(word_count(a.text) for a in story.articles)
    first = story.articles[0].paragraphs[:1]
    lede = word_count(first_sentence(first[0])) if first else 0
    return min(words, max(15, lede, round(knobs.ratio * held)))


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


class Extractive:
    """Whole sentences: the lede and early headline sentences from one article; the
    concepts most sources report, early, from several (see the module's docstring)."""

    name = "extractive"
    settings = ""

    def __init__(self, options: Options | None = None, knobs: Knobs = KNOBS):
        if options is not None and options.model:
            raise DigestError("the extractive summarizer takes no model")
        self.knobs = knobs

    def summarize(self, stories: Sequence[Story], words: int) -> list[str]:
        return [self.summarize_one(story, words) for story in stories]

    def summarize_one(self, story: Story, words: int) -> str:
        limit = budget(story, words, self.knobs)
        return first_sentences((s.text for s in self._choose(story, limit)), limit)

    def choose(self, story: Story, words: int) -> list[_Sentence]:
        """The sentences of the story's summary, in reading order."""
        return self._choose(story, budget(story, words, self.knobs))

    def _choose(self, story: Story, limit: int) -> list[_Sentence]:
        sents = _sentences(story)
        if not sents:
            return []
        if story.seen:  # a story that continues: what earlier briefings said is not news
            from .follow import plain

            for x in sents:
                x.seen = plain(x.text) in story.seen
        first = next((x for x in sents if not x.seen), sents[0])
        if first.words > limit:
            return [first]
        pick = self._one if len(story.articles) == 1 else self._several
        chosen = pick(sents, limit, story) or [first]
        return sorted(chosen, key=lambda s: (s.pos, s.doc))

    def _usable(self, s: _Sentence) -> bool:
        return not s.seen and (s.pos == 0 or (s.words >= self.knobs.min_words
                                              and not _QUOTE.search(s.text)))

    def _one(self, sents: list[_Sentence], limit: int, story: Story) -> list[_Sentence]:
        """The lede, then by 1/(1 + position) + headline share, greedily within `limit`."""
        headline = set(content_words(story.title))

        def score(s: _Sentence) -> float:
            share = len(headline & set(s.tokens)) / len(headline) if headline else 0.0
            return 1 / (1 + s.pos) + self.knobs.headline * share

        # A sentence that leans on the one before comes with it, or not at all: with the
        # ones back to where the lean began or to one already chosen. Words and unusable
        # sentences are summed from the start, so a group costs the same however long.
        words = list(accumulate((s.words for s in sents), initial=0))
        unusable = list(accumulate((not self._usable(s) for s in sents), initial=0))
        begins = list(accumulate((0 if s.leans else s.pos for s in sents), max))
        chosen: list[_Sentence] = []
        taken: list[int] = []  # their positions, in order
        used = 0
        for s in sorted(sents, key=lambda s: (s.pos != 0, -score(s), s.pos)):
            if used >= limit:
                break
            k = bisect.bisect_left(taken, s.pos)
            if k < len(taken) and taken[k] == s.pos:
                continue
            start = max(begins[s.pos], taken[k - 1] + 1 if k else 0)
            end = s.pos + 1
            if used + words[end] - words[start] > limit or unusable[end] - unusable[start]:
                continue
            group = sents[start:end]
            if any(_overlap(x, c) > 0.5 for x in group for c in chosen):
                continue
            chosen += group
            taken[k:k] = range(start, end)
            used += words[end] - words[start]
        return chosen

    def _several(self, sents: list[_Sentence], limit: int, story: Story) -> list[_Sentence]:
        """The concept-coverage program: the sentences whose concepts are worth most
        together, their words within `limit`."""
        import numpy as np
        import scipy.sparse as sp
        from scipy.optimize import Bounds, LinearConstraint, milp

        sources: dict[tuple[str, str], set[int]] = {}
        first: dict[tuple[str, str], int] = {}
        for s in sents:
            for c in s.concepts:
                sources.setdefault(c, set()).add(s.doc)
                first[c] = min(first.get(c, s.pos), s.pos)
        worth = {c: len(d) * (1 + self.knobs.concept_position / (1 + first[c]))
                 for c, d in sources.items() if len(d) >= 2}
        cand = [i for i in sorted(range(len(sents)), key=lambda i: (sents[i].pos, sents[i].doc))
                if self._usable(sents[i]) and sents[i].words <= limit][:CANDIDATES]
        column = {i: j for j, i in enumerate(cand)}
        concepts = sorted({c for i in cand for c in sents[i].concepts if c in worth})
        if not concepts:
            return []
        key = {c: n for n, c in enumerate(concepts)}
        n_c = len(concepts)
        # Rows of a·x ≤ 0 over x = (concepts covered, sentences chosen): each sentence
        # covers its concepts; a concept is covered only by a chosen sentence; a leaning
        # sentence comes only with the one before it (never, if that one cannot).
        entries: list[tuple[int, int, float]] = []
        holders: dict[int, list[int]] = {}
        for j, i in enumerate(cand):
            for c in sorted(sents[i].concepts & key.keys()):
                row = len(entries) // 2
                entries += [(row, n_c + j, 1.0), (row, key[c], -1.0)]
                holders.setdefault(key[c], []).append(j)
        row = len(entries) // 2
        for n, js in holders.items():
            entries += [(row, n, 1.0)] + [(row, n_c + j, -1.0) for j in js]
            row += 1
        for j, i in enumerate(cand):
            if sents[i].leans:
                entries.append((row, n_c + j, 1.0))
                if i - 1 in column:
                    entries.append((row, n_c + column[i - 1], -1.0))
                row += 1

        r, c, v = zip(*entries, strict=True)
        structure = sp.csr_matrix((v, (r, c)), shape=(row, n_c + len(cand)))
        length = np.r_[np.zeros(n_c), [sents[i].words for i in cand]]
        # Among equal coverings, the earlier sentences: a tie-break far below any concept.
        cost = np.r_[[-worth[c] for c in concepts], [-1e-3 / (1 + sents[i].pos) for i in cand]]
        if 0 in column:  # the lead's lede (sentence 0) opens the summary, under its headline
            cost[n_c + column[0]] -= 1 + sum(worth.values())
        result = milp(cost, integrality=np.ones(len(cost)), bounds=Bounds(0, 1),
                      constraints=[LinearConstraint(structure, -np.inf, 0),
                                   LinearConstraint(length[None, :], 0, limit)],
                      # No presolve: HiGHS 1.12 prints a stray debug line to stdout when
                      # it maps a presolved solution back (ERGO-Code/HiGHS#2783).
                      options={"time_limit": 2.0, "presolve": False})
        if result.x is None:
            return []
        return [sents[i] for j, i in enumerate(cand) if result.x[n_c + j] > 0.5]


def _overlap(a: _Sentence, b: _Sentence) -> float:
    """Share of the shorter sentence's content words found in the other."""
    x, y = set(a.tokens), set(b.tokens)
    return len(x & y) / (min(len(x), len(y)) or 1)


def closed(sentence: str) -> str:
    """A sentence with a final stop, so that a standfirst joins the text cleanly."""
    return sentence if re.search(r"[.!?…]\W*$", sentence) else sentence + "."
