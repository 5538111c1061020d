"""Text work against input size: one huge paragraph, and a page of hostile HTML.

    python bench/linear.py [--sizes 1,2,8] [--attributes 12500,25000,50000]
                           [--corpus ../shared/corpora/cstnews-dev]

For the issue "text work stays linear". Each input is one article file, read by
`digest run FILE --lang pt` (read, clean, split, group, summarize, write) as a whole
process, the time a user waits ("whole s": 8 MB in under 20 s on a 2-core machine), and
by `digest.run(lang="pt")` in a process that a first run on a seed has warmed up ("run
s": the text work alone, without the imports). The run's time is what must grow in
proportion to the input: per unit, at the largest size at most 2x that at the smallest.
Each run has a data folder of its own; both must make the same briefing.

- Articles of MB megabytes, all one paragraph of short sentences (at most 12 words,
  drawn at random from the seeds and the corpus): the case where every sentence reread
  the text before it.
- A news page (an HTML file) whose one <div> carries N attributes, which libxml2 takes
  in time growing with the square of N; digest parses at most 64 a tag, and says so.

    python bench/linear.py child FILE DATA

is one such run (the bench starts it): it prints what the run made, its seconds and
the warnings it gave, as JSON.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import CORPUS, DAY, Child, digest_run, measured, source_articles, what_run_made


def short_sentences(corpus: Path) -> list[str]:
    """The sentences of the seeds and the corpus with at most 12 words."""
    from digest.sentence import sentences

    return [
        s
        for _, body in source_articles(corpus)
        for p in body
        for s in sentences(p)
        if len(s.split()) <= 12
    ]


def paragraph(pool: list[str], size: int, rng: random.Random) -> tuple[str, int]:
    """One paragraph of sentences drawn from `pool`, `size` bytes or just over, and how
    many sentences it holds."""
    chosen, used = [], 0
    while used < size:
        sentence = rng.choice(pool)
        chosen.append(sentence)
        used += len(sentence.encode()) + 1
    return " ".join(chosen), len(chosen)


def page(attributes: int, body: list[str]) -> str:
    """A news page whose one <div> holds `attributes` attributes, around its article."""
    crowd = " ".join(f'data-x{i}="{i}"' for i in range(attributes))
    paragraphs = "".join(f"<p>{p}</p>\n" for p in body)
    return (
        f"<!DOCTYPE html><html><head><title>{body[0][:60]}</title></head><body>"
        f"<div {crowd}><article><h1>{body[0][:60]}</h1>\n{paragraphs}</article></div>"
        "</body></html>"
    )


def run_one(file: Path, work: Path) -> tuple[Child, dict]:
    """`digest run FILE --lang pt` as a whole process, and `child FILE DATA`: each in a
    fresh data folder, with empty settings. The child's JSON says what the run made."""
    whole = digest_run(file, work / "whole", "--lang", "pt")
    settings = work / "digest.toml"
    settings.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGEST_")}
    env |= {"DIGEST_HOME": str(work / "home"), "DIGEST_CONFIG": str(settings)}
    found = measured([sys.executable, __file__, "child", str(file), str(work)], env).last_json()
    if found["made"] != what_run_made(whole):
        raise SystemExit(
            f"{file}: `digest run` made {what_run_made(whole)}, digest.run {found['made']}"
        )
    return whole, found


def _child(file: Path, work: Path) -> None:
    import digest

    # A first run, on a seed in a data folder of its own, loads what runs load lazily
    # (numpy, scipy, trafilatura): the timed run is the text work alone.
    home = os.environ["DIGEST_HOME"]
    os.environ["DIGEST_HOME"] = str(work / "warm-up")
    seed = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))[0]
    digest.run([seed], date=DAY, out=work / "warm-up" / "out", lang="pt")
    os.environ["DIGEST_HOME"] = home
    warnings: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("digest").addHandler(handler)
    t0 = time.perf_counter()
    result = digest.run([file], date=DAY, out=work / "out", lang="pt")
    seconds = time.perf_counter() - t0
    made = str(result).split(" (", 1)[1].removesuffix(")")
    print(json.dumps({"seconds": seconds, "made": made, "warnings": warnings}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes",
        default="1,2,8",
        type=lambda s: sorted(map(float, s.split(","))),
        help="article sizes in MB, comma-separated [1,2,8]",
    )
    ap.add_argument(
        "--attributes",
        default="12500,25000,50000",
        type=lambda s: sorted(map(int, s.split(","))),
        help="attributes of the page's one crowded tag [12500,25000,50000]",
    )
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    opts = ap.parse_args()
    rng = random.Random(20261122)
    pool = short_sentences(opts.corpus)
    print(
        "single-paragraph articles of short sentences through `digest run --lang pt` "
        f'(whole s) and a warmed-up `digest.run(lang="pt")` (run s); {os.cpu_count()} cores'
    )
    print(
        f"{'MB':>6}{'sentences':>11}{'whole s':>9}{'run s':>8}{'run s/MB':>10}{'peak RSS MB':>13}"
    )
    per_unit = {}
    whole = {}
    for mb in opts.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            text, count = paragraph(pool, int(mb * 2**20), rng)
            file = Path(tmp) / "article.txt"
            file.write_text(f"{rng.choice(pool).rstrip('.')}\n\n{text}\n", encoding="utf-8")
            child, found = run_one(file, Path(tmp))
        seconds = found["seconds"]
        per_unit[mb], whole[mb] = seconds / mb, child.seconds
        print(
            f"{mb:6g}{count:11d}{child.seconds:9.2f}{seconds:8.2f}{seconds / mb:10.2f}"
            f"{child.rss_mb:13.0f}"
        )
    small, large = opts.sizes[0], opts.sizes[-1]
    print(
        f"time per MB at {large:g} MB is {per_unit[large] / per_unit[small]:.2f}x that at "
        f"{small:g} MB (target: at most 2x); {large:g} MB: {whole[large]:.1f} s, whole "
        "process (target at 8 MB: under 20 s)"
    )

    body = [p for _, paragraphs in source_articles(opts.corpus)[:1] for p in paragraphs]
    print("a news page whose one <div> holds N attributes, the same way")
    print(f"{'attributes':>10}{'KB':>7}{'whole s':>9}{'run s':>8}{'peak RSS MB':>13}")
    per_unit, warned = {}, []
    for n in opts.attributes:
        with tempfile.TemporaryDirectory() as tmp:
            html = page(n, body)
            file = Path(tmp) / "page.html"
            file.write_text(html, encoding="utf-8")
            child, found = run_one(file, Path(tmp))
        per_unit[n] = found["seconds"] / n
        warned += [w.replace(str(file), "page.html") for w in found["warnings"]]
        print(
            f"{n:10d}{len(html.encode()) / 1024:7.0f}{child.seconds:9.2f}"
            f"{found['seconds']:8.2f}{child.rss_mb:13.0f}"
        )
    small, large = opts.attributes[0], opts.attributes[-1]
    same = len(warned) == len(opts.attributes) and len(set(warned)) == 1
    print(
        f"time per attribute at {large} is {per_unit[large] / per_unit[small]:.2f}x that at "
        f"{small} (target: at most 2x); warned each time: "
        + (f"yes ({warned[0]})" if same else f"NO ({' | '.join(warned)})")
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        _child(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
