"""The daily cron entry: one line in the user's crontab (or a tab file), marked by the
comment at its end.

The crontab is edited as text, one line at a time: installing replaces or adds the
marked line, removing deletes it, and every other byte (variables such as PATH and
MAILTO, @reboot and @monthly lines, spacing, quoting, comments, blank lines, a last line
without a newline) stays as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .config import expand
from .errors import DigestError
from .store import write_atomic

COMMENT = "digest: daily briefing"
MARK = f" # {COMMENT}"  # how the entry's line ends; sh takes it for a comment
# What cron cannot pass on in a command: a line break ends the entry (and what follows
# would be a line of its own, run every minute), NUL ends the text, a byte that is not
# UTF-8 cannot be written in this text, and a backslash before a % cannot be written at
# all: cron reads "\%" as "%", and "\\%" as two backslashes and the end of the command.
UNCARRIED = re.compile(r"[\n\r\x00\udc80-\udcff]|\\%")


def executable() -> list[str]:
    """An absolute command that starts this digest: the venv's script, else python -m."""
    python = Path(os.path.abspath(sys.executable))
    script = python.with_name("digest.exe" if os.name == "nt" else "digest")
    return [str(script)] if script.is_file() else [str(python), "-m", "digest"]


def command(
    inputs: Sequence[Path],
    out: Path,
    log: Path,
    config: Path | None,
    send: bool,
    templates: Path | None = None,
) -> str:
    """The shell command cron runs: absolute paths only, output appended to `log`; a
    DigestError naming the option whose path a crontab line cannot carry. `templates`
    is the templates folder when DIGEST_TEMPLATES gave it (the settings file's comes
    with --config)."""
    program, *rest = executable()
    args = [_carried("the digest program", program), *rest]
    if config is not None:
        args += ["--config", _carried("--config", config.resolve())]
    args += [
        "run",
        *(f"--input={_carried('--input', Path(p).resolve())}" for p in inputs),
        f"--out={_carried('--out', out.resolve())}",
    ]
    if send:
        args.append("--send")
    line = " ".join(shlex.quote(a) for a in args)
    if os.environ.get("DIGEST_HOME"):  # the data folder in use now, not cron's default
        home = expand(Path(os.environ["DIGEST_HOME"]), "DIGEST_HOME").resolve()
        line = f"DIGEST_HOME={shlex.quote(_carried('DIGEST_HOME', home))} {line}"
    if templates is not None:  # cron has none of this session's variables
        folder = _carried("DIGEST_TEMPLATES", templates.resolve())
        line = f"DIGEST_TEMPLATES={shlex.quote(folder)} {line}"
    return line + f" >> {shlex.quote(_carried('--log', log.resolve()))} 2>&1"


def _carried(option: str, path: Path | str) -> str:
    text = str(path)
    if UNCARRIED.search(text):
        raise DigestError(
            f"{option}: {text!r}: a crontab line cannot carry a line break, "
            "a NUL, a byte that is not UTF-8 or a backslash before a %"
        )
    return text


def _is_entry(line: str) -> bool:
    return line.rstrip("\r").endswith(MARK)


def _read(tabfile: Path | None) -> str:
    """The crontab's text; bytes that are not UTF-8 kept as they are (surrogateescape)."""
    if tabfile is not None:
        if tabfile.is_fifo():  # reading one waits for a writer that may never come
            raise DigestError(f"{tabfile}: a pipe, not a crontab file")
        try:
            data = tabfile.read_bytes() if tabfile.exists() else b""
        except OSError as exc:
            raise DigestError(f"{tabfile}: cannot read ({exc.strerror or exc})") from None
        return data.decode("utf-8", "surrogateescape")
    listed = _crontab(["-l"], b"", "read")
    if listed.returncode != 0:
        if b"no crontab for" in listed.stderr:
            return ""
        raise DigestError(
            f"cannot read your crontab ({_said(listed)}); --tabfile FILE writes a tab file instead"
        )
    return listed.stdout.decode("utf-8", "surrogateescape")


def _write(text: str, tabfile: Path | None) -> None:
    data = text.encode("utf-8", "surrogateescape")
    if tabfile is not None:
        write_atomic(tabfile, data)
        return
    done = _crontab(["-"], data, "write")
    if done.returncode != 0:
        raise DigestError(f"cannot write your crontab ({_said(done)})")


def _crontab(args: list[str], data: bytes, what: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            ["crontab", *args], input=data, capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DigestError(
            f"cannot {what} your crontab ({getattr(exc, 'strerror', None) or exc})"
            "; --tabfile FILE writes a tab file instead"
        ) from None


def _said(done: subprocess.CompletedProcess) -> str:
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"crontab exited with status {done.returncode}"


def _edit(text: str, entry: str | None) -> tuple[str, int]:
    """`text` with its digest lines replaced by `entry` (where the first was, else after
    the last whole line), or removed if `entry` is None; and how many there were."""
    *lines, tail = text.split("\n")  # tail: a last line without a newline, or ""
    found = sum(map(_is_entry, [*lines, tail]))
    if _is_entry(tail):
        tail = ""
    kept: list[str] = []
    for line in lines:
        if not _is_entry(line):
            kept.append(line)
        elif entry is not None:
            kept.append(entry)
            entry = None
    if entry is not None:
        # Before an unfinished last line, not after it: that line stays byte for byte,
        # and removing the entry gives back the very text there was.
        kept.append(entry)
    return "".join(f"{line}\n" for line in kept) + tail, found


def install(at: dt.time, line: str, tabfile: Path | None = None) -> str:
    """Put the digest entry in the crontab, replacing an earlier one; returns it."""
    escaped = line.replace("%", "\\%")  # cron turns a bare % into a newline
    entry = f"{at.minute} {at.hour} * * * {escaped}{MARK}"
    _write(_edit(_read(tabfile), entry)[0], tabfile)
    return entry


def show(tabfile: Path | None = None) -> list[str]:
    """The digest entries in the crontab (none or one)."""
    return [line.rstrip("\r") for line in _read(tabfile).split("\n") if _is_entry(line)]


def remove(tabfile: Path | None = None) -> int:
    """Remove the digest entry; returns how many lines went."""
    text, removed = _edit(_read(tabfile), None)
    if removed:
        _write(text, tabfile)
    return removed
