"""Article pages: main text kept, navigation, ads, related links and footer dropped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from feedserver import FIXTURES, ClientFactory, FeedServer, Reply

from connectors.pages import extract_page, fetch_page
from streams.errors import FetchError


def test_english_page_main_text_and_metadata() -> None:
    data = (FIXTURES / "article_en_boilerplate.html").read_bytes()
    page = extract_page(data, url="http://news.test/world/x?utm_source=feed")
    assert page.text.count("\n") >= 3  # paragraphs stay paragraphs
    assert "technical teams would meet next week" in page.text
    for boilerplate in (
        "Subscribe today",
        "ADVERTISEMENT",
        "weekend weather",
        "newsletter",
        "Cookie",
    ):
        assert boilerplate not in page.text
    assert page.title == "Foreign ministers discuss border crossings by phone"
    assert page.author == "Dana Whitfield"
    assert page.published == datetime(2024, 5, 7, 9, 30, tzinfo=UTC)
    assert page.canonical_url == "http://news.test/world/2024/05/ministers-call"
    assert page.lang == "en"


def test_arabic_windows_1256_page() -> None:
    data = (FIXTURES / "article_ar_boilerplate.html").read_bytes()
    page = extract_page(data, url="http://news.test/ar/2024/05/call-1", content_type="text/html")
    assert "اتفقا على عقد اجتماع للفرق الفنية" in page.text
    for boilerplate in ("اشترك الآن", "احجز رحلتك", "أخبار ذات صلة", "جميع الحقوق محفوظة"):
        assert boilerplate not in page.text
    assert page.title == "وزيرا خارجية البلدين يبحثان هاتفيا فتح المعابر"
    assert page.published == datetime(2024, 5, 7, 7, 0, tzinfo=UTC)
    assert page.lang == "ar"


def test_page_without_content_has_empty_text() -> None:
    page = extract_page(b"<html><body><script>track()</script></body></html>", url="http://x.test/")
    assert page.text == ""


@pytest.mark.asyncio
async def test_fetch_page_over_http(feed_server: FeedServer, make_client: ClientFactory) -> None:
    path = feed_server.prefix() + "/story"
    data = (FIXTURES / "article_en_boilerplate.html").read_bytes()
    feed_server.route(
        path, Reply(body=data, headers=(("Content-Type", "text/html; charset=utf-8"),))
    )
    page = await fetch_page(feed_server.url(path), make_client())
    assert "southern corridor" in page.text
    assert page.url == feed_server.url(path)


@pytest.mark.asyncio
async def test_fetch_page_error_status(feed_server: FeedServer, make_client: ClientFactory) -> None:
    path = feed_server.prefix() + "/gone"
    feed_server.route(path, Reply(status=410))
    with pytest.raises(FetchError, match="HTTP 410") as caught:
        await fetch_page(feed_server.url(path), make_client())
    assert caught.value.reason == "http_status"
