"""KR types: the discovery / input / output / outcome mix per team and per objective, how far each
type has come, and the objectives whose key results cannot show impact."""

import pandas as pd
import streamlit as st

from analytics.kr_types import (
    INPUT,
    OUTCOME,
    flags_by_group,
    flags_worst_first,
    kr_type_mix,
    objective_type_flags,
    objective_type_mix,
    progress_by_type,
)
from charts.kr_types import kr_type_mix_figure, progress_by_type_figure
from ui.context import tables
from ui.filters import current_filters, current_review
from ui.scale import (
    SCROLL_ROWS,
    SHOW_ALL_INPUT_ONLY,
    SHOW_ALL_NO_OUTCOME,
    capped,
    many_teams,
    teams_without_krs,
)
from ui.tables import table_height

filters = current_filters()
review = current_review()
scope = f" · KRs owned by {filters.owner}" if filters.owner else ""

st.title("KR types")
st.caption(
    f"As of {filters.as_of:%d %B %Y}{scope} · discovery → input → output → outcome: from learning, "
    "through effort and deliverables, to the change the objective is after · cancelled KRs left out"
)

objectives = objective_type_mix(review.krs, review.objectives)
if objectives.empty:
    st.info("No key result matches the filters in the sidebar.")
    st.stop()

team_groups = tables()["teams"].set_index("team")["group"]
in_force_teams = review.krs["team"].dropna().unique()
at_scale = many_teams(len(in_force_teams))
idle = teams_without_krs(
    pd.Series(filters.teams if filters.teams is not None else team_groups.index), pd.Series(in_force_teams)
)
row_name = "group" if at_scale else "team"
mix = kr_type_mix(review.krs.assign(group=review.krs["team"].map(team_groups).fillna("Company")), by=row_name)
flags = flags_worst_first(objective_type_flags(review.krs, review.objectives))
no_outcome = flags[flags["no_outcome"]]
input_only = flags[flags["input_only"]]
kr_count, objective_count = int(mix["total"].sum()), len(objectives)

outcome_col, no_outcome_col, input_only_col = st.columns(3)
outcome_col.metric(
    "Outcome KRs",
    f"{mix[OUTCOME].sum():,} of {kr_count:,}",
    delta=f"{mix[OUTCOME].sum() / kr_count:.0%} of all KRs",
    delta_color="off",
    delta_arrow="off",
    border=True,
)
no_outcome_col.metric("Objectives without an outcome KR", f"{len(no_outcome):,} of {objective_count:,}", border=True)
input_only_col.metric("Objectives with input KRs only", f"{len(input_only):,} of {objective_count:,}", border=True)

mix_col, progress_col = st.columns(2)
with mix_col:
    st.plotly_chart(
        kr_type_mix_figure(mix.drop(columns="total"), f"Key results by type, per {row_name}"), width="stretch"
    )
    if at_scale:
        st.caption(
            f"{len(in_force_teams):,} teams with KRs in force: summed by group. Choose a group in the "
            "sidebar for its teams."
            + (f" {idle:,} teams with nothing in force are counted here, not listed." if idle else "")
        )
with progress_col:
    st.plotly_chart(
        progress_by_type_figure(progress_by_type(review.krs), "Progress by KR type vs expected by now"), width="stretch"
    )
    st.caption(
        "Mean progress of each type's KRs (each clamped to 0–100 %); the black tick is where they "
        "should be by now on average."
    )

FLAG_COLUMNS = {
    "team": st.column_config.TextColumn("Team"),
    "objective_id": st.column_config.TextColumn("Objective"),
    "title": st.column_config.TextColumn("Title", width="large"),
    "kr_count": st.column_config.NumberColumn("KRs"),
}


def group_summary() -> None:
    """Above MANY_TEAMS teams: the objectives flagged below, a row per group, before the lists."""
    st.subheader("Objectives flagged, by group", anchor=False)
    groups = flags_by_group(objectives, flags, team_groups)
    st.dataframe(
        groups.assign(share=groups["share"] * 100),
        hide_index=True,
        width="stretch",
        height=table_height(len(groups), SCROLL_ROWS),
        column_config={
            "group": "Group",
            "teams": st.column_config.NumberColumn("Teams"),
            "objectives": st.column_config.NumberColumn("Objectives"),
            "no_outcome": st.column_config.NumberColumn("Without an outcome KR"),
            "input_only": st.column_config.NumberColumn("Input KRs only"),
            "share": st.column_config.ProgressColumn(
                "Share without an outcome KR", format="%.0f%%", min_value=0, max_value=100
            ),
        },
    )


if at_scale:
    group_summary()

st.subheader("Objectives without an outcome KR", anchor=False)
if no_outcome.empty:
    st.success("Every objective has at least one outcome KR.")
else:
    st.warning(
        f"**{len(no_outcome):,} objectives cannot show impact.** Their key results measure learning, "
        "effort or deliverables, but none says whether the change the objective is after happened. "
        f"Add an {OUTCOME} KR, or ask what the objective is for."
    )
    listed = capped(no_outcome, SHOW_ALL_NO_OUTCOME, "objectives without an outcome KR") if at_scale else no_outcome
    st.dataframe(
        listed[list(FLAG_COLUMNS)],
        hide_index=True,
        width="stretch",
        column_config=FLAG_COLUMNS,
        height=table_height(len(listed), SCROLL_ROWS) if at_scale else "auto",
    )

st.subheader("Objectives with input KRs only", anchor=False)
if input_only.empty:
    st.success(f"No objective is measured by {INPUT} KRs alone.")
else:
    st.warning(
        f"**{len(input_only):,} objectives measure activity without results.** Every key result counts "
        "effort put in (emails sent, calls made); none counts what came out of it. Turn at least one "
        "into an output or outcome KR."
    )
    listed = capped(input_only, SHOW_ALL_INPUT_ONLY, "objectives with input KRs only") if at_scale else input_only
    st.dataframe(
        listed[list(FLAG_COLUMNS)],
        hide_index=True,
        width="stretch",
        column_config=FLAG_COLUMNS,
        height=table_height(len(listed), SCROLL_ROWS) if at_scale else "auto",
    )

type_names = [column for column in objectives.columns if column not in ("objective_id", "team", "title", "total")]


def objective_table() -> None:
    st.dataframe(
        objectives,
        hide_index=True,
        width="stretch",
        height=table_height(len(objectives), SCROLL_ROWS if at_scale else None),
        column_config={
            "objective_id": st.column_config.TextColumn("Objective"),
            "team": st.column_config.TextColumn("Team"),
            "title": st.column_config.TextColumn("Title", width="large"),
            **{name: st.column_config.NumberColumn(name.capitalize()) for name in type_names},
            "total": st.column_config.NumberColumn("Total"),
        },
        column_order=["team", "objective_id", "title", *type_names, "total"],
    )


st.subheader("Type mix per objective", anchor=False)
if at_scale:
    with st.expander(f"Every objective's type mix ({len(objectives):,} objectives)"):
        objective_table()
else:
    objective_table()
