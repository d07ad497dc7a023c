"""The quarterly retrospective: final scores of a quarter's OKRs at its last day, what was completed
and what was missed, the decisions taken during the quarter, the next quarter's OKRs beside it, and
the rows that carry a missed KR over into the next quarter."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.lint import MOVING_DIRECTIONS, NUMERIC_MEASURES
from analytics.meetings import kr_decisions
from analytics.periods import as_dates, period_bounds
from analytics.progress import CANCELLED
from analytics.review import review_snapshot
from analytics.rollups import objective_rollup, team_rollup
from store.schema import KEY_RESULTS, OBJECTIVES

COMPLETED, MISSED, STILL_OPEN = "completed", "missed", "still open"  # still open: the quarter runs on
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
RETRO_KR_COLUMNS = (
    "kr_id",
    "objective_id",
    "team",
    "title",
    "owner",
    "measure",
    "unit",
    "start_value",
    "target_value",
    "last_value",
    "last_status",
    "progress",
    "status",
    "outcome",
)
NEXT_OKR_COLUMNS = (
    "team",
    "objective_id",
    "objective",
    "kr_id",
    "title",
    "owner",
    "target_value",
    "measure",
    "unit",
    "due_date",
)


@dataclass(frozen=True)
class Retrospective:
    quarter: str
    closed: bool  # the quarter had ended at the as-of date; otherwise the scores are provisional
    scored_at: pd.Timestamp  # the quarter's last day, or the as-of date while it is still running
    krs: pd.DataFrame  # RETRO_KR_COLUMNS: outcome completed | missed (still open while running) | cancelled
    objectives: pd.DataFrame  # objective_rollup at scored_at
    teams: pd.DataFrame  # team_rollup at scored_at (n_completed counts completed KRs) and n_not_completed
    decisions: pd.DataFrame  # decisions dated in the quarter on its KRs (analytics.meetings columns)
    next_quarter: str
    next_okrs: pd.DataFrame  # NEXT_OKR_COLUMNS: the next quarter's team objectives and their KRs


def quarters(objectives: pd.DataFrame) -> list[str]:
    """The quarters that have objectives, latest first."""
    return sorted({p for p in objectives["period"].dropna().astype(str) if _QUARTER.match(p)}, reverse=True)


def next_quarter(quarter: str) -> str:
    year, number = map(int, _QUARTER.match(quarter).groups())
    return f"{year + 1}-Q1" if number == 4 else f"{year}-Q{number + 1}"


def default_quarter(choices: list[str], as_of) -> str | None:
    """The latest quarter that has ended by `as_of`; else the earliest one (the running quarter)."""
    as_of = as_dates(as_of)
    ended = [q for q in choices if period_bounds(q)[1] <= as_of]
    return ended[0] if ended else (choices[-1] if choices else None)


def retrospective(tables: dict[str, pd.DataFrame], quarter: str, as_of) -> Retrospective:
    """The retrospective of `quarter` as seen at `as_of`: scored at the quarter's last day once it has
    ended, at `as_of` before. Only the quarter's own objectives are scored (a year's objectives go on)."""
    start, end = period_bounds(quarter)
    as_of = as_dates(as_of)
    scored_at = min(end, as_of)
    objectives = tables["objectives"][tables["objectives"]["period"] == quarter]
    own = {**tables, "objectives": objectives}
    snapshot = review_snapshot(own, scored_at, quarter)
    krs = snapshot.krs.assign(
        outcome=np.where(
            snapshot.krs["cancelled"],
            CANCELLED,
            np.where(snapshot.krs["progress"] >= 1, COMPLETED, MISSED if end <= as_of else STILL_OPEN),
        )
    )
    objective_frame = objective_rollup(snapshot.krs, objectives)
    teams = team_rollup(objective_frame, tables["teams"])
    # A KR not cancelled is completed (its status at the end) or not (missed, or still open).
    teams = teams[teams["team"].isin(krs["team"])].assign(
        n_not_completed=lambda f: f["kr_count"] - f["n_completed"] - f["n_cancelled"]
    )
    decisions = kr_decisions(tables["decisions"], tables["key_results"], tables["objectives"], krs["kr_id"])
    decisions = decisions[(decisions["date"] >= start) & (decisions["date"] <= end)].reset_index(drop=True)
    following = next_quarter(quarter)
    return Retrospective(
        quarter=quarter,
        closed=end <= as_of,
        scored_at=scored_at,
        krs=krs.reset_index(drop=True).loc[:, list(RETRO_KR_COLUMNS)],
        objectives=objective_frame,
        teams=teams.reset_index(drop=True),
        decisions=decisions,
        next_quarter=following,
        next_okrs=quarter_okrs(tables, following),
    )


def quarter_okrs(tables: dict[str, pd.DataFrame], quarter: str) -> pd.DataFrame:
    """A quarter's team objectives with their KRs (NEXT_OKR_COLUMNS), by team then objective; an
    objective without KRs yet appears once with empty KR cells."""
    objectives = tables["objectives"]
    chosen = objectives[(objectives["period"] == quarter) & (objectives["level"] == "team")]
    rows = chosen.rename(columns={"title": "objective"})[["team", "objective_id", "objective"]].merge(
        tables["key_results"], on="objective_id", how="left"
    )
    rows = rows.assign(due_date=as_dates(rows["due_date"])).sort_values(
        ["team", "objective_id", "kr_id"], kind="stable"
    )
    return rows.reset_index(drop=True).loc[:, list(NEXT_OKR_COLUMNS)]


def carry_over_rows(
    tables: dict[str, pd.DataFrame], retro: Retrospective, kr_ids: list[str]
) -> dict[str, pd.DataFrame]:
    """The Objectives and KeyResults rows that carry `kr_ids` into the next quarter: each KR's
    objective again, once (same title, team, owner and company objective, id suffixed with the
    quarter), and each KR restarting from its last reading at the quarter's end towards the target
    in force, due at the end of the next quarter. Only missed KRs can be carried over."""
    following = retro.next_quarter
    first_day, last_day = period_bounds(following)
    scored = retro.krs.set_index("kr_id")
    stored_objectives = tables["objectives"].set_index("objective_id")
    stored_krs = tables["key_results"].set_index("kr_id")
    objective_rows, kr_rows = {}, []
    for kr_id in kr_ids:
        kr = scored.loc[kr_id]
        if kr["outcome"] != MISSED:
            raise ValueError(f"{kr_id} was {kr['outcome']}, not missed: there is nothing to carry over")
        objective = stored_objectives.loc[kr["objective_id"]]
        new_objective_id = f"{kr['objective_id']}-{following}"
        objective_rows[new_objective_id] = {
            "objective_id": new_objective_id,
            "period": following,
            "level": "team",
            "team": objective["team"],
            "title": objective["title"],
            "context": objective["context"],
            "owner": objective["owner"],
            "parent_objective_id": objective["parent_objective_id"],
        }
        suffix = kr_id.removeprefix(kr["objective_id"]) if kr_id.startswith(kr["objective_id"]) else f"-{kr_id}"
        original = stored_krs.loc[kr_id]
        moving = kr["measure"] in NUMERIC_MEASURES and original["direction"] in MOVING_DIRECTIONS
        kr_rows.append(
            original.to_dict()
            | {
                "kr_id": f"{new_objective_id}{suffix}",
                "objective_id": new_objective_id,
                "start_value": kr["last_value"] if moving and pd.notna(kr["last_value"]) else original["start_value"],
                "target_value": kr["target_value"],
                "start_date": first_day,
                "due_date": last_day,
            }
        )
    return {
        "objectives": pd.DataFrame(list(objective_rows.values()), columns=OBJECTIVES.column_names),
        "key_results": pd.DataFrame(kr_rows, columns=KEY_RESULTS.column_names),
    }
