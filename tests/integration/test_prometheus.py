"""A real Prometheus scrapes real backchannel processes; every dashboard and rule expression
must return data.

Two runs: the embedded runtime (`backchannel run`, with a directory source, a feed served on
127.0.0.1 and a feed that cannot be reached), and the Kafka runtime (`backchannel worker` fed by
`backchannel ingest`). Expressions on Kafka-only metrics (consumer lag, Faust's sensors) are
checked against the worker, expressions on source metrics against the embedded run (ingest
from paths is a one-shot command nobody scrapes), the rest against both. A rule is checked
through its signal (the expression without its threshold), which exists whenever the metrics
it reads do; firing and clearing are `promtool test rules`' job. The rules are also loaded
into this Prometheus, and each must evaluate without error.

Every wait polls a condition with a deadline; nothing sleeps a fixed time and calls it done.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.deploy.promql import RULES, Expression, all_expressions, prometheus

pytestmark = [pytest.mark.prometheus, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 120.0
PIPELINE_TIMEOUT = 240.0

# Own-written test articles: English, Arabic, Persian, and an exact copy (a duplicate).
ARTICLES = {
    "call-en.txt": (
        "Oman and Iran discuss regional tensions by phone\n\n"
        "Iranian Foreign Minister Abbas Araghchi spoke by telephone on Tuesday with his Omani"
        " counterpart Badr Albusaidi about the situation in the region, the Iranian foreign"
        " ministry said in a statement. The two ministers agreed to stay in close contact.\n\n"
        "Separately, at least 12 people were killed and 30 others wounded in a strike on a"
        " market, local health officials said."
    ),
    "call-ar.txt": (
        "اتصال هاتفي بين وزيري خارجية إيران وعُمان\n\n"
        "أجرى وزير الخارجية الإيراني عباس عراقجي يوم الثلاثاء اتصالاً هاتفياً مع نظيره العُماني"
        " بدر البوسعيدي، وبحث الجانبان آخر التطورات في المنطقة، بحسب بيان للخارجية الإيرانية.\n\n"
        "وفي سياق آخر، قُتل ما لا يقل عن ١٢ شخصاً وأصيب ٣٠ آخرون في غارة على سوق شعبي."
    ),
    "meeting-fa.txt": (
        "دیدار وزیران خارجه ایران و عمان در مسقط\n\n"
        "عباس عراقچی، وزیر امور خارجه ایران، روز چهارشنبه در مسقط با بدر البوسعیدی، وزیر خارجه"
        " عمان، دیدار و درباره روابط دوجانبه و تحولات منطقه گفت‌وگو کرد."
    ),
}
ARTICLES["call-en-copy.txt"] = ARTICLES["call-en.txt"]

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test wire</title><link>http://127.0.0.1/</link>
<description>own test feed</description>
<item><title>Qatar and Egypt leaders meet in Doha</title>
<link>http://127.0.0.1/items/1</link><guid>test-wire-1</guid>
<pubDate>Tue, 04 Nov 2025 10:00:00 GMT</pubDate>
<description>The Emir of Qatar received the Egyptian President in Doha on Tuesday, and the two
leaders discussed efforts to reach a ceasefire, the Qatari news agency reported.</description>
</item></channel></rss>
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(
    what: str,
    condition: Callable[[], bool],
    timeout: float,
    diagnose: Callable[[], str],
    *,
    services: tuple[Service, ...] = (),
) -> None:
    """Poll ``condition`` until true; fail at the deadline, or at once if a service died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        dead = [s for s in services if s.process.poll() is not None]
        if dead:
            pytest.fail(
                f"{dead[0].name} exited while waiting for {what}\n{diagnose()}", pytrace=False
            )
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{diagnose()}", pytrace=False)


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@dataclass
class Service:
    """A subprocess with its log file, stopped in ``finally`` by ``_running``."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return f"--- {self.name} (exit {self.process.poll()}) ---\n" + "\n".join(
            text.splitlines()[-lines:]
        )


@contextlib.contextmanager
def _running(
    name: str, args: list[str], *, cwd: Path, env: dict[str, str] | None = None
) -> Iterator[Service]:
    log = cwd / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    service = Service(name, process, log)
    try:
        yield service
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _backchannel_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCHANNEL_")}
    env.update({f"BACKCHANNEL_{k.upper()}": v for k, v in settings.items()})
    env["BACKCHANNEL_STATE_DIR"] = str(tmp_path / "state")
    env["BACKCHANNEL_LOG_LEVEL"] = "INFO"
    return env


class PrometheusServer:
    """A real Prometheus on 127.0.0.1 scraping ``target`` every second, with our rules."""

    def __init__(self, url: str) -> None:
        self.url = url

    def query(self, expr: str) -> list[dict[str, Any]]:
        body = _get_json(f"{self.url}/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
        assert body["status"] == "success", (expr, body)
        result: list[dict[str, Any]] = body["data"]["result"]
        return result

    def value(self, expr: str) -> float:
        """The single value of ``expr``, or -1 when it returns nothing."""
        result = self.query(expr)
        return float(result[0]["value"][1]) if result else -1.0

    def has_series(self, name: str) -> bool:
        query = urllib.parse.urlencode({"match[]": name})
        return bool(_get_json(f"{self.url}/api/v1/series?{query}")["data"])

    def rule_health(self) -> dict[str, str]:
        groups = _get_json(f"{self.url}/api/v1/rules")["data"]["groups"]
        return {
            rule["name"]: rule["health"]
            + (f": {rule['lastError']}" if rule.get("lastError") else "")
            for group in groups
            for rule in group["rules"]
        }


@contextlib.contextmanager
def _prometheus(tmp_path: Path, target: str) -> Iterator[PrometheusServer]:
    binary = prometheus()
    port = _free_port()
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [
            {"job_name": "backchannel", "static_configs": [{"targets": [target]}]},
        ],
    }
    directory = tmp_path / "prometheus"
    directory.mkdir()
    (directory / "prometheus.yml").write_text(yaml.safe_dump(config))
    args = [
        binary,
        f"--config.file={directory / 'prometheus.yml'}",
        f"--storage.tsdb.path={directory / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--storage.tsdb.retention.time=1h",
    ]
    with _running("prometheus", args, cwd=directory) as service:
        url = f"http://127.0.0.1:{port}"
        _wait(
            "Prometheus to be ready",
            lambda: _answers(f"{url}/-/ready"),
            START_TIMEOUT,
            service.tail,
        )
        yield PrometheusServer(url)


@contextlib.contextmanager
def _feed_server() -> Iterator[str]:
    """Serves FEED at /feed.xml and an allow-all robots.txt on 127.0.0.1."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            routes = {
                "/feed.xml": (FEED, "application/rss+xml"),
                "/robots.txt": ("User-agent: *\nAllow: /\n", "text/plain"),
            }
            if self.path not in routes:
                self.send_error(404)
                return
            body, ctype = routes[self.path]
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _write_articles(directory: Path) -> None:
    directory.mkdir(parents=True)
    for name, text in ARTICLES.items():
        (directory / name).write_text(text, encoding="utf-8")


