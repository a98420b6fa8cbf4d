"""The command line as a user meets it: real processes, exit codes, the analyze contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples" / "articles"
ROLES = {
    "president", "prime_minister", "foreign_minister", "supreme_leader", "parliament_speaker",
    "security_council_secretary", "political_bureau_chief", "secretary_general", "minister",
    "spokesperson", "other", None,
}


def run(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streams", *args], cwd=cwd, capture_output=True, text=True,
        timeout=120, input=stdin.decode() if stdin else None, env=env,
    )


def test_analyze_emits_the_contract_for_every_document(tmp_path: Path) -> None:
    result = run("analyze", str(EXAMPLES), "--format", "jsonl", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["doc"] for d in docs] == [f"example-{x}" for x in ("ar-001", "ar-002", "fa-001", "en-001", "en-002", "ar-003")]
    for doc in docs:
        assert set(doc) >= {"doc", "lang", "events", "figures", "near_duplicates", "alerts"}
        assert doc["lang"] in ("ar", "fa", "en")
        for event in doc["events"]:
            assert event["type"] in ("phone_call", "meeting", "visit")
            assert event["cameo"] in ("040", "041", "042", "044")
            assert isinstance(event["directed"], bool)
            assert event["date"] is None or len(event["date"]) == 10
            assert isinstance(event["sources"], list) and isinstance(event["evidence"], str) and event["evidence"]
            for actor in event["actors"]:
                assert set(actor) >= {"name", "surface", "role", "country", "org"}
                assert actor["role"] in ROLES
                assert actor["country"] is None or (len(actor["country"]) == 3 and actor["country"].isupper())
        for figure in doc["figures"]:
            assert figure["category"] in ("killed", "wounded", "hostages", "displaced", "arrested", "other")
            assert figure["qualifier"] in ("exact", "at_least", "more_than", "about", "up_to")
            assert isinstance(figure["value"], int)
        for dup in doc["near_duplicates"]:
            assert set(dup) >= {"doc", "similarity", "passages"}
    by_doc = {d["doc"]: d for d in docs}
    assert [d["doc"] for d in by_doc["example-ar-002"]["near_duplicates"]] == ["example-ar-001"]


def test_analyze_table_on_request(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "COLUMNS": "200"}
    result = run("analyze", str(EXAMPLES / "wire.jsonl"), "--format", "table", cwd=tmp_path, env=env)

    assert result.returncode == 0, result.stderr
    assert "backchannel analyze" in result.stdout and "example-fa-001" in result.stdout


def test_analyze_reads_stdin(tmp_path: Path) -> None:
    line = (EXAMPLES / "wire.jsonl").read_text().splitlines()[2]
    result = run("analyze", "-", "--format", "jsonl", cwd=tmp_path, stdin=line.encode())
    assert result.returncode == 0, result.stderr
    [doc] = [json.loads(x) for x in result.stdout.splitlines()]
    assert doc["doc"] == "example-fa-001" and doc["lang"] == "fa"


def test_second_analyze_with_state_raises_no_alert(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    first = run("analyze", str(EXAMPLES), "--format", "jsonl", "--state", str(state), cwd=tmp_path)
    second = run("analyze", str(EXAMPLES), "--format", "jsonl", "--state", str(state), cwd=tmp_path)
    assert sum(len(json.loads(x)["alerts"]) for x in first.stdout.splitlines()) > 0
    assert sum(len(json.loads(x)["alerts"]) for x in second.stdout.splitlines()) == 0


@pytest.mark.parametrize(
    ("args", "env", "code", "message"),
    [
        (["worker"], {}, 2, "worker needs a broker"),
        (["analyze", "x", "--broker", "kafka//x"], {}, 2, "BACKCHANNEL_BROKER='kafka//x' is not a broker URL"),
        (["analyze", "missing-dir"], {}, 1, "missing-dir: no such file or directory"),
        (["run", "--once"], {"BACKCHANNEL_PARTITIONS": "zero"}, 2, "partitions (env BACKCHANNEL_PARTITIONS)"),
    ],
)
def test_errors_are_one_line_with_exit_code(tmp_path: Path, args: list[str], env: dict[str, str], code: int, message: str) -> None:
    import os

    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCHANNEL_")} | env
    result = run(*args, cwd=tmp_path, env=full_env)
    assert result.returncode == code, result.stderr
    lines = [x for x in result.stderr.splitlines() if x.startswith("error: ")]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_run_once_processes_examples_then_nothing_on_restart(tmp_path: Path) -> None:
    config = tmp_path / "backchannel.yaml"
    config.write_text(f"state_dir: {tmp_path / 'state'}\nmetrics_port: 0\ndirs:\n  - name: ex\n    path: {EXAMPLES}\n")
    first = run("run", "--once", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "event.new" in first.stdout and "figure.changed" in first.stdout
    assert "stopped: 6 new articles" in first.stdout
    second = run("run", "--once", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "stopped: 0 new articles, 0 alerts" in second.stdout
