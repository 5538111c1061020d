"""What looking back costs: a day's run with a week of earlier events, against none.

    python bench/follow.py [-n 10000] [--days 7] [--corpus ../shared/corpora/cstnews-dev]

Builds N synthetic articles a day (as bench/scale.py does) for DAYS earlier days and
one more, runs `digest run --lang pt` on each earlier day in one data folder, then times
the last day's run twice, each as a whole process from a copy of that data folder:
with `--follow DAYS` (every earlier day's events recalled and matched) and with
`--follow 0`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import CORPUS, DAY, digest_run, make_articles, run_counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10000, help="synthetic articles a day [10000]")
    ap.add_argument("--days", type=int, default=7, help="earlier days [7]")
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
        runs = {}
        for follow in (opts.days, 0):
            copy = Path(tmp) / f"data{follow}"
            shutil.copytree(data, copy)
            runs[follow] = digest_run(
                folders[-1],
                copy,
                "--lang",
                "pt",
                "-d",
                dates[-1].isoformat(),
                "--follow",
                str(follow),
            )
        md = (Path(tmp) / f"data{opts.days}" / "out" / f"{dates[-1]}.md").read_text()
    stories = run_counts(runs[0])[0]
    print(
        f"{opts.n} synthetic articles a day, {opts.days} earlier days; `digest run --lang "
        f"pt`, whole process; {os.cpu_count()} cores"
    )
    print(f"{'':22}seconds  peak RSS MB")
    for follow, run in runs.items():
        print(f"{'--follow ' + str(follow):22}{run.seconds:7.2f}  {run.rss_mb:11.0f}")
    cost = runs[opts.days].seconds / runs[0].seconds - 1
    print(
        f"looking back {opts.days} days costs {cost:+.0%} (target: at most +10%); "
        f"{md.count('[Desde ')} of {stories} stories marked as continuing"
    )


if __name__ == "__main__":
    main()
