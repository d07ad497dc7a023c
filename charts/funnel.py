"""Figures of the back-calculation explorer: ARR waterfall, funnel, monthly volumes, reps,
channels, sensitivity tornado, win rate × deal size heatmap, coverage of the plan by team KRs.

Numbers arrive unrounded from analytics.funnel; volumes are rounded up only here, for display
(display_ceil), and money is shown with charts.theme.money.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.channels import ALL_CHANNELS
from analytics.funnel import DEALS, STAGE_DRIVER_PREFIX, Plan, PlanToDate, display_ceil
from charts.theme import (
    ACTUAL_COLOR,
    BASE_FONT_SIZE,
    NEGATIVE_COLOR,
    POSITIVE_COLOR,
    STATUS_COLORS,
    TARGET_COLOR,
    TOTAL_COLOR,
    money,
    styled,
)

# Qualitative colours that stay distinct for colour-blind viewers (Okabe–Ito), for stages and channels.
SERIES_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# The driver lowered is blue, raised is orange; the ±20 % bar is the lighter, wider one behind ±10 %.
TORNADO_STYLE = {
    -0.2: ("Driver −20 %", "#A6CEE3", 0.8),
    0.2: ("Driver +20 %", "#FDBF6F", 0.8),
    -0.1: ("Driver −10 %", "#1F78B4", 0.4),
    0.1: ("Driver +10 %", "#E66101", 0.4),
}
SCALAR_DRIVER_LABELS = {
    "average_deal_size": "Average deal size",
    "churn_rate": "Churn",
    "contraction_rate": "Contraction",
    "expansion_rate": "Expansion",
    "target_arr": "Target ARR",
    "beginning_arr": "Beginning ARR",
    "deals_per_rep_per_quarter": "Deals per ramped rep",
}
GAP_COLOR = STATUS_COLORS["off track"]
COVERED_COLOR = STATUS_COLORS["on track"]


def count_text(value: float) -> str:
    """A volume as the screen shows it: rounded up, with thousands separators."""
    return f"{display_ceil(value):,}"


def display_value(value, kind: str) -> str:
    """One cell of a plan or comparison table as text: currency in dollars, percent, counts rounded
    up, plain numbers, text."""
    if kind == "text" or isinstance(value, str):
        return str(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "currency":
        return f"${value:,.0f}"
    if kind == "percent":
        return f"{value * 100:.3g} %"
    if kind == "count":
        return count_text(value)
    return f"{value:,.4g}"


def driver_label(driver: str, stage_names: list[str]) -> str:
    """ "conversion_rate:opportunities" → "opportunities → deals (win rate)"; scalar keys in words."""
    if driver.startswith(STAGE_DRIVER_PREFIX):
        name = driver[len(STAGE_DRIVER_PREFIX) :]
        folded = [stage.casefold() for stage in stage_names]
        i = folded.index(name.casefold()) if name.casefold() in folded else None
        if i is None:
            return f"{name} conversion"
        if i == len(stage_names) - 1:
            return f"{stage_names[i]} → deals (win rate)"
        return f"{stage_names[i]} → {stage_names[i + 1]}"
    return SCALAR_DRIVER_LABELS.get(driver, driver)


# ----------------------------------------------------------------------------------------------
# Plan


def arr_waterfall_figure(plan: Plan, title: str) -> go.Figure:
    """Beginning ARR − churn − contraction = retained, + expansion + required new ARR = target.

    With a surplus the new ARR step is 0, the last bar (retained + expansion) overshoots the
    target, and a dashed line marks the target with the surplus written on it."""
    s = plan.scenario
    steps = [
        ("Beginning ARR", "absolute", s.beginning_arr),
        ("Churn", "relative", -plan.churn_arr),
        ("Contraction", "relative", -plan.contraction_arr),
        ("Retained ARR", "total", plan.retained_arr),
        ("Expansion", "relative", plan.expansion_arr),
        ("New ARR required", "relative", plan.new_arr_required),
        (
            "Target ARR" if plan.surplus == 0 else "Retained + expansion",
            "total",
            plan.retained_arr + plan.expansion_arr + plan.new_arr_required,
        ),
    ]
    figure = go.Figure(
        go.Waterfall(
            orientation="h",
            y=[label for label, _, _ in steps],
            measure=[measure for _, measure, _ in steps],
            x=[0 if measure == "total" else value for _, measure, value in steps],
            text=[money(value) for *_, value in steps],
            textposition="outside",
            textfont={"size": BASE_FONT_SIZE},
            cliponaxis=False,
            increasing={"marker": {"color": POSITIVE_COLOR}},
            decreasing={"marker": {"color": NEGATIVE_COLOR}},
            totals={"marker": {"color": TOTAL_COLOR}},
            connector={"line": {"color": "#B0B4BA"}},
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    top = max(s.beginning_arr, s.target_arr, plan.retained_arr + plan.expansion_arr) + plan.expansion_arr
    if plan.surplus > 0:
        figure.add_vline(x=s.target_arr, line={"color": TARGET_COLOR, "dash": "dash", "width": 3})
        figure.add_annotation(
            x=s.target_arr,
            y=1.0,
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            text=f"Target {money(s.target_arr)} · surplus {money(plan.surplus)}",
            font={"size": BASE_FONT_SIZE - 2, "color": "#333"},
        )
    figure.update_xaxes(tickprefix="$", tickformat="~s", range=[0, top * 1.3], gridcolor="#E6E8EB", showgrid=True)
    figure.update_yaxes(autorange="reversed", showgrid=False)
    return styled(figure, title, height=460)


def stage_funnel_figure(plan: Plan, title: str, remaining: PlanToDate | None = None) -> go.Figure:
    """The year's required volume at each stage and deals (or, given `remaining`, what the rest of
    the year still needs), rounded up, with each stage's rate."""
    names = [stage.name for stage in plan.stages] + [DEALS]
    if remaining is None:
        volumes = [stage.required for stage in plan.stages] + [plan.deals]
    else:
        volumes = [volume for _, volume in remaining.stages_remaining] + [remaining.deals_remaining]
    rates = [f"{stage.conversion_rate * 100:.3g} % convert to the next stage" for stage in plan.stages] + ["won"]
    figure = go.Figure(
        go.Funnel(
            y=names,
            x=volumes,
            text=[count_text(v) for v in volumes],
            textinfo="text",
            textposition="outside",
            textfont={"size": BASE_FONT_SIZE},
            customdata=rates,
            marker={"color": [SERIES_COLORS[i % len(SERIES_COLORS)] for i in range(len(names))]},
            connector={"fillcolor": "#E6E8EB"},
            hovertemplate="%{y}: %{text} (%{customdata})<extra></extra>",
        )
    )
    # Bars are centred on 0; the extra width leaves room for the widest bar's label beside it, even
    # in half a 1366 px page.
    half = max(max(volumes), 1.0) / 2
    figure.update_xaxes(range=[-1.3 * half, 1.75 * half])
    figure.update_yaxes(showgrid=False)
    return styled(figure, title, height=max(360, 110 + 60 * len(names)))


