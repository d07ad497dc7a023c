"""Review meeting: the monthly leadership review run from the data. The agenda (company ARR against
plan, the actions agreed last time, each team in turn, the KRs to change or cancel), then what the
meeting decides about KRs, the actions it agrees and its notes, each stored with who and when and
undoable like an upload. Before the agenda: the key results nobody updated in the last 30 days. At
200 teams, groups first. The write controls and their callbacks are ui.review_meeting's."""

import pandas as pd
import streamlit as st

from analytics.change_or_cancel import change_or_cancel_candidates
from analytics.meetings import OPEN, change_texts, decided_krs, meeting_record
from loaders.records import meeting_export
from store.access import RECORD_REVIEW
from ui import state
from ui.auth import recorded_name, refusal, refused_note
from ui.context import store, tables
from ui.filters import current_filters, current_review
from ui.meeting_form import kr_choices, notes_key, record_refusal
from ui.records import show_outcome
from ui.review_changes import missing_updates
from ui.review_meeting import (
    ACTION_COLUMNS,
    action_form,
    action_table,
    arr_against_plan,
    candidates_table,
    decided_list,
    decision_form,
    disabled_note,
    followed_up_editor,
    records_and_undo,
    save_notes,
    teams_in_turn,
    update_health_in_view,
)
from ui.scale import SCROLL_ROWS, many_teams
from ui.tables import DATE_FORMAT, key_result_column, table_height, with_missing_shown

filters = current_filters()
review = current_review()
data = tables()
meeting = meeting_record(data, filters.as_of)
month, month_name = meeting.month, f"{pd.Timestamp(filters.as_of):%B %Y}"
at_scale = many_teams(len(review.teams))

st.title(f"Review meeting · {month_name}")
st.caption(
    f"As of {filters.as_of:%d %B %Y} · the meeting of the month of the sidebar's as-of date · "
    "everything recorded here is stored with your name and the time, and can be undone"
)

show_outcome(state.MEETING_MESSAGE)

may_record = refusal(RECORD_REVIEW) is None
recorded_by = None
if may_record:
    recorded_by = recorded_name(
        "Your name (recorded with every decision, action and note)",
        state.MEETING_BY,
        placeholder="e.g. Alexandre Laurent",
    )
else:
    refused_note(RECORD_REVIEW, compact=True)

missing_updates(*update_health_in_view(review))

st.header("1 · Company ARR against plan", anchor=False)
arr_against_plan(data, review)

st.header("2 · Actions from earlier reviews", anchor=False)
followed_up = meeting.followed_up
if followed_up.empty:
    st.caption("No action was agreed at an earlier review.")
else:
    overdue = int(followed_up["overdue"].sum())
    still_open = int((followed_up["status"] == OPEN).sum())
    st.markdown(
        f"**{still_open} still open**, of which **{overdue} overdue** ⚠. Mark what is done or dropped, then save."
    )
    followed_up_editor(followed_up, month, may_record, recorded_by)

st.header("3 · Each team in turn", anchor=False)
teams_in_turn(review, filters.as_of)

st.header("4 · To change or cancel", anchor=False)
decided_here = decided_krs(meeting.decisions, review.krs["kr_id"])
candidates = change_or_cancel_candidates(review.krs, review.as_of, decided_here["kr_id"])
if candidates.empty:
    st.caption(
        "Every key result off track, stale or held with low confidence has been decided on."
        if len(decided_here)
        else "No key result is off track, stale or held with low confidence."
    )
else:
    candidates_table(candidates, at_scale)

decided_list(decided_here, f"Decided at this meeting ({len(decided_here)}): no longer to decide", folded=at_scale)

st.header("5 · Decisions", anchor=False)
choices = kr_choices(review.krs, candidates, dict(zip(decided_here["kr_id"], decided_here["decided"])))
if may_record:
    decision_form(choices, month, recorded_by, filters.as_of)
else:
    refused_note(RECORD_REVIEW, compact=True)
decided = meeting.decisions
if decided.empty:
    st.caption(f"No decision recorded in {month_name} yet.")
else:
    st.dataframe(
        with_missing_shown(decided, ["team", "reason"]).assign(change=change_texts(decided)),
        hide_index=True,
        width="stretch",
        height=table_height(len(decided), SCROLL_ROWS),
        column_order=["date", "kr_id", "team", "title", "decision", "change", "reason", "decided_by"],
        column_config={
            "date": st.column_config.DateColumn("From", format=DATE_FORMAT),
            "kr_id": "KR",
            "team": "Team",
            "title": key_result_column(),
            "decision": "Decision",
            "change": st.column_config.TextColumn("Change", width="medium"),
            "reason": st.column_config.TextColumn("Reason", width="medium"),
            "decided_by": "By",
        },
    )

st.header("6 · Actions agreed", anchor=False)
if may_record:
    action_form(choices, list(data["teams"]["team"]), data["actions"], month, recorded_by, filters.as_of)
else:
    refused_note(RECORD_REVIEW, compact=True)
agreed = meeting.agreed
if agreed.empty:
    st.caption(f"No action agreed in {month_name} yet.")
else:
    st.dataframe(
        action_table(agreed),
        hide_index=True,
        width="stretch",
        height=table_height(len(agreed), SCROLL_ROWS),
        column_order=list(ACTION_COLUMNS),
        column_config=ACTION_COLUMNS,
    )

st.header("7 · Notes", anchor=False)
st.text_area(
    "Meeting notes",
    value=meeting.notes,
    key=notes_key(month),
    height=160,
    label_visibility="collapsed",
    disabled=not may_record,
    placeholder="What was discussed, what was agreed",
)
if may_record:
    why_not = record_refusal(recorded_by)
    st.button(
        "Save the notes",
        key=state.MEETING_NOTES_SAVE,
        icon=":material/save:",
        disabled=why_not is not None,
        on_click=save_notes,
        args=(month, recorded_by),
        help=why_not,
    )
    disabled_note(why_not)

st.header("Record and undo", anchor=False)
records_and_undo(store().uploads(), month, month_name, may_record, recorded_by)

st.download_button(
    f"Decisions and actions of {month_name} (XLSX)",
    icon=":material/download:",
    data=lambda: meeting_export(data, filters.as_of),  # built when clicked, not on every run
    file_name=f"review-{month}-decisions-actions.xlsx",
    help="In the workbook format: the Decisions, Actions and ReviewNotes sheets import back as they are",
)
