"""Bookings back-calculation (DESIGN "Formulas": Back-calculation, Coverage; "CLI": backcalc)."""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analytics.funnel import (
    COVERAGE_COLUMNS,
    MONTHLY_COLUMNS,
    SENSITIVITY_COLUMNS,
    Scenario,
    ScenarioError,
    Stage,
    back_calculate,
    coverage,
    display_ceil,
    forward_simulate,
    month_label,
    plan_table,
    sensitivity,
    stage_shift_days,
    stage_volumes_by_month,
    two_way_table,
)
from conftest import PROJECT_ROOT

# DESIGN's reference funnel. Target chosen so that new ARR is exactly 2,000,000:
# kept = 2,000,000 × (1 − 0.12 − 0.04 + 0.10) = 1,880,000; 3,880,000 − 1,880,000 = 2,000,000.
REFERENCE = {
    "target_arr": 3_880_000,
    "beginning_arr": 2_000_000,
    "churn_rate": 0.12,
    "contraction_rate": 0.04,
    "expansion_rate": 0.10,
    "average_deal_size": 25_000,
    "stages": [
        {"name": "emails", "conversion_rate": 0.10},
        {"name": "replies", "conversion_rate": 0.33},
        {"name": "meetings", "conversion_rate": 0.50},
        {"name": "opportunities", "conversion_rate": 0.25},
    ],
    "deals_per_rep_per_quarter": 5,
}


def scenario(**changes) -> Scenario:
    data = copy.deepcopy(REFERENCE)
    data.update(changes)
    return Scenario.from_dict(data)


# ---------------------------------------------------------------- reference cases


def test_design_reference_funnel():
    plan = back_calculate(scenario())
    assert plan.new_arr_required == pytest.approx(2_000_000)
    assert plan.deals == pytest.approx(80)  # 2,000,000 / 25,000
    required = {s.name: s.required for s in plan.stages}
    assert required["opportunities"] == pytest.approx(320)  # 80 / 0.25
    assert required["meetings"] == pytest.approx(640)  # 320 / 0.50
    assert required["replies"] == pytest.approx(1939.3939, abs=1e-3)  # 640 / 0.33 = 1,939.39…
    assert required["emails"] == pytest.approx(19393.939, abs=1e-2)  # 1,939.39… / 0.10 = 19,393.9…
    # rounded up only for display
    assert display_ceil(required["replies"]) == 1940
    assert display_ceil(required["emails"]) == 19394
    assert display_ceil(required["opportunities"]) == 320
    assert [s.name for s in plan.stages] == ["emails", "replies", "meetings", "opportunities"]


def test_display_ceil_ignores_float_noise():
    assert display_ceil(80.00000000000001) == 80
    assert display_ceil(80.01) == 81
    assert display_ceil(0.0) == 0


@pytest.mark.parametrize(
    ("monthly", "annual_percent"),
    [
        (0.01, 11.36),
        (0.02, 21.53),
        (0.03, 30.62),
        (0.05, 45.96),
        (0.10, 71.76),  # 1 − (1 − m)^12
    ],
)
def test_monthly_churn_becomes_annual(monthly, annual_percent):
    s = scenario(monthly_churn_rate=monthly)
    assert round(s.churn_rate * 100, 2) == annual_percent


def test_monthly_churn_overrides_annual_churn():
    s = scenario(churn_rate=0.5, monthly_churn_rate=0.01)
    assert s.churn_rate == pytest.approx(0.113615128)  # 1 − 0.99^12
    data = copy.deepcopy(REFERENCE)
    del data["churn_rate"]
    data["monthly_churn_rate"] = 0.01
    plan = back_calculate(Scenario.from_dict(data))
    # 3,880,000 − 2,000,000 × (1 − 0.1136151 − 0.04 + 0.10) = 3,880,000 − 1,892,769.74
    assert plan.new_arr_required == pytest.approx(1_987_230.26, abs=0.01)


def test_new_arr_required_by_hand():
    # base demo numbers: 5,000,000 − 2,000,000 × (1 − 0.12 − 0.04 + 0.10) = 5,000,000 − 1,880,000
    plan = back_calculate(scenario(target_arr=5_000_000))
    assert plan.new_arr_required == pytest.approx(3_120_000)
    assert plan.surplus == 0
    assert plan.retained_arr == pytest.approx(1_680_000)  # 2,000,000 × 0.84
    assert plan.churn_arr == pytest.approx(240_000)  # 2,000,000 × 0.12
    assert plan.contraction_arr == pytest.approx(80_000)  # 2,000,000 × 0.04
    assert plan.expansion_arr == pytest.approx(200_000)  # 2,000,000 × 0.10
    assert plan.deals == pytest.approx(124.8)  # 3,120,000 / 25,000
    assert plan.bookings_by_quarter == pytest.approx((780_000,) * 4)  # equal seasonality by default


