"""ui.backcalc_form: the back-calculation form and its scenario, both ways, on a plain dict in place
of st.session_state."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics.funnel import Scenario, back_calculate, plan_to_date
from ui import state
from ui.backcalc_form import (
    ANNUAL,
    DEFAULT_CHANNELS,
    DEFAULT_DEALS_PER_REP,
    MONTHLY,
    channel_editor_number,
    channel_table,
    channels_from_editor,
    data_defaults,
    default_scenario,
    form_plan,
    load_into,
    money_text,
    parse_money,
    percent,
    planned,
    planned_to,
    stage_table,
    stages_from_editor,
    start_year,
    tidy_money,
    to_date,
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
    assert form[state.BACKCALC_TARGET] == "3,880,000"  # money reads with thousands separators
    assert (form[state.BACKCALC_BEGINNING], form[state.BACKCALC_DEAL_SIZE]) == ("2,000,000", "25,000")
    assert form[state.BACKCALC_PLAN_REPS] is True and form[state.BACKCALC_DEALS_PER_REP] == 5.0
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


WITHOUT_REPS = {key: value for key, value in REFERENCE.items() if key != "deals_per_rep_per_quarter"}


@pytest.mark.parametrize(
    "keys",
    [
        REFERENCE,
        {**REFERENCE, **CHANNELS},
        {**REFERENCE, "monthly_churn_rate": 0.02, "ramp_unit": "month"},
        WITHOUT_REPS,
        {**REFERENCE, "target_arr": 3_880_000.5},  # cents survive the text input
        {  # the delivery block is carried through the form to saving and publishing
            **REFERENCE,
            "delivery": {"rate_per_hour": 150, "target_utilisation": 0.75, "starting_consultants": 7},
        },
    ],
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
    form[state.BACKCALC_DEAL_SIZE] = "0"
    form[state.BACKCALC_TARGET] = "5 millions"
    scenario, plan, problems = read_back(form)
    assert (scenario, plan) == (None, None)
    assert problems[0] == "target_arr: '5 millions' is not an amount (write e.g. 5,000,000, $5M or 750k)"
    assert problems[1] == "ramp: 'half' is not a number (write fractions such as 0.25, 0.5, 0.75, 1)"
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


def test_money_is_typed_with_separators_and_units():
    assert [parse_money(t) for t in ("5,000,000", "$5M", "5.2m", "750k", " 2 500 000 ", "$1,234.50", ".5k")] == [
        5_000_000.0,
        5_000_000.0,
        5_200_000.0,
        750_000.0,
        2_500_000.0,
        1_234.5,
        500.0,
    ]
    for bad in ("", "-5", "5 millions", "1,2,3x", "$", "5e3"):
        with pytest.raises(ValueError, match="is not an amount"):
            parse_money(bad)
    assert (money_text(5_000_000.0), money_text(1_234.5)) == ("5,000,000", "1,234.50")
    form = {state.BACKCALC_TARGET: "6.5m", state.BACKCALC_DEAL_SIZE: "lots"}
    tidy_money(form, state.BACKCALC_TARGET)
    tidy_money(form, state.BACKCALC_DEAL_SIZE)
    assert form == {state.BACKCALC_TARGET: "6,500,000", state.BACKCALC_DEAL_SIZE: "lots"}  # left for the check


def test_without_reps_the_plan_stops_at_the_funnel():
    form = loaded(Scenario.from_dict(REFERENCE))
    form[state.BACKCALC_PLAN_REPS] = False
    scenario, plan, problems = read_back(form)
    assert problems == [] and scenario.deals_per_rep_per_quarter is None
    assert plan.reps is None and plan.deals == pytest.approx(80)
    form = loaded(Scenario.from_dict(WITHOUT_REPS))
    assert form[state.BACKCALC_PLAN_REPS] is False
    assert form[state.BACKCALC_DEALS_PER_REP] == DEFAULT_DEALS_PER_REP  # offered when reps are turned on


def stored(arr_months: dict[str, float], headcount: list[tuple] | None = None, target: float | None = 6e6) -> dict:
    """Stored tables: ArrActuals (month → ending ARR, new = a tenth of it), the 2027 ARR target, and
    Headcount rows (month, role, fte)."""
    actuals = pd.DataFrame(
        {
            "month": list(arr_months),
            "new": [v / 10 for v in arr_months.values()],
            "ending_arr": list(arr_months.values()),
        }
    )
    targets = pd.DataFrame(
        [("2027", "arr", 2e6, target)] if target else [], columns=["period", "metric", "start_value", "target_value"]
    )
    staff = pd.DataFrame(
        [(month, "Sales", role, fte, None, None) for month, role, fte in headcount or []],
        columns=["month", "team", "role", "fte", "billable_hours", "available_hours"],
    )
    return {"arr_actuals": actuals, "company_targets": targets, "headcount": staff}


def test_the_default_scenario_starts_the_plan_year_from_the_stored_data():
    data = stored(
        {"2026-11": 1_900_000.0, "2026-12": 2_100_000.0, "2027-05": 2_900_000.0},
        [("2026-12", "sales_rep", 3.0), ("2026-12", "sales_rep", 0.5), ("2027-05", "sales_rep", 5.0)],
    )
    defaults = data_defaults({**REFERENCE, "starting_reps": 9}, data, 2027)
    scenario = default_scenario(defaults)
    # the ARR of December 2026, not the latest month; the reps on staff in December, not the base's 9
    assert (scenario.beginning_arr, scenario.target_arr, scenario.starting_reps) == (2_100_000.0, 6e6, 3.5)
    assert defaults.notes == ()
    assert stage_table(scenario)["stage"].tolist() == ["emails", "replies", "meetings", "opportunities"]
    assert channel_table(Scenario.from_dict({**REFERENCE, **CHANNELS})).values.tolist() == [
        ["Outbound", 75.0, 10.0, 33.0],
        ["Inbound", 25.0, 20.0, 50.0],
    ]


def test_what_the_data_cannot_give_falls_back_with_a_note():
    defaults = data_defaults(REFERENCE, stored({"2027-01": 2_200_000.0}, target=None), 2027)
    scenario = default_scenario(defaults)
    assert (scenario.beginning_arr, scenario.target_arr, scenario.starting_reps) == (2_000_000.0, 3_880_000.0, 0.0)
    assert defaults.notes == (
        "No ARR actual for 2026-12 is stored: the plan starts from the base scenario's beginning ARR "
        "($2,000,000); type the ARR at the start of 2027 if you know it.",
        "No sales reps on staff at the plan start: the Headcount sheet has no sales_rep row for 2026-12, so the "
        "plan starts from 0 sales reps.",
    )


def test_another_plan_year_takes_its_start_from_the_data():
    data = stored({"2026-12": 2_100_000.0, "2027-12": 3_300_000.0}, [("2027-12", "sales_rep", 6.0)])
    form = loaded(default_scenario(data_defaults(REFERENCE, data, 2027)))
    form[state.BACKCALC_DEAL_SIZE] = "30,000"  # typed: stays
    start_year(form, data_defaults(REFERENCE, data, 2028))
    assert form[state.BACKCALC_BEGINNING] == "3,300,000"
    assert form[state.BACKCALC_STARTING_REPS] == 6.0
    assert form[state.BACKCALC_TARGET] == "3,880,000"  # no 2028 target stored: the base scenario's
    assert form[state.BACKCALC_DEAL_SIZE] == "30,000"


def test_the_plan_is_planned_to_the_as_of_date():
    as_of = dt.date(2027, 5, 31)
    assert planned_to(2027, as_of) == as_of
    assert planned_to(2026, as_of) == dt.date(2026, 12, 31)  # a year over: all of it counted
    assert planned_to(2028, as_of) is None  # not begun: the whole year is still to book
    scenario = Scenario.from_dict(REFERENCE)
    actuals = stored({"2027-01": 1_000_000.0, "2027-04": 1_500_000.0, "2027-06": 2_000_000.0})["arr_actuals"]
    progress = to_date(scenario, actuals, 2027, as_of)
    assert progress == plan_to_date(scenario, actuals, as_of)
    assert progress.new_arr_won_to_date == 250_000.0  # January and April; June is after the as-of date
    assert to_date(scenario, actuals, 2028, as_of) is None
    assert to_date(None, actuals, 2027, as_of) is None
