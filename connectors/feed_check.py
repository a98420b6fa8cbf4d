"""``backchannel feeds check FILE``: poll every feed once and say which work and why not.

A check is a first poll (no state, no page fetches) of each feed, a few at a time; nothing
is delivered and no state is kept. The CLI prints ``render_feed_check`` on a terminal and the
rows as JSON lines otherwise.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.table import Table
from rich.text import Text

from connectors.config import FeedConfig, SourcesConfig
from connectors.feeds import PollPolicy, poll_feed
from connectors.http import PoliteClient

__all__ = ["FeedCheckRow", "check_feeds", "render_feed_check"]

_CHECK_POLICY = PollPolicy(fetch_pages=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedCheckRow:
    """One feed's check: reachable and parsable (``ok``), what it holds, what went wrong."""

    name: str
    url: str
    enabled: bool
    ok: bool
    status: int | None
    entries: int
    newest: datetime | None = None
    last_modified: str | None = None
    etag: bool = False
    encoding: str | None = None
    problems: tuple[str, ...] = ()


async def check_feeds(
    config: SourcesConfig,
    client: PoliteClient,
    *,
    now: datetime,
    concurrency: int = 8,
    include_disabled: bool = False,
) -> list[FeedCheckRow]:
    """Check each feed of ``config`` (enabled ones unless ``include_disabled``), in file order."""
    gate = asyncio.Semaphore(concurrency)
    feeds = config.feeds if include_disabled else config.enabled_feeds

    async def one(feed: FeedConfig) -> FeedCheckRow:
        async with gate:
            result = await poll_feed(feed, None, client, now=now, policy=_CHECK_POLICY)
        dates = [a.published for a in result.articles if a.published is not None]
        return FeedCheckRow(
            name=feed.name,
            url=feed.url,
            enabled=feed.enabled,
            ok=result.status is not None and 200 <= result.status < 300 and not result.errors,
            status=result.status,
            entries=result.entries,
            newest=max(dates, default=None),
            last_modified=result.state.last_modified,
            etag=result.state.etag is not None,
            encoding=result.encoding,
            problems=tuple(problem.message for problem in result.errors),
        )

    return list(await asyncio.gather(*(one(feed) for feed in feeds)))


def render_feed_check(rows: Sequence[FeedCheckRow]) -> Table:
    """A table for the terminal: one line per feed, problems in the last column."""
    table = Table(title="feeds check")
    table.add_column("feed", overflow="fold")
    table.add_column("status", justify="right")
    table.add_column("entries", justify="right")
    table.add_column("newest entry")
    table.add_column("last-modified / etag", overflow="fold")
    table.add_column("encoding")
    table.add_column("problems", overflow="fold")
    for row in rows:
        colour = "green" if row.ok else ("yellow" if row.entries else "red")
        validators = [part for part in (row.last_modified, "etag" if row.etag else None) if part]
        table.add_row(
            Text(row.name + ("" if row.enabled else " (disabled)"), style=colour),
            "-" if row.status is None else str(row.status),
            str(row.entries),
            row.newest.strftime("%Y-%m-%d %H:%M") if row.newest else "-",
            Text(" / ".join(validators) or "-"),
            row.encoding or "-",
            Text("\n".join(row.problems) or "ok"),  # Text: a message may contain "[...]"
        )
    return table
