from pathlib import Path

import pytest

from digest.clean import clean
from digest.model import Article, Story
from digest.split import sentences, stories, word_count
from digest.backends import load
from digest.errors import DigestError
from digest.summarize import Extractive
from conftest import seed_text


def _seed_stories():
    out = []
    for seed in ("000", "001", "002", "003", "004"):
        for title, body in stories(clean(seed_text(seed))):
            out.append(Story([Article(title, tuple(body), Path(seed))]))
    return out


@pytest.mark.parametrize("words", [25, 60, 120])
def test_summary_fits_the_word_budget(words):
    for story in _seed_stories():
        summary = Extractive().summarize_one(story, words)
        assert summary
        assert word_count(summary) <= words or len(sentences(summary)) == 1


def test_summary_is_made_of_whole_body_sentences_in_reading_order():
    story = _seed_stories()[1]
    body = [s for p in story.articles[0].paragraphs for s in sentences(p)]
    picked = sentences(Extractive().summarize_one(story, 80))
    assert all(s in body for s in picked)
    assert [body.index(s) for s in picked] == sorted(body.index(s) for s in picked)


def test_lede_leads_the_summary():
    for story in _seed_stories():
        first = sentences(story.articles[0].paragraphs[0])[0]
        assert Extractive().summarize_one(story, 60).startswith(first.rstrip(".")[:40])


def test_repeated_sentence_is_not_picked_twice():
    s1 = "O governo anunciou um pacote de ajuda de R$ 10 bilhões para os agricultores do Sul."
    s2 = "Segundo o ministro, o dinheiro chega em março."
    story = Story([Article("Ajuda", (s1, s2), Path("a")), Article("Ajuda", (s1, s2), Path("b"))])
    assert Extractive().summarize_one(story, 100) == f"{s1} {s2}"


def test_bigger_budget_gives_longer_summary():
    story = _seed_stories()[0]
    short, long = (word_count(Extractive().summarize_one(story, n)) for n in (30, 120))
    assert long > short


def test_unknown_summarizer_is_a_clear_error():
    with pytest.raises(DigestError, match="unknown summarizer 'magic': choose from "
                                          "extractive, hf:MODEL"):
        load("summarizer", "magic")
