"""Presenter mode: the summary first, then one team per screen, a team with many key results over
several screens ("Engineering 1/2"), each KR with its status, actual / target and last comment."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from conftest import charts_by_title, demo_sheets


@pytest.fixture
def presenter(open_page):
    return open_page("pages/presenter.py")


def teams_with_krs_in_force() -> tuple[list[str], pd.DataFrame]:
    sheets = demo_sheets()
    objectives = sheets["Objectives"]
    in_force = objectives[(objectives["level"] == "team") & objectives["period"].astype(str).isin(["2027", "2027-Q2"])]
    krs = sheets["KeyResults"].merge(in_force[["objective_id", "team"]], on="objective_id")
    teams = sheets["Teams"][sheets["Teams"]["team"].isin(krs["team"])]
    return teams.sort_values(["group", "team"])["team"].tolist(), krs


def expected_screens(per_screen: int) -> list[tuple[str, list[str]]]:
    """(title, KR ids) of every team screen: the team's KRs by objective and id, cut into as few
    screens of at most `per_screen` as hold them, as even as can be."""
    teams, krs = teams_with_krs_in_force()
    screens = []
    for team in teams:
        ids = krs[krs["team"] == team].sort_values(["objective_id", "kr_id"])["kr_id"].tolist()
        parts = math.ceil(len(ids) / per_screen)
        sizes = [len(ids) // parts + (1 if i < len(ids) % parts else 0) for i in range(parts)]
        start = 0
        for part, size in enumerate(sizes, start=1):
            screens.append((team if parts == 1 else f"{team} {part}/{parts}", ids[start : start + size]))
            start += size
    return screens


def shown_krs(at) -> list[str]:
    body = next(element.value for element in at.html if "okr-slide-krs" in element.value)
    return re.findall(r'data-kr="([^"]+)"', body)


def next_slide(presenter) -> None:
    next(b for b in presenter.button if b.label == "Next ▶").click().run()


def test_presenter_steps_through_every_screen_team_by_team(presenter):
    from analytics.presenter import KRS_PER_SCREEN

    expected = expected_screens(KRS_PER_SCREEN)
    assert any(title.endswith("1/2") for title, _ in expected)  # the demo has teams over two screens
    presenter.run()
    assert not presenter.exception
    assert presenter.title[0].value == "Since last review"
    next_slide(presenter)
    for number, (title, kr_ids) in enumerate(expected, start=1):
        assert presenter.title[0].value == title
        assert shown_krs(presenter) == kr_ids, title
        assert presenter.caption[0].value.startswith(f"Screen {number} of {len(expected)} · team ")
        next_slide(presenter)
    assert presenter.title[0].value == "Since last review"  # wraps around to the summary
    next_slide(presenter)
    assert presenter.title[0].value == expected[0][0]


def test_a_team_over_two_screens_counts_all_its_krs_on_each(presenter):
    _, krs = teams_with_krs_in_force()
    engineering = len(krs[krs["team"] == "Engineering"])
    presenter.run()
    while presenter.title[0].value != "Engineering 1/2":
        next_slide(presenter)
    first = shown_krs(presenter)
    assert presenter.metric[2].value.endswith(f"of {engineering}")
    next_slide(presenter)
    assert presenter.title[0].value == "Engineering 2/2"
    assert presenter.metric[2].value.endswith(f"of {engineering}")
    assert len(first) + len(shown_krs(presenter)) == engineering
    assert len(first) - len(shown_krs(presenter)) in (0, 1)


def test_each_kr_line_shows_status_actual_against_target_and_the_last_comment(presenter):
    import okr_by_hand

    sheets = okr_by_hand.workbook()
    presenter.run()
    next_slide(presenter)  # the first team
    body = next(element.value for element in presenter.html if "okr-slide-krs" in element.value)
    first_id = shown_krs(presenter)[0]
    kr = sheets["KeyResults"].set_index("kr_id").loc[first_id]
    day = pd.Timestamp("2027-05-31")
    _, status, _ = okr_by_hand.measured(sheets, {**kr, "kr_id": first_id}, day)
    check_ins = sheets["CheckIns"][(sheets["CheckIns"]["kr_id"] == first_id) & (sheets["CheckIns"]["date"] <= day)]
    last = check_ins.sort_values("date").iloc[-1]
    line = next(part for part in body.split('class="okr-kr"') if f'data-kr="{first_id}"' in part)
    assert f">{status}</span>" in line
    assert f"{last['value']:g} / {kr['target_value']:g} {kr['unit']}" in line
    assert last["comment"] in line


def test_titles_are_escaped_in_the_kr_lines():
    from ui.presenter import kr_line_html

    row = {
        "kr_id": "X<1>",
        "title": "<script>alert(1)</script>",
        "status": "off track",
        "no_check_in": False,
        "stale": False,
        "days_silent": pd.NA,
        "days_overdue": 0,
        "comment": "a & b",
        "value_text": "1 / 2",
        "progress": 0.5,
        "expected": 0.8,
    }
    line = kr_line_html(row)
    assert "<script>" not in line and "&lt;script&gt;" in line and "a &amp; b" in line


def test_screens_split_long_teams_evenly():
    from analytics.presenter import Screen, screen_krs

    krs = pd.DataFrame({"kr_id": [f"K{i}" for i in range(11)]})
    assert screen_krs(krs, Screen("Engineering", 1, 2))["kr_id"].tolist() == [f"K{i}" for i in range(6)]
    assert screen_krs(krs, Screen("Engineering", 2, 2))["kr_id"].tolist() == [f"K{i}" for i in range(6, 11)]
    assert Screen("Engineering", 2, 2).title == "Engineering 2/2" and Screen("Sales", 1, 1).title == "Sales"


def test_previous_from_the_summary_goes_to_the_last_screen(presenter):
    from analytics.presenter import KRS_PER_SCREEN

    presenter.run()
    next(b for b in presenter.button if b.label == "◀ Previous").click().run()
    assert presenter.title[0].value == expected_screens(KRS_PER_SCREEN)[-1][0]


def test_auto_advance_steps_to_the_next_screen_when_its_time_is_up(presenter):
    import time

    from analytics.presenter import KRS_PER_SCREEN
    from ui import state

    presenter.run()
    presenter.selectbox(key=state.PRESENTER_AUTO).select("Auto-advance: every 30 s").run()
    assert presenter.title[0].value == "Since last review"  # not yet: 30 s have not passed
    presenter.session_state[state.PRESENTER_ADVANCED_AT] = time.monotonic() - 31
    presenter.run()
    assert presenter.title[0].value == expected_screens(KRS_PER_SCREEN)[0][0]


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
