"""Every bench at its tiny size, run as a user runs it (`python bench/NAME.py ...`), and
checked for what it prints: the shape of its table, and the lines that say it measured
what it claims (same briefing, identical outputs, lines in = lines out, the settings it
chose), never its timings. So that they cost little time, the selected benches start
together (a module fixture) and share the cores; each test waits for its own.

Most are marked slow: even tiny, a bench runs digest and its peers as whole processes,
each size afresh (hf_batching imports torch in three), 9 to 60 s each on 2 busy cores.
What they run keeps quick tests of its own; the quick run keeps the two cheapest benches.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest
from helpers import CSTNEWS, ROOT

from digest.cluster import THRESHOLD
from digest.config import SETTINGS

BENCHES = {  # a bench and its tiny size; the longest first, as they start in this order
    "hf_batching": ["--tiny", "-n", "2"],
    "scale": ["--sizes", "10,20", "--translate", "10", "--repeats", "2"],
    "pipeline": ["-n", "6", "--repeats", "2"],
    "rerun": ["-n", "6"],
    "follow": ["-n", "10", "--days", "2", "--repeats", "2"],
    "translate": ["--lines", "10", "--headlines", "3"],
    "linear": ["--sizes", "0.02,0.04", "--attributes", "200,400"],
    "tune": ["--stories", "4", "--shuffles", "1", "--folds", "2", "--coarse"],
    "grouping": ["-n", "60"],
    "stages": ["-n", "30", "--lang", "pt,en"],
}
NEEDS_CORPUS = {"tune", "grouping"}
NUMBER = r"\d+(?:\.\d+)?"


@pytest.fixture(scope="module")
def benches(request, tmp_path_factory):
    """The benches whose tests were selected, started at once: name → (process, stdout
    file, stderr file)."""
    tests = {
        item.name
        for item in request.session.items
        if getattr(item, "module", None) is sys.modules[__name__]
    }
    names = [
        name
        for name in BENCHES
        if f"test_{name}" in tests and (name not in NEEDS_CORPUS or CSTNEWS.is_dir())
    ]
    folder = tmp_path_factory.mktemp("benches")
    started = {}
    for name in names:
        out, err = folder / f"{name}.out", folder / f"{name}.err"
        with out.open("w") as stdout, err.open("w") as stderr:
            started[name] = (
                subprocess.Popen(
                    [sys.executable, str(ROOT / "bench" / f"{name}.py"), *BENCHES[name]],
                    cwd=ROOT,
                    stdout=stdout,
                    stderr=stderr,
                    start_new_session=True,
                ),
                out,
                err,
            )
    yield started
    for process, _, _ in started.values():
        if process.poll() is None:  # its test failed first: stop it and what it started
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def printed(benches, name: str) -> list[str]:
    """The lines a bench printed, once it has exited without error."""
    if name not in benches:
        pytest.skip(f"the evaluation corpus is not beside the repo ({CSTNEWS})")
    process, out, err = benches[name]
    assert process.wait(timeout=300) == 0, err.read_text()
    return out.read_text().splitlines()


def table(lines: list[str], columns: list[str], names: list[str], numbers: int) -> None:
    """`lines` are a header naming `columns`, then one row per name with `numbers` figures."""
    assert lines[0].split() == " ".join(columns).split()
    assert len(lines) == 1 + len(names)
    for line, name in zip(lines[1:], names):
        assert re.fullmatch(r"\s*" + re.escape(name) + rf"(\s+{NUMBER}){{{numbers}}}", line), line


def all_cached(line: str) -> None:
    """The line saying the run translated some sentences, each found in its cache after."""
    sentences = re.fullmatch(
        r"(\d+) distinct sentences translated, all of them found in the "
        r"run's cache",
        line,
    )
    assert sentences and int(sentences[1]) > 0


@pytest.mark.slow
def test_pipeline(benches):
    lines = printed(benches, "pipeline")
    assert re.fullmatch(
        r"6 synthetic files; `digest run --top 0 --minutes 0`: \d+ stories "
        r"from \d+ articles in 6 files; \d+ cores",
        lines[0],
    )
    all_cached(lines[1])
    assert lines[2] == "each measured 2 times, taking turns; the run of median time:"
    table(
        lines[3:8],
        ["seconds", "articles/s", "peak RSS MB"],
        [
            "pipeline (digest run)",
            "engine alone (ceiling)",
            "summarize stage (ours)",
            "sumy LexRank (summ. only)",
        ],
        3,
    )
    assert re.fullmatch(
        rf"pipeline / engine ceiling: {NUMBER}% of the engine's speed \(turn by turn, the "
        r"median\)",
        lines[8],
    )
    best = re.fullmatch(
        rf"at best ({NUMBER})%, were the run's CPU time \({NUMBER} s\) spread over its \d+ "
        rf"cores from start to end \(turn by turn, the median\); the engine alone keeps "
        rf"{NUMBER} cores busy",
        lines[9],
    )
    assert best and float(best[1]) <= 100
    assert re.fullmatch(
        rf"summarize: ours takes {NUMBER}x LexRank.s time \(turn by turn, the median; .+\)",
        lines[10],
    )
    assert re.fullmatch(rf"engine: {NUMBER} sentences/s on \d+ threads", lines[11])
    assert re.fullmatch(
        rf"editor \(ranking, related stories\): \d+ ms on \d+ stories, "
        rf"{NUMBER}% of the pipeline",
        lines[12],
    )
    turn = rf"{NUMBER}, {NUMBER}, {NUMBER}, {NUMBER} s"
    assert re.fullmatch(rf"each turn, pipeline, engine, ours, LexRank: {turn}; {turn}", lines[13])
    assert len(lines) == 14


@pytest.mark.slow
def test_scale(benches):
    lines = printed(benches, "scale")
    assert lines[0].startswith("synthetic articles through `digest run --lang pt`")
    table(
        lines[1:4],
        ["articles", "read as", "stories", "seconds", "articles/s", "peak RSS MB"],
        ["10", "20"],
        5,
    )
    assert re.fullmatch(
        rf"time per article at 20 is {NUMBER}x that at 10 \(target: at most "
        r"1.5x\)",
        lines[4],
    )
    assert re.fullmatch(
        rf"20 articles: {NUMBER} s, \d+ MB peak \(targets at 100000: under "
        r"180 s and 2048 MB\)",
        lines[5],
    )
    assert re.fullmatch(
        r"with translation, 10 articles: `digest run --lang pt,en --top 0`: "
        r"\d+ stories from \d+ articles in 10 files",
        lines[6],
    )
    all_cached(lines[7])
    assert lines[8] == "each measured 2 times, taking turns; the medians (peak RSS: the largest):"
    table(
        lines[9:12],
        ["seconds", "sentences/s", "peak RSS MB"],
        ["digest run (whole)", "engine alone (ceiling)"],
        3,
    )
    assert re.fullmatch(
        rf"the same run without English \(`--lang pt --top 0`\): {NUMBER} s; "
        rf"translation adds -?{NUMBER} s: ({NUMBER} sentences/s, \d+% of the "
        r"engine's speed \(turn by turn, the median\)|nothing measurable)",
        lines[12],
    )
    turn = rf"{NUMBER}, {NUMBER}, {NUMBER} s \((\d+|inf)%\)"
    assert re.fullmatch(
        rf"each turn, with English, without, the engine alone: {turn}; {turn}", lines[13]
    )
    assert len(lines) == 14


def test_rerun(benches):
    lines = printed(benches, "rerun")
    assert re.fullmatch(r"6 synthetic files, \d+ cores; `digest run`, whole process", lines[0])
    cold = re.fullmatch(
        rf"cold run +{NUMBER} s +\((\d+ stories from \d+ articles in 6 "
        r"files)\)",
        lines[1],
    )
    warm = re.fullmatch(
        rf"warm re-run +{NUMBER} s +\((.+); (\d+) summaries from the cache; "
        r"(\d+) translations from the cache\)",
        lines[2],
    )
    assert cold and warm and warm[1] == cold[1]
    # Every summary (one per story shown in full) and translation from the cache.
    assert int(warm[2]) == min(int(cold[1].split()[0]), SETTINGS["top"].default)
    assert int(warm[3]) > 0
    assert re.fullmatch(rf"warm re-run is {NUMBER}x faster; same briefing: yes", lines[3])
    assert len(lines) == 4


@pytest.mark.slow
def test_translate(benches):
    lines = printed(benches, "translate")
    assert re.fullmatch(r"10 lines \(9 with text, \d+ words\), \d+ cores", lines[0])
    table(
        lines[1:4],
        ["seconds", "lines/s", "lines out", "round-trip chrF"],
        ["digest translate", "engine directly"],
        4,
    )
    for row in lines[2:4]:
        assert row.split()[-2] == "10"  # lines in = lines out
    assert re.fullmatch(
        r"digest translate runs at \d+% of the engine's speed; \d+/9 lines "
        r"identical to the engine's output",
        lines[4],
    )
    faithful = r"\d+/(\d+) faithful, \d+ with a number the Portuguese lacks"
    figures = re.fullmatch(
        rf"figures \(numbers_check.py, the (\d+) lines with digits\): "
        rf"digest {faithful}; engine {faithful}",
        lines[5],
    )
    assert (figures and figures[1] == figures[2] == figures[3] != "0") or re.fullmatch(
        r"figures: not scored \(.+ is not beside the repository\)", lines[5]
    )
    ways = (
        rf"digest {NUMBER}, without the headline pass {NUMBER}, that as a sentence "
        rf"{NUMBER}, engine {NUMBER}"
    )
    assert re.fullmatch(rf"headlines of the sources \(3\), round-trip chrF: {ways}", lines[6])
    for kind, line in zip(("design", "held-out"), lines[7:]):
        assert re.fullmatch(
            rf"headlines.tsv, {kind} \(3\), chrF against the hand "
            rf"translation: {ways}",
            line,
        )
    assert len(lines) == 9


@pytest.mark.slow
def test_tune(benches):
    lines = printed(benches, "tune")
    assert lines[0].endswith(
        ": 4 stories, 12 articles; 2-fold cross-validation over stories, 1 random splits"
    )
    chosen = [line.strip() for line in lines if line.strip().startswith("chosen on all")]
    assert len(chosen) == 4
    # Grouping is chosen by F0.5 (a wrong merge costs more) and scored by F1.
    assert any(
        re.search(
            r"chosen by B-cubed F0\.5; mean B-cubed F1 out of fold: [01]\.\d{3} "
            r"\(precision [01]\.\d{3}, recall [01]\.\d{3}\)$",
            line,
        )
        for line in lines
    )
    # --coarse: each choice is one of the two ends of its grid.
    summaries = re.fullmatch(
        r"chosen on all stories: Knobs\(headline=(\S+), "
        r"concept_position=(\S+), min_words=(\d+), ratio=(\S+)\)  \(.+\)",
        chosen[0],
    )
    assert summaries
    for value, ends in zip(
        summaries.groups(), [("0.0", "1.0"), ("0.0", "2.0"), ("6", "10"), ("0.3", "1.0")]
    ):
        assert value in ends
    assert re.fullmatch(
        r"chosen on all stories: threshold (0\.125|0\.25), day weight "
        r"(0\.0|0\.25|0\.5|0\.75|1\.0), names from lede (0|200), unknown (1|2)  "
        r"\(.+\)",
        chosen[1],
    )
    assert re.fullmatch(r"chosen on all: (0\.04|0\.16)  \(.+\)", chosen[2])
    assert re.fullmatch(
        r"chosen on all: topic_break (0\.05|0\.15), echo (0\.3|0\.6)  \(.+\)", chosen[3]
    )


@pytest.mark.slow
def test_linear(benches):
    lines = printed(benches, "linear")
    assert re.fullmatch(
        r"single-paragraph articles of short sentences through `digest run "
        r"--lang pt` \(whole s\) and a warmed-up `digest.run\(lang=\"pt\"\)` "
        r"\(run s\); \d+ cores",
        lines[0],
    )
    table(
        lines[1:4],
        ["MB", "sentences", "whole s", "run s", "run s/MB", "peak RSS MB"],
        ["0.02", "0.04"],
        5,
    )
    assert re.fullmatch(
        rf"time per MB at 0.04 MB is {NUMBER}x that at 0.02 MB \(target: at "
        rf"most 2x\); 0.04 MB: {NUMBER} s, whole process \(target at 8 MB: "
        r"under 20 s\)",
        lines[4],
    )
    assert lines[5] == "a news page whose one <div> holds N attributes, the same way"
    table(lines[6:9], ["attributes", "KB", "whole s", "run s", "peak RSS MB"], ["200", "400"], 4)
    # The cap bit, and said so, at every size.
    assert re.fullmatch(
        rf"time per attribute at 400 is {NUMBER}x that at 200 \(target: at "
        r"most 2x\); warned each time: yes \(page.html: 1 tag with more "
        r"than 64 attributes, only the first 64 parsed\)",
        lines[9],
    )
    assert len(lines) == 10


@pytest.mark.slow
def test_hf_batching(benches):
    lines = printed(benches, "hf_batching")
    assert lines[0].startswith("tiny T5 (d_model 32, 2+2 layers), random weights")
    assert "; 2 articles of " in lines[0]
    table(
        lines[1:4],
        ["seconds", "articles/s", "peak RSS MB"],
        ["naive loop (pipeline per article)", "digest (batches of 32)"],
        3,
    )
    assert re.fullmatch(rf"digest is {NUMBER}x faster; 2/2 outputs identical", lines[4])
    assert len(lines) == 5


@pytest.mark.slow
def test_follow(benches):
    lines = printed(benches, "follow")
    assert lines[0] == (
        "10 synthetic articles a day, 2 earlier days; `digest run --lang pt`, "
        f"whole process; {os.cpu_count()} cores"
    )
    assert lines[1] == "each measured 2 times, taking turns; the medians:"
    table(lines[2:5], ["seconds", "peak RSS MB"], ["--follow 2", "--follow 0"], 2)
    assert re.fullmatch(
        r"looking back 2 days costs [+-]\d+% \(target: at most \+10%; turn by turn, the "
        r"median: [+-]\d+%, [+-]\d+%\); \d+ of \d+ stories marked as continuing",
        lines[5],
    )
    assert len(lines) == 6


def test_grouping(benches):
    lines = printed(benches, "grouping")
    assert lines[0] == f"60 synthetic files, {lines[0].split()[3]} articles; threshold {THRESHOLD}"
    columns = ["seconds", "stories", "largest", "B-cubed against exact: P, R, F1"]
    assert lines[1].split() == " ".join(columns).split()
    rows = {}
    for line in lines[2:7] + lines[8:10]:
        name, figures = re.fullmatch(rf"(.+?)((?:\s+{NUMBER}){{6}})", line).groups()
        rows.setdefault(name.strip(), []).append([float(f) for f in figures.split()])
    assert len(rows) == 5
    # digest's linkage on every pair is exact: the same grouping as the reference.
    for exact in rows["similarity alone: all pairs"] + rows["event test: all pairs (exact)"]:
        assert exact[3:] == [1.0, 1.0, 1.0]
    assert re.fullmatch(r"real news: cstnews-dev, 70 articles as one day", lines[7])
    assert len(lines) == 10


def test_stages(benches):
    lines = printed(benches, "stages")
    assert re.fullmatch(
        r"`digest.run\(lang='pt,en'\)` on 30 synthetic files \(\d+ stories from "
        r"\d+ articles in 30 files.*\), in one process; \d+ cores",
        lines[0],
    )
    assert lines[1].split() == ["stage", "seconds", "share"]
    rows = [re.fullmatch(rf"(.+?)\s+({NUMBER})\s+(\d+)%", line) for line in lines[2:-1]]
    assert all(rows), lines
    stages = {row[1]: float(row[2]) for row in rows}
    assert len(stages) == len(rows) == 18 and list(stages)[-2:] == ["the rest", "the run"]
    assert rows[-1][3] == "100"
    # each second counted once: the stages and the rest add up to the run
    assert abs(sum(stages.values()) - 2 * stages["the run"]) <= 0.01 * len(stages)
    assert stages["read (files: decode, extract, clean, split)"] > 0
    assert re.fullmatch(r"peak RSS of this process: \d+ MB \(.+\)", lines[-1])
