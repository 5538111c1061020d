"""Hostile input and faults: no hang, no traceback, no lost email; each problem one
line naming the file, folder or setting, with the documented exit status."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DATE, SEEDS, Inbox, aim, cli, dated_run, free_port, seed_text

SEED = SEEDS / "001_f1a4ccf0f197fcc1.txt"


def run_process(*args, timeout=120, user=None, **env):
    """`digest ARGS` as its own process (as cron runs it), optionally as another user."""
    command = [sys.executable, "-m", "digest", *map(str, args)]
    if user:
        env.setdefault("DIGEST_CONFIG", os.devnull)  # the test's own is not theirs to read
        command = [
            "setpriv",
            f"--reuid={user}",
            f"--regid={user}",
            "--clear-groups",
            *command,
        ]  # user: a number; 65534 is nobody (and nogroup)
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **env},
        cwd=Path(__file__).parent.parent,
    )


def one_line_error(done, *words):
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("Error: ") and all(w in line for w in words), line


def test_a_huge_token_or_a_paragraph_without_stops_cannot_stall_a_run(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    blob = "A" * (5 * 2**20)  # a 5 MB base64-like token
    (inbox / "blob.txt").write_text(f"Vazamento de dados\n\nO arquivo dizia {blob} e mais.")
    (inbox / "runon.txt").write_text("Discurso sem fim\n\n" + " ".join(["palavra"] * 700_000))
    done = run_process("run", inbox, "-d", DATE, "-o", tmp_path / "out", timeout=300)
    assert done.returncode == 0, done.stderr
    md = (tmp_path / "out" / f"{DATE}.md").read_text()
    assert len(md) < 20_000  # two bounded stories, in both languages
    # The token is cut to 80 letters before anything reads it, and passed on untranslated;
    # the run-on paragraph is cut to the word budget.
    assert "A" * 81 not in md and "palavra " * 61 not in md


def test_control_bytes_never_reach_the_briefing(tmp_path):
    body = "A chuva forte alagou ruas da zona sul nesta segunda-feira. " * 200  # > 8 KB
    (tmp_path / "a.txt").write_bytes(
        f"Chuva alaga São Paulo\n\n{body}\x00\x1b[31mvermelho\x07 fim.".encode()
    )
    result = dated_run(tmp_path / "a.txt", tmp_path / "out", "-l", "pt")
    assert result.exit_code == 0, result.output
    md = (tmp_path / "out" / f"{DATE}.md").read_text()
    assert not any(c in md for c in "\x00\x1b\x07")


def test_a_line_of_dots_does_not_stall_sentence_splitting(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Título da notícia\n\nO texto diz "
        + "." * 20_000
        + " Depois continua normalmente nesta segunda-feira."
    )
    done = run_process(
        "run", tmp_path / "a.txt", "-d", DATE, "-o", tmp_path / "out", "-l", "pt", timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_a_megabyte_paragraph_does_not_stall_the_text_work(tmp_path):
    """Sentence splitting, what leans on what and the choice of sentences are linear:
    a paragraph of 40,000 short sentences, or one quotation holding them all, takes
    seconds (bench/linear.py measures how long), where the text before each sentence
    read again for every sentence took many minutes."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    short = (
        "O governo anunciou medidas novas. Ele disse que vai ajudar. A reunião "
        "terminou cedo com o Sr. Silva. "
    )
    (inbox / "short.txt").write_text("Medidas do governo\n\n" + short * 11_000)
    (inbox / "quote.txt").write_text("Discurso do Sr. Silva\n\nEle disse: “" + short * 11_000 + "”")
    done = run_process(
        "run", inbox, "-d", DATE, "-o", tmp_path / "out", "-l", "pt", "--words", "40", timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "from 2 articles in 2 files" in done.stdout
    md = (tmp_path / "out" / f"{DATE}.md").read_text()
    assert "O governo anunciou medidas novas." in md and len(md) < 5_000


def _news_page(tag_attributes: str = "") -> str:
    """A news page (seed 001's story as HTML), its article inside a <div TAG_ATTRIBUTES>."""
    title, *body = [line for line in seed_text("001").splitlines() if line.strip()][:8]
    paragraphs = "".join(f"<p>{p}</p>\n" for p in body)
    return (
        f"<html><head><title>{title}</title></head><body><div {tag_attributes}>"
        f"<article><h1>{title}</h1>\n{paragraphs}</article></div></body></html>"
    )


def test_a_tag_with_100000_attributes_is_cut_with_a_warning_naming_the_page(tmp_path):
    page = tmp_path / "crowded.html"
    page.write_text(_news_page(" ".join(f'data-x{i}="{i}"' for i in range(100_000))))
    done = run_process(
        "run", page, "-d", DATE, "-o", tmp_path / "out", "-l", "pt", timeout=60
    )  # libxml2 alone took minutes on it
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"digest: warning: {page}: 1 tag with more than 64 attributes, only the first 64 parsed\n"
    )
    assert "(1 story from 1 article in 1 file)" in done.stdout


