"""Objective, team and company roll-ups (DESIGN "Formulas": roll-ups)."""

import pandas as pd
import pytest

from analytics.progress import kr_progress
from analytics.rollups import (
    COMPANY_ROLLUP_COLUMNS,
    OBJECTIVE_ROLLUP_COLUMNS,
    STATUS_COUNT_COLUMNS,
    TEAM_ROLLUP_COLUMNS,
    company_rollup,
    objective_rollup,
    status_count_column,
    team_rollup,
)
from store.schema import CHECK_INS, DECISIONS_TABLE, KEY_RESULTS, OBJECTIVES, TEAMS


def table(schema, rows):
    return pd.DataFrame(rows).reindex(columns=schema.column_names)


OBJECTIVES_FRAME = table(
    OBJECTIVES,
    [
        {"objective_id": "C1", "period": "2027", "level": "company", "title": "Win customers' loyalty"},
        {"objective_id": "C2", "period": "2027", "level": "company", "title": "Control our corporate destiny"},
        {
            "objective_id": "S1",
            "period": "2027-Q2",
            "level": "team",
            "team": "Sales",
            "title": "Grow pipeline",
            "owner": "Ana",
            "parent_objective_id": "C1",
        },
        {
            "objective_id": "S2",
            "period": "2027-Q2",
            "level": "team",
            "team": "Sales",
            "title": "Shorten cycles",
            "parent_objective_id": "C1",
        },
        {
            "objective_id": "U1",
            "period": "2027-Q2",
            "level": "team",
            "team": "Success",
            "title": "Cut churn",
            "parent_objective_id": "C1",
        },
        {"objective_id": "U2", "period": "2027-Q2", "level": "team", "team": "Success", "title": "No KRs yet"},
    ],
)
TEAMS_FRAME = table(
    TEAMS,
    [
        {"team": "Success", "group": "Business", "lead": "Lea"},
        {"team": "Sales", "group": "Business", "lead": "Sam"},
        {"team": "Finance", "group": "Cross-functional", "lead": "Fay"},
    ],
)


