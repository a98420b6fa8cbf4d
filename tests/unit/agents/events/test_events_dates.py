"""Dates: Solar Hijri conversion, absolute and relative expressions in three languages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from agents.events import Lexicons
from agents.events._dates import find_dates, gregorian_to_jalali, jalali_to_gregorian, resolve_date
from agents.normalize.text import fold


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
