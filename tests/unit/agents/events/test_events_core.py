"""extract_events as a whole: keys across languages, evidence, record fields, purity."""

from __future__ import annotations

from datetime import UTC, date, datetime

from agents.events import KnowledgeBase, Lexicons, event_key, extract_events
from streams.records import DuplicateMatch, DuplicateVerdict, EventType
from tests.unit.agents.events.conftest import build_article

SAME_CALL = {
    "ar": "اتصل الرئيس الإيراني إبراهيم رئيسي هاتفيًّا برئيس وزراء النرويج يوناس غار ستوره.",
    "fa": "ابراهیم رئیسی رئیس جمهور در تماس تلفنی با یوناس گار استوره نخست وزیر نروژ گفتگو کرد.",
    "en": "Iranian President Ebrahim Raisi phoned Norwegian Prime Minister Jonas Gahr Store.",
}


def test_same_contact_has_the_same_key_in_every_language(
    kb: KnowledgeBase, lexicons: Lexicons
) -> None:
    keys = set()
    for lang, text in SAME_CALL.items():
        (event,) = extract_events(
            build_article(text, lang, published=date(2023, 11, 5)), kb, lexicons
        )
        keys.add(event.event_key)
        assert event.event_key == event_key(EventType.PHONE_CALL, event.actors)
    assert keys == {"phone_call:ebrahim_raisi|jonas_gahr_store"}


def test_evidence_and_surfaces_are_quoted_as_written(kb: KnowledgeBase, lexicons: Lexicons) -> None:
    text = "مقدمة لا علاقة لها.\n" + SAME_CALL["ar"] + " وأضاف البيان أن الجانبين بحثا الأوضاع."
    (event,) = extract_events(build_article(text, "ar", published=date(2023, 11, 5)), kb, lexicons)
    assert event.evidence == SAME_CALL["ar"]
    assert event.actors[0].surface == "الرئيس الإيراني إبراهيم رئيسي"


def test_record_fields_come_from_the_article(kb: KnowledgeBase, lexicons: Lexicons) -> None:
    verdict = DuplicateVerdict(
        kind="duplicate_of", matches=(DuplicateMatch(doc="earlier", similarity=0.95),)
    )
    article = build_article(
        SAME_CALL["en"],
        "en",
        doc="d1",
        published=date(2023, 11, 5),
        url="https://example.org/a",
        duplicate=verdict,
    )
    (event,) = extract_events(article, kb, lexicons)
    assert (event.doc, event.lang, event.url) == ("d1", "en", "https://example.org/a")
    assert event.published == datetime(2023, 11, 5, 12, tzinfo=UTC)
    assert event.fetched_at == article.fetched_at
    assert event.duplicate_of == ("earlier",)
    assert event.cameo == "041"


def test_pure_and_deterministic(kb: KnowledgeBase, lexicons: Lexicons) -> None:
    article = build_article("\n".join(SAME_CALL.values()), "und", published=date(2023, 11, 5))
    assert extract_events(article, kb, lexicons) == extract_events(article, kb, lexicons)


def test_article_without_contact_words_is_empty(kb: KnowledgeBase, lexicons: Lexicons) -> None:
    text = "Food prices rose again this month.\nThe health ministry reported more wounded."
    assert extract_events(build_article(text, "en"), kb, lexicons) == []
