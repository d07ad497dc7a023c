"""ui.meeting_form: the review meeting's forms as the rows they record, and its lists, on a plain
dict in place of st.session_state."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ui import state
from ui.meeting_form import (
    ACTION_FORM_CLEARED,
    ACTION_FORM_DEFAULTS,
    DECISION_FORM_CLEARED,
    DECISION_FORM_DEFAULTS,
    action_from_form,
    clear_form,
    decision_from_form,
    kr_choices,
    month_records,
    notes_from_form,
    notes_key,
    record_refusal,
    undo_labels,
)

KR = {
    "kr_id": "SAL-O2-KR1",
    "measure": "number",
    "target_value": 100.0,
    "start_value": 0.0,
    "due_date": pd.Timestamp("2027-06-30"),
    "start_date": pd.Timestamp("2027-04-01"),
}


def decision_form(kind: str, **fields) -> dict:
    return {
        state.MEETING_DECISION_KIND: kind,
        state.MEETING_DECISION_DATE: dt.date(2027, 5, 31),
        state.MEETING_NEW_TARGET: fields.get("target"),
        state.MEETING_NEW_DUE: fields.get("due"),
        state.MEETING_REASON: fields.get("reason", ""),
    }


def test_a_change_records_its_new_target_and_due_date_and_the_reason():
    row, problems = decision_from_form(
        decision_form("change", target=80.0, due=dt.date(2027, 7, 31), reason="Hiring froze"), KR, "Alex"
    )
    assert problems == []
    assert row.iloc[0][["kr_id", "decision", "new_target_value", "reason", "decided_by"]].tolist() == [
        "SAL-O2-KR1",
        "change",
        80.0,
        "Hiring froze",
        "Alex",
    ]
    assert pd.Timestamp(row.iloc[0]["new_due_date"]) == pd.Timestamp("2027-07-31")
    assert pd.Timestamp(row.iloc[0]["date"]) == pd.Timestamp("2027-05-31")


def test_a_keep_ignores_what_was_typed_for_a_change():
    row, problems = decision_from_form(decision_form("keep", target=80.0), KR, "Alex")
    assert problems == [] and pd.isna(row.iloc[0]["new_target_value"]) and pd.isna(row.iloc[0]["new_due_date"])


def test_a_decision_without_what_it_needs_is_not_a_row():
    assert decision_from_form(decision_form("change", reason="x"), KR, "Alex") == (
        None,
        ["A change needs a new target or a new due date."],
    )
    assert decision_from_form(decision_form("cancel"), KR, "Alex") == (
        None,
        ["Say why (cancel needs a reason the team will read)."],
    )


def test_an_action_is_numbered_after_the_months_others():
    actions = pd.DataFrame({"action_id": ["A-2027-05-01", "A-2027-05-07", "A-2027-04-09"]})
    form = {
        state.MEETING_ACTION_TITLE: "  Call the top 10 accounts ",
        state.MEETING_ACTION_OWNER: " ",
        state.MEETING_ACTION_DUE: dt.date(2027, 6, 30),
        state.MEETING_ACTION_TEAM: "Sales",
        state.MEETING_ACTION_KR: None,
    }
    row, problem = action_from_form(form, "2027-05", actions)
    assert problem is None
    record = row.iloc[0]
    assert [record["action_id"], record["title"], record["owner"], record["team"], record["status"]] == [
        "A-2027-05-08",
        "Call the top 10 accounts",
        None,
        "Sales",
        "open",
    ]
    assert action_from_form({}, "2027-05", actions) == (None, "an action needs a title.")


def test_notes_are_recorded_only_when_written():
    assert notes_key("2027-05") == f"{state.MEETING_NOTES}-2027-05"
    row = notes_from_form({notes_key("2027-05"): " Moved the pipeline review. "}, "2027-05", "Alex")
    assert row.iloc[0].tolist() == ["2027-05", "Moved the pipeline review.", "Alex"]
    assert notes_from_form({notes_key("2027-05"): "  "}, "2027-05", "Alex") is None
    assert notes_from_form({notes_key("2027-04"): "April's"}, "2027-05", "Alex") is None


def test_krs_to_change_or_cancel_come_first_and_cancelled_ones_not_at_all():
    krs = pd.DataFrame(
        {
            "kr_id": ["A", "B", "C", "D"],
            "title": ["a", "b", "c", "d"],
            "team": ["T"] * 4,
            "cancelled": [False, False, True, False],
            "target_value": [1.0, 2.0, 3.0, 4.0],
        }
    )
    choices = kr_choices(krs, pd.DataFrame({"kr_id": ["D", "B"]}))
    assert list(choices.ordered["kr_id"]) == ["D", "B", "A"]
    assert choices.labels == {"D": "D · d", "B": "B · b", "A": "A · a"}
    assert choices.labels_with_team["B"] == "B · b (T)"
    decided = kr_choices(krs, pd.DataFrame({"kr_id": ["D"]}), {"B": "kept 31 May"})
    assert list(decided.ordered["kr_id"]) == ["D", "A", "B"]
    assert decided.labels_with_team["B"] == "B · b (T) · kept 31 May" and decided.labels["B"] == "B · b"
    assert choices.kr("B")["target_value"] == 2.0 and choices.kr("B")["kr_id"] == "B"


def test_the_months_records_say_what_and_whether_undone():
    uploads = pd.DataFrame(
        {
            "upload_id": [7, 6, 5, 4],
            "undone_at": [None, pd.Timestamp("2027-05-31 10:00"), None, None],
            "undone_by": [None, "Alex", None, None],
            "file_name": [
                "review-2027-05 notes.xlsx",
                "review-2027-05 decision cancel SAL-O2-KR1.xlsx",
                "sales.xlsx",
                "review-2027-04 notes.xlsx",
            ],
        }
    )
    records = month_records(uploads, "2027-05")
    assert records[["upload_id", "what", "state"]].values.tolist() == [
        [7, "notes", "in force"],
        [6, "decision cancel SAL-O2-KR1", "undone by Alex"],
    ]
    assert undo_labels(records) == {7: "7 · notes"}


def test_a_form_that_recorded_is_emptied_and_its_dates_go_back_to_their_defaults():
    form = {
        state.MEETING_DECISION_KR: "SAL-O2-KR1",
        state.MEETING_DECISION_KIND: "change",
        state.MEETING_NEW_TARGET: 50.0,
        state.MEETING_NEW_DUE: dt.date(2027, 7, 31),
        state.MEETING_REASON: "Halved",
        state.MEETING_DECISION_DATE: dt.date(2027, 5, 31),
        state.MEETING_BY: "Alex",
    }
    clear_form(form, DECISION_FORM_CLEARED, DECISION_FORM_DEFAULTS)
    assert form == {
        state.MEETING_DECISION_KR: None,
        state.MEETING_DECISION_KIND: "keep",
        state.MEETING_NEW_TARGET: None,
        state.MEETING_NEW_DUE: None,
        state.MEETING_REASON: "",
        state.MEETING_BY: "Alex",  # who records stays
    }
    action = {state.MEETING_ACTION_TITLE: "Call", state.MEETING_ACTION_DUE: dt.date(2027, 6, 1)}
    clear_form(action, ACTION_FORM_CLEARED, ACTION_FORM_DEFAULTS)
    assert action == {
        state.MEETING_ACTION_TITLE: "",
        state.MEETING_ACTION_OWNER: "",
        state.MEETING_ACTION_TEAM: None,
        state.MEETING_ACTION_KR: None,
    }


def test_a_disabled_record_button_says_why():
    assert record_refusal("Alex") is None and record_refusal("Alex", "SAL-O2-KR1") is None
    assert record_refusal("Alex", None) == "Pick a key result first."
    assert record_refusal("", "SAL-O2-KR1").startswith("Enter your name at the top of the page first")
    assert record_refusal(None, None).startswith("Enter your name")  # the name first: the KR comes after
