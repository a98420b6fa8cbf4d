"""Shapes pipeline results into the ``analyze`` contract: one JSON object per document.

The contract (README, "Output of analyze") is what ``../shared/tools/score.py`` and downstream
scripts read; fields are only ever added.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from streams.codec import to_jsonable
from streams.embedded import DocumentResult
from streams.records import Actor, Alert, EventMention, FigureMention

__all__ = ["document_json", "render_table"]


def _actor(actor: Actor) -> dict[str, Any]:
    return {
        "name": actor.name,
        "surface": actor.surface,
        "role": actor.role.value if actor.role else None,
        "country": actor.country,
        "org": actor.org,
        "known": actor.known,
        "id": actor.actor_id,
    }


def _event(mention: EventMention) -> dict[str, Any]:
    return {
        "type": mention.type.value,
        "cameo": mention.cameo,
        "actors": [_actor(a) for a in mention.actors],
        "directed": mention.directed,
        "date": mention.date.isoformat() if mention.date else None,
        "location": mention.location,
        "sources": list(mention.sources),
        "evidence": mention.evidence,
        "event_key": mention.event_key,
    }


def _figure(figure: FigureMention) -> dict[str, Any]:
    return {
        "category": figure.category.value,
        "value": figure.value,
        "qualifier": figure.qualifier.value,
        "subject": figure.subject,
        "location": figure.location,
        "attributed_to": figure.attributed_to,
        "evidence": figure.evidence,
        "series_key": figure.series_key,
    }


def _alert(alert: Alert) -> dict[str, Any]:
    data: dict[str, Any] = to_jsonable(alert)
    data.pop("schema_version", None)
    data["labels"] = dict(alert.labels)
    return data


def document_json(result: DocumentResult) -> dict[str, Any]:
    """The ``analyze`` contract object for one document."""
    article = result.article
    return {
        "doc": article.doc,
        "lang": article.lang,
        "title": article.title,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "events": [_event(m) for m in result.mentions],
        "figures": [_figure(f) for f in result.figures],
        "near_duplicates": [
            {"doc": d.doc, "similarity": round(d.similarity, 3), "passages": d.passages}
            for d in article.duplicate.matches
        ],
        "duplicate": article.duplicate.kind,
        "alerts": [_alert(a) for a in result.alerts],
    }


def render_table(results: list[DocumentResult]) -> Table:
    """A readable summary for a terminal: one row per document."""
    table = Table(title="backchannel analyze", show_lines=True)
    for column in ("doc", "lang", "events", "figures", "duplicates", "alerts"):
        table.add_column(column, overflow="fold")
    for r in results:
        events = "\n".join(
            f"{m.type.value}: "
            + (" → " if m.directed else " — ").join(a.name or a.surface for a in m.actors)
            for m in r.mentions
        )
        figures = "\n".join(
            f"{f.category.value} {f.qualifier.value} {f.value:,}" for f in r.figures
        )
        dupes = "\n".join(
            f"{d.doc} ({d.similarity:.2f}, {d.passages} passages)"
            for d in r.article.duplicate.matches
        )
        table.add_row(
            r.article.doc,
            r.article.lang,
            events or "-",
            figures or "-",
            dupes or "-",
            str(len(r.alerts)),
        )
    return table
