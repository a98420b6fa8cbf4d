"""Smoke tests proving the ``kafka_broker`` fixture yields a usable broker.

If these fail, every other Kafka integration test is meaningless, so they
check the basics end to end: produce/consume through a consumer group (which
exercises ``__consumer_offsets`` with replication factor 1) and metadata as
seen by an independent client (kcat).
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess

import pytest

from tests.integration.kafka_fixture import BROKER_ID, TopicFactory, in_ci

pytestmark = pytest.mark.kafka

MESSAGES: list[tuple[bytes, bytes]] = [
    (b"key-0", b"value-0"),
    (b"key-1", b"value-1"),
    (b"key-2", b"value-2"),
]


async def _produce_then_consume(
    bootstrap: str, topic: str, group_id: str
) -> list[tuple[bytes | None, bytes | None]]:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for key, value in MESSAGES:
            await producer.send_and_wait(topic, value=value, key=key)
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group_id,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    received: list[tuple[bytes | None, bytes | None]] = []
    try:
        async with asyncio.timeout(30):
            while len(received) < len(MESSAGES):
                batches = await consumer.getmany(timeout_ms=500)
                for records in batches.values():
                    received.extend((r.key, r.value) for r in records)
        await consumer.commit()
    finally:
        await consumer.stop()
    return received


def test_produce_and_consume_roundtrip(kafka_broker: str, topic_factory: TopicFactory) -> None:
    # One partition so the broker must preserve produce order.
    topic = topic_factory(partitions=1, prefix="roundtrip")
    received = asyncio.run(_produce_then_consume(kafka_broker, topic, group_id=f"{topic}-group"))
    assert received == MESSAGES


def test_topic_factory_creates_requested_partitions(
    kafka_broker: str, topic_factory: TopicFactory
) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    topic = topic_factory(partitions=3, prefix="partitions")

    async def describe() -> list[int]:
        admin = AIOKafkaAdminClient(bootstrap_servers=kafka_broker)
        await admin.start()
        try:
            (described,) = await admin.describe_topics([topic])
        finally:
            await admin.close()
        return sorted(p["partition"] for p in described["partitions"])

    assert asyncio.run(describe()) == [0, 1, 2]


def test_kcat_lists_broker(kafka_broker: str) -> None:
    kcat = shutil.which("kcat")
    if kcat is None:
        message = "kcat not installed (apt-get install kcat)"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    result = subprocess.run(
        [kcat, "-b", kafka_broker, "-L", "-m", "10"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"broker {BROKER_ID} at {kafka_broker}" in result.stdout, result.stdout
