"""poll_feed against the real local server: conditional GET, new entries only, failures."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from feedserver import (
    FIXTURES,
    TEST_LIMITS,
    ClientFactory,
    FeedServer,
    Reply,
    conditional,
    rss,
    story,
)

from connectors.base import PROBLEM_REASONS
from connectors.config import FeedConfig
from connectors.feed_state import FeedState
from connectors.feeds import PollPolicy, poll_feed
from connectors.parse import entry_doc

NOW = datetime(2024, 5, 7, 12, 0, tzinfo=UTC)
NO_PAGES = PollPolicy(fetch_pages=False)


def _feed(url: str, name: str = "test-wire", **kw: object) -> FeedConfig:
    return FeedConfig(name=name, url=url, **kw)  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_etag_makes_the_second_poll_a_304(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/rss"
    body = rss([story(1), story(2), story(3)])
    feed_server.route(path, conditional(body, etag='"abc"', last_modified=None))
    feed = _feed(feed_server.url(path))
    client = make_client()
    first = await poll_feed(feed, None, client, now=NOW, policy=NO_PAGES)
    assert (first.status, len(first.articles), first.state.etag) == (200, 3, '"abc"')
    second = await poll_feed(feed, first.state, client, now=NOW + timedelta(minutes=1))
    assert (second.status, second.not_modified, second.articles) == (304, True, [])
    assert feed_server.requests(path)[-1].headers["if-none-match"] == '"abc"'
    assert second.state.next_due == NOW + timedelta(minutes=2)


@pytest.mark.asyncio
async def test_last_modified_makes_the_second_poll_a_304(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/rss"
    stamp = "Tue, 07 May 2024 10:00:00 GMT"
    feed_server.route(path, conditional(rss([story(1)]), etag=None, last_modified=stamp))
    feed, client = _feed(feed_server.url(path)), make_client()
    first = await poll_feed(feed, None, client, now=NOW, policy=NO_PAGES)
    second = await poll_feed(feed, first.state, client, now=NOW, policy=NO_PAGES)
    assert first.state.last_modified == stamp
    assert second.not_modified and second.status == 304
    assert feed_server.requests(path)[-1].headers["if-modified-since"] == stamp


@pytest.mark.asyncio
async def test_only_new_entries_are_produced(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/rss"
    feed, client = _feed(feed_server.url(path)), make_client()
    feed_server.route(path, Reply(body=rss([story(3), story(2), story(1)])))
    first = await poll_feed(feed, None, client, now=NOW, policy=NO_PAGES)
    assert [a.title for a in first.articles] == [f"Talks resume, round {n}" for n in (1, 2, 3)]
    feed_server.route(path, Reply(body=rss([story(5), story(4), story(3), story(2)])))
    second = await poll_feed(feed, first.state, client, now=NOW, policy=NO_PAGES)
    assert [a.title for a in second.articles] == ["Talks resume, round 4", "Talks resume, round 5"]
    assert second.entries == 4


@pytest.mark.asyncio
async def test_restart_from_serialised_state(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/rss"
    url = feed_server.url(path)
    feed_server.route(path, conditional(rss([story(2), story(1)]), etag='"v1"', last_modified=None))
    first = await poll_feed(_feed(url), None, make_client(), now=NOW, policy=NO_PAGES)
    saved = first.state.to_bytes()
    del first  # "stop": nothing survives but the bytes

    grown = rss([story(4), story(3), story(2), story(1)])
    feed_server.route(path, conditional(grown, etag='"v2"', last_modified=None))
    restored = FeedState.from_bytes(saved)
    later = NOW + timedelta(hours=1)
    second = await poll_feed(_feed(url), restored, make_client(), now=later, policy=NO_PAGES)
    assert [a.title for a in second.articles] == ["Talks resume, round 3", "Talks resume, round 4"]
    third = await poll_feed(_feed(url), second.state, make_client(), now=later, policy=NO_PAGES)
    assert third.not_modified and not third.articles
    produced = [entry_doc(url, f"http://news.test/story/{n}") for n in (1, 2, 3, 4)]
    assert set(second.state.seen) == set(produced)


@pytest.mark.asyncio
async def test_unchanged_bytes_are_not_parsed_again(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    """A server that ignores conditional requests costs a hash, not a parse."""
    path = feed_server.prefix() + "/rss"
    feed_server.route(path, Reply(body=rss([story(1), story(2)])))
    feed, client = _feed(feed_server.url(path)), make_client()
    first = await poll_feed(feed, None, client, now=NOW, policy=NO_PAGES)
    second = await poll_feed(feed, first.state, client, now=NOW, policy=NO_PAGES)
    assert (second.status, second.not_modified, second.entries) == (200, True, 0)


@pytest.mark.asyncio
async def test_a_slow_feed_does_not_hold_up_the_others(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    base = feed_server.prefix()
    feed_server.route(base + "/slow", Reply(body=rss([story(9)]), delay=20))
    feed_server.route(base + "/a", Reply(body=rss([story(1)])))
    feed_server.route(base + "/b", Reply(body=rss([story(2), story(3)])))
    client = make_client(limits=replace(TEST_LIMITS, read_timeout_seconds=1.5))
    feeds = [_feed(feed_server.url(base + p), name=p[1:]) for p in ("/slow", "/a", "/b")]
    slow, a, b = await asyncio.gather(
        *(poll_feed(f, None, client, now=NOW, policy=NO_PAGES) for f in feeds)
    )
    assert slow.articles == [] and [e.reason for e in slow.errors] == ["timeout"]
    assert "timeout" in PROBLEM_REASONS
    assert slow.state.consecutive_failures == 1
    assert (len(a.articles), len(b.articles)) == (1, 2)


@pytest.mark.asyncio
async def test_arabic_windows_1256_without_declaration(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/ar.xml"
    data = (FIXTURES / "arabic_windows1256_nodecl.xml").read_bytes()
    feed_server.route(path, Reply(body=data, headers=(("Content-Type", "application/rss+xml"),)))
    result = await poll_feed(
        _feed(feed_server.url(path)), None, make_client(), now=NOW, policy=NO_PAGES
    )
    assert result.encoding == "windows-1256"
    assert [a.title for a in result.articles] == [
        "مقتل ثلاثة أشخاص وإصابة عشرة في حادث سير شمالي البلاد",
        "رئيس الوزراء يستقبل وفدا برلمانيا في العاصمة",
        "وزير الخارجية يتلقى اتصالا هاتفيا من نظيره الأردني",
    ]
    assert result.articles[-1].text.startswith("تلقى وزير الخارجية اليوم اتصالا هاتفيا")
    assert {a.lang_hint for a in result.articles} == {"ar"}
    assert result.articles[0].published == datetime(2024, 5, 7, 14, 5, tzinfo=UTC)
    assert result.errors == []


@pytest.mark.asyncio
async def test_language_hint_from_config_beats_the_feed(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/fa.xml"
    feed_server.route(path, Reply(body=(FIXTURES / "persian_utf8.xml").read_bytes()))
    client = make_client()
    url = feed_server.url(path)
    from_feed = await poll_feed(_feed(url), None, client, now=NOW, policy=NO_PAGES)
    assert {a.lang_hint for a in from_feed.articles} == {"fa"}
    assert from_feed.articles[-1].text.startswith("وزیر امور خارجه روز چهارشنبه")
    configured = await poll_feed(_feed(url, lang="ar"), None, client, now=NOW, policy=NO_PAGES)
    assert {a.lang_hint for a in configured.articles} == {"ar"}


@pytest.mark.asyncio
async def test_html_page_instead_of_feed(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/feed"
    page = b"<!DOCTYPE html><html><head><title>Consent</title></head><body>Accept</body></html>"
    feed_server.route(path, Reply(body=page, headers=(("Content-Type", "text/html"),)))
    result = await poll_feed(
        _feed(feed_server.url(path)), None, make_client(), now=NOW, policy=NO_PAGES
    )
    assert [e.reason for e in result.errors] == ["not_a_feed"]
    assert result.errors[0].raw_bytes_excerpt.startswith(b"<!DOCTYPE html>")
    assert result.state.consecutive_failures == 1


@pytest.mark.asyncio
async def test_failing_feed_backs_off_and_goes_down_once(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/feed"
    feed_server.route(path, Reply(status=404))
    feed, client = _feed(feed_server.url(path), interval_seconds=60), make_client()
    policy = PollPolicy(fetch_pages=False, down_after_failures=3, max_backoff_seconds=400)
    state, results = None, []
    for _ in range(5):
        result = await poll_feed(feed, state, client, now=NOW, policy=policy)
        results.append(result)
        state = result.state
    delays = [(r.state.next_due - NOW).total_seconds() for r in results]  # type: ignore[operator]
    assert delays == [120, 240, 400, 400, 400]
    assert [r.down for r in results] == [False, False, True, True, True]
    assert [r.went_down for r in results] == [False, False, True, False, False]
    assert [len(r.errors) for r in results] == [1, 0, 0, 0, 0]  # same problem: reported once
    assert "HTTP 404" in results[0].errors[0].message
    feed_server.route(path, Reply(body=rss([story(1)])))
    back = await poll_feed(feed, state, client, now=NOW, policy=policy)
    assert (back.recovered, back.down, back.state.consecutive_failures) == (True, False, 0)
    assert len(back.articles) == 1


@pytest.mark.asyncio
async def test_retry_after_stretches_the_backoff(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/feed"
    feed_server.route(path, Reply(status=429, headers=(("Retry-After", "900"),)))
    result = await poll_feed(
        _feed(feed_server.url(path)), None, make_client(), now=NOW, policy=NO_PAGES
    )
    assert result.state.next_due == NOW + timedelta(seconds=900)
    assert result.status == 429


@pytest.mark.asyncio
async def test_truncated_feed_keeps_what_arrived(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/feed"
    body = rss([story(n) for n in range(10, 0, -1)])
    cut = body.index(b"round 4")  # mid-way through the seventh item
    feed_server.route(path, Reply(body=body, truncate_to=cut, headers=(("ETag", '"t"'),)))
    result = await poll_feed(
        _feed(feed_server.url(path)), None, make_client(), now=NOW, policy=NO_PAGES
    )
    titles = {a.title for a in result.articles}
    assert {f"Talks resume, round {n}" for n in range(5, 11)} <= titles
    assert "truncated" in {e.reason for e in result.errors}
    assert (result.state.etag, result.state.content_hash) == (None, None)  # refetch in full


@pytest.mark.asyncio
async def test_summary_only_entry_gets_its_page(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    base = feed_server.prefix()
    page = (FIXTURES / "article_en_boilerplate.html").read_bytes()
    feed_server.route(base + "/story", Reply(body=page, headers=(("Content-Type", "text/html"),)))
    item = {
        "guid": "urn:story:1",
        "title": "Ministers talk borders",
        "link": feed_server.url(base + "/story"),
        "description": "The ministers spoke by phone.",
    }
    feed_server.route(base + "/rss", Reply(body=rss([item])))
    result = await poll_feed(_feed(feed_server.url(base + "/rss")), None, make_client(), now=NOW)
    (article,) = result.articles
    assert article.origin == "page"
    assert "reopening the northern border crossings" in article.text
    assert "southern corridor" in article.text
    for boilerplate in ("Subscribe today", "ADVERTISEMENT", "Related stories", "Copyright"):
        assert boilerplate not in article.text
    assert article.title == "Ministers talk borders"  # the feed's title is kept
    assert article.canonical_url == "http://news.test/world/2024/05/ministers-call"
    assert article.author == "Dana Whitfield"


@pytest.mark.asyncio
async def test_page_failure_keeps_the_summary(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    base = feed_server.prefix()
    item = {
        "guid": "urn:story:2",
        "title": "Short item",
        "link": feed_server.url(base + "/missing"),
        "description": "Only a summary.",
    }
    feed_server.route(base + "/rss", Reply(body=rss([item])))
    result = await poll_feed(_feed(feed_server.url(base + "/rss")), None, make_client(), now=NOW)
    (article,) = result.articles
    assert (article.text, article.origin) == ("Only a summary.", "feed")
    assert [e.reason for e in result.errors] == ["http_status"]


@pytest.mark.asyncio
async def test_title_only_and_empty_entries(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/rss"
    items = [{"guid": "urn:a", "title": "Headline only"}, {"guid": "urn:b"}]
    feed_server.route(path, Reply(body=rss(items)))
    result = await poll_feed(
        _feed(feed_server.url(path)), None, make_client(), now=NOW, policy=NO_PAGES
    )
    assert [(a.title, a.text) for a in result.articles] == [("Headline only", "Headline only")]
    assert [e.reason for e in result.errors] == ["entry_empty"]


@pytest.mark.asyncio
async def test_blocked_feed_url_is_a_problem_not_a_crash(make_client: ClientFactory) -> None:
    result = await poll_feed(
        _feed("http://intranet.test/rss"), None, make_client(), now=NOW, policy=NO_PAGES
    )
    assert [e.reason for e in result.errors] == ["blocked_address"]
    assert "blocked_address" in PROBLEM_REASONS
    assert result.status is None and result.state.consecutive_failures == 1


def test_doc_ids_are_stable_and_per_feed() -> None:
    doc = entry_doc("https://a.example/rss", "guid-1")
    assert doc == entry_doc("https://a.example/rss", "guid-1")
    assert doc != entry_doc("https://b.example/rss", "guid-1")
    assert doc != entry_doc("https://a.example/rss", "guid-2")


def test_seen_ids_are_bounded_but_keep_the_current_document() -> None:
    state = FeedState().with_seen([f"d{n}" for n in range(10)], limit=10)
    state = state.with_seen([f"d{n}" for n in range(10, 14)], limit=10)
    assert state.seen == (*[f"d{n}" for n in range(4, 10)], "d10", "d11", "d12", "d13")
    state = state.with_seen([f"e{n}" for n in range(15)], limit=10)
    assert state.seen == tuple(f"e{n}" for n in range(15))
