"""Gathering an article's band answers in the Kafka runtime, as a pure function.

The normalize hop sends an article's band keys to ``dedup.bands`` in one ``ProbeBatch`` per
target partition (partition = ``band_partition(band_key)``), so each band bucket always lives in
the same partition's table and an article costs at most ``partitions`` messages instead of one
per band (~10-150). The probe hop answers each batch with one ``HitBatch`` to ``dedup.hits``
(keyed by doc), holding the ``BandHit`` that ``probe`` returned. The article itself goes there
too, as ``PendingArticle``, saying how many batches to expect. ``gather`` folds these messages,
in whatever order they arrive, into the state stored under the doc's key and says when the
verdict can be decided.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from dataclasses import dataclass, replace

import orjson

from agents.dedup.probes import BandHit, ProbeBatch, SignaturePlan
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
    "pending_article",
]


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
    """The hit batches received so far for one article."""

    hits: tuple[BandHit, ...] = ()
    batches: int = 0


def band_partition(band_key: str, partitions: int) -> int:
    """The partition that owns ``band_key``'s bucket: a stable hash, the same in every process."""
    digest = hashlib.blake2b(band_key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % partitions


def batch_probes(plan: SignaturePlan, partitions: int) -> dict[int, ProbeBatch]:
    """The plan's band keys grouped by owning partition, in plan order within each batch.

    Each batch names the article once and carries the sketches of the passages it probes.
    """
    groups: dict[int, list[int]] = {}
    for index, key in enumerate(plan.keys):
        groups.setdefault(band_partition(key, partitions), []).append(index)
    batches = {}
    for partition, indices in sorted(groups.items()):
        targets = tuple(plan.targets[i] for i in indices)
        probed = set(targets)
        batches[partition] = ProbeBatch(
            article=plan.article,
            keys=tuple(plan.keys[i] for i in indices),
            targets=targets,
            passages=tuple(p for p in plan.passages if p.passage_id in probed),
        )
    return batches


def pending_article(article: Article, signature: SignaturePlan, batches: int) -> PendingArticle:
    """The article waiting for ``batches`` hit batches, with the plan ``decide`` needs.

    ``decide`` reads the plan's article sketch and passages only; the band keys went to
    ``dedup.bands``, so they are left out of the message and the gathering state.
    """
    plan = replace(signature, keys=(), targets=())
    return PendingArticle(article=article, plan=plan, batches=batches)


def gather(
    message: DedupMessage, state: MutableMapping[str, bytes]
) -> tuple[PendingArticle, tuple[BandHit, ...]] | None:
    """Fold ``message`` into ``state``; the article and all its hits once complete.

    Returns ``None`` while batches are missing. The article is stored once under its doc id
    and the hits so far under ``doc + HITS_SUFFIX``, so a hit batch rewrites (and sends to
    the changelog) only the hits, not the article text. On completion the doc's record
    becomes a 4-byte tombstone rather than being deleted: at-least-once delivery can
    redeliver a batch after completion, and without the tombstone it would open a record
    that never completes.
    """
    doc = (
        message.pending.plan.doc if message.pending else message.hits.doc if message.hits else None
    )
    if doc is None:
        raise ValueError("a dedup message carries neither an article nor hits")
    stored = state.get(doc)
    if stored == _DONE:
        return None
    hits_key = doc + HITS_SUFFIX
    hits_raw = state.get(hits_key)
    got = decode(_Gathered, hits_raw) if hits_raw else _Gathered()
    if message.hits is not None:
        got = _Gathered(hits=got.hits + message.hits.hits, batches=got.batches + 1)
    if message.pending is not None:
        expected = message.pending.batches
    elif stored:
        expected = int(orjson.loads(stored)["batches"])  # no full decode until complete
    else:
        expected = -1  # the article has not arrived yet
    if 0 <= expected <= got.batches:
        pending = message.pending or decode(PendingArticle, stored)  # type: ignore[arg-type]
        state[doc] = _DONE
        if hits_raw:
            del state[hits_key]
        return pending, got.hits
    if message.pending is not None:
        state[doc] = encode(message.pending)
    else:
        state[hits_key] = encode(got)
    return None


HITS_SUFFIX = "\x1fhits"
"""Key suffix of an article's gathered hits in the state (unit separator: not in ids)."""
_DONE = b"done"
