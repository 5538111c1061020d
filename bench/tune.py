"""Choose digest's tuned settings by k-fold cross-validation, and say what they score.

    python bench/tune.py [--corpus ../shared/corpora/cstnews-dev] [--folds 5]
                         [--shuffles 20] [--stories N] [--coarse]

For each setting tuned on a corpus (the extractive summarizer's knobs, the grouping
thresholds), the stories are split into k folds; a setting is chosen on k-1 folds and
scored on the fold left out, for every fold and over several random splits. The
figures printed are those out-of-fold scores, beside the position baselines; then the
setting chosen on all the stories, which is what digest's code uses. 25 stories are
few: a difference under about 0.01 ROUGE-1 is noise. --coarse keeps only the two ends of
each setting's grid, and with --stories makes a quick run (its choices mean nothing).
"""

from __future__ import annotations

import argparse
import functools
import itertools
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import CORPUS, ROOT

from digest.backends.extractive import KNOBS, Extractive, Knobs
from digest.cluster import DAY_WEIGHT, EVENT, THRESHOLD, EventTest, cluster
from digest.evaluate import (
    Document,
    Folder,
    b_cubed,
    b_cubed_items,
    day,
    f_measure,
    glued_pages,
    grouped,
    read_corpus,
    summary_scores,
)
from digest.model import Story

GRID = {  # in the order of the settings' tuples below: (h, c, r, m)
    "headline": (0.0, 0.25, 0.5, 1.0),
    "concept_position": (0.0, 0.5, 1.0, 2.0),
    "ratio": (0.3, 0.35, 0.4, 0.45, 0.5, 1.0),
    "min_words": (6, 8, 10),
}
RELATED_GRID = (0.04, 0.06, 0.08, 0.1, 0.12, 0.14, 0.16)
SPLIT_GRID = {"topic_break": (0.05, 0.075, 0.1, 0.125, 0.15), "echo": (0.3, 0.4, 0.5, 0.6)}
THRESHOLDS = (0.125, 0.15, 0.175, 0.2, 0.225, 0.25)
# The day's share of the word weights (the rest from Portuguese at large).
DAY_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
EVENT_TESTS = tuple(
    EventTest(lede=lede, unknown=unknown) for lede in (0, 200) for unknown in (1, 2)
)
WORDS = 120


def folds(n: int, k: int, shuffles: int) -> list[list[list[int]]]:
    """`shuffles` random partitions of range(n) into k folds (fixed seed)."""
    rng = random.Random(20261123)
    out = []
    for _ in range(shuffles):
        order = list(range(n))
        rng.shuffle(order)
        out.append([order[i::k] for i in range(k)])
    return out


def cross_validate(
    table: dict,
    splits: list[list[list[int]]],
    score: Callable[[object, Sequence[int]], float],
    choose: Callable[[object, Sequence[int]], float] | None = None,
) -> tuple[float, Counter]:
    """Mean out-of-fold score of choosing, on the other folds, the setting of `table`
    with the best `choose(setting, stories)` (`score` unless given); and how often each
    setting was chosen."""
    choose = choose or score
    results, chosen = [], Counter()
    for split in splits:
        for test in split:
            train = [i for fold in split if fold is not test for i in fold]
            best = max(table, key=lambda setting: choose(setting, train))
            chosen[best] += 1
            results.append((score(best, test), len(test)))
    return (sum(s * n for s, n in results) / sum(n for _, n in results)), chosen


