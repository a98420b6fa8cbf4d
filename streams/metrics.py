"""Every Prometheus metric backchannel exports, in one place.

Names follow Prometheus' guide: ``backchannel_`` namespace, a subsystem per concern (``stage``,
``pipeline``, ``source``, ``sink``, ``state``, ``kafka``), base units (seconds, bytes), and
``_total`` on counters (prometheus_client appends it). Labels are small closed sets (stage,
lang, kind, severity, reason, category, level, outcome, the source or sink name from the
config, a Kafka topic of ours and its partition) and never article ids or URLs. Known label
values are pre-created so dashboards show zeros rather than gaps and ``rate()`` has a series to
work on before the first increment. Tests build ``Metrics(CollectorRegistry())`` to stay
isolated; the process-wide instance is ``METRICS``. ``docs/metrics.md`` lists every metric and a
test keeps that table in step with this module.
"""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.metrics import MetricWrapperBase

from streams.records import AlertKind, EventType, FigureCategory, Severity

__all__ = [
    "DEAD_LETTER_REASONS",
    "DUPLICATE_LEVELS",
    "EVENT_KINDS",
    "FETCH_OUTCOMES",
    "LANGS",
    "LATENCY_BUCKETS",
    "METRICS",
    "SINKS",
    "SINK_FAILURE_REASONS",
    "SINK_SUPPRESSION_REASONS",
    "STAGES",
    "Metrics",
    "PrometheusDeliveryMetrics",
]

NAMESPACE = "backchannel"
STAGES = ("normalize", "dedup", "extract", "events", "figures", "novelty", "alerts", "ingest")
#: Stages that dead-letter: every stage, plus ``pipeline`` (the embedded runtime's whole-article
#: guard, which cannot tell which stage of the article failed).
DEAD_LETTER_STAGES = (*STAGES, "pipeline")
#: ``BackchannelError.reason`` values a stage failure carries; anything else counts as ``other``.
DEAD_LETTER_REASONS = ("undecodable", "stage_failed", "other")
LANGS = ("ar", "fa", "en", "other")
DUPLICATE_LEVELS = ("document", "passage", "exact")
EVENT_KINDS = ("event.new", "event.updated")
FETCH_OUTCOMES = ("ok", "not_modified", "failed")
SINKS = ("alertmanager", "webhook")
SINK_FAILURE_REASONS = (
    "unavailable",
    "timeout",
    "server_error",
    "throttled",
    "rejected",
    "undecodable",
    "internal",
    "other",
)
SINK_SUPPRESSION_REASONS = ("below_min_severity", "other")
#: End-to-end: fetched to emitted is seconds in steady state, minutes when a worker catches up.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
#: One stage on one item is sub-millisecond (folding, lookups) to ~100 ms (long articles).
STAGE_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0)


