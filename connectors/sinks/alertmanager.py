"""Deliver alerts to Prometheus Alertmanager through its v2 API (``POST /api/v2/alerts``).

Labels are chosen so that Alertmanager's own grouping, routing and inhibition work without
configuration on our side: ``alertname`` is ``backchannel_<kind>`` (dots become underscores,
as label values conventionally are), ``kind`` and ``severity`` are the alert's, and the alert's
own bounded labels (``country``, ``type``, ``category``, ``source``...) follow. ``alert_id`` is a
label too: Alertmanager identifies an alert by its label set, so a re-send after a restart
updates the same alert instead of notifying twice. The free text goes in annotations:
``summary`` (English), ``evidence`` (the original-language sentence), ``links``, ``docs``.

Our alerts are events, not states that later clear, so ``endsAt`` is left to Alertmanager
(``resolve_timeout`` after the last send) unless ``resolve_after`` is given.
"""

from __future__ import annotations

import asyncio
import random as _random
import re
import time
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import NotRequired, TypedDict
from urllib.parse import urlsplit

import httpx
import orjson

from connectors.sinks._delivery import (
    DEFAULT_USER_AGENT,
    AlertSink,
    Clock,
    Now,
    Sleep,
    utcnow,
)
from connectors.sinks._http import redact_url
from connectors.sinks._metrics import DeliveryMetrics
from connectors.sinks._policy import DEFAULT_POLICY, DeliveryPolicy
from streams.records import Alert

__all__ = [
    "DEFAULT_ALERTMANAGER_POLICY",
    "AlertmanagerSink",
    "PostableAlert",
    "alertmanager_alert",
    "alertname",
]

DEFAULT_ALERTMANAGER_POLICY = replace(DEFAULT_POLICY, batch_size=64)
"""Alertmanager takes lists: a cold start's burst of alerts goes out in a few requests."""

_LABEL_NAME_BAD = re.compile(r"[^A-Za-z0-9_]")
# Labels we set ourselves; an alert's own label of the same name does not override them.
_RESERVED = ("alertname", "kind", "severity", "alert_id")


class PostableAlert(TypedDict):
    """One element of the JSON list ``POST /api/v2/alerts`` takes (Alertmanager's schema)."""

    labels: dict[str, str]
    annotations: dict[str, str]
    startsAt: str
    endsAt: NotRequired[str]
    generatorURL: NotRequired[str]


def alertname(alert: Alert) -> str:
    """``backchannel_<kind>`` with dots as underscores, e.g. ``backchannel_contact_new_pair``."""
    return "backchannel_" + alert.kind.value.replace(".", "_")


def _label_name(name: str) -> str:
    clean = _LABEL_NAME_BAD.sub("_", name)
    return f"_{clean}" if not clean or clean[0].isdigit() else clean


def _utc(moment: datetime) -> datetime:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC)


def _rfc3339(moment: datetime) -> str:
    return _utc(moment).isoformat().replace("+00:00", "Z")


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def alertmanager_alert(
    alert: Alert,
    *,
    now: datetime,
    generator_url: str | None = None,
    resolve_after: timedelta | None = None,
) -> PostableAlert:
    """``alert`` as Alertmanager's postable alert.

    ``startsAt`` is when the pipeline fetched the article (never later than ``now``), so a
    re-send keeps the original start. ``generatorURL`` is ``generator_url`` when given (a
    dashboard), else the first article link that is an http(s) URL (Alertmanager 0.25 accepts
    non-ASCII paths as written).
    """
    labels = {_label_name(k): v for k, v in alert.labels if v}
    for name in _RESERVED:
        labels.pop(name, None)
    labels |= {
        "alertname": alertname(alert),
        "kind": alert.kind.value,
        "severity": alert.severity.value,
        "alert_id": alert.alert_id,
    }
    annotations = {"summary": alert.summary}
    if alert.evidence:
        annotations["evidence"] = alert.evidence
        annotations["evidence_lang"] = alert.lang
    if alert.links:
        annotations["links"] = "\n".join(alert.links)
    if alert.docs:
        annotations["docs"] = "\n".join(alert.docs)
    if alert.subject_id:
        annotations["subject"] = alert.subject_id
    started = alert.fetched_at or alert.observed_at or now
    payload: PostableAlert = {
        "labels": labels,
        "annotations": annotations,
        "startsAt": _rfc3339(min(_utc(started), _utc(now))),
    }
    if resolve_after is not None:
        payload["endsAt"] = _rfc3339(now + resolve_after)
    source = generator_url or next((u for u in alert.links if _is_http_url(u)), None)
    if source:
        payload["generatorURL"] = source
    return payload


class AlertmanagerSink(AlertSink):
    """Posts alerts, in batches of ``policy.batch_size``, to Alertmanager at ``url``.

    ``url`` is Alertmanager's base URL (``http://127.0.0.1:9093``, plus any ``--web.route-prefix``)
    or the full ``.../api/v2/alerts`` endpoint (``BACKCHANNEL_ALERTS__ALERTMANAGER_URL``).
    Everything else is ``AlertSink``'s: outbox, retries, rate limit, severity floor.
    """

    def __init__(
        self,
        url: str,
        *,
        outbox: MutableMapping[str, bytes],
        name: str = "alertmanager",
        policy: DeliveryPolicy = DEFAULT_ALERTMANAGER_POLICY,
        generator_url: str | None = None,
        resolve_after: timedelta | None = None,
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
            policy=policy,
            metrics=metrics,
            client=client,
            user_agent=user_agent,
            sleep=sleep,
            random=random,
            clock=clock,
            now=now,
        )
        base = url.rstrip("/")
        self.endpoint = base if base.endswith("/api/v2/alerts") else f"{base}/api/v2/alerts"
        self._generator_url = generator_url
        self._resolve_after = resolve_after

    def _request(self, batch: Sequence[Alert]) -> tuple[str, bytes, Mapping[str, str]]:
        now = self._now()
        body = orjson.dumps(
            [
                alertmanager_alert(
                    a, now=now, generator_url=self._generator_url, resolve_after=self._resolve_after
                )
                for a in batch
            ]
        )
        return self.endpoint, body, {"Content-Type": "application/json"}

    def __repr__(self) -> str:
        return f"AlertmanagerSink(url={redact_url(self.endpoint)!r}, name={self.name!r})"