def summarizer_tables(folders: list[Folder], grid: dict[str, tuple]) -> tuple[dict, dict, dict]:
    """ROUGE-1 per story for every setting: single-document (mean over the story's
    articles) and multi-document, and the baselines."""
    single: dict[tuple, list[float]] = {}
    multi: dict[tuple, list[float]] = {}
    baselines: dict[str, list[float]] = {}
    per_story = [len(f.documents) for f in folders]

    def by_story(values: list[float]) -> list[float]:
        out, start = [], 0
        for n in per_story:
            out.append(statistics.mean(values[start : start + n]))
            start += n
        return out

    for h, r, m in itertools.product(grid["headline"], grid["ratio"], grid["min_words"]):
        knobs = Knobs(headline=h, ratio=r, min_words=m)
        scores = summary_scores(folders, Extractive(knobs=knobs), WORDS, ("single",))
        single[(h, r, m)] = by_story([s["rouge1"] for s in scores["single"]])
        if not baselines:
            baselines["lead"] = by_story([s["rouge1"] for s in scores["single_lead"]])
            baselines["lead at budget"] = by_story(
                [s["rouge1"] for s in scores["single_lead_budget"]]
            )
    for c, r, m in itertools.product(grid["concept_position"], grid["ratio"], grid["min_words"]):
        knobs = Knobs(concept_position=c, ratio=r, min_words=m)
        scores = summary_scores(folders, Extractive(knobs=knobs), WORDS, ("multi",))
        multi[(c, r, m)] = [s["rouge1"] for s in scores["multi"]]
        if "round robin" not in baselines:
            baselines["round robin"] = [s["rouge1"] for s in scores["multi_round_robin"]]
            baselines["first lead"] = [s["rouge1"] for s in scores["multi_lead"]]
    return single, multi, baselines


def tune_summarizer(
    folders: list[Folder], splits: list[list[list[int]]], grid: dict[str, tuple]
) -> Knobs:
    single, multi, baselines = summarizer_tables(folders, grid)
    # One setting serves both tasks: the story's score is the mean of the two.
    joint = {
        (h, c, r, m): [(a + b) / 2 for a, b in zip(single[(h, r, m)], multi[(c, r, m)])]
        for h, c, r, m in itertools.product(*grid.values())
    }

    def mean(values: list[float], stories: Sequence[int]) -> float:
        return statistics.mean(values[i] for i in stories)

    _, chosen = cross_validate(joint, splits, lambda s, idx: mean(joint[s], idx))
    # The out-of-fold score of each task under the jointly chosen setting.
    oof = {"single": [], "multi": []}
    for split in splits:
        for test in split:
            train = [i for fold in split if fold is not test for i in fold]
            h, c, r, m = max(joint, key=lambda s: mean(joint[s], train))
            oof["single"].append((mean(single[(h, r, m)], test), len(test)))
            oof["multi"].append((mean(multi[(c, r, m)], test), len(test)))

    def weighted(pairs: list[tuple[float, int]]) -> float:
        return sum(s * n for s, n in pairs) / sum(n for _, n in pairs)

    every = range(len(folders))
    h, c, r, m = max(joint, key=lambda s: mean(joint[s], every))
    print(f"summaries, ROUGE-1 at --words {WORDS}, out of fold; baselines beside")
    print(
        f"  single-document  {weighted(oof['single']):.3f}   lead "
        f"{mean(baselines['lead'], every):.3f}; lead at digest's length budget "
        f"{mean(baselines['lead at budget'], every):.3f}"
    )
    print(
        f"  multi-document   {weighted(oof['multi']):.3f}   round robin of the leads "
        f"{mean(baselines['round robin'], every):.3f}; first article's lead "
        f"{mean(baselines['first lead'], every):.3f}"
    )
    print(
        "  chosen per fold: "
        + ", ".join(f"{dict(zip(grid, s))} ×{n}" for s, n in chosen.most_common(3))
    )
    knobs = Knobs(headline=h, concept_position=c, ratio=r, min_words=m)
    print(
        f"  chosen on all stories: {knobs}"
        + ("  (the code's defaults)" if knobs == KNOBS else f"  (the code has {KNOBS})")
    )
    return knobs


def seed_stories() -> list[Folder]:
    """The seeds as labelled stories: a one-topic day (Russia, Ukraine, North Korea)
    of 13 distinct events, one of them (the Putin-Kim call) told by two outlets."""
    from digest.pipeline import load

    stories: dict[str, list] = {}
    for a in load([ROOT / "seeds"]):
        name = Path(a.path).name[:3]
        key = "call" if name in ("001", "004") else a.title
        stories.setdefault(key, []).append(a)
    return [
        Folder(Path(key), [Document(Path(key), a.text, Story([a]), None) for a in arts], None)
        for key, arts in stories.items()
    ]


