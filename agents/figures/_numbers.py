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

__all__ = [
    "NumberSpan",
    "Token",
    "Tokens",
    "find_numbers",
    "number_words",
    "parse_numbers",
    "read_numbers",
    "scan",
    "tokenize",
]


class Token(NamedTuple):
    """A word, a run of digits (with separators) or one punctuation mark of folded text.

    The stage itself reads tokens as parallel lists (``Tokens``, from ``scan``); this is the
    one-object-a-token view ``tokenize`` gives callers outside the hot path.
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


_TOKEN = re.compile(r"(\d+(?:[.,]\d+)*)|([^\W\d_]+)|(\S)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")  # ``_TOKEN``'s number, for ``fullmatch``
_KINDS = ("", "num", "word", "punct")
_new_tuple = tuple.__new__


class Tokens(NamedTuple):
    """A sentence's tokens as parallel lists (``scan``), and where its digits are.

    Token ``i`` is ``texts[i]``, of kind ``kinds[i]`` ("num", "word" or "punct"), at
    ``offsets[i]`` in the folded text (it ends at ``offsets[i] + len(texts[i])``);
    ``digits`` lists the "num" tokens in order. Lists rather than a ``Token`` per token:
    no object is built per token, and the lexicon and the number scan look ``texts`` up
    whole in C-level passes (``map``, set operations).
    """

    texts: list[str]
    kinds: list[str]
    offsets: list[int]
    digits: list[int]


def tokenize(folded: str) -> list[Token]:
    """Split folded text into word, number and punctuation tokens (whitespace dropped)."""
    texts, kinds, offsets, _ = scan(folded)
    return [
        _new_tuple(Token, (text, start, start + len(text), kind))
        for text, kind, start in zip(texts, kinds, offsets, strict=True)
    ]


def scan(folded: str) -> Tokens:
    """``tokenize`` as ``Tokens``: the same tokens as ``_TOKEN.finditer``.

    ``re`` spends ~1 µs a token on the Unicode classes, so whitespace-separated pieces that
    are all letters (``isalpha`` implies a word token) or all digits are taken whole, and
    only the rest (~1 in 8: "killed,", "2,000") is cut by ``_cut``. Fold leaves one space
    between pieces, so offsets are counted rather than searched for; other text (a blank
    run) is searched piece by piece.
    """
    pieces = folded.split()
    if " ".join(pieces) != folded:
        return _scan_pieces(folded, pieces)
    out = Tokens([], [], [], [])
    texts, kinds, offsets, digits = out
    add_text, add_kind, add_offset = texts.append, kinds.append, offsets.append
    start = 0
    for piece in pieces:
        if piece.isalpha():
            add_text(piece)
            add_kind("word")
            add_offset(start)
        elif piece.isdecimal():
            digits.append(len(texts))
            add_text(piece)
            add_kind("num")
            add_offset(start)
        else:
            _cut(piece, start, out)
        start += len(piece) + 1
    return out


def _scan_pieces(folded: str, pieces: list[str]) -> Tokens:
    """``scan`` for text with other blanks than single spaces: each piece is searched for."""
    out = Tokens([], [], [], [])
    texts, kinds, offsets, digits = out
    find = folded.find
    end = 0
    for piece in pieces:
        start = find(piece, end)
        end = start + len(piece)
        if piece.isalpha() or piece.isdecimal():
            if piece.isdecimal():
                digits.append(len(texts))
            texts.append(piece)
            kinds.append("num" if piece.isdecimal() else "word")
            offsets.append(start)
        else:
            _cut(piece, start, out)
    return out


def _cut(piece: str, start: int, out: Tokens) -> None:
    """Append the tokens of a piece that is neither all letters nor all digits."""
    texts, kinds, offsets, digits = out
    if piece[:-1].isalpha() and not piece[-1].isalnum():
        texts += (piece[:-1], piece[-1])  # letters then one mark: "killed,"
        kinds += ("word", "punct")
        offsets += (start, start + len(piece) - 1)
        return
    if _NUMBER.fullmatch(piece):  # one number with separators: "11,078", "1.5"
        digits.append(len(texts))
        texts.append(piece)
        kinds.append("num")
        offsets.append(start)
        return
    if not piece[-1].isalnum() and _NUMBER.fullmatch(piece, 0, len(piece) - 1):
        digits.append(len(texts))  # a number then one mark: "11,078,"
        texts += (piece[:-1], piece[-1])
        kinds += ("num", "punct")
        offsets += (start, start + len(piece) - 1)
        return
    for m in _TOKEN.finditer(piece):
        kind = _KINDS[m.lastindex or 0]
        if kind == "num":
            digits.append(len(texts))
        texts.append(m.group())
        kinds.append(kind)
        offsets.append(start + m.start())


class _Atom(NamedTuple):
    """A named tuple: built for every number word and digit run read (see ``Token``)."""

    kind: Kind | None  # None: digits
    value: Decimal
    first: int  # token index where the atom starts (its joiner, if any, excluded)
    last: int
    joined: bool  # preceded by "و"/"and"/"-"


_SEPARATOR = re.compile(r"[.,]")


def _digit_value(text: str, before_scale: bool) -> Decimal | None:
    """Value of a digit token such as ``24,000``, ``1.2`` or ``1,2``; None if ambiguous."""
    if text.isdigit():
        return Decimal(text)
    seps = [c for c in text if not c.isdigit()]
    if not seps:
        return Decimal(text)
    groups = _SEPARATOR.split(text)
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
        parts = _SEPARATOR.split(whole)
        if any(c == seps[-1] for c in seps[:-1]) or not all(len(g) == 3 for g in parts[1:]):
            return None
        return Decimal(f"{''.join(parts)}.{frac}")
    except InvalidOperation:
        return None


def _space_grouped(texts: list[str], kinds: list[str], offsets: list[int], i: int) -> int:
    """Index of the last token of a space-grouped number starting at ``i`` ("24 000")."""
    text = texts[i]
    if not (text.isdigit() and len(text) <= 3):
        return i
    if i > 0 and kinds[i - 1] == "num" and offsets[i - 1] + len(texts[i - 1]) + 1 == offsets[i]:
        return i
    j = i
    n_tokens = len(texts)
    while j + 1 < n_tokens:
        nxt = texts[j + 1]
        if not (kinds[j + 1] == "num" and nxt.isdigit() and len(nxt) == 3):
            break
        if offsets[j + 1] != offsets[j] + len(texts[j]) + 1:
            break
        j += 1
    if (
        j + 1 < n_tokens
        and kinds[j + 1] == "num"
        and offsets[j + 1] == offsets[j] + len(texts[j]) + 1
    ):
        return i  # "12 345 6789": a phone number, not thousands
    return j


class _Reader:
    """Reads atoms (digits or number words) from a sentence's tokens."""

    __slots__ = ("kinds", "n_tokens", "offsets", "texts", "words")

    def __init__(self, tokens: Tokens, words: dict[str, tuple[Kind, int]]) -> None:
        self.texts, self.kinds, self.offsets, _ = tokens
        self.n_tokens = len(self.texts)
        self.words = words

    def text(self, i: int) -> str:
        """The text of token ``i``; "" past the end."""
        return self.texts[i] if i < self.n_tokens else ""

    def word(self, i: int) -> tuple[Kind, int] | None:
        if i >= self.n_tokens or self.kinds[i] != "word":
            return None
        return self.words.get(self.texts[i])

    def atom(self, i: int, joined: bool = False) -> _Atom | None:
        """The atom at token ``i``, reading "و" glued to a number word ("وعشرين") as a joiner."""
        if i >= self.n_tokens:
            return None
        kind = self.kinds[i]
        text = self.texts[i]
        if kind == "num":
            last = _space_grouped(self.texts, self.kinds, self.offsets, i)
            if last != i:
                text = "".join(self.texts[i : last + 1])
            nxt = self.word(last + 1)
            value = _digit_value(text, nxt is not None and nxt[0] in SCALES)
            return None if value is None else _new_tuple(_Atom, (None, value, i, last, joined))
        if kind != "word":
            return None
        hit = self.words.get(text)
        if hit is None and not joined and len(text) > 2 and text[0] == "و":
            hit = self.words.get(text[1:])
            joined = hit is not None
        if hit is None:
            return None
        if i + 1 < self.n_tokens and self.texts[i + 1] == VAGUE_SUFFIX:
            return None
        return _new_tuple(_Atom, (hit[0], Decimal(hit[1]), i, i, joined))

    def next_atom(self, i: int) -> _Atom | None:
        """The atom after token ``i - 1``, consuming one free-standing joiner before it."""
        if i < self.n_tokens and self.texts[i] in JOINERS:
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
        ok = nkind in (Kind.SCALE, Kind.HUNDRED) or reader.text(a.last + 1) in CLASSIFIERS
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


