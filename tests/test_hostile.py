"""Every command of `digest --help`, given what a hostile user would give it: each ends
with one error line (after any warnings), with a documented exit status (1 bad input or
settings, 2 bad command line), never a traceback or a hang. Each runs as its own process,
as a shell runs it, with the command line's bytes as they are."""

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from helpers import SEEDS

from digest.cli import main

SEED = SEEDS / "002_92a03ea6e66c8f79.txt"
NOT_UTF8 = os.fsdecode(b"n\xe3o")  # a Latin-1 byte, as the system hands it to Python


@pytest.fixture
def junk(tmp_path, monkeypatch):
    """A folder of what a hostile user has at hand: a folder, a pipe, a binary file, a file
    named with a byte that is not UTF-8, model folders whose config.json is broken, a
    settings file that is not TOML, and an empty corpus."""
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / f"{NOT_UTF8}.txt").write_bytes(SEED.read_bytes())
    for name, config in (("badmodel", "{not json"), ("listmodel", "[1, 2]")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.json").write_text(config)
    (tmp_path / "bad.toml").write_bytes(b"words = \xff\n[[[")
    (tmp_path / "empty-corpus" / "c01").mkdir(parents=True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # `models pull` fails at once, no network
    return tmp_path


def cases(j: Path) -> list[tuple[list[str], int, str]]:
    """(arguments, exit status, what the error line says)."""
    out = str(j / "out")
    return [
        (["run", j / "nope"], 1, "nope: no such file or folder"),
        (["run", j / "pipe"], 1, "pipe: not a file or folder (a pipe, a device)"),
        (["run", SEED, "-o", j / "binary.txt" / "sub"], 1, "cannot use the output folder"),
        (["run", SEED, "-o", j / "binary.txt"], 2, "is a file"),
        (["run", "--date", "2026-13-45"], 2, "is not a date in YYYY-MM-DD form"),
        (["run", "--words", "-5"], 2, "-5 is not in the range"),
        (["run", "--lang", "fr"], 2, "use pt, en or pt,en"),
        (["run", SEED, "-o", out, "--summarizer", "nope"], 1, "unknown summarizer 'nope'"),
        (
            ["run", SEED, "-o", out, "--summarizer", f"hf:{j / 'badmodel'}", "--strict"],
            1,
            "config.json: not a model's config (JSONDecodeError: ",
        ),
        (
            ["run", SEED, "-o", out, "--translator", f"hf:{j / 'listmodel'}", "--strict"],
            1,
            "config.json: not a model's config (not a JSON object)",
        ),
        (["run", SEED, "-o", out, "--summarizer-prompt", j / "pipe"], 1, "pipe is not a file"),
        (
            ["run", SEED, "-o", out, "--summarizer", "hf:~digest-no-user/m"],
            1,
            "~digest-no-user names no user with a home folder",
        ),
        (["--config", j / "bad.toml", "run"], 1, "bad.toml: not valid TOML"),
        (["--config", j / "pipe", "config", "show"], 1, "pipe: a pipe, not a settings file"),
        (["--config", j / "folder", "config", "show"], 2, "is a directory"),
        (["send", "-o", out], 1, "no email briefing for"),
        (["send", "-o", out, "-d", "x"], 2, "'x' is not a date"),
        (["send", "-o", j / "binary.txt"], 2, "is a file"),
        (["schedule", "install", "--at", "25:00", "--input", SEEDS], 1, "use HH:MM"),
        (
            [
                "schedule",
                "install",
                "--at",
                "07:00",
                "--input",
                j / f"{NOT_UTF8}.txt",
                "--tabfile",
                j / "tab",
            ],
            1,
            "a crontab line cannot carry",
        ),
        (["schedule", "show", "--tabfile", j / "pipe"], 1, "a pipe, not a crontab file"),
        (["schedule", "remove", "--tabfile", j / "folder"], 2, "is a directory"),
        (["models", "pull", "../../x"], 1, "model '../../x' could not be downloaded"),
        (["models", "info", j / "badmodel"], 1, "not a model's config"),
        (["models", "info", "~digest-no-user/m"], 1, "names no user with a home folder"),
        (["summarize", j / "nope"], 1, "cannot read (No such file or directory)"),
        (["summarize", j / "binary.txt"], 1, "no article text to summarize"),
        (["summarize", j / "folder"], 2, "is a directory"),
        (["summarize", "--words", "5", SEED], 2, "5 is not in the range"),
        (["translate", j / "binary.txt"], 1, "binary data on line 3"),
        (["translate", "--src", "fr"], 1, "no fr→en model"),
        (["eval", j / "nope"], 2, "does not exist"),
        (["eval", j / "empty-corpus"], 1, "no article to evaluate"),
        (
            ["eval", j / "empty-corpus", "--save-summaries", j / "empty-corpus" / "s"],
            1,
            "inside the corpus",
        ),
    ]


def digest_process(*args, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "digest", *map(os.fsencode, args)],
        input=stdin,
        capture_output=True,
        timeout=60,
        env=os.environ,
    )


def test_every_command_on_hostile_input_is_one_error_line_and_a_documented_status(junk):
    tried = set()
    for args, status, said in cases(junk):
        done = digest_process(*args)
        stderr = done.stderr.decode("utf-8", "replace")
        assert done.returncode == status, (args, stderr)
        assert "Traceback" not in stderr, (args, stderr)
        lines = stderr.splitlines()
        (error,) = [line for line in lines if line.startswith("Error: ")]
        assert said in error, (args, error)
        if status == 2:  # click's usage line and hint, then the error
            assert lines[0].startswith("Usage: ") and lines[-1] == error
        else:  # warnings, one line each, then the error
            assert lines[-1] == error and all(
                line.startswith("digest: warning: ") for line in lines[:-1]
            ), (args, lines)
        tried.add(command(args))
    # Every command `digest --help` lists, bar those that take no input (tried below).
    assert set(commands(main)) - tried == {"backends", "models list"}


def command(args: list) -> str:
    """The command that `args` run: 'run', 'schedule install'."""
    words = [str(a) for a in args]
    words = words[2:] if words[0] == "--config" else words
    return " ".join(words[:2]) if isinstance(main.commands[words[0]], click.Group) else words[0]


def commands(group: click.Group, prefix: str = "") -> list[str]:
    return [
        name
        for key, cmd in group.commands.items()
        for name in (
            commands(cmd, f"{prefix}{key} ") if isinstance(cmd, click.Group) else [prefix + key]
        )
    ]


@pytest.mark.parametrize("args", [["backends"], ["models", "list"], ["config", "show"]])
def test_the_commands_that_take_no_input_succeed_whatever_the_data_folder_holds(junk, args):
    home = Path(os.environ["DIGEST_HOME"])
    home.mkdir(parents=True)
    (home / "state.db").write_bytes(b"not a database")  # what they do not read
    done = digest_process(*args)
    assert (done.returncode, done.stderr) == (0, b"")


def test_hostile_standard_input_is_read_or_one_line(junk):
    done = digest_process("summarize", "--json", stdin=b"caf\xe9 \xff\xfe " * 20)
    assert done.returncode == 0 and done.stderr == (
        b"digest: warning: <stdin>: not UTF-8, read as cp1252\n"
    )
    assert json.loads(done.stdout)["input"] == "<stdin>"
    done = digest_process("translate", stdin=b"ol\xe1\n\xff\x00\n")
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == b"Error: <stdin>: binary data on line 2"
    done = digest_process("summarize", stdin=b"")
    assert (done.returncode, done.stderr.splitlines()[-1]) == (
        1,
        b"Error: <stdin>: no article text to summarize",
    )
