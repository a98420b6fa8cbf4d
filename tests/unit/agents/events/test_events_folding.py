"""The vectorised fold: identical to agents.normalize.text.fold, with offsets to the original."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from agents.events import Lexicons
from agents.events._folding import FoldedText, Folder, _slow
from agents.normalize.text import fold
from tests.unit.agents.events.conftest import FIXTURES

TRICKY = [
    "",
    "  Hello \t\t World\u00a0\u200c x ",
    "هاتفيًّا الـــرئيس ٢٠٢٣ ۱۴۰۲ می\u200cگوید «نقل»",
    "ﻻ ﷲ",  # presentation forms (NFKC changes the text: slow path)
    "İstanbul",  # lower() makes two characters: slow path
    "a\r\nb\x0b\x0cc",
]


@pytest.mark.parametrize("text", TRICKY)
def test_same_as_fold(lexicons: Lexicons, text: str) -> None:
    assert lexicons.folder.fold(text).text == fold(text)


def test_same_as_fold_on_fixture_articles(lexicons: Lexicons) -> None:
    for path in sorted(FIXTURES.glob("*.yaml")):
        text = Path(path).read_text(encoding="utf-8")
        assert lexicons.folder.fold(text).text == fold(text)


def test_offsets_point_into_the_original(lexicons: Lexicons) -> None:
    original = "اتصل الرئيس الإيراني، إبراهيم رئيسي، هاتفيًّا"
    folded = lexicons.folder.fold(original)
    start = folded.text.index("ابراهيم")
    first, last = folded.original_span(start, start + len("ابراهيم رييسي"))
    assert original[first:last] == "إبراهيم رئيسي"
    tail = folded.text.index("هاتفيا")
    first, last = folded.original_span(tail, tail + len("هاتفيا"))
    assert original[first:last] == "هاتفيًّا"


def _generated(count: int, seed: int) -> list[str]:
    """Arabic, Latin, marks that fold away, blanks of every kind, digits: random mixtures."""
    rng = random.Random(seed)
    pieces = ["اتصل", "الرئيس", "هاتفيًّا", "ـــ", "\u064b", "\u0651", "\u200c", "\u200d", "\u00ad"]
    pieces += [" ", "  ", "\t", "\n", "\r\n", "\x0b", "\u00a0", "٢٠٢٣", "۱۴۰۲", "Iran", "«x»"]
    return ["".join(rng.choices(pieces, k=rng.randint(0, 25))) for _ in range(count)]


def _offsets(folded: FoldedText) -> list[int]:
    origin = folded.origin
    return list(range(len(folded.text))) if origin is None else [int(i) for i in origin]


@pytest.mark.parametrize("text", TRICKY)
def test_fast_offsets_equal_the_character_by_character_fold(text: str) -> None:
    """The table path and ``_slow`` (``fold`` one character at a time) agree on text and
    offsets wherever the table path applies."""
    fast = Folder().fold(text)
    assert (fast.text, _offsets(fast)) == (_slow(text).text, _offsets(_slow(text)))


def test_fast_offsets_equal_the_character_by_character_fold_on_generated_text() -> None:
    for text in _generated(3000, seed=1):
        fast, slow = Folder().fold(text), _slow(text)
        assert fast.text == slow.text == fold(text)
        assert _offsets(fast) == _offsets(slow), repr(text)


def test_fast_offsets_equal_the_character_by_character_fold_on_fixture_articles() -> None:
    for path in sorted(FIXTURES.glob("*.yaml")):
        text = Path(path).read_text(encoding="utf-8")
        fast, slow = Folder().fold(text), _slow(text)
        assert (fast.text, _offsets(fast)) == (slow.text, _offsets(slow))


def test_unchanged_offsets_are_not_stored(lexicons: Lexicons) -> None:
    folded = lexicons.folder.fold("وزير الخارجية")
    assert folded.origin is None
    assert folded.original_span(5, 13) == (5, 13)
    assert folded.original_span(5, 99) == (5, 13)
    assert folded.original_span(13, 13) == (0, 0)
