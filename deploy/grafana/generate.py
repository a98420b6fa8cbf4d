"""Generate backchannel's Grafana dashboards as code, with grafana-foundation-sdk.

The JSON under ``deploy/grafana/dashboards/`` is generated, never edited by hand: Grafana
provisions it as is (``provisioning/dashboards/backchannel.yaml``) and a test runs
``--check`` so the committed files cannot drift from this script. The SDK version is pinned
to the Grafana image of ``docker-compose.yml`` (both 11.6): the SDK's models follow one
Grafana version's dashboard schema.

Every query reads metrics that ``streams.metrics`` (and Faust's sensors, through
``streams.observability``) export; ``tests/integration/test_prometheus.py`` asks a real
Prometheus for each expression of these dashboards and fails on one that returns nothing.

Run ``.venv/bin/python deploy/grafana/generate.py`` to write the files, ``--check`` to exit 1
when they differ from what this script generates.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from _panels import (
    DATASOURCE,
    RANGE,
    RATE,
    dashboard,
    increase_by,
    instant,
    quantiles,
    query,
    rate_by,
    rate_series,
    series,
    stat_panel,
    totals,
)
from grafana_foundation_sdk.builders import piechart
from grafana_foundation_sdk.builders.common import ReduceDataOptions
from grafana_foundation_sdk.builders.dashboard import Dashboard, Row
from grafana_foundation_sdk.cog.encoder import JSONEncoder

OUT_DIR = Path(__file__).resolve().parent / "dashboards"
#: Must agree with the FeedDown rule in deploy/prometheus/rules/backchannel.rules.yml.
FEED_STALE_SECONDS = 1800


def overview() -> Dashboard:
    """Is the pipeline healthy: throughput, latency, lag, errors, feeds, state."""
    return (
        dashboard(
            "backchannel-overview",
            "backchannel / Overview",
            "Health of the backchannel pipeline: ingest, latency, Kafka lag, errors, feeds.",
        )
        .with_row(Row("Health"))
        .with_panel(
            stat_panel(
                "Processes up",
                "backchannel processes Prometheus scrapes successfully (job backchannel).",
                instant('sum(up{job="backchannel"})'),
            )
        )
        .with_panel(
            stat_panel(
                "Feeds down",
                f"Sources with no successful fetch for {FEED_STALE_SECONDS // 60} minutes"
                " (the FeedDown alert's condition).",
                instant(
                    f"count((time() - backchannel_source_last_success_timestamp_seconds)"
                    f" > {FEED_STALE_SECONDS}) or vector(0)"
                ),
                red_at=1,
            )
        )
        .with_panel(
            stat_panel(
                "Dead letters (range)",
                "Messages sent to dead-letters in the selected time range.",
                instant(f"sum(increase(backchannel_pipeline_dead_letters_total[{RANGE}]))"),
                red_at=1,
            )
        )
        .with_panel(
            stat_panel(
                "Consumer lag",
                "Messages the workers are behind, all topics and partitions.",
                instant("sum(backchannel_kafka_consumer_lag_messages)"),
                red_at=1000,
            )
        )
        .with_panel(
            stat_panel(
                "p95 fetched to event",
                "95th percentile of the time from fetching an article to emitting its event.",
                instant(
                    "histogram_quantile(0.95, sum by (le)"
                    f" (rate(backchannel_pipeline_fetch_to_event_seconds_bucket[{RATE}])))"
                ),
                unit="s",
                red_at=30,
            )
        )
        .with_panel(
            stat_panel(
                "Alert outbox",
                "Alerts waiting to be delivered to Alertmanager or the webhook.",
                instant("sum(backchannel_sink_outbox_alerts)"),
                red_at=100,
            )
        )
        .with_row(Row("Throughput"))
        .with_panel(
            series(
                "Ingest rate",
                "New articles per second, per source, and entering the pipeline.",
                [
                    rate_by("backchannel_source_articles_total", "source"),
                    query(
                        f'sum(rate(backchannel_stage_items_in_total{{stage="normalize"}}[{RATE}]))',
                        "into pipeline",
                        "B",
                    ),
                ],
                unit="cps",
            )
        )
        .with_panel(
            rate_series(
                "Stage throughput",
                "Items each stage emitted per second.",
                "backchannel_stage_items_out_total",
                "stage",
            )
        )
        .with_row(Row("Latency"))
        .with_panel(
            series(
                "Fetched to event",
                "p50/p95/p99 of the time from fetching an article to emitting its event.",
                quantiles("backchannel_pipeline_fetch_to_event_seconds"),
                unit="s",
            )
        )
        .with_panel(
            series(
                "Fetched to alert",
                "p50/p95/p99 of the time from fetching an article to raising its alert.",
                quantiles("backchannel_pipeline_fetch_to_alert_seconds"),
                unit="s",
            )
        )
        .with_panel(
            series(
                "Stage processing time p95",
                "95th percentile of the time one stage spends on one item.",
                [
                    query(
                        "histogram_quantile(0.95, sum by (le, stage)"
                        f" (rate(backchannel_stage_processing_seconds_bucket[{RATE}])))",
                        "{{stage}}",
                    )
                ],
                unit="s",
                width=24,
            )
        )
        .with_row(Row("Kafka"))
        .with_panel(
            series(
                "Consumer lag by topic",
                "Messages behind the log end, summed over partitions and workers.",
                [query("sum by (topic) (backchannel_kafka_consumer_lag_messages)", "{{topic}}")],
            )
        )
        .with_panel(
            rate_series(
                "Messages received by topic (Faust)",
                "Messages Faust's consumer received per second (Faust's own sensor).",
                "faust_messages_received_per_topic_total",
                "topic",
            )
        )
        .with_row(Row("Errors"))
        .with_panel(
            rate_series(
                "Stage errors",
                "Items a stage failed on per second, by stage and reason.",
                "backchannel_stage_errors_total",
                "stage, reason",
            )
        )
        .with_panel(
            rate_series(
                "Dead letters",
                "Messages sent to dead-letters per second, by stage and reason.",
                "backchannel_pipeline_dead_letters_total",
                "stage, reason",
            )
        )
        .with_panel(
            rate_series(
                "Source failures",
                "Failed fetches per second, by source and reason.",
                "backchannel_source_failures_total",
                "source, reason",
            )
        )
        .with_panel(
            series(
                "Seconds since last successful fetch",
                f"Per source; FeedDown fires above {FEED_STALE_SECONDS} s.",
                [
                    query(
                        "time() - backchannel_source_last_success_timestamp_seconds",
                        "{{source}}",
                    )
                ],
                unit="s",
            )
        )
        .with_panel(
            rate_series(
                "Alert sink failures",
                "Failed deliveries per second to Alertmanager or the webhook, by reason.",
                "backchannel_sink_failures_total",
                "sink, reason",
                width=24,
            )
        )
        .with_row(Row("State"))
        .with_panel(
            series(
                "State held",
                "Actors known, figure series tracked and dedup band buckets, over all processes.",
                [
                    query("sum(backchannel_state_actors)", "actors"),
                    query("sum(backchannel_state_figure_series)", "figure series", "B"),
                    query("sum(backchannel_state_dedup_index_entries)", "dedup buckets", "C"),
                ],
                width=24,
            )
        )
    )


def content() -> Dashboard:
    """What the news says: events, alerts, duplicates, languages, figures."""
    return (
        dashboard(
            "backchannel-content",
            "backchannel / Content",
            "What flows through backchannel: contacts, alerts, duplicates, languages, figures.",
        )
        .with_row(Row("Events"))
        .with_panel(
            rate_series(
                "Events per minute by type",
                "Merged event updates per minute, new and updated, by contact type.",
                "backchannel_pipeline_events_total",
                "type, kind",
                per_minute=True,
            )
        )
        .with_panel(
            totals(
                "Events in range",
                "Event updates in the selected range, by type and kind.",
                "backchannel_pipeline_events_total",
                "type, kind",
            )
        )
        .with_row(Row("Alerts"))
        .with_panel(
            rate_series(
                "Alerts per minute by kind and severity",
                "Novelty alerts raised per minute.",
                "backchannel_pipeline_alerts_total",
                "kind, severity",
                per_minute=True,
            )
        )
        .with_panel(
            totals(
                "Alerts in range",
                "Alerts raised in the selected range, by kind and severity.",
                "backchannel_pipeline_alerts_total",
                "kind, severity",
            )
        )
        .with_row(Row("Articles"))
        .with_panel(
            rate_series(
                "Duplicates per minute by level",
                "Articles that repeat earlier ones: exact copies, whole documents, passages.",
                "backchannel_pipeline_duplicates_total",
                "level",
                per_minute=True,
            )
        )
        .with_panel(
            series(
                "Share of articles that are duplicates",
                "Duplicates of any level over articles normalised.",
                [
                    query(
                        f"sum(rate(backchannel_pipeline_duplicates_total[{RATE}]))"
                        f" / sum(rate(backchannel_pipeline_articles_total[{RATE}]))",
                        "duplicates",
                    )
                ],
                unit="percentunit",
            )
        )
        .with_panel(
            piechart.Panel()
            .title("Languages in range")
            .description("Articles normalised in the selected range, by detected language.")
            .datasource(DATASOURCE)
            .height(8)
            .span(12)
            .reduce_options(ReduceDataOptions().calcs(["lastNotNull"]).values(False))
            .with_target(increase_by("backchannel_pipeline_articles_total", "lang"))
        )
        .with_panel(
            rate_series(
                "Articles per minute by language",
                "Articles normalised per minute, by detected language.",
                "backchannel_pipeline_articles_total",
                "lang",
                per_minute=True,
            )
        )
        .with_row(Row("Figures"))
        .with_panel(
            rate_series(
                "Figures per minute by category",
                "Reported figures (killed, wounded, ...) extracted per minute.",
                "backchannel_pipeline_figures_total",
                "category",
                per_minute=True,
            )
        )
        .with_panel(
            totals(
                "Figures in range",
                "Figure mentions in the selected range, by category.",
                "backchannel_pipeline_figures_total",
                "category",
            )
        )
    )


DASHBOARDS: dict[str, Callable[[], Dashboard]] = {
    "overview.json": overview,
    "content.json": content,
}


def render(dashboard: Dashboard) -> str:
    """The dashboard as Grafana JSON: sorted keys, two-space indent, final newline.

    Panels and rows are numbered in order: the builders leave rows at id 0 and panels
    without one, and Grafana needs distinct ids to link to a panel.
    """
    model = dashboard.build()
    for number, panel in enumerate(model.panels or [], start=1):
        panel.id_val = number
    return JSONEncoder(sort_keys=True, indent=2, ensure_ascii=False).encode(model) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the dashboards, or with ``--check`` report the ones that differ (exit 1)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is stale")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory")
    args = parser.parse_args(argv)
    stale = []
    for name, build in DASHBOARDS.items():
        path = args.out / name
        text = render(build())
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {path}\n")
    for path in stale:
        sys.stderr.write(
            f"{path} differs from what generate.py produces;"
            " run .venv/bin/python deploy/grafana/generate.py\n"
        )
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
