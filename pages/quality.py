"""OKR quality check: every team's OKRs of the review period against the rules of the method, with
a fix hint per finding and a score per team."""

import pandas as pd
import streamlit as st

from analytics.lint import ERROR, ERROR_PENALTY, RULE_TITLES, SEVERITIES, WARNING, WARNING_PENALTY
from ui.context import quality
from ui.filters import current_filters, current_review
from ui.scale import SCROLL_ROWS, SHOW_ALL_SCORES, capped, many_teams, scores_by_group, teams_without_krs
from ui.tables import table_height

SEVERITY_BADGES = {ERROR: "🔴 error", WARNING: "🟠 warning"}
SCORE_COLUMNS_PER_ROW = 5


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def score_cards(scores: pd.DataFrame) -> None:
    """A card per team, SCORE_COLUMNS_PER_ROW to a row, lowest score first."""
    for start in range(0, len(scores), SCORE_COLUMNS_PER_ROW):
        row = scores.iloc[start : start + SCORE_COLUMNS_PER_ROW]
        for column, team in zip(st.columns(SCORE_COLUMNS_PER_ROW), row.to_dict("records")):
            column.metric(
                team["team"],
                f"{team['score']:.0f}",
                delta=f"{plural(team['errors'], 'error')} · {plural(team['warnings'], 'warning')}"
                if team["errors"] + team["warnings"]
                else "no findings",
                delta_color="off",
                delta_arrow="off",
                border=True,
            )


def scores_at_scale(scores: pd.DataFrame, teams: pd.DataFrame) -> None:
    """Above MANY_TEAMS: a row per group, then the teams with the lowest scores (all after the toggle)."""
    groups = scores_by_group(scores, teams)
    st.dataframe(
        groups,
        hide_index=True,
        width="stretch",
        height=table_height(len(groups), SCROLL_ROWS),
        column_config={
            "group": "Group",
            "teams": st.column_config.NumberColumn("Teams", width="small"),
            "lowest": st.column_config.ProgressColumn("Lowest score", format="%.0f", min_value=0, max_value=100),
            "mean": st.column_config.NumberColumn("Mean score", format="%.0f", width="small"),
            "errors": st.column_config.NumberColumn("Errors", width="small"),
            "warnings": st.column_config.NumberColumn("Warnings", width="small"),
            "lowest_team": "Team with the lowest score",
        },
    )
    st.caption(
        "By group, lowest score first; the teams below, lowest first. Choose a group in the sidebar for its teams."
    )
    shown = capped(scores, SHOW_ALL_SCORES, "teams")
    st.dataframe(
        shown.assign(group=shown["team"].map(teams.set_index("team")["group"])),
        hide_index=True,
        width="stretch",
        height=table_height(len(shown), SCROLL_ROWS),
        column_order=("team", "group", "score", "errors", "warnings", "objectives", "krs"),
        column_config={
            "team": "Team",
            "group": "Group",
            "score": st.column_config.ProgressColumn("Score", format="%.0f", min_value=0, max_value=100),
            "errors": st.column_config.NumberColumn("Errors", width="small"),
            "warnings": st.column_config.NumberColumn("Warnings", width="small"),
            "objectives": st.column_config.NumberColumn("Objectives", width="small"),
            "krs": st.column_config.NumberColumn("KRs", width="small"),
        },
    )


filters = current_filters()
review = current_review()
findings, scores = quality(review.objectives["objective_id"])
scope = (
    f"Period {filters.period}, as of {filters.as_of:%d %B %Y}"
    if filters.period
    else f"Objectives in force on {filters.as_of:%d %B %Y}"
)

st.title("OKR quality check")
st.caption(
    f"{scope} · team objectives and their KRs against the rules of the method · "
    "check a draft before uploading it with `python -m analytics lint FILE`"
)

if scores.empty:
    st.info("No team objectives in this period. Pick another period, as-of date or team in the sidebar.")
    st.stop()

errors, warnings = (int((findings["severity"] == s).sum()) for s in (ERROR, WARNING))
teams_col, errors_col, warnings_col, clean_col = st.columns(4)
teams_col.metric(
    "Teams checked",
    len(scores),
    delta=f"{scores['objectives'].sum()} objectives, {scores['krs'].sum()} KRs",
    delta_color="off",
    delta_arrow="off",
    border=True,
)
errors_col.metric("Errors", errors, help="Rules of the method broken: fix before the quarter starts", border=True)
warnings_col.metric("Warnings", warnings, help="Worth a second look", border=True)
clean_col.metric("Teams without findings", int((scores["errors"] + scores["warnings"] == 0).sum()), border=True)

st.subheader("Score per team")
st.caption(f"100 − ({ERROR_PENALTY} per error + {WARNING_PENALTY} per warning) ÷ the team's objectives · lowest first")
unscored = teams_without_krs(review.teams["team"], scores["team"])
if unscored:
    st.caption(
        f"{plural(unscored, 'team')} in the filters {'has' if unscored == 1 else 'have'} no team objective here: "
        "counted, not scored."
    )
if many_teams(len(scores)):
    scores_at_scale(scores, review.teams)
else:
    score_cards(scores)

st.subheader("Findings")
rule_col, severity_col = st.columns([3, 1])
rules = rule_col.multiselect("Rules", list(RULE_TITLES), format_func=RULE_TITLES.get, placeholder="All rules")
severities = severity_col.multiselect(
    "Severity", list(SEVERITIES), format_func=SEVERITY_BADGES.get, placeholder="Errors and warnings"
)
shown = findings
if rules:
    shown = shown[shown["rule"].isin(rules)]
if severities:
    shown = shown[shown["severity"].isin(severities)]
if shown.empty:
    st.success("No findings for this choice: these OKRs follow the rules checked.")
else:
    # Worst first: errors before warnings, then the teams with the lowest score.
    shown = shown.assign(
        severity_rank=shown["severity"].map({severity: i for i, severity in enumerate(SEVERITIES)}),
        team_rank=shown["team"].map({team: i for i, team in enumerate(scores["team"])}),
        severity=shown["severity"].map(SEVERITY_BADGES),
        rule=shown["rule"].map(RULE_TITLES),
        subject=shown["kr_id"].fillna(shown["objective_id"]).fillna(""),
    ).sort_values(["severity_rank", "team_rank", "subject"], kind="stable")
    st.caption(f"{len(shown):,} findings · errors first, then the teams with the lowest score")
    # The rule stays in the data (and the filter above) but not on screen: the finding says it, and
    # the fix hint must fit on a 1366-pixel screen without scrolling sideways.
    st.dataframe(
        shown[["team", "severity", "rule", "subject", "message", "hint"]],
        hide_index=True,
        width="stretch",
        height=table_height(len(shown), 21),
        column_order=("team", "severity", "subject", "message", "hint"),
        column_config={
            "team": "Team",
            "severity": st.column_config.TextColumn("Severity", width="small"),
            "subject": "Objective / KR",
            "message": st.column_config.TextColumn("Finding", width="large"),
            "hint": st.column_config.TextColumn("How to fix it", width="large"),
        },
    )