def kr_rows(*rows):
    """A kr_progress-like frame from (kr_id, objective_id, team, weight, progress, expected, status)."""
    columns = ["kr_id", "objective_id", "team", "weight", "progress", "expected", "status"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["cancelled"] = frame["status"] == "cancelled"
    return frame


KR_FRAME = kr_rows(
    ("K1", "S1", "Sales", 3.0, 1.0, 0.5, "completed"),
    ("K2", "S1", "Sales", 1.0, 0.2, 0.5, "off track"),
    ("K3", "S1", "Sales", 2.0, 0.0, 0.5, "cancelled"),
    ("K4", "S2", "Sales", 1.0, 0.4, 0.6, "at risk"),
    ("K5", "S2", "Sales", None, 0.6, 0.6, "on track"),
    ("K6", "U1", "Success", 1.0, 0.9, 0.8, "on track"),
)


@pytest.fixture
def objective_frame():
    return objective_rollup(KR_FRAME, OBJECTIVES_FRAME).set_index("objective_id")


def test_status_count_column_names():
    assert status_count_column("off track") == "n_off_track"
    assert STATUS_COUNT_COLUMNS == (
        "n_overdue",
        "n_off_track",
        "n_at_risk",
        "n_not_started",
        "n_on_track",
        "n_completed",
        "n_cancelled",
    )


def test_objective_rollup_is_weighted_and_leaves_cancelled_out(objective_frame):
    s1 = objective_frame.loc["S1"]
    assert s1["progress"] == pytest.approx(0.8)  # (3 × 1.0 + 1 × 0.2) / (3 + 1); K3 cancelled
    assert s1["expected"] == pytest.approx(0.5)  # (3 × 0.5 + 1 × 0.5) / 4
    assert s1["worst_status"] == "off track"
    assert s1["kr_count"] == 3
    assert (s1["n_completed"], s1["n_off_track"], s1["n_cancelled"], s1["n_on_track"]) == (1, 1, 1, 0)
    assert (s1["team"], s1["title"], s1["owner"], s1["parent_objective_id"]) == ("Sales", "Grow pipeline", "Ana", "C1")


def test_objective_rollup_empty_weight_counts_as_one(objective_frame):
    assert objective_frame.loc["S2", "progress"] == pytest.approx(0.5)  # (1 × 0.4 + 1 × 0.6) / 2


def test_objective_rollup_keeps_team_objectives_without_krs(objective_frame):
    u2 = objective_frame.loc["U2"]
    assert pd.isna(u2["progress"]) and pd.isna(u2["worst_status"])
    assert u2["kr_count"] == 0
    assert set(objective_frame.index) == {"S1", "S2", "U1", "U2"}  # company objectives are not rows here
    assert list(objective_rollup(KR_FRAME, OBJECTIVES_FRAME).columns) == list(OBJECTIVE_ROLLUP_COLUMNS)


def test_team_rollup(objective_frame):
    teams = team_rollup(objective_frame.reset_index(), TEAMS_FRAME).set_index("team")
    assert list(teams.index) == ["Success", "Sales", "Finance"]  # order of the Teams table
    sales = teams.loc["Sales"]
    assert sales["progress"] == pytest.approx(0.65)  # mean(S1 0.8, S2 0.5)
    assert sales["expected"] == pytest.approx(0.55)  # mean(S1 0.5, S2 0.6)
    assert sales["worst_status"] == "off track"  # worst of off track (S1), at risk (S2)
    assert (sales["objective_count"], sales["kr_count"]) == (2, 5)
    assert (sales["n_cancelled"], sales["n_on_track"], sales["group"], sales["lead"]) == (1, 1, "Business", "Sam")
    success = teams.loc["Success"]
    assert success["progress"] == pytest.approx(0.9)  # mean(U1 0.9); U2 has no KRs
    assert (success["objective_count"], success["kr_count"]) == (2, 1)
    finance = teams.loc["Finance"]
    assert pd.isna(finance["progress"]) and finance["objective_count"] == 0
    assert list(teams.reset_index().columns) == list(TEAM_ROLLUP_COLUMNS)


def test_team_rollup_keeps_teams_missing_from_the_teams_table(objective_frame):
    teams = team_rollup(objective_frame.reset_index(), TEAMS_FRAME[TEAMS_FRAME["team"] != "Sales"])
    assert list(teams["team"]) == ["Success", "Finance", "Sales"]


def test_company_rollup(objective_frame):
    company = company_rollup(objective_frame.reset_index(), OBJECTIVES_FRAME).set_index("objective_id")
    c1 = company.loc["C1"]
    assert c1["progress"] == pytest.approx(0.7333333333)  # mean(S1 0.8, S2 0.5, U1 0.9) = 2.2 / 3
    assert c1["expected"] == pytest.approx(0.6333333333)  # mean(0.5, 0.6, 0.8) = 1.9 / 3
    assert c1["worst_status"] == "off track"
    assert c1["team_objective_count"] == 3
    assert c1["teams"] == "Sales; Success"
    c2 = company.loc["C2"]
    assert pd.isna(c2["progress"]) and c2["team_objective_count"] == 0 and c2["teams"] == ""
    assert list(company.reset_index().columns) == list(COMPANY_ROLLUP_COLUMNS)


def test_cancelled_kr_leaves_the_rollup_from_its_cancel_date():
    krs = table(
        KEY_RESULTS,
        [
            {
                "kr_id": kr_id,
                "objective_id": "S1",
                "title": kr_id,
                "measure": "number",
                "start_value": 0.0,
                "target_value": 100.0,
                "direction": "increase",
                "start_date": "2027-04-01",
                "due_date": "2027-06-30",
            }
            for kr_id in ("K1", "K2")
        ],
    )
    check_ins = table(
        CHECK_INS,
        [
            {"kr_id": "K1", "date": "2027-04-10", "value": 80},
            {"kr_id": "K2", "date": "2027-04-10", "value": 20},
        ],
    )
    decisions = table(DECISIONS_TABLE, [{"kr_id": "K2", "date": "2027-05-01", "decision": "cancel"}])

    def s1_on(as_of):
        frame = kr_progress(krs, check_ins, OBJECTIVES_FRAME, as_of, decisions)
        return objective_rollup(frame, OBJECTIVES_FRAME).set_index("objective_id").loc["S1"]

    before, after = s1_on("2027-04-30"), s1_on("2027-05-01")
    assert before["progress"] == pytest.approx(0.5)  # mean(0.8, 0.2)
    assert (before["n_cancelled"], before["worst_status"]) == (0, "at risk")  # K2 gap 29/90 − 0.2 ≈ 0.122
    assert after["progress"] == pytest.approx(0.8)  # K1 alone
    assert after["expected"] == pytest.approx(0.3333333333)  # K1 alone: 30 of 90 days
    assert (after["n_cancelled"], after["kr_count"], after["worst_status"]) == (1, 2, "on track")
