"""What one presenter-mode slide says about a team."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.review import ReviewSnapshot


@dataclass(frozen=True)
class TeamSlide:
    team: str
    group: str | None
    lead: str | None
    progress: float
    expected: float
    worst_status: str | None
    kr_count: int  # KRs not cancelled
    behind: int  # off track or overdue
    at_risk: int
    fine: int  # on track or completed
    krs: pd.DataFrame  # the team's KRs not cancelled, objective by objective


def presenter_slide(review: ReviewSnapshot, team: str) -> TeamSlide:
    row = review.teams.set_index("team").loc[team]
    krs = review.krs[(review.krs["team"] == team) & ~review.krs["cancelled"]].sort_values(["objective_id", "kr_id"])
    statuses = krs["status"]
    return TeamSlide(
        team=team,
        group=None if pd.isna(row["group"]) else row["group"],
        lead=None if pd.isna(row["lead"]) else row["lead"],
        progress=float(row["progress"]) if pd.notna(row["progress"]) else 0.0,
        expected=float(row["expected"]) if pd.notna(row["expected"]) else 0.0,
        worst_status=row["worst_status"] if pd.notna(row["worst_status"]) else None,
        kr_count=len(krs),
        behind=int(statuses.isin(["off track", "overdue"]).sum()),
        at_risk=int((statuses == "at risk").sum()),
        fine=int(statuses.isin(["on track", "completed"]).sum()),
        krs=krs,
    )


def presenter_order(review: ReviewSnapshot) -> list[str]:
    """The teams with key results, group by group, as the review walks through them."""
    teams = review.teams[review.teams["kr_count"] > 0]
    return teams.sort_values(["group", "team"], na_position="last")["team"].tolist()
