"""A fast, approximate fold for deciding which lines of an article are worth reading.

``fold`` (``agents.normalize.text``) costs ~10 µs a call however short the text, and most
articles hold no casualty figure, so the stage first folds the whole text through a lookup
table (a few µs for 3 KB) and finds the words that are category triggers in one compiled
pass over its code units (``WordSet``); only the lines that hold a trigger and a number are
split into sentences and folded exactly (all in one ``fold`` call).

The table is built from ``fold`` itself, one character at a time, so the two agree on
every character that folds to one or no character. Characters ``fold`` would expand
(NFKC ligatures) and punctuation become spaces: this fold only feeds the pre-filter, never
the matching, so it may find a trigger ``fold`` would not (harmless) but not miss one
``fold`` finds, except inside an NFKC ligature, which news text does not use for letters.

The number test is exact where the table is: ``maybe_number`` matches every character that
may fold to a digit *and* every character the table cannot fold the way ``fold`` does
(outside the blocks below, expanded by NFKC, or a mark NFKC composes with the letter before
it), so a line holding any of those is kept whatever its words say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numba
import numpy as np
import numpy.typing as npt

from agents.normalize.text import code_units, decode_units, fold, use_compiled_folding

__all__ = ["QuickFold", "WordSet"]

# Blocks where fold changes characters: ASCII/Latin-1 (case, quotes), Arabic, general
# punctuation (invisible marks, dashes), Arabic presentation forms. Others map to themselves.
_BLOCKS = ((0x0000, 0x0250), (0x0600, 0x0700), (0x2000, 0x2070), (0xFB50, 0xFF00))
_BMP = 0x10000
_UNICODE = 0x110000
# Madda and hamza above/below: NFKC composes them with the letter before ("ا" + "ٓ" -> "آ"),
# so the character-by-character table is not exact next to them.
_COMPOSING = frozenset("\u0653\u0654\u0655")


@numba.njit(cache=True, nogil=True)
def _map_and_drop(
    codes: npt.NDArray[np.uint16], table: npt.NDArray[np.uint16]
) -> npt.NDArray[np.uint16]:  # pragma: no cover (compiled)
    """``table[codes]`` without its zeros, in one pass (as numpy, three array operations
    and ~6 us more per article; every article goes through this)."""
    out = np.empty(codes.size, dtype=np.uint16)
    count = 0
    for code in codes:
        mapped = table[code]
        if mapped:
            out[count] = mapped
            count += 1
    return out[:count]


# The pipeline loads numba for dedup; with it here too, fold may as well use it (~2x).
use_compiled_folding()


@dataclass(frozen=True, slots=True)
class QuickFold:
    """Approximate ``fold`` by table lookup; punctuation becomes a space. See module docstring."""

    table: npt.NDArray[np.uint32]
    maybe_number: re.Pattern[str]
    units: npt.NDArray[np.uint16] = field(init=False, repr=False, compare=False)
    """``table`` over the BMP, for UTF-16 code units: beyond the BMP the table is the
    identity, so a surrogate pair passes through whole, as the character does in ``table``.
    16 times smaller than ``table``, and text encodes and decodes in half the bytes."""

    def __post_init__(self) -> None:
        units = self.table[:_BMP].astype(np.uint16)
        units.setflags(write=False)
        object.__setattr__(self, "units", units)

    @classmethod
    def from_fold(cls) -> QuickFold:
        """Build the table by folding each character of the blocks ``fold`` touches."""
        # The whole code space, so no text needs a range check (4.4 MB, built in ~10 ms).
        table = np.arange(_UNICODE, dtype=np.uint32)
        for cp in range(_BMP):
            if chr(cp).isspace() and cp != 0x0A:
                table[cp] = 0x20  # "\u3000" too: words are split at single spaces
        exact: list[tuple[int, int]] = []  # ranges of characters that never make a number
        for lo, hi in _BLOCKS:
            for cp in range(lo, hi):
                ch = chr(cp)
                folded = fold(ch) if ch != "\n" else ch
                if len(folded) == 1 and (folded.isalnum() or folded == "\n"):
                    table[cp] = ord(folded)
                elif folded == "" and not ch.isspace():
                    table[cp] = 0  # diacritics, tatweel, invisible marks: dropped
                else:
                    table[cp] = 0x20
                if len(folded) > 1 or ch in _COMPOSING or any(c.isnumeric() for c in folded):
                    continue
                if exact and exact[-1][1] == cp - 1:
                    exact[-1] = (exact[-1][0], cp)
                else:
                    exact.append((cp, cp))
        table.setflags(write=False)
        ranges = "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in exact)
        return cls(table, re.compile(f"[^{ranges}]"))

    def __call__(self, text: str) -> str:
        """``text`` folded for the pre-filter; line breaks are kept, so lines still align.

        Every blank but the line break becomes a space, so ``split(" ")`` finds the words.
        """
        return decode_units(self.fold_units(text))

    def fold_units(self, text: str) -> npt.NDArray[np.uint16]:
        """``self(text)`` as UTF-16 code units: what ``WordSet.ends`` reads, so an article
        without a trigger is never decoded."""
        folded: npt.NDArray[np.uint16] = _map_and_drop(code_units(text), self.units)
        return folded

    def has_number(self, line: str, quick: str, number_words: frozenset[str]) -> bool:
        """Whether ``line`` (``quick``: its quick fold) may hold a number ``find_numbers`` reads.

        False only when no character may fold to a digit and no word is a number word
        (``number_words``, folded, with "و" glued on as ``find_numbers`` reads them). The
        words are split only when no character answers (most lines with a figure have digits).
        """
        if self.maybe_number.search(line) is not None:
            return True
        return not number_words.isdisjoint(quick.split(" "))


# FNV-1a over UTF-16 code units: the compiled pass and the table builder hash alike.
_FNV_SEED = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK64 = (1 << 64) - 1
_SPACE = 0x20
_LINE_BREAK = 0x0A


def _fnv(codes: npt.NDArray[np.uint16]) -> int:
    """The hash ``_word_ends`` computes for a word of these code units."""
    h = _FNV_SEED
    for code in codes.tolist():
        h = ((h ^ code) * _FNV_PRIME) & _MASK64
    return h


@numba.njit(cache=True, nogil=True)
def _word_ends(
    codes: npt.NDArray[np.uint16],
    hashes: npt.NDArray[np.uint64],
    ids: npt.NDArray[np.int32],
    units: npt.NDArray[np.uint16],
    bounds: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:  # pragma: no cover (compiled)
    """Index of the last code unit of each word of ``codes`` (words apart by spaces and line
    breaks) that is in the open-addressed table ``hashes``/``ids`` (``WordSet``), in order.

    A hash match is confirmed unit by unit (the word in slot ``k`` is ``w = ids[k] - 1``,
    ``units[bounds[w]:bounds[w + 1]]``), so the answer is exact.
    """
    mask = hashes.size - 1
    out = np.empty(codes.size + 1, dtype=np.int64)
    count = 0
    h = np.uint64(_FNV_SEED)
    start = 0
    for i in range(codes.size + 1):
        code = codes[i] if i < codes.size else _SPACE  # the text ends a word too
        if code != _SPACE and code != _LINE_BREAK:
            h = (h ^ np.uint64(code)) * np.uint64(_FNV_PRIME)
            continue
        if i > start:
            k = h & mask
            while ids[k]:
                word = ids[k] - 1
                lo, hi = bounds[word], bounds[word + 1]
                if hashes[k] == h and hi - lo == i - start:
                    same = True
                    for j in range(i - start):
                        if units[lo + j] != codes[start + j]:
                            same = False
                            break
                    if same:
                        out[count] = i - 1
                        count += 1
                        break
                k = (k + 1) & mask
        h = np.uint64(_FNV_SEED)
        start = i + 1
    return out[:count]


@dataclass(frozen=True, slots=True)
class WordSet:
    """Words to find in quick-folded text (``QuickFold``), by one compiled pass.

    Asking a set for each of an article's ~500 words costs ~25-45 µs and an Aho-Corasick
    pass ~10-25 µs; hashing the words as the pass reads them and looking each up in an
    open-addressed table costs ~1-2 ns a character (~5 µs an article, call included). Words holding a blank are left out: they
    can never be one word of the text.
    """

    hashes: npt.NDArray[np.uint64]  # per slot: the hash of the word there
    ids: npt.NDArray[np.int32]  # per slot: 1 + the index of the word there, 0 for none
    units: npt.NDArray[np.uint16]  # the words' UTF-16 code units, one after another
    bounds: npt.NDArray[np.int64]  # word i is ``units[bounds[i]:bounds[i + 1]]``

    @classmethod
    def of(cls, words: Iterable[str]) -> WordSet | None:
        """The table of ``words`` (``None`` when none can be a word)."""
        kept = sorted({w for w in words if w and " " not in w and "\n" not in w})
        if not kept:
            return None
        encoded = [code_units(w) for w in kept]
        size = 1 << (4 * len(kept) - 1).bit_length()  # at most a quarter full: short probes
        hashes = np.zeros(size, dtype=np.uint64)
        ids = np.zeros(size, dtype=np.int32)
        for n, codes in enumerate(encoded):
            h = _fnv(codes)
            k = h & (size - 1)
            while ids[k]:
                k = (k + 1) & (size - 1)
            hashes[k], ids[k] = h, n + 1
        bounds = np.zeros(len(kept) + 1, dtype=np.int64)
        bounds[1:] = np.cumsum([codes.size for codes in encoded])
        units = np.concatenate(encoded)
        return cls(hashes, ids, units, bounds)

    def ends(self, units: npt.NDArray[np.uint16]) -> list[int]:
        """Where the words of quick-folded text (``units``: its UTF-16 code units, words
        apart by spaces and line breaks) that are in the set end (index of their last code
        unit, which is their last character's unless a character beyond the BMP precedes
        it), in order."""
        found = _word_ends(units, self.hashes, self.ids, self.units, self.bounds)
        return list(found.tolist())
