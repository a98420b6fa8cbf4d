"""Faust agent of the normalize stage: raw articles in, dedup probes and pending articles out.

Normalising and planning the fingerprint happen in one hop (both are stateless and cheap), so
an article reaches the band owners one Kafka hop after ingest. The agent takes articles a
batch at a time (``AppContext.batches``) and sends, per partition, one ``dedup.bands`` message
with every article's band batch for that partition and one ``dedup.hits`` message with the
articles gathered there: Faust's cost per message is shared by the batch.
"""

from __future__ import annotations

from typing import Any

from agents.dedup import plan
from agents.dedup.gather import (
    DedupMessage,
    PendingArticle,
    ProbeBatch,
    ProbeMessage,
    batch_probes,
    doc_partition,
    group_by_partition,
    pending_article,
)
from streams.app import AppContext
from streams.codec import decode
from streams.records import RawArticle
from streams.steps import step_normalize
from streams.topics import Topic

__all__ = ["register"]


def register(ctx: AppContext) -> None:
    """Declare the normalize agent on ``ctx.app``."""
    partitions = ctx.settings.partitions

    @ctx.app.agent(ctx.topic(Topic.ARTICLES_RAW), name="normalize")
    async def normalize(stream: Any) -> None:
        async for events in ctx.batches(stream):
            pending: list[PendingArticle] = []
            probes: list[tuple[int, ProbeBatch]] = []
            for event in events:
                async with ctx.guard("normalize", event):
                    article = step_normalize(decode(RawArticle, event.value))
                    ctx.metrics.articles.labels(ctx.metrics.lang_label(article.lang)).inc()
                    signature = plan(article, ctx.resources.dedup)
                    batches = batch_probes(signature, partitions)
                    pending.append(pending_article(article, signature, len(batches)))
                    probes.extend(batches.items())
            for partition, waiting in group_by_partition(
                pending, lambda p: doc_partition(p.plan.doc, partitions)
            ).items():
                await ctx.send_batch(
                    Topic.DEDUP_HITS,
                    partition,
                    waiting,
                    lambda items: DedupMessage(pending=tuple(items)),
                    lambda p: p.plan.doc,
                )
            for partition, items in group_by_partition(probes, lambda item: item[0]).items():
                await ctx.send_batch(
                    Topic.DEDUP_BANDS,
                    partition,
                    [batch for _, batch in items],
                    lambda batches: ProbeMessage(batches=tuple(batches)),
                    lambda batch: batch.doc,
                )
