"""What the back-calculation page's tabs show as tables and choices, computed from a plan: rounded for
display (volumes rounded up, money in $K/$M), in the page's column names. Pure functions, no
Streamlit, checked with values in tests/test_ui_backcalc_tables.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from analytics.bookings import quarter_end
from analytics.channels import QUARTER_COLUMNS, channel_volumes_by_month
from analytics.funnel import (
    DEALS,
    Plan,
    PlanToDate,
    Scenario,
    default_drivers,
    display_ceil,
    plan_table,
    scenario_comparison,
    sensitivity,
    stage_volumes_by_month,
)
from analytics.funnel.targets import metric_label
from charts.funnel import count_text, display_value
from charts.theme import money

REPS_DRIVER = "deals_per_rep_per_quarter"
# The comparison's rows about reps: blank for a scenario that plans none.
REPS_ROWS = (
    "Deals per ramped rep per quarter",
    "Reps needed (peak quarter)",
    "Hires in the year",
    "Headcount at year end",
)
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


def _with_reps(scenario: Scenario) -> Scenario:
    """The scenario with a stand-in rep productivity when it plans no reps: analytics.funnel's
    sensitivity and scenario comparison compute reps for every scenario; the caller blanks them."""
    return scenario if scenario.plans_reps else replace(scenario, deals_per_rep_per_quarter=1.0)


def plan_sensitivity(scenario: Scenario) -> pd.DataFrame:
    """analytics.funnel.sensitivity, also for a scenario without reps (then its rep productivity is
    not a driver and the reps columns are blank)."""
    if scenario.plans_reps:
        return sensitivity(scenario)
    drivers = [driver for driver in default_drivers(scenario) if driver != REPS_DRIVER]
    frame = sensitivity(_with_reps(scenario), drivers)
    return frame.assign(reps=None, delta_reps=None)


def comparison_table(scenarios: Mapping[str, Scenario]) -> pd.DataFrame:
    """analytics.funnel.scenario_comparison, also of scenarios without reps (their reps rows blank)."""
    table = scenario_comparison({name: _with_reps(scenario) for name, scenario in scenarios.items()})
    reps_rows = table["item"].isin(REPS_ROWS)
    for name, scenario in scenarios.items():
        if not scenario.plans_reps:
            table.loc[reps_rows, name] = None
    return table


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


def _delta(before, after, kind: str) -> str:
    """How `after` differs from `before` as the comparison shows it ("" when it does not, or for text)."""
    if kind == "text" or before is None or after is None or pd.isna(before) or pd.isna(after):
        return ""
    if kind == "count":
        difference = display_ceil(after) - display_ceil(before)  # the shown numbers' difference
        return f"{difference:+,}".replace("-", "−") if difference else ""
    if abs(after - before) <= 1e-9 * max(1.0, abs(before)):
        return ""
    if kind == "currency":
        return ("+" if after > before else "−") + f"${abs(after - before):,.0f}"
    if kind == "percent":
        return f"{(after - before) * 100:+.3g} pts".replace("-", "−")
    return f"{after - before:+,.4g}".replace("-", "−")


def comparison_rows(table: pd.DataFrame, names) -> pd.DataFrame:
    """analytics.funnel.scenario_comparison as shown, one column per scenario name: each scenario
    after the first with its difference from the first in brackets ("67 (−13)"), and `differs`
    True on the rows where the scenarios' shown values are not all the same."""
    names = list(names)
    shown = pd.DataFrame({"": table["item"]})
    for name in names:
        shown[name] = [display_value(v, kind) for v, kind in zip(table[name], table["kind"])]
    shown["differs"] = shown[names].nunique(axis=1) > 1
    first = names[0]
    for name in names[1:]:
        deltas = [_delta(a, b, kind) for a, b, kind in zip(table[first], table[name], table["kind"])]
        shown[name] = [f"{value} ({delta})" if delta else value for value, delta in zip(shown[name], deltas)]
    return shown


