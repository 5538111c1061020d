"""Group the articles that report the same event into one story.

Two tests, one after the other:

- Similar words. Each article becomes a TF-IDF vector of its content words (the
  headline counted twice, as it names the event). A word's weight is how rare it is in
  Portuguese at large (wordfreq's frequency list), blended with how rare it is among the
  day's articles, so that the same pages get nearly the same weights whatever else the
  day holds. Groups merge by average linkage while their mean cosine similarity stays
  above a threshold.
- Compatible facts (`conflicts`). Articles on one topic share their words (a league's
  two matches, a war's two attacks); what tells two events apart is what each report
  states first: whom the headline names, which day, which score, which year. Two
  articles are never one event when each names in its headline or lede someone or a
  year that the other never mentions, when both give the day of the month and the days
  differ, when both give a score and the scores differ, or when their publication
  dates are days apart. Such a pair is kept apart as two stories split out of one file
  are: a file that holds several stories lists distinct ones.

All of it is sparse linear algebra (scipy.sparse, scipy.cluster): the
similarities come from a blocked sparse product that keeps only pairs above a floor,
so no n×n matrix is ever built; average linkage runs inside each connected component
of the graph of pairs above the threshold, which is exact, since two groups whose
mean similarity is above the threshold have at least one pair above it.
"""
from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .clean import content_words
from .model import Article, Story

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

# Mean cosine above which two groups report one event, and how much of a word's weight
# comes from the day's own counts (the rest from Portuguese at large; 0 gives an article
# the same vector on any day): chosen together by 5-fold cross-validation (bench/tune.py)
# on three kinds of day: cstnews-dev (one event in different words), the seeds (distinct
# events in the same words: one topic all day), and both together.
# Only settings under which the seeds and the corpus group the same alone and together
# are candidates (stable grouping); out of fold the mean B-cubed F1 is 0.961 (tune.py).
# The day's own weights win: on a one-topic day (the seeds) they make the topic's words
# weigh little, which Portuguese at large cannot; the event test keeps the grouping
# stable when the day's mix changes.
THRESHOLD = 0.225
DAY_WEIGHT = 1.0
# Words rarer than this in Portuguese at large (most names) all weigh the same.
RAREST = 1e-8


@dataclass(frozen=True)
class EventTest:
    """When two reports cannot be of one event (see the module's docstring)."""

    # Names from the headline and this many characters of the lede. The headline names
    # the event; the lede adds who and where, names two reports of one event often do
    # not share. Chosen with THRESHOLD (tune.py): the headline alone.
    lede: int = 0
    # Each report must name this many that the other never mentions.
    unknown: int = 2
    # Reports of one event come out within this many days of each other.
    days_apart: int = 1


EVENT = EventTest()
# Days and scores are read from the headline and this many characters of the lede.
LEDE = 300
# A name as common as this in Portuguese at large ("Brasil", "Governo") names no one in
# particular.
COMMON_NAME = 2e-5
# Exact average linkage costs O(m²) memory in a component of m articles: 2,000 need
# 16 MB. A larger component (chains of similar pairs; seen only in synthetic text made
# of shuffled paragraphs) is first cut apart at higher thresholds.
LARGEST = 2000
BLOCK = 1024  # rows of the similarity product computed at a time


@functools.cache
def _frequencies() -> dict[str, float]:
    import wordfreq

    return wordfreq.get_frequency_dict("pt")


def counts(articles: Sequence[Article]) -> tuple[sp.csr_matrix, list[str]]:
    """Each article's content words (the headline counted twice), as a sparse matrix of
    counts, and the words of its columns."""
    import numpy as np
    import scipy.sparse as sp

    vocabulary: dict[str, int] = {}
    columns: list[int] = []
    starts = [0]
    for a in articles:
        columns += [vocabulary.setdefault(w, len(vocabulary))
                    for w in content_words(f"{a.title} {a.title} {a.text}")]
        starts.append(len(columns))
    matrix = sp.csr_matrix((np.ones(len(columns), np.float32), columns, starts),
                           shape=(len(articles), len(vocabulary)))
    matrix.sum_duplicates()
    return matrix, list(vocabulary)


