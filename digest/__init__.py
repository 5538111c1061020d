"""digest: a dated, bilingual (Portuguese + English) daily briefing from news articles.

The whole daily run is one call, what `digest run` does:

    import digest
    result = digest.run(["seeds"], date="2026-11-22", out="out")
    print(result)                       # out/2026-11-22.md (13 stories from …)

`digest.send(date)` emails a briefing that a run wrote, as `digest send` does.

The run's stages, for callers who want only some of them: `load` (ingest, clean, split),
`build` (cluster, rank, summarize, translate), then `digest.render.render`; the records
they pass are `Article`, `Story` and `Briefing`. Names are imported on first use, so
`import digest` is light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

_API = {
    "run": "pipeline",
    "Result": "pipeline",
    "send": "pipeline",
    "Delivery": "pipeline",
    "load": "pipeline",
    "build": "pipeline",
    "articles_of": "pipeline",
    "Article": "model",
    "Story": "model",
    "Briefing": "model",
    "DigestError": "errors",
    "Options": "backends",
    "Summarizer": "summarize",
    "Translator": "translate",
}
__all__ = ["__version__", *_API]

if TYPE_CHECKING:  # for type checkers: the names as `from digest import …` gives them
    from .backends import Options as Options
    from .errors import DigestError as DigestError
    from .model import Article as Article
    from .model import Briefing as Briefing
    from .model import Story as Story
    from .pipeline import Delivery as Delivery
    from .pipeline import Result as Result
    from .pipeline import articles_of as articles_of
    from .pipeline import build as build
    from .pipeline import load as load
    from .pipeline import run as run
    from .pipeline import send as send
    from .summarize import Summarizer as Summarizer
    from .translate import Translator as Translator


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module 'digest' has no attribute {name!r}")
