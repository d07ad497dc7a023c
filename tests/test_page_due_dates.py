"""The Due dates & overdue page on the demo data, checked against lists computed here from the
workbook rows, without the analytics package."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from test_page_overview import hand_computed_progress

from conftest import DEMO_AS_OF, chart_values, charts_by_title, demo_sheets

AS_OF = pd.Timestamp(DEMO_AS_OF)
TIMELINE = "Key results by due date, 2027-Q2"
HISTOGRAM = "Key results due per week, by team"


def in_force_krs(sheets) -> pd.DataFrame:
    """KeyResults rows of the objectives whose period holds AS_OF, with team, period and its last day."""
    objectives = sheets["Objectives"].assign(period=lambda f: f["period"].astype(str))
    quarter = f"{AS_OF.year}-Q{(AS_OF.month - 1) // 3 + 1}"
    objectives = objectives[objectives["period"].isin([str(AS_OF.year), quarter])]
    period_end = objectives["period"].map(
        lambda p: (
            pd.Timestamp(f"{p}-12-31")
            if "Q" not in p
            else pd.Timestamp(year=int(p[:4]), month=3 * int(p[-1]), day=1) + pd.offsets.MonthEnd(0)
        )
    )
    objectives = objectives.assign(period_end=period_end)
    krs = sheets["KeyResults"].merge(objectives[["objective_id", "team", "period", "period_end"]], on="objective_id")
    return krs.assign(due_date=pd.to_datetime(krs["due_date"]))


@pytest.fixture
def due_dates(open_page):
    at = open_page("pages/due_dates.py")
    at.run()
    assert not at.exception
    return at


def test_overdue_list_is_every_past_due_kr_not_completed_most_days_first(due_dates):
    sheets = demo_sheets()
    statuses: dict[str, str] = {}
    progress = hand_computed_progress(sheets, statuses)
    krs = in_force_krs(sheets)
    past_due = krs[(krs["due_date"] < AS_OF) & (krs["kr_id"].map(statuses) != "completed")]
    past_due = past_due.assign(days=(AS_OF - past_due["due_date"]).dt.days)
    expected = past_due.sort_values(["days", "kr_id"], ascending=[False, True])
    assert len(expected) > 0

    table = due_dates.dataframe[0].value
    assert list(table["kr_id"]) == list(expected["kr_id"])
    assert list(table["days_overdue"]) == list(expected["days"])
    assert list(table["owner"]) == list(expected["owner"])
    assert table["progress"].tolist() == pytest.approx([100 * progress[k] for k in expected["kr_id"]])
    assert {m.label: m.value for m in due_dates.metric}["Overdue KRs"] == f"{len(expected)} of {len(krs)}"


def last_week_shares(sheets) -> pd.Series:
    """Per team, the share of its in-force KRs due in the last 7 days of their objective's period."""
    krs = in_force_krs(sheets)
    in_last_week = (krs["period_end"] - krs["due_date"]).dt.days.between(0, 6)
    return in_last_week.groupby(krs["team"]).mean()


def test_teams_piling_krs_into_the_last_week_are_flagged(due_dates):
    shares = last_week_shares(demo_sheets())
    expected = set(shares[shares > 0.5].index)  # the rule: more than half
    assert {"Marketing", "Data"} <= expected

    warning = due_dates.warning[0].value
    listed = dict(re.findall(r"\*\*(.+?)\*\*: (\d+) % of KRs due in the last week of ", warning))
    assert listed == {team: f"{shares[team] * 100:.0f}" for team in expected}
    assert "Marketing: 100 % of KRs due in the last week of 2027-Q2" in warning.replace("**", "")

    heatmap = charts_by_title(due_dates)[HISTOGRAM]["data"][0]
    flagged_rows = {label.split(" · ")[0].removeprefix("⚠ ") for label in heatmap["y"] if label.startswith("⚠")}
    assert flagged_rows == expected


def heatmap_rows(heatmap: dict) -> dict[str, list[int]]:
    """Team → its row of counts (the 2-D z array arrives flat, with its shape)."""
    z = heatmap["z"]
    values = chart_values(z)
    width = z["shape"].split(",")[1] if isinstance(z, dict) else None
    rows = [values[i : i + int(width)] for i in range(0, len(values), int(width))] if width else values
    return {label.removeprefix("⚠ ").split(" · ")[0]: row for label, row in zip(heatmap["y"], rows)}


