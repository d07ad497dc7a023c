"""Update health: who keeps their KRs updated (DESIGN "Formulas": "Changes, forecasts, update health").

Of a set of KRs in force at d (cancelled ones excluded): updated = those with a check-in dated in
(d − 30 days, d]; share = updated ÷ in force; oldest = the earliest latest-check-in date among them
(null if none has one). Reported per team and per owner; the KRs not updated make the "missing
updates" list the review meeting reads before its agenda.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.periods import as_dates

UPDATE_WINDOW_DAYS = 30
HEALTH_COLUMNS = ("in_force", "updated", "share", "oldest")
MISSING_COLUMNS = ("kr_id", "team", "owner", "title", "status", "last_date", "days_since")


@dataclass(frozen=True)
class UpdateHealth:
    as_of: pd.Timestamp
    teams: pd.DataFrame  # team + HEALTH_COLUMNS, lowest share first
    owners: pd.DataFrame  # owner + HEALTH_COLUMNS, lowest share first
    missing: pd.DataFrame  # MISSING_COLUMNS: KRs in force not updated in the window, longest silence first
    in_force: int
    updated: int


def _per(krs: pd.DataFrame, key: str) -> pd.DataFrame:
    grouped = krs.groupby(key, sort=False, dropna=False)
    frame = pd.DataFrame(
        {
            "in_force": grouped.size(),
            "updated": grouped["updated"].sum().astype(int),
            "oldest": grouped["last_date"].min(),
        }
    )
    frame["share"] = frame["updated"] / frame["in_force"]
    frame = frame.reset_index().rename(columns={"index": key})
    return frame.sort_values(["share", key], kind="stable").reset_index(drop=True).loc[:, [key, *HEALTH_COLUMNS]]


def update_health(krs: pd.DataFrame, as_of) -> UpdateHealth:
    """Update health of `krs` (rows of analytics.progress.kr_progress at `as_of`: kr_id, team, owner,
    title, status, cancelled, last_date — the latest check-in on or before `as_of`)."""
    as_of = as_dates(as_of)
    active = krs.loc[~krs["cancelled"].astype(bool), ["kr_id", "team", "owner", "title", "status", "last_date"]]
    last = as_dates(active["last_date"])
    active = active.assign(
        last_date=last,
        updated=(last > as_of - pd.Timedelta(days=UPDATE_WINDOW_DAYS)) & (last <= as_of),
        days_since=(as_of - last).dt.days,
    )
    missing = active[~active["updated"]].sort_values(["last_date", "team", "kr_id"], na_position="first", kind="stable")
    return UpdateHealth(
        as_of=as_of,
        teams=_per(active, "team"),
        owners=_per(active, "owner"),
        missing=missing.reset_index(drop=True).loc[:, list(MISSING_COLUMNS)],
        in_force=len(active),
        updated=int(active["updated"].sum()),
    )
