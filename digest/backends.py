"""Summarizer and translator backends, found by name through entry points.

A backend is a class (or any callable) registered the way a third-party package
registers one, in its `pyproject.toml`; digest's own are registered so too:

    [project.entry-points."digest.summarizers"]
    mine = "my_package:MySummarizer"

`--summarizer mine` then builds `MySummarizer(Options(...))`; `--summarizer mine:ARG`
passes ARG as `Options.model` (that is how `hf:MODEL` works). Every factory gets the
same `Options`, whether it uses them or not. The result must have the protocol's
`name` and `settings` (both go into the cache key) and its one method.
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from .errors import DigestError

GROUPS = {"summarizer": "digest.summarizers", "translator": "digest.translators"}
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


@functools.cache
def registered(kind: str) -> dict[str, EntryPoint]:
    """The installed backends of one kind ('summarizer' or 'translator'), by name."""
    found = entry_points(group=GROUPS[kind])
    return {ep.name: ep for ep in sorted(found, key=lambda ep: ep.name)}


def takes_model(factory: Any) -> bool:
    """Whether a backend is named 'name:MODEL' (it declares `takes_model = True`)."""
    return bool(getattr(factory, "takes_model", False))


def usage(kind: str) -> list[str]:
    """How each installed backend of a kind is named: 'extractive', 'hf:MODEL'."""
    return [f"{name}:MODEL" if takes_model(ep.load()) else name
            for name, ep in registered(kind).items()]


def load(kind: str, name: str, options: Options | None = None) -> Any:
    """The backend called `name` ('extractive', 'hf:recogna-nlp/ptt5-base-summ-xlsum'),
    built with `options`; a DigestError naming the choices if there is none."""
    prefix, colon, model = name.partition(":")
    entry = registered(kind).get(prefix)
    factory = entry.load() if entry is not None else None
    if factory is None or bool(colon) != takes_model(factory) or (colon and not model):
        raise DigestError(f"unknown {kind} {name!r}: choose from {', '.join(usage(kind))}")
    return factory(dataclasses.replace(options or Options(), model=model or None))
