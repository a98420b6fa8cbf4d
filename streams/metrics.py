"""Every Prometheus metric backchannel exports, in one place.

Names follow Prometheus' guide: ``backchannel_`` namespace, a subsystem per stage, base units
(seconds, bytes), ``_total`` on counters (prometheus_client appends it). Labels are small closed
sets (stage, lang, kind, severity, reason, category, level, source name from the config) and
never article ids or URLs. Known label values are pre-created so dashboards show zeros rather
than gaps. Tests build ``Metrics(CollectorRegistry())`` to stay isolated; the process-wide
instance is ``METRICS``.
"""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

from streams.records import AlertKind, EventType, FigureCategory, Severity

__all__ = ["LATENCY_BUCKETS", "METRICS", "STAGES", "Metrics"]

STAGES = ("normalize", "dedup", "extract", "events", "figures", "novelty", "alerts", "ingest")
LANGS = ("ar", "fa", "en", "other")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
STAGE_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0)


class Metrics:
    """The metric objects, registered on ``registry``."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        ns = "backchannel"
        r = registry
        self.stage_in = Counter(
            "items_in",
            "Items a stage received",
            ["stage"],
            namespace=ns,
            subsystem="stage",
            registry=r,
        )
        self.stage_out = Counter(
            "items_out",
            "Items a stage emitted",
            ["stage"],
            namespace=ns,
            subsystem="stage",
            registry=r,
        )
        self.stage_errors = Counter(
            "errors",
            "Items a stage failed on, by reason",
            ["stage", "reason"],
            namespace=ns,
            subsystem="stage",
            registry=r,
        )
        self.stage_seconds = Histogram(
            "processing_seconds",
            "Time a stage spent on one item",
            ["stage"],
            namespace=ns,
            subsystem="stage",
            buckets=STAGE_BUCKETS,
            registry=r,
        )
        self.articles = Counter(
            "articles",
            "Articles normalised, by detected language",
            ["lang"],
            namespace=ns,
            subsystem="pipeline",
            registry=r,
        )
        self.duplicates = Counter(
            "duplicates",
            "Articles found to repeat earlier ones, by level",
            ["level"],
            namespace=ns,
            subsystem="pipeline",
            registry=r,
        )
        self.events = Counter(
            "events",
            "Merged event updates, by type and kind",
            ["type", "kind"],
            namespace=ns,
            subsystem="pipeline",
            registry=r,
        )
        self.figures = Counter(
            "figures",
            "Figure mentions extracted, by category",
            ["category"],
            namespace=ns,
            subsystem="pipeline",
            registry=r,
        )
        self.alerts = Counter(
            "alerts",
            "Alerts raised, by kind and severity",
            ["kind", "severity"],
            namespace=ns,
            subsystem="pipeline",
            registry=r,
        )
        self.dead_letters = Counter(
            "dead_letters",
            "Messages sent to dead-letters, by stage and reason",
            ["stage", "reason"],
            namespace=ns,
            subsystem="pipeline",
            registry=r,
        )
        self.latency_event = Histogram(
            "fetch_to_event_seconds",
            "Fetched to event emitted",
            namespace=ns,
            subsystem="pipeline",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.latency_alert = Histogram(
            "fetch_to_alert_seconds",
            "Fetched to alert emitted",
            namespace=ns,
            subsystem="pipeline",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.source_fetches = Counter(
            "fetches",
            "Source fetches, by source and outcome",
            ["source", "outcome"],
            namespace=ns,
            subsystem="source",
            registry=r,
        )
        self.source_bytes = Counter(
            "bytes",
            "Bytes read from sources",
            ["source"],
            namespace=ns,
            subsystem="source",
            registry=r,
        )
        self.source_entries = Counter(
            "entries",
            "Entries parsed from sources",
            ["source"],
            namespace=ns,
            subsystem="source",
            registry=r,
        )
        self.source_articles = Counter(
            "articles",
            "New articles produced by sources",
            ["source"],
            namespace=ns,
            subsystem="source",
            registry=r,
        )
        self.source_failures = Counter(
            "failures",
            "Source failures, by reason",
            ["source", "reason"],
            namespace=ns,
            subsystem="source",
            registry=r,
        )
        self.source_last_success = Gauge(
            "last_success_timestamp_seconds",
            "Unix time of the last successful fetch",
            ["source"],
            namespace=ns,
            subsystem="source",
            registry=r,
        )
        self.sources_down = Gauge(
            "down",
            "Sources currently considered down",
            namespace=ns,
            subsystem="source",
            registry=r,
        )
        self.actors_known = Gauge(
            "actors",
            "Distinct actors seen by this process' partitions",
            namespace=ns,
            subsystem="state",
            registry=r,
        )
        self.figure_series = Gauge(
            "figure_series",
            "Tracked figure series in this process' partitions",
            namespace=ns,
            subsystem="state",
            registry=r,
        )
        self.dedup_index_entries = Gauge(
            "dedup_index_entries",
            "Band buckets in this process' dedup index",
            namespace=ns,
            subsystem="state",
            registry=r,
        )
        self.consumer_lag = Gauge(
            "consumer_lag_messages",
            "Messages behind the log end, per topic and partition",
            ["topic", "partition"],
            namespace=ns,
            subsystem="kafka",
            registry=r,
        )
        self._precreate()

    def _precreate(self) -> None:
        for stage in STAGES:
            self.stage_in.labels(stage)
            self.stage_out.labels(stage)
            self.stage_seconds.labels(stage)
        for lang in LANGS:
            self.articles.labels(lang)
        for level in ("document", "passage", "exact"):
            self.duplicates.labels(level)
        for etype in EventType:
            for kind in ("event.new", "event.updated"):
                self.events.labels(etype.value, kind)
        for cat in FigureCategory:
            self.figures.labels(cat.value)
        for akind in AlertKind:
            for sev in Severity:
                self.alerts.labels(akind.value, sev.value)

    def lang_label(self, lang: str) -> str:
        """Bound the ``lang`` label to a closed set."""
        return lang if lang in LANGS else "other"


METRICS = Metrics()
