"""The Kafka runtime's band index: buckets in memory per partition, durable as a log of batches.

Writing every band bucket to a Faust table sends one changelog message per band, 10-150 per
article, and Faust's per-message cost made that the worker's bottleneck. Here the probe
agent keeps each ``dedup.bands`` partition's buckets in a plain dict and writes one record
per band batch it indexed to the ``dedup-band-log`` table (key ``<partition>:<doc>``, value: the
batch's offset and its bytes as received): at most one changelog message per article and
partition. A worker that takes a partition over rebuilds its buckets by probing the
partition's recorded batches again in offset order; ``probe`` is deterministic, so the
rebuilt index is the one the previous owner had. Records leave the log once their batch is
older than the horizon, as event time passes; the buckets are swept on the same clock.

The embedded runtime needs none of this: its buckets are its state (``check``).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from agents.dedup.gather import HitBatch
from agents.dedup.index import probe, sweep
from agents.dedup.params import DedupParams
from agents.dedup.probes import BandHit, ProbeBatch
from streams.codec import decode
from streams.errors import RecordError

__all__ = ["BandIndex", "record_key"]

logger = logging.getLogger(__name__)

_OFFSET_BYTES = 8


def record_key(partition: int, doc: str) -> str:
    """The log key of ``doc``'s batch in ``partition``: the partition first, to rebuild one."""
    return f"{partition}:{doc}"


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

    def probe_batch(
        self, partition: int, offset: int, raw: bytes, log: MutableMapping[str, bytes]
    ) -> HitBatch:
        """Answer the band batch ``raw`` (message ``offset`` of ``partition``) and log it."""
        part = self._partitions.get(partition)
        if part is None:
            part = self._partitions[partition] = self._rebuild(partition, log.items())
        batch = decode(ProbeBatch, raw)
        hits = self._probe(part, batch)
        key = record_key(partition, batch.doc)
        log[key] = offset.to_bytes(_OFFSET_BYTES, "big") + raw
        if batch.keys:
            now = batch.fetched_at
            part.expiry.append((now, key, offset))
            self._expire(part, now, log)
        return HitBatch(doc=batch.doc, hits=hits)

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
                batch = decode(ProbeBatch, raw)
            except RecordError as exc:
                # A record an older release wrote, or a damaged one: skipping it loses that
                # article's bands (later copies of it go unnoticed), failing here would stop
                # the partition for good.
                self.skipped += 1
                logger.warning("band log record skipped", extra={"key": key, "error": str(exc)})
                continue
            self._probe(part, batch)
            if batch.keys:
                part.expiry.append((batch.fetched_at, key, offset))
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
