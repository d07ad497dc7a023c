"""The state of every OKR at one as-of date, as the monthly review and the status CLI see it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.periods import as_dates, last_month_end, month_end, period_bounds
from analytics.progress import kr_progress
from analytics.rollups import company_rollup, objective_rollup, team_rollup

# The columns of an objective roll-up that describe the objective rather than measure it.
_OBJECTIVE_DESCRIPTION = ("objective_id", "team", "title", "period", "parent_objective_id", "owner")


@dataclass(frozen=True)
class ReviewSnapshot:
    as_of: pd.Timestamp
    krs: pd.DataFrame
    objectives: pd.DataFrame
    teams: pd.DataFrame
    company: pd.DataFrame


def default_as_of(today, latest_check_in) -> pd.Timestamp:
    """The last month-end on or before today; for data dated after today (a plan being rehearsed,
    the demo) the month-end of the latest check-in, so the review opens on something."""
    as_of = last_month_end(today)
    latest = as_dates(latest_check_in)
    if pd.notna(latest) and latest > as_of:
        return month_end(latest)
    return as_of


def _overlaps(period: str, first: pd.Timestamp, last: pd.Timestamp) -> bool:
    start, end = period_bounds(period)
    return start <= last and first <= end


def objectives_in_period(objectives: pd.DataFrame, as_of, period: str | None = None) -> pd.DataFrame:
    """Objectives of the review: those whose period contains the as-of date or, when a period is
    chosen (a closed quarter looked back on), those whose period overlaps it — a year's objectives
    take part in each of its quarters."""
    first, last = period_bounds(period) if period else (as_dates(as_of), as_dates(as_of))
    chosen = {p for p in objectives["period"].dropna().unique() if _overlaps(p, first, last)}
    return objectives[objectives["period"].isin(chosen)]


def review_periods(objectives: pd.DataFrame) -> list[str]:
    """The periods a review can look at, latest first."""
    return sorted(objectives["period"].dropna().unique(), key=lambda p: (period_bounds(p)[1], p), reverse=True)


def filter_snapshot(
    snapshot: ReviewSnapshot, teams: list[str] | None = None, owner: str | None = None
) -> ReviewSnapshot:
    """The part of a snapshot about some teams and/or one owner; the company roll-up stays whole.

    Under an owner, objective and team roll-ups are recomputed over that owner's KRs, so that
    "Sales 40 %" is the progress of the owner's Sales KRs on every page; objectives and teams where
    the owner has no KR are left out."""
    krs, objectives, team_frame = snapshot.krs, snapshot.objectives, snapshot.teams
    if teams is not None:
        krs, objectives = krs[krs["team"].isin(teams)], objectives[objectives["team"].isin(teams)]
        team_frame = team_frame[team_frame["team"].isin(teams)]
    if owner:
        krs = krs[krs["owner"] == owner]
        # Every objective of a snapshot is a team objective: the level column that objective_rollup
        # selects on is not kept in the roll-up frame, so it is put back.
        described = objectives.loc[:, list(_OBJECTIVE_DESCRIPTION)].assign(level="team")
        objectives = objective_rollup(krs, described)
        objectives = objectives[objectives["kr_count"] > 0].reset_index(drop=True)
        team_frame = team_rollup(objectives, team_frame)
        team_frame = team_frame[team_frame["kr_count"] > 0].reset_index(drop=True)
    return ReviewSnapshot(snapshot.as_of, krs, objectives, team_frame, snapshot.company)


def review_snapshot(tables: dict[str, pd.DataFrame], as_of, period: str | None = None) -> ReviewSnapshot:
    as_of = as_dates(as_of)
    objectives = objectives_in_period(tables["objectives"], as_of, period)
    key_results = tables["key_results"][tables["key_results"]["objective_id"].isin(objectives["objective_id"])]
    krs = kr_progress(key_results, tables["check_ins"], objectives, as_of, tables.get("decisions"))
    objective_frame = objective_rollup(krs, objectives)
    return ReviewSnapshot(
        as_of=as_of,
        krs=krs,
        objectives=objective_frame,
        teams=team_rollup(objective_frame, tables["teams"]),
        company=company_rollup(objective_frame, objectives),
    )
