"""Deliver alerts to any HTTP endpoint as JSON, one alert per POST.

The body is the alert record exactly as it is on the ``alerts`` topic (``streams.codec``), so a
receiver can decode it with the published JSON Schema. ``Idempotency-Key: <alert_id>`` (the
IETF ``Idempotency-Key`` header draft) lets the receiver drop the re-sends that at-least-once
delivery produces; for that reason alerts are never batched here.
"""

from __future__ import annotations

import asyncio
import random as _random
import time
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import replace

import httpx

from connectors.sinks._delivery import DEFAULT_USER_AGENT, AlertSink, Clock, Now, Sleep, utcnow
from connectors.sinks._http import redact_url
from connectors.sinks._metrics import DeliveryMetrics
from connectors.sinks._policy import DEFAULT_POLICY, DeliveryPolicy
from streams.codec import encode
from streams.records import Alert

__all__ = ["WebhookSink"]


class WebhookSink(AlertSink):
    """POSTs each alert as JSON to ``url`` (``BACKCHANNEL_ALERTS__WEBHOOK_URL``).

    ``headers`` are added to every request (an ``Authorization`` token, say); they and the URL
    are never logged, only the URL's scheme, host and port. ``policy.batch_size`` is forced to 1.
    """

    def __init__(
        self,
        url: str,
        *,
        outbox: MutableMapping[str, bytes],
        name: str = "webhook",
        policy: DeliveryPolicy = DEFAULT_POLICY,
        headers: Mapping[str, str] | None = None,
        metrics: DeliveryMetrics | None = None,
        client: httpx.AsyncClient | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        sleep: Sleep = asyncio.sleep,
        random: Callable[[], float] = _random.random,
        clock: Clock = time.monotonic,
        now: Now = utcnow,
    ) -> None:
        super().__init__(
            name=name,
            outbox=outbox,
            policy=replace(policy, batch_size=1),
            metrics=metrics,
            client=client,
            user_agent=user_agent,
            sleep=sleep,
            random=random,
            clock=clock,
            now=now,
        )
        self.url = url
        self._headers = dict(headers or {})

    def _request(self, batch: Sequence[Alert]) -> tuple[str, bytes, Mapping[str, str]]:
        (alert,) = batch
        headers = {
            **self._headers,
            "Content-Type": "application/json",
            "Idempotency-Key": alert.alert_id,
        }
        return self.url, encode(alert), headers

    def __repr__(self) -> str:
        return f"WebhookSink(url={redact_url(self.url)!r}, name={self.name!r})"
