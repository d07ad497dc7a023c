"""The review meeting page's write controls: the decision, action, status and notes forms, the record
and undo list, and the button callbacks behind them. Each callback reads its form with
ui.meeting_form and records through ui.records, which checks the role when it runs, leaving the
outcome for the next run to show."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import streamlit as st

from analytics.health import UpdateHealth, update_health
from analytics.meetings import CANCEL, CHANGE, KEEP, NO_NUMERIC_TARGET, action_rows, due_texts, status_updates
from analytics.overview import company_overview, groups_worst_first, teams_worst_first
from analytics.teams import format_kr_value
from charts.theme import ACTION_BADGES, STATUS_BADGES, money
from store.access import RECORD_REVIEW
from store.schema import ACTION_STATUSES
from ui import state
from ui.meeting_form import (
    ACTION_FORM_CLEARED,
    ACTION_FORM_DEFAULTS,
    DECISION_FORM_CLEARED,
    DECISION_FORM_DEFAULTS,
    KrChoices,
    action_from_form,
    clear_form,
    decision_from_form,
    month_records,
    notes_from_form,
    record_refusal,
    undo_labels,
)
from ui.overview import group_summary
from ui.records import record_rows, undo_upload
from ui.review_changes import health_view
from ui.scale import SCROLL_ROWS, SHOW_ALL_MEETING_CANDIDATES, SHOW_ALL_TURN_TEAMS, capped, many_teams
from ui.tables import WRAPPED_ROW_PX, key_result_column, table_height, with_missing_shown
from ui.text import literal

DECISION_LABELS = {KEEP: "Keep as it is", CHANGE: "Change target or due date", CANCEL: "Cancel"}
ACTION_COLUMNS = {
    "action_id": st.column_config.TextColumn("Action"),
    "title": st.column_config.TextColumn("What", width="medium"),
    "owner": st.column_config.TextColumn("Who", width="small"),
    "due": st.column_config.TextColumn("Due", width="medium"),
    "team": st.column_config.TextColumn("Team", width="small"),
    "kr_id": st.column_config.TextColumn("KR", width="small"),
    "status": st.column_config.TextColumn("Status", width="small"),
}
# At 200 teams the agenda keeps to about four screens: the groups scroll beyond GROUPS_IN_VIEW rows,
# the update health chart shows the HEALTH_GROUPS lowest groups.
GROUPS_IN_VIEW = 10
HEALTH_GROUPS = 10
# Agenda item 4 stays one screen (the table scrolls for the rest), at 200 teams a smaller part of it.
CANDIDATES_SHOWN, CANDIDATES_SHOWN_AT_SCALE = 10, 5
ss = st.session_state


def action_table(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions as the page lists them: a status badge, the due date flagged when overdue, "—" for no owner,
    team or KR."""
    shown = with_missing_shown(actions, ["owner", "team", "kr_id"])
    return shown.assign(status=actions["status"].map(ACTION_BADGES), due=due_texts(actions))


# ---------------------------------------------------------------------------------------------- callbacks


def store_records(rows: dict[str, pd.DataFrame], recorded_by: str, what: str, month: str) -> bool:
    """Record rows as one upload and leave the outcome for the next run to show; whether they were stored."""
    ss[state.MEETING_MESSAGE] = record_rows(
        rows, recorded_by, f"review-{month} {what}.xlsx", RECORD_REVIEW, f"Recorded the {what} ({recorded_by})."
    )
    return ss[state.MEETING_MESSAGE][0] == "success"


def record_decision(kr: dict, month: str, recorded_by: str) -> None:
    row, problems = decision_from_form(ss, kr, recorded_by)
    if row is None:
        ss[state.MEETING_MESSAGE] = ("error", "Not recorded: " + " ".join(problems))
        return
    if store_records(
        {"decisions": row}, recorded_by, f"decision {ss[state.MEETING_DECISION_KIND]} {kr['kr_id']}", month
    ):
        clear_form(ss, DECISION_FORM_CLEARED, DECISION_FORM_DEFAULTS)


def record_action(month: str, recorded_by: str, actions: pd.DataFrame) -> None:
    row, problem = action_from_form(ss, month, actions)
    if row is None:
        ss[state.MEETING_MESSAGE] = ("error", f"Not recorded: {problem}")
        return
    if store_records({"actions": row}, recorded_by, f"action {row['action_id'].iloc[0]}", month):
        clear_form(ss, ACTION_FORM_CLEARED, ACTION_FORM_DEFAULTS)


