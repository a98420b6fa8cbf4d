"""Articles from files and directories: plain text, HTML, or JSON lines.

A ``.txt`` file is one article whose id is the file name; a ``.jsonl`` file holds one article
per line (``{"doc", "text", "title"?, "url"?, "published"?, "lang"?}``); ``.html`` files are
reduced to their main text by trafilatura. Directories are read in name order so that runs are
reproducible.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

import orjson

from streams.errors import SourceError
from streams.records import RawArticle

__all__ = ["ARTICLE_SUFFIXES", "iter_article_files", "read_paths"]

logger = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")


def iter_article_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Each article file under ``paths``, directories expanded in name order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
            )
        elif path.exists():
            yield path
        else:
            raise SourceError(f"{path}: no such file or directory")


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "cp1256"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    logger.warning("undecodable bytes replaced", extra={"path": str(path)})
    return data.decode("utf-8", errors="replace")


def _from_jsonl(path: Path, text: str, fetched_at: datetime) -> Iterator[RawArticle]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
            yield RawArticle(
                doc=str(obj.get("doc") or f"{path.name}:{number}"),
                text=str(obj["text"]),
                title=obj.get("title"),
                url=obj.get("url"),
                lang_hint=obj.get("lang"),
                published=datetime.fromisoformat(obj["published"]) if obj.get("published") else None,
                source=str(obj.get("source") or path.name),
                origin="file",
                fetched_at=fetched_at,
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise SourceError(f"{path}:{number}: not an article object: {exc}") from exc


def read_paths(paths: Iterable[Path], *, fetched_at: datetime) -> Iterator[RawArticle]:
    """Every article in ``paths`` (files or directories), in the given order.

    Raises ``SourceError`` for a missing path or a malformed JSON line, naming the line.
    """
    for path in iter_article_files(paths):
        text = _decode(path.read_bytes(), path)
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            yield from _from_jsonl(path, text, fetched_at)
            continue
        if suffix in (".html", ".htm"):
            import trafilatura

            text = trafilatura.extract(text, include_comments=False) or ""
        yield RawArticle(
            doc=path.name, text=text, source="file", origin="file", fetched_at=fetched_at
        )
