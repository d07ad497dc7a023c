"""The planning calendar as a timeline, with today marked."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import ACTUAL_COLOR, BASE_FONT_SIZE, TARGET_COLOR, styled

DONE_COLOR = "#B0B4BA"
# Black as the due-date chart's "as of" line: red would read as "off track".
TODAY_COLOR = "#111111"
MS_PER_DAY = 24 * 60 * 60 * 1000
TODAY_WINDOW_DAYS = 60


def _span_text(start: pd.Timestamp, end: pd.Timestamp) -> str:
    return f"{start:%a %d %b}" if start == end else f"{start:%d %b} – {end:%d %b}"


def planning_timeline_figure(plan: pd.DataFrame, today, quarter_start, title: str) -> go.Figure:
    """plan: PLAN_COLUMNS of analytics.calendar. One bar per milestone from its first day to the end
    of its last day; milestones already over at `today` are greyed; a black line marks today."""
    today = pd.Timestamp(today)
    plan = plan.iloc[::-1]  # plotly draws the first category at the bottom
    over = plan["end"] < today
    figure = go.Figure(
        go.Bar(
            y=plan["milestone"],
            base=plan["start"],
            x=plan["days"] * MS_PER_DAY,
            orientation="h",
            marker={"color": [DONE_COLOR if done else ACTUAL_COLOR for done in over]},
            text=[_span_text(s, e) for s, e in zip(plan["start"], plan["end"])],
            textposition="outside",
            textfont={"size": BASE_FONT_SIZE - 2},
            cliponaxis=False,
            showlegend=False,
            customdata=plan["description"],
            hovertemplate="%{y}: %{text}<br>%{customdata}<extra></extra>",
        )
    )
    first, last = plan["start"].min(), plan["end"].max()
    # Today is drawn when it is near the plan; a plan for a far-away quarter keeps its own scale.
    today_shown = first - pd.Timedelta(days=TODAY_WINDOW_DAYS) <= today <= last + pd.Timedelta(days=TODAY_WINDOW_DAYS)
    marks = [(pd.Timestamp(quarter_start), "Quarter starts", TARGET_COLOR, "dash")]
    if today_shown:
        marks.append((today, f"Today ({today:%d %b})", TODAY_COLOR, "solid"))
    for day, label, color, dash in marks:
        figure.add_shape(
            type="line",
            xref="x",
            yref="paper",
            x0=day,
            x1=day,
            y0=0,
            y1=1,
            line={"color": color, "width": 3, "dash": dash},
        )
        figure.add_annotation(
            x=day,
            y=1,
            xref="x",
            yref="paper",
            text=label,
            showarrow=False,
            yanchor="bottom",
            font={"size": BASE_FONT_SIZE - 2, "color": color},
        )
    span_start = min(first, today) if today_shown else first
    span_end = max(last, today) if today_shown else last
    span_start, span_end = span_start - pd.Timedelta(days=3), span_end + pd.Timedelta(days=12)
    figure.update_xaxes(
        type="date",
        range=[span_start, span_end],
        tickformat="%d %b",
        showgrid=True,
        gridcolor="#E6E8EB",
        dtick=7 * MS_PER_DAY,
        tick0=pd.Timestamp(quarter_start),
    )
    figure.update_yaxes(showgrid=False)
    figure.update_layout(bargap=0.3)
    figure = styled(figure, title, height=140 + 60 * len(plan))
    figure.update_layout(margin={"l": 10, "r": 10, "t": 90, "b": 10})
    return figure
