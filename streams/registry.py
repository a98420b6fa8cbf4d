"""The list of every stage's agent registrar, in pipeline order."""

from __future__ import annotations

from agents.alerts.agent import register as register_novelty
from agents.alerts.agent import register_delivery
from agents.dedup.agent import register as register_dedup
from agents.events.agent import register as register_events
from agents.figures.agent import register as register_figures
from agents.normalize.agent import register as register_normalize

__all__ = ["ALL_STAGES"]

ALL_STAGES = (
    register_normalize,
    register_dedup,
    register_events,
    register_figures,
    register_novelty,
    register_delivery,
)
