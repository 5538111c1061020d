"""The extractive summarizer: budgets, sentences taken whole and in order, no sentence
that leans on one left out, what several sources agree on."""

import re
from pathlib import Path

import pytest
from helpers import seed_text, within_budget

from digest.backends import load
from digest.backends.extractive import Extractive, budget
from digest.clean import clean
from digest.errors import DigestError
from digest.model import Article, Story
from digest.sentence import first_sentence, leaning, sentences, word_count
from digest.split import stories
from digest.summarize import RUN_ON, cut


def _seed_stories():
    out = []
    for seed in ("000", "001", "002", "003", "004"):
        for title, body in stories(clean(seed_text(seed))):
            out.append(Story([Article(title, tuple(body), Path(seed))]))
    return out


def _story(*articles: tuple[str, str]) -> Story:
    return Story(
        [
            Article(title, tuple(p for p in body.split("\n") if p), Path(f"{i}.txt"))
            for i, (title, body) in enumerate(articles)
        ]
    )


@pytest.mark.parametrize("words", [12, 25, 60, 120])
def test_summary_keeps_to_the_word_budget_in_whole_sentences(words):
    """Every summary fits its story's budget (`words`, less for a short story), but for
    a lede longer than that, which is kept whole, alone, up to RUN_ON budgets, and past
    them cut at the budget: never a sentence cut in half otherwise."""
    for story in _seed_stories():
        summary = Extractive().summarize_one(story, words)
        limit, lede = budget(story, words), first_sentence(story.articles[0].paragraphs[0])
        assert limit <= words and within_budget(summary, limit, {lede})
        if summary.endswith("…"):  # at 12 words, ledes of 37 to 55
            assert word_count(lede) > RUN_ON * limit and summary == cut(lede, limit)
        else:
            assert re.search(r"[.!?][\"”»')]*$", summary)


def test_text_without_stops_is_cut_with_an_ellipsis():
    body = " ".join(["palavra"] * 700_000)  # one "sentence": no stop anywhere
    summary = Extractive().summarize_one(_story(("Título", body)), 60)
    assert word_count(summary) == 60 and summary.endswith("…")


def test_a_short_article_gets_a_short_summary():
    story = _seed_stories()[10]  # seed 001: about 300 words
    held = sum(word_count(a.text) for a in story.articles)
    summary = Extractive().summarize_one(story, 2000)
    assert word_count(summary) <= 0.35 * held


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


def test_bigger_budget_gives_longer_summary():
    story = _seed_stories()[0]
    short, long = (word_count(Extractive().summarize_one(story, n)) for n in (30, 120))
    assert long > short


# Real sentences from cstnews-dev articles, with what came before them in the article.
LEANING = [
    ("O senador foi eleito em 2002.", "Ele disse que não está convencido da participação."),
    (
        "A cheia atingiu a província.",
        "No entanto, a publicação desmentiu o número de até 10 mil mortos pelas inundações.",
    ),
    ("O governo anunciou a obra.", "Além disso, a pista será ampliada."),
    (
        "O comandante da Aeronáutica, brigadeiro Juniti Saito, falou à imprensa.",
        "Segundo o brigadeiro, a fumaça introduz um elemento novo nas investigações.",
    ),
    (
        "Putin se reuniu com Witkoff em Moscou. O encontro foi pedido pelos EUA.",
        "O encontro durou três horas.",
    ),
    (
        "A pesquisa ouviu 2.000 eleitores. Heloísa Helena é a candidata do PSOL ao Senado.",
        "A senadora subiu de 21% para 30% entre junho e julho.",
    ),
    ("Trump venceu a eleição de 2016.", "À época, o então candidato prometeu acordos."),
    ("Dunga escalou o time.", "Improvisou o lateral Daniel Alves no meio-campo."),
    ("O prédio desabou na manhã de terça.", "Horas depois, os bombeiros acharam sobreviventes."),
]
STANDING = [
    ("", "O presidente russo, Vladimir Putin, teve um encontro com o líder norte-coreano."),
    ("A obra começa em janeiro.", "A partir de março, será iniciada a fase final da obra."),
    ("O avião caiu.", "Segundo uma porta-voz da ONU, o avião tentava aterrissar."),
    (
        "O ministro falou ontem.",
        "Segundo o ministro da Saúde, José Serra, a vacina chega em março.",
    ),
    ("O voo saiu de Lugushwa.", "Aviões são usados extensivamente no Congo."),
    ("O governo da Rússia, em Moscou, falou.", "Moscou anunciou novas sanções."),
    ("Choveu muito.", "Depois de 20 dias de tempo seco, voltou a chover na capital."),
]


@pytest.mark.parametrize("before,sentence", LEANING)
def test_sentences_that_lean_on_what_came_before(before, sentence):
    assert leaning([before, sentence]) == [False, True]


@pytest.mark.parametrize("before,sentence", STANDING)
def test_sentences_that_stand_alone(before, sentence):
    assert leaning([before, sentence])[-1] is False


