"""The daily cron entry: one line in the user's crontab (or a tab file), found by its comment."""
from __future__ import annotations

import datetime as dt
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import DigestError
from .store import write_atomic

COMMENT = "digest: daily briefing"


def executable() -> list[str]:
    """An absolute command that starts this digest: the venv's script, else python -m."""
    python = Path(os.path.abspath(sys.executable))
    script = python.with_name("digest.exe" if os.name == "nt" else "digest")
    return [str(script)] if script.is_file() else [str(python), "-m", "digest"]


def command(inputs: Sequence[Path], out: Path, log: Path,
            config: Path | None, send: bool) -> str:
    """The shell command cron runs: absolute paths only, output appended to `log`."""
    args = executable()
    if config is not None:
        args += ["--config", str(config.resolve())]
    args += ["run", *(f"--input={Path(p).resolve()}" for p in inputs),
             f"--out={out.resolve()}"]
    if send:
        args.append("--send")
    line = " ".join(shlex.quote(a) for a in args)
    return line + f" >> {shlex.quote(str(log.resolve()))} 2>&1"


def _open(tabfile: Path | None):
    from crontab import CronTab

    if tabfile is None:
        try:
            return CronTab(user=True)
        except OSError as exc:
            raise DigestError(f"cannot read your crontab ({exc}); "
                              "--tabfile FILE writes a tab file instead") from None
    try:
        text = tabfile.read_text(encoding="utf-8") if tabfile.exists() else ""
    except OSError as exc:
        raise DigestError(f"{tabfile}: cannot read ({exc.strerror or exc})") from None
    return CronTab(tab=text)


def _save(cron, tabfile: Path | None) -> None:
    if tabfile is None:
        cron.write()
    else:
        write_atomic(tabfile, cron.render())


def install(at: dt.time, line: str, tabfile: Path | None = None) -> str:
    """Put the digest entry in the crontab, replacing an earlier one; returns it."""
    cron = _open(tabfile)
    cron.remove_all(comment=COMMENT)
    job = cron.new(command=line, comment=COMMENT)  # escapes % for cron
    job.setall(f"{at.minute} {at.hour} * * *")
    _save(cron, tabfile)
    return str(job)


def show(tabfile: Path | None = None) -> list[str]:
    """The digest entries in the crontab (none or one)."""
    return [str(job) for job in _open(tabfile).find_comment(COMMENT)]


def remove(tabfile: Path | None = None) -> int:
    """Remove the digest entry; returns how many lines went."""
    cron = _open(tabfile)
    removed = cron.remove_all(comment=COMMENT)
    if removed:
        _save(cron, tabfile)
    return removed
