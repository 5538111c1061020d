"""The embedded summarizer, `extractive`: it needs no weights, and picks whole sentences:

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
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import accumulate, combinations
from typing import TYPE_CHECKING

from ..clean import content_words
from ..errors import DigestError
from ..model import Story
from ..sentence import first_sentence, leaning, sentences, word_count
from ..summarize import first_sentences
from . import Options

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Knobs:
    """The extractive summarizer's few settings, chosen together by 5-fold
    cross-validation on cstnews-dev (bench/tune.py: chosen on four fifths of the stories,
    scored on the fifth, over 20 random splits); what they score out of fold, beside the
    lead baselines, is in docs/evaluation.md."""

    # One article: a sentence's score is 1/(1 + position) + HEADLINE × the share of the
    # headline's content words it holds.
    headline: float = 0.25
    # Several articles: a concept first seen at sentence position p is worth
    # sources × (1 + CONCEPT_POSITION / (1 + p)).
    concept_position: float = 0.5
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
# Two sentences say the same when more than this share of the shorter one's content
# words are in the other (two outlets' ledes, a deck and the sentence it sums up): a
# summary holds one of them. Not tuned: ROUGE does not count a repetition against a
# summary, and a reader does.
REPEATS = 0.5
# Articles whose sentences a summarizer keeps analysed (about 5 KB each).
ARTICLES_KEPT = 1 << 14
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

    @cached_property
    def kinds(self) -> frozenset[str]:  # its distinct content words
        return frozenset(self.tokens)


def _sentences(story: Story, analysed: Callable[[tuple[str, ...]], tuple]) -> list[_Sentence]:
    """The sentences of a story's articles, in order, article by article, each article
    `analysed` (by `_analysed`, through a summarizer's cache of it)."""
    return [
        _Sentence(s, d, pos, *facts)
        for d, article in enumerate(story.articles)
        for pos, (s, *facts) in enumerate(analysed(article.paragraphs))
    ]


def _analysed(paragraphs: tuple[str, ...]) -> tuple[tuple[str, int, list[str], bool], ...]:
    """An article's sentences, each with its words, content words (interned: a long
    day's articles repeat them) and whether it leans on the one before."""
    texts = [s for p in paragraphs for s in sentences(p)]
    return tuple(
        (s, word_count(s), list(map(sys.intern, content_words(s))), lean)
        for s, lean in zip(texts, leaning(texts), strict=True)
    )


def budget(story: Story, words: int, knobs: Knobs = KNOBS) -> int:
    """The words a story's summary may have: `words`, and at most `ratio` of all the
    words its articles hold, but never fewer than its lede needs (nor than 15)."""
    held = sum(word_count(a.text) for a in story.articles)
    first = story.articles[0].paragraphs[:1]
    lede = word_count(first_sentence(first[0])) if first else 0
    return min(words, max(15, lede, round(knobs.ratio * held)))


class Extractive:
    """Whole sentences: the lede and early headline sentences from one article; the
    concepts most sources report, early, from several (see the module's docstring)."""

    name = "extractive"
    settings = ""

    def __init__(self, options: Options | None = None, knobs: Knobs = KNOBS):
        if options is not None and options.model:
            raise DigestError("the extractive summarizer takes no model")
        self.knobs = knobs
        # The articles last summarized, analysed: a day too long for its minutes is
        # summarized again at each shorter length tried, and this was most of the work.
        self._analysed = lru_cache(maxsize=ARTICLES_KEPT)(_analysed)

    def summarize(self, stories: Sequence[Story], words: int) -> list[str]:
        return [self.summarize_one(story, words) for story in stories]

    def summarize_one(self, story: Story, words: int) -> str:
        limit = budget(story, words, self.knobs)
        return first_sentences((s.text for s in self._choose(story, limit)), limit)

    def choose(self, story: Story, words: int) -> list[_Sentence]:
        """The sentences of the story's summary, in reading order."""
        return self._choose(story, budget(story, words, self.knobs))

    def _choose(self, story: Story, limit: int) -> list[_Sentence]:
        sents = _sentences(story, self._analysed)
        if not sents:
            return []
        if story.seen:  # a story that continues: what earlier briefings said is not news
            from ..follow import plain

            for x in sents:
                x.seen = plain(x.text) in story.seen
        first = next((x for x in sents if not x.seen), sents[0])
        if first.words > limit:
            return [first]
        pick = self._one if len(story.articles) == 1 else self._several
        chosen = pick(sents, limit, story) or [first]
        return sorted(chosen, key=lambda s: (s.pos, s.doc))

    def _usable(self, s: _Sentence) -> bool:
        return not s.seen and (
            s.pos == 0 or (s.words >= self.knobs.min_words and not _QUOTE.search(s.text))
        )

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
            if any(_overlap(x, c) > REPEATS for x in group for c in chosen):
                continue
            chosen += group
            taken[k:k] = range(start, end)
            used += words[end] - words[start]
        return chosen

    def _several(self, sents: list[_Sentence], limit: int, story: Story) -> list[_Sentence]:
        """The concept-coverage program: the lead article's lede (it opens the summary,
        under its headline), then the sentences whose concepts are worth most together,
        their words within `limit`.

        Covering concepts does not stop two outlets' ways of saying one thing from
        both being chosen, each with a pair of words the other lacks; so of two
        candidates that repeat each other (REPEATS) at most one is chosen, and none that
        repeats the lede.

        The program is made as small as the same optimum allows, since solving it is
        what costs time: the lede is taken before (its words spent, its concepts
        covered); a sentence repeated word for word (a wire copy), after the same
        sentences it leans on, is one candidate; a leaning sentence whose antecedent
        cannot be taken is none; a concept that one candidate alone holds adds its worth
        to that sentence; concepts held by the same candidates are one. Only the
        sentences are integer: a concept is covered exactly when a holder is chosen.
        """
        import warnings

        import numpy as np

        worth = self._worth(sents)
        lede, limit = sents[0], limit - sents[0].words
        cand, before = self._candidates(sents, limit)
        held: dict[tuple[str, str], list[int]] = {}
        for j, i in enumerate(cand):
            for c in sents[i].concepts & worth.keys() - lede.concepts:
                held.setdefault(c, []).append(j)
        if not (cand and (held or worth.keys() & lede.concepts)):
            return [lede]
        own = np.zeros(len(cand))  # the worth of the concepts each candidate alone holds
        shared: dict[tuple[int, ...], float] = {}  # holders → worth of what they share
        for c, js in held.items():
            if len(js) == 1:
                own[js[0]] += worth[c]
            else:
                shared[tuple(js)] = shared.get(tuple(js), 0.0) + worth[c]
        words = np.array([sents[i].words for i in cand])
        # Among equal coverings, the earlier sentences: a tie-break far below any concept.
        early = 1e-3 / (1 + np.array([sents[i].pos for i in cand]))
        # First the program without its links: a shared concept counted for each holder,
        # no antecedent needed, repetition allowed. When the best choice there covers no
        # concept twice, takes the antecedents it needs and no two that repeat each
        # other, it is the program's best too (it is worth as much, and nothing is worth
        # more), and no solver is needed.
        gain = own + early
        for holders, w in shared.items():
            gain[list(holders)] += w
        taken = set(_knapsack(gain, words, limit))
        chosen = [sents[cand[j]] for j in sorted(taken)]
        if (
            all(before[j] in taken for j in taken & before.keys())
            and all(len(taken.intersection(holders)) <= 1 for holders in shared)
            and all(_overlap(a, b) <= REPEATS for a, b in combinations(chosen, 2))
        ):
            return [lede, *chosen]
        repeats = _repeating([sents[i] for i in cand])
        import scipy.sparse as sp
        from scipy.optimize import Bounds, LinearConstraint, milp

        # x = (shared concepts covered, candidates chosen); rows of a·x ≤ 0: a concept is
        # covered only by a chosen holder; a leaning sentence comes only with its
        # antecedent. Rows of a·x ≤ 1: of two that repeat each other, one at most.
        n_c = len(shared)
        rows = [[(n, 1.0)] + [(n_c + j, -1.0) for j in js] for n, js in enumerate(shared)]
        rows += [[(n_c + j, 1.0), (n_c + k, -1.0)] for j, k in before.items()]
        length = np.r_[np.zeros(n_c), words]
        constraints = [LinearConstraint(length[None, :], 0, limit)]
        for bound, part in (
            (0, rows),
            (1, [[(n_c + j, 1.0), (n_c + k, 1.0)] for j, k in repeats]),
        ):
            if part:
                r, c, v = zip(
                    *((n, col, val) for n, row in enumerate(part) for col, val in row),
                    strict=True,
                )
                constraints.append(
                    LinearConstraint(
                        sp.csr_matrix((v, (r, c)), shape=(len(part), len(length))),
                        -np.inf,
                        bound,
                    )
                )
        cost = -np.r_[list(shared.values()), own + early]
        with warnings.catch_warnings():
            # scipy passes HiGHS an option it does not know of, and says so.
            warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
            result = milp(
                cost,
                integrality=np.r_[np.zeros(n_c), np.ones(len(cand))],
                bounds=Bounds(0, 1),
                constraints=constraints,
                # No presolve: HiGHS 1.12 prints a stray debug line to stdout
                # when it maps a presolved solution back (ERGO-Code/HiGHS#2783).
                # No feasibility jump: a heuristic that costs each call ~10 ms
                # and finds nothing on programs this small.
                options={
                    "time_limit": 2.0,
                    "presolve": False,
                    "mip_heuristic_run_feasibility_jump": False,
                },
            )
        if result.x is None:
            return [lede]
        return [lede] + [sents[i] for j, i in enumerate(cand) if result.x[n_c + j] > 0.5]

    def _worth(self, sents: list[_Sentence]) -> dict[tuple[str, str], float]:
        """Each concept that two sources or more report: sources × (1 + CONCEPT_POSITION /
        (1 + the position where it is first reported))."""
        sources: dict[tuple[str, str], set[int]] = {}
        first: dict[tuple[str, str], int] = {}
        for s in sents:
            for c in s.concepts:
                sources.setdefault(c, set()).add(s.doc)
                first[c] = min(first.get(c, s.pos), s.pos)
        return {
            c: len(d) * (1 + self.knobs.concept_position / (1 + first[c]))
            for c, d in sources.items()
            if len(d) >= 2
        }

    def _candidates(self, sents: list[_Sentence], limit: int) -> tuple[list[int], dict[int, int]]:
        """The sentences the program may add to the lede (sents[0]): indices into `sents`,
        earliest first, at most CANDIDATES, each text once with what it leans on, none
        longer than `limit`, none that repeats the lede (REPEATS); and, for each that
        leans on another candidate (its place in that list), that one's place."""
        chain: list[tuple] = []  # a sentence's text, after those it leans on
        for s in sents:
            chain.append((s.text, chain[-1] if s.leans and s.pos else None))
        first: dict[tuple, int] = {}  # a chain's earliest sentence
        place = {0: -1}  # a candidate's place among the candidates; the lede is taken
        cand: list[int] = []
        before: dict[int, int] = {}
        for i in sorted(range(len(sents)), key=lambda i: (sents[i].pos, sents[i].doc)):
            s = sents[i]
            if (
                first.setdefault(chain[i], i) != i
                or i == 0
                or not self._usable(s)
                or s.words > limit
                or _overlap(s, sents[0]) > REPEATS
            ):
                continue
            if s.leans:
                antecedent = place.get(first[chain[i - 1]]) if s.pos else None
                if antecedent is None:
                    continue  # what it leans on cannot be taken, so neither can it
                if antecedent >= 0:
                    before[len(cand)] = antecedent
            place[i] = len(cand)
            cand.append(i)
            if len(cand) == CANDIDATES:
                break
        return cand, before


def _knapsack(values: np.ndarray, weights: np.ndarray, limit: int) -> list[int]:
    """The items of the highest total value whose weights add up to at most `limit`
    (whole numbers): dynamic programming over the capacity, an item at a time."""
    import numpy as np

    best = np.zeros(limit + 1)  # the best value within each capacity, with the items so far
    took = np.zeros((len(values), limit + 1), bool)
    for k, (value, weight) in enumerate(zip(values, weights, strict=True)):
        if weight <= limit:
            added = best[: limit + 1 - weight] + value
            took[k, weight:] = added > best[weight:]
            best[weight:] = np.maximum(best[weight:], added)
    out, room = [], limit
    for k in reversed(range(len(values))):
        if took[k, room]:
            out.append(k)
            room -= int(weights[k])
    return out


def _repeating(sents: list[_Sentence]) -> list[tuple[int, int]]:
    """The pairs (j, k), j < k, of these sentences that repeat each other: `_overlap`
    above REPEATS, for all pairs at once (shared words, by a sparse product)."""
    import numpy as np
    import scipy.sparse as sp

    ids: dict[str, int] = {}
    rows = [[ids.setdefault(t, len(ids)) for t in s.kinds] for s in sents]
    sizes = np.array([len(r) for r in rows])
    flat = [t for r in rows for t in r]
    m = sp.csr_matrix(
        (np.ones(len(flat)), flat, np.r_[0, np.cumsum(sizes)]), shape=(len(rows), len(ids))
    )
    shared = (m @ m.T).tocoo()
    keep = (shared.row < shared.col) & (
        shared.data > REPEATS * np.minimum(sizes[shared.row], sizes[shared.col])
    )
    return list(zip(shared.row[keep].tolist(), shared.col[keep].tolist(), strict=True))


def _overlap(a: _Sentence, b: _Sentence) -> float:
    """Share of the shorter sentence's content words found in the other."""
    return len(a.kinds & b.kinds) / (min(len(a.kinds), len(b.kinds)) or 1)
