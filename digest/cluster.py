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

All of it is sparse linear algebra (scipy.sparse), and no n×n matrix is ever built.
Average linkage runs along the graph of pairs above the threshold, merging clusters
that are each other's nearest, round after round (`_average_linkage`): exact, since two
clusters whose mean similarity is above the threshold have a pair above it, however
large the day. The pairs come from a blocked sparse product that keeps only those above
the threshold; its cost grows with the square of the articles that share a word, so
on a day where that grows too (tens of thousands of articles) they are looked for
instead among the articles next to each other in the lists of each one's most telling
words (`candidate_pairs`), at a cost linear in the day: the one approximation, which
bench/grouping.py measures against the exact grouping. Pairs of rows are compared on a
thread per core, and a large day's texts tokenized by a worker process per core
(`words_and_facts`).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import progress
from .clean import content_words
from .model import Article, Story

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

# Mean cosine above which two groups report one event, and how much of a word's weight
# comes from the day's own counts (the rest from Portuguese at large; 0 gives an article
# the same vector on any day): chosen together by 5-fold cross-validation (bench/tune.py)
# on three kinds of day: cstnews-dev (one event in different words), the seeds (distinct
# events in the same words: one topic all day), and both together, by B-cubed F0.5: a
# wrong merge misleads a reader, a story told twice does not, so precision counts twice.
# Only settings under which the seeds and the corpus group the same alone and together
# are candidates (stable grouping); the out-of-fold B-cubed F1 is in docs/evaluation.md.
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
BLOCK = 1024  # rows of the similarity product computed at a time
CHUNK = 16384  # pairs of rows tested at a time
AT_ONCE = 1 << 21  # numbers of rows compared at a time on each core (16 MB each array)
# The exact product costs, for each word an article holds, a multiply-add per article
# sharing it. Past this many on average, pairs are looked for by `candidate_pairs`.
SHARED = 1000
# There: an article's most telling words (its heaviest), and how many articles on each
# side of it, in the list of each such word, are its candidates.
TELLING = 16
WINDOW = 4
NEAREST = 5  # and how many of its nearest so found, whose nearest are candidates too


@functools.cache
def _frequencies() -> dict[str, float]:
    import wordfreq

    return wordfreq.get_frequency_dict("pt")


def vectors(
    articles: Sequence[Article],
    day_weight: float = DAY_WEIGHT,
    counted: tuple[sp.csr_matrix, list[str]] | None = None,
) -> sp.csr_matrix:
    """Unit-length TF-IDF rows, (1 + log tf) · idf, one per article, where idf blends
    the background's -log frequency with the day's log(1 + n/df), geometrically."""
    import numpy as np
    import scipy.sparse as sp

    matrix, words = counted or words_and_facts(articles)[0]
    tf = matrix.copy()
    df = np.bincount(tf.indices, minlength=tf.shape[1])
    tf.data = 1 + np.log(tf.data)
    freq = _frequencies()
    background = np.array([-math.log(max(freq.get(w, 0.0), RAREST)) for w in words], np.float32)
    idf = (
        background ** (1 - day_weight)
        * np.log1p(len(articles) / np.maximum(df, 1)).astype(np.float32) ** day_weight
    )
    x = tf @ sp.diags(idf)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    return (sp.diags(1 / np.maximum(norms, 1e-12)) @ x).tocsr()


_WEEKDAY = r"(?:(?:segunda|ter[çc]a|quarta|quinta|sexta)(?:-feira)?|s[áa]bado|domingo)"
# "nesta terça-feira (24)", "nesta quarta-feira, 3": the day of the month.
_DAY_OF_MONTH = re.compile(
    _WEEKDAY + r"\s*[(,]?\s*(\d{1,2})\b(?!\s*(?:h\b|horas|[.:,]\d))", re.IGNORECASE
)
# "3 sets a 0", "por 3 a 1", "2 x 1": a match's score.
_SCORE = re.compile(
    r"(?<![\d.,/])(\d{1,2}) (?:sets? )?(?:a|x|×) (\d{1,2})(?![\d.,/%])"
    r"(?! (?:mil|milh|bilh|anos|dias|meses|horas|pessoas|de |por cento))"
)
_YEAR = re.compile(r"(?<![\d.,/])(?:19|20)\d\d(?![\d.,/%])")
# A capitalized word that does not open a sentence, or an acronym.
_NAME = re.compile(r"(?<![.!?:;\"“—–]\s)(?<=\s)(?:[A-ZÀ-Ý][\wÀ-ÿ]+(?:-[\wÀ-ÿ]+)*|[A-Z]{2,}\b)")


