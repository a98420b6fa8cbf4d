"""Poll one RSS/Atom feed: conditional GET, new entries only, failures backed off and reported.

``poll_feed`` is the whole contract between a runtime and a feed: it takes the feed's config
and last state and returns the new articles, the next state, the problems to dead-letter and
the health signals (``down``, ``went_down``, ``recovered``). It raises only for programming
errors; every network or content failure is a ``SourceProblem`` in the result.

Scheduling is the runtime's: poll when ``state.is_due(now)``. On success ``next_due`` is one
interval away; after ``n`` consecutive failures it is ``interval * 2**n`` away, capped at
``max_backoff_seconds`` and stretched to a Retry-After the server sent.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from connectors.base import MAX_EXCERPT_BYTES, SourceProblem
from connectors.config import FeedConfig
from connectors.feed_state import FeedState
from connectors.http import HttpResponse, PoliteClient
from connectors.pages import PageContent, fetch_page
from connectors.parse import FeedEntry, ParsedFeed, entry_doc, parse_feed
from streams.errors import SourceError
from streams.records import RawArticle

__all__ = ["DEFAULT_POLICY", "PollPolicy", "PollResult", "poll_feed"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class PollPolicy:
    """Health, memory and page-fetching rules shared by all feeds.

    ``down_after_failures`` consecutive failures make a feed ``down`` (alert ``source.down``).
    Entries whose text is shorter than ``min_text_chars`` have their page fetched (if the feed
    allows it), at most ``max_pages_per_poll`` per poll; the rest keep the feed's summary.

    Documents of ``thread_parse_min_bytes`` or more are parsed in a worker thread so the event
    loop is not held for long; smaller ones (most feeds: ~15 ms for 20 entries) are parsed
    inline, because a parse thread fighting the loop for the GIL cost a third more CPU in
    ``benchmarks/bench_connectors.py`` (4.2 vs 3.1 CPU-seconds for 200 new feeds).
    """

    down_after_failures: int = 5
    max_backoff_seconds: float = 3600.0
    max_seen_ids: int = 2000
    fetch_pages: bool = True
    min_text_chars: int = 400
    max_pages_per_poll: int = 20
    page_concurrency: int = 4
    thread_parse_min_bytes: int = 256 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class PollResult:
    """One poll's outcome; save ``state`` after delivering ``articles`` and ``errors``.

    ``not_modified``: a 304, or a 200 whose bytes equal the last ones (nothing parsed).
    ``down``: failing ``down_after_failures`` times or more in a row; ``went_down`` only on
    the poll that crossed that line and ``recovered`` on the first success after it, so an
    alert is raised once per outage. ``entries`` counts entries in the fetched document.
    """

    articles: list[RawArticle]
    state: FeedState
    errors: list[SourceProblem]
    status: int | None
    not_modified: bool = False
    down: bool = False
    went_down: bool = False
    recovered: bool = False
    entries: int = 0
    encoding: str | None = None


async def poll_feed(
    feed: FeedConfig,
    state: FeedState | None,
    client: PoliteClient,
    *,
    now: datetime,
    policy: PollPolicy | None = None,
) -> PollResult:
    """Fetch ``feed`` once and return what is new since ``state`` (``None``: first poll)."""
    policy = policy or DEFAULT_POLICY
    previous = state or FeedState()
    try:
        response = await client.get(feed.url, headers=_validators(previous))
    except SourceError as exc:
        problem = SourceProblem(
            source=feed.name,
            url=feed.url,
            reason=exc.reason,
            message=f"{feed.name}: {exc}",
            error_class=type(exc).__name__,
        )
        return _failed(feed, previous, [problem], now=now, policy=policy, status=None)
    if response.status == 304:
        return _succeeded(feed, previous, response, now=now, policy=policy, not_modified=True)
    if not 200 <= response.status < 300:
        return _failed(
            feed,
            previous,
            [_status_problem(feed, response)],
            now=now,
            policy=policy,
            status=response.status,
            retry_after=response.retry_after_seconds,
        )
    digest = hashlib.blake2b(response.content, digest_size=16).hexdigest()
    if digest == previous.content_hash and not response.truncated:
        return _succeeded(feed, previous, response, now=now, policy=policy, not_modified=True)
    parse = functools.partial(
        parse_feed,
        response.content,
        source=feed.name,
        url=response.url,
        content_type=response.content_type,
    )
    big = len(response.content) >= policy.thread_parse_min_bytes
    parsed = await asyncio.to_thread(parse) if big else parse()
    problems = list(parsed.problems)
    if response.truncated:
        problems.append(_truncated_problem(feed, response, len(parsed.entries)))
    if not parsed.usable:
        return _failed(feed, previous, problems, now=now, policy=policy, status=response.status)
    docs = [entry_doc(feed.url, entry.entry_id) for entry in parsed.entries]
    known = set(previous.seen)
    fresh: dict[str, FeedEntry] = {}
    for doc, entry in zip(docs, parsed.entries, strict=True):
        if doc not in known and doc not in fresh:
            fresh[doc] = entry
    articles, entry_problems = await _articles(feed, fresh, parsed, client, now=now, policy=policy)
    remembered = previous.with_seen(docs, limit=policy.max_seen_ids)
    if response.truncated:  # refetch in full next time rather than trust a partial body
        response = replace(response, headers={})
        digest = ""
    return _succeeded(
        feed,
        replace(remembered, content_hash=digest or None),
        response,
        now=now,
        policy=policy,
        articles=articles,
        problems=problems,
        entry_problems=entry_problems,
        parsed=parsed,
    )


def _validators(state: FeedState) -> dict[str, str]:
    headers = {"Accept": _ACCEPT_FEED}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def _succeeded(
    feed: FeedConfig,
    state: FeedState,
    response: HttpResponse,
    *,
    now: datetime,
    policy: PollPolicy,
    not_modified: bool = False,
    articles: Sequence[RawArticle] = (),
    problems: Sequence[SourceProblem] = (),
    entry_problems: Sequence[SourceProblem] = (),
    parsed: ParsedFeed | None = None,
) -> PollResult:
    reported, fingerprint = _unreported(problems, state)
    etag, last_modified = state.etag, state.last_modified
    if response.status != 304:
        etag, last_modified = response.etag, response.last_modified
    new_state = replace(
        state,
        etag=etag,
        last_modified=last_modified,
        consecutive_failures=0,
        next_due=now + timedelta(seconds=feed.interval_seconds),
        last_attempt=now,
        last_success=now,
        last_problem=fingerprint,
    )
    return PollResult(
        articles=list(articles),
        state=new_state,
        errors=[*reported, *entry_problems],
        status=response.status,
        not_modified=not_modified,
        recovered=state.consecutive_failures >= policy.down_after_failures,
        entries=len(parsed.entries) if parsed else 0,
        encoding=parsed.encoding if parsed else None,
    )


def _failed(
    feed: FeedConfig,
    state: FeedState,
    problems: Sequence[SourceProblem],
    *,
    now: datetime,
    policy: PollPolicy,
    status: int | None,
    retry_after: float | None = None,
) -> PollResult:
    failures = state.consecutive_failures + 1
    cap = max(policy.max_backoff_seconds, feed.interval_seconds)
    delay = min(feed.interval_seconds * 2.0 ** min(failures, 32), cap)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    reported, fingerprint = _unreported(problems, state)
    for problem in problems:
        logger.info(
            "feed poll failed",
            extra={"source": feed.name, "reason": problem.reason, "failures": failures},
        )
    return PollResult(
        articles=[],
        state=replace(
            state,
            consecutive_failures=failures,
            next_due=now + timedelta(seconds=delay),
            last_attempt=now,
            last_problem=fingerprint,
        ),
        errors=list(reported),
        status=status,
        down=failures >= policy.down_after_failures,
        went_down=failures == policy.down_after_failures,
    )


def _unreported(
    problems: Sequence[SourceProblem], state: FeedState
) -> tuple[list[SourceProblem], str | None]:
    """Problems to report, and their fingerprint: the same kinds as last poll are not re-sent."""
    if not problems:
        return [], None
    kinds = sorted({f"{p.reason}:{p.error_class}" for p in problems})
    fingerprint = hashlib.blake2b("\n".join(kinds).encode(), digest_size=8).hexdigest()
    return ([] if fingerprint == state.last_problem else list(problems)), fingerprint


def _status_problem(feed: FeedConfig, response: HttpResponse) -> SourceProblem:
    hint = _STATUS_HINTS.get(response.status) or (
        "the server is failing; it is retried with backoff"
        if response.status >= 500
        else "check the feed URL"
    )
    return SourceProblem(
        source=feed.name,
        url=response.url,
        reason="http_status",
        message=f"{feed.name}: {response.url} answered HTTP {response.status}; {hint}",
        error_class="FetchError",
    )


def _truncated_problem(feed: FeedConfig, response: HttpResponse, recovered: int) -> SourceProblem:
    return SourceProblem(
        source=feed.name,
        url=response.url,
        reason="truncated",
        message=f"{feed.name}: the response ended early ({len(response.content)} bytes);"
        f" {recovered} entries read from the part that arrived, the rest on the next poll",
        raw_bytes_excerpt=response.content[-MAX_EXCERPT_BYTES:],
        error_class="FetchError",
    )


async def _articles(
    feed: FeedConfig,
    fresh: dict[str, FeedEntry],
    parsed: ParsedFeed,
    client: PoliteClient,
    *,
    now: datetime,
    policy: PollPolicy,
) -> tuple[list[RawArticle], list[SourceProblem]]:
    """New entries as articles, oldest first (feeds list newest first)."""
    pages, problems = await _pages(feed, fresh, client, policy)
    articles: list[RawArticle] = []
    for doc, entry in reversed(fresh.items()):
        page = pages.get(doc)
        use_page = page is not None and len(page.text) > len(entry.text)
        text = page.text if page is not None and use_page else entry.text
        title = entry.title or (page.title if page else None)
        if not text and not title:
            problems.append(
                SourceProblem(
                    source=feed.name,
                    url=entry.link,
                    reason="entry_empty",
                    message=f"{feed.name}: entry {entry.entry_id!r} has no title and no text"
                    + ("" if entry.link else " and no link to fetch"),
                )
            )
            continue
        articles.append(
            RawArticle(
                doc=doc,
                text=text or title or "",  # a title-only entry is still news
                title=title,
                source=feed.name,
                origin="page" if use_page else "feed",
                fetched_at=now,
                url=entry.link,
                canonical_url=page.canonical_url if page else None,
                author=entry.author or (page.author if page else None),
                lang_hint=feed.lang or entry.lang or (page.lang if page else None) or parsed.lang,
                published=entry.published or (page.published if page else None),
                feed_url=feed.url,
            )
        )
    return articles, problems


async def _pages(
    feed: FeedConfig, fresh: dict[str, FeedEntry], client: PoliteClient, policy: PollPolicy
) -> tuple[dict[str, PageContent], list[SourceProblem]]:
    if not (policy.fetch_pages and feed.fetch_pages):
        return {}, []
    wanted = [
        (doc, entry.link)
        for doc, entry in fresh.items()
        if entry.link and len(entry.text) < policy.min_text_chars
    ][: policy.max_pages_per_poll]
    gate = asyncio.Semaphore(policy.page_concurrency)

    async def one(link: str) -> PageContent | SourceProblem:
        async with gate:
            try:
                return await fetch_page(link, client)
            except SourceError as exc:
                reason, error_class, detail = exc.reason, type(exc).__name__, str(exc)
            except Exception as exc:  # trafilatura/lxml on hostile HTML: report, keep going
                logger.warning("page extraction failed", exc_info=True, extra={"url": link})
                reason, error_class, detail = "page_unreadable", type(exc).__name__, repr(exc)
        return SourceProblem(
            source=feed.name,
            url=link,
            reason=reason,
            message=f"{feed.name}: article page {link}: {detail}; the feed's summary was kept",
            error_class=error_class,
        )

    results = await asyncio.gather(*(one(link) for _doc, link in wanted))
    pages: dict[str, PageContent] = {}
    problems: list[SourceProblem] = []
    for (doc, _link), result in zip(wanted, results, strict=True):
        if isinstance(result, SourceProblem):
            problems.append(result)
        else:
            pages[doc] = result
    return pages, problems


_ACCEPT_FEED = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_STATUS_HINTS = {
    401: "the feed needs credentials; remove it or use a public feed URL",
    403: "the site refuses backchannel; check its terms or remove the source",
    404: "the feed is gone or moved; update its URL in the feeds file",
    410: "the feed was removed; delete it from the feeds file",
    429: "the site rate-limits us; its Retry-After is honoured and polling backs off",
}
DEFAULT_POLICY = PollPolicy()
