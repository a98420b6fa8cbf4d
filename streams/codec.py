"""Bytes <-> records, the one place where topics' wire format is decided.

JSON via orjson (3x the standard library here) for encoding; pydantic validates on decoding,
so a message with a missing field or a wrong type fails loudly as ``RecordError`` and goes to
``dead-letters`` rather than flowing on half-parsed.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable
from typing import Any, TypeVar

import orjson
import pydantic

from streams.errors import RecordError

__all__ = ["decode", "encode", "to_jsonable"]

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
