"""The one HTTP client every connector uses: polite, bounded, and refusing internal addresses.

Polite: a clear User-Agent, robots.txt obeyed, at most ``per_host_concurrency`` requests and
one request start per ``per_host_interval_seconds`` per host (or the site's Crawl-delay).
Bounded: connect/read timeouts plus a total deadline per request (a server dripping one byte
per second defeats a read timeout), wire and decoded size limits (``_body``), at most
``max_redirects`` hops. Safe: only http/https; every hop's host is resolved by us and each
address checked (``_addresses``); plain-http requests are then sent to the checked address
itself, so DNS rebinding cannot swap it between check and connect. For https the certificate
check plays that role: a rebound internal address cannot present the site's certificate.

Every failure leaves as ``FetchError`` (``reason`` says which kind, see ``_failures``) or
``BlockedAddressError``; a final 4xx/5xx is returned as a response, for the caller to judge.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import random as random_module
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import urljoin

import httpx

from connectors._addresses import (
    IPNetwork,
    Resolver,
    check_addresses,
    parse_networks,
    resolve_host,
)
from connectors._body import ACCEPT_ENCODING, BoundedBody
from connectors._failures import fetch_failure, is_retryable
from connectors._robots import RobotsCache
from streams.errors import FetchError
from streams.settings import Settings

__all__ = ["DEFAULT_LIMITS", "ClientLimits", "HttpResponse", "PoliteClient", "Sleep"]

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientLimits:
    """Timeouts (seconds), sizes (bytes), retries and politeness of a ``PoliteClient``."""

    connect_timeout_seconds: float = 10.0
    read_timeout_seconds: float = 20.0
    total_timeout_seconds: float = 60.0
    max_response_bytes: int = 10 * 1024 * 1024
    max_decoded_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 30.0
    max_retry_after_seconds: float = 10.0
    per_host_concurrency: int = 2
    per_host_interval_seconds: float = 1.0
    max_crawl_delay_seconds: float = 30.0
    max_connections: int = 64
    respect_robots: bool = True
    robots_ttl_seconds: float = 3600.0
    robots_retry_seconds: float = 600.0


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpResponse:
    """A final response: ``url`` after redirects, lower-cased ``headers``, decoded ``content``.

    ``truncated`` is true when the server closed early on the last allowed attempt and
    ``content`` holds what arrived; 3xx/4xx/5xx responses carry no content.
    """

    url: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    content: bytes = b""
    redirects: tuple[str, ...] = ()
    truncated: bool = False

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def retry_after_seconds(self) -> float | None:
        """Retry-After as seconds, from either delta-seconds or an HTTP date."""
        value = self.headers.get("retry-after", "").strip()
        if not value:
            return None
        if value.isdigit():
            return float(value)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())


@dataclass(slots=True)
class _HostSlot:
    semaphore: asyncio.Semaphore
    interval: float
    next_start: float = 0.0


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    headers: dict[str, str]
    content: bytes
    truncated: bool


class PoliteClient:
    """GET with politeness, limits and address checks; one per process, closed on shutdown.

    ``allow_private_addresses`` (``BACKCHANNEL_ALLOW_PRIVATE_ADDRESSES``) turns the address
    check off; ``allowed_networks`` admits only the given networks (e.g. ``127.0.0.1/32`` for
    a local test server) while everything else stays blocked. ``resolver``, ``sleep``,
    ``random`` and ``clock`` (monotonic seconds) are injectable for tests.
    """

    def __init__(
        self,
        *,
        user_agent: str,
        allow_private_addresses: bool = False,
        allowed_networks: Sequence[str | IPNetwork] = (),
        limits: ClientLimits | None = None,
        resolver: Resolver = resolve_host,
        sleep: Sleep = asyncio.sleep,
        random: Callable[[], float] = random_module.random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits or DEFAULT_LIMITS
        self.user_agent = user_agent
        self._allow_private = allow_private_addresses
        self._allowed = parse_networks(allowed_networks)
        self._resolve = resolver
        self._sleep = sleep
        self._random = random
        self._clock = clock
        self._hosts: dict[str, _HostSlot] = {}
        self._connections = asyncio.Semaphore(self.limits.max_connections)
        self._robots = RobotsCache(
            user_agent=user_agent,
            fetch=self._fetch_robots,
            clock=clock,
            ttl=self.limits.robots_ttl_seconds,
            retry_ttl=self.limits.robots_retry_seconds,
        )
        self._http = httpx.AsyncClient(
            headers={"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(
                self.limits.read_timeout_seconds,
                connect=self.limits.connect_timeout_seconds,
                pool=self.limits.total_timeout_seconds,
            ),
            limits=httpx.Limits(
                max_connections=self.limits.max_connections,
                max_keepalive_connections=self.limits.max_connections,
                keepalive_expiry=30.0,
            ),
            # No cookies: a feed poll must not depend on, or accumulate, per-site state.
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            follow_redirects=False,
            trust_env=False,
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, *, limits: ClientLimits | None = None
    ) -> PoliteClient:
        """The client the runtimes use: User-Agent and address policy from ``settings``."""
        return cls(
            user_agent=settings.user_agent,
            allow_private_addresses=settings.allow_private_addresses,
            limits=limits,
        )

    async def __aenter__(self) -> PoliteClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close pooled connections."""
        await self._http.aclose()

    async def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> HttpResponse:
        """GET ``url`` following redirects, retrying transient failures with backoff.

        Retries (``limits.retries``) network failures and 502/503/504, waiting
        ``backoff_base * 2**attempt`` (capped, half of it random) or a short Retry-After.
        Raises ``FetchError``/``BlockedAddressError``; other statuses are returned.
        """
        attempt = 0
        while True:
            last = attempt >= self.limits.retries
            try:
                response = await self._follow(url, headers or {}, robots=True, keep_partial=last)
            except FetchError as exc:
                if last or not is_retryable(exc):
                    raise
                delay = self._backoff(attempt)
                logger.debug("fetch retry", extra={"url": url, "error": str(exc)})
            else:
                if last or response.status not in _RETRY_STATUSES:
                    return response
                retry_after = response.retry_after_seconds
                if retry_after is not None and retry_after > self.limits.max_retry_after_seconds:
                    return response  # the server asks for a long pause: the scheduler waits
                delay = retry_after if retry_after is not None else self._backoff(attempt)
            attempt += 1
            await self._sleep(delay)

    def _backoff(self, attempt: int) -> float:
        limits = self.limits
        ceiling = min(limits.backoff_max_seconds, limits.backoff_base_seconds * 2.0**attempt)
        return ceiling / 2 + self._random() * ceiling / 2

    async def _follow(
        self, url: str, headers: Mapping[str, str], *, robots: bool, keep_partial: bool
    ) -> HttpResponse:
        visited = [url]
        current = url
        for _hop in range(self.limits.max_redirects + 1):
            target = _target(current)
            addresses = await self._check_host(target)
            if robots and self.limits.respect_robots:
                await self._check_robots(target)
            reply = await self._send(target, addresses, headers, keep_partial=keep_partial)
            location = reply.headers.get("location")
            if reply.status not in _REDIRECT_STATUSES or not location:
                return HttpResponse(
                    url=current,
                    status=reply.status,
                    headers=reply.headers,
                    content=reply.content,
                    redirects=tuple(visited[1:]),
                    truncated=reply.truncated,
                )
            following = urljoin(current, location.strip())
            if following in visited:
                chain = " -> ".join([*visited, following])
                raise fetch_failure("redirects", f"{url}: redirect loop ({chain})")
            visited.append(following)
            current = following
        raise fetch_failure(
            "redirects",
            f"{url}: more than {self.limits.max_redirects} redirects (last {current});"
            " use the final URL in the feeds file",
        )

    async def _check_host(self, target: httpx.URL) -> list[str | None]:
        """Addresses to connect to (``None``: let httpx resolve), after the address check."""
        host = target.raw_host.decode("ascii")
        port = target.port or (443 if target.scheme == "https" else 80)
        try:
            ipaddress.ip_address(host)
            addresses: Sequence[str] = [host]
        except ValueError:
            try:
                addresses = await self._resolve(host, port)
            except (OSError, UnicodeError) as exc:  # UnicodeError: a label over 63 chars
                raise fetch_failure("dns", f"{target}: cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise fetch_failure("dns", f"{target}: {host} has no addresses")
        if not self._allow_private:
            check_addresses(host, addresses, allowed_networks=self._allowed)
        if target.scheme == "https":
            return [None]
        return list(addresses[:3])  # http: connect to what was checked, trying up to three

    async def _check_robots(self, target: httpx.URL) -> None:
        origin = f"{target.scheme}://{target.netloc.decode('ascii')}"
        decision = await self._robots.check(origin, str(target))
        if decision.crawl_delay is not None:
            delay = min(decision.crawl_delay, self.limits.max_crawl_delay_seconds)
            slot = self._slot(target.host)
            slot.interval = max(self.limits.per_host_interval_seconds, delay)
        if not decision.allowed:
            raise fetch_failure("robots", f"{target}: not fetched, {decision.why}")

    async def _fetch_robots(self, url: str) -> tuple[int, bytes]:
        response = await self._follow(url, {}, robots=False, keep_partial=True)
        return response.status, response.content

    def _slot(self, host: str) -> _HostSlot:
        slot = self._hosts.get(host)
        if slot is None:
            if len(self._hosts) >= _MAX_TRACKED_HOSTS:
                now = self._clock()
                for key in [k for k, s in self._hosts.items() if s.next_start < now]:
                    if not self._hosts[key].semaphore.locked():
                        del self._hosts[key]
            slot = _HostSlot(
                asyncio.Semaphore(self.limits.per_host_concurrency),
                self.limits.per_host_interval_seconds,
            )
            self._hosts[host] = slot
        return slot

    @contextlib.asynccontextmanager
    async def _turn(self, host: str) -> AsyncIterator[None]:
        slot = self._slot(host)
        async with slot.semaphore:
            now = self._clock()
            start = max(now, slot.next_start)
            slot.next_start = start + slot.interval
            if start > now:
                await self._sleep(start - now)
            async with self._connections:
                yield

    async def _send(
        self,
        target: httpx.URL,
        addresses: list[str | None],
        headers: Mapping[str, str],
        *,
        keep_partial: bool,
    ) -> _Reply:
        total = self.limits.total_timeout_seconds
        async with self._turn(target.host):
            try:
                async with asyncio.timeout(total):
                    return await self._exchange(target, addresses, headers, keep_partial)
            except TimeoutError as exc:
                raise fetch_failure(
                    "timeout", f"{target}: no complete response within {total:g} s"
                ) from exc

    async def _exchange(
        self,
        target: httpx.URL,
        addresses: list[str | None],
        headers: Mapping[str, str],
        keep_partial: bool,
    ) -> _Reply:
        request_headers = dict(headers)
        for index, address in enumerate(addresses):
            url = target
            if address is not None:
                url = target.copy_with(host=address)
                request_headers["Host"] = target.netloc.decode("ascii")
            try:
                async with self._http.stream("GET", url, headers=request_headers) as response:
                    return await self._read(target, response, keep_partial)
            except httpx.ConnectError as exc:
                if index + 1 < len(addresses):
                    continue
                raise fetch_failure("connect", f"{target}: cannot connect: {exc}") from exc
            except httpx.TimeoutException as exc:
                kind = type(exc).__name__
                raise fetch_failure("timeout", f"{target}: {kind} after the limit") from exc
            except httpx.HTTPError as exc:
                message = f"{target}: {type(exc).__name__}: {exc}"
                raise fetch_failure("protocol", message) from exc
        raise AssertionError("no address to connect to")  # _check_host returns at least one

    async def _read(
        self, target: httpx.URL, response: httpx.Response, keep_partial: bool
    ) -> _Reply:
        headers = {name.lower(): value for name, value in response.headers.items()}
        status = response.status_code
        if status in _REDIRECT_STATUSES or status == 304 or status >= 400:
            await _drain(response)
            return _Reply(status, headers, b"", False)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limits.max_response_bytes:
            raise fetch_failure(
                "too_large",
                f"{target}: Content-Length {declared} exceeds {self.limits.max_response_bytes}"
                " bytes; not downloaded (raise ClientLimits.max_response_bytes if legitimate)",
            )
        body = BoundedBody(
            headers.get("content-encoding", ""),
            url=str(target),
            max_wire_bytes=self.limits.max_response_bytes,
            max_decoded_bytes=self.limits.max_decoded_bytes,
        )
        truncated = False
        try:
            async for chunk in response.aiter_raw():
                body.feed(chunk)
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            if not keep_partial or body.wire_bytes == 0:
                raise fetch_failure(
                    "truncated", f"{target}: body cut off after {body.wire_bytes} bytes: {exc}"
                ) from exc
            truncated = True
        return _Reply(status, headers, body.finish(), truncated)


async def _drain(response: httpx.Response) -> None:
    """Read a small unwanted body so the connection can be reused; a big one closes it."""
    declared = response.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > _MAX_DRAIN_BYTES:
        return  # unknown or large: closing costs less than reading
    async for _chunk in response.aiter_raw():
        pass


def _target(url: str) -> httpx.URL:
    try:
        target = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise fetch_failure("bad_url", f"{url!r} is not a valid URL: {exc}") from exc
    if target.scheme not in ("http", "https") or not target.host:
        raise fetch_failure("bad_url", f"{url!r}: only http:// and https:// URLs are fetched")
    return target.copy_with(fragment=None)


_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({502, 503, 504})
_MAX_TRACKED_HOSTS = 4096
_MAX_DRAIN_BYTES = 64 * 1024
DEFAULT_LIMITS = ClientLimits()