def test_html_past_the_cap_is_parsed_up_to_it_with_a_warning(tmp_path, monkeypatch):
    from digest import clean

    html = _news_page()
    monkeypatch.setattr(clean, "MAX_HTML", len(html) - 500)  # the last paragraphs go
    page = tmp_path / "long.html"
    page.write_text(html)
    result = dated_run(page, tmp_path / "out", "-l", "pt")
    assert result.exit_code == 0, result.output
    kb = f"{len(html) / 1024:.0f} KB of HTML, only the first {(len(html) - 500) / 1024:.0f} KB"
    assert result.stderr == f"digest: warning: {page}: {kb} parsed\n"
    assert "(1 story from 1 article in 1 file)" in result.stdout


def test_a_file_whose_name_is_not_utf8_is_read_and_named_byte_for_byte(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    # No source credited: the briefing names the file.
    Path(os.fsdecode(bytes(inbox) + b"/not\xedcia.txt")).write_text(  # Latin-1 "í"
        "Chuva forte alaga ruas de São Paulo\n\nUma chuva forte atingiu a cidade de São "
        "Paulo na manhã desta sexta-feira, alagando ruas da zona sul e provocando a queda "
        "de árvores em vários bairros.\n",
        encoding="utf-8",
    )
    done = run_process("run", inbox, "-d", DATE, "-o", tmp_path / "out", "-l", "pt", "-f", "both")
    assert done.returncode == 0, done.stderr
    assert "(1 story from 1 article in 1 file)" in done.stdout
    md = (tmp_path / "out" / f"{DATE}.md").read_text(encoding="utf-8")
    assert "Fonte: `not\\xedcia.txt`" in md
    assert b"Fonte: not\\xedcia.txt" in (tmp_path / "out" / f"{DATE}.eml").read_bytes()


def test_a_damaged_database_is_one_line_naming_it(tmp_path):
    home = Path(os.environ["DIGEST_HOME"])
    home.mkdir(parents=True)
    (home / "state.db").write_bytes(b"this is not sqlite " * 100)
    result = dated_run(SEED, tmp_path / "out", "-l", "pt")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {home / 'state.db'}: damaged or not a digest database "
        "(file is not a database); move it aside and digest starts a "
        "new one\n"
    )


def test_damaged_article_rows_are_one_warning_and_the_rest_are_used(tmp_path):
    import sqlite3

    assert dated_run(SEEDS, tmp_path, "-l", "pt").exit_code == 0
    home = Path(os.environ["DIGEST_HOME"])
    with sqlite3.connect(home / "state.db") as db:  # as a hand or another program left them
        db.execute("UPDATE articles SET article = '{\"title\": ' WHERE rowid = 2")
        db.execute(
            'UPDATE articles SET article = \'{"title": 5, "paragraphs": []}\' WHERE rowid = 5'
        )
        db.execute("UPDATE articles SET article = '[1, 2]' WHERE rowid = 7")
    db.close()
    result = dated_run(SEEDS, tmp_path, "-l", "pt")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"digest: warning: {home / 'state.db'}: 3 rows of the articles "
        "table damaged, skipped: 2, 5, 7\n"
    )
    assert "from 11 articles in 5 files" in result.stdout  # 14, less the three


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KB tmpfs: writing more gives a real 'No space left on device'."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    yield folder
    subprocess.run(["umount", "--lazy", folder], check=True)


def test_a_full_disk_is_one_line_and_nothing_is_half_written(tiny_disk, tmp_path):
    (tiny_disk / "filler").write_bytes(b"x" * 60_000)
    result = dated_run(SEEDS, tiny_disk, "-l", "pt")
    one_line_error(
        subprocess.CompletedProcess([], result.exit_code, "", result.stderr),
        str(tiny_disk / f"{DATE}.md"),
        "No space left on device",
    )
    assert sorted(p.name for p in tiny_disk.iterdir()) == [".digest.lock", "filler"]
    # Nothing counts as used: with room again, the same run writes the whole briefing.
    (tiny_disk / "filler").unlink()
    again = dated_run(SEEDS, tiny_disk, "-l", "pt")
    assert again.exit_code == 0 and "13 stories from 14 articles" in again.stdout


