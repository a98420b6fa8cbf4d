"""Sentence boundaries around contact words: the stop searches against plain ones."""

from __future__ import annotations

import random

from agents.events._segments import _last_stop, _next_stop, _order

STOPS = ".!?\n"


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pieces = ["وزير", "met", " ", ".", "!", "?", "\n", ". ", "! ", "? ", "1.5", "u.s.", "؟"]
    return ["".join(rng.choices(pieces, k=rng.randint(0, 30))) for _ in range(count)]


def test_stop_searches_equal_a_search_for_every_stop_character() -> None:
    """``!`` and ``?`` are searched only up to the nearest ``.`` or line break: the same
    answer as searching all four through the whole text."""
    for text in _texts(3000, seed=1):
        for index in range(len(text)):
            assert _last_stop(text, index) == max(text.rfind(c, 0, index + 1) for c in STOPS)
            found = [i for i in (text.find(c, index) for c in STOPS) if i >= 0]
            assert _next_stop(text, index) == (min(found) if found else len(text))


def test_order_counts_sentence_ends() -> None:
    for text in _texts(2000, seed=2):
        for start, end in ((0, len(text)), (len(text) // 3, len(text) // 2)):
            part = text[start:end]
            plain = part.count("\n") + part.count(". ") + part.count("? ") + part.count("! ")
            assert _order(text, start, end) == plain
