"""Bar charts drawn on the server as SVG: no JavaScript library, nothing from a CDN, and they
print. Colours come from CSS classes (series-0..7) since the CSP forbids inline styles."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cases.models import Case

WIDTH, HEIGHT = 520, 250
LEFT, RIGHT, TOP, BOTTOM = 30, 6, 16, 26
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
SERIES_CLASSES = 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    css: str = ""
    anchor: str = "middle"


@dataclass
class Chart:
    slug: str
    title: str
    description: str
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    grid: list[tuple[float, float, float, float]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    table_head: list[str] = field(default_factory=list)
    table_rows: list[tuple[str, list[int]]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = TOP + PLOT_H
    left: float = LEFT
    right: float = WIDTH - RIGHT


def nice_ceiling(value: int) -> tuple[int, int]:
    """A round top for the axis and its tick step: 0..7 → (8, 2), 37 → (40, 10)."""
    if value <= 4:
        return 4, 1
    raw_step = value / 4
    magnitude = 10 ** math.floor(math.log10(raw_step))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw_step:
            step = max(1, math.ceil(step))
            return math.ceil(value / step) * step, step
    raise AssertionError("unreachable")  # pragma: no cover


def _month_label(first) -> str:
    return f"{first:%m/%y}"


def _frame(chart: Chart, months, top: int, step: int) -> float:
    """Grid lines, y ticks and month labels; returns the scale (pixels per petition)."""
    scale = PLOT_H / top
    for tick in range(0, top + 1, step):
        y = TOP + PLOT_H - tick * scale
        chart.grid.append((LEFT, y, WIDTH - RIGHT, y))
        chart.labels.append(Label(LEFT - 6, y + 4, str(tick), "tick", "end"))
    slot = PLOT_W / len(months)
    for index, first in enumerate(months):
        chart.labels.append(
            Label(LEFT + slot * (index + 0.5), TOP + PLOT_H + 16, _month_label(first), "tick")
        )
    return scale


def _stack(chart, x, width, parts, scale, *, extra_css="", what=""):
    """One bar made of stacked parts [(value, css, name)], with its total written above."""
    y = TOP + PLOT_H
    total = 0
    for value, css, name in parts:
        if value:
            height = value * scale
            y -= height
            chart.bars.append(
                Bar(
                    round(x, 1),
                    round(y, 1),
                    round(width, 1),
                    round(height, 1),
                    f"{css} {extra_css}".strip(),
                    f"{what}{name}: {value}",
                )
            )
            total += value
    if total:
        chart.labels.append(Label(round(x + width / 2, 1), round(y - 3, 1), str(total), "value"))


def received_resolved_chart(series: dict) -> Chart:
    months = series["months"]
    chart = Chart(
        slug="received-resolved",
        title=_("Đơn tiếp nhận và đã giải quyết theo tháng"),
        description=_("12 tháng gần nhất; số đã giải quyết là số đơn kết thúc trong tháng."),
        legend=[("series-0", _("Tiếp nhận")), ("series-2", _("Đã giải quyết"))],
    )
    top, step = nice_ceiling(max([*series["received"], *series["resolved"], 1]))
    scale = _frame(chart, months, top, step)
    slot = PLOT_W / len(months)
    width = slot * 0.36
    for index, first in enumerate(months):
        x = LEFT + slot * index + slot * 0.12
        month = _month_label(first)
        _stack(
            chart,
            x,
            width,
            [(series["received"][index], "series-0", _("Tiếp nhận"))],
            scale,
            what=f"{month} · ",
        )
        _stack(
            chart,
            x + width + slot * 0.04,
            width,
            [(series["resolved"][index], "series-2", _("Đã giải quyết"))],
            scale,
            what=f"{month} · ",
        )
    chart.table_head = [_("Tháng"), *(_month_label(m) for m in months)]
    chart.table_rows = [
        (_("Tiếp nhận"), series["received"]),
        (_("Đã giải quyết"), series["resolved"]),
    ]
    return chart


def stacked_pairs_chart(series: dict, groups: dict[str, str], *, slug: str, title: str) -> Chart:
    """Per month two stacked bars, received (solid) and resolved (light), split by group."""
    months = series["months"]
    key = "by_kind" if slug == "by-kind" else "by_field"
    # Groups with nothing in the twelve months would only crowd the legend.
    chosen = [
        (code, label)
        for code, label in groups.items()
        if code in series[key]
        and any(series[key][code]["received"] + series[key][code]["resolved"])
    ]
    css = {code: f"series-{index % SERIES_CLASSES}" for index, (code, _l) in enumerate(chosen)}
    chart = Chart(
        slug=slug,
        title=title,
        description=_(
            "Mỗi tháng hai cột: cột đậm là đơn tiếp nhận, cột nhạt là đơn đã giải quyết."
        ),
        legend=[(css[code], label) for code, label in chosen],
    )
    top, step = nice_ceiling(max([*series["received"], *series["resolved"], 1]))
    scale = _frame(chart, months, top, step)
    slot = PLOT_W / len(months)
    width = slot * 0.36
    for index, first in enumerate(months):
        x = LEFT + slot * index + slot * 0.12
        month = _month_label(first)
        for measure, offset, extra, what in (
            ("received", 0, "", _("Tiếp nhận")),
            ("resolved", width + slot * 0.04, "resolved", _("Đã giải quyết")),
        ):
            parts = [
                (series[key][code][measure][index], css[code], label) for code, label in chosen
            ]
            _stack(
                chart, x + offset, width, parts, scale, extra_css=extra, what=f"{month} · {what} · "
            )
    chart.table_head = [_("Tháng"), *(_month_label(m) for m in months)]
    for code, label in chosen:
        received, resolved = _("%(label)s – tiếp nhận"), _("%(label)s – đã giải quyết")
        chart.table_rows.append((received % {"label": label}, series[key][code]["received"]))
        chart.table_rows.append((resolved % {"label": label}, series[key][code]["resolved"]))
    return chart


def dashboard_charts(series: dict) -> list[Chart]:
    kinds = {value: str(label) for value, label in Case.Kind.choices}
    return [
        received_resolved_chart(series),
        stacked_pairs_chart(series, kinds, slug="by-kind", title=_("Theo loại đơn")),
        stacked_pairs_chart(
            series, series["field_names"], slug="by-field", title=_("Theo lĩnh vực")
        ),
    ]
