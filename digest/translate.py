"""Put titles and summaries into English, behind one `Translator` protocol: whatever the
backend, it is given sentences, and from Portuguese every figure is checked through and
a glossary applied.
The embedded default, `bergamot`, is digest/backends/bergamot.py.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from .errors import DigestError
from .headline import is_heading
from .model import Story
from .sentence import sentences

log = logging.getLogger("digest")


class Translator(Protocol):
    """What a translator backend is (see digest.backends for how one is registered).

    It may also say its `direction` ("pt-en", "en-pt"); one that does not is taken for
    pt-en, whose figures translate_texts checks whatever the backend."""

    name: str
    settings: str  # all else that shapes the output (direction, model): part of the cache key

    def translate(self, texts: Sequence[str]) -> list[str]:
        """The translation of each text (a sentence or a short line), in order."""
        ...


# The longest piece of text a translator is given: a longer sentence goes in pieces cut
# at spaces, so no input (a run-on paragraph, a page with no stops) can hold it for long.
SEGMENT = 512


# A word this long is a code, a link or a blob: passed on as it is, untranslated.
LONG_WORD = 40


def _pieces(sentence: str) -> list[str]:
    """A sentence in pieces of at most SEGMENT characters, cut at spaces; a long word is
    a piece of its own."""
    if len(sentence) <= SEGMENT and max(map(len, sentence.split(" "))) <= LONG_WORD:
        return [sentence]
    out, piece = [], ""
    for word in sentence.split(" "):
        if piece and (len(piece) + 1 + len(word) > SEGMENT or len(word) > LONG_WORD):
            out.append(piece)
            piece = ""
        if len(word) > LONG_WORD:
            out.append(word[:SEGMENT])
        else:
            piece = f"{piece} {word}" if piece else word
    return [*out, piece] if piece else out


def _translatable(piece: str) -> bool:
    return len(piece) <= LONG_WORD or " " in piece


def segments(text: str) -> list[list[str]]:
    """A text as paragraphs of sentences (or pieces of long ones): what a translator is
    given, one at a time."""
    return [[x for s in sentences(p) for x in _pieces(s)] for p in text.split("\n") if p.strip()]


# pt→en: figures. The engine misreads many Portuguese figures: "R$ 4,016 bilhões" keeps
# its decimal comma, "US$ 666" comes out "$66", "4.340" as "4,440", "22h13" as "22:13
# a.m.". So each goes to it in a form it copies (a two-digit stand-in; a clock time as
# H:MM), is counted on the way out, and is written back in English form.
_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_SCALES = {
    "mil": "thousand",
    "milhão": "million",
    "milhões": "million",
    "mi": "million",
    "bilhão": "billion",
    "bilhões": "billion",
    "bi": "billion",
    "trilhão": "trillion",
    "trilhões": "trillion",
    "tri": "trillion",
}
_FIGURE = re.compile(
    rf"""
    (?<![\w.,/])(?<!\w[-–])                 # not part of a word, a code or a number
    (?: (?P<date>(?P<day>[0-3]?\d)º?/(?P<month>[01]?\d)/(?P<year>\d{{4}}))
      | (?P<hour>[01]?\d|2[0-3])h(?P<minute>[0-5]\d)?(?:min|m)?(?!\w)
      | (?:(?<=[àÀaA]s\ )|(?<=das\ )|(?<=pelas\ ))(?P<hours>[01]?\d|2[0-3])\ horas?\b
      | (?P<ordinal>\d+)\.?[ºª]
      | (?:(?P<money>R\$|US\$|€|£)\ ?)?(?P<number>-?(?:{_NUMBER}))
        (?:\ (?P<scale>{"|".join(_SCALES)})\b(?:\ de\b(?<!mil\ de))?)? )
    (?![.,]?\d)(?!\w*\d)                    # nor "4m50", "2x1"
    """,
    re.VERBOSE,
)
# Every number token, in either language: "4.340", "22:13", "12,5".
_TOKEN = re.compile(r"(?<![\d.,:])(\d+(?:[.,:]\d+)*)(st|nd|rd|th)?")
# Stand-ins: two-digit numbers the engine copies as they are, none a day, hour or month.
_STAND_INS = tuple(
    dict.fromkeys(
        str(n) for n in (41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, *range(32, 100))
    )
)
# A clock time the engine gave a.m. or p.m. ("9:30 p.m." for 9h30, "11.40 a.m."), or
# wrote as 12-hour time: put back as the 24-hour time it stands for.
_MERIDIEM = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?(?:\s?([ap])\.?\s?m\b(\.?)|\s([ap])\.$)")
_CLOCK_DOT = re.compile(r"\b(\d{1,2})\.(\d{2})\b")
# Numbers the English may hold that the Portuguese spells out: "dez mil" as 10,000,
# "século XIX" as the 19th century, "anos 90" as the 1990s, "meia-noite" as 12.
_WORDS = dict(
    zip(
        "um uma dois duas três quatro cinco seis sete oito nove dez onze doze treze catorze "
        "quatorze quinze dezesseis dezessete dezoito dezenove vinte trinta quarenta cinquenta "
        "cinqüenta sessenta setenta oitenta noventa cem".split(),
        (
            1,
            1,
            2,
            2,
            3,
            4,
            5,
            6,
            7,
            8,
            9,
            10,
            11,
            12,
            13,
            14,
            14,
            15,
            16,
            17,
            18,
            19,
            20,
            30,
            40,
            50,
            50,
            60,
            70,
            80,
            90,
            100,
        ),
        strict=True,
    )
)
_ORDINAL_WORDS = dict(
    zip(
        "primeir segund terceir quart quint sext sétim oitav non décim".split(),
        range(1, 11),
        strict=True,
    )
)
_SPELLED = re.compile(r"\b([^\W\d_]+)(\s+mil\b)?", re.IGNORECASE)
_ROMAN = re.compile(r"\b[IVXLC]{2,}\b")


@dataclass
class _Figures:
    """A sentence as the translator gets it, and how to read its figures back."""

    text: str
    english: dict[str, str] = field(default_factory=dict)  # stand-in → the figure in English
    ordinals: set[str] = field(default_factory=set)  # stand-ins the engine may give "st"
    clocks: set[str] = field(default_factory=set)  # clock times, as H:MM
    decades: set[str] = field(default_factory=set)  # "90" of "anos 90": 1990 will do
    spare: set[str] = field(default_factory=set)  # numbers said in words


def _english_number(number: str) -> str:
    """'4.340' → '4,340', '4,016' → '4.016', '1.234,5' → '1,234.5'; '3054' as it is."""
    whole, _, fraction = number.partition(",")
    digits = whole.replace(".", "").lstrip("-")
    sign = "-" if whole.startswith("-") else ""
    return (
        sign
        + (f"{int(digits):,}" if "." in whole else digits)
        + (f".{fraction}" if fraction else "")
    )


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _render(m: re.Match[str]) -> str:
    """A figure in English form: money, scale, date, clock time or ordinal."""
    if m["date"]:
        day, month = int(m["day"]), int(m["month"])
        return f"{m['year']}-{month:02d}-{day:02d}" if 1 <= day <= 31 and 1 <= month <= 12 else m[0]
    if m["hour"]:
        if (
            m["minute"]
            or re.search(
                r"\b(?:[àa]s|das|pelas|até|desde|e|entre|partir)\s*$",
                m.string[: m.start()],
                re.IGNORECASE,
            )
            or re.match(r"\s+(?:[àa]s?|e)\s+\d", m.string[m.end() :])
        ):  # "8h às 18h"
            return f"{int(m['hour'])}:{m['minute'] or '00'}"
        hours = int(m["hour"])  # "atraso de 1h": a length of time
        return f"{hours} hour{'s' * (hours != 1)}"
    if m["hours"]:
        return f"{int(m['hours'])}:00"
    if m["ordinal"]:
        return _ordinal(int(m["ordinal"]))
    number = _english_number(m["number"])
    if m["scale"] == "mil":
        value = Decimal(m["number"].replace(".", "").replace(",", ".")) * 1000
        number = f"{int(value):,}" if value == value.to_integral() else f"{number} thousand"
    elif m["scale"]:
        number = f"{number} {_SCALES[m['scale']]}"
    return (m["money"] or "") + number


def _protect(text: str, stand_ins: Sequence[str], keep_small: bool = True) -> _Figures:
    """`text` with each figure the engine may misread replaced by a stand-in (a clock
    time by H:MM); with `keep_small`, a whole number under 100 (44%, 2º) or a year goes
    as it is (the engine knows them: "em 2023" reads "in 2023", "em 41" "at 41")."""
    figures = _Figures(text)
    if not any(c.isdigit() for c in text):
        return figures
    free = iter(s for s in stand_ins if s not in text)

    def stand_in(m: re.Match[str]) -> str:
        english = _render(m)
        if m["hour"] or m["hours"]:
            if ":" in english:
                figures.clocks.add(english)
            return english
        plain = re.fullmatch(r"\d{1,2}|(?:19|20)\d\d", m["ordinal"] or m["number"] or "")
        if keep_small and plain and not m["money"] and not m["scale"]:
            if text[: m.start()].endswith("anos ") and m[0].endswith("0"):
                figures.decades.add(m[0])
            return m[0]
        token = next(free, None)
        if token is None:  # more figures than stand-ins: this one goes as it is
            return m[0]
        figures.english[token] = english
        if m["ordinal"]:
            figures.ordinals.add(token)
            return f"{token}º"
        return token

    figures.text = _FIGURE.sub(stand_in, text)
    for word, thousand in _SPELLED.findall(text):
        value = _WORDS.get(word.lower()) or _ORDINAL_WORDS.get(word.lower()[:-1])
        if value:
            figures.spare.add(str(value * 1000 if thousand else value))
    figures.spare.update(str(_roman(r)) for r in _ROMAN.findall(text))
    if re.search(r"\bmei[ao]-(?:dia|noite)\b", text, re.IGNORECASE):
        figures.spare.add("12")
    return figures


def _roman(numeral: str) -> int:
    values = [{"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}[c] for c in numeral]
    return sum(-v if v < w else v for v, w in zip(values, [*values[1:], 0], strict=True))


def _clocks_back(english: str, clocks: set[str]) -> str:
    """The source's clock times in the English as 24-hour H:MM, without a.m. or p.m."""

    def fix(m: re.Match[str]) -> str:
        hour, minute = int(m[1]), m[2] or "00"
        meridiem = m[3] or m[5]
        for clock in (f"{hour}:{minute}", f"{hour % 12 + 12 * (meridiem == 'p')}:{minute}"):
            if clock in clocks:
                return clock + ("." if m[0].endswith(".") and m.end() == len(english) else "")
        return m[0]

    english = _MERIDIEM.sub(fix, english)
    return _CLOCK_DOT.sub(
        lambda m: f"{int(m[1])}:{m[2]}" if f"{int(m[1])}:{m[2]}" in clocks else m[0], english
    )


