"""The band index: answering a batch of probes (``probe``) and expiring it (``sweep``).

State is a ``MutableMapping[str, bytes]`` (a dict, a SQLite table or a partition's buckets) in
the byte layouts of ``_bucket``. A batch needs only the buckets it names plus the records of
the docs it finds there, so the index partitions by band key.

``probe`` takes an article's keys for one mapping at once (a ``ProbeBatch``): the article's
identity, clock and record are worked out once, most keys (text nobody published before)
are answered by one lookup each and written in one ``update``, and every doc found is
resolved and scored once however many buckets hold it. Scoring happens here, where the
sketches are, so a hit carries numbers rather than sketches.
"""

from __future__ import annotations

import binascii
from collections.abc import MutableMapping
from datetime import UTC, datetime, timedelta

import numpy as np

from agents.dedup import _bucket
from agents.dedup._fingerprint import KEY_CHARS, doc_hash, sketch_similarity
from agents.dedup.params import DedupParams
from agents.dedup.probes import (
    EXACT,
    ArticleSketch,
    BandHit,
    BandMatch,
    PassagePair,
    ProbeBatch,
)

__all__ = ["probe", "sweep"]


def _seconds(moment: datetime) -> int:
    """Whole seconds since the Unix epoch (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(int(moment.timestamp()), 0)


class _Records:
    """The probing article's clock and the live records its batch reads, each fetched once:
    ``seen[doc]`` is ``(fetched_at, source, value)``, or None when swept, expired or lost."""

    __slots__ = ("_cutoff", "_get", "indexing", "seen", "source", "when")

    def __init__(
        self, buckets: MutableMapping[str, bytes], article: ArticleSketch, cutoff: int
    ) -> None:
        self._get = buckets.get
        self._cutoff = cutoff
        self.when = _seconds(article.fetched_at)
        self.source = _bucket.source_hash(article.source)
        self.indexing = self.when >= cutoff  # an article older than the horizon is not indexed
        self.seen: dict[bytes, tuple[int, int, bytes] | None] = {}

    def fetch(self, doc: bytes) -> tuple[int, int, bytes] | None:
        """Look a doc's record up (once; ``seen`` remembers it)."""
        value = self._get(_bucket.record_key(doc))
        found = None
        if value is not None:
            fetched_at, source = _bucket.record_head(value)
            if fetched_at >= self._cutoff:
                found = (fetched_at, source, value)
        self.seen[doc] = found
        return found

    def value(self, doc: bytes) -> bytes:
        """The record of a doc found live."""
        found = self.seen[doc]
        assert found is not None
        return found[2]


def probe(
    batch: ProbeBatch,
    buckets: MutableMapping[str, bytes],
    params: DedupParams,
    *,
    now: datetime,
    horizon: timedelta,
) -> BandHit:
    """Answer every band key of ``batch`` against ``buckets`` and add the article to them.

    For each key: nominates the docs in the bucket fetched no later than the article (never
    the article itself, so a replay is idempotent), drops entries whose doc record has
    expired (fetched before ``now - horizon``) or is gone, and inserts the article unless it
    is already there or the bucket is *common*: it holds ``params.bucket_capacity`` live
    entries, or (passage level) ``params.source_repeats`` entries from the article's own
    source, i.e. that outlet's boilerplate (0 disables this rule). A common passage bucket
    nominates nothing. Then writes the article's record (once per batch) and returns the
    nominated docs, scored by their sketches (``_score``), in one ``BandHit``.
    """
    article = batch.article
    me = doc_hash(article.doc)
    records = _Records(buckets, article, _seconds(now - horizon))
    exact: set[bytes] = set()
    nominated: dict[bytes, list[tuple[int, int]]] = {}  # doc -> (my passage, its passage)
    keys, targets = batch.keys, batch.targets
    get = buckets.get
    values = [get(key) for key in keys]
    # Text nobody published before, the common case: one write per key, nothing to read.
    if not any(values) and len(set(keys)) == len(keys):  # (a repeated passage repeats keys)
        inserted = records.indexing and bool(keys)
        if inserted:
            tails = {target: _bucket.entry(me, target) for target in set(targets)}
            buckets.update(zip(keys, [tails[target] for target in targets], strict=True))
    else:
        inserted = _probe_each(batch, buckets, params, me, records, values, nominated, exact)
    if inserted:
        _write_record(buckets, me, records.when, records.source, batch)
    matches = _score(batch, nominated, exact, records, params.floor) if nominated else ()
    return BandHit(doc=article.doc, matches=matches)


