"""Novelty alerts stage (pure core): new actors, first contacts, new events, figure changes."""

from agents.alerts.core import (
    AlertPolicy,
    actor_alerts,
    alert_id,
    event_alert,
    figure_alert,
    pair_alert,
    pair_id,
    source_down_alert,
)

__all__ = [
    "AlertPolicy",
    "actor_alerts",
    "alert_id",
    "event_alert",
    "figure_alert",
    "pair_alert",
    "pair_id",
    "source_down_alert",
]
