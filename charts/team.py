"""Figures of a team's review: each KR's progress against where it should be by now."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from analytics.progress import CANCELLED, STATUS_ORDER, pace_status
from charts.theme import BASE_FONT_SIZE, status_color, styled

# A KR title is wrapped onto at most this many lines of this many characters on the axis (the rest
# is cut with "…"); the hover shows it whole.
LABEL_WIDTH = 34
LABEL_LINES = 2
_TRACK_COLOR = "#ECEEF1"
TEXT_COLOR = "#1B1F24"
FORECAST_MARKER_COLOR = "#6A1B9A"
# Progress bars span 0–100 %; the status text sits in its own column to the right of 100 %, where
# neither a bar nor the expected-by-now tick can cover it.
_TEXT_AT = 1.04
_AXIS_END = 1.55


def wrapped_label(text: str, width: int = LABEL_WIDTH, lines: int = LABEL_LINES) -> str:
    """`text` on at most `lines` lines of `width` characters joined by <br>, cut with "…"."""
    wrapped = textwrap.wrap(str(text), width=width)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = textwrap.shorten(wrapped[-1] + " …", width=width, placeholder=" …")
    return "<br>".join(wrapped)


def _axis_labels(krs: pd.DataFrame) -> list[str]:
    """Wrapped KR titles; two KRs whose labels would coincide (and so share one bar) get their ids."""
    labels = [wrapped_label(title) for title in krs["title"]]
    repeated = {label for label in labels if labels.count(label) > 1}
    return [f"{label} ({kr_id})" if label in repeated else label for label, kr_id in zip(labels, krs["kr_id"])]


def kr_progress_figure(krs: pd.DataFrame, title: str) -> go.Figure:
    """Horizontal progress bars of any set of KRs (rows of kr_progress: kr_id, title, progress,
    raw_progress, expected, status), first KR on top, coloured by status, with a black tick where
    each should be by now and "56% · off track" beside it. One bar trace per status, named after it
    (so the legend names the colours), carries each of its KRs' id, full title and status in
    customdata."""
    krs = krs.iloc[::-1]  # plotly draws the first category at the bottom
    labels = _axis_labels(krs)
    statuses = krs["status"].fillna("not started")
    customdata = list(zip(krs["kr_id"], krs["title"], statuses))
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            y=labels,
            x=[1.0] * len(krs),
            orientation="h",
            name="100 %",
            showlegend=False,
            marker={"color": _TRACK_COLOR},
            hoverinfo="skip",
        )
    )
    for status in (*STATUS_ORDER, CANCELLED):
        mine = (statuses == status).to_numpy()
        if mine.any():
            figure.add_trace(
                go.Bar(
                    y=[label for label, shown in zip(labels, mine) if shown],
                    x=krs["progress"][mine],
                    orientation="h",
                    name=status,
                    marker={"color": status_color(status)},
                    customdata=[row for row, shown in zip(customdata, mine) if shown],
                    hovertemplate=(
                        "<b>%{customdata[0]}</b> %{customdata[1]}<br>%{x:.0%} done · %{customdata[2]}<extra></extra>"
                    ),
                )
            )
    figure.add_trace(
        go.Scatter(
            y=labels,
            x=krs["expected"],
            mode="markers",
            name="Expected by now",
            marker={"symbol": "line-ns", "size": 30, "line": {"width": 4, "color": "#111"}},
            hovertemplate="expected by now %{x:.0%}<extra></extra>",
        )
    )
    if "forecast_progress" in krs.columns and krs["forecast_progress"].notna().any():
        # Where each KR lands at its due date at the pace of its check-ins; past 100 % it sits on 100 %.
        forecast = krs["forecast_progress"].astype(float)
        figure.add_trace(
            go.Scatter(
                y=labels,
                x=forecast.clip(0.0, 1.0),
                mode="markers",
                name="Forecast at due date",
                marker={"symbol": "diamond-open", "size": 18, "line": {"width": 3}, "color": FORECAST_MARKER_COLOR},
                customdata=forecast,
                hovertemplate="forecast at the due date %{customdata:.0%}<extra></extra>",
            )
        )
    figure.add_trace(
        go.Scatter(
            y=labels,
            x=[_TEXT_AT] * len(krs),
            mode="text",
            name="Status",
            showlegend=False,
            hoverinfo="skip",
            text=[_status_text(raw, status) for raw, status in zip(krs["raw_progress"], statuses)],
            textposition="middle right",
            textfont={"size": BASE_FONT_SIZE, "color": TEXT_COLOR},
        )
    )
    figure.update_xaxes(range=[0, _AXIS_END], tickformat=".0%", tickvals=[0, 0.25, 0.5, 0.75, 1.0])
    figure.update_yaxes(showgrid=False)
    figure.update_layout(barmode="overlay", bargap=0.35)
    figure = styled(figure, title, height=160 + 62 * len(krs))
    # The legend goes under the title, which it would otherwise cover in a narrow column.
    figure.update_layout(margin={"t": 100}, legend={"y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"})
    return figure


def _status_text(raw_progress: float, status: str) -> str:
    """The raw progress (it may pass 100 %) and the status word, which carries the status without
    relying on the bar's colour."""
    return f"<b>{raw_progress:.0%}</b> · {status}" if pd.notna(raw_progress) else status


def pace_progress_figure(frame: pd.DataFrame, label: str, title: str) -> go.Figure:
    """Horizontal bars of the progress of teams or objectives (rows with `label`, progress,
    expected), first row on top, coloured by pace (progress against expected by now: on track, at
    risk, off track), one trace per pace named after it, with a black tick where progress should be
    by now and "56% · at risk" written on each bar: the words say what the colour says."""
    frame = frame.iloc[::-1]  # plotly draws the first category at the bottom
    pace = pd.Series(pace_status(frame["progress"], frame["expected"]), index=frame.index)
    figure = go.Figure()
    for status in STATUS_ORDER:
        mine = frame[pace == status]
        if mine.empty:
            continue
        figure.add_trace(
            go.Bar(
                y=mine[label],
                x=mine["progress"],
                orientation="h",
                name=status,
                marker={"color": status_color(status)},
                text=[f"{p:.0%} · {status}" for p in mine["progress"]],
                # Inside the bar where it fits, so the expected-by-now tick never sits on the text.
                textposition="auto",
                insidetextanchor="start",
                textfont={"size": BASE_FONT_SIZE},
                cliponaxis=False,
                hovertemplate="%{y}: %{x:.0%} · " + status + "<extra></extra>",
            )
        )
    figure.add_trace(
        go.Scatter(
            y=frame[label],
            x=frame["expected"],
            mode="markers",
            name="Expected by now",
            marker={"symbol": "line-ns", "size": 34, "line": {"width": 4, "color": "#111"}},
            hovertemplate="%{y}: expected %{x:.0%}<extra></extra>",
        )
    )
    # Every row in the frame's order, whichever trace first names it.
    figure.update_yaxes(categoryorder="array", categoryarray=list(frame[label]))
    figure.update_xaxes(range=[0, 1.6], tickformat=".0%", tickvals=[0, 0.25, 0.5, 0.75, 1.0])
    figure.update_layout(bargap=0.35, barmode="overlay")
    return styled(figure, title, height=140 + 70 * len(frame))
