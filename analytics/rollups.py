"""Roll-ups of KR progress to objectives, teams and company objectives (DESIGN "Formulas").

Objective = weighted mean of its KRs (cancelled KRs left out); team = mean of its objectives;
company objective = mean of the team objectives linked to it. Each level also reports its worst
status and how many KRs sit in each status.
"""

from __future__ import annotations

import pandas as pd

from analytics.progress import CANCELLED, STATUS_ORDER, worst_status_by


def status_count_column(status: str) -> str:
    """Name of the column counting KRs in `status`: "at risk" → "n_at_risk"."""
    return "n_" + status.replace(" ", "_")


STATUS_COUNT_COLUMNS = tuple(status_count_column(s) for s in (*STATUS_ORDER, CANCELLED))

OBJECTIVE_ROLLUP_COLUMNS = (
    "objective_id",
    "team",
    "title",
    "period",
    "parent_objective_id",
    "owner",
    "progress",
    "expected",
    "worst_status",
    "kr_count",
    *STATUS_COUNT_COLUMNS,
)
TEAM_ROLLUP_COLUMNS = (
    "team",
    "group",
    "lead",
    "progress",
    "expected",
    "worst_status",
    "objective_count",
    "kr_count",
    *STATUS_COUNT_COLUMNS,
)
COMPANY_ROLLUP_COLUMNS = (
    "objective_id",
    "title",
    "period",
    "progress",
    "expected",
    "worst_status",
    "team_objective_count",
    "teams",
)


def objective_rollup(kr_frame: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """One row per team objective (OBJECTIVE_ROLLUP_COLUMNS), from the rows of `kr_progress`.

    progress and expected are means weighted by KR weight over the KRs not cancelled (NaN when an
    objective has none); kr_count counts every KR, cancelled ones included, so that it equals the
    sum of the status counts.
    """
    # Only the columns the roll-up reads: filtering a KR frame's many text columns costs more than the sums.
    active = kr_frame.loc[~kr_frame["cancelled"], ["objective_id", "weight", "progress", "expected", "status"]]
    weight = active["weight"].fillna(1.0)
    per_objective = pd.DataFrame(
        {
            "progress": _weighted_mean(active["progress"], weight, active["objective_id"]),
            "expected": _weighted_mean(active["expected"], weight, active["objective_id"]),
            "worst_status": worst_status_by(active["status"], active["objective_id"]),
        }
    )
    counts = _status_counts(kr_frame["status"], kr_frame["objective_id"])

    rollup = _at_level(objectives, "team").set_index("objective_id").join(per_objective).join(counts)
    rollup[list(STATUS_COUNT_COLUMNS)] = rollup[list(STATUS_COUNT_COLUMNS)].fillna(0).astype(int)
    rollup["kr_count"] = rollup[list(STATUS_COUNT_COLUMNS)].sum(axis=1)
    return rollup.reset_index().loc[:, list(OBJECTIVE_ROLLUP_COLUMNS)]


def team_rollup(objective_frame: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    """One row per team (TEAM_ROLLUP_COLUMNS), from the rows of `objective_rollup`.

    Every team of `teams` appears, in its order, then any team that has objectives but is missing
    from `teams`. progress and expected are plain means over the objectives that have a value.
    """
    by_team = objective_frame.groupby("team", sort=False)
    per_team = by_team[["progress", "expected"]].mean()
    per_team["worst_status"] = worst_status_by(objective_frame["worst_status"], objective_frame["team"])
    per_team["objective_count"] = by_team.size()
    per_team = per_team.join(by_team[["kr_count", *STATUS_COUNT_COLUMNS]].sum())

    listed = teams.loc[:, ["team", "group", "lead"]]
    unlisted = per_team.index.difference(listed["team"], sort=False)
    all_teams = pd.concat([listed, pd.DataFrame({"team": unlisted})], ignore_index=True)
    rollup = all_teams.join(per_team, on="team")
    count_columns = ["objective_count", "kr_count", *STATUS_COUNT_COLUMNS]
    rollup[count_columns] = rollup[count_columns].fillna(0).astype(int)
    return rollup.loc[:, list(TEAM_ROLLUP_COLUMNS)]


def company_rollup(objective_frame: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """One row per company objective (COMPANY_ROLLUP_COLUMNS), from the rows of `objective_rollup`.

    progress and expected are plain means over the linked team objectives that have a value; teams
    lists the linked teams, sorted and joined with "; ".
    """
    parent = objective_frame["parent_objective_id"]
    by_parent = objective_frame.groupby("parent_objective_id", sort=False)
    per_company_objective = by_parent[["progress", "expected"]].mean()
    per_company_objective["worst_status"] = worst_status_by(objective_frame["worst_status"], parent)
    per_company_objective["team_objective_count"] = by_parent.size()
    per_company_objective["teams"] = (
        objective_frame[["parent_objective_id", "team"]]
        .dropna()
        .drop_duplicates()
        .sort_values("team")
        .groupby("parent_objective_id")["team"]
        .agg("; ".join)
    )

    rollup = _at_level(objectives, "company").join(per_company_objective, on="objective_id")
    rollup["team_objective_count"] = rollup["team_objective_count"].fillna(0).astype(int)
    rollup["teams"] = rollup["teams"].fillna("")
    return rollup.reset_index(drop=True).loc[:, list(COMPANY_ROLLUP_COLUMNS)]


def _at_level(objectives: pd.DataFrame, level: str) -> pd.DataFrame:
    return objectives[objectives["level"].str.strip().str.lower() == level]


def _weighted_mean(values: pd.Series, weights: pd.Series, keys: pd.Series) -> pd.Series:
    """Per key, sum(weight × value) / sum(weight) over the rows whose value is known."""
    known_weights = weights.where(values.notna())
    numerator = (values * known_weights).groupby(keys, sort=False).sum(min_count=1)
    denominator = known_weights.groupby(keys, sort=False).sum(min_count=1)
    return numerator / denominator.where(denominator != 0)


def _status_counts(statuses: pd.Series, keys: pd.Series) -> pd.DataFrame:
    """Per key, one column per status in STATUS_COUNT_COLUMNS holding how many rows have it."""
    counts = statuses.groupby([keys, statuses], sort=False).size().unstack(fill_value=0)
    counts = counts.rename(columns=status_count_column)
    return counts.reindex(columns=list(STATUS_COUNT_COLUMNS), fill_value=0)
