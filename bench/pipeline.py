"""Throughput of a whole `digest run` against its peers, measured in one run.

    python bench/pipeline.py [-n 500] [--words 60] [--repeats 3]
                             [--corpus ../shared/corpora/cstnews-dev]

Builds N synthetic articles from the seeds and the corpus (each a headline plus 4-8
paragraphs drawn at random, with a fixed seed), writes them as files, then measures,
each in a fresh process so that time and peak RSS are its own:

  pipeline   `digest run FOLDER --top 0 --minutes 0` in a fresh data folder: reading,
             the state database, grouping, summaries, translation, the briefing
             written. `--top 0 --minutes 0` summarizes and translates every story at
             --words (by default a run summarizes only its top 10 and, on a long day,
             in fewer words), as the figures before --top were made.
  engine     the Bergamot engine alone on exactly the sentences the run translated
             (found again from its state, see helpers.translated_sentences), on a
             thread per core, model loaded before: the ceiling for the whole run
  summarize  our summarize stage alone: every story's summary, as `digest run` makes
             them (pipeline.build's own call, timed inside it; reading and grouping
             untimed), and the editor's ranking (related stories included) the same way
  lexrank    sumy's LexRank on the same articles, each alone (summarization only,
             3 sentences, fed this project's sentence segmentation: NLTK's data is
             not to be had offline)

Each is measured --repeats times, taking turns (a slow spell of the machine falls on
all four alike): the table shows each one's measurement of median time, the ratios
are taken turn by turn and their median given. Beside the pipeline's ratio, the most
the machine allows: the run's CPU time spread over every core from its first moment to
its last, against the engine alone (which keeps every core busy).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import (
    CORPUS,
    DAY,
    Child,
    digest_run,
    engine_ceiling,
    interleaved,
    make_articles,
    measured,
    middle,
    run_counts,
    translated_sentences,
    what_run_made,
)

from digest import backends, pipeline  # on sys.path through helpers
from digest.model import Story
from digest.sentence import sentences


class _Timed:
    """The extractive summarizer, timing its calls."""

    def __init__(self) -> None:
        self.inner = backends.load("summarizer", "extractive")
        self.name, self.seconds = self.inner.name, 0.0

    def summarize(self, stories: Sequence[Story], words: int) -> list[str]:
        t0 = time.perf_counter()
        out = self.inner.summarize(stories, words)
        self.seconds += time.perf_counter() - t0
        return out


def measure_summarize(folder: Path, words: int) -> dict:
    """Our summarize stage, and the editor's ranking, within the briefing
    `digest run --top 0 --minutes 0` builds. What the stage imports is imported before
    the timing, as LexRank's is."""
    import scipy.optimize  # noqa: F401

    summarizer, rank, ranking = _Timed(), pipeline.rank, [0.0]

    def timed_rank(*args, **kwargs):
        t0 = time.perf_counter()
        out = rank(*args, **kwargs)
        ranking[0] += time.perf_counter() - t0
        return out

    pipeline.rank = timed_rank
    briefing = pipeline.build(
        pipeline.load([folder]), DAY, summarizer, None, words, ("pt", "en"), top=0, minutes=0
    )
    return {"seconds": summarizer.seconds, "rank": ranking[0], "stories": len(briefing.stories)}


class _Words:
    """sumy's tokenizer interface over this project's segmentation."""

    language = "portuguese"

    @staticmethod
    def to_sentences(paragraph: str) -> list[str]:
        return sentences(paragraph)

    @staticmethod
    def to_words(sentence: str) -> list[str]:
        from digest.clean import words

        return words(sentence)


