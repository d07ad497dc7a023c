"""Review meeting: the monthly leadership review run from the data. The agenda (company ARR against
plan, the actions agreed last time, each team in turn, the KRs to change or cancel), then what the
meeting decides about KRs, the actions it agrees and its notes, each stored with who and when and
undoable like an upload."""
import pandas as pd
import streamlit as st

from analytics.change_or_cancel import change_or_cancel_candidates
from analytics.meetings import (
    CANCEL, CHANGE, KEEP, NO_NUMERIC_TARGET, OPEN, action_rows, change_texts, decision_problems, decision_row,
    due_texts, meeting_record, next_action_id, notes_row, status_updates,
)
from analytics.overview import company_overview
from analytics.teams import format_kr_value
from charts.theme import ACTION_BADGES, STATUS_BADGES, money
from loaders.records import meeting_export
from store.access import RECORD_REVIEW
from store.schema import ACTION_STATUSES
from ui import state
from ui.auth import recorded_name, refusal, refused_note
from ui.context import store, tables
from ui.records import record_rows, show_outcome, undo_upload
from ui.filters import current_filters, current_review
from ui.text import literal

DATE_FORMAT = "D MMM YYYY"
CANDIDATES_SHOWN = 10  # the agenda item stays one screen; the table scrolls for the rest
DECISION_LABELS = {KEEP: "Keep as it is", CHANGE: "Change target or due date", CANCEL: "Cancel"}


def store_records(rows: dict[str, pd.DataFrame], recorded_by: str, what: str, month: str) -> None:
    """Record rows as one upload (a button callback) and leave the outcome for the next run to show."""
    st.session_state[state.MEETING_MESSAGE] = record_rows(
        rows, recorded_by, f"review-{month} {what}.xlsx", RECORD_REVIEW, f"Recorded the {what} ({recorded_by}).")


def record_decision(kr: dict, month: str, recorded_by: str) -> None:
    kind = st.session_state[state.MEETING_DECISION_KIND]
    new_target = st.session_state.get(state.MEETING_NEW_TARGET) if kind == CHANGE else None
    new_due = st.session_state.get(state.MEETING_NEW_DUE) if kind == CHANGE else None
    reason = st.session_state.get(state.MEETING_REASON) or ""
    problems = decision_problems(kr, kind, new_target, new_due, reason)
    if problems:
        st.session_state[state.MEETING_MESSAGE] = ("error", "Not recorded: " + " ".join(problems))
        return
    row = decision_row(kr["kr_id"], st.session_state[state.MEETING_DECISION_DATE], kind, new_target, new_due,
                       reason, recorded_by)
    store_records({"decisions": row}, recorded_by, f"decision {kind} {kr['kr_id']}", month)
    st.session_state[state.MEETING_REASON] = ""


def record_action(month: str, recorded_by: str, actions: pd.DataFrame) -> None:
    title = (st.session_state.get(state.MEETING_ACTION_TITLE) or "").strip()
    if not title:
        st.session_state[state.MEETING_MESSAGE] = ("error", "Not recorded: an action needs a title.")
        return
    action_id = next_action_id(actions, month)
    row = action_rows([{
        "action_id": action_id, "review_month": month, "title": title,
        "owner": (st.session_state.get(state.MEETING_ACTION_OWNER) or "").strip() or None,
        "due_date": st.session_state.get(state.MEETING_ACTION_DUE),
        "team": st.session_state.get(state.MEETING_ACTION_TEAM),
        "kr_id": st.session_state.get(state.MEETING_ACTION_KR), "status": OPEN,
    }])
    store_records({"actions": row}, recorded_by, f"action {action_id}", month)
    st.session_state[state.MEETING_ACTION_TITLE] = ""


def save_action_statuses(followed_up: pd.DataFrame, month: str, recorded_by: str) -> None:
    changed = status_updates(followed_up, st.session_state[state.MEETING_ACTION_EDITOR]["edited_rows"])
    if changed.empty:
        st.session_state[state.MEETING_MESSAGE] = ("info", "No status was changed.")
        return
    store_records({"actions": action_rows(changed.to_dict("records"))}, recorded_by, "action follow-up", month)


def save_notes(month: str, recorded_by: str) -> None:
    notes = (st.session_state.get(f"{state.MEETING_NOTES}-{month}") or "").strip()
    if not notes:
        st.session_state[state.MEETING_MESSAGE] = ("error", "Not saved: the notes are empty.")
        return
    store_records({"review_notes": notes_row(month, notes, recorded_by)}, recorded_by, "notes", month)