def _restore(figures: _Figures, english: str) -> str | None:
    """The English with the figures written back; None if one did not come back exactly
    once, or a number came that the Portuguese does not state."""
    want = Counter(t for t, _ in _TOKEN.findall(figures.text))
    if not want:
        return english
    if figures.clocks:
        english = _clocks_back(english, figures.clocks)

    def decade(token: str) -> str:  # "1990" for "anos 90"
        return token[2:] if token[:2] in ("19", "20") and token[2:] in figures.decades else token

    got = Counter(decade(t) for t, _ in _TOKEN.findall(english))
    if want - got or any(t.replace(",", "") not in figures.spare for t in got - want):
        return None

    def back(m: re.Match[str]) -> str:
        token, suffix = m[1], m[2] or ""
        if token not in figures.english:
            return m[0]
        return figures.english[token] + ("" if token in figures.ordinals else suffix)

    return _TOKEN.sub(back, english)


def _around(figures: Sequence[_Figures], translator: Translator) -> list[str]:
    """The last resort for sentences whose figures did not all come back: the words
    between the figures translated on their own, the figures put between them. Clumsier
    English, but no figure goes through the engine (and a piece that comes back with a
    number in it stays in Portuguese)."""
    split = [re.split(r"((?<![\d.,:])\d+(?:[.,:]\d+)*)º?", f.text) for f in figures]
    words = list(
        dict.fromkeys(
            p.strip() for parts in split for p in parts[0::2] if re.search(r"[^\W\d_]", p)
        )
    )
    done = dict(zip(words, translator.translate(words) if words else [], strict=True))
    out = []
    for f, parts in zip(figures, split, strict=True):
        text = ""
        for i, part in enumerate(parts):
            piece = part.strip()
            english = f.english.get(piece, piece) if i % 2 else done.get(piece, piece)
            if i % 2 == 0 and piece:
                if re.search(r"\d", english):  # the engine made up a number
                    english = piece
                if i and english[1:2].islower():  # not the sentence's first piece
                    english = english[:1].lower() + english[1:]
                if not piece.endswith((".", "!", "?")):
                    english = english.rstrip(".")
            lead, trail = part[: len(part) - len(part.lstrip())], part[len(part.rstrip()) :]
            text += lead + english + trail if piece else part
        out.append(text)
    return out


