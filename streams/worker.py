"""``backchannel worker``: the Kafka runtime, a Faust worker running every stage's agents.

Metrics are served by prometheus_client on ``metrics_port`` (Faust's own web server is off so
that several workers can share a host without port clashes; its sensors are exported through
the same registry by ``streams.observability``).
"""

from __future__ import annotations

import asyncio
import logging

from prometheus_client import start_http_server

from streams.app import build_app
from streams.settings import Settings

__all__ = ["run_worker"]

logger = logging.getLogger(__name__)


def run_worker(settings: Settings, *, with_ingest: bool) -> None:
    """Run a Faust worker until SIGTERM/SIGINT; with ``with_ingest`` also poll the sources."""
    from faust.worker import Worker

    from streams.kafka import create_topics

    asyncio.run(create_topics(settings))
    ctx = build_app(settings)
    if settings.metrics_port:
        start_http_server(settings.metrics_port, addr=settings.metrics_host)
        logger.info("metrics served", extra={"port": settings.metrics_port})
    try:
        from streams.observability import install_kafka_sensors

        install_kafka_sensors(ctx)
    except ImportError:  # observability extras are optional in a minimal install
        logger.warning("kafka sensors unavailable")
    if with_ingest:
        from streams.sources import schedule_sources

        schedule_sources(ctx)
    # A fresh event loop for Faust: asyncio.run above closed its own.
    asyncio.set_event_loop(asyncio.new_event_loop())
    worker = Worker(ctx.app, loglevel=settings.log_level, quiet=True, redirect_stdouts=False)
    worker.execute_from_commandline()
