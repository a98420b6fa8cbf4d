"""One HTTP POST to an alert sink, with httpx's errors translated once into ``SinkError``.

Why a private ``SinkError`` subclass: the delivery loop needs to know whether to retry and how
long the server asked it to wait, and the metric needs a closed-set reason; the public tree in
``streams.errors`` stays unchanged and callers can still catch ``SinkError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from streams.errors import SinkError

__all__ = ["DeliveryFailure", "post", "redact_url"]

# 408 Request Timeout, 425 Too Early and 429 Too Many Requests say "try again"; any other 4xx
# means the request itself is wrong and would be refused forever.
_RETRYABLE_4XX = frozenset({408, 425, 429})
_RETRYABLE_REASONS = frozenset({"unavailable", "timeout", "server_error", "throttled"})


class DeliveryFailure(SinkError):
    """A delivery attempt failed; ``reason`` is a metric label, ``retry_after`` in seconds."""

    def __init__(self, message: str, *, reason: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """True when the same request may succeed later (the sink is down or busy)."""
        return self.reason in _RETRYABLE_REASONS


def redact_url(url: str) -> str:
    """``scheme://host:port`` of ``url``: paths and user info of webhooks often hold secrets."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def _retry_after(response: httpx.Response, now: datetime) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


async def post(
    client: httpx.AsyncClient,
    url: str,
    *,
    content: bytes,
    headers: Mapping[str, str],
    sink: str,
    now: datetime,
) -> None:
    """POST ``content`` to ``url``; return on 2xx, raise ``DeliveryFailure`` otherwise.

    ``now`` (wall clock) resolves a ``Retry-After`` given as an HTTP date.
    """
    where = f"{sink} at {redact_url(url)}"
    try:
        response = await client.post(url, content=content, headers=dict(headers))
    except httpx.TimeoutException as exc:
        raise DeliveryFailure(
            f"{where} did not answer in time ({type(exc).__name__}); it is retried with backoff",
            reason="timeout",
        ) from exc
    except httpx.TransportError as exc:
        raise DeliveryFailure(
            f"{where} is unreachable ({type(exc).__name__}: {exc}); check that it is running"
            " and that the URL is right; alerts wait in the outbox meanwhile",
            reason="unavailable",
        ) from exc
    if response.is_success:
        return
    status = response.status_code
    snippet = response.text[:200].strip()
    if status == 429:
        reason = "throttled"
    elif status >= 500:
        reason = "server_error"
    elif status in _RETRYABLE_4XX:
        reason = "timeout"
    else:
        reason = "rejected"
    hint = (
        "the sink refused the payload; it is dropped from the outbox (see the response)"
        if reason == "rejected"
        else "it is retried with backoff"
    )
    raise DeliveryFailure(
        f"{where} answered HTTP {status}: {snippet or '(empty body)'}; {hint}",
        reason=reason,
        retry_after=_retry_after(response, now),
    )
