"""Dates in news sentences: absolute (Gregorian or Solar Hijri) and relative to publication.

``find_dates`` groups adjacent date words and numbers of a folded sentence into mentions
("السبت الماضي 4 نوفمبر 2023", "۱۴ آبان ۱۴۰۲", "November 4, 2023", "yesterday", "قبل أيام");
``resolve_date`` turns one into a calendar day. A month without a day is not a date (مارس is
also the verb "practised", "May" a modal), so a month counts only next to a day number.

Solar Hijri (Jalali) days are converted with the 33-year-cycle break table of the
jalaali algorithm (Borkowski), which matches the official Iranian calendar from 1178 to 3177
SH; it is a few lines, so no dependency is added for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from agents.events._terms import TermHit, Words
from agents.events.lexicon import DateWord, DateWordKind, Lexicon

__all__ = [
    "DateMention",
    "find_dates",
    "gregorian_to_jalali",
    "jalali_to_gregorian",
    "latest_full_date",
    "resolve_date",
]

_NUMBER = re.compile(r"(?<!\d)\d{1,4}(?!\d)")
# Words that may stand between the parts of one date ("on", "يوم", "روز"), besides spaces,
# commas, brackets and dashes (``_JOINER``).
_JOINER_WORDS = frozenset(["يوم", "روز", "on", "the", "of", "في", "مساء", "صباح", "ليلة", "عصر"])
_JOINER = re.compile(
    r"^[\s,،()\[\]\-–/.]*(?:(?:" + "|".join(sorted(_JOINER_WORDS)) + r")[\s,،()\-]*)?$"
)
_FUTURE_SLACK = timedelta(days=2)
_FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")
_TOKEN_RUN = re.compile(r"(?<![^\W_])[^\W_]+")  # a word token (``_terms``), from its start
_ALNUM = re.compile(r"[^\W_]")
_DIGIT = re.compile(r"\d")
_LOOK_BACK = 160  # characters searched at a time for a barrier before a year


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression: its span in the folded sentence and what it says.

    Exactly one of these shapes: ``month`` and ``day`` set (absolute; ``year`` optional,
    ``solar`` for a Solar Hijri month), ``offset`` set (days from publication), ``weekday``
    set (``past`` when "last"/"الماضي" qualifies it), or ``vague`` (recently, days ago).
    """

    start: int
    end: int
    day: int | None = None
    month: int | None = None
    year: int | None = None
    solar: bool = False
    offset: int | None = None
    weekday: int | None = None
    past: bool = False
    vague: bool = False

    @property
    def absolute(self) -> bool:
        """True for a day and month (with or without year)."""
        return self.day is not None and self.month is not None


@dataclass(frozen=True, slots=True)
class _Item:
    start: int
    end: int
    word: DateWord | None
    number: int | None


def find_dates(
    text: str | Words, lexicon: Lexicon, hits: Iterable[TermHit[DateWord]] | None = None
) -> list[DateMention]:
    """Date mentions in a folded sentence, in text order.

    ``hits`` are ``lexicon.dates.finditer(text)`` when the caller has them already (a
    sentence's ``Scanner`` pass finds date words with the rest).
    """
    words = text if isinstance(text, Words) else Words(text)
    folded = words.text
    found = lexicon.dates.finditer(words) if hits is None else hits
    items = [_Item(h.start, h.end, h.values[0], None) for h in found]
    taken = [(i.start, i.end) for i in items]
    for match in _NUMBER.finditer(folded):
        if not any(s <= match.start() < e for s, e in taken):
            items.append(_Item(match.start(), match.end(), None, int(match.group())))
    items.sort(key=lambda i: i.start)
    mentions = []
    cluster: list[_Item] = []
    for item in items:
        if cluster and (
            not _JOINER.match(folded[cluster[-1].end : item.start]) or _starts_new(cluster, item)
        ):
            mentions.extend(_interpret(cluster))
            cluster = []
        cluster.append(item)
    if cluster:
        mentions.extend(_interpret(cluster))
    return mentions


