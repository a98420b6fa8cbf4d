"""Numbers in news text: digits in three scripts, separators, decimals and number words.

Works on *folded* text (``agents.normalize.text.fold``): Arabic-Indic and Persian digits are
already ASCII there, ``٫`` is ``.`` and ``٬`` is ``,``, and letter variants are merged, so one
table serves every spelling. Spans are offsets into the folded text.

What counts as one number:

- digits with thousands separators (``24,000``, ``24.000``, ``24٬000``, ``24 000``), and
  decimals (``1.2``, ``1٫2``; ``1,2`` only before a scale word such as "million");
- a scale word after digits or words (``1.2 million``, ``3 آلاف``, ``۱۲ هزار``), with a
  smaller part joined by "و" / "and" (``۱۲ هزار و ۳۰۰``, ``ألفين وخمسمائة``);
- number words in English, Arabic and Persian (``two thousand three hundred``, ``خمسة
  وعشرين``, ``دوازده هزار``, ``بیست و پنج``), including Arabic duals (``ألفين`` 2,000).

Vague quantities ("عشرات", "مئات", "آلاف" on its own, "dozens", "hundreds", "هزاران") are not
numbers: a count nobody stated must not enter a series. Words that are also common words
are accepted only where they cannot be read otherwise: Arabic "أحد"/"اثنا" only before "عشر"
(11, 12; "أحد" alone is "one of"), Persian "نه" (nine, also "no") only before a scale word or
"نفر", English "a"/"an" only before "hundred" or a scale word.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from itertools import compress
from operator import itemgetter
from typing import NamedTuple

from agents.figures._number_words import (
    ALL_WORDS,
    CLASSIFIERS,
    HALF,
    JOINERS,
    SCALES,
    VAGUE_BEFORE,
    VAGUE_SUFFIX,
    WORDS,
    Kind,
)
from agents.normalize.text import fold

__all__ = ["NumberSpan", "Token", "find_numbers", "number_words", "parse_numbers", "tokenize"]


class Token(NamedTuple):
    """A word, a run of digits (with separators) or one punctuation mark of folded text.

    A named tuple, not a dataclass: a sentence has ~40 tokens and building them is a
    measurable share of the stage's time (tuples build ~2x faster here).
    """

    text: str
    start: int
    end: int
    kind: str  # "num", "word" or "punct"


class NumberSpan(NamedTuple):
    """A number found in folded text: its value, its character span and its token span.

    ``value`` is a ``Decimal`` so that "1.1 million" is exactly 1,100,000. ``first`` and
    ``last`` index the tokens it covers (inclusive) in the list ``find_numbers`` was given.
    ``words`` is true when any part was written in words. A named tuple for the reason
    ``Token`` is one: a frozen dataclass takes ~3 µs to build here, a tuple a tenth of that.
    """

    value: Decimal
    start: int
    end: int
    first: int
    last: int
    words: bool = False


_TEXT = itemgetter(0)
_KIND = itemgetter(3)
_IS_NUM = "num".__eq__
_TOKEN = re.compile(r"(\d+(?:[.,]\d+)*)|([^\W\d_]+)|(\S)")
_KINDS = ("", "num", "word", "punct")
_new_tuple = tuple.__new__


def tokenize(folded: str) -> list[Token]:
    """Split folded text into word, number and punctuation tokens (whitespace dropped).

    Same tokens as ``_TOKEN.finditer`` over the whole text, ~40% faster: ``re`` spends ~1 µs
    a token on the Unicode classes, so whitespace-separated pieces that are all letters
    (``isalpha`` implies a word token), all digits, or letters then one mark ("killed,")
    are cut with ``str`` methods, and only the rest goes through the pattern.
    """
    out: list[Token] = []
    append = out.append
    find = folded.find
    kinds = _KINDS
    new = _new_tuple
    pos = 0
    for piece in folded.split():
        start = find(piece, pos)
        pos = start + len(piece)
        if piece.isalpha():
            append(new(Token, (piece, start, pos, "word")))
        elif piece.isdecimal():
            append(new(Token, (piece, start, pos, "num")))
        elif piece[:-1].isalpha() and not piece[-1].isalnum():
            append(new(Token, (piece[:-1], start, pos - 1, "word")))
            append(new(Token, (piece[-1], pos - 1, pos, "punct")))
        else:
            for m in _TOKEN.finditer(piece):
                a, b = m.span()
                append(new(Token, (m.group(), start + a, start + b, kinds[m.lastindex or 0])))
    return out


class _Atom(NamedTuple):
    """A named tuple: built for every number word and digit run read (see ``Token``)."""

    kind: Kind | None  # None: digits
    value: Decimal
    first: int  # token index where the atom starts (its joiner, if any, excluded)
    last: int
    joined: bool  # preceded by "و"/"and"/"-"


def _digit_value(text: str, before_scale: bool) -> Decimal | None:
    """Value of a digit token such as ``24,000``, ``1.2`` or ``1,2``; None if ambiguous."""
    if text.isdigit():
        return Decimal(text)
    seps = [c for c in text if not c.isdigit()]
    if not seps:
        return Decimal(text)
    groups = re.split(r"[.,]", text)
    try:
        if len(set(seps)) == 1:
            sep = seps[0]
            grouped = 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
            # "1.500 million" reads as 1.5 million; "1.500" alone as 1,500 (Maghreb style).
            if grouped and not (sep == "." and len(groups) == 2 and before_scale):
                return Decimal("".join(groups))
            if len(groups) == 2 and (sep == "." or before_scale):
                return Decimal(f"{groups[0]}.{groups[1]}")
            return None
        last = text.rfind(seps[-1])
        whole, frac = text[:last], text[last + 1 :]
        parts = re.split(r"[.,]", whole)
        if any(c == seps[-1] for c in seps[:-1]) or not all(len(g) == 3 for g in parts[1:]):
            return None
        return Decimal(f"{''.join(parts)}.{frac}")
    except InvalidOperation:
        return None


def _space_grouped(tokens: list[Token], i: int) -> int:
    """Index of the last token of a space-grouped number starting at ``i`` ("24 000")."""
    j = i
    t = tokens[i]
    if not (t.text.isdigit() and len(t.text) <= 3):
        return i
    if i > 0 and tokens[i - 1].kind == "num" and tokens[i - 1].end + 1 == t.start:
        return i
    while j + 1 < len(tokens):
        n = tokens[j + 1]
        if not (n.kind == "num" and n.text.isdigit() and len(n.text) == 3):
            break
        if n.start != tokens[j].end + 1:
            break
        j += 1
    if (
        j + 1 < len(tokens)
        and tokens[j + 1].kind == "num"
        and tokens[j + 1].start == tokens[j].end + 1
    ):
        return i  # "12 345 6789": a phone number, not thousands
    return j


class _Reader:
    """Reads atoms (digits or number words) from a token list."""

    def __init__(self, tokens: list[Token], words: dict[str, tuple[Kind, int]]) -> None:
        self.tokens = tokens
        self.words = words

    def word(self, i: int) -> tuple[Kind, int] | None:
        if i >= len(self.tokens) or self.tokens[i].kind != "word":
            return None
        return self.words.get(self.tokens[i].text)

    def atom(self, i: int, joined: bool = False) -> _Atom | None:
        """The atom at token ``i``, reading "و" glued to a number word ("وعشرين") as a joiner."""
        if i >= len(self.tokens):
            return None
        t = self.tokens[i]
        if t.kind == "num":
            last = _space_grouped(self.tokens, i)
            text = t.text if last == i else "".join(x.text for x in self.tokens[i : last + 1])
            nxt = self.word(last + 1)
            value = _digit_value(text, nxt is not None and nxt[0] in SCALES)
            return None if value is None else _new_tuple(_Atom, (None, value, i, last, joined))
        if t.kind != "word":
            return None
        hit = self.words.get(t.text)
        if hit is None and not joined and len(t.text) > 2 and t.text[0] == "و":
            hit = self.words.get(t.text[1:])
            joined = hit is not None
        if hit is None:
            return None
        if i + 1 < len(self.tokens) and self.tokens[i + 1].text == VAGUE_SUFFIX:
            return None
        return _new_tuple(_Atom, (hit[0], Decimal(hit[1]), i, i, joined))

    def next_atom(self, i: int) -> _Atom | None:
        """The atom after token ``i - 1``, consuming one free-standing joiner before it."""
        if i < len(self.tokens) and self.tokens[i].text in JOINERS:
            return self.atom(i + 1, joined=True)
        return self.atom(i)


def _start(reader: _Reader, a: _Atom) -> tuple[Decimal, Decimal | None, Kind | None] | None:
    """(total, group, last kind) after a first atom, or None if it cannot start a number."""
    if a.kind is None or a.kind in _GROUP_KINDS:
        return _ZERO, a.value, a.kind
    if a.kind is Kind.HUNDRED:
        return _ZERO, a.value, Kind.HUNDREDS
    if a.kind is Kind.SCALE:
        return a.value, None, Kind.SCALE
    if a.kind is Kind.SCALE_VALUE:
        return a.value, None, Kind.SCALE
    nxt = reader.word(a.last + 1)
    nkind = nxt[0] if nxt else None
    if a.kind is Kind.TEEN_PREFIX:
        return (Decimal(0), a.value, Kind.UNIT) if nkind is Kind.TEN else None
    if a.kind is Kind.WEAK:
        nxt_text = reader.tokens[a.last + 1].text if a.last + 1 < len(reader.tokens) else ""
        ok = nkind in (Kind.SCALE, Kind.HUNDRED) or nxt_text in CLASSIFIERS
        return (Decimal(0), a.value, Kind.UNIT) if ok else None
    if a.kind is Kind.ARTICLE:
        return (Decimal(0), a.value, Kind.UNIT) if nkind in (Kind.HUNDRED, Kind.SCALE) else None
    return None  # SCALE_PLURAL alone is vague ("آلاف", "thousands")


_ZERO = Decimal(0)
_GROUP_KINDS = frozenset({Kind.UNIT, Kind.TEN, Kind.TEEN, Kind.TENS, Kind.HUNDREDS})
# A scale or "hundred" read as vague after "tens of", "ده‌ها" (see ``_vague_before``).
_VAGUE_AFTER = frozenset({*SCALES, Kind.HUNDRED})


def _scale_of(value: Decimal) -> Decimal:
    for scale in (10**9, 10**6, 10**3):
        if value >= scale:
            return Decimal(scale)
    return Decimal(1)


def _small(group: Decimal | None, last: Kind | None) -> Decimal:
    """The part of ``group`` below a hundred, when its last word was a unit, ten or teen."""
    if group is not None and last in (Kind.UNIT, Kind.TENS, Kind.TEN, Kind.TEEN):
        return group
    return Decimal(0)


def _extend(
    reader: _Reader,
    total: Decimal,
    group: Decimal | None,
    last: Kind | None,
    cap: Decimal | None,
    end: int,
) -> tuple[Decimal, int]:
    """Consume atoms after the first while they continue the same number."""
    small = _small(group, last)
    while True:
        a = reader.next_atom(end + 1)
        if a is None:
            break
        k = a.kind
        if k is Kind.HALF:
            if not a.joined:
                break
            if group is not None and group == group.to_integral_value() and group < 1000:
                group += HALF  # "یک و نیم میلیون": the scale follows
                end = a.last
                continue
            if group is None and cap is not None:
                total += cap * HALF  # "مليون ونصف"
                end = a.last
                again = reader.atom(end + 1)
                if again is not None and again.kind is Kind.SCALE and again.value == cap:
                    end = again.last  # "مليون ونصف مليون"
            break
        if group is not None:
            if k in SCALES and not a.joined:
                if cap is not None and a.value >= cap:
                    break
                total += group * a.value
                group, last, cap, small = None, Kind.SCALE, a.value, Decimal(0)
            elif (
                k is Kind.HUNDRED
                and not a.joined
                and last in (Kind.UNIT, Kind.WEAK, None)
                and group < 10
                and group == group.to_integral_value()
            ):
                group, last, small = group * 100, Kind.HUNDREDS, Decimal(0)
            elif k is Kind.TEN and not a.joined and last is Kind.UNIT and small == group < 10:
                group, last = group + 10, Kind.TEEN
                small = group
            elif k in (Kind.UNIT, Kind.WEAK) and last is Kind.TENS and small < 100:
                group, last = group + a.value, Kind.TEEN  # "twenty-five", "بیست و پنج"
            elif k is Kind.TENS and a.joined and last is Kind.UNIT and small < 10:
                group, last = group + a.value, Kind.TEEN  # "خمسة وعشرين"
            elif (
                k in (Kind.UNIT, Kind.WEAK, Kind.TEN, Kind.TEEN, Kind.TENS)
                and last is Kind.HUNDREDS
            ):
                group, last, small = group + a.value, k, a.value
            else:
                break
        else:
            if cap is None or a.value >= cap:
                break
            if a.kind is None and not a.joined:
                break  # "12 ألف 300": two numbers
            start = _start(reader, a)
            if start is None or start[1] is None:
                break
            group, last = start[1], start[2]
            small = _small(group, last)
        end = a.last
    return total + (group or 0), end


def _vague_before(tokens: list[Token], i: int) -> bool:
    """A vague quantifier right before token ``i`` ("ده‌ها هزار", "tens of thousands")."""
    j = i - 1
    if j >= 0 and tokens[j].text in ("of", "من", "از"):
        j -= 1
    return j >= 0 and tokens[j].text in VAGUE_BEFORE


# Number words as written alone or with "و" glued on ("وعشرين"), for the scan in find_numbers.
_JOINED = {lang: frozenset(ws) | frozenset("و" + w for w in ws) for lang, ws in WORDS.items()}
_ALL_JOINED = frozenset(ALL_WORDS) | frozenset("و" + w for w in ALL_WORDS)


def number_words(lang: str | None) -> frozenset[str]:
    """The words a number in ``lang`` may start with (``None``: any language), "و" glued too.

    A text none of whose word tokens is one of these, and with no digit, holds no number.
    """
    return _JOINED.get(lang or "", _ALL_JOINED)


def find_numbers(
    tokens: list[Token], lang: str | None = None, *, digits_alone: bool = True
) -> list[NumberSpan]:
    """Every number in ``tokens`` (from ``tokenize``), left to right, non-overlapping.

    ``lang`` ("ar", "fa", "en") restricts number words to that language; ``None`` reads all
    three (for text whose language is unknown). ``digits_alone=False`` turns off the short
    cut for a run of digits nothing can extend (tests compare the two ways).
    """
    words = WORDS.get(lang or "", ALL_WORDS)
    joined = number_words(lang)
    reader = _Reader(tokens, words)
    out: list[NumberSpan] = []
    # Most tokens are neither digits nor number words: find the few that are in C-level passes.
    starts = list(compress(range(len(tokens)), map(_IS_NUM, map(_KIND, tokens))))
    named = joined.intersection(map(_TEXT, tokens))
    if named:
        starts += compress(range(len(tokens)), map(named.__contains__, map(_TEXT, tokens)))
        starts.sort()
    n_tokens = len(tokens)
    i = 0
    for k in starts:
        if k < i:
            continue  # inside the previous number
        i = k
        t = tokens[i]
        if digits_alone and t[3] == "num" and t[0].isdigit():
            nxt = tokens[i + 1] if i + 1 < n_tokens else None
            if nxt is None or (nxt[3] != "num" and nxt[0] not in JOINERS and nxt[0] not in joined):
                # Digits alone ("11078 شهيدا", most numbers): the reading below, without
                # its ~10 calls: no grouped digits, scale, "and" or number word follows.
                value = _ZERO + (Decimal(t[0]) or 0)
                out.append(_new_tuple(NumberSpan, (value, t[1], t[2], i, i, False)))
                i += 1
                continue
        a = reader.atom(i)
        if a is None:
            continue
        start = _start(reader, a)
        if start is None or (a.kind in _VAGUE_AFTER and _vague_before(tokens, i)):
            i = a.last + 1
            continue
        total, group, last = start
        cap = a.value if a.kind is Kind.SCALE or a.kind is Kind.SCALE_VALUE else None
        if a.kind is Kind.SCALE_VALUE:
            cap = _scale_of(a.value)
        value, end = _extend(reader, total, group, last, cap, a.last)
        first = a.first
        is_words = a.kind is not None or any(
            tokens[k][3] == "word" for k in range(first + 1, end + 1)
        )
        span = (value, tokens[first][1], tokens[end][2], first, end, is_words)
        out.append(_new_tuple(NumberSpan, span))
        i = end + 1
    return out


def parse_numbers(text: str, lang: str | None = None) -> list[NumberSpan]:
    """Fold ``text`` and return its numbers; spans are offsets into ``fold(text)``."""
    return find_numbers(tokenize(fold(text)), lang)