def measure_lexrank(folder: Path) -> dict:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    articles = pipeline.load([folder])
    summarizer = LexRankSummarizer(Stemmer("portuguese"))
    summarizer.stop_words = get_stop_words("portuguese")
    t0 = time.perf_counter()
    for a in articles:
        doc = ObjectDocumentModel(
            [Paragraph([Sentence(s, _Words) for s in sentences(p)]) for p in a.paragraphs]
        )
        summarizer(doc, 3)
    return {"seconds": time.perf_counter() - t0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=500, help="synthetic articles [500]")
    ap.add_argument("--words", type=int, default=60)
    ap.add_argument(
        "--repeats",
        type=int,
        default=3,
        metavar="R",
        help="times each is measured, in turns; the median is shown [3]",
    )
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--measure", choices=("summarize", "lexrank"), help=argparse.SUPPRESS)
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.measure:
        print(
            json.dumps(
                measure_summarize(opts.folder, opts.words)
                if opts.measure == "summarize"
                else measure_lexrank(opts.folder)
            )
        )
        return

    def child(name: str) -> tuple[float, float, dict]:
        done = measured(
            [
                sys.executable,
                __file__,
                "--measure",
                name,
                "--folder",
                str(folder),
                "--words",
                str(opts.words),
            ]
        )
        return done.last_json()["seconds"], done.rss_mb, done.last_json()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        make_articles(opts.n, opts.corpus, folder)
        turns = itertools.count()
        translated: list[str] = []

        def pipeline_run() -> Child:
            data = Path(tmp) / f"data{next(turns)}"
            options = ("--words", str(opts.words), "--top", "0", "--minutes", "0")
            run = digest_run(folder, data, "--lang", "pt,en", *options)
            if not translated:
                translated.extend(translated_sentences(data, opts.words, top=0, minutes=0))
            return run

        runs, engines, ourss, lexranks = interleaved(
            opts.repeats,
            pipeline_run,
            lambda: engine_ceiling(translated),
            lambda: child("summarize"),
            lambda: child("lexrank"),
        )

    run = middle(runs)
    engine_s, engine = middle(engines, lambda r: r[0])
    ours, lexrank = middle(ourss, lambda r: r[0]), middle(lexranks, lambda r: r[0])
    made = what_run_made(run)
    _, n, _ = run_counts(run)
    cores = os.cpu_count()
    print(f"{opts.n} synthetic files; `digest run --top 0 --minutes 0`: {made}; {cores} cores")
    print(f"{len(translated)} distinct sentences translated, all of them found in the run's cache")
    print(f"each measured {opts.repeats} times, taking turns; the run of median time:")
    print(f"{'':28}{'seconds':>9}{'articles/s':>12}{'peak RSS MB':>13}")
    for name, secs, rss in (
        ("pipeline (digest run)", run.seconds, run.rss_mb),
        ("engine alone (ceiling)", engine_s, engine.rss_mb),
        ("summarize stage (ours)", *ours[:2]),
        ("sumy LexRank (summ. only)", *lexrank[:2]),
    ):
        print(f"{name:28}{secs:9.2f}{n / secs:12.1f}{rss:13.0f}")
    # The ratios turn by turn (each turn's runs follow one another), their median.
    speed = statistics.median(e[0] / r.seconds for r, e in zip(runs, engines, strict=True))
    cost = statistics.median(o[0] / x[0] for o, x in zip(ourss, lexranks, strict=True))
    print(
        f"pipeline / engine ceiling: {speed:.0%} of the engine's speed (turn by turn, the median)"
    )
    # What the cores allow at best: the run's CPU time spread over all of them from its
    # first moment to its last, against the engine alone (which keeps them all busy).
    best = statistics.median(
        min(1.0, e[0] * cores / r.cpu_s) for r, e in zip(runs, engines, strict=True)
    )
    print(
        f"at best {best:.0%}, were the run's CPU time ({run.cpu_s:.1f} s) spread over its "
        f"{cores} cores from start to end (turn by turn, the median); the engine alone "
        f"keeps {engine.last_json()['cpu_s'] / engine_s:.1f} cores busy"
    )
    print(
        f"summarize: ours takes {cost:.2f}x LexRank's time (turn by turn, the median; "
        "ours also covers several articles at once, LexRank one at a time)"
    )
    print(f"engine: {len(translated) / engine_s:.1f} sentences/s on {cores} threads")
    print(
        f"editor (ranking, related stories): {ours[2]['rank'] * 1000:.0f} ms on "
        f"{ours[2]['stories']} stories, {ours[2]['rank'] / run.seconds:.1%} of the pipeline"
    )
    print(
        "each turn, pipeline, engine, ours, LexRank: "
        + "; ".join(
            f"{r.seconds:.1f}, {e[0]:.1f}, {o[0]:.2f}, {x[0]:.2f} s"
            for r, e, o, x in zip(runs, engines, ourss, lexranks, strict=True)
        )
    )


if __name__ == "__main__":
    main()
