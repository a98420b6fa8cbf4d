"""Numbers that are not counts of people: each rule, with a sentence that needs it.

Every end-to-end case is built so that the number *would* be reported as a figure (or would
hide a real one) without its rule; ``test_reason`` pins which rule fires.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agents.figures import FigureLexicons
from agents.figures._sentence import Sentence, not_a_count
from agents.normalize.text import fold
from streams.records import FigureMention

Extract = Callable[..., list[FigureMention]]


def values(found: list[FigureMention]) -> list[int]:
    return [m.value for m in found]


@pytest.mark.parametrize(
    ("lang", "text", "number", "reason"),
    [
        ("ar", "قتل يوم 7 أكتوبر", "7", "date"),
        ("ar", "قتل في 5 نوفمبر 2023", "2023", "date"),
        ("en", "killed on October 7.", "7", "date"),
        ("en", "killed on Oct. 7.", "7", "date"),
        ("en", "killed on May 15, 2023.", "15", "date"),
        ("en", "killed on 15 May.", "15", "date"),
        ("fa", "روز ۱۵ مهر ۱۴۰۲ کشته شدند", "1402", "year"),
        ("en", "killed on 5/11/2023", "5", "date"),
        ("en", "killed in 2014.", "2014", "year"),
        ("ar", "قتل في عام 2014", "2014", "year"),
        ("fa", "در سال ۱۳۹۸ کشته شدند", "1398", "year"),
        ("en", "Strikes killed a 12-year-old boy.", "12", "duration"),
        ("fa", "یک مرد ۴۵ ساله کشته شد", "45", "duration"),
        ("ar", "قتل رجل بعمر 45.", "45", "age"),
        ("en", "a man aged 45 was killed", "45", "age"),
        ("en", "The strike at 10:30 killed 15 people.", "10", "clock"),
        ("en", "The strike at 10:30 killed 15 people.", "30", "clock"),
        ("ar", "قتلوا عند الساعة 10.", "10", "clock"),
        ("ar", "قتلوا 10 صباحا", "10", "clock"),
        ("en", "killed at 9 pm", "9", "clock"),
        ("ar", "قتل خلال 48 ساعة", "48", "duration"),
        ("ar", "بعد 10 أيام من القتل", "10", "duration"),
        ("fa", "طی ۴۸ ساعت کشته شدند", "48", "duration"),
        ("ar", "قتل 40% من السكان", "40", "percent"),
        ("fa", "کشته شدن ٪۴۰ ساکنان", "40", "percent"),
        ("ar", "قتل 40 بالمئة من السكان", "40", "percent"),
        ("en", "killed 40 percent of residents", "40", "percent"),
        ("en", "killed and $5 million lost", "5000000", "money"),
        ("ar", "قتل 12 شخصا وخسائر بمليار دولار و5 ملايين دولار", "5000000", "money"),
        ("fa", "کشته شدن و ۷۴ میلیون دلار خسارت", "74000000", "money"),
        ("en", "killed, call +98 21 5555 0143", "98", "phone"),
        ("en", "the dead: call 0800 123 456", "800", "phone"),
        ("en", "the dead: call 12 3456", "12", "phone"),  # a number right after it
        ("en", "the dead: call 12 3456", "3456", "phone"),  # a number right before it
        ("en", "killed by an F16 and 3 people", "16", "ordinal"),  # glued to letters
        ("ar", "قتل الـ7 من الجنود", "7", "ordinal"),  # "the 7th"
        ("en", "killed in the 7th raid", "7", "ordinal"),
        ("fa", "کشته شدن ۷مین خبرنگار", "7", "ordinal"),
        ("ar", "قتل 20 مسلحا ودمر 2500 موقع", "2500", "thing"),
        ("en", "killed 20 people and destroyed 100 truckloads of aid", "100", "thing"),
        ("en", "killed as 300 rockets fell", "300", "thing"),
        ("fa", "کشته شدن و شلیک ۳۰۰ موشک", "300", "thing"),
        ("en", "killed 2.5 people", "2.5", "fraction"),
    ],
)
def test_reason(lexicons: FigureLexicons, lang: str, text: str, number: str, reason: str) -> None:
    s = Sentence.from_folded(fold(text), lexicons.for_lang(lang), lang)
    assert s is not None
    (n,) = [n for n in s.numbers if str(n.value) == number or f"{n.value:f}" == number]
    assert not_a_count(s, n) == reason


def test_a_real_count_has_no_reason(lexicons: FigureLexicons) -> None:
    s = Sentence.from_folded(fold("مقتل أكثر من 1400 إسرائيلي"), lexicons.for_lang("ar"), "ar")
    assert s is not None
    assert [not_a_count(s, n) for n in s.numbers] == [None]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # dates, with and without a month
        ("en", "He was killed on October 7.", []),
        ("en", "He was killed on May 15, 2023.", []),
        ("en", "In May 15 people were killed.", [15]),  # "May" the month, 15 the count
        ("en", "15 may have died in the blast.", [15]),  # "may" the verb, not the month
        ("ar", "ارتفع عدد القتلى منذ 7 أكتوبر إلى 9400.", [9400]),
        ("en", "The number of people killed since 7 October has risen to 9,400.", [9400]),
        ("ar", "قتل الجنود يوم 5 نوفمبر 2023 في المعارك.", []),
        # years
        ("en", "His brother was killed in 2014.", []),
        ("ar", "قتل والده في عام 2014.", []),
        ("fa", "این افراد در سال ۱۳۹۸ کشته شدند.", []),
        ("ar", "خلفت الحرب 2000 قتيل.", [2000]),  # a toll that looks like a year
        # ages
        ("en", "Strikes killed a 12-year-old boy.", []),
        ("ar", "قتل رجل بعمر 45.", []),
        ("fa", "یک مرد ۴۵ ساله کشته شد.", []),
        ("ar", "قتل طفل يبلغ من العمر 12 عاما، وأصيب 4 آخرون بجروح.", [4]),
        # times
        ("en", "The strike at 10:30 killed 15 people.", [15]),
        ("ar", "قتلوا عند الساعة 10.", []),
        # durations
        ("ar", "قتل خلال 48 ساعة 20 شخصا.", [20]),
        ("ar", "بعد 10 أيام من القتال، قتل 20 شخصا.", [20]),
        # percentages
        ("ar", "قتل 40% من السكان.", []),
        ("fa", "کشته شدن ٪۴۰ ساکنان.", []),
        ("en", "About 40% of the 2,000 wounded were children.", [2000]),
        # ordinals, in words and digits
        ("ar", "قتل السابع من الرهائن.", []),
        ("ar", "قتل الـ7 من الجنود.", []),
        ("en", "The third strike killed 12 soldiers.", [12]),
        ("fa", "هفتمین قربانی ۲۰ ساله بود.", []),
        # money
        ("en", "The war has cost $5 million and killed 300 people.", [300]),
        ("ar", "قتل 12 شخصا وخسائر بقيمة مليار دولار.", [12]),
        # phone numbers
        ("en", "Families of the dead can call 0800 123 456.", []),
        ("en", "Relatives of the dead can call +98 21 5555.", []),
        # counts of things
        ("ar", "قتل في 3 غارات 20 شخصا.", [20]),
        ("ar", "قصف الجيش 2500 موقع وقتل 15 مسلحا.", [15]),
        ("en", "For 48 hours, 100 truckloads of aid waited while 20 people were killed.", [20]),
        ("en", "Israeli jets struck 2,500 targets and killed 15 people.", [15]),
        ("fa", "ارتش ۳۰۰ موشک شلیک کرد و ۱۵ نفر کشته شدند.", [15]),
        # rates
        ("en", "The epidemic kills 91 Americans a day.", []),
        ("ar", "يقتل المرض 50 شخصا يوميا.", []),
        ("fa", "۵۰ نفر در روز کشته می‌شوند.", []),
        ("en", "The strike killed 15 unarmed civilians.", [15]),  # one adjective is read past
        # unless the category says so: bodies are the dead
        ("ar", "انتشلت فرق الإنقاذ 25 جثة.", [25]),
    ],
)
def test_not_a_figure(extract: Extract, lang: str, text: str, expected: list[int]) -> None:
    assert values(extract(text, lang)) == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ar", "قتل عشرات الأشخاص وأصيب المئات."),
        ("ar", "نزح عشرات الآلاف من السكان."),
        ("fa", "ده‌ها نفر کشته و صدها نفر زخمی شدند."),
        ("fa", "ده‌ها هزار نفر آواره شدند."),
        ("en", "Dozens were killed and hundreds wounded."),
        ("en", "Tens of thousands have been displaced."),
        ("en", "Several thousand people were arrested."),
    ],
)
def test_vague_counts_are_not_figures(extract: Extract, lang: str, text: str) -> None:
    assert extract(text, lang) == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ar", "استهدف الجيش 2500 موقع تابع للحركة."),  # no category word at all
        ("en", "Israel hit 15,000 targets since the war began."),
        ("en", "Hamas fired 5,000 rockets."),
        ("fa", "ارتش ۱۵ هزار هدف را بمباران کرد."),
    ],
)
def test_counts_without_a_category_are_not_figures(extract: Extract, lang: str, text: str) -> None:
    assert extract(text, lang) == []


def test_a_distant_category_word_does_not_bind(extract: Extract) -> None:
    # "killed" is six words from "500 fighters": they are the group's size, not a toll.
    assert extract("Israel killed the leader of a group with 500 fighters.", "en") == []
    # Prisoners in a swap are not hostages of the English "hostages" three words back.
    found = extract(
        "Officials discussed 50 hostages and the fate of 150 Palestinian prisoners.", "en"
    )
    assert values(found) == [50]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Hamas released 4 hostages on Friday.", []),
        ("en", "Four hostages were released on Friday.", []),
        ("en", "Israel will free 150 Palestinian prisoners in exchange for 50 hostages.", []),
        ("ar", "أفرجت حماس عن 24 رهينة.", []),
        ("ar", "تم الإفراج عن 39 أسيرا فلسطينيا.", []),
        ("fa", "حماس ۲۴ گروگان را آزاد کرد.", []),
        ("en", "Hamas is holding 240 hostages.", [240]),  # held, not freed
        ("en", "Police released the names of 12 people killed.", [12]),  # only for the held
    ],
)
def test_freed_captives_are_not_a_count_of_people_held(
    extract: Extract, lang: str, text: str, expected: list[int]
) -> None:
    assert values(extract(text, lang)) == expected
