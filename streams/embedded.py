"""The embedded runtime: every stage in one process, no Kafka, same steps as the agents.

Hops that Kafka would route by key (dedup bands, event keys, actor ids, pairs, series keys)
become lookups in named mappings of one ``StateStore``: the state a partition would own is
simply all in one place. A failed article is recorded as a dead letter and the run goes on.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from agents.dedup import check as dedup_check
from streams.errors import BackchannelError
from streams.metrics import METRICS, Metrics
from streams.records import (
    Alert,
    Article,
    DeadLetter,
    Event,
    EventMention,
    FigureMention,
    FigureUpdate,
    RawArticle,
)
from streams.state import StateStore
from streams.steps import (
    Resources,
    step_actor_novelty,
    step_extract,
    step_figure,
    step_merge_event,
    step_normalize,
    step_pair_novelty,
)

__all__ = ["STATE_MAPPINGS", "DocumentResult", "EmbeddedPipeline"]

logger = logging.getLogger(__name__)

STATE_MAPPINGS = ("dedup_buckets", "event_episodes", "actors_seen", "pairs_seen", "figure_series")


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """Everything one article produced, in the order the Kafka runtime would emit it."""

    article: Article
    mentions: tuple[EventMention, ...]
    events: tuple[Event, ...]
    figures: tuple[FigureMention, ...]
    figure_updates: tuple[FigureUpdate, ...]
    alerts: tuple[Alert, ...]


class EmbeddedPipeline:
    """Runs articles through every stage in process.

    ``on_dead_letter`` receives what the Kafka runtime would send to ``dead-letters``.
    """

    def __init__(
        self,
        resources: Resources,
        store: StateStore | None = None,
        *,
        metrics: Metrics = METRICS,
        on_dead_letter: Callable[[DeadLetter], None] | None = None,
    ) -> None:
        self.res = resources
        self.store = store or StateStore()
        self.metrics = metrics
        self.dead_letters: list[DeadLetter] = []
        self._on_dead_letter = on_dead_letter
        self._timers: dict[str, _StageTimer] = {}

    def _timed(self, stage: str) -> _StageTimer:
        timer = self._timers.get(stage)
        if timer is None:
            timer = self._timers[stage] = _StageTimer(self.metrics, stage)
        return timer

    def process(self, raw: RawArticle) -> DocumentResult:
        """Run one article through every stage; raises ``BackchannelError`` subclasses only."""
        store, m = self.store, self.metrics
        with self._timed("normalize"):
            article = step_normalize(raw)
        m.articles.labels(m.lang_label(article.lang)).inc()
        with self._timed("dedup"):
            verdict = dedup_check(
                article,
                store.mapping("dedup_buckets"),
                self.res.dedup,
                now=article.fetched_at,
                horizon=self.res.horizon,
            )
        article = replace(article, duplicate=verdict)
        if verdict.kind != "unique":
            level = (
                "exact"
                if verdict.exact
                else ("document" if verdict.kind == "duplicate_of" else "passage")
            )
            m.duplicates.labels(level).inc()
        with self._timed("extract"):
            extracted = step_extract(article, self.res)
        alerts: list[Alert] = []
        events: list[Event] = []
        # The state stages run (and count an item) only for an article that gives them one,
        # as their agents receive items only then in the Kafka runtime.
        if extracted.mentions:
            with self._timed("novelty"):
                for mention in extracted.mentions:
                    for actor in mention.actors:
                        alerts += step_actor_novelty(
                            mention, actor.actor_id, store.mapping("actors_seen"), self.res
                        )
                    pair = step_pair_novelty(mention, store.mapping("pairs_seen"), self.res)
                    if pair is not None:
                        alerts.append(pair)
            with self._timed("events"):
                episodes = store.mapping("event_episodes")
                for mention in extracted.mentions:
                    event, alert = step_merge_event(mention, episodes, self.res)
                    if event is not None:
                        events.append(event)
                        m.events.labels(event.type.value, event.kind).inc()
                    if alert is not None:
                        alerts.append(alert)
        updates: list[FigureUpdate] = []
        if extracted.figures:
            with self._timed("figures"):
                for figure in extracted.figures:
                    m.figures.labels(figure.category.value).inc()
                    update, alert = step_figure(figure, store.mapping("figure_series"))
                    if update is not None:
                        updates.append(update)
                    if alert is not None:
                        alerts.append(alert)
        now = time.time()
        for event in events:
            if event.fetched_at is not None:
                m.latency_event.observe(max(0.0, now - event.fetched_at.timestamp()))
        for alert in alerts:
            m.alerts.labels(alert.kind.value, alert.severity.value).inc()
            if alert.fetched_at is not None:
                m.latency_alert.observe(max(0.0, now - alert.fetched_at.timestamp()))
        store.commit()
        return DocumentResult(
            article,
            extracted.mentions,
            tuple(events),
            extracted.figures,
            tuple(updates),
            tuple(alerts),
        )

    def process_all(self, raws: Iterable[RawArticle]) -> Iterator[DocumentResult]:
        """Process each article in order; one that fails becomes a dead letter, the rest go on."""
        for raw in raws:
            try:
                yield self.process(raw)
            except (BackchannelError, ValueError, KeyError, TypeError, IndexError) as exc:
                self.dead_letter(raw, "pipeline", exc)

    def record_problem(self, letter: DeadLetter) -> None:
        """Keep a connector's problem as a dead letter (the Kafka runtime sends it to the topic)."""
        self.metrics.dead_letters.labels(
            letter.stage, self.metrics.reason_label(letter.reason)
        ).inc()

        self.dead_letters.append(letter)
        if self._on_dead_letter is not None:
            self._on_dead_letter(letter)

    def dead_letter(self, raw: RawArticle, stage: str, exc: Exception) -> None:
        """Record ``raw`` as a dead letter with the reason, as the Kafka runtime would."""
        from streams.codec import encode

        reason = self.metrics.reason_label(
            exc.reason if isinstance(exc, BackchannelError) else "stage_failed"
        )
        letter = DeadLetter(
            stage=stage,
            reason=reason,
            error_class=type(exc).__name__,
            error=str(exc),
            original_base64=base64.b64encode(encode(raw)).decode("ascii"),
            key_base64=base64.b64encode(raw.doc.encode()).decode("ascii"),
            failed_at=datetime.now(UTC),
        )
        self.metrics.dead_letters.labels(stage, reason).inc()
        self.metrics.stage_errors.labels(stage, reason).inc()
        logger.error(
            "article failed",
            extra={"doc": raw.doc, "stage": stage, "reason": reason, "error": str(exc)},
        )
        self.dead_letters.append(letter)
        if self._on_dead_letter is not None:
            self._on_dead_letter(letter)


class _StageTimer:
    """Counts and times one stage; reused, with its labelled metrics looked up once (a
    ``labels()`` call costs a few microseconds, six stages an article)."""

    def __init__(self, metrics: Metrics, stage: str) -> None:
        self._in = metrics.stage_in.labels(stage)
        self._out = metrics.stage_out.labels(stage)
        self._seconds = metrics.stage_seconds.labels(stage)
        self._t0 = 0.0

    def __enter__(self) -> None:
        self._in.inc()
        self._t0 = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self._seconds.observe(time.perf_counter() - self._t0)
        if exc[0] is None:
            self._out.inc()
