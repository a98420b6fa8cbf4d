"""One folded sentence, tokenised and matched: the view every figure rule reads.

Also holds the rules that say a number is *not* a count of people (dates, years, ages,
times, durations, percentages, ordinals, money, phone numbers, things), because they read
only the characters and words around the number.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from operator import itemgetter

from agents.figures._lexicon import NO_ROLES, Lexicon, Match, Role
from agents.figures._numbers import NumberSpan, Token, find_numbers, tokenize

__all__ = ["Sentence", "not_a_count"]

_CURRENCY = frozenset("$€£¥﷼")
_SUBJECTS = frozenset({Role.PEOPLE, Role.GROUP, Role.NATIONALITY, Role.OTHERS})
_SUBJECTS_OR_CATEGORY = _SUBJECTS | {Role.CAT_AFTER}
_TIME_OR_MONTH = frozenset({Role.TIME, Role.MONTH})


_TEXT = itemgetter(0)


@dataclass(slots=True)
class Sentence:
    """Tokens, lexicon matches and numbers of one folded sentence.

    ``starts[i]`` holds the longest matches beginning at token ``i``; ``ends[j]`` the matches
    ending just before token ``j`` (longest first), for reading leftwards from a number.
    ``role_sets[i]`` is the roles of ``starts[i]``, ``present`` every role of the sentence and
    ``hits`` the tokens where a match starts: the rules ask "is there a month here?" for
    every number, and most answers are no without looking at a single match.
    """

    folded: str
    lexicon: Lexicon
    tokens: list[Token]
    numbers: list[NumberSpan]
    starts: list[Sequence[Match]]
    ends: list[Sequence[Match]]
    role_sets: list[frozenset[Role]]
    present: frozenset[Role]
    hits: list[int]
    _places: list[Match] | None = None

    @classmethod
    def from_folded(cls, folded: str, lexicon: Lexicon, lang: str | None) -> Sentence | None:
        """Analyse ``folded``; ``None`` when it holds no category word or no number."""
        tokens = tokenize(folded)
        texts = list(map(_TEXT, tokens))
        if not lexicon.is_candidate(texts):
            return None
        numbers = find_numbers(tokens, lang)
        if not numbers:
            return None
        starts, ends, role_sets, hits = lexicon.match_texts(texts)
        present = frozenset().union(*map(role_sets.__getitem__, hits))
        return cls(folded, lexicon, tokens, numbers, starts, ends, role_sets, present, hits)

    def places(self) -> list[Match]:
        """Every place the sentence names, in order (read once, for its first figure)."""
        if self._places is None:
            self._places = [m for i in self.hits for m in self.starts[i] if m.role is Role.LOCATION]
        return self._places

    def roles(self, i: int) -> frozenset[Role]:
        """Roles of the matches starting at token ``i`` (empty past the end)."""
        if i >= len(self.tokens):
            return NO_ROLES
        return self.role_sets[i]

    def first(self, i: int, role: Role) -> Match | None:
        """The match of ``role`` starting at token ``i``, if any."""
        if i >= len(self.tokens) or role not in self.role_sets[i]:
            return None
        return next(m for m in self.starts[i] if m.role is role)

    def ending(self, j: int, role: Role) -> Match | None:
        """The longest match of ``role`` ending just before token ``j``."""
        if j <= 0:
            return None
        for m in self.ends[j]:
            if m.role is role:
                return m
        return None

    def is_punct(self, i: int) -> bool:
        return i < len(self.tokens) and self.tokens[i].kind == "punct"


def not_a_count(s: Sentence, n: NumberSpan) -> str | None:
    """Why number ``n`` cannot be a count of people, or ``None`` if it may be one.

    The reason is a short code for tests and debugging: ``fraction``, ``percent``, ``money``,
    ``clock``, ``date``, ``year``, ``duration``, ``age``, ``ordinal``, ``phone``, ``thing``.
    """
    if n.value <= 0 or n.value != n.value.to_integral_value():
        return "fraction"
    text, start, end = s.folded, n.start, n.end
    before = text[:start].rstrip()[-1:]
    after = text[end:].lstrip()[:1]
    prev_char = text[start - 1 : start]
    next_char = text[end : end + 1]
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
    first = s.tokens[n.first].text
    if not n.words and len(first) > 1 and first[0] == "0":
        return "phone"
    if next_char.isalpha():
        return "ordinal"  # 7th, ۷مین, 15km glued to its unit
    if prev_char.isalpha():
        glued = s.tokens[n.first - 1].text
        if glued.endswith("ال") or glued.isascii():
            return "ordinal"  # الـ7 (the seventh), A7, M16
    nxt, prv = n.last + 1, n.first - 1
    if nxt < len(s.tokens) and s.tokens[nxt].kind == "num":
        return "phone"
    if prv >= 0 and s.tokens[prv].kind == "num":
        return "phone"
    if s.tokens[nxt].text == "-" if nxt < len(s.tokens) else False:
        nxt += 1  # "12-year-old"
    if Role.PARTITIVE in s.roles(nxt) and s.roles(nxt + 1) & _TIME_OR_MONTH:
        nxt += 1  # "7 من الشهر"
    roles = s.roles(nxt)
    if Role.MONTH in roles and _is_month(s, nxt):
        return "date"
    if Role.TIME in roles:
        return "duration"
    if Role.MONEY in roles:
        return "money"
    if Role.PERCENT in roles:
        return "percent"
    if Role.CLOCK_AFTER in roles:
        return "clock"
    if Role.THING in roles:
        return "thing"
    present = s.present  # most sentences name no month, clock or age: skip those rules
    if Role.MONTH in present and _month_before(s, n):
        return "date"  # "October 7", "Oct. 7", "May 15, 2023"
    if Role.CLOCK_BEFORE in present and s.ending(n.first, Role.CLOCK_BEFORE):
        return "clock"
    if Role.AGE in present and any(
        s.ending(j, Role.AGE) for j in range(max(n.first - 2, 1), n.first + 1)
    ):
        return "age"
    if _is_year(s, n, roles):
        return "year"
    return None


def _is_month(s: Sentence, i: int) -> bool:
    """A month name; a weak one ("May", "مه") only before a number or punctuation."""
    m = s.first(i, Role.MONTH)
    if m is None:
        return False
    if s.first(i, Role.MONTH_WEAK) is None:
        return True
    return m.end >= len(s.tokens) or s.tokens[m.end].kind in ("num", "punct")


def _month_before(s: Sentence, n: NumberSpan) -> bool:
    """A month name right before the number; a weak one only if the number ends a clause."""
    j = n.first
    if j > 0 and s.tokens[j - 1].text == ".":
        j -= 1  # "Oct. 7"
    if s.ending(j, Role.MONTH) is None:
        return False
    if s.ending(j, Role.MONTH_WEAK) is None:
        return True
    return n.last + 1 >= len(s.tokens) or s.tokens[n.last + 1].kind == "punct"


def _is_year(s: Sentence, n: NumberSpan, following: AbstractSet[Role]) -> bool:
    """A bare four-digit number after "year"/a month, or in 1900-2100 unless people follow it."""
    text = s.tokens[n.first].text
    if n.words or n.first != n.last or len(text) != 4 or not text.isdigit():
        return False
    if s.ending(n.first, Role.TIME) or s.ending(n.first, Role.MONTH):
        return True  # "عام 2023", "سال ۱۴۰۲", "۱۵ مهر ۱۴۰۲"
    if following & _SUBJECTS_OR_CATEGORY:
        return False  # "2000 قتيل" is a toll, not a year
    return 1900 <= n.value <= 2100
