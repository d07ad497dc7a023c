"""Figures of the quarterly retrospective."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import BASE_FONT_SIZE, STATUS_COLORS, styled

MISSED_COLOR = STATUS_COLORS["off track"]
STILL_OPEN_COLOR = STATUS_COLORS["not started"]


def team_outcomes_figure(teams: pd.DataFrame, closed: bool, title: str) -> go.Figure:
    """Per team, its KRs completed, missed (or, while the quarter runs, still open) and cancelled as
    stacked bars, with the score at the end."""
    frame = teams.iloc[::-1]  # plotly draws the first category at the bottom
    not_completed, not_completed_color = ("Missed", MISSED_COLOR) if closed else ("Still open", STILL_OPEN_COLOR)
    bars = (
        ("n_completed", "Completed", STATUS_COLORS["completed"], ""),
        # Hatched and crossed: the bars are told apart by pattern as well as colour.
        ("n_not_completed", not_completed, not_completed_color, "/"),
        ("n_cancelled", "Cancelled", STATUS_COLORS["cancelled"], "x"),
    )
    figure = go.Figure()
    for column, name, color, pattern in bars:
        figure.add_trace(
            go.Bar(
                y=frame["team"],
                x=frame[column],
                orientation="h",
                name=name,
                marker={"color": color, "pattern": {"shape": pattern, "fgcolor": "white", "fillmode": "overlay"}},
                text=[f"{n:.0f}" if n else "" for n in frame[column]],
                textposition="inside",
                textfont={"size": BASE_FONT_SIZE - 2},
                hovertemplate=f"%{{y}}: %{{x}} {name.lower()}<extra></extra>",
            )
        )
    totals = frame["kr_count"]
    figure.add_trace(
        go.Scatter(
            y=frame["team"],
            x=totals,
            mode="text",
            showlegend=False,
            textposition="middle right",
            text=[f"  score {p:.0%}" if pd.notna(p) else "" for p in frame["progress"]],
            textfont={"size": BASE_FONT_SIZE - 2},
            hoverinfo="skip",
        )
    )
    figure.update_layout(barmode="stack", bargap=0.3)
    figure.update_xaxes(title="Key results", range=[0, totals.max() * 1.45 if len(totals) else 1])
    return styled(figure, title, height=130 + 42 * len(frame))