def test_what_a_sentence_leans_on_may_lie_anywhere_before_it():
    filler = [f"Choveu {n} milímetros na cidade nesta semana." for n in range(500)]
    texts = [
        "Putin se reuniu com Witkoff em Moscou.",
        "O encontro foi pedido pelos EUA.",
        *filler,
        "O encontro durou três horas.",
        "O acordo foi assinado depois.",
        "Anunciou um cessar-fogo.",
        "Pressionado pelo Kremlin, Witkoff anunciou a data.",
    ]
    assert leaning(texts)[-4:] == [True, False, True, False]
    assert leaning(texts[:2]) == [False, False]  # nothing named the meeting before


def test_no_summary_takes_a_leaning_sentence_without_the_one_before(cstnews):
    from digest.evaluate import read_corpus

    taken = 0
    summarizer = Extractive()
    for folder in read_corpus(cstnews):
        for story in [d.story for d in folder.documents] + [folder.story]:
            chosen = summarizer.choose(story, 120)
            assert not chosen[0].leans
            where = {(s.doc, s.pos) for s in chosen}
            for s in chosen:
                if s.leans:
                    taken += 1
                    assert (s.doc, s.pos - 1) in where, s.text
    assert taken > 5  # leaning sentences are taken, with what they lean on


def test_what_several_sources_report_is_taken_once():
    s1 = (
        "O governo anunciou nesta segunda-feira um pacote de ajuda de R$ 10 bilhões "
        "para os agricultores do Sul atingidos pela seca."
    )
    s2 = "O dinheiro chega em março, segundo o Ministério da Agricultura."
    other = (
        "A oposição criticou o valor do pacote e pediu uma audiência no Senado "
        "para discutir a seca no Sul."
    )
    story = _story(("Ajuda", f"{s1}\n{s2}"), ("Ajuda", f"{s1}\n{other}"), ("Seca", f"{s1}\n{s2}"))
    summary = Extractive().summarize_one(story, 100)
    assert summary.count(s1) == 1 and s2 in summary


def test_two_outlets_saying_the_same_thing_are_taken_once():
    # Two outlets' ledes in other words: each holds pairs of words the other lacks,
    # which is what the concept program covers, and a reader would get the news twice.
    lede = (
        "Quinze voluntários da ONG francesa Ação Contra a Fome foram assassinados no "
        "nordeste do Sri Lanka, informou hoje um porta-voz da organização."
    )
    again = (
        "Os quinze voluntários da organização francesa Ação Contra a Fome foram mortos "
        "no nordeste do Sri Lanka, segundo a ONG."
    )
    news = (
        "O governo do Sri Lanka e os rebeldes tâmeis trocam acusações pelo crime "
        "contra os voluntários."
    )
    own = [
        "Os corpos de 11 homens e 4 mulheres de etnia tâmil apareceram no escritório "
        "da organização em Muttur.",
        "A organização suspendeu o trabalho no leste da ilha e retirou a equipe que "
        "atendia as vítimas do tsunami.",
        "A União Europeia pediu uma investigação independente e cobrou do governo a "
        "proteção dos trabalhadores humanitários.",
        "Outras organizações estrangeiras avaliam deixar a região até que a segurança "
        "das equipes seja garantida.",
        "O cessar-fogo assinado em 2002 é violado quase todos os dias desde o começo "
        "do ano, segundo observadores nórdicos.",
    ]
    story = _story(
        ("Voluntários mortos", "\n".join([lede, own[0], own[1]])),
        ("ONG perde voluntários", "\n".join([again, news, own[2]])),
        ("Sri Lanka", "\n".join([again, news, own[3], own[4]])),
    )
    summary = Extractive().summarize_one(story, 120)
    # Room for all three, and both of the others worth taking: the lede's words again
    # are not.
    assert budget(story, 120) >= sum(map(word_count, (lede, again, news)))
    assert summary.startswith(lede) and again not in summary
    assert news in summary  # what two outlets report, and the lede does not say


def test_repeats_found_at_once_are_those_found_pair_by_pair():
    from digest.backends.extractive import REPEATS, _analysed, _overlap, _repeating, _Sentence

    text = seed_text("000")
    sents = [_Sentence(s, 0, i, *facts) for i, (s, *facts) in enumerate(_analysed((text,)))]
    pairs = {
        (j, k)
        for j in range(len(sents))
        for k in range(j + 1, len(sents))
        if _overlap(sents[j], sents[k]) > REPEATS
    }
    assert pairs and set(_repeating(sents)) == pairs


def test_no_summary_says_the_same_thing_twice(cstnews):
    from digest.backends.extractive import REPEATS, _overlap
    from digest.evaluate import read_corpus

    summarizer = Extractive()
    for folder in read_corpus(cstnews):
        for story in [d.story for d in folder.documents] + [folder.story]:
            chosen = summarizer.choose(story, 120)
            for i, s in enumerate(chosen):
                assert all(_overlap(s, t) <= REPEATS for t in chosen[:i]), s.text


def test_unknown_summarizer_is_a_clear_error():
    with pytest.raises(
        DigestError, match="unknown summarizer 'magic': choose from extractive, hf:MODEL"
    ):
        load("summarizer", "magic")