def vectors(articles: Sequence[Article], day_weight: float = DAY_WEIGHT,
            counted: tuple[sp.csr_matrix, list[str]] | None = None) -> sp.csr_matrix:
    """Unit-length TF-IDF rows, (1 + log tf) · idf, one per article, where idf blends
    the background's -log frequency with the day's log(1 + n/df), geometrically."""
    import numpy as np
    import scipy.sparse as sp

    matrix, words = counted or counts(articles)
    tf = matrix.copy()
    df = np.bincount(tf.indices, minlength=tf.shape[1])
    tf.data = 1 + np.log(tf.data)
    freq = _frequencies()
    background = np.array([-math.log(max(freq.get(w, 0.0), RAREST)) for w in words],
                          np.float32)
    idf = background ** (1 - day_weight) * \
        np.log1p(len(articles) / np.maximum(df, 1)).astype(np.float32) ** day_weight
    x = tf @ sp.diags(idf)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    return (sp.diags(1 / np.maximum(norms, 1e-12)) @ x).tocsr()


_WEEKDAY = r"(?:(?:segunda|ter[çc]a|quarta|quinta|sexta)(?:-feira)?|s[áa]bado|domingo)"
# "nesta terça-feira (24)", "nesta quarta-feira, 3": the day of the month.
_DAY_OF_MONTH = re.compile(_WEEKDAY + r"\s*[(,]?\s*(\d{1,2})\b(?!\s*(?:h\b|horas|[.:,]\d))",
                           re.IGNORECASE)
# "3 sets a 0", "por 3 a 1", "2 x 1": a match's score.
_SCORE = re.compile(r"(?<![\d.,/])(\d{1,2}) (?:sets? )?(?:a|x|×) (\d{1,2})(?![\d.,/%])"
                    r"(?! (?:mil|milh|bilh|anos|dias|meses|horas|pessoas|de |por cento))")
_YEAR = re.compile(r"(?<![\d.,/])(?:19|20)\d\d(?![\d.,/%])")
# A capitalized word that does not open a sentence, or an acronym.
_NAME = re.compile(r"(?<![.!?:;\"“—–]\s)(?<=\s)(?:[A-ZÀ-Ý][\wÀ-ÿ]+(?:-[\wÀ-ÿ]+)*|[A-Z]{2,}\b)")


@dataclass
class Facts:
    """What each article states first, to tell one event's reports from another's: the
    names (headline and start of the lede) and years, as columns of `counts`; the days
    of the month given with a weekday; the scores; the publication day."""

    names: sp.csr_matrix  # articles × words: 1 where the article states that name or year
    said: sp.csr_matrix  # articles × words: 1 where the article mentions the word at all
    days: sp.csr_matrix  # articles × 32
    scores: sp.csr_matrix  # articles × scores seen
    published: np.ndarray  # days since 1970, -1e9 when unknown
    score_names: dict[str, int]  # each score ("0-3") and its column

    def conflicts(self, rows: np.ndarray, test: EventTest = EVENT) -> np.ndarray:
        """A boolean matrix over `rows`: True where two cannot report one event."""
        import numpy as np

        names, said = self.names[rows], self.said[rows]
        unknown = (np.asarray(names.sum(axis=1)).ravel()[:, None]
                   - (names @ said.T).toarray()) >= test.unknown
        out = unknown & unknown.T
        for marks in (self.days[rows], self.scores[rows]):  # both give one, none agree
            has = np.asarray(marks.sum(axis=1)).ravel() > 0
            out |= has[:, None] & has[None, :] & ((marks @ marks.T).toarray() == 0)
        when = self.published[rows]
        known = when > -1e8
        out |= (known[:, None] & known[None, :]
                & (np.abs(when[:, None] - when[None, :]) > test.days_apart))
        return out


