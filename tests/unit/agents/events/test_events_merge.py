"""Merging mentions into dated episodes of contact."""

from __future__ import annotations

from datetime import UTC, date, datetime

from agents.events import merge_mention
from streams.codec import decode
from streams.records import Actor, EventMention, EventType, Role

RAISI = Actor(
    surface="رئيسي",
    name="Ebrahim Raisi",
    role=Role.PRESIDENT,
    country="IRN",
    known=True,
    actor_id="ebrahim_raisi",
)
STORE = Actor(
    surface="Store",
    name="Jonas Gahr Store",
    role=Role.PRIME_MINISTER,
    country="NOR",
    known=True,
    actor_id="jonas_gahr_store",
)
KEY = "phone_call:ebrahim_raisi|jonas_gahr_store"


def mention(
    doc: str,
    *,
    day: date | None = None,
    published: date | None = None,
    sources: tuple[str, ...] = (),
    directed: bool = True,
    location: str | None = None,
) -> EventMention:
    return EventMention(
        event_key=KEY,
        doc=doc,
        type=EventType.PHONE_CALL,
        cameo="041",
        actors=(RAISI, STORE) if directed else (STORE, RAISI),
        directed=directed,
        evidence=f"evidence of {doc}",
        date=day,
        location=location,
        sources=sources,
        published=datetime(published.year, published.month, published.day, tzinfo=UTC)
        if published
        else None,
        fetched_at=datetime(2023, 11, 6, 9, tzinfo=UTC),
    )


def test_new_then_corroborated_then_replay() -> None:
    state: dict[str, bytes] = {}
    first = merge_mention(mention("a", day=date(2023, 11, 4), sources=("IRNA",)), state)
    assert first is not None and first.kind == "event.new" and first.corroboration == 1
    second = merge_mention(
        mention("b", published=date(2023, 11, 5), sources=("Reuters", "IRNA")), state
    )
    assert second is not None and second.kind == "event.updated"
    assert second.event_id == first.event_id
    assert second.corroboration == 2
    assert second.sources == ("IRNA", "Reuters")
    assert [m.doc for m in second.mentions] == ["a", "b"]
    assert merge_mention(mention("b", published=date(2023, 11, 5)), state) is None


def test_reports_weeks_apart_are_two_episodes() -> None:
    state: dict[str, bytes] = {}
    first = merge_mention(mention("a", day=date(2023, 11, 4)), state)
    later = merge_mention(mention("b", day=date(2023, 12, 1)), state)
    assert first is not None and later is not None
    assert later.kind == "event.new" and later.event_id != first.event_id
    near_later = merge_mention(mention("c", day=date(2023, 12, 3)), state, window_days=3)
    assert near_later is not None and near_later.event_id == later.event_id


def test_undated_mention_joins_the_latest_episode() -> None:
    state: dict[str, bytes] = {}
    merge_mention(mention("a", day=date(2023, 11, 4)), state)
    latest = merge_mention(mention("b", day=date(2023, 12, 1)), state)
    undated = merge_mention(mention("c"), state)
    assert latest is not None and undated is not None
    assert undated.event_id == latest.event_id and undated.kind == "event.updated"


def test_date_place_and_direction_learned_later_fill_in() -> None:
    state: dict[str, bytes] = {}
    first = merge_mention(mention("a", directed=False), state)
    assert first is not None and first.date is None and not first.directed
    update = merge_mention(mention("b", day=date(2023, 11, 4), location="Tehran"), state)
    assert update is not None
    assert update.date == date(2023, 11, 4) and update.location == "Tehran"
    assert update.directed and update.actors[0].actor_id == "ebrahim_raisi"


def test_same_input_order_gives_same_ids_and_state() -> None:
    runs = []
    for _ in range(2):
        state: dict[str, bytes] = {}
        out = [
            merge_mention(mention(doc, day=day), state)
            for doc, day in [
                ("a", date(2023, 11, 4)),
                ("b", date(2023, 12, 1)),
                ("c", date(2023, 11, 5)),
            ]
        ]
        runs.append(([e.event_id for e in out if e], state[KEY]))
    assert runs[0] == runs[1]


def test_state_is_codec_bytes() -> None:
    from agents.events.merge import _State

    state: dict[str, bytes] = {}
    merge_mention(mention("a", day=date(2023, 11, 4)), state)
    decoded = decode(_State, state[KEY])
    assert decoded.episodes[0].anchor == date(2023, 11, 4)
    assert decoded.episodes[0].event.mentions[0].doc == "a"
