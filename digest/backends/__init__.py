"""Summarizer and translator backends, found by name through entry points.

A backend is a class (or any callable) registered the way a third-party package
registers one, in its `pyproject.toml`; digest's own, the modules beside this one
(extractive, bergamot, hf), are registered so too:

    [project.entry-points."digest.summarizers"]
    mine = "my_package:MySummarizer"

`--summarizer mine` then builds `MySummarizer(Options(...))`; `--summarizer mine:ARG`
passes ARG as `Options.model` (that is how `hf:MODEL` works). Every factory gets the
same `Options`, whether it uses them or not. The result must have the protocol's
`name` and `settings` (both go into the cache key) and its one method.

A plugin is held to that: one that cannot be imported or built, or that fails at its
work or gives what the protocol does not allow, is one line naming it, and a run goes
on with the embedded backend (unless --strict), as it does when a model is missing.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from ..errors import DigestError, Unavailable

log = logging.getLogger("digest")

GROUPS = {"summarizer": "digest.summarizers", "translator": "digest.translators"}
METHODS = {"summarizer": "summarize", "translator": "translate"}
# What a run falls back to when the backend it was given cannot be had or fails.
EMBEDDED = {"summarizer": "extractive", "translator": "bergamot"}
# Texts per batch for model backends: on 2 CPU cores, T5-base decodes fastest at 32.
BATCH_SIZE = 32


@dataclass(frozen=True)
class Options:
    """What every backend factory is given."""

    model: str | None = None  # what follows 'name:' in 'name:MODEL'
    src: str = "pt"
    tgt: str = "en"
    device: str = "auto"
    batch_size: int = BATCH_SIZE
    prompt: Path | None = None
    # The backend's own settings: its [backends.NAME] table in digest.toml.
    settings: Mapping[str, Any] = field(default_factory=dict)


@functools.cache
def registered(kind: str) -> dict[str, EntryPoint]:
    """The installed backends of one kind ('summarizer' or 'translator'), by name."""
    found = entry_points(group=GROUPS[kind])
    return {ep.name: ep for ep in sorted(found, key=lambda ep: ep.name)}


def takes_model(factory: Any) -> bool:
    """Whether a backend is named 'name:MODEL' (it declares `takes_model = True`)."""
    return bool(getattr(factory, "takes_model", False))


def usage(kind: str) -> list[str]:
    """How each installed backend of a kind is named: 'extractive', 'hf:MODEL' (a plugin
    that cannot be loaded by its name alone)."""
    out = []
    for name, entry in registered(kind).items():
        try:
            factory = factory_of(kind, entry)
        except Unavailable:
            factory = None
        out.append(f"{name}:MODEL" if takes_model(factory) else name)
    return out


def factory_of(kind: str, entry: EntryPoint) -> Any:
    """What a backend's entry point names; Unavailable, naming it, if it cannot be had."""
    try:
        return entry.load()
    except Exception as exc:  # a plugin's import can fail in any way
        raise Unavailable(
            f"{kind} {entry.name!r} ({_origin(entry)}) cannot be loaded: {why(exc)}"
        ) from None


def _origin(entry: EntryPoint) -> str:
    return entry.value + (f" from {entry.dist.name} {entry.dist.version}" if entry.dist else "")


def why(exc: BaseException) -> str:
    """An exception as a clause of one line: 'ValueError: bad input'."""
    said = " ".join(str(exc).split())[:300]
    return said if isinstance(exc, DigestError) else f"{type(exc).__name__}: {said}".rstrip(": ")


def load(kind: str, name: str, options: Options | None = None) -> Any:
    """The backend called `name` ('extractive', 'hf:recogna-nlp/ptt5-base-summ-xlsum'),
    built with `options`; a DigestError naming the choices if there is none, and
    Unavailable naming it if it cannot be imported or built, or is no backend."""
    prefix, colon, model = name.partition(":")
    entry = registered(kind).get(prefix)
    factory: Any = factory_of(kind, entry) if entry is not None else None
    if entry is None or bool(colon) != takes_model(factory) or (colon and not model):
        raise DigestError(f"unknown {kind} {name!r}: choose from {', '.join(usage(kind))}")
    try:
        made = factory(dataclasses.replace(options or Options(), model=model or None))
    except DigestError:
        raise
    except Exception as exc:
        raise Unavailable(
            f"{kind} {name} ({_origin(entry)}) could not be built: {why(exc)}"
        ) from None
    if not isinstance(getattr(made, "name", None), str) or not callable(
        getattr(made, METHODS[kind], None)
    ):
        raise Unavailable(
            f"{kind} {name} ({_origin(entry)}) is no {kind}: it has no name "
            f"or no {METHODS[kind]}() method"
        )
    return made


def chosen(
    kind: str,
    name: str,
    options: Options,
    strict: bool = False,
    notes: list[str] | None = None,
    keep: Callable[[Any], Any] = lambda b: b,
) -> Any:
    """The backend `name`, made with `keep` (a cache around it); if it cannot be had,
    the embedded one instead, said on stderr and noted in `notes` for the briefing
    (unless `strict`). A summarizer that fails at its work falls back so too (Guarded);
    a translator's failures cost only the stories it fails on (translate_stories)."""
    fallback = EMBEDDED[kind]
    try:
        made = keep(load(kind, name, options))
    except Unavailable as exc:
        if strict or name == fallback:
            raise
        _fell_back(kind, name, str(exc), notes, "unavailable")
        return keep(load(kind, fallback, options))
    if kind != "summarizer" or name == fallback:
        return made
    return Guarded(made, lambda: keep(load(kind, fallback, options)), strict, notes)


def _fell_back(kind: str, name: str, why: str, notes: list[str] | None, how: str) -> None:
    fallback = EMBEDDED[kind]
    log.warning("%s; using the embedded %s instead", why, fallback)
    if notes is not None:
        what = "summaries" if kind == "summarizer" else "translation"
        notes.append(f"{name} {how}: {what} by the embedded {fallback}")


class Guarded:
    """A summarizer that, once it fails (Unavailable: it raised, or gave what the protocol
    does not allow), gives way to the embedded one for the rest of the run, said on
    stderr and noted for the briefing; with `strict`, its failure is raised instead."""

    def __init__(
        self, primary: Any, fallback: Callable[[], Any], strict: bool, notes: list[str] | None
    ) -> None:
        self.primary, self.current = primary, primary
        self.fallback, self.strict, self.notes = fallback, strict, notes

    @property
    def name(self) -> str:
        """The summarizer whose summaries these are: the fallback's, once it took over."""
        return self.current.name

    @property
    def hits(self) -> int:
        return self.primary.hits + (self.current.hits if self.current is not self.primary else 0)

    def summarize(self, stories: Sequence[Any], words: int) -> list[str]:
        if self.current is self.primary:
            try:
                return self.primary.summarize(stories, words)
            except Unavailable as exc:
                if self.strict:
                    raise
                _fell_back("summarizer", self.primary.name, str(exc), self.notes, "failed")
                self.current = self.fallback()
        return self.current.summarize(stories, words)
