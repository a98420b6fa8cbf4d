"""Gathering an article's band answers in the Kafka runtime, as a pure function.

The normalize hop sends an article's probes to ``dedup.bands`` in one ``ProbeBatch`` per
target partition (partition = ``band_partition(band_key)``), so each band bucket always lives in
the same partition's table and an article costs at most ``partitions`` messages instead of one
per band (~10-150). The probe hop answers each batch with one ``HitBatch`` to ``dedup.hits``
(keyed by doc). The article itself goes there too, as ``PendingArticle``, saying how many
batches to expect. ``gather`` folds these messages, in whatever order they arrive, into the
state stored under the doc's key and says when the verdict can be decided.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from dataclasses import dataclass, replace

from agents.dedup.probes import BandHit, BandProbe, SignaturePlan
from streams.codec import decode, encode
from streams.records import Article

__all__ = [
    "DedupMessage",
    "HitBatch",
    "PendingArticle",
    "ProbeBatch",
    "band_partition",
    "batch_probes",
    "gather",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeBatch:
    """The probes of one article whose band keys belong to one partition (``dedup.bands``)."""

    doc: str
    probes: tuple[BandProbe, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class HitBatch:
    """The answers to one ``ProbeBatch`` (``dedup.hits``, key doc)."""

    doc: str
    hits: tuple[BandHit, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingArticle:
    """The normalised article and its plan, waiting for ``batches`` hit batches."""

    article: Article
    plan: SignaturePlan
    batches: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DedupMessage:
    """What travels on ``dedup.hits``: exactly one of the two fields is set."""

    pending: PendingArticle | None = None
    hits: HitBatch | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Gathered:
    pending: PendingArticle | None = None
    hits: tuple[BandHit, ...] = ()
    batches: int = 0


def band_partition(band_key: str, partitions: int) -> int:
    """The partition that owns ``band_key``'s bucket: a stable hash, the same in every process."""
    digest = hashlib.blake2b(band_key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % partitions


def batch_probes(plan: SignaturePlan, partitions: int) -> dict[int, ProbeBatch]:
    """The plan's probes grouped by owning partition, in plan order within each batch."""
    groups: dict[int, list[BandProbe]] = {}
    for probe in plan.probes:
        groups.setdefault(band_partition(probe.band_key, partitions), []).append(probe)
    return {
        p: ProbeBatch(doc=plan.doc, probes=tuple(probes)) for p, probes in sorted(groups.items())
    }


def gather(
    message: DedupMessage, state: MutableMapping[str, bytes]
) -> tuple[PendingArticle, tuple[BandHit, ...]] | None:
    """Fold ``message`` into ``state`` (keyed by doc); the article and all hits once complete.

    Returns ``None`` while batches are missing. On completion the doc's record becomes a
    4-byte tombstone rather than being deleted: at-least-once delivery can redeliver a batch
    after completion, and without the tombstone it would open a record that never completes.
    """
    doc = (
        message.pending.plan.doc if message.pending else message.hits.doc if message.hits else None
    )
    if doc is None:
        raise ValueError("a dedup message carries neither an article nor hits")
    raw = state.get(doc)
    if raw == _DONE:
        return None
    current = decode(_Gathered, raw) if raw else _Gathered()
    if message.pending is not None:
        current = replace(current, pending=message.pending)
    if message.hits is not None:
        current = replace(
            current, hits=current.hits + message.hits.hits, batches=current.batches + 1
        )
    if current.pending is not None and current.batches >= current.pending.batches:
        state[doc] = _DONE
        return current.pending, current.hits
    state[doc] = encode(current)
    return None


_DONE = b"done"
