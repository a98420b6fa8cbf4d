"""The messages between the three dedup steps: plan -> probes -> hits -> decide.

They are plain frozen dataclasses of strings, ints and datetimes, so ``streams.codec``
encodes and decodes them (``dedup.bands`` carries ``BandProbe``, keyed by ``band_key``;
``dedup.hits`` carries ``BandHit``, keyed by ``doc``). An article's probes share one
``ArticleSketch`` and each passage's probes one ``PassageSketch``: in process that costs a
reference, on the wire the JSON repeats them (a few hundred bytes per probe).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

__all__ = [
    "ArticleSketch",
    "BandHit",
    "BandMatch",
    "BandProbe",
    "Level",
    "PassageSketch",
    "SignaturePlan",
]

Level = Literal["exact", "doc", "passage"]
"""What a band fingerprints: the exact text hash, the whole document, or one passage."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleSketch:
    """Who is probing: the article's id, fetch time, outlet and document-level sketch.

    ``fetched_at`` orders articles (a probe reports only entries fetched no later than
    itself). ``source`` tells one outlet's boilerplate from copies across outlets.
    ``shingles`` (distinct shingles) and ``sketch`` are stored beside the buckets so that
    later articles can score a match against this one.
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
class BandProbe:
    """Look up one LSH band bucket and add the article to it (topic ``dedup.bands``).

    ``passage`` is None at the ``exact`` and ``doc`` levels.
    """

    band_key: str
    level: Level
    article: ArticleSketch
    passage: PassageSketch | None = None

    @property
    def doc(self) -> str:
        """The probing article's id."""
        return self.article.doc

    @property
    def fetched_at(self) -> datetime:
        """When the probing article was fetched: the probe's event time."""
        return self.article.fetched_at

    @property
    def passage_id(self) -> int | None:
        """The probed passage's id, None at the ``exact`` and ``doc`` levels."""
        return None if self.passage is None else self.passage.passage_id


@dataclass(frozen=True, slots=True, kw_only=True)
class BandMatch:
    """An earlier article (and passage) found in a probed bucket, with its sketches.

    ``sketch`` is the matched passage's (empty at the ``exact`` and ``doc`` levels);
    ``shingles`` the matched document's distinct shingle count.
    """

    doc: str
    passage_id: int | None
    fetched_at: datetime
    doc_sketch: str
    shingles: int = 0
    sketch: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class BandHit:
    """The answer to one ``BandProbe`` (topic ``dedup.hits``, key ``doc``).

    Every probe answers, with no matches when the bucket held none, so the decider can count
    answers against ``SignaturePlan.expected_hits``. ``common`` marks a full bucket
    (``DedupParams.bucket_capacity``) or, at passage level, one the probing article's own
    outlet already fills (``DedupParams.source_repeats``): boilerplate or a formula,
    ignored at passage level (its matches are then left out).
    """

    doc: str
    level: Level
    passage_id: int | None
    matches: tuple[BandMatch, ...] = ()
    common: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SignaturePlan:
    """An article's fingerprint as band probes, and what ``decide`` needs to weigh hits.

    ``passages`` lists the passages that were probed (long enough). ``probes[0]`` is always
    the exact-text probe.
    """

    article: ArticleSketch
    probes: tuple[BandProbe, ...]
    passages: tuple[PassageSketch, ...] = ()

    @property
    def doc(self) -> str:
        """The planned article's id."""
        return self.article.doc

    @property
    def expected_hits(self) -> int:
        """How many ``BandHit`` answers complete this article."""
        return len(self.probes)
