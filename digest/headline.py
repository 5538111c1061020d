"""What reads as a headline, and a headline made from a sentence when a page has none."""

from __future__ import annotations

import re

from .sentence import first_sentence, sentences, word_count


def is_heading(block: str) -> bool:
    """A short line that does not end like a sentence: a headline or a sub-heading."""
    return (
        word_count(block) <= 25 and not re.search(r"[.!:;,…]\W*$", block) and not block[0].islower()
    )


def headline_like(block: str) -> bool:
    """One sentence of 4 to 25 words, opening with a capital or a digit (after any
    quotation mark), not ending in ':' ',' or ';'."""
    first = block.lstrip("\"'“‘«([")[:1]
    return (
        4 <= word_count(block) <= 25
        and (first.isupper() or first.isdigit())
        and not re.search(r"[:,;]\W*$", block)
        and len(sentences(block)) == 1
    )


def title_of(blocks: list[str]) -> str | None:
    """The first block when it reads as a headline (short, one sentence)."""
    first = blocks[0]
    if len(blocks) > 1 and (
        is_heading(first) or (word_count(first) <= 25 and len(sentences(first)) == 1)
    ):
        return first.rstrip(".")
    return None


# A dateline that opens a lede: "BRASÍLIA - ", "RIO (Reuters) — ".
_DATELINE = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý .]{2,30}(?:\([^)]{1,40}\))?\s*[-–—]\s+")


# A past or future verb ("matou", "morreram", "anunciará"): a clause that has one has
# said what happened; one that has not ("O líder, Kim Jong Un, e o presidente russo")
# goes on past its comma.
_PAST_VERB = re.compile(
    r"\b[^\W\d_]{2,}(?:ou|eu|iu|aram|eram|iram|ará|erá|irá|ava|avam|iam)\b"
    # and in English, for a translation's gist
    r"|\b\w{2,}ed\b|\b(?:was|were|has|have|had|will|said|left|hit|won|lost|"
    r"took|made|fell|rose|met)\b"
)


def main_clause(sentence: str, short: int = 25, clause: int = 8) -> str:
    """A sentence as a headline: without a dateline or asides in parentheses; a
    sentence longer than `short` words ends at the first comma, colon, semicolon or
    dash that has at least `clause` words before it (a subject, its verb and what it
    did), never inside a clause."""
    text = _DATELINE.sub("", sentence.strip())
    text = re.sub(r"\s*\([^()]*\)", "", text)
    if word_count(text) > short:
        parts = re.split(r"(?<=[,;:])(?=\s)|(?=\s[–—]\s)", text)
        head = parts[0]
        for part in parts[1:]:
            if word_count(head) >= clause and _PAST_VERB.search(head):
                break
            head += part
        text = head
    return text.strip().rstrip(".!?…,;:")


def short_title(text: str) -> str:
    """A headline made from a text's first sentence, for a story whose page has none."""
    return main_clause(first_sentence(text))
