"""What one presenter-mode slide says about a team, and how the teams are split into screens that
fit the shared screen without scrolling."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.review import ReviewSnapshot

# The most KRs one screen shows: with the header and the team's figures they fit a 1366×768 window
# at the presenter's type size (ui/presenter.py); a team with more is split over several screens.
KRS_PER_SCREEN = 8


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


@dataclass(frozen=True)
class Screen:
    """One screen of presenter mode: a team, or part `part` of `parts` of a team with many KRs."""

    team: str
    part: int  # 1-based
    parts: int

    @property
    def title(self) -> str:
        """ "Sales", or "Engineering 1/2" for a team over two screens."""
        return self.team if self.parts == 1 else f"{self.team} {self.part}/{self.parts}"


def presenter_screens(review: ReviewSnapshot, per_screen: int = KRS_PER_SCREEN) -> list[Screen]:
    """The screens of presenter mode, team after team in presenter_order: a team with more than
    `per_screen` KRs not cancelled is split over as few screens as hold them."""
    krs = review.krs[~review.krs["cancelled"]]
    counts = krs.groupby("team").size()
    screens = []
    for team in presenter_order(review):
        parts = max(1, -(-int(counts.get(team, 0)) // per_screen))
        screens.extend(Screen(team, part, parts) for part in range(1, parts + 1))
    return screens


def screen_krs(krs: pd.DataFrame, screen: Screen) -> pd.DataFrame:
    """The KRs (a TeamSlide's, in its order) that `screen` shows: the team's KRs cut into
    `screen.parts` runs as even as can be (11 KRs: 6 then 5), so no screen is nearly empty."""
    runs = np.array_split(np.arange(len(krs)), screen.parts)
    return krs.iloc[runs[screen.part - 1]]
