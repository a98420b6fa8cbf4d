"""Backoff arithmetic, the per-kind token bucket and policy validation (pure, no I/O)."""

from __future__ import annotations

import pytest

from connectors.sinks import DeliveryPolicy
from connectors.sinks._policy import backoff_delay
from connectors.sinks._ratelimit import KindRateLimiter
from streams.records import AlertKind


def test_backoff_grows_exponentially_and_is_capped():
    policy = DeliveryPolicy(base_delay=0.5, max_delay=10.0, multiplier=2.0, jitter=0.0)
    delays = [backoff_delay(policy, n, lambda: 0.9) for n in range(1, 8)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_jitter_only_shortens_a_step_by_its_fraction():
    policy = DeliveryPolicy(base_delay=4.0, max_delay=10.0, jitter=0.5)
    assert backoff_delay(policy, 1, lambda: 0.0) == 4.0
    assert backoff_delay(policy, 1, lambda: 0.999) == pytest.approx(2.002)


def test_retry_after_is_a_floor_capped_at_max_delay():
    policy = DeliveryPolicy(base_delay=1.0, max_delay=10.0, jitter=0.0)
    assert backoff_delay(policy, 1, lambda: 0.0, retry_after=5) == 5.0
    assert backoff_delay(policy, 1, lambda: 0.0, retry_after=3600) == 10.0


def test_token_bucket_allows_a_burst_then_the_rate_per_kind():
    limiter = KindRateLimiter(rate_per_minute=30, burst=2)
    assert limiter.try_acquire(AlertKind.EVENT_NEW, 0.0)
    assert limiter.try_acquire(AlertKind.EVENT_NEW, 0.0)
    assert not limiter.try_acquire(AlertKind.EVENT_NEW, 0.0)
    assert limiter.wait_time(AlertKind.EVENT_NEW, 0.0) == pytest.approx(2.0)
    assert limiter.try_acquire(AlertKind.ACTOR_NEW, 0.0)  # another kind has its own bucket
    assert not limiter.try_acquire(AlertKind.EVENT_NEW, 1.9)
    assert limiter.try_acquire(AlertKind.EVENT_NEW, 2.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"base_delay": 0.0},
        {"base_delay": 5.0, "max_delay": 1.0},
        {"jitter": 1.5},
        {"queue_size": 0},
        {"rate_limit_per_minute": 0},
    ],
)
def test_policy_rejects_values_that_would_break_delivery(kwargs):
    with pytest.raises(ValueError):
        DeliveryPolicy(**kwargs)
