"""The delivery loop every alert sink shares: outbox first, then a background worker.

Why this shape: a sink that is down must neither block the pipeline nor lose alerts. ``add``
writes the alert to the outbox (a ``MutableMapping[str, bytes]`` keyed by alert id: a SQLite
table in the embedded runtime, a table or the committed offset in the Kafka runtime) and puts
it on a bounded in-memory queue, then returns without awaiting the network. One background task
drains the queue: it paces each alert kind with a token bucket, POSTs, retries transient
failures with exponential backoff and jitter for as long as it takes, and deletes an alert from
the outbox only once the sink has accepted it. The outbox, not the queue, is the truth: when the
queue is full, or after a restart, the worker refills the queue from the outbox.

Delivery is at least once: a crash between the sink's answer and the outbox delete re-sends the
alert, which receivers drop by alert id (Alertmanager's ``alert_id`` label, the webhook's
``Idempotency-Key``). Order is best effort: alerts go out in arrival order, except that alerts
held back by the rate limit or recovered from the outbox after a restart may go out later.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
import random as _random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from datetime import UTC, datetime
from types import TracebackType

import httpx

from connectors.base import Sink
from connectors.sinks._http import DeliveryFailure, post
from connectors.sinks._metrics import DeliveryMetrics, NullDeliveryMetrics
from connectors.sinks._policy import DEFAULT_POLICY, DeliveryPolicy, backoff_delay
from connectors.sinks._ratelimit import KindRateLimiter
from streams.codec import decode, encode
from streams.errors import RecordError
from streams.records import SEVERITY_RANK, Alert, AlertKind

__all__ = ["DEFAULT_USER_AGENT", "AlertSink", "Clock", "Now", "Sleep", "utcnow"]

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "backchannel/0.1 (alert delivery)"

Sleep = Callable[[float], Awaitable[None]]
"""Waits the given seconds; tests inject one that records the delay and returns at once."""
Clock = Callable[[], float]
"""Monotonic seconds, for the rate limiter."""
Now = Callable[[], datetime]
"""Timezone-aware wall-clock time, for timestamps sent to the sink."""


def utcnow() -> datetime:
    """The default ``Now``: the current UTC time."""
    return datetime.now(UTC)


class AlertSink(Sink[Alert], abc.ABC):
    """An HTTP alert sink with an outbox, retries, a per-kind rate limit and a severity floor.

    Lifecycle: ``await sink.start()`` (or ``async with sink:``) starts the worker and re-sends
    whatever an earlier run left in ``outbox``; ``await sink.add(alert)`` returns at once;
    ``await sink.close()`` waits up to ``policy.flush_timeout`` for delivery, then stops the
    worker, leaving undelivered alerts in the outbox for the next start. Alerts added before
    ``start`` are kept and sent once it runs. Subclasses only say how a batch becomes a request
    (``_request``). ``sleep``, ``random``, ``clock`` and ``now`` are injectable so tests control
    time without waiting.
    """

    def __init__(
        self,
        *,
        name: str,
        outbox: MutableMapping[str, bytes],
        policy: DeliveryPolicy = DEFAULT_POLICY,
        metrics: DeliveryMetrics | None = None,
        client: httpx.AsyncClient | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        sleep: Sleep = asyncio.sleep,
        random: Callable[[], float] = _random.random,
        clock: Clock = time.monotonic,
        now: Now = utcnow,
    ) -> None:
        self.name = name
        self.policy = policy
        self._outbox = outbox
        self._metrics: DeliveryMetrics = metrics or NullDeliveryMetrics()
        self._client = client
        self._owns_client = client is None
        self._user_agent = user_agent
        self._sleep = sleep
        self._random = random
        self._clock = clock
        self._now = now
        self._limiter = KindRateLimiter(policy.rate_limit_per_minute, policy.burst)
        self._min_rank = SEVERITY_RANK[policy.min_severity]
        self._pending: OrderedDict[str, Alert] = OrderedDict()
        self._inflight: dict[str, Alert] = {}
        self._deferred: set[str] = set()
        # Alerts whose delivery crashed (a bug): left in the outbox for the next start only.
        self._crashed: set[str] = set()
        # The outbox may hold alerts an earlier run could not deliver: look before waiting.
        self._backlog = True
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @abc.abstractmethod
    def _request(self, batch: Sequence[Alert]) -> tuple[str, bytes, Mapping[str, str]]:
        """URL, body and headers of the POST that delivers ``batch``."""

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the background worker (idempotent); it first re-sends the outbox."""
        if self._task is not None and not self._task.done():
            return
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self.policy.timeout,
                follow_redirects=False,
                headers={"User-Agent": self._user_agent},
            )
        self._task = asyncio.create_task(self._run(), name=f"alert-sink-{self.name}")

    async def __aenter__(self) -> AlertSink:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def add(self, record: Alert) -> None:
        """Store ``record`` in the outbox and queue it; never waits for the network."""
        if SEVERITY_RANK[record.severity] < self._min_rank:
            self._metrics.suppressed(self.name, "below_min_severity")
            return
        self._outbox[record.alert_id] = encode(record)
        self._metrics.outbox_size(self.name, len(self._outbox))
        self._enqueue(record)

    async def flush(self) -> None:
        """Wait up to ``policy.flush_timeout`` for everything queued to be delivered."""
        await self.drain(self.policy.flush_timeout)

    async def drain(self, timeout: float | None) -> bool:
        """Wait until nothing is queued or in flight; False if ``timeout`` seconds pass first.

        A sink that was never started cannot deliver: this returns whether its outbox is empty.
        """
        if self._task is None or self._task.done():
            return len(self._outbox) == 0
        try:
            async with asyncio.timeout(timeout):
                await self._idle.wait()
        except TimeoutError:
            logger.warning(
                "alerts still undelivered",
                extra={"sink": self.name, "outbox": len(self._outbox), "timeout_seconds": timeout},
            )
            return False
        return True

    async def close(self) -> None:
        """Flush (bounded), stop the worker and release the HTTP client; the outbox stays."""
        if self._task is not None:
            await self.flush()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._client is not None and self._owns_client:
            await self._client.aclose()
            self._client = None

    # -- queue -----------------------------------------------------------------------------

    def _enqueue(self, alert: Alert) -> None:
        key = alert.alert_id
        if key in self._pending or key in self._inflight:
            return
        if len(self._pending) >= self.policy.queue_size:
            self._backlog = True
        else:
            self._pending[key] = alert
        self._idle.clear()
        self._wake.set()

    def _refill(self) -> None:
        """Queue outbox alerts the queue does not hold, up to its size."""
        room = self.policy.queue_size - len(self._pending)
        for key in list(self._outbox):
            if room <= 0:
                return  # the backlog flag stays set: refill again once the queue drains
            if key in self._pending or key in self._inflight or key in self._crashed:
                continue
            try:
                alert = decode(Alert, self._outbox[key])
            except KeyError:
                continue  # delivered meanwhile
            except RecordError as exc:
                self._outbox.pop(key, None)
                self._metrics.failed(self.name, "undecodable")
                logger.error(
                    "outbox entry dropped",
                    extra={
                        "sink": self.name,
                        "alert_id": key,
                        "reason": "undecodable",
                        "error": str(exc),
                    },
                )
                continue
            self._pending[key] = alert
            room -= 1
        self._backlog = False

    def _take_ready(self) -> tuple[list[Alert], float]:
        """The next batch the rate limit allows, or how long until one is allowed."""
        now = self._clock()
        batch: list[Alert] = []
        blocked: set[AlertKind] = set()
        for key, alert in self._pending.items():
            if alert.kind in blocked:
                continue
            if self._limiter.try_acquire(alert.kind, now):
                batch.append(alert)
                if len(batch) >= self.policy.batch_size:
                    break
            else:
                blocked.add(alert.kind)
                if key not in self._deferred:
                    self._deferred.add(key)
                    self._metrics.deferred(self.name, alert.kind)
        for alert in batch:
            del self._pending[alert.alert_id]
            self._inflight[alert.alert_id] = alert
        if batch:
            return batch, 0.0
        return [], min(self._limiter.wait_time(kind, now) for kind in blocked)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError(f"alert sink {self.name!r} used before start()")
        return self._client

    # -- worker ----------------------------------------------------------------------------

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                await self._step()
                failures = 0
            except Exception:
                # The outbox itself failed (a locked SQLite file, a broken mapping): a dead
                # worker would stop delivery silently, so log, count, back off and go on.
                failures += 1
                self._metrics.failed(self.name, "internal")
                logger.exception(
                    "alert sink worker failed", extra={"sink": self.name, "reason": "internal"}
                )
                await self._sleep(backoff_delay(self.policy, failures, self._random))

    async def _step(self) -> None:
        """Wait for work, or deliver one batch, or wait out the rate limit."""
        if not self._pending and self._backlog:
            self._refill()
        if not self._pending:
            self._idle.set()
            self._wake.clear()
            await self._wake.wait()
            return
        batch, wait = self._take_ready()
        if not batch:
            await self._sleep(wait)
            return
        try:
            await self._deliver(batch)
        finally:
            for alert in batch:
                self._inflight.pop(alert.alert_id, None)
                self._deferred.discard(alert.alert_id)

    async def _deliver(self, batch: Sequence[Alert]) -> None:
        """POST ``batch`` until the sink accepts it or refuses it for good."""
        attempt = 0
        while True:
            try:
                url, body, headers = self._request(batch)
                await post(
                    self._http(),
                    url,
                    content=body,
                    headers=headers,
                    sink=self.name,
                    now=self._now(),
                )
            except DeliveryFailure as exc:
                self._metrics.failed(self.name, exc.reason)
                if not exc.retryable:
                    await self._reject(batch, exc)
                    return
                attempt += 1
                delay = backoff_delay(
                    self.policy, attempt, self._random, retry_after=exc.retry_after
                )
                logger.warning(
                    "alert delivery failed",
                    extra={
                        "sink": self.name,
                        "reason": exc.reason,
                        "attempt": attempt,
                        "delay_seconds": round(delay, 3),
                        "alerts": len(batch),
                        "alert_id": batch[0].alert_id,
                        "error": str(exc),
                    },
                )
                await self._sleep(delay)
                continue
            except Exception:
                # A bug (say, an alert the payload builder cannot render) must not stop the
                # worker or jam the queue behind one alert: it stays in the outbox for the next
                # start, and the log has the traceback.
                self._metrics.failed(self.name, "internal")
                self._crashed.update(a.alert_id for a in batch)
                logger.exception(
                    "alert delivery crashed",
                    extra={"sink": self.name, "reason": "internal", "alert_id": batch[0].alert_id},
                )
                return
            for alert in batch:
                self._outbox.pop(alert.alert_id, None)
            self._metrics.delivered(self.name, len(batch))
            self._metrics.outbox_size(self.name, len(self._outbox))
            if attempt:
                logger.info(
                    "alert sink recovered",
                    extra={"sink": self.name, "attempts": attempt + 1, "alerts": len(batch)},
                )
            return

    async def _reject(self, batch: Sequence[Alert], exc: DeliveryFailure) -> None:
        """Drop alerts the sink refuses for good; in a batch, find which ones one by one."""
        if len(batch) > 1:
            for alert in batch:
                await self._deliver([alert])
            return
        alert = batch[0]
        self._outbox.pop(alert.alert_id, None)
        self._metrics.outbox_size(self.name, len(self._outbox))
        # Retrying cannot help (the payload itself is refused); the alert remains on the
        # ``alerts`` topic / in the run's output, so it is dropped here rather than jam the queue.
        logger.error(
            "alert rejected by sink",
            extra={
                "sink": self.name,
                "reason": exc.reason,
                "alert_id": alert.alert_id,
                "kind": alert.kind.value,
                "error": str(exc),
            },
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, outbox={len(self._outbox)})"