def save_action_statuses(followed_up: pd.DataFrame, month: str, recorded_by: str) -> None:
    changed = status_updates(followed_up, ss[state.MEETING_ACTION_EDITOR]["edited_rows"])
    if changed.empty:
        ss[state.MEETING_MESSAGE] = ("info", "No status was changed.")
        return
    store_records({"actions": action_rows(changed.to_dict("records"))}, recorded_by, "action follow-up", month)


def save_notes(month: str, recorded_by: str) -> None:
    row = notes_from_form(ss, month, recorded_by)
    if row is None:
        ss[state.MEETING_MESSAGE] = ("error", "Not saved: the notes are empty.")
        return
    store_records({"review_notes": row}, recorded_by, "notes", month)


def undo(upload_id: int, undone_by: str) -> None:
    ss[state.MEETING_MESSAGE] = undo_upload(upload_id, undone_by, RECORD_REVIEW)


# ---------------------------------------------------------------------------------------------- forms


def followed_up_editor(followed_up: pd.DataFrame, month: str, may_record: bool, recorded_by: str | None) -> None:
    """The actions of earlier reviews with their status editable, and the button that saves it."""
    shown = action_table(followed_up).assign(status=followed_up["status"])
    st.data_editor(
        shown,
        key=state.MEETING_ACTION_EDITOR,
        hide_index=True,
        width="stretch",
        height=table_height(len(shown), SCROLL_ROWS),
        column_order=["status", "action_id", "title", "owner", "due", "team", "kr_id"],
        column_config={
            **ACTION_COLUMNS,
            "status": st.column_config.SelectboxColumn(
                "Status", options=list(ACTION_STATUSES), required=True, width="small"
            ),
        },
        disabled=["action_id", "title", "owner", "due", "team", "kr_id"] if may_record else True,
    )
    if may_record:
        why_not = record_refusal(recorded_by)
        st.button(
            "Save status changes",
            key=state.MEETING_ACTION_SAVE,
            icon=":material/save:",
            disabled=why_not is not None,
            on_click=save_action_statuses,
            args=(followed_up, month, recorded_by),
            help=why_not,
        )
        disabled_note(why_not)


def disabled_note(why_not: str | None, container=None) -> None:
    """Under a disabled record button, why it is disabled (its help says it too, but only on hover)."""
    if why_not:
        (container or st).caption(f":material/info: {why_not}")


def decision_form(choices: KrChoices, month: str, recorded_by: str | None, as_of: dt.date) -> None:
    """Pick a KR (the ones to change or cancel first), see what is in force, record a decision."""
    with st.container(border=True):
        kr_id = st.selectbox(
            "Key result (the ones still to decide on first)",
            list(choices.ordered["kr_id"]),
            index=None,
            key=state.MEETING_DECISION_KR,
            format_func=choices.labels_with_team.get,
            placeholder="Pick the key result decided on",
        )
        kr = choices.kr(kr_id) if kr_id is not None else None
        if kr is not None:
            in_force = (
                format_kr_value(kr["target_value"], kr["measure"], kr["unit"])
                if pd.notna(kr["target_value"])
                else "a status"
            )
            st.markdown(
                f"In force: target **{literal(in_force)}**, due **{kr['due_date']:%d %B %Y}** · now "
                f"{STATUS_BADGES[kr['status']]}, {kr['progress']:.0%} done"
            )
        kind_col, date_col = st.columns([2, 1])
        decision = kind_col.radio(
            "Decision",
            list(DECISION_LABELS),
            key=state.MEETING_DECISION_KIND,
            format_func=DECISION_LABELS.get,
            horizontal=True,
        )
        date_col.date_input("Takes effect on", value=as_of, key=state.MEETING_DECISION_DATE, format="YYYY-MM-DD")
        if decision == CHANGE:
            target_col, due_col = st.columns(2)
            target_col.number_input(
                "New target (empty: unchanged)",
                value=None,
                key=state.MEETING_NEW_TARGET,
                disabled=kr is not None and kr["measure"] in NO_NUMERIC_TARGET,
            )
            due_col.date_input(
                "New due date (empty: unchanged)", value=None, key=state.MEETING_NEW_DUE, format="YYYY-MM-DD"
            )
        st.text_area("Reason (the team reads it)", key=state.MEETING_REASON, height=80)
        why_not = record_refusal(recorded_by, kr_id)
        st.button(
            "Record the decision",
            type="primary",
            icon=":material/gavel:",
            disabled=why_not is not None,
            on_click=record_decision,
            args=(kr, month, recorded_by),
            help=why_not,
        )
        disabled_note(why_not)


