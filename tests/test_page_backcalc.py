"""The back-calculation page on the demo data at 2027-05-31, checked against volumes computed here by
hand from the workbook's ARR actuals, company targets and Headcount sheet and the demo base scenario
(the page's defaults); publishing a plan, seeing it on the Company overview, and undoing it."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from conftest import PROJECT_ROOT, chart_values, charts_by_title, demo_sheets
from ui import state

PAGE = "pages/backcalc.py"
BASE = json.loads((PROJECT_ROOT / "okr_data" / "scenarios" / "base.json").read_text())


def demo_defaults() -> dict:
    """The page's starting inputs: the base scenario from the ARR at the start of 2027 (the ending ARR
    of December 2026, not the latest month) towards the 2027 ARR target, with the Headcount sheet's
    sales reps of December 2026."""
    sheets = demo_sheets()
    actuals = sheets["ArrActuals"].assign(month=lambda f: f["month"].astype(str))
    beginning = actuals.loc[actuals["month"] == "2026-12", "ending_arr"].iloc[0]
    targets = sheets["CompanyTargets"]
    target = targets[(targets["period"].astype(str) == "2027") & (targets["metric"] == "arr")]["target_value"].iloc[0]
    staff = sheets["Headcount"]
    reps = staff.loc[(staff["month"].astype(str) == "2026-12") & (staff["role"] == "sales_rep"), "fte"].sum()
    return {**BASE, "beginning_arr": float(beginning), "target_arr": float(target), "starting_reps": float(reps)}


def consultants_by_quarter(inputs: dict) -> list[float]:
    """DESIGN "Delivery capacity": the consultants the plan needs in each quarter's busiest month."""
    delivery = inputs["delivery"]
    net = inputs["expansion_rate"] - inputs["churn_rate"] - inputs["contraction_rate"]
    new = by_hand(inputs)["new"]
    weights = [w / sum(inputs["seasonality"]) / 3 for w in inputs["seasonality"] for _ in range(3)]
    needed, booked = [], 0.0
    for month in range(1, 13):
        booked += new * weights[month - 1]
        arr = inputs["beginning_arr"] * (1 + net * month / 12) + booked
        hours = arr / 12 * delivery["services_share"] / delivery["rate_per_hour"]
        needed.append(hours / (delivery["hours_per_fte_per_month"] * delivery["target_utilisation"]))
    return [max(needed[q * 3 : q * 3 + 3]) for q in range(4)]


def won_to_date() -> tuple[float, list[float]]:
    """New ARR of the workbook's ArrActuals from January to May 2027: in all and by quarter."""
    actuals = demo_sheets()["ArrActuals"].assign(month=lambda f: f["month"].astype(str))
    months = actuals[(actuals["month"] >= "2027-01") & (actuals["month"] <= "2027-05")]
    by_quarter = [
        months.loc[months["month"].str[5:7].astype(int).isin(range(3 * q + 1, 3 * q + 4)), "new"].sum()
        for q in range(4)
    ]
    return float(months["new"].sum()), [float(v) for v in by_quarter]


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


