"""CloudEvents binary-mode Kafka headers for every message backchannel produces.

Downstream consumers read the payload as plain JSON and the metadata from ``ce_*`` headers
(``ce_specversion``, ``ce_id``, ``ce_source``, ``ce_type``, ``ce_time``, ``content-type``), so a
CloudEvents SDK and a plain Kafka consumer both work. The header mapping is the ``cloudevents``
library's (``to_binary``); the value stays our orjson encoding so that it is byte-identical with
and without headers. ``ce_id`` is a hash of the value: identical content, identical id, which
lets consumers drop the duplicates at-least-once delivery can produce.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from cloudevents.core.bindings.kafka import to_binary
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from streams.records import (
    Alert,
    Article,
    DeadLetter,
    Event,
    EventMention,
    FigureMention,
    FigureUpdate,
    RawArticle,
)

__all__ = ["CE_SOURCE", "ce_type", "cloudevent_headers"]

CE_SOURCE = "urn:backchannel"
_FORMAT = JSONFormat()


def ce_type(record: object) -> str:
    """The CloudEvents ``type`` of ``record``: reverse-DNS style, versioned by schema."""
    version = getattr(record, "schema_version", 1)
    name: str
    if isinstance(record, Event):
        name = record.kind  # event.new / event.updated
    elif isinstance(record, FigureUpdate):
        name = record.kind  # figure.new / figure.changed / ...
    elif isinstance(record, Alert):
        name = f"alert.{record.kind.value}"
    else:
        name = {
            RawArticle: "article.raw",
            Article: "article",
            EventMention: "event.mention",
            FigureMention: "figure.mention",
            DeadLetter: "dead_letter",
        }.get(type(record), type(record).__name__.lower())
    return f"org.backchannel.{name}.v{version}"


def _time(record: object) -> datetime:
    for attr in ("failed_at", "fetched_at", "observed_at", "published"):
        value = getattr(record, attr, None)
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.now(UTC)


def cloudevent_headers(record: object, value: bytes, *, topic: str) -> list[tuple[str, bytes]]:
    """Binary-mode CloudEvents headers for ``record`` encoded as ``value`` on ``topic``."""
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
    message = to_binary(event, _FORMAT)
    return list(message.headers.items())