def test_histogram_rows_add_up_to_each_teams_krs(due_dates):
    krs = in_force_krs(demo_sheets())
    heatmap = charts_by_title(due_dates)[HISTOGRAM]["data"][0]
    rows = heatmap_rows(heatmap)
    assert {team: sum(row) for team, row in rows.items()} == krs.groupby("team").size().to_dict()
    last_week = heatmap["x"].index("24<br>Jun")
    assert rows["Marketing"][last_week] == (krs["team"] == "Marketing").sum()
    due_jun_24_to_30 = krs[krs["due_date"].between("2027-06-24", "2027-06-30")].groupby("team").size()
    expected = due_jun_24_to_30.reindex(list(rows), fill_value=0).to_dict()
    assert {team: row[last_week] for team, row in rows.items()} == expected


def test_timeline_shows_every_kr_due_in_the_quarter_by_status_with_the_as_of_line(due_dates):
    sheets = demo_sheets()
    statuses: dict[str, str] = {}
    hand_computed_progress(sheets, statuses)
    krs = in_force_krs(sheets)
    in_quarter = krs[krs["due_date"].between("2027-04-01", "2027-06-30")]
    figure = charts_by_title(due_dates)[TIMELINE]
    shown = {trace["name"]: len(chart_values(trace["x"])) for trace in figure["data"]}
    assert shown == in_quarter["kr_id"].map(statuses).value_counts().to_dict()
    hovers = " ".join(hover for trace in figure["data"] for hover in trace["customdata"])
    assert all(title in hovers for title in in_quarter["title"])
    assert figure["layout"]["annotations"][0]["text"].startswith("<b>as of</b>")
    assert figure["layout"]["shapes"][0]["x0"].startswith("2027-05-31")


def test_team_link_narrows_the_page_to_that_team(open_page):
    design = open_page("pages/due_dates.py", team="Design")
    design.run()
    assert not design.exception
    sheets = demo_sheets()
    krs = in_force_krs(sheets)
    design_krs = krs[krs["team"] == "Design"]
    assert set(design.dataframe[0].value["kr_id"]) == set(design_krs.loc[design_krs["due_date"] < AS_OF, "kr_id"])
    shares = last_week_shares(sheets)
    assert len(design.warning) == int(shares["Design"] > 0.5)  # the warning speaks of Design alone

    marketing = open_page("pages/due_dates.py", team="Marketing")
    marketing.run()
    assert "Marketing" in marketing.warning[0].value and "Data" not in marketing.warning[0].value
    assert "No key result is past its due date" in marketing.success[0].value


def test_a_quarter_with_no_kr_due_in_it_still_counts_the_later_ones(open_page):
    """On 28 Feb only the yearly objectives are in force; all their KRs fall due after Q1."""
    at = open_page("pages/due_dates.py", as_of="2027-02-28")
    at.run()
    assert not at.exception
    sheets = demo_sheets()
    krs = sheets["KeyResults"]
    yearly = sheets["Objectives"].query("period.astype('str') == '2027'")["objective_id"]
    heatmap = charts_by_title(at)["Key results due per week, by team"]["data"][0]
    assert heatmap["x"][-1] == "after<br>31 Mar"
    assert sum(row[-1] for row in heatmap_rows(heatmap).values()) == krs["objective_id"].isin(yearly).sum()
    assert charts_by_title(at)["Key results by due date, 2027-Q1"]["data"] == []


def test_a_kr_of_a_company_objective_has_no_team_and_still_gets_a_hover():
    from analytics.due_dates import timeline_points
    from charts.due_dates import due_date_timeline_figure

    krs = pd.DataFrame(
        {
            "team": ["Sales", None],
            "kr_id": ["S-1", "CO-1-KR1"],
            "title": ["Deals", "<b>ARR</b>"],
            "due_date": pd.to_datetime(["2027-06-30", "2027-06-30"]),
            "status": ["on track", "at risk"],
        }
    )
    figure = due_date_timeline_figure(timeline_points(krs), ["Sales"], "2027-05-31", "2027-04-01", "2027-06-30", "t")
    hovers = [text for trace in figure.data for text in trace.customdata]
    assert "<b>CO-1-KR1</b> &lt;b&gt;ARR&lt;/b&gt;<br>Company · due 30 Jun 2027 · at risk" in hovers
