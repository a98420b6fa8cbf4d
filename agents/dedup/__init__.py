"""Near-duplicate detection stage: reprints and copied passages (pure core)."""

from agents.dedup.core import check, decide, plan, prepare, probe, split_passages, sweep
from agents.dedup.params import DedupParams
from agents.dedup.probes import (
    ArticleSketch,
    BandHit,
    BandMatch,
    PassagePair,
    PassageSketch,
    ProbeBatch,
    SignaturePlan,
)

__all__ = [
    "ArticleSketch",
    "BandHit",
    "BandMatch",
    "DedupParams",
    "PassagePair",
    "PassageSketch",
    "ProbeBatch",
    "SignaturePlan",
    "check",
    "decide",
    "plan",
    "prepare",
    "probe",
    "split_passages",
    "sweep",
]
