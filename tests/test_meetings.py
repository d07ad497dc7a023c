"""Review meetings: decisions in force from their date, actions carried over, the retrospective and
carry-over rows; every expected value computed by hand."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from analytics.meetings import (
    carried_over_actions,
    change_texts,
    decided_krs,
    decided_texts,
    decision_problems,
    kr_decisions,
    meeting_decisions,
    next_action_id,
    status_updates,
    team_actions,
)
from analytics.retrospective import carry_over_rows, default_quarter, next_quarter, quarters, retrospective
from analytics.review import review_snapshot

D = pd.Timestamp


def tables(decisions: list[dict] | None = None, actions: list[dict] | None = None) -> dict[str, pd.DataFrame]:
    """One team, a yearly objective O1 with two KRs and a Q2 objective Q with two more.

    K1: 0 → 100, reading 40 on 15 March (a change on 15 April halves its target to 50).
    K2: 0 → 10, readings 2 on 31 March and 6 on 30 April (cancelled on 10 May).
    Q1: 0 → 20 increase, reading 20 on 20 June (completed). Q2: 100 → 50 decrease, reading 80 on 20 June (missed).
    """
    return {
        "teams": pd.DataFrame({"team": ["Sales"], "group": ["Revenue"], "lead": ["Ana"], "lead_email": [None]}),
        "objectives": pd.DataFrame(
            {
                "objective_id": ["O1", "Q"],
                "period": ["2027", "2027-Q2"],
                "level": ["team", "team"],
                "team": ["Sales", "Sales"],
                "title": ["Grow", "Win Q2"],
                "context": [None, "Why"],
                "owner": ["Ana", "Ben"],
                "parent_objective_id": [None, "CO-1"],
            }
        ),
        "key_results": pd.DataFrame(
            {
                "kr_id": ["K1", "K2", "Q-KR1", "Q-KR2"],
                "objective_id": ["O1", "O1", "Q", "Q"],
                "title": ["Book 100", "Sign 10", "Hire 20", "Cut to 50"],
                "kr_type": ["outcome"] * 4,
                "measure": ["number"] * 4,
                "unit": [None, None, "people", "ms"],
                "start_value": [0.0, 0.0, 0.0, 100.0],
                "target_value": [100.0, 10.0, 20.0, 50.0],
                "direction": ["increase", "increase", "increase", "decrease"],
                "owner": ["Ana", "Ana", "Ben", "Ben"],
                "start_date": [D("2027-01-01"), D("2027-01-01"), D("2027-04-01"), D("2027-04-01")],
                "due_date": [D("2027-12-31"), D("2027-12-31"), D("2027-06-30"), D("2027-06-30")],
                "weight": [1.0] * 4,
                "depends_on": [None] * 4,
                "funnel_stage": [None] * 4,
                "measured_by": [None, None, "HRIS", "APM"],
            }
        ),
        "check_ins": pd.DataFrame(
            {
                "kr_id": ["K1", "K2", "K2", "Q-KR1", "Q-KR2"],
                "date": [D("2027-03-15"), D("2027-03-31"), D("2027-04-30"), D("2027-06-20"), D("2027-06-20")],
                "value": [40.0, 2.0, 6.0, 20.0, 80.0],
                "status": [None] * 5,
                "confidence": [7.0] * 5,
                "comment": [None] * 5,
                "updated_by": [None] * 5,
            }
        ),
        "decisions": pd.DataFrame(
            decisions or [],
            columns=["kr_id", "date", "decision", "new_target_value", "new_due_date", "reason", "decided_by"],
        ),
        "actions": pd.DataFrame(
            actions or [],
            columns=["action_id", "review_month", "title", "owner", "due_date", "team", "kr_id", "status"],
        ),
    }


CHANGE_K1 = {
    "kr_id": "K1",
    "date": D("2027-04-15"),
    "decision": "change",
    "new_target_value": 50.0,
    "new_due_date": None,
    "reason": "Market halved",
    "decided_by": "CEO",
}
CANCEL_K2 = {
    "kr_id": "K2",
    "date": D("2027-05-10"),
    "decision": "cancel",
    "new_target_value": None,
    "new_due_date": None,
    "reason": "Product retired",
    "decided_by": "CEO",
}


def test_a_kr_changed_in_april_is_measured_against_its_old_target_in_march_and_its_new_one_in_may():
    data = tables([CHANGE_K1])
    march = review_snapshot(data, "2027-03-31").krs.set_index("kr_id").loc["K1"]
    may = review_snapshot(data, "2027-05-31").krs.set_index("kr_id").loc["K1"]
    assert (march["target_value"], march["progress"]) == (100.0, pytest.approx(0.40))  # 40 / 100
    assert (may["target_value"], may["progress"]) == (50.0, pytest.approx(0.80))  # 40 / 50
    assert may["original_target_value"] == 100.0  # the original stays visible


def test_a_cancelled_kr_leaves_its_objectives_rollup_from_the_cancel_date_on():
    data = tables([CHANGE_K1, CANCEL_K2])
    before = review_snapshot(data, "2027-05-09")
    after = review_snapshot(data, "2027-05-10")
    objective_before = before.objectives.set_index("objective_id").loc["O1"]
    objective_after = after.objectives.set_index("objective_id").loc["O1"]
    # 9 May: K1 40/50 = 0.8, K2 6/10 = 0.6 → mean 0.7. From 10 May K2 is out: K1 alone, 0.8.
    assert objective_before["progress"] == pytest.approx(0.70)
    assert objective_after["progress"] == pytest.approx(0.80)
    assert after.krs.set_index("kr_id").loc["K2", "status"] == "cancelled"
    assert before.krs.set_index("kr_id").loc["K2", "status"] != "cancelled"
    assert (objective_after["n_cancelled"], objective_after["kr_count"]) == (1, 2)


def test_meeting_decisions_are_those_dated_in_the_month_with_the_original_target_beside_the_new_one():
    data = tables([CHANGE_K1, CANCEL_K2])
    april = meeting_decisions(data["decisions"], data["key_results"], data["objectives"], "2027-04")
    assert list(april["kr_id"]) == ["K1"]
    assert (april.loc[0, "original_target_value"], april.loc[0, "new_target_value"]) == (100.0, 50.0)
    assert april.loc[0, "team"] == "Sales"
    history = kr_decisions(data["decisions"], data["key_results"], data["objectives"], ["K1", "K2"])
    assert list(zip(history["kr_id"], history["decision"])) == [("K1", "change"), ("K2", "cancel")]


ACTIONS = [
    {
        "action_id": "A-2027-03-01",
        "review_month": "2027-03",
        "title": "Old open",
        "owner": "Ana",
        "due_date": D("2027-04-15"),
        "team": "Sales",
        "kr_id": None,
        "status": "open",
    },
    {
        "action_id": "A-2027-03-02",
        "review_month": "2027-03",
        "title": "Old done",
        "owner": "Ana",
        "due_date": D("2027-04-15"),
        "team": "Sales",
        "kr_id": None,
        "status": "done",
    },
    {
        "action_id": "A-2027-04-01",
        "review_month": "2027-04",
        "title": "Last done",
        "owner": "Ben",
        "due_date": D("2027-05-15"),
        "team": None,
        "kr_id": "K1",
        "status": "done",
    },
    {
        "action_id": "A-2027-04-02",
        "review_month": "2027-04",
        "title": "Last open, not due",
        "owner": "Ben",
        "due_date": D("2027-06-15"),
        "team": None,
        "kr_id": None,
        "status": "open",
    },
    {
        "action_id": "A-2027-04-10",
        "review_month": "2027-04",
        "title": "Last open, late",
        "owner": "Ben",
        "due_date": D("2027-05-20"),
        "team": "Sales",
        "kr_id": None,
        "status": "open",
    },
    {
        "action_id": "A-2027-05-01",
        "review_month": "2027-05",
        "title": "This month",
        "owner": "Cy",
        "due_date": D("2027-06-30"),
        "team": None,
        "kr_id": None,
        "status": "open",
    },
]


def test_the_next_meeting_opens_with_open_actions_and_last_months_follow_up_overdue_first():
    carried = carried_over_actions(tables(actions=ACTIONS)["actions"], "2027-05", "2027-05-31")
    # Open ones first, overdue first (by due date), then the closed ones of the last review.
    assert list(carried["action_id"]) == ["A-2027-03-01", "A-2027-04-10", "A-2027-04-02", "A-2027-04-01"]
    assert list(carried["overdue"]) == [True, True, False, False]
    assert list(carried["days_overdue"]) == [46, 11, 0, 0]  # 15 Apr → 31 May, 20 May → 31 May


def test_a_teams_actions_are_those_named_for_it_or_for_its_krs():
    mine = team_actions(tables(actions=ACTIONS)["actions"], "Sales", ["K1", "K2"], "2027-05-31")
    assert set(mine["action_id"]) == {"A-2027-03-01", "A-2027-03-02", "A-2027-04-01", "A-2027-04-10"}


def test_action_ids_number_on_from_the_months_highest():
    actions = tables(actions=ACTIONS)["actions"]
    assert next_action_id(actions, "2027-04") == "A-2027-04-11"
    assert next_action_id(actions, "2027-06") == "A-2027-06-01"


def test_status_updates_keep_only_the_rows_whose_status_changed():
    carried = carried_over_actions(tables(actions=ACTIONS)["actions"], "2027-05", "2027-05-31")
    changed = status_updates(carried, {0: {"status": "done"}, 2: {"status": "open"}, 3: {"title": "x"}})
    assert list(zip(changed["action_id"], changed["status"])) == [("A-2027-03-01", "done")]
    assert "overdue" not in changed.columns


KR = {
    "kr_id": "K1",
    "target_value": 100.0,
    "start_value": 0.0,
    "due_date": D("2027-12-31"),
    "start_date": D("2027-01-01"),
}


@pytest.mark.parametrize(
    ("decision", "target", "due", "reason", "expected"),
    [
        ("keep", None, None, "", []),
        ("change", 50.0, None, "Market halved", []),
        ("change", None, dt.date(2028, 3, 31), "Slipped", []),
        ("change", None, None, "Why", ["A change needs a new target or a new due date."]),
        (
            "change",
            100.0,
            None,
            "Same",
            ["The new target is the one in force; enter a different target or a new due date."],
        ),
        (
            "change",
            0.0,
            None,
            "Zero",
            ["The new target equals the KR's start value: there would be nothing to achieve."],
        ),
        ("change", None, dt.date(2026, 12, 1), "Early", ["The new due date is before the KR's start date."]),
        ("cancel", None, None, "  ", ["Say why (cancel needs a reason the team will read)."]),
        ("cancel", None, None, "Retired", []),
    ],
)
def test_decision_problems(decision, target, due, reason, expected):
    assert decision_problems(KR, decision, target, due, reason) == expected


def test_a_binary_or_status_kr_can_only_have_its_due_date_changed():
    binary = KR | {"measure": "binary", "target_value": 1.0}
    assert decision_problems(binary, "change", 0.5, None, "Half") == [
        "A binary KR has no target to change; give it a new due date instead."
    ]
    assert decision_problems(binary, "change", None, dt.date(2028, 1, 31), "Later") == []


def test_the_retrospective_scores_a_closed_quarter_at_its_last_day():
    data = tables([{**CHANGE_K1, "kr_id": "Q-KR2", "date": D("2027-05-01"), "new_target_value": 60.0}])
    assert quarters(data["objectives"]) == ["2027-Q2"]
    assert default_quarter(["2027-Q3", "2027-Q2"], "2027-07-31") == "2027-Q2"
    assert default_quarter(["2027-Q3", "2027-Q2"], "2027-05-31") == "2027-Q2"  # none ended: the running one
    retro = retrospective(data, "2027-Q2", "2027-08-15")
    assert retro.closed and retro.scored_at == D("2027-06-30") and retro.next_quarter == "2027-Q3"
    krs = retro.krs.set_index("kr_id")
    # Only the quarter's own objective is scored. Q-KR1 20/20 done; Q-KR2 (100 − 80)/(100 − 60) = 0.5.
    assert set(krs.index) == {"Q-KR1", "Q-KR2"}
    assert dict(krs["outcome"]) == {"Q-KR1": "completed", "Q-KR2": "missed"}
    assert krs.loc["Q-KR2", "progress"] == pytest.approx(0.5)
    assert retro.objectives.set_index("objective_id").loc["Q", "progress"] == pytest.approx(0.75)
    team = retro.teams.set_index("team").loc["Sales"]
    assert (team["n_completed"], team["n_not_completed"]) == (1, 1)
    assert list(retro.decisions["kr_id"]) == ["Q-KR2"]
    provisional = retrospective(data, "2027-Q2", "2027-06-25")
    assert not provisional.closed and provisional.scored_at == D("2027-06-25")
    assert dict(provisional.krs.set_index("kr_id")["outcome"]) == {"Q-KR1": "completed", "Q-KR2": "still open"}


def test_carrying_a_missed_kr_over_restarts_it_from_its_last_reading_in_the_next_quarter():
    data = tables()
    retro = retrospective(data, "2027-Q2", "2027-07-01")
    rows = carry_over_rows(data, retro, ["Q-KR2"])
    objective = rows["objectives"].iloc[0]
    kr = rows["key_results"].iloc[0]
    assert (objective["objective_id"], objective["period"], objective["parent_objective_id"]) == (
        "Q-2027-Q3",
        "2027-Q3",
        "CO-1",
    )
    assert (kr["kr_id"], kr["objective_id"], kr["start_value"], kr["target_value"]) == (
        "Q-2027-Q3-KR2",
        "Q-2027-Q3",
        80.0,
        50.0,
    )
    assert (kr["start_date"], kr["due_date"]) == (D("2027-07-01"), D("2027-09-30"))
    assert (kr["direction"], kr["unit"], kr["measured_by"]) == ("decrease", "ms", "APM")
    with pytest.raises(ValueError, match="completed, not missed"):
        carry_over_rows(data, retro, ["Q-KR1"])
    assert next_quarter("2027-Q4") == "2028-Q1"


def test_change_texts_say_what_each_decision_changed_in_the_krs_units():
    data = tables(
        [
            CHANGE_K1,
            CANCEL_K2,
            {**CHANGE_K1, "kr_id": "Q-KR1", "new_target_value": 25.0, "new_due_date": D("2027-07-31")},
        ]
    )
    decided = kr_decisions(data["decisions"], data["key_results"], data["objectives"], ["K1", "K2", "Q-KR1"])
    assert change_texts(decided) == [
        "target 100 → 50",
        "target 20 people → 25 people · due 30 Jun 2027 → 31 Jul 2027",
        "",
    ]


def test_a_decided_kr_is_marked_with_its_last_decision_of_the_meeting_in_its_units():
    keep_k1 = {**CHANGE_K1, "decision": "keep", "new_target_value": None, "date": D("2027-05-03"), "reason": "Wait"}
    data = tables(
        [
            keep_k1,
            {**CHANGE_K1, "kr_id": "Q-KR1", "date": D("2027-05-31"), "new_target_value": 25.0, "new_due_date": None},
            {
                **CHANGE_K1,
                "kr_id": "Q-KR2",
                "date": D("2027-05-31"),
                "new_target_value": None,
                "new_due_date": D("2027-07-31"),
            },
            CANCEL_K2,
            {**CHANGE_K1, "date": D("2027-05-20"), "new_target_value": 60.0},  # K1 again: this one is in force
        ]
    )
    may = meeting_decisions(data["decisions"], data["key_results"], data["objectives"], "2027-05")
    assert decided_texts(may) == [
        "kept 3 May",
        "cancelled 10 May",
        "decided 20 May: target 100 → 60",
        "decided 31 May: target 20 people → 25 people",
        "decided 31 May: due 30 Jun 2027 → 31 Jul 2027",
    ]
    marked = decided_krs(may, ["K1", "K2", "Q-KR1"])  # Q-KR2 is not among the KRs shown
    assert marked.to_dict("list") == {
        "kr_id": ["K2", "K1", "Q-KR1"],
        "team": ["Sales"] * 3,
        "title": ["Sign 10", "Book 100", "Hire 20"],
        "decision": ["cancel", "change", "change"],
        "decided": [
            "cancelled 10 May",
            "decided 20 May: target 100 → 60",
            "decided 31 May: target 20 people → 25 people",
        ],
        "reason": ["Product retired", "Market halved", "Market halved"],
        "decided_by": ["CEO"] * 3,
    }
    assert decided_krs(may.iloc[0:0], ["K1"]).empty


def test_a_meetings_export_imports_back_as_exactly_the_stored_rows(store):
    from conftest import DEMO_WORKBOOK
    from loaders.ingest import check_and_store
    from loaders.records import meeting_export
    from store.database import UploadedFile

    assert not check_and_store(store, [UploadedFile(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes())], "t").errors
    exported = meeting_export(store.read_tables(), "2027-05-31")  # May follows up April's actions
    sheets = pd.read_excel(io.BytesIO(exported), sheet_name=None, engine="openpyxl")
    assert set(sheets) == {"Decisions", "Actions", "ReviewNotes"}
    assert len(sheets["Actions"]) == 5 and sheets["Decisions"].empty
    result = check_and_store(store, [UploadedFile("review-2027-05.xlsx", exported)], "t", dry_run=True)
    assert result.errors == []
    assert result.changes["actions"].unchanged == 5 and result.rows_changed == 0
    april = check_and_store(
        store, [UploadedFile("april.xlsx", meeting_export(store.read_tables(), "2027-04-30"))], "t", dry_run=True
    )
    assert (april.changes["decisions"].unchanged, april.changes["review_notes"].unchanged) == (2, 1)
    assert april.rows_changed == 0
