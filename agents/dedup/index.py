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
    when = _seconds(article.fetched_at)
    cutoff = _seconds(now - horizon)
    indexing = when >= cutoff  # an article older than the horizon is not indexed
    keys, targets = batch.keys, batch.targets
    values = list(map(buckets.get, keys))
    source = _bucket.source_hash(article.source)
    live: dict[bytes, bytes] = {}  # the records of the live docs the batch met
    nominated: dict[bytes, list[tuple[int, int]]] = {}  # doc -> (my passage, its passage)
    exact: set[bytes] = set()
    distinct = len(set(keys)) == len(keys)  # (a repeated passage repeats keys)
    # Text nobody published before, the common case: one write per key, nothing to read.
    if distinct and not any(values):
        inserted = indexing and bool(keys)
        if inserted:
            tails = _bucket.entries(me, targets)
            buckets.update(zip(keys, map(tails.__getitem__, targets), strict=True))
    else:
        found = _Found(buckets, me, when, cutoff, source, live)
        inserted = _probe_each(
            batch, buckets, params, found, indexing, distinct, values, nominated, exact
        )
    matches: tuple[BandMatch, ...] = ()
    if inserted or nominated:
        # The sketches as bytes, decoded once for the record and the scores.
        mine = binascii.a2b_base64(article.sketch)
        own = [(p.passage_id, binascii.a2b_base64(p.sketch)) for p in batch.passages]
        if inserted:
            _write_record(buckets, me, when, source, article, mine, own)
        if nominated:
            matches = _score(mine, dict(own), nominated, exact, live, params.floor)
    return BandHit(doc=article.doc, matches=matches)


class _Found(dict[bytes, tuple[bool, bool] | None]):
    """Per doc hash met in the batch's buckets, ``(fetched no later than the article, same
    outlet)``, or None when its record is gone or expired; each record is read once, on the
    first miss, and a live one is kept in ``live`` for scoring."""

    __slots__ = ("_cutoff", "_get", "_live", "_me", "_source", "_when")

    def __init__(
        self,
        buckets: MutableMapping[str, bytes],
        me: bytes,
        when: int,
        cutoff: int,
        source: int,
        live: dict[bytes, bytes],
    ) -> None:
        super().__init__()
        self._get, self._me, self._when = buckets.get, me, when
        self._cutoff, self._source, self._live = cutoff, source, live

    def __missing__(self, doc: bytes) -> tuple[bool, bool] | None:
        value = self._get(_RECORD_PREFIX + doc.hex())  # ``_bucket.record_key``, inlined
        found = None
        if value is not None:
            fetched_at, source = _bucket.record_head(value)
            if fetched_at >= self._cutoff:
                found = (fetched_at <= self._when, source == self._source)
                self._live[doc] = value
        self[doc] = found
        return found


_RECORD_PREFIX = _bucket.RECORD_PREFIX


_ME = (False, False)  # the probing article's own entries: live, neither earlier nor counted


def _probe_each(
    batch: ProbeBatch,
    buckets: MutableMapping[str, bytes],
    params: DedupParams,
    found: _Found,
    indexing: bool,
    distinct: bool,
    values: list[bytes | None],
    nominated: dict[bytes, list[tuple[int, int]]],
    exact: set[bytes],
) -> bool:
    """``probe`` key by key, when some bucket holds entries or a key repeats; True if the
    article was inserted anywhere. Fills ``nominated`` and ``exact``."""
    me = found._me
    found[me] = _ME
    tails = _bucket.entries(me, batch.targets)
    capacity, repeats = params.bucket_capacity, params.source_repeats
    written: dict[str, bytes] = {}  # this batch's bucket writes; b"" = emptied
    inserted = False
    size, doc_bytes, whole = _bucket.ENTRY_SIZE, _bucket.DOC_BYTES, _bucket.WHOLE
    rows = list(zip(batch.keys, batch.targets, values, strict=True))
    if distinct:  # no key repeats: the empty buckets (most) are written in one go
        if indexing:
            fresh = [(key, tails[target]) for key, target, value in rows if not value]
            if fresh:
                buckets.update(fresh)
                inserted = True
        rows = [row for row in rows if row[2]]
    for key, target, stored in rows:
        value = stored if distinct or key not in written else written[key]
        if not value:
            if indexing:
                written[key] = tails[target]
                inserted = True
            continue
        passage = target >= 0
        if len(value) == size:  # one entry: most buckets that hold any
            doc = value[:doc_bytes]
            state = found[doc]
            if state is None:  # its record expired or is gone: the bucket empties
                insert = indexing and capacity > 0
                written[key] = tails[target] if insert else b""
                inserted = inserted or insert
                continue
            if doc == me:
                continue  # a replay: already here, and never its own candidate
            common = capacity <= 1 or (passage and repeats == 1 and state[1])
            if indexing and not common:
                written[key] = value + tails[target]
                inserted = True
            if (common and passage) or not state[0]:
                continue
            pairs = nominated.get(doc)
            if pairs is None:
                pairs = nominated[doc] = []
            theirs = value[doc_bytes]
            if passage and theirs != whole:
                pairs.append((target, theirs))
            elif target == EXACT:
                exact.add(doc)
            continue
        docs = [value[at : at + doc_bytes] for at in range(0, len(value), size)]
        states = [found[doc] for doc in docs]
        dropped = None in states
        live = len(docs) - states.count(None) if dropped else len(docs)
        common = live >= capacity or (
            passage
            and 0 < repeats <= live  # (own-outlet entries are live ones)
            and repeats <= sum(state[1] for state in states if state)
        )
        present = me in docs
        insert = indexing and not present and not common
        if dropped:
            kept = (
                value[index * size : (index + 1) * size]
                for index, state in enumerate(states)
                if state is not None
            )
            written[key] = b"".join(kept) + (tails[target] if insert else b"")
        elif insert:
            written[key] = value + tails[target]
        inserted = inserted or insert
        if common and passage:
            continue
        for index, state in enumerate(states):
            if state is None or not state[0]:
                continue
            doc = docs[index]
            pairs = nominated.get(doc)
            if pairs is None:
                pairs = nominated[doc] = []
            theirs = value[index * size + doc_bytes]
            if passage and theirs != whole:
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
    article: ArticleSketch,
    sketch: bytes,
    passages: list[tuple[int, bytes]],
) -> None:
    """Store the article's record (``sketch`` and ``passages``' are decoded), or add
    passages a record of the same fetch lacks."""
    key = _bucket.record_key(me)
    existing = buckets.get(key)
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
    buckets[key] = _bucket.encode_record(
        article.doc, when, article.shingles, source, sketch, passages
    )