def _month_names(offsets, year: int) -> list[str]:
    start = pd.Timestamp(year=year, month=1, day=1)
    return [(start + pd.DateOffset(months=int(offset) - 1)).strftime("%b %Y") for offset in offsets]


def monthly_volume_figure(monthly: pd.DataFrame, year: int, title: str) -> go.Figure:
    """Monthly volume of each stage and of deals (stage_volumes_by_month), on a log scale so that
    thousands of emails and a handful of deals read on one chart; months before the plan year are
    the lead-up the sales cycle needs."""
    figure = go.Figure()
    offsets = sorted(monthly["month_offset"].unique())
    labels = _month_names(offsets, year)
    for i, (_, rows) in enumerate(monthly.groupby("position", sort=True)):
        rows = rows.sort_values("month_offset")
        name = rows["stage"].iloc[0]
        values = rows["volume"].where(rows["volume"] > 0)  # a log axis has no 0: leave the month blank
        figure.add_trace(
            go.Scatter(
                x=_month_names(rows["month_offset"], year),
                y=values,
                name=name,
                mode="lines+markers",
                line={"width": 4, "color": SERIES_COLORS[i % len(SERIES_COLORS)]},
                marker={"size": 8},
                customdata=[count_text(v) for v in rows["volume"]],
                hovertemplate="%{fullData.name}, %{x}: %{customdata}<extra></extra>",
            )
        )
    if offsets and offsets[0] < 1:  # mark where the plan year starts (categories sit at 0, 1, 2, …)
        figure.add_vline(x=offsets.index(1) - 0.5, line={"color": "#444", "width": 2, "dash": "dot"})
        figure.add_annotation(
            x=offsets.index(1) - 0.5,
            y=1.0,
            yref="paper",
            yanchor="bottom",
            xanchor="left",
            showarrow=False,
            text=f" {year} starts",
            font={"size": BASE_FONT_SIZE - 2},
        )
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=labels, tickangle=-45)
    ticks = _log_ticks(monthly.loc[monthly["volume"] > 0, "volume"])
    figure.update_yaxes(
        type="log",
        tickvals=ticks,
        ticktext=[_tick_text(t) for t in ticks],
        title={"text": "per month (log scale)", "font": {"size": BASE_FONT_SIZE - 2}},
    )
    figure = styled(figure, title, height=480)
    figure.update_layout(legend={"y": 1.02})
    return figure


