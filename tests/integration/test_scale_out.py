"""Scale-out on a real broker: two workers share the work, one is SIGKILLed, the other takes over.

Two real ``backchannel worker`` processes join one consumer group (same app id and topic
prefix). Articles written for this test (``tests/fixtures/scale/``, Arabic, Persian and English)
are produced in two parts; once the first events are out, one worker is killed with SIGKILL
(no shutdown, no final commit) and the rest is produced, including second reports of contacts
from the first part. The contract checked: every event the embedded runtime finds in the same
articles comes out, each ``event.new`` exactly once per episode, every second report updates
its event (the survivor recovered the killed worker's tables), every ``event.new`` alert comes
out, and no alert id appears twice.

The workers process at least once: the survivor rebuilds the killed worker's tables from
their changelogs and processes again from the last committed offsets, and every stage checks
its state before it emits, so the replay produces nothing twice.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from aiokafka.errors import KafkaError
from prometheus_client import CollectorRegistry

from connectors.files import read_paths
from streams.codec import decode
from streams.embedded import EmbeddedPipeline
from streams.ingest import KafkaArticleSink
from streams.metrics import Metrics
from streams.records import Alert, AlertKind, Event, RawArticle
from streams.settings import Settings
from streams.steps import Resources
from streams.topics import TABLES, Topic, changelog_name, topic_name
from tests.integration.kafka_fixture import run_sync
from tests.integration.pipeline_process import WorkerProcess, pipeline_env, unique_prefix

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scale"
APP_ID = "backchannel"

# Faust reads these itself (they are not backchannel settings): a 6 s session (the broker's
# minimum) lets the group notice the killed worker in seconds instead of Faust's default 60 s.
FAST_REBALANCE = {"BROKER_SESSION_TIMEOUT": "6", "BROKER_HEARTBEAT_INTERVAL": "1"}

# Topics the worker group consumes (inputs of some agent), whose committed offsets say how far
# the group has got; ``events``, ``figures`` and ``alerts`` are outputs only.
CONSUMED = (
    Topic.ARTICLES_RAW,
    Topic.DEDUP_HITS,
    Topic.DEDUP_BANDS,
    Topic.ARTICLES,
    Topic.EVENT_MENTIONS,
    Topic.FIGURE_MENTIONS,
    Topic.NOVELTY_ACTORS,
    Topic.NOVELTY_PAIRS,
)


@dataclass(frozen=True)
class Expected:
    """What the embedded runtime finds in the same articles (the two runtimes must agree)."""

    event_keys: frozenset[str]
    new_event_ids: frozenset[str]
    updated_keys: frozenset[str]
    event_new_alerts: frozenset[str]
    docs: frozenset[str]


def expected_from_embedded(articles: list[RawArticle]) -> Expected:
    """Run the articles through the embedded runtime: the reference output."""
    pipeline = EmbeddedPipeline(
        Resources.load(Settings()), metrics=Metrics(CollectorRegistry(auto_describe=True))
    )
    results = list(pipeline.process_all(articles))
    return Expected(
        event_keys=frozenset(e.event_key for r in results for e in r.events),
        new_event_ids=frozenset(
            e.event_id for r in results for e in r.events if e.kind == "event.new"
        ),
        updated_keys=frozenset(
            e.event_key for r in results for e in r.events if e.kind == "event.updated"
        ),
        event_new_alerts=frozenset(
            a.alert_id for r in results for a in r.alerts if a.kind is AlertKind.EVENT_NEW
        ),
        docs=frozenset(r.article.doc for r in results),
    )


def load_articles(path: Path) -> list[RawArticle]:
    """The fixture's articles, as ``backchannel ingest`` would read them."""
    return list(read_paths([path], fetched_at=datetime.now(UTC)))


async def produce(settings: Settings, articles: Iterable[RawArticle], pause: float) -> None:
    """Produce ``articles`` with the ingest command's sink, one at a time, ``pause`` s apart.

    The pause spreads the batch over a few seconds so that a worker can be killed while
    articles are still in flight.
    """
    sink = KafkaArticleSink(settings)
    await sink.start()
    try:
        for article in articles:
            await sink.add(article)
            await sink.flush()
            await asyncio.sleep(pause)
    finally:
        await sink.close()


