"""``backchannel run`` without a broker: poll sources, analyse in process, print alerts.

State lives in ``STATE_DIR/state.sqlite`` (dedup index, event episodes, seen actors and pairs,
figure series, feed positions), so stopping and starting again neither re-alerts nor misses
articles. Ctrl-C (SIGINT) or SIGTERM stops cleanly after the article in hand.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from datetime import UTC, datetime

from rich.console import Console

from connectors.base import Sink
from connectors.sinks import AlertSink, build_alert_sinks
from streams.embedded import EmbeddedPipeline
from streams.metrics import METRICS, PrometheusDeliveryMetrics
from streams.observability import (
    STATE_INTERVAL_SECONDS,
    serve_metrics,
    update_embedded_state_gauges,
)
from streams.records import SEVERITY_RANK, Alert, RawArticle, Severity
from streams.settings import Settings
from streams.state import StateStore
from streams.steps import Resources

__all__ = ["PipelineSink", "run_embedded"]

logger = logging.getLogger(__name__)

_STYLE = {Severity.INFO: "cyan", Severity.WARNING: "yellow", Severity.CRITICAL: "bold red"}


class PipelineSink(Sink[RawArticle]):
    """Feeds each article to the embedded pipeline and prints the alerts it raises."""

    def __init__(
        self,
        pipeline: EmbeddedPipeline,
        console: Console,
        *,
        min_severity: Severity,
        alert_sinks: list[AlertSink] | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.console = console
        self.min_rank = SEVERITY_RANK[min_severity]
        self.alert_sinks = alert_sinks or []
        self.articles = 0
        self.alerts = 0
        self._gauges_at = 0.0

    async def add(self, record: RawArticle) -> None:
        for result in self.pipeline.process_all([record]):
            self.articles += 1
            for alert in result.alerts:
                await self.deliver(alert)
        if time.monotonic() - self._gauges_at > STATE_INTERVAL_SECONDS:
            # Counting SQLite rows per article would cost more than the article.
            update_embedded_state_gauges(self.pipeline.store)
            self._gauges_at = time.monotonic()

    async def deliver(self, alert: Alert) -> None:
        """Print ``alert`` (if severe enough) and hand it to every configured sink."""
        self.alerts += 1
        if SEVERITY_RANK[alert.severity] >= self.min_rank:
            self.print_alert(alert)
        for sink in self.alert_sinks:
            await sink.add(alert)

    def print_alert(self, alert: Alert) -> None:
        """One line per alert: time, severity, kind, English summary."""
        stamp = time.strftime("%H:%M:%S")
        self.console.print(
            f"[dim]{stamp}[/dim] [{_STYLE[alert.severity]}]{alert.severity.value:<8}[/] "
            f"[bold]{alert.kind.value:<17}[/bold] {alert.summary}",
            highlight=False,
            soft_wrap=True,
        )


def run_embedded(settings: Settings, *, once: bool) -> None:
    """Run the embedded live job until interrupted (or one pass with ``once``)."""
    asyncio.run(_run(settings, once=once))


async def _run(settings: Settings, *, once: bool) -> None:
    from streams.sources import run_sources

    console = Console(stderr=False)
    store = StateStore(settings.state_dir / "state.sqlite")
    pipeline = EmbeddedPipeline(Resources.load(settings), store)
    alert_sinks = build_alert_sinks(
        settings.alerts,
        lambda name: store.mapping(f"outbox_{name}"),
        metrics=PrometheusDeliveryMetrics(METRICS),
    )
    for alert_sink in alert_sinks:
        await alert_sink.start()
    sink = PipelineSink(
        pipeline,
        console,
        min_severity=Severity(settings.alerts.min_severity),
        alert_sinks=alert_sinks,
    )
    serve_metrics(settings)
    pending: set[asyncio.Future[None]] = set()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    metrics_note = (
        f"metrics on http://{settings.metrics_host}:{settings.metrics_port}/metrics"
        if settings.metrics_port
        else "metrics off"
    )
    console.print(
        f"[bold]backchannel[/bold] embedded runtime; state in {settings.state_dir}; {metrics_note};"
        + (" one pass" if once else " Ctrl-C to stop"),
        highlight=False,
    )
    try:
        await run_sources(
            settings,
            sink,
            once=once,
            stop=stop,
            state=store,
            on_alert=lambda alert: pending.add(asyncio.ensure_future(sink.deliver(alert))),
            on_problem=lambda problem: pipeline.record_problem(
                problem.as_dead_letter(failed_at=datetime.now(UTC))
            ),
        )
        await asyncio.gather(*pending)
    finally:
        for alert_sink in alert_sinks:
            await alert_sink.close()
        store.close()
        console.print(
            f"stopped: {sink.articles} new articles, {sink.alerts} alerts,"
            f" {len(pipeline.dead_letters)} dead letters",
            highlight=False,
        )
