"""Split a cleaned file into its stories: where a headline opens a new one."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator

from .clean import Cleaned, content_words
from .headline import headline_like, is_heading, short_title, title_of
from .sentence import first_sentence, leans_by_opener, word_count

# A news lede anchors its story in time relative to publication: "nesta segunda-feira
# (21)", "desta sexta-feira", "nesta semana", "hoje", "ontem".
_LEDE_TIME = re.compile(
    r"\b(?:[nd]est[ae](?:\s+últim[ao])?\s+(?:segunda|terça|quarta|quinta|sexta|sábado|"
    r"domingo|semana|manhã|tarde|noite|madrugada)|hoje|ontem)\b",
    re.IGNORECASE,
)
# Both chosen by 5-fold cross-validation (bench/tune.py) on 100 pages glued from 3-4
# cstnews-dev articles of different stories, every single article and the seeds: out
# of fold the mean exact rate of the three is 0.93; with the setting chosen on all of
# them, 94 of 100 pages come apart exactly (the misses: stories on one subject glued
# side by side, with no time in their ledes), 70 of 70 articles and the 5 seeds do.
# A new story's first blocks share few words with the story before: plain cosine of
# content-word counts, three blocks before the headline against four from it on.
TOPIC_BREAK = 0.1
# A headline that ends with a stop (as a paragraph of one sentence does) must also be
# echoed below it: this share of its content words in the three blocks that follow.
ECHO = 0.5


class _Words:
    """Each block's content words, counted when first asked for: the windows
    `_opens_story` compares overlap, so each block is tokenized once, not once for each
    window that holds it."""

    def __init__(self, blocks: list[str]):
        self.blocks = blocks
        self.counts: list[Counter[str] | None] = [None] * len(blocks)

    def __call__(self, lo: int, hi: int) -> Counter[str]:
        """The content words of blocks[lo:hi], counted."""
        out: Counter[str] = Counter()
        for k in range(lo, min(hi, len(self.blocks))):
            if (counts := self.counts[k]) is None:
                counts = self.counts[k] = Counter(content_words(self.blocks[k]))
            out.update(counts)
        return out


def _cosine(x: Counter[str], y: Counter[str]) -> float:
    norm = math.sqrt(sum(v * v for v in x.values()) * sum(v * v for v in y.values()))
    return sum(v * y[t] for t, v in x.items() if t in y) / norm if norm else 0.0


def _opens_story(
    blocks: list[str],
    i: int,
    start: int,
    body: int,
    counted: _Words,
    topic_break: float = TOPIC_BREAK,
    echo: float = ECHO,
) -> bool:
    """Is blocks[i] the headline of a new story, the current one having begun at
    blocks[start] with `body` blocks of text so far?

    It must read as a headline, above a lede (perhaps after a one-line standfirst) that
    does not lean on what came before. Then either the lede anchors the news in time
    under a heading of six words or more (how live pages string stories on one topic
    together), or the text changes subject there: a heading without a final stop
    needs only that; a line ending in a stop must also be echoed by the text below it.
    """
    if body == 0 or i + 1 >= len(blocks) or not headline_like(blocks[i]):
        return False
    lede = i + 1 if not is_heading(blocks[i + 1]) else i + 2
    if lede >= len(blocks) or is_heading(blocks[lede]):
        return False
    first = first_sentence(blocks[lede])
    if leans_by_opener(first):
        return False
    heading = is_heading(blocks[i])
    if heading and word_count(blocks[i]) >= 6 and _LEDE_TIME.search(first):
        return True
    if _cosine(counted(max(start, i - 3), i), counted(i, i + 4)) >= topic_break:
        return False
    words = counted(i, i + 1).keys()
    echoed = len(words & counted(i + 1, i + 4).keys()) / (len(words) or 1)
    return heading or echoed >= echo


def stories(
    cleaned: Cleaned, topic_break: float = TOPIC_BREAK, echo: float = ECHO
) -> Iterator[tuple[str, list[str]]]:
    """(title, body paragraphs) for each story in a cleaned file; headings are dropped."""
    blocks = cleaned.blocks
    if not blocks:
        return
    counted = _Words(blocks)
    title = title_of(blocks)
    i, start = (1 if title else 0), 0
    body: list[str] = []
    while i < len(blocks):
        block = blocks[i]
        if i in cleaned.breaks or _opens_story(
            blocks, i, start, len(body), counted, topic_break, echo
        ):
            if body:
                yield title or short_title(body[0]), body
            title, body, start = block.rstrip("."), [], i
        elif not body or not is_heading(block) or i + 1 == len(blocks):
            body.append(block)  # a heading right under the title is its standfirst
        i += 1
    if body:
        yield title or short_title(body[0]), body
    elif title:
        yield title, [title]
