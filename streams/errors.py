"""Every error backchannel raises on purpose, under one root.

    BackchannelError
    ├── ConfigError          a setting, flag or config file is wrong (CLI exit code 2)
    ├── SourceError          a connector could not read a source
    │   ├── FeedParseError   a feed could not be parsed at all
    │   ├── FetchError       an HTTP fetch failed (status, timeout, size, redirect)
    │   └── BlockedAddressError  a URL resolves to a private/loopback/link-local address
    ├── RecordError          a message cannot be decoded or fails validation (to dead-letters)
    ├── StageError           a stage core failed on one article (to dead-letters)
    └── SinkError            an alert sink (Alertmanager, webhook) refused a delivery

Messages name the offending value and the fix. Third-party errors are translated once, at the
boundary where they enter, with ``raise ... from exc``.
"""

from __future__ import annotations

__all__ = [
    "BackchannelError",
    "BlockedAddressError",
    "ConfigError",
    "FeedParseError",
    "FetchError",
    "RecordError",
    "SinkError",
    "SourceError",
    "StageError",
]


class BackchannelError(Exception):
    """Root of backchannel's own errors; catch this to catch them all."""

    #: Short, closed-set code used as a metric label and a dead-letter ``reason``.
    reason: str = "error"


class ConfigError(BackchannelError):
    """A setting, a flag or the config file is invalid; the message says which and how to fix it."""

    reason = "config"


class SourceError(BackchannelError):
    """A connector could not read one source; other sources go on."""

    reason = "source"


class FeedParseError(SourceError):
    """A feed's bytes could not be parsed into any entry."""

    reason = "feed_malformed"


class FetchError(SourceError):
    """An HTTP fetch failed: bad status, timeout, too large, too many redirects."""

    reason = "fetch_failed"


class BlockedAddressError(FetchError):
    """A URL points at a private, loopback or link-local address that the config does not allow."""

    reason = "blocked_address"


class RecordError(BackchannelError):
    """A message could not be decoded or validated; it goes to ``dead-letters``."""

    reason = "undecodable"


class StageError(BackchannelError):
    """A stage core failed on one article; the article goes to ``dead-letters``."""

    reason = "stage_failed"


class SinkError(BackchannelError):
    """An alert sink refused or could not take a delivery; it is retried later."""

    reason = "sink_failed"
