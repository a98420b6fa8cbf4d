"""What alert sinks report, as a Protocol: ``streams.metrics`` implements it with Prometheus.

Sinks take the object as a parameter instead of importing the process-wide metrics, so tests
record calls in a plain object and the sinks stay free of global state. ``sink`` is the sink's
name (``alertmanager``, ``webhook``) and ``reason`` a closed set: ``unavailable`` (connection
refused or reset), ``timeout``, ``server_error`` (5xx), ``throttled`` (429), ``rejected``
(another 4xx: the alert is dropped), ``undecodable`` (an outbox entry that is not an alert),
``internal`` (a bug in the sink). Suppression reasons: ``below_min_severity``.
"""

from __future__ import annotations

from typing import Protocol

from streams.records import AlertKind

__all__ = ["DeliveryMetrics", "NullDeliveryMetrics"]


class DeliveryMetrics(Protocol):
    """Counters and gauges an alert sink updates."""

    def delivered(self, sink: str, count: int) -> None:
        """``count`` alerts were accepted by the sink."""

    def failed(self, sink: str, reason: str) -> None:
        """One delivery attempt failed for ``reason``."""

    def suppressed(self, sink: str, reason: str) -> None:
        """One alert was not stored for delivery, for ``reason``."""

    def deferred(self, sink: str, kind: AlertKind) -> None:
        """One alert of ``kind`` waited for the rate limit."""

    def outbox_size(self, sink: str, size: int) -> None:
        """The outbox now holds ``size`` undelivered alerts."""


class NullDeliveryMetrics:
    """Records nothing: the default when no metrics object is wired."""

    def delivered(self, sink: str, count: int) -> None:
        """Ignore."""

    def failed(self, sink: str, reason: str) -> None:
        """Ignore."""

    def suppressed(self, sink: str, reason: str) -> None:
        """Ignore."""

    def deferred(self, sink: str, kind: AlertKind) -> None:
        """Ignore."""

    def outbox_size(self, sink: str, size: int) -> None:
        """Ignore."""
