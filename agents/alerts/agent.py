"""Faust agents of the novelty stage: first-seen actors and first contacts, per owner key."""

from __future__ import annotations

from typing import Any

from streams.app import AppContext
from streams.codec import decode
from streams.records import EventMention
from streams.steps import step_actor_novelty, step_pair_novelty
from streams.topics import Topic

__all__ = ["register"]


def register(ctx: AppContext) -> None:
    """Declare the actor and pair novelty agents on ``ctx.app``."""
    actors_seen = ctx.table("actors-seen")
    pairs_seen = ctx.table("pairs-seen")

    @ctx.app.agent(ctx.topic(Topic.NOVELTY_ACTORS), name="novelty-actors")
    async def actors(stream: Any) -> None:
        async for event in stream.events():
            async with ctx.guard("novelty", event):
                mention = decode(EventMention, event.value)
                actor_id = event.key.decode("utf-8")
                for alert in step_actor_novelty(mention, actor_id, actors_seen, ctx.resources):
                    await ctx.send_alert(alert)

    @ctx.app.agent(ctx.topic(Topic.NOVELTY_PAIRS), name="novelty-pairs")
    async def pairs(stream: Any) -> None:
        async for event in stream.events():
            async with ctx.guard("novelty", event):
                mention = decode(EventMention, event.value)
                alert = step_pair_novelty(mention, pairs_seen, ctx.resources)
                if alert is not None:
                    await ctx.send_alert(alert)


def register_delivery(ctx: AppContext) -> None:
    """Deliver ``alerts`` to Alertmanager / the webhook, when configured.

    The sinks' outbox is a per-worker SQLite file: a Faust table cannot be written from the
    sinks' background delivery task (Faust allows table writes only inside stream iteration),
    and the outbox only has to survive this worker's restart, since ``alerts`` keeps the rest.
    """
    from connectors.sinks import build_alert_sinks
    from streams.metrics import PrometheusDeliveryMetrics
    from streams.records import Alert
    from streams.state import StateStore

    if not (ctx.settings.alerts.alertmanager_url or ctx.settings.alerts.webhook_url):
        return
    store = StateStore(ctx.settings.state_dir / "outbox.sqlite")
    sinks = build_alert_sinks(
        ctx.settings.alerts,
        lambda name: store.mapping(f"outbox_{name}"),
        metrics=PrometheusDeliveryMetrics(ctx.metrics),
    )

    @ctx.app.agent(ctx.topic(Topic.ALERTS), name="alerts-deliver")
    async def deliver(stream: Any) -> None:
        for sink in sinks:
            await sink.start()
        try:
            async for event in stream.events():
                async with ctx.guard("alerts", event):
                    alert = decode(Alert, event.value)
                    for sink in sinks:
                        await sink.add(alert)
                    store.commit()
        finally:
            for sink in sinks:
                await sink.close()
            store.close()