def _faithful(texts: Sequence[str], translator: Translator) -> list[str]:
    """English of Portuguese sentences with every figure checked: a sentence whose
    figures do not all come back (or that gains one) is tried again with every figure
    as a stand-in, then translated around its figures."""
    out: list[str | None] = [None] * len(texts)
    todo = list(range(len(texts)))
    if not todo:
        return []
    for keep_small in (True, False):
        figures = [_protect(texts[i], _STAND_INS, keep_small) for i in todo]
        english = translator.translate([f.text for f in figures])
        for i, f, e in zip(todo, figures, english, strict=True):
            out[i] = _restore(f, e[:1].upper() + e[1:] if texts[i][:1].isupper() else e)
        todo = [i for i in todo if out[i] is None]
        if not todo:
            break
    if todo:
        log.debug("%d sentences translated around their figures", len(todo))
        for i, e in zip(
            todo,
            _around([_protect(texts[i], _STAND_INS, False) for i in todo], translator),
            strict=True,
        ):
            out[i] = e
    return [e or "" for e in out]


# Curly quotes the engine drops with the words inside ("fazer ‘tudo para ajudar’" came
# out "to do everything to help"); straight ones it keeps. "--" for a dash it glues to
# the next word ("--Cahe" came out "--Khe"); a space before a stop it copies.
_QUOTES = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"}
)
_DOUBLE_DASH = re.compile(r"\s*--\s*")
_SPACED_STOP = re.compile(r"(?<=\w)\s+(?=[.,;:!?](?:\s|$))")
# "devido às mas condições": "más" (bad) without its accent, a slip of the source the
# engine reads as "but" ("the airport's but conditions"). Right after an article the
# conjunction cannot stand ("fez as contas, mas" has its comma).
_BAD_UNACCENTED = re.compile(r"(?i)\b([àa]s|das|nas|pelas) mas(?= [^\W\d_])")