def undo(upload_id: int, undone_by: str) -> None:
    st.session_state[state.MEETING_MESSAGE] = undo_upload(upload_id, undone_by, RECORD_REVIEW)


def action_table(actions: pd.DataFrame) -> pd.DataFrame:
    return actions.assign(status=actions["status"].map(ACTION_BADGES), due=due_texts(actions))


ACTION_COLUMNS = {
    "action_id": st.column_config.TextColumn("Action"),
    "title": st.column_config.TextColumn("What", width="medium"),
    "owner": st.column_config.TextColumn("Who", width="small"),
    "due": st.column_config.TextColumn("Due", width="medium"),
    "team": st.column_config.TextColumn("Team", width="small"),
    "kr_id": st.column_config.TextColumn("KR", width="small"),
    "status": st.column_config.TextColumn("Status", width="small"),
}

filters = current_filters()
review = current_review()
data = tables()
meeting = meeting_record(data, filters.as_of)
month = meeting.month
month_name = f"{pd.Timestamp(filters.as_of):%B %Y}"

st.title(f"Review meeting · {month_name}")
st.caption(f"As of {filters.as_of:%d %B %Y} · the meeting of the month of the sidebar's as-of date · "
           "everything recorded here is stored with your name and the time, and can be undone")

show_outcome(state.MEETING_MESSAGE)

may_record = refusal(RECORD_REVIEW) is None
if may_record:
    recorded_by = recorded_name("Your name (recorded with every decision, action and note)", state.MEETING_BY,
                                placeholder="e.g. Alexandre Laurent")
else:
    refused_note(RECORD_REVIEW, compact=True)

st.header("1 · Company ARR against plan", anchor=False)
overview = company_overview(data, review)
arr_col, plan_col, krs_col = st.columns(3)
if overview.arr_actual is not None:
    gap = overview.arr_actual - overview.arr_target if overview.arr_target is not None else None
    arr_col.metric(f"ARR at the end of {pd.Timestamp(overview.arr_month + '-01'):%B}", money(overview.arr_actual),
                   delta=f"{money(gap)} vs plan" if gap is not None else None, border=True)
    plan_col.metric("Plan for that month", money(overview.arr_target) if overview.arr_target else "—",
                    help="The company target path", border=True)
else:
    arr_col.metric("ARR", "no actuals yet", border=True)
behind = overview.kr_status_counts["off track"] + overview.kr_status_counts["overdue"]
krs_col.metric("KRs off track or overdue", f"{behind} of {overview.kr_count}", border=True)

st.header("2 · Actions from earlier reviews", anchor=False)
followed_up = meeting.followed_up
if followed_up.empty:
    st.caption("No action was agreed at an earlier review.")
else:
    overdue = int(followed_up["overdue"].sum())
    still_open = int((followed_up["status"] == OPEN).sum())
    st.markdown(f"**{still_open} still open**, of which **{overdue} overdue** ⚠. Mark what is done or dropped, "
                "then save.")
    shown = action_table(followed_up).assign(status=followed_up["status"])
    st.data_editor(
        shown, key=state.MEETING_ACTION_EDITOR, hide_index=True, width="stretch", height=38 + 35 * len(shown),
        column_order=["status", "action_id", "title", "owner", "due", "team", "kr_id"],
        column_config={**ACTION_COLUMNS, "status": st.column_config.SelectboxColumn(
            "Status", options=list(ACTION_STATUSES), required=True, width="small")},
        disabled=["action_id", "title", "owner", "due", "team", "kr_id"] if may_record else True,
    )
    if may_record:
        st.button("Save status changes", key=state.MEETING_ACTION_SAVE, icon=":material/save:",
                  disabled=not recorded_by, on_click=save_action_statuses, args=(followed_up, month, recorded_by),
                  help=None if recorded_by else "Enter your name first")

st.header("3 · Each team in turn", anchor=False)
teams = review.teams.dropna(subset=["progress"])
st.dataframe(
    teams.assign(worst_status=teams["worst_status"].map(STATUS_BADGES), progress=teams["progress"] * 100,
                 expected=teams["expected"] * 100,
                 link=[f"/team?team={name}&as_of={filters.as_of:%Y-%m-%d}" for name in teams["team"]]),
    hide_index=True, width="stretch", height=38 + 35 * len(teams),
    column_order=["team", "progress", "expected", "worst_status", "n_off_track", "n_overdue", "link"],
    column_config={
        "team": st.column_config.TextColumn("Team"),
        "progress": st.column_config.ProgressColumn("Progress", format="%.0f%%", min_value=0, max_value=100),
        "expected": st.column_config.NumberColumn("Expected", format="%.0f%%"),
        "worst_status": st.column_config.TextColumn("Worst status"),
        "n_off_track": st.column_config.NumberColumn("Off track"),
        "n_overdue": st.column_config.NumberColumn("Overdue"),
        "link": st.column_config.LinkColumn("Open", display_text="Team page →"),
    },
)

