"""One folded sentence, tokenised and matched: the view every figure rule reads.

Also holds the rules that say a number is *not* a count of people (dates, years, ages,
times, durations, percentages, ordinals, money, phone numbers, things), because they read
only the characters and words around the number.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from agents.figures._lexicon import Hit, Lexicon, Role, bit
from agents.figures._numbers import NumberSpan, read_numbers, scan

__all__ = ["Sentence", "not_a_count"]

_CURRENCY = frozenset("$€£¥﷼")
_NEAR = 4
_SUBJECTS = bit(Role.PEOPLE, Role.GROUP, Role.NATIONALITY, Role.OTHERS)
_SUBJECTS_OR_CATEGORY = _SUBJECTS | bit(Role.CAT_AFTER)
_TIME_OR_MONTH = bit(Role.TIME, Role.MONTH)
_PARTITIVE = bit(Role.PARTITIVE)
_MONTH = bit(Role.MONTH)
_TIME = bit(Role.TIME)
_MONEY = bit(Role.MONEY)
_PERCENT = bit(Role.PERCENT)
_CLOCK_AFTER = bit(Role.CLOCK_AFTER)
_CLOCK_BEFORE = bit(Role.CLOCK_BEFORE)
_THING = bit(Role.THING)
_AGE = bit(Role.AGE)
_LOCATION = bit(Role.LOCATION)
_NOT_PEOPLE_AFTER = _MONTH | _TIME | _MONEY | _PERCENT | _CLOCK_AFTER | _THING


@dataclass(slots=True)
class Sentence:
    """Tokens, lexicon matches and numbers of one folded sentence.

    Token ``i`` is ``texts[i]``, of kind ``kinds[i]`` ("num", "word", "punct"), at
    ``offsets[i]`` in ``folded`` (``_numbers.Tokens``). ``starts[i]`` holds the longest
    lexicon hits beginning at token ``i``; ``ends[j]`` the hits ending just before token
    ``j`` (longest first), for reading leftwards from a number. ``masks[i]`` is the role
    bits of ``starts[i]`` (``_lexicon.bit``), ``present`` every role of the sentence and
    ``hits`` the tokens where a match starts: the rules ask "is there a month here?" for
    every number, and most answers are no without looking at a single hit.
    """

    folded: str
    lexicon: Lexicon
    texts: list[str]
    kinds: list[str]
    offsets: list[int]
    numbers: list[NumberSpan]
    starts: list[tuple[Hit, ...]]
    ends: list[tuple[Hit, ...]]
    masks: list[int]
    present: int
    hits: list[int]
    _places: list[tuple[int, Hit]] | None = None

    @classmethod
    def from_folded(cls, folded: str, lexicon: Lexicon, lang: str | None) -> Sentence | None:
        """Analyse ``folded``; ``None`` when it holds no category word or no number."""
        tokens = scan(folded)
        texts, kinds, offsets, _ = tokens
        if not lexicon.is_candidate(texts):
            return None
        numbers = read_numbers(tokens, lang)
        if not numbers:
            return None
        starts, ends, masks, hits = lexicon.match_texts(texts)
        present = reduce(or_, masks, 0)
        return cls(
            folded, lexicon, texts, kinds, offsets, numbers, starts, ends, masks, present, hits
        )

    def places(self) -> list[tuple[int, Hit]]:
        """Every place the sentence names, as (token, hit), in order (read once)."""
        if self._places is None:
            masks, starts = self.masks, self.starts
            self._places = [
                (i, h)
                for i in self.hits
                if masks[i] & _LOCATION
                for h in starts[i]
                if h.role is Role.LOCATION
            ]
        return self._places

    def roles(self, i: int) -> int:
        """Role bits of the hits starting at token ``i`` (0 past the end)."""
        return self.masks[i] if i < len(self.masks) else 0

    def first(self, i: int, role: Role) -> Hit | None:
        """The hit of ``role`` starting at token ``i``, if any."""
        if i >= len(self.masks) or not self.masks[i] >> role & 1:
            return None
        for h in self.starts[i]:  # a loop: a generator costs ~0.4 µs more to start
            if h.role is role:
                return h
        return None  # pragma: no cover (the mask says there is one)

    def ending(self, j: int, role: Role) -> Hit | None:
        """The longest hit of ``role`` ending just before token ``j`` (it starts at
        ``j - hit.length``)."""
        if j <= 0:
            return None
        for h in self.ends[j]:
            if h.role is role:
                return h
        return None


def not_a_count(s: Sentence, n: NumberSpan) -> str | None:
    """Why number ``n`` cannot be a count of people, or ``None`` if it may be one.

    The reason is a short code for tests and debugging: ``fraction``, ``percent``, ``money``,
    ``clock``, ``date``, ``year``, ``duration``, ``age``, ``ordinal``, ``phone``, ``thing``.
    """
    if n.value <= 0 or n.value != n.value.to_integral_value():
        return "fraction"
    text, start, end = s.folded, n.start, n.end
    prev_char = text[start - 1 : start]
    next_char = text[end : end + 1]
    # The nearest non-blank characters: the neighbour unless it is blank (or the text's
    # end: ""), then within a few characters (fold leaves one space), else searched in
    # the whole text.
    before = prev_char
    if prev_char.isspace():
        near = text[max(start - _NEAR, 0) : start].rstrip()
        before = near[-1:] if near or start <= _NEAR else text[:start].rstrip()[-1:]
    after = next_char
    if next_char.isspace():
        near = text[end : end + _NEAR].lstrip()
        after = near[:1] if near or end + _NEAR >= len(text) else text[end:].lstrip()[:1]
    if "%" in (before, after):
        return "percent"
    if before in _CURRENCY or after in _CURRENCY:
        return "money"
    if next_char == ":" and text[end + 1 : end + 2].isdigit():
        return "clock"
    if prev_char == ":" and text[start - 2 : start - 1].isdigit():
        return "clock"
    if next_char in ("/", "-", ".") and text[end + 1 : end + 2].isdigit():
        return "date"  # 5/11/2023, 2023-11-05, 05.11.2023, or a range/phone number
    if prev_char in ("/", "-", "+") or (prev_char == "." and text[start - 2 : start - 1].isdigit()):
        return "phone"  # +98 ..., F-16, 10-15: not a count standing alone
    texts, kinds = s.texts, s.kinds
    first = texts[n.first]
    if not n.words and len(first) > 1 and first[0] == "0":
        return "phone"
    if next_char.isalpha():
        return "ordinal"  # 7th, ۷مین, 15km glued to its unit
    if prev_char.isalpha():
        glued = texts[n.first - 1]
        if glued.endswith("ال") or glued.isascii():
            return "ordinal"  # الـ7 (the seventh), A7, M16
    nxt, prv = n.last + 1, n.first - 1
    n_tokens = len(texts)
    if nxt < n_tokens and kinds[nxt] == "num":
        return "phone"
    if prv >= 0 and kinds[prv] == "num":
        return "phone"
    if nxt < n_tokens and texts[nxt] == "-":
        nxt += 1  # "12-year-old"
    roles = s.roles(nxt)
    if roles & _PARTITIVE and s.roles(nxt + 1) & _TIME_OR_MONTH:
        nxt += 1  # "7 من الشهر"
        roles = s.roles(nxt)
    if roles & _NOT_PEOPLE_AFTER:
        if roles & _MONTH and _is_month(s, nxt):
            return "date"
        if roles & _TIME:
            return "duration"
        if roles & _MONEY:
            return "money"
        if roles & _PERCENT:
            return "percent"
        if roles & _CLOCK_AFTER:
            return "clock"
        if roles & _THING:
            return "thing"
    present = s.present  # most sentences name no month, clock or age: skip those rules
    if present & _MONTH and _month_before(s, n):
        return "date"  # "October 7", "Oct. 7", "May 15, 2023"
    if present & _CLOCK_BEFORE and s.ending(n.first, Role.CLOCK_BEFORE):
        return "clock"
    if present & _AGE and any(
        s.ending(j, Role.AGE) for j in range(max(n.first - 2, 1), n.first + 1)
    ):
        return "age"
    if len(first) == 4 and _is_year(s, n, roles):  # (a year has four digits)
        return "year"
    return None


def _is_month(s: Sentence, i: int) -> bool:
    """A month name; a weak one ("May", "مه") only before a number or punctuation."""
    m = s.first(i, Role.MONTH)
    if m is None:
        return False
    if s.first(i, Role.MONTH_WEAK) is None:
        return True
    end = i + m.length
    return end >= len(s.texts) or s.kinds[end] in ("num", "punct")


def _month_before(s: Sentence, n: NumberSpan) -> bool:
    """A month name right before the number; a weak one only if the number ends a clause."""
    j = n.first
    if j > 0 and s.texts[j - 1] == ".":
        j -= 1  # "Oct. 7"
    if s.ending(j, Role.MONTH) is None:
        return False
    if s.ending(j, Role.MONTH_WEAK) is None:
        return True
    return n.last + 1 >= len(s.texts) or s.kinds[n.last + 1] == "punct"


def _is_year(s: Sentence, n: NumberSpan, following: int) -> bool:
    """A bare four-digit number after "year"/a month, or in 1900-2100 unless people follow it.

    ``following``: the role bits of the word after the number.
    """
    text = s.texts[n.first]
    if n.words or n.first != n.last or len(text) != 4 or not text.isdigit():
        return False
    if s.ending(n.first, Role.TIME) or s.ending(n.first, Role.MONTH):
        return True  # "عام 2023", "سال ۱۴۰۲", "۱۵ مهر ۱۴۰۲"
    if following & _SUBJECTS_OR_CATEGORY:
        return False  # "2000 قتيل" is a toll, not a year
    return 1900 <= n.value <= 2100
