"""Text normalisation shared by every stage: letter folding, sentences, boilerplate.

Arabic and Persian news spell the same word several ways: alef with or without hamza
(أ إ آ ا), final ya as ى, ي or Persian ی, kaf as ك or ک, taa marbuta ة or ه, optional
diacritics and tatweel, zero-width joiners, and digits in three scripts. ``fold`` maps all of
them to one form so that lexicons, fingerprints and ids match whichever spelling an outlet
uses. It works character by character with ``str.translate`` (one C-level pass), so a
4-5 KB article folds in microseconds.

Folding is lossy on purpose: stages match on folded text but quote the original sentence as
evidence (``split_sentences`` keeps the original, callers fold each sentence).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__ = [
    "code_units",
    "decode_units",
    "fold",
    "fold_digits",
    "fold_units",
    "fold_with_origin",
    "fold_words",
    "is_boilerplate_line",
    "split_sentences",
    "strip_boilerplate",
    "use_compiled_folding",
]

_DIACRITICS = [*range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE), 0x0640]  # + tatweel
_INVISIBLE = [
    0x200B,
    0x200D,
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    0xFEFF,
    0x00AD,
]

_LETTERS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ى": "ي",
    "ی": "ي",
    "ې": "ي",
    "ئ": "ي",
    "ۍ": "ي",
    "ک": "ك",
    "ڪ": "ك",
    "ة": "ه",
    "ۀ": "ه",
    "ە": "ه",
    "ہ": "ه",
    "ھ": "ه",
    "ؤ": "و",
    "\u200c": " ",  # ZWNJ separates Persian morphemes: "می‌گوید" ~ "می گوید"
    "،": ",",
    "؛": ";",
    "؟": "?",
    "٪": "%",
    "٫": ".",
    "٬": ",",
    "“": '"',
    "”": '"',
    "«": '"',
    "»": '"',
    "„": '"',
    "‘": "'",
    "’": "'",
    "–": "-",
    "—": "-",
    "\u00a0": " ",
}
_DIGITS = {
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
}

_FOLD_TABLE = str.maketrans({**dict.fromkeys(_DIACRITICS + _INVISIBLE), **_LETTERS, **_DIGITS})
_DIGIT_TABLE = str.maketrans(_DIGITS)
_SPACES = re.compile(r"[ \t\r\f\v]+")

# The whole of ``fold`` (map, drop, blanks to one space, lower case) as lookup tables over
# the Basic Multilingual Plane: numpy folds a 3 KB article in ~15 us, where ``str.translate``
# with a dict goes through Python objects per character and the blank-run regex alone takes
# ~100 us. ``_KIND`` (one byte a character, cheap to scan) tells what each character becomes;
# ``_FOLDED`` gives its folded character. UTF-16 code units index both: half the bytes of
# UTF-32, and a text within the BMP is told by its length alone.
_ORDINARY, _BLANK, _BREAK, _DROPPED, _SLOW = range(5)
"""``_KIND`` values: a character folded to a non-blank one; to a blank (a space); to another
whitespace character kept by ``fold`` (a line break); deleted; and one whose lower case is
not one character or depends on context (final sigma), or a surrogate code unit (two lone
ones would decode as one character), which take the reference path."""
_SPACE = 0x20


def _build_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    kind = np.full(0x10000, _ORDINARY, dtype=np.uint8)
    folded = np.arange(0x10000, dtype=np.uint16)
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            kind[code] = _SLOW
            continue
        target = _FOLD_TABLE.get(code, code)
        if target is None:
            kind[code] = _DROPPED
            continue
        char = chr(target) if isinstance(target, int) else str(target)
        if char in " \t\r\f\v":
            kind[code], folded[code] = _BLANK, _SPACE
            continue
        lower = char.lower()
        if len(lower) != 1 or char == "\u03a3" or ord(lower) >= 0x10000:
            kind[code] = _SLOW
            continue
        folded[code] = ord(lower)
        if lower.isspace():
            kind[code] = _BREAK
    # ``fold_words``: every whitespace character is a separator, written as a space
    words = np.where(kind == _BREAK, _SPACE, folded).astype(np.uint16)
    for table in (kind, folded, words):
        table.setflags(write=False)
    return kind, folded, words


_KIND, _FOLDED, _WORD_CHARS = _build_tables()


def _units(text: str) -> np.ndarray | None:
    """UTF-16 code units of ``text`` when the tables may fold it (within the BMP, NFKC)."""
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) != 2 * len(text) or not unicodedata.is_normalized("NFKC", text):
        return None
    return np.frombuffer(units, dtype=np.uint16)


def _folding_units(text: str) -> tuple[str, np.ndarray] | None:
    """``(NFKC of text, its UTF-16 code units)`` when the tables may fold it, else None.

    Text that is not NFKC (Arabic typed with a shadda before its vowel is not: canonical
    order puts the vowel first) is normalised here and folded by the tables, which is what
    the reference does after its own NFKC, at about half its cost.
    """
    units = _units(text)
    if units is not None:
        return text, units
    text = unicodedata.normalize("NFKC", text)
    encoded = text.encode("utf-16-le", "surrogatepass")
    if len(encoded) != 2 * len(text):
        return None  # beyond the BMP
    return text, np.frombuffer(encoded, dtype=np.uint16)


def _reference(text: str) -> str:
    """``fold`` by ``str.translate`` and a regex: slow, obviously right, used off the fast path."""
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", text.translate(_FOLD_TABLE)).lower()


def fold(text: str) -> str:
    """Fold letter variants, diacritics, tatweel, invisible marks and digits; lower-case Latin.

    The result is for matching only. Whitespace runs become one space (newlines kept).
    """
    if not text:
        return ""
    if _compiled_pass is not None:
        compiled = _compiled(text)
        return _reference(text) if compiled is None else compiled.tobytes().decode("utf-16-le")
    units = _mapped(text)
    if units is None:
        return _reference(text)  # beyond the BMP (emoji), or a case the tables leave out
    folded = units.tobytes().decode("utf-16-le")
    # Every space of the result is a blank of the text (``_build_tables``): a run of them
    # is a run of blanks. Asking the string is one C-level search; most text has none.
    return _SPACE_RUN.sub(" ", folded) if "  " in folded else folded


def fold_units(text: str) -> npt.NDArray[np.uint16]:
    """``fold(text)`` as UTF-16 code units: for callers that go on in numpy (fingerprints),
    which would otherwise decode the folded text only to encode it again."""
    if not text:
        return _NO_UNITS
    if _compiled_pass is not None:
        compiled = _compiled(text)
        return code_units(_reference(text)) if compiled is None else compiled
    units = _mapped(text)
    if units is None:
        return code_units(_reference(text))
    blank = units == _SPACE
    repeat = blank[1:] & blank[:-1]
    if repeat.any():
        keep = np.ones(units.size, dtype=bool)
        keep[1:] = ~repeat
        units = units[keep]
    return units


def _mapped(text: str) -> npt.NDArray[np.uint16] | None:
    """The text's code units through ``_FOLDED``, dropped characters removed, blank runs
    not yet merged; None when the reference must fold it."""
    found = _folding_units(text)
    if found is None:
        return None
    units = found[1]
    kinds = _KIND.take(units)
    top = kinds.max()
    if top == _SLOW:
        return None
    if top == _DROPPED:
        units = units[kinds != _DROPPED]
    mapped: npt.NDArray[np.uint16] = _FOLDED.take(units)
    return mapped


_SPACE_RUN = re.compile(" {2,}")

_compiled_pass: Callable[..., npt.NDArray[np.uint16] | None] | None = None


def use_compiled_folding() -> None:
    """Fold through one compiled loop (numba) from now on, in this process: ~2x quicker.

    Only for processes that load numba anyway (dedup, the figure pre-filter call this when
    imported): numba costs ~145 MB resident, so extraction alone keeps the numpy passes
    and its 70 MB. Both give the same result (``tests/unit/agents/normalize``).
    """
    global _compiled_pass
    from agents.normalize._fold_loop import fold_table_pass

    _compiled_pass = fold_table_pass


def _compiled(text: str) -> npt.NDArray[np.uint16] | None:
    """``fold_units`` by the compiled pass; None when the reference must fold it."""
    found = _folding_units(text)
    if found is None or _compiled_pass is None:
        return None
    return _compiled_pass(found[1], _KIND, _FOLDED, blank=_BLANK, dropped=_DROPPED, slow=_SLOW)


_NO_UNITS: npt.NDArray[np.uint16] = np.empty(0, dtype=np.uint16)


def code_units(text: str) -> npt.NDArray[np.uint16]:
    """``text`` as UTF-16 code units (a character beyond the BMP is two)."""
    return np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)


def decode_units(units: npt.NDArray[np.uint16]) -> str:
    """The text of UTF-16 code units (``code_units`` undone)."""
    return str(units.tobytes().decode("utf-16-le", "surrogatepass"))


def fold_words(text: str) -> str:
    """``" ".join(fold(text).split())``: the folded words, one space apart, in one pass.

    The same tables as ``fold``, with every whitespace character (line breaks too) a
    separator: runs of them become one space, and none is left at either end. ~3x cheaper
    than folding, then splitting and joining the string.
    """
    found = _folding_units(text) if text else None
    if found is None:
        return " ".join(fold(text).split())
    units = found[1]
    kinds = _KIND.take(units)
    top = kinds.max()
    if top == _SLOW:
        return " ".join(fold(text).split())
    if top == _DROPPED:
        kept = kinds != _DROPPED
        units, kinds = units[kept], kinds[kept]
    blank = kinds.astype(bool)  # only ordinary characters (0) remain besides blanks
    # every word character, and the first blank after each word
    keep = ~blank
    keep[1:] |= blank[1:] & ~blank[:-1]
    units = units[keep]
    if units.size and blank[-1]:
        units = units[:-1]  # the blank kept after the last word
    words: str = _WORD_CHARS.take(units).tobytes().decode("utf-16-le")
    return words


def fold_with_origin(text: str) -> tuple[str, np.ndarray | None] | None:
    """``fold(text)`` and, for each folded character, the index in ``text`` it comes from.

    Stages that match on folded text but quote the original (events) need the offsets; they
    come from the same tables as ``fold``, so the two cannot drift. The offsets are ``None``
    when every character was kept (folded index = original index, the common case: no
    array is built). The whole result is ``None`` when the text would take ``fold``'s
    reference path (beyond the BMP, not NFKC, a lower case that is not one character, a
    surrogate): NFKC may merge or split characters, so offsets are the caller's call.
    """
    if not text:
        return "", None
    units = _units(text)
    if units is None:
        return None
    kinds = _KIND.take(units)
    top = kinds.max()
    if top == _SLOW:
        return None
    origin: np.ndarray | None = None
    if top == _DROPPED:
        origin = np.flatnonzero(kinds != _DROPPED)
        units, kinds = units[origin], kinds[origin]
    mapped = _FOLDED.take(units)
    folded: str = mapped.tobytes().decode("utf-16-le")
    if "  " in folded:  # blank runs (rare): keep the first blank of each
        blank = kinds == _BLANK
        keep = np.ones(mapped.size, dtype=bool)
        keep[1:] = ~(blank[1:] & blank[:-1])
        folded = mapped[keep].tobytes().decode("utf-16-le")
        origin = origin[keep] if origin is not None else np.flatnonzero(keep)
    return folded, origin


def fold_digits(text: str) -> str:
    """Arabic-Indic and Persian digits to ASCII, nothing else changed."""
    return text.translate(_DIGIT_TABLE)


# A sentence ends at . ! ? (or ؟) followed by space, at a line break, or at a stop glued to
# the next word; never inside a number (1.5: no space and a digit follows).
_SENTENCE_END = re.compile(r"(?<=[.!?؟።])\s+|\n+|(?<=[.؟!])(?=[^\s\d.\"'”»)\]])")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, keeping each one's original spelling (stripped)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


# Lines that link to other stories, share buttons, captions: not reported news.
_BOILERPLATE = re.compile(
    r"^\s*(?:"
    r"اقرأ\s*(?:أ|ا)يض(?:ًا|ا|اً)?|اقرا\s*ايضا|إقرأ أيضا|للمزيد|شاهد\s*(?:أ|ا)يض(?:ًا|ا)|"
    r"ربما يعجبك(?: أيضا)?|"
    r"بیشتر بخوانید|بيشتر بخوانيد|بخوانید|همچنین بخوانید|مطالب مرتبط|"
    r"read more|related(?: articles?| stories| coverage)?\s*:|see also|also read|"
    r"share (?:this|on)|click here|advertisement"
    r")",
    re.IGNORECASE,
)


def is_boilerplate_line(line: str) -> bool:
    """True for a related-link, "read also" or share line that reports no news."""
    return bool(_BOILERPLATE.match(line))


def strip_boilerplate(text: str) -> str:
    """Drop boilerplate lines (see ``is_boilerplate_line``); other lines keep their order."""
    lines = text.splitlines()
    kept = [line for line in lines if not is_boilerplate_line(line)]
    return "\n".join(kept).strip()
