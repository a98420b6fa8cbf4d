"""The phrase matcher: clitics, longest match, stems, optional spaces, one-pass scanning."""

from __future__ import annotations

import random
from typing import Any

import pytest

from agents.events import KnowledgeBase, Lexicons
from agents.events._scanner import scan_all
from agents.events._terms import _TOKEN, Clitics, TermMatcher, Words, _cores
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


def _phrases(m: TermMatcher[Any]) -> list[str]:
    """Every phrase of a matcher as written in text (stems with a suffix), from its trie."""
    out: list[str] = []
    pending: list[tuple[Any, list[str]]] = [(m._root, [])]
    while pending:
        node, words = pending.pop()
        out += [" ".join([*words, stem]) + "ات" for stem in node.stems]
        for word, child in node.next.items():
            if child.here:
                out.append(" ".join([*words, word]))
            if len(words) < 3:
                pending.append((child, [*words, word]))
    return sorted(out)


def _sentences(pools: list[list[str]], count: int, seed: int) -> list[str]:
    """Phrases of several matchers with clitics, glue words and punctuation between them."""
    rng = random.Random(seed)
    glue = [" ", ", ", "، ", " و", " with ", " مع ", " با ", ". ", " 12 ", " (", ") ", " ب", " ل"]
    glue += [" ال", " x_y ", "_", " وزارة "]
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(2, 14)):
            pool = rng.choice(pools)
            parts += [rng.choice(pool) if pool else "", rng.choice(glue)]
        out.append(fold("".join(parts)))
    return out


def test_words_spans_equal_the_token_regex() -> None:
    """``Words`` finds spans by ``str.find``: the same as the regex's match objects."""
    rng = random.Random(2)
    alphabet = [*"ab_ -.,،\n\t12", "وزير", "اتصل", "كتاب", "ـ", "«", "»", "x_y"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        words = Words(text)
        spans = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        assert list(zip(words.words, words.starts, words.ends, strict=True)) == spans
        assert words.cores == [_cores(word) for word in words.words]


@pytest.mark.parametrize("lang", ["ar", "fa", "en"])
def test_scanner_equals_separate_scans_on_generated_sentences(
    lexicons: Lexicons, kb: KnowledgeBase, lang: str
) -> None:
    lexicon = lexicons.by_lang[lang]
    scanner = lexicon.scanner(kb.names)
    pools = [_phrases(m) for m in scanner.matchers]
    found = 0
    for text in _sentences(pools, 400, seed=len(lang)):
        words = Words(text)
        expected = [list(m.finditer(words)) for m in scanner.matchers]
        assert scanner.scan(words) == expected, text
        found += sum(map(len, expected))
    assert found > 2000


@pytest.mark.parametrize("lang", ["ar", "fa", "en"])
def test_may_contain_is_false_only_for_words_no_hit_covers(
    lexicons: Lexicons, kb: KnowledgeBase, lang: str
) -> None:
    lexicon = lexicons.by_lang[lang]
    matchers = [lexicon.dates, lexicon.terms, lexicon.cues, lexicon.triggers]
    pools = [_phrases(m) for m in matchers]
    for m in matchers:
        for text in _sentences(pools, 150, seed=3):
            words = Words(text)
            covered = {
                i
                for hit in m.finditer(words)
                for i, start in enumerate(words.starts)
                if hit.start <= start < hit.end
            }
            for index, word in enumerate(words.words):
                if not m.may_contain(word):
                    assert index not in covered, (text, word)