def _vague_before(texts: list[str], i: int) -> bool:
    """A vague quantifier right before token ``i`` ("ده‌ها هزار", "tens of thousands")."""
    j = i - 1
    if j >= 0 and texts[j] in ("of", "من", "از"):
        j -= 1
    return j >= 0 and texts[j] in VAGUE_BEFORE


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
    digits = [i for i, t in enumerate(tokens) if t[3] == "num"]
    lists = Tokens([t[0] for t in tokens], [t[3] for t in tokens], [t[1] for t in tokens], digits)
    return read_numbers(lists, lang, digits_alone=digits_alone)


def read_numbers(
    tokens: Tokens, lang: str | None = None, *, digits_alone: bool = True
) -> list[NumberSpan]:
    """``find_numbers`` on tokens from ``scan``."""
    texts, kinds, offsets, digits = tokens
    joined = number_words(lang)
    # Most tokens are neither digits nor number words: a number starts at a digit or at one
    # of the few number words the sentence holds (found with set operations).
    starts = digits
    named = joined.intersection(texts)
    if named:
        starts = [*digits]
        for word in named:
            at = -1
            for _ in range(texts.count(word)):
                at = texts.index(word, at + 1)
                starts.append(at)
        starts.sort()
    if not starts:
        return []
    reader: _Reader | None = None  # for the numbers that are more than digits alone
    out: list[NumberSpan] = []
    n_tokens = len(texts)
    i = 0
    for k in starts:
        if k < i:
            continue  # inside the previous number
        i = k
        if digits_alone and kinds[i] == "num":
            nxt = i + 1
            if nxt == n_tokens or (
                kinds[nxt] != "num" and texts[nxt] not in JOINERS and texts[nxt] not in joined
            ):
                # Digits alone ("11078 شهيدا", "11,078 people", most numbers): the reading
                # below, without its ~10 calls: no grouped digits, scale, "and" or number
                # word follows, so the digits are the whole number.
                text = texts[i]
                whole = Decimal(text) if text.isdigit() else _digit_value(text, False)
                if whole is None:
                    continue  # "1,2,3": not a number
                start = offsets[i]
                value = _ZERO + (whole or 0)
                out.append(_new_tuple(NumberSpan, (value, start, start + len(text), i, i, False)))
                i += 1
                continue
        if reader is None:
            reader = _Reader(tokens, WORDS.get(lang or "", ALL_WORDS))
        a = reader.atom(i)
        if a is None:
            continue
        begin = _start(reader, a)
        if begin is None or (a.kind in _VAGUE_AFTER and _vague_before(texts, i)):
            i = a.last + 1
            continue
        total, group, last = begin
        cap = a.value if a.kind is Kind.SCALE or a.kind is Kind.SCALE_VALUE else None
        if a.kind is Kind.SCALE_VALUE:
            cap = _scale_of(a.value)
        value, end = _extend(reader, total, group, last, cap, a.last)
        first = a.first
        is_words = a.kind is not None or "word" in kinds[first + 1 : end + 1]
        span = (value, offsets[first], offsets[end] + len(texts[end]), first, end, is_words)
        out.append(_new_tuple(NumberSpan, span))
        i = end + 1
    return out


def parse_numbers(text: str, lang: str | None = None) -> list[NumberSpan]:
    """Fold ``text`` and return its numbers; spans are offsets into ``fold(text)``."""
    return read_numbers(scan(fold(text)), lang)
