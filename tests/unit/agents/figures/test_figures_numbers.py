"""Numbers in three scripts and three languages' words (agents.figures._numbers)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agents.figures._numbers import parse_numbers
from agents.normalize.text import fold


def values(text: str, lang: str | None = None) -> list[Decimal]:
    return [n.value for n in parse_numbers(text, lang)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9400", 9400),
        ("٩٤٠٠", 9400),  # Arabic-Indic digits
        ("۹۴۰۰", 9400),  # Persian digits
        ("24,000", 24000),
        ("24٬000", 24000),  # Arabic thousands separator
        ("24.000", 24000),  # dot grouping (Maghreb, Europe)
        ("24 000", 24000),  # space grouping
        ("1,400,000", 1400000),
        ("1.234,5 million", 1234500000),  # European grouping with a decimal comma
    ],
)
def test_digits_and_separators(text: str, expected: int) -> None:
    assert values(text) == [Decimal(expected)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.2 million", "1200000"),
        ("1٫2 مليون", "1200000"),  # Arabic decimal separator
        ("1,2 million", "1200000"),  # decimal comma before a scale word
        ("1.500 million", "1500000"),  # a dot before a scale word is a decimal point
        ("2.5", "2.5"),
        ("۱٫۵ میلیون", "1500000"),
    ],
)
def test_decimals(text: str, expected: str) -> None:
    assert values(text) == [Decimal(expected)]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("two thousand", "en", 2000),
        ("three hundred", "en", 300),
        ("twenty-five", "en", 25),
        ("three hundred and fifty thousand", "en", 350000),
        ("two thousand three hundred", "en", 2300),
        ("a million", "en", 1000000),
        ("ألف", "ar", 1000),
        ("ألفين", "ar", 2000),  # dual
        ("ثلاثة آلاف", "ar", 3000),
        ("خمسة وعشرين", "ar", 25),  # units before tens, joined by و
        ("أحد عشر", "ar", 11),
        ("ثلاثة عشر", "ar", 13),
        ("ثلاثمائة وخمسون", "ar", 350),
        ("مئة ألف", "ar", 100000),
        ("ألفين وخمسمائة", "ar", 2500),
        ("مليون ونصف", "ar", 1500000),
        ("مليون ونصف مليون", "ar", 1500000),
        ("دوازده هزار", "fa", 12000),
        ("بیست و پنج", "fa", 25),
        ("سیصد و پنجاه هزار", "fa", 350000),
        ("یک و نیم میلیون", "fa", 1500000),
    ],
)
def test_number_words(text: str, lang: str, expected: int) -> None:
    assert values(text, lang) == [Decimal(expected)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۱۲ هزار و ۳۰۰", 12300),  # digits, scale word, joined smaller part
        ("12 ألفا و300", 12300),
        ("3 آلاف", 3000),
        ("1.2 million", 1200000),
    ],
)
def test_mixed_digits_and_words(text: str, expected: int) -> None:
    assert values(text) == [Decimal(expected)]


@pytest.mark.parametrize(
    "text",
    [
        "عشرات",
        "مئات",
        "آلاف",
        "عشرات الآلاف",
        "ده‌ها نفر",
        "صدها هزار نفر",
        "dozens",
        "hundreds",
        "thousands",
        "tens of thousands",
        "several thousand",
        "چند هزار نفر",
    ],
)
def test_vague_quantities_are_not_numbers(text: str) -> None:
    assert values(text) == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("أحد كبار المسؤولين", "ar"),  # "one of", not 1
        ("نه، این درست نیست", "fa"),  # "no", not 9
        ("a man", "en"),  # an article, not 1
    ],
)
def test_common_words_are_not_numbers(text: str, lang: str) -> None:
    assert values(text, lang) == []


def test_weak_words_count_before_a_classifier_or_scale() -> None:
    assert values("نه نفر", "fa") == [Decimal(9)]
    assert values("نه هزار", "fa") == [Decimal(9000)]


def test_adjacent_numbers_stay_apart() -> None:
    assert values("9400 قتيل و24000 جريح") == [Decimal(9400), Decimal(24000)]
    assert values("بين 10 و20") == [Decimal(10), Decimal(20)]
    assert values("12 345 6789") == [Decimal(12), Decimal(345), Decimal(6789)]  # not 12,345


def test_spans_point_into_the_folded_text() -> None:
    text = "قتل ٢٥ شخصا"
    folded = fold(text)
    (n,) = parse_numbers(text)
    assert folded[n.start : n.end] == "25"
    (w,) = parse_numbers("killed twenty-five people", "en")
    assert "killed twenty-five people"[w.start : w.end] == "twenty-five"
    assert w.words
