"""The Team page on the demo data, opened as `?team=Sales`: its objectives, KRs, progress bars,
last values and dependencies against the workbook's own rows; and the KR figure on its own."""

from __future__ import annotations

from urllib.parse import parse_qs

import pandas as pd
import pytest
from test_page_overview import hand_computed_progress

from charts.team import LABEL_LINES, LABEL_WIDTH, kr_progress_figure
from charts.theme import STATUS_COLORS
from conftest import DEMO_AS_OF as AS_OF
from conftest import chart_values, charts_by_title, demo_sheets

TEAM = "Sales"


def in_force(sheets) -> pd.DataFrame:
    """KeyResults rows of objectives in force on AS_OF, with their team."""
    progress = hand_computed_progress(sheets)
    krs = sheets["KeyResults"][sheets["KeyResults"]["kr_id"].isin(progress)].copy()
    krs["team"] = krs["objective_id"].map(sheets["Objectives"].set_index("objective_id")["team"])
    krs["progress"] = krs["kr_id"].map(progress)
    return krs


def names(depends_on) -> set[str]:
    return {n.strip() for n in str(depends_on).split(";") if n.strip()} if pd.notna(depends_on) else set()


@pytest.fixture
def sales(open_page):
    at = open_page("pages/team.py", team=TEAM)
    at.run()
    assert not at.exception
    return at


def progress_bars(figure: dict) -> dict[str, tuple[str, float]]:
    """kr_id → (axis label, progress) of a KR progress figure's bars, one trace per status."""
    return {
        row[0]: (label, progress)
        for trace in figure["data"]
        if trace["type"] == "bar" and trace.get("customdata")
        for row, label, progress in zip(trace["customdata"], chart_values(trace["y"]), chart_values(trace["x"]))
    }


def tables_with(at, column: str) -> list[pd.DataFrame]:
    return [frame.value for frame in at.dataframe if column in frame.value.columns]


def test_header_names_the_team_and_its_lead(sales):
    lead = demo_sheets()["Teams"].set_index("team").loc[TEAM, "lead"]
    assert sales.title[0].value == TEAM
    assert sales.caption[0].value.startswith(f"Lead {lead} · Business · as of 31 May 2027")
    assert [m.label for m in sales.metric] == ["Progress", "Worst status", "KRs off track or overdue", "Last check-in"]


def test_lists_exactly_the_teams_objectives_and_key_results(sales):
    sheets = demo_sheets()
    krs = in_force(sheets)
    mine = krs[krs["team"] == TEAM]
    objectives = sheets["Objectives"].set_index("objective_id").loc[mine["objective_id"].unique()]
    objective_headings = [h.value for h in sales.subheader][:-2]  # the last two head the dependencies
    assert sorted(objective_headings) == sorted(objectives["title"])
    for context in objectives["context"]:
        assert context in [m.value for m in sales.markdown]

    kr_tables = tables_with(sales, "trend")
    assert len(kr_tables) == len(objectives)
    shown = [kr_id for table in kr_tables for kr_id in table["kr_id"]]
    assert sorted(shown) == sorted(mine["kr_id"])


def test_kr_figures_show_hand_computed_progress_and_expected(sales):
    sheets = demo_sheets()
    krs = in_force(sheets).set_index("kr_id")
    as_of = pd.Timestamp(AS_OF)
    figures = {title.split(":")[0]: figure for title, figure in charts_by_title(sales).items()}
    checked = 0
    for objective_id in krs.loc[krs["team"] == TEAM, "objective_id"].unique():
        traces = {trace["name"]: trace for trace in figures[objective_id]["data"] if "name" in trace}
        ticks = traces["Expected by now"]
        progress_of = progress_bars(figures[objective_id])
        expected_of = dict(zip(chart_values(ticks["y"]), chart_values(ticks["x"])))
        kr_ids = list(progress_of)
        assert sorted(kr_ids) == sorted(krs.index[krs["objective_id"] == objective_id])
        for kr_id, (label, progress) in progress_of.items():
            expected = expected_of[label]
            kr = krs.loc[kr_id]
            start, due = pd.Timestamp(kr["start_date"]), pd.Timestamp(kr["due_date"])
            assert progress == pytest.approx(kr["progress"]), kr_id
            assert expected == pytest.approx(min(max((as_of - start) / (due - start), 0), 1)), kr_id
            checked += 1
    assert checked == (krs["team"] == TEAM).sum()
    # Hand-checked: SAL-O1-KR1 booked $930,800 of $3,120,000 by 31 May.
    assert progress_bars(figures["SAL-O1"])["SAL-O1-KR1"][1] == pytest.approx(930_800 / 3_120_000)


