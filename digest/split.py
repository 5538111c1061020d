"""Split a cleaned file into stories, and Portuguese text into sentences; tell a
sentence that leans on the one before it from one that stands alone."""
from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence

from .clean import Cleaned, content_words

# Tokens that end with a period without ending the sentence (lower-cased, no period).
ABBREVIATIONS = set("""sr sra srs sras srta dr dra drs dras prof profa profs gen cel cap
    ten sgt maj brig alm gov pres dep sen min des eng arq adv av pç r rod km art arts inc
    ltda cia fig cf pág pp p vol ed ex nº n núm tel obs jan fev mar abr mai jun jul ago
    set out nov dez seg ter qua qui sex sáb dom s.a a.c d.c p.ex e.g i.e
    mr mrs ms jr st vs""".split())

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
            reach = text[max(start, m.start() - _TOKEN_REACH):m.start()]
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
_NOT_NOUNS = set("""que qual quais partir respeito fim medida cerca favor frente
    despeito exemplo mesmo mesma primeira primeiro segunda segundo última último maior
    maioria menor melhor pior""".split())
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
        stems.append(noun[:max(4, len(noun) - 2)])  # encontro/encontros, reunião/reuniões
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
            for word in wanted_verbs.intersection(  # follows the last word before it
                    _AFTER_WORD.findall(previous[-1:] + " " + text)) - named.keys():
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
        out.append(seen and (leans_by_opener(text)
                             or (opener is not None and named.get(opener, i) >= i)
                             or (stem is not None and begun.get(stem, i) < i)))
        seen = seen or bool(text.strip())
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
# Both chosen by 5-fold cross-validation (bench/tune.py) on 100 pages glued from 3-4
# cstnews-dev articles of different stories, every single article and the seeds: out
# of fold the mean exact rate of the three is 0.93; with the setting chosen on all of
# them, 94 of 100 pages come apart exactly (the misses: stories on one subject glued
# side by side, with no time in their ledes), 70 of 70 articles and the 5 seeds do.
# A new story's first blocks share few words with the story before: plain cosine of
# content-word counts, three blocks before the headline against four from it on.
TOPIC_BREAK = 0.1
# A headline that ends with a stop (as a paragraph of one sentence does) must also be
# echoed below it: this share of its content words in the three blocks that follow.
ECHO = 0.5


def headline_like(block: str) -> bool:
    """One sentence of 4 to 25 words, opening with a capital or a digit (after any
    quotation mark), not ending in ':' ',' or ';'."""
    first = block.lstrip("\"'“‘«([")[:1]
    return (4 <= word_count(block) <= 25 and (first.isupper() or first.isdigit())
            and not re.search(r"[:,;]\W*$", block) and len(sentences(block)) == 1)


def _cosine(a: str, b: str) -> float:
    x, y = Counter(content_words(a)), Counter(content_words(b))
    norm = math.sqrt(sum(v * v for v in x.values()) * sum(v * v for v in y.values()))
    return sum(x[t] * y[t] for t in x) / norm if norm else 0.0


def _opens_story(blocks: list[str], i: int, start: int, body: int,
                 topic_break: float = TOPIC_BREAK, echo: float = ECHO) -> bool:
    """Is blocks[i] the headline of a new story, the current one having begun at
    blocks[start] with `body` blocks of text so far?

    It must read as a headline, above a lede (perhaps after a one-line standfirst) that
    does not lean on what came before. Then either the lede anchors the news in time
    under a heading of six words or more (how live pages string stories on one topic
    together), or the text changes subject there: a heading without a final stop
    needs only that; a line ending in a stop must also be echoed by the text below it.
    """
    if body == 0 or i + 1 >= len(blocks) or not headline_like(blocks[i]):
        return False
    lede = i + 1 if not is_heading(blocks[i + 1]) else i + 2
    if lede >= len(blocks) or is_heading(blocks[lede]):
        return False
    first = first_sentence(blocks[lede])
    if leans_by_opener(first):
        return False
    heading = is_heading(blocks[i])
    if heading and word_count(blocks[i]) >= 6 and _LEDE_TIME.search(first):
        return True
    if _cosine(" ".join(blocks[max(start, i - 3):i]), " ".join(blocks[i:i + 4])) >= topic_break:
        return False
    words = set(content_words(blocks[i]))
    echoed = len(words & set(content_words(" ".join(blocks[i + 1:i + 4])))) / (len(words) or 1)
    return heading or echoed >= echo


def title_of(blocks: list[str]) -> str | None:
    """The first block when it reads as a headline (short, one sentence)."""
    first = blocks[0]
    if len(blocks) > 1 and (is_heading(first) or (
            word_count(first) <= 25 and len(sentences(first)) == 1)):
        return first.rstrip(".")
    return None


# A dateline that opens a lede: "BRASÍLIA - ", "RIO (Reuters) — ".
_DATELINE = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý .]{2,30}(?:\([^)]{1,40}\))?\s*[-–—]\s+")


# A past or future verb ("matou", "morreram", "anunciará"): a clause that has one has
# said what happened; one that has not ("O líder, Kim Jong Un, e o presidente russo")
# goes on past its comma.
_PAST_VERB = re.compile(r"\b[^\W\d_]{2,}(?:ou|eu|iu|aram|eram|iram|ará|erá|irá|ava|avam|iam)\b"
                        # and in English, for a translation's gist
                        r"|\b\w{2,}ed\b|\b(?:was|were|has|have|had|will|said|left|hit|won|lost|"
                        r"took|made|fell|rose|met)\b")


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


def stories(cleaned: Cleaned, topic_break: float = TOPIC_BREAK,
            echo: float = ECHO) -> Iterator[tuple[str, list[str]]]:
    """(title, body paragraphs) for each story in a cleaned file; headings are dropped."""
    blocks = cleaned.blocks
    if not blocks:
        return
    title = title_of(blocks)
    i, start = (1 if title else 0), 0
    body: list[str] = []
    while i < len(blocks):
        block = blocks[i]
        if i in cleaned.breaks or _opens_story(blocks, i, start, len(body), topic_break,
                                               echo):
            if body:
                yield title or short_title(body[0]), body
            title, body, start = block.rstrip("."), [], i
        elif not body or not is_heading(block) or i + 1 == len(blocks):
            body.append(block)  # a heading right under the title is its standfirst
        i += 1
    if body:
        yield title or short_title(body[0]), body
    elif title:
        yield title, [title]
