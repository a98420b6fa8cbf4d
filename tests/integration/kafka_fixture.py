"""Pytest plugin providing a real, throwaway Apache Kafka broker.

Load it with ``pytest_plugins = ["tests.integration.kafka_fixture"]`` (or
``-p tests.integration.kafka_fixture``).

Why a real broker: the pipeline's behaviour depends on Kafka semantics that
fakes get subtly wrong (consumer-group rebalances, partitioning, offsets), so
integration tests talk to an actual single-node KRaft broker started by
``deploy/kafka/kafka.sh`` from Maven Central jars.

Why skip instead of fail on developer machines: not everyone has Java and
Maven installed, and an integration suite that fails for environmental
reasons gets ignored. CI (``CI=true``) must have the toolchain, so there a
missing broker is a hard failure rather than a silently skipped suite.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Coroutine, Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn, Protocol, TypeVar

import pytest

__all__ = [
    "BROKER_ID",
    "KAFKA_SH",
    "TopicFactory",
    "in_ci",
    "kafka_broker",
    "run_sync",
    "topic_factory",
    "unavailable",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
KAFKA_SH = REPO_ROOT / "deploy" / "kafka" / "kafka.sh"

#: ``node.id`` written by kafka.sh; tests can assert it shows up in metadata.
BROKER_ID = 1

# Generous: a cold start may first download ~45 MB of jars through Maven.
_START_TIMEOUT_S = 900.0
_STOP_TIMEOUT_S = 60.0
_TOPIC_READY_TIMEOUT_S = 15.0
_ADDR_RE = re.compile(r"^127\.0\.0\.1:\d+$")

_T = TypeVar("_T")


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``kafka`` marker so ``-m kafka`` / ``-m "not kafka"`` work
    without warnings even if the project config does not declare it."""
    config.addinivalue_line("markers", "kafka: needs a real Kafka broker (kafka_broker fixture)")


def in_ci() -> bool:
    """True on CI, where missing infrastructure must fail loudly."""
    return os.environ.get("CI") == "true"


def unavailable(reason: str) -> NoReturn:
    """Fail (CI) or skip (elsewhere) because a Kafka prerequisite is missing."""
    if in_ci():
        pytest.fail(f"Kafka broker unavailable: {reason}", pytrace=False)
    pytest.skip(
        f"Kafka broker unavailable: {reason}; install Java 17 + Maven and run "
        "`bash deploy/kafka/kafka.sh fetch` to enable"
    )


def _java_available() -> bool:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return True
    return shutil.which("java") is not None


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _stop_broker(broker_dir: Path) -> None:
    """Stop the broker; never raises, so it cannot mask a test failure."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(
            ["bash", str(KAFKA_SH), "stop", "--dir", str(broker_dir)],
            capture_output=True,
            text=True,
            timeout=_STOP_TIMEOUT_S,
            check=False,
        )


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Bootstrap address (``"127.0.0.1:PORT"``) of a broker shared by the session.

    Session scope because a JVM broker takes seconds to start; tests isolate
    themselves with unique topic names (see ``topic_factory``) instead of a
    fresh broker each. ``--watch-pid`` makes the broker exit if this pytest
    process dies without running the teardown.
    """
    if shutil.which("bash") is None:
        unavailable("bash not found")
    if not _java_available():
        unavailable("java not found on PATH or in JAVA_HOME (Java 17+ required)")
    if not KAFKA_SH.is_file():
        unavailable(f"{KAFKA_SH} is missing")

    broker_dir = tmp_path_factory.mktemp("kafka-broker")
    env = dict(os.environ)
    # The readiness probe should use this interpreter: it has aiokafka.
    env.setdefault("BACKCHANNEL_PYTHON", sys.executable)
    cmd = [
        "bash",
        str(KAFKA_SH),
        "start",
        "--dir",
        str(broker_dir),
        "--watch-pid",
        str(os.getpid()),
    ]
    try:
        reason: str | None = None
        address = ""
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=_START_TIMEOUT_S,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired:
            reason = f"`kafka.sh start` did not finish within {_START_TIMEOUT_S:.0f}s"
        except OSError as exc:
            reason = f"could not run kafka.sh: {exc}"
        else:
            stdout_lines = proc.stdout.strip().splitlines()
            address = stdout_lines[-1].strip() if stdout_lines else ""
            if proc.returncode != 0 or not _ADDR_RE.match(address):
                reason = f"`kafka.sh start` exited with {proc.returncode}:\n{_tail(proc.stderr)}"
        if reason is not None:
            unavailable(reason)
        yield address
    finally:
        _stop_broker(broker_dir)


def run_sync(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coro`` to completion from synchronous code.

    Uses ``asyncio.run`` normally. If the caller already runs inside an event
    loop (an async test), ``asyncio.run`` would raise, so the coroutine runs
    on a private loop in a worker thread instead.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)

    outcome: dict[str, Any] = {}

    def worker() -> None:
        try:
            outcome["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the calling thread
            outcome["error"] = exc

    thread = threading.Thread(target=worker, name="kafka-fixture-loop")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    value: _T = outcome["value"]
    return value


class TopicFactory(Protocol):
    """Creates a uniquely named topic and returns its name."""

    def __call__(
        self,
        partitions: int = 1,
        *,
        prefix: str = "test",
        configs: Mapping[str, str] | None = None,
    ) -> str: ...


async def _create_topic(
    bootstrap: str,
    name: str,
    partitions: int,
    configs: Mapping[str, str] | None,
) -> None:
    # Imported lazily so merely loading the plugin does not need aiokafka.
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import for_code

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        response = await admin.create_topics(
            [
                NewTopic(
                    name=name,
                    num_partitions=partitions,
                    replication_factor=1,
                    topic_configs=dict(configs or {}),
                )
            ]
        )
        for topic_error in response.to_object()["topic_errors"]:
            if topic_error["error_code"] != 0:
                raise for_code(topic_error["error_code"])(
                    f"creating topic {name!r}: {topic_error.get('error_message')}"
                )
        # Wait for leaders so the first produce/fetch does not race the
        # controller; otherwise tests see sporadic retriable errors.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _TOPIC_READY_TIMEOUT_S
        while True:
            described = await admin.describe_topics([name])
            parts = described[0]["partitions"] if described else []
            if (
                described
                and described[0]["error_code"] == 0
                and len(parts) == partitions
                and all(p["leader"] >= 0 for p in parts)
            ):
                return
            if loop.time() > deadline:
                raise TimeoutError(f"topic {name!r} has no leaders after creation")
            await asyncio.sleep(0.1)
    finally:
        await admin.close()


@pytest.fixture
def topic_factory(kafka_broker: str) -> TopicFactory:
    """Factory for fresh topics on the session broker.

    Random names keep tests independent while sharing one broker: no test
    sees another's records or committed offsets. Topics are not deleted
    afterwards; the broker and its data directory are thrown away at the end
    of the session anyway.
    """

    def create(
        partitions: int = 1,
        *,
        prefix: str = "test",
        configs: Mapping[str, str] | None = None,
    ) -> str:
        if partitions < 1:
            raise ValueError(f"partitions must be >= 1, got {partitions}")
        name = f"{prefix}-{uuid.uuid4().hex[:12]}"
        run_sync(_create_topic(kafka_broker, name, partitions, configs))
        return name

    return create
