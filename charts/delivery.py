"""Delivery capacity figures: consultants needed against staff and planned hires by month, and
utilisation against its target by month and by team."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from charts.theme import ACTUAL_COLOR, BASE_FONT_SIZE, NEGATIVE_COLOR, TARGET_COLOR, styled

PLANNED_STAFF_COLOR = "#9DB3CF"  # the actual colour, lighter: staff still to come


def _month_labels(months: pd.Series, short: bool = False) -> list[str]:
    return [pd.Period(m, "M").strftime("%b %y" if short else "%b %Y") for m in months]


def capacity_figure(capacity: pd.DataFrame, title: str) -> go.Figure:
    """Bars: consultants on staff (recorded months) and expected (staff plus planned hires, ramped);
    line: consultants the plan needs; the shortfall labelled in red above the months that have one."""
    labels = _month_labels(capacity["month"])
    known = capacity["known"].to_numpy(dtype=bool)
    figure = go.Figure()
    figure.add_bar(
        x=[label for label, k in zip(labels, known) if k],
        y=capacity.loc[known, "on_staff"],
        name="On staff",
        marker_color=ACTUAL_COLOR,
    )
    figure.add_bar(
        x=[label for label, k in zip(labels, known) if not k],
        y=capacity.loc[~known, "expected_staff"],
        name="On staff + planned hires",
        marker_color=PLANNED_STAFF_COLOR,
    )
    figure.add_scatter(
        x=labels,
        y=capacity["needed"],
        name="Needed by the plan",
        mode="lines+markers",
        line={"color": NEGATIVE_COLOR if capacity["gap"].gt(0).any() else TARGET_COLOR, "width": 4},
    )
    short = capacity["gap"] >= 0.05  # what rounds to "0.0 short" is not worth a label
    if short.any():
        figure.add_scatter(
            x=[label for label, s in zip(labels, short) if s],
            y=capacity.loc[short, "needed"],
            mode="text",
            text=[f"{gap:.1f} short" for gap in capacity.loc[short, "gap"]],
            textposition="top center",
            textfont={"size": BASE_FONT_SIZE - 2, "color": NEGATIVE_COLOR},
            showlegend=False,
            hoverinfo="skip",
        )
    top = max(capacity["needed"].max(), capacity["expected_staff"].max(skipna=True), 1.0)
    figure.update_layout(barmode="overlay", bargap=0.25)
    figure.update_yaxes(title_text="Consultants (FTE)", range=[0, math.ceil(top * 1.18)])
    return styled(figure, title, height=440)


def utilisation_figure(company: pd.DataFrame, target: float | None, title: str) -> go.Figure:
    """The company's utilisation by month (percent), the target as a dashed line."""
    labels = _month_labels(company["month"], short=True)
    figure = go.Figure()
    figure.add_scatter(
        x=labels,
        y=company["utilisation"] * 100,
        name="Utilisation",
        mode="lines+markers",
        line={"color": ACTUAL_COLOR, "width": 4},
    )
    if target is not None:
        figure.add_scatter(
            x=labels,
            y=[target * 100] * len(labels),
            name=f"Target {target:.0%}",
            mode="lines",
            line={"color": TARGET_COLOR, "width": 3, "dash": "dash"},
        )
    figure.update_yaxes(title_text="Billable ÷ available hours", ticksuffix=" %", rangemode="tozero")
    figure.update_xaxes(tickangle=0, nticks=7)
    return styled(figure, title, height=380)


def team_utilisation_figure(teams: pd.DataFrame, target: float | None, title: str) -> go.Figure:
    """One bar per team (its utilisation in the month shown), lowest at the top; the target as a
    dashed line; each bar labelled with its value and its gap to the target in points."""
    teams = teams.sort_values("utilisation", ascending=False)
    values = teams["utilisation"] * 100
    labels = [
        f"{v:.0f} %" + (f" ({v - target * 100:+.0f} pts)".replace("-", "−") if target is not None else "")
        for v in values
    ]
    figure = go.Figure(
        go.Bar(
            x=values,
            y=teams["team"],
            orientation="h",
            marker_color=ACTUAL_COLOR,
            text=labels,
            textposition="outside",
            name="Utilisation",
            cliponaxis=False,
        )
    )
    if target is not None:
        figure.add_vline(x=target * 100, line={"color": TARGET_COLOR, "width": 3, "dash": "dash"})
    figure.update_xaxes(ticksuffix=" %", range=[0, max(130.0, float(values.max()) * 1.5)])
    return styled(figure, title, height=max(260, 70 + 48 * len(teams)))
