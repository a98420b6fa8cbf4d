"""Dates: Solar Hijri conversion, absolute and relative expressions in three languages."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from agents.events import KnowledgeBase, Lexicons
from agents.events._dates import (
    _DECIMAL,
    _FOUR_DIGITS,
    _four_digit_numbers,
    find_dates,
    gregorian_to_jalali,
    jalali_to_gregorian,
    latest_full_date,
    resolve_date,
)
from agents.events._sentence import parse_sentence
from agents.events.lexicon import Lexicon
from agents.normalize.text import fold
from tests.unit.agents.events.conftest import FIXTURES

EXAMPLES = Path(__file__).resolve().parents[4] / "examples" / "articles"


@pytest.mark.parametrize(
    ("jalali", "gregorian"),
    [
        ((1402, 1, 1), date(2023, 3, 21)),  # Nowruz
        ((1403, 1, 1), date(2024, 3, 20)),  # after the 1402 leap year
        ((1402, 8, 14), date(2023, 11, 5)),
        ((1387, 10, 7), date(2008, 12, 27)),
        ((1399, 12, 30), date(2021, 3, 20)),  # Esfand 30 of a leap year
        ((1357, 11, 22), date(1979, 2, 11)),
    ],
)
def test_jalali_conversion(jalali: tuple[int, int, int], gregorian: date) -> None:
    assert jalali_to_gregorian(*jalali) == gregorian
    assert gregorian_to_jalali(gregorian) == jalali


def test_jalali_round_trip_over_decades() -> None:
    day = date(1990, 1, 1)
    while day < date(2040, 1, 1):
        assert jalali_to_gregorian(*gregorian_to_jalali(day)) == day
        day += timedelta(days=17)


def test_impossible_jalali_day_is_rejected() -> None:
    with pytest.raises(ValueError, match="Esfand"):
        jalali_to_gregorian(1402, 12, 30)  # 1402 is not leap


PUBLISHED = date(2023, 11, 6)  # a Monday


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("ar", "مساء السبت الماضي 4 نوفمبر 2023", date(2023, 11, 4)),
        ("ar", "أمس الأحد", date(2023, 11, 5)),
        ("ar", "يوم 7 أكتوبر (تشرين الأول)", date(2023, 10, 7)),  # year from the reference day
        ("ar", "في 28 ديسمبر", date(2022, 12, 28)),  # not in the future: last year
        ("ar", "السبت الماضي", date(2023, 11, 4)),
        ("ar", "قبل أيام", None),
        ("fa", "روز ۱۴ آبان ۱۴۰۲", date(2023, 11, 5)),
        ("fa", "۱۴ آبان", date(2023, 11, 5)),  # Solar Hijri year from the reference day
        ("fa", "دیروز", date(2023, 11, 5)),
        ("fa", "شنبه گذشته", date(2023, 11, 4)),
        ("en", "on Saturday, November 4, 2023", date(2023, 11, 4)),
        ("en", "last Monday", date(2023, 10, 30)),  # "last" on a Monday: a week back
        ("en", "on Monday", date(2023, 11, 6)),
        ("en", "recently", None),
    ],
)
def test_resolve(lexicons: Lexicons, lang: str, text: str, expected: date | None) -> None:
    mentions = find_dates(fold(text), lexicons.by_lang[lang])
    assert len(mentions) == 1
    assert resolve_date(mentions[0], PUBLISHED, PUBLISHED) == expected


def test_relative_words_need_a_publication_day(lexicons: Lexicons) -> None:
    (mention,) = find_dates(fold("أمس"), lexicons.by_lang["ar"])
    assert resolve_date(mention, None, date(2023, 11, 5)) is None


def test_month_without_day_is_not_a_date(lexicons: Lexicons) -> None:
    """ "مارس" is also the verb "practised": a month counts only next to a day."""
    assert find_dates(fold("مارس الضغط على الحكومة"), lexicons.by_lang["ar"]) == []


# --- the article-wide latest full date: its windowed fast path against the whole-text scan ---


def _latest_by_full_scan(folded: str, lexicon: Lexicon) -> date | None:
    """The slow path ``latest_full_date`` must equal: every dated mention of the whole text."""
    days = [
        resolve_date(m, None, None)
        for m in find_dates(folded, lexicon)
        if m.absolute and m.year is not None
    ]
    found = [d for d in days if d is not None]
    return max(found) if found else None


def _date_words(lexicon: Lexicon) -> list[str]:
    """Every date word of the lexicon file, folded (months, weekdays, relative and vague words)."""
    data = yaml.safe_load(lexicon.path.read_text(encoding="utf-8"))["dates"]
    out: list[str] = []
    for value in data.values():
        groups = value.values() if isinstance(value, dict) else [value]
        out += [fold(str(word)) for group in groups for word in group]
    return out


def _generated_texts(lexicon: Lexicon, count: int, seed: int) -> list[str]:
    """Date words, numbers (days, plausible and implausible years), joiner words, separators
    and other words in random order: dates, near-dates and barriers side by side."""
    rng = random.Random(seed)
    words = _date_words(lexicon)
    others = ["يوم", "روز", "on", "the", "of", "في", "مساء", "وزير", "met", "x2023", "2023on"]
    others += ["ب2024", "و", "_", ",", "،", "(", ")", "-", "/", ".", "\n"]

    def number() -> str:
        low, high = rng.choice([(1, 31), (1300, 1500), (1900, 2100), (0, 99999)])
        return str(rng.randint(low, high))

    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 12)):
            parts += [number(), rng.choice(words), number()] if rng.random() < 0.5 else []
            parts += [rng.choice(words + others) for _ in range(rng.randint(0, 3))]
        texts.append(rng.choice([" ", "", " , "]).join(parts))
    return texts


@pytest.mark.parametrize("lang", ["ar", "fa", "en"])
def test_latest_full_date_equals_the_full_scan_on_fixture_articles(
    lexicons: Lexicons, lang: str
) -> None:
    lexicon = lexicons.by_lang[lang]
    texts = [path.read_text(encoding="utf-8") for path in sorted(FIXTURES.glob("*.yaml"))]
    texts += [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.jsonl"))]
    for text in texts:
        for block in [text, *text.split("\n\n")]:
            folded = fold(block)
            assert latest_full_date(folded, lexicon) == _latest_by_full_scan(folded, lexicon)


@pytest.mark.parametrize("lang", ["ar", "fa", "en"])
def test_latest_full_date_equals_the_full_scan_on_generated_text(
    lexicons: Lexicons, lang: str
) -> None:
    lexicon = lexicons.by_lang[lang]
    texts = _generated_texts(lexicon, 1500, seed=len(lang))
    dated = 0
    for text in texts:
        folded = fold(text)
        expected = _latest_by_full_scan(folded, lexicon)
        assert latest_full_date(folded, lexicon) == expected, text
        dated += expected is not None
    assert dated > 100  # the generator does write full dates


def test_latest_full_date_reads_a_date_cut_from_its_year_by_joiners(lexicons: Lexicons) -> None:
    text = fold("وقال الوزير يوم السبت، 4 - نوفمبر (تشرين الثاني) في 2023 إن 1950 شخصا")
    assert latest_full_date(text, lexicons.by_lang["ar"]) == date(2023, 11, 4)


def test_four_digit_numbers_equal_the_regex() -> None:
    rng = random.Random(4)
    alphabet = "0123456789٠١٢٣٤٥٦٧٨٩۱۲ ab\u0966\u0967\U0001d7ce\ud83d"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        expected = [m.start() for m in _FOUR_DIGITS.finditer(text)]
        assert _four_digit_numbers(text) == expected, text


def test_decimal_table_is_regex_digit() -> None:
    digit = re.compile(r"\d")
    assert [c for c in range(0x10000) if _DECIMAL[c]] == [
        c for c in range(0x10000) if digit.match(chr(c))
    ]


def test_scanned_date_words_give_the_same_mentions(lexicons: Lexicons, kb: KnowledgeBase) -> None:
    """A sentence's date words found by the one-pass scanner equal ``finditer``'s."""
    lexicon = lexicons.by_lang["ar"]
    for text in _generated_texts(lexicon, 300, seed=9):
        sentence = parse_sentence(fold(text), lexicon, kb)
        assert sentence.words is not None
        assert find_dates(sentence.words, lexicon, sentence.date_hits) == find_dates(
            sentence.words, lexicon
        )
