"""Company overview: what changed since the last review first, then ARR against plan, the ARR
bridge, company objectives and every team at a glance."""
import streamlit as st

from analytics.overview import company_overview
from charts.overview import arr_bridge_figure, arr_vs_target_figure, progress_vs_expected_figure
from charts.theme import STATUS_BADGES, money
from ui.context import tables
from ui.filters import current_filters, current_review
from ui.review_changes import changes_view, since_last_review
from ui.tables import table_height

as_of = current_filters().as_of
review = current_review()
overview = company_overview(tables(), review)

st.title("Company overview")
st.caption(f"As of {as_of:%d %B %Y} · objectives in force at that date · change the date in the sidebar")

if review.krs.empty:
    st.info(f"No objectives are in force on {as_of:%d %B %Y}. Pick another as-of date in the sidebar, "
            "or load a workbook with `python -m loaders ingest FILE`.")
else:
    since_last_review(changes_view())
    st.header("This month", anchor=False, divider="gray")

arr_col, plan_col, objectives_col, risk_col = st.columns(4)
if overview.arr_month:
    gap = overview.arr_actual - overview.arr_target if overview.arr_target is not None else None
    arr_col.metric(
        f"ARR, {overview.arr_month}", money(overview.arr_actual),
        delta=f"{money(gap)} vs plan" if gap is not None else None, border=True,
    )
    if overview.arr_year_target:
        plan_col.metric(
            f"{overview.year} ARR target", money(overview.arr_year_target),
            delta=f"{overview.arr_actual / overview.arr_year_target:.0%} reached", delta_color="off", border=True,
        )
else:
    arr_col.metric("ARR", "no actuals yet", border=True)
company = review.company
if not company.empty:
    objectives_col.metric(
        "Company objectives", f"{company['progress'].mean():.0%}",
        delta=f"{company['progress'].mean() - company['expected'].mean():+.0%} vs expected by now",
        border=True,
    )
behind = overview.kr_status_counts["off track"] + overview.kr_status_counts["overdue"]
risk_col.metric("KRs off track or overdue", f"{behind} of {overview.kr_count}",
                delta=f"{overview.kr_status_counts['at risk']} more at risk", delta_color="off", border=True)

chart_left, chart_right = st.columns([3, 2])
with chart_left:
    st.plotly_chart(arr_vs_target_figure(overview.arr_monthly, as_of.strftime("%Y-%m")), width="stretch")
with chart_right:
    if overview.bridge:
        st.plotly_chart(
            arr_bridge_figure(overview.bridge, f"ARR bridge, {overview.year}-01 to {overview.arr_month}"),
            width="stretch",
        )

if not company.empty:
    st.plotly_chart(
        progress_vs_expected_figure(company, "title", "Company objectives: progress vs expected by now"),
        width="stretch",
    )

st.subheader("Teams")
teams = review.teams.assign(worst=review.teams["worst_status"].map(STATUS_BADGES))
st.dataframe(
    teams[["group", "team", "progress", "expected", "worst", "kr_count", "n_off_track", "n_overdue", "n_at_risk"]],
    hide_index=True, width="stretch", height=table_height(len(teams)),
    column_config={
        "group": "Group",
        "team": "Team",
        "progress": st.column_config.ProgressColumn("Progress", format="percent", min_value=0, max_value=1),
        "expected": st.column_config.ProgressColumn("Expected by now", format="percent", min_value=0, max_value=1),
        "worst": "Worst status",
        "kr_count": st.column_config.NumberColumn("KRs"),
        "n_off_track": st.column_config.NumberColumn("Off track"),
        "n_overdue": st.column_config.NumberColumn("Overdue"),
        "n_at_risk": st.column_config.NumberColumn("At risk"),
    },
)
