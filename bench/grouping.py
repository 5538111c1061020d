"""Grouping a large day: digest's average linkage, on every pair and on the candidate
pairs of a day too large for that, against exact average linkage, in one run.

    python bench/grouping.py [-n 10000] [--corpus ../shared/corpora/cstnews-dev]

N synthetic articles (made as bench/pipeline.py makes them: paragraph salad, which
links every article to hundreds of others through pairs above the threshold, the
worst case for a search of a few candidates each) are grouped:

  scipy, dense        by word similarity alone (the event test off): every pair above
                      the threshold, then scipy's average linkage over each connected
                      component, from its full matrix of similarities: the exact
                      grouping, at O(m²) memory in a component of m articles
  all pairs           digest's average linkage (reciprocal nearest neighbours along the
                      pairs) on every pair: what digest does where the pairs are cheap
  candidates          the same on the pairs `candidate_pairs` finds: digest on a day
                      too large for every pair

first by similarity alone, then with the event test (as `digest run` groups), each
scored against the exact grouping (B-cubed precision, recall, F1; 1.000: the same).
Then the same two ways on a day of real news, the evaluation corpus (cstnews-dev).
The size must let the exact grouping run: 10,000 articles need about 3 GB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import CORPUS, make_articles

from digest import cluster, evaluate, pipeline  # on sys.path through helpers

EVERY, FEW = float("inf"), 0.0  # cluster.SHARED: every pair, candidate pairs


def scipy_dense(x, threshold: float) -> list[list[int]]:
    """Exact average linkage: scipy's, on each component of the pairs above `threshold`."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial.distance import squareform

    _, component = connected_components(cluster.similar_pairs(x, threshold), directed=False)
    out = []
    for c in np.unique(component):
        rows = np.flatnonzero(component == c)
        if len(rows) == 1:
            out.append(rows.tolist())
            continue
        distance = np.clip(1 - (x[rows] @ x[rows].T).toarray(), 0, None)
        np.fill_diagonal(distance, 0)
        tree = linkage(squareform(distance, checks=False), "average")
        labels = fcluster(tree, np.nextafter(1 - threshold, 0), criterion="distance")
        out += [rows[labels == k].tolist() for k in np.unique(labels)]
    return out


def labels(groups: list[list[int]]) -> list[int]:
    out = [0] * sum(map(len, groups))
    for k, members in enumerate(groups):
        for i in members:
            out[i] = k
    return out


def row(name: str, way: Callable[[], list[list[int]]], exact: list[int] | None) -> list[int]:
    """Group one way, print its line, and return its labels."""
    t0 = time.perf_counter()
    found = way()
    seconds = time.perf_counter() - t0
    score = evaluate.b_cubed(found, exact or labels(found))
    print(
        f"{name:34}{seconds:9.2f}{len(found):9d}{max(map(len, found)):9d}"
        f"{score['precision']:11.3f}{score['recall']:8.3f}{score['f1']:7.3f}"
    )
    return labels(found)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=10000, help="synthetic articles [10000]")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        make_articles(opts.n, opts.corpus, Path(tmp))
        articles = pipeline.load([Path(tmp)])
    x, t = cluster.vectors(articles), cluster.THRESHOLD
    print(f"{opts.n} synthetic files, {len(articles)} articles; threshold {t}")
    print(f"{'':34}{'seconds':>9}{'stories':>9}{'largest':>9}   B-cubed against exact: P, R, F1")
    exact = row("similarity alone: scipy, dense", lambda: scipy_dense(x, t), None)
    row("similarity alone: all pairs", lambda: cluster.groups(x, t, shared=EVERY), exact)
    row("similarity alone: candidates", lambda: cluster.groups(x, t, shared=FEW), exact)
    exact = row(
        "event test: all pairs (exact)", lambda: cluster.group(articles, shared=EVERY).members, None
    )
    row("event test: candidates", lambda: cluster.group(articles, shared=FEW).members, exact)
    if opts.corpus.is_dir():
        news, _ = evaluate.day(evaluate.read_corpus(opts.corpus))
        print(f"real news: {opts.corpus.name}, {len(news)} articles as one day")
        exact = row(
            "event test: all pairs (exact)", lambda: cluster.group(news, shared=EVERY).members, None
        )
        row("event test: candidates", lambda: cluster.group(news, shared=FEW).members, exact)


if __name__ == "__main__":
    main()
