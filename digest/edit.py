"""The editor: the day's stories, most important first, related ones side by side.

A story matters more the more distinct sources report it (outlets, sites or feeds; a
file counts as its own source when nothing better is known), then the more articles it
has, then the closer it is to the rest of the day's news (its mean similarity to the
other stories), then the more recent it is; remaining ties go by headline, so a re-run
gives the same order. The first `top` stories by that measure are shown in full, the
others in one line each. Stories on one topic (a lower similarity than one event's)
are kept together, and the first of them lists the others as related.
"""
from __future__ import annotations

import re
import unicodedata
import urllib.parse
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .cluster import groups, means
from .model import Article, Story

if TYPE_CHECKING:
    import scipy.sparse as sp

# Mean similarity above which two stories share a topic (the same event needs
# cluster.THRESHOLD, 0.2). Chosen by 5-fold cross-validation (bench/tune.py) on the
# stories of cstnews-dev and the seeds, their topics annotated by hand (the 2007
# air-traffic crisis, the 2006 election, the war in Ukraine, Russia and North Korea):
# pair F1 0.94 out of fold, every fold choosing 0.1. Few pairs (49, most of them the
# seeds'), so a rough figure; 0.08 and 0.12 score 0.67 and 0.52 in sample.
RELATED = 0.1

# The sections a briefing groups its one-line stories by, in this order, and the names
# sites give them (lower case, without accents) in feeds, page metadata and URLs.
SECTIONS = {
    "brazil": (("Brasil", "Brazil"), "brasil brazil nacional pais"),
    "politics": (("Política", "Politics"), "politica poder politics eleicoes governo"),
    "economy": (("Economia", "Economy"), "economia mercado dinheiro negocios financas "
                "economy business"),
    "world": (("Mundo", "World"), "mundo internacional world international global "
              "exterior"),
    "cities": (("Cidades", "Cities"), "cotidiano cidades cidade metropole local cities"),
    "sports": (("Esportes", "Sports"), "esporte esportes futebol sports sport"),
    "science": (("Ciência", "Science"), "ciencia science"),
    "health": (("Saúde", "Health"), "saude equilibrioesaude health bem-estar"),
    "technology": (("Tecnologia", "Technology"), "tecnologia tec technology tech"),
    "education": (("Educação", "Education"), "educacao education"),
    "culture": (("Cultura", "Culture"), "cultura ilustrada entretenimento pop-arte "
                "culture arts"),
    "opinion": (("Opinião", "Opinion"), "opiniao opinion colunas editorial"),
}
_NAMES = {name: key for key, (_, names) in SECTIONS.items() for name in names.split()}


def _plain(text: str) -> str:
    """Lower case, accents off, spaces and underscores as hyphens: 'Política' → 'politica'."""
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s_]+", "-", text)


def section_of(labels: Iterable[str | None]) -> str | None:
    """The first of `labels` (a feed's category, a page's section, a path's folders)
    that names a known section, as its key."""
    for label in labels:
        if label and (key := _NAMES.get(_plain(label))):
            return key
    return None


def path_sections(path: str) -> list[str]:
    """The folders of a URL's path, or the last two of a file's: '/mundo/2026/x.html'
    gives ['mundo', '2026']."""
    if "://" in path:
        folders = urllib.parse.urlsplit(path).path.split("/")[1:-1]
    else:
        folders = path.replace("\\", "/").split("/")[-3:-1]
    return [urllib.parse.unquote(f) for f in folders if f]


def outlet(article: Article) -> str:
    """Who reports it: the publisher the page names, else the site's host, else the
    file itself."""
    if article.outlet:
        return article.outlet
    if article.url:
        return urllib.parse.urlsplit(article.url).hostname or article.url
    return str(article.path)


WORDS_PER_MINUTE = 230
SHORTEST = 30  # words: a summary never gets shorter than this to fit a long day


def summary_words(ranked: Sequence[Story], top: int, words: int, languages: int,
                  minutes: int) -> int:
    """The word budget of each summary shown in full: `words`, unless the day is so long
    that the briefing would take more than `minutes` to read; then less, down to
    SHORTEST. Every story still appears: the others in one line each. What the briefing
    holds beside the summaries is counted from the ranked stories themselves."""
    full = list(ranked[:top] if top else ranked)
    if not (full and minutes):
        return words

    def headline(story: Story) -> float:  # in every language (English runs a tenth longer)
        return len(story.title.split()) * (1 + 1.1 * (languages - 1))

    fixed = (30  # the header
             + sum(2 * headline(s)  # in "In brief", and above its summary
                   + 2 * len(s.articles)  # its sources
                   + sum(len(r.title.split()) + 2 for r in s.related) for s in full)
             + sum(headline(s) + len(s.articles) for s in ranked[len(full):]))
    room = (minutes * WORDS_PER_MINUTE - fixed) / (len(full) * (1 + 1.1 * (languages - 1)))
    return max(SHORTEST, min(words, int(room)))


def _importance(story: Story, centrality: float) -> tuple:
    """A sort key: more sources, more articles, more central, more recent, first."""
    latest = max((a.published.timestamp() for a in story.articles if a.published),
                 default=float("-inf"))
    return (-len({outlet(a) for a in story.articles}), -len(story.articles),
            -round(float(centrality), 9), -latest, story.title, str(story.articles[0].path))


def rank(stories: Sequence[Story], x: sp.csr_matrix, members: Sequence[Sequence[int]],
         top: int = 0, related: float = RELATED) -> list[Story]:
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
    for part in ([i for i in order if i in shown_in_full],
                 [i for i in order if i not in shown_in_full]):
        placed += sorted(part, key=lambda i: (topic_key[topic[i]], position[i]))
    ranked = [stories[i] for i in placed]
    leads: dict[int, Story] = {}
    for i in placed:
        story = stories[i]
        story.related = []
        if topic[i] in leads:
            leads[topic[i]].related.append(story)
        else:
            leads[topic[i]] = story
    return ranked