def headline_metrics(plan: Plan, progress: PlanToDate | None) -> list[tuple[str, str, str | None, str]]:
    """The key figures above the tabs as (label, value, note under it, help), five at most so that
    they read whole at 1366 px: planned to date, what is won (of the year's need) and what remains,
    with the remaining deals and top of the funnel; for a year not begun, the whole year's. Then the
    reps at the peak with the hires (when the plan has reps)."""
    top = plan.stages[0]
    year = f"${plan.new_arr_required:,.0f} = target − beginning × (1 − churn − contraction + expansion)"
    if progress is None:
        shown = [
            ("New ARR required", money(plan.new_arr_required), None, year),
            ("Deals in the year", count_text(plan.deals), None, "Deals the year's new ARR needs"),
            (f"{top.name.capitalize()} needed", count_text(top.required), None, "The top of the funnel, over the year"),
        ]
    else:
        until = f"{progress.last_actual_month}" if progress.last_actual_month else "no actual yet"
        shown = [
            (
                "Won to date",
                money(progress.new_arr_won_to_date),
                f"of {money(plan.new_arr_required)} needed",
                f"${progress.new_arr_won_to_date:,.0f}: new ARR of the ARR actuals from January to "
                f"{progress.as_of:%B %Y} (latest month stored: {until}), against {year}",
            ),
            (
                "Remaining to win",
                money(progress.new_arr_remaining),
                f"after {progress.as_of:%d %b}",
                f"${progress.new_arr_remaining:,.0f} = required − won to date (never below 0), booked after "
                f"{progress.as_of:%B} by the quarters' seasonality",
            ),
            ("Deals remaining", count_text(progress.deals_remaining), None, "Deals the remaining new ARR needs"),
            (
                f"{top.name.capitalize()} remaining",
                count_text(progress.stages_remaining[0][1]),
                None,
                "The top of the funnel still needed this year",
            ),
        ]
    if plan.reps is not None:
        shown.append(
            (
                "Reps at the peak",
                count_text(plan.reps),
                f"{count_text(sum(plan.hires_by_quarter))} to hire",
                "Fully ramped reps the busiest quarter's deals need; hires in the year, ramp included",
            )
        )
    return shown


def remaining_rows(progress: PlanToDate) -> pd.DataFrame:
    """What the rest of the year needs: bookings, each stage and deals × (Rest of year, Q1..Q4), a
    quarter's volumes being the ones behind its remaining bookings; quarters already over show "—"."""
    scenario = progress.plan.scenario
    bookings = progress.remaining_bookings_by_quarter
    over = [progress.as_of >= quarter_end(progress.plan_year, q) for q in range(4)]
    deals = [b / scenario.average_deal_size for b in bookings]
    rows = [("bookings", _money_cells(progress.new_arr_remaining, bookings, over))]
    volumes, names = [deals], [DEALS]
    for stage in reversed(scenario.stages):
        volumes.append([v / stage.conversion_rate for v in volumes[-1]])
        names.append(stage.name)
    totals = dict(progress.stages_remaining) | {DEALS: progress.deals_remaining}
    for name, by_quarter in reversed(list(zip(names, volumes))):
        rows.append(
            (name, [count_text(totals[name])] + ["—" if o else count_text(v) for v, o in zip(by_quarter, over)])
        )
    shown = pd.DataFrame([cells for _, cells in rows], columns=["Rest of year", *QUARTER_COLUMNS])
    shown.insert(0, "", [name for name, _ in rows])
    return shown


def _money_cells(total: float, by_quarter, over) -> list[str]:
    return [f"${total:,.0f}"] + ["—" if o else f"${v:,.0f}" for v, o in zip(by_quarter, over)]


MONEY_METRICS = ("arr", "bookings")
POINTS_METRICS = ("utilisation",)  # stored in percent points


def target_text(value: float, metric: str) -> str:
    """A published target's value as shown: money for ARR and bookings, percent for utilisation,
    counts (rounded up) for pipeline volumes and consultants."""
    metric = metric.strip().casefold()
    if metric in MONEY_METRICS:
        return display_value(value, "currency")
    if metric in POINTS_METRICS:
        return f"{value:.3g} %"
    return display_value(value, "count")


def change_rows(changes: pd.DataFrame) -> pd.DataFrame:
    """analytics.funnel.targets.target_changes as the confirmation lists them: target (in words),
    period, before ("— (new)" when none is stored) → after rounded for display, the changed ones first."""
    ordered = changes.sort_values("changed", ascending=False, kind="stable")
    return pd.DataFrame(
        {
            "Target": [metric_label(m) for m in ordered["metric"]],
            "Period": ordered["period"].tolist(),
            "Before": [
                "— (new)" if pd.isna(v) else target_text(v, m) for v, m in zip(ordered["before"], ordered["metric"])
            ],
            "After": [target_text(v, m) for v, m in zip(ordered["after"], ordered["metric"])],
            "Change": ["changes" if c else "same" for c in ordered["changed"]],
        }
    )


def default_publish_stages(stage_names: list[str], chosen: list[str] | None) -> list[str]:
    """The pipeline stages to publish: the ones chosen while they are all still stages, else the top
    of the funnel and the last stage."""
    if chosen is not None and set(chosen) <= set(stage_names):
        return list(chosen)
    return list(dict.fromkeys([stage_names[0], stage_names[-1]]))


def publish_preview(targets: pd.DataFrame) -> pd.DataFrame:
    """The company targets a plan publishes as target rows (in words) × period columns, rounded for
    display; a period the target does not have (the year, for pipeline volumes) shows "—"."""
    preview = targets.assign(
        metric=[metric_label(m) for m in targets["metric"]],
        target_value=[target_text(v, m) for v, m in zip(targets["target_value"], targets["metric"])],
    )
    table = preview.pivot(index="metric", columns="period", values="target_value")
    table = table.reindex(list(dict.fromkeys(preview["metric"]))).fillna("—")
    return table.rename_axis("Target").rename_axis(None, axis=1).reset_index()
