"""The published schemas are what the records generate, and changes to them only add fields."""

import copy
import json
from pathlib import Path

import pytest

from streams.schemas import breaking_changes, json_schemas

PUBLISHED = Path(__file__).resolve().parents[3] / "docs" / "schemas"


@pytest.mark.parametrize("name", sorted(json_schemas()))
def test_generated_schema_is_compatible_with_published(name: str) -> None:
    published = json.loads((PUBLISHED / name).read_text())
    assert breaking_changes(published, json_schemas()[name]) == []


def test_published_schemas_are_up_to_date() -> None:
    on_disk = {p.name: json.loads(p.read_text()) for p in PUBLISHED.glob("*.schema.json")}
    assert on_disk == json_schemas(), "run: backchannel schemas --out docs/schemas"


def _event_schema() -> dict:
    return copy.deepcopy(json_schemas()["Event.v1.schema.json"])


def test_removed_property_is_breaking() -> None:
    old, new = _event_schema(), _event_schema()
    del new["properties"]["corroboration"]
    assert breaking_changes(old, new) == ["$root.corroboration: property removed"]


def test_type_change_is_breaking() -> None:
    old, new = _event_schema(), _event_schema()
    new["properties"]["corroboration"] = {"type": "string"}
    assert len(breaking_changes(old, new)) == 1


def test_new_required_is_breaking_but_new_optional_is_not() -> None:
    old, new = _event_schema(), _event_schema()
    new["properties"]["extra"] = {"type": "string", "default": ""}
    assert breaking_changes(old, new) == []
    new["required"] = [*new["required"], "extra"]
    assert breaking_changes(old, new) == ["$root.extra: newly required"]
