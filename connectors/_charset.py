"""Bytes of a feed or page to text, when the declared encoding is missing or wrong.

Order: byte-order mark; the HTTP charset; the document's own declaration (XML declaration or
HTML ``<meta charset>``); strict UTF-8; then the legacy code pages our sources use, windows-1256
(Arabic and Persian), windows-1255 (Hebrew), windows-1252 and latin-1, the best-scoring one
winning. A declared single-byte encoding must also *look* right, because old Arabic sites often
declare iso-8859-1 and send windows-1256. feedparser alone would decode such bytes as
windows-1252 (it tries UTF-8, then windows-1252), so Arabic titles would come out as "ÇáÚÑÈíÉ".

The plausibility score reads words of three or more letters that contain non-ASCII letters:
a word is plausible when all its letters come from one script and, for Latin, at most half of
them are accented. Mis-decoded Arabic in latin-1 gives all-accented words; Hebrew read as
windows-1256 mixes Arabic and French letters; Arabic read as windows-1255 gives words made of
Hebrew vowel points.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Decoded", "declared_encoding", "decode_markup", "http_charset"]

_FALLBACKS = ("windows-1256", "windows-1255", "windows-1252", "iso-8859-1")


def _label(name: str) -> str:
    """One spelling per encoding, the WHATWG one operators know ("windows-1256")."""
    canonical = codecs.lookup(name).name
    return canonical.replace("cp125", "windows-125").replace("iso8859-", "iso-8859-")


_SINGLE_BYTE = frozenset(
    _label(name)
    for name in (*_FALLBACKS, "ascii", "iso-8859-6", "iso-8859-8", "iso-8859-15", "koi8-r")
)
_PLAUSIBLE = 0.8
_MAX_SCORED_WORDS = 3000
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
# Letters plus the Latin, Hebrew and Arabic combining marks (which ``\w`` does not match), so a
# word of misplaced vowel points stays one word and can be judged.
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670])+")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text and the encoding that produced it; ``guessed`` when no declaration was trusted."""

    text: str
    encoding: str
    guessed: bool


def http_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if any."""
    match = _HTTP_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def declared_encoding(data: bytes) -> str | None:
    """The encoding a document declares in its XML declaration or an HTML ``<meta>``."""
    head = data[:4096]
    match = _XML_DECL.match(head) or _META.search(head)
    return match.group(1).decode("ascii") if match else None


def decode_markup(data: bytes, *, http_encoding: str | None = None) -> Decoded:
    """Decode a feed or HTML document; never raises (latin-1 decodes anything)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(encoding, errors="replace"), encoding, False)
    for declared in (http_encoding, declared_encoding(data)):
        name = _codec_name(declared)
        if name is None:
            continue
        text = _strict(data, name)
        if text is not None and (name not in _SINGLE_BYTE or _score(text) >= _PLAUSIBLE):
            return Decoded(text, name, False)
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", False)
    best: Decoded | None = None
    best_score = -1.0
    for name in _FALLBACKS:
        text = _strict(data, name)
        if text is None:
            continue
        score = _score(text)
        if score > best_score:  # ties keep the earlier, more likely code page
            best, best_score = Decoded(text, name, True), score
        if score >= 1.0:
            break
    assert best is not None  # iso-8859-1 decodes every byte
    return best


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return _label(label)
    except LookupError:
        return None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _script(char: str) -> str:
    code = ord(char)
    if code < 0x250:
        return "latin"
    if 0x590 <= code < 0x600 or 0xFB1D <= code < 0xFB50:
        return "hebrew"
    if 0x600 <= code < 0x780 or 0xFB50 <= code < 0xFE00 or 0xFE70 <= code < 0xFF00:
        return "arabic"
    return "other"


def _score(text: str) -> float:
    """Share of plausible words among words with non-ASCII letters; 1.0 when there are none."""
    good = bad = 0
    for word in _words(text):
        scripts = {_script(c) for c in word if not unicodedata.combining(c)}
        latin_accented = sum(1 for c in word if ord(c) > 0x7F and _script(c) == "latin")
        starts_with_mark = unicodedata.category(word[0]).startswith("M")
        if starts_with_mark or len(scripts) != 1 or latin_accented * 2 > len(word):
            bad += 1
        else:
            good += 1
        if good + bad >= _MAX_SCORED_WORDS:
            break
    return 1.0 if good + bad == 0 else good / (good + bad)


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if len(w) >= 3 and not w.isascii()]