def test_kr_table_shows_last_values_with_units_comments_and_trends(sales):
    sheets = demo_sheets()
    decisions = pd.concat(tables_with(sales, "target")).set_index("kr_id")
    table = pd.concat(tables_with(sales, "trend")).set_index("kr_id").join(decisions[["last_value", "last_comment"]])
    check_ins = sheets["CheckIns"][pd.to_datetime(sheets["CheckIns"]["date"]) <= pd.Timestamp(AS_OF)]
    check_ins = check_ins.sort_values("date")
    for kr_id in ["SAL-O1-KR1", "SAL-O2-KR2", "SAL-O1-KR2"]:
        mine = check_ins[check_ins["kr_id"] == kr_id]
        # Each field shows its latest non-empty entry: a check-in without a comment keeps the last one.
        assert table.loc[kr_id, "last_comment"] == mine["comment"].dropna().iloc[-1]
        assert table.loc[kr_id, "confidence"] == f"{mine['confidence'].dropna().iloc[-1]:.0f}/10"
        assert list(table.loc[kr_id, "trend"]) == pytest.approx(list(mine["value"]))
    booked = check_ins.loc[check_ins["kr_id"] == "SAL-O1-KR1", "value"].iloc[-1]
    assert table.loc["SAL-O1-KR1", "last_value"] == f"${booked:,.0f}"
    assert table.loc["SAL-O2-KR2", "last_value"].endswith(" deals")
    assert table.loc["SAL-O1-KR2", "last_value"].endswith("%")
    assert table.loc["SAL-O3-KR1", "last_value"] in ("Yes", "No")
    never = sorted(set(table.index) - set(check_ins["kr_id"]))
    # Never checked in: "not started" while within the on-track band, flagged once paced at 0.
    assert never and all(table.loc[kr_id, "updated"] in ("never", "never · ⚠ no check-in") for kr_id in never)
    assert any(table.loc[kr_id, "updated"] == "never · ⚠ no check-in" for kr_id in never)


def test_kr_table_shows_the_decision_columns_and_the_rest_in_an_expander(sales):
    """At 1366 px the room reads value, target, status and last comment without scrolling sideways:
    the other columns open from an expander under each KR table."""
    sheets = demo_sheets()
    kr_tables = [table for table in sales.dataframe if "target" in table.value.columns]
    assert kr_tables
    for table in kr_tables:
        assert list(table.proto.column_order or table.value.columns) == [
            "kr_id",
            "last_value",
            "target",
            "due_date",
            "status",
            "last_comment",
        ]
    expanders = [e for e in sales.expander if e.label == "Owner, confidence, last update, trend and forecast"]
    assert len(expanders) == len(kr_tables)
    details = [table.value for expander in expanders for table in expander.dataframe]
    assert all(
        list(d.columns) == ["kr_id", "title", "owner", "confidence", "updated", "trend", "forecast"] for d in details
    )
    # Targets in the KR's unit, from the workbook; due dates beside them.
    shown = pd.concat([table.value for table in kr_tables]).set_index("kr_id")
    krs = sheets["KeyResults"].set_index("kr_id")
    assert shown.loc["SAL-O1-KR1", "target"] == f"${krs.loc['SAL-O1-KR1', 'target_value']:,.0f}"
    assert shown.loc["SAL-O1-KR2", "target"] == f"{krs.loc['SAL-O1-KR2', 'target_value']:g}%"
    assert (
        shown.loc["SAL-O2-KR2", "target"]
        == f"{krs.loc['SAL-O2-KR2', 'target_value']:g} {krs.loc['SAL-O2-KR2', 'unit']}"
    )
    assert shown.loc["SAL-O3-KR1", "target"] == "Yes"  # a binary KR
    for kr_id in shown.index:
        assert shown.loc[kr_id, "due_date"] == pd.Timestamp(krs.loc[kr_id, "due_date"]), kr_id


def test_dependencies_match_the_workbooks_depends_on(sales):
    krs = in_force(demo_sheets())
    needs_expected = {
        row.kr_id: names(row.depends_on) - {TEAM}
        for row in krs[krs["team"] == TEAM].itertuples()
        if names(row.depends_on) - {TEAM}
    }
    needed_by_expected = sorted(
        row.kr_id for row in krs[krs["team"] != TEAM].itertuples() if TEAM in names(row.depends_on)
    )
    (needs,) = tables_with(sales, "depends_on")
    (needed_by,) = tables_with(sales, "team")
    assert {row.kr_id: names(row.depends_on) for row in needs.itertuples()} == needs_expected
    assert sorted(needed_by["kr_id"]) == needed_by_expected
    assert needed_by_expected  # the demo has dependencies on Sales, so this test can fail


def test_initiatives_are_those_of_the_teams_krs(sales):
    sheets = demo_sheets()
    krs = in_force(sheets)
    initiatives = sheets["Initiatives"]
    expected = initiatives[initiatives["kr_id"].isin(krs.loc[krs["team"] == TEAM, "kr_id"])]
    (shown,) = [
        frame.value
        for frame in sales.dataframe
        if list(frame.value.columns)[:2] == ["kr_id", "title"]
        and "trend" not in frame.value.columns
        and "depends_on" not in frame.value.columns
    ]
    assert sorted(zip(shown["kr_id"], shown["title"])) == sorted(zip(expected["kr_id"], expected["title"]))


