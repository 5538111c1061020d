"""Group the articles that report the same event into one story.

Each article becomes a TF-IDF vector of its content words (the headline counted
twice, as it names the event), weighted by how rare a word is among the day's
articles. Groups merge by average linkage while their mean cosine similarity stays
above a threshold. Two stories split out of one file never merge: a file that holds
several stories lists distinct ones.

All of it is sparse linear algebra (scipy.sparse, scipy.cluster): the
similarities come from a blocked sparse product that keeps only pairs above a floor,
so no n×n matrix is ever built; average linkage runs inside each connected component
of the graph of pairs above the threshold, which is exact, since two groups whose
mean similarity is above the threshold have at least one pair above it.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .clean import content_words
from .model import Article, Story

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

# Mean cosine above which two groups report one event, chosen by 5-fold cross-validation
# (bench/tune.py) on three kinds of day: cstnews-dev (one event in different words),
# the seeds (distinct events in the same words: one topic all day), and both together.
# Out of fold, the mean B-cubed F1 of the three is 0.976; lower thresholds merge the
# seeds' distinct events, higher ones split cstnews's stories told from other angles.
THRESHOLD = 0.2
# Exact average linkage costs O(m²) memory in a component of m articles: 2,000 need
# 16 MB. A larger component (chains of similar pairs; seen only in synthetic text made
# of shuffled paragraphs) is first cut apart at higher thresholds.
LARGEST = 2000
BLOCK = 1024  # rows of the similarity product computed at a time


def vectors(articles: Sequence[Article]) -> sp.csr_matrix:
    """Unit-length TF-IDF rows, (1 + log tf) · log(1 + n/df), one per article."""
    import numpy as np
    import scipy.sparse as sp

    vocabulary: dict[str, int] = {}
    columns: list[int] = []
    starts = [0]
    for a in articles:
        columns += [vocabulary.setdefault(w, len(vocabulary))
                    for w in content_words(f"{a.title} {a.title} {a.text}")]
        starts.append(len(columns))
    counts = sp.csr_matrix((np.ones(len(columns), np.float32), columns, starts),
                           shape=(len(articles), len(vocabulary)))
    counts.sum_duplicates()
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    counts.data = 1 + np.log(counts.data)
    x = counts @ sp.diags(np.log1p(len(articles) / np.maximum(df, 1)).astype(np.float32))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    return sp.diags(1 / np.maximum(norms, 1e-12)) @ x


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


def _average_link(x: sp.csr_matrix, origin: np.ndarray, threshold: float) -> np.ndarray:
    """Flat average-linkage clusters (labels from 1) of a few rows, merged while their
    mean similarity is above `threshold`; rows of one origin never share a cluster."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = x.shape[0]
    if n == 1:
        return np.ones(1, dtype=int)
    distance = 1 - (x @ x.T).toarray()
    # Far enough that no mean over at most LARGEST² pairs brings it under 1.
    distance[origin[:, None] == origin[None, :]] = 1e9
    np.fill_diagonal(distance, 0)
    tree = linkage(squareform(np.clip(distance, 0, None), checks=False), "average")
    return fcluster(tree, np.nextafter(1 - threshold, 0), criterion="distance")


def groups(x: sp.csr_matrix, threshold: float, origin: np.ndarray | None = None
           ) -> list[list[int]]:
    """Average-linkage groups of the rows of `x` (row indices, in order of their first),
    merged while the mean similarity of their rows is above `threshold`; rows of one
    `origin` never share a group."""
    import numpy as np

    if origin is None:
        origin = np.arange(x.shape[0])
    out: list[list[int]] = []
    for members in _parts(similar_pairs(x, threshold), threshold):
        labels = _average_link(x[members], origin[members], threshold)
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


def group(articles: Sequence[Article], threshold: float = THRESHOLD
          ) -> tuple[list[Story], sp.csr_matrix | None, list[list[int]]]:
    """Stories of one or more articles, in the order of each story's first article;
    with the articles' vectors and each story's rows of them, for the editor."""
    import numpy as np

    if not articles:
        return [], None, []
    x = vectors(articles)
    origin = np.unique([str(a.path) for a in articles], return_inverse=True)[1]
    members = groups(x, threshold, origin)
    return [Story([articles[i] for i in g]) for g in members], x, members


def cluster(articles: Sequence[Article], threshold: float = THRESHOLD) -> list[Story]:
    """Stories of one or more articles, in the order of each story's first article."""
    return group(articles, threshold)[0]
