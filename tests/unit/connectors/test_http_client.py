"""PoliteClient against the real local server: redirects, limits, addresses, robots, retries."""

from __future__ import annotations

import zlib
from dataclasses import replace

import pytest
from feedserver import TEST_LIMITS, USER_AGENT, ClientFactory, FeedServer, Reply, Sleeps, gzipped

from streams.errors import BlockedAddressError, FetchError


@pytest.mark.asyncio
async def test_sends_user_agent_and_returns_body(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/feed.xml"
    feed_server.route(path, Reply(body=b"<rss/>", headers=(("ETag", '"v1"'),)))
    response = await make_client().get(feed_server.url(path))
    assert (response.status, response.content, response.etag) == (200, b"<rss/>", '"v1"')
    assert feed_server.requests(path)[0].headers["user-agent"] == USER_AGENT


@pytest.mark.asyncio
async def test_follows_redirects_and_reports_the_final_url(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    base = feed_server.prefix()
    feed_server.route(base + "/old", Reply(status=301, headers=(("Location", base + "/mid"),)))
    feed_server.route(base + "/mid", Reply(status=302, headers=(("Location", base + "/new"),)))
    feed_server.route(base + "/new", Reply(body=b"here"))
    response = await make_client().get(feed_server.url(base + "/old"))
    assert response.content == b"here"
    assert response.url == feed_server.url(base + "/new")
    assert len(response.redirects) == 2


@pytest.mark.asyncio
async def test_redirect_loop_is_a_fetch_error(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    base = feed_server.prefix()
    feed_server.route(base + "/a", Reply(status=302, headers=(("Location", base + "/b"),)))
    feed_server.route(base + "/b", Reply(status=302, headers=(("Location", base + "/a"),)))
    with pytest.raises(FetchError, match="redirect loop") as caught:
        await make_client().get(feed_server.url(base + "/a"))
    assert caught.value.reason == "redirects"


@pytest.mark.asyncio
async def test_too_many_redirects(feed_server: FeedServer, make_client: ClientFactory) -> None:
    base = feed_server.prefix()
    for hop in range(6):
        location = f"{base}/{hop + 1}"
        feed_server.route(f"{base}/{hop}", Reply(status=302, headers=(("Location", location),)))
    client = make_client(limits=replace(TEST_LIMITS, max_redirects=3))
    with pytest.raises(FetchError, match="more than 3 redirects"):
        await client.get(feed_server.url(base + "/0"))
    assert not feed_server.requests(base + "/4")  # never went past the limit


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.1/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://intranet.test/feed",  # a name that resolves to 10.0.0.7
        "http://metadata.test/",  # ... and to 169.254.169.254
        "http://mixed.test/feed",  # one of its addresses is 192.168.1.20
        "http://[::1]/feed",  # loopback, but only 127.0.0.1 is allowed
        "http://0.0.0.0/",
        "http://[::ffff:10.0.0.1]/",
    ],
)
async def test_redirect_to_an_internal_address_is_blocked(
    feed_server: FeedServer, make_client: ClientFactory, location: str
) -> None:
    path = feed_server.prefix() + "/jump"
    feed_server.route(path, Reply(status=302, headers=(("Location", location),)))
    with pytest.raises(BlockedAddressError, match="ALLOW_PRIVATE_ADDRESSES"):
        await make_client().get(feed_server.url(path, host="news.test"))


@pytest.mark.asyncio
async def test_loopback_is_blocked_unless_allowed(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/feed"
    feed_server.route(path, Reply(body=b"ok"))
    with pytest.raises(BlockedAddressError, match="loopback"):
        await make_client(allowed_networks=()).get(feed_server.url(path))
    allowed = make_client(allowed_networks=(), allow_private_addresses=True)
    assert (await allowed.get(feed_server.url(path))).content == b"ok"


@pytest.mark.asyncio
async def test_plain_http_goes_to_the_checked_address(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    """The host name travels in the Host header; the connection goes to what was checked."""
    path = feed_server.prefix() + "/feed"
    feed_server.route(path, Reply(body=b"from the news.test site"), host="news.test")
    feed_server.route(path, Reply(body=b"wrong site"))
    response = await make_client().get(feed_server.url(path, host="news.test"))
    assert response.content == b"from the news.test site"


@pytest.mark.asyncio
async def test_only_http_and_https(feed_server: FeedServer, make_client: ClientFactory) -> None:
    path = feed_server.prefix() + "/jump"
    feed_server.route(path, Reply(status=302, headers=(("Location", "file:///etc/passwd"),)))
    with pytest.raises(FetchError, match="only http") as caught:
        await make_client().get(feed_server.url(path))
    assert caught.value.reason == "bad_url"


@pytest.mark.asyncio
async def test_declared_oversized_body_is_refused(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/big"
    feed_server.route(path, Reply(body=b"x" * 1_500_000))
    with pytest.raises(FetchError, match="Content-Length 1500000 exceeds") as caught:
        await make_client().get(feed_server.url(path))
    assert caught.value.reason == "too_large"


@pytest.mark.asyncio
async def test_undeclared_oversized_body_is_cut_off(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/big-stream"
    feed_server.route(path, Reply(body=b"x" * 3_000_000, chunked=True))
    with pytest.raises(FetchError, match="larger than 1000000 bytes") as caught:
        await make_client().get(feed_server.url(path))
    assert caught.value.reason == "too_large"


@pytest.mark.asyncio
async def test_gzip_bomb_is_cut_off(feed_server: FeedServer, make_client: ClientFactory) -> None:
    bomb = gzipped(b"\0" * 50_000_000)  # ~50 KB on the wire, 50 MB inflated
    assert len(bomb) < TEST_LIMITS.max_response_bytes
    path = feed_server.prefix() + "/bomb"
    feed_server.route(path, Reply(body=bomb, headers=(("Content-Encoding", "gzip"),)))
    with pytest.raises(FetchError, match="inflates past 2000000 bytes") as caught:
        await make_client().get(feed_server.url(path))
    assert caught.value.reason == "too_large"


@pytest.mark.asyncio
@pytest.mark.parametrize("coding", ["gzip", "deflate-zlib", "deflate-raw"])
async def test_compressed_bodies_are_decoded(
    feed_server: FeedServer, make_client: ClientFactory, coding: str
) -> None:
    body = "<rss><title>موجز الأخبار</title></rss>".encode() * 200
    if coding == "gzip":
        wire = gzipped(body)
    elif coding == "deflate-zlib":
        wire = zlib.compress(body)
    else:
        compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        wire = compressor.compress(body) + compressor.flush()
    path = feed_server.prefix() + "/z"
    name = "gzip" if coding == "gzip" else "deflate"
    feed_server.route(path, Reply(body=wire, headers=(("Content-Encoding", name),)))
    assert (await make_client().get(feed_server.url(path))).content == body


@pytest.mark.asyncio
async def test_unsupported_content_encoding(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/br"
    feed_server.route(path, Reply(body=b"\x1b\x00", headers=(("Content-Encoding", "br"),)))
    with pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"):
        await make_client().get(feed_server.url(path))


@pytest.mark.asyncio
async def test_slow_server_times_out(feed_server: FeedServer, make_client: ClientFactory) -> None:
    path = feed_server.prefix() + "/slow"
    feed_server.route(path, Reply(body=b"late", delay=20))
    client = make_client(limits=replace(TEST_LIMITS, read_timeout_seconds=0.3))
    with pytest.raises(FetchError) as caught:
        await client.get(feed_server.url(path))
    assert caught.value.reason == "timeout"


@pytest.mark.asyncio
async def test_retries_server_errors_with_backoff(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/flaky"
    answers = iter([Reply(status=503), Reply(status=502), Reply(body=b"finally")])
    feed_server.route(path, lambda _request: next(answers))
    sleeps = Sleeps()
    limits = replace(TEST_LIMITS, retries=3, backoff_base_seconds=2.0, backoff_max_seconds=60.0)
    client = make_client(limits=limits, sleep=sleeps, random=lambda: 1.0)
    response = await client.get(feed_server.url(path))
    assert response.content == b"finally"
    assert sleeps.delays == [2.0, 4.0]  # 2 * 2**attempt, jitter at its maximum


@pytest.mark.asyncio
async def test_gives_up_after_the_last_retry(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/down"
    feed_server.route(path, Reply(status=503))
    sleeps = Sleeps()
    limits = replace(TEST_LIMITS, retries=2, backoff_base_seconds=1.0)
    client = make_client(limits=limits, sleep=sleeps, random=lambda: 0.0)
    response = await client.get(feed_server.url(path))
    assert response.status == 503
    assert len(feed_server.requests(path)) == 3
    assert sleeps.delays == [0.5, 1.0]  # jitter at its minimum: half the ceiling


@pytest.mark.asyncio
async def test_does_not_retry_client_errors(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/gone"
    feed_server.route(path, Reply(status=404))
    client = make_client(limits=replace(TEST_LIMITS, retries=3))
    assert (await client.get(feed_server.url(path))).status == 404
    assert len(feed_server.requests(path)) == 1


@pytest.mark.asyncio
async def test_truncated_body_is_kept_on_the_last_attempt(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/cut"
    feed_server.route(path, Reply(body=b"a" * 5000, truncate_to=1200))
    response = await make_client().get(feed_server.url(path))
    assert response.truncated
    assert response.content == b"a" * 1200


@pytest.mark.asyncio
async def test_robots_disallow_is_respected(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    base = feed_server.prefix()
    robots = f"User-agent: *\nDisallow: {base}/private/\n".encode()
    feed_server.route("/robots.txt", Reply(body=robots), host="robots.test")
    feed_server.route(base + "/private/feed", Reply(body=b"secret"))
    feed_server.route(base + "/public/feed", Reply(body=b"public"))
    client = make_client()
    with pytest.raises(FetchError, match=r"robots\.txt") as caught:
        await client.get(feed_server.url(base + "/private/feed", host="robots.test"))
    assert caught.value.reason == "robots"
    assert not feed_server.requests(base + "/private/feed")
    public = await client.get(feed_server.url(base + "/public/feed", host="robots.test"))
    assert public.content == b"public"
    robot_fetches = [r for r in feed_server.requests("/robots.txt") if r.host == "robots.test"]
    assert len(robot_fetches) == 1  # cached per origin


@pytest.mark.asyncio
async def test_robots_rules_for_our_agent(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    base = feed_server.prefix()
    robots = b"User-agent: backchannel-test\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    feed_server.route("/robots.txt", Reply(body=robots), host="agent.test")
    feed_server.route(base + "/feed", Reply(body=b"x"))
    with pytest.raises(FetchError, match="robots"):
        await make_client().get(feed_server.url(base + "/feed", host="agent.test"))


@pytest.mark.asyncio
async def test_unreachable_robots_means_disallow(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    base = feed_server.prefix()
    feed_server.route("/robots.txt", Reply(status=500), host="broken-robots.test")
    feed_server.route(base + "/feed", Reply(body=b"x"))
    with pytest.raises(FetchError, match="answered HTTP 500"):
        await make_client().get(feed_server.url(base + "/feed", host="broken-robots.test"))


@pytest.mark.asyncio
async def test_robots_can_be_turned_off(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    base = feed_server.prefix()
    feed_server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /\n"), host="no.test")
    feed_server.route(base + "/feed", Reply(body=b"x"))
    client = make_client(limits=replace(TEST_LIMITS, respect_robots=False))
    assert (await client.get(feed_server.url(base + "/feed", host="no.test"))).content == b"x"


@pytest.mark.asyncio
async def test_per_host_interval_spaces_requests(
    feed_server: FeedServer, make_client: ClientFactory
) -> None:
    path = feed_server.prefix() + "/feed"
    feed_server.route(path, Reply(body=b"x"))
    sleeps = Sleeps()
    now = [100.0]
    client = make_client(
        limits=replace(TEST_LIMITS, per_host_interval_seconds=5.0),
        sleep=sleeps,
        clock=lambda: now[0],
    )
    for _ in range(3):
        await client.get(feed_server.url(path, host="spaced.test"))
    # robots.txt at t, the feed at t+5, then t+10, t+15: every start waits its turn
    assert sleeps.delays == [5.0, 10.0, 15.0]
