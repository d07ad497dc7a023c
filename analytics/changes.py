"""What changed since the last review (DESIGN "Formulas": "Changes, forecasts, update health").

At as-of date d with previous review p (default: the month-end before d's month), every KR of the
review at d is measured at both dates with analytics.progress.kr_progress (each at its own date:
the target and due date in force then, the check-ins up to then). A KR whose objective's period
does not contain p was not in force at p and has no "before". `delta` = progress(d) − progress(p) in
points of clamped progress. Newly overdue / completed / off track: the status at d is that and the
status at p was not (a KR not in force at p counts as new). Recovered: off track, at risk or overdue
at p, on track or completed at d.

Objectives and teams are compared like for like: the roll-up at p is taken over the KRs of the
review at d that were in force at p, with the same roll-up functions as the snapshot; a team's move is
the mean over its objectives in force at both dates (before and now), so a quarter's new objectives
do not count as a move.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.periods import as_dates, period_bounds
from analytics.progress import kr_progress
from analytics.review import ReviewSnapshot, objectives_in_period, review_snapshot
from analytics.rollups import objective_rollup

CHANGE_COLUMNS = (
    "kr_id",
    "team",
    "objective_id",
    "title",
    "owner",
    "status_before",
    "status_now",
    "progress_before",
    "progress_now",
    "delta",
    "in_force_before",
    "newly_overdue",
    "newly_completed",
    "newly_off_track",
    "recovered",
)
BEHIND = ("off track", "at risk", "overdue")
FINE = ("on track", "completed")
MOVES_SHOWN = 5
NEWLY = {"newly_overdue": "overdue", "newly_completed": "completed", "newly_off_track": "off track"}
MOVE_COLUMNS = ("progress_before", "progress_now", "delta")


@dataclass(frozen=True)
class ReviewChanges:
    since: pd.Timestamp
    as_of: pd.Timestamp
    krs: pd.DataFrame  # CHANGE_COLUMNS, one row per KR of the review at as_of
    objectives: pd.DataFrame  # objective_id, team, title, progress_before, progress_now, delta
    teams: pd.DataFrame  # team, progress_before, progress_now, delta (over objectives in force at both dates)

    def count(self, flag: str) -> int:
        return int(self.krs[flag].sum())

    def ids(self, flag: str) -> list[str]:
        return self.krs.loc[self.krs[flag], "kr_id"].tolist()


def previous_review(as_of) -> pd.Timestamp:
    """The month-end before the month of `as_of` (2027-05-31 → 2027-04-30; 2027-05-15 → 2027-04-30)."""
    as_of = as_dates(as_of)
    return as_of.to_period("M").start_time - pd.Timedelta(days=1)


def _in_force(objective_ids: pd.Series, objectives: pd.DataFrame, day: pd.Timestamp) -> np.ndarray:
    """Whether the objective of each KR has a period containing `day`."""
    periods = objectives.set_index("objective_id")["period"]
    contains = {p: period_bounds(p)[0] <= day <= period_bounds(p)[1] for p in periods.dropna().unique()}
    return objective_ids.map(periods).map(contains).fillna(False).astype(bool).to_numpy()


def review_changes(
    tables: dict[str, pd.DataFrame], as_of, since=None, period: str | None = None, now: ReviewSnapshot | None = None
) -> ReviewChanges:
    """The changes between `since` (default previous_review(as_of)) and `as_of` of every KR of the
    review at `as_of` (objectives in force then, or of `period`). `now` may pass the snapshot at
    `as_of` when the caller already has it."""
    as_of = as_dates(as_of)
    since = previous_review(as_of) if since is None else as_dates(since)
    now = now if now is not None else review_snapshot(tables, as_of, period)
    objectives = objectives_in_period(tables["objectives"], as_of, period)
    key_results = tables["key_results"][tables["key_results"]["kr_id"].isin(now.krs["kr_id"])]
    before = kr_progress(key_results, tables["check_ins"], objectives, since, tables.get("decisions"))
    before = before.set_index("kr_id").reindex(now.krs["kr_id"]).set_axis(now.krs.index)
    in_force = _in_force(now.krs["objective_id"], objectives, since)

    status_before = before["status"].where(in_force)
    progress_before = before["progress"].where(in_force)
    status_now = now.krs["status"]
    krs = pd.DataFrame(
        {
            "kr_id": now.krs["kr_id"],
            "team": now.krs["team"],
            "objective_id": now.krs["objective_id"],
            "title": now.krs["title"],
            "owner": now.krs["owner"],
            "status_before": status_before,
            "status_now": status_now,
            "progress_before": progress_before,
            "progress_now": now.krs["progress"],
            "delta": now.krs["progress"] - progress_before,
            "in_force_before": in_force,
        }
    )
    for flag, status in NEWLY.items():
        krs[flag] = (status_now == status) & (status_before != status)
    krs["recovered"] = status_before.isin(BEHIND) & status_now.isin(FINE)

    # Like-for-like roll-ups at `since`: the same KRs, those not in force then left out.
    measured_before = before.reset_index().loc[in_force]
    objectives_before = objective_rollup(measured_before, objectives)
    objective_moves = now.objectives[["objective_id", "team", "title", "progress"]].rename(
        columns={"progress": "progress_now"}
    )
    objective_moves["progress_before"] = objective_moves["objective_id"].map(
        objectives_before.set_index("objective_id")["progress"]
    )
    objective_moves["delta"] = objective_moves["progress_now"] - objective_moves["progress_before"]
    # A team's move is measured over its objectives in force at both dates: an objective that
    # started since (a new quarter's) neither lifts nor sinks it.
    compared = objective_moves.dropna(subset=["progress_before"])
    team_moves = now.teams[["team"]].join(
        compared.groupby("team")[["progress_before", "progress_now"]].mean(), on="team"
    )
    team_moves["delta"] = team_moves["progress_now"] - team_moves["progress_before"]
    return ReviewChanges(
        since=since,
        as_of=as_of,
        krs=krs.reset_index(drop=True).loc[:, list(CHANGE_COLUMNS)],
        objectives=objective_moves.loc[:, ["objective_id", "team", "title", *MOVE_COLUMNS]],
        teams=team_moves.loc[:, ["team", *MOVE_COLUMNS]],
    )


def filter_changes(changes: ReviewChanges, teams=None, owner: str | None = None) -> ReviewChanges:
    """The changes of some teams and/or one owner's KRs (objective and team moves narrowed to the teams)."""
    krs, objectives, team_moves = changes.krs, changes.objectives, changes.teams
    if teams is not None:
        krs = krs[krs["team"].isin(teams)]
        objectives, team_moves = objectives[objectives["team"].isin(teams)], team_moves[team_moves["team"].isin(teams)]
    if owner:
        krs = krs[krs["owner"] == owner]
    return ReviewChanges(changes.since, changes.as_of, krs, objectives, team_moves)


def largest_moves(frame: pd.DataFrame, n: int = MOVES_SHOWN) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the n largest rises, the n largest falls) of `frame` by `delta`, largest first; no zero moves."""
    moved = frame[frame["delta"].notna()]
    ups = moved[moved["delta"] > 0].sort_values(["delta", moved.columns[0]], ascending=[False, True], kind="stable")
    downs = moved[moved["delta"] < 0].sort_values(["delta", moved.columns[0]], ascending=[True, True], kind="stable")
    return ups.head(n), downs.head(n)