def tune_grouping(
    folders: list[Folder], shuffles: int, k: int, thresholds: tuple[float, ...]
) -> tuple[float, float, EventTest]:
    """The same-event threshold, the day's share of the word weights and the event
    test's reach, together. A day's articles are grouped together, every story among
    all the others; so a setting must serve days of several kinds: the corpus (one event
    told in different words by several outlets), the seeds (distinct events told in the
    same words: one topic all day), and both as one larger day. Only stable settings are
    candidates: those under which the corpus and the seeds group the same alone and
    inside the larger day. A setting is scored on some stories by the mean over those
    days of the B-cubed F1 of those stories' articles; it is chosen on the other folds'
    stories by the same mean of F0.5, which weighs precision twice as much as recall
    since a wrong merge misleads a reader and a story told twice does not, and scored on
    the fold's own by F1."""
    seeds = seed_stories()
    everything = folders + seeds
    days = {"corpus": folders, "seeds": seeds, "both": everything}
    grid = list(itertools.product(thresholds, DAY_WEIGHTS, EVENT_TESTS))
    found, stable, held = {}, {}, {}
    for name, stories in days.items():
        articles, gold = day(stories)
        held[name] = articles
        offset = 0 if name != "seeds" else len(folders)
        for t, w, test in grid:
            found[name, t, w, test] = (
                grouped(articles, cluster(articles, t, w, test)),
                [g + offset for g in gold],
            )
    for setting in grid:  # does each day group as it does inside the larger day?

        def partition(name: str, among: set[int], setting: tuple = setting) -> set[frozenset[int]]:
            ids = [id(a) for a in held[name]]
            return {
                frozenset(ids[i] for i in g if ids[i] in among) for g in found[(name, *setting)][0]
            } - {frozenset()}

        stable[setting] = all(
            partition(name, {id(a) for a in held[name]})
            == partition("both", {id(a) for a in held[name]})
            for name in ("corpus", "seeds")
        )

    per_item = {key: b_cubed_items(*value) for key, value in found.items()}

    def score(setting: tuple, stories: Sequence[int], measure: str = "f1") -> float:
        wanted = set(stories)
        values = []
        for name in days:
            gold = found[(name, *setting)][1]
            items = [pr for pr, g in zip(per_item[(name, *setting)], gold) if g in wanted]
            if items:
                p = statistics.mean(x for x, _ in items)
                r = statistics.mean(y for _, y in items)
                values.append(_measure(p, r, measure))
        return statistics.mean(values)

    def choose(setting: tuple, stories: Sequence[int]) -> float:
        return score(setting, stories, "f0.5")

    candidates = dict.fromkeys(s for s in grid if stable[s])
    splits = [
        [a + [len(folders) + i for i in b] for a, b in zip(x, y)]
        for x, y in zip(folds(len(folders), k, shuffles), folds(len(seeds), k, shuffles))
    ]
    oof, chosen = cross_validate(candidates, splits, score, choose)
    p, r = (
        cross_validate(candidates, splits, functools.partial(score, measure=m), choose)[0]
        for m in ("precision", "recall")
    )
    every = list(range(len(everything)))
    best = max(candidates, key=lambda s: choose(s, every))
    print(
        f"grouping: {len(folders)} corpus stories, {len(seeds)} seed stories; days: the "
        f"corpus, the seeds, both; {len(candidates)} of {len(grid)} settings stable; "
        f"chosen by B-cubed F0.5; mean B-cubed F1 out of fold: {oof:.3f} (precision "
        f"{p:.3f}, recall {r:.3f})"
    )
    print(
        "  in-sample, the chosen setting, F1 (corpus, seeds, both): "
        + "/".join(f"{b_cubed(*found[(name, *best)])['f1']:.3f}" for name in days)
    )
    print(
        "  chosen per fold: " + ", ".join(f"{_setting(s)} ×{n}" for s, n in chosen.most_common(3))
    )
    code = (THRESHOLD, DAY_WEIGHT, EVENT)
    print(
        f"  chosen on all stories: {_setting(best)}"
        + ("  (the code's defaults)" if best == code else f"  (the code has {_setting(code)})")
    )
    return best


