"""`digest run` end to end: real files in, a real briefing out."""

import re
import subprocess
import sys

import pytest
from helpers import BOILERPLATE, SEED_000_HEADLINES, cli, seed_ledes, seed_text, within_budget
from markdown_it import MarkdownIt

from digest.clean import detect_lang
from digest.config import SETTINGS


def run(*args):
    return cli("run", *args)


@pytest.fixture(scope="module")
def briefing(tmp_path_factory) -> str:
    from helpers import SEEDS

    out = tmp_path_factory.mktemp("out")
    result = run("--input", SEEDS, "--date", "2026-11-22", "--out", out)
    assert result.exit_code == 0, result.output
    assert "13 stories from 14 articles in 5 files" in result.output
    return (out / "2026-11-22.md").read_text(encoding="utf-8")


def _sections(md: str) -> list[str]:
    """The stories in full, then the 'Also today' list."""
    return re.split(r"\n---\n", md)[1:-1]


SEED_OTHERS = [
    'Putin e líder norte-coreano prometem "reforçar cooperação" antes da cúpula Rússia-EUA',
    "Kim Jong-un promete fazer ‘tudo para ajudar’ a Rússia após reunião com Putin",
    "Putin agradece apoio da Coreia do Norte em cimeira com Kim Jong-un e assina documento "
    "fundamental de relações bilaterais",
]


def test_seeds_give_ten_stories_in_full_and_three_in_one_line(briefing):
    full = _sections(briefing)
    assert len(full) == 10 and "Também hoje" not in briefing  # the rest sit under related
    titles = [re.search(r"^## \d+\. (.+)$", s, re.M)[1] for s in full]
    lines = re.findall(r"^- (.+?) · \*", briefing, re.M)  # in one line, under a story
    assert len(lines) == 3
    assert sorted(titles + lines) == sorted(SEED_000_HEADLINES + SEED_OTHERS)
    ledes = seed_ledes()
    for section in full:
        pt, en = re.search(r"^## .+\n\n(.+)\n\n> \*\*.+\*\*\n>\n> (.+)$", section, re.M).groups()
        assert len(pt.split()) > 15 and len(en.split()) > 15
        assert within_budget(pt, SETTINGS["words"].default, ledes)
        assert detect_lang(pt) == "pt" and detect_lang(en) == "en"
        assert re.search(
            r"^Fontes? · Sources?( \([\d/: ]+\))?: .*(`seeds/00\d_\w+\.txt`|"
            r"Agence France-Presse)$",
            section,
            re.M,
        )
    for line in re.findall(r"^- [^\d].+$", briefing, re.M):
        assert re.fullmatch(r"- .+ · \*.+\* — `seeds/000_87b21344010ebffb\.txt`", line)


def test_the_event_two_outlets_report_leads_the_day(briefing):
    first = _sections(briefing)[0]
    # The headline of one of its two reports (the one whose lede opens the summary).
    head = re.search(r"^## 1\. (.+)$", first, re.M)[1]
    assert head in (
        'Putin e líder norte-coreano prometem "reforçar cooperação" antes da cúpula Rússia-EUA',
        "Kim Jong Un e Putin falam ao telefone e reafirmam o consenso em relação à Ucrânia",
    )
    # Named by its outlet where the page says, by its file (below the folder) where not;
    # dated by its newest report.
    assert re.search(
        r"^Fontes · Sources \(12/08/2025 19:48\): Agence France-Presse, "
        r"`seeds/004_38e46deb90958bc9.txt`$",
        first,
        re.M,
    )
    # Different meetings of the same leaders stay apart, and sit beside it as related.
    assert sum("002_" in s or "003_" in s for s in _sections(briefing)) == 2
    related = re.findall(r"^- (\d+)\\\. ", first.split("Relacionadas · Related:")[1], re.M)
    assert set(related) == {"2", "3", "4"}
    assert [s.split("\n")[1][:10] for s in _sections(briefing)[1:4]] == [
        "## 2. Kim ",
        "## 3. Puti",
        "## 4. Seul",
    ]


def test_briefing_holds_no_boilerplate(briefing):
    lines = briefing.splitlines()
    for _, junk in BOILERPLATE:
        if junk == "Agence France-Presse":
            continue  # removed from the text, credited as the source
        assert junk not in (lines if len(junk.split()) == 1 else briefing)


