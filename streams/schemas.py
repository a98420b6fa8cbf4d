"""Published JSON Schemas of the records on public topics, generated from ``streams.records``.

``backchannel schemas --out DIR`` writes one file per record, ``<Record>.v<N>.schema.json``.
The committed copies in ``docs/schemas/`` are the contract; the compatibility rule is that
fields are only added (with defaults): ``tests/unit/streams/test_schemas.py`` fails when a
property disappears, changes type, or a new required property appears.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pydantic

from streams.records import (
    SCHEMA_VERSION,
    Alert,
    Article,
    DeadLetter,
    Event,
    FigureUpdate,
    RawArticle,
)

__all__ = ["PUBLIC_RECORDS", "breaking_changes", "json_schemas", "schema_filename", "write_schemas"]

PUBLIC_RECORDS: tuple[type, ...] = (RawArticle, Article, Event, FigureUpdate, Alert, DeadLetter)


def schema_filename(record: type) -> str:
    """File name of ``record``'s schema at the current schema version."""
    return f"{record.__name__}.v{SCHEMA_VERSION}.schema.json"


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema (draft 2020-12) of each public record, by file name."""
    out = {}
    for record in PUBLIC_RECORDS:
        schema = pydantic.TypeAdapter(record).json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"urn:backchannel:schema:{record.__name__}:v{SCHEMA_VERSION}"
        out[schema_filename(record)] = schema
    return out


def write_schemas(out_dir: Path) -> list[Path]:
    """Write every schema into ``out_dir``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, schema in json_schemas().items():
        path = out_dir / name
        path.write_bytes(
            orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
        )
        paths.append(path)
    return paths


def _props(schema: dict[str, Any], ref: str | None = None) -> dict[str, dict[str, Any]]:
    """Every object schema in ``schema`` (the root and ``$defs``) by name."""
    found = {"$root": schema}
    found.update(schema.get("$defs", {}))
    return found


def _type_of(prop: dict[str, Any]) -> Any:
    return {
        k: prop[k]
        for k in ("type", "anyOf", "$ref", "items", "enum", "const", "format")
        if k in prop
    }


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Changes from ``old`` to ``new`` that break readers of ``old``: each as a sentence.

    Breaking: an object or property removed, a property's type changed, a property newly
    required. Adding optional properties (or new objects) is not breaking.
    """
    problems = []
    old_objs, new_objs = _props(old), _props(new)
    for name, old_obj in old_objs.items():
        new_obj = new_objs.get(name)
        if new_obj is None:
            problems.append(f"{name}: object removed")
            continue
        old_p, new_p = old_obj.get("properties", {}), new_obj.get("properties", {})
        for prop, spec in old_p.items():
            if prop not in new_p:
                problems.append(f"{name}.{prop}: property removed")
            elif _type_of(spec) != _type_of(new_p[prop]):
                problems.append(
                    f"{name}.{prop}: type changed from {_type_of(spec)} to {_type_of(new_p[prop])}"
                )
        for prop in set(new_obj.get("required", [])) - set(old_obj.get("required", [])):
            problems.append(f"{name}.{prop}: newly required")
    return problems
