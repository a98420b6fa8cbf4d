"""``docs/example_consumer.py``, the consumer downstream teams copy, works against a real broker.

A real worker turns the first three scale-out fixture articles into events; the example then runs
as a subprocess, configured only by the environment a downstream team would set
(``BACKCHANNEL_BROKER``, ``BACKCHANNEL_TOPIC_PREFIX``), and must print each event with its
CloudEvents type and its parties, caller first.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from streams.codec import decode
from streams.records import Event
from streams.settings import Settings
from streams.topics import Topic, topic_name
from tests.integration.kafka_fixture import run_sync
from tests.integration.pipeline_process import REPO, WorkerProcess, pipeline_env, unique_prefix
from tests.integration.test_scale_out import (
    CommittedReader,
    expected_from_embedded,
    load_articles,
    produce,
    wait_for,
)

pytestmark = [pytest.mark.kafka]

EXAMPLE = REPO / "docs" / "example_consumer.py"
FIXTURE = REPO / "tests" / "fixtures" / "scale" / "articles.jsonl"


def test_example_consumer_prints_who_called_whom(kafka_broker: str, tmp_path: Path) -> None:
    articles = load_articles(FIXTURE)[:3]
    expected = expected_from_embedded(articles)
    count = len(expected.event_keys)  # one event.new per contact
    assert count >= 3
    prefix = unique_prefix()
    events_topic = topic_name(Topic.EVENTS, prefix)
    worker = WorkerProcess(
        pipeline_env(kafka_broker, prefix, tmp_path / "state"), tmp_path / "worker.log", tmp_path
    ).start()
    reader = CommittedReader(kafka_broker, [events_topic])

    async def scenario() -> list[Event]:
        await produce(Settings(broker=f"kafka://{kafka_broker}", topic_prefix=prefix), articles, 0)
        await reader.start()
        try:

            async def all_events() -> bool:
                await reader.poll()
                return len(reader.values(events_topic)) >= count

            await wait_for(all_events, f"{count} events", 90)
        finally:
            await reader.stop()
        return [decode(Event, v) for v in reader.values(events_topic)]

    try:
        events = run_sync(scenario())
    finally:
        worker.stop()

    env = {
        "PATH": "/usr/bin:/bin",
        "BACKCHANNEL_BROKER": f"kafka://{kafka_broker}",
        "BACKCHANNEL_TOPIC_PREFIX": prefix,
        "EXAMPLE_GROUP_ID": f"{prefix}example",
    }
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), str(count)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == count, result.stdout
    for event in events:
        names = [a.name or a.surface for a in event.actors]
        arrow = " -> " if event.directed else " <-> "
        line = f"org.backchannel.{event.kind}.v1\t{event.type.value}\t{arrow.join(names)}\t"
        assert any(out.startswith(line) for out in lines), (line, lines)
    caller_first = "Abbas Araghchi -> Faisal bin Farhan"  # fixture scale-01-en: Araghchi called
    assert any(caller_first in out for out in lines), lines
