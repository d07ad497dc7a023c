"""ui.backcalc_form: the back-calculation form and its scenario, both ways, on a plain dict in place
of st.session_state."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.funnel import ArrStartingPoint, Scenario, back_calculate
from ui import state
from ui.backcalc_form import (
    ANNUAL,
    DEFAULT_CHANNELS,
    MONTHLY,
    channel_editor_number,
    channel_table,
    channels_from_editor,
    default_scenario,
    form_plan,
    load_into,
    percent,
    planned,
    stage_table,
    stages_from_editor,
    validated,
)

REFERENCE = {  # DESIGN's reference funnel: new ARR 2,000,000, 80 deals
    "target_arr": 3_880_000,
    "beginning_arr": 2_000_000,
    "churn_rate": 0.12,
    "contraction_rate": 0.04,
    "expansion_rate": 0.10,
    "average_deal_size": 25_000,
    "deals_per_rep_per_quarter": 5,
    "stages": [
        {"name": "emails", "conversion_rate": 0.10},
        {"name": "replies", "conversion_rate": 0.33},
        {"name": "meetings", "conversion_rate": 0.50},
        {"name": "opportunities", "conversion_rate": 0.25},
    ],
    "seasonality": [0.2, 0.25, 0.25, 0.3],
    "ramp": [0.25, 0.5, 1.0],
    "sales_cycle_days": 90,
    "starting_reps": 2,
}
CHANNELS = {
    "channel_stage": "meetings",
    "channels": [
        {"name": "Outbound", "share": 0.75, "conversion_rates": {"emails": 0.10, "replies": 0.33}},
        {"name": "Inbound", "share": 0.25, "conversion_rates": {"emails": 0.20, "replies": 0.50}},
    ],
}


def loaded(scenario: Scenario, name: str | None = "Plan A") -> dict:
    form: dict = {}
    load_into(form, scenario, name)
    return form


def read_back(form: dict) -> tuple:
    """What the page does with the form: stages from the stage editor, channels from the channel
    editor when the split is on, then the scenario and its plan."""
    stages = stages_from_editor(form[state.BACKCALC_STAGES])
    channel_keys = {}
    if form[state.BACKCALC_CHANNELS_ON]:
        above = ("emails", "replies")
        channel_editor_number(form, above, stages)
        channel_keys = channels_from_editor(form[state.BACKCALC_CHANNELS], form[state.BACKCALC_CHANNEL_STAGE], above)
    return form_plan(form, stages, channel_keys)


def test_percent_drops_float_noise():
    assert percent(0.25) == 25.0
    assert percent(0.1 + 0.2) == 30.0  # not 30.000000000000004
    assert percent(0.0033) == 0.33


def test_a_scenario_loaded_into_the_form_shows_percents_and_tables():
    form = loaded(Scenario.from_dict(REFERENCE))
    assert form[state.BACKCALC_TARGET] == 3_880_000.0
    assert form[state.BACKCALC_CHURN_BASIS] == ANNUAL
    assert (form[state.BACKCALC_CHURN], form[state.BACKCALC_CONTRACTION], form[state.BACKCALC_EXPANSION]) == (
        12.0,
        4.0,
        10.0,
    )
    assert [form[key] for key in state.BACKCALC_SEASONALITY] == [20.0, 25.0, 25.0, 30.0]
    assert form[state.BACKCALC_RAMP] == "0.25, 0.5, 1"
    assert form[state.BACKCALC_STARTING_REPS] == 2.0
    assert form[state.BACKCALC_STAGES].to_dict("list") == {
        "step": [1, 2, 3, 4],
        "stage": ["emails", "replies", "meetings", "opportunities"],
        "rate": [10.0, 33.0, 50.0, 25.0],
    }
    # no channels: the editor starts from a default split with the funnel's rates above the last stage
    assert form[state.BACKCALC_CHANNELS_ON] is False
    assert form[state.BACKCALC_CHANNEL_STAGE] == "opportunities"
    channels = form[state.BACKCALC_CHANNELS]
    assert list(channels.columns) == ["channel", "share", "rate:emails", "rate:replies", "rate:meetings"]
    assert channels[["channel", "share"]].values.tolist() == [list(row) for row in DEFAULT_CHANNELS]
    assert channels["rate:replies"].tolist() == [33.0, 33.0, 33.0]
    assert form[state.BACKCALC_EDITOR_VERSION] == 1 and form[state.BACKCALC_NAME] == "Plan A"


def test_loading_again_starts_new_editors_and_keeps_a_name_when_none_is_given():
    form = loaded(Scenario.from_dict(REFERENCE))
    form[state.BACKCALC_CHANNELS_EDITED] = pd.DataFrame()
    form[state.BACKCALC_CHANNELS_LAYOUT] = (3, (1, ("emails",)))
    load_into(form, Scenario.from_dict({**REFERENCE, "monthly_churn_rate": 0.01}), None)
    assert form[state.BACKCALC_EDITOR_VERSION] == 2
    assert form[state.BACKCALC_CHANNELS_LAYOUT] == (3, None)  # the channel editor is rebuilt on the loaded table
    assert state.BACKCALC_CHANNELS_EDITED not in form
    assert form[state.BACKCALC_NAME] == "Plan A"
    assert (form[state.BACKCALC_CHURN_BASIS], form[state.BACKCALC_CHURN]) == (MONTHLY, 1.0)


@pytest.mark.parametrize(
    "keys", [REFERENCE, {**REFERENCE, **CHANNELS}, {**REFERENCE, "monthly_churn_rate": 0.02, "ramp_unit": "month"}]
)
def test_form_and_scenario_round_trip(keys):
    original = Scenario.from_dict(keys)
    scenario, plan, problems = read_back(loaded(original))
    assert problems == []
    assert scenario == original
    assert plan == back_calculate(original)


def test_the_stage_editor_reads_top_down_by_step():
    edited = pd.DataFrame(
        {
            "step": [2, 1, None, 3, 4],
            "stage": ["replies", "emails", "new", None, 7],
            "rate": [33.0, 10.0, None, None, 25.0],
        }
    )
    assert stages_from_editor(edited) == [
        {"name": "emails", "conversion_rate": 0.10},
        {"name": "replies", "conversion_rate": 0.33},
        {"name": "", "conversion_rate": 0.25},  # a name that is not text: the scenario check names it
        {"name": "new", "conversion_rate": None},
    ]  # no step: last; the row with neither name nor rate is gone


def test_the_channel_editor_is_rebuilt_when_the_stages_above_the_split_change():
    form = loaded(Scenario.from_dict({**REFERENCE, **CHANNELS}))
    stages = stages_from_editor(form[state.BACKCALC_STAGES])
    assert channel_editor_number(form, ("emails", "replies"), stages) == 1
    assert form[state.BACKCALC_CHANNELS]["rate:replies"].tolist() == [33.0, 50.0]
    assert channel_editor_number(form, ("emails", "replies"), stages) == 1  # unchanged: the same editor
    typed = form[state.BACKCALC_CHANNELS].assign(share=[70.0, 30.0])
    form[state.BACKCALC_CHANNELS_EDITED] = typed
    assert channel_editor_number(form, ("emails", "replies", "meetings"), stages) == 2
    table = form[state.BACKCALC_CHANNELS]
    assert list(table.columns) == ["channel", "share", "rate:emails", "rate:replies", "rate:meetings"]
    assert table["share"].tolist() == [70.0, 30.0]  # what was typed stays
    assert table["rate:meetings"].tolist() == [50.0, 50.0]  # a new stage starts at the funnel's rate
    assert channels_from_editor(table, "opportunities", ("emails", "replies", "meetings"))["channels"][0] == {
        "name": "Outbound",
        "share": 0.70,
        "conversion_rates": {"emails": 0.10, "replies": 0.33, "meetings": 0.50},
    }


def test_every_problem_of_the_inputs_is_named():
    form = loaded(Scenario.from_dict(REFERENCE))
    form[state.BACKCALC_RAMP] = "0.5, half"
    form[state.BACKCALC_DEAL_SIZE] = 0.0
    scenario, plan, problems = read_back(form)
    assert (scenario, plan) == (None, None)
    assert problems[0] == "ramp: 'half' is not a number (write fractions such as 0.25, 0.5, 0.75, 1)"
    assert any(p.startswith("average_deal_size must be more than 0") for p in problems)
    assert validated({**REFERENCE}, "1")[1] == []


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_numbers_beyond_floating_point_are_a_problem_not_a_crash():
    huge = Scenario.from_dict({**REFERENCE, "target_arr": 1e308, "stages": [{"name": "a", "conversion_rate": 1e-300}]})
    assert planned(huge, []) == (
        None,
        None,
        ["the scenario's numbers are too large to compute; check target_arr and the conversion rates"],
    )
    assert planned(None, ["x"]) == (None, None, ["x"])


def test_the_default_scenario_starts_from_the_stored_arr():
    start = ArrStartingPoint(
        latest_month="2027-05", latest_arr=2_500_000.0, year_start_arr=2_000_000.0, year_target=6_000_000.0
    )
    scenario = default_scenario(REFERENCE, start)
    assert (scenario.beginning_arr, scenario.target_arr) == (2_500_000.0, 6_000_000.0)
    nothing_stored = ArrStartingPoint(None, None, None, None)
    assert default_scenario(REFERENCE, nothing_stored) == Scenario.from_dict(REFERENCE)
    assert stage_table(scenario)["stage"].tolist() == ["emails", "replies", "meetings", "opportunities"]
    assert channel_table(Scenario.from_dict({**REFERENCE, **CHANNELS})).values.tolist() == [
        ["Outbound", 75.0, 10.0, 33.0],
        ["Inbound", 25.0, 20.0, 50.0],
    ]
