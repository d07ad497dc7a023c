"""Alignment map: company objectives → team objectives → KRs, with the gaps, orphans, overlaps and
cross-team dependency conflicts the leadership alignment session settles."""
import streamlit as st

from charts.alignment import alignment_treemap_figure, dependency_network_figure
from charts.theme import STATUS_BADGES
from ui.context import alignment_view, snapshot, tables
from ui.filters import current_filters

filters = current_filters()
data = tables()
whole = snapshot(filters.as_of, filters.period)
view = alignment_view(filters.as_of, filters.period, filters.teams)
scope = (f"Period {filters.period}, as of {filters.as_of:%d %B %Y}" if filters.period
         else f"Objectives in force on {filters.as_of:%d %B %Y}")

st.title("Alignment map")
st.caption(f"{scope} · gaps are company-wide; the team filter narrows the rest to what involves the chosen teams")

if whole.objectives.empty:
    st.info("No team objectives in this period. Pick another period or as-of date in the sidebar.")
    st.stop()

conflicts = view.dependencies[view.dependencies["conflict"]]
gaps_col, orphans_col, overlaps_col, conflicts_col = st.columns(4)
gaps_col.metric("Gaps", len(view.gaps), help="Company objectives no team objective supports", border=True)
orphans_col.metric("Orphans", len(view.orphans), help="Team objectives linked to no company objective", border=True)
overlaps_col.metric("Likely overlaps", len(view.overlaps),
                    help="Objectives or KRs of different teams with similar wording", border=True)
conflicts_col.metric("Dependency conflicts", f"{len(conflicts)} of {len(view.dependencies)}",
                     help="Dependencies the other team has no KR for", border=True)

st.plotly_chart(alignment_treemap_figure(view.tree, "Company objectives → team objectives → KRs"), width="stretch")
st.caption("Tile size: number of KRs. KRs are coloured by status, objectives by pace (progress against expected by "
           "now): " + " · ".join(STATUS_BADGES[s] for s in ("on track", "at risk", "off track", "overdue",
                                                             "not started", "completed"))
           + ". Click a tile to zoom in, the bar above to zoom out.")

gaps_area, orphans_area = st.columns(2)
with gaps_area:
    st.subheader("Gaps")
    if view.gaps.empty:
        st.success("Every company objective has at least one team objective behind it.")
    else:
        st.dataframe(view.gaps, hide_index=True, width="stretch",
                     column_config={"objective_id": "Company objective", "title": "Title"})
with orphans_area:
    st.subheader("Orphans")
    if view.orphans.empty:
        st.success("Every team objective is linked to a company objective of the period.")
    else:
        st.dataframe(view.orphans[["team", "objective_id", "title", "reason"]], hide_index=True, width="stretch",
                     column_config={"team": "Team", "objective_id": "Objective", "title": "Title", "reason": "Why"})

st.subheader("Likely overlaps between teams")
if view.overlaps.empty:
    st.success("No objectives or KRs of different teams read alike.")
else:
    st.dataframe(
        view.overlaps[["kind", "team_a", "id_a", "title_a", "team_b", "id_b", "title_b", "shared"]],
        hide_index=True, width="stretch",
        column_config={
            "kind": "Kind", "team_a": "Team", "id_a": "Id", "title_a": "Title", "team_b": "Other team",
            "id_b": "Other id", "title_b": "Other title", "shared": "Shared words",
        },
    )

st.subheader("Cross-team dependencies")
teams = data["teams"].sort_values(["group", "team"])["team"].tolist()
if filters.teams is not None:
    involved = set(filters.teams) | set(view.dependencies["from_team"]) | set(view.dependencies["to_team"])
    teams = [team for team in teams if team in involved]
st.plotly_chart(
    dependency_network_figure(view.dependencies, teams, "Who depends on whom (arrow: depends on)"), width="stretch",
)
if not conflicts.empty:
    st.markdown("**Conflicts to settle in the alignment session**: the team depended on has no KR naming the "
                "team that depends on it.")
    st.dataframe(
        conflicts[["from_team", "to_team", "kr_ids", "kr_count"]], hide_index=True, width="stretch",
        column_config={
            "from_team": "Team", "to_team": "Depends on", "kr_ids": "Its KRs",
            "kr_count": st.column_config.NumberColumn("KRs"),
        },
    )
