"""`digest eval`: summary quality (ROUGE) and story grouping (B-cubed) on a corpus.

Corpus layout (see ../shared/corpora/README.md): one folder per story holding articles
`X.txt`, their human summaries `X.reference.txt` and a `cluster.reference.txt` for the
folder; a flat corpus holds articles and references at its top.

Beside each of digest's scores stands a position baseline, because in news the first
sentences are hard to beat: for one article, its lead (first sentences to the budget);
for several, the round robin of their leads (article 1's first sentence, article 2's
first, …, then second sentences), the baseline published systems are measured against.
Every summary here, ours and the baselines', is whole sentences within the budget.
"""

from __future__ import annotations

import random
import re
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .backends.extractive import budget
from .cluster import THRESHOLD, cluster
from .errors import DigestError
from .ingest import read
from .model import Article, Story
from .pipeline import articles_of
from .sentence import sentences
from .store import write_atomic
from .summarize import Summarizer, first_sentences, summaries_of

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
        hg = Counter(zip(*(h[i:] for i in range(n)), strict=False))
        rg = Counter(zip(*(r[i:] for i in range(n)), strict=False))
        out[f"rouge{n}"] = _f1(sum((hg & rg).values()), sum(hg.values()), sum(rg.values()))
    out["rougeL"] = _f1(_lcs(h, r), len(h), len(r))
    return out


