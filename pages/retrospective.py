"""Quarterly retrospective: a quarter's final scores per KR, objective and team, what was completed
and what was missed, the decisions taken during it; missed KRs carried into the next quarter in one
step; and each team's next-quarter OKRs beside its retrospective, for the all-hands."""

import pandas as pd
import streamlit as st

from analytics.periods import period_bounds
from analytics.retrospective import (
    COMPLETED,
    MISSED,
    STILL_OPEN,
    default_quarter,
    quarters,
)
from analytics.teams import format_kr_value
from ui import state
from ui.context import retrospective_view, snapshot, tables
from ui.filters import current_filters
from ui.records import show_outcome
from ui.retrospective import OUTCOME_BADGES, carry_over_section, outcomes_section
from ui.scale import SCROLL_ROWS
from ui.tables import DATE_FORMAT, key_result_column, table_height, with_missing_shown
from ui.text import total_with_reasons

filters = current_filters()
data = tables()
choices = quarters(data["objectives"])

st.title("Quarterly retrospective")
if not choices:
    st.info("No quarterly objectives are stored yet.")
    st.stop()
show_outcome(state.RETRO_MESSAGE)

if st.session_state.get(state.RETRO_QUARTER) not in choices:
    st.session_state[state.RETRO_QUARTER] = default_quarter(choices, filters.as_of)
quarter = st.selectbox("Quarter", choices, key=state.RETRO_QUARTER)
retro = retrospective_view(quarter, filters.as_of)
quarter_end = period_bounds(quarter)[1]
if retro.closed:
    st.caption(f"Final scores at the quarter's last day, {quarter_end:%d %B %Y} · next quarter {retro.next_quarter}")
else:
    st.warning(
        f"{quarter} is still running (it ends {quarter_end:%d %B %Y}): the scores below are as of "
        f"{retro.scored_at:%d %B %Y} and provisional. Move the sidebar's as-of date past the quarter's end "
        "for the final retrospective.",
        icon=":material/schedule:",
    )

krs = retro.krs
completed = int((krs["outcome"] == COMPLETED).sum())
not_completed = int(krs["outcome"].isin([MISSED, STILL_OPEN]).sum())
scored = krs[krs["outcome"] != "cancelled"]
score_col, completed_col, missed_col, decisions_col = st.columns(4)
score_col.metric(
    "Company score",
    f"{retro.objectives['progress'].mean():.0%}" if not scored.empty else "—",
    help="Mean of the team objectives' final progress",
    border=True,
)
if not retro.closed:
    # The other pages count every KR in force (cancelled ones left out), the yearly objectives' too:
    # say why this total is smaller.
    in_force = snapshot(filters.as_of).krs
    yearly = int((~in_force["kr_id"].isin(krs["kr_id"]) & ~in_force["cancelled"]).sum())
    reasons = {"of yearly objectives, scored at the year's end": yearly}
    st.caption(total_with_reasons(len(scored), len(scored) + yearly, "KRs in force", reasons))
completed_col.metric("KRs completed", f"{completed} of {len(scored)}", border=True)
missed_col.metric("KRs missed" if retro.closed else "KRs still open", f"{not_completed} of {len(scored)}", border=True)
decisions_col.metric(
    "Decisions during the quarter",
    f"{len(retro.decisions)}",
    border=True,
    help="Keep, change and cancel decisions taken in reviews",
)

outcomes_section(retro, filters.as_of, data["teams"]["team"], filters.teams)

st.header("Team by team", anchor=False)
# The sidebar's Group and Team filters narrow the teams to choose from (all, when none of theirs has this quarter).
every_team = list(retro.teams["team"])
teams = [name for name in every_team if filters.teams is None or name in filters.teams] or every_team
if st.session_state.get(state.RETRO_TEAM) not in teams:
    st.session_state[state.RETRO_TEAM] = filters.team if filters.team in teams else teams[0]
team = st.selectbox("Team", teams, key=state.RETRO_TEAM)
looking_back, looking_ahead = st.columns(2, gap="large")
with looking_back:
    st.subheader(f"{quarter} · how it ended", anchor=False)
    for objective in retro.objectives[retro.objectives["team"] == team].itertuples(index=False):
        score = f"{objective.progress:.0%}" if pd.notna(objective.progress) else "—"
        st.markdown(f"**{objective.objective_id} · {objective.title}** — final score **{score}**")
        mine = krs[krs["objective_id"] == objective.objective_id]
        st.dataframe(
            mine.assign(
                outcome=mine["outcome"].map(OUTCOME_BADGES),
                progress=mine["progress"] * 100,
                last=[
                    format_kr_value(v, m, u, s)
                    for v, m, u, s in zip(mine["last_value"], mine["measure"], mine["unit"], mine["last_status"])
                ],
            ),
            hide_index=True,
            width="stretch",
            height=table_height(len(mine)),
            column_order=["title", "progress", "last", "outcome"],
            column_config={
                "title": key_result_column(),
                "progress": st.column_config.ProgressColumn(
                    "Final", format="%.0f%%", min_value=0, max_value=100, width="small"
                ),
                "last": st.column_config.TextColumn("Last value", width="small"),
                "outcome": st.column_config.TextColumn("Outcome", width="small"),
            },
        )
with looking_ahead:
    st.subheader(f"{retro.next_quarter} · what comes next", anchor=False)
    upcoming = retro.next_okrs[retro.next_okrs["team"] == team]
    if upcoming.empty:
        st.info(
            f"{team} has no {retro.next_quarter} objectives yet. Carry missed KRs over below, or upload the "
            f"team's {retro.next_quarter} OKRs."
        )
    for objective_id, rows in upcoming.groupby("objective_id", sort=False):
        st.markdown(f"**{objective_id} · {rows['objective'].iloc[0]}**")
        with_krs = rows.dropna(subset=["kr_id"])
        if with_krs.empty:
            st.caption("No key results yet.")
            continue
        st.dataframe(
            with_krs.assign(
                target=[
                    format_kr_value(t, m, u) if pd.notna(t) else "status"
                    for t, m, u in zip(with_krs["target_value"], with_krs["measure"], with_krs["unit"])
                ]
            ),
            hide_index=True,
            width="stretch",
            height=table_height(len(with_krs)),
            column_order=["title", "owner", "target", "due_date"],
            column_config={
                "title": key_result_column(),
                "owner": "Owner",
                "target": "Target",
                "due_date": st.column_config.DateColumn("Due", format=DATE_FORMAT),
            },
        )

carry_over_section(data, retro, quarter)

st.header(f"Decisions taken during {quarter}", anchor=False)
if retro.decisions.empty:
    st.caption("No decision was recorded on this quarter's key results.")
else:
    st.dataframe(
        with_missing_shown(retro.decisions, ["new_target_value", "new_due_date"]),
        hide_index=True,
        width="stretch",
        height=table_height(len(retro.decisions), SCROLL_ROWS),
        column_order=[
            "date",
            "kr_id",
            "team",
            "title",
            "decision",
            "new_target_value",
            "new_due_date",
            "reason",
            "decided_by",
        ],
        column_config={
            "date": st.column_config.DateColumn("Date", format=DATE_FORMAT),
            "kr_id": "KR",
            "team": "Team",
            "title": key_result_column(),
            "decision": "Decision",
            "new_target_value": "New target",
            "new_due_date": st.column_config.TextColumn("New due date"),
            "reason": st.column_config.TextColumn("Reason", width="medium"),
            "decided_by": "By",
        },
    )