def _prepare(sentence: str, glossary: Glossary, context: str = "") -> str:
    """A Portuguese sentence as the engine reads it best: straight quotes, dashes spaced
    and stops not, "más" with its accent, the glossary's terms in English (`context`:
    see Glossary.apply)."""
    text = _DOUBLE_DASH.sub(" — ", sentence.translate(_QUOTES))
    text = _BAD_UNACCENTED.sub(r"\1 más", _SPACED_STOP.sub("", text))
    return glossary.apply(text, context)


# pt→en: a glossary for the institutions and words of Brazilian news the engine gets
# wrong ("relator" as "reporter", "vaia" as "vain", "Mesa Diretora" as "Board of
# Directors", "PF" left as it is, "enchente" as "filler", "atirador" as "guner", a
# runway's "cabeceira" as "headboard", São Paulo's CGE as "Emerence Management
# Center"). A term goes to the engine already in English, which it keeps ("recebido com
# booing" → "greeted with booing"). Users add or drop entries in a TOML file (see
# glossary_path).
_AVIATION = (
    "avião",
    "aviões",
    "aeronave*",
    "aeroporto*",
    "pous*",
    "aterriss*",
    "decol*",
    "voo*",
    "vôo*",
    "piloto*",
    "jato*",
    "airbus",
    "boeing",
)
# "bomba": a bomb beside an attack or the police, else the pump of "bomba de gasolina"
_VIOLENCE = ("atac*", "ataque*", "atentado*", "explo*", "deton*", "terror*", "polici*", "políci*")
_MASCULINE = ("o", "do", "ao", "pelo", "no")  # "o MP": prosecutors; "a MP": a decree
GLOSSARY: dict[str, dict] = {
    "relator": {"english": "rapporteur"},
    "relatora": {"english": "rapporteur"},
    "relatores": {"english": "rapporteurs"},
    "relatoras": {"english": "rapporteurs"},
    "Mesa Diretora": {"english": "steering board"},
    "perícia": {"english": "forensic examination"},
    "perícias": {"english": "forensic examinations"},
    "vaia": {"english": "booing"},
    "vaias": {"english": "booing"},
    "pista": {"english": "runway", "near": _AVIATION},
    "pistas": {"english": "runways", "near": _AVIATION},
    "cabeceira": {"english": "threshold", "near": ("pista", "pistas")},
    "cabeceiras": {"english": "thresholds", "near": ("pista", "pistas")},
    "enchente": {"english": "flood"},
    "enchentes": {"english": "floods"},
    "bomba": {"english": "bomb", "near": _VIOLENCE},
    "bombas": {"english": "bombs", "near": _VIOLENCE},
    "feridas": {"english": "injured", "after": ("#",)},  # "165 feridas": people, not wounds
    # a traffic report's "113 km de lentidão": slow traffic, not slowness
    "lentidão": {"english": "slow traffic", "after": ("de",), "near": ("km", "quilômetro*")},
    "atirador": {"english": "shooter"},
    "atiradores": {"english": "shooters"},
    "salto com vara": {"english": "pole vault"},
    "Centro de Gerenciamento de Emergências": {"english": "Emergency Management Center"},
    "PF": {"english": "Federal Police"},
    "PRF": {"english": "Federal Highway Police"},
    "PM": {"english": "Military Police"},
    "MP": {"english": "Public Prosecutor's Office", "after": _MASCULINE},
    "MPF": {"english": "Federal Prosecutor's Office", "after": _MASCULINE},
    "STF": {"english": "Supreme Court"},
    "STJ": {"english": "Superior Court of Justice"},
    "TSE": {"english": "Superior Electoral Court"},
    "TCU": {"english": "Federal Audit Court"},
    "PEC": {"english": "constitutional amendment"},
}


