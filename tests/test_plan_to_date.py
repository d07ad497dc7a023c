"""The plan to date and the delivery capacity plan (DESIGN "Back-calculation to date", "Delivery
capacity"): by hand, against the forward simulation, and through `python -m analytics backcalc`."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pandas as pd
import pytest

from analytics.funnel import (
    Scenario,
    ScenarioError,
    back_calculate,
    forward_simulate_to_date,
    plan_to_date,
    scenario_with_data_defaults,
)

# kept = 2,000,000 × (1 − 0.12 − 0.04 + 0.10) = 1,880,000 → 2,000,000 new ARR required in 2027
SCENARIO = {
    "target_arr": 3_880_000,
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
    "seasonality": [0.2, 0.25, 0.25, 0.3],
}


def actuals(new_by_month: dict[str, float], december_arr: float = 2_000_000) -> pd.DataFrame:
    rows, ending = [{"month": "2026-12", "new": 50_000.0, "ending_arr": december_arr}], december_arr
    for month, new in new_by_month.items():
        ending += new
        rows.append({"month": month, "new": new, "ending_arr": ending})
    return pd.DataFrame(rows)


FIVE_MONTHS = actuals({f"2027-0{m}": 100_000.0 for m in range(1, 6)})


def to_date(data=SCENARIO, arr=FIVE_MONTHS, as_of="2027-05-31", headcount=None):
    filled = scenario_with_data_defaults(data, arr, headcount, 2027)
    return plan_to_date(Scenario.from_dict(filled.scenario), arr, as_of)


def test_plan_to_date_by_hand():
    result = to_date()
    assert result.plan.scenario.beginning_arr == 2_000_000  # ending ARR of 2026-12, not of May
    assert result.plan.new_arr_required == pytest.approx(2_000_000)
    assert result.new_arr_won_to_date == pytest.approx(500_000)  # January–May, December 2026 not counted
    assert result.new_arr_remaining == pytest.approx(1_500_000)
    # June weighs 0.25/3, July–September 0.25/3 each, October–December 0.3/3 each: 1.9/3 in all
    assert result.remaining_bookings_by_quarter == pytest.approx(
        (0, 1_500_000 * 0.25 / 1.9, 1_500_000 * 0.75 / 1.9, 1_500_000 * 0.9 / 1.9)
    )
    assert result.remaining_by_month[:5] == (0,) * 5
    assert result.deals_remaining == pytest.approx(60)
    assert [name for name, _ in result.stages_remaining] == ["emails", "replies", "meetings", "opportunities"]
    assert [v for _, v in result.stages_remaining] == pytest.approx(
        [60 / 0.25 / 0.5 / 0.33 / 0.1, 480 / 0.33, 480, 240]
    )
    assert [q["bookings_planned"] for q in result.quarters] == pytest.approx([400_000, 500_000, 500_000, 600_000])
    assert [q["bookings_actual"] for q in result.quarters] == pytest.approx([300_000, 200_000, 0, 0])
    assert result.plan.deals == pytest.approx(80)  # the whole year's stages and deals are kept
    payload = result.to_json_dict()
    for key in (
        "plan_year",
        "as_of",
        "new_arr_won_to_date",
        "new_arr_remaining",
        "remaining_bookings_by_quarter",
        "deals_remaining",
        "stages_remaining",
        "quarters",
    ):
        assert key in payload
    assert payload["plan_year"] == 2027 and payload["as_of"] == "2027-05-31"


def test_forward_simulation_of_the_remaining_plan_reaches_the_target():
    result = to_date()
    assert forward_simulate_to_date(result) == pytest.approx(SCENARIO["target_arr"])


def test_more_won_than_required_leaves_nothing_to_book():
    result = to_date(arr=actuals({"2027-01": 1_500_000.0, "2027-02": 700_000.0}), as_of="2027-02-15")
    assert result.new_arr_won_to_date == pytest.approx(2_200_000)
    assert result.new_arr_remaining == 0 and result.deals_remaining == 0
    assert sum(result.remaining_bookings_by_quarter) == 0


def test_the_scenario_beginning_arr_overrides_the_data():
    result = to_date(data=SCENARIO | {"beginning_arr": 2_500_000})
    assert result.plan.scenario.beginning_arr == 2_500_000
    assert result.plan.new_arr_required == pytest.approx(3_880_000 - 2_500_000 * 0.94)


def test_no_december_and_no_beginning_arr_is_a_clear_error():
    arr = FIVE_MONTHS[FIVE_MONTHS["month"] != "2026-12"]
    with pytest.raises(ScenarioError, match="beginning_arr is missing.*2026-12"):
        to_date(arr=arr)


def test_as_of_in_december_books_the_rest_in_nothing_and_says_so():
    result = to_date(as_of="2027-12-10")
    assert result.new_arr_remaining == pytest.approx(1_500_000)
    assert result.unplaced == pytest.approx(1_500_000)


def test_starting_staff_come_from_the_headcount_sheet_else_zero_with_a_note():
    headcount = pd.DataFrame(
        [
            {"month": "2026-12", "team": "Sales", "role": "sales_rep", "fte": 3.0},
            {"month": "2026-12", "team": "Sales", "role": "Sales rep", "fte": 0.5},
            {"month": "2026-11", "team": "Delivery", "role": "consultant", "fte": 9.0},
            {"month": "2027-01", "team": "Sales", "role": "sales_rep", "fte": 7.0},
        ]
    )
    data = SCENARIO | {
        "deals_per_rep_per_quarter": 5,
        "delivery": {"rate_per_hour": 150, "target_utilisation": 0.75},
    }
    filled = scenario_with_data_defaults(data, FIVE_MONTHS, headcount, 2027)
    assert filled.scenario["starting_reps"] == pytest.approx(3.5)  # December 2026, every spelling of the role
    assert filled.scenario["delivery"]["starting_consultants"] == 0
    assert len(filled.notes) == 1 and "consultant" in filled.notes[0] and "2026-12" in filled.notes[0]
    given = scenario_with_data_defaults(data | {"starting_reps": 1}, FIVE_MONTHS, headcount, 2027)
    assert given.scenario["starting_reps"] == 1


# ---------------------------------------------------------------------------------------------- delivery

DELIVERY_SCENARIO = {
    "target_arr": 2_400_000,
    "beginning_arr": 1_200_000,
    "churn_rate": 0,
    "contraction_rate": 0,
    "expansion_rate": 0,
    "average_deal_size": 20_000,
    "stages": [{"name": "opportunities", "conversion_rate": 0.25}],
    "delivery": {
        "rate_per_hour": 100,
        "target_utilisation": 0.8,
        "hours_per_fte_per_month": 125,
        "starting_consultants": 10,
    },
}


def test_delivery_by_hand():
    # 1,200,000 new ARR, equal seasonality: 100,000 a month → ARR 1,200,000 + 100,000 m;
    # revenue ÷ 12 → hours ÷ 100 per hour → consultants ÷ (125 h × 0.8) = 10 + 0.8333 m
    delivery = back_calculate(Scenario.from_dict(DELIVERY_SCENARIO)).delivery
    months = range(1, 13)
    assert delivery.arr_by_month == pytest.approx([1_200_000 + 100_000 * m for m in months])
    assert delivery.billable_hours_by_month == pytest.approx([(1_200_000 + 100_000 * m) / 12 / 100 for m in months])
    assert delivery.consultants.needed == pytest.approx([10 + 100_000 * m / 12 / 100 / 100 for m in months])
    assert delivery.peak_consultants == pytest.approx(20)
    assert sum(delivery.consultants.hires) == pytest.approx(10)  # peak 20 − 10 on staff
    assert delivery.consultants.gap == pytest.approx((0,) * 12)  # ramp [1]: hired in the month needed


def test_delivery_arr_path_follows_retention_and_services_share():
    data = copy.deepcopy(DELIVERY_SCENARIO)
    data |= {"churn_rate": 0.12, "expansion_rate": 0.06, "target_arr": 1_000_000}  # surplus: no new ARR
    data["delivery"] |= {"services_share": 0.5}
    plan = back_calculate(Scenario.from_dict(data))
    assert plan.new_arr_required == 0
    arr = [1_200_000 * (1 + (0.06 - 0.12) * m / 12) for m in range(1, 13)]
    assert plan.delivery.arr_by_month == pytest.approx(arr)
    assert plan.delivery.consultants.needed == pytest.approx([a / 12 * 0.5 / 100 / 100 for a in arr])


@pytest.mark.parametrize(
    "delivery, message",
    [
        ({"target_utilisation": 0.8}, "delivery.rate_per_hour is missing"),
        ({"rate_per_hour": 100, "target_utilisation": 80}, "delivery.target_utilisation must be"),
        ({"rate_per_hour": 100, "target_utilisation": 0.8, "consultant_ramp": [0]}, "consultant_ramp"),
        ({"rate_per_hour": 100, "target_utilisation": 0.8, "hours": 140}, "unknown key 'hours'"),
        ("fast", "delivery must be an object"),
    ],
)
def test_bad_delivery_blocks_are_named(delivery, message):
    with pytest.raises(ScenarioError, match=message):
        Scenario.from_dict(DELIVERY_SCENARIO | {"delivery": delivery})


# ---------------------------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    folder = tmp_path_factory.mktemp("to_date")
    FIVE_MONTHS.assign(expansion=0, contraction=0, churn=0).to_csv(folder / "ArrActuals.csv", index=False)
    pd.DataFrame(
        [
            {"month": "2026-12", "team": "Sales", "role": "sales_rep", "fte": 2},
            {
                "month": "2026-12",
                "team": "Delivery",
                "role": "consultant",
                "fte": 12,
                "billable_hours": 1200,
                "available_hours": 1700,
            },
        ]
    ).to_csv(folder / "Headcount.csv", index=False)
    pd.DataFrame({"team": ["Sales", "Delivery"]}).to_csv(folder / "Teams.csv", index=False)
    db = folder / "plan.duckdb"
    stored = subprocess.run(
        [
            sys.executable,
            "-m",
            "loaders",
            "ingest",
            str(folder / "Teams.csv"),
            str(folder / "ArrActuals.csv"),
            str(folder / "Headcount.csv"),
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
    )
    assert stored.returncode == 0, stored.stdout + stored.stderr
    return db


def backcalc(tmp_path, data, *args):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data))
    return subprocess.run(
        [sys.executable, "-m", "analytics", "backcalc", str(path), *args], capture_output=True, text=True
    )


def test_cli_plans_to_date_from_the_database(tmp_path, database):
    data = SCENARIO | {"deals_per_rep_per_quarter": 5, "delivery": {"rate_per_hour": 150, "target_utilisation": 0.75}}
    done = backcalc(tmp_path, data, "--db", str(database), "--as-of", "2027-05-31", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    expected = to_date(data, headcount=None).to_json_dict()  # computed in-process from the same actuals
    for key in ("new_arr_won_to_date", "new_arr_remaining", "deals_remaining"):
        assert payload[key] == pytest.approx(expected[key])
    assert payload["remaining_bookings_by_quarter"] == pytest.approx(expected["remaining_bookings_by_quarter"])
    assert [q["bookings_actual"] for q in payload["quarters"]] == pytest.approx([300_000, 200_000, 0, 0])
    assert payload["starting_reps"] == 2  # from the Headcount sheet, December 2026
    assert payload["delivery"]["starting_consultants"] == 12
    assert len(payload["delivery"]["consultants_needed_by_month"]) == 12
    assert payload["reps_gap_by_quarter"] is not None and payload["notes"] == []
    text = backcalc(tmp_path, data, "--db", str(database), "--as-of", "2027-05-31")
    assert text.returncode == 0 and "New ARR won to date" in text.stdout and "500,000" in text.stdout


def test_cli_without_reps_gives_reps_null(tmp_path):
    done = backcalc(tmp_path, SCENARIO | {"beginning_arr": 2_000_000}, "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["reps"] is None and payload["deals"] == pytest.approx(80)


def test_cli_with_a_missing_database_fails_cleanly(tmp_path):
    done = backcalc(tmp_path, SCENARIO, "--db", str(tmp_path / "none.duckdb"), "--as-of", "2027-05-31")
    assert done.returncode == 1 and "error" in done.stderr and not (tmp_path / "none.duckdb").exists()