def action_form(
    choices: KrChoices, teams: list[str], actions: pd.DataFrame, month: str, recorded_by: str | None, as_of: dt.date
) -> None:
    """A new action: what, who, when, for which team or KR."""
    with st.container(border=True):
        title_col, owner_col, due_col = st.columns([3, 1, 1])
        title_col.text_input("Action", key=state.MEETING_ACTION_TITLE, placeholder="What will be done")
        owner_col.text_input("Owner", key=state.MEETING_ACTION_OWNER)
        due_col.date_input(
            "Due", value=pd.Timestamp(as_of) + pd.offsets.MonthEnd(1), key=state.MEETING_ACTION_DUE, format="YYYY-MM-DD"
        )
        team_col, kr_col, button_col = st.columns([1, 2, 1], vertical_alignment="bottom")
        team_col.selectbox("Team", teams, index=None, key=state.MEETING_ACTION_TEAM, placeholder="(any)")
        kr_col.selectbox(
            "Key result",
            list(choices.ordered["kr_id"]),
            index=None,
            key=state.MEETING_ACTION_KR,
            placeholder="(none)",
            format_func=choices.labels.get,
        )
        why_not = record_refusal(recorded_by)
        button_col.button(
            "Record the action",
            type="primary",
            icon=":material/add_task:",
            disabled=why_not is not None,
            on_click=record_action,
            args=(month, recorded_by, actions),
            help=why_not,
        )
        disabled_note(why_not)


def records_and_undo(
    uploads: pd.DataFrame, month: str, month_name: str, may_record: bool, recorded_by: str | None
) -> None:
    """What was recorded for the month's meeting, in force or undone, and the undo of a record."""
    records = month_records(uploads, month)
    if records.empty:
        st.caption(f"Nothing recorded for {month_name} yet.")
        return
    st.dataframe(
        records,
        hide_index=True,
        width="stretch",
        height=table_height(len(records), 8),
        column_order=["upload_id", "uploaded_at", "uploaded_by", "what", "state"],
        column_config={
            "upload_id": st.column_config.NumberColumn("Record", format="%d"),
            "uploaded_at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm"),
            "uploaded_by": "Who",
            "what": st.column_config.TextColumn("What", width="large"),
            "state": "State",
        },
    )
    labels = undo_labels(records)
    if labels and may_record:
        choice_col, undo_col = st.columns([3, 1], vertical_alignment="bottom")
        chosen = choice_col.selectbox(
            "Record to undo", list(labels), key=state.MEETING_UNDO_CHOICE, format_func=labels.get
        )
        why_not = record_refusal(recorded_by)
        undo_col.button(
            "Undo it",
            key=state.MEETING_UNDO,
            icon=":material/undo:",
            disabled=why_not is not None,
            on_click=undo,
            args=(chosen, recorded_by),
            help=why_not,
        )
        disabled_note(why_not)


def decided_list(decided: pd.DataFrame, title: str, folded: bool = False) -> None:
    """The KRs a review meeting decided about (analytics.meetings.decided_krs), each marked with what was
    decided ("decided 31 May: target 28 deals → 12 deals", "kept 31 May"): out of the list to decide on.
    Folded: in an expander under `title` (at 200 teams the agenda keeps to four screens)."""
    if decided.empty:
        return
    if folded:
        with st.expander(title):
            decided_table(decided)
    else:
        st.markdown(f"**{title}**")
        decided_table(decided)


def decided_table(decided: pd.DataFrame) -> None:
    st.dataframe(
        with_missing_shown(decided, ["reason", "team"]),
        hide_index=True,
        width="stretch",
        row_height=WRAPPED_ROW_PX,  # titles, decisions and reasons wrap rather than run off at 1366 px
        height=table_height(len(decided), SCROLL_ROWS, row_px=WRAPPED_ROW_PX),
        column_order=["kr_id", "title", "team", "decided", "reason", "decided_by"],
        column_config={
            "kr_id": "KR",
            "title": key_result_column(),
            "team": st.column_config.TextColumn("Team", width="small"),
            "decided": st.column_config.TextColumn("Decided", width="medium"),
            "reason": st.column_config.TextColumn("Reason", width="medium"),
            "decided_by": st.column_config.TextColumn("By", width="small"),
        },
    )