def _measure(p: float, r: float, measure: str) -> float:
    """B-cubed precision, recall, F1 or F0.5 from precision and recall."""
    if measure in ("precision", "recall"):
        return p if measure == "precision" else r
    return f_measure(p, r, {"f1": 1.0, "f0.5": 0.5}[measure])


def _setting(setting: tuple) -> str:
    t, w, test = setting
    return f"threshold {t}, day weight {w}, names from lede {test.lede}, unknown {test.unknown}"


# Stories on one topic, as an editor would put them side by side (a hand annotation of
# cstnews-dev's folders and of the seeds' stories, by their headlines' first words).
TOPICS = [
    # The 2007 air-traffic crisis: the TAM crash, the ANAC chief, Cumbica's runway, Congonhas.
    {
        "c03-cotidiano-acidentetam",
        "c05-cotidiano-anac",
        "c21-cotidiano-reformacumbica",
        "c22-cotidiano-deslizamentocongonhas",
    },
    # The 2006 presidential election.
    {"c02-politica-reeleicaolula", "c17-politica-eleicaoalckmim"},
    # The war in Ukraine (seed 000's stories but one).
    {
        "Donald Trump pretende",
        "Rússia ataca área",
        "Rússia vê envio",
        "Rússia envia drones",
        "Trump impõe prazo",
        "Zelensky agradece",
        "Após conversa com",
        "Ataque da Rússia",
        "Rússia nega atrasar",
    },
    # Russia and North Korea.
    {"call", "Kim Jong-un promete", "Putin agradece apoio", "Seul afirma que"},
]


def tune_related(folders: list[Folder], shuffles: int, k: int, grid: tuple[float, ...]) -> float:
    """The related-stories threshold (edit.RELATED). The gold stories of the corpus and
    the seeds, as one day, are grouped into topics at each threshold; a threshold is
    chosen by the F1 of the story pairs it puts on one topic (against TOPICS) among the
    other folds' stories, and scored on the pairs that hold a story of the fold."""
    from digest.cluster import groups as topics
    from digest.cluster import means, vectors
    from digest.edit import RELATED

    stories = folders + seed_stories()
    articles = [a for f in stories for d in f.documents for a in d.story.articles]
    owner = [k for k, f in enumerate(stories) for d in f.documents for _ in d.story.articles]
    members = [[i for i, o in enumerate(owner) if o == k] for k in range(len(stories))]
    rows = means(vectors(articles), members)
    names = [f.path.name for f in stories]
    gold = {
        (i, j)
        for t in TOPICS
        for i in range(len(stories))
        for j in range(i + 1, len(stories))
        if any(names[i].startswith(x) for x in t) and any(names[j].startswith(x) for x in t)
    }
    found = {}
    for t in grid:
        label = {i: n for n, g in enumerate(topics(rows, t)) for i in g}
        found[t] = {
            (i, j)
            for i in range(len(stories))
            for j in range(i + 1, len(stories))
            if label[i] == label[j]
        }

    def score(t: float, chosen: Sequence[int]) -> float:
        wanted = set(chosen)
        pairs = lambda s: {p for p in s if p[0] in wanted or p[1] in wanted}  # noqa: E731
        hit, want = pairs(found[t]), pairs(gold)
        both = len(hit & want)
        return 2 * both / (len(hit) + len(want)) if hit or want else 1.0

    splits = [
        [a + [len(folders) + i for i in b] for a, b in zip(x, y)]
        for x, y in zip(
            folds(len(folders), k, shuffles), folds(len(stories) - len(folders), k, shuffles)
        )
    ]
    oof, chosen = cross_validate(dict.fromkeys(grid), splits, score)
    every = range(len(stories))
    best = max(grid, key=lambda t: score(t, every))
    print(
        f"related stories: {len(gold)} pairs of {len(stories)} stories on one topic; pair "
        f"F1 out of fold: {oof:.3f}"
    )
    print("  in-sample by threshold: " + ", ".join(f"{t} {score(t, every):.3f}" for t in grid))
    print("  chosen per fold: " + ", ".join(f"{t} ×{n}" for t, n in chosen.most_common(3)))
    print(
        f"  chosen on all: {best}"
        + ("  (the code's default)" if best == RELATED else f"  (the code has {RELATED})")
    )
    return best


