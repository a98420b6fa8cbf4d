"""Panel and query builders shared by backchannel's dashboards (grafana-foundation-sdk).

Every panel reads the Prometheus data source through the dashboards' ``${datasource}``
variable; ``RATE`` and ``RANGE`` are Grafana's own variables, replaced by the integration
test with windows that suit a short live run.
"""

from __future__ import annotations

from grafana_foundation_sdk.builders import bargauge, stat, timeseries
from grafana_foundation_sdk.builders.common import (
    ReduceDataOptions,
    StackingConfig,
    VizLegendOptions,
)
from grafana_foundation_sdk.builders.dashboard import (
    Dashboard,
    DatasourceVariable,
    ThresholdsConfig,
)
from grafana_foundation_sdk.builders.prometheus import Dataquery
from grafana_foundation_sdk.models.common import (
    BarGaugeDisplayMode,
    LegendDisplayMode,
    LegendPlacement,
    StackingMode,
    VizOrientation,
)
from grafana_foundation_sdk.models.dashboard import (
    DashboardCursorSync,
    DataSourceRef,
    Threshold,
    ThresholdsMode,
)

DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")
TAGS = ["backchannel"]
RATE = "$__rate_interval"
RANGE = "$__range"


def query(expr: str, legend: str = "__auto", ref: str = "A") -> Dataquery:
    """A range query (a time series); ``ref`` must differ between a panel's queries."""
    return Dataquery().expr(expr).legend_format(legend).ref_id(ref).range()


def instant(expr: str, legend: str = "__auto", ref: str = "A") -> Dataquery:
    """An instant query (one value per series), for stats, bar gauges and pie charts."""
    return Dataquery().expr(expr).legend_format(legend).ref_id(ref).instant()


def series(
    title: str,
    description: str,
    queries: list[Dataquery],
    *,
    unit: str = "short",
    stacked: bool = False,
    width: int = 12,
) -> timeseries.Panel:
    """A time series panel of ``queries``, half the width unless ``width`` says otherwise."""
    panel = (
        timeseries.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .height(8)
        .span(width)
        .fill_opacity(10 if not stacked else 40)
        .legend(
            VizLegendOptions()
            .display_mode(LegendDisplayMode.LIST)
            .placement(LegendPlacement.BOTTOM)
            .show_legend(True)
        )
    )
    if stacked:
        panel = panel.stacking(StackingConfig().mode(StackingMode.NORMAL))
    for target in queries:
        panel = panel.with_target(target)
    return panel


def stat_panel(
    title: str,
    description: str,
    target: Dataquery,
    *,
    red_at: float | None = None,
    unit: str = "short",
    width: int = 4,
) -> stat.Panel:
    """One number, green, or red from ``red_at`` on."""
    steps = [Threshold(value=None, color="green")]
    if red_at is not None:
        steps.append(Threshold(value=red_at, color="red"))
    return (
        stat.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .height(4)
        .span(width)
        .reduce_options(ReduceDataOptions().calcs(["lastNotNull"]).values(False))
        .thresholds(ThresholdsConfig().mode(ThresholdsMode.ABSOLUTE).steps(steps))
        .with_target(target)
    )


def totals(title: str, description: str, metric: str, by: str) -> bargauge.Panel:
    """Horizontal bars: ``metric``'s increase over the dashboard's range, split by ``by``."""
    return (
        bargauge.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .height(8)
        .span(12)
        .orientation(VizOrientation.HORIZONTAL)
        .display_mode(BarGaugeDisplayMode.BASIC)
        .reduce_options(ReduceDataOptions().calcs(["lastNotNull"]).values(False))
        .with_target(increase_by(metric, by))
    )


def legend(by: str) -> str:
    """Grafana legend template naming each label of ``by`` (``"a, b"`` -> ``{{a}} {{b}}``)."""
    return " ".join(f"{{{{{label.strip()}}}}}" for label in by.split(","))


def increase_by(metric: str, by: str) -> Dataquery:
    """``sum by (by) (increase(metric[$__range]))``: totals over the dashboard's range."""
    return instant(f"sum by ({by}) (increase({metric}[{RANGE}]))", legend(by))


def rate_by(metric: str, by: str, *, per_minute: bool = False) -> Dataquery:
    """``sum by (by) (rate(metric[...]))`` per second (or minute), legend from the labels."""
    expr = f"sum by ({by}) (rate({metric}[{RATE}]))" + (" * 60" if per_minute else "")
    return query(expr, legend(by))


def rate_series(
    title: str,
    description: str,
    metric: str,
    by: str,
    *,
    per_minute: bool = False,
    width: int = 12,
) -> timeseries.Panel:
    """A time series of ``metric``'s rate split by ``by``; per minute ones are stacked."""
    target = rate_by(metric, by, per_minute=per_minute)
    unit = "cpm" if per_minute else "cps"
    return series(title, description, [target], unit=unit, stacked=per_minute, width=width)


def quantiles(metric: str) -> list[Dataquery]:
    """p50, p95 and p99 of histogram ``metric`` over ``$__rate_interval``, summed over series."""
    return [
        query(
            f"histogram_quantile({q}, sum by (le) (rate({metric}_bucket[{RATE}])))",
            f"p{round(q * 100)}",
            ref,
        )
        for q, ref in ((0.5, "A"), (0.95, "B"), (0.99, "C"))
    ]


def dashboard(uid: str, title: str, description: str) -> Dashboard:
    """An empty dashboard with our defaults: fixed ``uid``, data source variable, 6 h, 30 s."""
    return (
        Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(TAGS)
        .editable()
        .tooltip(DashboardCursorSync.CROSSHAIR)
        .refresh("30s")
        .time("now-6h", "now")
        .timezone("browser")
        .with_variable(DatasourceVariable("datasource").label("Data source").type("prometheus"))
    )
