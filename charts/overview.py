"""Figures of the company overview: ARR against its target path, the ARR bridge, progress bars."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import (
    ACTUAL_COLOR,
    NEGATIVE_COLOR,
    POSITIVE_COLOR,
    TARGET_COLOR,
    TOTAL_COLOR,
    money,
    styled,
)


def arr_vs_target_figure(monthly: pd.DataFrame, as_of_month: str) -> go.Figure:
    """monthly: month (YYYY-MM), actual, target — actual stops at the last month with figures."""
    monthly = monthly.assign(label=pd.to_datetime(monthly["month"]).dt.strftime("%b"))
    as_of_label = pd.Timestamp(as_of_month).strftime("%b")
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=monthly["label"],
            y=monthly["target"],
            name="Target path",
            mode="lines",
            line={"color": TARGET_COLOR, "dash": "dash", "width": 3},
            hovertemplate="%{x}: target %{y:$,.0f}<extra></extra>",
        )
    )
    actual = monthly.dropna(subset=["actual"])
    figure.add_trace(
        go.Scatter(
            x=actual["label"],
            y=actual["actual"],
            name="Actual ARR",
            mode="lines+markers",
            line={"color": ACTUAL_COLOR, "width": 5},
            marker={"size": 11},
            hovertemplate="%{x}: actual %{y:$,.0f}<extra></extra>",
        )
    )
    if not actual.empty:
        last = actual.iloc[-1]
        figure.add_annotation(
            x=last["label"],
            y=last["actual"],
            text=f"<b>{money(last['actual'])}</b>",
            showarrow=False,
            yshift=26,
            font={"size": 20, "color": ACTUAL_COLOR},
        )
    if as_of_month in set(monthly["month"]):
        figure.add_vline(x=as_of_label, line={"color": "#444", "width": 1, "dash": "dot"})
    figure.update_yaxes(tickprefix="$", tickformat="~s", rangemode="tozero")
    figure.update_xaxes(type="category", tickangle=0)
    year = monthly["month"].iloc[0][:4] if not monthly.empty else ""
    return styled(figure, f"ARR {year}: actual vs target path")


BRIDGE_STEPS = (
    ("beginning", "Beginning", "absolute"),
    ("new", "New", "relative"),
    ("expansion", "Expansion", "relative"),
    ("contraction", "Contraction", "relative"),
    ("churn", "Churn", "relative"),
    ("ending", "Ending", "total"),
)
_SUBTRACTED = {"contraction", "churn"}


def arr_bridge_figure(bridge: dict, title: str) -> go.Figure:
    """Waterfall from beginning to ending ARR: ending = beginning + new + expansion − contraction − churn.

    Horizontal, top to bottom, so the step names stay level and whole in a narrow column."""
    values = [-bridge[key] if key in _SUBTRACTED else bridge[key] for key, _, _ in BRIDGE_STEPS]
    figure = go.Figure(
        go.Waterfall(
            orientation="h",
            y=[label for _, label, _ in BRIDGE_STEPS],
            measure=[measure for _, _, measure in BRIDGE_STEPS],
            x=[0 if measure == "total" else value for value, (_, _, measure) in zip(values, BRIDGE_STEPS)],
            text=[money(v) for v in values],
            textposition="outside",
            textfont={"size": 18},
            cliponaxis=False,
            increasing={"marker": {"color": POSITIVE_COLOR}},
            decreasing={"marker": {"color": NEGATIVE_COLOR}},
            totals={"marker": {"color": TOTAL_COLOR}},
            connector={"line": {"color": "#B0B4BA"}},
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    top = max(bridge["beginning"], bridge["ending"]) + bridge["new"] + bridge["expansion"]
    figure.update_xaxes(tickprefix="$", tickformat="~s", range=[0, top * 1.25], gridcolor="#E6E8EB", showgrid=True)
    figure.update_yaxes(autorange="reversed", showgrid=False)
    return styled(figure, title)
