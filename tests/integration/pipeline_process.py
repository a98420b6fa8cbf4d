"""Run real ``backchannel`` processes against the test broker and read topics back.

Shared by the Kafka integration tests: a ``WorkerProcess`` (a real ``backchannel worker``
subprocess, stopped in ``finally``), ``ingest`` (the real ``backchannel ingest`` command) and
``read_topic`` (a real aiokafka consumer, bounded by a deadline so a missing message fails the
test instead of hanging it).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer

REPO = Path(__file__).resolve().parents[2]


def pipeline_env(broker: str, prefix: str, state_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for a backchannel subprocess bound to this test's topics and state."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCHANNEL_")}
    env.update(
        BACKCHANNEL_BROKER=f"kafka://{broker}",
        BACKCHANNEL_TOPIC_PREFIX=prefix,
        BACKCHANNEL_STATE_DIR=str(state_dir),
        BACKCHANNEL_METRICS_PORT="0",
        BACKCHANNEL_LOG_LEVEL="INFO",
        PYTHONPATH=str(REPO),
    )
    env.update(extra)
    return env


def unique_prefix() -> str:
    """A topic prefix no other test uses, so tests never read each other's messages."""
    return f"t{uuid.uuid4().hex[:8]}."


@dataclass
class WorkerProcess:
    """A running ``backchannel worker``; its stderr goes to ``log``."""

    env: dict[str, str]
    log: Path
    cwd: Path
    proc: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def start(self) -> WorkerProcess:
        self._log_file = self.log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streams", "worker"],
            env=self.env,
            cwd=self.cwd,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log_file.close()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def ingest(
    env: dict[str, str], paths: Sequence[Path | str], cwd: Path, stdin: bytes | None = None
) -> str:
    """Run ``backchannel ingest PATHS``; returns its stderr. Fails loudly on a non-zero exit."""
    result = subprocess.run(
        [sys.executable, "-m", "streams", "ingest", *map(str, paths)],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"ingest failed ({result.returncode}): {result.stderr.decode()[-2000:]}"
        )
    return result.stderr.decode()


@dataclass(frozen=True)
class Message:
    """A consumed message: key, value bytes, headers."""

    key: bytes | None
    value: bytes
    headers: dict[str, bytes]
    partition: int


async def _read(
    broker: str,
    topics: list[str],
    until: Callable[[dict[str, list[Message]]], bool],
    timeout: float,
    settle: float = 0.0,
) -> dict[str, list[Message]]:
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=broker,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        metadata_max_age_ms=1000,
    )
    await consumer.start()
    seen: dict[str, list[Message]] = {t: [] for t in topics}
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    try:
        while time.monotonic() < deadline:
            if until(seen):
                # Keep reading until nothing new arrived for ``settle`` seconds.
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= settle:
                    break
            batch = await consumer.getmany(timeout_ms=500)
            if any(batch.values()):
                quiet_since = None
            for tp, records in batch.items():
                for r in records:
                    seen[tp.topic].append(
                        Message(r.key, r.value, dict(r.headers or ()), tp.partition)
                    )
    finally:
        await consumer.stop()
    return seen


def read_topics(
    broker: str,
    topics: list[str],
    until: Callable[[dict[str, list[Message]]], bool],
    timeout: float = 90.0,
    settle: float = 0.0,
) -> dict[str, list[Message]]:
    """Consume ``topics`` from the start until ``until(seen)`` holds and ``settle`` s pass quietly."""
    return asyncio.run(_read(broker, topics, until, timeout, settle))



def decode_all(cls: type, messages: list[Message]) -> list[Any]:
    from streams.codec import decode

    return [decode(cls, m.value) for m in messages]