@dataclass(frozen=True)
class Glossary:
    """Terms put into English before the engine sees them, each only where it is safe:
    as a whole word, not an acronym alone in brackets ("Polícia Federal (PF)"), and, as
    an entry asks, near one of some words or right after one ("#": a number)."""

    entries: dict[str, dict]

    @functools.cached_property
    def pattern(self) -> re.Pattern[str] | None:
        terms = sorted(self.entries, key=len, reverse=True)
        if not terms:
            return None
        alternatives = "|".join(
            re.escape(t) if t.isupper() else f"(?i:{re.escape(t)})" for t in terms
        )  # an acronym as written, a word any case
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")

    @functools.cached_property
    def lookup(self) -> dict[str, dict]:
        return {t if t.isupper() else t.lower(): e for t, e in self.entries.items()}

    def apply(self, text: str, context: str = "") -> str:
        """The text with its terms in English; a `near` word may also be in `context`."""
        if self.pattern is None:
            return text
        words = re.findall(r"\w+", f"{text} {context}".lower())

        def safe(m: re.Match[str], entry: dict) -> bool:
            bracketed = text[m.start() - 1 : m.start()] + text[m.end() : m.end() + 1]
            if bracketed == "()" and m[0].isupper():
                return False  # "Polícia Federal (PF)": glossed already; not "CGE (Centro…)"
            head = text[: m.start()]
            before = set(re.findall(r"\w+", head.lower())[-1:])
            if head[-1:].isspace() and head.rstrip()[-1:].isdigit():
                before.add("#")  # "#": right after a number ("3.043 feridas")
            if entry.get("after") and not before & set(entry["after"]):
                return False
            return not entry.get("near") or any(
                w == n or (n.endswith("*") and w.startswith(n[:-1]))
                for n in entry["near"]
                for w in words
            )

        def term(m: re.Match[str]) -> str:
            entry = self.lookup.get(m[0]) or self.lookup[m[0].lower()]
            if not safe(m, entry):
                return m[0]
            english = entry["english"]
            return english[:1].upper() + english[1:] if m.start() == 0 else english

        return self.pattern.sub(term, text)