@dataclass
class Facts:
    """What each article states first, to tell one event's reports from another's: the
    names (headline and start of the lede) and years, as columns of the word counts
    (`words_and_facts`); the days of the month given with a weekday; the scores; the
    publication day."""

    names: sp.csr_matrix  # articles × words: 1 where the article states that name or year
    said: sp.csr_matrix  # articles × words: 1 where the article mentions the word at all
    days: sp.csr_matrix  # articles × 32
    scores: sp.csr_matrix  # articles × scores seen
    published: np.ndarray  # days since 1970, -1e9 when unknown
    score_names: dict[str, int]  # each score ("0-3") and its column

    def conflicts(self, a: np.ndarray, b: np.ndarray, test: EventTest = EVENT) -> np.ndarray:
        """For each pair of rows (a[k], b[k]): True where the two cannot report one event.
        (Each test only where the cheaper ones left it open.)"""
        import numpy as np

        when, known = self.published, self.published > -1e8
        out = known[a] & known[b] & (np.abs(when[a] - when[b]) > test.days_apart)
        for marks in (self.days, self.scores):  # both give one, none agree
            has = np.diff(marks.indptr) > 0
            both = np.flatnonzero(has[a] & has[b] & ~out)
            out[both] = _dots(marks[a[both]], marks[b[both]]) == 0
        named = np.diff(self.names.indptr) >= test.unknown
        both = np.flatnonzero(named[a] & named[b] & ~out)
        out[both] = self._unknown(a[both], b[both], test) & self._unknown(b[both], a[both], test)
        return out

    def _unknown(self, x: np.ndarray, y: np.ndarray, test: EventTest) -> np.ndarray:
        """For each pair of rows (x[k], y[k]): whether x names `test.unknown` or more
        that y never mentions."""
        import numpy as np

        if not len(x):
            return np.zeros(0, bool)
        names = self.names[x]
        pair = np.repeat(np.arange(len(x)), np.diff(names.indptr))
        said = np.asarray(self.said[y[pair], names.indices]).ravel() > 0
        return np.bincount(pair, ~said, len(x)) >= test.unknown


def _dots(x: sp.csr_matrix, y: sp.csr_matrix) -> np.ndarray:
    """The dot product of each row of x with the same row of y."""
    import numpy as np

    return np.asarray(x.multiply(y).sum(axis=1)).ravel()


def _row_dots(a: sp.csr_matrix, p: np.ndarray, b: sp.csr_matrix, q: np.ndarray) -> np.ndarray:
    """a[p[k]] · b[q[k]] for each k, AT_ONCE stored numbers at a time on each core.
    The elementwise product of two rows costs the length of both; a cluster's mean row
    holds thousands of words and meets many rows, so a row met so often that making it
    dense costs less is made dense, and the other row of each of its pairs looked up in
    it, at a cost in that row's length alone (`_dense_dots`)."""
    import numpy as np

    length_a, length_b = np.diff(a.indptr)[p], np.diff(b.indptr)[q]
    out = np.empty(len(p))
    plain = np.ones(len(p), bool)
    for long, i, short, j, longer in (
        (a, p, b, q, length_a >= length_b),
        (b, q, a, p, length_a < length_b),
    ):
        rows, which = _distinct(i[longer], inverse=True)
        dense = np.flatnonzero(longer)[
            (np.bincount(which) * np.diff(long.indptr)[rows] >= long.shape[1])[which]
        ]
        out[dense] = _dense_dots(long, i[dense], short, j[dense])
        plain[dense] = False
    plain = np.flatnonzero(plain)
    ends = np.cumsum(length_a[plain] + length_b[plain]) // AT_ONCE
    chunks = np.split(plain, np.flatnonzero(np.diff(ends)) + 1)
    _into(out, lambda at: _dots(a[p[at]], b[q[at]]), chunks)
    return out


def _dense_dots(
    long: sp.csr_matrix, i: np.ndarray, short: sp.csr_matrix, j: np.ndarray
) -> np.ndarray:
    """long[i[k]] · short[j[k]] for each k: the rows of `long` made dense, as many at
    a time as make AT_ONCE numbers, and the rows of `short` paired with them (as many
    numbers) looked up there."""
    import numpy as np

    pairs = np.argsort(i, kind="stable")  # row by row
    new = np.r_[True, i[pairs][1:] != i[pairs][:-1]] if len(i) else np.zeros(0, bool)
    part = (np.cumsum(new) - 1) // max(1, AT_ONCE // long.shape[1]) + np.cumsum(
        np.diff(short.indptr)[j[pairs]]
    ) // AT_ONCE
    chunks = np.split(pairs, np.flatnonzero(np.diff(part)) + 1)

    def looked_up(at: np.ndarray) -> np.ndarray:
        block = _distinct(i[at])
        table = long[block].toarray()
        other = short[j[at]]
        pair = np.repeat(np.arange(len(at)), np.diff(other.indptr))
        place = np.searchsorted(block, i[at])[pair]
        return np.bincount(pair, other.data * table[place, other.indices], len(at))

    out = np.empty(len(i))
    _into(out, looked_up, chunks)
    return out