def facts(articles: Sequence[Article], counted: tuple[sp.csr_matrix, list[str]],
          test: EventTest = EVENT) -> Facts:
    """The `Facts` of these articles, whose `counts` are `counted`."""
    import numpy as np
    import scipy.sparse as sp

    matrix, words = counted
    column = {w: k for k, w in enumerate(words)}
    freq = _frequencies()
    named: list[list[int]] = []
    days: list[list[int]] = []
    scores: list[list[str]] = []
    for a in articles:
        lede = f"{a.title}. {a.text[:LEDE]}"
        head = f"{a.title}. {a.text[:test.lede]}" if test.lede else a.title
        stated = {w for m in _NAME.finditer(" " + head) for w in content_words(m[0])
                  if not w.isdigit() and freq.get(w, 0.0) < COMMON_NAME}
        stated |= set(_YEAR.findall(head))
        named.append(sorted(column[w] for w in stated if w in column))
        days.append(sorted({int(m[1]) for m in _DAY_OF_MONTH.finditer(lede)
                            if 1 <= int(m[1]) <= 31}))
        scores.append(sorted({"-".join(sorted(m.groups())) for m in _SCORE.finditer(lede)}))
    score_column: dict[str, int] = {}
    score_ids = [[score_column.setdefault(s, len(score_column)) for s in row] for row in scores]

    def binary(rows: list[list[int]], width: int) -> sp.csr_matrix:
        starts = np.cumsum([0] + [len(r) for r in rows])
        flat = [c for r in rows for c in r]
        return sp.csr_matrix((np.ones(len(flat), np.float32), flat, starts),
                             shape=(len(rows), width))

    said = matrix.copy()
    said.data[:] = 1
    published = np.array([a.published.date().toordinal() - 719163 if a.published else -1e9
                          for a in articles], dtype=np.float64)
    return Facts(binary(named, len(words)), said, binary(days, 32),
                 binary(score_ids, len(score_column)), published, score_column)


def similar_pairs(x: sp.csr_matrix, floor: float) -> sp.csr_matrix:
    """The pairs i < j of rows with x[i]·x[j] above `floor`, as an upper-triangular
    matrix, computed BLOCK rows at a time against the rows from there on."""
    import numpy as np
    import scipy.sparse as sp

    n = x.shape[0]
    rows, cols, values = [], [], []
    for start in range(0, n, BLOCK):
        block = (x[start:start + BLOCK] @ x[start:].T).tocoo()
        keep = (block.data > floor) & (block.col > block.row)
        rows.append(block.row[keep] + start)
        cols.append(block.col[keep] + start)
        values.append(block.data[keep])
    return sp.csr_matrix((np.concatenate(values), (np.concatenate(rows),
                                                   np.concatenate(cols))), shape=(n, n))


def _components(pairs: sp.csr_matrix, threshold: float) -> list[np.ndarray]:
    """The members of each connected component of the pairs above `threshold`."""
    import numpy as np
    from scipy.sparse.csgraph import connected_components

    graph = pairs.multiply(pairs > threshold)
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    return np.split(order, cuts)


def _parts(pairs: sp.csr_matrix, threshold: float, step: float = 0.05) -> list[np.ndarray]:
    """Components of at most LARGEST articles: those above `threshold`, a larger one
    cut apart at `threshold + step`, and so on."""
    out = []
    for members in _components(pairs, threshold):
        if len(members) <= LARGEST or threshold + step >= 1:
            out.append(members)
        else:
            sub = pairs[members][:, members]
            out += [members[m] for m in _parts(sub, threshold + step, step)]
    return out


