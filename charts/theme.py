"""Colours and type sizes that read from across the room on a shared screen."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

# The one palette: a colour on any chart means this status and nothing else, and every chart that
# colours by status names its traces after the statuses, so the legend reads the colours.
STATUS_COLORS = {
    "overdue": "#7B1FA2",
    "off track": "#C62828",
    "at risk": "#EF8F00",
    "not started": "#8A8F98",
    "on track": "#2E7D32",
    "completed": "#1565C0",
    "cancelled": "#C9CCD1",
}
ACTUAL_COLOR = "#1F3A5F"
TARGET_COLOR = "#8A8F98"
POSITIVE_COLOR = "#2E7D32"
NEGATIVE_COLOR = "#C62828"
TOTAL_COLOR = "#1F3A5F"
BASE_FONT_SIZE = 18


def money(value: float) -> str:
    """$2.35M, -$480k, $900: short enough for a bar label (a plain hyphen for the minus, which
    st.metric reads to colour a delta)."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1e6:
        return f"{sign}${value / 1e6:.2f}M"
    if value >= 1e3:
        return f"{sign}${value / 1e3:.0f}k"
    return f"{sign}${value:.0f}"


def status_color(status: object) -> str:
    """The palette's colour of `status`; a KR without one yet is drawn as not started."""
    return STATUS_COLORS.get(status, STATUS_COLORS["not started"])


def gap_points(progress: float, expected: float, minus: str = "−") -> str:
    """Progress against where it should be by now, in points of progress: "−19 pts", "+4 pts",
    "0 pts" ("" when either is unknown) — points, since "−19 %" reads as a share of something. st.metric
    colours a delta by a leading plain hyphen: pass minus="-" there."""
    if pd.isna(progress) or pd.isna(expected):
        return ""
    points = round((progress - expected) * 100)
    return f"{points:+d} pts".replace("-", minus) if points else "0 pts"


def styled(figure: go.Figure, title: str, height: int = 420) -> go.Figure:
    figure.update_layout(
        title={"text": title, "font": {"size": BASE_FONT_SIZE + 4}, "x": 0, "xanchor": "left"},
        font={"size": BASE_FONT_SIZE},
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        plot_bgcolor="white",
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.0,
            "xanchor": "right",
            "x": 1,
            "font": {"size": BASE_FONT_SIZE - 2},
        },
    )
    figure.update_xaxes(showgrid=False, automargin=True, tickfont={"size": BASE_FONT_SIZE - 2})
    figure.update_yaxes(gridcolor="#E6E8EB", automargin=True, tickfont={"size": BASE_FONT_SIZE - 2})
    return figure


# Shape and colour both carry the status, so it reads on a projector and for colour-blind viewers.
STATUS_BADGES = {
    "overdue": "🟣 overdue",
    "off track": "🔴 off track",
    "at risk": "🟠 at risk",
    "not started": "⚪ not started",
    "on track": "🟢 on track",
    "completed": "🔵 completed",
    "cancelled": "✖ cancelled",
}
# Review actions: a symbol and the word, as for statuses.
ACTION_BADGES = {"open": "⏳ open", "done": "✔ done", "dropped": "✖ dropped"}
