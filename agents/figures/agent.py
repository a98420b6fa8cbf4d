"""Faust agents of the figures stage: extract figures, keep each series in its owner's table."""

from __future__ import annotations

from typing import Any

from streams.app import AppContext
from streams.codec import decode
from streams.records import Article, FigureMention
from streams.steps import step_figure
from streams.topics import Topic

__all__ = ["register"]


def register(ctx: AppContext) -> None:
    """Declare the figure extraction and registry agents on ``ctx.app``."""
    from agents.figures import extract_figures

    series = ctx.table("figure-series")

    @ctx.app.agent(ctx.topic(Topic.ARTICLES), name="figures-extract")
    async def extract(stream: Any) -> None:
        async for event in stream.events():
            async with ctx.guard("figures", event):
                article = decode(Article, event.value)
                for figure in extract_figures(article, ctx.resources.figure_lexicons):
                    ctx.metrics.figures.labels(figure.category.value).inc()
                    await ctx.send(Topic.FIGURE_MENTIONS, figure.series_key, figure)

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
