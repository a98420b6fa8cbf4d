"""Feed bytes to entries: pure (no network, no clock), so it can be tested and benchmarked alone.

feedparser does the parsing, from bytes we fetched; it never fetches. We decode the bytes first
(``_charset``: declared, UTF-8, then windows-1256/1255/1252 heuristics) and hand feedparser
UTF-8 with a matching declaration, because its own fallback reads undeclared Arabic as
windows-1252. HTML sanitising and relative-URI rewriting are off: we keep only text, and
turning them off halves parse time on large feeds.

An entry's id is its guid, else its link, else a hash of its title, text and date; the
article ``doc`` is a hash of the configured feed URL and that id (``entry_doc``), so the same
entry always gets the same doc. Malformed input is recovered as far as feedparser's lenient
parser goes and reported as ``SourceProblem``; nothing here raises on bad input.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from connectors._charset import decode_markup, http_charset
from connectors._markup import collapse_spaces, html_to_text
from connectors.base import MAX_EXCERPT_BYTES, SourceProblem

__all__ = ["FeedEntry", "ParsedFeed", "entry_doc", "parse_feed"]

logger = logging.getLogger(__name__)

_XML_DECL_ENCODING = re.compile(r"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])[^\"']*\2")
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
_LANG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedEntry:
    """One entry as the feed gives it, as plain text (titles and summaries de-HTML-ed)."""

    entry_id: str
    title: str | None
    text: str
    link: str | None
    author: str | None = None
    published: datetime | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedFeed:
    """What could be read from one feed document.

    ``usable`` is false when nothing could be read (no entries and the document is broken or
    is not a feed); an empty but valid feed is usable. ``encoding_guessed`` is true when no
    declaration was trusted and the code page was inferred.
    """

    entries: tuple[FeedEntry, ...]
    problems: tuple[SourceProblem, ...]
    usable: bool
    title: str | None = None
    lang: str | None = None
    encoding: str = "utf-8"
    encoding_guessed: bool = False


def entry_doc(feed_url: str, entry_id: str) -> str:
    """The article id of an entry: stable across polls, restarts and hosts."""
    digest = hashlib.blake2b(f"{feed_url}\n{entry_id}".encode(), digest_size=12).hexdigest()
    return f"feed-{digest}"


def parse_feed(
    data: bytes,
    *,
    source: str,
    url: str | None = None,
    content_type: str | None = None,
) -> ParsedFeed:
    """Parse one feed document; ``url`` resolves relative links, ``source`` names problems."""
    decoded = decode_markup(data, http_encoding=http_charset(content_type))
    text = _XML_DECL_ENCODING.sub(r"\1\2utf-8\2", decoded.text, count=1)
    headers = {"content-type": "application/xml; charset=utf-8"}
    if url:
        headers["content-location"] = url
    try:
        parsed = feedparser.parse(
            text.encode("utf-8"),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser on hostile input must not stop the poller
        logger.warning("feedparser failed", exc_info=True, extra={"source": source})
        problem = _malformed(source, url, data, exc, recovered=0)
        return ParsedFeed(entries=(), problems=(problem,), usable=False, encoding=decoded.encoding)
    entries = tuple(_entry(raw) for raw in parsed.entries)
    channel = parsed.get("feed", {})
    problems: list[SourceProblem] = []
    usable = True
    if not entries and _HTML_START.match(data[:4096]):
        usable = False
        problems.append(
            SourceProblem(
                source=source,
                url=url,
                reason="not_a_feed",
                message=f"{source}: {url} returned an HTML page, not RSS/Atom;"
                " check the feed URL (the site may have moved it or show a login/consent page)",
                raw_bytes_excerpt=data[:MAX_EXCERPT_BYTES],
            )
        )
    elif parsed.get("bozo"):
        error = parsed.get("bozo_exception")
        usable = bool(entries) or bool(channel.get("title"))
        problems.append(_malformed(source, url, data, error, recovered=len(entries)))
    return ParsedFeed(
        entries=entries,
        problems=tuple(problems),
        usable=usable,
        title=_clean(channel.get("title")),
        lang=_language(channel.get("language")),
        encoding=decoded.encoding,
        encoding_guessed=decoded.guessed,
    )


def _malformed(
    source: str, url: str | None, data: bytes, error: object, *, recovered: int
) -> SourceProblem:
    line = _error_line(error)
    where = f" at line {line}" if line else ""
    kept = f"{recovered} entr{'y' if recovered == 1 else 'ies'} recovered" if recovered else ""
    kept = kept or "nothing could be recovered"
    return SourceProblem(
        source=source,
        url=url,
        reason="feed_malformed",
        message=f"{source}: feed is not well-formed XML{where} ({error}); {kept}."
        " Tell the publisher, or replace the URL if this persists",
        raw_bytes_excerpt=_excerpt(data, line),
        error_class=type(error).__name__,
    )


def _error_line(error: object) -> int | None:
    get_line = getattr(error, "getLineNumber", None)
    if get_line is None:
        return None
    try:
        line = int(get_line())
    except (TypeError, ValueError):
        return None
    return line if line > 0 else None


def _excerpt(data: bytes, line: int | None) -> bytes:
    """Raw bytes around ``line`` (1-based), at most ``MAX_EXCERPT_BYTES``."""
    if line is None:
        return data[:MAX_EXCERPT_BYTES]
    lines = data.split(b"\n")
    start = max(0, line - 4)
    return b"\n".join(lines[start : line + 3])[:MAX_EXCERPT_BYTES]


def _entry(raw: dict[str, Any]) -> FeedEntry:
    title = _clean(raw.get("title"))
    link = _strip(raw.get("link"))
    texts = [html_to_text(str(part.get("value", ""))) for part in raw.get("content") or ()]
    texts.append(html_to_text(str(raw.get("summary") or "")))
    text = max(texts, key=len)
    # dict.get: FeedParserDict.get("updated_parsed") falls back to published_parsed with a
    # DeprecationWarning; we ask for each explicitly.
    published = _when(dict.get(raw, "published_parsed") or dict.get(raw, "updated_parsed"))
    guid = _strip(raw.get("id"))
    entry_id = guid or link or _content_id(title, text, published)
    detail = raw.get("title_detail") or {}
    return FeedEntry(
        entry_id=entry_id,
        title=title or None,
        text=text,
        link=link,
        author=_clean(raw.get("author")) or None,
        published=published,
        lang=_language(detail.get("language") if isinstance(detail, Mapping) else None),
    )


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return collapse_spaces(html_to_text(value)).replace("\n", " ") or None


def _strip(value: object) -> str | None:
    """Identifiers and URLs: surrounding whitespace removed, otherwise verbatim."""
    return value.strip() or None if isinstance(value, str) else None


def _content_id(title: str | None, text: str, published: datetime | None) -> str:
    basis = "\n".join((title or "", text, published.isoformat() if published else ""))
    return "sha256:" + hashlib.sha256(basis.encode()).hexdigest()


def _when(value: object) -> datetime | None:
    """feedparser's ``*_parsed`` values are UTC ``time.struct_time``."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def _language(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    match = _LANG.match(value.strip())
    return match.group(1).lower() if match else None
