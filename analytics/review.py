"""The state of every OKR at one as-of date, as the monthly review and the status CLI see it."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.periods import as_dates, last_month_end, month_end, period_bounds
from analytics.progress import kr_progress
from analytics.rollups import company_rollup, objective_rollup, team_rollup


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


def objectives_in_force(objectives: pd.DataFrame, as_of) -> pd.DataFrame:
    """Objectives whose period contains the as-of date."""
    as_of = as_dates(as_of)
    periods_in_force = {
        period for period in objectives["period"].dropna().unique()
        if period_bounds(period)[0] <= as_of <= period_bounds(period)[1]
    }
    return objectives[objectives["period"].isin(periods_in_force)]


def review_snapshot(tables: dict[str, pd.DataFrame], as_of) -> ReviewSnapshot:
    as_of = as_dates(as_of)
    objectives = objectives_in_force(tables["objectives"], as_of)
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
