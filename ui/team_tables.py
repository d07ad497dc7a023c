"""How the Team page's tables are laid out: their columns, and one way to show each."""

import pandas as pd
import streamlit as st

from analytics.overview import teams_worst_first
from analytics.teams import format_kr_value
from charts.theme import ACTUAL_COLOR
from store.schema import STATUS_LEVELS
from ui.scale import many_teams
from ui.tables import DATE_FORMAT, ROW_PX, WRAPPED_ROW_PX, key_result_column, table_height

CHOICES_AT_SCALE = 16  # four rows of four team links

# What the room decides on, narrow enough to read at 1366 px without scrolling sideways: the figure
# above names each KR, so the id ties a row to its bar.
KR_TABLE = {
    "kr_id": st.column_config.TextColumn("KR", width="small"),
    "last_value": st.column_config.TextColumn("Last value", width="small"),
    "target": st.column_config.TextColumn("Target", width="small", help="In the KR's unit"),
    "due_date": st.column_config.DateColumn("Due", format=DATE_FORMAT, width="small"),
    "status": st.column_config.TextColumn("Status", width="small"),
    "last_comment": st.column_config.TextColumn("Last comment", width="large"),
}
# The rest of each KR's row, one click away, as narrow (long texts cut, whole on hover).
KR_DETAIL_TABLE = {
    "kr_id": st.column_config.TextColumn("KR", width="small"),
    "title": key_result_column(),
    "owner": st.column_config.TextColumn("Owner", width="small"),
    "confidence": st.column_config.TextColumn("Confidence", width="small"),
    "updated": st.column_config.TextColumn("Updated", width="small"),
    "trend": st.column_config.LineChartColumn(
        "Trend", help="Check-in readings up to the as-of date", color=ACTUAL_COLOR, width="small"
    ),
    "forecast": st.column_config.TextColumn(
        "Forecast at due date",
        help="Least-squares line through the check-ins since the start, at the due date",
        width="medium",
    ),
}


def kr_targets(krs: pd.DataFrame) -> pd.Series:
    """kr_id → the KR's target as its readings are written ("$3,120,000", "90%", "Yes", "Completed")."""
    return pd.Series(
        [
            format_kr_value(target, measure, unit, STATUS_LEVELS[-1])
            for target, measure, unit in zip(krs["target_value"], krs["measure"], krs["unit"])
        ],
        index=krs["kr_id"],
    )


def show_kr_tables(rows: pd.DataFrame) -> None:
    """A KR table of the decision columns, and the other columns in an expander below it."""
    # Rows tall enough for a last comment to wrap onto a second line instead of being cut.
    show_table(rows, KR_TABLE, "No key results under the filters.", row_px=WRAPPED_ROW_PX)
    if not rows.empty:
        with st.expander("Owner, confidence, last update, trend and forecast"):
            show_table(rows, KR_DETAIL_TABLE, "")


INITIATIVE_TABLE = {
    "kr_id": st.column_config.TextColumn("KR"),
    "title": st.column_config.TextColumn("Initiative", width="large"),
    "owner": st.column_config.TextColumn("Owner"),
    "status": st.column_config.TextColumn("Status"),
    "due_date": st.column_config.DateColumn("Due", format=DATE_FORMAT),
}


DECISION_TABLE = {
    "date": st.column_config.DateColumn("From", format=DATE_FORMAT),
    "kr_id": st.column_config.TextColumn("KR"),
    "title": key_result_column(),
    "decision": st.column_config.TextColumn("Decision"),
    "change": st.column_config.TextColumn(
        "Change", width="medium", help="The target or due date before and after: history is kept"
    ),
    "reason": st.column_config.TextColumn("Reason", width="medium"),
    "decided_by": st.column_config.TextColumn("By"),
}


ACTION_TABLE = {
    "action_id": st.column_config.TextColumn("Action"),
    "title": st.column_config.TextColumn("What", width="large"),
    "owner": st.column_config.TextColumn("Who"),
    "due": st.column_config.TextColumn("Due", width="medium"),
    "kr_id": st.column_config.TextColumn("KR"),
    "status": st.column_config.TextColumn("Status"),
}


NEEDS_TABLE = {
    "kr_id": "KR",
    "title": key_result_column("large"),
    "owner": "Owner",
    "status": "Status",
    "depends_on": "Depends on",
}


NEEDED_BY_TABLE = {
    "team": "Team",
    "kr_id": "KR",
    "title": key_result_column("large"),
    "owner": "Owner",
    "status": "Status",
}


def show_table(frame: pd.DataFrame, columns: dict, empty: str, row_px: int = ROW_PX) -> None:
    """Every row at once: a review never hunts for rows inside a scrolling table."""
    if frame.empty:
        st.markdown(empty)
        return
    st.dataframe(
        frame[list(columns)],
        hide_index=True,
        width="stretch",
        height=table_height(len(frame), row_px=row_px),
        row_height=row_px,
        column_config=columns,
    )


def team_choices(cards: pd.DataFrame, review) -> list[str]:
    """The teams the page offers when none is chosen: every team of `cards` (team_cards' order), or
    above MANY_TEAMS the `CHOICES_AT_SCALE` furthest behind (worst status, then the largest gap), a
    caption saying that the sidebar's Team filter has every one (200 links took the browser a second
    to draw on every visit)."""
    if not many_teams(len(cards)):
        return list(cards["team"])
    listed, _ = teams_worst_first(review.teams)
    st.caption(
        f"The {CHOICES_AT_SCALE} teams furthest behind (worst status, then the largest gap between expected and "
        f"progress); all {len(cards):,} are in the sidebar's **Team** filter."
    )
    return list(listed["team"].head(CHOICES_AT_SCALE))
