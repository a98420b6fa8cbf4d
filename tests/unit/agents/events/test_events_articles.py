"""Own-written articles in Arabic, Persian and English, one per extraction rule.

Each case in ``tests/fixtures/events/articles_{ar,fa,en}.yaml`` is named after the rule it
pins (a planned meeting is not an event, a plural title distributes over countries, ...);
its expected events would not come out if that rule were removed.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from agents.events import KnowledgeBase, Lexicons, extract_events
from streams.records import Actor, EventMention
from tests.unit.agents.events.conftest import FIXTURES, build_article


def _cases() -> list[Any]:
    params = []
    for lang in ("ar", "fa", "en"):
        data = yaml.safe_load((FIXTURES / f"articles_{lang}.yaml").read_text(encoding="utf-8"))
        for case in data["cases"]:
            params.append(pytest.param(lang, case, id=f"{lang}-{case['id']}"))
    return params


def label(actor: Actor) -> str:
    """Canonical name of a known actor, else its ``role:office:place`` id."""
    return actor.name if actor.known and actor.name else actor.actor_id


def check(event: EventMention, want: dict[str, Any]) -> None:
    assert event.type.value == want["type"]
    assert {label(a) for a in event.actors} == set(want["actors"])
    assert event.directed is want["directed"]
    if want.get("first"):
        assert label(event.actors[0]) == want["first"]
    if "date" in want:
        assert event.date == want["date"]
    if "location" in want:
        assert event.location == want["location"]
    if "sources" in want:
        assert list(event.sources) == want["sources"]
    if "cameo" in want:
        assert event.cameo == want["cameo"]
    if "surfaces" in want:
        assert [a.surface for a in event.actors] == want["surfaces"]


@pytest.mark.parametrize(("lang", "case"), _cases())
def test_article(lang: str, case: dict[str, Any], kb: KnowledgeBase, lexicons: Lexicons) -> None:
    article = build_article(case["text"], lang, doc=case["id"], published=case.get("published"))
    events = extract_events(article, kb, lexicons)
    if case.get("none"):
        assert events == []
        return
    got = [(e.type.value, sorted(label(a) for a in e.actors)) for e in events]
    assert len(events) == len(case["expect"]), got
    for event, want in zip(events, case["expect"], strict=True):
        check(event, want)
