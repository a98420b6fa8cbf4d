"""``backchannel analyze``: the embedded pipeline over files, printed as JSON lines or a table."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import orjson
from rich.console import Console

from connectors.files import read_paths
from streams.embedded import DocumentResult, EmbeddedPipeline
from streams.report import document_json, render_table
from streams.settings import Settings
from streams.state import StateStore
from streams.steps import Resources

__all__ = ["run_analyze"]


def _raw_articles(paths: list[Path], now: datetime) -> Iterator:  # type: ignore[type-arg]
    for path in paths:
        if str(path) == "-":
            from connectors.stdin import iter_jsonl

            yield from iter_jsonl(sys.stdin.buffer, fetched_at=now)
        else:
            yield from read_paths([path], fetched_at=now)


def run_analyze(
    settings: Settings, paths: list[Path], *, table: bool, state: Path | None, now: datetime
) -> list[DocumentResult]:
    """Analyse ``paths`` in order; writes JSON lines (or a table) to stdout as it goes."""
    store = StateStore(state)
    pipeline = EmbeddedPipeline(Resources.load(settings), store)
    results: list[DocumentResult] = []
    out = sys.stdout.buffer
    try:
        for result in pipeline.process_all(_raw_articles(paths, now)):
            results.append(result)
            if not table:
                out.write(orjson.dumps(document_json(result)) + b"\n")
                out.flush()
    finally:
        store.close()
    if table:
        Console().print(render_table(results))
    for letter in pipeline.dead_letters:
        print(f"warning: {letter.reason}: {letter.error}", file=sys.stderr)
    return results
