"""Faust agent of the normalize stage: raw article in, dedup probes and the pending article out.

Normalising and planning the fingerprint happen in one hop (both are stateless and cheap), so
an article reaches the band owners one Kafka hop after ingest.
"""

from __future__ import annotations

from typing import Any

from agents.dedup import plan
from agents.dedup.gather import DedupMessage, batch_probes, pending_article
from streams.app import AppContext
from streams.codec import decode
from streams.records import RawArticle
from streams.steps import step_normalize
from streams.topics import Topic

__all__ = ["register"]


def register(ctx: AppContext) -> None:
    """Declare the normalize agent on ``ctx.app``."""

    @ctx.app.agent(ctx.topic(Topic.ARTICLES_RAW), name="normalize")
    async def normalize(stream: Any) -> None:
        async for event in stream.events():
            async with ctx.guard("normalize", event):
                article = step_normalize(decode(RawArticle, event.value))
                ctx.metrics.articles.labels(ctx.metrics.lang_label(article.lang)).inc()
                signature = plan(article, ctx.resources.dedup)
                batches = batch_probes(signature, ctx.settings.partitions)
                pending = pending_article(article, signature, len(batches))
                await ctx.send(Topic.DEDUP_HITS, article.doc, DedupMessage(pending=pending))
                for partition, batch in batches.items():
                    await ctx.send(Topic.DEDUP_BANDS, article.doc, batch, partition=partition)