def test_header_dates_reading_time_and_in_brief(briefing):
    assert briefing.startswith("# Resumo diário · Daily briefing — 2026-11-22\n")
    assert "**Domingo, 22 de novembro de 2026** · *Sunday, 22 November 2026*" in briefing
    minutes = max(1, -(-len(re.findall(r"\S*\w\S*", briefing)) // 230))
    assert f"\n\nLeitura: {minutes} min · Reading time: {minutes} min\n\n" in briefing
    brief = briefing.split("## Em resumo · In brief")[1].split("---")[0]
    assert len(re.findall(r"^\d+\. ", brief, re.M)) == 10
    assert "E mais 3 notícias abaixo. · And 3 more stories below." in brief
    assert "(12/08/2025 19:48): Agence France-Presse, `seeds/004_38e46deb90958bc9.txt`" in briefing
    # In brief says what happened, in whole words: not the headlines again.
    heads = re.findall(r"^## \d+\. (.+)$", briefing, re.M)
    items = re.findall(r"^\d+\. (.+) · \*(.+)\*$", brief, re.M)
    assert len(items) == 10 and all(pt not in heads and pt.endswith(".") for pt, _ in items)


def test_in_brief_says_the_same_in_both_languages(briefing):
    """A line in brief cut from a long lede is translated as cut; a whole lede's line
    is its whole English: the English never ends where the Portuguese does not."""
    from digest.sentence import sentences

    brief = briefing.split("## Em resumo · In brief")[1].split("---")[0]
    items = re.findall(r"^\d+\. (.+) · \*(.+)\*$", brief, re.M)
    stories = _sections(briefing)[: len(items)]
    cut = []
    for (pt, en), story in zip(items, stories, strict=True):
        lede = re.search(r"^## .+\n\n(.+)$", story, re.M)[1]
        english = re.search(r"^> \*\*.+\*\*\n>\n> (.+)$", story, re.M)[1]
        if pt.rstrip(".") == sentences(lede)[0].rstrip("."):
            assert en.rstrip(".") == sentences(english)[0].rstrip("."), (pt, en)
        else:
            cut.append((pt, en))
    assert cut  # the seeds have long ledes
    translated = cli("translate", input="\n".join(pt for pt, _ in cut) + "\n")
    assert translated.output.splitlines() == [en for _, en in cut]


def test_briefing_is_valid_commonmark(briefing):
    tokens = MarkdownIt("commonmark").parse(briefing)
    h2 = [t for t in tokens if t.type == "heading_open" and t.tag == "h2"]
    assert len(h2) == 11  # in brief, ten stories
    assert not any(t.type in ("html_block", "html_inline") for t in tokens)
    html = MarkdownIt("commonmark").render(briefing)
    assert html.count("<blockquote>") == 10
    related = re.findall(r"^- ", briefing, re.M)  # under the stories they relate to
    assert html.count("<li>") == 10 + len(related) and len(related) >= 3


def test_top_0_shows_every_story_in_full(tmp_path, seeds):
    result = run(seeds, "-d", "2026-11-22", "-o", tmp_path, "--top", "0", "-l", "pt")
    assert result.exit_code == 0, result.output
    md = (tmp_path / "2026-11-22.md").read_text()
    assert len(re.findall(r"^## \d+\. ", md, re.M)) == 13 and "Também hoje" not in md


@pytest.mark.parametrize(
    "lang,seed,header,present,absent",
    [
        (
            "pt",
            "001_f1a4ccf0f197fcc1",
            "# Resumo diário — 2026-01-02",
            "Putin",
            ["Daily briefing", "> ", "tradução"],
        ),
        (
            "en",
            "003_3b7088970f3e0a81",
            "# Daily briefing — 2026-01-02",
            "Putin",
            ["Resumo", "Fonte"],
        ),
    ],
)
def test_one_language_only(tmp_path, seeds, lang, seed, header, present, absent):
    result = run(seeds / f"{seed}.txt", "--date", "2026-01-02", "--out", tmp_path, "--lang", lang)
    assert result.exit_code == 0
    md = (tmp_path / "2026-01-02.md").read_text()
    assert md.startswith(header) and present in md
    assert not [text for text in absent if text in md]
    if lang == "en":
        assert " de " not in md.split("---")[1]  # the story is in English


def test_rerun_replaces_the_file_and_leaves_no_temp(tmp_path, seeds):
    target = tmp_path / "2026-11-22.md"
    target.write_text("old")
    result = run(seeds / "004_38e46deb90958bc9.txt", "-d", "2026-11-22", "-o", tmp_path)
    assert result.exit_code == 0
    assert target.read_text().startswith("# Resumo diário")
    # The briefing, and the lock that keeps two runs apart; no temporary file.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".digest.lock", "2026-11-22.md"]


def test_bad_files_are_skipped_with_one_line_each(tmp_path, seeds):
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "empty.txt").write_bytes(b"")
    (inp / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (inp / "bad.txt").write_bytes(b"T\xedtulo\n\nUm texto \x81\x8d inv\xe1lido.")
    (inp / "latin.txt").write_bytes(
        "Chuva forte alaga São Paulo\n\nA chuva desta segunda-feira alagou ruas e "
        "parou o trânsito na zona sul da cidade.".encode("cp1252")
    )
    (inp / "ok.md").write_text((seeds / "003_3b7088970f3e0a81.txt").read_text())
    result = run(inp, "-o", tmp_path / "out", "-d", "2026-11-22")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert any("empty.txt: empty file, skipped" in w for w in warnings)
    assert any("image.txt: binary file, skipped" in w for w in warnings)
    assert any("bad.txt: neither UTF-8 nor cp1252" in w for w in warnings)
    assert any("latin.txt: not UTF-8, read as cp1252" in w for w in warnings)
    md = (tmp_path / "out" / "2026-11-22.md").read_text()
    assert "Chuva forte alaga São Paulo" in md
    assert "2 notícias de 2 artigos" in md


def test_no_readable_article_gives_an_empty_briefing_and_a_warning(tmp_path):
    (tmp_path / "empty.txt").write_text("  \n")
    result = run(tmp_path, "-d", "2026-11-22", "-l", "pt", "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == (
        "digest: warning: no article could be read from the inputs given; the briefing is empty"
    )
    md = (tmp_path / "out" / "2026-11-22.md").read_text()
    assert "0 notícias de 0 artigos" in md and "Em resumo" not in md


def test_missing_input_and_bad_options_are_one_line_errors(tmp_path):
    result = run(tmp_path / "nope")
    assert result.exit_code == 1 and "nope: no such file or folder" in result.stderr
    result = run("--date", "22/11/2026")
    assert result.exit_code == 2 and "not a date in YYYY-MM-DD form" in result.stderr
    result = run("--lang", "fr")
    assert result.exit_code == 2 and "use pt, en or pt,en" in result.stderr


def test_english_article_is_noted_and_not_translated(tmp_path):
    (tmp_path / "en.txt").write_text(
        "Storm hits the coast\n\nA powerful storm hit the coast on Monday, and the "
        "authorities said that thousands of homes were without power for hours."
    )
    assert run(tmp_path / "en.txt", "-o", tmp_path, "-d", "2026-11-22").exit_code == 0
    md = (tmp_path / "2026-11-22.md").read_text()
    assert "Article in English: shown as written." in md
    assert "A powerful storm hit the coast on Monday" in md


def test_markdown_in_titles_is_shown_literally(tmp_path):
    (tmp_path / "x.txt").write_text(
        "Prefeito diz que <script>alert(1)</script> e *nada* mudou\n\nO prefeito falou "
        "nesta segunda-feira sobre o orçamento da cidade e os gastos com obras."
    )
    assert run(tmp_path / "x.txt", "-o", tmp_path, "-d", "2026-11-22", "-l", "pt").exit_code == 0
    html = MarkdownIt("commonmark").render((tmp_path / "2026-11-22.md").read_text())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<em>nada</em>" not in html


# What `--help` may load besides the standard library: click, and platformdirs for the
# default folders the help names. Anything else (torch, numpy, scipy, lxml, trafilatura,
# jinja2, the translation engine...) costs a second or more before the first line shows.
HELP_LOADS = {"click", "digest", "platformdirs"}


def test_help_of_every_command_loads_no_library_but_click():
    """`digest --help` and every command's --help, in a fresh interpreter, import no
    library beyond HELP_LOADS: a heavy import at the top of a module fails here. (How
    long help takes is a matter for bench/, not for a test.)"""
    code = """if True:
        import sys
        before = set(sys.modules)
        import click
        from digest.cli import main

        def paths(command, path):
            yield path
            for name, sub in getattr(command, "commands", {}).items():
                yield from paths(sub, [*path, name])

        for path in list(paths(main, [])):
            main([*path, "--help"], prog_name="digest", standalone_mode=False)
        loaded = {m.partition(".")[0] for m in set(sys.modules) - before}
        print(*sorted(loaded - set(sys.stdlib_module_names)), file=sys.stderr)
    """
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "digest run [OPTIONS]" in done.stdout and "digest schedule install" in done.stdout
    loaded = set(done.stderr.split())
    assert "digest" in loaded and loaded <= HELP_LOADS, loaded


def test_a_folder_is_read_in_order_and_what_is_no_article_file_is_left_alone(tmp_path):
    """Files under a folder are read folder by folder (a/z.txt before a-c.txt), hidden
    files and folders skipped, as are other kinds of file, a pipe, and a symlinked
    folder (a symlinked file is read)."""
    import os

    from digest import load

    inbox, elsewhere = tmp_path / "in", tmp_path / "elsewhere"
    for folder in (inbox / "a", inbox / ".git", elsewhere):
        folder.mkdir(parents=True)
    text = seed_text("003")
    for name in ("a/z.txt", "a-c.txt", "b.md", ".hidden.txt", ".git/x.txt", "notes.pdf"):
        (inbox / name).write_text(text, encoding="utf-8")
    (elsewhere / "y.txt").write_text(text, encoding="utf-8")
    (inbox / "linked").symlink_to(elsewhere, target_is_directory=True)
    (inbox / "c.txt").symlink_to(elsewhere / "y.txt")
    os.mkfifo(inbox / "pipe.txt")
    read = [p.relative_to(inbox).as_posix() for p in dict.fromkeys(a.path for a in load(inbox))]
    assert read == ["a/z.txt", "a-c.txt", "b.md", "c.txt"]


def test_a_large_day_is_read_by_workers_as_one_process_reads_it(tmp_path, monkeypatch):
    """Past PARALLEL files a worker process per core reads them: the same articles in
    the same order, and the same warnings (bad files among them), in the files' order."""
    import logging

    from digest import pipeline

    # A day "large" at 40 files, read 8 at a time: workers take slices in turn, more
    # slices than they are sent ahead, as on a real day of thousands.
    monkeypatch.setattr(pipeline, "PARALLEL", 40)
    monkeypatch.setattr(pipeline, "READ_AT_ONCE", 8)
    texts = [seed_text(s) for s in ("000", "001", "002", "003", "004")]
    files = pipeline.PARALLEL + 30
    for i in range(files):
        body = b"" if i % 23 == 1 else b"\x00\x01" if i % 23 == 2 else texts[i % 5].encode()
        (tmp_path / f"{i:05d}.txt").write_bytes(body)
    said: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: said.append(record.getMessage())
    logging.getLogger("digest").addHandler(handler)
    try:
        in_workers = pipeline.load([tmp_path])
        warned, said[:] = list(said), []
        monkeypatch.setattr(pipeline, "PARALLEL", 10**9)
        in_one = pipeline.load([tmp_path])
    finally:
        logging.getLogger("digest").removeHandler(handler)
    assert in_workers == in_one and len(in_one) > files
    assert warned == said and len(said) == 6
    assert sum("empty file" in w for w in said) == 3


def test_a_script_without_a_main_guard_reads_a_large_day(tmp_path):
    """The worker processes that read a large day never run the caller's own script:
    a plain script calling digest.load at its top level works, and gets what one
    process reads."""
    for i in range(12):
        (tmp_path / f"{i:02d}.txt").write_text(seed_text(f"00{i % 5}"), encoding="utf-8")
    script = tmp_path / "day.py"
    script.write_text(
        "import digest, digest.pipeline as p\n"
        "p.PARALLEL, p.READ_AT_ONCE = 4, 3  # workers from 5 files on, 3 at a time\n"
        f"workers = digest.load([{str(tmp_path)!r}])\n"
        "p.PARALLEL = 10**9\n"
        f"print(len(workers), workers == digest.load([{str(tmp_path)!r}]))\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    count, same = done.stdout.split()
    assert int(count) > 12 and same == "True"
