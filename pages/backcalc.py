"""Back-calculation explorer: from the company ARR target down to bookings, funnel volumes,
acquisition channels and sales headcount, with sensitivity, coverage by team KRs and saved scenarios.
The plan starts from the stored data (the ARR at the start of the plan year, the sales reps on staff
then) and is planned to the as-of date: the new ARR already won counts, the rest of the year is what
remains.

Rates are typed in percent here and become fractions in the scenario (the JSON the backcalc CLI
reads; ui.backcalc_form turns the one into the other). Every number is computed unrounded by
analytics.funnel and rounded up only on screen. The tabs are drawn by ui.backcalc_inputs,
ui.backcalc_views and ui.backcalc_scenarios.
"""

from functools import partial

import streamlit as st

from ui import state
from ui.backcalc_form import form_plan, to_date
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
defaults = start_form(data, filters.as_of)

st.title("Back-calculation")
st.caption(
    f"From the ARR target to bookings, the funnel, channels and the sales team, planned to "
    f"{filters.as_of:%d %B %Y} (the as-of date in the sidebar). Change any input: the other tabs follow. "
    "Volumes, deals and reps are computed unrounded and rounded up on screen."
)
st.page_link("pages/delivery.py", label="Can we deliver it? Delivery capacity", icon=":material/engineering:")
headline_area = st.container()
# The open tab is in the URL (?backcalc_tab=Coverage) and only its figures are built: the inputs
# and the scenario controls are drawn in every run so that their widgets keep their values.
inputs_tab, plan_tab, channels_tab, sensitivity_tab, coverage_tab, scenarios_tab = st.tabs(
    ["Inputs", "Plan", "Channels", "Sensitivity", "Coverage", "Scenarios"], key=state.BACKCALC_TAB, bind="query-params"
)

with inputs_tab:
    stages = scenario_inputs(data, filters.as_of, defaults.notes)
with channels_tab:
    st.caption(
        "Split the volume one stage needs (e.g. opportunities) across acquisition channels; each channel "
        "reaches it with its own conversion rates for the stages above. Shares add up to 100 %."
    )
    channel_keys = channel_inputs(stages)
scenario, plan, problems = form_plan(ss, stages, channel_keys)
year = int(ss[state.BACKCALC_YEAR])
progress = to_date(scenario if plan is not None else None, data["arr_actuals"], year, filters.as_of)

with headline_area:
    headline(plan, progress, problems)

for tab, view in (
    (plan_tab, partial(plan_view, progress=progress, notes=defaults.notes)),
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
