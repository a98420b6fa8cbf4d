"""Drives the connectors: polls feeds on their intervals and reads or watches directories.

Used by both runtimes: the embedded ``run`` hands articles to the in-process pipeline, the
Kafka ``ingest`` to a producer. Connector state (feed validators, seen entry ids, backoff; seen
files) lives in a ``StateStore`` so a restart neither repeats nor misses articles. Problems a
source reports become dead letters through ``on_problem``; a feed that goes down raises one
``source.down`` alert per outage through ``on_alert``. One failing feed never stops the others:
each feed has its own task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, MutableMapping
from datetime import UTC, datetime
from pathlib import Path

from agents.alerts import source_down_alert
from connectors.base import Sink, SourceProblem
from connectors.config import DirConfig, FeedConfig, SourcesConfig, load_sources
from connectors.feed_state import FeedState
from connectors.feeds import poll_feed
from connectors.files import watch_dir
from connectors.http import PoliteClient
from streams.errors import RecordError
from streams.metrics import METRICS, Metrics
from streams.records import Alert, RawArticle
from streams.settings import Settings
from streams.state import StateStore, Store

__all__ = ["load_configured_sources", "run_sources"]

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def load_configured_sources(settings: Settings) -> SourcesConfig:
    """The sources of ``settings.sources_file``, or none when no file is configured."""
    if settings.sources_file is None:
        return SourcesConfig()
    return load_sources(settings.sources_file, default_interval=settings.poll_interval_seconds)


class _OnePass(Exception):
    """Raised by the sleep of a one-pass directory scan to end it after the first pass."""


async def _end_after_first_pass(_seconds: float) -> None:
    raise _OnePass


async def _run_dir(
    directory: DirConfig,
    sink: Sink[RawArticle],
    seen: MutableMapping[str, bytes],
    *,
    once: bool,
    interval: float,
    on_problem: Callable[[SourceProblem], None],
    metrics: Metrics,
) -> None:
    path = Path(directory.path)
    if not path.is_dir():
        on_problem(
            SourceProblem(
                source=directory.name,
                reason="source",
                message=f"{directory.name}: directory {path} does not exist;"
                " fix its path in the sources file",
            )
        )
        return
    one_pass = once or not directory.watch
    articles = watch_dir(
        path,
        seen,
        interval=interval,
        settle_seconds=0.0 if one_pass else 2.0,
        sleep=_end_after_first_pass if one_pass else asyncio.sleep,
        on_problem=on_problem,
    )
    try:
        async for article in articles:
            metrics.source_articles.labels(directory.name).inc()
            await sink.add(article)
    except _OnePass:
        pass


async def _run_feed(
    feed: FeedConfig,
    sink: Sink[RawArticle],
    states: MutableMapping[str, bytes],
    client: PoliteClient,
    *,
    once: bool,
    stop: asyncio.Event,
    clock: Clock,
    on_problem: Callable[[SourceProblem], None],
    on_alert: Callable[[Alert], None],
    metrics: Metrics,
    recovered: Callable[[str], None],
) -> None:
    while not stop.is_set():
        raw = states.get(feed.name)
        try:
            state = FeedState.from_bytes(raw) if raw is not None else None
        except RecordError:
            logger.warning("feed state unreadable, starting afresh", extra={"source": feed.name})
            state = None
        now = clock()
        if state is None or state.is_due(now) or once:
            result = await poll_feed(feed, state, client, now=now)
            outcome = (
                "not_modified"
                if result.not_modified
                else ("ok" if not result.errors or result.articles else "failed")
            )
            metrics.source_fetches.labels(feed.name, outcome).inc()
            metrics.source_entries.labels(feed.name).inc(result.entries)
            for article in result.articles:
                metrics.source_articles.labels(feed.name).inc()
                await sink.add(article)
            await sink.flush()
            for problem in result.errors:
                metrics.source_failures.labels(feed.name, problem.reason).inc()
                on_problem(problem)
            if result.state.last_success is not None:
                metrics.source_last_success.labels(feed.name).set(
                    result.state.last_success.timestamp()
                )
            if result.recovered:
                recovered(feed.name)
            if result.went_down:
                reason = result.errors[0].reason if result.errors else "failing"
                on_alert(
                    source_down_alert(
                        feed.name, feed.url, result.state.consecutive_failures, reason, now
                    )
                )
            states[feed.name] = result.state.to_bytes()
            state = result.state
        if once:
            return
        due = state.next_due if state and state.next_due else now
        wait = max(1.0, (due - clock()).total_seconds())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=min(wait, feed.interval_seconds))


async def run_sources(
    settings: Settings,
    sink: Sink[RawArticle],
    *,
    once: bool,
    stop: asyncio.Event | None = None,
    state: Store | None = None,
    on_alert: Callable[[Alert], None] | None = None,
    on_problem: Callable[[SourceProblem], None] | None = None,
    clock: Clock = _utcnow,
    metrics: Metrics = METRICS,
) -> None:
    """Run every configured source until ``stop`` is set (or one pass with ``once``)."""
    config = load_configured_sources(settings)
    stop = stop or asyncio.Event()
    own_store = state is None
    store = state or StateStore(settings.state_dir / "sources.sqlite")

    def problem(p: SourceProblem) -> None:
        logger.warning(
            "source problem", extra={"source": p.source, "reason": p.reason, "error": p.message}
        )
        if on_problem is not None:
            on_problem(p)

    def raise_alert(a: Alert) -> None:
        metrics.alerts.labels(a.kind.value, a.severity.value).inc()
        logger.warning("source down", extra={"summary": a.summary})
        if on_alert is not None:
            on_alert(a)

    for source in [*config.enabled_dirs, *config.enabled_feeds]:
        metrics.precreate_source(source.name)
    down: set[str] = set()

    def alert(a: Alert) -> None:
        down.add(a.subject_id)
        metrics.sources_down.set(len(down))
        raise_alert(a)

    def recovered(name: str) -> None:
        down.discard(name)
        metrics.sources_down.set(len(down))

    client = PoliteClient.from_settings(settings)
    tasks = [
        asyncio.create_task(
            _run_dir(
                d,
                sink,
                store.mapping("files_seen"),
                once=once,
                interval=settings.poll_interval_seconds,
                on_problem=problem,
                metrics=metrics,
            ),
            name=f"dir:{d.name}",
        )
        for d in config.enabled_dirs
    ] + [
        asyncio.create_task(
            _run_feed(
                f,
                sink,
                store.mapping("feed_state"),
                client,
                once=once,
                stop=stop,
                clock=clock,
                on_problem=problem,
                on_alert=alert,
                metrics=metrics,
                recovered=recovered,
            ),
            name=f"feed:{f.name}",
        )
        for f in config.enabled_feeds
    ]
    logger.info(
        "sources started",
        extra={"dirs": len(config.enabled_dirs), "feeds": len(config.enabled_feeds)},
    )
    try:
        if once:
            await asyncio.gather(*tasks)
        else:
            await stop.wait()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await sink.flush()
        await client.aclose()
        store.commit()
        if own_store:
            store.close()
