"""Metric naming, bounded labels, pre-created series, the docs table, and the observability
helpers that fill the state and lag gauges."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from streams.metrics import (
    DEAD_LETTER_REASONS,
    EVENT_KINDS,
    LANGS,
    SINKS,
    STAGES,
    Metrics,
    PrometheusDeliveryMetrics,
)
from streams.observability import (
    STATE_GAUGES,
    install_faust_sensors,
    record_state_sizes,
    update_consumer_lag,
    update_embedded_state_gauges,
    update_state_gauges,
)
from streams.records import AlertKind, EventType, FigureCategory, Severity
from streams.state import StateStore

REPO = Path(__file__).resolve().parents[3]
DOCS = REPO / "docs" / "metrics.md"

#: Every label any metric may carry: each is a small closed set (see streams/metrics.py).
ALLOWED_LABELS = {
    "stage",
    "reason",
    "lang",
    "level",
    "type",
    "kind",
    "category",
    "severity",
    "source",
    "outcome",
    "sink",
    "topic",
    "partition",
}
UNIT_SUFFIXES = ("_seconds", "_bytes", "_messages", "_alerts", "_entries", "_series")


@pytest.fixture()
def metrics() -> Metrics:
    return Metrics(CollectorRegistry())


def _samples(m: Metrics) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in m.registry.collect()
        for s in family.samples
    }


def _exposed_name(metric: Any) -> str:
    return f"{metric._name}_total" if isinstance(metric, Counter) else metric._name


def test_every_metric_has_the_backchannel_prefix(metrics: Metrics) -> None:
    names = [c._name for c in metrics.collectors().values()]
    assert len(names) >= 25
    assert all(n.startswith("backchannel_") for n in names), names


def test_counters_are_exposed_with_total_and_nothing_else_ends_in_total(metrics: Metrics) -> None:
    for attr, metric in metrics.collectors().items():
        if isinstance(metric, Counter):
            names = {s.name for f in metric.collect() for s in f.samples}
            assert {n for n in names if not n.endswith("_created")} <= {f"{metric._name}_total"}
        else:
            assert not metric._name.endswith("_total"), attr


def test_histograms_are_in_seconds(metrics: Metrics) -> None:
    histograms = [m for m in metrics.collectors().values() if isinstance(m, Histogram)]
    assert len(histograms) == 3
    assert all(h._name.endswith("_seconds") for h in histograms)


def test_gauges_name_their_unit(metrics: Metrics) -> None:
    for attr, metric in metrics.collectors().items():
        if isinstance(metric, Gauge) and attr != "sources_down":
            assert metric._name.endswith(UNIT_SUFFIXES) or metric._name.endswith("_actors"), attr


def test_labels_come_from_closed_sets(metrics: Metrics) -> None:
    for attr, metric in metrics.collectors().items():
        assert set(metric._labelnames) <= ALLOWED_LABELS, (attr, metric._labelnames)


def test_known_label_values_are_precreated_at_zero(metrics: Metrics) -> None:
    samples = _samples(metrics)

    def has(name: str, **labels: str) -> bool:
        return samples.get((name, frozenset(labels.items()))) == 0.0

    for stage in STAGES:
        assert has("backchannel_stage_items_in_total", stage=stage)
        assert has("backchannel_stage_items_out_total", stage=stage)
        assert has("backchannel_stage_processing_seconds_count", stage=stage)
    for stage in (*STAGES, "pipeline"):
        for reason in DEAD_LETTER_REASONS:
            assert has("backchannel_pipeline_dead_letters_total", stage=stage, reason=reason)
            assert has("backchannel_stage_errors_total", stage=stage, reason=reason)
    for lang in LANGS:
        assert has("backchannel_pipeline_articles_total", lang=lang)
    for level in ("document", "passage", "exact"):
        assert has("backchannel_pipeline_duplicates_total", level=level)
    for etype in EventType:
        for kind in EVENT_KINDS:
            assert has("backchannel_pipeline_events_total", type=etype.value, kind=kind)
    for cat in FigureCategory:
        assert has("backchannel_pipeline_figures_total", category=cat.value)
    for akind in AlertKind:
        for sev in Severity:
            assert has("backchannel_pipeline_alerts_total", kind=akind.value, severity=sev.value)
    for sink in SINKS:
        assert has("backchannel_sink_outbox_alerts", sink=sink)
        assert has("backchannel_sink_failures_total", sink=sink, reason="timeout")


def test_precreate_source_creates_the_source_series(metrics: Metrics) -> None:
    metrics.precreate_source("wire")
    samples = _samples(metrics)
    for outcome in ("ok", "not_modified", "failed"):
        key = (
            "backchannel_source_fetches_total",
            frozenset({"source": "wire", "outcome": outcome}.items()),
        )
        assert samples[key] == 0.0
    assert samples[("backchannel_source_articles_total", frozenset({("source", "wire")}))] == 0.0


def test_label_helpers_bound_unknown_values(metrics: Metrics) -> None:
    assert metrics.lang_label("fa") == "fa"
    assert metrics.lang_label("tr") == "other"
    assert metrics.reason_label("undecodable") == "undecodable"
    assert metrics.reason_label("something_new") == "other"


def test_delivery_metrics_record_on_the_sink_metrics(metrics: Metrics) -> None:
    delivery = PrometheusDeliveryMetrics(metrics)
    delivery.delivered("alertmanager", 3)
    delivery.failed("webhook", "timeout")
    delivery.failed("webhook", "a_code_nobody_declared")
    delivery.suppressed("webhook", "below_min_severity")
    delivery.deferred("alertmanager", AlertKind.ACTOR_NEW)
    delivery.outbox_size("alertmanager", 7)
    samples = _samples(metrics)
    assert (
        samples[("backchannel_sink_delivered_alerts_total", frozenset({("sink", "alertmanager")}))]
        == 3
    )
    failures = "backchannel_sink_failures_total"
    assert samples[(failures, frozenset({"sink": "webhook", "reason": "timeout"}.items()))] == 1
    assert samples[(failures, frozenset({"sink": "webhook", "reason": "other"}.items()))] == 1
    assert not any(
        k[0] == failures and ("reason", "a_code_nobody_declared") in k[1] for k in samples
    )
    deferred = (
        "backchannel_sink_deferred_alerts_total",
        frozenset({"sink": "alertmanager", "kind": "actor.new"}.items()),
    )
    assert samples[deferred] == 1
    assert samples[("backchannel_sink_outbox_alerts", frozenset({("sink", "alertmanager")}))] == 7


# --- docs/metrics.md --------------------------------------------------------------------------

_ROW = re.compile(r"^\|\s*`(?P<name>[a-z_:]+)`\s*\|\s*(?P<type>\w+)\s*\|(?P<labels>[^|]*)\|")


def _doc_rows() -> dict[str, tuple[str, set[str]]]:
    rows = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            labels = set(re.findall(r"`(\w+)`", match["labels"]))
            rows[match["name"]] = (match["type"], labels)
    return rows


def test_docs_table_lists_every_metric_with_its_type_and_labels(metrics: Metrics) -> None:
    rows = _doc_rows()
    for attr, metric in metrics.collectors().items():
        name = _exposed_name(metric)
        assert name in rows, f"{name} ({attr}) is missing from docs/metrics.md"
        assert rows[name] == (metric._type, set(metric._labelnames)), name


def test_docs_table_has_no_metric_that_does_not_exist(metrics: Metrics) -> None:
    ours = {_exposed_name(m) for m in metrics.collectors().values()}
    documented = {n for n in _doc_rows() if n.startswith("backchannel_")}
    assert documented == ours


def test_docs_table_lists_faust_sensors() -> None:
    from faust.sensors.prometheus import FaustMetrics

    faust_metrics = FaustMetrics.create(CollectorRegistry(), "faust")
    rows = _doc_rows()
    for metric in faust_metrics:
        assert _exposed_name(metric) in rows, metric._name
        assert rows[_exposed_name(metric)] == (metric._type, set(metric._labelnames))


def test_docs_runbook_anchors_exist_for_every_alert() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for alert in (
        "WorkerDown",
        "IngestionStalled",
        "FeedDown",
        "DeadLettersGrowing",
        "ConsumerLagHigh",
        "EndToEndLatencyHigh",
    ):
        assert f"### {alert}\n" in text


# --- streams.observability ---------------------------------------------------------------------


def test_record_state_sizes_matches_dash_and_underscore_names(metrics: Metrics) -> None:
    record_state_sizes(
        metrics,
        {
            "actors-seen": {"a": b"", "b": b""},
            "figure_series": {"s": b""},
            "pairs-seen": {"x": b""},
        },
    )
    assert metrics.actors_known._value.get() == 2
    assert metrics.figure_series._value.get() == 1
    assert metrics.dedup_index_entries._value.get() == 0  # absent mapping: unchanged


def test_embedded_state_gauges_read_the_sqlite_store(metrics: Metrics, tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.sqlite")
    try:
        for i in range(3):
            store.mapping("dedup_buckets")[f"band{i}"] = b"x"
        store.mapping("actors_seen")["Q1"] = b"x"
        store.commit()
        update_embedded_state_gauges(store, metrics)
    finally:
        store.close()
    assert metrics.dedup_index_entries._value.get() == 3
    assert metrics.actors_known._value.get() == 1
    assert metrics.figure_series._value.get() == 0


def test_state_gauges_cover_the_embedded_mappings() -> None:
    from streams.embedded import STATE_MAPPINGS

    assert set(STATE_GAUGES) <= set(STATE_MAPPINGS)


def _context(
    metrics: Metrics, consumer: Any = None, tables: Any = None, in_memory: Any = None
) -> Any:
    # A stand-in AppContext: only the attributes the observability helpers read.
    from streams.settings import Settings

    return SimpleNamespace(
        metrics=metrics,
        settings=Settings(topic_prefix="t."),
        app=SimpleNamespace(consumer=consumer),
        tables=tables or {},
        in_memory=in_memory or {},
    )


def test_update_state_gauges_reads_table_lengths(metrics: Metrics) -> None:
    update_state_gauges(_context(metrics, tables={"actors-seen": {"a": 1, "b": 2, "c": 3}}))
    assert metrics.actors_known._value.get() == 3


def test_update_state_gauges_sizes_in_memory_state_too(metrics: Metrics) -> None:
    update_state_gauges(_context(metrics, in_memory={"dedup_buckets": {"k1": 1, "k2": 2}}))
    assert metrics.dedup_index_entries._value.get() == 2


class _FakeClient:
    """aiokafka's consumer as the lag reader uses it: ``position`` per partition."""

    def __init__(self, positions: dict[Any, int]) -> None:
        self.positions = positions

    async def position(self, tp: Any) -> int:
        from aiokafka.errors import IllegalStateError

        if (tp.topic, tp.partition) not in self.positions:
            raise IllegalStateError(f"{tp} is not assigned")
        return self.positions[(tp.topic, tp.partition)]


