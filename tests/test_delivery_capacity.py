"""Delivery capacity against the staff on record (analytics.delivery_capacity), by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.delivery_capacity import (
    capacity_outlook,
    capacity_table,
    capacity_warnings,
    hires_from_record,
    sensitivity,
)
from analytics.funnel import Scenario, back_calculate

# 1,200,000 new ARR over 2027 at equal seasonality: consultants needed = 10 + m/1.2 in month m (see
# tests/test_plan_to_date.py), 10 on staff at the start, ramp [0.5, 1] (L = 1).
SCENARIO = {
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
        "consultant_ramp": [0.5, 1],
    },
}


def needed(m: int) -> float:
    return 10 + m / 1.2


def headcount(staff_by_month: dict[str, float]) -> pd.DataFrame:
    rows = [
        {
            "month": month,
            "team": "Delivery",
            "role": "Consultant",
            "fte": fte,
            "billable_hours": 100 * fte,
            "available_hours": 140 * fte,
        }
        for month, fte in staff_by_month.items()
    ]
    rows.append({"month": "2027-03", "team": "Sales", "role": "sales_rep", "fte": 4.0})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def delivery():
    return back_calculate(Scenario.from_dict(SCENARIO)).delivery


def test_staff_on_record_then_staff_plus_the_planned_hires(delivery):
    staff = headcount({"2027-01": 10, "2027-02": 11, "2027-03": 11})
    table = capacity_table(delivery, staff, 2027, "2027-03-31")
    assert table["known"].tolist() == [True] * 3 + [False] * 9
    assert table["on_staff"].iloc[:3].tolist() == [10, 11, 11]  # sales reps are not consultants
    assert table["needed"].tolist() == pytest.approx([needed(m) for m in range(1, 13)])
    hires = table["hires"].to_numpy()
    # April: March's 11 plus April's planned hires at half productivity (ramp[0])
    assert table["expected_staff"].iloc[3] == pytest.approx(11 + 0.5 * hires[3])
    assert table["expected_staff"].iloc[4] == pytest.approx(11 + hires[3] + 0.5 * hires[4])
    # March needs 12.5 with 11 on staff
    assert table["gap"].iloc[2] == pytest.approx(needed(3) - 11)
    worst = capacity_warnings(table).iloc[0]
    assert worst["gap"] == pytest.approx(table["gap"].max())


def test_hiring_again_from_the_record_covers_the_rest_of_the_year(delivery):
    staff = headcount({"2027-01": 10, "2027-02": 11, "2027-03": 11})
    months, hiring = hires_from_record(delivery, capacity_table(delivery, staff, 2027, "2027-03-31"))
    assert months[0] == "2027-04" and len(months) == 9
    assert sum(hiring.hires) == pytest.approx(needed(12) - 11)
    # L = 1: April's need is hired in April (no time to ramp), May's and later a month ahead
    assert hiring.hires[0] == pytest.approx(needed(5) - 11)
    assert hiring.gap[0] == pytest.approx(needed(4) - (11 + 0.5 * hiring.hires[0]))
    assert all(g == 0 for g in hiring.gap[1:])


def test_records_after_the_as_of_month_are_not_counted(delivery):
    staff = headcount({"2027-01": 10, "2027-06": 30})
    table = capacity_table(delivery, staff, 2027, "2027-01-31")
    assert table["known"].sum() == 1


def test_without_records_the_plan_starts_from_its_own_staff(delivery):
    table = capacity_table(delivery, headcount({}).iloc[0:0], 2027, "2027-05-31")
    assert not table["known"].any()
    assert table["expected_staff"].tolist() == pytest.approx(list(delivery.consultants.effective))
    assert table["gap"].tolist() == pytest.approx(list(delivery.consultants.gap))


def test_sensitivity_scales_with_rate_and_utilisation():
    grid = sensitivity(Scenario.from_dict(SCENARIO))
    base = grid.loc[100.0, 0.8]
    assert base == pytest.approx(20)
    assert grid.loc[80.0, 0.8] == pytest.approx(20 * 100 / 80)  # 20 % lower rate: 25 % more hours
    assert grid.loc[100.0, 0.9] == pytest.approx(20 * 0.8 / 0.9)


def test_outlook_for_the_review():
    staff = headcount({"2027-04": 10, "2027-05": 12})
    targets = pd.DataFrame(
        [
            {"period": "2027-Q2", "metric": "utilisation", "start_value": 0, "target_value": 75.0},
            {"period": "2027-Q3", "metric": "consultants", "start_value": 0, "target_value": 15.5},
        ]
    )
    outlook = capacity_outlook(staff, targets, "2027-05-31")
    assert outlook.month == "2027-05" and outlook.utilisation == pytest.approx(100 / 140)
    assert outlook.utilisation_target == 75.0
    assert outlook.quarter == "2027-Q3" and outlook.on_staff == 12
    assert outlook.gap == pytest.approx(3.5)
    assert capacity_outlook(staff.iloc[0:0], targets, "2027-05-31") is None


def test_a_plan_with_delivery_publishes_consultants_and_utilisation_per_quarter():
    from analytics.funnel import published_targets

    plan = back_calculate(Scenario.from_dict(SCENARIO))
    targets = published_targets(plan, 2027, [])
    consultants = targets[targets["metric"] == "consultants"].set_index("period")["target_value"]
    # the busiest month of each quarter: its last (the need grows every month)
    assert consultants.to_dict() == pytest.approx({f"2027-Q{q}": needed(3 * q) for q in range(1, 5)})
    utilisation = targets[targets["metric"] == "utilisation"]["target_value"]
    assert utilisation.tolist() == [80.0] * 4
    without = dict(SCENARIO)
    del without["delivery"]
    assert set(published_targets(back_calculate(Scenario.from_dict(without)), 2027, [])["metric"]) == {"bookings"}
