"""The Delivery capacity page's widgets: the plan picker and the delivery assumptions, the headline
figures, the capacity warning, the sensitivity table and saving the assumptions into a scenario."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.delivery_capacity import capacity_outlook, capacity_warnings, hires_from_record, sensitivity
from analytics.funnel import Scenario, display_ceil
from store import scenarios as saved
from store.access import EDIT_SCENARIOS
from ui import records, state
from ui.auth import recorded_name, refusal
from ui.context import store
from ui.delivery_form import BASE_PLAN, delivery_block
from ui.tables import table_height

ss = st.session_state


def plan_choices() -> list[str]:
    return [BASE_PLAN, *saved.list_scenarios(store())["name"]]


def assumption_inputs() -> None:
    """The delivery assumptions, three to a row (their values live in session state)."""
    first, second, third = st.columns(3)
    first.number_input("Services share of ARR (%)", 0.0, 100.0, step=5.0, key=state.DELIVERY_SHARE)
    second.number_input("Revenue per billable hour ($)", 1.0, step=5.0, format="%.0f", key=state.DELIVERY_RATE)
    third.number_input("Target utilisation (%)", 1.0, 100.0, step=1.0, key=state.DELIVERY_UTILISATION)
    first, second, third = st.columns(3)
    first.number_input("Working hours per FTE per month", 1.0, 744.0, step=5.0, key=state.DELIVERY_HOURS)
    second.text_input(
        "Consultant ramp by month",
        key=state.DELIVERY_RAMP,
        help="Share of full productivity in a new consultant's 1st, 2nd, … month, e.g. 0.5, 0.75, 1",
    )
    third.number_input("Consultants on staff at the plan start", 0.0, step=1.0, key=state.DELIVERY_STARTING)


def headline(capacity: pd.DataFrame, delivery, latest_utilisation) -> None:
    peak, hires = delivery.peak_consultants, sum(delivery.consultants.hires)
    known = capacity[capacity["known"]]
    columns = st.columns(4)
    columns[0].metric(
        "Peak need", display_ceil(peak), help="Consultants the plan needs in its busiest month", border=True
    )
    if known.empty:
        columns[1].metric("On staff", "—", border=True)
    else:
        last = known.iloc[-1]
        month = pd.Period(last["month"], "M").strftime("%b %Y")
        columns[1].metric(f"On staff ({month})", f"{last['on_staff']:g}", border=True)
    columns[2].metric(
        "Plan's hires",
        display_ceil(hires),
        help="Consultants the plan hires in the year, from the staff at its start",
        border=True,
    )
    if latest_utilisation is None:
        columns[3].metric("Utilisation", "no hours recorded", border=True)
    else:
        target = delivery.inputs.target_utilisation
        value = latest_utilisation["utilisation"]
        columns[3].metric(
            f"Utilisation ({pd.Period(latest_utilisation['month'], 'M').strftime('%b %Y')})",
            f"{value:.0%}",
            f"{(value - target) * 100:+.0f} pts vs {target:.0%} target",
            border=True,
        )


def capacity_warning(capacity: pd.DataFrame, delivery) -> None:
    short = capacity_warnings(capacity)
    if short.empty:
        st.success("Staff on record plus the planned hires cover what the plan needs in every month of the year.")
        return
    worst = short.iloc[0]
    months = ", ".join(pd.Period(m, "M").strftime("%b") for m in sorted(short["month"]))
    text = (
        f"**Capacity gap:** in {_month(worst['month'], '%B %Y')} the plan needs {worst['needed']:.1f} consultants; "
        f"staff plus planned hires give {worst['expected_staff']:.1f} — **{worst['gap']:.1f} short**. "
        f"Months short: {months}."
    )
    again = hires_from_record(delivery, capacity)
    if again is not None:
        months_ahead, hiring = again
        hires = [f"{h:.1f} in {_month(m, '%b')}" for m, h in zip(months_ahead, hiring.hires) if h >= 0.05]
        if hires:
            text += f" To cover the rest of the year from the staff on record, hire {', '.join(hires)}"
            still = [_month(m, "%b") for m, g in zip(months_ahead, hiring.gap) if g >= 0.05]
            text += f" (still short while they ramp: {', '.join(still)})." if still else "."
    st.warning(text)


def _month(month: str, layout: str) -> str:
    return pd.Period(month, "M").strftime(layout)


def sensitivity_table(scenario: Scenario) -> None:
    grid = sensitivity(scenario)
    base_rate, base_target = scenario.delivery.rate_per_hour, scenario.delivery.target_utilisation
    shown = grid.map(display_ceil)
    shown.index = [f"${rate:,.0f}/h" + (" (plan)" if abs(rate - base_rate) < 1e-9 else "") for rate in grid.index]
    shown.columns = [f"{t:.0%}" + (" (plan)" if abs(t - base_target) < 1e-9 else "") for t in grid.columns]
    st.dataframe(shown, height=table_height(len(shown)))
    st.caption(
        "Consultants needed at the peak month, by revenue per billable hour (rows) and target utilisation "
        "(columns); rounded up."
    )


def save_assumptions(scenario_data: dict) -> None:
    """Save the plan with these delivery assumptions as a named scenario (through ui.records)."""
    with st.expander("Save these assumptions with the plan"):
        denied = refusal(EDIT_SCENARIOS)
        choice = ss[state.DELIVERY_PLAN]
        name = st.text_input("Scenario name", value="" if choice == BASE_PLAN else choice, key="delivery_save_name")
        author = recorded_name("Saved by", state.BACKCALC_AUTHOR)
        why = (
            denied
            or ("type a scenario name" if not name.strip() else None)
            or ("type your name" if not author else None)
        )
        if st.button("Save scenario", disabled=why is not None, help=why and f"Disabled: {why}"):
            ss[state.DELIVERY_MESSAGE] = records.save_scenario(
                name, scenario_data | {"delivery": delivery_block(ss)}, author
            )
            st.rerun()
        records.show_outcome(state.DELIVERY_MESSAGE)


def review_outlook(headcount: pd.DataFrame, company_targets: pd.DataFrame, as_of) -> None:
    """The Company overview's delivery line: last month's utilisation against the published target,
    and the next quarter's published consultants target against the staff on record (when the data
    has them)."""
    outlook = capacity_outlook(headcount, company_targets, as_of)
    if outlook is None:
        return
    st.subheader("Delivery capacity")
    left, right, link = st.columns([1, 1, 1])
    month = _month(outlook.month, "%b %Y")
    delta = None
    if outlook.utilisation_target is not None:
        target = outlook.utilisation_target
        delta = f"{outlook.utilisation * 100 - target:+.0f} pts vs {target:.0f}% target"
    left.metric(f"Utilisation ({month})", f"{outlook.utilisation:.0%}", delta, border=True)
    if outlook.gap is None:
        right.metric(f"Consultants on staff ({month})", f"{outlook.on_staff or 0:g}", border=True)
    else:
        right.metric(
            f"Capacity gap for {outlook.quarter}",
            f"{outlook.gap:.1f}",
            f"{outlook.consultants_target:.1f} needed, {outlook.on_staff:g} on staff",
            delta_color="inverse" if outlook.gap > 0 else "off",
            border=True,
        )
    link.page_link("pages/delivery.py", label="Delivery capacity", icon=":material/engineering:")
