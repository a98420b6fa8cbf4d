"""What one feed's poller remembers between polls and across restarts.

Stored as bytes (``to_bytes``/``from_bytes``, JSON via ``streams.codec``) under the feed's
name in a ``MutableMapping[str, bytes]``: a Faust table or the embedded runtime's SQLite
mapping. The runtime must deliver a poll's articles *before* saving its state: a crash in
between re-sends them with the same ``doc`` ids (harmless downstream), whereas the other order
would lose them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from streams.codec import decode, encode

__all__ = ["FeedState"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedState:
    """Conditional-GET validators, seen entry ids and failure/backoff bookkeeping.

    ``seen`` holds article ``doc`` ids, least recently present first; every id of the latest
    document is kept, plus older ones up to the poll policy's ``max_seen_ids``, so an entry
    is produced once even if the feed drops and re-lists it. ``content_hash`` lets a server
    that ignores conditional requests cost a hash instead of a parse. ``last_problem`` is a
    fingerprint of the last reported problems, so a feed that stays broken in the same way is
    reported once, not every poll. ``next_due`` is when to poll next (backed off on failure).
    """

    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    seen: tuple[str, ...] = ()
    consecutive_failures: int = 0
    next_due: datetime | None = None
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_problem: str | None = None
    version: int = 1

    def to_bytes(self) -> bytes:
        """Serialise for a state mapping."""
        return encode(self)

    @classmethod
    def from_bytes(cls, data: bytes) -> FeedState:
        """Restore from ``to_bytes`` output; raises ``RecordError`` if the bytes are not one."""
        return decode(cls, data)

    def is_due(self, now: datetime) -> bool:
        """True when the feed should be polled at ``now``."""
        return self.next_due is None or self.next_due <= now

    def with_seen(self, present: Iterable[str], *, limit: int) -> FeedState:
        """``seen`` updated with the ids of the latest document, bounded by ``limit``.

        Ids present now move to the recent end; the oldest absent ones are dropped first, and
        present ones never (``limit`` grows to fit the document if it must).
        """
        current = list(dict.fromkeys(present))
        now_present = set(current)
        kept = [doc for doc in self.seen if doc not in now_present]
        room = max(limit, len(current)) - len(current)
        kept = kept[len(kept) - room :] if room else []
        return replace(self, seen=(*kept, *current))
