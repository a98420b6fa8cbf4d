"""Connectors: sources that produce ``RawArticle`` records and sinks that deliver records.

Connectors fetch and deliver; they never analyse. Feeds (``poll_feed``), article pages
(``fetch_page``), files and directories (``read_paths``, ``watch_dir``) and stdin
(``stream_jsonl``) all yield ``RawArticle``; what they cannot read is a ``SourceProblem``.
"""

from connectors.base import ListSink, Sink, SourceProblem
from connectors.config import DirConfig, FeedConfig, SourcesConfig, load_sources
from connectors.feed_check import FeedCheckRow, check_feeds, render_feed_check
from connectors.feed_state import FeedState
from connectors.feeds import PollPolicy, PollResult, poll_feed
from connectors.files import read_paths, watch_dir
from connectors.http import ClientLimits, HttpResponse, PoliteClient
from connectors.pages import PageContent, fetch_page
from connectors.stdin import stream_jsonl

__all__ = [
    "ClientLimits",
    "DirConfig",
    "FeedCheckRow",
    "FeedConfig",
    "FeedState",
    "HttpResponse",
    "ListSink",
    "PageContent",
    "PoliteClient",
    "PollPolicy",
    "PollResult",
    "Sink",
    "SourceProblem",
    "SourcesConfig",
    "check_feeds",
    "fetch_page",
    "load_sources",
    "poll_feed",
    "read_paths",
    "render_feed_check",
    "stream_jsonl",
    "watch_dir",
]
