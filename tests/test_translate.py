from pathlib import Path

import pytest

from digest.backends import Options
from digest.model import Article, Story
from digest.translate import Bergamot, translate_stories, translate_texts


class Failing:
    """A translator backend that fails on texts naming a word, as a broken model would."""

    name = "failing"

    def __init__(self, poison: str):
        self.poison = poison
        self.inner = Bergamot()

    def translate(self, texts):
        if any(self.poison in t for t in texts):
            raise RuntimeError("model crashed")
        return self.inner.translate(texts)


def _story(title, summary, lang="pt"):
    story = Story([Article(title, (summary,), Path("x.txt"), lang=lang)])
    story.summary = summary
    return story


def test_bergamot_translates_portuguese_to_english():
    (english,) = Bergamot().translate(["O presidente dos Estados Unidos chegou a Moscou."])
    assert "President" in english or "president" in english
    assert "Moscow" in english


def test_translate_texts_keeps_paragraphs_and_sentences():
    text = "O trem partiu às nove. Chegou ao meio-dia.\nA viagem foi longa."
    (english,) = translate_texts([text], Bergamot())
    lines = english.split("\n")
    assert len(lines) == 2
    assert "train" in lines[0].lower() and "noon" in lines[0].lower()
    assert any(w in lines[1].lower() for w in ("trip", "journey", "travel"))


def test_a_failing_story_keeps_its_portuguese_and_says_so():
    good = _story("Chuva forte em São Paulo", "A chuva causou alagamentos na cidade.")
    bad = _story("Explosão em Moscou", "Uma explosão atingiu um mercado em Moscou.")
    translate_stories([good, bad], Failing("Moscou"))
    assert "rain" in good.summary_en.lower()
    assert bad.summary_en is None and bad.title_en is None
    assert any("translation unavailable" in n for n in bad.notes)
    assert not good.notes


def test_english_article_is_kept_as_written():
    story = _story("Storm hits the coast", "A storm hit the coast on Monday.", lang="en")
    translate_stories([story], Bergamot())
    assert story.summary_en == "A storm hit the coast on Monday."
    assert story.notes == ["Article in English: shown as written."]


def test_brazilian_clock_times_come_out_right():
    (english,) = Bergamot().translate(["O acidente ocorreu às 7h15 (1h15 em Brasília)."])
    assert english == "The accident occurred at 7:15 (1:15 in Brasilia)."  # no "p. m."


def test_initials_are_closed_up():
    # The engine itself writes "The U. S. announced…" for "Os EUA anunciaram…".
    (english,) = Bergamot().translate(["Os EUA anunciaram novas sanções contra a Rússia."])
    assert "U.S." in english and "U. S." not in english


def test_names_joined_by_a_particle_stay_names():
    # The engine writes "Rio Grande of Sul", "Lula of Silva", "Rio of Janeiro".
    (english,) = Bergamot().translate([
        "O governador do Rio Grande do Sul disse que Lula da Silva vai ao Rio de Janeiro "
        "e ao Ministério da Saúde."])
    assert "Rio Grande do Sul" in english and "Lula da Silva" in english
    assert "Rio de Janeiro" in english and "Ministry of Health" in english


@pytest.mark.parametrize("portuguese, english", [
    ("O Palmeiras de Abel Ferreira venceu o clássico.", "Palmeiras of Abel Ferreira"),
    ("A Venezuela de Maduro fechou a fronteira.", "Venezuela of Maduro"),
    ("A vitória do Palmeiras de Abel Ferreira foi justa.", "Palmeiras of Abel Ferreira"),
])
def test_a_leader_of_a_team_or_country_keeps_the_english_of(portuguese, english):
    assert english in Bergamot().translate([portuguese])[0]


def test_initials_are_closed_up_into_portuguese_too():
    (portuguese,) = Bergamot(Options(src="en", tgt="pt")).translate(
        ["The U.S. and the E.U. met in Washington, D.C."])
    assert "D.C." in portuguese and "D. C." not in portuguese
