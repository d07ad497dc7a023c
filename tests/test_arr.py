"""ARR bridge, churn conversion and actuals against the target path (DESIGN "Formulas": ARR)."""

import numpy as np
import pandas as pd
import pytest

from analytics.arr import ARR_VS_TARGET_COLUMNS, annual_churn, arr_bridge, arr_vs_target
from store.schema import ARR_ACTUALS, COMPANY_TARGETS


def table(schema, rows):
    return pd.DataFrame(rows).reindex(columns=schema.column_names)


# DESIGN reference case spread over a quarter: 2,000,000 at the end of December, then
# new 300,000, expansion 150,000, contraction 50,000 and churn 100,000 over January to March.
ACTUALS = table(
    ARR_ACTUALS,
    [
        {"month": "2026-12", "new": 0, "expansion": 0, "contraction": 0, "churn": 0, "ending_arr": 2_000_000},
        {
            "month": "2027-01",
            "new": 100_000,
            "expansion": 50_000,
            "contraction": 20_000,
            "churn": 30_000,
            "ending_arr": 2_100_000,
        },
        {
            "month": "2027-02",
            "new": 100_000,
            "expansion": 50_000,
            "contraction": 10_000,
            "churn": 40_000,
            "ending_arr": 2_200_000,
        },
        {
            "month": "2027-03",
            "new": 100_000,
            "expansion": 50_000,
            "contraction": 20_000,
            "churn": 30_000,
            "ending_arr": 2_300_000,
        },
    ],
)


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
def test_annual_churn_reference_cases(monthly, annual_percent):
    assert round(annual_churn(monthly) * 100, 2) == annual_percent


def test_annual_churn_on_arrays():
    np.testing.assert_allclose(annual_churn(np.array([0.0, 0.5])), [0.0, 0.999755859375])  # 1 − 0.5^12 = 4095/4096


def test_arr_bridge_reference_case():
    bridge = arr_bridge(ACTUALS, "2027-01", "2027-03")
    assert bridge["beginning"] == 2_000_000  # ending ARR of 2026-12
    assert (bridge["new"], bridge["expansion"], bridge["contraction"], bridge["churn"]) == (
        300_000,
        150_000,
        50_000,
        100_000,  # sums of January to March
    )
    assert bridge["ending"] == 2_300_000  # 2,000,000 + 300,000 + 150,000 − 50,000 − 100,000
    assert bridge["ending_reported"] == 2_300_000  # ending ARR of 2027-03
    assert bridge["growth"] == pytest.approx(0.15)  # 2,300,000 / 2,000,000 − 1


def test_arr_bridge_without_the_month_before_backs_out_the_first_month():
    bridge = arr_bridge(ACTUALS.iloc[1:], "2027-01", "2027-03")
    assert bridge["beginning"] == 2_000_000  # 2,100,000 − (100,000 + 50,000 − 20,000 − 30,000)
    assert bridge["ending"] == 2_300_000


def test_arr_bridge_over_one_month():
    bridge = arr_bridge(ACTUALS, "2027-02", "2027-02")
    assert bridge["beginning"] == 2_100_000  # ending ARR of 2027-01
    assert bridge["ending"] == 2_200_000  # 2,100,000 + 100,000 + 50,000 − 10,000 − 40,000
    assert bridge["growth"] == pytest.approx(0.0476190476)  # 2,200,000 / 2,100,000 − 1


def test_arr_bridge_stops_at_the_last_actuals_in_range():
    bridge = arr_bridge(ACTUALS, "2027-01", "2027-12")
    assert (bridge["ending"], bridge["ending_reported"]) == (2_300_000, 2_300_000)  # March is the latest month


def test_arr_bridge_without_actuals_in_range_is_an_error():
    with pytest.raises(ValueError, match="no ARR actuals"):
        arr_bridge(ACTUALS, "2028-01", "2028-03")


def targets(*rows):
    return table(COMPANY_TARGETS, [dict(zip(("period", "metric", "start_value", "target_value"), row)) for row in rows])


def test_arr_vs_target_straight_to_the_annual_target():
    result = arr_vs_target(ACTUALS, targets(("2027", "arr", 2_000_000, 3_200_000)), 2027)
    assert list(result.columns) == list(ARR_VS_TARGET_COLUMNS)
    assert list(result["month"]) == [f"2027-{m:02d}" for m in range(1, 13)]
    # 2,000,000 + k × (3,200,000 − 2,000,000) / 12 = 2,000,000 + k × 100,000 at the end of month k
    assert list(result["target"]) == pytest.approx([2_000_000 + k * 100_000 for k in range(1, 13)])
    assert list(result["actual"][:3]) == [2_100_000, 2_200_000, 2_300_000]
    assert result["actual"][3:].isna().all()
    assert list(result["gap"][:3]) == pytest.approx([0, 0, 0])  # actuals exactly on the path
    assert result["gap"][3:].isna().all()


def test_arr_vs_target_through_quarter_end_targets():
    result = arr_vs_target(
        ACTUALS,
        targets(
            ("2027", "ARR", 2_000_000, 3_200_000),
            ("2027-Q1", "arr", None, 2_300_000),
            ("2027-Q2", "arr", None, 2_600_000),
            ("2027", "bookings", 0, 9_999_999),
        ),
        2027,
    )
    target = result.set_index("month")["target"]
    assert target["2027-01"] == pytest.approx(2_100_000)  # 2,000,000 + 1/3 × (2,300,000 − 2,000,000)
    assert target["2027-03"] == 2_300_000  # Q1 target
    assert target["2027-05"] == pytest.approx(2_500_000)  # 2,300,000 + 2/3 × (2,600,000 − 2,300,000)
    assert target["2027-06"] == 2_600_000  # Q2 target
    assert target["2027-09"] == pytest.approx(2_900_000)  # 2,600,000 + 3/6 × (3,200,000 − 2,600,000), no Q3 target
    assert target["2027-12"] == 3_200_000  # annual target
    assert result.set_index("month")["gap"]["2027-02"] == pytest.approx(0)  # 2,200,000 − (2,000,000 + 2/3 × 300,000)


def test_arr_vs_target_without_targets_has_no_target():
    result = arr_vs_target(ACTUALS, targets(("2026", "arr", 1_000_000, 2_000_000)), 2027)
    assert result["target"].isna().all()
    assert result["actual"][0] == 2_100_000
