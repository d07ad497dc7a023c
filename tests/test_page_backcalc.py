"""The back-calculation page on the demo data, checked against volumes computed here by hand from
the workbook's ARR actuals and company targets and the demo base scenario (the page's defaults)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from conftest import DEMO_WORKBOOK, PROJECT_ROOT, chart_values, charts_by_title, fresh_database
from ui import state

PAGE = "pages/backcalc.py"
BASE = json.loads((PROJECT_ROOT / "okr_data" / "scenarios" / "base.json").read_text())


def workbook() -> dict[str, pd.DataFrame]:
    return pd.read_excel(DEMO_WORKBOOK, sheet_name=None, engine="openpyxl")


def demo_defaults() -> dict:
    """The page's starting inputs: the base scenario, from the latest ARR actual on or before the
    as-of month (2027-05) towards the 2027 ARR target."""
    sheets = workbook()
    actuals = sheets["ArrActuals"].assign(month=lambda f: f["month"].astype(str))
    latest = actuals[actuals["month"] <= "2027-05"].sort_values("month")["ending_arr"].iloc[-1]
    targets = sheets["CompanyTargets"]
    target = targets[(targets["period"].astype(str) == "2027") & (targets["metric"] == "arr")]["target_value"].iloc[0]
    return {**BASE, "beginning_arr": float(latest), "target_arr": float(target)}


def by_hand(inputs: dict) -> dict:
    """Year and quarterly volumes, one stage at a time from deals upwards."""
    kept = inputs["beginning_arr"] * (1 - inputs["churn_rate"] - inputs["contraction_rate"] + inputs["expansion_rate"])
    new = max(0.0, inputs["target_arr"] - kept)
    weights = [w / sum(inputs["seasonality"]) for w in inputs["seasonality"]]
    volumes = {"bookings": [new] + [new * w for w in weights]}
    volume = [v / inputs["average_deal_size"] for v in volumes["bookings"]]
    volumes["deals"] = volume
    for stage in reversed(inputs["stages"]):
        volume = [v / stage["conversion_rate"] for v in volume]
        volumes[stage["name"]] = volume
    return {"kept": kept, "new": new, "volumes": volumes}


def shown(value: float) -> str:
    """Rounded up as the page shows counts (round() first: float noise is not a unit)."""
    return f"{math.ceil(round(value, 6)):,}"


def open_backcalc(open_page, tab: str = "Plan"):
    """The page on one of its tabs (only the open tab's figures and tables are built)."""
    at = open_page(PAGE, **{state.BACKCALC_TAB: tab}).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value.startswith("Back-calculation")
    return at


def show_tab(at, tab: str) -> None:
    at.session_state[state.BACKCALC_TAB] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def plan_table(at) -> pd.DataFrame:
    frame = next(d.value for d in at.dataframe if list(d.value.columns) == ["", "Year", "Q1", "Q2", "Q3", "Q4"])
    return frame.set_index("")


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def assert_plan_shows(at, expected: dict) -> None:
    table = plan_table(at)
    for stage in [s["name"] for s in BASE["stages"]] + ["deals"]:
        assert table.loc[stage].tolist() == [shown(v) for v in expected["volumes"][stage]], stage
    assert table.loc["bookings", "Year"] == f"${expected['new']:,.0f}"


def test_defaults_show_the_hand_computed_plan(open_page):
    at = open_backcalc(open_page)
    inputs = demo_defaults()
    expected = by_hand(inputs)
    assert at.number_input(key=state.BACKCALC_BEGINNING).value == inputs["beginning_arr"]  # 2,883,400 in 2027-05
    assert at.number_input(key=state.BACKCALC_TARGET).value == inputs["target_arr"]
    assert_plan_shows(at, expected)
    shown_metrics = metrics(at)
    assert shown_metrics["Deals in the year"] == shown(expected["volumes"]["deals"][0])
    assert shown_metrics["Emails needed"] == shown(expected["volumes"]["emails"][0])
    assert not at.error

    charts = charts_by_title(at)
    waterfall = charts["ARR 2027: beginning to target"]["data"][0]
    steps = dict(zip(waterfall["y"], chart_values(waterfall["x"])))
    assert steps["New ARR required"] == pytest.approx(expected["new"])
    assert steps["Churn"] == pytest.approx(-inputs["beginning_arr"] * inputs["churn_rate"])
    # deals are not shifted by the sales cycle: each month of Q1 closes a third of Q1's deals
    monthly = charts["Needed per month, 90-day sales cycle shift"]["data"]
    deals = next(trace for trace in monthly if trace["name"] == "deals")
    by_month = dict(zip(deals["x"], chart_values(deals["y"])))
    assert by_month["Jan 2027"] == pytest.approx(expected["volumes"]["deals"][1] / 3)
    emails = next(trace for trace in monthly if trace["name"] == "emails")
    assert emails["x"][0] == "Oct 2026"  # the top of the funnel starts a 90-day cycle earlier


def test_changing_the_deal_size_recomputes_the_volumes(open_page):
    at = open_backcalc(open_page)
    at.number_input(key=state.BACKCALC_DEAL_SIZE).set_value(30_000).run()
    assert not at.exception
    expected = by_hand({**demo_defaults(), "average_deal_size": 30_000})
    assert_plan_shows(at, expected)
    assert metrics(at)["Deals in the year"] == shown(expected["volumes"]["deals"][0])


def test_importing_a_scenario_changes_a_conversion_rate(open_page):
    at = open_backcalc(open_page)
    inputs = demo_defaults()
    inputs["stages"] = [dict(stage) for stage in inputs["stages"]]
    inputs["stages"][-1]["conversion_rate"] = 0.20  # opportunities → deals, from 25 %
    at.file_uploader(key=state.BACKCALC_IMPORT).upload(
        "lower.json", json.dumps({"name": "Lower win rate", **inputs}).encode(), "application/json"
    ).run()
    assert not at.exception
    assert any("Imported lower.json" in s.value for s in at.success)
    assert_plan_shows(at, by_hand(inputs))
    assert at.text_input(key=state.BACKCALC_NAME).value == "Lower win rate"


def test_a_bad_import_is_refused_with_the_key(open_page):
    at = open_backcalc(open_page)
    before = plan_table(at)
    bad = {**demo_defaults(), "average_deal_size": -5}
    at.file_uploader(key=state.BACKCALC_IMPORT).upload("bad.json", json.dumps(bad).encode(), "application/json").run()
    assert not at.exception
    assert any("bad.json: average_deal_size must be more than 0" in e.value for e in at.error)
    pd.testing.assert_frame_equal(plan_table(at), before)  # the inputs are untouched


def test_bad_inputs_name_the_field_and_a_surplus_shows_zero(open_page):
    at = open_backcalc(open_page)
    at.number_input(key=state.BACKCALC_DEAL_SIZE).set_value(0).run()
    assert not at.exception
    assert "average_deal_size must be more than 0" in at.error[0].value
    assert not at.metric

    at.number_input(key=state.BACKCALC_DEAL_SIZE).set_value(25_000)
    at.number_input(key=state.BACKCALC_TARGET).set_value(1_000_000).run()
    inputs = demo_defaults()
    surplus = by_hand(inputs)["kept"] - 1_000_000  # 2,883,400 × 0.94 − 1,000,000 = 1,710,396
    message = next(s.value for s in at.success if "surplus" in s.value)
    assert f"surplus ${surplus / 1e6:.2f}M (${surplus:,.0f})" in message
    assert metrics(at)["Deals in the year"] == "0"
    assert set(plan_table(at).loc["emails"]) == {"0"}
    assert not at.exception


def test_coverage_of_the_quarter_by_team_krs(open_page):
    at = open_backcalc(open_page, "Coverage")
    assert at.radio(key=state.BACKCALC_COVERAGE_PERIOD).value == "2027-Q2"  # the as-of date's quarter
    sheets = workbook()
    periods = sheets["Objectives"].set_index("objective_id")["period"].astype(str)
    krs = sheets["KeyResults"]
    quarter_krs = krs[krs["funnel_stage"].notna() & (krs["objective_id"].map(periods) == "2027-Q2")]
    committed = quarter_krs.groupby("funnel_stage")["target_value"].sum()
    volumes = by_hand(demo_defaults())["volumes"]
    figure = charts_by_title(at)["Team KRs of 2027-Q2 against the plan's requirement"]["data"][0]
    ratios = dict(zip(figure["y"], chart_values(figure["x"])))
    texts = dict(zip(figure["y"], figure["text"]))
    for stage in ("emails", "replies", "meetings", "opportunities", "deals", "bookings"):
        assert ratios[stage] == pytest.approx(committed.get(stage, 0) / volumes[stage][2])  # Q2 is index 2
    # 90 opportunities committed (BizDev 60 + Alliances 30) against 91.6 required
    assert committed["opportunities"] == 90
    assert texts["opportunities"] == f"gap: {90 / volumes['opportunities'][2]:.0%} of required"
    assert texts["emails"].startswith("covered")

    at.radio(key=state.BACKCALC_COVERAGE_PERIOD).set_value("2027").run()
    figure = charts_by_title(at)["Team KRs of 2027 against the plan's requirement"]["data"][0]
    ratios = dict(zip(figure["y"], chart_values(figure["x"])))
    year_krs = krs[krs["funnel_stage"].notna() & (krs["objective_id"].map(periods) == "2027")]
    year_bookings = year_krs.loc[year_krs["funnel_stage"] == "bookings", "target_value"].sum()  # $3.12M
    assert ratios["bookings"] == pytest.approx(year_bookings / volumes["bookings"][0])


def test_tornado_moves_by_hand(open_page):
    at = open_backcalc(open_page, "Sensitivity")
    inputs = demo_defaults()
    expected = by_hand(inputs)
    top = shown(expected["volumes"]["emails"][0])
    figure = charts_by_title(at)[f"What moves the emails needed ({top})"]
    plus_20 = next(trace for trace in figure["data"] if trace["name"] == "Driver +20 %")
    moves = dict(zip(plus_20["y"], chart_values(plus_20["x"])))
    # every volume is proportional to new ARR = target − kept; +20 % on the target moves it by
    # (1.2 target − kept) / (target − kept) − 1; +20 % on the deal size by 1/1.2 − 1
    assert moves["Target ARR"] == pytest.approx(
        (1.2 * inputs["target_arr"] - expected["kept"]) / (inputs["target_arr"] - expected["kept"]) - 1
    )
    assert moves["Average deal size"] == pytest.approx(1 / 1.2 - 1)
    assert moves["opportunities → deals (win rate)"] == pytest.approx(1 / 1.2 - 1)


def test_save_compare_rename_and_publish(open_page, monkeypatch, tmp_path):
    from loaders.ingest import check_and_store
    from store.database import Store, UploadedFile

    target = fresh_database(tmp_path)  # a database of its own: this test writes
    opened = Store.open(target)
    check_and_store(opened, [UploadedFile(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes())], "tester")
    opened.close()
    monkeypatch.setenv("OKR_DB", target)
    at = open_backcalc(open_page, "Scenarios")

    def click(label: str):
        next(b for b in at.button if b.label == label).click().run()
        assert not at.exception, [e.value for e in at.exception]

    at.text_input(key=state.BACKCALC_NAME).set_value("Base case")
    click("Save")
    assert any('Saved "Base case"' in s.value for s in at.success)
    listing = next(d.value for d in at.dataframe if "saved_by" in d.value.columns)
    assert listing["name"].tolist() == ["Base case"]

    at.number_input(key=state.BACKCALC_DEAL_SIZE).set_value(30_000)
    at.multiselect(key=state.BACKCALC_COMPARE).set_value(["Current inputs", "Base case"]).run()
    comparison = next(d.value for d in at.dataframe if list(d.value.columns) == ["", "Current inputs", "Base case"])
    deals = comparison.set_index("").loc["Deals"]
    inputs = demo_defaults()
    assert deals["Base case"] == shown(by_hand(inputs)["volumes"]["deals"][0])
    assert deals["Current inputs"] == shown(by_hand({**inputs, "average_deal_size": 30_000})["volumes"]["deals"][0])

    at.text_input(key=state.BACKCALC_NEW_NAME).set_value("Plan A")
    click("Rename")
    assert next(d.value for d in at.dataframe if "saved_by" in d.value.columns)["name"].tolist() == ["Plan A"]

    click("Load into the inputs")
    assert at.number_input(key=state.BACKCALC_DEAL_SIZE).value == 25_000
    assert at.text_input(key=state.BACKCALC_NAME).value == "Plan A"

    click("Publish to company targets 2027-Q1 … Q4")
    assert any("Published: 12 company target(s) changed." in s.value for s in at.success)
    opened = Store.open(target)
    try:
        stored = opened.read_table("company_targets").set_index(["period", "metric"])
        uploads = opened.uploads()
    finally:
        opened.close()
    expected = by_hand(inputs)["volumes"]
    assert stored.at[("2027-Q1", "bookings"), "target_value"] == pytest.approx(expected["bookings"][1])
    assert stored.at[("2027-Q4", "pipeline_emails"), "target_value"] == pytest.approx(expected["emails"][4])
    assert stored.at[("2027-Q2", "pipeline_opportunities"), "target_value"] == pytest.approx(
        expected["opportunities"][2]
    )
    assert uploads.iloc[0]["file_name"] == "scenario Plan A.json"


def test_only_the_open_tab_is_built_and_inputs_keep_their_values(open_page):
    at = open_backcalc(open_page, "Inputs")
    assert not at.get("plotly_chart")  # the Inputs tab has no figure; the other tabs are not built
    at.number_input(key=state.BACKCALC_DEAL_SIZE).set_value(30_000).run()
    show_tab(at, "Coverage")
    assert list(charts_by_title(at)) == ["Team KRs of 2027-Q2 against the plan's requirement"]
    at.radio(key=state.BACKCALC_COVERAGE_PERIOD).set_value("2027-Q3").run()
    show_tab(at, "Plan")
    assert at.number_input(key=state.BACKCALC_DEAL_SIZE).value == 30_000
    assert_plan_shows(at, by_hand({**demo_defaults(), "average_deal_size": 30_000}))
    show_tab(at, "Coverage")
    assert at.radio(key=state.BACKCALC_COVERAGE_PERIOD).value == "2027-Q3"  # kept while the tab was closed
