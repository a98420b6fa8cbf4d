"""Fetch failures tagged with a specific reason code, and which of them are worth a retry.

``FetchError.reason`` is a class attribute (``fetch_failed``); connectors set a more precise,
still closed-set code on the instance so that metrics and dead-letters can tell a timeout from a
robots.txt refusal without a subclass per case.
"""

from __future__ import annotations

from streams.errors import FetchError

__all__ = ["FETCH_REASONS", "fetch_failure", "is_retryable"]

FETCH_REASONS = frozenset(
    {
        "bad_url",  # not http(s), no host, unparsable
        "dns",  # the host name does not resolve
        "connect",  # TCP/TLS connection refused or failed
        "timeout",  # connect/read timeout or the total deadline
        "protocol",  # the server broke HTTP (reset, malformed response)
        "truncated",  # the body ended before its declared length
        "too_large",  # wire or decoded size limit exceeded
        "encoding",  # unsupported or corrupt Content-Encoding
        "redirects",  # redirect loop or too many hops
        "robots",  # robots.txt disallows, or could not be fetched
        "http_status",  # a final 4xx/5xx status
    }
)
_RETRYABLE = frozenset({"dns", "connect", "timeout", "protocol", "truncated"})


def fetch_failure(reason: str, message: str) -> FetchError:
    """A ``FetchError`` whose ``reason`` is ``reason`` (one of ``FETCH_REASONS``)."""
    if reason not in FETCH_REASONS:
        raise ValueError(f"unknown fetch failure reason {reason!r}")
    error = FetchError(message)
    error.reason = reason
    return error


def is_retryable(error: FetchError) -> bool:
    """True for failures a later attempt may not meet (network trouble), false for policy ones."""
    return error.reason in _RETRYABLE
