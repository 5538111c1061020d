"""Split a cleaned file into stories, and Portuguese text into sentences."""
from __future__ import annotations

import re
from collections.abc import Iterator

from .clean import Cleaned

# Tokens that end with a period without ending the sentence (lower-cased, no period).
ABBREVIATIONS = set("""sr sra srs sras srta dr dra drs dras prof profa profs gen cel cap
    ten sgt maj brig alm gov pres dep sen min des eng arq adv av pç r rod km art arts inc
    ltda cia fig cf pág pp p vol ed ex nº n núm tel obs jan fev mar abr mai jun jul ago
    set out nov dez seg ter qua qui sex sáb dom s.a a.c d.c p.ex e.g i.e
    mr mrs ms jr st vs""".split())

# A candidate sentence end: terminal punctuation, closing quotes or brackets, space,
# then something that can open a sentence.
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[—–-]?[A-ZÀ-Ý0-9])")
_OPEN_CLOSE = {"“": "”", "«": "»"}


def _inside_quote(text: str, pos: int) -> bool:
    """True when `pos` lies inside a quotation that closes later in the same text."""
    before, after = text[:pos], text[pos:]
    for o, c in _OPEN_CLOSE.items():
        if before.count(o) > before.count(c) and c in after:
            return True
    return before.count('"') % 2 == 1 and '"' in after


def sentences(text: str) -> list[str]:
    """Portuguese sentences of a paragraph.

    Survives abbreviations ("Sr.", "Av."), initials ("John F. Kennedy"), numbers
    ("15.000", "9,4 km"), day markers ("quarta-feira (6).") and quotations: a sentence
    that ends inside a quote closing later ("“Sim. Não”, disse") is not cut there.
    """
    out, start = [], 0
    for m in _END.finditer(text):
        token = text[start:m.start()].rsplit(maxsplit=1)[-1:] or [""]
        token = token[0].lstrip("(“\"'«").lower()
        if m.group().startswith(".") and (
            token in ABBREVIATIONS or re.fullmatch(r"[^\W\d_]", token)
        ):
            continue
        if _inside_quote(text[start:], m.end() - start):
            continue
        out.append(text[start:m.end()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def word_count(text: str) -> int:
    return len(text.split())


def is_heading(block: str) -> bool:
    """A short line that does not end like a sentence: a headline or a sub-heading."""
    return (
        word_count(block) <= 25
        and not re.search(r"[.!:;,…]\W*$", block)
        and not block[0].islower()
    )


# A news lede anchors its story in time relative to publication: "nesta segunda-feira
# (21)", "desta sexta-feira", "nesta semana", "hoje", "ontem".
_LEDE_TIME = re.compile(
    r"\b(?:[nd]est[ae](?:\s+últim[ao])?\s+(?:segunda|terça|quarta|quinta|sexta|sábado|"
    r"domingo|semana|manhã|tarde|noite|madrugada)|hoje|ontem)\b",
    re.IGNORECASE,
)


def _opens_story(blocks: list[str], i: int, body_so_far: int) -> bool:
    """Is blocks[i] the headline of a new story rather than a sub-heading?

    A new story needs all of: a story already under way (some body before), a
    headline-like line (a heading of at least six words: sub-headings are mostly
    short labels), and a following paragraph that reads as a lede, anchoring the
    news in time in its first sentence. Sub-headings rarely meet the last two.
    """
    if body_so_far == 0 or i + 1 >= len(blocks) or is_heading(blocks[i + 1]):
        return False
    if not is_heading(blocks[i]) or word_count(blocks[i]) < 6:
        return False
    lede = sentences(blocks[i + 1])[0]
    return bool(_LEDE_TIME.search(lede))


def _title_of(blocks: list[str]) -> str | None:
    """The first block when it reads as a headline (short, one sentence)."""
    first = blocks[0]
    if len(blocks) > 1 and (is_heading(first) or (
            word_count(first) <= 25 and len(sentences(first)) == 1)):
        return first.rstrip(".")
    return None


def short_title(text: str, limit: int = 12) -> str:
    """A title made from a text's first sentence, cut at `limit` words."""
    first = sentences(text)[0].split()
    return " ".join(first[:limit]).rstrip(".,;:") + ("…" if len(first) > limit else "")


def stories(cleaned: Cleaned) -> Iterator[tuple[str, list[str]]]:
    """(title, body paragraphs) for each story in a cleaned file; headings are dropped."""
    blocks = cleaned.blocks
    if not blocks:
        return
    title = _title_of(blocks)
    i = 1 if title else 0
    body: list[str] = []
    while i < len(blocks):
        block = blocks[i]
        if i in cleaned.breaks or _opens_story(blocks, i, len(body)):
            if body:
                yield title or short_title(body[0]), body
            title, body = block, []
        elif not body or not is_heading(block) or i + 1 == len(blocks):
            body.append(block)  # a heading right under the title is its standfirst
        i += 1
    if body:
        yield title or short_title(body[0]), body
    elif title:
        yield title, [title]
