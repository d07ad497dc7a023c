"""Figures of the review's story: the largest moves since the last review (a diverging bar), each
KR's readings with a dotted least-squares line to its due date, and update health by team."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts.team import FORECAST_MARKER_COLOR, TEXT_COLOR, wrapped_label
from charts.theme import (
    ACTUAL_COLOR,
    BASE_FONT_SIZE,
    STATUS_COLORS,
    TARGET_COLOR,
    styled,
)

MOVE_LABEL_WIDTH = 44
FORECAST_COLOR = FORECAST_MARKER_COLOR
TRENDS_PER_ROW = 3


def moves_figure(ups: pd.DataFrame, downs: pd.DataFrame, title: str, height: int | None = None) -> go.Figure:
    """Horizontal bars of KR moves in points of progress (rows with kr_id, title, delta,
    status_before, status_now): rises to the right, falls to the left, the largest
    rise on top and the largest fall at the bottom. Each bar ends in its points ("+75 pts"); the
    status before → now is written on the other side of zero, where that bar leaves room.
    customdata carries kr_id and the full title."""
    moves = pd.concat([ups, downs.iloc[::-1]], ignore_index=True).iloc[::-1]  # plotly draws bottom-up
    labels = [
        f"<b>{kr_id}</b> {wrapped_label(title, MOVE_LABEL_WIDTH, 1)}"
        for kr_id, title in zip(moves["kr_id"], moves["title"])
    ]
    points = moves["delta"].astype(float) * 100
    figure = go.Figure(
        go.Bar(
            y=labels,
            x=points,
            orientation="h",
            name="Change",
            # One colour whichever way a KR moved: a colour means a status, and the status a KR moved
            # from and to is written beside its bar.
            marker={"color": ACTUAL_COLOR},
            text=[f"<b>{p:+.0f}</b>" for p in points],
            textposition="outside",
            cliponaxis=False,
            textfont={"size": BASE_FONT_SIZE + 4, "color": TEXT_COLOR},
            customdata=list(zip(moves["kr_id"], moves["title"])),
            hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>%{x:+.1f} points of progress<extra></extra>",
        )
    )
    reach = max(float(points.abs().max()) if len(points) else 0.0, 10.0)
    gap = reach * 0.03
    figure.add_trace(
        go.Scatter(
            y=labels,
            x=[-gap if p > 0 else gap for p in points],
            mode="text",
            name="Status",
            hoverinfo="skip",
            text=[f"{_was(before)} → {now}" for before, now in zip(moves["status_before"], moves["status_now"])],
            textposition=["middle left" if p > 0 else "middle right" for p in points],
            textfont={"size": BASE_FONT_SIZE, "color": TEXT_COLOR},
        )
    )
    figure.update_xaxes(
        range=[-reach * 1.2, reach * 1.2],
        zeroline=True,
        zerolinewidth=3,
        zerolinecolor="#111",
        ticksuffix=" pts",
        showgrid=True,
        gridcolor="#E6E8EB",
    )
    figure.update_yaxes(showgrid=False, tickfont={"size": BASE_FONT_SIZE, "color": TEXT_COLOR})
    figure = styled(figure, title, height=height or 110 + 52 * max(len(moves), 1))
    figure.update_layout(font={"size": BASE_FONT_SIZE + 2}, showlegend=False, bargap=0.3)
    return figure


def _was(status) -> str:
    return "new" if status is None or pd.isna(status) else str(status)


def kr_trends_figure(krs: pd.DataFrame, readings: pd.DataFrame, as_of, title: str) -> go.Figure:
    """Small multiples, one per KR of `krs` (rows of kr_progress with the forecast columns): its
    check-in values as a line, its target as a grey dashed line, and, where a forecast exists, the
    least-squares line dotted from the first reading to the due date. `readings` has kr_id, date,
    value (check-ins on or before `as_of`)."""
    krs = krs.reset_index(drop=True)
    rows = max((len(krs) + TRENDS_PER_ROW - 1) // TRENDS_PER_ROW, 1)
    figure = make_subplots(
        rows=rows,
        cols=TRENDS_PER_ROW,
        vertical_spacing=0.5 / rows,
        horizontal_spacing=0.06,
        subplot_titles=[f"{kr.kr_id}: {wrapped_label(kr.title, 40, 1)}" for kr in krs.itertuples()],
    )
    as_of = pd.Timestamp(as_of)
    for i, kr in enumerate(krs.itertuples()):
        row, col = i // TRENDS_PER_ROW + 1, i % TRENDS_PER_ROW + 1
        mine = readings[readings["kr_id"] == kr.kr_id].sort_values("date")
        first = i == 0
        figure.add_trace(
            go.Scatter(
                x=mine["date"],
                y=mine["value"],
                mode="lines+markers",
                name="Check-ins",
                legendgroup="readings",
                showlegend=first,
                line={"color": ACTUAL_COLOR, "width": 3},
                marker={"size": 8},
                hovertemplate="%{x|%d %b %Y}: %{y:,.4g}<extra></extra>",
            ),
            row=row,
            col=col,
        )
        if pd.notna(kr.target_value) and pd.notna(kr.due_date):
            start = kr.start_date if pd.notna(kr.start_date) else (mine["date"].min() if not mine.empty else as_of)
            figure.add_trace(
                go.Scatter(
                    x=[start, kr.due_date],
                    y=[kr.target_value, kr.target_value],
                    mode="lines",
                    name="Target",
                    legendgroup="target",
                    showlegend=first,
                    line={"color": TARGET_COLOR, "dash": "dash", "width": 2},
                    hovertemplate="target %{y:,.4g}<extra></extra>",
                ),
                row=row,
                col=col,
            )
        if pd.notna(kr.forecast_value):
            from_day = max(mine["date"].min(), kr.start_date) if not mine.empty else kr.start_date
            from_value = kr.forecast_intercept + kr.forecast_slope * (from_day - kr.start_date).days
            lands = bool(kr.forecast_lands)
            figure.add_trace(
                go.Scatter(
                    x=[from_day, kr.due_date],
                    y=[from_value, kr.forecast_value],
                    mode="lines+markers",
                    name="Forecast to the due date",
                    legendgroup="forecast",
                    showlegend=first,
                    line={"color": FORECAST_COLOR, "dash": "dot", "width": 3},
                    marker={
                        "size": [0, 12],
                        "symbol": "diamond",
                        "color": STATUS_COLORS["on track"] if lands else STATUS_COLORS["off track"],
                    },
                    hovertemplate=(
                        f"forecast %{{y:,.4g}} by %{{x|%d %b %Y}} ({kr.forecast_progress:.0%})<extra></extra>"
                    ),
                ),
                row=row,
                col=col,
            )
    figure.update_annotations(font={"size": BASE_FONT_SIZE - 2})
    height = 140 + 260 * rows
    figure = styled(figure, title, height=height)
    # The legend sits between the title and the first row's KR titles, overlapping neither.
    figure.update_layout(margin={"t": 110}, legend={"y": 1 + 42 / (height - 120), "yanchor": "bottom"})
    figure.update_xaxes(tickformat="%b", showgrid=False)
    return figure


def health_figure(teams: pd.DataFrame, title: str) -> go.Figure:
    """Share of KRs updated in the last 30 days per team (team, in_force, updated, share), lowest on top."""
    teams = teams.iloc[::-1]
    figure = go.Figure(
        go.Bar(
            y=teams["team"],
            x=teams["share"],
            orientation="h",
            name="Updated",
            # Not a status: the palette's colours are kept for statuses.
            marker={"color": ACTUAL_COLOR},
            text=[f"{u} of {n}" for u, n in zip(teams["updated"], teams["in_force"])],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.0%} updated<extra></extra>",
        )
    )
    # Room right of 100 % for "11 of 11" in a narrow column.
    figure.update_xaxes(range=[0, 1.4], tickformat=".0%", tickvals=[0, 0.25, 0.5, 0.75, 1.0])
    return styled(figure, title, height=110 + 34 * max(len(teams), 1))
