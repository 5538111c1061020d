"""Keep the article text, drop the page around it, and note its source and date.

Works line by line on text copied from news pages: a line is a paragraph, a heading,
or page furniture (captions, embedded posts, navigation, link lists, agency slugs).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

log = logging.getLogger("digest")

# Lines that end the article: what follows is a list of links to other pages.
END_MARKERS = re.compile(
    r"^(as )?mais (lidas|vistas|populares)( agora| hoje| da semana)?"
    r"|^(artigos|notícias|matérias|conteúdos?) relacionad[oa]s"
    r"|^relacionad[oa]s$|^leia (também|mais)$|^veja (também|mais)$|^saiba mais:?$"
    r"|^(mais notícias|últimas notícias)$",
    re.IGNORECASE,
)
# Whole lines that are page navigation or widgets, never article text.
NAVIGATION = {
    "topo",
    "notícias",
    "noticias",
    "today",
    "hoje",
    "voltar",
    "voltar ao topo",
    "botão voltar ao topo",
    "menu",
    "home",
    "início",
    "compartilhe",
    "compartilhar",
    "publicidade",
    "continua após a publicidade",
    "anúncio",
    "fechar",
    "ouvir",
    "ouça este conteúdo",
    "imprimir",
    "comentários",
    "assine",
    "entrar",
    "whatsapp",
    "facebook",
    "twitter",
    "telegram",
    "linkedin",
    "e-mail",
    "copiar link",
}
# Ad lines: "Publicidade: assine já…", "Conteúdo patrocinado — …".
AD = re.compile(
    r"^(publicidade|an[úu]ncio|patrocinado|conte[úu]do patrocinado)\s*[:\-–—|]", re.IGNORECASE
)
# Agency desk slugs such as "ksb/bjt/db/nn/arm/db/am" or "jm/mvv".
SLUG = re.compile(r"^[a-z]{1,5}(/[a-z]{1,5})+$")
# A caption: text that ends with a photo or video credit in parentheses.
CAPTION = re.compile(
    r"\((?:foto|fotos|vídeo|video|imagem|imagens|reprodução|crédito|créditos)\s*:[^()]*\)",
    re.IGNORECASE,
)
# The signature line of an embedded post: "— Name (@handle) September 3, 2025".
POST_SIGNATURE = re.compile(r"^[—–-]\s*.{1,80}\(@\w+\)\s+\w+\.?\s+\d{1,2},\s+\d{4}$")
POST_LINK = re.compile(r"pic\.twitter\.com/|https?://t\.co/|instagram\.com/p/", re.IGNORECASE)
SOURCE = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:\d{4}\s+)?(?P<a>.+)$"
    r"|^(?:fonte|source):\s*(?P<b>.+)$"
    r"|^com informações d[aeo]s?\s+(?P<c>.+?)\.?$",
    re.IGNORECASE,
)
DATE = re.compile(
    r"^(?:publicad[oa] em:?\s*|atualizad[oa] em:?\s*)?"
    r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
    r"(?:(?:\s+|\s*[-,às]+\s*)(?P<H>\d{1,2})\s*[h:]\s*(?P<M>\d{2})(?:min)?)?$",
    re.IGNORECASE,
)
MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")

STOPWORDS = {
    "pt": set(
        """a o as os um uma de da do das dos em na no nas nos por para com que e é
        se não ao aos à às pelo pela pelos pelas como mais mas foi são está ser seu sua
        seus suas também já ele ela eles elas isso este esta esse essa após sobre entre
        até quando muito disse afirmou nesta neste desde ainda""".split()
    ),
    "en": set(
        """the of and to in is that for on with as was by at it from this be are
        have has had not but or an which their they he she his her will would said
        says been were its who about after than into can any way do so""".split()
    ),
    "es": set(
        """el la los las de del en y que por para con una un es no se su sus al
        lo como más pero fue este esta ese esa también ya sobre entre hasta cuando muy
        dijo""".split()
    ),
}
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def words(text: str) -> list[str]:
    """Lower-cased word tokens, accents kept."""
    return WORD.findall(text.lower())


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:-[^\W\d_]+)*")
_CONTENT_STOP = STOPWORDS["pt"] | set(
    """o a e é um uma uns umas seu sua ao lhe lhes nos vos
    me te pelo pela num numa dum duma isto aquilo aquele aquela ser ter há foram será seria
    tem têm era eram sido estão estava sobre cada outro outra outros outras mesmo
    mesma qual quais onde porque pois então segundo ainda sem sob contra""".split()
)


def content_words(text: str) -> list[str]:
    """Lower-cased words and numbers of a text, without Portuguese stop words."""
    return [t for t in _TOKEN.findall(text.lower()) if t not in _CONTENT_STOP]


def _stop_counts(text: str) -> dict[str, int]:
    counts = Counter(words(text))
    return {lang: sum(counts[t] for t in stop & counts.keys()) for lang, stop in STOPWORDS.items()}


def detect_lang(text: str) -> str:
    """'pt', 'en' or 'es' by stop-word counts in the first 3,000 characters (about 500
    words: plenty to tell); 'pt' when there is too little to tell."""
    counts = _stop_counts(text[:3000])
    best = max(counts, key=lambda lang: counts[lang])
    if counts[best] < 2 or counts[best] <= counts["pt"]:
        return "pt"
    return best


def _reads_portuguese(line: str) -> bool:
    counts = _stop_counts(line)
    return counts["pt"] > 0 and counts["pt"] >= max(counts.values())


@dataclass
class Cleaned:
    """Article text as blocks (paragraphs and headings), plus what the page said of itself."""

    blocks: list[str]
    source: str | None = None
    published: dt.datetime | None = None
    breaks: set[int] = field(default_factory=set)  # blocks that open a story (Markdown '# ')


# Control characters (NUL, ESC, …) and zero-width marks: never text.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\ufeff]")
# No word of real text is longer than this; a longer run of letters without a space is a
# base64 blob, a data URI or an attack, and is cut (it would cost a translator minutes).
LONGEST_WORD = 80
_LONG_WORD = re.compile(rf"\S{{{LONGEST_WORD + 1},}}")


def normalize(line: str) -> str:
    """A line in NFC, without invisible characters, long words cut, spaces collapsed."""
    line = _INVISIBLE.sub("", unicodedata.normalize("NFC", line))
    line = _LONG_WORD.sub(lambda m: m[0][:LONGEST_WORD] + "…", line)
    return " ".join(line.split())


def _parse_date(m: re.Match[str]) -> dt.datetime | None:
    try:
        return dt.datetime(
            int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"] or 0), int(m["M"] or 0)
        )
    except ValueError:
        return None


def _drop_post(blocks: list[str]) -> None:
    """Remove an embedded post that ends at the last block: its lines not in Portuguese."""
    while blocks and (POST_LINK.search(blocks[-1]) or not _reads_portuguese(blocks[-1])):
        blocks.pop()


# The most HTML of one page the extractor parses (characters), and the most attributes
# one tag brings to it: libxml2 checks each attribute of a tag against every one before
# it, so a tag with 50,000 attributes holds it for a minute. No news page comes near
# either; what is over them is dropped before parsing, with a warning naming the page.
MAX_HTML = 8 * 2**20
MAX_ATTRIBUTES = 64
# A tag long enough to hold more than MAX_ATTRIBUTES attributes (each at least " a"),
# and one attribute in it, with or without a value. Each part starts where the one
# before cannot go on (a name ends at a space), so a failed match never backtracks far.
_CROWDED = re.compile(rf"(<[A-Za-z][^\s/<>]*)([\s/][^<>]{{{2 * MAX_ATTRIBUTES - 1},}})>")
_ATTRIBUTE = re.compile(r"""(?<!\s)\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]*))?""")


def _size(characters: int) -> str:
    return f"{characters / 2**20:.1f} MB" if characters >= 2**20 else f"{characters / 2**10:.0f} KB"


def parseable(html: str, name: str) -> str:
    """`html` within MAX_HTML characters and MAX_ATTRIBUTES attributes a tag, so that
    parsing it takes time in proportion to its size; a warning naming the page (`name`)
    says what was dropped."""
    cut = []
    if len(html) > MAX_HTML:
        cut.append(f"{_size(len(html))} of HTML, only the first {_size(MAX_HTML)} parsed")
        html = html[:MAX_HTML]
    crowded = 0

    def trim(tag: re.Match[str]) -> str:
        nonlocal crowded
        attributes = _ATTRIBUTE.findall(tag[2])
        if len(attributes) <= MAX_ATTRIBUTES:
            return tag[0]
        crowded += 1
        return tag[1] + "".join(attributes[:MAX_ATTRIBUTES]) + ">"

    html = _CROWDED.sub(trim, html)
    if crowded:
        cut.append(
            f"{crowded} tag{'s' if crowded > 1 else ''} with more than "
            f"{MAX_ATTRIBUTES} attributes, only the first {MAX_ATTRIBUTES} parsed"
        )
    if cut:
        log.warning("%s: %s", name if name.isprintable() else repr(name), "; ".join(cut))
    return html


def from_html(html: str, url: str | None = None) -> tuple[str, dict]:
    """The main text of a news page (title first, a paragraph a line) and what the page
    says of itself (source: site and author; published), by trafilatura."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        parseable(html, url or "<html>"),
        url=url if url and "://" in url else None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
    )
    if doc is None or isinstance(doc, dict) or not doc.text:
        return "", {}
    lines = doc.text.splitlines()
    if doc.title:
        heads = [normalize(line) for line in lines[:4]]
        if normalize(doc.title) in heads:  # what comes before the headline is page furniture
            lines = lines[heads.index(normalize(doc.title)) :]
        else:
            lines.insert(0, doc.title)
    meta: dict = {}
    site = doc.sitename
    if site and re.fullmatch(r"[\w-]+(\.[\w-]+)+(:\d+)?", site):
        site = None  # a host name, not the publication's name
    byline = ", ".join(x for x in (doc.author, site) if x)
    if byline:
        meta["source"] = byline
    if site:
        meta["site"] = site
    if doc.categories:
        meta["section"] = doc.categories[0]
    if doc.date:
        with contextlib.suppress(ValueError):
            meta["published"] = dt.datetime.fromisoformat(doc.date)
    return "\n".join(lines), meta


