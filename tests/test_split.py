import pytest
from helpers import SEED_000_HEADLINES, seed_text

from digest.clean import clean
from digest.headline import main_clause
from digest.sentence import sentences
from digest.split import stories


def _stories(seed):
    return list(stories(clean(seed_text(seed))))


def test_seed_000_holds_exactly_ten_stories():
    assert [title for title, _ in _stories("000")] == SEED_000_HEADLINES


@pytest.mark.parametrize(
    "heading,story,following",
    [
        ("Encontro entre Putin e Witkoff", 0, "se reuniu com o enviado especial americano"),
        ("Kremlin diz que pressão afasta diplomacia", 2, "os recentes anúncios de envio"),
        ("Reação Russa", 4, "A postura de Trump sinaliza uma guinada"),
        ("Zelensky agradece", 5, "Em vídeo, o presidente da Ucrânia aparece"),
        (
            "Rússia responde às críticas de Washington",
            8,
            "Durante visita a Kiev na segunda-feira (30)",
        ),
        ("Pacto de defesa mútua", 9, "Em relação ao envio de novas tropas"),
    ],
)
def test_sub_headings_stay_inside_their_story(heading, story, following):
    found = _stories("000")
    assert all(title != heading for title, _ in found)
    assert any(following in p for p in found[story][1])
    assert all(heading not in p for p in found[story][1])


@pytest.mark.parametrize("seed", ["001", "002", "003", "004"])
def test_single_story_seeds_are_not_split(seed):
    assert len(_stories(seed)) == 1


def test_pages_glued_from_several_articles_come_apart(cstnews):
    """Pages of 3-4 articles of different stories, each a title line, a blank line and
    its body, whether or not a lede names a day; titles may end with a stop."""
    from digest.evaluate import glued_pages, read_corpus
    from digest.pipeline import articles_of

    pages = glued_pages(read_corpus(cstnews), 60, seed=5)
    exact = [[a.title for a in articles_of(text, "page.txt")] == titles for text, titles in pages]
    assert len(pages) == 60 and sum(exact) >= 0.9 * len(pages)


def test_a_heading_without_a_day_opens_a_story_when_the_subject_changes():
    page = (
        "Chuva forte alaga ruas de São Paulo\n\nUma chuva forte atingiu a cidade de São "
        "Paulo, alagando ruas da zona sul e derrubando árvores em vários bairros.\n\n"
        "A Defesa Civil registrou 80 milímetros de chuva em duas horas.\n\n"
        "Petrobras amplia plano de investimentos\n\nA Petrobras ampliou o plano de "
        "investimentos para os próximos cinco anos, com foco em exploração no pré-sal."
    )
    assert [t for t, _ in stories(clean(page))] == [
        "Chuva forte alaga ruas de São Paulo",
        "Petrobras amplia plano de investimentos",
    ]


def test_a_sub_heading_on_the_same_subject_stays_inside():
    page = (
        "Chuva forte alaga ruas de São Paulo\n\nUma chuva forte atingiu a cidade de São "
        "Paulo, alagando ruas da zona sul e derrubando árvores em vários bairros.\n\n"
        "Estragos na zona sul da cidade\n\nNa zona sul de São Paulo, a chuva forte alagou "
        "ruas e derrubou árvores sobre carros em três bairros."
    )
    ((title, body),) = stories(clean(page))
    assert title == "Chuva forte alaga ruas de São Paulo" and len(body) == 2


def test_no_cstnews_article_is_split(cstnews):
    articles = [p for p in cstnews.rglob("*.txt") if not p.name.endswith(".reference.txt")]
    assert len(articles) == 70
    split = [p.name for p in articles if len(list(stories(clean(p.read_text())))) != 1]
    assert split == []


def test_markdown_h1_opens_a_story():
    cleaned = clean(
        "# Um\n\nTexto um.\n\n## Sub\n\nMais um.\n\n# Dois\n\nTexto dois.", markdown=True
    )
    assert [(t, b) for t, b in stories(cleaned)] == [
        ("Um", ["Texto um.", "Mais um."]),
        ("Dois", ["Texto dois."]),
    ]


def test_text_without_headline_gets_a_title_from_its_first_sentence():
    body = (
        "O conselho municipal aprovou ontem o novo plano de mobilidade urbana para a "
        "região central da cidade depois de meses de debate. A votação terminou tarde."
    )
    ((title, paragraphs),) = stories(clean(body))
    # Whole: the first sentence's main clause, not its first words.
    assert (
        title == "O conselho municipal aprovou ontem o novo plano de mobilidade urbana para a "
        "região central da cidade depois de meses de debate"
    )
    assert paragraphs == [body]


@pytest.mark.parametrize(
    "sentence, headline",
    [
        (
            "Um atirador matou ao menos 30 pessoas em dois diferentes locais da Universidade "
            "Técnica da Virgínia, em Blacksburg (Virgínia), nesta segunda-feira, no pior "
            "ataque a tiros contra um campus universitário da história dos Estados Unidos.",
            "Um atirador matou ao menos 30 pessoas em dois diferentes locais da Universidade "
            "Técnica da Virgínia",
        ),
        (
            "BRASÍLIA - A TAM confirmou, na noite desta quinta-feira, que o reversor estava "
            "travado.",
            "A TAM confirmou, na noite desta quinta-feira, que o reversor estava travado",
        ),
    ],
)
def test_a_headline_made_from_a_lede_is_its_main_clause_never_cut(sentence, headline):
    assert main_clause(sentence) == headline


@pytest.mark.parametrize(
    "text,expected",
    [
        ("O Sr. Silva chegou. Depois saiu.", ["O Sr. Silva chegou.", "Depois saiu."]),
        (
            "A Av. Paulista parou. O trânsito voltou.",
            ["A Av. Paulista parou.", "O trânsito voltou."],
        ),
        (
            "O presidente John F. Kennedy morreu em 1963. Foi em Dallas.",
            ["O presidente John F. Kennedy morreu em 1963.", "Foi em Dallas."],
        ),
        (
            "Foram 15.000 soldados e US$ 2,3 bilhões. Houve 9,4 km de lentidão.",
            ["Foram 15.000 soldados e US$ 2,3 bilhões.", "Houve 9,4 km de lentidão."],
        ),
        (
            "Ele falou nesta quarta-feira (6). O encontro durou três horas.",
            ["Ele falou nesta quarta-feira (6).", "O encontro durou três horas."],
        ),
        (
            "“Sanções não vão mudar nada. Estamos preparados”, disse. Ele saiu.",
            ["“Sanções não vão mudar nada. Estamos preparados”, disse.", "Ele saiu."],
        ),
        ("Ele disse: “Acabou.” Depois saiu.", ["Ele disse: “Acabou.”", "Depois saiu."]),
        (
            "Vai acabar? Ninguém sabe! Talvez… Veremos.",
            ["Vai acabar?", "Ninguém sabe!", "Talvez…", "Veremos."],
        ),
        (
            "Às 9h30 o trem partiu. 420 drones foram usados.",
            ["Às 9h30 o trem partiu.", "420 drones foram usados."],
        ),
    ],
)
def test_sentences(text, expected):
    assert sentences(text) == expected
