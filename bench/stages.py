"""Where a large day's time goes: `digest.run` on N synthetic articles, each stage timed.

    python bench/stages.py [-n 100000] [--lang pt] [--corpus ../shared/corpora/cstnews-dev]

The run is the real one (`digest.run(FOLDER, lang=…)` in a fresh data folder, as `digest
run --lang pt` makes it); the stage functions it calls are wrapped with a clock where
they are looked up (the pipeline's names and the state's methods), so nothing is run
twice or in another way. A stage's time leaves out the stages it calls; "the rest" is
the run's time outside them all (settings, locks, opening the state). The figures are the run's own,
in this process: `bench/scale.py` gives the whole process's time and memory.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import CORPUS, DAY, make_articles

from digest import pipeline, state  # on sys.path through helpers

# (where, name, stage): what the run calls, in the order it calls it
STAGES = [
    (pipeline, "load", "read (files: decode, extract, clean, split)"),
    (state.State, "add", "state: keep the articles"),
    (state.State, "for_briefing", "state: the day's articles"),
    (state.State, "elsewhere", "state: held by earlier briefings"),
    (state.State, "recall", "state: earlier briefings' events"),
    (pipeline, "group", "group (vectors, pairs, linkage, event test)"),
    (pipeline, "follow", "follow (continuing stories)"),
    (pipeline, "rank", "rank (independent reports, related)"),
    (pipeline, "_summarize", "summarize the stories in full"),
    (pipeline, "translate_stories", "translate (the model's load included)"),
    (pipeline, "_fit", "fit the reading time"),
    (pipeline, "memories", "the day's events to remember"),
    (pipeline, "write", "render and write the Markdown"),
    (pipeline, "_email", "compose and write the email"),
    (state.State, "assign", "state: the articles used"),
    (state.State, "remember", "state: the events"),
]


def timed(
    seconds: dict[str, float], inside: list[float], stage: str, function: Callable
) -> Callable:
    """`function`, its time added to `stage` less that of the stages it calls (fitting
    the reading time summarizes again; summarizing translates): `inside` holds, for each
    stage running, the time its callees took."""

    @functools.wraps(function)
    def clocked(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        inside.append(0.0)
        try:
            return function(*args, **kwargs)
        finally:
            took = time.perf_counter() - t0
            seconds[stage] += took - inside.pop()
            if inside:
                inside[-1] += took

    return clocked


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=100_000, help="articles [100000]")
    ap.add_argument("--lang", default="pt", help="the run's languages [pt]")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    opts = ap.parse_args()

    seconds: dict[str, float] = defaultdict(float)
    inside: list[float] = []
    for where, name, stage in STAGES:
        setattr(where, name, timed(seconds, inside, stage, getattr(where, name)))
    with tempfile.TemporaryDirectory() as tmp:
        folder, data = Path(tmp) / "articles", Path(tmp) / "data"
        folder.mkdir()
        make_articles(opts.n, opts.corpus, folder)
        (Path(tmp) / "digest.toml").write_text("")
        for name in [n for n in os.environ if n.startswith("DIGEST_")]:
            del os.environ[name]
        os.environ |= {
            "DIGEST_HOME": str(data / "home"),
            "DIGEST_CONFIG": str(Path(tmp) / "digest.toml"),
        }
        import digest

        t0 = time.perf_counter()
        result = digest.run(folder, date=DAY, out=data / "out", lang=opts.lang)
        total = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"`digest.run(lang={opts.lang!r})` on {opts.n} synthetic files "
        f"({str(result).split(' (', 1)[1].removesuffix(')')}), in one process; "
        f"{os.cpu_count()} cores"
    )
    print(f"{'stage':<46}{'seconds':>9}{'share':>8}")
    for _, _, stage in STAGES:
        print(f"{stage:<46}{seconds[stage]:9.2f}{seconds[stage] / total:8.0%}")
    rest = total - sum(seconds.values())
    print(f"{'the rest':<46}{rest:9.2f}{rest / total:8.0%}")
    print(f"{'the run':<46}{total:9.2f}{1:8.0%}")
    print(f"peak RSS of this process: {rss:.0f} MB (the articles made before the run included)")


if __name__ == "__main__":
    main()
