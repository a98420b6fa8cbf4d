"""A real HTTP server on 127.0.0.1 with programmable routes, and client settings for it.

Routes are keyed by path and optionally by Host header, so one server plays several sites;
``resolve_test_host`` maps every ``*.test`` name to 127.0.0.1 (and a few to internal
addresses that must stay blocked). Tests register routes under ``FeedServer.prefix()``.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from connectors.http import ClientLimits, PoliteClient

REPO = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
FIXTURES = REPO / "tests" / "fixtures" / "connectors"
CORPUS_FEEDS = REPO.parent / "shared" / "corpus" / "feeds"
USER_AGENT = "backchannel-test/1.0 (+https://example.invalid/bot)"
# A handler never waits longer than this, so a broken test cannot hang the session.
_MAX_DELAY_SECONDS = 30.0


@dataclass(frozen=True)
class Request:
    """One request as the server saw it (header names lower-cased)."""

    host: str
    path: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Reply:
    """What to answer: status, headers, body; optionally late, cut short, or without length."""

    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    truncate_to: int | None = None  # announce len(body), send this many bytes, close
    chunked: bool = False  # no Content-Length: the body ends when the connection closes


Route = Reply | Callable[[Request], Reply]
ClientFactory = Callable[..., PoliteClient]


@dataclass
class FeedServer:
    """The running server: register routes, build URLs, read the request log."""

    port: int = 0
    routes: dict[tuple[str | None, str], Route] = field(default_factory=dict)
    log: list[Request] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def prefix(self) -> str:
        """A fresh path prefix, so tests sharing the server never share routes."""
        return f"/t-{uuid.uuid4().hex[:10]}"

    def route(self, path: str, reply: Route, *, host: str | None = None) -> None:
        with self.lock:
            self.routes[(host, path)] = reply

    def requests(self, path: str) -> list[Request]:
        with self.lock:
            return [r for r in self.log if r.path.split("?")[0] == path]

    def find(self, request: Request) -> Route | None:
        path = request.path.split("?")[0]
        with self.lock:
            self.log.append(request)
            return self.routes.get((request.host, path)) or self.routes.get((None, path))


def conditional(body: bytes, *, etag: str | None, last_modified: str | None, **kw: object) -> Route:
    """A route serving ``body`` that answers 304 to a matching conditional request."""
    headers = [("Content-Type", "application/rss+xml")]
    if etag:
        headers.append(("ETag", etag))
    if last_modified:
        headers.append(("Last-Modified", last_modified))

    def answer(request: Request) -> Reply:
        if etag and request.headers.get("if-none-match") == etag:
            return Reply(status=304, headers=(("ETag", etag),))
        if last_modified and request.headers.get("if-modified-since") == last_modified:
            return Reply(status=304)
        return Reply(body=body, headers=tuple(headers), **kw)  # type: ignore[arg-type]

    return answer


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=9)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the request log is kept in FeedServer.log."""

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]")
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request(host=host, path=self.path, headers=headers)
        route = self.server.state.find(request)
        if route is None:
            reply = Reply(status=404, body=b"not found")
        else:
            reply = route(request) if callable(route) else route
        # The client may give up (timeout, size limit): that is what some tests check.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer(reply)

    def _answer(self, reply: Reply) -> None:
        if reply.delay and self.server.state.stopping.wait(min(reply.delay, _MAX_DELAY_SECONDS)):
            return
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.chunked:
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if reply.status == 304:
            return
        body = reply.body if reply.truncate_to is None else reply.body[: reply.truncate_to]
        for start in range(0, len(body), 65536):
            self.wfile.write(body[start : start + 65536])
        self.wfile.flush()
        if reply.truncate_to is not None:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: FeedServer


def start_server() -> tuple[FeedServer, Callable[[], None]]:
    """Start a server on 127.0.0.1 (a free port); returns its state and a stop function."""
    server = _Server(("127.0.0.1", 0), _Handler)
    state = FeedServer(port=server.server_address[1])
    server.state = state
    thread = threading.Thread(target=server.serve_forever, name="feed-server", daemon=True)
    thread.start()

    def stop() -> None:
        state.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return state, stop


async def resolve_test_host(host: str, port: int) -> list[str]:
    """Every ``*.test`` name is this machine; names a test maps elsewhere come from the host."""
    if host in RESOLVER_TABLE:
        return list(RESOLVER_TABLE[host])
    if host.endswith(".test"):
        return ["127.0.0.1"]
    raise socket.gaierror(socket.EAI_NONAME, f"{host}: Name or service not known")


RESOLVER_TABLE: dict[str, tuple[str, ...]] = {
    "intranet.test": ("10.0.0.7",),
    "metadata.test": ("169.254.169.254",),
    "mixed.test": ("127.0.0.1", "192.168.1.20"),
    "six.test": ("::1",),
}

TEST_LIMITS = ClientLimits(
    connect_timeout_seconds=2.0,
    read_timeout_seconds=2.0,
    total_timeout_seconds=5.0,
    retries=0,
    backoff_base_seconds=0.0,
    per_host_interval_seconds=0.0,
    per_host_concurrency=8,
    max_response_bytes=1_000_000,
    max_decoded_bytes=2_000_000,
)


@dataclass
class Sleeps:
    """An injected ``sleep`` that records the requested delays and returns at once."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def rss(items: list[dict[str, str]], *, title: str = "Test wire", lang: str = "en") -> bytes:
    """An RSS 2.0 document with ``items`` (keys: guid, title, link, description, pubDate)."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>{title}</title><link>http://news.test/</link><language>{lang}</language>",
    ]
    for item in items:
        fields = "".join(f"<{key}>{value}</{key}>" for key, value in item.items())
        parts.append(f"<item>{fields}</item>")
    parts.append("</channel></rss>\n")
    return "\n".join(parts).encode("utf-8")


def story(number: int, *, words: int = 80) -> dict[str, str]:
    """A generated English item whose description is long enough not to need its page."""
    body = " ".join(
        f"Delegates met for round {number} of the talks, sentence {i}." for i in range(words // 10)
    )
    return {
        "guid": f"http://news.test/story/{number}",
        "title": f"Talks resume, round {number}",
        "link": f"http://news.test/story/{number}",
        "description": body,
        "pubDate": f"Mon, 06 May 2024 {number % 24:02d}:00:00 GMT",
    }
