"""The Delivery capacity page on the demo data (as of 2027-05-31): the consultants the base plan needs,
checked against DESIGN's formula computed here from the workbook, the staff on record, utilisation
and the capacity warning, and the assumptions typed on the page."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from conftest import PROJECT_ROOT, chart_values, charts_by_title, demo_sheets
from ui import state

PAGE = "pages/delivery.py"
BASE = json.loads((PROJECT_ROOT / "okr_data" / "scenarios" / "base.json").read_text())


@pytest.fixture(scope="module")
def sheets() -> dict[str, pd.DataFrame]:
    return demo_sheets()


def consultants_needed(sheets, delivery: dict) -> list[float]:
    """DESIGN "Delivery capacity", month by month, from the workbook's December 2026 ARR and 2027 target."""
    actuals = sheets["ArrActuals"].assign(month=lambda f: f["month"].astype(str))
    beginning = float(actuals.loc[actuals["month"] == "2026-12", "ending_arr"].iloc[0])
    targets = sheets["CompanyTargets"]
    target = float(
        targets[(targets["period"].astype(str) == "2027") & (targets["metric"] == "arr")]["target_value"].iloc[0]
    )
    net = BASE["expansion_rate"] - BASE["churn_rate"] - BASE["contraction_rate"]
    new = max(0.0, target - beginning * (1 + net))
    weights = [w / sum(BASE["seasonality"]) / 3 for w in BASE["seasonality"] for _ in range(3)]
    needed, booked = [], 0.0
    for month in range(1, 13):
        booked += new * weights[month - 1]
        arr = beginning * (1 + net * month / 12) + booked
        hours = arr / 12 * delivery["services_share"] / delivery["rate_per_hour"]
        needed.append(hours / (delivery["hours_per_fte_per_month"] * delivery["target_utilisation"]))
    return needed


def consultants_on_staff(sheets) -> pd.Series:
    headcount = sheets["Headcount"].assign(month=lambda f: f["month"].astype(str))
    consultants = headcount[headcount["role"].str.strip().str.lower() == "consultant"]
    return consultants.groupby("month")["fte"].sum()


def open_delivery(open_page):
    at = open_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Delivery capacity"
    return at


def test_the_page_shows_the_base_plans_need_against_the_staff_on_record(open_page, sheets):
    at = open_delivery(open_page)
    needed = consultants_needed(sheets, BASE["delivery"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Peak need"] == str(math.ceil(max(needed) - 1e-9))
    staff = consultants_on_staff(sheets)
    assert metrics["On staff (May 2027)"] == f"{staff['2027-05']:g}"
    figure = charts_by_title(at)["Consultants needed vs on staff and planned hires, 2027"]
    traces = {trace["name"]: trace for trace in figure["data"] if trace.get("name")}
    assert chart_values(traces["Needed by the plan"]["y"]) == pytest.approx(needed)
    assert chart_values(traces["On staff"]["y"]) == pytest.approx([staff[f"2027-{m:02d}"] for m in range(1, 6)])
    # the staff of May plus the planned hires, never below May's staff, from June on
    assert len(chart_values(traces["On staff + planned hires"]["y"])) == 7
    assert min(chart_values(traces["On staff + planned hires"]["y"])) >= staff["2027-05"]


def test_utilisation_by_month_and_team_against_the_target(open_page, sheets):
    at = open_delivery(open_page)
    headcount = sheets["Headcount"].assign(month=lambda f: f["month"].astype(str))
    hours = headcount[headcount["available_hours"] > 0]
    may = hours[hours["month"] == "2027-05"]
    company_may = may["billable_hours"].sum() / may["available_hours"].sum()
    charts = charts_by_title(at)
    by_month = charts["Utilisation by month"]
    line = next(trace for trace in by_month["data"] if trace["name"] == "Utilisation")
    assert chart_values(line["y"])[-1] == pytest.approx(company_may * 100)
    assert any(trace["name"] == "Target 75%" for trace in by_month["data"])
    by_team = charts["Utilisation by team, May 2027"]
    teams = may.groupby("team")[["billable_hours", "available_hours"]].sum()
    expected = (teams["billable_hours"] / teams["available_hours"] * 100).to_dict()
    bar = by_team["data"][0]
    assert dict(zip(chart_values(bar["y"]), chart_values(bar["x"]))) == pytest.approx(expected)
    metric = next(m for m in at.metric if m.label.startswith("Utilisation"))
    assert metric.value == f"{company_may:.0%}"


def test_lower_utilisation_needs_more_consultants_and_warns_of_the_gap(open_page, sheets):
    at = open_delivery(open_page)
    at.number_input(key=state.DELIVERY_UTILISATION).set_value(50.0).run()
    assert not at.exception
    needed = consultants_needed(sheets, BASE["delivery"] | {"target_utilisation": 0.5})
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Peak need"] == str(math.ceil(max(needed) - 1e-9))
    assert any("Capacity gap" in w.value for w in at.warning)


def test_bad_assumptions_are_named(open_page):
    at = open_delivery(open_page)
    at.text_input(key=state.DELIVERY_RAMP).set_value("half, 1").run()
    assert not at.exception
    assert any("consultant ramp" in e.value for e in at.error)


def test_the_overview_shows_last_months_utilisation(open_page, sheets):
    at = open_page("pages/overview.py").run()
    assert not at.exception, [e.value for e in at.exception]
    headcount = sheets["Headcount"].assign(month=lambda f: f["month"].astype(str))
    may = headcount[(headcount["month"] == "2027-05") & (headcount["available_hours"] > 0)]
    metric = next(m for m in at.metric if m.label == "Utilisation (May 2027)")
    assert metric.value == f"{may['billable_hours'].sum() / may['available_hours'].sum():.0%}"
    assert any(s.value == "Delivery capacity" for s in at.subheader)
