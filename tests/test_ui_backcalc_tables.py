"""ui.backcalc_tables: what the back-calculation tabs show, on DESIGN's reference funnel (new ARR
$2,000,000 → 80 deals → 320 opportunities → 640 meetings → ≈1,939 replies → ≈19,394 emails)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics.channels import channel_volumes
from analytics.funnel import Scenario, back_calculate, coverage, published_targets, scenario_comparison
from ui.backcalc_tables import (
    CHANNEL_COLUMNS_SHOWN,
    channel_months,
    channel_rows,
    comparison_rows,
    coverage_periods,
    coverage_rows,
    default_coverage_period,
    default_publish_stages,
    period_quarter,
    plan_rows,
    publish_preview,
    what_if_axes,
)

REFERENCE = {
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
}
SCENARIO = Scenario.from_dict(REFERENCE)
PLAN = back_calculate(SCENARIO)


def test_the_plan_table_rounds_volumes_up_and_shows_money():
    rows = plan_rows(PLAN).set_index("")
    assert list(rows.columns) == ["Year", "Q1", "Q2", "Q3", "Q4"]
    assert rows["Year"].to_dict() == {
        "bookings": "$2,000,000",
        "emails": "19,394",
        "replies": "1,940",
        "meetings": "640",
        "opportunities": "320",
        "deals": "80",
        "reps (fully ramped)": "4",
        "hires": "4",
        "headcount": "4",
    }
    assert rows.loc["emails"].tolist() == ["19,394", "4,849", "4,849", "4,849", "4,849"]
    assert rows.loc["hires"].tolist() == ["4", "4", "0", "0", "0"]


def test_coverage_rows_say_covered_or_short_by_how_much():
    krs = pd.DataFrame({"funnel_stage": ["Opportunities", "bookings"], "target_value": [300, 2_500_000]})
    rows = coverage_rows(coverage(PLAN, krs)).set_index("Stage")
    assert rows.loc["opportunities"].tolist() == ["320", "300", "✖ gap 94%", "20", 1]
    assert rows.loc["bookings"].tolist() == ["$2,000,000", "$2,500,000", "✔ 125%", "", 1]
    assert rows.loc["emails"].tolist() == ["19,394", "0", "✖ gap 0%", "19,394", 0]


def test_coverage_periods_default_to_the_as_of_quarter_of_the_plan_year():
    assert coverage_periods(2027) == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4", "2027"]
    assert default_coverage_period(dt.date(2027, 5, 31), 2027) == "2027-Q2"
    assert default_coverage_period(dt.date(2026, 12, 31), 2027) == "2027"
    assert (period_quarter("2027-Q3"), period_quarter("2027")) == (3, None)


def test_what_if_axes_move_the_win_rate_and_deal_size_around_the_plan():
    win_rates, deal_sizes = what_if_axes(SCENARIO)
    assert win_rates == pytest.approx([0.30, 0.275, 0.25, 0.225, 0.20])
    assert deal_sizes == pytest.approx([20_000, 22_500, 25_000, 27_500, 30_000])
    high = Scenario.from_dict({**REFERENCE, "stages": [{"name": "demos", "conversion_rate": 0.9}]})
    assert what_if_axes(high)[0] == pytest.approx([1.0, 0.99, 0.9, 0.81, 0.72])  # capped at 100 %


def test_comparison_rows_one_column_per_scenario():
    bigger = Scenario.from_dict({**REFERENCE, "average_deal_size": 30_000})
    rows = comparison_rows(scenario_comparison({"Base": SCENARIO, "Bigger deals": bigger}), ["Base", "Bigger deals"])
    rows = rows.set_index("")
    assert rows.loc["Deals"].tolist() == ["80", "67"]
    assert rows.loc["Churn (annual)"].tolist() == ["12 %", "12 %"]
    assert rows.loc["Average deal size"].tolist() == ["$25,000", "$30,000"]


def test_publish_stages_and_preview():
    names = ["emails", "replies", "opportunities"]
    assert default_publish_stages(names, None) == ["emails", "opportunities"]
    assert default_publish_stages(names, ["replies"]) == ["replies"]
    assert default_publish_stages(names, []) == []  # cleared on purpose: stays cleared
    assert default_publish_stages(names, ["gone"]) == ["emails", "opportunities"]
    assert default_publish_stages(["only"], None) == ["only"]
    preview = publish_preview(published_targets(PLAN, 2027, ["emails"])).set_index("metric")
    assert list(preview.columns) == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
    assert preview.loc["bookings"].tolist() == ["$500,000"] * 4
    assert preview.loc["pipeline_emails"].tolist() == ["4,849"] * 4


def test_channel_rows_and_months():
    plan = back_calculate(
        Scenario.from_dict(
            {
                **REFERENCE,
                "sales_cycle_days": 90,
                "channel_stage": "meetings",
                "channels": [
                    {"name": "Outbound", "share": 0.75, "conversion_rates": {"emails": 0.10, "replies": 0.33}},
                    {"name": "Inbound", "share": 0.25, "conversion_rates": {"emails": 0.20, "replies": 0.50}},
                ],
            }
        )
    )
    rows = channel_rows(channel_volumes(plan))
    assert list(rows.columns) == list(CHANNEL_COLUMNS_SHOWN)
    inbound = rows.set_index(["channel", "stage"]).loc[("Inbound", "emails")]
    assert inbound.tolist() == ["20 %", "1,600", "400", "400", "400", "400"]
    months = channel_months(plan)
    assert months.loc[("Inbound", "emails")].tolist()[:4] == ["134", "134", "134", "134"]  # 400 / 3, rounded up
    assert months.columns[0] == "Y-1 M10"  # emails lead deals by the whole 90-day cycle