def _is_kafka_only(expression: Expression) -> bool:
    return any(n.startswith(("faust_", "backchannel_kafka_")) for n in expression.metric_names())


def _is_source_only(expression: Expression) -> bool:
    return any(n.startswith("backchannel_source_") for n in expression.metric_names())


def _problems(prom: PrometheusServer, expressions: list[Expression]) -> list[str]:
    """Each expression that returns nothing (rate/increase ones: whose series do not exist)."""
    problems = []
    for expression in expressions:
        if prom.query(expression.signal):
            continue
        windowed = "rate(" in expression.promql or "increase(" in expression.promql
        missing = [n for n in sorted(expression.metric_names()) if not prom.has_series(n)]
        if windowed and not missing:
            continue
        problems.append(
            f"{expression.origin}: `{expression.signal}` returned nothing; missing {missing}"
        )
    return problems


def _assert_runtime_metrics_set(prom: PrometheusServer) -> None:
    """The metrics only a runtime can fill: state sizes and end-to-end latency."""
    for expr in (
        "sum(backchannel_state_dedup_index_entries)",
        "sum(backchannel_state_actors)",
        "sum(backchannel_pipeline_fetch_to_event_seconds_count)",
    ):
        assert prom.value(expr) > 0, f"{expr} is not set by this runtime"


def _assert_rules_evaluate(prom: PrometheusServer) -> None:
    _wait(
        "every rule to be evaluated",
        lambda: all(h != "unknown" for h in prom.rule_health().values()),
        START_TIMEOUT,
        lambda: str(prom.rule_health()),
    )
    health = prom.rule_health()
    assert len(health) == 6
    assert all(h == "ok" for h in health.values()), health


