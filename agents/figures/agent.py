"""Faust agent of the figures stage: keep each series in its owner's table.

Figures are extracted with the events, in one pass over the article (``agents/events/agent.py``).
"""

from __future__ import annotations

from typing import Any

from streams.app import AppContext
from streams.codec import decode
from streams.records import FigureMention
from streams.steps import step_figure
from streams.topics import Topic

__all__ = ["register"]


def register(ctx: AppContext) -> None:
    """Declare the figure registry agent on ``ctx.app``."""
    series = ctx.table("figure-series")

    @ctx.app.agent(ctx.topic(Topic.FIGURE_MENTIONS), name="figures-registry")
    async def registry(stream: Any) -> None:
        async for event in stream.events():
            async with ctx.guard("figures", event):
                mention = decode(FigureMention, event.value)
                update, alert = step_figure(mention, series)
                if update is not None:
                    await ctx.send(Topic.FIGURES, update.series_key, update)
                if alert is not None:
                    await ctx.send_alert(alert)