@dataclass
class CommittedReader:
    """A consumer over some topics that keeps every record it has read.

    ``read_committed`` so that it stays correct if the workers ever produce in transactions.
    """

    broker: str
    topics: list[str]
    #: per topic: (partition, offset, key, value, record timestamp in ms)
    records: dict[str, list[tuple[int, int, bytes | None, bytes, int]]] = field(
        default_factory=dict
    )
    _consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        self._consumer = AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=self.broker,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            isolation_level="read_committed",
            metadata_max_age_ms=1000,
        )
        await self._consumer.start()
        self.records = {t: [] for t in self.topics}

    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()

    async def poll(self) -> None:
        """Read what has been committed since the last poll (waits up to 0.5 s for it)."""
        assert self._consumer is not None
        batch = await self._consumer.getmany(timeout_ms=500)
        for tp, rows in batch.items():
            self.records[tp.topic].extend(
                (tp.partition, r.offset, r.key, r.value, r.timestamp) for r in rows
            )

    def values(self, topic: str) -> list[bytes]:
        return [row[3] for row in self.records[topic]]

    def last_offsets(self) -> dict[TopicPartition, int]:
        """The offset of the last committed record read, per partition."""
        last: dict[TopicPartition, int] = {}
        for topic, rows in self.records.items():
            for partition, offset, *_ in rows:
                tp = TopicPartition(topic, partition)
                last[tp] = max(last.get(tp, -1), offset)
        return last


async def group_assignment(broker: str, group: str) -> dict[str, set[tuple[str, int]]]:
    """The consumer group's members and the partitions each one owns, from the coordinator."""
    admin = AIOKafkaAdminClient(bootstrap_servers=broker)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([group])
        members: dict[str, set[tuple[str, int]]] = {}
        for group_info in response.groups:
            state, group_members = group_info[2], group_info[5]
            if state != "Stable":
                return {}
            for member in group_members:
                member_id, raw = member[0], member[-1]
                owned: set[tuple[str, int]] = set()
                if raw:
                    assignment = ConsumerProtocolMemberAssignment.decode(raw)
                    for topic, partitions in assignment.assignment:
                        owned.update((topic, p) for p in partitions)
                members[member_id] = owned
        return members
    finally:
        await admin.close()


async def committed_offsets(broker: str, group: str) -> dict[TopicPartition, int]:
    """The group's committed offset per partition (the next offset it will process)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=broker)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
        return {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
    finally:
        await admin.close()


async def wait_for(check: Callable[[], object], what: str, timeout: float) -> None:
    """Await ``check()`` (sync or async) until it is truthy; fail with ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


async def wait_until_caught_up(
    broker: str, group: str, prefix: str, reader: CommittedReader, produced: int, timeout: float
) -> None:
    """Wait until the group has committed past every record on every topic it consumes.

    ``produced``: how many articles went to ``articles.raw``; ``reader`` must have read them
    all before anything counts as caught up.

    Committed offset == end offset would be simpler but is wrong for transactional topics (a
    commit marker follows the last record), so ``reader`` reads the consumed topics too and
    the group must have committed beyond the last record it saw.
    """
    consumed = {topic_name(t, prefix) for t in CONSUMED} | {
        changelog_name(APP_ID, table, prefix) for table in TABLES
    }

    raw = topic_name(Topic.ARTICLES_RAW, prefix)

    async def caught_up() -> bool:
        await reader.poll()
        if len(reader.records[raw]) < produced:
            return False
        committed = await committed_offsets(broker, f"{prefix}{APP_ID}")
        last = {tp: o for tp, o in reader.last_offsets().items() if tp.topic in consumed}
        # Changelogs are read by the worker for recovery only; they have no committed offsets.
        return all(
            committed.get(tp, 0) > offset
            for tp, offset in last.items()
            if "changelog" not in tp.topic
        )

    await wait_for(caught_up, "the surviving worker to process everything", timeout)