st.header("4 · To change or cancel", anchor=False)
candidates = change_or_cancel_candidates(review.krs, review.as_of)
if candidates.empty:
    st.caption("No key result is off track, stale or held with low confidence.")
else:
    st.markdown(f"**{len(candidates)} key results** off track, stale or held with low confidence, worst first "
                f"(the first {min(len(candidates), CANDIDATES_SHOWN)} in view; scroll the table for the rest).")
    st.dataframe(
        candidates.assign(status=candidates["status"].map(STATUS_BADGES)), hide_index=True, width="stretch",
        height=38 + 35 * min(len(candidates), CANDIDATES_SHOWN), column_order=["kr_id", "title", "team", "owner", "status", "reasons"],
        column_config={"kr_id": "KR", "title": st.column_config.TextColumn("Key result", width="large"),
                       "team": "Team", "owner": "Owner", "status": "Status",
                       "reasons": st.column_config.TextColumn("Why listed", width="medium")},
    )

st.header("5 · Decisions", anchor=False)
open_krs = review.krs[~review.krs["cancelled"]]
candidate_rank = {kr_id: rank for rank, kr_id in enumerate(candidates["kr_id"])}
ordered = open_krs.assign(rank=open_krs["kr_id"].map(candidate_rank).fillna(len(candidate_rank))).sort_values(
    "rank", kind="stable")
kr_by_id = ordered.set_index("kr_id")
# Labels made once: a lookup per option of a selectbox of a thousand KRs took a third of a second per run.
kr_labels = {kr_id: f"{kr_id} · {title}" for kr_id, title in zip(ordered["kr_id"], ordered["title"])}
kr_labels_with_team = {kr_id: f"{kr_labels[kr_id]} ({team})" for kr_id, team in zip(ordered["kr_id"], ordered["team"])}
if may_record:
    with st.container(border=True):
        kr_id = st.selectbox("Key result (the ones to change or cancel first)", list(ordered["kr_id"]),
                             key=state.MEETING_DECISION_KR,
                             format_func=kr_labels_with_team.get)
        if kr_id is not None:
            kr = kr_by_id.loc[kr_id].to_dict() | {"kr_id": kr_id}
            in_force = format_kr_value(kr["target_value"], kr["measure"], kr["unit"]) if pd.notna(kr["target_value"]) \
                else "a status"
            st.markdown(f"In force: target **{literal(in_force)}**, due **{kr['due_date']:%d %B %Y}** · now "
                        f"{STATUS_BADGES[kr['status']]}, {kr['progress']:.0%} done")
            kind_col, date_col = st.columns([2, 1])
            decision = kind_col.radio("Decision", list(DECISION_LABELS), key=state.MEETING_DECISION_KIND,
                                      format_func=DECISION_LABELS.get, horizontal=True)
            date_col.date_input("Takes effect on", value=filters.as_of, key=state.MEETING_DECISION_DATE,
                                format="YYYY-MM-DD")
            if decision == CHANGE:
                target_col, due_col = st.columns(2)
                target_col.number_input("New target (empty: unchanged)", value=None, key=state.MEETING_NEW_TARGET,
                                        disabled=kr["measure"] in NO_NUMERIC_TARGET)
                due_col.date_input("New due date (empty: unchanged)", value=None, key=state.MEETING_NEW_DUE,
                                   format="YYYY-MM-DD")
            st.text_area("Reason (the team reads it)", key=state.MEETING_REASON, height=80)
            st.button("Record the decision", type="primary", icon=":material/gavel:", disabled=not recorded_by,
                      on_click=record_decision, args=(kr, month, recorded_by),
                      help=None if recorded_by else "Enter your name first")

decided = meeting.decisions
if decided.empty:
    st.caption(f"No decision recorded in {month_name} yet.")
