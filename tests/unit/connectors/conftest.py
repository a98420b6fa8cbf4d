"""Fixtures for connector tests: a real HTTP server on 127.0.0.1 and clients pointed at it.

Connectors talk to the server (``feedserver.py``, stdlib ``ThreadingHTTPServer`` in a thread,
session-scoped as httpx's test suite runs uvicorn) over real sockets, never through a mock
transport. The clients resolve every ``*.test`` name to 127.0.0.1 through an injected
resolver and may reach 127.0.0.1/32 only: every other private address stays blocked, so the
address checks are exercised honestly. Only ``sleep`` is faked (retries return at once).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from feedserver import (
    TEST_LIMITS,
    USER_AGENT,
    ClientFactory,
    FeedServer,
    Sleeps,
    resolve_test_host,
    start_server,
)

from connectors.http import PoliteClient


@pytest.fixture(scope="session")
def feed_server() -> Iterator[FeedServer]:
    """The session's HTTP server on 127.0.0.1 (a free port)."""
    state, stop = start_server()
    try:
        yield state
    finally:
        stop()


@pytest_asyncio.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """Build ``PoliteClient``s for the test server (loopback 127.0.0.1 allowed); closed after."""
    clients: list[PoliteClient] = []

    def build(**overrides: object) -> PoliteClient:
        options: dict[str, object] = {
            "user_agent": USER_AGENT,
            "allowed_networks": ("127.0.0.1/32",),
            "limits": TEST_LIMITS,
            "resolver": resolve_test_host,
            "sleep": Sleeps(),
        }
        options.update(overrides)
        client = PoliteClient(**options)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.aclose()
