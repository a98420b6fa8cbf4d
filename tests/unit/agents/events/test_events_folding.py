"""The vectorised fold: identical to agents.normalize.text.fold, with offsets to the original."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.events import Lexicons
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
