"""To change or cancel: the review's decision list — KRs off track, stale or held with low
confidence, each with the reasons it is listed, worst first."""
import streamlit as st

from analytics.change_or_cancel import (
    CONFIDENCE_SCALE,
    LOW_CONFIDENCE,
    LOW_CONFIDENCE_MAX,
    OFF_TRACK,
    STALE,
    change_or_cancel_candidates,
    reason_counts,
    still_open,
)
from analytics.progress import STALE_DAYS
from charts.theme import STATUS_BADGES
from ui.filters import current_filters, current_review
from ui.tables import DATE_FORMAT, WRAPPED_ROW_PX, key_result_column, table_height

filters = current_filters()
review = current_review()
scope = f" · KRs owned by {filters.owner}" if filters.owner else ""

st.title("To change or cancel")
st.caption(
    f"As of {filters.as_of:%d %B %Y}{scope} · listed: off track, stale (no check-in for more than {STALE_DAYS} "
    f"days) or low confidence (≤ {LOW_CONFIDENCE_MAX}/{CONFIDENCE_SCALE}) · worst first · completed and cancelled "
    "KRs left out; overdue KRs only when also stale or low-confidence (all are on Due dates & overdue)"
)

if review.krs.empty:
    st.info("No key result matches the filters in the sidebar.")
    st.stop()

candidates = change_or_cancel_candidates(review.krs, review.as_of)
counts = reason_counts(candidates)
open_krs = len(still_open(review.krs))

listed_col, off_track_col, stale_col, confidence_col = st.columns(4)
listed_col.metric("KRs to decide on", f"{len(candidates):,} of {open_krs:,}", border=True,
                  help="Of the KRs neither completed nor cancelled")
off_track_col.metric(STATUS_BADGES[OFF_TRACK].capitalize(), f"{counts[OFF_TRACK]:,}", border=True)
stale_col.metric(f"Stale (> {STALE_DAYS} days)", f"{counts[STALE]:,}", border=True)
confidence_col.metric(f"Low confidence (≤ {LOW_CONFIDENCE_MAX}/{CONFIDENCE_SCALE})", f"{counts[LOW_CONFIDENCE]:,}",
                      border=True)

if candidates.empty:
    st.success("No key result is off track, stale or held with low confidence: nothing to change or cancel.")
    st.stop()

st.page_link("pages/due_dates.py", label="Every overdue KR is on Due dates & overdue", icon=":material/event_busy:")
st.dataframe(
    candidates.assign(status=candidates["status"].map(STATUS_BADGES), progress=candidates["progress"] * 100,
                      expected=candidates["expected"] * 100),
    # Rows tall enough for two lines: titles and comments wrap instead of running off the screen.
    hide_index=True, width="stretch", height=table_height(len(candidates), row_px=WRAPPED_ROW_PX), row_height=WRAPPED_ROW_PX,
    column_order=["reasons", "kr_id", "title", "team", "owner", "status", "progress", "expected", "last_date",
                  "last_comment"],
    column_config={
        "reasons": st.column_config.TextColumn("Why listed", width="medium"),
        "kr_id": st.column_config.TextColumn("KR"),
        "title": key_result_column(),
        "team": st.column_config.TextColumn("Team", width="small"),
        "owner": st.column_config.TextColumn("Owner", width="small"),
        "status": st.column_config.TextColumn("Status", width="small"),
        "progress": st.column_config.ProgressColumn("Progress", format="%.0f%%", min_value=0, max_value=100,
                                                    width="small"),
        "expected": st.column_config.NumberColumn("Expected", format="%.0f%%", width="small",
                                                  help="Where the KR should be by now"),
        "last_date": st.column_config.DateColumn("Last check-in", format=DATE_FORMAT, width="small"),
        "last_comment": st.column_config.TextColumn("Last comment", width="medium"),
    },
)
