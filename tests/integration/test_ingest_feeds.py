"""``backchannel ingest --feeds`` on a real broker: stop, restart, nothing twice, nothing missed.

The feed is served by a real HTTP server on 127.0.0.1 (the connectors must be allowed to fetch
loopback for that: BACKCHANNEL_ALLOW_PRIVATE_ADDRESSES=true). Feed state lives in the compacted
``sources.state`` topic, so the second ingest process knows what the first one produced.
"""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.records import RawArticle
from streams.topics import Topic, topic_name
from tests.integration.pipeline_process import decode_all, pipeline_env, read_topics, unique_prefix

pytestmark = [pytest.mark.kafka]

ITEM = "<item><guid>urn:test:{n}</guid><title>خبر رقم {n}</title><link>http://127.0.0.1/{n}</link><description>{text}</description></item>"
TEXTS = [
    "أجرى وزير الخارجية العماني اتصالا هاتفيا بنظيره الأردني وبحثا العلاقات الثنائية بين البلدين.",
    "التقى رئيس الوزراء العراقي في بغداد وزير الخارجية الفرنسي وناقشا ملفات التعاون الاقتصادي.",
    "قال مسؤولون إن المحادثات بين الوفدين ستستأنف الأسبوع المقبل في العاصمة القطرية الدوحة.",
    "أعلنت وزارة الصحة أن حصيلة الضحايا بلغت عشرين شخصا على الأقل في القصف الأخير على المدينة.",
]


class _Feed:
    def __init__(self) -> None:
        self.items = 2

    def body(self) -> bytes:
        items = "".join(ITEM.format(n=n, text=TEXTS[n % len(TEXTS)]) for n in range(self.items))
        return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


@pytest.fixture()
def feed_server() -> Iterator[tuple[str, _Feed]]:
    feed = _Feed()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = feed.body() if self.path == "/feed.xml" else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml", feed
    finally:
        server.shutdown()
        server.server_close()


def _ingest_once(env: dict[str, str], cwd: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "streams", "ingest", "--feeds", "--once"],
        env=env, cwd=cwd, capture_output=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr.decode()[-3000:]


def test_restarted_ingest_produces_each_entry_once(kafka_broker: str, feed_server: tuple[str, _Feed], tmp_path: Path) -> None:
    url, feed = feed_server
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"feeds:\n  - name: local-test\n    url: {url}\n    lang: ar\n    fetch_pages: false\n")
    prefix = unique_prefix()
    env = pipeline_env(
        kafka_broker, prefix, tmp_path / "state",
        BACKCHANNEL_SOURCES_FILE=str(sources), BACKCHANNEL_ALLOW_PRIVATE_ADDRESSES="true",
    )
    _ingest_once(env, tmp_path)
    feed.items = 4  # the feed gains two entries while ingest is down
    _ingest_once(env, tmp_path)  # a new process: its only memory is the sources.state topic
    _ingest_once(env, tmp_path)  # nothing new: nothing produced
    raw = topic_name(Topic.ARTICLES_RAW, prefix)
    # Read for a fixed while rather than "until 4": a duplicate would arrive after the 4th.
    seen = read_topics(kafka_broker, [raw], lambda s: False, timeout=10)

    articles = decode_all(RawArticle, seen[raw])
    titles = sorted(a.title or "" for a in articles)
    assert titles == [f"خبر رقم {n}" for n in range(4)]
    assert len({a.doc for a in articles}) == 4
