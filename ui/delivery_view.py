"""The Delivery capacity page's widgets: the plan picker and the delivery assumptions, the headline
figures, the capacity warning, the sensitivity table and saving the assumptions into a scenario."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.delivery_capacity import capacity_warnings, sensitivity
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
    columns[0].metric("Consultants needed at the peak", display_ceil(peak), border=True)
    if known.empty:
        columns[1].metric("On staff", "—", border=True)
    else:
        last = known.iloc[-1]
        month = pd.Period(last["month"], "M").strftime("%b %Y")
        columns[1].metric(f"On staff ({month})", f"{last['on_staff']:g}", border=True)
    columns[2].metric("Hires the plan makes in the year", display_ceil(hires), border=True)
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


def capacity_warning(capacity: pd.DataFrame) -> None:
    short = capacity_warnings(capacity)
    if short.empty:
        st.success("Staff on record plus the planned hires cover what the plan needs in every month of the year.")
        return
    worst = short.iloc[0]
    months = ", ".join(pd.Period(m, "M").strftime("%b") for m in sorted(short["month"]))
    st.warning(
        f"**Capacity gap:** in {pd.Period(worst['month'], 'M').strftime('%B %Y')} the plan needs "
        f"{worst['needed']:.1f} consultants; staff plus planned hires give {worst['expected_staff']:.1f} — "
        f"**{worst['gap']:.1f} short**. Months short: {months}. Hire earlier or raise utilisation."
    )


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
