"""The eight real-world feeds of ../shared/corpus/feeds/, served by the local server.

Files are read at test time and never copied into the repository. Well-formed feeds (01-04)
must yield every item with the title and link an independent XML parse (``xml.etree``) finds;
malformed ones (05-08) must yield what can be recovered and a clear problem, and no poll may
hang (each runs under a timeout, with parsing in a worker thread so that the timeout bites).
"""

from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedserver import CORPUS_FEEDS, ClientFactory, FeedServer, Reply

from connectors.base import PROBLEM_REASONS
from connectors.config import FeedConfig
from connectors.feeds import PollPolicy, PollResult, poll_feed

NOW = datetime(2024, 5, 7, 12, 0, tzinfo=UTC)
# Links in these feeds point at the real internet: never fetch pages here. Every document is
# parsed in a worker thread, so the timeout around each poll can end a hung parse.
NO_PAGES = PollPolicy(fetch_pages=False, thread_parse_min_bytes=0)
POLL_TIMEOUT_SECONDS = 30

pytestmark = pytest.mark.skipif(
    not CORPUS_FEEDS.is_dir(), reason=f"shared corpus not found at {CORPUS_FEEDS}"
)


def _corpus(prefix: str) -> Path:
    (path,) = CORPUS_FEEDS.glob(f"{prefix}_*.xml")
    return path


async def _poll(feed_server: FeedServer, make_client: ClientFactory, data: bytes) -> PollResult:
    path = feed_server.prefix() + "/feed.xml"
    feed_server.route(path, Reply(body=data, headers=(("Content-Type", "application/rss+xml"),)))
    feed = FeedConfig(name="corpus", url=feed_server.url(path))
    poll = poll_feed(feed, None, make_client(), now=NOW, policy=NO_PAGES)
    result = await asyncio.wait_for(poll, POLL_TIMEOUT_SECONDS)
    assert {e.reason for e in result.errors} <= PROBLEM_REASONS  # closed set: metric labels
    return result


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _items(root: ET.Element) -> list[tuple[str, str]]:
    """(title, link) of every <item>, whitespace-normalised, straight from the XML tree."""
    return [
        (_squash(item.findtext("title")), _squash(item.findtext("link")))
        for item in root.iter("item")
    ]


WELL_FORMED = {
    "01": lambda data: ET.fromstring(data),
    "02": lambda data: ET.fromstring(data),
    "03": lambda data: ET.fromstring(data),
    # 04 is ISO-8859-1 without a declaration: a strict parser needs it decoded by hand.
    "04": lambda data: ET.fromstring(data.decode("latin-1")),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("prefix", sorted(WELL_FORMED))
async def test_well_formed_feed_yields_every_item(
    feed_server: FeedServer, make_client: ClientFactory, prefix: str
) -> None:
    data = _corpus(prefix).read_bytes()
    items = _items(WELL_FORMED[prefix](data))
    # 02 lists two items twice, verbatim: one article each, produced once.
    expected = list(dict.fromkeys(items))
    result = await _poll(feed_server, make_client, data)
    assert result.errors == []
    assert result.entries == len(items)
    produced = [(_squash(a.title), a.url) for a in reversed(result.articles)]  # back to feed order
    assert produced == expected
    assert len({a.doc for a in result.articles}) == len(expected)
    assert all(a.text for a in result.articles)


@pytest.mark.asyncio
async def test_latin1_feed_titles_are_decoded(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    result = await _poll(feed_server, make_client, _corpus("04").read_bytes())
    titles = [a.title or "" for a in result.articles]
    assert any("simulações de 2º turno" in title for title in titles)
    assert result.encoding == "windows-1252"


@pytest.mark.asyncio
async def test_05_incomplete_cdata_is_reported_not_hung(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    result = await _poll(feed_server, make_client, _corpus("05").read_bytes())
    assert result.articles == []
    assert {e.reason for e in result.errors} == {"feed_malformed", "entry_empty"}
    malformed = next(e for e in result.errors if e.reason == "feed_malformed")
    assert "line 6" in malformed.message and malformed.raw_bytes_excerpt


@pytest.mark.asyncio
async def test_06_windows_1255_hebrew_is_decoded(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    data = _corpus("06").read_bytes()
    start, end = data.index(b"<description>") + 13, data.index(b"</description>")
    expected = _squash(data[start:end].decode("cp1255"))
    result = await _poll(feed_server, make_client, data)
    (article,) = result.articles
    assert article.text == expected
    assert result.encoding == "windows-1255"


@pytest.mark.asyncio
async def test_07_unclosed_root_recovers_the_link(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    result = await _poll(feed_server, make_client, _corpus("07").read_bytes())
    assert {e.reason for e in result.errors} == {"feed_malformed", "entry_empty"}
    empty = next(e for e in result.errors if e.reason == "entry_empty")
    assert empty.url == "http://link/get?a=1&b=2"
    assert result.state.consecutive_failures == 0  # recovered: the feed counts as working


@pytest.mark.asyncio
async def test_08_browser_preamble_recovers_all_items(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    data = _corpus("08").read_bytes()
    expected = _items(ET.fromstring(data[data.index(b"<rss") :]))
    result = await _poll(feed_server, make_client, data)
    assert {e.reason for e in result.errors} == {"feed_malformed"}
    produced = [(_squash(a.title), a.url or "") for a in reversed(result.articles)]
    assert produced == expected
    assert len(expected) == 25