def test_surplus_gives_zero_volumes_without_errors():
    # kept ARR 1,880,000 is above the 1,500,000 target: surplus 380,000
    s = scenario(target_arr=1_500_000)
    with np.errstate(all="raise"):
        plan = back_calculate(s)
        monthly = stage_volumes_by_month(plan)
        table = coverage(plan, pd.DataFrame({"funnel_stage": ["deals"], "target_value": [3.0]}))
    assert plan.new_arr_required == 0
    assert plan.surplus == pytest.approx(380_000)
    assert plan.deals == 0 and plan.bookings_by_quarter == (0.0,) * 4
    assert all(stage.required == 0 and stage.by_quarter == (0.0,) * 4 for stage in plan.stages)
    assert plan.reps == 0 and plan.hires_by_quarter == (0.0,) * 4 and plan.headcount_by_quarter == (0.0,) * 4
    assert (monthly["volume"] == 0).all()
    assert table["coverage"].isna().all()  # nothing required: no ratio, never inf
    assert table.set_index("stage").at["deals", "gap"] == 3.0
    payload = plan.to_json_dict()
    assert payload["surplus"] == pytest.approx(380_000)
    json.dumps(payload, allow_nan=False)  # no NaN or infinity in the contract output
    assert forward_simulate(plan, s) == pytest.approx(1_880_000)  # target + surplus


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"target_arr": 5_000_000, "seasonality": [0.2, 0.25, 0.25, 0.3]},
        {"monthly_churn_rate": 0.02, "expansion_rate": 0.3, "average_deal_size": 17_350},
        {"stages": [{"name": "leads", "conversion_rate": 0.07}, {"name": "sql", "conversion_rate": 0.22}]},
        {"beginning_arr": 0, "target_arr": 1_234_567},
    ],
)
def test_forward_simulation_reproduces_the_target(changes):
    s = scenario(**changes)
    plan = back_calculate(s)
    assert forward_simulate(plan, s) == pytest.approx(s.target_arr, rel=1e-12)
    # quarters add up to the year at every level
    assert sum(plan.deals_by_quarter) == pytest.approx(plan.deals)
    for stage in plan.stages:
        assert sum(stage.by_quarter) == pytest.approx(stage.required)


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"stages": [{"name": "opportunities", "conversion_rate": 0}]}, 'stages[0] ("opportunities") conversion_rate'),
        ({"stages": [{"name": "opportunities", "conversion_rate": -0.2}]}, "conversion_rate must be above 0"),
        ({"stages": [{"name": "opportunities", "conversion_rate": 1.5}]}, "at most 1"),
        ({"stages": [{"name": "opportunities", "conversion_rate": 25}]}, "write 25 % as 0.25"),
        ({"stages": [{"name": "a", "conversion_rate": 0.5}, {"name": " A ", "conversion_rate": 0.5}]}, "duplicates"),
        ({"stages": [{"name": "Deals", "conversion_rate": 0.5}]}, "reserved"),
        ({"stages": [{"name": "", "conversion_rate": 0.5}]}, "stages[0] name"),
        ({"stages": [{"name": "opps"}]}, "stages[0] must be an object with name and conversion_rate"),
        ({"stages": []}, "stages must be a non-empty list"),
        ({"average_deal_size": 0}, "average_deal_size"),
        ({"beginning_arr": -1}, "beginning_arr"),
        ({"target_arr": -5}, "target_arr"),
        ({"target_arr": float("nan")}, "target_arr must be a finite number"),
        ({"churn_rate": 1.0}, "churn_rate must be at least 0 and below 1"),
        ({"churn_rate": -0.1}, "churn_rate"),
        ({"churn_rate": "0.12"}, "churn_rate must be a number"),
        ({"churn_rate": True}, "churn_rate must be a number"),
        ({"contraction_rate": 1.2}, "contraction_rate"),
        ({"churn_rate": 0.6, "contraction_rate": 0.5}, "churn_rate + contraction_rate"),
        ({"expansion_rate": -0.1}, "expansion_rate"),
        ({"monthly_churn_rate": 1.5}, "monthly_churn_rate"),
        ({"seasonality": [1, 1, 1]}, "seasonality must be 4 quarterly weights"),
        ({"seasonality": [1, -1, 1, 1]}, "seasonality[1]"),
        ({"seasonality": [0, 0, 0, 0]}, "seasonality weights must have a positive sum"),
        ({"seasonality": "even"}, "seasonality must be a list"),
        ({"deals_per_rep_per_quarter": 0}, "deals_per_rep_per_quarter"),
        ({"ramp": [0]}, "ramp[0]"),
        ({"ramp": [0.5, 1.2]}, "ramp[1]"),
        ({"ramp": []}, "ramp must be a non-empty list"),
        ({"ramp_unit": "week"}, "ramp_unit"),
        ({"sales_cycle_days": -1}, "sales_cycle_days"),
        ({"starting_reps": -2}, "starting_reps"),
        ({"seasonalty": [1, 1, 1, 1]}, "unknown key 'seasonalty'"),
    ],
)
def test_bad_input_names_the_key(changes, message):
    with pytest.raises(ScenarioError) as raised:
        scenario(**changes)
    assert message in str(raised.value)
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    "key",
    [
        "target_arr",
        "beginning_arr",
        "average_deal_size",
        "stages",
        "contraction_rate",
        "expansion_rate",
        "churn_rate",
    ],
)
def test_missing_key_is_named(key):
    data = copy.deepcopy(REFERENCE)
    del data[key]
    with pytest.raises(ScenarioError, match=f"{key} is missing"):
        Scenario.from_dict(data)


