"""Figures of the quarterly retrospective."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import BASE_FONT_SIZE, STATUS_COLORS, styled

MISSED_COLOR = STATUS_COLORS["off track"]
# Not a status colour: a KR still open may be on track, at risk or off track, and "not started" grey
# would say it had not begun.
STILL_OPEN_COLOR = "#5A6270"


OUTCOME_COUNTS = ("n_completed", "n_not_completed", "n_cancelled", "kr_count")


def outcomes_by_group(teams: pd.DataFrame) -> pd.DataFrame:
    """One row per group of the retrospective's `teams`: its KRs completed, not completed, cancelled and
    in all, its score (the mean of its teams' scores) and how many teams it has; the lowest score first."""
    frame = teams.assign(group=teams["group"].fillna("No group"))
    by_group = frame.groupby("group")
    groups = (
        by_group[list(OUTCOME_COUNTS)].sum().join(by_group["progress"].mean()).join(by_group.size().rename("teams"))
    )
    return (
        groups.reset_index()
        .sort_values(["progress", "group"], kind="stable", na_position="last")
        .reset_index(drop=True)
    )


def team_outcomes_figure(teams: pd.DataFrame, closed: bool, title: str, label: str = "team") -> go.Figure:
    """Per team (or per group: the rows' `label` column), its KRs completed, missed (or, while the
    quarter runs, still open) and cancelled as stacked bars, with the score at the end; the first row
    at the top."""
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
                y=frame[label],
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
            y=frame[label],
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
