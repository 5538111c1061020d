"""Grouping: one story is one event. Topic neighbours of the corpus stay apart, and the
seeds group the same alone and inside a larger day."""
import pytest
from conftest import SEEDS

from digest.cluster import cluster
from digest.pipeline import load


def _folders(stories):
    return [{a.path.parent.name for a in s.articles} for s in stories]


def test_events_of_one_topic_stay_apart(cstnews):
    """The 2007 air crisis (the TAM crash, ANAC, Cumbica's runway, Congonhas), the 2006
    election, the floods of three countries: each story holds one event's reports."""
    names = ["c03-cotidiano-acidentetam", "c05-cotidiano-anac", "c21-cotidiano-reformacumbica",
             "c22-cotidiano-deslizamentocongonhas", "c02-politica-reeleicaolula",
             "c17-politica-eleicaoalckmim", "c04-cotidiano-alagamentosp",
             "c12-mundo-enchentecoreia", "c23-mundo-enchentereinounido"]
    articles = load([cstnews / n for n in names])
    stories = cluster(articles)
    assert all(len(f) == 1 for f in _folders(stories))
    assert len(stories) <= len(articles) - 5  # and reports of one event do come together


@pytest.mark.xfail(strict=True, reason="known failure: with the day's own word weights "
                   "(what cross-validation chose), seeds 002 and 003 (two Putin-Kim meetings, "
                   "a year apart) merge inside the corpus's day, where their names are rare")
def test_the_seeds_group_the_same_alone_and_inside_a_larger_day(cstnews):
    seeds = load([SEEDS])
    alone = {frozenset(str(a.path) + a.title for a in s.articles) for s in cluster(seeds)}
    day = cluster(load([cstnews]) + seeds)
    inside = {frozenset(str(a.path) + a.title for a in s.articles) for s in day
              if any(a.path.parent == SEEDS for a in s.articles)}
    assert inside == alone
    assert len(alone) == 13  # the Putin-Kim call, told twice, is the one merge