def test_a_full_disk_under_the_database_is_one_line(tiny_disk, tmp_path):
    (tiny_disk / "filler").write_bytes(b"x" * 50_000)
    result = dated_run(SEEDS, tmp_path / "out", "-l", "pt", env={"DIGEST_HOME": str(tiny_disk)})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith(f"Error: {tiny_disk / 'state.db'}: cannot use the database")


NOBODY = 65534
needs_setpriv = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv"),
    reason="runs digest as the user nobody, which needs root and setpriv",
)


@pytest.fixture
def public_tmp():
    """A folder that another user may enter (pytest's own are root's alone)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="digest-faults-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@needs_setpriv
def test_folders_it_may_not_write_are_one_line_each(public_tmp):
    tmp_path = public_tmp
    locked_out = tmp_path / "readonly"
    locked_out.mkdir(mode=0o755)  # root's: nobody cannot write here
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o777)
    done = run_process(
        "run", SEED, "-d", DATE, "-o", locked_out, "-l", "pt", user=NOBODY, DIGEST_HOME=str(home)
    )
    one_line_error(done, str(locked_out), "Permission denied")
    done = run_process(
        "run",
        SEED,
        "-d",
        DATE,
        "-o",
        home / "out",
        "-l",
        "pt",
        user=NOBODY,
        DIGEST_HOME=str(locked_out / "data"),
    )
    one_line_error(done, str(locked_out / "data"), "Permission denied")


@needs_setpriv
def test_a_folder_it_may_not_read_is_one_warning_and_the_rest_is_read(public_tmp):
    tmp_path = public_tmp
    inbox = tmp_path / "in"
    (inbox / "private").mkdir(parents=True)
    shutil.copy(SEED, inbox)
    shutil.copy(SEED, inbox / "private" / "hidden.txt")
    (inbox / "private").chmod(0o700)  # root's
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o777)
    inbox.chmod(0o755)
    done = run_process(
        "run", inbox, "-d", DATE, "-o", home / "out", "-l", "pt", user=NOBODY, DIGEST_HOME=str(home)
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"digest: warning: {inbox / 'private'}: cannot read the folder "
        "(Permission denied), skipped\n"
    )
    assert "(1 story from 1 article in 1 file)" in done.stdout


def test_the_email_is_in_the_outbox_before_its_articles_count_as_used(tmp_path, monkeypatch):
    from digest.state import State

    inbox = Inbox()
    aim(monkeypatch, inbox, "digest@example.org", "ana@example.org")
    out = tmp_path / "out"

    def crash(*args):  # the disk fills here: after queueing, before marking articles used
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(State, "assign", crash)
    with pytest.raises(OSError):
        dated_run(SEED, out, "-l", "pt", "--send")
    monkeypatch.undo()
    aim(monkeypatch, inbox, "digest@example.org", "ana@example.org")
    assert (out / "outbox" / f"{DATE}.eml").exists()
    inbox.start()
    try:
        sent = cli("send", "-d", DATE, "-o", out)
        assert sent.exit_code == 0 and f"sent {DATE} to ana@example.org" in sent.stdout
        assert cli("send", "-d", DATE, "-o", out).exit_code == 0
        assert len(inbox.envelopes) == 1  # once
    finally:
        inbox.stop()
    # The articles were never marked used: the next day's run still has them.
    again = cli("run", SEED, "-d", "2026-11-23", "-o", out, "-l", "pt")
    assert "(1 story from 1 article in 1 file)" in again.stdout


def test_two_runs_on_one_data_folder_do_not_overlap(tmp_path, monkeypatch):
    from digest import store
    from digest.state import home

    monkeypatch.setattr(store, "LOCK_WAIT", 0.5)
    with store.locked(home(), "data folder"):
        result = dated_run(SEED, tmp_path / "other", "-l", "pt")
    assert result.exit_code == 4
    assert result.stderr == (
        f"Error: {home() / '.digest.lock'}: another digest run is "
        f"working in the data folder {home()}; try again when it has "
        "finished\n"
    )
    assert not (tmp_path / "other" / f"{DATE}.md").exists()


def test_a_refused_smtp_port_keeps_the_message(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGEST_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DIGEST_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("DIGEST_SMTP_SECURITY", "none")
    monkeypatch.setenv("DIGEST_TO", "ana@example.org")
    result = dated_run(SEED, tmp_path, "-l", "pt", "--send")
    assert result.exit_code == 3 and len(result.stderr.splitlines()) == 1
    assert (tmp_path / "outbox" / f"{DATE}.eml").exists()