def glossary_path() -> Path:
    """The user's glossary file: $DIGEST_GLOSSARY, else glossary.toml beside digest.toml
    ($DIGEST_CONFIG, else the platform's)."""
    from .config import default_path

    return Path(
        os.environ.get("DIGEST_GLOSSARY")
        or Path(os.environ.get("DIGEST_CONFIG") or default_path()).with_name("glossary.toml")
    )


def load_glossary(path: Path | None = None) -> Glossary:
    """The built-in glossary with a user's file laid over it (`path`, else glossary_path(),
    which may be absent): an entry replaces the built-in one of the same term, "" drops it."""
    named = path or os.environ.get("DIGEST_GLOSSARY")
    path = Path(named) if named else glossary_path()
    entries = dict(GLOSSARY)
    if named or path.is_file():
        entries |= _read_glossary(path, path.stat().st_mtime_ns if path.exists() else 0)
    return Glossary({t: e for t, e in entries.items() if e})


@functools.lru_cache(maxsize=4)
def _read_glossary(path: Path, mtime: int) -> dict[str, dict]:
    """The entries of a glossary file (read again when `mtime` changes)."""
    from .config import tomllib

    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DigestError(f"{path}: cannot read the glossary ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DigestError(f"{path}: not valid TOML ({exc})") from None
    entries: dict[str, dict] = {}
    for term, value in table.items():
        entry = {"english": value} if isinstance(value, str) else value
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("english"), str)
            and set(entry) <= {"english", "near", "after"}
            and all(isinstance(entry.get(k, []), list) for k in ("near", "after"))
        ):
            raise DigestError(
                f'{path}: {term!r} must be "English" or '
                '{ english = "…", near = ["…"], after = ["…"] }'
            )
        entries[term] = (
            {k: [w.lower() for w in v] if isinstance(v, list) else v for k, v in entry.items()}
            if entry["english"]
            else {}
        )
    return entries


# pt→en: headlines. A headline that opens with a participle, "Mortos três policiais em
# emboscada", "Presos suspeitos de roubar carga", is a passive put first, which the engine
# reads as an adjective or a noun ("Killed three police officers", "Prisoners suspected
# of"). Put as "São mortos três policiais…" it comes out "Three police officers are
# killed…"; where the engine then leads with "Are" or "He is", as "… são presos". And a
# headline drops "is" and "are" before a participle: "Minister booed during event".
_LEADING_PARTICIPLE = re.compile(
    r"(?:[^\W\d_]+(?:ad|id)[oa]s?|(?:pres|mort|solt|eleit|abert|suspens|expuls|aceit|"
    r"peg)[oa]s?|entregues?)",
    re.IGNORECASE,
)
_EN_PARTICIPLE = (
    r"(?:\w+ed|found|hit|held|taken|seen|shot|sent|made|built|struck|caught|"
    r"set|cut|put|left|led|beaten|stolen|thrown|born|sold|won|lost|kept|"
    r"brought|told|given|hurt|run|laid off)"
)
_READ_AS_ADJECTIVE = re.compile(rf"(?i:{_EN_PARTICIPLE}|prisoners?|prison) (?=[a-z\d])")
_FINITE_VERB = re.compile(r"\b\w{2,}(?:am|em|ou|eu|iu)\b")  # "recebem", "matou": no passive
_OPENS_WRONG = re.compile(r"(?:Are|Is|Was|Were|He|She|It|They|There|We)\b")
_HEADLINE_PASSIVE = re.compile(rf"\b(?:is|are) ({_EN_PARTICIPLE})\b")


def _passive_first(headline: str) -> tuple[str, str] | None:
    """A headline that opens with a participle as the engine reads it best: the passive
    spelled out ("São mortos …"), and the participle put last ("… são mortos")."""
    first, _, rest = headline.partition(" ")
    if not _LEADING_PARTICIPLE.fullmatch(first) or not rest or _FINITE_VERB.search(rest):
        return None
    be = "são" if first.endswith("s") else "é"
    return (
        f"{be.capitalize()} {first.lower()} {rest}",
        f"{rest[:1].upper()}{rest[1:]} {be} {first.lower()}",
    )


