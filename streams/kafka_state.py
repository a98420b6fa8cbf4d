"""Connector state kept in a compacted Kafka topic, for ``backchannel ingest`` on a broker.

The ingest process is a producer, not a Faust worker, so it has no table; it keeps the same
thing a table's changelog is: a compacted topic (``sources.state``, key = feed name or file
path, value = the connector's state bytes). At start the topic is read to its end into memory;
every write goes to memory and to the topic. A restarted ingest process, on any machine, thus
resumes with each feed's validators and seen entry ids: nothing produced twice, nothing missed.
A delete is a tombstone (null value), which compaction removes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, MutableMapping

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from streams.kafka import aiokafka_security
from streams.settings import Settings

__all__ = ["KafkaStateMapping", "KafkaStateStore"]


class KafkaStateMapping(MutableMapping[str, bytes]):
    """A ``MutableMapping[str, bytes]`` mirrored to a compacted topic; call ``load`` first.

    Writes are sent without waiting (``flush`` waits), so the mapping can be used from the
    synchronous code paths of the connectors.
    """

    def __init__(self, settings: Settings, topic: str, producer: AIOKafkaProducer) -> None:
        self._settings = settings
        self._topic = topic
        self._producer = producer
        self._data: dict[str, bytes] = {}
        self._sent: list[asyncio.Future[object]] = []

    async def load(self, timeout: float = 30.0) -> None:
        """Read the topic from the beginning to its current end."""
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._settings.bootstrap_servers,
            enable_auto_commit=False,
            group_id=None,
            **aiokafka_security(self._settings),
        )
        await consumer.start()
        try:
            partitions = consumer.partitions_for_topic(self._topic) or set()
            if not partitions:
                await consumer._client.force_metadata_update()
                partitions = consumer.partitions_for_topic(self._topic) or set()
            assigned = [TopicPartition(self._topic, p) for p in sorted(partitions)]
            if not assigned:
                return
            consumer.assign(assigned)
            await consumer.seek_to_beginning(*assigned)
            ends = await consumer.end_offsets(assigned)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while [tp for tp in assigned if await consumer.position(tp) < ends[tp]]:
                if loop.time() > deadline:
                    raise TimeoutError(f"reading {self._topic} took longer than {timeout} s")
                batch = await consumer.getmany(*assigned, timeout_ms=500)
                for records in batch.values():
                    for record in records:
                        key = record.key.decode("utf-8") if record.key else ""
                        if record.value is None:
                            self._data.pop(key, None)
                        else:
                            self._data[key] = record.value
        finally:
            await consumer.stop()

    def _send(self, key: str, value: bytes | None) -> None:
        future = asyncio.ensure_future(
            self._producer.send(self._topic, value, key=key.encode("utf-8"))
        )
        self._sent.append(future)

    async def flush(self) -> None:
        """Wait until every write so far is acknowledged by the broker."""
        pending, self._sent = self._sent, []
        for delivery in await asyncio.gather(*pending):
            await delivery  # type: ignore[misc]

    def __getitem__(self, key: str) -> bytes:
        return self._data[key]

    def __setitem__(self, key: str, value: bytes) -> None:
        if self._data.get(key) != value:
            self._data[key] = value
            self._send(key, value)

    def __delitem__(self, key: str) -> None:
        del self._data[key]
        self._send(key, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._data))

    def __len__(self) -> int:
        return len(self._data)


class _Prefixed(MutableMapping[str, bytes]):
    """A view of one named mapping inside the shared state topic (keys ``name/key``)."""

    def __init__(self, base: KafkaStateMapping, name: str) -> None:
        self._base, self._prefix = base, f"{name}/"

    def __getitem__(self, key: str) -> bytes:
        return self._base[self._prefix + key]

    def __setitem__(self, key: str, value: bytes) -> None:
        self._base[self._prefix + key] = value

    def __delitem__(self, key: str) -> None:
        del self._base[self._prefix + key]

    def __iter__(self) -> Iterator[str]:
        n = len(self._prefix)
        return (k[n:] for k in self._base if k.startswith(self._prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class KafkaStateStore:
    """``StateStore``'s interface over one compacted topic: named mappings, commit, close."""

    def __init__(self, mapping: KafkaStateMapping) -> None:
        self._mapping = mapping
        self._views: dict[str, _Prefixed] = {}

    def mapping(self, name: str) -> MutableMapping[str, bytes]:
        """The mapping called ``name`` (a key prefix in the topic)."""
        return self._views.setdefault(name, _Prefixed(self._mapping, name))

    def commit(self) -> None:
        """Writes are acknowledged asynchronously; ``flush`` the mapping to wait for them."""

    def close(self) -> None:
        """Nothing to release: the producer belongs to the caller."""