_UNSEEN = (-1, -1, b"")  # a sentinel: ``_Records.seen`` has no entry for the doc


def _probe_each(
    batch: ProbeBatch,
    buckets: MutableMapping[str, bytes],
    params: DedupParams,
    me: bytes,
    records: _Records,
    values: list[bytes | None],
    nominated: dict[bytes, list[tuple[int, int]]],
    exact: set[bytes],
) -> bool:
    """``probe`` key by key, when some bucket holds entries or a key repeats; True if the
    article was inserted anywhere. Fills ``nominated`` and ``exact``."""
    tails = {target: _bucket.entry(me, target) for target in set(batch.targets)}
    when, source, indexing = records.when, records.source, records.indexing
    capacity, repeats = params.bucket_capacity, params.source_repeats
    distinct = len(set(batch.keys)) == len(batch.keys)
    seen, fetch = records.seen, records.fetch
    written: dict[str, bytes] = {}  # this batch's bucket writes; b"" = emptied
    inserted = False
    size = _bucket.ENTRY_SIZE
    for key, target, stored in zip(batch.keys, batch.targets, values, strict=True):
        value = stored if distinct or key not in written else written[key]
        if not value:
            if indexing:
                written[key] = tails[target]
                inserted = True
            continue
        docs = [value[at : at + _bucket.DOC_BYTES] for at in range(0, len(value), size)]
        live = 0
        dropped = False
        present = False
        same_source = 0
        earlier: list[tuple[bytes, int]] = []
        for index, doc in enumerate(docs):
            if doc == me:
                present = True
                live += 1
                continue
            record = seen.get(doc, _UNSEEN)
            if record is _UNSEEN:
                record = fetch(doc)
            if record is None:
                dropped = True
                continue
            live += 1
            if record[1] == source:
                same_source += 1
            if record[0] <= when:
                earlier.append((doc, value[index * size + _bucket.DOC_BYTES]))
        passage = target >= 0
        common = live >= capacity or (passage and 0 < repeats <= same_source)
        insert = indexing and not present and not common
        if dropped:
            kept = (
                value[index * size : (index + 1) * size]
                for index, doc in enumerate(docs)
                if doc == me or seen[doc] is not None
            )
            written[key] = b"".join(kept) + (tails[target] if insert else b"")
        elif insert:
            written[key] = value + tails[target]
        inserted = inserted or insert
        if common and passage:
            continue
        for doc, theirs in earlier:
            pairs = nominated.get(doc)
            if pairs is None:
                pairs = nominated[doc] = []
            if passage and theirs != _bucket.WHOLE:
                pairs.append((target, theirs))
            elif target == EXACT:
                exact.add(doc)
    for key, value in written.items():
        if value:
            buckets[key] = value
        elif key in buckets:
            del buckets[key]
    return inserted


def _write_record(
    buckets: MutableMapping[str, bytes],
    me: bytes,
    when: int,
    source: int,
    batch: ProbeBatch,
) -> None:
    """Store the article's record, or add passages a record of the same fetch lacks."""
    key = _bucket.record_key(me)
    existing = buckets.get(key)
    passages = [(p.passage_id, binascii.a2b_base64(p.sketch)) for p in batch.passages]
    if existing is not None:
        stored = _bucket.record_time(existing)
        if stored > when:
            return  # a later fetch of the same doc was indexed here: it stands
        if stored == when:
            ids = _bucket.record_passages(existing)[2]
            missing = [(pid, sketch) for pid, sketch in passages if pid not in ids]
            if not missing:
                return  # a replay: nothing to add
            kept = [(pid, _bucket.record_passage(existing, pid) or b"") for pid in ids]
            passages = sorted(kept + missing)
    article = batch.article
    sketch = binascii.a2b_base64(article.sketch)
    buckets[key] = _bucket.encode_record(
        article.doc, when, article.shingles, source, sketch, passages
    )


