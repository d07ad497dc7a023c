"""When key results fall due: the review's time window, the KRs overdue, due dates per team by week
(or month), and the teams that pile their KRs into the last week of their period.

DESIGN asks for KR due dates "not all on the last day of the quarter": a team whose KRs all end on
the last day learns nothing until it is too late to act. Cancelled KRs take no part here.
"""

from __future__ import annotations

import pandas as pd

from analytics.periods import as_dates, period_bounds
from analytics.progress import CANCELLED, STATUS_ORDER

# A team is flagged when strictly more than half of its KRs are due in the last week of the period
# of the KR's objective: results left to the end cannot be steered in the monthly reviews.
LAST_WEEK_SHARE_LIMIT = 0.5
LAST_WEEK_DAYS = 7
# Windows up to this long (a quarter is 90–92 days) are cut into weeks; longer ones into months.
WEEKLY_WINDOW_MAX_DAYS = 92

OVERDUE_COLUMNS = ("kr_id", "title", "team", "owner", "due_date", "days_overdue", "progress")
TIMELINE_COLUMNS = ("team", "kr_id", "title", "due_date", "status", "slot", "slots")
LAST_WEEK_COLUMNS = ("team", "kr_count", "last_week_count", "share", "periods", "flagged")


def review_window(as_of, period: str | None = None) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """First day, last day and name of the window the review looks at: the chosen period, else the
    quarter that holds the as-of date (the monthly review sits inside a quarter)."""
    if not period:
        as_of = as_dates(as_of)
        period = f"{as_of.year}-Q{as_of.quarter}"
    start, end = period_bounds(period)
    return start, end, period


def _active(krs: pd.DataFrame) -> pd.DataFrame:
    return krs[~krs["cancelled"].astype(bool)]


def overdue_krs(krs: pd.DataFrame) -> pd.DataFrame:
    """The overdue KRs (status "overdue": past due, not completed, not cancelled), OVERDUE_COLUMNS,
    most days overdue first, then by KR id."""
    overdue = krs[krs["status"] == "overdue"]
    overdue = overdue.sort_values(["days_overdue", "kr_id"], ascending=[False, True], kind="stable")
    return overdue.reset_index(drop=True).loc[:, list(OVERDUE_COLUMNS)]


def krs_due_between(krs: pd.DataFrame, start, end) -> pd.DataFrame:
    """The active KRs due from `start` to `end`, both included, in their order."""
    active = _active(krs)
    return active[active["due_date"].between(as_dates(start), as_dates(end))]


def timeline_points(krs: pd.DataFrame) -> pd.DataFrame:
    """One row per KR of `krs` (TIMELINE_COLUMNS), sorted by team, due date, STATUS_ORDER and KR id,
    with `slot`, its place among the KRs sharing its team and due date, and `slots`, how many share
    them, so that a chart can set those KRs side by side instead of on top of each other."""
    rank = {status: i for i, status in enumerate((*STATUS_ORDER, CANCELLED))}
    points = krs.assign(status_rank=krs["status"].map(rank)).sort_values(
        ["team", "due_date", "status_rank", "kr_id"], kind="stable"
    )
    same_day = points.groupby(["team", "due_date"], sort=False)
    points["slot"] = same_day.cumcount()
    points["slots"] = same_day["kr_id"].transform("size")
    return points.reset_index(drop=True).loc[:, list(TIMELINE_COLUMNS)]


def is_weekly(start, end) -> bool:
    """Whether `due_date_buckets` cuts this window into weeks (else into months)."""
    return (as_dates(end) - as_dates(start)).days + 1 <= WEEKLY_WINDOW_MAX_DAYS


def due_date_buckets(start, end) -> pd.DataFrame:
    """The bins of the due-date histogram over a window: `first`, `last` (days, both included) and
    `label` (the first day, "24 Jun", or the month, "Jun 2027"). A window of up to
    WEEKLY_WINDOW_MAX_DAYS is cut into weeks counted back from its end, so the last bin is exactly
    its last LAST_WEEK_DAYS days and the first takes the odd days; a longer one into calendar months."""
    start, end = as_dates(start), as_dates(end)
    if not is_weekly(start, end):
        firsts = pd.date_range(start, end, freq="MS").union([start])
        lasts = [min(first + pd.offsets.MonthEnd(0), end) for first in firsts]
        labels = [f"{first:%b %Y}" for first in firsts]
        return pd.DataFrame({"first": firsts, "last": lasts, "label": labels})
    weeks = max(1, round(((end - start).days + 1) / LAST_WEEK_DAYS))
    lasts = [end - pd.Timedelta(days=LAST_WEEK_DAYS * back) for back in range(weeks - 1, -1, -1)]
    firsts = [start, *(last + pd.Timedelta(days=1) for last in lasts[:-1])]
    labels = [f"{first.day} {first:%b}" for first in firsts]
    return pd.DataFrame({"first": firsts, "last": lasts, "label": labels})


