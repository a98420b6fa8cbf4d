"""Faust agents of the events stage: extract from articles, merge mentions per event key.

``extract`` (stateless, on ``articles``) runs both extractors in one pass, so an article is
read and decoded once: each figure goes to ``figures.mentions`` keyed by series key (the
registry in ``agents/figures/agent.py``), and each event mention three ways: to
``events.mentions`` keyed by event key (merge), to ``novelty.actors`` once per actor keyed by
actor id, and to ``novelty.pairs`` keyed by pair id, so each piece of state has one owner.
"""

from __future__ import annotations

import time
from typing import Any

from agents.alerts import pair_id
from streams.app import AppContext
from streams.codec import decode
from streams.records import Article, EventMention
from streams.steps import step_extract, step_merge_event
from streams.topics import Topic

__all__ = ["register"]


def register(ctx: AppContext) -> None:
    """Declare the extraction and merge agents on ``ctx.app``."""
    episodes = ctx.table("event-episodes")

    @ctx.app.agent(ctx.topic(Topic.ARTICLES), name="extract")
    async def extract(stream: Any) -> None:
        async for event in stream.events():
            async with ctx.guard("extract", event):
                found = step_extract(decode(Article, event.value), ctx.resources)
                for figure in found.figures:
                    ctx.metrics.figures.labels(figure.category.value).inc()
                    await ctx.send(Topic.FIGURE_MENTIONS, figure.series_key, figure)
                for mention in found.mentions:
                    await ctx.send(Topic.EVENT_MENTIONS, mention.event_key, mention)
                    for actor in mention.actors:
                        await ctx.send(Topic.NOVELTY_ACTORS, actor.actor_id, mention)
                    if len(mention.actors) >= 2:
                        await ctx.send(Topic.NOVELTY_PAIRS, pair_id(*mention.actors[:2]), mention)

    @ctx.app.agent(ctx.topic(Topic.EVENT_MENTIONS), name="events-merge")
    async def merge(stream: Any) -> None:
        async for event in stream.events():
            async with ctx.guard("events", event):
                mention = decode(EventMention, event.value)
                merged, alert = step_merge_event(mention, episodes, ctx.resources)
                if merged is not None:
                    await ctx.send(Topic.EVENTS, merged.event_key, merged)
                    ctx.metrics.events.labels(merged.type.value, merged.kind).inc()
                    if mention.fetched_at is not None:
                        ctx.metrics.latency_event.observe(
                            time.time() - mention.fetched_at.timestamp()
                        )
                if alert is not None:
                    await ctx.send_alert(alert)
