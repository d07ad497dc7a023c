"""The figures of the company overview page, computed once from the stored tables and a snapshot."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.arr import arr_bridge, arr_vs_target
from analytics.progress import STATUS_ORDER
from analytics.review import ReviewSnapshot


@dataclass(frozen=True)
class CompanyOverview:
    year: int
    arr_monthly: pd.DataFrame  # month, actual, target, gap for every month of the year
    arr_month: str | None  # the latest month with actuals on or before the as-of date
    arr_actual: float | None
    arr_target: float | None  # the target path at arr_month
    arr_year_target: float | None
    bridge: dict | None  # year-to-date ARR bridge up to arr_month
    kr_status_counts: dict[str, int]  # every status in STATUS_ORDER, cancelled left out
    kr_count: int


def company_overview(tables: dict[str, pd.DataFrame], snapshot: ReviewSnapshot) -> CompanyOverview:
    year = snapshot.as_of.year
    as_of_month = snapshot.as_of.strftime("%Y-%m")
    monthly = arr_vs_target(tables["arr_actuals"], tables["company_targets"], year)
    with_actuals = monthly[monthly["actual"].notna() & (monthly["month"] <= as_of_month)]
    arr_month = with_actuals["month"].iloc[-1] if not with_actuals.empty else None
    current = with_actuals.iloc[-1] if arr_month else None
    targets = tables["company_targets"]
    year_target = targets.loc[(targets["period"] == str(year)) & (targets["metric"] == "arr"), "target_value"]
    krs = snapshot.krs[~snapshot.krs["cancelled"]]
    counts = krs["status"].value_counts()
    return CompanyOverview(
        year=year,
        arr_monthly=monthly,
        arr_month=arr_month,
        arr_actual=float(current["actual"]) if arr_month else None,
        arr_target=float(current["target"]) if arr_month and pd.notna(current["target"]) else None,
        arr_year_target=float(year_target.iloc[0]) if not year_target.empty else None,
        bridge=arr_bridge(tables["arr_actuals"], f"{year}-01", arr_month) if arr_month else None,
        kr_status_counts={status: int(counts.get(status, 0)) for status in STATUS_ORDER},
        kr_count=len(krs),
    )


def teams_worst_first(teams: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The teams of a snapshot's roll-up that have KRs in force, worst first (their worst status in
    STATUS_ORDER, then the largest gap, expected − progress, then by name), with `gap`; and how
    many teams have none (counted, not listed)."""
    in_force = teams[teams["kr_count"] > 0]
    rank = {status: i for i, status in enumerate(STATUS_ORDER)}
    ordered = in_force.assign(
        gap=in_force["expected"] - in_force["progress"],
        status_rank=in_force["worst_status"].map(rank).fillna(len(rank)),
    ).sort_values(["status_rank", "gap", "team"], ascending=[True, False, True], kind="stable", na_position="last")
    return ordered.drop(columns="status_rank").reset_index(drop=True), len(teams) - len(in_force)


def groups_worst_first(teams: pd.DataFrame) -> pd.DataFrame:
    """One row per group of `teams` (teams_worst_first's rows): teams, KRs, the KRs overdue, off
    track and at risk, mean progress and expected, the worst status of its teams and the teams at
    that status; worst first like the teams."""
    rank = {status: i for i, status in enumerate(STATUS_ORDER)}
    frame = teams.assign(
        group=teams["group"].fillna("No group"), status_rank=teams["worst_status"].map(rank).fillna(len(rank))
    )
    by_group = frame.groupby("group")
    groups = by_group.agg(
        teams=("team", "size"),
        kr_count=("kr_count", "sum"),
        n_overdue=("n_overdue", "sum"),
        n_off_track=("n_off_track", "sum"),
        n_at_risk=("n_at_risk", "sum"),
        progress=("progress", "mean"),
        expected=("expected", "mean"),
        status_rank=("status_rank", "min"),
    )
    worst = frame[frame["status_rank"] == frame["group"].map(groups["status_rank"])]
    groups["teams_at_worst"] = worst.groupby("group").size()
    groups["worst_status"] = groups["status_rank"].map(dict(enumerate(STATUS_ORDER)))
    groups["gap"] = groups["expected"] - groups["progress"]
    groups = groups.reset_index().sort_values(
        ["status_rank", "n_overdue", "n_off_track", "gap", "group"],
        ascending=[True, False, False, False, True],
        kind="stable",
    )
    return groups.drop(columns="status_rank").reset_index(drop=True)
