"""Alignment map: company objectives → team objectives → KRs, with the gaps, orphans, overlaps and
cross-team dependency conflicts the leadership alignment session settles."""

import streamlit as st

from analytics.alignment import STRONG_OVERLAP, THEME_TEAMS, group_edges, strong_overlaps, tree_by_group
from charts.alignment import alignment_treemap_figure, dependency_network_figure
from ui.context import alignment_view, kept_per_version, snapshot, tables
from ui.filters import current_filters
from ui.scale import SCROLL_ROWS, SHOW_ALL_CONFLICTS, SHOW_ALL_OVERLAPS, capped, many_teams
from ui.tables import table_height

filters = current_filters()
data = tables()
whole = snapshot(filters.as_of, filters.period)
view = alignment_view(filters.as_of, filters.period, filters.teams)
scope = (
    f"Period {filters.period}, as of {filters.as_of:%d %B %Y}"
    if filters.period
    else f"Objectives in force on {filters.as_of:%d %B %Y}"
)

st.title("Alignment map")
st.caption(f"{scope} · gaps are company-wide; the team filter narrows the rest to what involves the chosen teams")

if whole.objectives.empty:
    st.info("No team objectives in this period. Pick another period or as-of date in the sidebar.")
    st.stop()

conflicts = view.dependencies[view.dependencies["conflict"]].sort_values("kr_count", ascending=False, kind="stable")
at_scale = many_teams(whole.krs["team"].nunique())
overlaps, themes, weaker = strong_overlaps(view.overlaps) if at_scale else (view.overlaps, view.overlaps.iloc[:0], 0)
gaps_col, orphans_col, overlaps_col, conflicts_col = st.columns(4)
gaps_col.metric("Gaps", len(view.gaps), help="Company objectives no team objective supports", border=True)
orphans_col.metric("Orphans", len(view.orphans), help="Team objectives linked to no company objective", border=True)
overlaps_col.metric(
    "Likely overlaps",
    len(overlaps),
    help="Objectives or KRs of different teams with similar wording"
    + (f" (at least {STRONG_OVERLAP:.0%} of their words shared, by at most {THEME_TEAMS} teams)" if at_scale else ""),
    border=True,
    delta=f"{len(themes):,} themes shared by more teams" if len(themes) else None,
    delta_color="off",
    delta_arrow="off",
)
conflicts_col.metric(
    "Dependency conflicts",
    f"{len(conflicts)} of {len(view.dependencies)}",
    help="Dependencies the other team has no KR for",
    border=True,
)

kr_tiles = not many_teams(view.tree.loc[view.tree["kind"] == "objective", "team"].nunique())
team_groups = data["teams"].set_index("team")["group"]
st.plotly_chart(
    kept_per_version(
        "alignment treemap",
        (filters.as_of, filters.period, filters.teams),
        lambda: alignment_treemap_figure(
            view.tree if kr_tiles else tree_by_group(view.tree, whole.objectives, team_groups),
            "Company objectives → team objectives → KRs"
            if kr_tiles
            else "Company objectives → groups → team objectives",
            kr_tiles=kr_tiles,
        ),
    ),
    width="stretch",
)
st.caption(
    "Tile size: number of KRs. KRs are coloured by status, objectives by pace (progress against expected by "
    "now), as the legend says. Click a tile to zoom in, the bar above to zoom out."
    + ("" if kr_tiles else " So many teams are drawn by group: choose a group in the sidebar for its objectives' KRs.")
)

gaps_area, orphans_area = st.columns(2)
with gaps_area:
    st.subheader("Gaps")
    if view.gaps.empty:
        st.success("Every company objective has at least one team objective behind it.")
    else:
        st.dataframe(
            view.gaps,
            hide_index=True,
            width="stretch",
            column_config={"objective_id": "Company objective", "title": "Title"},
        )
with orphans_area:
    st.subheader("Orphans")
    if view.orphans.empty:
        st.success("Every team objective is linked to a company objective of the period.")
    else:
        st.dataframe(
            view.orphans[["team", "objective_id", "title", "reason"]],
            hide_index=True,
            width="stretch",
            column_config={"team": "Team", "objective_id": "Objective", "title": "Title", "reason": "Why"},
        )