def test_defaults_plan_from_the_start_of_the_year_to_the_as_of_date(open_page):
    at = open_backcalc(open_page)
    inputs = demo_defaults()
    expected = by_hand(inputs)
    assert at.text_input(key=state.BACKCALC_BEGINNING).value == f"{inputs['beginning_arr']:,.0f}"  # "2,000,000"
    assert at.text_input(key=state.BACKCALC_TARGET).value == f"{inputs['target_arr']:,.0f}"
    assert at.number_input(key=state.BACKCALC_STARTING_REPS).value == inputs["starting_reps"] == 3.0
    assert_plan_shows(at, expected)

    won, won_by_quarter = won_to_date()  # 930,800: 492,600 in Q1, 438,200 in April and May
    remaining = expected["new"] - won
    deals_remaining = remaining / inputs["average_deal_size"]
    emails_remaining = deals_remaining
    for stage in reversed(inputs["stages"]):
        emails_remaining /= stage["conversion_rate"]
    shown_metrics = metrics(at)
    assert shown_metrics["Won to date"] == f"${won / 1e3:.0f}k"
    assert shown_metrics["Remaining to win"] == f"${remaining / 1e6:.2f}M"
    assert shown_metrics["Deals remaining"] == shown(deals_remaining)
    assert shown_metrics["Emails remaining"] == shown(emails_remaining)
    assert next(m.delta for m in at.metric if m.label == "Won to date") == f"of ${expected['new'] / 1e6:.2f}M needed"
    assert not at.error

    still = next(d.value for d in at.dataframe if "Rest of year" in d.value.columns).set_index("")
    assert still.loc["bookings", "Rest of year"] == f"${remaining:,.0f}"
    assert still.loc["deals", "Rest of year"] == shown(deals_remaining)
    assert still.loc["emails", "Q1"] == "—"  # the first quarter is over
    to_date = charts_by_title(at)["Bookings 2027: planned and won to 31 May"]["data"]
    bars = {trace["name"]: chart_values(trace["y"]) for trace in to_date}
    assert bars["Planned"] == pytest.approx(expected["volumes"]["bookings"][1:])
    assert bars["Won to 31 May"] == pytest.approx(won_by_quarter)
    assert bars["Remaining to win"][0] == 0 and sum(bars["Remaining to win"]) == pytest.approx(remaining)
    reps = charts_by_title(at)["Sales reps per quarter, 6 deals per ramped rep"]["data"]
    assert chart_values(next(t for t in reps if t["name"] == "Reps on the team")["y"])[0] == 3.0

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
    at.text_input(key=state.BACKCALC_DEAL_SIZE).set_value("30k").run()
    assert not at.exception
    assert at.text_input(key=state.BACKCALC_DEAL_SIZE).value == "30,000"  # tidied with separators
    expected = by_hand({**demo_defaults(), "average_deal_size": 30_000})
    assert_plan_shows(at, expected)
    assert metrics(at)["Deals remaining"] == shown((expected["new"] - won_to_date()[0]) / 30_000)


def test_a_plan_without_reps_still_plans_the_funnel(open_page):
    at = open_backcalc(open_page)
    at.toggle(key=state.BACKCALC_PLAN_REPS).set_value(False).run()
    assert not at.exception, [e.value for e in at.exception]
    assert_plan_shows(at, by_hand(demo_defaults()))
    assert "Reps at the peak" not in metrics(at)
    assert "reps (fully ramped)" not in plan_table(at).index
    assert any("plans no sales reps" in i.value for i in at.info)

    at = open_backcalc(open_page, "Sensitivity")
    at.toggle(key=state.BACKCALC_PLAN_REPS).set_value(False).run()
    assert not at.exception, [e.value for e in at.exception]
    emails = shown(by_hand(demo_defaults())["volumes"]["emails"][0])
    assert [title for title in charts_by_title(at) if title.startswith("What moves")] == [
        f"What moves the emails needed ({emails})"
    ]


def test_a_year_the_data_cannot_start_says_so(open_page, monkeypatch):
    monkeypatch.setenv("OKR_AS_OF", "2026-06-30")  # the demo's actuals and Headcount start in January 2026
    at = open_backcalc(open_page)
    notes = [i.value for i in at.info]
    assert any(
        n.startswith("No ARR actual for 2025-12 is stored: the plan starts from the base scenario's") for n in notes
    )
    assert any(n.startswith("No sales reps on staff at the plan start") for n in notes)
    assert at.number_input(key=state.BACKCALC_STARTING_REPS).value == 0
    assert at.text_input(key=state.BACKCALC_BEGINNING).value == f"{BASE['beginning_arr']:,.0f}"
    # 2026 planned to 30 June: the won months January to June count
    actuals = demo_sheets()["ArrActuals"].assign(month=lambda f: f["month"].astype(str))
    won = actuals.loc[(actuals["month"] >= "2026-01") & (actuals["month"] <= "2026-06"), "new"].sum()
    assert metrics(at)["Won to date"] == f"${won / 1e3:.0f}k"


