"""Back-calculation explorer: from the company ARR target down to bookings, funnel volumes,
acquisition channels and sales headcount, with sensitivity, coverage by team KRs and saved scenarios.

Rates are typed in percent here and become fractions in the scenario (the JSON the backcalc CLI
reads; ui.backcalc_form turns the one into the other). Every number is computed unrounded by
analytics.funnel and rounded up only on screen. The tabs are drawn by ui.backcalc_inputs,
ui.backcalc_views and ui.backcalc_scenarios.
"""

from functools import partial

import streamlit as st

from analytics.funnel import arr_starting_point
from ui import state
from ui.backcalc_form import form_plan
from ui.backcalc_inputs import channel_inputs, scenario_inputs, start_form
from ui.backcalc_scenarios import scenarios_view
from ui.backcalc_views import channels_view, coverage_view, headline, plan_view, sensitivity_view
from ui.context import tables
from ui.filters import current_filters

ss = st.session_state
filters = current_filters()
if state.BACKCALC_COVERAGE_PERIOD in ss:  # keep the choice while the Coverage tab is closed
    ss[state.BACKCALC_COVERAGE_PERIOD] = ss[state.BACKCALC_COVERAGE_PERIOD]
data = tables()
start = arr_starting_point(data["arr_actuals"], data["company_targets"], filters.as_of, filters.as_of.year)
start_form(start, filters.as_of)

st.title("Back-calculation")
st.caption(
    "From the ARR target to bookings, the funnel, channels and the sales team. Change any input: the other "
    "tabs follow. Volumes, deals and reps are computed unrounded and rounded up on screen."
)
headline_area = st.container()
# The open tab is in the URL (?backcalc_tab=Coverage) and only its figures are built: the inputs
# and the scenario controls are drawn in every run so that their widgets keep their values.
inputs_tab, plan_tab, channels_tab, sensitivity_tab, coverage_tab, scenarios_tab = st.tabs(
    ["Inputs", "Plan", "Channels", "Sensitivity", "Coverage", "Scenarios"], key=state.BACKCALC_TAB, bind="query-params"
)

with inputs_tab:
    stages = scenario_inputs(start)
with channels_tab:
    st.caption(
        "Split the volume one stage needs (e.g. opportunities) across acquisition channels; each channel "
        "reaches it with its own conversion rates for the stages above. Shares add up to 100 %."
    )
    channel_keys = channel_inputs(stages)
scenario, plan, problems = form_plan(ss, stages, channel_keys)
year = int(ss[state.BACKCALC_YEAR])

with headline_area:
    headline(plan, problems)

for tab, view in (
    (plan_tab, plan_view),
    (channels_tab, channels_view),
    (sensitivity_tab, sensitivity_view),
    (coverage_tab, partial(coverage_view, as_of=filters.as_of, data=data)),
):
    if tab.open:
        with tab:
            if plan is None:
                st.info("Fix the inputs (see the message above) to see this.")
            else:
                view(plan, year)

with scenarios_tab:
    scenarios_view(scenario, plan, year)
