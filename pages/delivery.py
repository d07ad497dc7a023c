"""Delivery capacity: the consultants the growth plan needs month by month (DESIGN "Delivery
capacity") against the consultants on staff and the planned hires, utilisation against its target,
and how the need moves with the rate and the utilisation. The plan is the base plan from the stored
data or a saved scenario; the delivery assumptions are typed here and saved with it."""

import json

import pandas as pd
import streamlit as st

from analytics.delivery_capacity import capacity_table, latest_utilisation, utilisation_table
from analytics.funnel import back_calculate
from analytics.headcount import COMPANY_LABEL
from charts.delivery import capacity_figure, team_utilisation_figure, utilisation_figure
from store import scenarios as saved
from ui import state
from ui.backcalc_inputs import BASE_SCENARIO
from ui.context import store, tables
from ui.delivery_form import BASE_PLAN, fill_inputs, plan_data, planned_scenario
from ui.delivery_view import (
    assumption_inputs,
    capacity_warning,
    headline,
    plan_choices,
    save_assumptions,
    sensitivity_table,
)
from ui.filters import current_filters

ss = st.session_state
filters = current_filters()
data = tables()
year = filters.as_of.year
headcount = data["headcount"]

st.title("Delivery capacity")
st.caption(
    "Can we deliver what the plan sells? The plan's ARR month by month gives the services revenue to deliver, the "
    "billable hours and the consultants needed at the target utilisation; hires join early enough to be fully "
    "ramped when needed. Against them: the consultants on staff (the Headcount sheet) and their utilisation."
)
st.page_link("pages/backcalc.py", label="The growth plan: Back-calculation", icon=":material/calculate:")

choices = plan_choices()
if ss.get(state.DELIVERY_PLAN) not in choices:
    ss[state.DELIVERY_PLAN] = BASE_PLAN
choice = st.selectbox("Plan", choices, key=state.DELIVERY_PLAN)
base = json.loads(BASE_SCENARIO.read_text(encoding="utf-8"))
chosen = None if choice == BASE_PLAN else saved.load_scenario(store(), choice)
scenario_data, notes = plan_data(choice, base, chosen, data, year)
if ss.get(state.DELIVERY_LOADED) != (choice, year):
    fill_inputs(ss, scenario_data, headcount, year)
    ss[state.DELIVERY_LOADED] = (choice, year)
for note in notes:
    st.info(note)

with st.expander("Delivery assumptions", expanded="delivery" not in scenario_data):
    assumption_inputs()
scenario, problem = planned_scenario(scenario_data, ss)
if scenario is None:
    st.error(f"These assumptions cannot be planned: {problem}")
    st.stop()

delivery = back_calculate(scenario).delivery
capacity = capacity_table(delivery, headcount, year, filters.as_of)
target = delivery.inputs.target_utilisation
headline(capacity, delivery, latest_utilisation(headcount, filters.as_of))
capacity_warning(capacity, delivery)
st.plotly_chart(capacity_figure(capacity, f"Consultants needed vs on staff and planned hires, {year}"), width="stretch")

by_month, by_team = st.columns(2)
usage = utilisation_table(headcount, target)
company = usage[usage["team"] == COMPANY_LABEL].tail(12)
if company.empty:
    st.info("The Headcount sheet has no billable and available hours yet: utilisation shows once it has.")
else:
    by_month.plotly_chart(utilisation_figure(company, target, "Utilisation by month"), width="stretch")
    last = company["month"].iloc[-1]
    teams = usage[(usage["month"] == last) & (usage["level"] == "team")]
    month_name = pd.Period(last, "M").strftime("%B %Y")
    by_team.plotly_chart(team_utilisation_figure(teams, target, f"Utilisation by team, {month_name}"), width="stretch")

st.subheader("What moves the consultants needed")
sensitivity_table(scenario)
save_assumptions(scenario_data)
