"""Token buckets per alert kind: a burst of one kind cannot crowd out the others.

Time is passed in (seconds from any monotonic origin), so the limiter is deterministic under a
test clock and holds no clock of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from streams.records import AlertKind

__all__ = ["KindRateLimiter"]


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class KindRateLimiter:
    """``rate_per_minute`` alerts of each kind, with bursts of up to ``burst``."""

    def __init__(self, rate_per_minute: float, burst: int) -> None:
        self._rate = rate_per_minute / 60.0
        self._burst = float(burst)
        self._buckets: dict[AlertKind, _Bucket] = {}

    def _refill(self, kind: AlertKind, now: float) -> _Bucket:
        bucket = self._buckets.get(kind)
        if bucket is None:
            bucket = self._buckets[kind] = _Bucket(tokens=self._burst, updated=now)
        elapsed = max(0.0, now - bucket.updated)
        bucket.tokens = min(self._burst, bucket.tokens + elapsed * self._rate)
        bucket.updated = now
        return bucket

    def try_acquire(self, kind: AlertKind, now: float) -> bool:
        """Take one token of ``kind`` if one is available at ``now``."""
        bucket = self._refill(kind, now)
        if bucket.tokens >= 1.0 - _EPSILON:
            bucket.tokens = max(0.0, bucket.tokens - 1.0)
            return True
        return False

    def wait_time(self, kind: AlertKind, now: float) -> float:
        """Seconds from ``now`` until ``kind`` has a whole token (0 when it has one)."""
        bucket = self._refill(kind, now)
        return max(0.0, (1.0 - bucket.tokens) / self._rate)


# Refills computed from float seconds can land a hair under a whole token; without this slack a
# caller that slept exactly ``wait_time`` would find no token and sleep again for ~1e-16 s.
_EPSILON = 1e-9
