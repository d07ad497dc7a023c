"""Bookings against the published plan (analytics.bookings) and what publishing a plan writes
(analytics.funnel.targets: the ARR path, before → after, the metrics' names), against values
computed by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics.bookings import bookings_vs_plan, pipeline_vs_krs, quarter_end
from analytics.funnel import Scenario, back_calculate, committed_key_results, published_targets
from analytics.funnel.targets import arr_targets, metric_label, plan_changes_arr, target_changes

REFERENCE = {  # DESIGN's reference: beginning 2,000,000, kept 1,880,000, new ARR 2,000,000
    "target_arr": 3_880_000,
    "beginning_arr": 2_000_000,
    "churn_rate": 0.12,
    "contraction_rate": 0.04,
    "expansion_rate": 0.10,
    "average_deal_size": 25_000,
    "seasonality": [0.2, 0.25, 0.25, 0.3],
    "stages": [{"name": "Emails", "conversion_rate": 0.10}, {"name": "opportunities", "conversion_rate": 0.25}],
}
PLAN = back_calculate(Scenario.from_dict(REFERENCE))


def targets(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["period", "metric", "start_value", "target_value"])


ACTUALS = pd.DataFrame(
    {
        "month": ["2026-12", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05", "2027-06"],
        "new": [99_000.0, 100_000.0, 120_000.0, 130_000.0, 200_000.0, None, 500_000.0],
        "ending_arr": [2e6, 2.1e6, 2.2e6, 2.3e6, 2.5e6, 2.5e6, 3e6],
    }
)


def test_bookings_by_quarter_against_the_published_targets():
    stored = targets(
        ("2027", "arr", 2e6, 5e6),
        ("2027-Q1", "bookings", 0, 400_000.0),
        ("2027-Q2", " Bookings ", 0, 500_000.0),  # spelled loosely
        ("2027-Q3", "bookings", 0, 500_000.0),
        ("2027-Q4", "bookings", 0, 600_000.0),
        ("2026-Q4", "bookings", 0, 1.0),  # another year
    )
    result = bookings_vs_plan(ACTUALS, stored, dt.date(2027, 5, 31))
    quarters = result.quarters.set_index("period")
    assert quarters["target"].tolist() == [400_000.0, 500_000.0, 500_000.0, 600_000.0]
    # Q1 = 100k + 120k + 130k; Q2 = April's 200k (May has no figure; June is after the as-of date)
    assert quarters["actual"].tolist() == [350_000.0, 200_000.0, 0.0, 0.0]
    assert quarters["closed"].tolist() == [True, False, False, False]
    assert quarters.loc["2027-Q1", "attainment"] == pytest.approx(350 / 400)
    assert (result.target_year, result.won_to_date, result.remaining) == (2_000_000.0, 550_000.0, 1_450_000.0)
    assert result.last_actual_month == "2027-05" and result.current_quarter == "2027-Q2"

    at_year_end = bookings_vs_plan(ACTUALS, stored, dt.date(2027, 12, 31))
    assert at_year_end.won_to_date == 1_050_000.0 and at_year_end.quarters["closed"].all()
    assert quarter_end(2027, 1) == dt.date(2027, 6, 30)


def test_no_bookings_target_of_the_year_shows_nothing():
    assert bookings_vs_plan(ACTUALS, targets(("2027", "arr", 2e6, 5e6)), dt.date(2027, 5, 31)) is None
    assert bookings_vs_plan(ACTUALS, targets(("2026-Q1", "bookings", 0, 1e5)), dt.date(2027, 5, 31)) is None


def test_more_won_than_targeted_leaves_nothing_remaining():
    result = bookings_vs_plan(ACTUALS, targets(("2027-Q1", "bookings", 0, 300_000.0)), dt.date(2027, 5, 31))
    assert result.quarters["period"].tolist() == ["2027-Q1"]  # only quarters with a target are listed
    assert (result.target_year, result.remaining) == (300_000.0, 0.0)


def test_pipeline_targets_against_what_the_krs_commit_to_and_report():
    stored = targets(
        ("2027-Q2", "pipeline_emails", 0, 7_500.0),
        ("2027-Q2", "pipeline_opportunities", 0, 125.0),
        ("2027-Q2", "pipeline_meetings", 0, 250.0),
        ("2027-Q3", "pipeline_emails", 0, 9_000.0),
        ("2027-Q2", "bookings", 0, 780_000.0),
    )
    key_results = pd.DataFrame(
        {
            "kr_id": ["A", "B", "C", "D", "E"],
            "objective_id": ["O1", "O1", "O2", "O2", "Y"],
            "title": ["emails", "opps", "more opps", "cancelled opps", "yearly opps"],
            "funnel_stage": ["Emails ", "opportunities", "opportunities", "opportunities", "opportunities"],
            "target_value": [8_000.0, 60.0, 30.0, 50.0, 500.0],
        }
    )
    objectives = pd.DataFrame(
        {
            "objective_id": ["O1", "O2", "Y"],
            "team": ["BizDev", "Alliances", "Sales"],
            "period": ["2027-Q2"] * 2 + ["2027"],
        }
    )
    in_force = pd.DataFrame(
        {
            "kr_id": ["A", "B", "C", "D"],
            "target_value": [8_000.0, 65.0, 30.0, 50.0],  # B's target changed by a decision
            "cancelled": [False, False, False, True],
            "last_value": [6_440.0, 41.0, None, 49.0],  # C has no check-in yet
        }
    )
    committed = committed_key_results(key_results, objectives, "2027-Q2", in_force)
    table = pipeline_vs_krs(stored, "2027-q2", committed, in_force).set_index("metric")
    assert table.index.tolist() == ["pipeline_emails", "pipeline_opportunities", "pipeline_meetings"]
    assert table.loc["pipeline_emails"].tolist() == ["emails", 7_500.0, 8_000.0, 6_440.0, 1]
    # B (65, in force) + C (30); D cancelled, E a yearly KR; reported 41 + 0
    assert table.loc["pipeline_opportunities"].tolist() == ["opportunities", 125.0, 95.0, 41.0, 2]
    assert table.loc["pipeline_meetings"].tolist() == ["meetings", 250.0, 0.0, 0.0, 0]
    assert pipeline_vs_krs(stored, "2027-Q4", committed, in_force).empty


def test_the_arr_path_published_with_a_plan():
    path = arr_targets(PLAN, 2027).set_index("period")
    assert path.loc["2027"].tolist() == ["arr", 2_000_000, 3_880_000]
    # end of Q1: 2,000,000 × (1 − 0.06 × 3/12) + 20 % of 2,000,000 = 1,970,000 + 400,000
    assert path.loc["2027-Q1", "target_value"] == pytest.approx(2_370_000)
    assert path.loc["2027-Q2"].tolist()[1:] == pytest.approx([2_370_000, 1_940_000 + 900_000])
    assert path.loc["2027-Q4", "target_value"] == pytest.approx(3_880_000)  # the path ends on the target
    published = published_targets(PLAN, 2027, ["Emails"], with_arr=True)
    assert published["metric"].tolist()[:5] == ["arr"] * 5
    assert len(published) == 5 + 4 * 2
    assert len(published_targets(PLAN, 2027, ["Emails"])) == 8  # without: as before


def test_the_plan_changes_the_arr_target_only_when_it_differs():
    same = targets(("2027", "arr", 2_000_000.0, 3_880_000.4))  # less than a dollar apart
    assert not plan_changes_arr(PLAN, 2027, same)
    assert plan_changes_arr(PLAN, 2027, targets(("2027", "ARR", 2_000_000.0, 4_000_000.0)))
    assert plan_changes_arr(PLAN, 2027, targets(("2027", "arr", 1_900_000.0, 3_880_000.0)))
    assert plan_changes_arr(PLAN, 2027, targets(("2026", "arr", 2_000_000.0, 3_880_000.0)))  # none for 2027


def test_every_target_before_and_after():
    stored = targets(("2027-Q1", "bookings", 0, 400_000.0), ("2027-Q2", "bookings", 0, 123.0), ("2027", "arr", 0, 1.0))
    changes = target_changes(published_targets(PLAN, 2027, ["Emails"]), stored).set_index(["period", "metric"])
    assert changes.loc[("2027-Q1", "bookings")].tolist() == [400_000.0, pytest.approx(400_000.0), False]
    assert changes.loc[("2027-Q2", "bookings")].tolist() == [123.0, pytest.approx(500_000.0), True]
    assert pd.isna(changes.loc[("2027-Q1", "pipeline_emails"), "before"])  # nothing stored: a new target
    assert changes["changed"].sum() == 7


def test_metrics_in_words():
    assert metric_label("pipeline_emails") == "Pipeline: emails"
    assert metric_label("pipeline_qualified_leads_sql") == "Pipeline: qualified leads sql"
    assert metric_label(" Bookings") == "Bookings (new ARR)"
    assert metric_label("arr") == "ARR"
    assert metric_label("nps") == "nps"


def test_no_company_targets_at_all_means_no_bookings_section():
    from analytics.bookings import bookings_vs_plan

    empty = pd.DataFrame(columns=["period", "metric", "start_value", "target_value"])
    arr = pd.DataFrame(columns=["month", "new", "expansion", "contraction", "churn", "ending_arr"])
    assert bookings_vs_plan(arr, empty, "2027-05-31") is None