class _FakeThread:
    """Faust's consumer thread: runs a coroutine function on the consumer's loop."""

    def __init__(self, positions: dict[Any, int]) -> None:
        self.client = _FakeClient(positions)

    def _ensure_consumer(self) -> _FakeClient:
        return self.client

    async def call_thread(self, fun: Any, *args: Any) -> Any:
        return await fun(*args)


class _FakeConsumer:
    """Stands in for Faust's consumer: offsets come from dicts, no broker involved.

    The real consumer is exercised against a broker in tests/integration/test_prometheus.py.
    """

    def __init__(
        self,
        assigned: set[Any],
        ends: dict[Any, int],
        positions: dict[Any, int],
        earliest: dict[Any, int],
    ) -> None:
        self._assigned = assigned
        self._ends = ends
        self._earliest = earliest
        self._thread = _FakeThread(positions)

    def assignment(self) -> set[Any]:
        return self._assigned

    async def highwaters(self, *tps: Any) -> dict[Any, int]:
        return {tp: self._ends[tp] for tp in tps}

    async def earliest_offsets(self, *tps: Any) -> dict[Any, int]:
        return {tp: self._earliest[tp] for tp in tps}


def _lag(metrics: Metrics) -> dict[tuple[str, str], float]:
    return {
        (s.labels["topic"], s.labels["partition"]): s.value
        for f in metrics.consumer_lag.collect()
        for s in f.samples
    }


