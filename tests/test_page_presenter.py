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


def test_presenter_steps_through_every_team_group_by_group(presenter):
    expected, krs = teams_with_krs_in_force()
    presenter.run()
    assert not presenter.exception
    shown = []
    for _ in expected:
        shown.append(presenter.title[0].value)
        figure = charts_by_title(presenter)["Key results: progress vs expected by now"]
        team_krs = krs[krs["team"] == shown[-1]]
        assert len(chart_values(figure["data"][0]["x"])) == len(team_krs)
        assert presenter.metric[2].value.endswith(f"of {len(team_krs)}")
        next(b for b in presenter.button if b.label == "Next ▶").click().run()
    assert shown == expected
    assert presenter.title[0].value == expected[0]  # wraps around
    assert f"Team 1 of {len(expected)}" in presenter.caption[0].value


def test_previous_from_the_first_team_goes_to_the_last(presenter):
    expected, _ = teams_with_krs_in_force()
    presenter.run()
    next(b for b in presenter.button if b.label == "◀ Previous").click().run()
    assert presenter.title[0].value == expected[-1]
