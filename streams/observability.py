"""Runtime metrics that need a running app: Faust's sensors, consumer lag, state sizes.

``streams.metrics`` declares the metrics; this module fills the ones that no message handler
can: Faust's own monitor (exported through the same prometheus_client registry, since Faust's
web server, which would normally serve it, is off), the consumer lag per topic-partition
(Faust does not export it), and the size of the state each process holds (tables or SQLite
mappings). Everything here is best effort: a metrics timer that fails logs a warning and tries
again at the next tick, it never stops the worker.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sized
from typing import TYPE_CHECKING, Any

from prometheus_client import Gauge, start_http_server

from streams.metrics import METRICS, Metrics
from streams.topics import Topic, topic_name

if TYPE_CHECKING:
    from streams.app import AppContext
    from streams.settings import Settings
    from streams.state import StateStore

__all__ = [
    "FAUST_METRIC_PREFIX",
    "LAG_INTERVAL_SECONDS",
    "STATE_GAUGES",
    "STATE_INTERVAL_SECONDS",
    "install_faust_sensors",
    "install_kafka_sensors",
    "record_state_sizes",
    "serve_metrics",
    "update_consumer_lag",
    "update_embedded_state_gauges",
    "update_state_gauges",
]

logger = logging.getLogger(__name__)

#: Faust's metrics keep Faust's names under this prefix (``faust_messages_received_total``...);
#: a prefix of their own keeps them apart from ours, whose conventions they do not all follow
#: (milliseconds, counters named ``total_*``). ``docs/metrics.md`` lists them.
FAUST_METRIC_PREFIX = "faust"
#: Lag asks the broker for end offsets (one ListOffsets request per tick): cheap at 5 s.
LAG_INTERVAL_SECONDS = 5.0
#: Counting a RocksDB table walks its keys, so state sizes are refreshed less often.
STATE_INTERVAL_SECONDS = 15.0
#: State mapping name (``-`` and ``_`` alike) -> ``Metrics`` gauge attribute it sizes. The
#: embedded runtime names its mappings with ``_`` (``streams.embedded.STATE_MAPPINGS``), the
#: Faust tables use ``-`` (``ctx.table("actors-seen")``).
STATE_GAUGES: Mapping[str, str] = {
    "actors_seen": "actors_known",
    "figure_series": "figure_series",
    "dedup_buckets": "dedup_index_entries",
}


def serve_metrics(settings: Settings, metrics: Metrics = METRICS) -> bool:
    """Serve ``metrics.registry`` on ``metrics_host:metrics_port``; False when the port is 0.

    One call per process, from each command that runs for long (``run``, ``worker``,
    ``ingest --feeds``): Prometheus scrapes every one of them (job ``backchannel``), and the
    WorkerDown alert fires for a process that does not answer.
    """
    if not settings.metrics_port:
        return False
    start_http_server(settings.metrics_port, addr=settings.metrics_host, registry=metrics.registry)
    logger.info(
        "metrics served", extra={"host": settings.metrics_host, "port": settings.metrics_port}
    )
    return True


def install_kafka_sensors(
    ctx: AppContext,
    *,
    lag_interval: float = LAG_INTERVAL_SECONDS,
    state_interval: float = STATE_INTERVAL_SECONDS,
) -> None:
    """Export Faust's sensors and add the lag and state-size timers to ``ctx.app``.

    Call once per app, before the worker starts (``streams.worker.run_worker`` does).
    """
    install_faust_sensors(ctx)

    async def consumer_lag() -> None:
        try:
            await update_consumer_lag(ctx)
        except Exception:  # metrics must never take the worker down
            logger.warning("consumer lag not updated", exc_info=True)

    async def state_sizes() -> None:
        try:
            update_state_gauges(ctx)
        except Exception:  # metrics must never take the worker down
            logger.warning("state gauges not updated", exc_info=True)

    # Plain calls rather than decorators: ``App.timer`` is untyped.
    ctx.app.timer(lag_interval, name="backchannel.observability.consumer_lag")(consumer_lag)
    ctx.app.timer(state_interval, name="backchannel.observability.state_sizes")(state_sizes)


def install_faust_sensors(ctx: AppContext) -> None:
    """Make Faust's Prometheus monitor the app's monitor, on ``ctx.metrics.registry``.

    This is ``faust.sensors.prometheus.setup_prometheus_sensors`` without its ``@app.page``
    route: declaring a page would build Faust's web server, which our app keeps off
    (``web_enabled=False``); the registry is served by ``prometheus_client`` instead.
    """
    from faust.sensors.prometheus import FaustMetrics, PrometheusMonitor

    faust_metrics = FaustMetrics.create(ctx.metrics.registry, FAUST_METRIC_PREFIX)
    ctx.app.monitor = PrometheusMonitor(metrics=faust_metrics)


async def update_consumer_lag(ctx: AppContext) -> None:
    """Set ``backchannel_kafka_consumer_lag_messages`` for each partition this worker owns.

    Lag is the log end offset (high-water mark, or last stable offset in a transaction) minus
    the committed offset, which in Kafka is the next offset to consume. Before the group has
    committed anything on a partition the consumer starts at the earliest offset
    (``consumer_auto_offset_reset="earliest"``), so the earliest offset stands in for it.
    Only our own topics count: table changelogs are read during recovery, never committed.
    Series of partitions this worker no longer owns are removed, so ``sum()`` across workers
    counts each partition once after a rebalance.
    """
    from faust.exceptions import ConsumerNotStarted

    gauge = ctx.metrics.consumer_lag
    ours = {topic_name(topic, ctx.settings.topic_prefix) for topic in Topic}
    consumer = ctx.app.consumer
    try:
        assigned = sorted(tp for tp in consumer.assignment() if tp.topic in ours)
    except ConsumerNotStarted:
        return
    lags: dict[tuple[str, str], int] = {}
    if assigned:
        ends = await consumer.highwaters(*assigned)
        # From the consumer's fetch position, not the committed offset: with transactions
        # (processing_guarantee exactly_once) each commit leaves a control marker at the end of
        # the partitions it wrote, which no consumer ever consumes, so end - committed never
        # reaches 0; the position moves past markers. Messages fetched but still buffered in
        # the worker are not counted (at most stream_buffer_maxsize per partition).
        committed = await _positions(consumer, assigned)
        missing = [tp for tp in assigned if not committed.get(tp)]
        earliest = await consumer.earliest_offsets(*missing) if missing else {}
        for tp in assigned:
            end = ends.get(tp)
            if end is None or end < 0:
                continue
            start = committed.get(tp) or earliest.get(tp) or 0
            lags[(tp.topic, str(tp.partition))] = max(0, end - start)
    _replace_series(gauge, lags)


async def _positions(consumer: Any, partitions: list[Any]) -> Mapping[Any, int | None]:
    """The consumer's next fetch offset for each partition (``None``: not known yet)."""
    from aiokafka import TopicPartition
    from aiokafka.errors import IllegalStateError

    thread = consumer._thread
    client = thread._ensure_consumer()

    async def fetch() -> dict[Any, int | None]:
        out: dict[Any, int | None] = {}
        for tp in partitions:
            try:
                out[tp] = await client.position(TopicPartition(tp.topic, tp.partition))
            except IllegalStateError:  # not assigned any more (a rebalance is under way)
                out[tp] = None
        return out

    result: Mapping[Any, int | None] = await thread.call_thread(fetch)
    return result


