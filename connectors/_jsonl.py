"""One JSON line to one ``RawArticle``: the shape shared by ``.jsonl`` files and stdin.

``{"doc"?, "text", "title"?, "url"?, "published"?, "lang"?, "source"?, "author"?}``; only
``text`` is required. A ``published`` without a zone is taken as UTC (records are aware).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import orjson

from streams.errors import SourceError
from streams.records import Origin, RawArticle

__all__ = ["article_from_json"]


def article_from_json(
    line: bytes | str,
    *,
    where: str,
    default_doc: Callable[[str], str],
    default_source: str,
    origin: Origin,
    fetched_at: datetime,
) -> RawArticle:
    """Parse one line; ``default_doc(text)`` names an article without ``doc``.

    Raises ``SourceError`` naming ``where`` (``file:line``) and what is wrong.
    """
    try:
        obj = orjson.loads(line)
        if not isinstance(obj, dict):
            raise TypeError(f"a JSON {type(obj).__name__}, not an object")
        text = obj["text"]
        if not isinstance(text, str):
            raise TypeError("'text' must be a string")
        return RawArticle(
            doc=str(obj.get("doc") or default_doc(text)),
            text=text,
            title=_optional(obj, "title"),
            url=_optional(obj, "url"),
            author=_optional(obj, "author"),
            lang_hint=_optional(obj, "lang"),
            published=_published(obj.get("published")),
            source=str(obj.get("source") or default_source),
            origin=origin,
            fetched_at=fetched_at,
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise SourceError(
            f"{where}: not an article object ({type(exc).__name__}: {exc});"
            ' expected {"text": ..., "doc"?: ..., "title"?: ..., "published"?: ISO-8601}'
        ) from exc


def _optional(obj: dict[str, object], key: str) -> str | None:
    value = obj.get(key)
    return None if value is None else str(value)


def _published(value: object) -> datetime | None:
    if not value:
        return None
    when = datetime.fromisoformat(str(value))
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when