class Metrics:
    """The metric objects, registered on ``registry`` (kept as ``self.registry``)."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.registry = registry

        def counter(subsystem: str, name: str, doc: str, labels: tuple[str, ...] = ()) -> Counter:
            return Counter(
                name, doc, labels, namespace=NAMESPACE, subsystem=subsystem, registry=registry
            )

        def gauge(subsystem: str, name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
            return Gauge(
                name, doc, labels, namespace=NAMESPACE, subsystem=subsystem, registry=registry
            )

        def histogram(
            subsystem: str,
            name: str,
            doc: str,
            buckets: tuple[float, ...],
            labels: tuple[str, ...] = (),
        ) -> Histogram:
            return Histogram(
                name,
                doc,
                labels,
                namespace=NAMESPACE,
                subsystem=subsystem,
                buckets=buckets,
                registry=registry,
            )

        # Per stage.
        self.stage_in = counter("stage", "items_in", "Items a stage received", ("stage",))
        self.stage_out = counter("stage", "items_out", "Items a stage emitted", ("stage",))
        self.stage_errors = counter(
            "stage", "errors", "Items a stage failed on, by reason", ("stage", "reason")
        )
        self.stage_seconds = histogram(
            "stage",
            "processing_seconds",
            "Time a stage spent on one item",
            STAGE_BUCKETS,
            ("stage",),
        )
        # What flows through the pipeline.
        self.articles = counter(
            "pipeline", "articles", "Articles normalised, by detected language", ("lang",)
        )
        self.duplicates = counter(
            "pipeline", "duplicates", "Articles found to repeat earlier ones, by level", ("level",)
        )
        self.events = counter(
            "pipeline", "events", "Merged event updates, by type and kind", ("type", "kind")
        )
        self.figures = counter(
            "pipeline", "figures", "Figure mentions extracted, by category", ("category",)
        )
        self.alerts = counter(
            "pipeline", "alerts", "Alerts raised, by kind and severity", ("kind", "severity")
        )
        self.dead_letters = counter(
            "pipeline",
            "dead_letters",
            "Messages sent to dead-letters, by stage and reason",
            ("stage", "reason"),
        )
        self.latency_event = histogram(
            "pipeline", "fetch_to_event_seconds", "Fetched to event emitted", LATENCY_BUCKETS
        )
        self.latency_alert = histogram(
            "pipeline", "fetch_to_alert_seconds", "Fetched to alert emitted", LATENCY_BUCKETS
        )
        # Sources (connectors); ``source`` is the name given in the sources file.
        self.source_fetches = counter(
            "source", "fetches", "Source fetches, by source and outcome", ("source", "outcome")
        )
        self.source_bytes = counter("source", "bytes", "Bytes read from sources", ("source",))
        self.source_entries = counter(
            "source", "entries", "Entries parsed from sources", ("source",)
        )
        self.source_articles = counter(
            "source", "articles", "New articles produced by sources", ("source",)
        )
        self.source_failures = counter(
            "source", "failures", "Source failures, by reason", ("source", "reason")
        )
        self.source_last_success = gauge(
            "source",
            "last_success_timestamp_seconds",
            "Unix time of the last successful fetch",
            ("source",),
        )
        self.sources_down = gauge("source", "down", "Sources currently considered down")
        # Alert sinks (connectors/sinks); ``sink`` is alertmanager or webhook.
        self.sink_delivered = counter(
            "sink", "delivered_alerts", "Alerts a sink accepted", ("sink",)
        )
        self.sink_failures = counter(
            "sink", "failures", "Failed delivery attempts, by reason", ("sink", "reason")
        )
        self.sink_suppressed = counter(
            "sink",
            "suppressed_alerts",
            "Alerts not queued for delivery, by reason",
            ("sink", "reason"),
        )
        self.sink_deferred = counter(
            "sink",
            "deferred_alerts",
            "Alerts held back by the rate limit, by kind",
            ("sink", "kind"),
        )
        self.sink_outbox = gauge(
            "sink", "outbox_alerts", "Undelivered alerts waiting in the outbox", ("sink",)
        )
        # State sizes, set periodically by ``streams.observability``.
        self.actors_known = gauge(
            "state", "actors", "Distinct actors seen by this process' partitions"
        )
        self.figure_series = gauge(
            "state", "figure_series", "Tracked figure series in this process' partitions"
        )
        self.dedup_index_entries = gauge(
            "state", "dedup_index_entries", "Band buckets in this process' dedup index"
        )
        # Kafka runtime only, set by ``streams.observability``.
        self.consumer_lag = gauge(
            "kafka",
            "consumer_lag_messages",
            "Messages behind the log end, per topic and partition",
            ("topic", "partition"),
        )
        self._precreate()

    def _precreate(self) -> None:
        for stage in STAGES:
            self.stage_in.labels(stage)
            self.stage_out.labels(stage)
            self.stage_seconds.labels(stage)
        for stage in DEAD_LETTER_STAGES:
            for reason in DEAD_LETTER_REASONS:
                self.dead_letters.labels(stage, reason)
                self.stage_errors.labels(stage, reason)
        for lang in LANGS:
            self.articles.labels(lang)
        for level in DUPLICATE_LEVELS:
            self.duplicates.labels(level)
        for etype in EventType:
            for kind in EVENT_KINDS:
                self.events.labels(etype.value, kind)
        for cat in FigureCategory:
            self.figures.labels(cat.value)
        for akind in AlertKind:
            for sev in Severity:
                self.alerts.labels(akind.value, sev.value)
        for sink in SINKS:
            self.sink_delivered.labels(sink)
            self.sink_outbox.labels(sink)
            for reason in SINK_FAILURE_REASONS:
                self.sink_failures.labels(sink, reason)
            for reason in SINK_SUPPRESSION_REASONS:
                self.sink_suppressed.labels(sink, reason)
            for akind in AlertKind:
                self.sink_deferred.labels(sink, akind.value)

    def precreate_source(self, source: str) -> None:
        """Create the zero series of one configured source; call once per source at start.

        Sources are named in the config, so their label values cannot be created here; without
        this, a feed that has never fetched has no series and ``rate()`` shows a gap.
        """
        for outcome in FETCH_OUTCOMES:
            self.source_fetches.labels(source, outcome)
        self.source_bytes.labels(source)
        self.source_entries.labels(source)
        self.source_articles.labels(source)

    def lang_label(self, lang: str) -> str:
        """Bound the ``lang`` label to a closed set."""
        return lang if lang in LANGS else "other"

    def reason_label(self, reason: str) -> str:
        """Bound a dead-letter or stage-error ``reason`` label to ``DEAD_LETTER_REASONS``."""
        return reason if reason in DEAD_LETTER_REASONS else "other"

    def collectors(self) -> dict[str, MetricWrapperBase]:
        """Every metric object by attribute name (for the docs check and the name tests)."""
        return {k: v for k, v in vars(self).items() if isinstance(v, MetricWrapperBase)}


class PrometheusDeliveryMetrics:
    """``connectors.sinks.DeliveryMetrics`` recorded on ``Metrics`` (sink_* metrics).

    Structural: it satisfies the Protocol without importing connectors. Reasons outside the
    documented closed sets are counted as ``other`` so a new code can never grow the label set.
    """

    def __init__(self, metrics: Metrics) -> None:
        self._m = metrics

    def delivered(self, sink: str, count: int) -> None:
        """``count`` alerts were accepted by ``sink``."""
        self._m.sink_delivered.labels(sink).inc(count)

    def failed(self, sink: str, reason: str) -> None:
        """One delivery attempt to ``sink`` failed for ``reason``."""
        label = reason if reason in SINK_FAILURE_REASONS else "other"
        self._m.sink_failures.labels(sink, label).inc()

    def suppressed(self, sink: str, reason: str) -> None:
        """One alert was not queued for ``sink``, for ``reason``."""
        label = reason if reason in SINK_SUPPRESSION_REASONS else "other"
        self._m.sink_suppressed.labels(sink, label).inc()

    def deferred(self, sink: str, kind: AlertKind) -> None:
        """One alert of ``kind`` waited for ``sink``'s rate limit."""
        self._m.sink_deferred.labels(sink, AlertKind(kind).value).inc()

    def outbox_size(self, sink: str, size: int) -> None:
        """``sink``'s outbox now holds ``size`` undelivered alerts."""
        self._m.sink_outbox.labels(sink).set(size)


METRICS = Metrics()
