"""Pages that read at 200 teams: above MANY_TEAMS a page shows a summary (by group, or the worst
teams) first and puts the full list one click away, behind a "show all" toggle. Lists are worst
first, so that the capped list is the part a review reads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

# Above this many teams a page summarises by group or shows the worst teams; the Group and Team
# filters in the sidebar give the team-level detail.
MANY_TEAMS = 24
# Rows of a list shown before its "show all" toggle, and the rows a long table shows before it scrolls.
WORST_ROWS = 15
SCROLL_ROWS = 20
# Widget keys of the toggles (one per page list).
SHOW_ALL_OVERDUE = "show_all_overdue"
SHOW_ALL_TEAMS = "show_all_overview_teams"
SHOW_ALL_CANDIDATES = "show_all_change_or_cancel"
SHOW_ALL_OBJECTIVES = "show_all_kr_type_objectives"
SHOW_ALL_NO_OUTCOME = "show_all_no_outcome"
SHOW_ALL_INPUT_ONLY = "show_all_input_only"
SHOW_ALL_OVERLAPS = "show_all_overlaps"
SHOW_ALL_CONFLICTS = "show_all_dependency_conflicts"
SHOW_ALL_SCORES = "show_all_quality_scores"
SHOW_ALL_RETRO_TEAMS = "show_all_retrospective_teams"
SHOW_ALL_PACK_KRS = "show_all_review_pack_krs"
SHOW_ALL_TURN_TEAMS = "show_all_review_meeting_teams"
SHOW_ALL_ATTENTION = "show_all_needs_attention"
SHOW_ALL_MEETING_CANDIDATES = "show_all_review_meeting_candidates"


def many_teams(count: int) -> bool:
    """Whether `count` teams are too many to list team by team by default."""
    return count > MANY_TEAMS


def capped(frame: pd.DataFrame, key: str, noun: str, rows: int = WORST_ROWS) -> pd.DataFrame:
    """`frame` (sorted worst first) cut to its first `rows` rows unless the user turns on the
    "show all" toggle under `key`; a list short enough is returned whole, with no toggle."""
    if len(frame) <= rows:
        return frame
    show_all = st.toggle(
        f"Show all {len(frame):,} {noun}",
        key=key,
        help=f"Off: the {rows} worst only. The Group and Team filters in the sidebar narrow the list.",
    )
    if show_all:
        return frame
    st.caption(f"The {rows} worst of {len(frame):,} {noun}; turn on the toggle above for every one.")
    return frame.head(rows)


def teams_without_krs(all_teams: pd.Series, listed: pd.Series) -> int:
    """How many of `all_teams` (the teams in the filters' scope) do not appear in `listed`."""
    return int((~pd.Series(all_teams).isin(set(pd.Series(listed).dropna()))).sum())


def scores_by_group(scores: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    """One row per group of the scored teams (`scores`: team, score, errors, warnings, lowest score
    first; `teams`: team and group): the teams scored, the lowest and the mean score, the errors and
    warnings, and the team with the lowest score; the group with the lowest score first."""
    frame = scores.assign(group=scores["team"].map(teams.set_index("team")["group"]).fillna("No group"))
    lowest = frame.sort_values(["score", "team"], kind="stable").drop_duplicates("group").set_index("group")["team"]
    groups = frame.groupby("group").agg(
        teams=("team", "size"),
        lowest=("score", "min"),
        mean=("score", "mean"),
        errors=("errors", "sum"),
        warnings=("warnings", "sum"),
    )
    groups["lowest_team"] = lowest
    return groups.reset_index().sort_values(["lowest", "mean", "group"], kind="stable").reset_index(drop=True)
