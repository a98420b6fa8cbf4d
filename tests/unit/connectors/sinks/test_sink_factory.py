"""``build_alert_sinks``, the HTTP error translation, and the package's public names."""

from __future__ import annotations

import re
import socket
from datetime import UTC, datetime

import httpx
import pytest

import connectors.sinks
from connectors.sinks import AlertmanagerSink, WebhookSink, build_alert_sinks
from connectors.sinks._http import DeliveryFailure, post
from streams.errors import ConfigError, SinkError
from streams.records import Severity
from streams.settings import AlertSettings


def test_public_names_are_pinned():
    assert connectors.sinks.__all__ == [
        "AlertSink",
        "AlertmanagerSink",
        "DeliveryMetrics",
        "DeliveryPolicy",
        "NullDeliveryMetrics",
        "OutboxFactory",
        "WebhookSink",
        "build_alert_sinks",
    ]
    for name in connectors.sinks.__all__:
        assert getattr(connectors.sinks, name) is not None


def test_no_urls_means_no_sinks():
    assert build_alert_sinks(AlertSettings(), lambda name: {}) == []


def test_each_configured_url_gets_a_sink_with_its_own_outbox():
    outboxes: dict[str, dict[str, bytes]] = {}
    settings = AlertSettings(
        alertmanager_url="http://127.0.0.1:9093",
        webhook_url="https://hooks.example.org/x",
        min_severity="warning",
        rate_limit_per_minute=30,
    )
    sinks = build_alert_sinks(settings, lambda name: outboxes.setdefault(name, {}))
    assert [type(s) for s in sinks] == [AlertmanagerSink, WebhookSink]
    assert sorted(outboxes) == ["alertmanager", "webhook"]
    for sink in sinks:
        assert sink.policy.min_severity is Severity.WARNING
        assert sink.policy.rate_limit_per_minute == 30
    assert sinks[0].policy.batch_size > 1
    assert sinks[1].policy.batch_size == 1


def test_a_bad_url_names_the_setting_and_hides_a_webhook_secret():
    with pytest.raises(
        ConfigError, match=re.escape("BACKCHANNEL_ALERTS__ALERTMANAGER_URL='127.0.0.1:9093'")
    ):
        build_alert_sinks(AlertSettings(alertmanager_url="127.0.0.1:9093"), lambda name: {})
    with pytest.raises(ConfigError, match="BACKCHANNEL_ALERTS__WEBHOOK_URL") as caught:
        build_alert_sinks(AlertSettings(webhook_url="ftp://hooks.example.org/s3cr3t"), lambda n: {})
    assert "s3cr3t" not in str(caught.value)


@pytest.mark.asyncio
async def test_an_unreachable_sink_raises_a_sink_error_from_the_httpx_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with httpx.AsyncClient() as client:
        with pytest.raises(SinkError) as caught:
            await post(
                client,
                f"http://127.0.0.1:{port}/api/v2/alerts",
                content=b"[]",
                headers={},
                sink="alertmanager",
                now=datetime.now(UTC),
            )
    assert isinstance(caught.value, DeliveryFailure)
    assert caught.value.reason == "unavailable"
    assert caught.value.retryable
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