def latest_full_date(folded: str, lexicon: Lexicon) -> date | None:
    """The latest day written with day, month and year anywhere in a folded article.

    The same answer as resolving every absolute, dated mention of ``find_dates(folded)``,
    without tokenising the whole article (that took ~2 ms for 5 KB, most of this stage's
    cost on undated articles): such a mention holds a plausible year, a number of four
    digits, so an article without one is answered by one table lookup
    (``_four_digit_numbers``). Otherwise only a window around each year is read, cut at
    *barriers*: words with no digit that are no joiner word and that no date word can
    cover (``may_contain``). Nothing matches across a barrier and a date cannot span it
    (the text between two of its parts would hold a word that is not a joiner), so
    ``find_dates`` on the window yields exactly the whole text's mentions there.
    """
    found: list[date] = []
    window_end = -1
    for at in _four_digit_numbers(folded):
        year = int(folded[at : at + 4])
        if at < window_end or not (
            _plausible_year(year, solar=False) or _plausible_year(year, solar=True)
        ):
            continue  # a window holds no barrier, so a year inside one gives the same one
        start = _barrier_before(folded, at, lexicon)
        window_end = _barrier_after(folded, at + 4, lexicon)
        for mention in find_dates(folded[start:window_end], lexicon):
            if mention.absolute and mention.year is not None:
                day = resolve_date(mention, None, None)
                if day is not None:
                    found.append(day)
    return max(found) if found else None


def _four_digit_numbers(text: str) -> list[int]:
    """Starts of the numbers of exactly four digits in ``text`` (``_FOUR_DIGITS``).

    By a lookup table over the BMP with numpy (~10 us for 3 KB): the regex tries its
    lookbehind at every character, ~90 us, more than all the rest of this module.
    """
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) != 2 * len(text):  # beyond the BMP: the table does not reach
        return [m.start() for m in _FOUR_DIGITS.finditer(text)]
    digits: list[int] = np.flatnonzero(_DECIMAL.take(np.frombuffer(units, np.uint16))).tolist()
    out = []
    first = 0  # index in ``digits`` of the first digit of the current run
    for index in range(1, len(digits) + 1):
        if index == len(digits) or digits[index] != digits[index - 1] + 1:
            if index - first == 4:
                out.append(digits[first])
            first = index
    return out


def _decimal_table() -> np.ndarray:
    """``table[code]``: whether the BMP character is a decimal digit (``\\d``, category Nd)."""
    table = np.zeros(0x10000, dtype=bool)
    table[[code for code in range(0x10000) if chr(code).isdecimal()]] = True
    table.setflags(write=False)
    return table


_DECIMAL = _decimal_table()


def _is_barrier(word: str, lexicon: Lexicon) -> bool:
    return (
        word not in _JOINER_WORDS
        and _DIGIT.search(word) is None
        and not lexicon.dates.may_contain(word)
    )


def _barrier_before(text: str, position: int, lexicon: Lexicon) -> int:
    """End of the nearest barrier word ending at or before ``position`` (0 if none)."""
    high = position
    while high > 0:
        low = max(0, high - _LOOK_BACK)
        while low > 0 and _ALNUM.match(text, low - 1):
            low -= 1  # start the chunk at a word's start, so that no word is cut there
        for run in reversed(list(_TOKEN_RUN.finditer(text, low, high))):
            cut = run.end() < len(text) and _ALNUM.match(text, run.end()) is not None
            if not cut and _is_barrier(run.group(), lexicon):
                return run.end()
        high = low
    return 0


def _barrier_after(text: str, position: int, lexicon: Lexicon) -> int:
    """Start of the nearest barrier word starting at or after ``position`` (the end if none)."""
    for run in _TOKEN_RUN.finditer(text, position):
        if _is_barrier(run.group(), lexicon):
            return run.start()
    return len(text)


def _starts_new(cluster: list[_Item], item: _Item) -> bool:
    """A vague word, or a weekday/relative word after a month, begins another date."""
    if item.word is None:
        return False
    if item.word.kind is DateWordKind.VAGUE:
        return True
    if item.word.kind in (DateWordKind.WEEKDAY, DateWordKind.RELATIVE):
        months = (DateWordKind.MONTH, DateWordKind.SOLAR_MONTH)
        return any(i.word is not None and i.word.kind in months for i in cluster)
    return False


def _interpret(cluster: list[_Item]) -> list[DateMention]:
    start, end = cluster[0].start, cluster[-1].end
    words = [i.word for i in cluster if i.word is not None]
    kinds = {w.kind for w in words}
    for index, item in enumerate(cluster):
        if item.word is None or item.word.kind not in (
            DateWordKind.MONTH,
            DateWordKind.SOLAR_MONTH,
        ):
            continue
        solar = item.word.kind is DateWordKind.SOLAR_MONTH
        before = cluster[index - 1].number if index > 0 else None
        after = cluster[index + 1].number if index + 1 < len(cluster) else None
        day = before if before is not None and 1 <= before <= 31 else None
        rest = cluster[index + 1 :]
        if day is None and after is not None and 1 <= after <= 31:
            day, rest = after, cluster[index + 2 :]
        if day is None:
            continue
        years = [
            i.number for i in rest if i.number is not None and _plausible_year(i.number, solar)
        ]
        return [
            DateMention(
                start,
                end,
                day=day,
                month=item.word.value,
                year=years[0] if years else None,
                solar=solar,
            )
        ]
    relative = [w.value for w in words if w.kind is DateWordKind.RELATIVE]
    if relative:
        return [DateMention(start, end, offset=relative[0])]
    weekdays = [w.value for w in words if w.kind is DateWordKind.WEEKDAY]
    if weekdays:
        return [DateMention(start, end, weekday=weekdays[0], past=DateWordKind.PAST in kinds)]
    if DateWordKind.VAGUE in kinds:
        return [DateMention(start, end, vague=True)]
    return []


