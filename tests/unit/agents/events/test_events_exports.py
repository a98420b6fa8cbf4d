"""The public surface of ``agents.events``: the core only, no Faust."""

from __future__ import annotations

import subprocess
import sys

import agents.events


def test_all_is_exported_and_sorted() -> None:
    assert agents.events.__all__ == sorted(agents.events.__all__)
    assert set(agents.events.__all__) == {
        "KnowledgeBase",
        "Lexicons",
        "event_key",
        "extract_events",
        "merge_mention",
    }
    for name in agents.events.__all__:
        assert getattr(agents.events, name) is not None


def test_importing_the_stage_does_not_import_faust() -> None:
    code = "import sys, agents.events; print('faust' in sys.modules or 'aiokafka' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
