"""The company overview page on the demo data, checked against figures computed here from the
workbook itself, row by row, without the analytics package."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import DEMO_AS_OF as AS_OF
from conftest import DEMO_WORKBOOK, chart_values, charts_by_title

STATUS_PROGRESS = {"not started": 0.0, "early progress": 1 / 3, "good progress": 2 / 3, "completed": 1.0}


def workbook() -> dict[str, pd.DataFrame]:
    return pd.read_excel(DEMO_WORKBOOK, sheet_name=None, engine="openpyxl")


def hand_computed_status(kr, raw: float | None, as_of: pd.Timestamp) -> str:
    start, due = pd.Timestamp(kr["start_date"]), pd.Timestamp(kr["due_date"])
    if raw is not None and raw >= 1:
        return "completed"
    if as_of > due:
        return "overdue"
    expected = min(max((as_of - start) / (due - start), 0.0), 1.0)
    if raw is None and expected <= 0.10 + 1e-9:
        return "not started"
    gap = expected - min(max(raw or 0.0, 0.0), 1.0)
    return "on track" if gap <= 0.10 + 1e-9 else "at risk" if gap <= 0.25 + 1e-9 else "off track"


def hand_computed_progress(sheets, statuses: dict | None = None) -> dict[str, float]:
    """Clamped progress of every KR of objectives in force on AS_OF, one KR at a time; fills
    `statuses` with each KR's status when given."""
    as_of = pd.Timestamp(AS_OF)
    objectives = sheets["Objectives"].set_index("objective_id")
    progress = {}
    for kr in sheets["KeyResults"].to_dict("records"):
        period = str(objectives.loc[kr["objective_id"], "period"])
        year = int(period[:4])
        if year != as_of.year or ("Q" in period and (as_of.month - 1) // 3 + 1 != int(period[-1])):
            continue
        check_ins = sheets["CheckIns"]
        mine = check_ins[(check_ins["kr_id"] == kr["kr_id"]) & (pd.to_datetime(check_ins["date"]) <= as_of)]
        if mine.empty:
            progress[kr["kr_id"]] = 0.0
            if statuses is not None:
                statuses[kr["kr_id"]] = hand_computed_status(kr, None, as_of)
            continue
        last = mine.sort_values("date").iloc[-1]
        start, target, direction = kr["start_value"], kr["target_value"], kr.get("direction") or "increase"
        if kr["measure"] == "status":
            value = STATUS_PROGRESS[str(last["status"]).lower()]
        elif kr["measure"] == "binary":
            value = 1.0 if last["value"] >= 1 else 0.0
        elif direction == "increase":
            value = (last["value"] - start) / (target - start)
        elif direction == "decrease":
            value = (start - last["value"]) / (start - target)
        elif direction == "stay_above":
            value = 1.0 if last["value"] >= target else 0.0
        else:
            value = 1.0 if last["value"] <= target else 0.0
        progress[kr["kr_id"]] = min(max(value, 0.0), 1.0)
        if statuses is not None:
            statuses[kr["kr_id"]] = hand_computed_status(kr, value, as_of)
    return progress


@pytest.fixture
def overview(open_page):
    return open_page("pages/overview.py")


def test_overview_shows_arr_and_company_objectives_as_computed_by_hand(overview):
    overview.run()
    assert not overview.exception
    sheets = workbook()
    arr = sheets["ArrActuals"].assign(month=lambda f: f["month"].astype(str))
    may = arr.loc[arr["month"] == "2027-05", "ending_arr"].iloc[0]
    metrics = {m.label: m for m in overview.metric}
    assert metrics["ARR, 2027-05"].value == f"${may / 1e6:.2f}M"
    assert metrics["2027 ARR target"].value == "$5.00M"

    statuses: dict[str, str] = {}
    progress = hand_computed_progress(sheets, statuses)
    behind = sum(s in ("off track", "overdue") for s in statuses.values())
    at_risk = sum(s == "at risk" for s in statuses.values())
    assert metrics["KRs off track or overdue"].value == f"{behind} of {len(statuses)}"
    assert metrics["KRs off track or overdue"].delta == f"{at_risk} more at risk"
    krs = sheets["KeyResults"][sheets["KeyResults"]["kr_id"].isin(progress)].copy()
    krs["progress"] = krs["kr_id"].map(progress)
    krs["weight"] = krs["weight"].fillna(1)
    by_objective = krs.groupby("objective_id").apply(
        lambda g: (g["progress"] * g["weight"]).sum() / g["weight"].sum(), include_groups=False
    )
    objectives = sheets["Objectives"].set_index("objective_id")
    parents = objectives.loc[by_objective.index, "parent_objective_id"]
    by_company = by_objective.groupby(parents.to_numpy()).mean()
    assert metrics["Company objectives"].value == f"{by_company.mean():.0%}"

    bars = charts_by_title(overview)["Company objectives: progress vs expected by now"]
    shown = dict(zip(chart_values(bars["data"][0]["y"]), chart_values(bars["data"][0]["x"])))
    titles = objectives.loc[by_company.index, "title"]
    for objective_id, title in titles.items():
        assert shown[title] == pytest.approx(by_company[objective_id])


def test_overview_arr_bridge_adds_up_to_the_reported_ending(overview):
    overview.run()
    sheets = workbook()
    arr = sheets["ArrActuals"].assign(month=lambda f: f["month"].astype(str)).set_index("month")
    ytd = arr.loc["2027-01":"2027-05"]
    bridge = charts_by_title(overview)["ARR bridge, 2027-01 to 2027-05"]
    steps = dict(zip(chart_values(bridge["data"][0]["y"]), chart_values(bridge["data"][0]["x"])))
    assert steps["Beginning"] == pytest.approx(arr.loc["2026-12", "ending_arr"])
    assert steps["New"] == pytest.approx(ytd["new"].sum())
    assert steps["Churn"] == pytest.approx(-ytd["churn"].sum())
    assert steps["Contraction"] == pytest.approx(-ytd["contraction"].sum())
    ending = sum(v for k, v in steps.items() if k != "Ending")
    assert ending == pytest.approx(arr.loc["2027-05", "ending_arr"])


def test_team_table_lists_every_team_with_its_progress(overview):
    overview.run()
    table = overview.dataframe[0].value
    assert len(table) == 14
    assert table["progress"].between(0, 1).all()
    assert set(table["group"]) == {"Product & Engineering", "Business", "Cross-functional"}


def test_as_of_in_the_link_is_used(overview):
    overview.query_params["as_of"] = "2027-04-30"
    overview.run()
    assert not overview.exception
    assert "30 April 2027" in overview.caption[0].value
    assert "ARR, 2027-04" in {m.label for m in overview.metric}


@pytest.mark.parametrize(("as_of", "since"), [("2027-05-31", "2027-04-30"), ("2027-04-30", "2027-03-31")])
def test_overview_opens_with_since_last_review_as_computed_by_hand(open_page, as_of, since):
    import okr_by_hand

    at = open_page("pages/overview.py", as_of=as_of)
    at.run()
    assert not at.exception
    assert at.header[0].value == "Since last review"
    assert at.caption[1].value.startswith(f"{pd.Timestamp(since):%d %B %Y} → {pd.Timestamp(as_of):%d %B %Y}")
    expected = okr_by_hand.changes(okr_by_hand.workbook(), as_of, since)
    metrics = {m.label: m.value for m in at.metric}
    for label, status in (
        ("Newly overdue", "overdue"),
        ("Newly completed", "completed"),
        ("Newly off track", "off track"),
    ):
        assert metrics[label] == str(
            sum(h["status_now"] == status and h["status_before"] != status for h in expected.values())
        ), label
    recovered = sum(
        h["status_before"] in ("off track", "at risk", "overdue") and h["status_now"] in ("on track", "completed")
        for h in expected.values()
    )
    assert metrics["Recovered"] == str(recovered)

    moves = charts_by_title(at)[f"Largest moves since {pd.Timestamp(since):%d %B}, in points of progress"]
    shown = dict(zip((row[0] for row in moves["data"][0]["customdata"]), chart_values(moves["data"][0]["x"])))
    deltas = {k: h["delta"] * 100 for k, h in expected.items() if h["delta"]}
    rises = sorted((v for v in deltas.values() if v > 0), reverse=True)[:5]
    falls = sorted(v for v in deltas.values() if v < 0)[:5]
    assert sorted(shown.values()) == pytest.approx(sorted(rises + falls), rel=1e-3)
    for kr_id, points in shown.items():
        assert points == pytest.approx(deltas[kr_id], rel=1e-3)