def test_every_problem_is_reported_at_once():
    with pytest.raises(ScenarioError) as raised:
        scenario(average_deal_size=0, deals_per_rep_per_quarter=-1)
    assert "average_deal_size" in str(raised.value) and "deals_per_rep_per_quarter" in str(raised.value)
    with pytest.raises(ScenarioError) as raised:
        scenario(seasonalty=[1, 1, 1, 1], churn_rate=12)
    assert "unknown key 'seasonalty'" in str(raised.value) and "write 12 % as 0.12" in str(raised.value)


def test_a_scenario_must_be_an_object():
    with pytest.raises(ScenarioError, match="JSON object"):
        Scenario.from_dict([1, 2])


def test_round_trip_and_metadata_keys():
    s = scenario(seasonality=[2, 3, 3, 2], ramp=[0.5, 1.0], sales_cycle_days=60, name="Base case")
    assert Scenario.from_dict(s.to_dict()) == s
    monthly = scenario(monthly_churn_rate=0.02)
    assert Scenario.from_dict(monthly.to_dict()) == monthly
    assert s.stages[2] == Stage("meetings", 0.5)


# ---------------------------------------------------------------- seasonality, reps, sales cycle


def test_seasonality_weights_are_normalised():
    plan = back_calculate(scenario(seasonality=[2, 3, 3, 2]))  # 2/10, 3/10, 3/10, 2/10
    assert plan.scenario.seasonality == pytest.approx((0.2, 0.3, 0.3, 0.2))
    assert plan.bookings_by_quarter == pytest.approx((400_000, 600_000, 600_000, 400_000))  # 2,000,000 × weights
    assert plan.deals_by_quarter == pytest.approx((16, 24, 24, 16))  # / 25,000
    assert plan.stages[-1].by_quarter == pytest.approx((64, 96, 96, 64))  # / 0.25
    assert plan.reps == pytest.approx(4.8)  # peak quarter: 24 deals / 5 per rep


def test_default_ramp_hires_the_need_in_the_first_quarter():
    plan = back_calculate(scenario())
    assert plan.reps_by_quarter == pytest.approx((4, 4, 4, 4))  # 20 deals / 5 per rep
    assert plan.hires_by_quarter == pytest.approx((4, 0, 0, 0))
    assert plan.headcount_by_quarter == pytest.approx((4, 4, 4, 4))


def test_ramp_and_hires_by_hand():
    # deals 8, 16, 24, 32 (2,000,000 × 0.1/0.2/0.3/0.4 / 25,000); 4 per rep → need 2, 4, 6, 8 reps
    s = scenario(seasonality=[1, 2, 3, 4], deals_per_rep_per_quarter=4, ramp=[0.25, 0.5, 1.0], starting_reps=1)
    plan = back_calculate(s)
    assert plan.reps_by_quarter == pytest.approx((2, 4, 6, 8))
    # DESIGN's hiring rule, L = 2 (ramp reaches 1 in a hire's third quarter):
    # Q1 needs 2 > 1 on staff → 1 hire in max(Q1, Q1 − 2) = Q1; Q2 needs 4 > 2 → 2 more in Q1;
    # Q3 needs 6 > 4 → 2 more in Q1; Q4 needs 8 > 6 → 2 in Q2.
    assert plan.hires_by_quarter == pytest.approx((5, 2, 0, 0))
    assert plan.headcount_by_quarter == pytest.approx((6, 8, 8, 8))
    # effective: Q1 1 + 5×0.25; Q2 1 + 5×0.5 + 2×0.25; Q3 1 + 5 + 2×0.5; Q4 1 + 5 + 2
    assert plan.capacity_by_quarter == pytest.approx((2.25, 4, 7, 8))
    assert plan.reps_gap_by_quarter == pytest.approx((0, 0, 0, 0))
    assert plan.reps == pytest.approx(8)
    payload = plan.to_json_dict()
    assert payload["hires_by_quarter"] == pytest.approx([5, 2, 0, 0])
    assert payload["reps_gap_by_quarter"] == pytest.approx([0, 0, 0, 0])
    assert payload["reps"] == pytest.approx(8)


def test_a_first_quarter_need_the_ramp_cannot_meet_is_a_gap_not_extra_hires():
    # 4 reps needed every quarter, nobody on staff, 25 % productive in a hire's first quarter
    plan = back_calculate(scenario(ramp=[0.25, 0.5, 0.75, 1.0]))
    assert plan.hires_by_quarter == pytest.approx((4, 0, 0, 0))  # not 4 / 0.25 = 16
    assert plan.capacity_by_quarter == pytest.approx((1, 2, 3, 4))
    assert plan.reps_gap_by_quarter == pytest.approx((3, 2, 1, 0))


def test_reps_are_optional():
    data = copy.deepcopy(REFERENCE)
    del data["deals_per_rep_per_quarter"]
    plan = back_calculate(Scenario.from_dict(data))
    assert plan.reps is None and plan.hires_by_quarter is None
    assert plan.deals == pytest.approx(80) and plan.stages[0].required == pytest.approx(19_393.94, rel=1e-4)
    payload = plan.to_json_dict()
    assert payload["reps"] is None and payload["reps_gap_by_quarter"] is None
    assert "deals_per_rep_per_quarter" not in Scenario.from_dict(data).to_dict()
    assert not {"reps (fully ramped)", "hires", "headcount"} & set(plan_table(plan)["row"])


