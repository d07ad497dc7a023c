"""Where each KR will land: the least-squares forecast of DESIGN, on a hand-made KR with known
check-ins and on the demo at two as-of dates against numpy's own fit of the raw workbook."""

from __future__ import annotations

import okr_by_hand
import pandas as pd
import pytest

from analytics.forecast import NOT_NUMERIC, TOO_FEW, forecast_text, kr_forecasts, with_forecasts
from analytics.progress import kr_progress
from analytics.review import review_snapshot
from store.database import Store

OBJECTIVES = pd.DataFrame(
    [{"objective_id": "O1", "period": "2027-Q2", "level": "team", "team": "Sales", "title": "Sell", "owner": "Ana"}]
)
KR = {
    "kr_id": "K1",
    "objective_id": "O1",
    "title": "Revenue",
    "measure": "number",
    "direction": "increase",
    "start_value": 0.0,
    "target_value": 100.0,
    "start_date": "2027-04-01",
    "due_date": "2027-06-30",
    "owner": "Ana",
    "weight": 1.0,
}


def forecast_of(kr: dict, readings: list[tuple[str, float]], as_of="2027-05-31") -> pd.Series:
    check_ins = pd.DataFrame(
        [{"kr_id": kr["kr_id"], "date": d, "value": v} for d, v in readings], columns=["kr_id", "date", "value"]
    )
    krs = kr_progress(pd.DataFrame([kr]), check_ins, OBJECTIVES, as_of)
    return kr_forecasts(krs, check_ins, as_of).iloc[0]


def test_a_hand_made_kr_lands_where_its_line_says():
    # Days since 1 April: 9, 30, 50 → values 10, 30, 50. x̄ = 89/3, ȳ = 30; Sxy = 820, Sxx = 7566/9;
    # b = Sxy / Sxx = 0.975416, a = ȳ − b x̄ = 1.062665; due 30 June is day 90: 1.062665 + 90 b = 88.8501.
    row = forecast_of(KR, [("2027-04-10", 10), ("2027-05-01", 30), ("2027-05-21", 50)])
    xs, ys = [9, 30, 50], [10, 30, 50]
    mean_x, mean_y = sum(xs) / 3, sum(ys) / 3
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)
    value = mean_y - slope * mean_x + slope * 90
    assert row["forecast_value"] == pytest.approx(value)
    assert row["forecast_value"] == pytest.approx(88.8501, abs=1e-3)
    assert row["forecast_progress"] == pytest.approx(value / 100)
    assert not bool(row["forecast_lands"])
    assert row["forecast_points"] == 3


def test_a_straight_line_to_the_target_lands_exactly():
    row = forecast_of(KR, [("2027-04-01", 0), ("2027-05-16", 50)])  # 50 in 45 days → 100 at day 90
    assert row["forecast_value"] == pytest.approx(100)
    assert row["forecast_progress"] == pytest.approx(1.0)
    assert bool(row["forecast_lands"]) is True


def test_decrease_progress_is_unclamped():
    kr = {**KR, "direction": "decrease", "start_value": 100.0, "target_value": 50.0}
    row = forecast_of(kr, [("2027-04-01", 100), ("2027-04-16", 70)])  # −2 a day → −80 at day 90
    assert row["forecast_value"] == pytest.approx(-80)
    assert row["forecast_progress"] == pytest.approx((100 - -80) / 50)  # 3.6: beyond 100 %, kept


def test_check_ins_before_the_start_or_after_as_of_are_left_out():
    row = forecast_of(KR, [("2027-03-20", 500), ("2027-04-01", 0), ("2027-05-16", 50), ("2027-06-10", 0)])
    assert row["forecast_value"] == pytest.approx(100)
    assert row["forecast_points"] == 2


@pytest.mark.parametrize(
    ("kr", "readings", "reason"),
    [
        (KR, [("2027-05-01", 10)], TOO_FEW),
        (KR, [("2027-05-01", 10), ("2027-05-01", 20)], TOO_FEW),  # two check-ins, one date
        ({**KR, "measure": "binary", "target_value": 1.0}, [("2027-04-10", 0), ("2027-05-10", 1)], NOT_NUMERIC),
    ],
)
def test_no_forecast_gives_three_nulls_and_a_reason(kr, readings, reason):
    row = forecast_of(kr, readings)
    assert pd.isna(row["forecast_value"]) and pd.isna(row["forecast_progress"]) and pd.isna(row["forecast_lands"])
    assert row["forecast_reason"] == reason
    assert reason in forecast_text(row)


def test_the_due_date_in_force_is_the_horizon():
    decisions = pd.DataFrame(
        [
            {
                "kr_id": "K1",
                "date": "2027-05-20",
                "decision": "change",
                "new_target_value": None,
                "new_due_date": "2027-05-31",
            }
        ]
    )
    check_ins = pd.DataFrame({"kr_id": ["K1", "K1"], "date": ["2027-04-01", "2027-05-16"], "value": [0.0, 50.0]})
    krs = kr_progress(pd.DataFrame([KR]), check_ins, OBJECTIVES, "2027-05-25", decisions)
    row = kr_forecasts(krs, check_ins, "2027-05-25").iloc[0]
    assert row["forecast_value"] == pytest.approx(50 / 45 * 60)  # day 60, the new due date


@pytest.fixture(scope="module")
def demo(demo_db):
    opened = Store.open(demo_db, create=False)
    try:
        return opened.read_tables(), okr_by_hand.workbook()
    finally:
        opened.close()


@pytest.mark.parametrize("as_of", ["2027-04-30", "2027-05-31"])
def test_demo_forecasts_match_numpy_on_the_raw_workbook(demo, as_of):
    tables, sheets = demo
    snapshot = review_snapshot(tables, as_of)
    found = with_forecasts(snapshot.krs, tables["check_ins"], as_of).set_index("kr_id")
    computed = 0
    for kr in okr_by_hand.krs_in_force(sheets, as_of):
        hand = okr_by_hand.forecast(sheets, kr, as_of)
        row = found.loc[kr["kr_id"]]
        if hand is None:
            assert pd.isna(row["forecast_value"]) and pd.isna(row["forecast_lands"]), kr["kr_id"]
            continue
        computed += 1
        assert row["forecast_value"] == pytest.approx(hand[0], rel=1e-3, abs=1e-6), kr["kr_id"]
        assert row["forecast_progress"] == pytest.approx(hand[1], rel=1e-3, abs=1e-6), kr["kr_id"]
        assert bool(row["forecast_lands"]) == (hand[1] >= 1 - 1e-9), kr["kr_id"]
    assert computed > 20
