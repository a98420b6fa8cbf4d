"""Grafana: the committed dashboards are what generate.py produces, and provisioning finds them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from tests.unit.deploy.promql import DASHBOARDS, REPO

GENERATE = REPO / "deploy" / "grafana" / "generate.py"
PROVISIONING = REPO / "deploy" / "grafana" / "provisioning"


def _generate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(GENERATE), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_committed_dashboards_equal_the_generated_ones() -> None:
    result = _generate("--check")
    assert result.returncode == 0, result.stderr


def test_check_fails_on_a_stale_dashboard(tmp_path: Path) -> None:
    assert _generate("--out", str(tmp_path)).returncode == 0
    board = tmp_path / "overview.json"
    board.write_text(board.read_text().replace("Ingest rate", "Ingest speed"))
    result = _generate("--check", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "overview.json differs" in result.stderr


def test_dashboards_have_the_required_panels() -> None:
    titles = {
        name: {p["title"] for p in json.loads((DASHBOARDS / name).read_text())["panels"]}
        for name in ("overview.json", "content.json")
    }
    assert {
        "Ingest rate",
        "Fetched to event",
        "Fetched to alert",
        "Consumer lag by topic",
        "Stage errors",
        "Dead letters",
        "Feeds down",
    } <= titles["overview.json"]
    assert {
        "Events per minute by type",
        "Alerts per minute by kind and severity",
        "Duplicates per minute by level",
        "Languages in range",
        "Figures per minute by category",
    } <= titles["content.json"]


def test_latency_panels_show_p50_p95_p99() -> None:
    board = json.loads((DASHBOARDS / "overview.json").read_text())
    panel = next(p for p in board["panels"] if p["title"] == "Fetched to event")
    exprs = [t["expr"] for t in panel["targets"]]
    assert [e.split(",")[0] for e in exprs] == [
        "histogram_quantile(0.5",
        "histogram_quantile(0.95",
        "histogram_quantile(0.99",
    ]


def test_panel_ids_are_unique_and_uids_fixed() -> None:
    uids = set()
    for path in DASHBOARDS.glob("*.json"):
        board = json.loads(path.read_text())
        ids = [p["id"] for p in board["panels"]]
        assert len(ids) == len(set(ids)), path
        uids.add(board["uid"])
    assert uids == {"backchannel-overview", "backchannel-content"}


def test_provisioning_points_at_the_datasource_and_dashboards() -> None:
    datasources = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yaml").read_text())
    (source,) = datasources["datasources"]
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090"
    providers = yaml.safe_load((PROVISIONING / "dashboards" / "backchannel.yaml").read_text())
    (provider,) = providers["providers"]
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./deploy/grafana/dashboards:{provider['options']['path']}:ro" in mounts
    assert "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in mounts