def test_a_plan_year_not_begun_plans_the_whole_year(open_page):
    at = open_backcalc(open_page)
    at.text_input(key=state.BACKCALC_DEAL_SIZE).set_value("30,000")
    at.number_input(key=state.BACKCALC_YEAR).set_value(2028).run()
    assert not at.exception, [e.value for e in at.exception]
    # no December 2027 actual, no 2028 ARR target, no sales rep row for December 2027: the base scenario's
    assert at.text_input(key=state.BACKCALC_BEGINNING).value == f"{BASE['beginning_arr']:,.0f}"
    assert at.text_input(key=state.BACKCALC_TARGET).value == f"{BASE['target_arr']:,.0f}"
    assert at.text_input(key=state.BACKCALC_DEAL_SIZE).value == "30,000"  # typed: kept
    assert at.number_input(key=state.BACKCALC_STARTING_REPS).value == 0  # 3 in 2027; 2028 has no row yet
    assert any(i.value.startswith("No ARR actual for 2027-12 is stored") for i in at.info)
    expected = by_hand({**BASE, "average_deal_size": 30_000})
    shown_metrics = metrics(at)
    assert "Won to date" not in shown_metrics  # nothing of 2028 is won on 31 May 2027
    assert shown_metrics["Deals in the year"] == shown(expected["volumes"]["deals"][0])
    assert_plan_shows(at, expected)


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
    at.text_input(key=state.BACKCALC_DEAL_SIZE).set_value("0").run()
    assert not at.exception
    assert "average_deal_size must be more than 0" in at.error[0].value
    assert not at.metric
    at.text_input(key=state.BACKCALC_DEAL_SIZE).set_value("25,000 dollars").run()
    assert "average_deal_size: '25,000 dollars' is not an amount" in at.error[0].value

    at.text_input(key=state.BACKCALC_DEAL_SIZE).set_value("25,000")
    at.text_input(key=state.BACKCALC_TARGET).set_value("$1M").run()
    inputs = demo_defaults()
    surplus = by_hand(inputs)["kept"] - 1_000_000  # 2,000,000 × 0.94 − 1,000,000 = 880,000
    message = next(s.value for s in at.success if "surplus" in s.value)
    assert f"surplus ${surplus / 1e3:.0f}k (${surplus:,.0f})" in message
    assert metrics(at)["Deals remaining"] == "0"
    assert set(plan_table(at).loc["emails"]) == {"0"}
    assert not at.exception


def test_coverage_of_the_quarter_by_team_krs(open_page):
    at = open_backcalc(open_page, "Coverage")
    assert at.radio(key=state.BACKCALC_COVERAGE_PERIOD).value == "2027-Q2"  # the as-of date's quarter
    sheets = demo_sheets()
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
    # 90 opportunities committed (BizDev 60 + Alliances 30) against 125 required
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