else:
    st.dataframe(
        decided.assign(change=change_texts(decided)),
        hide_index=True, width="stretch", height=38 + 35 * len(decided),
        column_order=["date", "kr_id", "team", "title", "decision", "change", "reason", "decided_by"],
        column_config={"date": st.column_config.DateColumn("From", format=DATE_FORMAT), "kr_id": "KR",
                       "team": "Team", "title": st.column_config.TextColumn("Key result", width="medium"),
                       "decision": "Decision", "change": st.column_config.TextColumn("Change", width="medium"),
                       "reason": st.column_config.TextColumn("Reason", width="medium"), "decided_by": "By"},
    )

st.header("6 · Actions agreed", anchor=False)
if may_record:
    with st.container(border=True):
        title_col, owner_col, due_col = st.columns([3, 1, 1])
        title_col.text_input("Action", key=state.MEETING_ACTION_TITLE, placeholder="What will be done")
        owner_col.text_input("Owner", key=state.MEETING_ACTION_OWNER)
        due_col.date_input("Due", value=pd.Timestamp(filters.as_of) + pd.offsets.MonthEnd(1),
                           key=state.MEETING_ACTION_DUE, format="YYYY-MM-DD")
        team_col, kr_col, button_col = st.columns([1, 2, 1], vertical_alignment="bottom")
        team_col.selectbox("Team", list(data["teams"]["team"]), index=None, key=state.MEETING_ACTION_TEAM,
                           placeholder="(any)")
        kr_col.selectbox("Key result", list(ordered["kr_id"]), index=None, key=state.MEETING_ACTION_KR,
                         placeholder="(none)", format_func=kr_labels.get)
        button_col.button("Record the action", type="primary", icon=":material/add_task:", disabled=not recorded_by,
                          on_click=record_action, args=(month, recorded_by, data["actions"]),
                          help=None if recorded_by else "Enter your name first")

agreed = meeting.agreed
if agreed.empty:
    st.caption(f"No action agreed in {month_name} yet.")
else:
    st.dataframe(action_table(agreed), hide_index=True, width="stretch", height=38 + 35 * len(agreed),
                 column_order=list(ACTION_COLUMNS), column_config=ACTION_COLUMNS)

st.header("7 · Notes", anchor=False)
st.text_area("Meeting notes", value=meeting.notes, key=f"{state.MEETING_NOTES}-{month}",
             height=160, label_visibility="collapsed", disabled=not may_record,
             placeholder="What was discussed, what was agreed")
if may_record:
    st.button("Save the notes", key=state.MEETING_NOTES_SAVE, icon=":material/save:", disabled=not recorded_by,
              on_click=save_notes, args=(month, recorded_by))

st.header("Record and undo", anchor=False)
uploads = store().uploads()
records = uploads[uploads["file_name"].str.startswith(f"review-{month} ")]
records = records.assign(what=records["file_name"].str.removeprefix(f"review-{month} ").str.removesuffix(".xlsx"))
if records.empty:
    st.caption(f"Nothing recorded for {month_name} yet.")
else:
    in_force = records[records["undone_at"].isna()]
    st.dataframe(
        records.assign(state=["in force" if pd.isna(u) else f"undone by {b}" for u, b in
                              zip(records["undone_at"], records["undone_by"])]),
        hide_index=True, width="stretch", height=min(38 + 35 * len(records), 320),
        column_order=["upload_id", "uploaded_at", "uploaded_by", "what", "state"],
        column_config={"upload_id": st.column_config.NumberColumn("Record", format="%d"),
                       "uploaded_at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm"),
                       "uploaded_by": "Who", "what": st.column_config.TextColumn("What", width="large"),
                       "state": "State"},
    )
    if not in_force.empty and may_record:
        labels = {int(r.upload_id): f"{r.upload_id} · {r.what}" for r in in_force.itertuples()}
        choice_col, undo_col = st.columns([3, 1], vertical_alignment="bottom")
        chosen = choice_col.selectbox("Record to undo", list(labels), key=state.MEETING_UNDO_CHOICE,
                                      format_func=labels.get)
        undo_col.button("Undo it", key=state.MEETING_UNDO, icon=":material/undo:", disabled=not recorded_by,
                        on_click=undo, args=(chosen, recorded_by), help=None if recorded_by else "Enter your name first")

st.download_button(
    f"Decisions and actions of {month_name} (XLSX)", icon=":material/download:",
    data=lambda: meeting_export(data, filters.as_of),  # built when clicked, not on every run
    file_name=f"review-{month}-decisions-actions.xlsx",
    help="In the workbook format: the Decisions, Actions and ReviewNotes sheets import back as they are",
)
