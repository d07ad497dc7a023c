"""Update health per team and per owner, and the missing-updates list, against a hand computation
from the raw demo workbook at two as-of dates."""

from __future__ import annotations

import okr_by_hand
import pandas as pd
import pytest

from analytics.health import update_health
from analytics.progress import kr_progress
from analytics.review import review_snapshot
from store.database import Store


@pytest.fixture(scope="module")
def demo(demo_db):
    opened = Store.open(demo_db, create=False)
    try:
        return opened.read_tables(), okr_by_hand.workbook()
    finally:
        opened.close()


@pytest.mark.parametrize("as_of", ["2027-04-30", "2027-05-31"])
@pytest.mark.parametrize("key", ["team", "owner"])
def test_health_matches_the_hand_computation(demo, as_of, key):
    tables, sheets = demo
    found = update_health(review_snapshot(tables, as_of).krs, as_of)
    frame = (found.teams if key == "team" else found.owners).set_index(key)
    expected = okr_by_hand.health(sheets, as_of, key)
    assert set(frame.index) == set(expected)
    for name, (in_force, updated, share, oldest) in expected.items():
        row = frame.loc[name]
        assert (row["in_force"], row["updated"]) == (in_force, updated), name
        assert row["share"] == pytest.approx(share, rel=1e-3), name
        assert (pd.isna(row["oldest"]) and oldest is None) or row["oldest"] == oldest, name
    assert list(frame["share"]) == sorted(frame["share"])  # lowest share first


@pytest.mark.parametrize("as_of", ["2027-04-30", "2027-05-31"])
def test_missing_updates_are_the_krs_not_updated_in_30_days(demo, as_of):
    tables, sheets = demo
    found = update_health(review_snapshot(tables, as_of).krs, as_of)
    day = pd.Timestamp(as_of)
    expected = set()
    for kr in okr_by_hand.krs_in_force(sheets, as_of):
        _, _, last = okr_by_hand.measured(sheets, kr, as_of)
        if last is None or not day - pd.Timedelta(days=30) < last <= day:
            expected.add(kr["kr_id"])
    assert set(found.missing["kr_id"]) == expected
    assert found.in_force - found.updated == len(expected)


def test_cancelled_krs_are_left_out_and_the_window_is_half_open():
    objectives = pd.DataFrame(
        [{"objective_id": "O1", "period": "2027-Q2", "level": "team", "team": "Sales", "title": "Sell", "owner": "Ana"}]
    )
    base = {
        "objective_id": "O1",
        "title": "t",
        "measure": "number",
        "direction": "increase",
        "start_value": 0.0,
        "target_value": 10.0,
        "start_date": "2027-04-01",
        "due_date": "2027-06-30",
        "weight": 1.0,
    }
    krs = pd.DataFrame(
        [
            {**base, "kr_id": "K1", "owner": "Ana"},
            {**base, "kr_id": "K2", "owner": "Ana"},
            {**base, "kr_id": "K3", "owner": "Bo"},
            {**base, "kr_id": "K4", "owner": "Bo"},
        ]
    )
    check_ins = pd.DataFrame(
        {
            "kr_id": ["K1", "K2", "K3", "K4"],
            "date": ["2027-05-01", "2027-05-02", "2027-04-01", "2027-05-30"],
            "value": [1.0, 2.0, 3.0, 4.0],
        }
    )
    decisions = pd.DataFrame([{"kr_id": "K4", "date": "2027-05-15", "decision": "cancel"}])
    frame = kr_progress(krs, check_ins, objectives, "2027-05-31", decisions)
    found = update_health(frame, "2027-05-31")
    teams = found.teams.set_index("team")
    # K1 on 1 May is exactly 30 days before 31 May: outside (d − 30, d]. K2 on 2 May is inside.
    assert (teams.loc["Sales", "in_force"], teams.loc["Sales", "updated"]) == (3, 1)
    assert teams.loc["Sales", "oldest"] == pd.Timestamp("2027-04-01")
    owners = found.owners.set_index("owner")
    assert (owners.loc["Bo", "in_force"], owners.loc["Bo", "updated"], owners.loc["Bo", "share"]) == (1, 0, 0.0)
    assert list(found.missing["kr_id"]) == ["K3", "K1"]
