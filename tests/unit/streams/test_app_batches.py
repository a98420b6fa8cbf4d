"""The batch helpers of the Kafka agents: message splitting and Faust's current event."""

from __future__ import annotations

import asyncio
from typing import Any

import faust.streams
import orjson
import pytest

from streams import app as app_module
from streams.app import AppContext, acting_for
from streams.settings import Settings
from streams.topics import Topic


class _Recorder(AppContext):
    def __init__(self) -> None:
        super().__init__(app=None, settings=Settings(), resources=None)  # type: ignore[arg-type]
        self.sent: list[tuple[Topic, str, bytes, int | None]] = []

    async def _send(
        self, topic: Topic, key: str, record: object, value: bytes, partition: int | None
    ) -> None:
        self.sent.append((topic, key, value, partition))


def test_a_batch_over_the_size_limit_is_split_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "MAX_MESSAGE_BYTES", 1000)
    ctx = _Recorder()
    items = [f"item-{i:02d}-" + "x" * 150 for i in range(20)]  # ~3.3 KB in all
    asyncio.run(
        ctx.send_batch(Topic.DEDUP_BANDS, 3, items, lambda part: {"items": list(part)}, str)
    )
    assert all(len(value) <= 1000 for _, _, value, _ in ctx.sent)
    assert len(ctx.sent) > 1
    assert [i for _, _, v, _ in ctx.sent for i in orjson.loads(v)["items"]] == items
    assert all(partition == 3 for *_, partition in ctx.sent)
    assert all(key == orjson.loads(v)["items"][0] for _, key, v, _ in ctx.sent)


def test_a_batch_within_the_limit_is_one_message() -> None:
    ctx = _Recorder()
    asyncio.run(ctx.send_batch(Topic.DEDUP_HITS, 0, ["a", "b"], lambda p: list(p), str))
    assert [(key, value) for _, key, value, _ in ctx.sent] == [("a", b'["a","b"]')]


def test_acting_for_makes_the_event_current_and_restores() -> None:
    class Event:  # Faust's current_event holds a weak reference to an event object
        pass

    event, outer = Event(), Event()
    with acting_for(outer):
        with acting_for(event):
            assert faust.streams.current_event() is event
        assert faust.streams.current_event() is outer
    assert faust.streams.current_event() is None


def test_batches_take_events_with_the_configured_size_and_wait() -> None:
    ctx = _Recorder()
    calls: list[Any] = []

    class Stream:
        def take_events(self, max_: int, within: float) -> str:
            calls.append((max_, within))
            return "batches"

    assert ctx.batches(Stream()) == "batches"
    assert calls == [(Settings().batch_max, Settings().batch_wait_ms / 1000)]


def test_send_grouped_sends_one_message_per_partition_in_order() -> None:
    ctx = _Recorder()
    items = ["a1", "b1", "a2", "c1", "b2"]
    asyncio.run(ctx.send_grouped(Topic.DEDUP_HITS, items, lambda i: ord(i[0]) - 97, list, str))
    assert [(p, key, orjson.loads(v)) for _, key, v, p in ctx.sent] == [
        (0, "a1", ["a1", "a2"]),
        (1, "b1", ["b1", "b2"]),
        (2, "c1", ["c1"]),
    ]
