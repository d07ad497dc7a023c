"""What the back-calculation page's tabs show as tables and choices, computed from a plan: rounded for
display (volumes rounded up, money in $K/$M), in the page's column names. Pure functions, no
Streamlit, checked with values in tests/test_ui_backcalc_tables.py."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics.channels import QUARTER_COLUMNS, channel_volumes_by_month
from analytics.funnel import Plan, Scenario, plan_table, stage_volumes_by_month
from charts.funnel import count_text, display_value

WHAT_IF_STEPS = (0.8, 0.9, 1.0, 1.1, 1.2)  # the two-way table's win rates and deal sizes, × the plan's
CHANNEL_COLUMNS_SHOWN = ("channel", "stage", "rate", "year", *QUARTER_COLUMNS)


def plan_rows(plan: Plan) -> pd.DataFrame:
    """The plan table (bookings, stages, deals, reps, hires, headcount × Year, Q1..Q4) as shown."""
    table = plan_table(plan)
    shown = pd.DataFrame({"": table["row"]})
    for column in ("year", *QUARTER_COLUMNS):
        shown[column.capitalize() if column == "year" else column] = [
            display_value(value, kind) for value, kind in zip(table[column], table["kind"])
        ]
    return shown


def channel_rows(split: pd.DataFrame) -> pd.DataFrame:
    """analytics.channels.channel_volumes as shown: rates in percent, volumes rounded up."""
    shown = split.assign(
        rate=[display_value(v, "percent") for v in split["conversion_rate"]],
        **{column: [count_text(v) for v in split[column]] for column in ("year", *QUARTER_COLUMNS)},
    )
    return shown.loc[:, list(CHANNEL_COLUMNS_SHOWN)]


def channel_months(plan: Plan) -> pd.DataFrame:
    """Each channel's stage volumes per month, shifted by the sales cycle: (channel, stage) rows × the
    months' labels, rounded up."""
    by_month = channel_volumes_by_month(plan, stage_volumes_by_month(plan))
    pivot = by_month.pivot_table(index=["channel", "stage"], columns="month_offset", values="volume", sort=False)
    labels = by_month.drop_duplicates("month_offset").set_index("month_offset")["month_label"]
    return pivot.map(count_text).rename(columns=labels)


def what_if_axes(scenario: Scenario) -> tuple[list[float], list[float]]:
    """The two-way table's win rates (highest first, capped at 100 %) and deal sizes around the plan's."""
    win = scenario.stages[-1].conversion_rate
    win_rates = sorted({min(1.0, win * step) for step in WHAT_IF_STEPS}, reverse=True)
    return win_rates, [scenario.average_deal_size * step for step in WHAT_IF_STEPS]


def coverage_periods(year: int) -> list[str]:
    """The periods whose KRs coverage compares with the plan: the plan year's quarters, then the year."""
    return [f"{year}-Q{q}" for q in range(1, 5)] + [str(year)]


def default_coverage_period(as_of: dt.date, year: int) -> str:
    """The as-of date's quarter when it falls in the plan year, else the whole year."""
    quarter = f"{as_of.year}-Q{(as_of.month - 1) // 3 + 1}"
    return quarter if quarter in coverage_periods(year) else str(year)


def period_quarter(period: str) -> int | None:
    """1..4 for "YYYY-Qn", None for a year."""
    return int(period[-1]) if "Q" in period else None


def coverage_rows(table: pd.DataFrame) -> pd.DataFrame:
    """analytics.funnel.coverage as shown: bookings in money, volumes rounded up, ✔/✖ coverage, the
    shortfall only where there is one."""
    money_or = lambda stage, other: "currency" if stage == "bookings" else other  # noqa: E731
    return pd.DataFrame(
        {
            "Stage": table["stage"],
            "Required": [display_value(v, money_or(s, "count")) for v, s in zip(table["required"], table["stage"])],
            "Committed by KRs": [
                display_value(v, money_or(s, "number")) for v, s in zip(table["committed"], table["stage"])
            ],
            "Coverage": ["—" if pd.isna(c) else f"{'✔' if c >= 1 else '✖ gap'} {c:.0%}" for c in table["coverage"]],
            "Short by": [
                display_value(-g, money_or(s, "count")) if g < 0 else "" for g, s in zip(table["gap"], table["stage"])
            ],
            "KRs": table["kr_count"],
        }
    )


def comparison_rows(table: pd.DataFrame, names) -> pd.DataFrame:
    """analytics.funnel.scenario_comparison as shown, one column per scenario name."""
    shown = pd.DataFrame({"": table["item"]})
    for name in names:
        shown[name] = [display_value(v, kind) for v, kind in zip(table[name], table["kind"])]
    return shown


def default_publish_stages(stage_names: list[str], chosen: list[str] | None) -> list[str]:
    """The pipeline stages to publish: the ones chosen while they are all still stages, else the top
    of the funnel and the last stage."""
    if chosen is not None and set(chosen) <= set(stage_names):
        return list(chosen)
    return list(dict.fromkeys([stage_names[0], stage_names[-1]]))


def publish_preview(targets: pd.DataFrame) -> pd.DataFrame:
    """The company targets a plan publishes as metric rows × period columns, rounded for display."""
    preview = targets.assign(
        target_value=[
            display_value(v, "currency" if m == "bookings" else "count")
            for v, m in zip(targets["target_value"], targets["metric"])
        ]
    )
    return preview.pivot(index="metric", columns="period", values="target_value").reset_index()
