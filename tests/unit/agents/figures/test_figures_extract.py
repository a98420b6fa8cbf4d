"""Figures found in sentences written for these tests, in Arabic, Persian and English."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from streams.records import FigureMention

Extract = Callable[..., list[FigureMention]]


def summary(mentions: list[FigureMention]) -> list[tuple[str, int, str]]:
    return [(m.category.value, m.value, m.qualifier.value) for m in mentions]


CASES = [
    # Arabic: category word before the count, subject after it.
    ("ar", "وأدت الغارة إلى مقتل أكثر من 300 لبناني في القرية.", [("killed", 300, "more_than")]),
    ("ar", "وقد خطف المسلحون ما لا يقل عن 40 شخصا من الحافلة.", [("hostages", 40, "at_least")]),
    # Two counts in one phrase: the qualifier governs both.
    (
        "ar",
        "خلفت المعارك ما لا يقل عن 800 قتيل و3000 جريح.",
        [("killed", 800, "at_least"), ("wounded", 3000, "at_least")],
    ),
    (
        "ar",
        "أسفر القصف عن استشهاد 52 فلسطينيا، وإصابة أكثر من 400 آخرين، بحسب مصادر طبية.",
        [("killed", 52, "exact"), ("wounded", 400, "more_than")],
    ),
    ("ar", "ارتفعت حصيلة الشهداء إلى 9400 شهيد.", [("killed", 9400, "exact")]),
    ("ar", "أصيب نحو 200 شخص بجروح.", [("wounded", 200, "about")]),
    ("ar", "قتل حوالي 25 مدنيا.", [("killed", 25, "about")]),
    ("ar", "أصيب قرابة 60 شخصا.", [("wounded", 60, "about")]),
    ("ar", "قد يصل عدد الجرحى حتى 90 جريحا.", [("wounded", 90, "up_to")]),
    ("ar", "نزح ما يصل إلى 70 ألف شخص.", [("displaced", 70000, "up_to")]),
    ("ar", "اعتقلت الشرطة 120 متظاهرا على الأقل.", [("arrested", 120, "at_least")]),
    ("ar", "نزح ما يزيد عن مليون ونصف مليون شخص.", [("displaced", 1500000, "more_than")]),
    (
        "ar",
        "أسفرت الهجمات عن سقوط ثلاثة آلاف قتيل وخمسة وعشرين ألف جريح.",
        [("killed", 3000, "exact"), ("wounded", 25000, "exact")],
    ),
    (
        "ar",
        "ارتفع عدد الشهداء إلى ٩٠٦١ شهيدا، بينهم ٣٧٦٠ طفلا و٢٣٢٦ سيدة.",
        [("killed", 9061, "exact"), ("killed", 3760, "exact"), ("killed", 2326, "exact")],
    ),
    ("ar", "وقتلت القوات 3 من قادة الجماعة.", [("killed", 3, "exact")]),
    ("ar", "لقي 15 شخصا حتفهم في الحادث.", [("killed", 15, "exact")]),
    ("ar", "تم احتجاز ألفي معتقل.", [("arrested", 2000, "exact")]),
    # Persian
    (
        "fa",
        "دست کم ۲۰ نفر کشته و ۵۰ نفر زخمی شدند.",
        [("killed", 20, "at_least"), ("wounded", 50, "at_least")],
    ),
    ("fa", "شمار کشته‌شدگان به ۹۴۰۰ نفر رسید.", [("killed", 9400, "exact")]),
    ("fa", "بیش از ۱۲ هزار و ۳۰۰ نفر آواره شدند.", [("displaced", 12300, "more_than")]),
    ("fa", "نیروهای امنیتی دوازده هزار معترض را بازداشت کردند.", [("arrested", 12000, "exact")]),
    ("fa", "حدود ۲۳۹ نفر به گروگان گرفته شدند.", [("hostages", 239, "about")]),
    ("fa", "حداقل ۱۵ کودک در این حمله جان باختند.", [("killed", 15, "at_least")]),
    ("fa", "تقریبا ۳۰۰ نفر مجروح شدند.", [("wounded", 300, "about")]),
    ("fa", "تا ۵۰ نفر ممکن است زخمی شده باشند.", [("wounded", 50, "up_to")]),
    ("fa", "۲۰ نفر در غزه کشته شدند.", [("killed", 20, "exact")]),
    ("fa", "شمار شهدا از ۱۱ هزار نفر فراتر رفته است.", [("killed", 11000, "more_than")]),
    # English
    ("en", "At least 15 people were killed in the strike.", [("killed", 15, "at_least")]),
    (
        "en",
        "The attack killed more than 1,400 people and wounded 3,500.",
        [("killed", 1400, "more_than"), ("wounded", 3500, "exact")],
    ),
    ("en", "Gunmen took around 240 hostages.", [("hostages", 240, "about")]),
    ("en", "Some 1.4 million people have been displaced.", [("displaced", 1400000, "about")]),
    ("en", "Police arrested nearly two thousand protesters.", [("arrested", 2000, "about")]),
    ("en", "Up to 50 people are feared dead.", [("killed", 50, "up_to")]),
    (
        "en",
        "Three hundred civilians were killed, and over 2,000 injured.",
        [("killed", 300, "exact"), ("wounded", 2000, "more_than")],
    ),
    (
        "en",
        "The death toll rose to 9,400, including 3,760 children.",
        [("killed", 9400, "exact"), ("killed", 3760, "exact")],
    ),
    ("en", "The number of people killed had passed 11,000.", [("killed", 11000, "more_than")]),
    (
        "en",
        "At least 9,400 people were killed and 24,000 wounded.",
        [("killed", 9400, "at_least"), ("wounded", 24000, "at_least")],
    ),
    (
        "en",
        "One person was killed and 20 others were wounded.",
        [("killed", 1, "exact"), ("wounded", 20, "exact")],
    ),
    ("en", "Overnight, 3 premature babies died.", [("killed", 3, "exact")]),
    ("en", "Nearly 300 have been killed, officials said.", [("killed", 300, "about")]),
    (
        "en",
        "More than 1.5 million Gazans have fled their homes.",
        [("displaced", 1500000, "more_than")],
    ),
    # An aside between the count and its verb.
    (
        "en",
        "Over 10,000 Palestinians, including 4,000 children, have been killed.",
        [("killed", 10000, "more_than"), ("killed", 4000, "exact")],
    ),
    (
        "en",
        "An estimated 1.9 million people - about 85% of the population - have been displaced.",
        [("displaced", 1900000, "about")],
    ),
    # A toll noun far from its count, joined by a "reach" word.
    (
        "en",
        "The death toll from the earthquake in the mountains rose to 2,000.",
        [("killed", 2000, "exact")],
    ),
    ("en", "The toll from Saturday's attack now stands at 1,400.", [("killed", 1400, "exact")]),
    (
        "ar",
        "ارتفعت حصيلة ضحايا الزلزال في المدينة المنكوبة إلى 2000 قتيل.",
        [("killed", 2000, "exact")],
    ),
    (
        "fa",
        "دست‌کم ۱۵ فلسطینی در حمله هوایی اسرائیل به اردوگاه جبالیا شهید شدند.",
        [("killed", 15, "at_least")],
    ),
    # An abbreviation's full stop does not end the sentence.
    (
        "en",
        "The number of Palestinians killed in the West Bank since Oct. 7 has risen to 200.",
        [("killed", 200, "exact")],
    ),
    ("ar", "لقي 5 أشخاص مصرعهم في حادث سير.", [("killed", 5, "exact")]),
    ("ar", "وأصيب نحو 29 ألف مواطن بجروح مختلفة.", [("wounded", 29000, "about")]),
    ("ar", "فيما لا يزال نحو 3600 شخص في عداد المفقودين.", []),  # missing is no category
    ("ar", "قالت إسرائيل إن 239 شخصا محتجزون في غزة.", [("hostages", 239, "exact")]),
    ("ar", "أفادت مصادر طبية بمقتل 5 أشخاص.", [("killed", 5, "exact")]),
    ("ar", "قتل ثلاثة أشخاص وأصيب سبعة آخرون.", [("killed", 3, "exact"), ("wounded", 7, "exact")]),
    ("ar", "أسفرت الاشتباكات عن 20 قتيلا على الأقل.", [("killed", 20, "at_least")]),
    ("ar", "اعتقلت قوات الاحتلال فجر اليوم 25 مواطنا من الضفة.", [("arrested", 25, "exact")]),
    ("fa", "در این حادثه ۵ نفر جان خود را از دست دادند.", [("killed", 5, "exact")]),
    ("fa", "۱۲ نفر مصدوم شدند.", [("wounded", 12, "exact")]),
    ("fa", "شمار جان‌باختگان زلزله به ۲ هزار نفر رسید.", [("killed", 2000, "exact")]),
    ("fa", "بیش از یک میلیون نفر آواره شده‌اند.", [("displaced", 1000000, "more_than")]),
    (
        "en",
        "The strikes hit homes, killing at least 20 and wounding dozens.",
        [("killed", 20, "at_least")],
    ),
    ("en", "Five Israeli soldiers killed in Gaza.", [("killed", 5, "exact")]),
    ("en", "The group condemned the deaths of 13 journalists.", [("killed", 13, "exact")]),
    ("en", "Israel says it has killed 10,000 Hamas militants.", [("killed", 10000, "exact")]),
    ("en", "Israeli army kills 3 in West Bank raid.", [("killed", 3, "exact")]),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES, ids=[c[1][:40] for c in CASES])
def test_figures_in_sentences(extract: Extract, lang: str, text: str, expected: list) -> None:
    assert summary(extract(text, lang)) == expected


def test_reach_words_do_not_stretch_a_verb_to_a_far_count(extract: Extract) -> None:
    text = "Hamas killed hostages, the army said, adding it had delivered food to 500 people."
    assert extract(text, "en") == []
    assert extract("Israel killed a militant and sent aid to 500 families.", "en") == []


def test_subject_is_the_canonical_group(extract: Extract) -> None:
    (m,) = extract("أدت الهجمات إلى مقتل أكثر من 1400 إسرائيلي.", "ar")
    assert m.subject == "Israelis"
    (m,) = extract("در این حمله ۱۵ کودک فلسطینی کشته شدند.", "fa")
    assert m.subject == "children"  # a group wins over a nationality
    (m,) = extract("Israeli forces arrested 57 Palestinians overnight.", "en")
    assert m.subject == "Palestinians"
    (m,) = extract("At least 15 people were killed.", "en")
    assert m.subject is None  # "people" names no group


def test_others_take_the_subject_of_the_figure_before(extract: Extract) -> None:
    killed, wounded = extract("استشهد 52 فلسطينيا، وأصيب 400 آخرون.", "ar")
    assert (killed.subject, wounded.subject) == ("Palestinians", "Palestinians")


def test_location_after_a_preposition(extract: Extract) -> None:
    (m,) = extract("خلفت الهجمات على غزة ما لا يقل عن 9400 قتيل.", "ar")
    assert m.location == "Gaza"
    (m,) = extract("Israeli forces arrested 57 Palestinians in the West Bank.", "en")
    assert m.location == "West Bank"
    (m,) = extract("۲۰ نفر در غزه کشته شدند.", "fa")
    assert m.location == "Gaza"


def test_location_ignores_a_place_that_acts(extract: Extract) -> None:
    # Israel launches the operation; the figure is in Gaza ("ضد غزة").
    (m,) = extract("بدأت إسرائيل عملية ضد غزة أسفرت عن استشهاد 297 فلسطينيا.", "ar")
    assert m.location == "Gaza"


def test_attribution_names_the_source_in_english(extract: Extract) -> None:
    (m,) = extract("ووفقا لوزارة الصحة الفلسطينية فقد خلفت الغارات 9400 قتيل.", "ar")
    assert m.attributed_to == "Palestinian health ministry"
    (m,) = extract("استشهد 52 فلسطينيا، بحسب مصادر طبية فلسطينية.", "ar")
    assert m.attributed_to == "Palestinian medical sources"
    (m,) = extract("به گزارش وزارت بهداشت غزه، ۲۰ نفر کشته شدند.", "fa")
    assert m.attributed_to == "Gaza health ministry"
    (m,) = extract(
        "At least 15 people were killed, according to the health ministry in Gaza.", "en"
    )
    assert m.attributed_to == "Gaza health ministry"
    (m,) = extract("At least 15 people were killed, a witness said.", "en")
    assert m.attributed_to is None


def test_a_source_that_acts_is_not_the_attribution(extract: Extract) -> None:
    (m,) = extract("Israeli army kills 3 in West Bank raid.", "en")
    assert (m.attributed_to, m.location) == (None, "West Bank")
    (m,) = extract("The Israeli army said 3 soldiers were killed.", "en")
    assert m.attributed_to == "Israeli army"
    (m,) = extract("Gaza's Hamas-run health ministry says 11,078 people have been killed.", "en")
    assert (m.attributed_to, m.location) == ("Hamas-run health ministry", "Gaza")
    (m,) = extract("وزارت بهداشت غزه روز یکشنبه اعلام کرد که ۲۰ نفر کشته شدند.", "fa")
    assert m.attributed_to == "Gaza health ministry"  # the verb comes last in Persian


def test_series_key_is_language_independent(extract: Extract) -> None:
    ar = extract("ووفقا لوزارة الصحة فقد استشهد 9400 فلسطيني في غزة.", "ar")
    fa = extract("۹۴۰۰ فلسطینی در غزه کشته شدند.", "fa")
    en = extract("9,400 Palestinians have been killed in Gaza.", "en")
    assert ar[0].series_key == fa[0].series_key == en[0].series_key == "killed|gaza|palestinians"


def test_mention_carries_the_article(extract: Extract) -> None:
    text = "At least 15 people were killed.\nOfficials said at least 15 people were killed."
    (m,) = extract(text, "en", url="https://example.org/a")  # one mention per article
    assert (m.doc, m.lang, m.url) == ("doc-1", "en", "https://example.org/a")
    assert m.evidence == "At least 15 people were killed."  # the original sentence


def test_evidence_keeps_the_original_spelling(extract: Extract) -> None:
    (m,) = extract("وأصيب أكثر من ٢٠٠ شخصٍ بجروحٍ.", "ar")
    assert m.evidence == "وأصيب أكثر من ٢٠٠ شخصٍ بجروحٍ."
    assert m.value == 200


def test_title_is_read(extract: Extract) -> None:
    found = extract("Rescue work continued on Sunday.", "en", title="Strike kills 12 people")
    assert [(m.value, m.evidence) for m in found] == [(12, "Strike kills 12 people")]


def test_unknown_language_reads_every_lexicon(extract: Extract) -> None:
    assert [m.value for m in extract("At least 15 people were killed.", "und")] == [15]


@pytest.mark.parametrize("text", ["", "\n\n", "killed", "12", "a\ud800 15 people were killed"])
def test_degenerate_text(extract: Extract, text: str) -> None:
    found = extract(text, "en")
    assert [m.value for m in found] == ([15] if "15" in text else [])


def test_windows_line_breaks(extract: Extract) -> None:
    text = "Rescue work went on.\r\nAt least 15 people were killed.\r\nTalks resumed."
    (m,) = extract(text, "en")
    assert (m.value, m.evidence) == (15, "At least 15 people were killed.")
