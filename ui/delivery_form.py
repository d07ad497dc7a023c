"""The Delivery capacity page's inputs as pure functions over a mapping (the page passes
st.session_state; tests pass a dict): which plan it reads, the delivery assumptions filled from that
plan's `delivery` block (or sensible defaults), and read back into the block. Percentages are typed in
percent and are fractions in the scenario, like the Back-calculation page's rates."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

import pandas as pd

from analytics.funnel import Delivery, Scenario, ScenarioError, parse_fractions, scenario_with_data_defaults
from analytics.funnel.to_date import CONSULTANT
from analytics.headcount import staff_on
from ui import state
from ui.backcalc_form import data_defaults, percent

BASE_PLAN = "Base plan (from the data)"
# A tech-services firm's usual figures, offered when a plan has no delivery block yet.
DEFAULT_DELIVERY = {
    "services_share": 0.6,
    "rate_per_hour": 150.0,
    "hours_per_fte_per_month": 140.0,
    "target_utilisation": 0.75,
    "consultant_ramp": [0.5, 0.75, 1.0],
}


def plan_data(choice: str, base: Mapping, saved: Mapping | None, tables: Mapping[str, pd.DataFrame], year: int):
    """The chosen plan's scenario JSON object for `year`, completed from the stored data (the base
    plan: target and beginning ARR of the year; a saved one: what it leaves out), and the notes."""
    if choice == BASE_PLAN or saved is None:
        found = data_defaults(base, tables, year)
    else:
        found = scenario_with_data_defaults(saved, tables["arr_actuals"], tables.get("headcount"), year)
    return dict(found.scenario), found.notes


def fill_inputs(form: MutableMapping, scenario: Mapping, headcount: pd.DataFrame, year: int) -> None:
    """Set the delivery inputs from the plan's delivery block (defaults where it has none); starting
    consultants from the block, else the Headcount sheet's consultants at the plan start, else 0."""
    block = {**DEFAULT_DELIVERY, **(scenario.get("delivery") or {})}
    form[state.DELIVERY_SHARE] = percent(block["services_share"])
    form[state.DELIVERY_RATE] = float(block["rate_per_hour"])
    form[state.DELIVERY_HOURS] = float(block["hours_per_fte_per_month"])
    form[state.DELIVERY_UTILISATION] = percent(block["target_utilisation"])
    form[state.DELIVERY_RAMP] = ", ".join(f"{r:g}" for r in block["consultant_ramp"])
    starting = block.get("starting_consultants")
    if starting is None:
        starting = staff_on(headcount, CONSULTANT, pd.Timestamp(year, 1, 1)) or 0.0
    form[state.DELIVERY_STARTING] = float(starting)


def delivery_block(form: Mapping) -> dict:
    """The inputs as a scenario's `delivery` object (ScenarioError naming what is wrong)."""
    block = {
        "services_share": form[state.DELIVERY_SHARE] / 100,
        "rate_per_hour": form[state.DELIVERY_RATE],
        "hours_per_fte_per_month": form[state.DELIVERY_HOURS],
        "target_utilisation": form[state.DELIVERY_UTILISATION] / 100,
        "consultant_ramp": parse_fractions(form[state.DELIVERY_RAMP], "consultant ramp"),
        "starting_consultants": form[state.DELIVERY_STARTING],
    }
    return Delivery.from_dict(block).to_dict()


def planned_scenario(scenario: Mapping, form: Mapping) -> tuple[Scenario | None, str | None]:
    """The plan with the delivery inputs as its delivery block, or (None, the problem)."""
    try:
        return Scenario.from_dict(dict(scenario) | {"delivery": delivery_block(form)}), None
    except ScenarioError as exc:
        return None, str(exc)
