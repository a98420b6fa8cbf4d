"""The Faust application: topics, tables and agents, built from ``Settings``.

``build_app`` is a factory rather than a module-level app because topic names carry the
configured prefix and the broker comes from flags; each stage's ``agents/<stage>/agent.py``
exposes ``register(ctx)`` which declares its agents on ``ctx.app``. Topics carry raw bytes:
agents decode with ``streams.codec`` inside ``ctx.guard`` so that a message that cannot be
decoded or processed goes to ``dead-letters`` with its bytes and the reason, and the agent
goes on with the next message.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import faust

from streams.codec import encode
from streams.envelope import cloudevent_headers
from streams.errors import BackchannelError
from streams.kafka import faust_credentials
from streams.metrics import METRICS, Metrics
from streams.records import Alert, DeadLetter
from streams.settings import Settings
from streams.steps import Resources
from streams.topics import Topic, topic_name

__all__ = ["AppContext", "build_app"]

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class AppContext:
    """What agents need: the app, topics by logical name, tables, resources, metrics."""

    app: faust.App
    settings: Settings
    resources: Resources
    metrics: Metrics = METRICS
    topics: dict[Topic, Any] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)

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
        value = encode(record)
        name = topic_name(topic, self.settings.topic_prefix)
        headers = cloudevent_headers(record, value, topic=name)
        await self._produce(topic, key.encode("utf-8"), value, headers, partition)

    async def _produce(
        self,
        topic: Topic,
        key: bytes | None,
        value: bytes,
        headers: list[tuple[str, bytes]],
        partition: int | None = None,
    ) -> None:
        """Send one message; under exactly-once, in the transaction of the message in hand.

        Faust's own transactional send picks the transaction by the *destination* partition
        (``TransactionManager.send``), which only works when output and input are
        co-partitioned: our hops re-key (doc id -> event key -> alert id), so the output would
        land in another partition's transaction, or fail ("No transaction producer found") when
        another worker owns that partition, or raise ``KeyError`` for a topic no agent consumes.
        Here the output joins the transaction that will commit the *source* message's offset
        (``<app id>-<topic group>-<partition>``, the id Faust commits with), so the output, the
        table changelog writes and the offset become visible together or not at all.
        Messages sent outside any agent (the worker's own feed polling) are not transactional.
        """
        if not self.app.in_transaction:
            await self.topic(topic).send(key=key, value=value, partition=partition, headers=headers)
            return
        transactional_id = None
        event = faust.current_event()
        if event is not None:
            source = event.message
            group = self.app.assignor.group_for_topic(source.topic)
            transactional_id = f"{self.app.conf.id}-{group}-{source.partition}"
        await self.app.producer.send(
            topic_name(topic, self.settings.topic_prefix),
            key,
            value,
            partition,
            None,
            headers,
            transactional_id=transactional_id,
        )

    async def send_alert(self, alert: Alert) -> None:
        """Send ``alert`` to ``alerts`` (keyed by its id), counting it and its latency."""
        await self.send(Topic.ALERTS, alert.alert_id, alert)
        self.metrics.alerts.labels(alert.kind.value, alert.severity.value).inc()
        if alert.fetched_at is not None:
            self.metrics.latency_alert.observe(time.time() - alert.fetched_at.timestamp())

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
            if self.app.in_transaction:
                # Table writes go to the changelog through Faust's producer buffer; hand them
                # to the transaction before this message is acknowledged, or a commit could
                # cover the offset while the state change slips into the next transaction.
                await self.app.producer.buffer.flush()
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
        await self._produce(
            Topic.DEAD_LETTERS, raw_key, value, cloudevent_headers(letter, value, topic=name)
        )


Registrar = Callable[[AppContext], None]


def _recover_tables_under_transactions() -> None:
    """Make Faust rebuild tables from their changelogs under exactly-once processing.

    faust-streaming 0.15's aiokafka driver takes the changelogs' high watermarks from
    ``AIOKafkaConsumer.last_stable_offset``, which is only known once a fetch has returned, so
    at a worker's start or a rebalance every changelog looks empty (highwater -1) and nothing
    is recovered: a worker that takes over a partition starts with empty tables and raises
    ``event.new`` again for contacts already reported. ``end_offsets`` asks the broker; with
    the consumer's ``read_committed`` isolation it answers the last stable offset too.
    (tests/integration/test_scale_out.py fails without this.)
    """
    from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

    async def _highwaters(self: Any, partitions: list[Any]) -> Any:
        return await self._ensure_consumer().end_offsets(partitions)

    AIOKafkaConsumerThread._highwaters = _highwaters  # type: ignore[method-assign]


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
        # Every hop's output becomes visible only when its transaction commits, so the
        # interval adds up once per hop: ingest -> alert p50 3.6 s at 1.0 s, 0.9 s at 0.2 s,
        # 0.5 s at 0.1 s (benchmarks/bench_kafka.py, 5 articles/s; 63 ms without transactions).
        broker_commit_interval=0.1,
        table_standby_replicas=0,
        autodiscover=False,
        # Kafka transactions: a worker killed mid-message leaves nothing half-done that a
        # read_committed consumer can see, so no event or alert comes out twice or is lost
        # after a crash (tests/integration/test_scale_out.py). See ``AppContext._produce``.
        processing_guarantee="exactly_once",
    )
    _recover_tables_under_transactions()
    ctx = AppContext(app=app, settings=settings, resources=resources or Resources.load(settings))
    if registrars is None:
        from streams.registry import ALL_STAGES

        registrars = list(ALL_STAGES)
    for register in registrars:
        register(ctx)
    return ctx