def clean(text: str, markdown: bool = False) -> Cleaned:
    """Strip page furniture from an article's text; never drops a body sentence."""
    out = Cleaned(blocks=[])
    for raw in text.splitlines():
        line = normalize(raw)
        if not line:
            continue
        if markdown:
            line = MD_LINK.sub(r"\1", MD_IMAGE.sub("", line)).strip()
            heading = MD_HEADING.match(line)
            if heading:
                line = heading[2]
                if len(heading[1]) == 1 and out.blocks:
                    out.breaks.add(len(out.blocks))
            line = line.lstrip(">*- ").strip() if line[:2] in {"> ", "* ", "- "} else line
            if not line:
                continue
        lower = line.lower().rstrip(":.")
        if out.blocks and END_MARKERS.match(lower):
            break
        if lower in NAVIGATION or SLUG.match(line) or AD.match(line) or line.startswith("+ "):
            continue
        if (m := SOURCE.match(line)) and len(line.split()) <= 12:
            out.source = out.source or (m["a"] or m["b"] or m["c"]).strip()
            continue
        if m := DATE.match(line):
            out.published = out.published or _parse_date(m)
            continue
        if POST_SIGNATURE.match(line):
            _drop_post(out.blocks)
            continue
        if POST_LINK.search(line):
            continue
        if caption := CAPTION.search(line):
            rest = CAPTION.sub("", line).strip()
            if not rest or caption.end() >= len(line.rstrip(". ")):
                continue  # a caption line: the credit closes it
            line = re.sub(r"\s+([,.;])", r"\1", re.sub(r"\s{2,}", " ", rest))
        out.blocks.append(line)
    return out