def test_monthly_ramp_is_averaged_by_quarter():
    s = scenario(ramp=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], ramp_unit="month")
    # (0.1+0.2+0.3)/3, (0.4+0.5+0.6)/3, (0.7+1+1)/3
    assert s.quarterly_ramp == pytest.approx((0.2, 0.5, 0.9))
    plan = back_calculate(s)
    assert plan.hires_by_quarter == pytest.approx((4, 0, 0, 0))  # the 4 reps needed, hired at once
    assert plan.capacity_by_quarter == pytest.approx((0.8, 2, 3.6, 4))


def test_sales_cycle_shift_by_hand():
    # all bookings in Q1: 80 deals, 320 opportunities (÷0.25), 640 meetings (÷0.5), spread over months 1–3
    s = scenario(
        seasonality=[1, 0, 0, 0],
        sales_cycle_days=45,
        stages=[{"name": "meetings", "conversion_rate": 0.5}, {"name": "opportunities", "conversion_rate": 0.25}],
    )
    assert stage_shift_days(s) == [45, 22.5, 0]  # 45 × 2/2, 45 × 1/2, deals not shifted
    frame = stage_volumes_by_month(back_calculate(s))
    assert list(frame.columns) == list(MONTHLY_COLUMNS)
    assert frame["month_offset"].min() == -1 and frame["month_offset"].max() == 12
    volume = frame.pivot(index="stage", columns="month_offset", values="volume")
    m, o, d = 640 / 3, 320 / 3, 80 / 3  # monthly meetings 213.33, opportunities 106.67, deals 26.67
    # meetings lead 1.5 months: each month's volume splits half-half into the 2nd and 1st months before
    assert volume.loc["meetings", -1:3].tolist() == pytest.approx([m / 2, m, m, m / 2, 0])
    # opportunities lead 0.75 months: ¾ of a month's volume moves to the month before, ¼ stays
    assert volume.loc["opportunities", -1:4].tolist() == pytest.approx([0, 0.75 * o, o, o, 0.25 * o, 0])
    assert volume.loc["opportunities", 0] == pytest.approx(80)  # 0.75 × 106.67
    assert volume.loc["deals", -1:4].tolist() == pytest.approx([0, 0, d, d, d, 0])
    assert volume.sum(axis=1).to_dict() == pytest.approx({"meetings": 640, "opportunities": 320, "deals": 80})
    labels = frame.drop_duplicates("month_offset").set_index("month_offset")["month_label"]
    assert labels[-1] == "Y-1 M11" and labels[0] == "Y-1 M12" and labels[1] == "Y M1" and labels[12] == "Y M12"


def test_without_a_sales_cycle_months_are_the_plan_year():
    frame = stage_volumes_by_month(back_calculate(scenario()))
    assert sorted(frame["month_offset"].unique()) == list(range(1, 13))
    emails = frame[frame["stage"] == "emails"]["volume"]
    assert emails.tolist() == pytest.approx([19393.939 / 12] * 12, abs=1e-2)


def test_month_labels_across_years():
    assert [month_label(o) for o in (12, 1, 0, -11, -12)] == ["Y M12", "Y M1", "Y-1 M12", "Y-1 M1", "Y-2 M12"]


# ---------------------------------------------------------------- what-ifs


def test_sensitivity_signs_and_exact_values():
    frame = sensitivity(scenario())
    assert list(frame.columns) == list(SENSITIVITY_COLUMNS)
    assert len(frame) == 9 * 4  # 4 stage rates + 5 other drivers, 4 steps each
    row = frame.set_index(["driver", "change"])
    base_top = 80 / 0.004125  # 0.10 × 0.33 × 0.50 × 0.25 = 0.004125 → 19,393.94
    # deal size +10 %: 2,000,000 / 27,500 = 72.73 deals → 72.73 / 0.004125 = 17,630.85
    assert row.loc[("average_deal_size", 0.1), "value"] == pytest.approx(27_500)
    assert row.loc[("average_deal_size", 0.1), "top_of_funnel"] == pytest.approx(17_630.854, abs=1e-3)
    assert row.loc[("average_deal_size", 0.1), "delta_top"] == pytest.approx(17_630.854 - base_top, abs=1e-3)
    # reps: 72.73 / 4 quarters / 5 per rep = 3.636 vs 4
    assert row.loc[("average_deal_size", 0.1), "delta_reps"] == pytest.approx(-0.363636, abs=1e-6)
    # win rate 0.25 → 0.20 / 0.30: 80 / 0.0033 = 24,242.42 and 80 / 0.00495 = 16,161.62
    assert row.loc[("conversion_rate:opportunities", -0.2), "top_of_funnel"] == pytest.approx(24_242.424, abs=1e-3)
    assert row.loc[("conversion_rate:opportunities", 0.2), "top_of_funnel"] == pytest.approx(16_161.616, abs=1e-3)
    # higher win rate → fewer top-of-funnel; higher churn or target → more; more deals per rep → fewer reps
    for driver in ("conversion_rate:opportunities", "conversion_rate:emails", "average_deal_size", "expansion_rate"):
        assert row.loc[(driver, 0.2), "delta_top"] < 0 < row.loc[(driver, -0.2), "delta_top"]
    for driver in ("churn_rate", "target_arr"):
        assert row.loc[(driver, 0.2), "delta_top"] > 0 > row.loc[(driver, -0.2), "delta_top"]
    assert row.loc[("deals_per_rep_per_quarter", 0.2), "reps"] == pytest.approx(4 / 1.2)
    assert row.loc[("deals_per_rep_per_quarter", 0.2), "delta_top"] == 0