def _score(
    mine: bytes,
    own: dict[int, bytes],
    nominated: dict[bytes, list[tuple[int, int]]],
    exact: set[bytes],
    live: dict[bytes, bytes],
    floor: float,
) -> tuple[BandMatch, ...]:
    """Every nominated doc and pair of passages, scored by their sketches (the article's
    own, ``mine``, and its passages', ``own``, decoded).

    A doc whose scores all stay below ``floor`` (and which is no exact copy) is left out:
    near-zero estimates are what phrases shared by same-beat news produce (an article of the
    benchmark corpus nominates 18 docs on average and keeps 1.7), and they would fill every
    hit, and ``dedup.hits``, with candidates no threshold accepts.
    """
    docs = list(nominated)
    values = list(map(live.__getitem__, docs))
    # Sketch pairs to compare: each doc's, then each nominated pair of passages.
    left = [mine] * len(docs)
    head = _bucket.HEAD_SIZE  # ``record_sketch`` and ``record_passages``, inlined
    right = [value[head : head + value[7]] for value in values]
    pairs: list[tuple[int, int, int]] = []  # (doc index, my passage, its passage)
    for index, nominations in enumerate(nominated.values()):
        if not nominations:
            continue
        value = values[index]
        start = head + value[7] + (value[9] << 8 | value[10])
        width = value[8]
        ids = value[start :: width + 1]
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


_SCORES: dict[int, list[float]] = {}
"""Per sketch length in 2-bit values, the estimate for each count of unequal values."""


def _estimates(values: int) -> list[float]:
    """``sketch_similarity``'s formula for every count of unequal values: the same floats."""
    table = _SCORES.get(values)
    if table is None:
        table = _SCORES[values] = [
            max(0.0, ((values - unequal) / values - 0.25) / 0.75) for unequal in range(values + 1)
        ]
    return table


def _similarities(left: list[bytes], right: list[bytes]) -> list[float]:
    """``sketch_similarity`` of each pair of raw sketches, the same floats.

    Sketches of one width (the usual case) are compared all at once: XOR of the two runs
    of bytes, then a 256-entry table counts the unequal 2-bit values of each byte.
    """
    width = len(left[0]) if left else 0
    if {*map(len, left), *map(len, right)} != {width} or not width:
        return [
            sketch_similarity((int.from_bytes(a), 4 * len(a)), (int.from_bytes(b), 4 * len(b)))
            for a, b in zip(left, right, strict=True)
        ]
    diff = np.frombuffer(b"".join(left), dtype=np.uint8) ^ np.frombuffer(
        b"".join(right), dtype=np.uint8
    )
    unequal = _UNEQUAL.take(diff).reshape(len(left), width).sum(axis=1)
    return list(map(_estimates(4 * width).__getitem__, unequal.tolist()))


_UNEQUAL = np.array(
    [sum((byte >> shift) & 3 != 0 for shift in (0, 2, 4, 6)) for byte in range(256)],
    dtype=np.intp,
)
"""Per byte of a XOR of two sketches, how many of its four 2-bit values differ."""


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
