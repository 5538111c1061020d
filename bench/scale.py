"""`digest run` as a whole process at growing sizes: how its time and memory grow.

    python bench/scale.py [--sizes 1000,10000,100000] [--translate 10000]
                          [--repeats 3] [--corpus ../shared/corpora/cstnews-dev]

For the issue "100,000 articles a day on a laptop". At each size N synthetic articles
(made as bench/pipeline.py makes them) go through `digest run --lang pt` (no
translation; the other settings at their defaults) in a fresh data folder. Targets:
100,000 articles in under 180 s and under 2 GB, and a time per article at the largest
size at most 1.5x that at the smallest. (100,000 articles take 400 MB of disk and
minutes: the tests run it at a tiny size.)

Then (unless --translate 0) one more run, of --translate N articles, with translation:
`digest run --lang pt,en --top 0`, every story summarized (in the words the reading
time leaves, never under 30, on so long a day) and translated, against the Bergamot
engine alone on the same sentences (the ceiling), as bench/pipeline.py measures it;
and the same run without English (`--lang pt --top 0`), so that the time translation
adds (the model's load included) is compared with the engine's. The three are
measured --repeats times, taking turns, each turn's added time against its engine's,
and the median of those ratios given: two whole runs of half a minute each swing by
seconds with the machine, as much as the difference between them.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import (
    CORPUS,
    Child,
    digest_run,
    engine_ceiling,
    interleaved,
    make_articles,
    middle,
    run_counts,
    translated_sentences,
    what_run_made,
)

from digest.config import SETTINGS  # on sys.path through helpers


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--sizes",
        default="1000,10000,100000",
        type=lambda s: sorted(int(x) for x in s.split(",")),
        help="articles per run, comma-separated [1000,10000,100000]",
    )
    ap.add_argument(
        "--translate",
        type=int,
        default=10000,
        metavar="N",
        help="articles in the run with translation; 0: no such run [10000]",
    )
    ap.add_argument(
        "--repeats",
        type=int,
        default=3,
        metavar="R",
        help="times each part of the run with translation is measured, in turns [3]",
    )
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    opts = ap.parse_args()

    def fresh(n: int, tmp: str) -> tuple[Path, Path]:
        """A folder of n synthetic articles and a data folder, both new, under tmp."""
        work = Path(tmp) / str(n)
        (work / "articles").mkdir(parents=True)
        make_articles(n, opts.corpus, work / "articles")
        return work / "articles", work / "data"

    print(
        f"synthetic articles through `digest run --lang pt`, each run a whole process in a "
        f"fresh data folder; {os.cpu_count()} cores"
    )
    print(
        f"{'articles':>8}{'read as':>9}{'stories':>9}{'seconds':>9}{'articles/s':>12}"
        f"{'peak RSS MB':>13}"
    )
    runs = {}
    for n in opts.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            runs[n] = run = digest_run(*fresh(n, tmp), "--lang", "pt")
        stories, articles, _ = run_counts(run)
        print(
            f"{n:8d}{articles:9d}{stories:9d}{run.seconds:9.2f}{n / run.seconds:12.1f}"
            f"{run.rss_mb:13.0f}"
        )
    small, large = opts.sizes[0], opts.sizes[-1]
    ratio = (runs[large].seconds / large) / (runs[small].seconds / small)
    print(f"time per article at {large} is {ratio:.2f}x that at {small} (target: at most 1.5x)")
    print(
        f"{large} articles: {runs[large].seconds:.1f} s, {runs[large].rss_mb:.0f} MB peak "
        f"(targets at 100000: under 180 s and 2048 MB)"
    )
    if not opts.translate:
        return

    words, minutes = SETTINGS["words"].default, SETTINGS["minutes"].default
    with tempfile.TemporaryDirectory() as tmp:
        folder, _ = fresh(opts.translate, tmp)
        turns = itertools.count()
        translated: list[str] = []

        def english() -> Child:
            data = Path(tmp) / f"en{next(turns)}"
            run = digest_run(folder, data, "--lang", "pt,en", "--top", "0")
            if not translated:
                translated.extend(translated_sentences(data, words, top=0, minutes=minutes))
            return run

        def portuguese() -> Child:
            return digest_run(folder, Path(tmp) / f"pt{next(turns)}", "--lang", "pt", "--top", "0")

        withs, withouts, engines = interleaved(
            opts.repeats, english, portuguese, lambda: engine_ceiling(translated)
        )
    n = len(translated)
    run, untranslated = middle(withs).seconds, middle(withouts).seconds
    engine_s = middle(engines, lambda e: e[0])[0]
    print(
        f"with translation, {opts.translate} articles: `digest run --lang pt,en --top 0`: "
        f"{what_run_made(withs[0])}"
    )
    print(f"{n} distinct sentences translated, all of them found in the run's cache")
    print(f"each measured {opts.repeats} times, taking turns; the medians (peak RSS: the largest):")
    print(f"{'':24}{'seconds':>9}{'sentences/s':>13}{'peak RSS MB':>13}")
    for name, secs, rss in (
        ("digest run (whole)", run, max(r.rss_mb for r in withs)),
        ("engine alone (ceiling)", engine_s, max(c.rss_mb for _, c in engines)),
    ):
        print(f"{name:24}{secs:9.2f}{n / secs:13.1f}{rss:13.0f}")
    # Each turn's three runs follow one another: the time translation adds and the
    # engine's are set against each other turn by turn, and the middle turn's ratio
    # given (the medians of the three, from different turns, would mix the machine's
    # spells).
    added = [w.seconds - o.seconds for w, o in zip(withs, withouts, strict=True)]
    ratios = [e / a if a > 0 else float("inf") for (e, _), a in zip(engines, added, strict=True)]
    typical = statistics.median(added)
    print(
        f"the same run without English (`--lang pt --top 0`): {untranslated:.2f} s; "
        f"translation adds {typical:.2f} s: "
        + (
            f"{n / typical:.1f} sentences/s, {statistics.median(ratios):.0%} of the engine's "
            "speed (turn by turn, the median)"
            if typical > 0
            else "nothing measurable"
        )
    )
    print(
        "each turn, with English, without, the engine alone: "
        + "; ".join(
            f"{w.seconds:.1f}, {o.seconds:.1f}, {e:.1f} s ({r:.0%})"
            for w, o, (e, _), r in zip(withs, withouts, engines, ratios, strict=True)
        )
    )


if __name__ == "__main__":
    main()