def test_sensitivity_caps_rates_at_one():
    s = scenario(stages=[{"name": "demos", "conversion_rate": 0.9}])
    frame = sensitivity(s, drivers=["conversion_rate:demos", "churn_rate"], steps=(0.2,))
    assert frame["value"].tolist()[0] == 1.0  # 0.9 × 1.2 = 1.08 → 1
    assert frame["top_of_funnel"].tolist()[0] == pytest.approx(80)  # every deal from 80 demos
    assert frame["value"].tolist()[1] == pytest.approx(0.144)  # churn 0.12 × 1.2
    with pytest.raises(ValueError, match="unknown driver"):
        sensitivity(s, drivers=["conversion_rate:nope"])
    with pytest.raises(ValueError, match="steps"):
        sensitivity(s, steps=(-1.0,))


def test_two_way_table_by_hand():
    table = two_way_table(scenario(), win_rates=[0.2, 0.25], deal_sizes=[20_000, 25_000])
    # top = 2,000,000 / (win × 0.10 × 0.33 × 0.50 × size) = 2,000,000 / (win × 0.0165 × size)
    assert table.loc[0.25, 25_000] == pytest.approx(19_393.939, abs=1e-3)  # / 103.125
    assert table.loc[0.2, 20_000] == pytest.approx(30_303.030, abs=1e-3)  # / 66
    assert table.loc[0.2, 25_000] == pytest.approx(24_242.424, abs=1e-3)  # / 82.5
    assert table.loc[0.25, 20_000] == pytest.approx(24_242.424, abs=1e-3)  # / 82.5
    assert table.index.name == "win_rate" and table.columns.name == "average_deal_size"
    with pytest.raises(ScenarioError, match="win_rates"):
        two_way_table(scenario(), win_rates=[0], deal_sizes=[1])
    with pytest.raises(ScenarioError, match="deal_sizes"):
        two_way_table(scenario(), win_rates=[0.2], deal_sizes=[-1])


# ---------------------------------------------------------------- coverage


KRS = pd.DataFrame(
    {
        "kr_id": ["K1", "K2", "K3", "K4", "K5", "K6", "K7"],
        "funnel_stage": [" Opportunities ", "opportunities", "MEETINGS", "bookings", None, "partners", "deals"],
        "target_value": [200, 100, 700, 1_500_000, 999, 50, None],
    }
)


def test_coverage_by_hand():
    table = coverage(back_calculate(scenario()), KRS)
    assert list(table.columns) == list(COVERAGE_COLUMNS)
    assert table["stage"].tolist() == ["emails", "replies", "meetings", "opportunities", "deals", "bookings"]
    rows = table.set_index("stage")
    assert rows.at["opportunities", "committed"] == 300  # 200 + 100, matched trimmed and case-insensitively
    assert rows.at["opportunities", "coverage"] == pytest.approx(0.9375)  # 300 / 320
    assert rows.at["opportunities", "gap"] == pytest.approx(-20)
    assert rows.at["opportunities", "kr_count"] == 2
    assert rows.at["meetings", "coverage"] == pytest.approx(1.09375)  # 700 / 640
    assert rows.at["meetings", "gap"] == pytest.approx(60)
    assert rows.at["bookings", "coverage"] == pytest.approx(0.75)  # 1,500,000 / 2,000,000
    assert rows.at["bookings", "gap"] == pytest.approx(-500_000)
    assert rows.at["deals", "committed"] == 0 and rows.at["deals", "kr_count"] == 1  # KR without a target
    assert rows.at["emails", "coverage"] == 0 and rows.at["emails", "gap"] == pytest.approx(-19_393.939, abs=1e-3)


def test_coverage_of_one_quarter_and_without_krs():
    plan = back_calculate(scenario())
    rows = coverage(plan, KRS, quarter=2).set_index("stage")
    assert rows.at["opportunities", "required"] == pytest.approx(80)  # 320 / 4
    assert rows.at["opportunities", "coverage"] == pytest.approx(3.75)  # 300 / 80
    empty = coverage(plan, KRS.iloc[:0])
    assert (empty["committed"] == 0).all() and (empty["coverage"] == 0).all()
    with pytest.raises(ValueError, match="quarter"):
        coverage(plan, KRS, quarter=5)


def test_plan_table_rows():
    table = plan_table(back_calculate(scenario()))
    rows = table.set_index("row")
    assert rows.at["bookings", "year"] == pytest.approx(2_000_000)
    assert rows.at["replies", "Q1"] == pytest.approx(484.848, abs=1e-3)  # 1,939.39 / 4
    assert rows.at["reps (fully ramped)", "year"] == pytest.approx(4)


# ---------------------------------------------------------------- CLI


