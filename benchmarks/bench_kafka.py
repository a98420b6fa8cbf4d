"""End-to-end latency through Kafka: ingest to ``alerts``, at a steady rate, real worker process.

Starts a broker with ``deploy/kafka/kafka.sh`` (or uses ``--broker``), a ``backchannel worker``
subprocess, then produces own-written articles at ``--rate`` per second for ``--seconds``; each
reports a new value of a tracked figure, so each raises a ``figure.new`` or ``figure.changed``
alert. Consecutive articles report different series (176 in turn: place x subject x
category), so a report reaches its series ~1.7 s after the previous one at 100/s: the
stages may reorder articles that arrive within a batch window (tens of ms), and a report
that reached its series behind a newer one would be ``figure.stale``, which alerts nothing
(by design), and would go missing from the count. Latency is
the time from the article's ``fetched_at`` (stamped when produced) to the alert's arrival at a
consumer. Prints p50/p95/p99/max.

    .venv/bin/python -m benchmarks.bench_kafka [--rate 100] [--seconds 20]

Also prints the worker process's CPU per article while producing: its cost per article
through Kafka, against which the embedded pipeline's cost per article compares.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from rich.console import Console
from rich.table import Table

from streams.codec import decode, encode
from streams.records import Alert, RawArticle
from streams.topics import Topic, topic_name
from tests.integration.pipeline_process import WorkerProcess, pipeline_env, unique_prefix

REPO = Path(__file__).resolve().parents[1]
TEXT = (
    "The health ministry said on {day} that at least {n} {subject} had been {verb} in {place}"
    " since the start of the war, in a statement issued in the evening."
)
PLACES = (
    "Gaza", "Gaza City", "West Bank", "Israel", "Lebanon", "Syria", "Yemen", "Iraq", "Iran",
    "Jerusalem", "Rafah", "Jabalia", "Nuseirat", "Deir al-Balah", "Beit Hanoun", "Tulkarm",
    "Khan Younis", "Jenin", "Nablus", "Sudan", "Ukraine", "Afghanistan",
)  # fmt: skip
SERIES = [
    (place, subject, verb)
    for verb in ("killed", "wounded")
    for subject in ("Palestinians", "children", "civilians", "people")
    for place in PLACES
]


def _article(i: int, base: datetime) -> RawArticle:
    now = datetime.now(UTC)
    place, subject, verb = SERIES[i % len(SERIES)]
    return RawArticle(
        doc=f"bench-{i}",
        text=TEXT.format(day="Monday", n=10_000 + i, subject=subject, verb=verb, place=place),
        source="bench",
        origin="generated",
        fetched_at=now,
        published=base + timedelta(seconds=i),
    )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _measure(
    broker: str, prefix: str, rate: int, seconds: int, worker_pid: int
) -> tuple[list[float], float]:
    """Latencies of the alerts received, and the worker's CPU seconds while producing."""
    raw = topic_name(Topic.ARTICLES_RAW, prefix)
    alerts = topic_name(Topic.ALERTS, prefix)
    producer = AIOKafkaProducer(bootstrap_servers=broker, linger_ms=0)
    consumer = AIOKafkaConsumer(alerts, bootstrap_servers=broker, auto_offset_reset="latest", group_id=None, metadata_max_age_ms=500)
    await producer.start()
    await consumer.start()
    base = datetime(2024, 1, 1, tzinfo=UTC)
    latencies: list[float] = []
    try:
        # Warm up: the worker must be assigned its partitions before the clock starts.
        await producer.send_and_wait(raw, encode(_article(0, base)), key=b"bench-0")
        deadline = time.monotonic() + 120
        warmed = False
        while not warmed and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                warmed = warmed or bool(records)
        if not warmed:
            raise RuntimeError("worker produced no alert within 120 s; see the worker log")
        total = rate * seconds

        cpu = 0.0

        async def produce() -> None:
            nonlocal cpu
            start, cpu_start = time.monotonic(), _cpu_seconds(worker_pid)
            for i in range(1, total + 1):
                await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
                await producer.send(raw, encode(_article(i, base)), key=f"bench-{i}".encode())
            await producer.flush()
            cpu = _cpu_seconds(worker_pid) - cpu_start

        task = asyncio.create_task(produce())
        end = time.monotonic() + seconds + 60
        while len(latencies) < total and time.monotonic() < end:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                arrived = time.time()
                for r in records:
                    alert = decode(Alert, r.value)
                    if alert.fetched_at is not None and alert.docs and alert.docs[-1] != "bench-0":
                        latencies.append(arrived - alert.fetched_at.timestamp())
        await task
    finally:
        await consumer.stop()
        await producer.stop()
    return latencies, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--broker", help="use this broker (host:port) instead of starting one")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-kafka-"))
    broker = args.broker
    if broker is None:
        broker = subprocess.run(
            ["bash", str(REPO / "deploy/kafka/kafka.sh"), "start", "--dir", str(tmp / "kafka")],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    prefix = unique_prefix()
    worker = WorkerProcess(pipeline_env(broker, prefix, tmp / "state"), tmp / "worker.log", tmp).start()
    try:
        assert worker.proc is not None
        found, cpu = asyncio.run(_measure(broker, prefix, args.rate, args.seconds, worker.proc.pid))
        latencies = sorted(found)
    finally:
        worker.stop()
        if args.broker is None:
            subprocess.run(["bash", str(REPO / "deploy/kafka/kafka.sh"), "stop", "--dir", str(tmp / "kafka")], check=False)
    expected = args.rate * args.seconds

    def pct(p: float) -> str:
        return f"{1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))]:.0f} ms" if latencies else "-"

    table = Table(title=f"Ingest → alert latency through Kafka, {args.rate} articles/s for {args.seconds} s, one worker")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("alerts received / articles sent", f"{len(latencies)} / {expected}")
    for label, p in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99)):
        table.add_row(label, pct(p))
    table.add_row("max", f"{1000 * latencies[-1]:.0f} ms" if latencies else "-")
    table.add_row("target p99", "≤ 1000 ms")
    # While the worker keeps up, CPU per article is its cost; when it falls behind, the
    # share reaches ~100 % of a core and the figure is a lower bound.
    table.add_row("worker CPU while producing", f"{100 * cpu / args.seconds:.0f} % of a core")
    table.add_row("worker CPU per article", f"{1000 * cpu / expected:.1f} ms")
    Console().print(table)


if __name__ == "__main__":
    main()
