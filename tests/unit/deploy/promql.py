"""Every PromQL expression of the dashboards and the alert rules, and small tools to check them.

Shared by the unit tests (parse with promtool, metric names exist) and the integration test
(each expression returns data on a real Prometheus). Imported as ``tests.unit.deploy.promql``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
DASHBOARDS = REPO / "deploy" / "grafana" / "dashboards"
RULES = REPO / "deploy" / "prometheus" / "rules" / "backchannel.rules.yml"
RULE_TESTS = REPO / "deploy" / "prometheus" / "rules" / "backchannel.rules.test.yml"
PROMETHEUS_CONFIG = REPO / "deploy" / "prometheus" / "prometheus.yml"
ALERTMANAGER_CONFIG = REPO / "deploy" / "alertmanager" / "alertmanager.yml"

#: Grafana's built-in variables, as a short live test sees them: windows that hold a few 1 s
#: scrapes. Rate windows must span at least two samples for rate() to return anything.
GRAFANA_VARIABLES = {"$__rate_interval": "30s", "$__range": "5m", "$__interval": "15s"}

_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
    "unless", "offset", "inf", "nan",
}  # fmt: skip
_COMPARISONS = ("==", "!=", ">=", "<=", ">", "<")


@dataclass(frozen=True, slots=True)
class Expression:
    """One PromQL expression and where it comes from (``overview.json: Ingest rate``)."""

    origin: str
    expr: str
    is_rule: bool = False

    @property
    def promql(self) -> str:
        """The expression with Grafana's variables replaced, ready for Prometheus."""
        text = self.expr
        for variable, value in GRAFANA_VARIABLES.items():
            text = text.replace(variable, value)
        return text

    @property
    def signal(self) -> str:
        """For a rule, the expression without its final threshold comparison; else ``promql``.

        An alert expression returns nothing while the alert is quiet, so a live test asks for
        the signal it compares instead, which must exist whenever the metrics do.
        """
        return strip_threshold(self.promql) if self.is_rule else self.promql

    def metric_names(self) -> set[str]:
        """Metric names the expression selects."""
        return metric_names(self.promql)


def dashboard_expressions() -> list[Expression]:
    """Every target expression of every generated dashboard."""
    found = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        board = json.loads(path.read_text(encoding="utf-8"))
        for panel in board["panels"]:
            for target in panel.get("targets", []):
                found.append(Expression(f"{path.name}: {panel['title']}", target["expr"]))
    return found


def rule_expressions() -> list[Expression]:
    """Every alerting or recording rule expression of the rules file."""
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return [
        Expression(f"rule {rule.get('alert') or rule.get('record')}", rule["expr"], is_rule=True)
        for group in rules["groups"]
        for rule in group["rules"]
    ]


def all_expressions() -> list[Expression]:
    """Dashboards' and rules' expressions together."""
    return dashboard_expressions() + rule_expressions()


def _blank(text: str, pattern: str) -> str:
    return re.sub(pattern, lambda m: " " * len(m.group(0)), text)


def _blank_literals(expr: str) -> str:
    # Same length, so positions found in the result hold in the original.
    expr = _blank(expr, r'"(?:[^"\\]|\\.)*"')
    expr = _blank(expr, r"\{[^}]*\}")
    expr = _blank(expr, r"\[[^\]]*\]")
    return _blank(expr, r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")


def metric_names(expr: str) -> set[str]:
    """Names of the series ``expr`` selects (functions, keywords and label names left out)."""
    names = set()
    bare = _blank_literals(expr)
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", bare):
        rest = bare[match.end() :].lstrip()
        if rest.startswith("(") or match.group(0).lower() in _KEYWORDS:
            continue
        names.add(match.group(0))
    return names


def strip_threshold(expr: str) -> str:
    """``expr`` without its last top-level comparison (``a > 5`` -> ``a``)."""
    bare = _blank_literals(expr)
    depth, last = 0, None
    i = 0
    while i < len(bare):
        char = bare[i]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            for op in _COMPARISONS:
                if bare.startswith(op, i):
                    last = i
                    i += len(op) - 1
                    break
        i += 1
    if last is None:
        raise ValueError(f"rule expression has no threshold comparison: {expr}")
    return expr[:last].strip()


def promtool() -> str:
    """Path to promtool; skips (fails with CI=true) with an install hint when missing."""
    return _tool("promtool")


def prometheus() -> str:
    """Path to the prometheus server binary; skips (fails with CI=true) when missing."""
    return _tool("prometheus")


def amtool() -> str:
    """Path to amtool (Alertmanager's config checker); skips (fails with CI=true) when missing."""
    return _tool("amtool")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is not None:
        return path
    message = f"{name} not found; install it with `make system-deps` (Debian: prometheus, prometheus-alertmanager)"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def run_tool(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command and return its result; never raises on a non-zero exit."""
    return subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=cwd, check=False)
