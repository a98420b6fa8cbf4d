"""Fold a whole article once, fast, keeping where each folded character came from.

``agents.normalize.text.fold`` is a ``str.translate`` with a dict table, which CPython runs
per character through Python objects: ~75 ns a character here, ~0.3-0.5 ms for a 4-6 KB
article, the whole per-article budget of this stage. Folding is a per-character map (drop,
or replace by one character) followed by collapsing blank runs, so it vectorises: the table
is built by calling ``fold`` on every Basic Multilingual Plane character once (so it cannot
drift from ``fold``), and an article is folded with numpy in ~30 us. The same pass yields,
for every folded character, its index in the original text, which is how evidence and
surfaces are quoted as written.

Texts that NFKC would change (presentation forms, decomposed letters) or that hold a
character whose fold is not one character take the slow path: ``fold`` per character,
which gives the same result.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from agents.normalize.text import fold

__all__ = ["FoldedText", "Folder"]

_DROP = 0xFFFFFFFF
_SPACE = 0x20


@dataclass(frozen=True, slots=True)
class FoldedText:
    """``text`` folded as ``fold`` does, and ``origin[i]``: index in the original of ``text[i]``."""

    text: str
    origin: np.ndarray  # int64, one per folded character

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` covering the folded span (``end`` exclusive)."""
        if start >= end or start >= len(self.origin):
            return 0, 0
        return int(self.origin[start]), int(self.origin[min(end, len(self.origin)) - 1]) + 1


class Folder:
    """Vectorised ``fold`` with offsets (built once; ~0.1 s to build the table)."""

    def __init__(self) -> None:
        table = np.empty(0x10000, dtype=np.uint32)
        for code in range(0x10000):
            if 0xD800 <= code < 0xE000:
                table[code] = code
                continue
            folded = fold(chr(code)) if code > 0x20 else chr(code)
            if folded == "":
                table[code] = _DROP
            elif len(folded) == 1:
                table[code] = ord(folded)
            else:
                table[code] = _DROP - 1  # several characters: slow path
        self._table = table

    def fold(self, text: str) -> FoldedText:
        """Fold ``text`` (same result as ``agents.normalize.text.fold``) with offsets."""
        if not text:
            return FoldedText("", np.zeros(0, dtype=np.int64))
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        if codes.max() >= 0x10000 or not unicodedata.is_normalized("NFKC", text):
            return _slow(text)
        mapped = self._table[codes]
        if (mapped == _DROP - 1).any():
            return _slow(text)
        keep = mapped != _DROP
        origin = np.nonzero(keep)[0]
        mapped = mapped[keep]
        blank = (mapped == _SPACE) | ((mapped >= 0x09) & (mapped <= 0x0D) & (mapped != 0x0A))
        mapped[blank] = _SPACE
        repeat = blank.copy()
        repeat[1:] &= blank[:-1]
        repeat[0] = False
        if repeat.any():
            mapped, origin = mapped[~repeat], origin[~repeat]
        return FoldedText(mapped.tobytes().decode("utf-32-le"), origin.astype(np.int64))


def _slow(text: str) -> FoldedText:
    chars: list[str] = []
    origin: list[int] = []
    table: dict[str, str] = {}
    normalized = unicodedata.normalize("NFKC", text)
    exact = normalized == text
    for index, ch in enumerate(text):
        piece = table.get(ch)
        if piece is None:
            piece = table[ch] = fold(ch) if ch not in " \t\r\f\v" else " "
        for part in piece:
            if part == " " and chars and chars[-1] == " ":
                continue
            chars.append(part)
            origin.append(index)
    folded = "".join(chars)
    if not exact and folded != fold(text):
        folded = fold(text)  # composition changed the text: offsets become approximate
        ratio = len(text) / max(1, len(folded))
        origin = [min(len(text) - 1, int(i * ratio)) for i in range(len(folded))]
    return FoldedText(folded, np.asarray(origin, dtype=np.int64))