def _into(out: np.ndarray, f: Callable[[np.ndarray], np.ndarray], chunks: list[np.ndarray]) -> None:
    """out[at] = f(at) for each array of indices `at` of `chunks`, on a thread per core."""
    for at, values in zip(chunks, _in_threads(f, chunks), strict=True):
        out[at] = values


def _in_threads(f: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """[f(item) for item in items], on a thread per core: scipy.sparse and numpy let go
    of the interpreter while they work, so pairs of rows are compared on every core."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    if len(items) < 2:
        return [f(item) for item in items]
    with ThreadPoolExecutor(min(len(items), os.cpu_count() or 1)) as pool:
        return list(pool.map(f, items))


# Articles tokenized by one worker at a time; a day of more than PARALLEL articles is
# tokenized by a worker process per core (digest.workers): tokenizing is Python's regex
# work, on one core each, and was a third of grouping's time.
TOKENIZE_AT_ONCE = 2048
PARALLEL = 4096


def words_and_facts(
    articles: Sequence[Article], test: EventTest = EVENT
) -> tuple[tuple[sp.csr_matrix, list[str]], Facts]:
    """Each article's content words (the headline counted twice), as a sparse matrix of
    counts with the words of its columns, and the articles' `Facts`: from one pass over
    each text (by worker processes on a large day; the same, words in the order first
    seen)."""
    import numpy as np
    import scipy.sparse as sp

    from . import workers

    items = _Texts(articles, test.lede)
    vocabulary: dict[str, int] = {}
    columns, starts = [np.zeros(0, np.int32)], [np.zeros(1, np.int64)]
    stated: list[tuple[list[str], list[str]]] = []
    days: list[list[int]] = []
    scores: list[list[str]] = []
    for part_words, local, ends, part_stated, part_days, part_scores in workers.each(
        _tokens, items, TOKENIZE_AT_ONCE, PARALLEL, "tokenizing the articles"
    ):
        column = [vocabulary.setdefault(w, len(vocabulary)) for w in part_words]
        columns.append(np.array(column, np.int32)[local])
        starts.append(ends + starts[-1][-1])
        stated += part_stated
        days += part_days
        scores += part_scores
    matrix = sp.csr_matrix(
        (np.ones(int(starts[-1][-1]), np.float32), np.concatenate(columns), np.concatenate(starts)),
        shape=(len(articles), len(vocabulary)),
    )
    matrix.sum_duplicates()
    freq = _frequencies()
    named = [
        sorted(
            vocabulary[w]
            for w in {w for w in names if freq.get(w, 0.0) < COMMON_NAME}.union(years)
            if w in vocabulary
        )
        for names, years in stated
    ]
    score_column: dict[str, int] = {}
    score_ids = [[score_column.setdefault(s, len(score_column)) for s in row] for row in scores]

    def binary(rows: list[list[int]], width: int) -> sp.csr_matrix:
        starts = np.cumsum([0] + [len(r) for r in rows])
        flat = [c for r in rows for c in r]
        return sp.csr_matrix(
            (np.ones(len(flat), np.float32), flat, starts), shape=(len(rows), width)
        )

    said = matrix.copy()
    said.data[:] = 1
    published = np.array(
        [a.published.date().toordinal() - 719163 if a.published else -1e9 for a in articles],
        dtype=np.float64,
    )
    words = list(vocabulary)
    found = Facts(
        binary(named, len(words)),
        said,
        binary(days, 32),
        binary(score_ids, len(score_column)),
        published,
        score_column,
    )
    return (matrix, words), found


class _Texts:
    """The articles as `_tokens` takes them, (title, text, head), made a slice at a time
    (all at once, they would hold a copy of the day's text)."""

    def __init__(self, articles: Sequence[Article], lede: int):
        self.articles, self.lede = articles, lede

    def __len__(self) -> int:
        return len(self.articles)

    def __getitem__(self, at: slice) -> list[tuple[str, str, str]]:
        return [
            (a.title, a.text, f"{a.title}. {a.text[: self.lede]}" if self.lede else a.title)
            for a in self.articles[at]
        ]


def _tokens(
    items: Sequence[tuple[str, str, str]],
) -> tuple[
    list[str],
    np.ndarray,
    np.ndarray,
    list[tuple[list[str], list[str]]],
    list[list[int]],
    list[list[str]],
]:
    """A worker's part of `words_and_facts`, for (title, text, head)s: the words of
    these texts (first seen first), each text's content words as indices of them, where
    each text's end; and what each states: the names and years its head gives, the days
    of the month and the scores its lede gives."""
    import numpy as np

    vocabulary: dict[str, int] = {}
    columns: list[int] = []
    ends: list[int] = []
    stated, days, scores = [], [], []
    for title, text, head in items:
        columns += [
            vocabulary.setdefault(w, len(vocabulary))
            for w in content_words(f"{title} {title} {text}")
        ]
        ends.append(len(columns))
        names = {
            w for m in _NAME.finditer(" " + head) for w in content_words(m[0]) if not w.isdigit()
        }
        stated.append((sorted(names), _YEAR.findall(head)))
        lede = f"{title}. {text[:LEDE]}"
        days.append(
            sorted({int(m[1]) for m in _DAY_OF_MONTH.finditer(lede) if 1 <= int(m[1]) <= 31})
        )
        scores.append(sorted({"-".join(sorted(m.groups())) for m in _SCORE.finditer(lede)}))
    return (
        list(vocabulary),
        np.array(columns, np.int32),
        np.array(ends, np.int64),
        stated,
        days,
        scores,
    )


def similar_pairs(x: sp.csr_matrix, floor: float) -> sp.csr_matrix:
    """The pairs i < j of rows with x[i]·x[j] above `floor`, as an upper-triangular
    matrix, computed BLOCK rows at a time against the rows from there on."""
    import numpy as np
    import scipy.sparse as sp

    n = x.shape[0]

    def above(start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        block = (x[start : start + BLOCK] @ x[start:].T).tocoo()
        keep = (block.data > floor) & (block.col > block.row)
        return block.row[keep] + start, block.col[keep] + start, block.data[keep]

    rows, cols, values = zip(*_in_threads(above, range(0, n, BLOCK)), strict=True)
    return sp.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    )


def candidate_pairs(
    x: sp.csr_matrix,
    floor: float,
    telling: int = TELLING,
    window: int = WINDOW,
    nearest: int = NEAREST,
) -> sp.csr_matrix:
    """Pairs i < j above `floor`, as `similar_pairs` gives them, among candidates found
    in time linear in the rows. First, two rows are candidates when one of the
    `telling` heaviest words of each is the same and they lie within `window` of each
    other in that word's list of rows, ordered by its weight in them: reports of one
    event share their telling words (names, places) and weigh them alike. Then, once,
    the `nearest` of each row's nearest so found are its candidates too (a neighbour's
    neighbour is likely a neighbour: Dong et al. 2011). Similarities are exact."""
    import numpy as np
    import scipy.sparse as sp

    n = x.shape[0]
    row = np.repeat(np.arange(n), np.diff(x.indptr))
    order = _heaviest_first(row, x.data)  # each row's words
    heaviest = order[np.arange(x.nnz) - x.indptr[row[order]] < telling]
    words, rows = x.indices[heaviest], row[heaviest]
    order = _heaviest_first(words, x.data[heaviest])  # each word's rows
    words, rows = words[order], rows[order]
    near = [
        (rows[:-d][words[d:] == words[:-d]], rows[d:][words[d:] == words[:-d]])
        for d in range(1, window + 1)
    ]
    pairs = _similar(
        x,
        np.concatenate([a for a, _ in near] + [np.zeros(0, int)]),
        np.concatenate([b for _, b in near] + [np.zeros(0, int)]),
        floor,
    )
    both = (pairs + pairs.T).tocsr()
    row = np.repeat(np.arange(n), np.diff(both.indptr))
    order = _heaviest_first(row, both.data)
    top = order[np.arange(both.nnz) - both.indptr[row[order]] < nearest]
    link = sp.csr_matrix((np.ones(len(top)), (row[top], both.indices[top])), shape=(n, n))
    twice = (link @ link).tocoo()  # each row's nearest's nearest
    return (pairs + _similar(x, twice.row, twice.col, floor, pairs)).tocsr()


def _heaviest_first(group: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The order that sorts items by `group` (whole numbers), heaviest first within
    each."""
    import numpy as np

    lightness = 1 - weight / (1.001 * weight.max(initial=0) or 1)  # in (0, 1]
    return np.argsort(group + lightness, kind="stable")


def _similar(
    x: sp.csr_matrix, a: np.ndarray, b: np.ndarray, floor: float, known: sp.csr_matrix | None = None
) -> sp.csr_matrix:
    """The pairs of rows a[k], b[k] (i < j, each once, none in `known`) whose
    similarity is above `floor`, as an upper-triangular matrix."""
    import numpy as np
    import scipy.sparse as sp

    n = x.shape[0]
    key = _distinct(np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b))
    key = key[key // n != key % n]
    if known is not None:
        done = known.tocoo()
        key = key[~_among(key, _distinct(done.row.astype(np.int64) * n + done.col))]
    i, j = key // n, key % n
    similarity = _row_dots(x, i, x, j)
    keep = similarity > floor
    return sp.csr_matrix((similarity[keep], (i[keep], j[keep])), shape=(n, n))


Apart = Callable[["np.ndarray", "np.ndarray"], "np.ndarray"]


def groups(
    x: sp.csr_matrix, threshold: float, apart: Apart | None = None, shared: float = SHARED
) -> list[list[int]]:
    """Average-linkage groups of the rows of `x` (row indices, in order of their first),
    merged while the mean similarity of their rows is above `threshold`; no group holds
    two rows that `apart` marks True (for pairs of rows a[k], b[k]). Along every pair
    above the threshold when finding them costs at most `shared` multiply-adds per
    stored word (exact); else along `candidate_pairs`. (bench/grouping.py sets `shared`
    to compare the two.)"""
    import numpy as np

    df = np.bincount(x.indices, minlength=x.shape[1]).astype(np.float64)
    exact = df @ df <= shared * x.nnz
    pairs = similar_pairs(x, threshold) if exact else candidate_pairs(x, threshold)
    label = _average_linkage(x, pairs, threshold, apart)
    order = np.argsort(label, kind="stable")
    cuts = np.flatnonzero(np.diff(label[order])) + 1
    return sorted(g.tolist() for g in np.split(order, cuts))


def _average_linkage(
    x: sp.csr_matrix, pairs: sp.csr_matrix, threshold: float, apart: Apart | None
) -> np.ndarray:
    """A cluster label for each row (the row that names its cluster): average linkage
    cut at `threshold`, along the graph of `pairs` (those above it), by merging clusters
    that are each other's nearest neighbour, round after round, while their mean
    similarity is above it.

    For average linkage this merges what merging the closest two clusters one at a time
    would (Sumengen et al. 2021, "RAC"), with no n×n matrix: two clusters whose mean
    similarity is above the threshold have a pair above it, so a cluster's nearest
    neighbour, if near enough, is one the graph links it to; and a cluster with none
    near enough never will have, since the mean similarity of a merged cluster to
    another lies between those of its parts. Two clusters that hold a pair `apart`
    never merge: a nearest neighbour is checked (every pair of rows across the two)
    before it counts, and the next nearest taken if need be; once found not apart, a
    link stays so, its merges' new pairs of rows checked as they come."""
    import numpy as np

    n = x.shape[0]
    parent, size = np.arange(n), np.ones(n, np.int64)
    edges = pairs.tocoo()
    keep = edges.data > threshold
    u, v, mean = edges.row[keep], edges.col[keep], edges.data[keep].astype(np.float64)
    order = np.argsort(u.astype(np.int64) * n + v)  # by link, as each round keeps them
    u, v, mean = u[order].astype(np.int64), v[order].astype(np.int64), mean[order]
    checked = np.zeros(len(u), bool)  # found not apart
    dead = np.zeros(0, np.int64)  # pairs of clusters found apart, as u * n + v, in order
    means = _Means(x)
    while len(u):
        pick = _nearest(n, u, v, mean)  # for each cluster, the index of its nearest's edge
        todo = _distinct(pick[pick >= 0])
        while apart is not None and len(todo := todo[~checked[todo]]):
            # A nearest found apart gives way to the next nearest; every link of a
            # cluster whose nearest was is checked then, so that it happens once.
            label = _flatten(parent)
            checked[todo] = True
            bad = todo[_across(label, u[todo], v[todo], apart)]
            again = np.zeros(n, bool)
            again[u[bad]] = again[v[bad]] = True
            more = np.flatnonzero((again[u] | again[v]) & ~checked)
            checked[more] = True
            bad = np.r_[bad, more[_across(label, u[more], v[more], apart)]]
            dead = _distinct(np.r_[dead, u[bad].astype(np.int64) * n + v[bad]])
            mean[bad] = -np.inf  # never nearest again; gone at the end of the round
            again[u[bad]] = again[v[bad]] = True
            pick[again] = _nearest(n, u, v, mean, again)[again]
            todo = _distinct(pick[again & (pick >= 0)])
        first = np.flatnonzero(pick >= 0)
        first = first[u[pick[first]] == first]  # the lower of an edge
        first = first[pick[v[pick[first]]] == pick[first]]  # and each other's nearest
        second = v[pick[first]]
        # The merged clusters' means to others, by Lance and Williams where every pair
        # of their parts was linked: the parts' means weighted by size; else worked out
        # from the clusters' mean rows. Found apart if any part was.
        weight = size[u] * size[v] * mean
        means.merge(first, second, size[first] / (size[first] + size[second]))
        before, linked = _flatten(parent).copy(), u * n + v  # (_flatten may give parent)
        partner = np.full(n, -1)
        partner[first] = second
        parent[second] = first  # the lower row names the merged cluster
        parts = np.ones(n, np.int64)
        parts[first] = 2
        size[first] += size[second]
        u, v, dead = parent[u], parent[v], _relabel(dead, parent, n)  # one step each
        link = u != v
        key, where = _distinct(
            np.minimum(u, v)[link].astype(np.int64) * n + np.maximum(u, v)[link], inverse=True
        )
        u, v = key // n, key % n
        total = np.bincount(where, weight[link], len(key))
        whole = np.bincount(where, minlength=len(key)) == parts[u] * parts[v]
        linked_checked = np.bincount(where, ~checked[link], len(key)) == 0
        mean = total / (size[u] * size[v])
        mean[~whole] = means.dots(_flatten(parent), u[~whole], v[~whole])
        keep = (mean > threshold) & ~_among(key, dead)
        u, v, mean = u[keep], v[keep], mean[keep]
        checked, whole = linked_checked[keep], whole[keep]
        if apart is not None:
            # A merged link whose linked parts were all found not apart needs only its
            # parts the graph did not link checked, now: else a big cluster's links
            # were each checked whole again after each of its merges (at 100,000
            # articles, 60 million pairs of rows checked, 7.5 million of them distinct).
            todo = np.flatnonzero(checked & ~whole)
            bad = todo[_unlinked_apart(u[todo], v[todo], partner, before, linked, apart, n)]
            dead = _distinct(np.r_[dead, u[bad] * n + v[bad]])
            live = np.ones(len(u), bool)
            live[bad] = False
            u, v, mean, checked = u[live], v[live], mean[live], checked[live]
    return _flatten(parent)


def _unlinked_apart(
    u: np.ndarray,
    v: np.ndarray,
    partner: np.ndarray,
    before: np.ndarray,
    linked: np.ndarray,
    apart: Apart,
    n: int,
) -> np.ndarray:
    """For each link (u[k], v[k]) between clusters as merged this round: whether any
    pair of its parts that was not linked before is `apart`. `partner`: the cluster each
    cluster took in this round (-1: none); `before`: each row's cluster before the
    round's merges; `linked`: the links before them, as a * n + b (a < b), sorted."""
    import numpy as np

    k = np.arange(len(u))
    a = np.r_[u, u, partner[u], partner[u]]
    b = np.r_[v, partner[v], v, partner[v]]
    edge = np.r_[k, k, k, k]
    real = (a >= 0) & (b >= 0)
    a, b, edge = a[real], b[real], edge[real]
    new = ~_among(np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b), linked)
    out = np.zeros(len(u), bool)
    if new.any():
        out[edge[new][_across(before, a[new], b[new], apart)]] = True
    return out


def _nearest(
    n: int, u: np.ndarray, v: np.ndarray, mean: np.ndarray, only: np.ndarray | None = None
) -> np.ndarray:
    """For each of n clusters (or each one marked in `only`), the index of the edge to
    its nearest neighbour (highest mean, then lowest name: one order for all, so the
    nearest pair of all is each other's nearest); -1 for a cluster with no edge left
    (none of mean above -inf)."""
    import numpy as np

    ends, others = np.r_[u, v], np.r_[v, u]
    both, index = np.r_[mean, mean], np.r_[np.arange(len(u)), np.arange(len(u))]
    live = both > -np.inf
    if only is not None:
        live &= only[ends]
    ends, others, both, index = ends[live], others[live], both[live], index[live]
    top = np.full(n, -np.inf)
    np.maximum.at(top, ends, both)
    best = both == top[ends]
    nearest = np.full(n, n)
    np.minimum.at(nearest, ends[best], others[best])
    pick = np.full(n, -1)
    chosen = best & (others == nearest[ends])
    pick[ends[chosen]] = index[chosen]
    return pick


def _among(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """Whether each of `values` is one of `ordered` (sorted): np.isin without numpy 2's
    slow unique."""
    import numpy as np

    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return ordered[at] == values if len(ordered) else np.zeros(len(values), bool)


def _relabel(pairs: np.ndarray, parent: np.ndarray, n: int) -> np.ndarray:
    """Pairs of clusters (u * n + v, u < v) under their names after one round's merges."""
    import numpy as np

    u, v = parent[pairs // n], parent[pairs % n]
    return _distinct(np.minimum(u, v).astype(np.int64) * n + np.maximum(u, v))


def _distinct(values: np.ndarray, inverse: bool = False) -> Any:
    """np.unique(values[, return_inverse]) of whole numbers, by a sort: numpy 2's
    np.unique takes minutes on the millions of pairs of a large day."""
    import numpy as np

    order = np.argsort(values, kind="stable") if inverse else None
    ordered = values[order] if inverse else np.sort(values)
    new = np.r_[True, ordered[1:] != ordered[:-1]] if len(ordered) else np.zeros(0, bool)
    if not inverse:
        return ordered[new]
    where = np.empty(len(values), np.int64)
    where[order] = np.cumsum(new) - 1
    return ordered[new], where


def _flatten(parent: np.ndarray) -> np.ndarray:
    """Each row's cluster, following `parent` to its end."""
    import numpy as np

    while not np.array_equal(parent[parent], parent):
        parent = parent[parent]
    return parent


def _mean_rows(x: sp.csr_matrix, label: np.ndarray, clusters: np.ndarray) -> sp.csr_matrix:
    """The mean row of each of `clusters` (the rows of x so labelled)."""
    import numpy as np

    place = np.full(len(label), -1)
    place[clusters] = np.arange(len(clusters))
    rows = np.flatnonzero(place[label] >= 0)
    return _averages(x, rows, place[label[rows]], len(clusters))


def _averages(x: sp.csr_matrix, rows: np.ndarray, which: np.ndarray, k: int) -> sp.csr_matrix:
    """The mean of each of k groups of rows of x: rows[i] is in group which[i]. (Of
    x[rows] alone: scipy's product with all of x costs time in its size, every round.)"""
    import numpy as np
    import scipy.sparse as sp

    size = np.bincount(which, minlength=k)
    return (
        sp.csr_matrix((1 / size[which], (which, np.arange(len(rows)))), shape=(k, len(rows)))
        @ x[rows]
    )


class _Means:
    """The mean rows of clusters, for `_average_linkage`'s mean similarities, kept from
    one round to the next: a cluster's mean changes only when it merges, and then it is
    its two parts' weighted by size. (Worked out from x again, a large cluster's mean
    would cost all its rows at each of its many merges.)"""

    def __init__(self, x: sp.csr_matrix):
        import numpy as np

        self.x = x
        self.clusters = np.zeros(0, np.int64)  # those of the last round's lookup, in order
        self.rows = x[:0]  # their mean rows
        self.first = self.second = np.zeros(0, np.int64)  # merged since
        self.share = np.zeros(0)  # first's share of each merged cluster's rows

    def merge(self, first: np.ndarray, second: np.ndarray, share: np.ndarray) -> None:
        """Cluster second[k] joins first[k] (in order), whose rows are share[k] of the
        merged cluster's."""
        self.first, self.second, self.share = first, second, share

    def dots(self, label: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """The mean similarity of the rows of cluster u[k] to those of cluster v[k]
        (`label`: each row's cluster)."""
        import numpy as np

        clusters = _distinct(np.r_[u, v])
        self.rows, self.clusters = self._rows(label, clusters), clusters
        self.merge(self.clusters[:0], self.clusters[:0], np.zeros(0))  # none merged since
        at = np.searchsorted(clusters, u), np.searchsorted(clusters, v)
        return _row_dots(self.rows, at[0], self.rows, at[1])

    def _kept(self, clusters: np.ndarray) -> np.ndarray:
        """Where each cluster's mean row is in self.rows (-1: not there)."""
        import numpy as np

        at = np.minimum(np.searchsorted(self.clusters, clusters), len(self.clusters) - 1)
        return np.where(_among(clusters, self.clusters), at, -1)

    def _rows(self, label: np.ndarray, clusters: np.ndarray) -> sp.csr_matrix:
        """The mean rows of these clusters (in order): a kept row as it is, a merged
        cluster's from its parts' kept rows, the others from x."""
        import numpy as np
        import scipy.sparse as sp

        k = len(clusters)
        own, other, share = self._kept(clusters), np.full(k, -1), np.ones(k)
        merged = np.flatnonzero(_among(clusters, self.first))
        if len(merged):
            which = np.searchsorted(self.first, clusters[merged])
            other[merged] = self._kept(self.second[which])
            share[merged] = self.share[which]
            lost = merged[(own[merged] < 0) | (other[merged] < 0)]
            own[lost] = other[lost] = -1
        kept = own >= 0
        rows = np.r_[np.flatnonzero(kept), np.flatnonzero(other >= 0)]
        parts, column = _distinct(np.r_[own[kept], other[other >= 0]], inverse=True)
        weights = np.r_[share[kept], 1 - share[other >= 0]]
        fresh = np.flatnonzero(~kept)
        return (
            sp.csr_matrix((weights, (rows, column)), shape=(k, len(parts))) @ self.rows[parts]
            + sp.csr_matrix(
                (np.ones(len(fresh)), (fresh, np.arange(len(fresh)))), shape=(k, len(fresh))
            )
            @ _mean_rows(self.x, label, clusters[fresh])
        ).tocsr()


def _across(label: np.ndarray, u: np.ndarray, v: np.ndarray, apart: Apart) -> np.ndarray:
    """For each pair of clusters (u[k], v[k]): whether any of their pairs of rows is
    `apart`, CHUNK pairs of rows at a time."""
    import numpy as np

    involved = np.zeros(len(label), bool)
    involved[u] = involved[v] = True
    rows = np.flatnonzero(involved[label])
    order = rows[np.argsort(label[rows], kind="stable")]  # their rows, cluster by cluster
    size = np.bincount(label[rows], minlength=len(label))
    start = np.cumsum(size) - size
    count = size[u] * size[v]
    total = np.cumsum(count)
    ranges = []
    lo = 0
    while lo < len(u):  # as many pairs of clusters as make CHUNK pairs of rows
        hi = max(lo + 1, int(np.searchsorted(total, total[lo] - count[lo] + CHUNK, "right")))
        ranges.append((lo, hi))
        lo = hi

    def any_apart(lo_hi: tuple[int, int]) -> np.ndarray:
        k = np.arange(*lo_hi)
        edge = np.repeat(k, count[k])
        within = np.arange(len(edge)) - np.repeat(np.cumsum(count[k]) - count[k], count[k])
        a = order[start[u[edge]] + within // size[v[edge]]]
        b = order[start[v[edge]] + within % size[v[edge]]]
        return np.bincount(edge - k[0], apart(a, b), len(k)) > 0

    return np.concatenate([np.zeros(0, bool), *_in_threads(any_apart, ranges)])


def means(x: sp.csr_matrix, members: Sequence[Sequence[int]]) -> sp.csr_matrix:
    """The mean row of each group: their dot product is the mean similarity between the
    two groups' rows, what average linkage compares."""
    import numpy as np

    rows = np.concatenate([np.asarray(m, np.int64) for m in members])
    return _averages(
        x, rows, np.repeat(np.arange(len(members)), [len(m) for m in members]), len(members)
    )


@dataclass
class Day:
    """A day's articles grouped: its stories, the articles' vectors (and their columns'
    words) and facts, and each story's rows of them, for the editor and the follow-up."""

    stories: list[Story]
    x: sp.csr_matrix
    words: list[str]
    facts: Facts
    members: list[list[int]]


def group(
    articles: Sequence[Article],
    threshold: float = THRESHOLD,
    day_weight: float = DAY_WEIGHT,
    test: EventTest = EVENT,
    shared: float = SHARED,
) -> Day | None:
    """The day's stories of one or more articles, in the order of each story's first
    article (None for a day without articles)."""
    import numpy as np

    if not articles:
        return None
    with progress.bar("grouping", 3, " steps") as shown:  # words and facts, groups, leads
        counted, found = words_and_facts(articles, test)
        x = vectors(articles, day_weight, counted)
        origin = np.unique([str(a.path) for a in articles], return_inverse=True)[1]
        shown.update()

        def apart(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return (origin[a] == origin[b]) | found.conflicts(a, b, test)

        found_groups = groups(x, threshold, apart, shared)
        shown.update()
        members = _leads_first(found_groups, x, articles)
    return Day([Story([articles[i] for i in g]) for g in members], x, counted[1], found, members)


def _leads_first(
    members: list[list[int]], x: sp.csr_matrix, articles: Sequence[Article]
) -> list[list[int]]:
    """Each story's articles with its lead first: the one that opens its summary and
    gives its headline. That is, among those with a headline of their own (one made
    from a lede is a last resort) and then those whose outlet is known, the article
    closest to the story's mean; then the others in their order."""
    import numpy as np

    several = [g for g in members if len(g) > 1]
    if not several:
        return members
    rows = np.concatenate(several)
    story = np.repeat(np.arange(len(several)), [len(g) for g in several])
    centre = means(x, several)
    closeness = _row_dots(x, rows, centre, story)
    close = dict(zip(rows.tolist(), closeness.tolist(), strict=True))
    out = []
    for g in members:
        lead = min(
            range(len(g)),
            key=lambda k: (
                not articles[g[k]].headline,
                articles[g[k]].outlet is None,
                -round(close.get(g[k], 0.0), 6),
                g[k],
            ),
        )
        out.append([g[lead], *g[:lead], *g[lead + 1 :]])
    return out


def cluster(
    articles: Sequence[Article],
    threshold: float = THRESHOLD,
    day_weight: float = DAY_WEIGHT,
    test: EventTest = EVENT,
) -> list[Story]:
    """Stories of one or more articles, in the order of each story's first article."""
    day = group(articles, threshold, day_weight, test)
    return day.stories if day else []
