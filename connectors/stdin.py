"""Articles as JSON lines on a stream (stdin), same shape as a ``.jsonl`` file.

Pipes and terminals are read through the event loop (``connect_read_pipe``), so Ctrl-C or a
shutdown never waits on a thread blocked in ``read``; regular files (``< articles.jsonl``),
which epoll cannot watch, and in-memory streams are read in a worker thread. A line without
``doc`` gets ``stdin-<hash of its text>``, so replaying the same input yields the same ids.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import stat
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import datetime
from typing import BinaryIO

from connectors._jsonl import article_from_json
from connectors.base import MAX_EXCERPT_BYTES, SourceProblem
from streams.errors import SourceError
from streams.records import RawArticle

__all__ = ["iter_jsonl", "stream_jsonl"]

MAX_LINE_BYTES = 16 * 1024 * 1024


def _doc_for(text: str) -> str:
    return "stdin-" + hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def iter_jsonl(
    lines: Iterable[bytes | str], *, fetched_at: datetime, source: str = "stdin"
) -> Iterator[RawArticle]:
    """Articles from JSON lines; blank lines are skipped, a bad one raises ``SourceError``."""
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield article_from_json(
                line,
                where=f"{source}:{number}",
                default_doc=_doc_for,
                default_source=source,
                origin="stdin",
                fetched_at=fetched_at,
            )


async def stream_jsonl(
    stream: BinaryIO,
    *,
    clock: Callable[[], datetime],
    source: str = "stdin",
    on_problem: Callable[[SourceProblem], None] | None = None,
) -> AsyncIterator[RawArticle]:
    """Articles from ``stream`` as lines arrive, each stamped ``fetched_at=clock()``.

    A bad line goes to ``on_problem`` (reason ``undecodable``, the line as excerpt) and
    reading goes on; without ``on_problem`` it raises ``SourceError``. Ends at end of input.
    """
    number = 0
    async for line in _lines(stream):
        number += 1
        if not line.strip():
            continue
        try:
            yield article_from_json(
                line,
                where=f"{source}:{number}",
                default_doc=_doc_for,
                default_source=source,
                origin="stdin",
                fetched_at=clock(),
            )
        except SourceError as exc:
            if on_problem is None:
                raise
            on_problem(
                SourceProblem(
                    source=source,
                    reason="undecodable",
                    message=str(exc),
                    raw_bytes_excerpt=line[:MAX_EXCERPT_BYTES],
                    error_class=type(exc).__name__,
                )
            )


async def _lines(stream: BinaryIO) -> AsyncIterator[bytes]:
    if not _is_pollable(stream):
        while line := await asyncio.to_thread(stream.readline):
            yield line
        return
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_LINE_BYTES)
    transport, _protocol = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), stream
    )
    try:
        while True:
            try:
                line = await reader.readline()
            except ValueError:  # over MAX_LINE_BYTES: the reader dropped it; report as junk
                line = b"<line longer than the limit>\n"
            if not line:
                return
            yield line
    finally:
        transport.close()


def _is_pollable(stream: BinaryIO) -> bool:
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (OSError, ValueError, AttributeError):  # io.BytesIO has no file descriptor
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)
