"""`digest summarize` and `digest translate` through the command line."""

import json
import select
import subprocess
import sys

from helpers import SEEDS, cli

from digest.sentence import sentences

SEED_003 = SEEDS / "003_3b7088970f3e0a81.txt"


invoke = cli


def test_summarize_a_file_prints_title_and_summary():
    result = invoke("summarize", SEED_003, "--words", "40")
    assert result.exit_code == 0
    title, summary = result.stdout.strip().split("\n\n")
    assert title.startswith("Putin agradece apoio da Coreia do Norte")
    assert summary.startswith("O presidente russo, Vladimir Putin, teve um encontro")
    assert len(summary.split()) <= 40 or len(sentences(summary)) == 1


def test_summarize_stdin_as_json_with_english():
    result = invoke("summarize", "--json", "--lang", "pt,en", input=SEED_003.read_bytes())
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    obj = json.loads(line)
    assert set(obj) == {
        "input",
        "title",
        "summary",
        "title_en",
        "summary_en",
        "words",
        "words_en",
        "lang",
    }
    assert obj["input"] == "<stdin>" and obj["lang"] == "pt"
    assert obj["words"] == len(obj["summary"].split())
    assert "Putin" in obj["title_en"] and "North Korea" in obj["summary_en"]
    assert obj["words_en"] == len(obj["summary_en"].split())


def test_summarize_a_file_of_ten_stories_gives_ten_objects():
    result = invoke("summarize", "--json", SEEDS / "000_87b21344010ebffb.txt")
    assert [json.loads(line)["title"] for line in result.stdout.splitlines()][
        1
    ] == "Rússia ataca área residencial na Ucrânia"
    assert len(result.stdout.splitlines()) == 10


def test_summarize_cleans_like_run():
    result = invoke("summarize", SEEDS / "001_f1a4ccf0f197fcc1.txt", "-w", "200")
    assert "ksb/bjt" not in result.stdout and "As mais lidas" not in result.stdout
    assert "Rodriguinho" not in result.stdout


def test_summarize_user_errors_are_one_line(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    for args, message in [
        (("summarize", tmp_path / "missing.txt"), "cannot read (No such file or directory)"),
        (("summarize", empty), "empty.txt: no article text to summarize"),
        (("summarize", SEED_003, "--words", "abc"), "'abc' is not a valid integer"),
        (("summarize", SEED_003, "--summarizer", "nope"), "unknown summarizer 'nope'"),
    ]:
        result = invoke(*args)
        assert result.exit_code in (1, 2)
        assert message in result.stderr
        assert "Traceback" not in result.output


def test_translate_keeps_line_structure():
    text = (
        "O trem partiu às nove.\n\nA chuva parou. O sol voltou.\n\n\n"
        "Choveu muito ontem em São Paulo.\n   \nFim.\n"
    )
    result = invoke("translate", input=text.encode())
    assert result.exit_code == 0
    out = result.stdout.split("\n")
    assert len(out) == len(text.split("\n"))
    assert [bool(x.strip()) for x in out] == [bool(x.strip()) for x in text.split("\n")]
    assert "train" in out[0] and "rain" in out[2] and "sun" in out[2]
    assert "São Paulo" in out[5]


def test_translate_a_very_long_line_stays_one_line():
    line = " ".join(f"O prefeito inaugurou a escola número {i} nesta manhã." for i in range(60))
    result = invoke("translate", input=(line + "\nFim.\n").encode())
    out = result.stdout.splitlines()
    assert len(out) == 2
    assert out[0].count("school") >= 55 and "59" in out[0]


def test_translate_reads_cp1252_with_a_warning(tmp_path):
    f = tmp_path / "latin.txt"
    f.write_bytes("A reunião terminou às três horas.\n".encode("cp1252"))
    result = invoke("translate", f)
    assert result.exit_code == 0
    assert "meeting" in result.stdout
    assert "latin.txt: not UTF-8, read as cp1252" in result.stderr


def test_translate_english_to_portuguese():
    result = invoke("translate", "--src", "en", "--tgt", "pt", input=b"The rain stopped.\n")
    assert "chuva" in result.stdout.lower()


def test_translate_user_errors_are_one_line(tmp_path):
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"abc\x00def\n")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"linha boa\nlinha \x81\x8d ruim\n")
    for args, message in [
        (("translate", "--src", "pt", "--tgt", "fr"), "no pt→fr model"),
        (("translate", binary), "bin.txt: binary data on line 1"),
        (("translate", bad), "bad.txt: line 2 is neither UTF-8 nor cp1252 text"),
        (("translate", tmp_path / "nope.txt"), "cannot read (No such file or directory)"),
    ]:
        result = invoke(*args)
        assert result.exit_code in (1, 2), args
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) <= 3 and "Traceback" not in result.output


def test_translate_streams_before_input_ends():
    proc = subprocess.Popen(
        [sys.executable, "-m", "digest", "translate"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        proc.stdin.write(b"A chuva parou ontem.\n" * 64)
        proc.stdin.flush()
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "no output while the input was still open"
        assert b"rain" in proc.stdout.readline()
        assert proc.poll() is None  # still waiting for the rest of the input
    finally:
        proc.stdin.close()
        rest = proc.stdout.read().splitlines()
        proc.wait(timeout=60)
    assert len(rest) == 63
