"""Scale-out throughput through Kafka: one worker against two, on the same articles.

For each worker count, real ``backchannel worker`` processes join one consumer group on fresh
topics; once every worker owns partitions, N articles are produced as fast as the ingest sink
goes: generated ones (``benchmarks/corpus.py``: Arabic, Persian and English, with reprints and
copied passages) mixed with the scale-out test's own-written contact reports under new doc ids
(so events, figures and alerts are produced too). The clock runs from the first article
produced to the last message the workers produced (Kafka record timestamps), taken once the
group has committed past every record on every topic it consumes. Prints articles/s per worker
count and the speed-up over one worker. Workers compete for this machine's cores with the
broker, so the speed-up is bounded by the cores left over, not by the pipeline.

    .venv/bin/python -m benchmarks.bench_scale [--articles 600] [--workers 1,2] [--broker HOST:PORT]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.corpus import generate_corpus
from connectors.files import read_paths
from streams.records import RawArticle
from streams.settings import Settings
from streams.topics import Topic, topic_name
from tests.integration.pipeline_process import WorkerProcess, pipeline_env, unique_prefix
from tests.integration.test_scale_out import (
    APP_ID,
    CONSUMED,
    CommittedReader,
    has_members,
    produce,
    wait_for,
    wait_until_caught_up,
)

REPO = Path(__file__).resolve().parents[1]
KAFKA_SH = REPO / "deploy" / "kafka" / "kafka.sh"
FIXTURE = REPO / "tests" / "fixtures" / "scale" / "articles.jsonl"
OUTPUTS = (Topic.ARTICLES, Topic.EVENTS, Topic.FIGURES, Topic.ALERTS, Topic.DEAD_LETTERS)


def corpus(n: int) -> list[RawArticle]:
    """``n`` articles: three generated for each own-written contact report (renamed)."""
    now = datetime.now(UTC)
    own = list(read_paths([FIXTURE], fetched_at=now))
    generated = generate_corpus(n, seed=11)
    out: list[RawArticle] = []
    for i, g in enumerate(generated):
        if i % 4 == 3:
            article = own[(i // 4) % len(own)]
            out.append(replace(article, doc=f"{article.doc}-r{i}", fetched_at=now))
        else:
            out.append(
                RawArticle(
                    doc=g.doc, text=g.text, source=g.source, origin="generated", fetched_at=now
                )
            )
    return out


async def _run(
    broker: str, workers: int, articles: list[RawArticle], tmp: Path
) -> dict[str, float]:
    prefix = unique_prefix()
    group = f"{prefix}{APP_ID}"
    procs = [
        WorkerProcess(
            pipeline_env(broker, prefix, tmp / f"{prefix}{i}"), tmp / f"{prefix}{i}.log", tmp
        ).start()
        for i in range(workers)
    ]
    names = [topic_name(t, prefix) for t in OUTPUTS]
    reader = CommittedReader(
        broker, [*names, *(topic_name(t, prefix) for t in CONSUMED if t not in OUTPUTS)]
    )
    try:
        await wait_for(lambda: has_members(broker, group, workers), f"{workers} workers", 180)
        await reader.start()
        started = time.time()
        await produce(Settings(broker=f"kafka://{broker}", topic_prefix=prefix), articles, 0)
        produced = time.time() - started
        await wait_until_caught_up(broker, group, prefix, reader, len(articles), 1800)
        last_ms = max(row[4] for name in names for row in reader.records[name])
        seconds = last_ms / 1000 - started
        return {
            "seconds": seconds,
            "produce_seconds": produced,
            "articles_out": len(reader.records[topic_name(Topic.ARTICLES, prefix)]),
            "events_out": len(reader.records[topic_name(Topic.EVENTS, prefix)]),
        }
    finally:
        await reader.stop()
        for proc in procs:
            proc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--repeat", type=int, default=2, help="runs per count; the fastest counts")
    parser.add_argument("--broker", help="use this broker (host:port) instead of starting one")
    args = parser.parse_args()
    counts = [int(c) for c in args.workers.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    broker = args.broker
    if broker is None:
        env = {**os.environ, "BACKCHANNEL_PYTHON": str(REPO / ".venv" / "bin" / "python")}
        broker = subprocess.run(
            ["bash", str(KAFKA_SH), "start", "--dir", str(tmp / "kafka")],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout.strip()
    articles = corpus(args.articles)
    results: dict[int, dict[str, float]] = {}
    try:
        # Rounds alternate over the counts so that a burst of load from elsewhere on the
        # machine hits them alike; each count keeps its fastest run.
        for _ in range(args.repeat):
            for workers in counts:
                run = asyncio.run(_run(broker, workers, articles, tmp))
                if workers not in results or run["seconds"] < results[workers]["seconds"]:
                    results[workers] = run
    finally:
        if args.broker is None:
            subprocess.run(
                ["bash", str(KAFKA_SH), "stop", "--dir", str(tmp / "kafka")], check=False
            )

    table = Table(
        title=f"Throughput through Kafka, {args.articles} articles, best of {args.repeat}, "
        f"{os.cpu_count()} cores shared with the broker"
    )
    for column in (
        "workers",
        "articles out",
        "events out",
        "produce s",
        "total s",
        "articles/s",
        "speed-up",
    ):
        table.add_column(column, justify="right")
    base = results[counts[0]]["seconds"]
    for workers, r in results.items():
        table.add_row(
            str(workers),
            str(r["articles_out"]),
            str(r["events_out"]),
            f"{r['produce_seconds']:.1f}",
            f"{r['seconds']:.1f}",
            f"{args.articles / r['seconds']:.1f}",
            f"{base / r['seconds']:.2f}x",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
