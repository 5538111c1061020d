"""A day re-run from the cache against the first run, as whole `digest run` processes.

    python bench/rerun.py [-n 500] [--corpus ../shared/corpora/cstnews-dev]

Builds N synthetic articles (as bench/pipeline.py does), then in a fresh data folder
times `digest run` on them twice for the same date: cold (nothing read or made before)
and warm (every summary and translation in the cache, so no model work), and checks
that both write the same briefing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import CORPUS, DAY, digest_run, make_articles, what_run_made


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=500, help="synthetic articles [500]")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, data = Path(tmp) / "articles", Path(tmp) / "data"
        folder.mkdir()
        make_articles(opts.n, opts.corpus, folder)
        runs, briefings = [], []
        for _ in ("cold", "warm"):
            runs.append(digest_run(folder, data))
            briefings.append((data / "out" / f"{DAY.isoformat()}.md").read_bytes())
    cold, warm = runs
    print(f"{opts.n} synthetic files, {os.cpu_count()} cores; `digest run`, whole process")
    print(f"cold run   {cold.seconds:6.2f} s   ({what_run_made(cold)})")
    print(f"warm re-run{warm.seconds:6.2f} s   ({what_run_made(warm)})")
    print(
        f"warm re-run is {cold.seconds / warm.seconds:.1f}x faster; same briefing: "
        f"{'yes' if briefings[0] == briefings[1] else 'NO'}"
    )


if __name__ == "__main__":
    main()
