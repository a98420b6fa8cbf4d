"""``backchannel ingest``: produce articles to ``articles.raw`` with a plain aiokafka producer.

Ingest needs no Faust: it only produces. Keys are doc ids, so a re-ingested article lands on
the same partition as before and the dedup and merge stages see it as a replay.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaProducer

from connectors.base import Sink, SourceProblem
from connectors.files import read_paths
from streams.codec import encode
from streams.envelope import cloudevent_headers
from streams.kafka import aiokafka_security, create_topics
from streams.kafka_state import KafkaStateMapping, KafkaStateStore
from streams.records import Alert, RawArticle
from streams.settings import Settings
from streams.topics import Topic, topic_name

__all__ = ["KafkaArticleSink", "ingest_feeds", "ingest_paths"]

logger = logging.getLogger(__name__)


class KafkaArticleSink(Sink[RawArticle]):
    """Sends raw articles to ``articles.raw`` keyed by doc id; ``flush`` waits for acks."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._topic = topic_name(Topic.ARTICLES_RAW, settings.topic_prefix)
        self._producer = AIOKafkaProducer(
            bootstrap_servers=settings.bootstrap_servers,
            acks="all",
            linger_ms=5,
            enable_idempotence=True,
            **aiokafka_security(settings),
        )
        self._pending: list[asyncio.Future[object]] = []

    async def start(self) -> None:
        """Create the topics if missing and connect."""
        await create_topics(self._settings)
        await self._producer.start()

    async def add(self, record: RawArticle) -> None:
        value = encode(record)
        headers = cloudevent_headers(record, value, topic=self._topic)
        self._pending.append(
            await self._producer.send(self._topic, value, key=record.doc.encode(), headers=headers)
        )

    @property
    def producer(self) -> AIOKafkaProducer:
        """The underlying producer (shared with the state topic writer)."""
        return self._producer

    async def send_record(self, topic: Topic, key: str, record: object) -> None:
        """Send any record to ``topic`` under ``key`` with CloudEvents headers."""
        name = topic_name(topic, self._settings.topic_prefix)
        value = encode(record)
        headers = cloudevent_headers(record, value, topic=name)
        self._pending.append(
            await self._producer.send(name, value, key=key.encode(), headers=headers)
        )

    async def add_bytes(self, key: bytes | None, value: bytes) -> None:
        """Send raw bytes as they are (tests use it to inject poison messages)."""
        self._pending.append(await self._producer.send(self._topic, value, key=key))

    async def flush(self) -> None:
        await self._producer.flush()
        if self._pending:
            await asyncio.gather(*self._pending)
            self._pending.clear()

    async def close(self) -> None:
        try:
            await self.flush()
        finally:
            await self._producer.stop()


async def _produce(settings: Settings, articles: Iterable[RawArticle]) -> int:
    sink = KafkaArticleSink(settings)
    await sink.start()
    count = 0
    try:
        for article in articles:
            await sink.add(article)
            count += 1
    finally:
        await sink.close()
    return count


def ingest_paths(settings: Settings, paths: list[Path]) -> int:
    """Produce every article in ``paths`` (``-`` = JSON lines on stdin); returns the count."""
    now = datetime.now(UTC)

    def articles() -> Iterable[RawArticle]:
        for path in paths:
            if str(path) == "-":
                from connectors.stdin import iter_jsonl

                yield from iter_jsonl(sys.stdin.buffer, fetched_at=now)
            else:
                yield from read_paths([path], fetched_at=now)

    return asyncio.run(_produce(settings, articles()))


def ingest_feeds(settings: Settings, *, once: bool) -> None:
    """Poll the configured sources and produce new articles until stopped (or once).

    Connector state lives in the compacted ``sources.state`` topic (``KafkaStateMapping``), so
    a restarted ingest, on any machine, resumes where the last one stopped. Source problems go
    to ``dead-letters`` and ``source.down`` alerts to ``alerts``.
    """
    from streams.observability import serve_metrics
    from streams.sources import run_sources

    serve_metrics(settings)

    async def main() -> None:
        sink = KafkaArticleSink(settings)
        await sink.start()
        state = KafkaStateMapping(
            settings, topic_name(Topic.SOURCES_STATE, settings.topic_prefix), sink.producer
        )
        await state.load()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        pending: set[asyncio.Future[None]] = set()

        def on_problem(problem: SourceProblem) -> None:
            letter = problem.as_dead_letter(failed_at=datetime.now(UTC))
            send = sink.send_record(Topic.DEAD_LETTERS, problem.source, letter)
            pending.add(asyncio.ensure_future(send))

        def on_alert(alert: Alert) -> None:
            send = sink.send_record(Topic.ALERTS, alert.alert_id, alert)
            pending.add(asyncio.ensure_future(send))

        try:
            await run_sources(
                settings,
                sink,
                once=once,
                stop=stop,
                state=KafkaStateStore(state),
                on_alert=on_alert,
                on_problem=on_problem,
            )
            await asyncio.gather(*pending)
            await state.flush()
        finally:
            await sink.close()

    asyncio.run(main())
