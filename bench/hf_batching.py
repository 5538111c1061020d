"""The hf: summarizer's generation path against the naive loop, on a T5-base-sized model.

    python bench/hf_batching.py [-n 64] [--tokens N] [--words 60] [--batch-size 32] [--tiny]

Builds, with random weights, a model of T5-base's shape (12+12 layers, d_model 768,
d_ff 3072, 12 heads; a SentencePiece vocabulary trained on the seeds) and N articles
derived from the seeds (a headline and paragraphs drawn with a fixed seed, kept under
the model's 512-token input so that neither path chunks or truncates). Then, each in a
fresh process, so that peak RSS is its own, and with the same greedy decoding and the
same forced output length (min = max new tokens; by default the budget digest gives a
summary of --words words with this tokenizer):

  naive  one call per article, the way transformers.pipeline("summarization") works:
         the pipeline itself where the installed transformers has it (4.x), else its
         body (tokenize one article, generate, decode), since transformers 5 removed it
  ours   digest's path: HFSummarizer's engine (length-sorted batches padded to their
         own longest, torch.inference_mode(), one model load)

It prints seconds, articles/s and peak RSS for each, the speed ratio, and how many
outputs are identical. --tiny builds a small T5 (d_model 32, 2+2 layers, vocabulary
800) instead: a quick run of the same paths, its figures meaningless.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import ROOT, measured

sys.path.insert(0, str(ROOT / "tests"))

T5_BASE = dict(d_model=768, d_ff=3072, num_layers=12, num_decoder_layers=12, num_heads=12, d_kv=64)
TINY = dict(d_model=32, d_ff=64, num_layers=2, num_heads=2, d_kv=16)


def fitting_articles(n: int, tokenizer, limit: int) -> list[str]:
    """N articles from the seeds' stories: headline + paragraphs drawn at random, cut to
    whole paragraphs that fit the model's input with the prompt."""
    from digest.pipeline import load

    articles = load([ROOT / "seeds"])
    paragraphs = [p for a in articles for p in a.paragraphs if len(p.split()) > 8]
    rng = random.Random(20261122)
    out = []
    for i in range(n):
        body = [articles[i % len(articles)].title]
        for p in rng.sample(paragraphs, 12):
            if len(tokenizer("summarize: " + "\n".join([*body, p])).input_ids) > limit:
                break
            body.append(p)
        out.append("\n".join(body))
    return out


def run_naive(model_dir: Path, articles: list[str], tokens: int) -> list[str]:
    import torch
    import transformers

    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    model = transformers.AutoModelForSeq2SeqLM.from_pretrained(model_dir)
    try:
        summarize = transformers.pipeline("summarization", model=model, tokenizer=tokenizer)
    except (KeyError, ValueError):  # transformers 5: no summarization pipeline
        summarize = None
    out = []
    for text in articles:
        if summarize is not None:
            result = summarize(
                "summarize: " + text,
                max_new_tokens=tokens,
                min_new_tokens=tokens,
                do_sample=False,
                num_beams=1,
            )
            out.append(result[0]["summary_text"])
            continue
        inputs = tokenizer("summarize: " + text, return_tensors="pt", truncation=True)
        with torch.no_grad():
            ids = model.generate(
                **inputs, max_new_tokens=tokens, min_new_tokens=tokens, do_sample=False, num_beams=1
            )
        out.append(tokenizer.decode(ids[0], skip_special_tokens=True))
    return [" ".join(o.split()) for o in out]


def run_ours(model_dir: Path, articles: list[str], tokens: int, batch_size: int) -> list[str]:
    from digest.backends import Options
    from digest.backends.hf import HFSummarizer

    engine = HFSummarizer(Options(model=str(model_dir), batch_size=batch_size)).engine
    inputs = [engine.encode(text) for text in articles]  # whole: they fit (checked below)
    assert all(len(i) <= engine.max_input for i in inputs)
    return engine.generate(inputs, tokens, min_new_tokens=tokens)


def child(args) -> None:
    import torch

    articles = json.loads(Path(args.articles).read_text())
    t0 = time.perf_counter()
    if args.path == "naive":
        outputs = run_naive(Path(args.model), articles, args.tokens)
    else:
        outputs = run_ours(Path(args.model), articles, args.tokens, args.batch_size)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "outputs": outputs, "threads": torch.get_num_threads()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=64, help="articles")
    parser.add_argument(
        "--tokens",
        type=int,
        help="forced summary length [default: the token budget of a --words summary]",
    )
    parser.add_argument("--words", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--tiny", action="store_true", help="a small T5 (a quick run)")
    parser.add_argument("--path", choices=("naive", "ours"), help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--articles", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.path:
        return child(args)

    import transformers
    from models import build_t5

    from digest.backends.hf import HFSummarizer

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()  # saving the model's weights
    with tempfile.TemporaryDirectory() as tmp:
        text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "seeds").glob("*.txt"))
        model_dir = build_t5(
            Path(tmp) / "t5",
            text,
            vocab=800 if args.tiny else 4000,
            max_length=512,
            **(TINY if args.tiny else T5_BASE),
        )
        tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
        articles = fitting_articles(args.n, tokenizer, 512)
        if args.tokens is None:
            args.tokens = HFSummarizer.budget(
                sum(len(tokenizer(a).input_ids) for a in articles),
                sum(len(a.split()) for a in articles),
                args.words,
            )
        lengths = sorted(len(tokenizer("summarize: " + a).input_ids) for a in articles)
        (Path(tmp) / "articles.json").write_text(json.dumps(articles))
        results = {}
        for path in ("naive", "ours"):
            done = measured(
                [
                    sys.executable,
                    __file__,
                    "--path",
                    path,
                    "--model",
                    str(model_dir),
                    "--articles",
                    str(Path(tmp) / "articles.json"),
                    "--tokens",
                    str(args.tokens),
                    "--batch-size",
                    str(args.batch_size),
                ]
            )
            results[path] = done.last_json() | {"rss": done.rss_mb}

    naive, ours = results["naive"], results["ours"]
    same = sum(a == b for a, b in zip(naive["outputs"], ours["outputs"]))
    shape = "tiny T5 (d_model 32, 2+2 layers)" if args.tiny else "T5-base shape"
    print(
        f"{shape}, random weights, vocab {len(tokenizer)}; {args.n} articles of "
        f"{lengths[0]}-{lengths[-1]} tokens (median {lengths[len(lengths) // 2]}); "
        f"{args.tokens} new tokens each (--words {args.words}), greedy; "
        f"{naive['threads']} CPU threads; "
        f"transformers {transformers.__version__}"
    )
    print(f"{'':32}{'seconds':>9}{'articles/s':>12}{'peak RSS MB':>13}")
    for name, r in (
        ("naive loop (pipeline per article)", naive),
        (f"digest (batches of {args.batch_size})", ours),
    ):
        print(f"{name:32}{r['seconds']:9.1f}{args.n / r['seconds']:12.2f}{r['rss']:13.0f}")
    print(
        f"digest is {naive['seconds'] / ours['seconds']:.1f}x faster; "
        f"{same}/{args.n} outputs identical"
    )
    for a, b in zip(naive["outputs"], ours["outputs"]):
        if a != b:
            print(f"first difference:\n  naive: {a}\n  ours:  {b}")
            break


if __name__ == "__main__":
    main()
