"""The webhook's request: the alert record as JSON with an idempotency key."""

from __future__ import annotations

import pytest

from connectors.sinks import WebhookSink
from streams.codec import decode
from streams.records import Alert


@pytest.mark.asyncio
async def test_webhook_posts_the_alert_as_json_with_an_idempotency_key(
    http_server, fake_time, make_alert
):
    alert = make_alert(1)
    sink = WebhookSink(
        http_server.url + "/hooks/backchannel",
        outbox={},
        headers={"Authorization": "Bearer t0ken"},
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    async with sink:
        await sink.add(alert)
        assert await sink.drain(30)
    (request,) = http_server.requests
    assert request.path == "/hooks/backchannel"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["idempotency-key"] == alert.alert_id
    assert request.headers["authorization"] == "Bearer t0ken"
    assert decode(Alert, request.body) == alert


@pytest.mark.asyncio
async def test_each_alert_is_its_own_request(http_server, fake_time, make_alert):
    alerts = [make_alert(n) for n in range(3)]
    sink = WebhookSink(http_server.url, outbox={}, sleep=fake_time.sleep, clock=fake_time.clock)
    for alert in alerts:
        await sink.add(alert)
    async with sink:
        assert await sink.drain(30)
    keys = [r.headers["idempotency-key"] for r in http_server.requests]
    assert keys == [a.alert_id for a in alerts]