def _log_ticks(values: pd.Series) -> list[float]:
    """…, 1, 2, 5, 10, 20, 50, … spanning the values: readable steps on a log axis."""
    if values.empty:
        return []
    low, high = math.floor(math.log10(values.min())), math.ceil(math.log10(values.max()))
    return [
        m * 10**e for e in range(low, high + 1) for m in (1, 2, 5) if values.min() / 2 <= m * 10**e <= values.max() * 2
    ]


def _tick_text(value: float) -> str:
    return f"{value:,.0f}" if value >= 1 else f"{value:g}"


def reps_figure(plan: Plan, title: str) -> go.Figure:
    """Per quarter: headcount (reps already there + hires at the start of the quarter) against the
    fully ramped reps the quarter's deals need and the ramped capacity the team gives, with the
    shortfall while new reps ramp ("short 1.4")."""
    quarters = [f"Q{q}" for q in range(1, 5)]
    hires = np.array(plan.hires_by_quarter)
    headcount = np.array(plan.headcount_by_quarter)
    before = headcount - hires
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=quarters,
            y=before,
            name="Reps on the team",
            marker={"color": "#9DB4CF"},
            text=[count_text(v) if v > 0 else "" for v in before],
            textposition="inside",
            insidetextanchor="start",  # at the bar's foot, clear of the needed line's labels
            textfont={"size": BASE_FONT_SIZE},
            hovertemplate="%{x}: %{text} reps on the team<extra></extra>",
        )
    )
    figure.add_trace(
        go.Bar(
            x=quarters,
            y=hires,
            name="Hired at the quarter's start",
            marker={"color": ACTUAL_COLOR},
            text=[f"+{count_text(v)}" if v > 0 else "" for v in hires],
            textposition="inside",
            textfont={"size": BASE_FONT_SIZE, "color": "white"},
            hovertemplate="%{x}: %{text} hires<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=quarters,
            y=plan.reps_by_quarter,
            name="Fully ramped reps needed",
            mode="lines+markers+text",
            line={"color": "#E66101", "width": 4},
            marker={"size": 12},
            text=[count_text(v) for v in plan.reps_by_quarter],
            textposition="top center",
            textfont={"size": BASE_FONT_SIZE, "color": "#E66101"},
            hovertemplate="%{x}: %{text} fully ramped reps needed<extra></extra>",
        )
    )
    gap = np.array(plan.reps_gap_by_quarter)
    figure.add_trace(
        go.Scatter(
            x=quarters,
            y=plan.capacity_by_quarter,
            name="Ramped capacity",
            mode="lines+markers+text",
            line={"color": TARGET_COLOR, "width": 3, "dash": "dash"},
            marker={"size": 9},
            text=[f"short {g:.1f}" if g > 0.05 else "" for g in gap],
            textposition="bottom center",
            textfont={"size": BASE_FONT_SIZE - 2, "color": GAP_COLOR},
            customdata=[f"{c:.1f}" for c in plan.capacity_by_quarter],
            hovertemplate="%{x}: the team gives %{customdata} fully ramped reps %{text}<extra></extra>",
        )
    )
    figure.update_layout(barmode="stack", bargap=0.35)
    top = max(max(headcount, default=0), max(plan.reps_by_quarter, default=0), 1)
    figure.update_yaxes(range=[0, top * 1.25], title={"text": "reps", "font": {"size": BASE_FONT_SIZE - 2}})
    return styled(figure, title, height=420)


