"""Number words of Arabic, Persian and English, folded, with their grammatical kind.

A table of the language, not tunable data, so it lives in code (the lexicon files hold what
an analyst would tune). Keys are folded with ``agents.normalize.text.fold`` so they match
folded text in any spelling. ``_numbers`` reads them.
"""

from __future__ import annotations

import enum
from decimal import Decimal

from agents.normalize.text import fold

__all__ = [
    "ALL_WORDS",
    "CLASSIFIERS",
    "HALF",
    "JOINERS",
    "SCALES",
    "VAGUE_BEFORE",
    "VAGUE_SUFFIX",
    "WORDS",
    "Kind",
]


class Kind(enum.Enum):
    UNIT = 1  # 1-9
    TEN = 2  # 10, also the "-teen" part of Arabic 11-19 ("ثلاثة عشر")
    TEEN = 3  # 11-19 as one word
    TENS = 4  # 20, 30, ... 90
    HUNDRED = 5  # "hundred", "مئة", "صد": multiplies what precedes (or 1)
    HUNDREDS = 6  # 100-900 as one word: "ثلاثمائة", "سیصد", "مئتين"
    SCALE = 7  # 10**3, 10**6, 10**9: multiplies what precedes (or 1)
    SCALE_PLURAL = 8  # "آلاف", "ملايين", "thousands": only after a count ("3 آلاف")
    SCALE_VALUE = 9  # a scale with its count in one word: "ألفين" 2,000
    TEEN_PREFIX = 10  # Arabic "أحد", "اثنا": only before "عشر"
    WEAK = 11  # a unit that is also a common word; see module docstring
    ARTICLE = 12  # "a", "an": 1, only before "hundred" or a scale
    HALF = 13  # "و نیم", "ونصف": a half, after a count or a scale ("یک و نیم میلیون")


_K, _M, _B = 1_000, 1_000_000, 1_000_000_000

