"""Alert delivery against a real Prometheus Alertmanager (Debian's ``prometheus-alertmanager``).

Why a real one: what matters is that Alertmanager accepts our v2 payload (label names, time
format, URI check), keeps the annotations in Arabic and Persian as sent, and dedups a re-sent
alert by its labels; a fake would only repeat our own assumptions. Each test reads alerts back
through ``GET /api/v2/alerts``. A missing binary skips (with how to install it), except with
``CI=true``, where it fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from agents.alerts import alert_id
from connectors.sinks import AlertmanagerSink, DeliveryPolicy
from streams.records import Alert, AlertKind, Severity
from streams.state import StateStore

pytestmark = pytest.mark.prometheus

BINARY = "prometheus-alertmanager"
_READY_TIMEOUT_S = 30.0
_STOP_TIMEOUT_S = 10.0
_CONFIG = """\
route:
  receiver: blackhole
  group_by: [alertname]
receivers:
  - name: blackhole
"""
# Short steps so a test that waits for Alertmanager to come up is not slowed by the backoff.
_QUICK = DeliveryPolicy(base_delay=0.05, max_delay=0.5, flush_timeout=0.0)


def _binary() -> str:
    found = shutil.which(BINARY) or (
        f"/usr/bin/{BINARY}" if Path(f"/usr/bin/{BINARY}").is_file() else None
    )
    if found is None:
        reason = f"{BINARY} not found on PATH"
        if os.environ.get("CI") == "true":
            pytest.fail(f"Alertmanager unavailable: {reason}", pytrace=False)
        pytest.skip(
            f"Alertmanager unavailable: {reason}; `apt-get install prometheus-alertmanager` to enable"
        )
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _alertmanager(workdir: Path, port: int) -> Iterator[str]:
    """Run Alertmanager on 127.0.0.1:``port`` until the block ends; yield its base URL."""
    binary = _binary()
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "alertmanager.yml"
    config.write_text(_CONFIG, encoding="utf-8")
    log = (workdir / "alertmanager.log").open("wb")
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.path={workdir / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + _READY_TIMEOUT_S
        while True:
            if process.poll() is not None:
                tail = (workdir / "alertmanager.log").read_text(errors="replace")[-2000:]
                pytest.fail(
                    f"Alertmanager exited with {process.returncode}:\n{tail}", pytrace=False
                )
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/-/ready", timeout=1.0).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"Alertmanager not ready on {url} after {_READY_TIMEOUT_S}s", pytrace=False
                )
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def alertmanager(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One Alertmanager for the session; tests tell their alerts apart by ``alert_id``."""
    with _alertmanager(tmp_path_factory.mktemp("alertmanager"), _free_port()) as url:
        yield url


def _alert(
    subject: str,
    *,
    kind: AlertKind = AlertKind.CONTACT_NEW_PAIR,
    severity: Severity = Severity.WARNING,
    summary: str | None = None,
    evidence: str = "گفت‌وگوی تلفنی وزیران خارجه دو کشور",
) -> Alert:
    return Alert(
        alert_id=alert_id(kind, subject),
        kind=kind,
        severity=severity,
        summary=summary or f"First contact: {subject}",
        evidence=evidence,
        lang="fa",
        links=("https://news.example.org/fa/1",),
        docs=("doc-fa-1",),
        labels=(("kind", kind.value), ("severity", severity.value), ("type", "phone_call")),
        fetched_at=datetime.now(UTC),
        subject_id=subject,
    )


def _read_back(url: str, alert: Alert) -> list[dict[str, object]]:
    response = httpx.get(
        f"{url}/api/v2/alerts", params={"filter": f'alert_id="{alert.alert_id}"'}, timeout=5.0
    )
    response.raise_for_status()
    found: list[dict[str, object]] = response.json()
    return found


class _Failures:
    """Metrics that let a test wait until the sink has seen Alertmanager down."""

    def __init__(self) -> None:
        self.reasons: list[str] = []
        self.seen = asyncio.Event()
        self.delivered_count = 0

    def delivered(self, sink: str, count: int) -> None:
        self.delivered_count += count

    def failed(self, sink: str, reason: str) -> None:
        self.reasons.append(reason)
        self.seen.set()

    def suppressed(self, sink: str, reason: str) -> None:
        pass

    def deferred(self, sink: str, kind: AlertKind) -> None:
        pass

    def outbox_size(self, sink: str, size: int) -> None:
        pass


