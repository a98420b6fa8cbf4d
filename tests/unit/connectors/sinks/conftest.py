"""A real, scriptable HTTP server on 127.0.0.1 and a fake clock for the alert sink tests.

The server is stdlib ``http.server`` in a thread (as httpx's test suite runs uvicorn): the
sinks' real httpx client talks to it over a socket, so only time is faked, never the network.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agents.alerts import alert_id
from streams.records import Alert, AlertKind, Severity

# A safety net so a broken test cannot leave a handler thread waiting for ever.
_HANG_LIMIT_SECONDS = 30.0


@dataclass(frozen=True)
class Reply:
    """What the server answers to one request."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    hang: bool = False


@dataclass(frozen=True)
class Request:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class ScriptedServer:
    """Answers POSTs from a script of replies, then with ``default``; records every request."""

    url: str = ""
    default: Reply = field(default_factory=Reply)
    script: deque[Reply] = field(default_factory=deque)
    requests: list[Request] = field(default_factory=list)
    hanging: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(
        self, times: int, status: int = 503, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        """Answer the next ``times`` requests with ``status``."""
        self.script.extend(Reply(status=status, headers=headers) for _ in range(times))

    def hang_next(self) -> None:
        """Hold the next request open until ``release`` is set."""
        self.script.append(Reply(hang=True))

    def next_reply(self) -> Reply:
        with self.lock:
            return self.script.popleft() if self.script else self.default


def _handler(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with server.lock:
                server.requests.append(
                    Request(
                        "POST",
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                    )
                )
            reply = server.next_reply()
            if reply.hang:
                server.hanging.set()
                server.release.wait(_HANG_LIMIT_SECONDS)
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean; requests are recorded on the server object

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hung up (a sink cancelled on close) is expected; anything else is not.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@pytest.fixture()
def http_server() -> Iterator[ScriptedServer]:
    """A fresh scripted server per test, shut down in ``finally``."""
    state = ScriptedServer()
    httpd = _Server(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(
        target=httpd.serve_forever, args=(0.05,), name="scripted-http", daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps; records each sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@pytest.fixture()
def fake_time() -> FakeTime:
    return FakeTime()


class RecordingMetrics:
    """A ``DeliveryMetrics`` that keeps every call, for assertions."""

    def __init__(self) -> None:
        self.delivered_count = 0
        self.failures: list[str] = []
        self.suppressions: list[str] = []
        self.deferrals: list[AlertKind] = []
        self.outbox_sizes: list[int] = []

    def delivered(self, sink: str, count: int) -> None:
        self.delivered_count += count

    def failed(self, sink: str, reason: str) -> None:
        self.failures.append(reason)

    def suppressed(self, sink: str, reason: str) -> None:
        self.suppressions.append(reason)

    def deferred(self, sink: str, kind: AlertKind) -> None:
        self.deferrals.append(kind)

    def outbox_size(self, sink: str, size: int) -> None:
        self.outbox_sizes.append(size)


@pytest.fixture()
def metrics() -> RecordingMetrics:
    return RecordingMetrics()


FETCHED = datetime(2024, 5, 2, 9, 30, tzinfo=UTC)


def _make_alert(
    n: int,
    *,
    kind: AlertKind = AlertKind.EVENT_NEW,
    severity: Severity = Severity.INFO,
    labels: tuple[tuple[str, str], ...] = (),
) -> Alert:
    """Alert number ``n`` of ``kind``, with a deterministic id as the alerts core makes."""
    subject = f"subject-{n}"
    return Alert(
        alert_id=alert_id(kind, subject),
        kind=kind,
        severity=severity,
        summary=f"Test alert {n}",
        evidence="اتصل الوزيران هاتفياً لبحث التطورات",
        lang="ar",
        links=(f"https://news.example.org/a/{n}",),
        docs=(f"doc-{n}",),
        labels=tuple(
            sorted({"kind": kind.value, "severity": severity.value, **dict(labels)}.items())
        ),
        fetched_at=FETCHED,
        subject_id=subject,
    )


@pytest.fixture()
def make_alert() -> Callable[..., Alert]:
    """``make_alert(n, kind=..., severity=..., labels=...)``: alert number ``n``."""
    return _make_alert
