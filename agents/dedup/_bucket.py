"""Byte layouts of the band index: bucket entries and doc records.

A bucket (key: the 6-character band key) is a run of 7-byte entries, oldest first::

    doc hash (6 bytes) | passage id (1 byte; 255 = whole document or exact text)

Everything else a probe needs about an entry's doc lives once per mapping in the doc's
record, key ``i:`` + the doc hash in hex (12 characters)::

    fetched_at (uint32 s) | distinct shingles (uint16, capped) | source hash (uint8)
    | doc sketch bytes (uint8) | passage sketch bytes (uint8) | doc id bytes (uint16)
    | doc sketch | doc id (UTF-8) | per passage: passage id (uint8) + sketch

Why this split: most buckets hold a single entry (text nobody else published), so bytes per
band are most of the index. A band costs 13 bytes (key and entry); entries that carried
their fetch time and outlet under 8-character keys cost 20, and with a key per passage
sketch the real seeds took 2.45 KB of index per article (1.6 KB now). Time and outlet are
read from the record instead, which a probe looks up once per doc per batch, and one read
of it resolves a doc with all its sketches. A 6-byte doc hash keeps entries short whatever
the id's length (feed guids and URLs run to 100 characters); at 2**-48 per pair of docs in
the index a collision is negligible.

In the Kafka runtime each band partition keeps its own record of a doc, with the passages
that partition's batch probed, because each partition's state is its own.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable

__all__ = [
    "DOC_BYTES",
    "ENTRY_SIZE",
    "HEAD_SIZE",
    "RECORD_KEY_CHARS",
    "RECORD_PREFIX",
    "WHOLE",
    "encode_record",
    "entries",
    "entry",
    "record_doc",
    "record_fields",
    "record_head",
    "record_key",
    "record_passage",
    "record_passages",
    "record_sketch",
    "record_time",
    "source_hash",
]

DOC_BYTES = 6
ENTRY_SIZE = DOC_BYTES + 1
WHOLE = 255
"""Passage byte of document- and exact-level entries."""
RECORD_PREFIX = "i:"
RECORD_KEY_CHARS = len(RECORD_PREFIX) + 2 * DOC_BYTES
_HEAD = struct.Struct(">IHBBBH")
HEAD_SIZE = _HEAD.size
"""Bytes of a record's fixed head; byte 7 is the doc sketch's length, 8 a passage sketch's,
9-10 the doc id's (big-endian)."""
_TIME_SOURCE = struct.Struct(">I2xB")  # the head's first and third fields
_BYTES = [bytes((value,)) for value in range(256)]


def entry(doc: bytes, target: int) -> bytes:
    """The bucket entry of ``doc`` for a target (a passage id, or negative for the whole)."""
    return doc + _BYTES[target if target >= 0 else WHOLE]


def entries(doc: bytes, targets: Iterable[int]) -> dict[int, bytes]:
    """``entry(doc, target)`` for each distinct target."""
    return {target: doc + _BYTES[target if target >= 0 else WHOLE] for target in set(targets)}


def source_hash(source: str) -> int:
    """8-bit hash of an outlet name: tells one outlet's repeats from others' (two outlets
    share a value 1 time in 256, which only matters when both repeat the same passage)."""
    return zlib.crc32(source.encode("utf-8")) & 0xFF


def record_key(doc: bytes) -> str:
    """Mapping key of the record of a doc hash (hex: 4x quicker to write than base64)."""
    return RECORD_PREFIX + doc.hex()


def record_doc(key: str) -> bytes | None:
    """The doc hash a record key names (inverse of ``record_key``), None if it names none."""
    if len(key) != RECORD_KEY_CHARS or not key.startswith(RECORD_PREFIX):
        return None
    try:
        return bytes.fromhex(key[len(RECORD_PREFIX) :])
    except ValueError:
        return None


def record_time(value: bytes) -> int:
    """``fetched_at`` of a record, without decoding the rest."""
    return int.from_bytes(value[:4], "big")


def record_head(value: bytes) -> tuple[int, int]:
    """``(fetched_at, source hash)`` of a record, without decoding the rest."""
    head: tuple[int, int] = _TIME_SOURCE.unpack_from(value)
    return head


def encode_record(
    doc: str,
    fetched_at: int,
    shingles: int,
    source: int,
    sketch: bytes,
    passages: list[tuple[int, bytes]],
) -> bytes:
    """A doc record; ``passages`` are ``(passage id, sketch)``, sketches of one width."""
    name = doc.encode("utf-8")
    width = len(passages[0][1]) if passages else 0
    head = _HEAD.pack(fetched_at, min(shingles, 0xFFFF), source, len(sketch), width, len(name))
    body = b"".join(bytes((pid,)) + sketch for pid, sketch in passages)
    return head + sketch + name + body


def record_sketch(value: bytes) -> bytes:
    """The document's sketch in a record."""
    return value[_HEAD.size : _HEAD.size + value[7]]


def record_fields(value: bytes) -> tuple[int, int, str]:
    """``(fetched_at, distinct shingles, doc id)`` of a record."""
    fetched_at, shingles, _, width, _, length = _HEAD.unpack_from(value)
    start = _HEAD.size + width
    return fetched_at, shingles, value[start : start + length].decode("utf-8")


def record_passages(value: bytes) -> tuple[int, int, bytes]:
    """Where a record's passages start, the bytes of one passage sketch, and the passage
    ids, one byte each: passage ``ids[i]``'s sketch starts at ``start + i * (width + 1) + 1``."""
    start = _HEAD.size + value[7] + int.from_bytes(value[9:11], "big")
    width = value[8]
    return start, width, value[start :: width + 1]


def record_passage(value: bytes, passage_id: int) -> bytes | None:
    """The sketch of one passage in a record, or None if the record does not hold it."""
    start, width, ids = record_passages(value)
    found = ids.find(passage_id)
    if found < 0:
        return None
    at = start + found * (width + 1) + 1
    return value[at : at + width]
