"""Stories that continue: what earlier briefings showed, and today's stories that go on.

Each run remembers the events its briefing showed (`Memory`: the headline, the sentences
shown, and what recognises the event again: its strongest words with their weights, the
names its headlines state, the scores they give). A story of today continues an event
shown in the last `follow` days when the same event test that groups a day's articles
says so: its words are as close as two reports of one event must be (cluster.THRESHOLD)
and neither names someone, nor gives a score, that the other contradicts. A topic is not
an event: the next game of a tournament gives another score, and is a new story.

A continuing story says since when it runs and links the briefing that first showed it,
lists the earlier days' headlines (newest first, at most HISTORY), and its summary
leaves out the sentences shown before (`Story.seen`).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .cluster import EVENT, THRESHOLD, Day, means
from .model import Earlier, Story

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

TERMS = 40  # the words kept to recognise an event again: ample for its names and facts
CANDIDATES = 3  # the closest earlier events of a day put to the event test, per story
HISTORY = 3  # earlier days listed under a continuing story
FOLLOW = 7  # days looked back, by default


@dataclass
class Memory:
    """One event as a briefing showed it (a row of the state's `events` table)."""

    date: dt.date  # of the briefing
    anchor: str  # where it stands in that briefing's Markdown ('' for a one-line story)
    first: dt.date  # when its thread was first shown
    headline: str
    headline_en: str | None
    shown: list[str]  # the sentences shown, both languages
    terms: dict[str, float]  # its strongest words and their weights
    names: list[str] = field(default_factory=list)  # names and years its headlines state
    scores: list[str] = field(default_factory=list)


def anchor(number: int, headline: str) -> str:
    """The anchor of '## 3. Headline' as Markdown renderers make it ('3-headline')."""
    text = re.sub(r"[^\w\- ]", "", f"{number}. {headline}".lower())
    return text.replace(" ", "-")


def sentences_of(text: str | None) -> list[str]:
    from .sentence import sentences

    return [s for p in (text or "").split("\n") if p.strip() for s in sentences(p)]


def plain(sentence: str) -> str:
    """A sentence reduced for comparison: lower case, words only."""
    return " ".join(re.findall(r"\w+", sentence.lower()))


class _Rows:
    """Each story's strongest words (its mean vector's top TERMS, with their weights),
    the names and years its headlines state, the scores they give, and every word its
    articles say: one sparse product each for the whole day, read out per story."""

    def __init__(self, day: Day):
        import numpy as np
        import scipy.sparse as sp

        n = len(day.members)
        sizes = [len(m) for m in day.members]
        belongs = sp.csr_matrix(
            (np.ones(sum(sizes)), np.concatenate(day.members), np.cumsum([0, *sizes])),
            shape=(n, day.x.shape[0]),
        )
        self.words = np.asarray(day.words, dtype=object)
        self.mean = means(day.x, day.members).tocsr()
        self.names, self.given, self.said = (
            (belongs @ m).tocsr() for m in (day.facts.names, day.facts.scores, day.facts.said)
        )
        column = day.facts.score_names
        self.score_of = np.asarray(
            sorted(column, key=lambda score: column[score]) or [""], dtype=object
        )

    def terms(self) -> list[dict[str, float]]:
        """Every story's strongest words: the top TERMS of each row, in one sort."""
        import numpy as np

        m = self.mean
        row = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        order = np.lexsort((-m.data, row))  # by story, heaviest first
        keep = order[np.arange(len(order)) - m.indptr[row[order]] < TERMS]
        ends = np.searchsorted(row[keep], np.arange(1, m.shape[0] + 1)).tolist()
        words, weights = self.words[m.indices[keep]].tolist(), m.data[keep].tolist()
        return [
            dict(zip(words[a:b], weights[a:b], strict=True))
            for a, b in zip([0, *ends[:-1]], ends, strict=True)
        ]

    @staticmethod
    def _sets(m: sp.csr_matrix, labels: np.ndarray) -> list[set[str]]:
        cells = labels[m.indices].tolist()
        return [
            set(cells[a:b])
            for a, b in zip(m.indptr[:-1].tolist(), m.indptr[1:].tolist(), strict=True)
        ]

    def all_names(self) -> list[set[str]]:
        return self._sets(self.names, self.words)

    def all_given(self) -> list[set[str]]:
        return self._sets(self.given, self.score_of)

    def of(self, k: int) -> tuple[set[str], set[str], set[str]]:
        """Story k's names, scores and words."""
        return tuple(
            set(labels[m.indices[m.indptr[k] : m.indptr[k + 1]]].tolist())  # type: ignore[return-value]
            for m, labels in (
                (self.names, self.words),
                (self.given, self.score_of),
                (self.said, self.words),
            )
        )


def _matrix(rows: Sequence[dict[str, float]], column: dict[str, int]) -> sp.csr_matrix:
    """Unit-length sparse rows of word weights, on shared columns."""
    import numpy as np
    import scipy.sparse as sp

    words = list(itertools.chain.from_iterable(rows))  # every row's words, in C loops
    for w in dict.fromkeys(words):
        column.setdefault(w, len(column))
    cols = list(map(column.__getitem__, words))
    data = np.fromiter(
        itertools.chain.from_iterable(r.values() for r in rows), np.float64, len(cols)
    )
    starts = np.cumsum([0, *map(len, rows)])
    m = sp.csr_matrix((data, cols, starts), shape=(len(rows), len(column) or 1))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sp.diags(1 / np.maximum(norms, 1e-12)) @ m


def recognise(
    day: Day, memories: Sequence[Memory], threshold: float = THRESHOLD, unknown: int = EVENT.unknown
) -> list[list[Memory]]:
    """For each of the day's stories, the earlier events it continues: the closest one
    of each earlier briefing that passes the event test, newest first. The similarities
    are one sparse product; only the pairs above `threshold` are looked at further."""
    import numpy as np

    out: list[list[Memory]] = [[] for _ in day.stories]
    if not memories:
        return out
    facts = _Rows(day)
    column: dict[str, int] = {}
    today = _matrix(facts.terms(), column)
    before = _matrix([m.terms for m in memories], column)
    today.resize((today.shape[0], len(column) or 1))
    close = (today @ before.T).tocoo()
    keep = close.data > threshold
    rows, cols, similarity = close.row[keep], close.col[keep], close.data[keep]
    # For each story and earlier day, its closest events first, CANDIDATES at most.
    when = np.array([m.date.toordinal() for m in memories])[cols]
    order = np.lexsort((-similarity, when, rows))
    rows, cols, when = rows[order], cols[order], when[order]
    first = np.r_[True, (rows[1:] != rows[:-1]) | (when[1:] != when[:-1])]
    start = np.maximum.accumulate(np.where(first, np.arange(len(rows)), 0))
    take = np.arange(len(rows)) - start < CANDIDATES
    found: set[tuple[int, int]] = set()
    story = functools.cache(facts.of)  # the facts of the stories put to the test only
    for k, j, d in zip(rows[take].tolist(), cols[take].tolist(), when[take].tolist(), strict=True):
        m = memories[j]
        known = set(m.terms) | set(m.names)
        names, given, said = story(k)
        if (
            (k, d) in found
            or (len(names - known) >= unknown and len(set(m.names) - said) >= unknown)
            or (given and m.scores and not given & set(m.scores))
        ):
            continue  # one found that day, or each names someone the other never does,
            # or another score
        found.add((k, d))
        out[k].append(m)
    for events in out:
        events.sort(key=lambda m: m.date, reverse=True)
    return out


def follow(day: Day, memories: Sequence[Memory]) -> None:
    """Mark the day's stories that continue earlier events: `Story.earlier` (newest
    first, at most HISTORY), `Story.first` (when the thread was first shown) and
    `Story.seen` (every sentence shown of it before)."""
    for story, found in zip(day.stories, recognise(day, memories), strict=True):
        if not found:
            continue
        story.first = min(m.first for m in found)
        story.earlier = [
            Earlier(m.date, m.headline, m.headline_en, m.anchor) for m in found[:HISTORY]
        ]
        story.seen = frozenset(plain(s) for m in found for s in m.shown)


def memories(
    day: Day, stories: Sequence[Story], date: dt.date, numbers: dict[int, int]
) -> list[Memory]:
    """What to remember of the day's `stories` as shown (`numbers`: the number of each
    story shown in full, by id)."""
    facts = _Rows(day)
    terms, names, given = facts.terms(), facts.all_names(), facts.all_given()
    index = {id(s): k for k, s in enumerate(day.stories)}
    out = []
    for story in stories:
        k = index[id(story)]
        number = numbers.get(id(story))
        shown = sentences_of(story.summary) + sentences_of(story.summary_en) if number else []
        out.append(
            Memory(
                date,
                anchor(number, story.title) if number else "",
                story.first or date,
                story.title,
                story.title_en,
                shown,
                terms[k],
                sorted(names[k]),
                sorted(given[k]),
            )
        )
    return out
