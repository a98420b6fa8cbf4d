"""The whole pipeline on a real Kafka broker: real worker process, real ingest, real consumers.

Nothing is mocked: ``backchannel worker`` runs as a subprocess against the broker started by
``deploy/kafka/kafka.sh``; articles go in through ``backchannel ingest``; topics are read back
with aiokafka and with Debian's kcat.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from streams.records import Alert, AlertKind, DeadLetter, Event, FigureUpdate
from streams.topics import Topic, topic_name
from tests.integration.kafka_fixture import in_ci, run_sync
from tests.integration.pipeline_process import (
    Message,
    WorkerProcess,
    decode_all,
    ingest,
    pipeline_env,
    read_topics,
    unique_prefix,
)

pytestmark = [pytest.mark.kafka]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pipeline"
POISON = b"\x00\xffthis is not an article"
RAISI, STORE = "Ebrahim Raisi", "Jonas Gahr Store"


def _is_raisi_store(event: Event) -> bool:
    return {a.name for a in event.actors} == {RAISI, STORE}


@pytest.fixture(scope="module")
def pipeline_run(
    kafka_broker: str, tmp_path_factory: pytest.TempPathFactory, seeds_dir_module: Path
) -> Iterator[dict]:
    """One worker, the five seeds, a poison message, then one more article: all outputs."""
    tmp = tmp_path_factory.mktemp("pipeline")
    prefix = unique_prefix()
    env = pipeline_env(kafka_broker, prefix, tmp / "state")
    worker = WorkerProcess(env, tmp / "worker.log", tmp).start()
    try:
        ingest(env, [seeds_dir_module], tmp)
        raw_topic = topic_name(Topic.ARTICLES_RAW, prefix)

        async def poison() -> None:
            producer = AIOKafkaProducer(bootstrap_servers=kafka_broker)
            await producer.start()
            try:
                await producer.send_and_wait(raw_topic, POISON, key=b"poison")
            finally:
                await producer.stop()

        run_sync(poison())
        ingest(env, [FIXTURES / "after_poison.jsonl"], tmp)
        names = {
            t: topic_name(t, prefix)
            for t in (Topic.EVENTS, Topic.ALERTS, Topic.FIGURES, Topic.DEAD_LETTERS)
        }

        def done(seen: dict[str, list[Message]]) -> bool:
            events = decode_all(Event, seen[names[Topic.EVENTS]])
            raisi = [e for e in events if _is_raisi_store(e)]
            after = [e for e in events if any(m.doc == "after-poison-ar" for m in e.mentions)]
            return bool(seen[names[Topic.DEAD_LETTERS]]) and len(raisi) >= 2 and bool(after)

        seen = read_topics(kafka_broker, list(names.values()), done, timeout=120, settle=8)

        assert worker.alive(), f"worker died:\n{worker.log_tail()}"
        yield {
            "prefix": prefix,
            "broker": kafka_broker,
            "events": decode_all(Event, seen[names[Topic.EVENTS]]),
            "event_messages": seen[names[Topic.EVENTS]],
            "alerts": decode_all(Alert, seen[names[Topic.ALERTS]]),
            "figures": decode_all(FigureUpdate, seen[names[Topic.FIGURES]]),
            "dead_letters": decode_all(DeadLetter, seen[names[Topic.DEAD_LETTERS]]),
            "worker": worker,
        }
    finally:
        worker.stop()


@pytest.fixture(scope="module")
def seeds_dir_module() -> Path:
    from tests.conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.fail(f"shared corpus missing at {SEEDS}")
    return SEEDS


def test_raisi_store_call_is_one_event_with_two_reports(pipeline_run: dict) -> None:
    raisi = [e for e in pipeline_run["events"] if _is_raisi_store(e)]
    assert [e.kind for e in raisi] == ["event.new", "event.updated"], pipeline_run[
        "worker"
    ].log_tail()
    assert len({e.event_id for e in raisi}) == 1
    assert raisi[-1].corroboration == 2
    assert {m.doc for m in raisi[-1].mentions} == {
        "000_2acd041899528df3.txt",
        "004_e5c45dbb9553fab4.txt",
    }
    assert raisi[0].directed and raisi[0].actors[0].name == RAISI


def test_event_new_alert_raised_once_for_the_call(pipeline_run: dict) -> None:
    raisi_id = next(e.event_id for e in pipeline_run["events"] if _is_raisi_store(e))
    alerts = [
        a
        for a in pipeline_run["alerts"]
        if a.kind is AlertKind.EVENT_NEW and a.subject_id == raisi_id
    ]
    assert len(alerts) == 1
    assert "Ebrahim Raisi" in alerts[0].summary
    assert len({a.alert_id for a in pipeline_run["alerts"]}) == len(pipeline_run["alerts"])


def test_figures_come_out(pipeline_run: dict) -> None:
    values = {(f.category.value, f.value) for f in pipeline_run["figures"]}
    assert {("killed", 9400), ("wounded", 24000), ("killed", 297)} <= values


def test_poison_message_is_dead_lettered_and_worker_goes_on(pipeline_run: dict) -> None:
    [letter] = [
        d
        for d in pipeline_run["dead_letters"]
        if d.key_base64 == base64.b64encode(b"poison").decode()
    ]
    assert base64.b64decode(letter.original_base64) == POISON
    assert letter.reason == "undecodable"
    assert letter.topic == pipeline_run["prefix"] + "articles.raw"
    assert letter.offset is not None
    after = [
        e for e in pipeline_run["events"] if any(m.doc == "after-poison-ar" for m in e.mentions)
    ]
    assert after, "the article ingested after the poison message was not processed"
    assert pipeline_run["worker"].alive()


def test_events_carry_cloudevents_headers(pipeline_run: dict) -> None:
    for message in pipeline_run["event_messages"]:
        headers = message.headers
        assert headers["ce_specversion"] == b"1.0"
        assert headers["ce_type"] in (
            b"org.backchannel.event.new.v1",
            b"org.backchannel.event.updated.v1",
        )
        assert headers["content-type"] == b"application/json"
        assert headers["ce_id"] and headers["ce_source"] and headers["ce_time"]


def test_kcat_reads_the_events_topic(pipeline_run: dict) -> None:
    kcat = shutil.which("kcat")
    if kcat is None:
        if in_ci():
            pytest.fail("kcat is not installed (Debian package kcat); CI needs it")
        pytest.skip("kcat not installed: apt-get install kcat")
    topic = pipeline_run["prefix"] + "events"
    out = subprocess.run(
        [
            kcat,
            "-b",
            pipeline_run["broker"],
            "-C",
            "-t",
            topic,
            "-o",
            "beginning",
            "-e",
            "-J",
            "-q",
        ],
        capture_output=True,
        timeout=60,
        check=True,
    ).stdout.decode()
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    payloads = [json.loads(r["payload"]) for r in rows]
    calls = [p for p in payloads if {a["name"] for a in p["actors"]} == {RAISI, STORE}]
    assert [p["kind"] for p in calls] == ["event.new", "event.updated"]
    assert all(any(h == "ce_type" for h in r.get("headers", [])[::2]) for r in rows)


def _final_events(events: list[Event]) -> set[tuple[str, str, frozenset[str], bool]]:
    """Each event's last update as (key, type, reporting docs, directed)."""
    last: dict[str, Event] = {}
    for event in events:
        last[event.event_id] = event
    return {(e.event_key, e.type.value, frozenset(m.doc for m in e.mentions), e.directed) for e in last.values()}


def test_embedded_and_kafka_runtimes_give_the_same_events(pipeline_run: dict, seeds_dir_module: Path) -> None:
    from datetime import UTC, datetime

    from connectors.files import read_paths
    from streams.embedded import EmbeddedPipeline
    from streams.settings import Settings
    from streams.steps import Resources

    pipeline = EmbeddedPipeline(Resources.load(Settings()))
    embedded = [e for r in pipeline.process_all(read_paths([seeds_dir_module], fetched_at=datetime.now(UTC))) for e in r.events]
    kafka = [e for e in pipeline_run["events"] if not any(m.doc == "after-poison-ar" for m in e.mentions)]
    assert _final_events(kafka) == _final_events(embedded)
    assert len(_final_events(embedded)) >= 15
