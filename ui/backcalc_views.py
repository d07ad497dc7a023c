"""The back-calculation page's result tabs drawn from a plan: the headline figures, Plan, Channels,
Sensitivity and Coverage. The tables they show come from ui.backcalc_tables, the figures from
charts.funnel."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics.channels import ALL_CHANNELS, QUARTER_COLUMNS, channel_volumes
from analytics.funnel import (
    Plan,
    PlanToDate,
    ScenarioError,
    committed_key_results,
    coverage,
    stage_volumes_by_month,
    two_way_table,
)
from charts.funnel import (
    arr_waterfall_figure,
    bookings_to_date_figure,
    channel_volume_figure,
    count_text,
    coverage_figure,
    monthly_volume_figure,
    reps_figure,
    stage_funnel_figure,
    tornado_figure,
    two_way_heatmap,
)
from charts.theme import money
from ui import state
from ui.backcalc_tables import (
    channel_months,
    channel_rows,
    coverage_periods,
    coverage_rows,
    default_coverage_period,
    headline_metrics,
    period_quarter,
    plan_rows,
    plan_sensitivity,
    remaining_rows,
    what_if_axes,
)
from ui.context import snapshot
from ui.tables import table_height

RIGHT = st.column_config.TextColumn(alignment="right")


def headline(plan: Plan | None, progress: PlanToDate | None, problems: list[str]) -> None:
    """The plan's key figures (planned to date when the year has begun), or what to fix in the inputs."""
    if plan is None:
        st.error("These inputs cannot be back-calculated. Fix:\n" + "\n".join(f"- {p}" for p in problems))
        return
    shown = headline_metrics(plan, progress)
    for column, (label, value, note, help_text) in zip(st.columns(len(shown)), shown):
        column.metric(label, value, note, delta_color="off", delta_arrow="off", border=True, help=help_text)
    if plan.surplus > 0:
        st.success(
            f"Target already covered by retained + expansion ARR; surplus {money(plan.surplus)} "
            f"(${plan.surplus:,.0f}). No new bookings are needed: every volume below is 0."
        )
    elif progress is not None and progress.unplaced > 0:
        st.warning(
            f"{money(progress.unplaced)} of new ARR still needed has no month left in {progress.plan_year} "
            "to be booked in."
        )


def plan_view(plan: Plan, year: int, progress: PlanToDate | None = None, notes: tuple[str, ...] = ()) -> None:
    """The Plan tab: the year so far (when begun), the whole year's plan, the sales team; `notes` say
    what the stored data could not give (shown first)."""
    scenario = plan.scenario
    for note in notes:
        st.info(note, icon=":material/info:")
    if progress is not None:
        _to_date_view(plan, progress)
    waterfall_col, funnel_col = st.columns(2)
    waterfall_col.plotly_chart(arr_waterfall_figure(plan, f"ARR {year}: beginning to target"), width="stretch")
    funnel_col.plotly_chart(stage_funnel_figure(plan, f"Required in {year}, by stage"), width="stretch")
    st.subheader(f"The whole of {year}, per quarter")
    shown = plan_rows(plan)
    st.dataframe(shown, hide_index=True, width="stretch", column_config={column: RIGHT for column in shown.columns[1:]})
    st.caption(
        "Year column: totals, except reps (the peak quarter) and headcount (at year end). A quarter's "
        "stage volumes are the ones behind that quarter's deals; the chart below shows when they are "
        "needed."
    )
    if plan.deals > 0:
        st.plotly_chart(
            monthly_volume_figure(
                stage_volumes_by_month(plan),
                year,
                f"Needed per month, {scenario.sales_cycle_days:g}-day sales cycle shift",
            ),
            width="stretch",
        )
    _reps_view(plan)


def _to_date_view(plan: Plan, progress: PlanToDate) -> None:
    """The year so far: each quarter's planned bookings beside the won ones, what remains, and the
    volumes the rest of the year needs."""
    as_of = progress.as_of
    st.plotly_chart(
        bookings_to_date_figure(progress, f"Bookings {progress.plan_year}: planned and won to {as_of:%d %b}"),
        width="stretch",
    )
    table_col, funnel_col = st.columns([3, 2], gap="medium")
    with table_col:
        st.subheader(f"Still needed after {as_of:%d %B %Y}")
        shown = remaining_rows(progress)
        st.dataframe(
            shown, hide_index=True, width="stretch", column_config={column: RIGHT for column in shown.columns[1:]}
        )
    funnel_col.plotly_chart(
        stage_funnel_figure(plan, f"Still needed after {as_of:%B}", remaining=progress), width="stretch"
    )
    table_col.caption(
        f"New ARR won from January to {as_of:%B} (ARR actuals) counts against the year's requirement; what "
        "remains is spread over the months left by the quarters' seasonality, and the deals and stage "
        "volumes follow from it (not shifted by the sales cycle: the top of the funnel is needed earlier). "
        "Quarters already over show —."
    )


