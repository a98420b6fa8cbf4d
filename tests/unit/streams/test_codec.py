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


def _raw(doc: str) -> RawArticle:
    return RawArticle(
        doc=doc, text="x", source="s", origin="file", fetched_at=datetime(2024, 1, 1, tzinfo=UTC)
    )


def test_decode_state_serves_what_was_encoded_and_decodes_other_bytes() -> None:
    from streams import codec

    article = _raw("d1")
    raw = codec.encode_state(article)
    assert codec.decode_state(RawArticle, raw) is article
    # equal bytes from elsewhere (a restored changelog) hit too; other bytes are decoded
    assert codec.decode_state(RawArticle, bytes(bytearray(raw))) is article
    other = encode(_raw("d2"))
    decoded = codec.decode_state(RawArticle, other)
    assert decoded.doc == "d2" and decoded is not article
    with pytest.raises(RecordError):
        codec.decode_state(RawArticle, b'{"doc": 1}')


def test_state_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from streams import codec

    monkeypatch.setattr(codec, "STATE_CACHE_ENTRIES", 3)
    monkeypatch.setattr(codec, "_state_cache", codec.OrderedDict())
    records = [_raw(f"d{i}") for i in range(5)]
    raws = [codec.encode_state(r) for r in records]
    assert len(codec._state_cache) == 3
    assert codec.decode_state(RawArticle, raws[-1]) is records[-1]
    assert codec.decode_state(RawArticle, raws[0]) == records[0]
    assert codec.decode_state(RawArticle, raws[0]) is not records[0]
