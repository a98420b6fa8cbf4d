"""How an alert sink retries, paces and filters: one frozen value shared by every sink.

Backoff is exponential with jitter so that several workers that lost the same Alertmanager do
not come back in lock-step; the jitter only ever shortens a step by up to ``jitter`` of it, so a
down sink is never hammered. Retries of transient failures (connection refused, timeout, 5xx,
429) never give up: the alert stays in the outbox and the delay is capped at ``max_delay``, so a
sink that comes back receives everything within one capped step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from streams.records import Severity

__all__ = ["DEFAULT_POLICY", "DeliveryPolicy", "backoff_delay"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryPolicy:
    """Retry, pacing and noise-control parameters of one sink.

    ``base_delay``/``max_delay`` are seconds; the n-th retry waits
    ``min(max_delay, base_delay * multiplier**(n-1))`` shortened by a random fraction of up to
    ``jitter`` (0 = no jitter, 1 = full jitter). ``queue_size`` bounds the alerts held in
    memory; beyond it they wait in the outbox only. ``rate_limit_per_minute`` and ``burst`` size
    one token bucket per alert kind (``BACKCHANNEL_ALERTS__RATE_LIMIT_PER_MINUTE``); alerts over
    the rate wait in the outbox and go out later, in order. ``min_severity`` drops quieter
    alerts before they are stored (``BACKCHANNEL_ALERTS__MIN_SEVERITY``). ``flush_timeout`` is
    how long ``flush``/``close`` wait for delivery before leaving the rest in the outbox.
    """

    base_delay: float = 0.5
    max_delay: float = 60.0
    multiplier: float = 2.0
    jitter: float = 0.5
    timeout: float = 10.0
    queue_size: int = 1000
    batch_size: int = 1
    rate_limit_per_minute: float = 120.0
    burst: int = 10
    min_severity: Severity = Severity.INFO
    flush_timeout: float = 10.0

    def __post_init__(self) -> None:
        if self.base_delay <= 0 or self.max_delay < self.base_delay or self.multiplier < 1:
            raise ValueError(
                f"backoff needs 0 < base_delay <= max_delay and multiplier >= 1, got"
                f" base_delay={self.base_delay}, max_delay={self.max_delay},"
                f" multiplier={self.multiplier}"
            )
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter={self.jitter} must be between 0 and 1")
        if self.queue_size < 1 or self.batch_size < 1 or self.burst < 1:
            raise ValueError("queue_size, batch_size and burst must be at least 1")
        if self.rate_limit_per_minute <= 0:
            raise ValueError(
                f"rate_limit_per_minute={self.rate_limit_per_minute} must be positive;"
                " set BACKCHANNEL_ALERTS__RATE_LIMIT_PER_MINUTE to 1 or more"
            )


def backoff_delay(
    policy: DeliveryPolicy,
    attempt: int,
    random: Callable[[], float],
    *,
    retry_after: float | None = None,
) -> float:
    """Seconds to wait before retry number ``attempt`` (1 = first retry).

    ``random`` returns a float in [0, 1). A server's ``Retry-After`` is honoured as a floor,
    still capped at ``max_delay`` so a bogus header cannot stall delivery for hours.
    """
    step = min(policy.max_delay, policy.base_delay * policy.multiplier ** max(0, attempt - 1))
    delay = step * (1.0 - policy.jitter * random())
    if retry_after is not None:
        delay = max(delay, min(retry_after, policy.max_delay))
    return delay


DEFAULT_POLICY = DeliveryPolicy()
