"""Progress of the long stages on a terminal: a bar on stderr (tqdm) for reading,
fetching, grouping, summarizing and translating, shown once a stage has run DELAY
seconds, and only when stderr is a terminal: never under cron, in a pipe or a log
file, nor after `quiet()` (`digest run -q`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from tqdm import tqdm

DELAY = 2.0  # seconds a stage runs before its bar shows
_quiet = False
T = TypeVar("T")


def quiet(yes: bool = True) -> None:
    """Show no bar from now on (or again, with False)."""
    global _quiet
    _quiet = yes


def shown() -> bool:
    """Whether a bar can show: stderr is a terminal, and no `quiet()`."""
    import sys

    return not _quiet and sys.stderr.isatty()


def bar(
    what: str, total: int | None = None, unit: str = " items", iterable: Iterable[Any] | None = None
) -> tqdm:
    """A bar for `what`, counting `unit` (" files") up to `total`, as `update` is
    called or as `iterable` is gone through; nothing to see where no bar is wanted."""
    import sys

    from tqdm import tqdm

    return tqdm(
        iterable,
        desc=what,
        total=total,
        unit=unit,
        delay=DELAY,
        leave=False,
        file=sys.stderr,
        disable=True if _quiet else None,
        dynamic_ncols=True,
    )


def chunks(items: Sequence[T], what: str, unit: str, size: int) -> Iterator[Sequence[T]]:
    """`items`, `size` at a time, their count shown on a bar for `what`."""
    with bar(what, len(items), unit) as shown:
        for start in range(0, len(items), size):
            yield items[start : start + size]
            shown.update(len(items[start : start + size]))