def channel_volume_figure(channels: pd.DataFrame, title: str) -> go.Figure:
    """Year volume each channel must bring at every stage down to the channel stage (grouped bars,
    log scale: emails and opportunities differ by orders of magnitude)."""
    figure = go.Figure()
    for i, (channel, rows) in enumerate(channels.groupby("channel", sort=False)):
        rows = rows.sort_values("position")
        color = TARGET_COLOR if channel == ALL_CHANNELS else SERIES_COLORS[i % len(SERIES_COLORS)]
        figure.add_trace(
            go.Bar(
                x=rows["stage"],
                y=rows["year"],
                name=channel,
                marker={"color": color},
                text=[count_text(v) for v in rows["year"]],
                textposition="outside",
                textfont={"size": BASE_FONT_SIZE - 2},
                cliponaxis=False,
                hovertemplate="%{fullData.name}, %{x}: %{text}<extra></extra>",
            )
        )
    positive = channels.loc[channels["year"] > 0, "year"]
    if not positive.empty:
        ticks = _log_ticks(positive)
        figure.update_yaxes(
            type="log",
            range=[math.log10(positive.min()) - 0.3, math.log10(positive.max()) + 0.5],
            tickvals=ticks,
            ticktext=[_tick_text(t) for t in ticks],
        )
    figure.update_layout(barmode="group", bargap=0.25)
    return styled(figure, title, height=460)


# ----------------------------------------------------------------------------------------------
# Sensitivity


def tornado_figure(frame: pd.DataFrame, output: str, base: float, stage_names: list[str], title: str) -> go.Figure:
    """How far one output (sensitivity column "top_of_funnel" or "reps") moves, in % of the plan,
    when each driver alone moves by ±10 % and ±20 %; widest swing on top, drivers that do not move
    the output left out."""
    delta = frame["delta_top" if output == "top_of_funnel" else "delta_reps"]
    frame = frame.assign(relative=delta / base if base > 0 else 0.0)
    swing = frame.groupby("driver", sort=False)["relative"].agg(lambda v: v.abs().max())
    drivers = [d for d in swing.sort_values(ascending=True).index if swing[d] > 1e-12]  # plotly draws bottom-up
    labels = {d: driver_label(d, stage_names) for d in drivers}
    figure = go.Figure()
    for step, (name, color, width) in TORNADO_STYLE.items():
        rows = frame[np.isclose(frame["change"], step)].set_index("driver").reindex(drivers)
        figure.add_trace(
            go.Bar(
                y=[labels[d] for d in drivers],
                x=rows["relative"],
                orientation="h",
                name=name,
                width=width,
                marker={"color": color},
                customdata=np.column_stack([[count_text(v) for v in rows[output]], rows["value"]]) if drivers else None,
                hovertemplate="%{y}, " + name.lower() + ": %{customdata[0]} (%{x:+.1%})<extra></extra>",
            )
        )
    figure.add_vline(x=0, line={"color": "#333", "width": 2})
    figure = styled(figure, title, height=max(360, 190 + 48 * len(drivers)))
    # Below the bars: above them the four entries would collide with the title.
    figure.update_layout(barmode="overlay", legend={"y": -0.12, "yanchor": "top", "x": 0, "xanchor": "left"})
    figure.update_xaxes(tickformat="+.0%", zeroline=False, gridcolor="#E6E8EB", showgrid=True)
    figure.update_yaxes(showgrid=False)
    return figure


