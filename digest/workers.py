"""Python's text work on every core: a worker process per core for a long list of
items (files to read, articles to tokenize), for the stages whose work is Python's own
and so holds one core per process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol, TypeVar

from .errors import DigestError

T = TypeVar("T")


class Sliceable(Protocol):
    """A list, or anything that makes its items when sliced."""

    def __len__(self) -> int: ...
    def __getitem__(self, at: slice) -> Any: ...


def each(
    work: Callable[[Any], T],
    items: Sliceable,
    at_once: int,
    parallel: int,
    doing: str,
) -> Iterator[T]:
    """work(a slice of `items`), `at_once` items at a time, in order: by a worker
    process per core when there are more than `parallel` items, else here. Each worker
    is a fresh `python -c` reading slices from its stdin and writing results to its
    stdout (pickled): it holds none of this process's files or locks, ends with it, and
    never imports the caller's own script (as multiprocessing's spawned workers would,
    so that a script calling digest.run without a __main__ guard would fail). `work` is
    a module-level function of digest; `doing` names it in the error if a worker dies."""
    import os
    import pickle
    import subprocess
    import sys
    import threading

    # Each slice taken when it is sent: `items` may make its items as they are sliced.
    starts = range(0, len(items), at_once)
    cores = min(os.cpu_count() or 1, len(starts))
    if len(items) <= parallel or cores < 2:
        yield from (work(items[i : i + at_once]) for i in starts)
        return
    here = str(Path(__file__).resolve().parent.parent)  # this digest, not another
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([here, os.environ.get("PYTHONPATH", "")])}
    call = f"from digest.workers import serve; serve({work.__module__!r}, {work.__name__!r})"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", call], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        for _ in range(cores)
    ]

    def feed(n: int) -> None:
        """Worker n's slices (every cores-th), as fast as it takes them: a thread of
        its own, so that writing never waits on a worker that waits to be read."""
        stream = workers[n].stdin
        assert stream is not None
        try:
            with stream:
                for i in starts[n::cores]:
                    pickle.dump(items[i : i + at_once], stream)
                    stream.flush()
        except (BrokenPipeError, ValueError):  # the worker, or the run, is gone
            pass

    feeders = [threading.Thread(target=feed, args=(n,), daemon=True) for n in range(cores)]
    try:
        for feeder in feeders:
            feeder.start()
        for i in range(len(starts)):
            stream = workers[i % cores].stdout
            assert stream is not None
            try:
                yield pickle.load(stream)
            except EOFError:
                raise DigestError(f"a worker {doing} stopped (its error above)") from None
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()


def serve(module: str, name: str) -> None:
    """A worker of `each`: module.name of each slice on stdin, to stdout."""
    import importlib
    import pickle
    import sys

    work = getattr(importlib.import_module(module), name)
    while True:
        try:
            items = pickle.load(sys.stdin.buffer)
        except EOFError:
            return
        try:
            pickle.dump(work(items), sys.stdout.buffer)
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # the run is gone
            return
