"""Alertmanager's v2 payload (pure) and the sink's POSTs to a real local server."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from connectors.sinks import AlertmanagerSink, DeliveryPolicy
from connectors.sinks.alertmanager import alertmanager_alert, alertname
from streams.records import AlertKind, Severity

NOW = datetime(2024, 5, 2, 10, 0, tzinfo=UTC)


def test_alertname_turns_the_kind_into_a_label_value(make_alert):
    assert (
        alertname(make_alert(1, kind=AlertKind.CONTACT_NEW_PAIR)) == "backchannel_contact_new_pair"
    )


def test_labels_group_by_kind_and_severity_and_carry_the_alert_id(make_alert):
    alert = make_alert(
        1,
        kind=AlertKind.ACTOR_NEW,
        severity=Severity.CRITICAL,
        labels=(("country", "IRN"), ("known", "true"), ("alertname", "spoof"), ("9bad-name", "x")),
    )
    payload = alertmanager_alert(alert, now=NOW)
    assert payload["labels"] == {
        "alertname": "backchannel_actor_new",
        "kind": "actor.new",
        "severity": "critical",
        "alert_id": alert.alert_id,
        "country": "IRN",
        "known": "true",
        "_9bad_name": "x",
    }


def test_annotations_keep_the_english_summary_and_original_evidence(make_alert):
    alert = make_alert(1)
    annotations = alertmanager_alert(alert, now=NOW)["annotations"]
    assert annotations["summary"] == "Test alert 1"
    assert annotations["evidence"] == "اتصل الوزيران هاتفياً لبحث التطورات"
    assert annotations["evidence_lang"] == "ar"
    assert annotations["links"] == "https://news.example.org/a/1"
    assert annotations["docs"] == "doc-1"


def test_times_start_at_fetch_and_end_only_when_asked(make_alert):
    alert = make_alert(1)
    payload = alertmanager_alert(alert, now=NOW)
    assert payload["startsAt"] == "2024-05-02T09:30:00Z"
    assert "endsAt" not in payload
    ended = alertmanager_alert(alert, now=NOW, resolve_after=timedelta(hours=1))
    assert ended["endsAt"] == "2024-05-02T11:00:00Z"
    future = replace(alert, fetched_at=NOW + timedelta(minutes=5))  # a skewed clock upstream
    assert alertmanager_alert(future, now=NOW)["startsAt"] == "2024-05-02T10:00:00Z"


def test_generator_url_is_an_http_link_or_absent(make_alert):
    alert = make_alert(1)
    assert alertmanager_alert(alert, now=NOW)["generatorURL"] == "https://news.example.org/a/1"
    arabic = replace(alert, links=("https://news.example.org/أخبار/1",))
    assert alertmanager_alert(arabic, now=NOW)["generatorURL"] == "https://news.example.org/أخبار/1"
    local = replace(alert, links=("file:///srv/articles/1.txt",))
    assert "generatorURL" not in alertmanager_alert(local, now=NOW)
    dashboard = alertmanager_alert(local, now=NOW, generator_url="http://grafana.local/d/bc")
    assert dashboard["generatorURL"] == "http://grafana.local/d/bc"


@pytest.mark.asyncio
async def test_sink_posts_batches_to_the_v2_endpoint(http_server, fake_time, metrics, make_alert):
    alerts = [make_alert(n) for n in range(3)]
    sink = AlertmanagerSink(
        http_server.url + "/",
        outbox={},
        metrics=metrics,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        now=lambda: NOW,
    )
    for alert in alerts:
        await sink.add(alert)
    async with sink:
        assert await sink.drain(30)
    (request,) = http_server.requests
    assert request.path == "/api/v2/alerts"
    assert request.headers["content-type"] == "application/json"
    body = orjson.loads(request.body)
    assert [a["labels"]["alert_id"] for a in body] == [a.alert_id for a in alerts]
    assert metrics.delivered_count == 3


@pytest.mark.asyncio
async def test_a_refused_batch_is_split_to_find_the_bad_alert(
    http_server, fake_time, metrics, make_alert
):
    http_server.fail(1, status=400)
    alerts = [make_alert(n) for n in range(2)]
    outbox: dict[str, bytes] = {}
    sink = AlertmanagerSink(
        http_server.url,
        outbox=outbox,
        metrics=metrics,
        policy=DeliveryPolicy(batch_size=10),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    for alert in alerts:
        await sink.add(alert)
    async with sink:
        assert await sink.drain(30)
    sizes = [len(orjson.loads(r.body)) for r in http_server.requests]
    assert sizes == [2, 1, 1]
    assert metrics.delivered_count == 2
    assert outbox == {}


def test_full_endpoint_urls_are_kept():
    sink = AlertmanagerSink("http://am.local:9093/am/api/v2/alerts", outbox={})
    assert sink.endpoint == "http://am.local:9093/am/api/v2/alerts"
