"""Fold a whole article once, fast, keeping where each folded character came from.

Evidence and surfaces are quoted as written, so every folded character needs its index in
the original. ``agents.normalize.text.fold_with_origin`` gives both from ``fold``'s own
lookup table (numpy, ~30 us for 3 KB; a per-character ``str.translate`` costs ~75 ns a
character), so folding here cannot drift from ``fold``.

Texts off that fast path (presentation forms and other text NFKC would change, a character
whose lower case is not one character, emoji) are folded character by character instead,
which gives the same text with exact offsets, or ``fold``'s text with approximate offsets
when composition changed it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from agents.normalize.text import fold, fold_with_origin

__all__ = ["FoldedText", "Folder"]


@dataclass(frozen=True, slots=True)
class FoldedText:
    """``text`` folded as ``fold`` does, and ``origin[i]``: index in the original of ``text[i]``
    (``None``: the same index, nothing was dropped or merged)."""

    text: str
    origin: np.ndarray | None  # integers, one per folded character

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` covering the folded span (``end`` exclusive)."""
        if start >= end or start >= len(self.text):
            return 0, 0
        last = min(end, len(self.text)) - 1
        if self.origin is None:
            return start, last + 1
        return int(self.origin[start]), int(self.origin[last]) + 1


class Folder:
    """Vectorised ``fold`` with offsets (see the module docstring)."""

    def fold(self, text: str) -> FoldedText:
        """Fold ``text`` (same result as ``agents.normalize.text.fold``) with offsets."""
        fast = fold_with_origin(text)
        if fast is None:
            return _slow(text)
        return FoldedText(*fast)


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
