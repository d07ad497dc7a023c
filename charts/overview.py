"""Figures of the company overview: ARR against its target path, the ARR bridge, progress bars."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import (
    ACTUAL_COLOR, NEGATIVE_COLOR, POSITIVE_COLOR, STATUS_COLORS, TARGET_COLOR, TOTAL_COLOR, money, styled,
)


def arr_vs_target_figure(monthly: pd.DataFrame, as_of_month: str) -> go.Figure:
    """monthly: month (YYYY-MM), actual, target — actual stops at the last month with figures."""
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=monthly["month"], y=monthly["target"], name="Target path", mode="lines",
        line={"color": TARGET_COLOR, "dash": "dash", "width": 3},
        hovertemplate="%{x}: target %{y:$,.0f}<extra></extra>",
    ))
    actual = monthly.dropna(subset=["actual"])
    figure.add_trace(go.Scatter(
        x=actual["month"], y=actual["actual"], name="Actual ARR", mode="lines+markers",
        line={"color": ACTUAL_COLOR, "width": 5}, marker={"size": 11},
        hovertemplate="%{x}: actual %{y:$,.0f}<extra></extra>",
    ))
    if not actual.empty:
        last = actual.iloc[-1]
        figure.add_annotation(
            x=last["month"], y=last["actual"], text=f"<b>{money(last['actual'])}</b>",
            showarrow=False, yshift=26, font={"size": 20, "color": ACTUAL_COLOR},
        )
    if as_of_month in set(monthly["month"]):
        figure.add_vline(x=as_of_month, line={"color": "#444", "width": 1, "dash": "dot"})
    figure.update_yaxes(tickprefix="$", tickformat="~s", rangemode="tozero")
    figure.update_xaxes(type="category")
    return styled(figure, "ARR: actual vs target path")


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
    """Waterfall from beginning to ending ARR: ending = beginning + new + expansion − contraction − churn."""
    values = [-bridge[key] if key in _SUBTRACTED else bridge[key] for key, _, _ in BRIDGE_STEPS]
    figure = go.Figure(go.Waterfall(
        x=[label for _, label, _ in BRIDGE_STEPS],
        measure=[measure for _, _, measure in BRIDGE_STEPS],
        y=[0 if measure == "total" else value for value, (_, _, measure) in zip(values, BRIDGE_STEPS)],
        text=[money(v) for v in values], textposition="outside", textfont={"size": 18},
        increasing={"marker": {"color": POSITIVE_COLOR}},
        decreasing={"marker": {"color": NEGATIVE_COLOR}},
        totals={"marker": {"color": TOTAL_COLOR}},
        connector={"line": {"color": "#B0B4BA"}},
        hovertemplate="%{x}: %{text}<extra></extra>",
    ))
    top = max(bridge["beginning"], bridge["ending"]) + bridge["new"] + bridge["expansion"]
    figure.update_yaxes(tickprefix="$", tickformat="~s", range=[0, top * 1.12])
    return styled(figure, title)


def progress_vs_expected_figure(frame: pd.DataFrame, label: str, title: str) -> go.Figure:
    """Horizontal bars of progress coloured by worst status, with a black tick where progress should be."""
    frame = frame.iloc[::-1]  # plotly draws the first category at the bottom
    statuses = frame["worst_status"].fillna("not started")
    figure = go.Figure()
    figure.add_trace(go.Bar(
        y=frame[label], x=frame["progress"], orientation="h", name="Progress",
        marker={"color": [STATUS_COLORS.get(s, TARGET_COLOR) for s in statuses]},
        text=[f"{p:.0%} · {s}" for p, s in zip(frame["progress"], statuses)],
        textposition="outside", textfont={"size": 18}, cliponaxis=False,
        hovertemplate="%{y}: %{x:.0%}<extra></extra>",
    ))
    figure.add_trace(go.Scatter(
        y=frame[label], x=frame["expected"], mode="markers", name="Expected by now",
        marker={"symbol": "line-ns", "size": 34, "line": {"width": 4, "color": "#111"}},
        hovertemplate="%{y}: expected %{x:.0%}<extra></extra>",
    ))
    figure.update_xaxes(range=[0, 1.35], tickformat=".0%", tickvals=[0, 0.25, 0.5, 0.75, 1.0])
    figure.update_layout(bargap=0.35)
    return styled(figure, title, height=120 + 70 * len(frame))
