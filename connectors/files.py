"""Articles from files and directories: plain text, HTML, or JSON lines.

A ``.txt`` file is one article whose id is the file name; a ``.jsonl`` file holds one article
per line (``{"doc", "text", "title"?, "url"?, "published"?, "lang"?}``); ``.html`` files are
reduced to their main text by trafilatura. Directories are read in name order so that runs are
reproducible. ``watch_dir`` keeps polling a directory and yields articles from files that
appear or change, remembering what it read in a state mapping so a restart does not re-read.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, MutableMapping
from datetime import UTC, datetime
from pathlib import Path

from connectors._jsonl import article_from_json
from connectors.base import SourceProblem
from streams.errors import SourceError
from streams.records import RawArticle

__all__ = ["ARTICLE_SUFFIXES", "iter_article_files", "read_paths", "watch_dir"]

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

        def line_doc(_text: str, number: int = number) -> str:
            return f"{path.name}:{number}"

        yield article_from_json(
            line,
            where=f"{path}:{number}",
            default_doc=line_doc,
            default_source=path.name,
            origin="file",
            fetched_at=fetched_at,
        )


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


async def watch_dir(
    path: Path,
    seen: MutableMapping[str, bytes],
    *,
    interval: float,
    settle_seconds: float = 2.0,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    on_problem: Callable[[SourceProblem], None] | None = None,
) -> AsyncIterator[RawArticle]:
    """Articles from files that appear or change under ``path``, rescanned every ``interval`` s.

    A file is read once its modification time is ``settle_seconds`` old, so one still being
    written is not read half-way. After its articles are yielded it is recorded in ``seen`` as
    ``absolute path -> b"mtime_ns:size"`` (a later change re-reads it; a deleted file's key is
    dropped). A file that cannot be read goes to ``on_problem`` (or the log) and is recorded
    anyway, so it is not retried until it changes. A missing directory is reported once and
    watched for until it (re)appears. ``seen`` is touched only on the event-loop thread (a
    SQLite mapping may not cross threads). Runs until cancelled.
    """
    root = path.resolve()
    prefix = str(root) + os.sep
    missing = False
    while True:
        try:
            listing = await asyncio.to_thread(_listing, root)
        except SourceError as exc:  # unmounted or removed: say so once, keep looking
            if not missing:
                _report(exc, str(root), on_problem)
            missing = True
            await sleep(interval)
            continue
        missing = False
        now = clock()
        present: set[str] = set()
        for name, signature, mtime in listing:
            present.add(name)
            if seen.get(name) == signature or now.timestamp() - mtime < settle_seconds:
                continue
            articles, error = await asyncio.to_thread(_read_file, Path(name), now)
            for article in articles:
                yield article
            if error is not None:
                _report(error, name, on_problem)
            seen[name] = signature
        for key in [k for k in seen if k.startswith(prefix) and k not in present]:
            del seen[key]
        await sleep(interval)


def _listing(root: Path) -> list[tuple[str, bytes, float]]:
    if not root.is_dir():
        raise SourceError(f"{root}: not a directory; fix the 'dirs:' entry in the sources file")
    listing = []
    for file in iter_article_files([root]):
        try:
            info = file.stat()
        except OSError:  # removed between listing and stat
            continue
        signature = f"{info.st_mtime_ns}:{info.st_size}".encode()
        listing.append((str(file), signature, info.st_mtime))
    return listing


def _read_file(path: Path, fetched_at: datetime) -> tuple[list[RawArticle], SourceError | None]:
    articles: list[RawArticle] = []
    try:
        for article in read_paths([path], fetched_at=fetched_at):
            articles.append(article)  # keep the lines before a bad one
    except SourceError as exc:
        return articles, exc
    except OSError as exc:
        return articles, SourceError(f"{path}: cannot read: {exc.strerror}")
    return articles, None


def _report(
    error: SourceError, name: str, on_problem: Callable[[SourceProblem], None] | None
) -> None:
    if on_problem is None:
        logger.warning("file skipped", extra={"path": name, "error": str(error)})
        return
    on_problem(
        SourceProblem(
            source="file",
            reason=error.reason,
            message=str(error),
            url=Path(name).as_uri(),
            error_class=type(error).__name__,
        )
    )
