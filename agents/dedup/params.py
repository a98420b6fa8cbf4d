"""Tuning of the near-duplicate stage: shingle size, LSH bands and rows, thresholds.

The defaults come from ``benchmarks/bench_dedup.py`` on the generated corpus
(``benchmarks/corpus.py``: Arabic, Persian and English articles, lightly edited reprints and
passage copies inside otherwise different articles); the measured precision/recall curve is
summarised in ``agents/dedup/core.py``'s docstring. Change them only with a new measurement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from agents.dedup._fingerprint import band_hashing

__all__ = ["DedupParams"]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]


@dataclass(frozen=True, slots=True, kw_only=True)
class DedupParams:
    """How articles are fingerprinted and when they count as duplicates.

    Similarities are Jaccard similarities of word ``shingle_words``-grams of the folded text.
    LSH bands (``*_bands`` x ``*_rows`` MinHash values) only nominate candidates: a band
    collides with probability ``s**rows``. The similarity itself is estimated from 2-bit
    sketches (``doc_sketch``/``passage_sketch`` further MinHash values, 2 bits each; Li and
    Koenig's b-bit MinHash): a share ``m`` of equal values gives ``s = (m - 1/4) / (3/4)``.
    ``duplicate_of`` also needs ``document_containment`` of this article's shingles to lie
    in the earlier one (estimated from Jaccard and both set sizes): a trimmed reprint
    passes, an article that wraps copied passages in as much new text does not.

    ``bucket_capacity``: a band bucket holding this many live entries is *common* (an
    outlet's footer, a formula every agency uses); passage hits from common buckets are
    ignored and the bucket takes no more entries, which also bounds every bucket's size.
    ``source_repeats``: a passage bucket already holding this many entries from the probing
    article's own outlet is that outlet's boilerplate (footer, standing disclaimer) and is
    treated as common too; 0 turns the rule off.
    ``report_floor``: a probe reports a candidate only if one of its estimates reaches this,
    or the lower threshold if that is lower (``floor``), or it is an exact copy. Below lie
    the chance matches of phrases that same-beat news shares (estimates for unrelated texts
    scatter around 0 with standard error 0.05): 1.7 of the 18 candidates an article of the
    benchmark corpus nominates on average reach 0.25, and only those travel in its hits.
    ``seed`` fixes the MinHash permutations: every worker and every replay must use the
    same one, or band keys stop matching (changing it empties the index in effect).
    """

    shingle_words: int = 4
    doc_bands: int = 2
    doc_rows: int = 2
    passage_bands: int = 8
    passage_rows: int = 2
    doc_sketch: int = 128
    passage_sketch: int = 128
    document_threshold: float = 0.5
    document_containment: float = 0.55
    passage_threshold: float = 0.4
    report_floor: float = 0.25
    min_passage_words: int = 12
    max_passage_words: int = 90
    max_passages: int = 250
    bucket_capacity: int = 16
    source_repeats: int = 2
    seed: int = 20231105
    _mul: U32 = field(init=False, repr=False, compare=False)
    _band_hashing: tuple[U64, U64, U64, U64] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 1 <= self.shingle_words <= 8:
            raise ValueError(f"shingle_words={self.shingle_words} must be within 1..8")
        for name in ("doc_bands", "doc_rows", "passage_bands", "passage_rows"):
            if not 1 <= getattr(self, name) <= 64:
                raise ValueError(f"{name}={getattr(self, name)} must be within 1..64")
        for name in ("doc_sketch", "passage_sketch"):
            if not 4 <= getattr(self, name) <= 1020 or getattr(self, name) % 4:
                raise ValueError(f"{name}={getattr(self, name)} must be a multiple of 4, 4..1020")
        if not 0 < self.document_threshold <= 1 or not 0 < self.passage_threshold <= 1:
            raise ValueError("document_threshold and passage_threshold must be in (0, 1]")
        if not 0 <= self.report_floor <= 1:
            raise ValueError(f"report_floor={self.report_floor} must be within 0..1")
        if not 1 <= self.max_passages <= 255:
            raise ValueError(f"max_passages={self.max_passages} must be within 1..255")
        if self.min_passage_words < self.shingle_words:
            raise ValueError("min_passage_words must be at least shingle_words")
        # Odd multipliers make each permutation a bijection on 32-bit words (no added
        # collisions); drawn once here so a signature costs one array operation.
        rng = np.random.default_rng(self.seed)
        mul = rng.integers(0, 2**31, size=self.permutations, dtype=np.uint32) * np.uint32(2)
        object.__setattr__(self, "_mul", mul + np.uint32(1))
        object.__setattr__(self, "_band_hashing", band_hashing(self))

    @property
    def floor(self) -> float:
        """The lowest estimate a probe reports: ``report_floor``, or a lower threshold."""
        return min(self.report_floor, self.document_threshold, self.passage_threshold)

    @property
    def band_values(self) -> int:
        """MinHash values that feed bands: enough for the larger of the two band layouts."""
        return max(self.doc_bands * self.doc_rows, self.passage_bands * self.passage_rows)

    @property
    def permutations(self) -> int:
        """MinHash values per signature: band values, then sketch values."""
        return self.band_values + max(self.doc_sketch, self.passage_sketch)