def run_backcalc(*args):
    return subprocess.run(
        [sys.executable, "-m", "analytics", "backcalc", *map(str, args)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_json_contract(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(REFERENCE))
    result = run_backcalc(path, "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert {"new_arr_required", "bookings_by_quarter", "deals", "stages", "reps"} <= set(payload)
    assert payload["new_arr_required"] == pytest.approx(2_000_000)
    assert payload["bookings_by_quarter"] == pytest.approx([500_000] * 4)
    assert payload["deals"] == pytest.approx(80)
    assert [s["name"] for s in payload["stages"]] == ["emails", "replies", "meetings", "opportunities"]
    assert {"name", "required"} <= set(payload["stages"][0])
    # unrounded: 19,393.94, 1,939.39, 640, 320
    assert [s["required"] for s in payload["stages"]] == pytest.approx([80 / 0.004125, 640 / 0.33, 640, 320])
    assert payload["reps"] == pytest.approx(4)  # 20 deals a quarter / 5 per rep


def test_cli_table(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(REFERENCE))
    result = run_backcalc(path)
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line.strip()}
    assert lines["emails"][0] == "19,394"  # 19,393.94 rounded up for display
    assert lines["replies"][0] == "1,940"  # 1,939.39 rounded up
    assert lines["meetings"][0] == "640"
    assert lines["opportunities"][0] == "320"
    assert lines["deals"] == ["80", "20", "20", "20", "20"]
    assert lines["bookings"][0] == "2,000,000"
    assert "2,000,000" in next(line for line in result.stdout.splitlines() if "New ARR required" in line)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            json.dumps({**REFERENCE, "stages": [{"name": "opportunities", "conversion_rate": 0}]}),
            'stages[0] ("opportunities") conversion_rate',
        ),
        (json.dumps({k: v for k, v in REFERENCE.items() if k != "average_deal_size"}), "average_deal_size is missing"),
        ("{not json", "is not valid JSON"),
        ("[1, 2]", "JSON object"),
    ],
)
def test_cli_bad_scenario_exits_1_with_the_key(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = run_backcalc(path, "--json")
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_cli_missing_file(tmp_path):
    result = run_backcalc(tmp_path / "absent.json")
    assert result.returncode == 1
    assert "cannot read" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(not (PROJECT_ROOT / "okr_data" / "scenarios" / "base.json").exists(), reason="no demo scenario")
def test_cli_runs_the_demo_scenario():
    result = run_backcalc(PROJECT_ROOT / "okr_data" / "scenarios" / "base.json", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    scenario_data = json.loads((PROJECT_ROOT / "okr_data" / "scenarios" / "base.json").read_text())
    s = Scenario.from_dict(scenario_data)
    assert payload["new_arr_required"] == pytest.approx(back_calculate(s).new_arr_required)
    assert math.isfinite(payload["reps"])


# ---------------------------------------------------------------- acquisition channels

from analytics.channels import ALL_CHANNELS, CHANNEL_COLUMNS, channel_volumes, channel_volumes_by_month  # noqa: E402
from analytics.funnel import (  # noqa: E402
    COMMITMENT_COLUMNS,
    Channel,
    arr_starting_point,
    committed_key_results,
    parse_fractions,
    pipeline_metric,
    published_targets,
    read_scenario_json,
    scenario_comparison,
)

CHANNELS = {
    "channel_stage": "Meetings",  # matched case-insensitively, stored as the stage's own name
    "channels": [
        {"name": "Outbound", "share": 0.75, "conversion_rates": {"emails": 0.10, "replies": 0.33}},
        {"name": "Inbound", "share": 0.25, "conversion_rates": {"EMAILS": 0.20, "replies": 0.50}},
    ],
}


def test_channel_split_by_hand():
    plan = back_calculate(scenario(**CHANNELS))
    assert plan.scenario.channel_stage == "meetings"
    assert plan.scenario.channels[1] == Channel("Inbound", 0.25, (0.20, 0.50))
    # meetings needed: 640 (80 deals / 0.25 / 0.50); outbound 75 % = 480, inbound 25 % = 160
    table = channel_volumes(plan)
    assert list(table.columns) == list(CHANNEL_COLUMNS)
    rows = table.set_index(["channel", "stage"])
    assert rows.at[("Outbound", "meetings"), "year"] == pytest.approx(480)
    assert rows.at[("Outbound", "replies"), "year"] == pytest.approx(480 / 0.33)  # 1,454.5
    assert rows.at[("Outbound", "emails"), "year"] == pytest.approx(480 / 0.33 / 0.10)  # 14,545.5
    assert rows.at[("Inbound", "meetings"), "year"] == pytest.approx(160)
    assert rows.at[("Inbound", "replies"), "year"] == pytest.approx(320)  # 160 / 0.5
    assert rows.at[("Inbound", "emails"), "year"] == pytest.approx(1600)  # 320 / 0.2
    assert rows.at[("Inbound", "emails"), "Q3"] == pytest.approx(400)  # equal seasonality: a quarter each
    assert rows.at[(ALL_CHANNELS, "emails"), "year"] == pytest.approx(480 / 0.033 + 1600)
    assert rows.at[(ALL_CHANNELS, "meetings"), "year"] == pytest.approx(640)
    # blended emails → replies: (1,454.5 + 320) / (14,545.5 + 1,600)
    assert rows.at[(ALL_CHANNELS, "emails"), "conversion_rate"] == pytest.approx(
        (480 / 0.33 + 320) / (480 / 0.033 + 1600)
    )
    assert rows.at[("Inbound", "meetings"), "conversion_rate"] == 0.5  # the shared stage keeps the plan's rate
    assert "opportunities" not in set(table["stage"])  # below the split the funnel is shared
    assert Scenario.from_dict(plan.scenario.to_dict()) == plan.scenario


def test_channel_volumes_by_month_keep_the_stage_timing():
    plan = back_calculate(scenario(sales_cycle_days=60, seasonality=[1, 0, 0, 0], **CHANNELS))
    frame = channel_volumes_by_month(plan)
    totals = frame.groupby(["channel", "stage"])["volume"].sum()
    assert totals[("Inbound", "emails")] == pytest.approx(1600)
    assert totals[("Outbound", "meetings")] == pytest.approx(480)
    # emails lead deals by the whole 60-day cycle: Q1's volume (all of it) sits in months -1 to 1
    inbound_emails = frame[(frame["channel"] == "Inbound") & (frame["stage"] == "emails")].set_index("month_offset")
    assert inbound_emails.loc[-1:1, "volume"].tolist() == pytest.approx([1600 / 3] * 3)
    assert inbound_emails.loc[2:, "volume"].sum() == pytest.approx(0)
    assert channel_volumes_by_month(back_calculate(scenario())).empty


def test_split_at_the_top_stage_is_a_share_of_it():
    plan = back_calculate(
        scenario(channel_stage="emails", channels=[{"name": "A", "share": 0.4}, {"name": "B", "share": 0.6}])
    )
    rows = channel_volumes(plan).set_index(["channel", "stage"])
    assert rows.at[("A", "emails"), "year"] == pytest.approx(0.4 * 80 / 0.004125)


@pytest.mark.parametrize(
    ("channels", "message"),
    [
        (
            {
                "channel_stage": "meetings",
                "channels": [{"name": "A", "share": 0.5, "conversion_rates": {"emails": 0.1, "replies": 0.3}}],
            },
            "channel shares must add up to 1 (100 %), got 0.5",
        ),
        (
            {"channel_stage": "meetings", "channels": [{"name": "A", "share": 1, "conversion_rates": {"emails": 0.1}}]},
            "conversion_rates is missing 'replies'",
        ),
        (
            {
                "channel_stage": "meetings",
                "channels": [
                    {"name": "A", "share": 1, "conversion_rates": {"emails": 0.1, "replies": 0.3, "demos": 0.5}}
                ],
            },
            "'demos', which is not a stage above the channel stage",
        ),
        (
            {
                "channel_stage": "meetings",
                "channels": [{"name": "A", "share": 1, "conversion_rates": {"emails": 0, "replies": 0.3}}],
            },
            'channels[0] ("A") conversion_rate of "emails" must be above 0 and at most 1',
        ),
        (
            {
                "channel_stage": "meetings",
                "channels": [{"name": "A", "share": 60, "conversion_rates": {"emails": 0.1, "replies": 0.3}}],
            },
            "share must be above 0 and at most 1 (write 60 % as 0.6)",
        ),
        ({"channel_stage": "demos", "channels": [{"name": "A", "share": 1}]}, "channel_stage must name the stage"),
        (
            {"channel_stage": "emails", "channels": [{"name": "A", "share": 0.5}, {"name": " a ", "share": 0.5}]},
            "duplicates",
        ),
        ({"channel_stage": "emails", "channels": []}, "channel_stage is given but channels is empty"),
        ({"channels": "outbound"}, "channels must be a list"),
        ({"channel_stage": "emails", "channels": [{"name": "A", "share": 1, "cost": 3}]}, "unknown key(s) cost"),
    ],
)
def test_bad_channels_name_the_problem(channels, message):
    with pytest.raises(ScenarioError) as raised:
        scenario(**channels)
    assert message in str(raised.value)


def test_sensitivity_keeps_the_channels_valid():
    frame = sensitivity(scenario(**CHANNELS), drivers=["conversion_rate:replies"], steps=(0.2,))
    assert frame["value"].tolist() == pytest.approx([0.396])


# ---------------------------------------------------------------- inputs, commitments, publishing, comparing


def test_read_scenario_json():
    s, name = read_scenario_json(json.dumps({**REFERENCE, "name": " Base "}).encode(), "base.json")
    assert s == scenario() and name == "Base"
    assert read_scenario_json(json.dumps(REFERENCE), "x.json")[1] is None
    with pytest.raises(ScenarioError, match=r"bad.json is not valid JSON \(line 1, column 2"):
        read_scenario_json(b"{oops", "bad.json")
    with pytest.raises(ScenarioError, match="is not UTF-8 text"):
        read_scenario_json("{}".encode("utf-16"), "wide.json")
    with pytest.raises(ScenarioError, match="b.json: average_deal_size must be more than 0"):
        read_scenario_json(json.dumps({**REFERENCE, "average_deal_size": 0}), "b.json")


def test_parse_fractions():
    assert parse_fractions("0.25, 0.5; 0.75 1", "ramp") == [0.25, 0.5, 0.75, 1.0]
    assert parse_fractions("25%, 100%", "ramp") == [0.25, 1.0]
    with pytest.raises(ScenarioError, match="ramp: 'half' is not a number"):
        parse_fractions("0.25, half", "ramp")
    with pytest.raises(ScenarioError, match="ramp is empty"):
        parse_fractions(" , ", "ramp")


def test_arr_starting_point():
    actuals = pd.DataFrame(
        {
            "month": ["2026-12", "2027-01", "2027-02", "2027-03"],
            "ending_arr": [2_000_000, 2_100_000, 2_250_000, 2_400_000],
        }
    )
    targets = pd.DataFrame(
        {
            "period": ["2027", "2027-Q1", "2028"],
            "metric": ["arr", "arr", "ARR "],
            "start_value": [2e6, 2e6, 5e6],
            "target_value": [5e6, 2.6e6, 9e6],
        }
    )
    start = arr_starting_point(actuals, targets, "2027-02-28", 2027)
    assert (start.latest_month, start.latest_arr) == ("2027-02", 2_250_000)  # March is after the as-of date
    assert start.year_start_arr == 2_000_000 and start.year_target == 5e6
    later = arr_starting_point(actuals, targets, "2028-06-30", 2028)
    assert later.latest_arr == 2_400_000 and later.year_start_arr is None and later.year_target == 9e6


def test_committed_key_results():
    objectives = pd.DataFrame(
        {
            "objective_id": ["Q2", "Y", "Q3"],
            "period": ["2027-Q2", "2027", "2027-Q3"],
            "team": ["BizDev", "Sales", "BizDev"],
        }
    )
    krs = pd.DataFrame(
        {
            "kr_id": ["A", "B", "C", "D", "E"],
            "objective_id": ["Q2", "Q2", "Y", "Q3", "Q2"],
            "title": ["a", "b", "c", "d", "e"],
            "funnel_stage": ["emails", "meetings", "bookings", "emails", None],
            "target_value": [8000.0, 180.0, 3e6, 9000.0, 5.0],
        }
    )
    in_force = pd.DataFrame({"kr_id": ["A", "B"], "target_value": [6000.0, 180.0], "cancelled": [False, True]})
    quarter = committed_key_results(krs, objectives, "2027-q2", in_force)
    assert list(quarter.columns) == list(COMMITMENT_COLUMNS)
    assert quarter["kr_id"].tolist() == ["A"]  # B cancelled, C yearly, D another quarter, E untagged
    assert quarter["target_value"].tolist() == [6000.0]  # the target a decision changed
    assert quarter["team"].tolist() == ["BizDev"]
    assert committed_key_results(krs, objectives, "2027")["kr_id"].tolist() == ["C"]
    assert committed_key_results(krs, objectives, "2027-Q2")["kr_id"].tolist() == ["A", "B"]


def test_published_targets_by_hand():
    plan = back_calculate(scenario(seasonality=[1, 2, 3, 4]))
    table = published_targets(plan, 2027, ["Emails", "opportunities"])
    rows = table.set_index(["period", "metric"])
    assert len(table) == 12 and set(table["start_value"]) == {0.0}
    assert rows.at[("2027-Q1", "bookings"), "target_value"] == pytest.approx(200_000)  # 2,000,000 × 0.1
    assert rows.at[("2027-Q4", "bookings"), "target_value"] == pytest.approx(800_000)
    assert rows.at[("2027-Q2", "pipeline_opportunities"), "target_value"] == pytest.approx(64)  # 400,000/25,000/0.25
    assert rows.at[("2027-Q3", "pipeline_emails"), "target_value"] == pytest.approx(24 / 0.004125)  # unrounded
    assert pipeline_metric("Qualified Leads (SQL)") == "pipeline_qualified_leads_sql"
    with pytest.raises(ScenarioError, match="'demos' is not a stage"):
        published_targets(plan, 2027, ["demos"])


def test_scenario_comparison_by_hand():
    table = scenario_comparison({"Base": scenario(), "Bigger deals": scenario(average_deal_size=31_250)})
    rows = table.set_index("item")
    assert rows.at["Deals", "Base"] == pytest.approx(80) and rows.at["Deals", "Bigger deals"] == pytest.approx(64)
    assert rows.at["Top-of-funnel volume", "Bigger deals"] == pytest.approx(64 / 0.004125)
    assert rows.at["Average deal size", "kind"] == "currency" and rows.at["Deals", "part"] == "output"
    assert rows.at["Funnel stages", "Base"] == "emails → replies → meetings → opportunities"
    assert rows.at["Reps needed (peak quarter)", "Base"] == pytest.approx(4)  # 20 deals a quarter / 5


def test_what_ifs_of_a_scenario_without_reps():
    data = copy.deepcopy(REFERENCE)
    del data["deals_per_rep_per_quarter"]
    s = Scenario.from_dict(data)
    frame = sensitivity(s)
    assert "deals_per_rep_per_quarter" not in set(frame["driver"])
    assert frame["reps"].isna().all() and frame["delta_reps"].isna().all()
    assert frame["top_of_funnel"].notna().all()
    table = scenario_comparison({"no reps": s, "reps": scenario()})
    rows = table.set_index("item")
    assert rows.loc["Hires in the year", "no reps"] is None
    assert rows.loc["Hires in the year", "reps"] == pytest.approx(4)
    with pytest.raises(ValueError, match="no deals_per_rep_per_quarter"):
        sensitivity(s, drivers=["deals_per_rep_per_quarter"])
