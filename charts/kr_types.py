"""Figures of the KR-type review: the type mix per team and the progress of each type."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.kr_types import NO_TYPE
from charts.theme import BASE_FONT_SIZE, styled

# Four steps of cividis, the colour map built to read the same with every kind of colour-vision
# deficiency; dark to light along the ladder from outcome (impact) back to discovery (learning), so
# the order holds in greyscale too. None of them is a status colour (red, orange, green, blue,
# purple, grey), so a KR type is never mistaken for a status.
KR_TYPE_COLORS = {
    "discovery": "#E1CC55",
    "input": "#A59C74",
    "output": "#575D6D",
    "outcome": "#00224E",
    NO_TYPE: "#D9D9D9",
}
# Readable text on each bar colour: dark on the two light steps, white on the two dark ones.
_TEXT_COLORS = {"discovery": "#111", "input": "#111", "output": "white", "outcome": "white", NO_TYPE: "#111"}
_OTHER_TYPE_COLOR = "#F0F0F0"
_LEGEND_GAP_PX = 36


def kr_type_mix_figure(mix: pd.DataFrame, title: str) -> go.Figure:
    """Stacked horizontal bars of KR counts per row of `mix` (kr_type_mix: one column per type and
    `total`), first row on top, one trace per type named after it, the count inside each piece."""
    mix = mix.iloc[::-1]  # plotly draws the first category at the bottom
    figure = go.Figure()
    for kr_type in (column for column in mix.columns if column != "total"):
        counts = mix[kr_type]
        figure.add_trace(
            go.Bar(
                y=[str(label) for label in mix.index],
                x=counts,
                orientation="h",
                name=kr_type,
                marker={
                    "color": KR_TYPE_COLORS.get(kr_type, _OTHER_TYPE_COLOR),
                    "line": {"color": "white", "width": 1},
                },
                text=[str(n) if n else "" for n in counts],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"size": BASE_FONT_SIZE - 2, "color": _TEXT_COLORS.get(kr_type, "#111")},
                hovertemplate=f"%{{y}}: %{{x}} {kr_type} KRs<extra></extra>",
            )
        )
    figure.update_layout(barmode="stack", bargap=0.3)
    # A tick every 2 KRs for teams; for groups of hundreds of KRs plotly's own spacing.
    figure.update_xaxes(showgrid=True, gridcolor="#E6E8EB", dtick=2 if mix.sum(axis=1).max() <= 24 else None)
    figure.update_yaxes(showgrid=False)
    height = 190 + 44 * len(mix)
    figure = styled(figure, title, height=height)
    # Under the count axis, where a narrow column still has room for all four names; the margin
    # leaves it that room whatever the number of teams.
    margin = {"l": 10, "r": 10, "t": 60, "b": 80}
    figure.update_layout(
        margin=margin,
        legend={
            "y": -_LEGEND_GAP_PX / (height - margin["t"] - margin["b"]),
            "yanchor": "top",
            "x": 0,
            "xanchor": "left",
            "traceorder": "normal",
        },
    )
    return figure


def progress_by_type_figure(by_type: pd.DataFrame, title: str) -> go.Figure:
    """Horizontal bars of mean progress per KR type (rows of progress_by_type), in the type colours,
    with a black tick at the mean expected progress, "54% done / 62% expected" beside each bar and
    the number of KRs under the type's name."""
    by_type = by_type.iloc[::-1]
    labels = [f"{kr_type}<br>{n:,} KRs" for kr_type, n in zip(by_type["kr_type"], by_type["kr_count"])]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            y=labels,
            x=by_type["progress"],
            orientation="h",
            name="Mean progress",
            showlegend=False,
            marker={"color": [KR_TYPE_COLORS.get(t, _OTHER_TYPE_COLOR) for t in by_type["kr_type"]]},
            customdata=by_type["kr_type"],
            hovertemplate="%{customdata}: %{x:.0%} done on average<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            y=labels,
            x=by_type["expected"],
            mode="markers",
            name="Expected by now",
            marker={"symbol": "line-ns", "size": 34, "line": {"width": 4, "color": "#111"}},
            customdata=by_type["kr_type"],
            hovertemplate="%{customdata}: %{x:.0%} expected by now<extra></extra>",
        )
    )
    # The text sits right of the 100 % line, where neither a bar nor the tick can cover it.
    figure.add_trace(
        go.Scatter(
            y=labels,
            x=[1.04] * len(by_type),
            mode="text",
            showlegend=False,
            hoverinfo="skip",
            text=[f"<b>{p:.0%}</b> done<br>{e:.0%} expected" for p, e in zip(by_type["progress"], by_type["expected"])],
            textposition="middle right",
            textfont={"size": BASE_FONT_SIZE},
        )
    )
    figure.update_xaxes(range=[0, 1.75], tickformat=".0%", tickvals=[0, 0.25, 0.5, 0.75, 1.0])
    figure.update_yaxes(showgrid=False)
    figure.update_layout(bargap=0.35)
    return styled(figure, title, height=150 + 80 * len(by_type))
