"""robots.txt decisions per origin, fetched through the polite client and cached with a TTL.

Status handling follows RFC 9309 section 2.3.1: a 2xx body is obeyed; 4xx means "no rules"
(allow all; unlike ``urllib.robotparser.read``, which treats 401/403 as disallow-all); a 5xx,
429 or a network failure means "unreachable", which the RFC says to treat as disallow-all. An
unreachable robots.txt is retried after a shorter TTL so a flapping server does not silence a
source for the full TTL.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

from streams.errors import FetchError

__all__ = ["RobotsCache", "RobotsDecision", "RobotsFetch"]

logger = logging.getLogger(__name__)

RobotsFetch = Callable[[str], Awaitable[tuple[int, bytes]]]
"""Fetch ``url`` and return ``(status, body)``; raises ``FetchError`` when unreachable."""

_MAX_CACHED_ORIGINS = 4096
_DISALLOW_ALL = ("User-agent: *", "Disallow: /")


@dataclass(frozen=True, slots=True)
class RobotsDecision:
    """Whether a URL may be fetched, why not, and the site's crawl delay (seconds) if any."""

    allowed: bool
    why: str = ""
    crawl_delay: float | None = None


@dataclass(slots=True)
class _Entry:
    parser: RobotFileParser
    expires: float
    why: str


class RobotsCache:
    """One robots.txt per origin (``scheme://host:port``), refreshed after ``ttl`` seconds."""

    def __init__(
        self,
        *,
        user_agent: str,
        fetch: RobotsFetch,
        clock: Callable[[], float],
        ttl: float,
        retry_ttl: float,
    ) -> None:
        self._agent = user_agent
        self._fetch = fetch
        self._clock = clock
        self._ttl = ttl
        self._retry_ttl = retry_ttl
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, origin: str, url: str) -> RobotsDecision:
        """The decision for ``url``, whose origin (``scheme://netloc``) is ``origin``."""
        entry = self._entries.get(origin)
        if entry is None or entry.expires <= self._clock():
            lock = self._locks.setdefault(origin, asyncio.Lock())
            async with lock:  # one fetch per origin even when many feeds start together
                entry = self._entries.get(origin)
                if entry is None or entry.expires <= self._clock():
                    entry = await self._load(origin)
                    self._store(origin, entry)
        allowed = entry.parser.can_fetch(self._agent, url)
        delay = entry.parser.crawl_delay(self._agent)
        return RobotsDecision(
            allowed=allowed,
            why="" if allowed else entry.why,
            crawl_delay=float(delay) if delay is not None else None,
        )

    async def _load(self, origin: str) -> _Entry:
        url = f"{origin}/robots.txt"
        parser = RobotFileParser(url)
        now = self._clock()
        try:
            status, body = await self._fetch(url)
        except FetchError as exc:
            parser.parse(_DISALLOW_ALL)
            logger.info("robots.txt unreachable", extra={"url": url, "error": str(exc)})
            return _Entry(parser, now + self._retry_ttl, f"{url} is unreachable ({exc})")
        if 200 <= status < 300:
            parser.parse(body.decode("utf-8", errors="replace").splitlines())
            return _Entry(parser, now + self._ttl, f"disallowed by {url}")
        if 400 <= status < 500 and status != 429:
            parser.parse([])  # no rules; parse() also marks the parser as read
            return _Entry(parser, now + self._ttl, "")
        parser.parse(_DISALLOW_ALL)
        return _Entry(parser, now + self._retry_ttl, f"{url} answered HTTP {status}")

    def _store(self, origin: str, entry: _Entry) -> None:
        if len(self._entries) >= _MAX_CACHED_ORIGINS:
            now = self._clock()
            for key in [k for k, e in self._entries.items() if e.expires <= now]:
                del self._entries[key]
                self._locks.pop(key, None)
        self._entries[origin] = entry
