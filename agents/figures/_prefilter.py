"""A fast, approximate fold for deciding which lines of an article are worth reading.

``fold`` (``agents.normalize.text``) costs ~10 µs a call however short the text, and most
articles hold no casualty figure, so the stage first folds the whole text through a NumPy
lookup table (~10 µs for 3 KB), splits it on whitespace and asks whether any word is a
category trigger; only the lines that also hold a number are split into sentences and folded
exactly (all in one ``fold`` call).

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
from dataclasses import dataclass, field

import numba
import numpy as np
import numpy.typing as npt

from agents.normalize.text import fold, use_compiled_folding

__all__ = ["QuickFold"]

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
        codes = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
        folded: npt.NDArray[np.uint16] = _map_and_drop(codes, self.units)
        return str(folded.tobytes().decode("utf-16-le", "surrogatepass"))

    def has_number(self, line: str, words: list[str], number_words: frozenset[str]) -> bool:
        """Whether ``line`` (its quick-folded ``words``) may hold a number ``find_numbers`` reads.

        False only when no character may fold to a digit and no word is a number word
        (``number_words``, folded, with "و" glued on as ``find_numbers`` reads them).
        """
        return self.maybe_number.search(line) is not None or not number_words.isdisjoint(words)