def _headlines(texts: Sequence[str], english: list[str], translator: Translator) -> None:
    """Put English headlines (of the Portuguese `texts`) into headline form, in place."""
    todo = {
        i: frames
        for i, t in enumerate(texts)
        if is_heading(t) and _READ_AS_ADJECTIVE.match(english[i]) and (frames := _passive_first(t))
    }
    for turn in (0, 1):
        done = _faithful([frames[turn] for frames in todo.values()], translator)
        for i, framed in zip(list(todo), done, strict=True):
            if not _OPENS_WRONG.match(framed):
                english[i] = framed[:1].upper() + framed[1:]
                del todo[i]
    for i, t in enumerate(texts):
        if is_heading(t):
            english[i] = _HEADLINE_PASSIVE.sub(r"\1", english[i])


def translate_texts(
    texts: Sequence[str],
    translator: Translator,
    direction: str | None = None,
    glossary: Glossary | None = None,
    contexts: Sequence[str] | None = None,
) -> list[str]:
    """Translations of whole texts: split into sentences, translated in one batch (each
    distinct sentence once), and put back together paragraph by paragraph.

    From Portuguese into English (`direction`, else the translator's, else "pt-en")
    every figure is checked through (see _faithful), and the glossary (default:
    load_glossary()) applied, a text's words of `contexts` (one for each text, if given)
    counting as near its terms: a headline is too short to say which sense a word has
    ("Pista de Cumbica fecha"), its story says it."""
    pt_en = (direction or getattr(translator, "direction", "pt-en")) == "pt-en"
    glossary = (glossary or load_glossary()) if pt_en else None
    # Each piece as written and as the translator is given it, paragraph by paragraph.
    pieces = [
        [[(s, _prepare(s, glossary, c) if glossary else s) for s in p] for p in segments(t)]
        for t, c in zip(texts, contexts or [""] * len(texts), strict=True)
    ]
    unique = list(dict.fromkeys(y for t in pieces for p in t for x, y in p if _translatable(x)))
    if pt_en:
        english = _faithful(unique, translator)
        _headlines(unique, english, translator)
    else:
        english = translator.translate(unique)
    done = dict(zip(unique, english, strict=True))
    return [
        "\n".join(" ".join(done[y] if _translatable(x) else x for x, y in p) for p in t)
        for t in pieces
    ]


def translate_lines(lines: Iterable[str], translator: Translator, chunk: int = 64) -> Iterator[str]:
    """Translate a stream line for line: N lines in, N lines out, blank lines kept.

    Lines are taken `chunk` at a time, so output starts before the input ends while
    each batch still keeps every core busy.
    """
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == chunk:
            yield from translate_texts(batch, translator)
            batch = []
    if batch:
        yield from translate_texts(batch, translator)


# Each language digest names: in English, and its FLORES-200 code (NLLB-style models).
LANGUAGES = {
    "pt": ("Portuguese", "por_Latn"),
    "en": ("English", "eng_Latn"),
    "es": ("Spanish", "spa_Latn"),
}


def translate_stories(stories: Sequence[Story], translator: Translator) -> None:
    """Fill each story's English title and summary.

    All stories go to the translator as one batch; if that fails, each story is tried
    on its own, and a story that still fails keeps its Portuguese with a note.
    """
    todo = []
    for story in stories:
        if story.lang == "en":
            story.title_en, story.summary_en = story.title, story.summary
            story.notes.append("Article in English: shown as written.")
        elif story.lang != "pt":
            story.notes.append(
                f"Article in {LANGUAGES.get(story.lang, (story.lang,))[0]}: not translated."
            )
        else:
            todo.append(story)
    try:
        _fill(todo, translator)
    except Exception as exc:  # a backend failure must not cost the whole briefing
        log.warning("translation of the batch failed (%s); trying story by story", exc)
        for story in todo:
            try:
                _fill([story], translator)
            except Exception as exc:
                log.warning("translation failed for %r: %s", story.title, exc)
                story.notes.append(f"English translation unavailable ({exc}).")


def _fill(stories: Sequence[Story], translator: Translator) -> None:
    texts = [t for s in stories for t in (s.title, s.summary)]
    # A headline's context is its story: its summary, or its lede when it has none.
    contexts = [c for s in stories for c in (s.summary or s.articles[0].paragraphs[0], "")]
    english = translate_texts(texts, translator, "pt-en", contexts=contexts)
    for i, story in enumerate(stories):
        story.title_en, story.summary_en = english[2 * i], english[2 * i + 1]
