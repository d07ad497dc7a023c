"""Team: the chosen team's objectives and key results against where they should be by now, with
each KR's last reading, comment, confidence and trend, the initiatives behind them and the
dependencies between this team and others."""

import pandas as pd
import streamlit as st

from analytics.meetings import change_texts, due_texts, kr_decisions, team_actions
from analytics.teams import (
    days_ago,
    kr_initiatives,
    kr_review_rows,
    team_cards,
    team_dependencies,
    team_objectives,
)
from charts.team import kr_progress_figure
from charts.theme import ACTION_BADGES, STATUS_BADGES, gap_points
from ui.context import snapshot, tables
from ui.filters import current_filters, current_review
from ui.review_changes import trends_to_due_date, with_forecast_columns
from ui.tables import with_missing_shown
from ui.team_tables import (
    ACTION_TABLE,
    DECISION_TABLE,
    INITIATIVE_TABLE,
    NEEDED_BY_TABLE,
    NEEDS_TABLE,
    kr_targets,
    show_kr_tables,
    show_table,
    team_choices,
)

CHOICES_PER_ROW = 4


def with_badges(krs: pd.DataFrame) -> pd.DataFrame:
    return krs.assign(status=krs["status"].map(STATUS_BADGES))


filters = current_filters()
review = current_review()
cards = team_cards(review)
team = filters.team

if not team:
    st.title("Team")
    st.info("Choose a team to review: pick one below or in the sidebar's **Team** filter.")
    names = team_choices(cards, review)
    for start in range(0, len(names), CHOICES_PER_ROW):
        for column, name in zip(st.columns(CHOICES_PER_ROW), names[start : start + CHOICES_PER_ROW]):
            with column:
                st.page_link("pages/team.py", label=name, icon=":material/group:", query_params={"team": name})
    st.stop()

st.title(team)
if team not in set(cards["team"]):
    st.info(f"{team} has no key results under the filters in the sidebar.")
    st.stop()
card = cards.set_index("team").loc[team]
lead = f"Lead {card['lead']} · " if isinstance(card["lead"], str) else ""
scope = f" · KRs owned by {filters.owner}" if filters.owner else ""
st.caption(f"{lead}{card['group']} · as of {filters.as_of:%d %B %Y}{scope}")

progress_col, worst_col, behind_col, check_in_col = st.columns(4)
if pd.notna(card["progress"]):
    progress_col.metric(
        "Progress",
        f"{card['progress']:.0%}",
        delta=f"{gap_points(card['progress'], card['expected'], minus='-')} vs {card['expected']:.0%} expected",
        border=True,
    )
    worst_col.metric("Worst status", STATUS_BADGES[card["worst_status"]], border=True)
behind_col.metric(
    "KRs off track or overdue",
    f"{card['n_off_track'] + card['n_overdue']} of {card['kr_count'] - card['n_cancelled']}",
    delta=f"{card['n_at_risk']} more at risk",
    delta_color="off",
    border=True,
)
check_in_col.metric("Last check-in", days_ago(card["check_in_age_days"]), border=True)

data = tables()
team_krs = with_forecast_columns(review.krs[review.krs["team"] == team], filters.as_of)
kr_rows = kr_review_rows(team_krs, data["check_ins"], filters.as_of)
kr_rows = with_badges(kr_rows).assign(
    confidence=[f"{c:.0f}/10" if pd.notna(c) else "—" for c in kr_rows["last_confidence"]],
    last_comment=kr_rows["last_comment"].fillna(""),
    updated=[
        f"{days_ago(age)} · ⚠ stale" if stale else f"{days_ago(age)} · ⚠ no check-in" if missing else days_ago(age)
        for age, stale, missing in zip(kr_rows["check_in_age_days"], kr_rows["stale"], kr_rows["no_check_in"])
    ],
    forecast=kr_rows["kr_id"].map(team_krs.set_index("kr_id")["forecast"]),
    target=kr_rows["kr_id"].map(kr_targets(team_krs)),
)

for objective in team_objectives(review, data["objectives"], team).itertuples(index=False):
    st.subheader(objective.title, divider="gray", anchor=False)
    if isinstance(objective.context, str):
        st.markdown(objective.context)
    krs = team_krs[team_krs["objective_id"] == objective.objective_id]
    if pd.notna(objective.progress):
        summary = (
            f"{objective.objective_id}: {objective.progress:.0%} done, {objective.expected:.0%} expected"
            f" by now · worst {objective.worst_status}"
        )
        st.plotly_chart(kr_progress_figure(krs, summary), width="stretch")
    show_kr_tables(kr_rows[kr_rows["kr_id"].isin(krs["kr_id"])])
    trends_to_due_date(krs, filters.as_of, objective.objective_id)

st.header("Initiatives", anchor=False)
show_table(
    kr_initiatives(data["initiatives"], team_krs["kr_id"]),
    INITIATIVE_TABLE,
    "No initiatives recorded for these key results.",
)

st.header("Review decisions and actions", anchor=False)
decided = kr_decisions(data["decisions"], data["key_results"], data["objectives"], team_krs["kr_id"])
show_table(
    decided.assign(change=change_texts(decided)),
    DECISION_TABLE,
    "No review has decided anything about these key results.",
)
actions = team_actions(data["actions"], team, team_krs["kr_id"], filters.as_of)
show_table(
    with_missing_shown(actions, ["kr_id"]).assign(status=actions["status"].map(ACTION_BADGES), due=due_texts(actions)),
    ACTION_TABLE,
    "No action from a review names this team or its key results.",
)

st.header("Dependencies", anchor=False)
# Other teams' KRs are outside the team filter, so they are looked up in the whole review.
dependencies = team_dependencies(data["key_results"], snapshot(filters.as_of, filters.period).krs, team)
st.subheader(f"{team} depends on", anchor=False)
show_table(
    with_badges(dependencies.needs[dependencies.needs["kr_id"].isin(team_krs["kr_id"])]),
    NEEDS_TABLE,
    "No key result of this team declares a dependency on another team.",
)
st.subheader(f"Other teams depend on {team}", anchor=False)
show_table(
    with_badges(dependencies.needed_by),
    NEEDED_BY_TABLE,
    "No other team's key result declares a dependency on this team.",
)
