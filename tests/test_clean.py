import datetime as dt

import pytest
from helpers import BOILERPLATE, seed_text

from digest.clean import clean, detect_lang

# (seed, a real body sentence that must survive)
BODY = [
    ("000", "A conversa entre Putin e Witkoff teve a duração de três horas."),
    ("000", "Oslo, Copenhague e Estocolmo contribuirão com mais de US$ 400 milhões"),
    ("001", "Kim, por sua vez, prometeu que a Coreia do Norte"),
    ("001", "A Coreia do Norte confirmou pela primeira vez, em abril, que havia enviado"),
    ("002", "Em resposta, Putin agradeceu a participação de soldados norte-coreanos"),
    ("002", "“Isso, sem dúvida, exige uma resposta do mundo”, declarou o presidente"),
    ("003", "A comunidade internacional, representada por nomes como o ministro"),
    ("004", "Kim também concordou em enviar milhares de trabalhadores da construção militar"),
]

# (seed, boilerplate that must be gone)


def _text(seed: str) -> str:
    return "\n".join(clean(seed_text(seed)).blocks)


@pytest.mark.parametrize("seed,sentence", BODY)
def test_body_sentences_survive(seed, sentence):
    assert sentence in _text(seed)


@pytest.mark.parametrize("seed,junk", BOILERPLATE)
def test_boilerplate_is_removed(seed, junk):
    blocks = clean(seed_text(seed)).blocks
    assert not any(junk in b for b in blocks)


def test_every_body_paragraph_of_seed_001_is_kept():
    raw = seed_text("001").split("As mais lidas agora")[0]
    body = [line for line in raw.splitlines() if len(line.split()) > 12]
    assert len(body) == 8
    assert clean(raw).blocks[1:] == body


def test_source_and_date_come_from_the_text():
    cleaned = clean(seed_text("001"))
    assert cleaned.source == "Agence France-Presse"
    assert cleaned.published == dt.datetime(2025, 8, 12, 19, 48)


def test_inline_caption_is_cut_but_sentence_kept():
    cleaned = clean(
        "Título da notícia\n\nO prefeito falou (Foto: Agência X) e depois saiu do local."
    )
    assert cleaned.blocks[1] == "O prefeito falou e depois saiu do local."


def test_markdown_links_images_and_headings():
    text = (
        "# Primeira\n\n![foto](a.jpg)\nO [prefeito](http://x) falou hoje.\n\n"
        "# Segunda\n\nOutro texto."
    )
    cleaned = clean(text, markdown=True)
    assert cleaned.blocks == ["Primeira", "O prefeito falou hoje.", "Segunda", "Outro texto."]
    assert cleaned.breaks == {2}


@pytest.mark.parametrize(
    "text,lang",
    [
        ("O presidente disse que a reunião foi produtiva e que o acordo está próximo.", "pt"),
        ("The president said the meeting was productive and that a deal is close.", "en"),
        ("El presidente dijo que la reunión fue productiva y que el acuerdo está cerca.", "es"),
        ("Kursk", "pt"),
    ],
)
def test_detect_lang(text, lang):
    assert detect_lang(text) == lang


def test_ad_lines_go_and_sentences_about_ads_stay():
    blocks = clean(
        "Mercado de mídia cresce\nPublicidade: assine já por R$ 1,90\n"
        "Publicidade digital cresceu 12% neste ano, segundo a associação.\n"
        "Conteúdo patrocinado — Conheça o novo carro\n"
    ).blocks
    assert blocks == [
        "Mercado de mídia cresce",
        "Publicidade digital cresceu 12% neste ano, segundo a associação.",
    ]
