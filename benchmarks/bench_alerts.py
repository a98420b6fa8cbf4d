"""Alert evaluation: its share of the embedded pipeline's CPU time (target: at most 5 %).

    .venv/bin/python -m benchmarks.bench_alerts [--articles N] [--repeat 3]

Runs ``EmbeddedPipeline`` over the corpus of ``bench_pipeline`` (Arabic and Persian articles
of 3-6 KB of neutral prose, a share of them with a contact sentence and a casualty figure):
the news mix (1 in 4 reports a contact and a toll) and the worst case (every article does).
The alert functions the pipeline steps call (``event_alert``, ``actor_alerts``,
``pair_alert``, ``figure_alert``, all in ``agents.alerts``) are wrapped for the run so each
call's CPU time is summed; the share is that sum over the CPU time of a run without the
wrappers, so the wrappers' own cost is not counted against the pipeline. Every run starts on
empty state (the alerts raised, which depend on what was seen before, are the same in each),
and the fastest of ``--repeat`` runs of each kind is kept.

Target (issue): alert evaluation adds <= 5 % to the pipeline's cost.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any

from rich.console import Console
from rich.table import Table

import streams.steps
from benchmarks.bench_pipeline import build_corpus, run
from streams.records import RawArticle
from streams.settings import Settings
from streams.steps import Resources

TARGET_SHARE = 0.05
ALERT_FUNCTIONS = ("event_alert", "actor_alerts", "pair_alert", "figure_alert")


@dataclass
class _Clock:
    """CPU nanoseconds spent inside the wrapped alert functions, and their calls."""

    nanoseconds: int = 0
    calls: int = 0


@contextmanager
def _timed_alerts(clock: _Clock) -> Iterator[None]:
    """Wrap the alert functions ``streams.steps`` calls; restore them afterwards."""
    originals = {name: getattr(streams.steps, name) for name in ALERT_FUNCTIONS}

    def timed(func: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time_ns()
            try:
                return func(*args, **kwargs)
            finally:
                clock.nanoseconds += time.process_time_ns() - start
                clock.calls += 1

        return wrapper

    try:
        for name, func in originals.items():
            setattr(streams.steps, name, timed(func))
        yield
    finally:
        for name, func in originals.items():
            setattr(streams.steps, name, func)


@dataclass(frozen=True)
class _Row:
    articles: int
    alerts: int
    calls: int
    pipeline_seconds: float  # CPU, without the wrappers
    alert_seconds: float  # CPU inside the alert functions

    @property
    def share(self) -> float:
        return self.alert_seconds / self.pipeline_seconds


def _measure(corpus: list[RawArticle], resources: Resources, repeat: int) -> _Row:
    plain = timed = float("inf")
    alerts = calls = 0
    for _ in range(repeat):
        cpu, _wall, results, _metrics, _pipeline = run(corpus, resources)
        plain = min(plain, cpu)
        clock = _Clock()
        with _timed_alerts(clock):
            run(corpus, resources)
        timed = min(timed, clock.nanoseconds / 1e9)
        alerts, calls = sum(len(r.alerts) for r in results), clock.calls
    return _Row(len(corpus), alerts, calls, plain, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles per corpus")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind (best is kept)")
    args = parser.parse_args()
    resources = Resources.load(Settings())
    run(build_corpus(50, seed=99), resources)  # warm-up: caches, lazy imports

    table = Table(
        title=f"Alert evaluation in the embedded pipeline, one core, {args.articles} ar/fa articles"
    )
    for column in (
        "corpus",
        "alerts",
        "calls",
        "pipeline µs/art.",
        "alerts µs/art.",
        "µs/call",
        "share",
        f"≤ {TARGET_SHARE:.0%}",
    ):
        table.add_column(column, justify="right" if column != "corpus" else "left")
    for label, share in (
        ("news mix (1 in 4 reports a contact and a toll)", 0.25),
        ("worst case (every article does)", 1.0),
    ):
        row = _measure(build_corpus(args.articles, report_share=share), resources, args.repeat)
        table.add_row(
            label,
            f"{row.alerts:,}",
            f"{row.calls:,}",
            f"{1e6 * row.pipeline_seconds / row.articles:,.0f}",
            f"{1e6 * row.alert_seconds / row.articles:,.1f}",
            f"{1e6 * row.alert_seconds / max(row.calls, 1):,.1f}",
            f"{row.share:.2%}",
            "yes" if row.share <= TARGET_SHARE else "NO",
        )
    table.caption = (
        "share = CPU time inside event_alert, actor_alerts, pair_alert and figure_alert"
        " / CPU time of the whole pipeline run (without the timing wrappers)"
    )
    Console().print(table)


if __name__ == "__main__":
    main()