def two_way_heatmap(table: pd.DataFrame, base_win_rate: float, base_deal_size: float, title: str) -> go.Figure:
    """Top-of-funnel volume for each win rate (rows) × deal size (columns), every cell written
    rounded up; the plan's own cell is outlined."""
    x = [f"${size:,.0f}" for size in table.columns]
    y = [f"{rate * 100:.3g} %" for rate in table.index]
    text = [[count_text(v) for v in row] for row in table.to_numpy()]
    figure = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=x,
            y=y,
            text=text,
            texttemplate="%{text}",
            textfont={"size": BASE_FONT_SIZE},
            colorscale=[[0, "#F4F8FC"], [1, "#7FAFDB"]],
            showscale=False,
            hovertemplate="win rate %{y}, deal size %{x}: %{text}<extra></extra>",
        )
    )
    rows = list(np.isclose(table.index.to_numpy(dtype=float), base_win_rate))
    columns = list(np.isclose(table.columns.to_numpy(dtype=float), base_deal_size))
    if True in rows and True in columns:
        r, c = rows.index(True), columns.index(True)
        figure.add_shape(
            type="rect", x0=c - 0.5, x1=c + 0.5, y0=r - 0.5, y1=r + 0.5, line={"color": "#111", "width": 4}
        )
    figure.update_xaxes(
        type="category", title={"text": "average deal size", "font": {"size": BASE_FONT_SIZE - 2}}, side="bottom"
    )
    figure.update_yaxes(type="category", title={"text": "win rate", "font": {"size": BASE_FONT_SIZE - 2}})
    return styled(figure, title, height=140 + 56 * len(y))


def bookings_to_date_figure(progress: PlanToDate, title: str) -> go.Figure:
    """Per quarter of the plan year: the planned bookings beside the actual ones (new ARR won up to
    the as-of date), with what remains to win stacked on the actuals of the quarters still open. The
    legend sits under the bars, clear of the title at any width."""
    quarters = [row["quarter"][-2:] for row in progress.quarters]
    planned = [row["bookings_planned"] for row in progress.quarters]
    actual = [row["bookings_actual"] for row in progress.quarters]
    remaining = [row["bookings_remaining"] for row in progress.quarters]
    font = {"size": BASE_FONT_SIZE - 2}
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=quarters,
            y=planned,
            name="Planned",
            offsetgroup="planned",
            marker={"color": "#C9D3E0"},
            text=[money(v) for v in planned],
            textposition="outside",
            textangle=0,
            textfont=font,
            cliponaxis=False,
            hovertemplate="%{x} planned: %{text}<extra></extra>",
        )
    )
    figure.add_trace(
        go.Bar(
            x=quarters,
            y=actual,
            name=f"Won to {progress.as_of:%d %b}",
            offsetgroup="actual",
            marker={"color": ACTUAL_COLOR},
            text=[money(v) if v > 0 else "" for v in actual],
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,
            textfont=font | {"color": "white"},
            hovertemplate="%{x} won: %{text}<extra></extra>",
        )
    )
    figure.add_trace(
        go.Bar(
            x=quarters,
            y=remaining,
            base=actual,
            name="Remaining to win",
            offsetgroup="actual",
            marker={"color": SERIES_COLORS[1]},
            text=[money(v) if v > 0 else "" for v in remaining],
            textposition="outside",
            textangle=0,
            textfont=font,
            cliponaxis=False,
            hovertemplate="%{x} remaining: %{text}<extra></extra>",
        )
    )
    top = max(max(planned), max(a + r for a, r in zip(actual, remaining)), 1.0)
    figure.update_layout(barmode="group", bargap=0.25, bargroupgap=0.08)
    figure.update_yaxes(range=[0, top * 1.18], tickformat="$~s", gridcolor="#E6E8EB", showgrid=True)
    figure = styled(figure, title, height=400)
    figure.update_layout(legend={"y": -0.12, "yanchor": "top", "x": 0, "xanchor": "left"}, margin={"b": 60})
    return figure


