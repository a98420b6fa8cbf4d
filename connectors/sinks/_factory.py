"""Build the alert sinks the settings ask for; the one call both runtimes make."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import replace
from urllib.parse import urlsplit

from connectors.sinks._delivery import DEFAULT_USER_AGENT, AlertSink
from connectors.sinks._http import redact_url
from connectors.sinks._metrics import DeliveryMetrics
from connectors.sinks._policy import DEFAULT_POLICY, DeliveryPolicy
from connectors.sinks.alertmanager import DEFAULT_ALERTMANAGER_POLICY, AlertmanagerSink
from connectors.sinks.webhook import WebhookSink
from streams.errors import ConfigError
from streams.records import Severity
from streams.settings import AlertSettings

__all__ = ["OutboxFactory", "build_alert_sinks"]

OutboxFactory = Callable[[str], MutableMapping[str, bytes]]
"""Returns the outbox of the sink named by the argument (``alertmanager``, ``webhook``).

Each sink needs its own: an alert Alertmanager took may still be owed to the webhook. Names
are lower-case letters, so ``lambda name: store.mapping(f"outbox_{name}")`` is a valid SQLite
table name.
"""


def _check_url(value: str, env: str, example: str, *, secret: bool) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        shown = redact_url(value) + "/..." if secret else value
        raise ConfigError(f"{env}={shown!r} is not an http(s) URL; use {example} or unset it")
    return value


def build_alert_sinks(
    settings: AlertSettings,
    outbox_factory: OutboxFactory,
    *,
    metrics: DeliveryMetrics | None = None,
    policy: DeliveryPolicy = DEFAULT_POLICY,
    user_agent: str = DEFAULT_USER_AGENT,
) -> list[AlertSink]:
    """The sinks ``settings`` configure (none, one or both), not yet started.

    ``min_severity`` and ``rate_limit_per_minute`` come from ``settings``; the rest of
    ``policy`` (backoff, queue size, flush timeout) from the argument. Raises ``ConfigError``
    for a URL that is not http(s). The caller starts each sink, passes it alerts, and closes
    it on shutdown.
    """
    base = replace(
        policy,
        min_severity=Severity(settings.min_severity),
        rate_limit_per_minute=float(settings.rate_limit_per_minute),
    )
    sinks: list[AlertSink] = []
    if settings.alertmanager_url:
        url = _check_url(
            settings.alertmanager_url,
            "BACKCHANNEL_ALERTS__ALERTMANAGER_URL",
            "http://127.0.0.1:9093",
            secret=False,
        )
        sinks.append(
            AlertmanagerSink(
                url,
                outbox=outbox_factory("alertmanager"),
                policy=replace(base, batch_size=DEFAULT_ALERTMANAGER_POLICY.batch_size),
                metrics=metrics,
                user_agent=user_agent,
            )
        )
    if settings.webhook_url:
        url = _check_url(
            settings.webhook_url,
            "BACKCHANNEL_ALERTS__WEBHOOK_URL",
            "https://hooks.example.org/backchannel",
            secret=True,
        )
        sinks.append(
            WebhookSink(
                url,
                outbox=outbox_factory("webhook"),
                policy=base,
                metrics=metrics,
                user_agent=user_agent,
            )
        )
    return sinks