def tune_splitting(
    folders: list[Folder], shuffles: int, k: int, knobs: dict[str, tuple]
) -> tuple[float, float]:
    """The two splitting knobs (split.TOPIC_BREAK, split.ECHO). Items: pages glued from
    3-4 articles of different stories (they must come apart exactly), every single
    article (it must stay whole) and the seeds (000 holds ten stories, the others one);
    a setting's score on some items is the mean of those three kinds' exact rates."""
    from digest.clean import clean
    from digest.split import ECHO, TOPIC_BREAK, stories

    items = [
        (text, [t.rstrip(".") for t in titles], "glued")
        for text, titles in glued_pages(folders, 100, seed=1)
    ]
    items += [
        (d.text, [a.title for a in d.story.articles], "single")
        for f in folders
        for d in f.documents
    ]
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        items.append((text, [t for t, _ in stories(clean(text))], "seed"))
    grid = list(itertools.product(knobs["topic_break"], knobs["echo"]))
    right = {
        (tb, e): [[t for t, _ in stories(clean(text), tb, e)] == want for text, want, _ in items]
        for tb, e in grid
    }

    def score(setting: tuple[float, float], chosen: Sequence[int]) -> float:
        kinds: dict[str, list[bool]] = {}
        for i in chosen:
            kinds.setdefault(items[i][2], []).append(right[setting][i])
        return statistics.mean(statistics.mean(v) for v in kinds.values())

    oof, chosen = cross_validate(dict.fromkeys(grid), folds(len(items), k, shuffles), score)
    every = range(len(items))
    best = max(grid, key=lambda g: score(g, every))
    counts = Counter(kind for _, _, kind in items)
    exact = {kind: sum(right[best][i] for i in every if items[i][2] == kind) for kind in counts}
    print(
        f"splitting: {counts['glued']} glued pages, {counts['single']} single articles, "
        f"{counts['seed']} seeds; mean exact rate out of fold: {oof:.3f}"
    )
    print(
        "  with the setting chosen on all: "
        + ", ".join(f"{kind} {exact[kind]}/{counts[kind]}" for kind in counts)
    )
    print("  chosen per fold: " + ", ".join(f"{g} ×{n}" for g, n in chosen.most_common(3)))
    print(
        f"  chosen on all: topic_break {best[0]}, echo {best[1]}"
        + (
            "  (the code's defaults)"
            if best == (TOPIC_BREAK, ECHO)
            else f"  (the code has {TOPIC_BREAK}, {ECHO})"
        )
    )
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--shuffles", type=int, default=20)
    ap.add_argument("--stories", type=int, help="use only the first N stories (a quick run)")
    ap.add_argument(
        "--coarse", action="store_true", help="only the two ends of each grid (a quick run)"
    )
    opts = ap.parse_args()
    grid = (lambda values: (values[0], values[-1])) if opts.coarse else tuple
    t0 = time.perf_counter()
    folders = [f for f in read_corpus(opts.corpus) if f.reference][: opts.stories]
    splits = folds(len(folders), opts.folds, opts.shuffles)
    print(
        f"{opts.corpus}: {len(folders)} stories, "
        f"{sum(len(f.documents) for f in folders)} articles; {opts.folds}-fold "
        f"cross-validation over stories, {opts.shuffles} random splits"
    )
    tune_summarizer(folders, splits, {k: grid(v) for k, v in GRID.items()})
    tune_grouping(folders, opts.shuffles, opts.folds, grid(THRESHOLDS))
    tune_related(folders, opts.shuffles, opts.folds, grid(RELATED_GRID))
    tune_splitting(folders, opts.shuffles, opts.folds, {k: grid(v) for k, v in SPLIT_GRID.items()})
    print(f"{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
