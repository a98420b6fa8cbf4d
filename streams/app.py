"""The Faust application: topics, tables and agents, built from ``Settings``.

``build_app`` is a factory rather than a module-level app because topic names carry the
configured prefix and the broker comes from flags; each stage's ``agents/<stage>/agent.py``
exposes ``register(ctx)`` which declares its agents on ``ctx.app``. Topics carry raw bytes:
agents decode with ``streams.codec`` inside ``ctx.guard`` so that a message that cannot be
decoded or processed goes to ``dead-letters`` with its bytes and the reason, and the agent
goes on with the next message.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
import weakref
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence, Sized
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import faust
import faust.streams

from streams.codec import encode
from streams.envelope import cloudevent_headers
from streams.errors import BackchannelError
from streams.kafka import faust_credentials
from streams.metrics import METRICS, Metrics
from streams.records import Alert, DeadLetter
from streams.settings import Settings
from streams.steps import Resources
from streams.topics import Topic, topic_name

__all__ = ["MAX_MESSAGE_BYTES", "AppContext", "acting_for", "build_app"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

MAX_MESSAGE_BYTES = 512 * 1024
"""Largest batched message the agents send: half of Kafka's default ``message.max.bytes`` and
of the producer's ``max_request_size`` (1 MB each), so a batch of long articles still fits."""


@dataclass(eq=False)
class AppContext:
    """What agents need: the app, topics by logical name, tables, resources, metrics."""

    app: faust.App
    settings: Settings
    resources: Resources
    metrics: Metrics = METRICS
    topics: dict[Topic, Any] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)
    #: State kept in memory beside the tables (derived from one, e.g. the dedup band index),
    #: by state name, so the ``backchannel_state_*`` gauges size it too.
    in_memory: dict[str, Sized] = field(default_factory=dict)

    def topic(self, topic: Topic) -> Any:
        """The Faust topic for ``topic`` (raw bytes keys and values), declared once."""
        if topic not in self.topics:
            self.topics[topic] = self.app.topic(
                topic_name(topic, self.settings.topic_prefix),
                key_type=bytes,
                value_type=bytes,
                key_serializer="raw",
                value_serializer="raw",
                partitions=self.settings.partitions,
            )
        return self.topics[topic]

    def table(self, name: str) -> Any:
        """A changelog-backed table of ``str -> bytes``, co-partitioned with the topics."""
        if name not in self.tables:
            self.tables[name] = self.app.Table(
                name,
                default=None,
                partitions=self.settings.partitions,
                # Faust picks the codecs from the types: json keys, raw bytes values.
                key_type=str,
                value_type=bytes,
            )
        return self.tables[name]

    async def send(
        self, topic: Topic, key: str, record: object, *, partition: int | None = None
    ) -> None:
        """Encode ``record`` and send it to ``topic`` under ``key``, with CloudEvents headers.

        ``partition`` overrides the key's partition (dedup band batches route by band key).
        """
        await self._send(topic, key, record, encode(record), partition)

    async def send_grouped(
        self,
        topic: Topic,
        items: Iterable[_T],
        partition_of: Callable[[_T], int],
        build: Callable[[Sequence[_T]], object],
        key: Callable[[_T], str],
    ) -> None:
        """Send ``items`` grouped by ``partition_of``: one ``send_batch`` per partition, each
        group in the order of ``items``."""
        groups: dict[int, list[_T]] = {}
        for item in items:
            groups.setdefault(partition_of(item), []).append(item)
        for partition, group in groups.items():
            await self.send_batch(topic, partition, group, build, key)

    async def send_batch(
        self,
        topic: Topic,
        partition: int,
        items: Sequence[_T],
        build: Callable[[Sequence[_T]], object],
        key: Callable[[_T], str],
    ) -> None:
        """Send ``build(items)`` to ``partition`` of ``topic``, keyed by its first item, split
        into halves while it encodes to more than ``MAX_MESSAGE_BYTES``."""
        record = build(items)
        value = encode(record)
        if len(value) > MAX_MESSAGE_BYTES and len(items) > 1:
            half = len(items) // 2
            await self.send_batch(topic, partition, items[:half], build, key)
            await self.send_batch(topic, partition, items[half:], build, key)
            return
        await self._send(topic, key(items[0]), record, value, partition)

    async def _send(
        self, topic: Topic, key: str, record: object, value: bytes, partition: int | None
    ) -> None:
        # Straight to the producer rather than through ``Topic.send``: Faust's channel
        # machinery (a PendingMessage, a FutureMessage, sensor bookkeeping) cost more per
        # message than the stage work of a short article. Delivery is as safe: Faust flushes
        # the producer before it commits the offsets of the messages that led here. The
        # worker creates every topic before it starts (``streams.kafka.create_topics``).
        name = topic_name(topic, self.settings.topic_prefix)
        sent = await self.app.producer.send(
            name,
            key.encode("utf-8"),
            value,
            partition,
            None,
            cloudevent_headers(record, value, topic=name),
        )
        if isinstance(sent, asyncio.Future):
            sent.add_done_callback(_log_failed_send)

    async def send_alert(self, alert: Alert) -> None:
        """Send ``alert`` to ``alerts`` (keyed by its id), counting it and its latency."""
        await self.send(Topic.ALERTS, alert.alert_id, alert)
        self.metrics.alerts.labels(alert.kind.value, alert.severity.value).inc()
        if alert.fetched_at is not None:
            self.metrics.latency_alert.observe(time.time() - alert.fetched_at.timestamp())

    def batches(self, stream: Any) -> Any:
        """``stream``'s events a batch at a time: up to ``batch_max``, waiting at most
        ``batch_wait_ms`` for more. Under load the batches fill from the backlog, so the
        per-message costs they share fall as the rate rises; at a trickle they add at most
        the wait. Faust acknowledges a batch's events once the loop body is done with it."""
        return stream.take_events(self.settings.batch_max, self.settings.batch_wait_ms / 1000)

    @asynccontextmanager
    async def guard(self, stage: str, event: Any) -> AsyncIterator[None]:
        """Run one message's processing; on failure dead-letter it and carry on.

        Only the message in hand is lost to the stage, never the stream: the exception is
        logged with topic/partition/offset, counted, and the original bytes go to
        ``dead-letters`` with the reason.
        """
        m = self.metrics
        m.stage_in.labels(stage).inc()
        started = time.perf_counter()
        try:
            yield
        except (
            BackchannelError,
            ValueError,
            KeyError,
            TypeError,
            IndexError,
            AttributeError,
        ) as exc:
            await self._dead_letter(stage, event, exc)
        else:
            m.stage_out.labels(stage).inc()
        finally:
            m.stage_seconds.labels(stage).observe(time.perf_counter() - started)

    async def _dead_letter(self, stage: str, event: Any, exc: Exception) -> None:
        message = event.message
        reason = self.metrics.reason_label(
            exc.reason if isinstance(exc, BackchannelError) else "stage_failed"
        )

        raw_value = message.value if isinstance(message.value, bytes) else encode(message.value)
        raw_key = message.key if isinstance(message.key, bytes) else None
        letter = DeadLetter(
            stage=stage,
            reason=reason,
            error_class=type(exc).__name__,
            error=str(exc),
            original_base64=base64.b64encode(raw_value).decode("ascii"),
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            key_base64=base64.b64encode(raw_key).decode("ascii") if raw_key else None,
            failed_at=datetime.now(UTC),
        )
        logger.error(
            "message dead-lettered",
            extra={
                "stage": stage,
                "reason": reason,
                "topic": message.topic,
                "partition": message.partition,
                "offset": message.offset,
                "error": f"{type(exc).__name__}: {exc}",
            },
        )
        self.metrics.dead_letters.labels(stage, reason).inc()
        self.metrics.stage_errors.labels(stage, reason).inc()
        value = encode(letter)
        name = topic_name(Topic.DEAD_LETTERS, self.settings.topic_prefix)
        await self.topic(Topic.DEAD_LETTERS).send(
            key=raw_key, value=value, headers=cloudevent_headers(letter, value, topic=name)
        )


