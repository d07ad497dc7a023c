"""Figures of a team's review: each KR's progress against where it should be by now."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from charts.theme import BASE_FONT_SIZE, STATUS_COLORS, styled

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
    each should be by now and "56% · off track" beside it. The "Progress" trace carries each KR's
    id, full title and status in customdata."""
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
    figure.add_trace(
        go.Bar(
            y=labels,
            x=krs["progress"],
            orientation="h",
            name="Progress",
            showlegend=False,
            marker={"color": [STATUS_COLORS.get(s, STATUS_COLORS["not started"]) for s in statuses]},
            customdata=customdata,
            hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>%{x:.0%} done · %{customdata[2]}<extra></extra>",
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
    return styled(figure, title, height=130 + 62 * len(krs))


def _status_text(raw_progress: float, status: str) -> str:
    """The raw progress (it may pass 100 %) and the status word, which carries the status without
    relying on the bar's colour."""
    return f"<b>{raw_progress:.0%}</b> · {status}" if pd.notna(raw_progress) else status