def _score(
    batch: ProbeBatch,
    nominated: dict[bytes, list[tuple[int, int]]],
    exact: set[bytes],
    records: _Records,
    floor: float,
) -> tuple[BandMatch, ...]:
    """Every nominated doc and pair of passages, scored by their sketches.

    A doc whose scores all stay below ``floor`` (and which is no exact copy) is left out:
    near-zero estimates are what phrases shared by same-beat news produce (an article of the
    benchmark corpus nominates 18 docs on average and keeps 1.7), and they would fill every
    hit, and ``dedup.hits``, with candidates no threshold accepts.
    """
    mine = binascii.a2b_base64(batch.article.sketch)
    own = {p.passage_id: binascii.a2b_base64(p.sketch) for p in batch.passages}
    docs = list(nominated)
    values = [records.value(doc) for doc in docs]
    # Sketch pairs to compare: each doc's, then each nominated pair of passages.
    left = [mine] * len(docs)
    right = [_bucket.record_sketch(value) for value in values]
    pairs: list[tuple[int, int, int]] = []  # (doc index, my passage, its passage)
    for index, nominations in enumerate(nominated.values()):
        if not nominations:
            continue
        value = values[index]
        start, width, ids = _bucket.record_passages(value)
        for pid, other in sorted(set(nominations)) if len(nominations) > 1 else nominations:
            found = ids.find(other)
            if found >= 0 and pid in own:
                at = start + found * (width + 1) + 1
                left.append(own[pid])
                right.append(value[at : at + width])
                pairs.append((index, pid, other))
    scores = _similarities(left, right)
    passages: list[list[PassagePair]] = [[] for _ in docs]
    for (index, pid, other), score in zip(pairs, scores[len(docs) :], strict=True):
        if score >= floor:
            passages[index].append((pid, other, score))
    out = []
    for index, doc in enumerate(docs):
        similarity = scores[index]
        if similarity < floor and not passages[index] and doc not in exact:
            continue
        fetched_at, shingles, doc_id = _bucket.record_fields(values[index])
        out.append(
            BandMatch(
                doc=doc_id,
                fetched_at=datetime.fromtimestamp(fetched_at, UTC),
                similarity=similarity,
                shingles=shingles,
                exact=doc in exact,
                passages=tuple(passages[index]),
            )
        )
    return tuple(out)


_VECTOR_AT = 8
"""From this many comparisons on, numpy (one pass over all) beats Python big integers."""
_EVEN_BITS = np.uint64(0x5555555555555555)
_ONE = np.uint64(1)


def _similarities(left: list[bytes], right: list[bytes]) -> list[float]:
    """``sketch_similarity`` of each pair of raw sketches, the same floats either way."""
    width = len(left[0]) if left else 0
    if (
        len(left) < _VECTOR_AT
        or width % 8
        or any(len(sketch) != width for sketch in left)
        or any(len(sketch) != width for sketch in right)
    ):
        return [
            sketch_similarity((int.from_bytes(a), 4 * len(a)), (int.from_bytes(b), 4 * len(b)))
            for a, b in zip(left, right, strict=True)
        ]
    diff = np.frombuffer(b"".join(left), dtype=np.uint64) ^ np.frombuffer(
        b"".join(right), dtype=np.uint64
    )
    diff |= diff >> _ONE
    diff &= _EVEN_BITS  # one bit per unequal 2-bit value
    unequal = np.bitwise_count(diff).reshape(len(left), -1).sum(axis=1).tolist()
    values = 4 * width
    # The formula of ``sketch_similarity``, in Python floats: the same values bit for bit.
    return [max(0.0, ((values - count) / values - 0.25) / 0.75) for count in unequal]


def sweep(buckets: MutableMapping[str, bytes], *, now: datetime, horizon: timedelta) -> int:
    """Drop every record fetched before ``now - horizon`` and its entries; returns keys changed.

    ``probe`` expires only the buckets it touches, and most buckets (unique text) are never
    touched again, so a periodic sweep is what bounds the index: one pass over the mapping,
    about once per tenth of the horizon. Keys in no layout this module writes (an older
    version's) are dropped too. In Faust, a table write lands in the partition of the event
    being processed, so sweep a partition's keys from that partition's events.
    """
    cutoff = _seconds(now - horizon)
    changed = 0
    live: set[bytes] = set()
    bands: list[str] = []
    for key in list(buckets):
        doc = _bucket.record_doc(key)
        if doc is not None:
            if _bucket.record_time(buckets[key]) >= cutoff:
                live.add(doc)
                continue
        elif len(key) == KEY_CHARS:
            bands.append(key)
            continue
        del buckets[key]
        changed += 1
    size = _bucket.ENTRY_SIZE
    for key in bands:
        value = buckets[key]
        kept = b"".join(
            value[i : i + size]
            for i in range(0, len(value), size)
            if value[i : i + _bucket.DOC_BYTES] in live
        )
        if len(kept) == len(value):
            continue
        changed += 1
        if kept:
            buckets[key] = kept
        else:
            del buckets[key]
    return changed