def _replace_series(gauge: Gauge, values: Mapping[tuple[str, str], int]) -> None:

    current = {
        (sample.labels["topic"], sample.labels["partition"])
        for family in gauge.collect()
        for sample in family.samples
    }
    for topic, partition in current - set(values):
        gauge.remove(topic, partition)
    for (topic, partition), value in values.items():
        gauge.labels(topic, partition).set(value)


def update_state_gauges(ctx: AppContext) -> None:
    """Set the ``backchannel_state_*`` gauges from the sizes of ``ctx.tables`` and
    ``ctx.in_memory``.

    A Faust table's length covers the partitions this worker holds, so each worker reports its
    share and ``sum()`` gives the total; so does the in-memory dedup index.
    """
    record_state_sizes(ctx.metrics, {**ctx.tables, **ctx.in_memory})


def update_embedded_state_gauges(store: StateStore, metrics: Metrics = METRICS) -> None:
    """Set the ``backchannel_state_*`` gauges from the embedded runtime's ``StateStore``."""
    record_state_sizes(metrics, {name: store.mapping(name) for name in STATE_GAUGES})


def record_state_sizes(metrics: Metrics, mappings: Mapping[str, Sized]) -> None:
    """Set each gauge of ``STATE_GAUGES`` to the length of the mapping of that name.

    Names match with ``-`` and ``_`` alike; mappings of other names are ignored, and a gauge
    whose mapping is absent keeps its value.
    """
    for name, mapping in mappings.items():
        attr = STATE_GAUGES.get(name.replace("-", "_"))
        if attr is not None:
            gauge: Gauge = getattr(metrics, attr)
            gauge.set(len(mapping))
