"""The shared delivery loop, exercised through ``WebhookSink`` against a real local server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import MutableMapping
from typing import Any

import orjson
import pytest
from prometheus_client import CollectorRegistry

from connectors.sinks import DeliveryMetrics, DeliveryPolicy, WebhookSink
from streams.metrics import Metrics, PrometheusDeliveryMetrics
from streams.records import AlertKind, Severity
from streams.state import StateStore

pytestmark = pytest.mark.asyncio

FAST = DeliveryPolicy(
    base_delay=1.0, max_delay=60.0, multiplier=2.0, jitter=0.5, flush_timeout=30.0
)


def _ids(server: Any) -> list[str]:
    return [orjson.loads(r.body)["alert_id"] for r in server.requests]


def _sink(
    server: Any,
    outbox: MutableMapping[str, bytes],
    fake_time: Any,
    metrics: Any,
    policy: DeliveryPolicy = FAST,
) -> WebhookSink:
    return WebhookSink(
        server.url + "/hook",
        outbox=outbox,
        policy=policy,
        metrics=metrics,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        random=lambda: 0.5,
    )


async def test_retries_with_exponential_backoff_until_the_sink_recovers(
    http_server, fake_time, metrics, make_alert
):
    http_server.fail(3, status=503)
    outbox: dict[str, bytes] = {}
    alert = make_alert(1)
    async with _sink(http_server, outbox, fake_time, metrics) as sink:
        await sink.add(alert)
        assert await sink.drain(30)
    # jitter 0.5 with random()=0.5 shortens each step by a quarter: 1, 2, 4 -> 0.75, 1.5, 3
    assert fake_time.sleeps == [0.75, 1.5, 3.0]
    assert _ids(http_server) == [alert.alert_id] * 4
    assert metrics.failures == ["server_error"] * 3
    assert metrics.delivered_count == 1
    assert outbox == {}


async def test_retry_after_is_honoured(http_server, fake_time, metrics, make_alert):
    http_server.fail(1, status=429, headers=(("Retry-After", "7"),))
    async with _sink(http_server, {}, fake_time, metrics) as sink:
        await sink.add(make_alert(1))
        assert await sink.drain(30)
    assert fake_time.sleeps == [7.0]
    assert metrics.failures == ["throttled"]


async def test_add_returns_while_the_sink_hangs(http_server, metrics, make_alert):
    http_server.hang_next()
    outbox: dict[str, bytes] = {}
    first, *rest = [make_alert(n) for n in range(3)]
    async with WebhookSink(http_server.url, outbox=outbox, metrics=metrics) as sink:
        await sink.add(first)
        assert await asyncio.to_thread(http_server.hanging.wait, 10)
        for alert in rest:
            await sink.add(alert)  # must not wait for the held request
        assert len(http_server.requests) == 1
        assert set(outbox) == {first.alert_id, *(a.alert_id for a in rest)}
        http_server.release.set()
        assert await sink.drain(30)
    assert _ids(http_server) == [first.alert_id, *(a.alert_id for a in rest)]
    assert outbox == {}


class Outage:
    """A backoff sleep that never ends: the sink stays down for this sink's lifetime."""

    def __init__(self) -> None:
        self.waiting = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.waiting.set()
        await asyncio.Event().wait()


async def test_undelivered_alerts_are_resent_after_a_restart(
    http_server, fake_time, metrics, make_alert, tmp_path
):
    alerts = [make_alert(n) for n in range(2)]
    http_server.default = type(http_server.default)(status=503)
    store = StateStore(tmp_path / "state.sqlite")
    outage = Outage()
    down = WebhookSink(
        http_server.url,
        outbox=store.mapping("outbox_webhook"),
        policy=DeliveryPolicy(flush_timeout=0.0),
        sleep=outage.sleep,
    )
    await down.start()
    for alert in alerts:
        await down.add(alert)
    store.commit()
    await outage.waiting.wait()
    await down.close()
    assert len(http_server.requests) == 1  # one attempt, then waiting out the backoff
    store.close()

    http_server.default = type(http_server.default)(status=200)
    reopened = StateStore(tmp_path / "state.sqlite")
    outbox = reopened.mapping("outbox_webhook")
    assert set(outbox) == {a.alert_id for a in alerts}
    async with _sink(http_server, outbox, fake_time, metrics) as sink:
        assert await sink.drain(30)
    reopened.commit()
    assert sorted(_ids(http_server)[1:]) == sorted(a.alert_id for a in alerts)
    assert len(outbox) == 0
    reopened.close()


