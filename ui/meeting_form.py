"""The review meeting page's forms as rows to record, and its lists, as pure functions over a mapping
(the page passes st.session_state; tests pass a dict): a decision, an action, the notes, the KRs in
the order the meeting takes them, the month's records. No Streamlit here: tests/test_ui_meeting_form.py
checks them with values."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass

import pandas as pd

from analytics.meetings import (
    CHANGE,
    KEEP,
    OPEN,
    action_rows,
    decision_problems,
    decision_row,
    next_action_id,
    notes_row,
)
from ui import state


def decision_from_form(form: Mapping, kr: dict, recorded_by: str) -> tuple[pd.DataFrame | None, list[str]]:
    """The Decisions row the decision form holds about `kr` (a row of the review's KRs), or None and
    what is wrong with it. A keep or cancel ignores the new target and due date typed."""
    kind = form[state.MEETING_DECISION_KIND]
    new_target = form.get(state.MEETING_NEW_TARGET) if kind == CHANGE else None
    new_due = form.get(state.MEETING_NEW_DUE) if kind == CHANGE else None
    reason = form.get(state.MEETING_REASON) or ""
    problems = decision_problems(kr, kind, new_target, new_due, reason)
    if problems:
        return None, problems
    return decision_row(
        kr["kr_id"], form[state.MEETING_DECISION_DATE], kind, new_target, new_due, reason, recorded_by
    ), []


def action_from_form(form: Mapping, month: str, actions: pd.DataFrame) -> tuple[pd.DataFrame | None, str | None]:
    """The Actions row of a new open action from the action form, numbered after the month's others,
    or None and what is missing."""
    title = (form.get(state.MEETING_ACTION_TITLE) or "").strip()
    if not title:
        return None, "an action needs a title."
    return action_rows(
        [
            {
                "action_id": next_action_id(actions, month),
                "review_month": month,
                "title": title,
                "owner": (form.get(state.MEETING_ACTION_OWNER) or "").strip() or None,
                "due_date": form.get(state.MEETING_ACTION_DUE),
                "team": form.get(state.MEETING_ACTION_TEAM),
                "kr_id": form.get(state.MEETING_ACTION_KR),
                "status": OPEN,
            }
        ]
    ), None


# What each form holds once it has recorded: empty, ready for the next KR or action. A key left out of
# a mapping's values is removed, so that its widget starts again from its default (the review's date,
# the next month-end).
DECISION_FORM_CLEARED = {
    state.MEETING_DECISION_KR: None,
    state.MEETING_DECISION_KIND: KEEP,
    state.MEETING_NEW_TARGET: None,
    state.MEETING_NEW_DUE: None,
    state.MEETING_REASON: "",
}
DECISION_FORM_DEFAULTS = (state.MEETING_DECISION_DATE,)
ACTION_FORM_CLEARED = {
    state.MEETING_ACTION_TITLE: "",
    state.MEETING_ACTION_OWNER: "",
    state.MEETING_ACTION_TEAM: None,
    state.MEETING_ACTION_KR: None,
}
ACTION_FORM_DEFAULTS = (state.MEETING_ACTION_DUE,)


def clear_form(form: MutableMapping, cleared: Mapping, defaults=()) -> None:
    """Empty a form after it recorded (from a button callback, before its widgets are drawn again):
    the `cleared` keys take their empty values, the `defaults` keys are removed."""
    form.update(cleared)
    for key in defaults:
        form.pop(key, None)


def record_refusal(recorded_by: str | None, kr_id: str | None = "") -> str | None:
    """Why a record button of someone who may record is disabled, in the words its help and caption
    show; None when it may be pressed. `kr_id` None: the form needs a KR and none is picked ("" for
    forms without one). (Those who may not record see no button, and a note saying why.)"""
    if not recorded_by:
        return "Enter your name at the top of the page first: it is recorded with what you record."
    if kr_id is None:
        return "Pick a key result first."
    return None


def notes_key(month: str) -> str:
    """The session-state key of the notes editor of `month`'s meeting."""
    return f"{state.MEETING_NOTES}-{month}"


def notes_from_form(form: Mapping, month: str, recorded_by: str) -> pd.DataFrame | None:
    """The ReviewNotes row of the notes typed for `month`, None when they are empty."""
    notes = (form.get(notes_key(month)) or "").strip()
    return notes_row(month, notes, recorded_by) if notes else None


@dataclass(frozen=True)
class KrChoices:
    """The review's KRs still open, the ones to change or cancel first (in their order), then the
    others; labels made once (a lookup per option of a selectbox of a thousand KRs took a third
    of a second per run)."""

    ordered: pd.DataFrame
    labels: dict[str, str]  # "KR · title"
    labels_with_team: dict[str, str]  # "KR · title (team)", "… (team) · kept 31 May" once decided

    def kr(self, kr_id: str) -> dict:
        """The KR's row as a dict, kr_id included."""
        return self.ordered.set_index("kr_id").loc[kr_id].to_dict() | {"kr_id": kr_id}


def kr_choices(krs: pd.DataFrame, candidates: pd.DataFrame, decided: Mapping[str, str] | None = None) -> KrChoices:
    """The KRs a decision or an action can be about: `candidates` (the KRs still to decide on) first, in
    their order, then the others; a KR of `decided` (kr_id → what the meeting decided) says so in its
    label with the team."""
    decided = decided or {}
    open_krs = krs[~krs["cancelled"]]
    rank = {kr_id: position for position, kr_id in enumerate(candidates["kr_id"])}
    ordered = open_krs.assign(rank=open_krs["kr_id"].map(rank).fillna(len(rank))).sort_values("rank", kind="stable")
    labels = {kr_id: f"{kr_id} · {title}" for kr_id, title in zip(ordered["kr_id"], ordered["title"])}
    with_team = {
        kr_id: f"{labels[kr_id]} ({team})" + (f" · {decided[kr_id]}" if kr_id in decided else "")
        for kr_id, team in zip(ordered["kr_id"], ordered["team"])
    }
    return KrChoices(ordered, labels, with_team)


def month_records(uploads: pd.DataFrame, month: str) -> pd.DataFrame:
    """The uploads that recorded `month`'s meeting (named "review-<month> <what>.xlsx"), with what
    they recorded and whether they are in force or undone by whom."""
    records = uploads[uploads["file_name"].str.startswith(f"review-{month} ")]
    return records.assign(
        what=records["file_name"].str.removeprefix(f"review-{month} ").str.removesuffix(".xlsx"),
        state=[
            "in force" if pd.isna(undone) else f"undone by {by}"
            for undone, by in zip(records["undone_at"], records["undone_by"])
        ],
    )


def undo_labels(records: pd.DataFrame) -> dict[int, str]:
    """The records still in force, as the undo choice lists them: upload id → "id · what"."""
    in_force = records[records["undone_at"].isna()]
    return {int(upload_id): f"{upload_id} · {what}" for upload_id, what in zip(in_force["upload_id"], in_force["what"])}
