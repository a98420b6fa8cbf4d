"""Merging mentions into dated episodes of contact."""

from __future__ import annotations

from datetime import UTC, date, datetime

from agents.events import merge_mention
from streams.codec import decode, encode
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


def test_many_reports_keep_first_and_latest_mentions_and_count_all() -> None:
    from agents.events.merge import MENTIONS_KEPT

    state: dict[str, bytes] = {}
    docs = [f"d{i:03d}" for i in range(MENTIONS_KEPT + 15)]
    last = None
    for doc in docs:
        last = merge_mention(mention(doc, day=date(2023, 11, 4)), state)
    assert last is not None
    assert last.corroboration == len(docs)
    assert [m.doc for m in last.mentions] == [docs[0], *docs[1 - MENTIONS_KEPT :]]
    # a doc no longer carried in full is still recognised as a replay
    assert "d005" not in {m.doc for m in last.mentions}
    assert merge_mention(mention("d005", day=date(2023, 11, 4)), state) is None
    assert merge_mention(mention("d999", day=date(2023, 11, 4)), state) is not None


def test_state_grows_by_a_doc_hash_per_report_not_by_the_report() -> None:
    state: dict[str, bytes] = {}
    sizes = []
    for i in range(200):
        merge_mention(mention(f"https://example.org/a/long/article/path/{i}", day=None), state)
        sizes.append(len(state[KEY]))
    per_report = (sizes[-1] - sizes[99]) / 100
    assert per_report < 20  # a 12-character hash in JSON: 15 bytes


def test_state_written_before_doc_hashes_still_recognises_its_reports() -> None:
    from agents.events.merge import _Episode, _State

    state: dict[str, bytes] = {}
    merge_mention(mention("a", day=date(2023, 11, 4)), state)
    old = decode(_State, state[KEY])
    state[KEY] = encode(
        _State(episodes=tuple(_Episode(anchor=e.anchor, event=e.event) for e in old.episodes))
    )
    assert b'"docs":[]' in state[KEY]
    assert merge_mention(mention("a", day=date(2023, 11, 4)), state) is None
    update = merge_mention(mention("b", day=date(2023, 11, 4)), state)
    assert update is not None and update.corroboration == 2
    assert merge_mention(mention("a", day=date(2023, 11, 4)), state) is None
