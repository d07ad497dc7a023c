"""What changed since the last review, checked against figures computed by hand from the demo workbook
(tests/okr_by_hand.py) at two as-of dates, and the CLI's JSON on the demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import okr_by_hand
import pandas as pd
import pytest

from analytics.changes import filter_changes, largest_moves, previous_review, review_changes
from conftest import PROJECT_ROOT
from store.database import Store

CASES = [("2027-04-30", "2027-03-31"), ("2027-05-31", "2027-04-30")]


@pytest.fixture(scope="module")
def sheets():
    return okr_by_hand.workbook()


@pytest.fixture(scope="module")
def tables(demo_db):
    opened = Store.open(demo_db, create=False)
    try:
        return opened.read_tables()
    finally:
        opened.close()


def close(value):
    return pytest.approx(value, rel=1e-3, abs=1e-9)


@pytest.mark.parametrize(
    ("as_of", "since"),
    [
        ("2027-05-31", "2027-04-30"),
        ("2027-05-15", "2027-04-30"),
        ("2027-04-30", "2027-03-31"),
        ("2027-01-01", "2026-12-31"),
    ],
)
def test_previous_review_is_the_month_end_before_the_as_of_month(as_of, since):
    assert previous_review(as_of) == pd.Timestamp(since)


@pytest.mark.parametrize(("as_of", "since"), CASES)
def test_every_kr_change_matches_the_hand_computation(sheets, tables, as_of, since):
    expected = okr_by_hand.changes(sheets, as_of, since)
    found = review_changes(tables, as_of)
    assert found.since == pd.Timestamp(since)
    rows = found.krs.set_index("kr_id")
    assert set(rows.index) == set(expected)
    for kr_id, hand in expected.items():
        row = rows.loc[kr_id]
        assert row["status_now"] == hand["status_now"], kr_id
        assert row["progress_now"] == close(hand["progress_now"]), kr_id
        if hand["status_before"] is None:
            assert pd.isna(row["status_before"]) and pd.isna(row["progress_before"]) and pd.isna(row["delta"]), kr_id
        else:
            assert row["status_before"] == hand["status_before"], kr_id
            assert row["progress_before"] == close(hand["progress_before"]), kr_id
            assert row["delta"] == close(hand["delta"]), kr_id


@pytest.mark.parametrize(("as_of", "since"), CASES)
def test_newly_overdue_completed_off_track_and_recovered_match(sheets, tables, as_of, since):
    expected = okr_by_hand.changes(sheets, as_of, since)
    found = review_changes(tables, as_of)
    for flag, status in (
        ("newly_overdue", "overdue"),
        ("newly_completed", "completed"),
        ("newly_off_track", "off track"),
    ):
        by_hand = sorted(k for k, h in expected.items() if h["status_now"] == status and h["status_before"] != status)
        assert sorted(found.ids(flag)) == by_hand, flag
    recovered = sorted(
        k
        for k, h in expected.items()
        if h["status_before"] in ("off track", "at risk", "overdue") and h["status_now"] in ("on track", "completed")
    )
    assert sorted(found.ids("recovered")) == recovered


@pytest.mark.parametrize(("as_of", "since"), CASES)
def test_team_moves_compare_like_for_like(sheets, tables, as_of, since):
    """A team's move: the mean of its objectives' weighted KR progress, before and now, over the
    objectives in force at both dates."""
    expected = pd.DataFrame.from_dict(okr_by_hand.changes(sheets, as_of, since), orient="index")
    expected = expected[expected["progress_before"].notna()]

    def team_progress(column):
        frame = expected.assign(value=lambda f: f[column].astype(float))
        by_objective = frame.groupby("objective_id").apply(
            lambda g: (g["value"] * g["weight"]).sum() / g["weight"].sum(), include_groups=False
        )
        teams = frame.drop_duplicates("objective_id").set_index("objective_id")["team"]
        return by_objective.groupby(teams.loc[by_objective.index].to_numpy()).mean()

    before, now = team_progress("progress_before"), team_progress("progress_now")
    teams = review_changes(tables, as_of).teams.set_index("team")
    for team in teams.index:
        if team in before.index:
            assert teams.loc[team, "progress_now"] == close(now[team])
            assert teams.loc[team, "delta"] == close(now[team] - before[team])
        else:
            assert pd.isna(teams.loc[team, "delta"])
    assert teams["delta"].notna().sum() == len(before)


def test_largest_moves_are_the_five_biggest_each_way(tables):
    found = review_changes(tables, "2027-05-31")
    ups, downs = largest_moves(found.krs)
    moved = found.krs.dropna(subset=["delta"])
    assert list(ups["delta"]) == sorted(moved.loc[moved["delta"] > 0, "delta"], reverse=True)[:5]
    assert list(downs["delta"]) == sorted(moved.loc[moved["delta"] < 0, "delta"])[:5]
    assert (ups["delta"] > 0).all() and (downs["delta"] < 0).all()


def test_since_and_team_narrow_the_changes(tables):
    found = review_changes(tables, "2027-05-31", since="2027-05-15")
    assert found.since == pd.Timestamp("2027-05-15")
    sales = filter_changes(found, ["Sales"])
    assert set(sales.krs["team"]) == {"Sales"} and set(sales.teams["team"]) == {"Sales"}


def test_cli_changes_json_on_the_demo_matches_the_hand_computation(sheets, demo_db):
    env = {**os.environ, "OKR_DB": str(demo_db)}
    env.pop("OKR_AS_OF", None)
    result = subprocess.run(
        [sys.executable, "-m", "analytics", "changes", "--as-of", "2027-05-31", "--json"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    expected = okr_by_hand.changes(sheets, "2027-05-31", "2027-04-30")
    assert payload["since"] == "2027-04-30"
    for kr in payload["krs"]:
        hand = expected[kr["kr_id"]]
        assert (kr["status_before"], kr["status_now"]) == (hand["status_before"], hand["status_now"])
        assert kr["delta"] == close(hand["delta"])
    assert sorted(payload["newly_overdue"]) == sorted(
        k for k, h in expected.items() if h["status_now"] == "overdue" and h["status_before"] != "overdue"
    )


@pytest.mark.parametrize(("as_of", "since"), CASES)
def test_objective_moves_match_the_weighted_kr_means(sheets, tables, as_of, since):
    expected = pd.DataFrame.from_dict(okr_by_hand.changes(sheets, as_of, since), orient="index")
    objectives = review_changes(tables, as_of).objectives.set_index("objective_id")
    for objective_id, krs in expected.groupby("objective_id"):
        weights = krs["weight"].fillna(1).astype(float)
        now = (krs["progress_now"] * weights).sum() / weights.sum()
        assert objectives.loc[objective_id, "progress_now"] == close(now)
        if krs["progress_before"].isna().all():
            assert pd.isna(objectives.loc[objective_id, "delta"])
            continue
        before = (krs["progress_before"].astype(float) * weights).sum() / weights.sum()
        assert objectives.loc[objective_id, "delta"] == close(now - before)