def test_consumer_lag_is_end_minus_position_for_our_topics_only(metrics: Metrics) -> None:
    from faust.types import TP

    raw0, raw1 = TP("t.articles.raw", 0), TP("t.articles.raw", 1)
    changelog = TP("t.backchannel-actors-seen-changelog", 0)
    consumer = _FakeConsumer(
        assigned={raw0, raw1, changelog},
        ends={raw0: 120, raw1: 40, changelog: 999},
        positions={("t.articles.raw", 0): 100},  # raw1 not positioned yet: from the earliest
        earliest={raw1: 10, changelog: 0},
    )
    asyncio.run(update_consumer_lag(_context(metrics, consumer)))
    assert _lag(metrics) == {("t.articles.raw", "0"): 20, ("t.articles.raw", "1"): 30}


def test_consumer_lag_drops_partitions_the_worker_lost(metrics: Metrics) -> None:
    from faust.types import TP

    raw0, raw1 = TP("t.articles.raw", 0), TP("t.articles.raw", 1)
    consumer = _FakeConsumer(
        {raw0, raw1}, {raw0: 5, raw1: 5}, {("t.articles.raw", 0): 5, ("t.articles.raw", 1): 1}, {}
    )

    ctx = _context(metrics, consumer)
    asyncio.run(update_consumer_lag(ctx))
    assert _lag(metrics) == {("t.articles.raw", "0"): 0, ("t.articles.raw", "1"): 4}
    consumer._assigned = {raw0}
    asyncio.run(update_consumer_lag(ctx))
    assert _lag(metrics) == {("t.articles.raw", "0"): 0}


def test_faust_sensors_register_on_our_registry_under_the_faust_prefix(metrics: Metrics) -> None:
    import faust
    from faust.sensors.prometheus import PrometheusMonitor

    app = faust.App("metrics-test", broker="memory://", web_enabled=False, autodiscover=False)
    install_faust_sensors(SimpleNamespace(app=app, metrics=metrics))  # type: ignore[arg-type]
    assert isinstance(app.monitor, PrometheusMonitor)
    names = {f.name for f in metrics.registry.collect()}
    assert "faust_messages_received" in names
    assert "faust_topic_partition_end_offset" in names
