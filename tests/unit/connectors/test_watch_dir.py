"""Watching a directory: new and changed files once each, remembered across restarts.

The injected ``sleep`` parks the watcher after each scan until the test lets it scan again,
so every step is deterministic: no timeouts decide what a scan saw.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.base import SourceProblem
from connectors.files import read_paths, watch_dir
from streams.records import RawArticle

NOW = datetime(2024, 5, 7, 12, 0, tzinfo=UTC)


class Scans:
    """An injected sleep: after each scan the watcher waits here until ``again()``."""

    def __init__(self) -> None:
        self.parked = asyncio.Event()
        self.go = asyncio.Event()

    async def __call__(self, _seconds: float) -> None:
        self.go.clear()
        self.parked.set()
        await self.go.wait()

    async def done(self) -> None:
        await asyncio.wait_for(self.parked.wait(), 10)

    async def again(self) -> None:
        self.parked.clear()
        self.go.set()
        await self.done()


@contextlib.asynccontextmanager
async def watching(
    path: Path, seen: dict[str, bytes], *, settle: float = 0.0
) -> AsyncIterator[tuple[list[RawArticle], list[SourceProblem], Scans]]:
    got: list[RawArticle] = []
    problems: list[SourceProblem] = []
    scans = Scans()
    watcher = watch_dir(
        path,
        seen,
        interval=1,
        settle_seconds=settle,
        clock=lambda: datetime.now(UTC),
        sleep=scans,
        on_problem=problems.append,
    )

    async def consume() -> None:
        async for article in watcher:
            got.append(article)

    task = asyncio.create_task(consume())
    try:
        await scans.done()  # the first scan
        yield got, problems, scans
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.mark.asyncio
async def test_new_and_changed_files_once_each(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("first article", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"doc": "j1", "text": "one"}\n{"text": "two"}\n')
    (tmp_path / "ignored.bin").write_bytes(b"\0")
    seen: dict[str, bytes] = {}
    async with watching(tmp_path, seen) as (got, _problems, scans):
        assert sorted(a.doc for a in got) == ["a.txt", "b.jsonl:2", "j1"]
        (tmp_path / "c.txt").write_text("a new one", encoding="utf-8")
        (tmp_path / "a.txt").write_text("first article, corrected", encoding="utf-8")
        os.utime(tmp_path / "a.txt", ns=(1, 10**18))  # a distinct, settled mtime
        await scans.again()
        assert sorted((a.doc, a.text) for a in got[3:]) == [
            ("a.txt", "first article, corrected"),
            ("c.txt", "a new one"),
        ]
        await scans.again()
        assert len(got) == 5  # nothing new: nothing yielded
    async with watching(tmp_path, dict(seen)) as (again, _problems, _scans):
        assert again == []  # a restart with the saved mapping re-reads nothing


@pytest.mark.asyncio
async def test_unsettled_files_wait(tmp_path: Path) -> None:
    (tmp_path / "fresh.txt").write_text("still being written")
    async with watching(tmp_path, {}, settle=3600) as (got, _problems, _scans):
        assert got == []


@pytest.mark.asyncio
async def test_bad_lines_are_problems_and_good_ones_kept(tmp_path: Path) -> None:
    (tmp_path / "mixed.jsonl").write_text('{"text": "good"}\n{"oops": 1}\n')
    seen: dict[str, bytes] = {}
    async with watching(tmp_path, seen) as (got, problems, scans):
        assert [a.text for a in got] == ["good"]
        assert [p.reason for p in problems] == ["source"]
        assert "mixed.jsonl:2" in problems[0].message
        await scans.again()
        assert len(problems) == 1  # recorded as read: not retried until it changes


@pytest.mark.asyncio
async def test_deleted_files_are_forgotten(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").write_text("bye")
    seen: dict[str, bytes] = {}
    async with watching(tmp_path, seen) as (got, _problems, scans):
        assert len(got) == 1 and len(seen) == 1
        (tmp_path / "gone.txt").unlink()
        await scans.again()
        assert seen == {}


@pytest.mark.asyncio
async def test_a_missing_directory_is_reported_once_and_awaited(tmp_path: Path) -> None:
    later = tmp_path / "mounted-later"
    async with watching(later, {}) as (got, problems, scans):
        await scans.again()
        assert [p.reason for p in problems] == ["source"]  # once, not once per scan
        assert "not a directory" in problems[0].message
        later.mkdir()
        (later / "x.txt").write_text("arrived")
        await scans.again()
        assert [a.text for a in got] == ["arrived"]


def test_read_paths_still_reads_jsonl(tmp_path: Path) -> None:
    (tmp_path / "x.jsonl").write_text('{"text": "t", "published": "2024-05-06T08:00:00+00:00"}\n')
    (article,) = read_paths([tmp_path], fetched_at=NOW)
    assert (article.doc, article.source, article.origin) == ("x.jsonl:1", "x.jsonl", "file")
