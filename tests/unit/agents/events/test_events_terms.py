"""The phrase matcher: clitics, longest match, stems, optional spaces, one-pass scanning."""

from __future__ import annotations

import pytest

from agents.events._terms import Clitics, TermMatcher, Words, scan_all
from agents.normalize.text import fold


def matcher(*entries: tuple[str, Clitics, str], optional_space: bool = False) -> TermMatcher[str]:
    return TermMatcher(((fold(p), c, v) for p, c, v in entries), optional_space=optional_space)


def hits(m: TermMatcher[str], text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    folded = fold(text)
    return [(folded[h.start : h.end], h.prefix, h.values) for h in m.finditer(folded)]


def test_verbs_take_only_conjunction_clitics() -> None:
    m = matcher(("التقى", Clitics.CONJ, "met"))
    assert hits(m, "والتقى") == [("والتقي", "و", ("met",))]
    assert hits(m, "بالتقى") == []


def test_nouns_take_prepositions_and_the_article() -> None:
    m = matcher(("اجتماع*", Clitics.NOUN, "meeting"))
    assert [h[1] for h in hits(m, "للاجتماع واجتماعه الاجتماعات")] == ["لل", "و", "ال"]


def test_names_do_not_take_the_article() -> None:
    """ "الرئيسي" (the main one) is not Raisi."""
    m = matcher(("رئيسي", Clitics.ALL, "raisi"))
    assert hits(m, "السبب الرئيسي") == []
    assert hits(m, "ورئيسي") == [("ورييسي", "و", ("raisi",))]


def test_title_with_article_after_lam() -> None:
    m = matcher(("المرشد", Clitics.ALL, "leader"))
    assert hits(m, "للمرشد") == [("للمرشد", "ل", ("leader",))]


def test_longest_phrase_wins_and_clitic_letters_may_belong_to_the_word() -> None:
    m = matcher(
        ("بشار الأسد", Clitics.ALL, "assad"),
        ("شار", Clitics.ALL, "noise"),
        ("بشار", Clitics.ALL, "bashar"),
    )
    assert hits(m, "بشار الأسد") == [("بشار الاسد", "", ("assad",))]
    assert hits(m, "بشار") == [("بشار", "", ("bashar",))]


def test_optional_space_inside_names() -> None:
    m = matcher(("بشار اسد", Clitics.ALL, "assad"), optional_space=True)
    assert hits(m, "بشاراسد") == [("بشاراسد", "", ("assad",))]


def test_latin_words_take_no_clitic() -> None:
    m = matcher(("iran", Clitics.ALL, "IRN"))
    assert hits(m, "Iran viran") == [("iran", "", ("IRN",))]


def test_scan_all_equals_separate_scans() -> None:
    a = matcher(("مع", Clitics.ALL, "with"), ("في", Clitics.ALL, "in"))
    b = matcher(("وزير الخارجية", Clitics.ALL, "fm"), ("الخارجية", Clitics.ALL, "ministry"))
    words = Words(fold("التقى وزير الخارجية مع نظيره في القاهرة"))
    assert scan_all(words, [a, b]) == [list(a.finditer(words)), list(b.finditer(words))]


@pytest.mark.parametrize("text", ["اتصالات", "الاتصال", "واتصالا"])
def test_stems_match_longer_words(text: str) -> None:
    m = matcher(("اتصال*", Clitics.NOUN, "call"))
    assert [h[2] for h in hits(m, text)] == [("call",)]


@pytest.mark.parametrize(
    ("stem", "text"), [("زيارة*", "زيارته"), ("لقاء*", "لقائه"), ("لقاء*", "لقاؤه")]
)
def test_arabic_stems_before_a_suffix(stem: str, text: str) -> None:
    """Taa marbuta is written taa, and a final hamza sits on ya/waw, before a suffix."""
    m = matcher((stem, Clitics.NOUN, "contact"))
    assert [h[2] for h in hits(m, text)] == [("contact",)]


def test_candidates_cover_every_hit_and_skip_words_inside_words() -> None:
    m = matcher(
        ("زار", Clitics.CONJ, "visit"),
        ("اجتماع*", Clitics.NOUN, "meeting"),
        ("met", Clitics.NONE, "met"),
        ("spoke by phone", Clitics.NONE, "call"),
    )
    text = fold("وزارة الخارجية: وزار الوزير طهران، وللاجتماعات met metal, spoke by phone")
    found = m.candidates(text)
    assert {h.start for h in m.finditer(text)} <= set(found)
    words = [text[i : text.find(" ", i) if " " in text[i:] else len(text)] for i in found]
    if m._firsts.available:  # exact token anchors (with pyahocorasick)
        assert words == ["وزار", "وللاجتماعات", "met", "spoke"]
