"""Group the articles that report the same event into one story."""
from __future__ import annotations

from collections.abc import Sequence

from .model import Article, Story


def cluster(articles: Sequence[Article]) -> list[Story]:
    """One story per article, in reading order."""
    return [Story([a]) for a in articles]