def bookings_vs_target_figure(quarters: pd.DataFrame, title: str) -> go.Figure:
    """Per quarter (analytics.bookings.BookingsVsPlan.quarters): the published bookings target beside
    the new ARR won, labelled with the share of the target; a quarter still open says so."""
    labels = [
        period[-2:] + ("" if closed else " (open)") for period, closed in zip(quarters["period"], quarters["closed"])
    ]
    font = {"size": BASE_FONT_SIZE - 4}
    label = {"textposition": "outside", "textangle": 0, "constraintext": "none", "cliponaxis": False}
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=labels,
            y=quarters["target"],
            name="Published target",
            marker={"color": "#C9D3E0"},
            text=[money(v) for v in quarters["target"]],
            textfont=font,
            hovertemplate="%{x} target: %{text}<extra></extra>",
            **label,
        )
    )
    figure.add_trace(
        go.Bar(
            x=labels,
            y=quarters["actual"],
            name="Won",
            marker={"color": ACTUAL_COLOR},
            text=[
                f"{money(v)}<br>{a:.0%}" if pd.notna(a) and v > 0 else ""
                for v, a in zip(quarters["actual"], quarters["attainment"])
            ],
            textfont=font | {"color": ACTUAL_COLOR},
            hovertemplate="%{x} won: %{text} of the target<extra></extra>",
            **label,
        )
    )
    top = max(float(quarters["target"].max()), float(quarters["actual"].max()), 1.0)
    figure.update_layout(barmode="group", bargap=0.25, bargroupgap=0.1)
    figure.update_yaxes(range=[0, top * 1.2], tickformat="$~s", gridcolor="#E6E8EB", showgrid=True)
    return styled(figure, title, height=380)


# ----------------------------------------------------------------------------------------------
# Coverage


def coverage_figure(frame: pd.DataFrame, title: str) -> go.Figure:
    """Committed ÷ required per stage (analytics.funnel.coverage): a red bar labelled "gap" below
    100 %, green "covered" from 100 %; stages with nothing required say so."""
    frame = frame.iloc[::-1]  # plotly draws the first category at the bottom
    ratio = frame["coverage"].fillna(0.0)
    covered = frame["coverage"] >= 1
    labels = []
    for row, is_covered in zip(frame.itertuples(), covered):
        if pd.isna(row.coverage):
            labels.append("nothing required")
        elif is_covered:
            labels.append(f"covered {row.coverage:.0%}")
        elif row.kr_count == 0:
            labels.append("gap: no KR commits to it")
        else:
            labels.append(f"gap: {row.coverage:.0%} of required")
    figure = go.Figure(
        go.Bar(
            y=frame["stage"],
            x=ratio,
            orientation="h",
            marker={
                "color": [
                    COVERED_COLOR if c else TARGET_COLOR if pd.isna(v) else GAP_COLOR
                    for c, v in zip(covered, frame["coverage"])
                ]
            },
            # Inside the bar's end where it fits, clear of the 100 % line; outside short bars.
            text=labels,
            textposition="auto",
            insidetextanchor="end",
            textfont={"size": BASE_FONT_SIZE},
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    figure.add_vline(x=1, line={"color": "#111", "width": 3, "dash": "dash"})
    figure.update_xaxes(
        tickformat=".0%", range=[0, max(1.5, float(ratio.max()) * 1.45)], gridcolor="#E6E8EB", showgrid=True
    )
    figure.update_yaxes(showgrid=False)
    return styled(figure, title, height=120 + 62 * len(frame))
