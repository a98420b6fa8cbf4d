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
            await ctx.send_grouped(
                Topic.DEDUP_HITS,
                pending,
                lambda waiting: doc_partition(waiting.plan.doc, partitions),
                lambda items: DedupMessage(pending=tuple(items)),
                lambda waiting: waiting.plan.doc,
            )
            await ctx.send_grouped(
                Topic.DEDUP_BANDS,
                probes,
                lambda probe: probe[0],
                lambda items: ProbeMessage(batches=tuple(batch for _, batch in items)),
                lambda probe: probe[1].doc,
            )
