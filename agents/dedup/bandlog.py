"""The Kafka runtime's band index: buckets in memory per partition, durable as a log of batches.

Writing every band bucket to a Faust table sends one changelog message per band, 10-150 per
article, and Faust's per-message cost made that the worker's bottleneck. Here the probe
agent keeps each ``dedup.bands`` partition's buckets in a plain dict and writes one record
per message it indexed to the ``dedup-band-log`` table (key ``<partition>:@<offset>``, value:
the offset and the message's bytes as received; a message holds the batches of every
article the normalize hop took at once): at most one changelog message per message. A
worker that takes a partition over rebuilds its buckets by probing the partition's recorded
batches again in offset order; ``probe`` is deterministic, so the rebuilt index is the one
the previous owner had. (Records of one ``ProbeBatch`` keyed by doc, as an earlier release
wrote them, are read too.) Records leave the log once their batch is
older than the horizon, as event time passes; the buckets are swept on the same clock.

The embedded runtime needs none of this: its buckets are its state (``check``).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from agents.dedup.gather import HitBatch, ProbeMessage
from agents.dedup.index import probe, sweep
from agents.dedup.params import DedupParams
from agents.dedup.probes import BandHit, ProbeBatch
from streams.codec import decode
from streams.errors import RecordError

__all__ = ["BandIndex", "message_key", "record_key"]

logger = logging.getLogger(__name__)

_OFFSET_BYTES = 8


def record_key(partition: int, name: str) -> str:
    """A log key in ``partition``: the partition first, to rebuild one."""
    return f"{partition}:{name}"


def message_key(partition: int, offset: int) -> str:
    """The log key of the ``dedup.bands`` message at ``offset`` of ``partition``; redelivered,
    the message rewrites its own record."""
    return record_key(partition, f"@{offset}")


@dataclass
class _Partition:
    buckets: dict[str, bytes] = field(default_factory=dict)
    expiry: deque[tuple[datetime, str, int]] = field(default_factory=deque)
    swept_at: datetime | None = None


class BandIndex:
    """One worker's band buckets for the partitions it owns, rebuilt from the log on demand."""

    def __init__(self, params: DedupParams, horizon: timedelta) -> None:
        self._params = params
        self._horizon = horizon
        self._sweep_every = horizon / 10
        self._partitions: dict[int, _Partition] = {}
        self.skipped = 0
        """Log records that could not be decoded while rebuilding (logged, then left out)."""

    def __len__(self) -> int:
        """Keys in the buckets in memory (bands and doc records), as the embedded mapping's."""
        return sum(len(part.buckets) for part in self._partitions.values())

    def reset(self) -> None:
        """Forget every partition (on a rebalance); each is rebuilt from the log when next used."""
        self._partitions.clear()

    @property
    def partitions(self) -> frozenset[int]:
        """The partitions whose buckets are in memory."""
        return frozenset(self._partitions)

    def probe_message(
        self, partition: int, offset: int, raw: bytes, log: MutableMapping[str, bytes]
    ) -> list[HitBatch]:
        """Answer every batch of the ``dedup.bands`` message ``raw`` (``offset`` of
        ``partition``) and log the message."""
        part = self._partitions.get(partition)
        if part is None:
            part = self._partitions[partition] = self._rebuild(partition, log.items())
        batches = decode(ProbeMessage, raw).batches
        answers = [
            HitBatch(doc=batch.doc, hits=self._probe(part, batch), partition=partition)
            for batch in batches
        ]
        key = message_key(partition, offset)
        log[key] = offset.to_bytes(_OFFSET_BYTES, "big") + raw
        if any(batch.keys for batch in batches):
            # the record leaves with its newest batch: late rather than early
            now = max(batch.fetched_at for batch in batches)
            part.expiry.append((now, key, offset))
            self._expire(part, now, log)
        return answers

    def _probe(self, part: _Partition, batch: ProbeBatch) -> tuple[BandHit, ...]:
        hit = probe(batch, part.buckets, self._params, now=batch.fetched_at, horizon=self._horizon)
        return (hit,)

    def _rebuild(self, partition: int, records: Iterable[tuple[str, bytes]]) -> _Partition:
        prefix = record_key(partition, "")
        logged = sorted(
            (int.from_bytes(value[:_OFFSET_BYTES], "big"), key, value[_OFFSET_BYTES:])
            for key, value in records
            if key.startswith(prefix) and value
        )
        part = _Partition()
        for offset, key, raw in logged:
            try:
                batches = _logged_batches(raw)
            except RecordError as exc:
                # A damaged record: skipping it loses its articles' bands (later copies of
                # them go unnoticed), failing here would stop the partition for good.
                self.skipped += 1
                logger.warning("band log record skipped", extra={"key": key, "error": str(exc)})
                continue
            for batch in batches:
                self._probe(part, batch)
            if any(batch.keys for batch in batches):
                part.expiry.append((max(b.fetched_at for b in batches), key, offset))
        return part

    def _expire(self, part: _Partition, now: datetime, log: MutableMapping[str, bytes]) -> None:
        cutoff = now - self._horizon
        # Arrival order is nearly fetch order; a record stuck behind a newer one leaves late,
        # never early.
        while part.expiry and part.expiry[0][0] < cutoff:
            _, key, offset = part.expiry.popleft()
            value = log.get(key)
            if value is not None and int.from_bytes(value[:_OFFSET_BYTES], "big") == offset:
                del log[key]  # not when a redelivered batch logged the doc again since
        if part.swept_at is None:
            part.swept_at = now
        elif now - part.swept_at >= self._sweep_every:
            sweep(part.buckets, now=now, horizon=self._horizon)
            part.swept_at = now


def _logged_batches(raw: bytes) -> tuple[ProbeBatch, ...]:
    """The batches of a log record: a ``ProbeMessage``, or one ``ProbeBatch`` (earlier release)."""
    if raw.startswith(b'{"batches":'):
        return decode(ProbeMessage, raw).batches
    return (decode(ProbeBatch, raw),)