def due_date_histogram(krs: pd.DataFrame, start, end) -> pd.DataFrame:
    """How many active KRs each team has due in each bin of `due_date_buckets(start, end)`: one row
    per team (sorted by name), one column per bin label in time order, preceded by a "before …"
    and followed by an "after …" column when some KRs fall outside the window, so that each row
    adds up to the team's KR count."""
    start, end = as_dates(start), as_dates(end)
    active = _active(krs)
    buckets = due_date_buckets(start, end)
    edges = [*buckets["first"], end + pd.Timedelta(days=1)]
    binned = pd.cut(active["due_date"], bins=pd.DatetimeIndex(edges), right=False, labels=list(buckets["label"]))
    before, after = f"before {start:%-d %b}", f"after {end:%-d %b}"
    bucket = binned.astype(object).mask(active["due_date"] < start, before).mask(active["due_date"] > end, after)
    columns = [
        *([before] if (bucket == before).any() else []),
        *buckets["label"],
        *([after] if (bucket == after).any() else []),
    ]
    counts = pd.crosstab(active["team"], bucket).reindex(
        index=sorted(active["team"].dropna().unique()), columns=columns, fill_value=0
    )
    counts.index.name, counts.columns.name = "team", None
    return counts.astype(int)


def last_week_clusters(krs: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """Per team with active KRs (LAST_WEEK_COLUMNS): how many KRs it has, how many are due in the
    last LAST_WEEK_DAYS days of their objective's period, that share, the periods those KRs belong
    to ("2027-Q2", or "2027, 2027-Q2") and whether the share passes LAST_WEEK_SHARE_LIMIT; the
    highest share first, then by team."""
    active = _active(krs)
    period = active["objective_id"].map(objectives.set_index("objective_id")["period"])
    period_end = period.map({p: period_bounds(p)[1] for p in period.dropna().unique()}).astype("datetime64[us]")
    in_last_week = (period_end - active["due_date"]).dt.days.between(0, LAST_WEEK_DAYS - 1)
    frame = pd.DataFrame({"team": active["team"], "in_last_week": in_last_week, "period": period})
    by_team = frame.groupby("team")
    clusters = pd.DataFrame(
        {
            "kr_count": by_team.size(),
            "last_week_count": by_team["in_last_week"].sum().astype(int),
            "periods": frame[frame["in_last_week"]].groupby("team")["period"].agg(lambda p: ", ".join(sorted(set(p)))),
        }
    )
    clusters["periods"] = clusters["periods"].fillna("")
    clusters["share"] = clusters["last_week_count"] / clusters["kr_count"]
    clusters["flagged"] = clusters["share"] > LAST_WEEK_SHARE_LIMIT
    clusters = clusters.reset_index().sort_values(["share", "team"], ascending=[False, True], kind="stable")
    return clusters.reset_index(drop=True).loc[:, list(LAST_WEEK_COLUMNS)]


def worst_teams(krs: pd.DataFrame, count: int) -> list[str]:
    """The `count` teams of the active KRs with the most overdue KRs, then the most off track, then
    the most at risk, then by name: the teams a timeline shows when every team would be too many."""
    active = _active(krs).dropna(subset=["team"])
    counts = pd.crosstab(active["team"], active["status"])
    order = counts.reindex(columns=["overdue", "off track", "at risk"], fill_value=0).reset_index()
    order = order.sort_values(
        ["overdue", "off track", "at risk", "team"], ascending=[False, False, False, True], kind="stable"
    )
    return list(order["team"].head(count))


def by_group(histogram: pd.DataFrame, clusters: pd.DataFrame, groups: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`due_date_histogram` and `last_week_clusters` summed over the teams of each group (`groups`:
    team → group): the histogram's rows and the clusters' `team` column then name groups, the share
    is the group's KRs due in the last week over its KRs; groups by name, the clusters highest share
    first like `last_week_clusters`."""
    group_of = histogram.index.map(groups).fillna("No group")
    grouped = histogram.groupby(group_of).sum().sort_index()
    grouped.index.name = "team"
    summed = (
        clusters.assign(team=clusters["team"].map(groups).fillna("No group"))
        .groupby("team")
        .agg(
            kr_count=("kr_count", "sum"),
            last_week_count=("last_week_count", "sum"),
            periods=("periods", lambda p: ", ".join(sorted({x for s in p for x in s.split(", ") if x}))),
            teams=("flagged", "size"),
            flagged_teams=("flagged", "sum"),
        )
    )
    summed["share"] = summed["last_week_count"] / summed["kr_count"]
    summed["flagged"] = summed["share"] > LAST_WEEK_SHARE_LIMIT
    summed = summed.reset_index().sort_values(["share", "team"], ascending=[False, True], kind="stable")
    return grouped, summed.reset_index(drop=True)
