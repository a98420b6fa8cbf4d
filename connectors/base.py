"""The two shapes every connector takes: a ``Sink`` that takes records, and source results.

Connectors fetch and deliver; they never analyse. A sink is small on purpose (``add`` and
``flush``), like Quix Streams' ``BaseSink``, so the Kafka producer, the embedded pipeline and
tests' ``ListSink`` are interchangeable.
"""

from __future__ import annotations

import abc
from typing import Generic, TypeVar

__all__ = ["ListSink", "Sink"]

T = TypeVar("T")


class Sink(abc.ABC, Generic[T]):
    """Somewhere records go. ``add`` may buffer; ``flush`` delivers what was buffered."""

    @abc.abstractmethod
    async def add(self, record: T) -> None:
        """Accept one record for delivery."""

    async def flush(self) -> None:  # noqa: B027 - optional hook, most sinks deliver in add
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
