"""Map spans of a folded sentence back to the original text, to quote names as written.

``fold`` is not length-preserving (it drops diacritics and tatweel, collapses spaces, expands
ligatures), so positions found in folded text are mapped back by folding the original one
character at a time. Folding is character-local for Arabic script (a hamza written as a
combining mark folds away just like the precomposed letter), so the per-character result
equals ``fold(text)``; when it does not, the mapping falls back to proportional positions.
"""

from __future__ import annotations

from agents.normalize.text import fold

__all__ = ["SurfaceMap"]


class SurfaceMap:
    """Folded-position -> original-position map of one sentence (built lazily, once)."""

    def __init__(self, original: str, folded: str) -> None:
        self.original = original
        self.folded = folded
        self._starts: list[int] | None = None

    def _build(self) -> list[int]:
        table = {ch: fold(ch) for ch in set(self.original)}
        starts: list[int] = []
        out: list[str] = []
        for index, ch in enumerate(self.original):
            piece = table[ch]
            for part in piece:
                if part == " " and (not out or out[-1] == " "):
                    continue
                out.append(part)
                starts.append(index)
        while out and out[-1] == " ":
            out.pop()
            starts.pop()
        if "".join(out) != self.folded:
            ratio = len(self.original) / max(1, len(self.folded))
            return [min(len(self.original) - 1, int(i * ratio)) for i in range(len(self.folded))]
        return starts

    def surface(self, start: int, end: int) -> str:
        """Original text of the folded span ``[start, end)``, trimmed of punctuation."""
        if self._starts is None:
            self._starts = self._build()
        starts = self._starts
        if not starts or start >= len(starts):
            return self.folded[start:end]
        first = starts[start]
        last = starts[min(end, len(starts)) - 1] + 1
        return self.original[first:last].strip(" ,،.:;\"'()«»“”")
