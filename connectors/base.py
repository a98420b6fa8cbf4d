"""The two shapes every connector takes: a ``Sink`` that takes records, and source results.

Connectors fetch and deliver; they never analyse. A sink is small on purpose (``add`` and
``flush``), like Quix Streams' ``BaseSink``, so the Kafka producer, the embedded pipeline and
tests' ``ListSink`` are interchangeable. What a source could not turn into an article is a
``SourceProblem``: data for ``dead-letters``, never an exception that stops other sources.
"""

from __future__ import annotations

import abc
import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from connectors._failures import FETCH_REASONS
from streams.records import DeadLetter

__all__ = ["MAX_EXCERPT_BYTES", "PROBLEM_REASONS", "ListSink", "Sink", "SourceProblem"]

MAX_EXCERPT_BYTES = 2048
PROBLEM_REASONS = FETCH_REASONS | {
    "blocked_address",  # BlockedAddressError: the URL resolves to an internal address
    "feed_malformed",  # not well-formed XML (what could be recovered was kept)
    "not_a_feed",  # an HTML page where a feed was expected
    "entry_empty",  # an entry with neither title nor text
    "page_unreadable",  # the article page could not be extracted
    "undecodable",  # a stdin line that is not an article object
    "source",  # any other SourceError (e.g. a bad line in a watched file)
}
"""Every ``SourceProblem.reason``: the closed set to pre-create metric label values from."""

T = TypeVar("T")


class Sink(abc.ABC, Generic[T]):
    """Somewhere records go. ``add`` may buffer; ``flush`` delivers what was buffered."""

    @abc.abstractmethod
    async def add(self, record: T) -> None:
        """Accept one record for delivery."""

    async def flush(self) -> None:
        """Deliver anything buffered; the default sink delivers in ``add``."""

    async def close(self) -> None:
        """Flush and release resources."""
        await self.flush()


class ListSink(Sink[T]):
    """Keeps every record in a list: for tests and for collecting results in process."""

    def __init__(self) -> None:
        self.records: list[T] = []

    async def add(self, record: T) -> None:
        self.records.append(record)


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceProblem:
    """Something a source sent that could not become (all of) an article.

    ``reason`` is a closed-set code fit for a metric label and ``DeadLetter.reason``
    (``timeout``, ``robots``, ``feed_malformed``, ``not_a_feed``, ``entry_empty``,
    ``undecodable``, ...); ``message`` names the source, the value and the fix;
    ``raw_bytes_excerpt`` holds at most ``MAX_EXCERPT_BYTES`` of the offending input.
    """

    source: str
    reason: str
    message: str
    raw_bytes_excerpt: bytes = b""
    url: str | None = None
    error_class: str = "SourceProblem"

    def as_dead_letter(self, *, stage: str = "connectors", failed_at: datetime) -> DeadLetter:
        """The record to send to ``dead-letters``."""
        return DeadLetter(
            stage=stage,
            reason=self.reason,
            error_class=self.error_class,
            error=self.message,
            original_base64=base64.b64encode(self.raw_bytes_excerpt).decode("ascii"),
            failed_at=failed_at,
        )
