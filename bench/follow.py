"""What looking back costs: a day's run with a week of earlier events, against none.

    python bench/follow.py [-n 10000] [--days 7] [--repeats 3]
                           [--corpus ../shared/corpora/cstnews-dev]

Builds N synthetic articles a day (as bench/scale.py does) for DAYS earlier days and
one more, runs `digest run --lang pt` on each earlier day in one data folder, then times
the last day's run, each time as a whole process from a copy of that data folder:
with `--follow DAYS` (every earlier day's events recalled and matched) and with
`--follow 0`, --repeats times each, taking turns; the cost is taken turn by turn and
its median given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import (
    CORPUS,
    DAY,
    Child,
    digest_run,
    interleaved,
    make_articles,
    middle,
    run_counts,
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10000, help="synthetic articles a day [10000]")
    ap.add_argument("--days", type=int, default=7, help="earlier days [7]")
    ap.add_argument(
        "--repeats", type=int, default=3, metavar="R", help="runs of each, in turns [3]"
    )
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        every = Path(tmp) / "all"
        every.mkdir()
        make_articles(opts.n * (opts.days + 1), opts.corpus, every)
        files = sorted(every.iterdir())
        folders = []
        for d in range(opts.days + 1):
            folder = Path(tmp) / f"day{d}"
            folder.mkdir()
            for f in files[d * opts.n : (d + 1) * opts.n]:
                f.rename(folder / f.name)
            folders.append(folder)
        data = Path(tmp) / "data"
        dates = [DAY + dt.timedelta(days=d) for d in range(opts.days + 1)]
        for folder, date in zip(folders[:-1], dates[:-1]):
            digest_run(folder, data, "--lang", "pt", "-d", date.isoformat())
        turns = itertools.count()

        def run(follow: int) -> Child:
            copy = Path(tmp) / f"data{next(turns)}"
            shutil.copytree(data, copy)
            return digest_run(
                folders[-1],
                copy,
                "--lang",
                "pt",
                "-d",
                dates[-1].isoformat(),
                "--follow",
                str(follow),
            )

        looking, not_looking = interleaved(opts.repeats, lambda: run(opts.days), lambda: run(0))
        md = (Path(tmp) / "data0" / "out" / f"{dates[-1]}.md").read_text()
    stories = run_counts(not_looking[0])[0]
    print(
        f"{opts.n} synthetic articles a day, {opts.days} earlier days; `digest run --lang "
        f"pt`, whole process; {os.cpu_count()} cores"
    )
    print(f"each measured {opts.repeats} times, taking turns; the medians:")
    print(f"{'':22}seconds  peak RSS MB")
    for follow, runs in ((opts.days, looking), (0, not_looking)):
        seconds = middle(runs).seconds
        rss = max(r.rss_mb for r in runs)
        print(f"{'--follow ' + str(follow):22}{seconds:7.2f}  {rss:11.0f}")
    costs = [a.seconds / b.seconds - 1 for a, b in zip(looking, not_looking, strict=True)]
    print(
        f"looking back {opts.days} days costs {statistics.median(costs):+.0%} (target: at "
        f"most +10%; turn by turn, the median: {', '.join(f'{c:+.0%}' for c in costs)}); "
        f"{md.count('[Desde ')} of {stories} stories marked as continuing"
    )


if __name__ == "__main__":
    main()