def _reps_view(plan: Plan) -> None:
    scenario = plan.scenario
    if plan.reps is None:
        st.info(
            'This scenario plans no sales reps: turn on "Plan the sales team" on the Inputs tab and give '
            "the deals a fully ramped rep closes per quarter."
        )
        return
    st.plotly_chart(
        reps_figure(plan, f"Sales reps per quarter, {scenario.deals_per_rep_per_quarter:g} deals per ramped rep"),
        width="stretch",
    )
    short = max(plan.reps_gap_by_quarter)
    st.caption(
        f"{scenario.starting_reps:g} rep(s) on the team at the start of the year. New reps ramp "
        f"{', '.join(f'{r:.0%}' for r in scenario.ramp)} by {scenario.ramp_unit}; each hire joins early enough "
        "to be fully ramped when needed"
        + (
            f". Where the year leaves no time to ramp the team is short (up to {short:.1f} fully ramped reps): "
            "that shortfall is shown, not hired over."
            if short > 0
            else "."
        )
    )


def channels_view(plan: Plan, year: int) -> None:
    scenario = plan.scenario
    if not scenario.channels:
        return
    split = channel_volumes(plan)
    st.plotly_chart(
        channel_volume_figure(split, f"Required in {year} by channel, down to {scenario.channel_stage}"),
        width="stretch",
    )
    shown = channel_rows(split)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=table_height(len(shown)),
        column_config={
            "channel": "Channel",
            "stage": "Stage",
            "rate": st.column_config.TextColumn("Converts to next", alignment="right"),
            "year": st.column_config.TextColumn("Year", alignment="right"),
            **{q: RIGHT for q in QUARTER_COLUMNS},
        },
    )
    st.caption(
        f"{ALL_CHANNELS}: sums, with the blended conversion rate. Stages below {scenario.channel_stage} "
        "are shared by every channel (Plan tab)."
    )
    with st.expander("Per month, with the sales-cycle shift"):
        st.dataframe(channel_months(plan), width="stretch")


def sensitivity_view(plan: Plan, year: int) -> None:
    scenario = plan.scenario
    if plan.new_arr_required == 0:
        st.info("With a surplus no volume is needed, whatever the drivers: nothing to compare.")
        return
    try:
        what_if = plan_sensitivity(scenario)
    except ScenarioError as exc:  # a moved driver pushed a volume beyond floating point
        st.warning(f"No sensitivity for these inputs: {exc}")
        return
    names = [stage.name for stage in scenario.stages]
    top = plan.stages[0]
    st.plotly_chart(
        tornado_figure(
            what_if,
            "top_of_funnel",
            top.required,
            names,
            f"What moves the {top.name} needed ({count_text(top.required)})",
        ),
        width="stretch",
    )
    if plan.reps is not None:
        st.plotly_chart(
            tornado_figure(what_if, "reps", plan.reps, names, f"What moves the reps needed ({count_text(plan.reps)})"),
            width="stretch",
        )
    st.caption(
        "Each driver moves alone by ±10 % and ±20 % (conversion rates capped at 100 %). Conversion "
        "rates do not change reps: reps follow deals."
    )
    win_rates, deal_sizes = what_if_axes(scenario)
    st.plotly_chart(
        two_way_heatmap(
            two_way_table(scenario, win_rates, deal_sizes),
            scenario.stages[-1].conversion_rate,
            scenario.average_deal_size,
            f"{top.name.capitalize()} needed by win rate × deal size",
        ),
        width="stretch",
    )
    st.caption(
        f"Win rate: {scenario.stages[-1].name} → deal. The outlined cell is the plan; every other input stays as it is."
    )


def coverage_view(plan: Plan, year: int, as_of: dt.date, data: dict[str, pd.DataFrame]) -> None:
    periods = coverage_periods(year)
    if st.session_state.get(state.BACKCALC_COVERAGE_PERIOD) not in periods:
        st.session_state[state.BACKCALC_COVERAGE_PERIOD] = default_coverage_period(as_of, year)
    period = st.radio(
        "Compare with the KRs of",
        periods,
        horizontal=True,
        key=state.BACKCALC_COVERAGE_PERIOD,
        format_func=lambda p: f"{p} (whole year)" if "Q" not in p else p,
    )
    in_force = snapshot(as_of, period).krs
    committed = committed_key_results(data["key_results"], data["objectives"], period, in_force)
    table = coverage(plan, committed, period_quarter(period))
    st.plotly_chart(coverage_figure(table, f"Team KRs of {period} against the plan's requirement"), width="stretch")
    st.dataframe(
        coverage_rows(table),
        hide_index=True,
        width="stretch",
        column_config={column: RIGHT for column in ("Required", "Committed by KRs", "Coverage", "Short by")},
    )
    st.caption(
        f"Counts the KRs of every team whose objective's period is exactly {period}, tagged with a "
        f"funnel_stage, with the target in force on {as_of:%d %B %Y} (cancelled KRs left out): "
        "a quarter's KRs against that quarter's requirement, the year's KRs against the year's."
    )
    with st.expander(f"The {len(committed)} KRs counted"):
        st.dataframe(
            committed,
            hide_index=True,
            width="stretch",
            column_config={
                "kr_id": "KR",
                "team": "Team",
                "title": "Key result",
                "funnel_stage": "Funnel stage",
                "target_value": st.column_config.NumberColumn("Target", format="localized"),
            },
        )
