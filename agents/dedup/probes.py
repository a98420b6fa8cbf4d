"""The messages between the three dedup steps: plan -> probes -> hits -> decide.

They are plain frozen dataclasses of strings, ints and datetimes, so ``streams.codec``
encodes and decodes them (``dedup.bands`` carries ``BandProbe``, keyed by ``band_key``;
``dedup.hits`` carries ``BandHit``, keyed by ``doc``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

__all__ = ["BandHit", "BandMatch", "BandProbe", "Level", "PassageSketch", "SignaturePlan"]

Level = Literal["exact", "doc", "passage"]
"""What a band fingerprints: the exact text hash, the whole document, or one passage."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BandProbe:
    """Look up one LSH band bucket and add ``doc`` to it (topic ``dedup.bands``).

    ``passage_id`` is None for the ``exact`` and ``doc`` levels. ``band`` is the band's index
    within its level (for logs; the key already encodes it). ``fetched_at`` is stored with
    the entry and orders articles: a probe reports only entries fetched no later than itself.
    ``source`` (the outlet) tells one outlet's boilerplate from copies across outlets.
    ``doc_sketch`` and ``shingles`` (and ``sketch``, the passage's, at passage level) are
    stored beside the bucket once per doc (passage) so that later matches can be scored.
    """

    doc: str
    band_key: str
    level: Level
    passage_id: int | None
    band: int
    fetched_at: datetime
    source: str
    doc_sketch: str
    shingles: int = 0
    sketch: str = ""


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
    outlet already fills (``DedupParams.source_repeats``): boilerplate or a formula, ignored
    at passage level.
    """

    doc: str
    band_key: str
    level: Level
    passage_id: int | None
    band: int
    matches: tuple[BandMatch, ...] = ()
    common: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PassageSketch:
    """A fingerprinted passage: its id, weight in shingles and sketch."""

    passage_id: int
    shingles: int
    sketch: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SignaturePlan:
    """An article's fingerprint as band probes, and what ``decide`` needs to weigh hits.

    ``passages`` lists the passages that were probed (long enough); ``shingles`` counts the
    document's distinct shingles, ``sketch`` is the document's. ``probes[0]`` is always the
    exact probe.
    """

    doc: str
    fetched_at: datetime
    probes: tuple[BandProbe, ...]
    sketch: str = ""
    passages: tuple[PassageSketch, ...] = ()
    shingles: int = 0

    @property
    def expected_hits(self) -> int:
        """How many ``BandHit`` answers complete this article."""
        return len(self.probes)
