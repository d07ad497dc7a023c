"""Figures of the due-date review: when each team's KRs fall due, and how they pile up by week."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from analytics.due_dates import due_date_buckets
from analytics.progress import STATUS_ORDER
from charts.theme import ACTUAL_COLOR, BASE_FONT_SIZE, NEGATIVE_COLOR, STATUS_COLORS, styled

# The marker's shape carries the status as well as its colour, for colour-blind readers and for
# black-and-white print-outs of the review pack.
STATUS_SYMBOLS = {
    "overdue": "diamond",
    "off track": "x",
    "at risk": "triangle-up",
    "not started": "circle-open",
    "on track": "circle",
    "completed": "star",
}
AS_OF_LINE_COLOR = "#111"
FLAG = "⚠"
_MARKER_SIZE = 14
# KRs sharing a team and a due date are laid out in a small grid around their point: up to
# _GRID_ROWS rows _GRID_ROW_STEP of a team's row apart, in columns _GRID_COLUMN_STEP of the window's
# length apart (1.6 days in a quarter), which keeps them the same distance apart on screen.
_GRID_ROWS = 3
_GRID_ROW_STEP = 0.27
_GRID_COLUMN_STEP = 0.0175
_ROW_HEIGHT = 60
_LEGEND_GAP_PX = 50
_TOP_AXIS_PX = 30  # room for the dates above the plot


def due_date_timeline_figure(
    points: pd.DataFrame, teams: list[str], as_of, start, end, title: str, axis_on_top: bool = False
) -> go.Figure:
    """One row per team of `teams` (first on top), a marker per KR of `points` (timeline_points) at
    its due date, coloured and shaped by status, the KRs due on one day set in a grid worst first;
    a vertical line labelled "as of" at `as_of`; the x axis spans `start` to `end`. One trace per
    status, named after it; the hover shows each KR's id and title. With `axis_on_top` the dates are
    also written above the plot (a second axis, `xaxis2`, matching the first), so that a tall chart
    is read without scrolling to its foot."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    column_days = (end - start).days * _GRID_COLUMN_STEP
    rows = points["slots"].clip(upper=_GRID_ROWS)
    columns = -(-points["slots"] // _GRID_ROWS)
    column, row = points["slot"] // rows, points["slot"] % rows
    row_of = {team: len(teams) - 1 - i for i, team in enumerate(teams)}
    points = points.assign(
        x=points["due_date"] + pd.to_timedelta((column - (columns - 1) / 2) * column_days, unit="D"),
        y=points["team"].map(row_of).astype(float) + ((rows - 1) / 2 - row) * _GRID_ROW_STEP,
    )
    figure = go.Figure()
    # The worst status is drawn last, on top, should markers touch.
    for status in reversed(STATUS_ORDER):
        mine = points[points["status"] == status]
        if mine.empty:
            continue
        figure.add_trace(
            go.Scatter(
                x=mine["x"],
                y=mine["y"],
                mode="markers",
                name=status,
                marker={
                    "symbol": STATUS_SYMBOLS[status],
                    "color": STATUS_COLORS[status],
                    "size": _MARKER_SIZE,
                    "line": {"width": 2, "color": STATUS_COLORS[status]},
                },
                customdata=[_hover(kr) for kr in mine.itertuples(index=False)],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    as_of = pd.Timestamp(as_of)
    figure.add_shape(
        type="line",
        x0=as_of,
        x1=as_of,
        y0=0,
        y1=1,
        yref="paper",
        line={"color": AS_OF_LINE_COLOR, "width": 2, "dash": "dash"},
    )
    figure.add_annotation(
        x=as_of,
        y=1,
        yref="paper",
        yanchor="bottom",
        text=f"<b>as of</b> {as_of:%-d %b}",
        showarrow=False,
        font={"size": BASE_FONT_SIZE, "color": AS_OF_LINE_COLOR},
        yshift=_TOP_AXIS_PX if axis_on_top else 0,
    )
    margin_days = pd.Timedelta(days=2.5 * column_days)
    # The first days of the histogram's bins, the last one replaced by the window's last day: the
    # period's end is named, and no two ticks crowd each other.
    ticks = {
        "range": [start - margin_days, end + margin_days],
        "tickvals": [*due_date_buckets(start, end)["first"].iloc[:-1], end],
        "tickformat": "%-d %b",
    }
    figure.update_xaxes(showgrid=True, gridcolor="#E6E8EB", **ticks)
    if axis_on_top:
        # An axis shows only with a trace on it: an invisible one spanning the window.
        figure.add_trace(go.Scatter(x=[start, end], y=[None, None], xaxis="x2", showlegend=False, hoverinfo="skip"))
        figure.update_layout(xaxis2={"overlaying": "x", "side": "top", "matches": "x", "showgrid": False, **ticks})
    figure.update_yaxes(
        tickvals=list(row_of.values()),
        ticktext=list(row_of),
        range=[-0.6, len(teams) - 0.4],
        showgrid=True,
        gridcolor="#F1F2F4",
        zeroline=False,
    )
    height = 190 + _ROW_HEIGHT * len(teams) + (_TOP_AXIS_PX if axis_on_top else 0)
    figure = styled(figure, title, height=height)
    # The legend goes under the date axis: the "as of" label takes the space above the plot.
    margin = {"l": 10, "r": 10, "t": 90 + (_TOP_AXIS_PX if axis_on_top else 0), "b": 90}
    figure.update_layout(
        margin=margin,
        legend={
            "y": -_LEGEND_GAP_PX / (height - margin["t"] - margin["b"]),
            "yanchor": "top",
            "x": 0,
            "xanchor": "left",
            "traceorder": "reversed",
        },
    )
    return figure


def _hover(kr) -> str:
    """ "<b>MKT-O1-KR2</b> title", then "Marketing · due 30 Jun 2027 · on track". The title is user
    text: escaped, since plotly renders hover text as HTML."""
    team = kr.team if isinstance(kr.team, str) else "Company"  # a KR of a company objective has no team
    return (
        f"<b>{html.escape(kr.kr_id)}</b> {html.escape(kr.title)}<br>"
        f"{html.escape(team)} · due {kr.due_date:%-d %b %Y} · {kr.status}"
    )


def due_date_heatmap_figure(
    histogram: pd.DataFrame, clusters: pd.DataFrame, last_bucket: str | None, axis_title: str, title: str
) -> go.Figure:
    """Counts of KRs per team (rows of `histogram`, first on top) and bin (its columns), each cell
    numbered; each row labelled with the team's share of KRs due in the last week of its period
    (`clusters`: team, share, flagged), FLAG in front of the flagged teams; the column
    `last_bucket`, when given, framed and labelled "last week"."""
    by_team = clusters.set_index("team")
    labels = [
        f"{FLAG} {team} · {by_team.loc[team, 'share']:.0%}"
        if by_team.loc[team, "flagged"]
        else f"{team} · {by_team.loc[team, 'share']:.0%}"
        for team in histogram.index
    ]
    counts = histogram.to_numpy()
    # Two lines per bin name ("24<br>Jun", "after<br>30 Jun") keep neighbouring names apart.
    columns = [str(name).replace(" ", "<br>", 1) for name in histogram.columns]
    figure = go.Figure(
        go.Heatmap(
            z=counts,
            x=columns,
            y=labels,
            zmin=0,
            showscale=False,
            colorscale=[[0, "#FFFFFF"], [1, ACTUAL_COLOR]],
            xgap=2,
            ygap=2,
            text=[[str(n) if n else "" for n in row] for row in counts],
            texttemplate="%{text}",
            textfont={"size": BASE_FONT_SIZE},
            hovertemplate="%{y}<br>%{x}: %{z} KRs due<extra></extra>",
        )
    )
    if last_bucket in histogram.columns:
        column = list(histogram.columns).index(last_bucket)
        figure.add_shape(
            type="rect",
            x0=column - 0.5,
            x1=column + 0.5,
            y0=0,
            y1=1,
            yref="paper",
            line={"color": NEGATIVE_COLOR, "width": 3},
        )
        figure.add_annotation(
            x=columns[column],
            y=1,
            yref="paper",
            yanchor="bottom",
            text="<b>last week</b>",
            showarrow=False,
            font={"size": BASE_FONT_SIZE - 2, "color": NEGATIVE_COLOR},
        )
    figure.update_xaxes(title=axis_title, type="category", side="bottom", tickangle=0)
    figure.update_yaxes(autorange="reversed", type="category", showgrid=False)
    return styled(figure, title, height=150 + 46 * len(histogram))
