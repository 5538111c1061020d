"""Find article files and read them as text, skipping what cannot be read; name the
section an article comes from."""

from __future__ import annotations

import itertools
import logging
import os
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import DigestError

log = logging.getLogger("digest")

HTML_SUFFIXES = (".html", ".htm")
SUFFIXES = (".txt", ".md", *HTML_SUFFIXES)
_TAG = re.compile(r"<!doctype html|</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>", re.I)


def kind(name: str, page: str | None = None) -> str:
    """How to read the file or URL `name`: "html", "markdown" or "text". A file by its
    suffix; a fetched `page` as HTML when it holds markup (three tags at least), else as
    Markdown when its path ends in .md or it opens with a heading, else as text."""
    if page is None:
        suffix = Path(name).suffix.lower()
        return "html" if suffix in HTML_SUFFIXES else "markdown" if suffix == ".md" else "text"
    if next(itertools.islice(_TAG.finditer(page, 0, 65536), 2, None), None):
        return "html"
    path = urllib.parse.urlsplit(name).path.lower()
    return "markdown" if path.endswith(".md") or page.lstrip().startswith("# ") else "text"


def discover(inputs: Iterable[Path]) -> list[Path]:
    """The article files named by `inputs` (files, or folders searched recursively,
    hidden ones skipped); a folder that cannot be read is one warning."""

    def unreadable(exc: OSError) -> None:
        log.warning("%s: cannot read the folder (%s), skipped", exc.filename, exc.strerror or exc)

    def walk(folder: str) -> Iterator[str]:
        """The files under `folder`, as os.walk finds them (symlinked folders not
        followed), from scandir's entries: no Path and no stat per file."""
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError as exc:
            unreadable(exc)
            return
        for entry in listed:
            if entry.name.startswith("."):
                continue
            if entry.is_dir() and not entry.is_symlink():
                yield from walk(entry.path)
            elif os.path.splitext(entry.name)[1].lower() in SUFFIXES and entry.is_file():
                yield entry.path

    found: list[Path] = []
    for path in inputs:
        if path.is_dir():
            # In Path's order, folder by folder: a/z.txt before a-c.txt.
            found += map(Path, sorted(walk(str(path)), key=lambda name: name.split(os.sep)))
        elif path.is_file():
            found.append(path)
        elif path.exists():
            raise DigestError(f"{path}: not a file or folder (a pipe, a device)")
        else:
            raise DigestError(f"{path}: no such file or folder")
    return list(dict.fromkeys(found))


def shown(path: Path) -> Path:
    """`path` as digest records and shows it: the bytes of a name that are not UTF-8
    (Python holds them as lone surrogates, which no database, briefing or email can
    carry) written as \\xNN."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return Path(os.fsencode(path).decode("utf-8", "backslashreplace"))
    return path


def decode(data: bytes, name: str) -> str | None:
    """Text of a file's bytes: UTF-8, else cp1252 with a warning; None if unreadable."""
    if not data.strip():
        log.warning("%s: empty file, skipped", name)
        return None
    if b"\x00" in data[:8192]:
        log.warning("%s: binary file, skipped", name)
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        log.warning("%s: neither UTF-8 nor cp1252 text, skipped", name)
        return None
    log.warning("%s: not UTF-8, read as cp1252", name)
    return text


def read(path: Path) -> str | None:
    """The text of one article file, or None (with a warning) when it cannot be used."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        log.warning("%s: cannot read (%s), skipped", path, exc.strerror or exc)
        return None
    return decode(data, str(path))


def read_lines(stream: BinaryIO, name: str) -> Iterator[str]:
    """Decoded lines of a byte stream, as they arrive, without their line ends.

    UTF-8, else cp1252 (warned once); a line that is neither, or binary data, is an error.
    """
    warned = False
    for number, raw in enumerate(stream, 1):
        if b"\x00" in raw:
            raise DigestError(f"{name}: binary data on line {number}")
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            try:
                line = raw.decode("cp1252")
            except UnicodeDecodeError:
                raise DigestError(
                    f"{name}: line {number} is neither UTF-8 nor cp1252 text"
                ) from None
            if not warned:
                log.warning("%s: not UTF-8, read as cp1252", name)
                warned = True
        yield line.rstrip("\r\n")


# The sections a briefing groups its one-line stories by, in this order, and the names
# sites give them (lower case, without accents) in feeds, page metadata and URLs.
SECTIONS = {
    "brazil": (("Brasil", "Brazil"), "brasil brazil nacional pais"),
    "politics": (("Política", "Politics"), "politica poder politics eleicoes governo"),
    "economy": (
        ("Economia", "Economy"),
        "economia mercado dinheiro negocios financas economy business",
    ),
    "world": (("Mundo", "World"), "mundo internacional world international global exterior"),
    "cities": (("Cidades", "Cities"), "cotidiano cidades cidade metropole local cities"),
    "sports": (("Esportes", "Sports"), "esporte esportes futebol sports sport"),
    "science": (("Ciência", "Science"), "ciencia science"),
    "health": (("Saúde", "Health"), "saude equilibrioesaude health bem-estar"),
    "technology": (("Tecnologia", "Technology"), "tecnologia tec technology tech"),
    "education": (("Educação", "Education"), "educacao education"),
    "culture": (("Cultura", "Culture"), "cultura ilustrada entretenimento pop-arte culture arts"),
    "opinion": (("Opinião", "Opinion"), "opiniao opinion colunas editorial"),
}
_NAMES = {name: key for key, (_, names) in SECTIONS.items() for name in names.split()}


def _plain(text: str) -> str:
    """Lower case, accents off, spaces and underscores as hyphens: 'Política' → 'politica'."""
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s_]+", "-", text)


def section_of(labels: Iterable[str | None]) -> str | None:
    """The first of `labels` (a feed's category, a page's section, a path's folders)
    that names a known section, as its key."""
    for label in labels:
        if label and (key := _NAMES.get(_plain(label))):
            return key
    return None


def path_sections(path: str) -> list[str]:
    """The folders of a URL's path, or the last two of a file's: '/mundo/2026/x.html'
    gives ['mundo', '2026']."""
    if "://" in path:
        folders = urllib.parse.urlsplit(path).path.split("/")[1:-1]
    else:
        folders = path.replace("\\", "/").split("/")[-3:-1]
    return [urllib.parse.unquote(f) for f in folders if f]