def arr_against_plan(data: dict, review) -> None:
    """Agenda item 1: the company ARR at the last month with actuals against the plan for that
    month, and the KRs off track or overdue."""
    overview = company_overview(data, review)
    arr_col, plan_col, krs_col = st.columns(3)
    if overview.arr_actual is not None:
        gap = overview.arr_actual - overview.arr_target if overview.arr_target is not None else None
        arr_col.metric(
            f"ARR at the end of {pd.Timestamp(overview.arr_month + '-01'):%B}",
            money(overview.arr_actual),
            delta=f"{money(gap)} vs plan" if gap is not None else None,
            border=True,
        )
        plan_col.metric(
            "Plan for that month",
            money(overview.arr_target) if overview.arr_target else "—",
            help="The company target path",
            border=True,
        )
    else:
        arr_col.metric("ARR", "no actuals yet", border=True)
    behind = overview.kr_status_counts["off track"] + overview.kr_status_counts["overdue"]
    krs_col.metric("KRs off track or overdue", f"{behind} of {overview.kr_count}", border=True)


def update_health_in_view(review) -> tuple[UpdateHealth, str]:
    """The update health of the KRs under the sidebar's filters and what its chart is drawn per: a bar
    per team, or above MANY_TEAMS teams a bar per group (the groups take the teams' place in the
    roll-up; company KRs count as "Company"), the HEALTH_GROUPS lowest only; the Group filter brings
    the teams back."""
    health = health_view()
    if not many_teams(len(health.teams)):
        return health, "team"
    group_of = review.teams.set_index("team")["group"]
    krs = review.krs.assign(
        team=review.krs["team"].map(group_of).fillna("No group").where(review.krs["team"].notna(), "Company")
    )
    groups = update_health(krs, review.as_of).teams
    if len(groups) <= HEALTH_GROUPS:
        return replace(health, teams=groups), "group"
    return replace(health, teams=groups.head(HEALTH_GROUPS)), f"group: the {HEALTH_GROUPS} lowest of {len(groups)}"


def teams_in_turn(review, as_of) -> None:
    """Agenda item 3: each team's progress against where it should be, with a link to its page at
    the same as-of date. Above MANY_TEAMS teams: a row per group (worst first), and the teams in an
    expander, the worst first with a toggle for all; teams with nothing in force are counted."""
    teams = review.teams.dropna(subset=["progress"])
    if not many_teams(len(teams)):
        team_table(teams, as_of)
        return
    listed, idle = teams_worst_first(review.teams)
    st.caption(
        "Group by group, worst first: worst status, then the most KRs overdue and off track"
        + (f" · {idle:,} teams with nothing in force are counted here, not listed" if idle else "")
    )
    group_summary(groups_worst_first(listed), GROUPS_IN_VIEW)
    with st.expander(f"The teams one by one, worst first ({len(listed):,})"):
        team_table(capped(listed, SHOW_ALL_TURN_TEAMS, "teams"), as_of, SCROLL_ROWS)


def team_table(teams: pd.DataFrame, as_of, most_rows: int | None = None) -> None:
    """Teams with their progress, expected by now, worst status and a link to their page."""
    st.dataframe(
        teams.assign(
            worst_status=teams["worst_status"].map(STATUS_BADGES),
            progress=teams["progress"] * 100,
            expected=teams["expected"] * 100,
            link=[f"/team?team={name}&as_of={as_of:%Y-%m-%d}" for name in teams["team"]],
        ),
        hide_index=True,
        width="stretch",
        height=table_height(len(teams), most_rows),
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


def candidates_table(candidates: pd.DataFrame, at_scale: bool) -> None:
    """Agenda item 4: the KRs to decide on, worst first, the first CANDIDATES_SHOWN in view. At 200
    teams five in view and the WORST_ROWS worst sent unless the toggle shows all (every one of some 400
    rows went to the browser on each visit)."""
    in_view = CANDIDATES_SHOWN_AT_SCALE if at_scale else CANDIDATES_SHOWN
    st.markdown(
        f"**{len(candidates)} key results to decide on**: off track, stale or held with low confidence, worst first "
        f"(the first {min(len(candidates), in_view)} in view; scroll the table for the rest)."
    )
    shown = capped(candidates, SHOW_ALL_MEETING_CANDIDATES, "KRs to decide on") if at_scale else candidates
    st.dataframe(
        shown.assign(status=shown["status"].map(STATUS_BADGES)),
        hide_index=True,
        width="stretch",
        row_height=WRAPPED_ROW_PX,  # titles wrap beside the reasons at 1366 px
        height=table_height(len(shown), in_view, row_px=WRAPPED_ROW_PX),
        column_order=["kr_id", "title", "team", "owner", "status", "reasons"],
        column_config={
            "kr_id": "KR",
            "title": key_result_column("medium"),
            "team": st.column_config.TextColumn("Team", width="small"),
            "owner": st.column_config.TextColumn("Owner", width="small"),
            "status": st.column_config.TextColumn("Status", width="small"),
            "reasons": st.column_config.TextColumn("Why listed", width="medium"),
        },
    )
