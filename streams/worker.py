"""``backchannel worker``: the Kafka runtime, a Faust worker running every stage's agents.

Metrics are served by prometheus_client on ``metrics_port`` (Faust's own web server is off so
that several workers can share a host without port clashes; its sensors are exported through
the same registry by ``streams.observability``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

from connectors.base import Sink, SourceProblem
from streams.app import AppContext, build_app
from streams.observability import serve_metrics
from streams.records import Alert, RawArticle
from streams.settings import Settings
from streams.sources import run_sources
from streams.topics import Topic

__all__ = ["run_worker"]

logger = logging.getLogger(__name__)


class _TopicSink(Sink[RawArticle]):
    """Produces articles to ``articles.raw`` through the worker's own Faust producer."""

    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx

    async def add(self, record: RawArticle) -> None:
        await self._ctx.send(Topic.ARTICLES_RAW, record.doc, record)


def _schedule_sources(ctx: AppContext) -> None:
    """Poll the configured sources inside the worker (``backchannel run --broker``)."""
    pending: set[asyncio.Task[None]] = set()

    def spawn(coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        pending.add(task)
        task.add_done_callback(pending.discard)

    def on_alert(alert: Alert) -> None:
        spawn(ctx.send_alert(alert))

    def on_problem(problem: SourceProblem) -> None:
        letter = problem.as_dead_letter(failed_at=datetime.now(UTC))
        spawn(ctx.send(Topic.DEAD_LETTERS, problem.source, letter))

    @ctx.app.task  # type: ignore[untyped-decorator]  # faust is untyped
    async def ingest_sources() -> None:
        await run_sources(
            ctx.settings, _TopicSink(ctx), once=False, on_alert=on_alert, on_problem=on_problem
        )


def run_worker(settings: Settings, *, with_ingest: bool) -> None:
    """Run a Faust worker until SIGTERM/SIGINT; with ``with_ingest`` also poll the sources."""
    from faust.worker import Worker

    from streams.kafka import create_topics

    asyncio.run(create_topics(settings))
    ctx = build_app(settings)
    if serve_metrics(settings):
        logger.info("metrics served", extra={"port": settings.metrics_port})
    try:
        from streams.observability import install_kafka_sensors

        install_kafka_sensors(ctx)
    except ImportError:  # observability extras are optional in a minimal install
        logger.warning("kafka sensors unavailable")
    if with_ingest:
        _schedule_sources(ctx)
    # A fresh event loop for Faust: asyncio.run above closed its own.
    asyncio.set_event_loop(asyncio.new_event_loop())
    worker = Worker(ctx.app, loglevel=settings.log_level, quiet=True, redirect_stdouts=False)
    worker.execute_from_commandline()