def _plausible_year(number: int, solar: bool) -> bool:
    return 1300 <= number <= 1500 if solar else 1900 <= number <= 2100


def resolve_date(
    mention: DateMention, published: date | None, reference: date | None
) -> date | None:
    """The calendar day ``mention`` names, or ``None`` when it cannot be known.

    ``published`` is the article's publication day (relative words and weekdays need it);
    ``reference`` is the best day known for the article (publication, else the latest full
    date written in it) and supplies a missing year: the most recent such day not after it,
    as news reports the past.
    """
    if mention.vague:
        return None
    if mention.absolute:
        assert mention.day is not None and mention.month is not None
        return _absolute(mention.day, mention.month, mention.year, mention.solar, reference)
    if mention.offset is not None:
        return published + timedelta(days=mention.offset) if published is not None else None
    if mention.weekday is not None and published is not None:
        back = (published.weekday() - mention.weekday) % 7
        if back == 0 and mention.past:
            back = 7
        return published - timedelta(days=back)
    return None


def _absolute(
    day: int, month: int, year: int | None, solar: bool, reference: date | None
) -> date | None:
    try:
        if year is not None:
            return jalali_to_gregorian(year, month, day) if solar else date(year, month, day)
        if reference is None:
            return None
        if solar:
            ref_year = gregorian_to_jalali(reference)[0]
            found = jalali_to_gregorian(ref_year, month, day)
            if found > reference + _FUTURE_SLACK:
                found = jalali_to_gregorian(ref_year - 1, month, day)
            return found
        found = date(reference.year, month, day)
        if found > reference + _FUTURE_SLACK:
            found = date(reference.year - 1, month, day)
        return found
    except ValueError:
        return None


_BREAKS = (
    -61,
    9,
    38,
    199,
    426,
    686,
    756,
    818,
    1111,
    1181,
    1210,
    1635,
    2060,
    2097,
    2192,
    2262,
    2324,
    2394,
    2456,
    3178,
)


def _farvardin_first(jy: int) -> date:
    """Gregorian day of 1 Farvardin of Solar Hijri year ``jy`` (jalaali ``jalCal``)."""
    if not _BREAKS[0] <= jy < _BREAKS[-1]:
        raise ValueError(f"Solar Hijri year {jy} is outside the supported range")
    gy = jy + 621
    leap_j = -14
    jp = _BREAKS[0]
    jump = 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += (jump // 33) * 8 + (jump % 33) // 4
        jp = jm
    n = jy - jp
    leap_j += (n // 33) * 8 + ((n % 33) + 3) // 4
    if jump % 33 == 4 and jump - n == 4:
        leap_j += 1
    leap_g = gy // 4 - ((gy // 100 + 1) * 3) // 4 - 150
    return date(gy, 3, 20 + leap_j - leap_g)


def jalali_to_gregorian(jy: int, jm: int, jd: int) -> date:
    """Gregorian date of Solar Hijri ``jy/jm/jd``; ``ValueError`` for an impossible day."""
    if not 1 <= jm <= 12 or not 1 <= jd <= (31 if jm <= 6 else 30):
        raise ValueError(f"{jy}/{jm}/{jd} is not a Solar Hijri date")
    found = _farvardin_first(jy) + timedelta(days=(jm - 1) * 31 - (jm // 7) * (jm - 7) + jd - 1)
    if jm == 12 and found >= _farvardin_first(jy + 1):
        raise ValueError(f"{jy}/12/{jd}: Esfand has no such day that year")
    return found


def gregorian_to_jalali(day: date) -> tuple[int, int, int]:
    """Solar Hijri ``(year, month, day)`` of a Gregorian date."""
    jy = day.year - 621
    first = _farvardin_first(jy)
    if day < first:
        jy -= 1
        first = _farvardin_first(jy)
    days = (day - first).days
    if days < 186:
        return jy, days // 31 + 1, days % 31 + 1
    days -= 186
    return jy, 7 + days // 30, days % 30 + 1