st.subheader("Likely overlaps between teams")


def overlap_notes() -> None:
    """In a large organisation: the themes many teams share, and the weaker pairs counted."""
    if not themes.empty:
        st.markdown(
            f"**Themes**: wording shared by more than {THEME_TEAMS} teams, a company-wide theme rather "
            "than two teams doing the same work; choose a group or team in the sidebar for its pairs."
        )
        st.dataframe(
            themes,
            hide_index=True,
            width="stretch",
            height=table_height(len(themes), SCROLL_ROWS),
            column_config={
                "shared": "Shared words",
                "teams": st.column_config.NumberColumn("Teams"),
                "pairs": st.column_config.NumberColumn("Pairs"),
            },
        )
    if weaker:
        st.caption(f"{weaker:,} more pairs share fewer than {STRONG_OVERLAP:.0%} of their words: counted, not listed.")


if at_scale:
    overlap_notes()
if overlaps.empty:
    st.success("No objectives or KRs of different teams read alike" + (" beyond those themes." if len(themes) else "."))
else:
    listed = capped(overlaps, SHOW_ALL_OVERLAPS, "likely overlaps")
    st.dataframe(
        listed[["kind", "team_a", "id_a", "title_a", "team_b", "id_b", "title_b", "shared"]],
        hide_index=True,
        width="stretch",
        height=table_height(len(listed), SCROLL_ROWS),
        column_config={
            "kind": "Kind",
            "team_a": "Team",
            "id_a": "Id",
            "title_a": "Title",
            "team_b": "Other team",
            "id_b": "Other id",
            "title_b": "Other title",
            "shared": "Shared words",
        },
    )

st.subheader("Cross-team dependencies")
teams = data["teams"].sort_values(["group", "team"])["team"].tolist()
edges = view.dependencies
if filters.teams is not None:
    involved = set(filters.teams) | set(view.dependencies["from_team"]) | set(view.dependencies["to_team"])
    teams = [team for team in teams if team in involved]
if filters.teams is not None and many_teams(len(teams)):
    # A group chosen: its teams and the teams they are linked with, the unlinked ones left out.
    linked = set(view.dependencies["from_team"]) | set(view.dependencies["to_team"])
    teams = [team for team in teams if team in linked]
elif many_teams(len(teams)):
    # A ring of 200 labels reads as nothing: the groups, each arrow summing its teams' links.
    edges = group_edges(view.dependencies, team_groups)
    teams = sorted(set(data["teams"]["group"].dropna()) | set(edges["from_team"]) | set(edges["to_team"]))
    st.caption(
        f"Between groups ({len(view.dependencies):,} links of teams, those within a group left out); choose "
        "a group in the sidebar for its teams' links."
    )
every_link = st.toggle(
    "Show every dependency",
    help="Off: only the conflicts to settle. On: the links both teams already back with KRs as well.",
)
shown_edges, network_title = (
    (edges, "Who depends on whom (arrow: depends on)")
    if every_link
    else (
        edges[edges["conflict"]],
        f"Dependency conflicts: {edges['conflict'].sum()} of {len(edges)} links (arrow: depends on)",
    )
)
network = kept_per_version(
    "dependency network",
    (filters.as_of, filters.period, filters.teams, every_link),
    lambda: dependency_network_figure(shown_edges, teams, network_title),
)
st.plotly_chart(network, width="stretch")
if not conflicts.empty:
    st.markdown(
        "**Conflicts to settle in the alignment session**: the team depended on has no KR naming the "
        "team that depends on it."
    )
    shown = capped(conflicts, SHOW_ALL_CONFLICTS, "dependency conflicts") if at_scale else conflicts
    st.dataframe(
        shown[["from_team", "to_team", "kr_ids", "kr_count"]],
        hide_index=True,
        width="stretch",
        height=table_height(len(shown), SCROLL_ROWS) if at_scale else "auto",
        column_config={
            "from_team": "Team",
            "to_team": "Depends on",
            "kr_ids": "Its KRs",
            "kr_count": st.column_config.NumberColumn("KRs"),
        },
    )
