"""Where a Portuguese sentence ends, and whether it leans on the one before it (a
summary that takes it must take that one too; a lede that leans opens no story)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

# Tokens that end with a period without ending the sentence (lower-cased, no period).
ABBREVIATIONS = set(
    """sr sra srs sras srta dr dra drs dras prof profa profs gen cel cap
    ten sgt maj brig alm gov pres dep sen min des eng arq adv av pç r rod km art arts inc
    ltda cia fig cf pág pp p vol ed ex nº n núm tel obs jan fev mar abr mai jun jul ago
    set out nov dez seg ter qua qui sex sáb dom s.a a.c d.c p.ex e.g i.e
    mr mrs ms jr st vs""".split()
)

# A candidate sentence end: terminal punctuation, closing quotes or brackets, space,
# then something that can open a sentence. The lookbehind starts a match only at the
# first mark of a run, so a line of 20,000 dots costs one pass, not 20,000.
_END = re.compile(r"(?<![.!?…])[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[—–-]?[A-ZÀ-Ý0-9])")
_OPEN_CLOSE = {"“": "”", "«": "»", '"': '"'}
# The last token before a stop is looked for this far back: no abbreviation is longer.
_TOKEN_REACH = 40
_LETTER = re.compile(r"[^\W\d_]")
_OPENING = re.compile("[" + "".join(_OPEN_CLOSE) + "]")


def sentences(text: str) -> list[str]:
    """Portuguese sentences of a paragraph.

    Survives abbreviations ("Sr.", "Av."), initials ("John F. Kennedy"), numbers
    ("15.000", "9,4 km"), day markers ("quarta-feira (6).") and quotations: a sentence
    that ends inside a quote closing later ("“Sim. Não”, disse") is not cut there.
    Linear in the text: each character is looked at a bounded number of times, however
    long the sentence being built (an unclosed quote, a run of "Sr. Sr. Sr.").
    """
    return list(_each_sentence(text))


def first_sentence(text: str) -> str:
    """The first of a paragraph's sentences, found without splitting the rest."""
    return next(_each_sentence(text), "")


def _each_sentence(text: str) -> Iterator[str]:
    start = 0
    last_close = {c: text.rfind(c) for c in _OPEN_CLOSE.values()}
    latest = max(last_close.values())
    opening = [m.start() for m in _OPENING.finditer(text)]
    # Quotation marks in text[start:counted], counted only in a sentence that opens one
    # and while it may still close.
    counts = dict.fromkeys(_OPEN_CLOSE.keys() | _OPEN_CLOSE.values(), 0)
    counted = 0
    for m in _END.finditer(text):
        end = m.end()
        if text[m.start()] == ".":
            reach = text[max(start, m.start() - _TOKEN_REACH) : m.start()]
            token = (reach.rsplit(maxsplit=1)[-1:] or [""])[0].lstrip("(“\"'«").lower()
            if token in ABBREVIATIONS or _LETTER.fullmatch(token):
                continue
        k = bisect.bisect_left(opening, start)
        if latest >= end and k < len(opening) and opening[k] < end:
            for mark in counts:
                counts[mark] += text.count(mark, counted, end)
            counted = end
            if _inside_quote(counts, last_close, end):
                continue
        yield text[start:end].strip()
        start = counted = end
        counts = dict.fromkeys(counts, 0)
    tail = text[start:].strip()
    if tail:
        yield tail


def _inside_quote(counts: dict[str, int], last_close: dict[str, int], pos: int) -> bool:
    """Whether `pos` lies inside a quotation that closes later in the text: one opened
    (more “ than ” so far in the sentence, or an odd number of ") and closed after `pos`."""
    for o, c in _OPEN_CLOSE.items():
        opened = counts[o] % 2 == 1 if o == c else counts[o] > counts[c]
        if opened and last_close[c] >= pos:
            return True
    return False


