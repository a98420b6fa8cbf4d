from datetime import UTC, datetime

import pytest

from streams.codec import decode, encode
from streams.errors import RecordError
from streams.records import Actor, EventMention, EventType, RawArticle, Role


def test_round_trip_nested_record() -> None:
    mention = EventMention(
        event_key="phone_call:a|b",
        doc="d1",
        type=EventType.PHONE_CALL,
        cameo="041",
        actors=(
            Actor(
                surface="X", name="X", role=Role.PRESIDENT, country="IRN", known=True, actor_id="a"
            ),
        ),
        directed=True,
        evidence="X called Y.",
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    back = decode(EventMention, encode(mention))
    assert back == mention
    assert back.actors[0].role is Role.PRESIDENT


def test_missing_field_is_record_error_naming_it() -> None:
    with pytest.raises(RecordError, match="text"):
        decode(
            RawArticle,
            b'{"doc": "d", "source": "s", "origin": "file", "fetched_at": "2024-01-01T00:00:00Z"}',
        )


@pytest.mark.parametrize("payload", [b"\xff\xfe not json", b"[]", b'{"doc": 1}'])
def test_garbage_is_record_error(payload: bytes) -> None:
    with pytest.raises(RecordError):
        decode(RawArticle, payload)
