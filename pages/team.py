"""Team: the chosen team's objectives and key results against where they should be by now, with
each KR's last reading, comment, confidence and trend, the initiatives behind them and the
dependencies between this team and others."""
import pandas as pd
import streamlit as st

from analytics.teams import (
    days_ago, kr_initiatives, kr_review_rows, narrowed_to_owner, team_cards, team_dependencies, team_objectives,
)
from charts.team import kr_progress_figure
from charts.theme import STATUS_BADGES
from ui.context import snapshot, tables
from ui.filters import current_filters, current_review

CHOICES_PER_ROW = 4
DATE_FORMAT = "D MMM YYYY"

filters = current_filters()
review = narrowed_to_owner(current_review(), filters.owner)
team = filters.team
scope = f" · KRs owned by {filters.owner}" if filters.owner else ""

if not team:
    st.title("Team")
    st.info("Choose a team to review: pick one below or in the sidebar's **Team** filter.")
    names = list(team_cards(review)["team"])
    for start in range(0, len(names), CHOICES_PER_ROW):
        for column, name in zip(st.columns(CHOICES_PER_ROW), names[start:start + CHOICES_PER_ROW]):
            with column:
                st.page_link("pages/team.py", label=name, icon=":material/group:", query_params={"team": name})
    st.stop()

st.title(team)
cards = team_cards(review)
if team not in set(cards["team"]):
    st.info(f"{team} has no key results under the filters in the sidebar.")
    st.stop()
card = cards.set_index("team").loc[team]
lead = f"Lead {card['lead']} · " if isinstance(card["lead"], str) else ""
st.caption(f"{lead}{card['group']} · as of {filters.as_of:%d %B %Y}{scope}")

progress_col, worst_col, behind_col, check_in_col = st.columns(4)
if pd.notna(card["progress"]):
    progress_col.metric(
        "Progress", f"{card['progress']:.0%}",
        delta=f"{card['progress'] - card['expected']:+.0%} vs {card['expected']:.0%} expected by now", border=True,
    )
    worst_col.metric("Worst status", STATUS_BADGES[card["worst_status"]], border=True)
active = card["kr_count"] - card["n_cancelled"]
behind_col.metric("KRs off track or overdue", f"{card['n_off_track'] + card['n_overdue']} of {active}",
                  delta=f"{card['n_at_risk']} more at risk", delta_color="off", border=True)
check_in_col.metric("Last check-in", days_ago(card["check_in_age_days"]), border=True)

data = tables()
team_krs = review.krs[review.krs["team"] == team]
kr_rows = kr_review_rows(team_krs, data["check_ins"], filters.as_of)
kr_rows = kr_rows.assign(
    status=kr_rows["status"].map(STATUS_BADGES),
    updated=[f"{days_ago(age)} · ⚠ stale" if stale else days_ago(age)
             for age, stale in zip(kr_rows["check_in_age_days"], kr_rows["stale"])],
)
KR_TABLE_COLUMNS = {
    "kr_id": st.column_config.TextColumn("KR"),
    "title": st.column_config.TextColumn("Key result", width="large"),
    "status": st.column_config.TextColumn("Status"),
    "owner": st.column_config.TextColumn("Owner"),
    "due_date": st.column_config.DateColumn("Due", format=DATE_FORMAT),
    "last_value": st.column_config.TextColumn("Last value"),
    "last_confidence": st.column_config.NumberColumn("Confidence", format="%d/10"),
    "updated": st.column_config.TextColumn("Updated"),
    "trend": st.column_config.LineChartColumn("Trend", help="Check-in readings up to the as-of date"),
    "last_comment": st.column_config.TextColumn("Last comment", width="large"),
}

for objective in team_objectives(review, data["objectives"], team).itertuples(index=False):
    st.subheader(objective.title, divider="gray", anchor=False)
    if isinstance(objective.context, str):
        st.markdown(objective.context)
    krs = team_krs[team_krs["objective_id"] == objective.objective_id]
    if pd.isna(objective.progress):
        st.markdown("No key results in progress.")
    else:
        st.markdown(f"**{objective.progress:.0%}** done · {objective.expected:.0%} expected by now · "
                    f"worst **{STATUS_BADGES[objective.worst_status]}**")
        st.plotly_chart(kr_progress_figure(krs, f"{objective.objective_id}: key results vs expected by now"),
                        width="stretch")
    st.dataframe(kr_rows[kr_rows["kr_id"].isin(krs["kr_id"])][list(KR_TABLE_COLUMNS)],
                 hide_index=True, width="stretch", column_config=KR_TABLE_COLUMNS)

st.header("Initiatives", anchor=False)
initiatives = kr_initiatives(data["initiatives"], team_krs["kr_id"])
if initiatives.empty:
    st.markdown("No initiatives recorded for these key results.")
else:
    st.dataframe(initiatives, hide_index=True, width="stretch", column_config={
        "kr_id": st.column_config.TextColumn("KR"),
        "title": st.column_config.TextColumn("Initiative", width="large"),
        "owner": st.column_config.TextColumn("Owner"),
        "status": st.column_config.TextColumn("Status"),
        "due_date": st.column_config.DateColumn("Due", format=DATE_FORMAT),
    })

st.header("Dependencies", anchor=False)
# Other teams' KRs are outside the team filter, so they are looked up in the whole review.
dependencies = team_dependencies(data["key_results"], snapshot(filters.as_of, filters.period).krs, team)
needs_col, needed_by_col = st.columns(2)
with needs_col:
    st.subheader(f"{team} depends on", anchor=False)
    needs = dependencies.needs[dependencies.needs["kr_id"].isin(team_krs["kr_id"])]
    if needs.empty:
        st.markdown("No key result of this team declares a dependency on another team.")
    else:
        st.dataframe(needs.assign(status=needs["status"].map(STATUS_BADGES)), hide_index=True, width="stretch",
                     column_config={
                         "kr_id": "KR", "title": st.column_config.TextColumn("Key result", width="large"),
                         "owner": "Owner", "status": "Status", "depends_on": "Depends on",
                     })
with needed_by_col:
    st.subheader(f"Other teams depend on {team}", anchor=False)
    needed_by = dependencies.needed_by
    if needed_by.empty:
        st.markdown("No other team's key result declares a dependency on this team.")
    else:
        st.dataframe(needed_by.assign(status=needed_by["status"].map(STATUS_BADGES)), hide_index=True,
                     width="stretch", column_config={
                         "team": "Team", "kr_id": "KR", "title": st.column_config.TextColumn("Key result", width="large"),
                         "owner": "Owner", "status": "Status",
                     })
