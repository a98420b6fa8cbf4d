"""Near-duplicate detection stage: reprints and copied passages (pure core)."""

from agents.dedup.core import check, decide, plan, probe, split_passages, sweep
from agents.dedup.index import ProbeCache
from agents.dedup.params import DedupParams
from agents.dedup.probes import (
    ArticleSketch,
    BandHit,
    BandMatch,
    BandProbe,
    Level,
    PassageSketch,
    SignaturePlan,
)

__all__ = [
    "ArticleSketch",
    "BandHit",
    "BandMatch",
    "BandProbe",
    "DedupParams",
    "Level",
    "PassageSketch",
    "ProbeCache",
    "SignaturePlan",
    "check",
    "decide",
    "plan",
    "probe",
    "split_passages",
    "sweep",
]
