"""The messages between the three dedup steps: plan -> probe batches -> hits -> decide.

They are plain frozen dataclasses of strings, ints, floats and datetimes, so ``streams.codec``
encodes and decodes them (``dedup.bands`` carries ``ProbeBatch``, one per article and
partition; ``dedup.hits`` carries each batch's ``BandHit`` in a ``gather.HitBatch``, keyed
by doc). A batch names its article and
each passage sketch once and lists its band keys as two parallel tuples, so neither a
message nor the process holds an object per band.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "DOCUMENT",
    "EXACT",
    "ArticleSketch",
    "BandHit",
    "BandMatch",
    "PassagePair",
    "PassageSketch",
    "ProbeBatch",
    "SignaturePlan",
]

DOCUMENT = -1
"""Target of a band key that fingerprints the whole document."""
EXACT = -2
"""Target of the key that holds the exact (folded) text hash."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleSketch:
    """Who is probing: the article's id, fetch time, outlet and document-level sketch.

    ``fetched_at`` orders articles (a probe reports only docs fetched no later than itself).
    ``source`` tells one outlet's boilerplate from copies across outlets. ``shingles``
    (distinct shingles) and ``sketch`` are stored beside the buckets so that later articles
    can score a match against this one.
    """

    doc: str
    fetched_at: datetime
    source: str
    shingles: int
    sketch: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PassageSketch:
    """A fingerprinted passage: its id, weight in shingle positions and sketch."""

    passage_id: int
    shingles: int
    sketch: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeBatch:
    """Band keys of one article to look up and index in one mapping (topic ``dedup.bands``).

    ``keys[i]`` fingerprints ``targets[i]``: ``EXACT``, ``DOCUMENT`` or a passage id, whose
    sketch is in ``passages``. The normalize hop sends one batch per partition
    (``gather.batch_probes``); the embedded runtime probes a whole plan as one batch.
    """

    article: ArticleSketch
    keys: tuple[str, ...] = ()
    targets: tuple[int, ...] = ()
    passages: tuple[PassageSketch, ...] = ()

    @property
    def doc(self) -> str:
        """The probing article's id."""
        return self.article.doc

    @property
    def fetched_at(self) -> datetime:
        """When the probing article was fetched: the batch's event time."""
        return self.article.fetched_at


PassagePair = tuple[int, int, float]
"""``(this article's passage id, the earlier article's passage id, estimated Jaccard)``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BandMatch:
    """An earlier article that shared at least one band with the probing one, scored.

    The probe scores candidates where their sketches are stored, so only numbers travel:
    ``similarity`` is the documents' estimated Jaccard, ``shingles`` the earlier document's
    distinct shingle count (for containment), ``exact`` whether it shares the exact-text
    key, and ``passages`` every pair of passages that shared a band outside a common bucket.
    """

    doc: str
    fetched_at: datetime
    similarity: float
    shingles: int = 0
    exact: bool = False
    passages: tuple[PassagePair, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class BandHit:
    """The answer to one ``ProbeBatch`` (topic ``dedup.hits``, key ``doc``).

    Every batch answers, with no matches when its buckets held none, so the decider can count
    answers. Passage buckets that are common (``DedupParams.bucket_capacity`` live entries,
    or ``source_repeats`` from the probing article's own outlet: boilerplate or a formula)
    nominate nothing.
    """

    doc: str
    matches: tuple[BandMatch, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SignaturePlan:
    """An article's fingerprint: every band key to probe, and the sketches ``decide`` needs.

    ``passages`` lists the passages that were probed (long enough). ``keys[0]`` is always the
    exact-text key; then come the document's bands, then each passage's.
    """

    article: ArticleSketch
    passages: tuple[PassageSketch, ...] = ()
    keys: tuple[str, ...] = ()
    targets: tuple[int, ...] = ()

    @property
    def doc(self) -> str:
        """The planned article's id."""
        return self.article.doc

    @property
    def probes(self) -> ProbeBatch:
        """Every key of the plan as one batch (what the embedded runtime probes)."""
        return ProbeBatch(
            article=self.article, keys=self.keys, targets=self.targets, passages=self.passages
        )
