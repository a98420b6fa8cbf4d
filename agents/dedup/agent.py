"""Faust agents of the dedup stage: probe band buckets where they live, decide per article.

``dedup-probe`` consumes ``dedup.bands``; every batch in partition p holds only band keys that
``band_partition`` maps to p, so the ``dedup-buckets`` table's entries for a band key are always
written in the same partition and move with it on a rebalance. ``dedup-decide`` consumes
``dedup.hits`` (keyed by doc), gathers the article and its hit batches in ``dedup-pending``, and
emits the article with its verdict to ``articles``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from agents.dedup import ProbeCache, decide, probe
from agents.dedup.gather import DedupMessage, HitBatch, ProbeBatch, gather
from streams.app import AppContext
from streams.codec import decode
from streams.topics import Topic

__all__ = ["register"]


def register(ctx: AppContext) -> None:
    """Declare the probe and decide agents on ``ctx.app``."""
    buckets = ctx.table("dedup-buckets")
    pending = ctx.table("dedup-pending")
    params, horizon = ctx.resources.dedup, ctx.resources.horizon

    @ctx.app.agent(ctx.topic(Topic.DEDUP_BANDS), name="dedup-probe")
    async def probe_bands(stream: Any) -> None:
        async for event in stream.events():
            async with ctx.guard("dedup", event):
                batch = decode(ProbeBatch, event.value)
                cache = ProbeCache()  # one per batch: records change between batches
                hits = tuple(
                    probe(
                        p,
                        buckets,
                        now=p.fetched_at,
                        horizon=horizon,
                        capacity=params.bucket_capacity,
                        source_repeats=params.source_repeats,
                        cache=cache,
                    )
                    for p in batch.probes
                )
                message = DedupMessage(hits=HitBatch(doc=batch.doc, hits=hits))
                await ctx.send(Topic.DEDUP_HITS, batch.doc, message)

    @ctx.app.agent(ctx.topic(Topic.DEDUP_HITS), name="dedup-decide")
    async def decide_articles(stream: Any) -> None:
        async for event in stream.events():
            async with ctx.guard("dedup", event):
                complete = gather(decode(DedupMessage, event.value), pending)
                if complete is None:
                    continue
                waiting, hits = complete
                verdict = decide(waiting.article, waiting.plan, hits, params)
                article = replace(waiting.article, duplicate=verdict)
                if verdict.kind != "unique":
                    level = (
                        "exact"
                        if verdict.exact
                        else ("document" if verdict.kind == "duplicate_of" else "passage")
                    )
                    ctx.metrics.duplicates.labels(level).inc()
                await ctx.send(Topic.ARTICLES, article.doc, article)
