"""CloudEvents headers: the cached template gives exactly the library's mapping."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary, to_binary
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from streams.codec import encode
from streams.envelope import CE_SOURCE, _time, ce_type, cloudevent_headers
from streams.records import Article, DeadLetter, RawArticle

WHEN = datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)


def _library(record: object, value: bytes, topic: str) -> list[tuple[str, bytes]]:
    """Every attribute through ``CloudEvent`` and ``to_binary``, one message at a time."""
    event = CloudEvent(
        attributes={
            "id": hashlib.blake2b(value, digest_size=16).hexdigest(),
            "source": f"{CE_SOURCE}:{topic}",
            "type": ce_type(record),
            "time": _time(record),
            "datacontenttype": "application/json",
            "specversion": "1.0",
        },
        data=None,
    )
    return list(to_binary(event, JSONFormat()).headers.items())


RECORDS = [
    RawArticle(doc="a", text="نص", source="s", origin="file", fetched_at=WHEN),
    RawArticle(doc="b", text="x", source="s", origin="file", fetched_at=WHEN.replace(tzinfo=None)),
    RawArticle(
        doc="c",
        text="y",
        source="s",
        origin="file",
        fetched_at=WHEN.astimezone(timezone(timedelta(hours=3, minutes=30))),
    ),
    Article(
        doc="d",
        text="z",
        lang="fa",
        source="s",
        origin="file",
        fetched_at=WHEN.replace(microsecond=0),
        text_hash="h",
    ),
    DeadLetter(
        stage="normalize",
        reason="undecodable",
        error_class="E",
        error="e",
        original_base64="",
        failed_at=WHEN,
    ),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
@pytest.mark.parametrize("topic", ["articles", "p.dead-letters"])
def test_headers_equal_the_library_mapping(record: object, topic: str) -> None:
    value = encode(record)
    assert cloudevent_headers(record, value, topic=topic) == _library(record, value, topic)


def test_headers_read_back_as_a_cloudevent() -> None:
    record = RECORDS[0]
    value = encode(record)
    event = from_binary(
        KafkaMessage(
            headers=dict(cloudevent_headers(record, value, topic="t")), key=None, value=value
        ),
        JSONFormat(),
    )
    assert event.get_type() == "org.backchannel.article.raw.v1"
    assert event.get_id() == hashlib.blake2b(value, digest_size=16).hexdigest()
    assert event.get_time() == WHEN