def _average_link(x: sp.csr_matrix, apart: np.ndarray, threshold: float) -> np.ndarray:
    """Flat average-linkage clusters (labels from 1) of a few rows, merged while their
    mean similarity is above `threshold`; rows marked `apart` never share a cluster."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = x.shape[0]
    if n == 1:
        return np.ones(1, dtype=int)
    distance = 1 - (x @ x.T).toarray()
    # Far enough that no mean over at most LARGEST² pairs brings it under 1.
    distance[apart] = 1e9
    np.fill_diagonal(distance, 0)
    tree = linkage(squareform(np.clip(distance, 0, None), checks=False), "average")
    return fcluster(tree, np.nextafter(1 - threshold, 0), criterion="distance")


Apart = Callable[["np.ndarray"], "np.ndarray"]


def groups(x: sp.csr_matrix, threshold: float, apart: Apart | None = None
           ) -> list[list[int]]:
    """Average-linkage groups of the rows of `x` (row indices, in order of their first),
    merged while the mean similarity of their rows is above `threshold`; two rows that
    `apart(rows)` marks True never share a group."""
    import numpy as np

    out: list[list[int]] = []
    for members in _parts(similar_pairs(x, threshold), threshold):
        never = apart(members) if apart is not None else np.zeros((len(members),) * 2, bool)
        labels = _average_link(x[members], never, threshold)
        out += [sorted(members[labels == label].tolist()) for label in np.unique(labels)]
    return sorted(out)


def means(x: sp.csr_matrix, members: Sequence[Sequence[int]]) -> sp.csr_matrix:
    """The mean row of each group: their dot product is the mean similarity between the
    two groups' rows, what average linkage compares."""
    import numpy as np
    import scipy.sparse as sp

    rows = np.concatenate([np.full(len(m), k) for k, m in enumerate(members)])
    cols = np.concatenate([np.asarray(m) for m in members])
    weights = np.concatenate([np.full(len(m), 1 / len(m)) for m in members])
    return sp.csr_matrix((weights, (rows, cols)), shape=(len(members), x.shape[0])) @ x


@dataclass
class Day:
    """A day's articles grouped: its stories, the articles' vectors (and their columns'
    words) and facts, and each story's rows of them, for the editor and the follow-up."""

    stories: list[Story]
    x: sp.csr_matrix
    words: list[str]
    facts: Facts
    members: list[list[int]]


def group(articles: Sequence[Article], threshold: float = THRESHOLD,
          day_weight: float = DAY_WEIGHT, test: EventTest = EVENT) -> Day | None:
    """The day's stories of one or more articles, in the order of each story's first
    article (None for a day without articles)."""
    import numpy as np

    if not articles:
        return None
    counted = counts(articles)
    x = vectors(articles, day_weight, counted)
    found = facts(articles, counted, test)
    origin = np.unique([str(a.path) for a in articles], return_inverse=True)[1]

    def apart(rows: np.ndarray) -> np.ndarray:
        return (origin[rows][:, None] == origin[rows][None, :]) | found.conflicts(rows, test)

    members = [_lead_first(g, x, articles) for g in groups(x, threshold, apart)]
    return Day([Story([articles[i] for i in g]) for g in members], x, counted[1], found,
               members)


def _lead_first(rows: list[int], x: sp.csr_matrix, articles: Sequence[Article]) -> list[int]:
    """A story's articles with its lead first: the one that opens its summary and gives
    its headline. That is, among those with a headline of their own (one made from a
    lede is a last resort) and then those whose outlet is known, the article closest to
    the story's mean; then the others in their order."""
    import numpy as np

    if len(rows) == 1:
        return rows
    closeness = np.asarray((x[rows] @ means(x, [rows]).T).todense()).ravel()
    lead = min(range(len(rows)), key=lambda k: (
        not articles[rows[k]].headline, articles[rows[k]].outlet is None,
        -round(float(closeness[k]), 6), rows[k]))
    return [rows[lead], *rows[:lead], *rows[lead + 1:]]


def cluster(articles: Sequence[Article], threshold: float = THRESHOLD,
            day_weight: float = DAY_WEIGHT, test: EventTest = EVENT) -> list[Story]:
    """Stories of one or more articles, in the order of each story's first article."""
    day = group(articles, threshold, day_weight, test)
    return day.stories if day else []
