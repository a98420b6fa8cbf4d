"""``feeds check``: one row per feed with status, entries, validators and problems."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from feedserver import ClientFactory, FeedServer, Reply, rss, story
from rich.console import Console

from connectors.config import parse_sources
from connectors.feed_check import check_feeds, render_feed_check

NOW = datetime(2024, 5, 7, 12, 0, tzinfo=UTC)


@pytest.mark.asyncio
async def test_check_reports_each_feed(feed_server: FeedServer, make_client: ClientFactory) -> None:
    base = feed_server.prefix()
    headers = (("Last-Modified", "Tue, 07 May 2024 10:00:00 GMT"), ("ETag", '"x"'))
    feed_server.route(base + "/good", Reply(body=rss([story(1), story(2)]), headers=headers))
    feed_server.route(base + "/html", Reply(body=b"<!doctype html><html><body>hi</body></html>"))
    config = parse_sources(
        "feeds:\n"
        f"  - {{name: good, url: '{feed_server.url(base + '/good')}'}}\n"
        f"  - {{name: missing, url: '{feed_server.url(base + '/missing')}'}}\n"
        f"  - {{name: html, url: '{feed_server.url(base + '/html')}'}}\n"
        f"  - {{name: paused, url: '{feed_server.url(base + '/off')}', enabled: false}}\n"
    )
    rows = await check_feeds(config, make_client(), now=NOW)
    assert [(r.name, r.ok, r.status, r.entries) for r in rows] == [
        ("good", True, 200, 2),
        ("missing", False, 404, 0),
        ("html", False, 200, 0),
    ]
    good, missing, html = rows
    assert good.last_modified == "Tue, 07 May 2024 10:00:00 GMT" and good.etag
    assert good.newest == datetime(2024, 5, 6, 2, 0, tzinfo=UTC)
    assert "HTTP 404" in missing.problems[0]
    assert "not RSS/Atom" in html.problems[0]
    assert not feed_server.requests(base + "/off")

    console = Console(width=200, record=True)
    console.print(render_feed_check(rows))
    output = console.export_text()
    for expected in ("good", "missing", "404", "Tue, 07 May 2024 10:00:00 GMT / etag"):
        assert expected in output
