"""The band index: answering probes (``probe``) and expiring it (``sweep``).

State is a ``MutableMapping[str, bytes]`` (a Faust table partition or a dict) in the byte
layouts of ``_bucket``. Nothing here needs more than the one bucket a probe names plus the
records of the docs it finds there, so the index partitions by band key.
"""

from __future__ import annotations

import binascii
import logging
from collections.abc import MutableMapping
from datetime import UTC, datetime, timedelta

from agents.dedup import _bucket
from agents.dedup._fingerprint import doc_hash
from agents.dedup.params import DedupParams
from agents.dedup.probes import ArticleSketch, BandHit, BandMatch, BandProbe

__all__ = ["ProbeCache", "probe", "sweep"]

logger = logging.getLogger(__name__)

DEFAULT_BUCKET_CAPACITY = DedupParams().bucket_capacity
DEFAULT_SOURCE_REPEATS = DedupParams().source_repeats


def _seconds(moment: datetime) -> int:
    """Whole seconds since the Unix epoch (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(int(moment.timestamp()), 0)


class ProbeCache:
    """Memo for one batch of probes: hashes, clock conversions and resolved entries.

    A reprint shares dozens of bands with each earlier version, so the same entry recurs in
    many buckets; resolving it once per batch is most of what makes ``check`` fast.
    ``check`` uses one per article; a Kafka agent may use one per batch of probes. A cache
    belongs to one mapping (it remembers which records it already wrote there) and to one
    batch: records change between batches.
    """

    __slots__ = (
        "_article",
        "_clock",
        "_docs",
        "_identity",
        "_matches",
        "_moments",
        "_names",
        "_records",
        "_remembered",
        "_seconds",
        "_sources",
    )

    def __init__(self) -> None:
        self._article: ArticleSketch | None = None
        self._identity = (b"", 0, 0)
        self._clock: tuple[datetime, timedelta, int] | None = None
        self._docs: dict[str, bytes] = {}
        self._names: dict[bytes, str] = {}
        self._sources: dict[str, int] = {}
        self._seconds: dict[datetime, int] = {}
        self._moments: dict[int, datetime] = {}
        self._records: dict[bytes, tuple[str, int, str] | None] = {}
        self._matches: dict[tuple[bytes, int, int], BandMatch | None] = {}
        self._remembered: set[tuple[bytes, int | None, int]] = set()

    def doc_hash(self, doc: str) -> bytes:
        found = self._docs.get(doc)
        if found is None:
            found = self._docs[doc] = doc_hash(doc)
        return found

    def identity(self, article: ArticleSketch) -> tuple[bytes, int, int]:
        """``(doc hash, fetched_at seconds, source hash)`` of the probing article."""
        if article is not self._article:  # probes of one article share one ArticleSketch
            self._article = article
            self._identity = (
                self.doc_hash(article.doc),
                self.seconds(article.fetched_at),
                self.source(article.source),
            )
        return self._identity

    def cutoff(self, now: datetime, horizon: timedelta) -> int:
        """``now - horizon`` in seconds: entries fetched before it have expired."""
        clock = self._clock
        if clock is None or clock[0] is not now or clock[1] != horizon:
            clock = self._clock = (now, horizon, _seconds(now - horizon))
        return clock[2]

    def name(self, doc: bytes) -> str:
        found = self._names.get(doc)
        if found is None:
            found = self._names[doc] = _bucket.doc_name(doc)
        return found

    def source(self, source: str) -> int:
        found = self._sources.get(source)
        if found is None:
            found = self._sources[source] = _bucket.source_hash(source)
        return found

    def seconds(self, moment: datetime) -> int:
        found = self._seconds.get(moment)
        if found is None:
            found = self._seconds[moment] = _seconds(moment)
        return found

    def moment(self, seconds: int) -> datetime:
        found = self._moments.get(seconds)
        if found is None:
            found = self._moments[seconds] = datetime.fromtimestamp(seconds, UTC)
        return found

    def record(
        self, buckets: MutableMapping[str, bytes], doc: bytes
    ) -> tuple[str, int, str] | None:
        """``(doc id, distinct shingles, doc sketch)`` of a doc hash, or None if gone."""
        if doc in self._records:
            return self._records[doc]
        value = buckets.get(_bucket.doc_key(self.name(doc)))
        found = None
        if value is not None:
            _, shingles, sketch, doc_id = _bucket.decode_doc(value)
            found = (doc_id, shingles, binascii.b2a_base64(sketch, newline=False).decode("ascii"))
        self._records[doc] = found
        return found


def probe(
    band_probe: BandProbe,
    buckets: MutableMapping[str, bytes],
    *,
    now: datetime,
    horizon: timedelta,
    capacity: int = DEFAULT_BUCKET_CAPACITY,
    source_repeats: int = DEFAULT_SOURCE_REPEATS,
    cache: ProbeCache | None = None,
) -> BandHit:
    """Answer one band probe against the bucket it names, and add its doc to that bucket.

    Reports the docs in the bucket fetched no later than the probe (never the probing doc
    itself, so a replay is idempotent), drops entries fetched before ``now - horizon``, and
    inserts the probing doc unless it is already there or the hit is ``common``: the bucket
    holds ``capacity`` live entries, or (passage level) ``source_repeats`` entries from the
    probing article's own source, i.e. that outlet's boilerplate (0 disables this rule).
    Also stores the doc record and passage sketch beside the bucket, which entries point to
    by a 6-byte hash. ``cache``: see ``ProbeCache``.
    """
    batch = ProbeCache() if cache is None else cache
    me_sketch = band_probe.article
    me, when, source = batch.identity(me_sketch)
    cutoff = batch.cutoff(now, horizon)
    passage = band_probe.passage
    pid = _bucket.DOC_PASSAGE if passage is None else passage.passage_id
    key = band_probe.band_key
    value = buckets.get(key)
    earlier: list[_bucket.Entry] = []
    common = False
    if value is None:  # most buckets: text nobody published before
        if when >= cutoff:
            buckets[key] = _bucket.ENTRY.pack(me, pid, when, source)
            _remember(buckets, me, band_probe, when, batch)
    else:
        live: list[_bucket.Entry] = []
        present = False
        same_source = 0
        for entry in _bucket.iter_entries(value):
            if entry[2] < cutoff:
                continue
            live.append(entry)
            if entry[0] == me:
                present = True
                continue
            same_source += entry[3] == source
            if entry[2] <= when:
                earlier.append(entry)
        common = len(live) >= capacity or (
            passage is not None and 0 < source_repeats <= same_source
        )
        inserted = not present and not common and when >= cutoff
        if inserted:
            live.append((me, pid, when, source))
        if len(live) * _bucket.ENTRY.size != len(value):
            if live:
                buckets[key] = b"".join(_bucket.ENTRY.pack(*entry) for entry in live)
            else:
                del buckets[key]
        if inserted:
            _remember(buckets, me, band_probe, when, batch)
    # A common passage bucket is ignored by ``decide``: skip resolving its entries.
    resolve = earlier and not (common and passage is not None)
    return BandHit(
        doc=me_sketch.doc,
        level=band_probe.level,
        passage_id=None if passage is None else passage.passage_id,
        matches=tuple(_resolve(buckets, earlier, batch)) if resolve else (),
        common=common,
    )


def _remember(
    buckets: MutableMapping[str, bytes],
    me: bytes,
    band_probe: BandProbe,
    when: int,
    batch: ProbeCache,
) -> None:
    """Write the doc record (if absent or older) and the passage sketch (if absent)."""
    done = batch._remembered
    if (me, None, when) not in done:
        done.add((me, None, when))
        key = _bucket.doc_key(batch.name(me))
        record = buckets.get(key)
        if record is None or _bucket.record_time(record) < when:
            article = band_probe.article
            sketch = binascii.a2b_base64(article.sketch)
            buckets[key] = _bucket.encode_doc(article.doc, when, article.shingles, sketch)
    passage = band_probe.passage
    if passage is not None and (me, passage.passage_id, when) not in done:
        done.add((me, passage.passage_id, when))
        key = _bucket.sketch_key(batch.name(me), passage.passage_id)
        if key not in buckets:
            buckets[key] = binascii.a2b_base64(passage.sketch)


def _resolve(
    buckets: MutableMapping[str, bytes], entries: list[_bucket.Entry], batch: ProbeCache
) -> list[BandMatch]:
    """Turn bucket entries into matches; entries whose records are gone are skipped."""
    out: list[BandMatch] = []
    memo = batch._matches
    for doc, passage, when, _ in entries:
        ref = (doc, passage, when)
        if ref in memo:
            match = memo[ref]
        else:
            match = memo[ref] = _match_of(buckets, doc, passage, when, batch)
        if match is not None:
            out.append(match)
    return out


def _match_of(
    buckets: MutableMapping[str, bytes], doc: bytes, passage: int, when: int, batch: ProbeCache
) -> BandMatch | None:
    record = batch.record(buckets, doc)
    sketch = b""
    if passage != _bucket.DOC_PASSAGE:
        sketch = buckets.get(_bucket.sketch_key(batch.name(doc), passage), b"")
    if record is None or (passage != _bucket.DOC_PASSAGE and not sketch):
        # Swept, or lost with a partition's state: the entry cannot be scored.
        logger.debug("dedup record missing", extra={"stage": "dedup"})
        return None
    doc_id, shingles, doc_sketch = record
    if passage == _bucket.DOC_PASSAGE:
        return BandMatch(
            doc=doc_id, passage_id=None, fetched_at=batch.moment(when), doc_sketch=doc_sketch,
            shingles=shingles,
        )  # fmt: skip
    return BandMatch(
        doc=doc_id,
        passage_id=passage,
        fetched_at=batch.moment(when),
        doc_sketch=doc_sketch,
        shingles=shingles,
        sketch=binascii.b2a_base64(sketch, newline=False).decode("ascii"),
    )


def sweep(buckets: MutableMapping[str, bytes], *, now: datetime, horizon: timedelta) -> int:
    """Drop every entry and record older than ``now - horizon``; returns the keys changed.

    ``probe`` expires only the buckets it touches, and most buckets (unique text) are never
    touched again, so a periodic sweep is what bounds the index: one pass over the mapping,
    about once per tenth of the horizon. A passage sketch goes with its doc record. In Faust,
    a table write lands in the partition of the event being processed, so sweep a
    partition's keys from that partition's events (not from a timer).
    """
    cutoff = _seconds(now - horizon)
    changed = 0
    records: list[str] = []
    for key in list(buckets):
        if key.startswith(_bucket.ID_PREFIX):
            records.append(key)
            continue
        value = buckets.get(key)
        if value is None:
            continue
        if key.startswith(_bucket.SKETCH_PREFIX):
            record = buckets.get(_bucket.ID_PREFIX + key[len(_bucket.SKETCH_PREFIX) : -2])
            if record is None or _bucket.record_time(record) < cutoff:
                del buckets[key]
                changed += 1
            continue
        live = [entry for entry in _bucket.iter_entries(value) if entry[2] >= cutoff]
        if len(live) * _bucket.ENTRY.size == len(value):
            continue
        changed += 1
        if live:
            buckets[key] = b"".join(_bucket.ENTRY.pack(*entry) for entry in live)
        else:
            del buckets[key]
    for key in records:
        if _bucket.record_time(buckets[key]) < cutoff:
            del buckets[key]
            changed += 1
    return changed
