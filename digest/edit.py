"""The editor: the day's stories, most important first, related ones side by side.

A story matters more the more independent reports it has (`reports`: distinct outlets;
copies of one text count once, and so do all files whose outlet is unknown), then the
closer it is to the rest of the day's news (its mean similarity to the other stories),
then the more recent it is; remaining ties go by headline, so a re-run gives the same
order. How many articles a story has does not count: two events wrongly merged must not
outrank one that more outlets report. The first `top` stories by that measure are shown
in full, the others in one line each. Stories on one topic (a lower similarity than one
event's) are kept together, and the first of them lists up to RELATED_SHOWN others.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .cluster import groups, means
from .model import Article, Story

if TYPE_CHECKING:
    import scipy.sparse as sp

# Mean similarity above which two stories share a topic (the same event needs
# cluster.THRESHOLD). Chosen by 5-fold cross-validation (bench/tune.py) on the
# stories of cstnews-dev and the seeds, their topics annotated by hand (the 2007
# air-traffic crisis, the 2006 election, the war in Ukraine, Russia and North Korea):
# pair F1 0.94 out of fold, every fold choosing 0.1. Few pairs (49, most of them the
# seeds'), so a rough figure; 0.08 and 0.12 score 0.67 and 0.52 in sample.
RELATED = 0.1
RELATED_SHOWN = 3  # related stories listed under a story: its thread's next, not a list


def outlet(article: Article) -> str | None:
    """Who reports it: the publisher the page names, else the site's host; None when
    nothing says."""
    if article.outlet:
        return article.outlet
    if article.url:
        return urllib.parse.urlsplit(article.url).hostname or article.url
    return None


def reports(story: Story) -> int:
    """How many independent reports a story has: its distinct outlets, where copies of
    one text (the same lede, as a wire story runs in several papers) count once, and
    all articles whose outlet is unknown count once together."""
    key: dict[str, str] = {}  # an outlet, or a lede, to the report it belongs to

    def find(k: str) -> str:
        while key.setdefault(k, k) != k:
            k = key[k]
        return k

    for a in story.articles:
        lede = " ".join(a.paragraphs[0].lower().split()) if a.paragraphs else a.title
        key[find("lede:" + lede)] = find("outlet:" + (outlet(a) or ""))
    return len({find(k) for k in key if k.startswith("outlet:")})


WORDS_PER_MINUTE = 230
# Words: a summary never gets shorter than this to fit a long day (nor than its lede).
SHORTEST = 30


def give_way(stories: Sequence[Story]) -> list[Story]:
    """The stories of the one-line list that may leave it when a day is too long to
    read in its minutes, in the order they leave: those only one report tells (an event
    several outlets report always keeps its line), the last ranked first."""
    return [s for s in reversed(stories) if reports(s) == 1]


def _importance(story: Story, centrality: float) -> tuple:
    """A sort key: more independent reports, more central, more recent, first."""
    latest = story.published.timestamp() if story.published else float("-inf")
    return (
        -reports(story),
        -round(float(centrality), 9),
        -latest,
        story.title,
        str(story.articles[0].path),
    )


def rank(
    stories: Sequence[Story],
    x: sp.csr_matrix,
    members: Sequence[Sequence[int]],
    top: int = 0,
    related: float = RELATED,
) -> list[Story]:
    """The stories in the order a briefing shows them: the `top` most important first
    (all, with 0), then the others; in each part, stories on one topic together, the
    topics in order of their most important story. `x` holds the articles' vectors and
    `members[i]` the rows of story i's articles. Sets each topic's first story's
    `related` to the topic's other stories."""
    import numpy as np

    if not stories:
        return []
    story_rows = means(x, members)
    total = np.asarray(story_rows.sum(axis=0)).ravel()
    own = np.asarray(story_rows.multiply(story_rows).sum(axis=1)).ravel()
    centrality = (story_rows @ total - own) / max(1, len(stories) - 1)
    keys = [_importance(s, c) for s, c in zip(stories, centrality, strict=True)]
    order = sorted(range(len(stories)), key=keys.__getitem__)
    shown_in_full = set(order[:top] if top else order)
    topic = {i: k for k, g in enumerate(groups(story_rows, related)) for i in g}
    topic_key: dict[int, int] = {}
    for i in order:
        topic_key.setdefault(topic[i], len(topic_key))
    position = {i: n for n, i in enumerate(order)}
    placed = []
    for part in (
        [i for i in order if i in shown_in_full],
        [i for i in order if i not in shown_in_full],
    ):
        placed += sorted(part, key=lambda i: (topic_key[topic[i]], position[i]))
    ranked = [stories[i] for i in placed]
    leads: dict[int, Story] = {}
    for i in placed:
        story = stories[i]
        story.related = []
        if topic[i] not in leads:
            leads[topic[i]] = story
        elif len(leads[topic[i]].related) < RELATED_SHOWN:
            leads[topic[i]].related.append(story)
    return ranked
