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
# How write_atomic names its temporary files, '.NAME.RANDOM.digest-tmp': a lock's
# cleanup takes these and nothing that another program (or a person) put there.
TEMP_SUFFIX = ".digest-tmp"
# The folders below a locked one that digest writes into: OUT/outbox, OUT/sent and
# DATA/pages. Only these and the folder itself are cleaned, not every folder below it.
SUBFOLDERS = ("outbox", "sent", "pages")
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
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
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
    """Delete the temporary files that a killed write_atomic left in `folder` or its
    SUBFOLDERS (call it only while holding the folder's lock, so that no write is under
    way): digest's own, by their name, and no other file."""
    for where in (folder, *(folder / name for name in SUBFOLDERS)):
        for tmp in where.glob(f".*{TEMP_SUFFIX}"):
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
                    raise Busy(
                        f"{path}: another digest run is working in the {what} "
                        f"{folder}; try again when it has finished"
                    ) from None
                time.sleep(0.1)
        try:
            remove_leftovers(folder)
            yield
        finally:
            _unlock(f.fileno())


@contextlib.contextmanager
def all_locked(*folders: tuple[Path, str]) -> Iterator[None]:
    """Hold the lock of each (folder, what it is), in order; a folder named twice (the
    output folder is the data folder) once, as a second lock on it would wait for the
    first."""
    with contextlib.ExitStack() as stack:
        held = set()
        for folder, what in folders:
            where = os.path.realpath(folder)
            if where not in held:
                held.add(where)
                stack.enter_context(locked(folder, what))
        yield


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
