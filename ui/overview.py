"""The sections of the Company overview, one function each, so that the page reads as its outline
and a new section is one call: this month's figures, ARR, company objectives, the teams."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.overview import CompanyOverview, groups_worst_first, teams_worst_first
from analytics.review import ReviewSnapshot
from charts.overview import arr_bridge_figure, arr_vs_target_figure
from charts.team import pace_progress_figure
from charts.theme import STATUS_BADGES, gap_points, money
from ui.scale import SCROLL_ROWS, SHOW_ALL_TEAMS, WORST_ROWS, capped, many_teams
from ui.tables import table_height


def this_month(overview: CompanyOverview, company: pd.DataFrame) -> None:
    """ARR against plan, the year's target, company objectives and the KRs behind, as four metrics."""
    st.header("This month", anchor=False, divider="gray")
    arr_col, plan_col, objectives_col, risk_col = st.columns(4)
    if overview.arr_month:
        gap = overview.arr_actual - overview.arr_target if overview.arr_target is not None else None
        arr_col.metric(
            f"ARR, {overview.arr_month}",
            money(overview.arr_actual),
            delta=f"{money(gap)} vs plan" if gap is not None else None,
            border=True,
        )
        if overview.arr_year_target:
            plan_col.metric(
                f"{overview.year} ARR target",
                money(overview.arr_year_target),
                delta=f"{overview.arr_actual / overview.arr_year_target:.0%} reached",
                delta_color="off",
                border=True,
            )
    else:
        arr_col.metric("ARR", "no actuals yet", border=True)
    if not company.empty:
        objectives_col.metric(
            "Company objectives",
            f"{company['progress'].mean():.0%}",
            delta=f"{gap_points(company['progress'].mean(), company['expected'].mean(), minus='-')} vs expected by now",
            border=True,
        )
    behind = overview.kr_status_counts["off track"] + overview.kr_status_counts["overdue"]
    risk_col.metric(
        "KRs off track or overdue",
        f"{behind} of {overview.kr_count}",
        delta=f"{overview.kr_status_counts['at risk']} more at risk",
        delta_color="off",
        border=True,
    )


def arr_charts(overview: CompanyOverview, as_of) -> None:
    """ARR against the target path, and the year-to-date bridge."""
    chart_left, chart_right = st.columns([3, 2])
    with chart_left:
        st.plotly_chart(arr_vs_target_figure(overview.arr_monthly, as_of.strftime("%Y-%m")), width="stretch")
    with chart_right:
        if overview.bridge:
            st.plotly_chart(
                arr_bridge_figure(overview.bridge, f"ARR bridge, {overview.year}-01 to {overview.arr_month}"),
                width="stretch",
            )


def company_objectives(company: pd.DataFrame) -> None:
    if not company.empty:
        st.plotly_chart(
            pace_progress_figure(company, "title", "Company objectives: progress vs expected by now"),
            width="stretch",
        )


GROUP_TABLE = {
    "group": "Group",
    "teams": st.column_config.NumberColumn("Teams"),
    "progress": st.column_config.ProgressColumn("Progress", format="percent", min_value=0, max_value=1),
    "expected": st.column_config.ProgressColumn("Expected by now", format="percent", min_value=0, max_value=1),
    "worst": "Worst status",
    "teams_at_worst": st.column_config.NumberColumn("Teams at worst"),
    "kr_count": st.column_config.NumberColumn("KRs"),
    "n_overdue": st.column_config.NumberColumn("Overdue"),
    "n_off_track": st.column_config.NumberColumn("Off track"),
    "n_at_risk": st.column_config.NumberColumn("At risk"),
}
TEAM_TABLE = {
    "group": "Group",
    "team": "Team",
    "progress": st.column_config.ProgressColumn("Progress", format="percent", min_value=0, max_value=1),
    "expected": st.column_config.ProgressColumn("Expected by now", format="percent", min_value=0, max_value=1),
    "worst": "Worst status",
    "kr_count": st.column_config.NumberColumn("KRs"),
    "n_off_track": st.column_config.NumberColumn("Off track"),
    "n_overdue": st.column_config.NumberColumn("Overdue"),
    "n_at_risk": st.column_config.NumberColumn("At risk"),
}


def group_summary(groups: pd.DataFrame, rows_in_view: int = SCROLL_ROWS) -> None:
    """Above MANY_TEAMS teams, a row per group before the teams (worst first); beyond `rows_in_view`
    rows the table scrolls."""
    st.dataframe(
        groups.assign(worst=groups["worst_status"].map(STATUS_BADGES)),
        hide_index=True,
        width="stretch",
        height=table_height(len(groups), rows_in_view),
        column_order=list(GROUP_TABLE),
        column_config=GROUP_TABLE,
    )
    st.caption("By group, worst first; the teams below, worst first. Choose a group in the sidebar for its teams.")


def teams_by_severity(review: ReviewSnapshot) -> None:
    """Every team with KRs in force, worst first (worst status, then the largest gap); above
    MANY_TEAMS teams the groups first and the teams in an expander, the worst with a toggle for all."""
    st.subheader("Teams", anchor=False)
    listed, idle = teams_worst_first(review.teams)
    st.caption(
        "Worst first: worst status, then the largest gap between expected and progress"
        + (
            f" · {idle:,} teams with nothing in force on {review.as_of:%d %B %Y} are counted here, not listed"
            if idle
            else ""
        )
    )
    if not many_teams(len(listed)):
        team_table(listed)
        return
    group_summary(groups_worst_first(listed), WORST_ROWS)  # the page stays within four screens
    with st.expander(f"The teams one by one, worst first ({len(listed):,})"):
        team_table(capped(listed, SHOW_ALL_TEAMS, "teams"))


def team_table(shown: pd.DataFrame) -> None:
    teams = shown.assign(worst=shown["worst_status"].map(STATUS_BADGES))
    st.dataframe(
        teams[list(TEAM_TABLE)],
        hide_index=True,
        width="stretch",
        height=table_height(len(teams), SCROLL_ROWS),
        column_config=TEAM_TABLE,
    )
