"""What the dedup stage finds: re-spelt and edited reprints, copied passages, exact copies."""

from __future__ import annotations

from agents.dedup import plan
from tests.unit.agents.dedup.conftest import (
    PARAMS,
    fixture_text,
    make_article,
    respell_arabic,
    respell_persian,
    run,
)


def _lines(name: str) -> list[str]:
    return fixture_text(name).split("\n")


def test_letter_variants_give_the_same_fingerprint() -> None:
    for name, respell, lang in (
        ("ar_call.txt", respell_arabic, "ar"),
        ("fa_visit.txt", respell_persian, "fa"),
    ):
        text = fixture_text(name)
        assert respell(text) != text
        original = plan(make_article("a", text, lang=lang), PARAMS)
        variant = plan(make_article("b", respell(text), lang=lang), PARAMS)
        assert variant.keys == original.keys
        assert variant.article.sketch == original.article.sketch


def test_respelt_reprint_is_an_exact_duplicate_of_the_first() -> None:
    text = fixture_text("ar_call.txt")
    verdicts = run(
        [
            make_article("first", text),
            make_article("second", respell_arabic(text), 30, source="outlet-b"),
        ]
    )
    assert verdicts["first"].kind == "unique"
    second = verdicts["second"]
    assert second.kind == "duplicate_of" and second.exact
    assert [m.doc for m in second.matches] == ["first"]


def test_edited_respelt_reprint_is_a_near_duplicate() -> None:
    lines = _lines("ar_call.txt")
    edited = [
        "نقلت وكالات الأنباء اليوم تفاصيل إضافية عن المكالمة التي جرت بين الوزيرين.",  # new intro
        lines[0],
        lines[2],  # paragraphs 2 and 3 swapped
        lines[1].replace("في أقرب وقت ممكن", "قريبا"),  # a phrase rewritten
        lines[3],
        lines[4] + " وهو ما أكده أكثر من مسؤول.",  # a clause added
    ]  # the closing paragraph trimmed
    verdicts = run(
        [
            make_article("agency", "\n".join(lines)),
            make_article("reprint", respell_arabic("\n".join(edited)), 45, source="outlet-b"),
        ]
    )
    reprint = verdicts["reprint"]
    assert reprint.kind == "duplicate_of" and not reprint.exact
    assert reprint.matches[0].doc == "agency"
    assert PARAMS.document_threshold <= reprint.matches[0].similarity < 1.0


def test_reordered_and_trimmed_english_and_persian_reprints() -> None:
    en, fa = _lines("en_talks.txt"), _lines("fa_visit.txt")
    verdicts = run(
        [
            make_article("en-1", "\n".join(en), lang="en"),
            make_article("fa-1", "\n".join(fa), 1, lang="fa"),
            make_article("en-2", "\n".join([en[1], en[0], en[3], en[2]]), 20, lang="en"),
            make_article("fa-2", respell_persian("\n".join(fa[:-1])), 25, lang="fa"),
        ]
    )
    assert verdicts["en-2"].kind == "duplicate_of"
    assert [m.doc for m in verdicts["en-2"].matches] == ["en-1"]
    assert verdicts["fa-2"].kind == "duplicate_of"
    assert [m.doc for m in verdicts["fa-2"].matches] == ["fa-1"]


def test_passages_copied_into_a_different_article_are_reported_with_their_ids() -> None:
    source, host = _lines("ar_call.txt"), _lines("ar_economy.txt")
    copied_lead = "وفي سياق آخر، قال مصدر دبلوماسي " + source[2].split(" ", 5)[5]  # new lead-in
    mixed = [host[0], host[1], respell_arabic(source[1]), host[2], copied_lead, host[3]]
    verdicts = run(
        [
            make_article("call", "\n".join(source)),
            make_article("economy", "\n".join(mixed), 60, source="outlet-b"),
        ]
    )
    verdict = verdicts["economy"]
    assert verdict.kind == "contains_copies_of"
    assert len(verdict.matches) == 1
    match = verdict.matches[0]
    assert match.doc == "call"
    assert match.passages == 2 and match.passage_ids == (2, 4)


def test_unrelated_articles_are_unique_in_both_orders() -> None:
    names = ("ar_call.txt", "ar_economy.txt", "fa_visit.txt", "en_talks.txt")
    langs = ("ar", "ar", "fa", "en")
    articles = [
        make_article(name, fixture_text(name), i, lang=lang)
        for i, (name, lang) in enumerate(zip(names, langs, strict=True))
    ]
    for order in (articles, articles[::-1]):
        assert {v.kind for v in run(order).values()} == {"unique"}


def test_exact_copy_points_at_the_earliest_version() -> None:
    text = fixture_text("en_talks.txt")
    verdicts = run(
        [
            make_article("one", text, 0, lang="en"),
            make_article("two", text, 10, source="outlet-b", lang="en"),
            make_article("three", text, 20, source="outlet-c", lang="en"),
        ]
    )
    three = verdicts["three"]
    assert three.kind == "duplicate_of" and three.exact
    assert [(m.doc, m.similarity) for m in three.matches] == [("one", 1.0)]


def test_outlet_boilerplate_stops_counting_as_a_copy() -> None:
    footer = (
        "جميع المواد المنشورة على هذا الموقع محمية بموجب حقوق النشر ولا يجوز نسخها أو "
        "إعادة توزيعها دون إذن خطي من هيئة التحرير."
    )
    local = fixture_text("ar_local.txt").split("\n")
    bodies = [fixture_text("ar_call.txt"), fixture_text("ar_economy.txt"), local[0]]
    articles = [
        make_article(f"house-{i}", f"{body}\n{footer}", i * 10, source="outlet-h")
        for i, body in enumerate(bodies)
    ]
    other = make_article("elsewhere", f"{local[2]}\n{footer}", 40, source="outlet-o")
    verdicts = run([*articles, other])
    # The first repeat is reported (it might be a real copy); from the second on, a passage
    # this outlet keeps repeating is its boilerplate.
    assert verdicts["house-1"].kind == "contains_copies_of"
    assert verdicts["house-2"].kind == "unique"
    assert verdicts["elsewhere"].kind == "contains_copies_of"