_UNITS_AR = {
    "واحد": 1,
    "واحدة": 1,
    "اثنان": 2,
    "اثنين": 2,
    "اثنتان": 2,
    "اثنتين": 2,
    "ثلاث": 3,
    "ثلاثة": 3,
    "أربع": 4,
    "أربعة": 4,
    "خمس": 5,
    "خمسة": 5,
    "ست": 6,
    "ستة": 6,
    "سبع": 7,
    "سبعة": 7,
    "ثمان": 8,
    "ثماني": 8,
    "ثمانية": 8,
    "تسع": 9,
    "تسعة": 9,
}
_TENS_AR = {
    "عشرون": 20,
    "عشرين": 20,
    "ثلاثون": 30,
    "ثلاثين": 30,
    "أربعون": 40,
    "أربعين": 40,
    "خمسون": 50,
    "خمسين": 50,
    "ستون": 60,
    "ستين": 60,
    "سبعون": 70,
    "سبعين": 70,
    "ثمانون": 80,
    "ثمانين": 80,
    "تسعون": 90,
    "تسعين": 90,
}
_HUNDRED_STEMS_AR = {
    "ثلاث": 3,
    "أربع": 4,
    "خمس": 5,
    "ست": 6,
    "سبع": 7,
    "ثمان": 8,
    "ثماني": 8,
    "تسع": 9,
}
_WORDS_AR: dict[str, tuple[Kind, int]] = {
    **{w: (Kind.UNIT, v) for w, v in _UNITS_AR.items()},
    **{w: (Kind.TENS, v) for w, v in _TENS_AR.items()},
    **{
        f"{s}{h}": (Kind.HUNDREDS, v * 100)
        for s, v in _HUNDRED_STEMS_AR.items()
        for h in ("مئة", "مائة")
    },
    "عشر": (Kind.TEN, 10),
    "عشرة": (Kind.TEN, 10),
    "أحد": (Kind.TEEN_PREFIX, 1),
    "إحدى": (Kind.TEEN_PREFIX, 1),
    "اثنا": (Kind.TEEN_PREFIX, 2),
    "اثنتا": (Kind.TEEN_PREFIX, 2),
    "مئة": (Kind.HUNDRED, 100),
    "مائة": (Kind.HUNDRED, 100),
    "مئتين": (Kind.HUNDREDS, 200),
    "مئتان": (Kind.HUNDREDS, 200),
    "مائتين": (Kind.HUNDREDS, 200),
    "مائتان": (Kind.HUNDREDS, 200),
    "ألف": (Kind.SCALE, _K),
    "ألفا": (Kind.SCALE, _K),
    "آلاف": (Kind.SCALE_PLURAL, _K),
    "ألفين": (Kind.SCALE_VALUE, 2 * _K),
    "ألفان": (Kind.SCALE_VALUE, 2 * _K),
    "ألفي": (Kind.SCALE_VALUE, 2 * _K),
    "مليون": (Kind.SCALE, _M),
    "مليونا": (Kind.SCALE, _M),
    "ملايين": (Kind.SCALE_PLURAL, _M),
    "مليونين": (Kind.SCALE_VALUE, 2 * _M),
    "مليونان": (Kind.SCALE_VALUE, 2 * _M),
    "مليار": (Kind.SCALE, _B),
    "مليارا": (Kind.SCALE, _B),
    "نصف": (Kind.HALF, 0),
    "مليارات": (Kind.SCALE_PLURAL, _B),
}
_WORDS_FA: dict[str, tuple[Kind, int]] = {
    "یک": (Kind.UNIT, 1),
    "دو": (Kind.UNIT, 2),
    "سه": (Kind.UNIT, 3),
    "چهار": (Kind.UNIT, 4),
    "پنج": (Kind.UNIT, 5),
    "شش": (Kind.UNIT, 6),
    "هفت": (Kind.UNIT, 7),
    "هشت": (Kind.UNIT, 8),
    "نه": (Kind.WEAK, 9),
    "ده": (Kind.TEEN, 10),
    "یازده": (Kind.TEEN, 11),
    "دوازده": (Kind.TEEN, 12),
    "سیزده": (Kind.TEEN, 13),
    "چهارده": (Kind.TEEN, 14),
    "پانزده": (Kind.TEEN, 15),
    "شانزده": (Kind.TEEN, 16),
    "هفده": (Kind.TEEN, 17),
    "هجده": (Kind.TEEN, 18),
    "هیجده": (Kind.TEEN, 18),
    "نوزده": (Kind.TEEN, 19),
    "بیست": (Kind.TENS, 20),
    "سی": (Kind.TENS, 30),
    "چهل": (Kind.TENS, 40),
    "پنجاه": (Kind.TENS, 50),
    "شصت": (Kind.TENS, 60),
    "هفتاد": (Kind.TENS, 70),
    "هشتاد": (Kind.TENS, 80),
    "نود": (Kind.TENS, 90),
    "صد": (Kind.HUNDRED, 100),
    "یکصد": (Kind.HUNDREDS, 100),
    "دویست": (Kind.HUNDREDS, 200),
    "سیصد": (Kind.HUNDREDS, 300),
    "چهارصد": (Kind.HUNDREDS, 400),
    "پانصد": (Kind.HUNDREDS, 500),
    "ششصد": (Kind.HUNDREDS, 600),
    "هفتصد": (Kind.HUNDREDS, 700),
    "هشتصد": (Kind.HUNDREDS, 800),
    "نهصد": (Kind.HUNDREDS, 900),
    "هزار": (Kind.SCALE, _K),
    "میلیون": (Kind.SCALE, _M),
    "میلیارد": (Kind.SCALE, _B),
    "نیم": (Kind.HALF, 0),
}
_UNITS_EN = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS_EN = (
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS_EN = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_WORDS_EN: dict[str, tuple[Kind, int]] = {
    **{w: (Kind.UNIT, i + 1) for i, w in enumerate(_UNITS_EN)},
    **{w: (Kind.TEEN, i + 11) for i, w in enumerate(_TEENS_EN)},
    **{w: (Kind.TENS, (i + 2) * 10) for i, w in enumerate(_TENS_EN)},
    "ten": (Kind.TEEN, 10),
    "hundred": (Kind.HUNDRED, 100),
    "thousand": (Kind.SCALE, _K),
    "million": (Kind.SCALE, _M),
    "billion": (Kind.SCALE, _B),
    "thousands": (Kind.SCALE_PLURAL, _K),
    "millions": (Kind.SCALE_PLURAL, _M),
    "a": (Kind.ARTICLE, 1),
    "an": (Kind.ARTICLE, 1),
}

WORDS: dict[str, dict[str, tuple[Kind, int]]] = {
    lang: {fold(w): kv for w, kv in table.items()}
    for lang, table in (("ar", _WORDS_AR), ("fa", _WORDS_FA), ("en", _WORDS_EN))
}
ALL_WORDS = {**WORDS["en"], **WORDS["fa"], **WORDS["ar"]}
JOINERS = frozenset({"و", "and", "-"})
# A weak unit counts before these: "نه نفر" (nine people) but not "نه" (no) on its own.
CLASSIFIERS = frozenset({fold("نفر"), fold("تن")})
# The Persian plural on a number word makes it vague: "ده‌ها" (tens), "هزاران" is not listed.
VAGUE_SUFFIX = fold("ها")
HALF = Decimal("0.5")
# Before a scale word these make it vague: "ده‌ها هزار", "several thousand", "tens of thousands".
VAGUE_BEFORE = frozenset(
    fold(w)
    for w in (
        "ها",
        "صدها",
        "دهها",
        "هزاران",
        "چند",
        "عشرات",
        "مئات",
        "آلاف",
        "بضعة",
        "بضع",
        "عدة",
        "tens",
        "hundreds",
        "dozens",
        "several",
        "few",
        "many",
        "thousands",
    )
)
SCALES = (Kind.SCALE, Kind.SCALE_PLURAL)
