"""Bytes <-> records, the one place where topics' wire format is decided.

JSON via orjson (3x the standard library here) for encoding; pydantic validates on decoding,
so a message with a missing field or a wrong type fails loudly as ``RecordError`` and goes to
``dead-letters`` rather than flowing on half-parsed.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, TypeVar

import orjson
import pydantic

from streams.errors import RecordError

__all__ = ["decode", "decode_state", "encode", "encode_state", "to_jsonable"]

T = TypeVar("T", bound=Hashable)

_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def encode(record: object) -> bytes:
    """Serialise a record (a dataclass from ``streams.records``, or plain JSON data)."""
    return orjson.dumps(record, option=_OPTIONS)


def to_jsonable(record: object) -> Any:
    """The record as plain JSON data (dicts, lists, strings, numbers)."""
    return orjson.loads(encode(record))


@functools.cache
def _adapter(cls: type) -> pydantic.TypeAdapter[Any]:
    # One adapter per record class, built on first use: building one costs ~1 ms.
    return pydantic.TypeAdapter(cls)


def decode(cls: type[T], data: bytes | str) -> T:
    """Parse and validate ``data`` as a ``cls``; raises ``RecordError`` naming what is wrong."""
    try:
        record: T = _adapter(cls).validate_json(data)
        return record
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "message"
        raise RecordError(
            f"not a valid {cls.__name__} record: {where}: {first.get('msg')}"
            f" ({exc.error_count()} error(s))"
        ) from exc


STATE_CACHE_ENTRIES = 2048
"""Decoded state records kept per process (most recently used first out last)."""

_state_cache: OrderedDict[tuple[type, bytes], object] = OrderedDict()


def encode_state(record: object) -> bytes:
    """``encode(record)`` for a value written to a state table, remembered for ``decode_state``.

    A stage reads back what it wrote (the next report of the same pair or series), and
    validating a grown state costs 0.2-1 ms; remembering the record skips it.
    """
    raw = encode(record)
    remember_state(raw, record)
    return raw


def remember_state(raw: bytes, record: object) -> None:
    """Tell ``decode_state`` that ``raw`` decodes to ``record`` (which ``encode`` gave ``raw``)."""
    key = (type(record), raw)
    _state_cache[key] = record
    _state_cache.move_to_end(key)
    if len(_state_cache) > STATE_CACHE_ENTRIES:
        _state_cache.popitem(last=False)


def decode_state(cls: type[T], raw: bytes) -> T:
    """``decode(cls, raw)``, served from the records this process last encoded or decoded.

    The cache is keyed by the bytes themselves, so it is exactly as correct as decoding: a
    table value changed by another worker (a rebalance) or restored from the changelog is
    different bytes and is decoded afresh. Records are frozen, so sharing one is safe.
    """
    key = (cls, raw)
    hit = _state_cache.get(key)
    if hit is not None:
        _state_cache.move_to_end(key)
        return hit  # type: ignore[return-value]
    record = decode(cls, raw)
    remember_state(raw, record)
    return record
