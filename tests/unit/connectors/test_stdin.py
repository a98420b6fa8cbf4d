"""JSON lines from a stream: a pipe (read through the event loop) and an in-memory stream."""

from __future__ import annotations

import asyncio
import io
import os
import threading
from datetime import UTC, datetime

import pytest
from feedserver import FIXTURES

from connectors.base import SourceProblem
from connectors.stdin import iter_jsonl, stream_jsonl
from streams.errors import SourceError

NOW = datetime(2024, 5, 7, 12, 0, tzinfo=UTC)


def test_iter_jsonl_shapes_articles() -> None:
    lines = (FIXTURES / "articles.jsonl").read_bytes().splitlines()
    first, second, third = iter_jsonl(lines, fetched_at=NOW)
    assert (first.doc, first.title, first.lang_hint, first.origin) == (
        "own-1",
        "Presidents meet",
        "en",
        "stdin",
    )
    assert first.published == datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
    assert second.doc.startswith("stdin-") and second.source == "wire"
    assert third.published == datetime(2024, 5, 6, 10, 0, tzinfo=UTC)  # naive read as UTC
    again = list(iter_jsonl(lines, fetched_at=NOW))
    assert again[1].doc == second.doc  # replaying the same input gives the same ids


def test_iter_jsonl_names_the_bad_line() -> None:
    with pytest.raises(SourceError, match="stdin:2: not an article object"):
        list(iter_jsonl(['{"text": "ok"}', '{"title": "no text"}'], fetched_at=NOW))


async def _collect(stream, problems: list[SourceProblem]) -> list:
    return [a async for a in stream_jsonl(stream, clock=lambda: NOW, on_problem=problems.append)]


@pytest.mark.asyncio
async def test_stream_from_a_pipe() -> None:
    read_fd, write_fd = os.pipe()
    payload = (FIXTURES / "articles.jsonl").read_bytes() + b"not json\n"

    def writer() -> None:
        with os.fdopen(write_fd, "wb") as pipe:
            for line in payload.splitlines(keepends=True):
                pipe.write(line)
                pipe.flush()

    thread = threading.Thread(target=writer)
    thread.start()
    problems: list[SourceProblem] = []
    with os.fdopen(read_fd, "rb") as stream:
        articles = await asyncio.wait_for(_collect(stream, problems), 10)
    thread.join()
    assert [a.doc for a in articles][0::2] == ["own-1", "own-3"]
    assert len(articles) == 3
    assert [(p.reason, p.raw_bytes_excerpt) for p in problems] == [("undecodable", b"not json\n")]


@pytest.mark.asyncio
async def test_stream_from_memory_without_handler_raises() -> None:
    stream = io.BytesIO(b'{"text": "one"}\n[1, 2]\n')
    with pytest.raises(SourceError, match="stdin:2"):
        async for _article in stream_jsonl(stream, clock=lambda: NOW):
            pass