def test_embedded_run_gives_every_expression_data(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    _write_articles(articles)
    metrics_port = _free_port()
    with _feed_server() as feed_url:
        config = {
            "metrics_host": "127.0.0.1",
            "allow_private_addresses": True,
            "dirs": [{"name": "fixtures", "path": str(articles), "watch": True}],
            "feeds": [
                {
                    "name": "wire",
                    "url": f"{feed_url}/feed.xml",
                    "fetch_pages": False,
                    "interval_seconds": 30,
                },
                {
                    "name": "gone",
                    "url": f"http://127.0.0.1:{_free_port()}/feed.xml",
                    "interval_seconds": 30,
                },
            ],
        }
        (tmp_path / "backchannel.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
        args = [
            sys.executable,
            "-m",
            "streams",
            "run",
            "--config",
            str(tmp_path / "backchannel.yaml"),
            "--metrics-port",
            str(metrics_port),
        ]
        env = _backchannel_env(tmp_path)
        with _running("backchannel-run", args, cwd=tmp_path, env=env) as run:
            metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
            _wait(
                "the metrics endpoint",
                lambda: _answers(metrics_url),
                START_TIMEOUT,
                run.tail,
                services=(run,),
            )
            with _prometheus(tmp_path, f"127.0.0.1:{metrics_port}") as prom:

                def ready() -> bool:
                    return (
                        prom.value("sum(backchannel_pipeline_articles_total)") >= len(ARTICLES) + 1
                        and prom.value("sum(backchannel_source_failures_total)") >= 1
                        and prom.value("count(backchannel_source_last_success_timestamp_seconds)")
                        >= 1
                        and prom.value('count_over_time(up{job="backchannel"}[1m])') >= 3
                    )

                _wait(
                    "articles, feed outcomes and three scrapes", ready, PIPELINE_TIMEOUT, run.tail
                )
                assert prom.value("sum(backchannel_pipeline_duplicates_total)") >= 1
                _assert_runtime_metrics_set(prom)
                scope = [e for e in all_expressions() if not _is_kafka_only(e)]
                assert not _problems(prom, scope), "\n".join(_problems(prom, scope))
                _assert_rules_evaluate(prom)


@pytest.mark.kafka
def test_kafka_worker_gives_every_expression_data(tmp_path: Path, kafka_broker: str) -> None:
    articles = tmp_path / "articles"
    _write_articles(articles)
    metrics_port = _free_port()
    prefix = f"t{uuid.uuid4().hex[:8]}."
    (tmp_path / "backchannel.yaml").write_text(yaml.safe_dump({"metrics_host": "127.0.0.1"}))
    env = _backchannel_env(
        tmp_path,
        broker=f"kafka://{kafka_broker}",
        topic_prefix=prefix,
        partitions="2",
        config=str(tmp_path / "backchannel.yaml"),
    )
    worker_args = [sys.executable, "-m", "streams", "worker"]
    with _running(
        "backchannel-worker",
        worker_args,
        cwd=tmp_path,
        env={**env, "BACKCHANNEL_METRICS_PORT": str(metrics_port)},
    ) as worker:
        metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
        _wait(
            "the worker's metrics endpoint",
            lambda: _answers(metrics_url),
            START_TIMEOUT,
            worker.tail,
            services=(worker,),
        )
        with _prometheus(tmp_path, f"127.0.0.1:{metrics_port}") as prom:
            ingest = subprocess.run(
                [sys.executable, "-m", "streams", "ingest", str(articles)],
                cwd=tmp_path,
                env={**env, "BACKCHANNEL_METRICS_PORT": "0"},
                capture_output=True,
                text=True,
                timeout=START_TIMEOUT,
                check=False,
            )
            assert ingest.returncode == 0, ingest.stderr
            raw = f"{prefix}articles.raw"

            def done() -> bool:
                return (
                    prom.value("sum(backchannel_pipeline_articles_total)") >= len(ARTICLES)
                    and prom.value(
                        f'count(backchannel_kafka_consumer_lag_messages{{topic="{raw}"}})'
                    )
                    == 2
                    and prom.value("sum(backchannel_kafka_consumer_lag_messages)") == 0
                    and prom.value("sum(faust_messages_received_total)") >= len(ARTICLES)
                    and prom.value('count_over_time(up{job="backchannel"}[1m])') >= 3
                    # set by a 15 s timer, so the last to arrive
                    and prom.value("sum(backchannel_state_dedup_index_entries)") > 0
                )

            _wait(
                "the worker to consume every article",
                done,
                PIPELINE_TIMEOUT,
                lambda: (
                    worker.tail()
                    + f"\nlag: {prom.query('backchannel_kafka_consumer_lag_messages')}"
                ),
                services=(worker,),
            )
            _assert_runtime_metrics_set(prom)
            scope = [e for e in all_expressions() if not _is_source_only(e)]
            assert not _problems(prom, scope), "\n".join(_problems(prom, scope))
            _assert_rules_evaluate(prom)


def test_each_expression_is_checked_by_one_of_the_runs() -> None:
    """No expression may need both Kafka and source metrics: neither run could check it."""
    both = [e.origin for e in all_expressions() if _is_kafka_only(e) and _is_source_only(e)]
    assert not both
