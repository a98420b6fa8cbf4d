"""Gathering an article's band answers in the Kafka runtime, as pure functions.

The normalize hop groups the band keys of the articles it takes at once by owning partition
(partition = ``band_partition(band_key)``): one ``ProbeMessage`` per partition to
``dedup.bands``, holding one ``ProbeBatch`` per article, so each band bucket always lives in
the same partition and a batch of articles costs at most ``partitions`` messages. The probe
hop answers each article's batch with a ``HitBatch`` naming the partition that answered, and
sends the answers of all the batches it took to ``dedup.hits``, grouped by the partition of
each article (``doc_partition``). The articles themselves go there too, as
``PendingArticle``, saying how many partitions will answer. ``Gathering`` folds these
messages, in whatever order they arrive, into the state stored under each doc and says when
an article's verdict can be decided; it writes each article's state once per batch taken.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field, replace

import orjson

from agents.dedup.probes import BandHit, ProbeBatch, SignaturePlan
from streams.codec import decode, encode
from streams.records import Article

__all__ = [
    "DedupMessage",
    "Gathering",
    "HitBatch",
    "PendingArticle",
    "ProbeBatch",
    "ProbeMessage",
    "band_partition",
    "batch_probes",
    "doc_partition",
    "gather",
    "pending_article",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeMessage:
    """What travels on ``dedup.bands``: the batches of one or more articles, all owned by the
    partition the message is sent to."""

    batches: tuple[ProbeBatch, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class HitBatch:
    """The answers to one ``ProbeBatch``, from band partition ``partition``."""

    doc: str
    hits: tuple[BandHit, ...]
    partition: int = -1


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingArticle:
    """The normalised article and its plan, waiting for ``batches`` hit batches."""

    article: Article
    plan: SignaturePlan
    batches: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DedupMessage:
    """What travels on ``dedup.hits``: articles and answers, all of docs that
    ``doc_partition`` maps to the partition the message is sent to."""

    pending: tuple[PendingArticle, ...] = ()
    hits: tuple[HitBatch, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class _Gathered:
    """The hit batches received so far for one article, and which partitions sent them."""

    hits: tuple[BandHit, ...] = ()
    batches: int = 0
    partitions: tuple[int, ...] = ()


def band_partition(band_key: str, partitions: int) -> int:
    """The partition that owns ``band_key``'s bucket: a stable hash, the same in every process."""
    digest = hashlib.blake2b(band_key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % partitions


def doc_partition(doc: str, partitions: int) -> int:
    """The ``dedup.hits`` partition that gathers ``doc``: the same stable hash."""
    return band_partition(doc, partitions)


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


class Gathering:
    """Folds ``dedup.hits`` messages into the gathering state; one instance per batch taken.

    The state (a ``MutableMapping[str, bytes]``, the ``dedup-pending`` table) keeps each
    waiting article under its doc id and the hits so far under ``doc + HITS_SUFFIX``, so a
    hit batch rewrites only the hits, not the article text. Messages are folded in memory
    and ``flush`` writes each touched doc's state once: an article whose answers all come
    in one batch costs one write, its 4-byte tombstone. The tombstone stays (rather than a
    deletion) because at-least-once delivery can redeliver an answer after completion,
    which must not open a record that never completes. Answers are counted by the
    partition that sent them, so a redelivered answer is not counted twice.
    """

    def __init__(self, state: MutableMapping[str, bytes]) -> None:
        self._state = state
        self._docs: dict[str, _Open] = {}

    def add(self, message: DedupMessage, tag: object = None) -> list[Completed]:
        """Fold ``message``; the articles it completes. ``tag`` (the message's event) is
        handed back by ``flush`` with the writes of the docs it touched last."""
        done: list[Completed] = []
        for pending in message.pending:
            entry = self._open(pending.plan.doc, tag)
            if entry is not None and entry.pending is None:
                entry.pending, entry.pending_new = pending, True
                done += self._complete(entry)
        for batch in message.hits:
            entry = self._open(batch.doc, tag)
            if entry is not None and batch.partition not in entry.partitions:
                if batch.partition >= 0:
                    entry.partitions.append(batch.partition)
                entry.hits.extend(batch.hits)
                entry.batches += 1
                entry.hits_changed = True
                done += self._complete(entry)
        return done

    def flush(self, write: Callable[[object, str, bytes | None], None] | None = None) -> None:
        """Write each touched doc's state (``None`` deletes); ``write(tag, key, value)``
        applies a write with its doc's message in hand (the Kafka agent sets Faust's current
        event, whose partition the table's changelog record goes to)."""
        apply = write or self._write
        for doc, entry in self._docs.items():
            if entry.done:
                if not entry.was_done:
                    apply(entry.tag, doc, _DONE)
                    if entry.stored_hits:
                        apply(entry.tag, doc + HITS_SUFFIX, None)
                continue
            if entry.pending_new and entry.pending is not None:
                apply(entry.tag, doc, encode(entry.pending))
            if entry.hits_changed:
                gathered = _Gathered(
                    hits=tuple(entry.hits),
                    batches=entry.batches,
                    partitions=tuple(entry.partitions),
                )
                apply(entry.tag, doc + HITS_SUFFIX, encode(gathered))
        self._docs.clear()

    def _write(self, _tag: object, key: str, value: bytes | None) -> None:
        if value is None:
            self._state.pop(key, None)
        else:
            self._state[key] = value

    def _open(self, doc: str, tag: object) -> _Open | None:
        entry = self._docs.get(doc)
        if entry is None:
            stored = self._state.get(doc)
            entry = self._docs[doc] = _Open(doc=doc, tag=tag)
            if stored == _DONE:
                entry.done = entry.was_done = True
            else:
                hits_raw = self._state.get(doc + HITS_SUFFIX)
                if hits_raw:
                    got = decode(_Gathered, hits_raw)
                    entry.hits, entry.batches = list(got.hits), got.batches
                    entry.partitions, entry.stored_hits = list(got.partitions), True
                if stored:
                    entry.stored = stored
                    # the expected count alone: the article is decoded once, when complete
                    entry.expected = int(orjson.loads(stored)["batches"])
        entry.tag = tag
        return None if entry.done else entry

    def _complete(self, entry: _Open) -> list[Completed]:
        expected = entry.pending.batches if entry.pending is not None else entry.expected
        if expected < 0 or entry.batches < expected:
            return []
        pending = entry.pending or decode(PendingArticle, entry.stored)
        entry.done = True
        return [(pending, tuple(entry.hits))]


Completed = tuple[PendingArticle, tuple[BandHit, ...]]
"""An article whose every partition answered, with all its hits."""


@dataclass(eq=False, slots=True, kw_only=True)
class _Open:
    """One doc's gathering state while a batch is folded."""

    doc: str
    tag: object
    pending: PendingArticle | None = None
    pending_new: bool = False
    stored: bytes = b""
    expected: int = -1
    hits: list[BandHit] = field(default_factory=list)
    batches: int = 0
    partitions: list[int] = field(default_factory=list)
    hits_changed: bool = False
    stored_hits: bool = False
    done: bool = False
    was_done: bool = False


def gather(message: DedupMessage, state: MutableMapping[str, bytes]) -> Completed | None:
    """Fold one message into ``state`` and write it back: the article it completes, if any."""
    gathering = Gathering(state)
    done = gathering.add(message)
    gathering.flush()
    return done[0] if done else None


HITS_SUFFIX = "\x1fhits"
"""Key suffix of an article's gathered hits in the state (unit separator: not in ids)."""
_DONE = b"done"
