"""Presenter mode: one team per screen, stepping through every team with key results."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import DEMO_WORKBOOK, chart_values, charts_by_title


@pytest.fixture
def presenter(open_page):
    return open_page("pages/presenter.py")


def teams_with_krs_in_force() -> list[str]:
    sheets = pd.read_excel(DEMO_WORKBOOK, sheet_name=None, engine="openpyxl")
    objectives = sheets["Objectives"]
    in_force = objectives[(objectives["level"] == "team") & objectives["period"].astype(str).isin(["2027", "2027-Q2"])]
    krs = sheets["KeyResults"].merge(in_force[["objective_id", "team"]], on="objective_id")
    teams = sheets["Teams"][sheets["Teams"]["team"].isin(krs["team"])]
    return teams.sort_values(["group", "team"])["team"].tolist(), krs


def next_slide(presenter) -> None:
    next(b for b in presenter.button if b.label == "Next ▶").click().run()


def test_presenter_steps_through_every_team_group_by_group(presenter):
    expected, krs = teams_with_krs_in_force()
    presenter.run()
    assert not presenter.exception
    assert presenter.title[0].value == "Since last review"
    next_slide(presenter)
    shown = []
    for _ in expected:
        shown.append(presenter.title[0].value)
        figure = charts_by_title(presenter)["Key results: progress vs expected by now"]
        team_krs = krs[krs["team"] == shown[-1]]
        assert len(chart_values(figure["data"][0]["x"])) == len(team_krs)
        assert presenter.metric[2].value.endswith(f"of {len(team_krs)}")
        next(b for b in presenter.button if b.label == "Next ▶").click().run()
    assert shown == expected
    assert presenter.title[0].value == "Since last review"  # wraps around to the summary
    next_slide(presenter)
    assert presenter.title[0].value == expected[0]
    assert f"Team 1 of {len(expected)}" in presenter.caption[0].value


def test_previous_from_the_first_team_goes_to_the_last(presenter):
    expected, _ = teams_with_krs_in_force()
    presenter.run()
    next(b for b in presenter.button if b.label == "◀ Previous").click().run()
    assert presenter.title[0].value == expected[-1]  # from the summary back to the last team


def test_the_first_screen_is_the_summary_since_the_last_review(presenter):
    import okr_by_hand

    presenter.run()
    assert not presenter.exception
    assert presenter.title[0].value == "Since last review"
    expected = okr_by_hand.changes(okr_by_hand.workbook(), "2027-05-31", "2027-04-30")
    metrics = {m.label: m.value for m in presenter.metric}
    for label, status in (
        ("Newly overdue", "overdue"),
        ("Newly completed", "completed"),
        ("Newly off track", "off track"),
    ):
        count = sum(h["status_now"] == status and h["status_before"] != status for h in expected.values())
        assert metrics[label] == str(count), label
    moves = charts_by_title(presenter)["Largest moves since 30 April, in points of progress"]
    shown = [row[0] for row in moves["data"][0]["customdata"]]
    deltas = {k: h["delta"] for k, h in expected.items() if h["delta"] is not None}
    rises = sorted((k for k in deltas if deltas[k] > 0), key=lambda k: -deltas[k])[:5]
    assert set(rises) <= set(shown) and len(shown) <= 10


def test_a_team_slide_shows_where_each_kr_will_land(presenter):
    presenter.run()
    next_slide(presenter)
    figure = charts_by_title(presenter)["Key results: progress vs expected by now"]
    assert "Forecast at due date" in {trace.get("name") for trace in figure["data"]}