async def test_alerts_below_the_minimum_severity_are_not_sent(
    http_server, fake_time, metrics, make_alert
):
    policy = DeliveryPolicy(min_severity=Severity.WARNING)
    info = make_alert(1, severity=Severity.INFO)
    warning = make_alert(2, severity=Severity.WARNING)
    critical = make_alert(3, severity=Severity.CRITICAL)
    outbox: dict[str, bytes] = {}
    async with _sink(http_server, outbox, fake_time, metrics, policy=policy) as sink:
        for alert in (info, warning, critical):
            await sink.add(alert)
        assert await sink.drain(30)
    assert _ids(http_server) == [warning.alert_id, critical.alert_id]
    assert metrics.suppressions == ["below_min_severity"]


async def test_rate_limit_per_kind_defers_excess_alerts_without_dropping_them(
    http_server, fake_time, metrics, make_alert
):
    policy = DeliveryPolicy(rate_limit_per_minute=60, burst=2)
    events = [make_alert(n, kind=AlertKind.EVENT_NEW) for n in range(4)]
    actor = make_alert(9, kind=AlertKind.ACTOR_NEW)
    sink = _sink(http_server, {}, fake_time, metrics, policy=policy)
    for alert in [*events, actor]:
        await sink.add(alert)
    async with sink:
        assert await sink.drain(30)
    # two events use the burst, the actor alert is not held behind them, then one event a second
    expected = [events[0], events[1], actor, events[2], events[3]]
    assert _ids(http_server) == [a.alert_id for a in expected]
    assert fake_time.sleeps == [pytest.approx(1.0), pytest.approx(1.0)]
    assert metrics.deferrals == [AlertKind.EVENT_NEW, AlertKind.EVENT_NEW]
    assert metrics.delivered_count == 5


async def test_a_full_queue_leaves_alerts_in_the_outbox_and_refills_from_it(
    http_server, fake_time, metrics, make_alert
):
    policy = DeliveryPolicy(queue_size=2)
    alerts = [make_alert(n) for n in range(5)]
    outbox: dict[str, bytes] = {}
    sink = _sink(http_server, outbox, fake_time, metrics, policy=policy)
    for alert in alerts:
        await sink.add(alert)
    assert len(outbox) == 5
    async with sink:
        assert await sink.drain(30)
    assert sorted(_ids(http_server)) == sorted(a.alert_id for a in alerts)
    assert outbox == {}


async def test_a_rejected_alert_is_dropped_and_the_next_one_still_goes(
    http_server, fake_time, metrics, make_alert
):
    http_server.fail(1, status=400)
    bad, good = make_alert(1), make_alert(2)
    outbox: dict[str, bytes] = {}
    async with _sink(http_server, outbox, fake_time, metrics) as sink:
        await sink.add(bad)
        await sink.add(good)
        assert await sink.drain(30)
    assert _ids(http_server) == [bad.alert_id, good.alert_id]
    assert fake_time.sleeps == []
    assert metrics.failures == ["rejected"]
    assert outbox == {}


async def test_an_undecodable_outbox_entry_is_dropped_and_counted(
    http_server, fake_time, metrics, make_alert
):
    alert = make_alert(1)
    outbox = {"event.new:broken": b"{not json", alert.alert_id: orjson.dumps({"x": 1})}
    good = make_alert(2)
    async with _sink(http_server, outbox, fake_time, metrics) as sink:
        await sink.add(good)
        assert await sink.drain(30)
    assert _ids(http_server) == [good.alert_id]
    assert metrics.failures == ["undecodable", "undecodable"]
    assert outbox == {}


