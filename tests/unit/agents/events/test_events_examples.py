"""The project's own example articles (``examples/articles/wire.jsonl``) as regression cases.

Each pins a construction that was once missed: a possessive country before a title with
initials ("Qatar's prime minister ... with U.S. Secretary of State ..."), and back-to-back
Arabic titles in a verb-first sentence with the place between the two parties.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from agents.events import KnowledgeBase, Lexicons, extract_events
from agents.normalize import normalize
from streams.records import EventMention, RawArticle
from tests.unit.agents.events.test_events_articles import label

EXAMPLES = Path(__file__).resolve().parents[4] / "examples" / "articles" / "wire.jsonl"


def _events(doc: str, kb: KnowledgeBase, lexicons: Lexicons) -> list[EventMention]:
    rows = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line]
    row: dict[str, Any] = next(r for r in rows if r["doc"] == doc)
    raw = RawArticle(
        doc=row["doc"],
        text=row["text"],
        source=row["source"],
        origin="file",
        fetched_at=datetime(2024, 1, 20, tzinfo=UTC),
        title=row.get("title"),
        lang_hint=row["lang"],
        published=datetime.fromisoformat(row["published"]),
    )
    return extract_events(normalize(raw), kb, lexicons)


def test_possessive_country_title_and_us_initials(kb: KnowledgeBase, lexicons: Lexicons) -> None:
    (event,) = _events("example-en-001", kb, lexicons)
    assert event.type.value == "phone_call"
    assert [label(a) for a in event.actors] == [
        "Mohammed bin Abdulrahman Al Thani",
        "Antony Blinken",
    ]
    qatar, usa = event.actors
    assert (qatar.role, qatar.country) == ("prime_minister", "QAT")
    assert (usa.role, usa.country) == ("foreign_minister", "USA")
    # the subject of "X spoke by phone with Y" comes first, as in every other language
    assert event.directed is True
    assert list(event.sources) == ["Qatari foreign ministry"]


@pytest.mark.parametrize("doc", ["example-en-002"])
def test_casualty_only_example_has_no_contact(
    doc: str, kb: KnowledgeBase, lexicons: Lexicons
) -> None:
    assert _events(doc, kb, lexicons) == []


def test_stacked_titles_verb_first_place_between(kb: KnowledgeBase, lexicons: Lexicons) -> None:
    (event,) = _events("example-ar-003", kb, lexicons)
    assert event.type.value == "meeting"
    assert {label(a) for a in event.actors} == {"Mohammed bin Abdulrahman Al Thani", "Hakan Fidan"}
    assert {a.country for a in event.actors} == {"QAT", "TUR"}
    fidan = next(a for a in event.actors if a.country == "TUR")
    assert fidan.role is not None and fidan.role.value == "foreign_minister"
    assert event.directed is False
    assert event.location == "Doha"
