"""Merge event mentions from many articles into dated episodes of contact (pure core).

State lives in a ``MutableMapping[str, bytes]`` keyed by ``event_key`` (a Faust table
partitioned by that key, or a dict in the embedded runtime); each value is the list of
episodes for that pair of parties, encoded with ``streams.codec``. Two reports of a call
between the same people three weeks apart are two episodes; reports within
``window_days`` of each other are one.

An episode's *anchor* is the day of its first dated report: the event's own date, else the
report's publication day. A mention joins the episode whose anchor is nearest within the
window (ties: the latest); a mention with neither date joins the latest episode. The
episode id is a hash of the key and the anchor, so the same input order always yields the
same ids, whichever runtime runs it.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from dataclasses import dataclass, replace
from datetime import date

from streams.codec import decode, encode
from streams.records import Event, EventMention, Mention

__all__ = ["DEFAULT_WINDOW_DAYS", "merge_mention"]

DEFAULT_WINDOW_DAYS = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class _Episode:
    anchor: date | None
    event: Event


@dataclass(frozen=True, slots=True, kw_only=True)
class _State:
    episodes: tuple[_Episode, ...] = ()


def merge_mention(
    mention: EventMention,
    episodes: MutableMapping[str, bytes],
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> Event | None:
    """Fold one mention into its episode; the new or updated ``Event``, or ``None`` on replay.

    ``event.new``: the mention starts an episode. ``event.updated``: another article
    corroborates an episode (sources are unioned, mentions appended, a date or place learned
    later fills a missing one, a directed report orders an undirected episode). ``None``: this
    article was already counted for this key (a replay or a restart).
    """
    raw = episodes.get(mention.event_key)
    state = decode(_State, raw) if raw is not None else _State()
    if any(m.doc == mention.doc for e in state.episodes for m in e.event.mentions):
        return None
    anchor = mention.date or (mention.published.date() if mention.published is not None else None)
    index = _choose(state.episodes, anchor, window_days)
    record = Mention(
        doc=mention.doc,
        evidence=mention.evidence,
        url=mention.url,
        published=mention.published,
        sources=mention.sources,
    )
    items = list(state.episodes)
    if index is None:
        event = Event(
            event_id=_event_id(mention.event_key, anchor),
            event_key=mention.event_key,
            kind="event.new",
            type=mention.type,
            cameo=mention.cameo,
            actors=mention.actors,
            directed=mention.directed,
            mentions=(record,),
            corroboration=1,
            date=mention.date,
            location=mention.location,
            sources=mention.sources,
            first_fetched_at=mention.fetched_at,
            fetched_at=mention.fetched_at,
        )
        items.append(_Episode(anchor=anchor, event=event))
    else:
        old = items[index].event
        mentions = (*old.mentions, record)
        take_direction = mention.directed and not old.directed
        event = replace(
            old,
            kind="event.updated",
            mentions=mentions,
            corroboration=len({m.doc for m in mentions}),
            date=old.date or mention.date,
            location=old.location or mention.location,
            sources=old.sources + tuple(s for s in mention.sources if s not in old.sources),
            directed=old.directed or mention.directed,
            actors=mention.actors if take_direction else old.actors,
            fetched_at=mention.fetched_at or old.fetched_at,
            first_fetched_at=old.first_fetched_at or mention.fetched_at,
        )
        items[index] = replace(items[index], anchor=items[index].anchor or anchor, event=event)
    episodes[mention.event_key] = encode(_State(episodes=tuple(items)))
    return event


def _choose(episodes: tuple[_Episode, ...], anchor: date | None, window_days: int) -> int | None:
    if not episodes:
        return None
    if anchor is None:
        return len(episodes) - 1
    best: tuple[int, int] | None = None
    for index, episode in enumerate(episodes):
        # an undated episode takes the first dated report
        distance = 0 if episode.anchor is None else abs((episode.anchor - anchor).days)
        if distance <= window_days and (best is None or distance <= best[0]):
            best = (distance, index)
    return None if best is None else best[1]


def _event_id(key: str, anchor: date | None) -> str:
    text = f"{key}@{anchor.isoformat() if anchor else 'undated'}"
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()