def test_without_a_team_the_page_offers_every_team(open_page):
    at = open_page("pages/team.py")
    at.run()
    assert not at.exception
    assert "Choose a team" in at.info[0].value
    links = [parse_qs(link.proto.query_string)["team"][0] for link in at.get("page_link")]
    assert sorted(links) == sorted(demo_sheets()["Teams"]["team"])


def test_kr_progress_figure_wraps_long_titles_and_keeps_them_whole_in_hover():
    long_title = "Get new account executives to their first closed deal in under ninety days from one hundred twenty"
    krs = pd.DataFrame(
        {
            "kr_id": ["K1", "K2", "K3"],
            "title": [long_title, "Same short title", "Same short title"],
            "progress": [0.25, 1.0, 0.0],
            "raw_progress": [0.25, 1.3, -0.2],
            "expected": [0.5, 0.8, 0.1],
            "status": ["off track", "completed", "not started"],
        }
    )
    figure = kr_progress_figure(krs, "Any KRs")
    traces = {trace.name: trace for trace in figure.data}
    # One bar trace per status, named after it, in the palette's colour.
    for kr_id, status in zip(krs["kr_id"], krs["status"]):
        assert [row[0] for row in traces[status]["customdata"]] == [kr_id]
        assert traces[status]["marker"]["color"] == STATUS_COLORS[status]
    assert traces["off track"]["customdata"][0][1] == long_title
    assert [list(traces[s]["x"]) for s in ("not started", "completed", "off track")] == [[0.0], [1.0], [0.25]]
    assert list(traces["Expected by now"]["x"]) == [0.1, 0.8, 0.5]
    # First KR on top: plotly draws categories bottom-up, so the figure lists them reversed.
    labels = list(traces["100 %"]["y"])
    assert len(set(labels)) == 3  # the two equal titles do not share one bar
    assert labels[0].endswith("(K3)") and labels[1].endswith("(K2)")
    lines = labels[2].split("<br>")
    assert len(lines) == LABEL_LINES and all(len(line) <= LABEL_WIDTH for line in lines)
    assert lines[-1].endswith("…")
    assert list(traces["Status"]["text"]) == [
        "<b>-20%</b> · not started",
        "<b>130%</b> · completed",
        "<b>25%</b> · off track",
    ]


def test_forecast_sits_beside_progress_and_matches_a_least_squares_fit_by_hand(sales):
    import okr_by_hand

    sheets = okr_by_hand.workbook()
    krs = {kr["kr_id"]: kr for kr in okr_by_hand.krs_in_force(sheets, AS_OF) if kr["team"] == TEAM}
    shown = {
        kr_id: text
        for table in tables_with(sales, "forecast")
        for kr_id, text in zip(table["kr_id"], table["forecast"])
    }
    assert set(shown) == set(krs)
    landed = 0
    for kr_id, kr in krs.items():
        hand = okr_by_hand.forecast(sheets, kr, AS_OF)
        if hand is None:
            assert shown[kr_id].startswith("—"), kr_id  # the reason follows the dash
            continue
        landed += hand[1] >= 1
        assert shown[kr_id] == (f"✓ lands at {hand[1]:.0%}" if hand[1] >= 1 else f"✗ {hand[1]:.0%} by the due date")
    figures = charts_by_title(sales)
    bars = [f for title, f in figures.items() if title.startswith("SAL-O")]
    markers = [t for f in bars for t in f["data"] if t.get("name") == "Forecast at due date"]
    assert markers, "the progress figures mark the forecast"


def test_trend_charts_draw_a_dotted_line_to_the_due_date(sales):
    import okr_by_hand

    sheets = okr_by_hand.workbook()
    trends = {title: f for title, f in charts_by_title(sales).items() if title.startswith("Trends to the due date")}
    assert trends
    lines = [t for f in trends.values() for t in f["data"] if t.get("name") == "Forecast to the due date"]
    assert lines and all(t["line"]["dash"] == "dot" for t in lines)
    krs = {kr["kr_id"]: kr for kr in okr_by_hand.krs_in_force(sheets, AS_OF) if kr["team"] == TEAM}
    due_dates = {str(pd.Timestamp(kr["due_date"]).date()) for kr in krs.values()}
    values = {
        round(okr_by_hand.forecast(sheets, kr, AS_OF)[0], 3)
        for kr in krs.values()
        if okr_by_hand.forecast(sheets, kr, AS_OF) is not None
    }
    for line in lines:
        assert str(line["x"][-1])[:10] in due_dates
        assert round(chart_values(line["y"])[-1], 3) in values