@pytest.mark.asyncio
async def test_alerts_arrive_with_labels_and_annotations(alertmanager: str) -> None:
    pair = _alert("ir-fm|om-fm", evidence="اتصال هاتفي بين وزيري الخارجية")
    actor = _alert(
        "role:foreign_minister:SYR",
        kind=AlertKind.ACTOR_NEW,
        severity=Severity.CRITICAL,
        summary="New actor: foreign minister (SYR), not in the knowledge base",
    )
    async with AlertmanagerSink(alertmanager, outbox={}) as sink:
        await sink.add(pair)
        await sink.add(actor)
        assert await sink.drain(30)

    (got,) = _read_back(alertmanager, pair)
    assert got["labels"] == {
        "alertname": "backchannel_contact_new_pair",
        "kind": "contact.new_pair",
        "severity": "warning",
        "type": "phone_call",
        "alert_id": pair.alert_id,
    }
    annotations = got["annotations"]
    assert isinstance(annotations, dict)
    assert annotations["summary"] == pair.summary
    assert annotations["evidence"] == "اتصال هاتفي بين وزيري الخارجية"
    assert annotations["links"] == "https://news.example.org/fa/1"
    assert annotations["docs"] == "doc-fa-1"
    assert got["generatorURL"] == "https://news.example.org/fa/1"
    assert got["status"] == {"inhibitedBy": [], "silencedBy": [], "state": "active"}

    (got_actor,) = _read_back(alertmanager, actor)
    labels = got_actor["labels"]
    assert isinstance(labels, dict)
    assert labels["alertname"] == "backchannel_actor_new"
    assert labels["severity"] == "critical"


@pytest.mark.asyncio
async def test_a_resent_alert_is_one_alert_in_alertmanager(alertmanager: str) -> None:
    alert = _alert("ir-pres|no-pm")
    for _ in range(2):  # as after a crash between Alertmanager's answer and the outbox delete
        async with AlertmanagerSink(alertmanager, outbox={}) as sink:
            await sink.add(alert)
            assert await sink.drain(30)
    assert len(_read_back(alertmanager, alert)) == 1


@pytest.mark.asyncio
async def test_alerts_sent_while_alertmanager_is_down_arrive_once_it_starts(
    tmp_path: Path,
) -> None:
    _binary()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    alerts = [_alert(f"down-{n}") for n in range(3)]
    failures = _Failures()
    async with AlertmanagerSink(url, outbox={}, policy=_QUICK, metrics=failures) as sink:
        for alert in alerts:
            await sink.add(alert)  # returns although nothing listens on the port
        await asyncio.wait_for(failures.seen.wait(), 30)
        assert failures.reasons[0] == "unavailable"
        with _alertmanager(tmp_path / "am", port):
            assert await sink.drain(30)
            for alert in alerts:
                assert len(_read_back(url, alert)) == 1
    assert failures.delivered_count == 3


@pytest.mark.asyncio
async def test_the_outbox_carries_alerts_across_a_restart_until_alertmanager_is_up(
    tmp_path: Path,
) -> None:
    _binary()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    alerts = [_alert(f"restart-{n}") for n in range(2)]
    store = StateStore(tmp_path / "state.sqlite")
    failures = _Failures()
    async with AlertmanagerSink(
        url, outbox=store.mapping("outbox_alertmanager"), policy=_QUICK, metrics=failures
    ) as first_run:
        for alert in alerts:
            await first_run.add(alert)
        store.commit()
        await asyncio.wait_for(failures.seen.wait(), 30)
    store.close()  # the process stops with Alertmanager still down

    store = StateStore(tmp_path / "state.sqlite")
    try:
        outbox = store.mapping("outbox_alertmanager")
        assert sorted(outbox) == sorted(a.alert_id for a in alerts)
        with _alertmanager(tmp_path / "am", port):
            async with AlertmanagerSink(url, outbox=outbox, policy=_QUICK) as second_run:
                assert await second_run.drain(30)
            store.commit()
            for alert in alerts:
                assert len(_read_back(url, alert)) == 1
        assert len(outbox) == 0
    finally:
        store.close()
