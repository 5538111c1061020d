"""Files on disk: written so that a crash never leaves half of one behind, and folders
locked so that two runs never work in one at once."""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import Busy, DigestError

# How long a run waits for another to leave a folder before giving up (exit status 4).
LOCK_WAIT = 5.0
# Files get the mode the user's umask gives new files, as open() would (mkstemp's 0600
# would hide a briefing from a web server or a shared folder).
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write `data` to `path` through a temporary file and a rename; a DigestError
    naming the file if the disk refuses (full, read-only, no permission)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise DigestError(f"{path}: cannot write ({exc.strerror or exc})") from None
        raise
    return path


def remove_leftovers(folder: Path) -> None:
    """Delete temporary files that a killed write_atomic left in `folder` or below it
    (call it only while holding the folder's lock, so that no write is under way)."""
    for tmp in folder.rglob(".*.tmp"):
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def locked(folder: Path, what: str = "folder") -> Iterator[None]:
    """Hold FOLDER/.digest.lock for the duration. If another run holds it, wait up to
    LOCK_WAIT seconds, then raise Busy. Leftover temporary files go first."""
    path = folder / ".digest.lock"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        f = path.open("a+")
    except OSError as exc:
        raise DigestError(f"{folder}: cannot use the {what} ({exc.strerror or exc})") from None
    with f:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                _lock(f.fileno())
                break
            except OSError:
                if time.monotonic() >= deadline:
                    raise Busy(f"{path}: another digest run is working in the {what} "
                               f"{folder}; try again when it has finished") from None
                time.sleep(0.1)
        try:
            remove_leftovers(folder)
            yield
        finally:
            _unlock(f.fileno())


if sys.platform == "win32":  # pragma: no cover
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