@pytest.mark.slow
def test_save_compare_rename_publish_see_on_the_overview_and_undo(writable_demo_db, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from conftest import DEMO_AS_OF, routed_app_tests
    from store.database import Store

    routed_app_tests(monkeypatch)
    monkeypatch.setenv("OKR_DB", writable_demo_db)
    monkeypatch.setenv("OKR_AS_OF", DEMO_AS_OF.isoformat())
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=90)
    at.query_params[state.BACKCALC_TAB] = "Scenarios"
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]

    def click(label: str):
        next(b for b in at.button if b.label == label).click().run()
        assert not at.exception, [e.value for e in at.exception]

    def button(label: str):
        return next(b for b in at.button if b.label == label)

    # Nobody signed in and no name typed: nothing is recorded under the server's user name.
    assert at.text_input(key=state.BACKCALC_AUTHOR).value == ""
    assert button("Save").disabled and button("Publish to company targets 2027-Q1 … Q4").disabled
    at.text_input(key=state.BACKCALC_AUTHOR).set_value("Dana Chen").run()
    at.text_input(key=state.BACKCALC_NAME).set_value("Base case")
    click("Save")
    assert any('Saved "Base case"' in s.value for s in at.success)
    listing = next(d.value for d in at.dataframe if "saved_by" in d.value.columns)
    assert listing[["name", "saved_by"]].values.tolist() == [["Base case", "Dana Chen"]]

    at.text_input(key=state.BACKCALC_DEAL_SIZE).set_value("30,000")
    at.multiselect(key=state.BACKCALC_COMPARE).set_value(["Current inputs", "Base case"]).run()
    comparison = next(
        d.value for d in at.dataframe if list(d.value.columns) == ["Input or result", "Current inputs", "Base case"]
    )
    comparison = comparison.set_index("Input or result")
    inputs = demo_defaults()
    base_deals, bigger_deals = (
        by_hand({**inputs, "average_deal_size": size})["volumes"]["deals"][0] for size in (25e3, 30e3)
    )
    difference = math.ceil(round(base_deals, 6)) - math.ceil(round(bigger_deals, 6))
    assert comparison.loc["Deals"].tolist() == [shown(bigger_deals), f"{shown(base_deals)} (+{difference})"]
    assert comparison.loc["Average deal size", "Base case"] == "$25,000 (−$5,000)"

    at.text_input(key=state.BACKCALC_NEW_NAME).set_value("Plan A")
    click("Rename")
    assert next(d.value for d in at.dataframe if "saved_by" in d.value.columns)["name"].tolist() == ["Plan A"]

    click("Load")
    assert at.text_input(key=state.BACKCALC_DEAL_SIZE).value == "25,000"
    assert at.text_input(key=state.BACKCALC_NAME).value == "Plan A"

    # A bigger target: the bookings, the pipeline and the ARR path change; the confirmation lists each.
    at.text_input(key=state.BACKCALC_TARGET).set_value("6,000,000").run()
    raised = by_hand({**inputs, "target_arr": 6e6})
    click("Publish to company targets 2027-Q1 … Q4")
    confirmation = next(d.value for d in at.dataframe if "Before" in d.value.columns)
    rows = {(r.Target, r.Period): (r.Before, r.After, r.Change) for r in confirmation.itertuples()}
    # ARR for the year and each quarter; per quarter bookings, emails, opportunities, and the base
    # scenario's delivery block: consultants and utilisation
    assert len(rows) == 5 + 4 * 3 + 4 * 2
    for quarter, need in enumerate(consultants_by_quarter({**inputs, "target_arr": 6e6}), start=1):
        assert rows[("Consultants needed", f"2027-Q{quarter}")] == ("— (new)", shown(need), "changes")
        assert rows[("Utilisation (%)", f"2027-Q{quarter}")] == ("— (new)", "75 %", "changes")
    assert rows[("ARR", "2027")] == ("$5,000,000", "$6,000,000", "changes")
    assert rows[("Bookings (new ARR)", "2027-Q1")] == (
        "$624,000",
        f"${raised['volumes']['bookings'][1]:,.0f}",
        "changes",
    )
    assert rows[("Pipeline: emails", "2027-Q4")] == ("— (new)", shown(raised["volumes"]["emails"][4]), "changes")
    assert any("Publishing changes 25 company target(s)" in m.value for m in at.markdown)
    click("Yes, publish 25 target(s)")
    message = next(s.value for s in at.success if "Published" in s.value)
    assert "Published: 25 company target(s) changed." in message and "by Dana Chen" in message

    opened = Store.open(writable_demo_db)
    try:
        stored = opened.read_table("company_targets").set_index(["period", "metric"])
        upload = opened.uploads().iloc[0]
    finally:
        opened.close()
    assert stored.at[("2027-Q1", "bookings"), "target_value"] == pytest.approx(raised["volumes"]["bookings"][1])
    assert stored.at[("2027-Q2", "pipeline_opportunities"), "target_value"] == pytest.approx(
        raised["volumes"]["opportunities"][2]
    )
    assert stored.at[("2027", "arr"), "target_value"] == 6e6
    assert (upload["file_name"], upload["uploaded_by"]) == ("scenario Plan A.json", "Dana Chen")

    # The Company overview shows the published bookings, and the pipeline against the Q2 KRs.
    won, won_by_quarter = won_to_date()
    overview = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=90).run()
    assert not overview.exception, [e.value for e in overview.exception]
    shown_metrics = metrics(overview)
    assert shown_metrics["Bookings target 2027"] == f"${raised['new'] / 1e6:.2f}M"
    assert shown_metrics["Still needed this year"] == f"${(raised['new'] - won) / 1e6:.2f}M"
    # and the next quarter's consultants against May's staff on record
    staff = demo_sheets()["Headcount"]
    may = staff.loc[(staff["month"].astype(str) == "2027-05") & (staff["role"] == "consultant"), "fte"].sum()
    q3_need = consultants_by_quarter({**inputs, "target_arr": 6e6})[2]
    assert shown_metrics["Capacity gap for 2027-Q3"] == f"{max(0.0, q3_need - may):.1f}"
    chart = charts_by_title(overview)["New ARR won against the bookings target, 2027"]["data"]
    assert chart_values(chart[0]["y"]) == pytest.approx(raised["volumes"]["bookings"][1:])
    assert chart_values(chart[1]["y"]) == pytest.approx(won_by_quarter)
    pipeline = next(d.value for d in overview.dataframe if "KRs commit to" in d.value.columns).set_index("Target")
    # the Q2 KRs tagged opportunities: BizDev 60 + Alliances 30 committed, 41 + 20 reported
    required = raised["volumes"]["opportunities"][2]
    assert pipeline.loc["Pipeline: opportunities"].tolist() == [shown(required), "90", f"61 · {61 / required:.0%}"]

    # The Upload page lists the publication; undoing it puts the demo's targets back.
    overview.switch_page("pages/upload.py").run()
    chosen = overview.selectbox(key=state.UPLOAD_CHOSEN)
    publication = next(option for option in chosen.options if "scenario Plan A.json" in option)
    chosen.set_value(f"{upload['upload_id']}/scenario Plan A.json").run()
    assert publication.startswith(f"Upload {upload['upload_id']}")
    undo_by = [t for t in overview.text_input if t.key == state.UPLOAD_UNDO_BY]
    if undo_by:
        undo_by[0].set_value("Dana Chen").run()
    overview.button(key=state.UPLOAD_UNDO).click().run()
    overview.button(key=state.UPLOAD_UNDO_CONFIRM).click().run()
    assert any(f"Upload {upload['upload_id']} undone" in s.value for s in overview.success)
    overview.switch_page("pages/overview.py").run()
    assert metrics(overview)["Bookings target 2027"] == "$3.12M"  # the demo's targets again
    assert not any("KRs commit to" in d.value.columns for d in overview.dataframe)  # no pipeline target of Q2


def test_only_the_open_tab_is_built_and_inputs_keep_their_values(open_page):
    at = open_backcalc(open_page, "Inputs")
    assert not at.get("plotly_chart")  # the Inputs tab has no figure; the other tabs are not built
    at.text_input(key=state.BACKCALC_DEAL_SIZE).set_value("30,000").run()
    show_tab(at, "Coverage")
    assert list(charts_by_title(at)) == ["Team KRs of 2027-Q2 against the plan's requirement"]
    at.radio(key=state.BACKCALC_COVERAGE_PERIOD).set_value("2027-Q3").run()
    show_tab(at, "Plan")
    assert at.text_input(key=state.BACKCALC_DEAL_SIZE).value == "30,000"
    assert_plan_shows(at, by_hand({**demo_defaults(), "average_deal_size": 30_000}))
    show_tab(at, "Coverage")
    assert at.radio(key=state.BACKCALC_COVERAGE_PERIOD).value == "2027-Q3"  # kept while the tab was closed