# Openers that point back to something said before: pronouns, demonstratives,
# connectives ("Ele disse", "Isso ocorreu", "Além disso", "No entanto", "Segundo ele").
_LEANING_OPENER = re.compile(
    r"^(?:[\"“«(]\s*)?(?:"
    r"el[ea]s?|ess[ea]s?|est[ea]s?|isso|isto|aquil[oa]|aquel[ea]s?|tal|tais|lá|ali|aí|"
    r"seu|sua|seus|suas|dele|dela|deles|delas|nele|nela|"
    r"também|além disso|ademais|no entanto|entretanto|contudo|porém|todavia|mas|e|ou|"
    r"assim|então|portanto|por isso|por sua vez|com isso|desse modo|dessa forma|"
    r"nesse sentido|neste sentido|na ocasião|depois disso|em seguida|mesmo assim|"
    r"por outro lado|ainda assim|o mesmo|a mesma|os mesmos|as mesmas|"
    r"enquanto isso|ao mesmo tempo|paralelamente|o outro|a outra|os outros|as outras|"
    r"(?:segundo|para|conforme|de acordo com|disse|afirmou) (?:el[ea]s?|ess[ea]s?)|"
    # Times that point back: "À época", "Dias depois", "Desde então".
    r"(?:à|na|naquela|nessa) época|desde então|até então|no dia seguinte|"
    r"n(?:ess|aquel)e dia|(?:pouco|logo|dias|horas|minutos|anos|meses|semanas) depois"
    r")\b",
    re.IGNORECASE,
)
# A sentence that opens with a finite verb has its subject in an earlier one
# ("Improvisou o lateral Daniel Alves…"): a capitalised word ending as a past or
# imperfect verb does, unless the text before used it as a name ("Moscou anunciou…").
_VERB_FIRST = re.compile(r"^[\"“«(]?([A-ZÀ-Ý][a-zà-ÿ]+(?:ou|eu|iu|aram|eram|iram|ava|avam))\b")
# A definite noun phrase opening a sentence, possibly after "segundo"/"para"…:
# "O encontro durou…", "Segundo o secretário, …". It leans back when its noun was
# already named earlier in the article (then it is that one: the meeting, the
# secretary), unless a name follows to say who it is.
_DEFINITE = re.compile(
    r"^(?:(?:segundo|para|conforme|de acordo com|na|no|durante)\s+)?"
    r"(?:o|a|os|as|do|da|dos|das|pelo|pela|ao|à)\s+([^\W\d_]{3,})(?P<rest>.{0,40})",
    re.IGNORECASE,
)
# Words after "a"/"o" that are no noun: "a partir de", "ao que parece", "à medida que".
_NOT_NOUNS = set(
    """que qual quais partir respeito fim medida cerca favor frente
    despeito exemplo mesmo mesma primeira primeiro segunda segundo última último maior
    maioria menor melhor pior""".split()
)
_NAME = re.compile(r"^[\s,]*(?:[^\W\d_]+\s+){0,3}?[A-ZÀ-Ý][^\W\d_]+")


def leans_by_opener(sentence: str) -> bool:
    """Whether a sentence opens with a word that points back ("Ele", "Além disso")."""
    return _LEANING_OPENER.match(sentence) is not None


_AFTER_WORD = re.compile(r"(?<=\w )\w+")
_WORD = re.compile(r"\w+")


def leaning(texts: Sequence[str]) -> list[bool]:
    """Whether each of an article's sentences (`texts`, in order) leans on the text
    before it for its sense: a pronoun or connective opener, a sentence opening with a
    verb whose subject came before, or a definite noun phrase that names again something
    already named. The first sentence never leans.

    Linear in the text: what each sentence would need to have been named before it (its
    verb used as a name, its noun's stem) is looked up in one pass over the words, not in
    all the text before it, sentence by sentence.
    """
    verbs: list[str | None] = []
    stems: list[str | None] = []
    for text in texts:
        verb = _VERB_FIRST.match(text)
        verbs.append(verb[1] if verb else None)
        m = _DEFINITE.match(text)
        if not m or m[1][0].isupper() or m[1].lower() in _NOT_NOUNS or _NAME.match(m["rest"]):
            stems.append(None)
            continue
        noun = m[1].lower()
        stems.append(noun[: max(4, len(noun) - 2)])  # encontro/encontros, reunião/reuniões
    wanted_verbs = {v for v in verbs if v}
    wanted_stems = {s for s in stems if s}
    lengths = sorted({len(s) for s in wanted_stems})
    # The first sentence in which each wanted verb is used after a word (as a name, not
    # as an opener: "…o governo de Moscou anunciou"), and in which a word begins with
    # each wanted stem; the scan stops once all are found.
    named: dict[str, int] = {}
    begun: dict[str, int] = {}
    known: set[str] = set()  # the words seen so far
    previous = ""
    for i, text in enumerate(texts):
        if len(named) < len(wanted_verbs):  # as if joined by a space: one's first word
            for word in (
                wanted_verbs.intersection(  # follows the last word before it
                    _AFTER_WORD.findall(previous[-1:] + " " + text)
                )
                - named.keys()
            ):
                named[word] = i
        if len(begun) < len(wanted_stems):
            for word in set(_WORD.findall(text.lower())) - known:
                known.add(word)
                for n in lengths:
                    if n > len(word):
                        break
                    if word[:n] in wanted_stems:
                        begun.setdefault(word[:n], i)
        previous = text
    out = []
    seen = False  # some text before this sentence
    for i, (text, opener, stem) in enumerate(zip(texts, verbs, stems, strict=True)):
        out.append(
            seen
            and (
                leans_by_opener(text)
                or (opener is not None and named.get(opener, i) >= i)
                or (stem is not None and begun.get(stem, i) < i)
            )
        )
        seen = seen or bool(text.strip())
    return out


def word_count(text: str) -> int:
    return len(text.split())
