"""Prometheus and Alertmanager configuration: promtool and amtool accept it, every alert fires and
clears in `promtool test rules`, and every PromQL expression parses and reads real metrics."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from prometheus_client import CollectorRegistry, Counter, Histogram

from streams.metrics import Metrics
from tests.unit.deploy.promql import (
    ALERTMANAGER_CONFIG,
    PROMETHEUS_CONFIG,
    RULE_TESTS,
    RULES,
    Expression,
    all_expressions,
    amtool,
    dashboard_expressions,
    metric_names,
    promtool,
    rule_expressions,
    run_tool,
    strip_threshold,
)

ALERTS = {
    "WorkerDown",
    "IngestionStalled",
    "FeedDown",
    "DeadLettersGrowing",
    "ConsumerLagHigh",
    "EndToEndLatencyHigh",
}


def _exported_names() -> set[str]:
    """Every series name our processes can expose: ours, Faust's, and Prometheus' ``up``."""
    from faust.sensors.prometheus import FaustMetrics

    names = {"up"}
    collectors = list(Metrics(CollectorRegistry()).collectors().values())
    collectors += list(FaustMetrics.create(CollectorRegistry(), "faust"))
    for metric in collectors:
        if isinstance(metric, Counter):
            names.add(f"{metric._name}_total")
        elif isinstance(metric, Histogram):
            names |= {f"{metric._name}_{s}" for s in ("bucket", "sum", "count")}
        else:
            names.add(metric._name)
    return names


def test_rules_define_each_alert_with_annotations_and_runbook() -> None:
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"][0]["rules"]
    assert {r["alert"] for r in rules} == ALERTS
    for rule in rules:
        assert rule["labels"]["severity"] in {"warning", "critical"}
        assert rule["labels"]["kind"] == "ops"
        assert {"summary", "description", "runbook"} <= set(rule["annotations"])
        assert f"docs/metrics.md#{rule['alert'].lower()}" in rule["annotations"]["runbook"]


def test_rule_tests_make_each_alert_fire_and_clear() -> None:
    tests = yaml.safe_load(RULE_TESTS.read_text(encoding="utf-8"))["tests"]
    fired, cleared_after = {}, {}
    for case in tests:
        for check in case["alert_rule_test"]:
            name = check["alertname"]
            if check["exp_alerts"]:
                fired[name] = min(fired.get(name, check["eval_time"]), check["eval_time"])
    for case in tests:
        for check in case["alert_rule_test"]:
            name = check["alertname"]
            if (
                not check["exp_alerts"]
                and name in fired
                and _minutes(check["eval_time"]) > _minutes(fired[name])
            ):
                cleared_after[name] = check["eval_time"]
    assert set(fired) == ALERTS
    assert set(cleared_after) == ALERTS


def _minutes(duration: str) -> int:
    assert duration.endswith("m"), duration
    return int(duration[:-1])


@pytest.mark.prometheus
def test_promtool_checks_the_rules() -> None:
    result = run_tool(promtool(), "check", "rules", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(ALERTS)} rules found" in result.stdout


@pytest.mark.prometheus
def test_promtool_rule_unit_tests_pass() -> None:
    result = run_tool(promtool(), "test", "rules", str(RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.prometheus
def test_promtool_checks_the_prometheus_config() -> None:
    result = run_tool(promtool(), "check", "config", str(PROMETHEUS_CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.prometheus
def test_amtool_checks_the_alertmanager_config() -> None:
    result = run_tool(amtool(), "check-config", str(ALERTMANAGER_CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr


def test_alertmanager_groups_by_kind_and_severity_and_sends_to_localhost() -> None:
    config = yaml.safe_load(ALERTMANAGER_CONFIG.read_text(encoding="utf-8"))
    assert config["route"]["group_by"] == ["kind", "severity"]
    urls = [w["url"] for r in config["receivers"] for w in r.get("webhook_configs", [])]
    assert urls and all(u.startswith("http://127.0.0.1:") for u in urls)


def test_prometheus_scrapes_backchannel_under_the_job_the_rules_use() -> None:
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text(encoding="utf-8"))
    jobs = {job["job_name"] for job in config["scrape_configs"]}
    assert "backchannel" in jobs
    assert config["rule_files"] == ["rules/*.rules.yml"]


@pytest.mark.prometheus
def test_every_expression_parses(tmp_path: Path) -> None:
    """promtool parses each dashboard and rule expression as a recording rule."""
    expressions = all_expressions()
    rules = [{"record": f"check:expr_{i}", "expr": e.promql} for i, e in enumerate(expressions)]
    rules += [
        {"record": f"check:signal_{i}", "expr": e.signal}
        for i, e in enumerate(expressions)
        if e.is_rule
    ]
    path = tmp_path / "exprs.rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "check", "rules": rules}]}))
    result = run_tool(promtool(), "check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules)} rules found" in result.stdout


def test_every_expression_reads_metrics_that_exist() -> None:
    exported = _exported_names()
    expressions = all_expressions()
    assert len(dashboard_expressions()) >= 25 and len(rule_expressions()) == len(ALERTS)
    for expression in expressions:
        names = expression.metric_names()
        assert names, expression
        assert names <= exported, (expression.origin, names - exported)


def test_metric_names_skips_functions_keywords_and_labels() -> None:
    expr = (
        'histogram_quantile(0.95, sum by (le, stage) (rate(a_seconds_bucket{stage="x"}[5m])))'
        " / on (stage) group_left b_total or vector(0)"
    )
    assert metric_names(expr) == {"a_seconds_bucket", "b_total"}


def test_strip_threshold_keeps_the_signal() -> None:
    assert strip_threshold('up{job="a"} == 0') == 'up{job="a"}'
    assert strip_threshold('sum by (t) (x{a=~"b>c"}) > 1000') == 'sum by (t) (x{a=~"b>c"})'
    assert strip_threshold("time() - x > 1800") == "time() - x"
    with pytest.raises(ValueError):
        strip_threshold("sum(x)")


def test_grafana_variables_are_replaced() -> None:
    expression = Expression("t", "rate(x[$__rate_interval]) + increase(x[$__range])")
    assert "$" not in expression.promql