def reference(path: Path) -> str | None:
    """A reference summary without the bookkeeping lines some references carry; None
    (with a warning) when it cannot be read."""
    text = read(path)
    if text is None:
        return None
    lines = [_REF_LABEL.sub("", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line and not _REF_META.match(line))


def _leads(article: Article) -> list[str]:
    return [s for p in article.paragraphs for s in sentences(p)]


def lead(story: Story, words: int) -> str:
    """The first article's first sentences, within the budget."""
    return first_sentences(_leads(story.articles[0]), words)


def round_robin(story: Story, words: int) -> str:
    """Article 1's first sentence, article 2's first, …, then second sentences, within
    the budget."""
    leads = [_leads(a) for a in story.articles]
    turns = [d[i] for i in range(max(map(len, leads))) for d in leads if i < len(d)]
    return first_sentences(turns, words)


def b_cubed_items(found: Sequence[Sequence[int]], gold: Sequence[int]) -> list[tuple[float, float]]:
    """B-cubed (precision, recall) of each item 0..n-1 of a clustering against labels."""
    label = {i: k for k, group in enumerate(found) for i in group}
    mine: dict[int, list[int]] = {}
    same: dict[int, list[int]] = {}
    for i in range(len(gold)):
        mine.setdefault(label[i], []).append(i)
        same.setdefault(gold[i], []).append(i)
    out = []
    for i in range(len(gold)):
        both = sum(gold[j] == gold[i] for j in mine[label[i]])
        out.append((both / len(mine[label[i]]), both / len(same[gold[i]])))
    return out


def b_cubed(
    found: Sequence[Sequence[int]], gold: Sequence[int], items: Sequence[int] | None = None
) -> dict[str, float]:
    """B-cubed precision, recall and F1 of a clustering of items 0..n-1 against labels,
    over all items or only over `items` (their clusters still hold the others)."""
    scores = b_cubed_items(found, gold)
    chosen = [scores[i] for i in (range(len(gold)) if items is None else items)]
    p = statistics.mean(x for x, _ in chosen)
    r = statistics.mean(y for _, y in chosen)
    return {"precision": p, "recall": r, "f1": f_measure(p, r)}


def f_measure(p: float, r: float, beta: float = 1.0) -> float:
    """F-beta of a precision and a recall: beta < 1 weighs precision more (F0.5: twice)."""
    return (1 + beta**2) * p * r / (beta**2 * p + r) if p + r else 0.0


@dataclass
class Document:
    path: Path
    text: str  # as read
    story: Story  # the article file as one story (all its parts)
    reference: str | None


@dataclass
class Folder:
    """One story folder: its articles and, if given, its multi-document reference."""

    path: Path
    documents: list[Document]
    reference: str | None

    @property
    def story(self) -> Story:
        return Story([a for d in self.documents for a in d.story.articles])


def read_corpus(corpus: Path) -> list[Folder]:
    """The story folders of a corpus (a flat corpus: one folder per article)."""
    folders: dict[Path, Folder] = {}
    for path in sorted(p for p in corpus.rglob("*.txt") if not p.name.endswith(".reference.txt")):
        text = read(path)  # as `digest run` reads: a file it cannot read is one warning
        if text is None:
            continue
        ref = path.with_name(path.stem + ".reference.txt")
        doc = Document(
            path, text, Story(articles_of(text, path)), reference(ref) if ref.exists() else None
        )
        where = path.parent if path.parent != corpus else path
        folder = folders.setdefault(where, Folder(where, [], None))
        folder.documents.append(doc)
    for where, folder in folders.items():
        ref = where / "cluster.reference.txt"
        folder.reference = reference(ref) if where.is_dir() and ref.exists() else None
    return [f for f in folders.values() if any(d.story.articles for d in f.documents)]


Scores = dict[str, list[dict[str, float]]]  # system → one score per summary


def summary_scores(
    folders: Sequence[Folder],
    summarizer: Summarizer,
    words: int,
    tasks: Sequence[str] = ("single", "multi"),
    save: Path | None = None,
    corpus: Path | None = None,
) -> Scores:
    """ROUGE of every summary of the `tasks` ('single': each article; 'multi': each
    folder), ours and the baselines', against its reference."""
    docs = [
        d
        for f in folders
        for d in f.documents
        if d.reference and d.story.articles and "single" in tasks
    ]
    multi = [f for f in folders if f.reference and len(f.documents) > 1 and "multi" in tasks]
    out: Scores = {
        k: []
        for k in (
            "single",
            "single_lead",
            "single_lead_budget",
            "multi",
            "multi_lead",
            "multi_round_robin",
        )
    }
    stories = [d.story for d in docs] + [f.story for f in multi]
    summaries = summaries_of(summarizer, stories, words)
    for d, summary in zip(docs, summaries[: len(docs)], strict=True):
        ref = d.reference or ""
        out["single"].append(rouge(summary, ref))
        out["single_lead"].append(rouge(lead(d.story, words), ref))
        out["single_lead_budget"].append(rouge(lead(d.story, budget(d.story, words)), ref))
    for f, summary in zip(multi, summaries[len(docs) :], strict=True):
        ref = f.reference or ""
        out["multi"].append(rouge(summary, ref))
        out["multi_lead"].append(rouge(lead(f.story, words), ref))
        out["multi_round_robin"].append(rouge(round_robin(f.story, words), ref))
    if save is not None and corpus is not None:
        for d, summary in zip(docs, summaries[: len(docs)], strict=True):
            write_atomic(save / d.path.relative_to(corpus), summary + "\n")
        for f, summary in zip(multi, summaries[len(docs) :], strict=True):
            write_atomic(save / f.path.relative_to(corpus) / "cluster.txt", summary + "\n")
    return out


def day(folders: Sequence[Folder]) -> tuple[list[Article], list[int]]:
    """Every article of these folders as one day, shuffled (seed 0), and the folder
    each came from (its gold story)."""
    items = [(a, k) for k, f in enumerate(folders) for d in f.documents for a in d.story.articles]
    random.Random(0).shuffle(items)
    return [a for a, _ in items], [k for _, k in items]


def grouped(articles: Sequence[Article], stories: Sequence[Story]) -> list[list[int]]:
    """Stories as lists of article indices."""
    index = {id(a): i for i, a in enumerate(articles)}
    return [[index[id(a)] for a in s.articles] for s in stories]


def grouping_score(
    folders: Sequence[Folder], group: Callable[[list[Article]], list[Story]]
) -> dict[str, float]:
    """B-cubed of `group` on every article of these folders as one day."""
    articles, gold = day(folders)
    return b_cubed(grouped(articles, group(articles)), gold)


def glued_pages(
    folders: Sequence[Folder], count: int = 40, seed: int = 0
) -> list[tuple[str, list[str]]]:
    """Pages glued from 3-4 articles of different stories, as a site that puts several
    stories on one page: (the page's text, the title each story should get). Only
    articles that open with a title line take part."""
    titled: dict[int, list[Document]] = {}
    for k, f in enumerate(folders):
        for d in f.documents:
            if len(d.story.articles) == 1 and split_title(d.text):
                titled.setdefault(k, []).append(d)
    rng = random.Random(seed)
    pages = []
    for _ in range(count if len(titled) >= 3 else 0):
        size = min(rng.choice((3, 4)), len(titled))  # a corpus of three stories: three
        chosen = [rng.choice(titled[k]) for k in rng.sample(sorted(titled), size)]
        pages.append(
            (
                "\n\n".join(d.text.strip() for d in chosen),
                [d.story.articles[0].title for d in chosen],
            )
        )
    return pages


def split_title(text: str) -> bool:
    """Whether an article's text opens with a title line."""
    from .clean import clean
    from .headline import title_of

    return title_of(clean(text).blocks) is not None


def splitting_score(folders: Sequence[Folder], pages: int = 40) -> dict[str, int]:
    """How many glued pages come apart exactly into their stories, and how many single
    articles stay whole."""
    glued = glued_pages(folders, pages)
    whole = [d for f in folders for d in f.documents]
    return {
        "pages": len(glued),
        "pages_exact": sum(
            [a.title for a in articles_of(text, "page.txt")] == titles for text, titles in glued
        ),
        "articles": len(whole),
        "articles_whole": sum(len(d.story.articles) == 1 for d in whole),
    }


def mean(scores: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.mean(s[k] for s in scores) for k in scores[0]} if scores else {}


@dataclass
class Report:
    rouge: dict[str, dict[str, float]] = field(default_factory=dict)  # system → means
    clustering: dict[str, float] = field(default_factory=dict)
    splitting: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def evaluate(
    corpus: Path,
    summarizer: Summarizer,
    words: int,
    save: Path | None = None,
    threshold: float = THRESHOLD,
) -> Report:
    """Every summary and the grouping of a corpus, scored; the summaries saved under
    `save` (never inside the corpus, whose articles they would overwrite or join)."""
    if save is not None and corpus.resolve() in (save.resolve(), *save.resolve().parents):
        raise DigestError(
            f"{save}: inside the corpus {corpus}, whose articles the summaries "
            "would overwrite or join; save them elsewhere"
        )
    folders = read_corpus(corpus)
    if not folders:
        raise DigestError(f"{corpus}: no article to evaluate (.txt files digest can read)")
    scores = summary_scores(folders, summarizer, words, save=save, corpus=corpus)
    return Report(
        rouge={system: mean(values) for system, values in scores.items() if values},
        clustering=grouping_score(folders, lambda a: cluster(a, threshold)),
        splitting=splitting_score(folders),
        counts={
            "articles": sum(len(f.documents) for f in folders),
            "stories": sum(f.path.is_dir() for f in folders),
            "single_refs": len(scores["single"]),
            "multi_refs": len(scores["multi"]),
        },
    )