async def test_failures_are_logged_with_fields_and_without_the_url_path(
    http_server, fake_time, metrics, make_alert, caplog
):
    http_server.fail(1, status=502)
    caplog.set_level(logging.WARNING, logger="connectors.sinks")
    sink = WebhookSink(
        http_server.url + "/hooks/s3cr3t-token",
        outbox={},
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    async with sink:
        await sink.add(make_alert(1))
        assert await sink.drain(30)
    (record,) = [r for r in caplog.records if r.getMessage() == "alert delivery failed"]
    assert record.sink == "webhook"
    assert record.reason == "server_error"
    assert record.attempt == 1
    assert "HTTP 502" in record.error
    assert "s3cr3t" not in record.error
    assert "s3cr3t" not in repr(sink)


async def test_close_leaves_undelivered_alerts_in_the_outbox(http_server, make_alert):
    http_server.default = type(http_server.default)(status=503)
    outbox: dict[str, bytes] = {}
    outage = Outage()
    sink = WebhookSink(
        http_server.url, outbox=outbox, policy=DeliveryPolicy(flush_timeout=0.0), sleep=outage.sleep
    )
    await sink.start()
    await sink.add(make_alert(1))
    await outage.waiting.wait()
    assert not await sink.drain(0.0)
    await sink.close()
    assert list(outbox) == [make_alert(1).alert_id]


class FlakyOutbox(dict[str, bytes]):
    """An outbox whose first listing fails, as a locked SQLite file would."""

    def __init__(self) -> None:
        super().__init__()
        self.broken = True

    def __iter__(self):
        if self.broken:
            self.broken = False
            raise OSError("database is locked")
        return super().__iter__()


async def test_the_worker_survives_an_outbox_failure(http_server, fake_time, metrics, make_alert):
    outbox = FlakyOutbox()
    alert = make_alert(1)
    sink = _sink(http_server, outbox, fake_time, metrics)
    await sink.add(alert)
    async with sink:
        assert await sink.drain(30)
    assert metrics.failures == ["internal"]
    assert fake_time.sleeps == [0.75]
    assert _ids(http_server) == [alert.alert_id]


class PickySink(WebhookSink):
    """A sink whose payload builder has a bug for one alert id."""

    bad_id = ""

    def _request(self, batch):
        if batch[0].alert_id == self.bad_id:
            raise ValueError("cannot render")
        return super()._request(batch)


async def test_a_bug_on_one_alert_keeps_it_in_the_outbox_and_the_rest_flowing(
    http_server, fake_time, metrics, make_alert
):
    bad, good = make_alert(1), make_alert(2)
    outbox: dict[str, bytes] = {}
    sink = PickySink(
        http_server.url,
        outbox=outbox,
        metrics=metrics,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    sink.bad_id = bad.alert_id
    async with sink:
        await sink.add(bad)
        await sink.add(good)
        assert await sink.drain(30)
    assert _ids(http_server) == [good.alert_id]
    assert list(outbox) == [bad.alert_id]
    assert metrics.failures == ["internal"]


async def test_prometheus_metrics_satisfy_the_sink_protocol(http_server, fake_time, make_alert):
    registry = CollectorRegistry()
    recorded: DeliveryMetrics = PrometheusDeliveryMetrics(Metrics(registry))
    http_server.fail(1, status=503)
    outbox: dict[str, bytes] = {}
    async with _sink(http_server, outbox, fake_time, recorded) as sink:
        await sink.add(make_alert(1))
        assert await sink.drain(30)

    def value(name: str, **labels: str) -> float | None:
        return registry.get_sample_value(name, {"sink": "webhook", **labels})

    assert value("backchannel_sink_delivered_alerts_total") == 1
    assert value("backchannel_sink_failures_total", reason="server_error") == 1
    assert value("backchannel_sink_outbox_alerts") == 0
