"""A day re-run from the cache against the first run, as whole `digest run` processes.

    python bench/rerun.py [-n 500]

Builds N synthetic articles (as bench/pipeline.py does), then in a fresh data folder
times `digest run` on them twice for the same date: cold (nothing read or made before)
and warm (every summary and translation in the cache, so no model work), and checks
that both write the same briefing.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from pipeline import make_articles


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=500, help="synthetic articles [500]")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpora/cstnews-dev")
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        make_articles(opts.n, opts.corpus, folder)
        env = {**os.environ, "DIGEST_HOME": str(Path(tmp) / "home"),
               "DIGEST_CONFIG": str(Path(tmp) / "none.toml")}
        Path(env["DIGEST_CONFIG"]).write_text("")
        out = Path(tmp) / "out"
        command = [sys.executable, "-m", "digest", "run", str(folder), "-d", "2026-11-22",
                   "-o", str(out)]
        times, briefings, lines = [], [], []
        for _ in ("cold", "warm"):
            t0 = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            times.append(time.perf_counter() - t0)
            briefings.append((out / "2026-11-22.md").read_bytes())
            lines.append(done.stdout.strip().split(" (", 1)[1].rstrip(")"))
    cold, warm = times
    print(f"{opts.n} synthetic files, {os.cpu_count()} cores; `digest run`, whole process")
    print(f"cold run   {cold:6.2f} s   ({lines[0]})")
    print(f"warm re-run{warm:6.2f} s   ({lines[1]})")
    print(f"warm re-run is {cold / warm:.1f}x faster; same briefing: "
          f"{'yes' if briefings[0] == briefings[1] else 'NO'}")


if __name__ == "__main__":
    main()