def test_survivor_takes_over_after_sigkill(kafka_broker: str, tmp_path: Path) -> None:
    articles = load_articles(FIXTURES / "articles.jsonl")
    assert len(articles) >= 30
    expected = expected_from_embedded(articles)
    assert len(expected.event_keys) >= 25, "the fixture articles should report distinct contacts"
    # The last articles report contacts of the first half again, in another language: after
    # the kill their merge needs the killed worker's table state, recovered from changelogs.
    assert len(expected.updated_keys) >= 2
    first, rest = articles[:16], articles[16:]

    prefix = unique_prefix()
    group = f"{prefix}{APP_ID}"
    settings = Settings(broker=f"kafka://{kafka_broker}", topic_prefix=prefix)
    workers = [
        WorkerProcess(
            pipeline_env(kafka_broker, prefix, tmp_path / f"state-{name}", **FAST_REBALANCE),
            tmp_path / f"worker-{name}.log",
            tmp_path,
        )
        for name in ("a", "b")
    ]
    names = {t: topic_name(t, prefix) for t in (Topic.EVENTS, Topic.ALERTS, Topic.ARTICLES)}
    reader = CommittedReader(
        kafka_broker,
        [*names.values(), *(topic_name(t, prefix) for t in CONSUMED if t is not Topic.ARTICLES)],
    )

    async def scenario() -> None:
        workers[0].start()
        await wait_for(
            lambda: has_members(kafka_broker, group, 1), "worker a to own partitions", 90
        )
        workers[1].start()
        await wait_for(
            lambda: has_members(kafka_broker, group, 2), "both workers to own partitions", 90
        )
        await reader.start()
        try:
            await produce(settings, first, pause=0.25)

            async def some_events() -> bool:
                await reader.poll()
                return len(reader.values(names[Topic.EVENTS])) >= 3

            await wait_for(some_events, "the first events", 90)
            workers[0].stop(signal.SIGKILL)
            await produce(settings, rest, pause=0.1)

            def every_event_out() -> bool:
                events = [decode(Event, v) for v in reader.values(names[Topic.EVENTS])]
                return {e.event_key for e in events} >= expected.event_keys

            async def all_out() -> bool:
                await reader.poll()
                return every_event_out()

            await wait_for(all_out, "every expected event", 120)
            await wait_until_caught_up(kafka_broker, group, prefix, reader, len(articles), 60)
            assert workers[1].alive(), f"survivor died:\n{workers[1].log_tail()}"
            assert await has_members(kafka_broker, group, 1), "the survivor should own all"
        finally:
            await reader.stop()

    try:
        run_sync(scenario())
    finally:
        for worker in workers:
            worker.stop()

    events = [decode(Event, v) for v in reader.values(names[Topic.EVENTS])]
    alerts = [decode(Alert, v) for v in reader.values(names[Topic.ALERTS])]
    log = workers[1].log_tail()
    assert {e.event_key for e in events} == set(expected.event_keys), log
    # One event.new per episode (event id); a pair of parties (event key) can have several
    # episodes, dated more than the merge window apart, as the embedded runtime finds too.
    new_per_id = Counter(e.event_id for e in events if e.kind == "event.new")
    assert set(new_per_id) == set(expected.new_event_ids)
    twice = {i: n for i, n in new_per_id.items() if n != 1}
    assert not twice, f"event.new more than once for an episode: {twice}"
    updated = {e.event_key for e in events if e.kind == "event.updated"}
    assert expected.updated_keys <= updated, "a second report did not update its event"
    ids = Counter(a.alert_id for a in alerts)
    assert not {i: n for i, n in ids.items() if n > 1}, "an alert id came out twice"
    assert {i for i in ids if i.startswith("event.new:")} == set(expected.event_new_alerts)
    articles_out = Counter(decode_doc(v) for v in reader.values(names[Topic.ARTICLES]))
    assert set(articles_out) == set(expected.docs)
    assert all(n == 1 for n in articles_out.values()), articles_out


def decode_doc(value: bytes) -> str:
    from streams.records import Article

    return decode(Article, value).doc


async def has_members(broker: str, group: str, count: int) -> bool:
    """True when the group is stable with ``count`` members, each owning some partition."""
    try:
        members = await group_assignment(broker, group)
    except KafkaError:  # the coordinator is still being elected: not yet
        return False
    return len(members) == count and all(members.values())
