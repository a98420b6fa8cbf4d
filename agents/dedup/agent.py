"""Faust agents of the dedup stage: probe band buckets where they live, decide per article.

``dedup-probe`` consumes ``dedup.bands``; every message in partition p holds only band keys
that ``band_partition`` maps to p, so a band key's bucket always lives with partition p: in
memory on the worker that owns p, durable as p's records in the ``dedup-band-log`` table, from
which a new owner rebuilds it after a rebalance (``bandlog.py``). ``dedup-decide`` consumes
``dedup.hits`` (partitioned by doc), gathers each article and its hit batches in
``dedup-pending``, and emits the article with its verdict to ``articles``. Both take messages
a batch at a time (``AppContext.batches``): the probe sends one ``dedup.hits`` message per
partition for all the answers of a batch, the decider writes each article's state once per
batch. (Gathering in memory and acknowledging an article's messages only once it is
complete would save the table, but faust-streaming 0.15 commits past a message left
unacknowledged at the head of a partition: ``Consumer._new_offset`` tolerates a gap of one
offset after the committed one, and any gap before the first commit.)
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from agents.dedup import decide
from agents.dedup.bandlog import BandIndex
from agents.dedup.gather import (
    Completed,
    DedupMessage,
    Gathering,
    HitBatch,
    doc_partition,
)
from streams.app import AppContext, acting_for
from streams.codec import decode
from streams.topics import Topic

__all__ = ["register"]


def register(ctx: AppContext) -> None:
    """Declare the probe and decide agents on ``ctx.app``."""
    band_log = ctx.table("dedup-band-log")
    pending = ctx.table("dedup-pending")
    params = ctx.resources.dedup
    partitions = ctx.settings.partitions
    index = BandIndex(params, ctx.resources.horizon)
    ctx.in_memory["dedup_buckets"] = index  # sized by the backchannel_state_* gauges

    def on_rebalance(*_: Any, **__: Any) -> None:
        index.reset()  # partitions may have moved: rebuild each from the log when next used

    ctx.app.on_partitions_revoked.connect(on_rebalance, weak=False)
    ctx.app.on_partitions_assigned.connect(on_rebalance, weak=False)

    @ctx.app.agent(ctx.topic(Topic.DEDUP_BANDS), name="dedup-probe")
    async def probe_bands(stream: Any) -> None:
        async for events in ctx.batches(stream):
            answers: list[HitBatch] = []
            for event in events:
                async with ctx.guard("dedup", event):
                    message = event.message
                    with acting_for(event):
                        answers += index.probe_message(
                            message.partition, message.offset, event.value, band_log
                        )
            await ctx.send_grouped(
                Topic.DEDUP_HITS,
                answers,
                lambda answer: doc_partition(answer.doc, partitions),
                lambda items: DedupMessage(hits=tuple(items)),
                lambda answer: answer.doc,
            )

    def write(event: Any, key: str, value: bytes | None) -> None:
        with acting_for(event):
            if value is None:
                pending.pop(key, None)
            else:
                pending[key] = value

    @ctx.app.agent(ctx.topic(Topic.DEDUP_HITS), name="dedup-decide")
    async def decide_articles(stream: Any) -> None:
        async for events in ctx.batches(stream):
            gathering = Gathering(pending)
            complete: list[tuple[Any, Completed]] = []
            for event in events:
                async with ctx.guard("dedup", event):
                    for done in gathering.add(decode(DedupMessage, event.value), event):
                        complete.append((event, done))
            for event, (waiting, hits) in complete:
                async with ctx.guard("dedup", event):
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
            gathering.flush(write)
