"""To change or cancel: the review's decision list — KRs off track, stale or held with low
confidence, each with the reasons it is listed, worst first."""

import pandas as pd
import streamlit as st

from analytics.change_or_cancel import (
    CONFIDENCE_SCALE,
    LOW_CONFIDENCE,
    LOW_CONFIDENCE_MAX,
    OFF_TRACK,
    STALE,
    candidates_by_group,
    change_or_cancel_candidates,
    reason_counts,
    still_open,
)
from analytics.meetings import decided_krs, meeting_decisions, meeting_month
from analytics.progress import STALE_DAYS
from charts.theme import STATUS_BADGES
from ui.context import kept_per_version, tables
from ui.filters import current_filters, current_review
from ui.review_meeting import decided_list
from ui.scale import SCROLL_ROWS, SHOW_ALL_CANDIDATES, capped, many_teams, teams_without_krs
from ui.tables import WRAPPED_ROW_PX, key_result_column, table_height, with_missing_shown
from ui.text import total_with_reasons

filters = current_filters()
review = current_review()
scope = f" · KRs owned by {filters.owner}" if filters.owner else ""
month_name = f"{filters.as_of:%B %Y}"

st.title("To change or cancel")
st.caption(
    f"As of {filters.as_of:%d %B %Y}{scope} · listed: off track, stale (no check-in for more than {STALE_DAYS} "
    f"days) or low confidence (≤ {LOW_CONFIDENCE_MAX}/{CONFIDENCE_SCALE}) · worst first · completed and cancelled "
    "KRs left out; overdue KRs only when also stale or low-confidence (all are on Due dates & overdue)"
)

if review.krs.empty:
    st.info("No key result matches the filters in the sidebar.")
    st.stop()

data = tables()


def decided_and_candidates() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The KRs the month's review decided about, and those still to decide on, worst first."""
    month = meeting_month(filters.as_of)
    decided = decided_krs(
        meeting_decisions(data["decisions"], data["key_results"], data["objectives"], month), review.krs["kr_id"]
    )
    return decided, change_or_cancel_candidates(review.krs, review.as_of, decided["kr_id"])


# Kept per data version and filters: at 200 teams finding them took about 50 ms on every visit.
decided, candidates = kept_per_version(
    "to change or cancel", (filters.as_of, filters.period, filters.teams, filters.owner), decided_and_candidates
)
counts = reason_counts(candidates)
open_krs = len(still_open(review.krs))

listed_col, off_track_col, stale_col, confidence_col = st.columns(4)
listed_col.metric(
    "KRs to decide on",
    f"{len(candidates):,} of {open_krs:,}",
    border=True,
    help="Of the KRs neither completed nor cancelled; those the review meeting has decided about are listed "
    "apart, below",
)
off_track_col.metric(STATUS_BADGES[OFF_TRACK].capitalize(), f"{counts[OFF_TRACK]:,}", border=True)
stale_col.metric(f"Stale (> {STALE_DAYS} days)", f"{counts[STALE]:,}", border=True)
confidence_col.metric(
    f"Low confidence (≤ {LOW_CONFIDENCE_MAX}/{CONFIDENCE_SCALE})", f"{counts[LOW_CONFIDENCE]:,}", border=True
)
closed = review.krs["status"].value_counts()
st.caption(
    total_with_reasons(
        open_krs, len(review.krs), "KRs open", {s: int(closed.get(s, 0)) for s in ("completed", "cancelled")}
    )
)

DECIDED_TITLE = f"Decided in the {month_name} review: no longer to decide"
if candidates.empty:
    st.success(
        "Every key result off track, stale or held with low confidence has been decided on."
        if len(decided)
        else "No key result is off track, stale or held with low confidence: nothing to change or cancel."
    )
    decided_list(decided, DECIDED_TITLE)
    st.stop()
if len(decided):
    st.caption(
        f"{len(decided):,} KR(s) decided in the {month_name} review are listed apart, after the KRs to decide on."
    )

st.page_link("pages/due_dates.py", label="Every overdue KR is on Due dates & overdue", icon=":material/event_busy:")
team_groups = data["teams"].set_index("team")["group"]
in_force_teams = review.krs["team"].dropna().unique()
at_scale = many_teams(len(in_force_teams))
idle = teams_without_krs(
    pd.Series(filters.teams if filters.teams is not None else team_groups.index), pd.Series(in_force_teams)
)


def group_summary() -> None:
    """Above MANY_TEAMS teams: a row per group before the KRs, most off track first."""
    st.subheader("By group", anchor=False)
    groups = with_missing_shown(candidates_by_group(candidates, team_groups), ["worst_team"])  # company KRs: no team
    st.dataframe(
        groups,
        hide_index=True,
        width="stretch",
        height=table_height(len(groups), SCROLL_ROWS),
        column_config={
            "group": "Group",
            "teams": st.column_config.NumberColumn("Teams with KRs listed"),
            "listed": st.column_config.NumberColumn("KRs listed"),
            OFF_TRACK: st.column_config.NumberColumn("Off track"),
            STALE: st.column_config.NumberColumn("Stale"),
            LOW_CONFIDENCE: st.column_config.NumberColumn("Low confidence"),
            "worst_team": st.column_config.TextColumn("Team with most listed"),
        },
    )
    st.caption(
        "Choose a group or a team in the sidebar for its KRs alone."
        + (f" {idle:,} teams with nothing in force are counted here, not listed." if idle else "")
    )
    st.subheader("Key results, worst first", anchor=False)


if at_scale:
    group_summary()
shown = capped(candidates, SHOW_ALL_CANDIDATES, "KRs to decide on") if at_scale else candidates
st.dataframe(
    with_missing_shown(shown, ["last_date", "last_comment"]).assign(
        status=shown["status"].map(STATUS_BADGES), progress=shown["progress"] * 100, expected=shown["expected"] * 100
    ),
    # Rows tall enough for two lines: titles and comments wrap instead of running off the screen.
    hide_index=True,
    width="stretch",
    row_height=WRAPPED_ROW_PX,
    height=table_height(len(shown), SCROLL_ROWS if at_scale else None, row_px=WRAPPED_ROW_PX),
    column_order=[
        "reasons",
        "kr_id",
        "title",
        "team",
        "owner",
        "status",
        "progress",
        "expected",
        "last_date",
        "last_comment",
    ],
    column_config={
        "reasons": st.column_config.TextColumn("Why listed", width="medium"),
        "kr_id": st.column_config.TextColumn("KR"),
        "title": key_result_column(),
        "team": st.column_config.TextColumn("Team", width="small"),
        "owner": st.column_config.TextColumn("Owner", width="small"),
        "status": st.column_config.TextColumn("Status", width="small"),
        "progress": st.column_config.ProgressColumn(
            "Progress", format="%.0f%%", min_value=0, max_value=100, width="small"
        ),
        "expected": st.column_config.NumberColumn(
            "Expected", format="%.0f%%", width="small", help="Where the KR should be by now"
        ),
        "last_date": st.column_config.TextColumn("Last check-in", width="small"),  # "—": never checked in
        "last_comment": st.column_config.TextColumn("Last comment", width="medium"),
    },
)

decided_list(decided, DECIDED_TITLE)
