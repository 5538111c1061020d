"""`digest eval` on cstnews-dev, and the measures it is built on."""

import json

import pytest
from helpers import cli

from digest.evaluate import b_cubed, f_measure, reference, rouge


def test_rouge_matches_rouge_score_with_a_unicode_tokenizer():
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")

    class Unicode:
        def tokenize(self, text):
            import re

            return re.findall(r"\w+", text.lower())

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=Unicode())
    hyp = "A queda do avião matou 17 pessoas na República Democrática do Congo."
    ref = "Queda de avião mata 17 pessoas no Congo; avião caiu após tempestade."
    theirs = {k: v.fmeasure for k, v in scorer.score(ref, hyp).items()}
    assert rouge(hyp, ref) == pytest.approx(theirs)
    assert rouge("ação é já", "Ação É JÁ")["rouge1"] == 1.0  # accents kept, case folded


def test_b_cubed():
    assert b_cubed([[0, 1], [2]], [0, 0, 1]) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    split = b_cubed([[0], [1], [2]], [0, 0, 1])
    assert split["precision"] == 1.0 and split["recall"] == pytest.approx(2 / 3)
    # Three reports of one event and one of another: F1 prefers all four in one story,
    # F0.5 (by which grouping is tuned: a wrong merge misleads) all four apart.
    apart = b_cubed([[0], [1], [2], [3]], [0, 0, 0, 1])
    merged = b_cubed([[0, 1, 2, 3]], [0, 0, 0, 1])
    assert apart["f1"] < merged["f1"]
    assert f_measure(apart["precision"], apart["recall"], 0.5) > f_measure(
        merged["precision"], merged["recall"], 0.5
    )


def test_a_corpus_file_it_cannot_read_is_one_warning(tmp_path):
    story = tmp_path / "c01-chuva"
    story.mkdir()
    (story / "d1.txt").write_text(
        "Chuva alaga São Paulo\n\nA chuva forte desta segunda-feira "
        "alagou ruas da zona sul e parou o trânsito na cidade."
    )
    (story / "d1.reference.txt").write_text("A chuva alagou ruas de São Paulo.")
    (story / "d2.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40))
    (story / "d3.txt").write_bytes("Notícia em cp1252: ação".encode("cp1252"))
    result = cli("eval", tmp_path)
    assert result.exit_code == 0, result.output
    assert f"{story / 'd2.txt'}: binary file, skipped" in result.stderr
    assert f"{story / 'd3.txt'}: not UTF-8, read as cp1252" in result.stderr
    assert "Traceback" not in result.output


def test_reference_drops_bookkeeping_lines(tmp_path):
    ref = tmp_path / "x.reference.txt"
    ref.write_text(
        "Gist: Israel ataca\n\nTamanho do texto-fonte: 466 palavras\n\n"
        "Sumário: A aviação atacou.\n\nTamanho real do sumário: 139 palavras\n"
    )
    assert reference(ref) == "Israel ataca\nA aviação atacou."


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from helpers import CSTNEWS

    if not CSTNEWS.is_dir():
        pytest.skip(f"the evaluation corpus is not beside the repo ({CSTNEWS})")
    saved = tmp_path_factory.mktemp("saved")
    result = cli("eval", CSTNEWS, "--words", "120", "--json", "--save-summaries", saved)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), saved


def test_multi_document_summaries_beat_the_round_robin_of_leads(report):
    numbers, _ = report
    assert numbers["counts"] == {"articles": 70, "stories": 25, "single_refs": 70, "multi_refs": 25}
    rouge = numbers["rouge"]
    # The published position baseline, and by a clear margin (out of fold: 0.508 against
    # 0.464, bench/tune.py); the first article's lead is no stronger.
    assert rouge["multi"]["rouge1"] > rouge["multi_round_robin"]["rouge1"] + 0.03
    assert rouge["multi"]["rouge1"] > rouge["multi_lead"]["rouge1"] + 0.03


def test_single_document_summaries_beat_the_lead(report):
    rouge = report[0]["rouge"]
    assert rouge["single"]["rouge1"] > rouge["single_lead"]["rouge1"] + 0.03
    # ...and hold their own against a lead cut to the same length.
    assert rouge["single"]["rouge1"] > rouge["single_lead_budget"]["rouge1"]


def test_grouping_recovers_the_stories(report):
    numbers, _ = report
    assert numbers["clustering"]["f1"] >= 0.95


def test_baselines_are_whole_sentences_within_the_budget(cstnews):
    from digest.evaluate import lead, read_corpus, round_robin
    from digest.sentence import sentences

    for folder in read_corpus(cstnews):
        story = folder.story
        for baseline in (lead, round_robin):
            text = baseline(story, 60)
            assert len(text.split()) <= 60
            body = {
                x.rstrip(".") for a in story.articles for p in a.paragraphs for x in sentences(p)
            }
            assert all(s.rstrip(".") in body for s in sentences(text))
        # The round robin takes every article's first sentence before any second one.
        firsts = [sentences(a.paragraphs[0])[0] for a in story.articles]
        text = round_robin(story, 2000)
        assert [text.index(f) for f in firsts] == sorted(text.index(f) for f in firsts)


def test_saved_summaries_match_digest_summarize(report):
    from helpers import CSTNEWS

    _, saved = report
    assert len(list(saved.rglob("cluster.txt"))) == 25
    assert len([p for p in saved.rglob("*.txt") if p.name != "cluster.txt"]) == 70
    article = CSTNEWS / "c01-mundo-aviaocongo" / "d1-folha.txt"
    result = cli("summarize", article, "--words", "120", "--json")
    printed = json.loads(result.stdout)["summary"]
    assert printed == (saved / "c01-mundo-aviaocongo" / "d1-folha.txt").read_text().strip()


def _corpus(folder, stories: int):
    """A corpus of `stories` folders of one seed article each, with a reference."""
    from helpers import SEEDS

    for i, seed in enumerate(sorted(SEEDS.glob("*.txt"))[1 : 1 + stories]):
        story = folder / f"c{i:02d}"
        story.mkdir(parents=True)
        (story / "d1.txt").write_text(seed.read_text(encoding="utf-8"))
        (story / "d1.reference.txt").write_text(seed.read_text(encoding="utf-8")[:300])
    return folder


@pytest.mark.parametrize("stories", [1, 3, 4])
def test_a_small_corpus_is_scored(tmp_path, stories):
    result = cli("eval", _corpus(tmp_path / "corpus", stories), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["counts"]["stories"] == stories and report["rouge"]["single"]["rouge1"] > 0


def test_an_empty_corpus_is_one_line(tmp_path):
    (tmp_path / "empty" / "c01").mkdir(parents=True)
    result = cli("eval", tmp_path / "empty")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {tmp_path / 'empty'}: no article to evaluate (.txt files digest can read)\n",
    )


@pytest.mark.parametrize("where", [".", "c00", "summaries"])
def test_summaries_are_never_saved_into_the_corpus(tmp_path, where):
    corpus = _corpus(tmp_path / "corpus", 3)
    before = {p: p.read_bytes() for p in corpus.rglob("*") if p.is_file()}
    result = cli("eval", corpus, "--save-summaries", corpus / where)
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {corpus / where}: inside the corpus {corpus}, whose articles the "
        "summaries would overwrite or join; save them elsewhere\n",
    )
    assert {p: p.read_bytes() for p in corpus.rglob("*") if p.is_file()} == before
