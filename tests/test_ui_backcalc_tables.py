"""ui.backcalc_tables: what the back-calculation tabs show, on DESIGN's reference funnel (new ARR
$2,000,000 → 80 deals → 320 opportunities → 640 meetings → ≈1,939 replies → ≈19,394 emails)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics.channels import channel_volumes
from analytics.funnel import Scenario, back_calculate, coverage, plan_to_date, published_targets, sensitivity
from analytics.funnel.targets import target_changes
from ui.backcalc_tables import (
    CHANNEL_COLUMNS_SHOWN,
    change_rows,
    channel_months,
    channel_rows,
    comparison_rows,
    comparison_table,
    coverage_periods,
    coverage_rows,
    default_coverage_period,
    default_publish_stages,
    headline_metrics,
    period_quarter,
    plan_rows,
    plan_sensitivity,
    publish_preview,
    remaining_rows,
    target_text,
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


def test_comparison_rows_highlight_what_differs_with_the_difference():
    bigger = Scenario.from_dict({**REFERENCE, "average_deal_size": 30_000, "churn_rate": 0.1})
    names = ["Base", "Bigger deals"]
    rows = comparison_rows(comparison_table({"Base": SCENARIO, "Bigger deals": bigger}), names).set_index("")
    # new ARR 3,880,000 − 2,000,000 × (1 − 0.10 − 0.04 + 0.10) = 1,960,000; / 30,000 = 65.3
    assert rows.loc["Deals"].tolist() == ["80", "66 (−14)", True]
    assert rows.loc["Average deal size"].tolist() == ["$25,000", "$30,000 (+$5,000)", True]
    assert rows.loc["Churn (annual)"].tolist() == ["12 %", "10 % (−2 pts)", True]
    assert rows.loc["Contraction (annual)"].tolist() == ["4 %", "4 %", False]
    assert not rows.loc["Funnel stages", "differs"]


def test_scenarios_without_reps_compare_and_move_with_blank_reps():
    without = Scenario.from_dict({key: v for key, v in REFERENCE.items() if key != "deals_per_rep_per_quarter"})
    table = comparison_table({"Reps": SCENARIO, "No reps": without}).set_index("item")
    assert table.loc["Reps needed (peak quarter)"].tolist()[2:] == [pytest.approx(4.0), None]
    assert table.loc["Hires in the year", "No reps"] is None
    assert table.loc["Deals", "No reps"] == pytest.approx(80)
    moved = plan_sensitivity(without)
    assert "deals_per_rep_per_quarter" not in set(moved["driver"])
    assert moved["reps"].isna().all()
    with_reps = sensitivity(SCENARIO)
    pd.testing.assert_series_equal(
        moved.set_index(["driver", "change"])["top_of_funnel"],
        with_reps[with_reps["driver"] != "deals_per_rep_per_quarter"].set_index(["driver", "change"])["top_of_funnel"],
    )


def test_publish_stages_and_preview():
    names = ["emails", "replies", "opportunities"]
    assert default_publish_stages(names, None) == ["emails", "opportunities"]
    assert default_publish_stages(names, ["replies"]) == ["replies"]
    assert default_publish_stages(names, []) == []  # cleared on purpose: stays cleared
    assert default_publish_stages(names, ["gone"]) == ["emails", "opportunities"]
    assert default_publish_stages(["only"], None) == ["only"]
    preview = publish_preview(published_targets(PLAN, 2027, ["emails"])).set_index("Target")
    assert list(preview.columns) == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
    assert preview.loc["Bookings (new ARR)"].tolist() == ["$500,000"] * 4
    assert preview.loc["Pipeline: emails"].tolist() == ["4,849"] * 4
    with_arr = publish_preview(published_targets(PLAN, 2027, ["emails"], with_arr=True)).set_index("Target")
    assert list(with_arr.columns) == ["2027", "2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
    assert with_arr.loc["ARR"].tolist()[0] == "$3,880,000"
    assert with_arr.loc["Pipeline: emails", "2027"] == "—"


def test_the_publish_confirmation_lists_every_target_before_and_after():
    stored = pd.DataFrame(
        [("2027-Q1", "bookings", 0.0, 500_000.0), ("2027-Q2", "bookings", 0.0, 400_000.0)],
        columns=["period", "metric", "start_value", "target_value"],
    )
    rows = change_rows(target_changes(published_targets(PLAN, 2027, ["emails"]), stored))
    assert list(rows.columns) == ["Target", "Period", "Before", "After", "Change"]
    assert rows.iloc[0].tolist() == ["Pipeline: emails", "2027-Q1", "— (new)", "4,849", "changes"]
    assert rows.iloc[1].tolist() == ["Bookings (new ARR)", "2027-Q2", "$400,000", "$500,000", "changes"]
    assert rows.iloc[-1].tolist() == ["Bookings (new ARR)", "2027-Q1", "$500,000", "$500,000", "same"]  # last


def test_each_published_metric_reads_in_its_unit():
    assert target_text(624_000.0, "bookings") == "$624,000"
    assert target_text(5e6, " ARR") == "$5,000,000"
    assert target_text(7_563.2, "pipeline_emails") == "7,564"
    assert target_text(8.2, "consultants") == "9"  # people, rounded up
    assert target_text(75.0, "utilisation") == "75 %"  # stored in percent points


def test_headline_and_remaining_planned_to_date():
    actuals = pd.DataFrame({"month": ["2027-01", "2027-04", "2027-05"], "new": [300_000.0, 100_000.0, 100_000.0]})
    progress = plan_to_date(SCENARIO, actuals, dt.date(2027, 5, 31))
    shown = {label: (value, note) for label, value, note, _ in headline_metrics(PLAN, progress)}
    assert shown == {
        "Won to date": ("$500k", "of $2.00M needed"),
        "Remaining to win": ("$1.50M", "after 31 May"),
        "Deals remaining": ("60", None),
        "Emails remaining": ("14,546", None),  # 60 deals / 0.25 / 0.5 / 0.33 / 0.10 = 14,545.45
        "Reps at the peak": ("4", "4 to hire"),
    }
    rows = remaining_rows(progress).set_index("")
    assert list(rows.columns) == ["Rest of year", "Q1", "Q2", "Q3", "Q4"]
    # equal quarters: June has a third of Q2's weight, so 1,500,000 splits 1 : 3 : 3 over June, Q3, Q4
    assert rows.loc["bookings"].tolist() == ["$1,500,000", "—", "$214,286", "$642,857", "$642,857"]
    assert rows.loc["deals"].tolist() == ["60", "—", "9", "26", "26"]  # 8.57 and 25.71 rounded up
    assert rows.index.tolist() == ["bookings", "emails", "replies", "meetings", "opportunities", "deals"]
    whole_year = {label: value for label, value, _, _ in headline_metrics(PLAN, None)}
    assert whole_year["New ARR required"] == "$2.00M" and whole_year["Emails needed"] == "19,394"


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
