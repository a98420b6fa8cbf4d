"""Byte layouts of the band index: bucket entries, doc records and passage sketches.

A bucket (key: 8-character band key) is a run of 12-byte entries, oldest first::

    doc hash (6 bytes) | passage id (1 byte, 255 = whole document) | fetched_at (uint32 s, BE)
    | source hash (1 byte)

The source hash lets a probe see that a passage keeps coming from one outlet (its footer or
house boilerplate) without resolving any doc. Storing a 6-byte hash instead of the doc id
keeps an entry at 12 bytes whatever the id's
length (feed guids and URLs run to 100 characters). What a match needs beyond the entry is
written once per mapping rather than once per band:

- doc record, key ``i:`` + hash: fetched_at (uint32), distinct shingles (uint16, capped),
  sketch length (uint8), the document's sketch, then the UTF-8 doc id;
- passage sketch, key ``s:`` + hash + passage id (2 hex digits): the passage's sketch.

In the Kafka runtime each band partition keeps its own copies, because a Faust table reads
and writes the partition of the event being processed: a doc costs one doc record per
partition its band keys reach (and a passage one sketch per partition its bands reach).
"""

from __future__ import annotations

import binascii
import struct
import zlib
from collections.abc import Iterator

__all__ = [
    "DOC_PASSAGE",
    "ENTRY",
    "ID_PREFIX",
    "SKETCH_PREFIX",
    "Entry",
    "decode_doc",
    "doc_key",
    "doc_name",
    "encode_doc",
    "iter_entries",
    "record_time",
    "sketch_key",
    "source_hash",
]

ENTRY = struct.Struct(">6sBIB")
DOC_PASSAGE = 255
_HEAD = struct.Struct(">IHB")
ID_PREFIX = "i:"
SKETCH_PREFIX = "s:"


Entry = tuple[bytes, int, int, int]
"""``(doc hash, passage id, fetched_at, source hash)``."""


def iter_entries(value: bytes) -> Iterator[Entry]:
    """Entries of a bucket value, oldest first."""
    return ENTRY.iter_unpack(value)


def source_hash(source: str) -> int:
    """8-bit hash of an outlet name: tells one outlet's repeats from others' (two outlets
    share a value 1 time in 256, which only matters when both repeat the same passage)."""
    return zlib.crc32(source.encode("utf-8")) & 0xFF


def doc_name(doc: bytes) -> str:
    """The 8-character text form of a doc hash, as record keys spell it."""
    return binascii.b2a_base64(doc, newline=False).decode("ascii")


def doc_key(name: str) -> str:
    """Mapping key of the doc record for a doc hash (``doc_name`` form)."""
    return ID_PREFIX + name


def sketch_key(name: str, passage_id: int) -> str:
    """Mapping key of one passage's sketch (doc hash in ``doc_name`` form)."""
    return f"{SKETCH_PREFIX}{name}{passage_id:02x}"


def encode_doc(doc: str, fetched_at: int, shingles: int, sketch: bytes) -> bytes:
    """A doc record: when the doc was last indexed here, its size, its sketch and its id."""
    return _HEAD.pack(fetched_at, min(shingles, 0xFFFF), len(sketch)) + sketch + doc.encode("utf-8")


def record_time(value: bytes) -> int:
    """``fetched_at`` of a doc record, without decoding the rest."""
    return int.from_bytes(value[:4], "big")


def decode_doc(value: bytes) -> tuple[int, int, bytes, str]:
    """``(fetched_at, distinct shingles, sketch, doc id)`` of a doc record."""
    fetched_at, shingles, length = _HEAD.unpack_from(value)
    start = _HEAD.size
    sketch = value[start : start + length]
    return fetched_at, shingles, sketch, value[start + length :].decode("utf-8")