Registrar = Callable[[AppContext], None]


def _log_failed_send(sent: asyncio.Future[Any]) -> None:
    if not sent.cancelled() and (exc := sent.exception()) is not None:
        logger.error("send failed", extra={"error": f"{type(exc).__name__}: {exc}"})


@contextmanager
def acting_for(event: Any) -> Iterator[None]:
    """Make ``event`` Faust's current event while the block runs.

    A table write sends its changelog record to the partition of the current event, which
    Faust sets while it iterates a stream one event at a time, but not in the body of
    ``take_events`` (faust-streaming issue #497: "Cannot modify table outside of stream
    iteration"). Batch agents wrap each table write in the event it belongs to, which puts
    the record where Faust itself would have put it.
    """
    token = faust.streams._current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        faust.streams._current_event.reset(token)


def build_app(
    settings: Settings,
    resources: Resources | None = None,
    *,
    registrars: list[Registrar] | None = None,
) -> AppContext:
    """Create the Faust app with every stage's agents registered.

    ``registrars`` defaults to every stage; tests may pass a subset.
    """
    (settings.state_dir / "faust").mkdir(parents=True, exist_ok=True)
    app = faust.App(
        f"{settings.topic_prefix}{settings.app_id}",
        broker=settings.broker or "memory://",
        broker_credentials=faust_credentials(settings) if settings.broker else None,
        store=settings.store,
        datadir=str(settings.state_dir / "faust"),
        topic_partitions=settings.partitions,
        topic_disable_leader=True,
        web_enabled=False,
        consumer_auto_offset_reset="earliest",
        producer_linger=0.005,
        broker_commit_interval=1.0,
        table_standby_replicas=0,
        autodiscover=False,
    )
    ctx = AppContext(app=app, settings=settings, resources=resources or Resources.load(settings))
    if registrars is None:
        from streams.registry import ALL_STAGES

        registrars = list(ALL_STAGES)
    for register in registrars:
        register(ctx)
    return ctx
