"""`digest eval`: summary quality (ROUGE) and story clustering (B-cubed) on a corpus.

Corpus layout (see ../shared/corpora/README.md): one folder per story holding articles
`X.txt`, their human summaries `X.reference.txt` and a `cluster.reference.txt` for the
folder; a flat corpus holds articles and references at its top.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .cluster import cluster
from .model import Article, Story
from .pipeline import articles_of
from .split import sentences
from .store import write_atomic
from .summarize import Summarizer

_TOKEN = re.compile(r"\w+")
# Bookkeeping lines some references carry ("Tamanho do texto-fonte: 466 palavras").
_REF_META = re.compile(r"^[^\W\d_][\w -]*:\s*\d+\s+palavras\s*$", re.IGNORECASE)
_REF_LABEL = re.compile(r"^(?:sumário|resumo|gist|summary):\s*", re.IGNORECASE)


def tokens(text: str) -> list[str]:
    """Lower-cased Unicode word tokens, accents kept, no stemming."""
    return _TOKEN.findall(text.lower())


def _f1(overlap: int, hyp: int, ref: int) -> float:
    if not overlap:
        return 0.0
    p, r = overlap / hyp, overlap / ref
    return 2 * p * r / (p + r)


def _lcs(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        prev = 0
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], prev + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


def rouge(hyp: str, ref: str) -> dict[str, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F1 of a summary against one reference."""
    h, r = tokens(hyp), tokens(ref)
    out = {}
    for n in (1, 2):
        hg = Counter(zip(*(h[i:] for i in range(n))))
        rg = Counter(zip(*(r[i:] for i in range(n))))
        out[f"rouge{n}"] = _f1(sum((hg & rg).values()), sum(hg.values()), sum(rg.values()))
    out["rougeL"] = _f1(_lcs(h, r), len(h), len(r))
    return out


def reference(path: Path) -> str:
    """A reference summary without the bookkeeping lines some references carry."""
    lines = [_REF_LABEL.sub("", line).strip() for line in path.read_text().splitlines()]
    return "\n".join(line for line in lines if line and not _REF_META.match(line))


def lead(story: Story, words: int) -> str:
    """The position baseline: the first article's first sentences, up to the budget."""
    out: list[str] = []
    for s in (s for p in story.articles[0].paragraphs for s in sentences(p)):
        if out and len(" ".join(out + [s]).split()) > words:
            break
        out.append(s)
    return " ".join(out)


def b_cubed(found: Sequence[Sequence[int]], gold: Sequence[int]) -> dict[str, float]:
    """B-cubed precision, recall and F1 of a clustering of items 0..n-1 against labels."""
    label = {i: k for k, group in enumerate(found) for i in group}
    p = r = 0.0
    for i in range(len(gold)):
        mine = {j for j in range(len(gold)) if label[j] == label[i]}
        same = {j for j in range(len(gold)) if gold[j] == gold[i]}
        p += len(mine & same) / len(mine)
        r += len(mine & same) / len(same)
    p, r = p / len(gold), r / len(gold)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r)}


@dataclass
class Report:
    single: dict[str, float] = field(default_factory=dict)
    single_lead: dict[str, float] = field(default_factory=dict)
    multi: dict[str, float] = field(default_factory=dict)
    multi_lead: dict[str, float] = field(default_factory=dict)
    clustering: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _mean(scores: list[dict[str, float]]) -> dict[str, float]:
    return {k: sum(s[k] for s in scores) / len(scores) for k in scores[0]} if scores else {}


def _whole(path: Path) -> Story:
    """One article file as one story (all its parts), as `digest summarize` reads it."""
    return Story([a for a in articles_of(path.read_text(encoding="utf-8"), path)])


def evaluate(corpus: Path, summarizer: Summarizer, words: int,
             save: Path | None = None) -> Report:
    docs = sorted(p for p in corpus.rglob("*.txt") if not p.name.endswith(".reference.txt"))
    report = Report()
    stories = {p: _whole(p) for p in docs}
    summaries = dict(zip(docs, summarizer.summarize(list(stories.values()), words)))
    single, single_lead = [], []
    for p in docs:
        ref = p.with_name(p.stem + ".reference.txt")
        if save:
            write_atomic(save / p.relative_to(corpus), summaries[p] + "\n")
        if ref.exists():
            single.append(rouge(summaries[p], reference(ref)))
            single_lead.append(rouge(lead(stories[p], words), reference(ref)))
    folders = sorted({p.parent for p in docs if p.parent != corpus})
    multi, multi_lead = [], []
    merged = [Story([a for p in docs if p.parent == f for a in stories[p].articles])
              for f in folders]
    for folder, story, summary in zip(folders, merged, summarizer.summarize(merged, words)):
        if save:
            write_atomic(save / folder.relative_to(corpus) / "cluster.txt", summary + "\n")
        ref = folder / "cluster.reference.txt"
        if ref.exists():
            multi.append(rouge(summary, reference(ref)))
            multi_lead.append(rouge(lead(story, words), reference(ref)))
    report.single, report.single_lead = _mean(single), _mean(single_lead)
    report.multi, report.multi_lead = _mean(multi), _mean(multi_lead)

    # Gold label: the story folder; an article of a flat corpus is its own story.
    items: list[tuple[Article, int]] = [
        (a, folders.index(p.parent) if p.parent != corpus else -1 - k)
        for k, p in enumerate(docs) for a in stories[p].articles]
    random.Random(0).shuffle(items)
    index = {id(a): i for i, (a, _) in enumerate(items)}
    found = [[index[id(a)] for a in s.articles] for s in cluster([a for a, _ in items])]
    report.clustering = b_cubed(found, [g for _, g in items])
    report.counts = {"articles": len(docs), "stories": len(folders),
                     "single_refs": len(single), "multi_refs": len(multi)}
    return report
