"""Bookings against the published plan, for the company overview: new ARR won per quarter
(ArrActuals.new) against the company targets of metric `bookings` (periods `YYYY-Qn`, what the
Back-calculation page publishes), what the year still needs, and the published pipeline targets
(metrics `pipeline_<stage>`) against what the team KRs tagged with that funnel stage commit to and
report.

Pure pandas, no Streamlit. All money and volumes unrounded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.funnel.scenario import BOOKINGS, MONTHS_PER_QUARTER, QUARTERS
from analytics.funnel.targets import PIPELINE_PREFIX, pipeline_metric

QUARTER_COLUMNS = ("period", "target", "actual", "closed", "attainment")
PIPELINE_COLUMNS = ("metric", "stage", "target", "committed", "reported", "kr_count")


@dataclass(frozen=True)
class BookingsVsPlan:
    """The year of `as_of` against its published bookings targets.

    quarters: one row per quarter with a target (QUARTER_COLUMNS): actual = Σ new ARR of its months
    up to the as-of month; closed = the quarter ended on or before as_of; attainment = actual ÷
    target (NaN without a target above 0). target_year = Σ quarter targets; remaining = what the
    year still needs (never below 0); last_actual_month = the latest ArrActuals month counted."""

    year: int
    as_of: dt.date
    quarters: pd.DataFrame
    target_year: float
    won_to_date: float
    remaining: float
    last_actual_month: str | None

    @property
    def current_quarter(self) -> str:
        return f"{self.year}-Q{(self.as_of.month - 1) // MONTHS_PER_QUARTER + 1}"


def targets_of(company_targets: pd.DataFrame, metric_test) -> pd.DataFrame:
    """The company targets whose metric (trimmed, case-folded) passes `metric_test`, with periods
    trimmed and upper-cased and target values as numbers."""
    company_targets = company_targets.reset_index(drop=True)
    metric = company_targets["metric"].astype(str).str.strip().str.casefold()
    chosen = company_targets.loc[metric.map(metric_test).astype(bool)]  # an empty mask selects rows too
    return chosen.assign(
        period=chosen["period"].astype(str).str.strip().str.upper(),
        metric=metric[chosen.index],
        target_value=pd.to_numeric(chosen["target_value"], errors="coerce"),
    )


def bookings_vs_plan(arr_actuals: pd.DataFrame, company_targets: pd.DataFrame, as_of) -> BookingsVsPlan | None:
    """Bookings of as_of's year against its published quarterly bookings targets; None when the
    company targets have no `bookings` target for a quarter of that year."""
    as_of = pd.Timestamp(as_of).date()
    year = as_of.year
    quarters = [f"{year}-Q{q}" for q in range(1, QUARTERS + 1)]
    targets = targets_of(company_targets, lambda m: m == BOOKINGS)
    targets = targets[targets["period"].isin(quarters)].groupby("period")["target_value"].last()
    if targets.empty:
        return None

    months = arr_actuals["month"].astype(str).str.strip()
    counted = arr_actuals[months.str.startswith(f"{year}-") & (months <= f"{year}-{as_of.month:02d}")]
    new = pd.to_numeric(counted["new"], errors="coerce").fillna(0.0)
    month_number = months[counted.index].str[5:7].astype(int)
    by_quarter = new.groupby((month_number - 1) // MONTHS_PER_QUARTER).sum()
    actual = [float(by_quarter.get(q, 0.0)) for q in range(QUARTERS)]

    target = [float(targets.get(period, np.nan)) for period in quarters]
    frame = pd.DataFrame(
        {
            "period": quarters,
            "target": target,
            "actual": actual,
            "closed": [quarter_end(year, q) <= as_of for q in range(QUARTERS)],
        }
    )
    frame["attainment"] = frame["actual"] / frame["target"].where(frame["target"] > 0)
    target_year = float(np.nansum(target))
    won = float(sum(actual))
    return BookingsVsPlan(
        year=year,
        as_of=as_of,
        quarters=frame[frame["target"].notna()].reset_index(drop=True).loc[:, list(QUARTER_COLUMNS)],
        target_year=target_year,
        won_to_date=won,
        remaining=max(0.0, target_year - won),
        last_actual_month=str(months[counted.index].max()) if not counted.empty else None,
    )


def quarter_end(year: int, q: int) -> dt.date:
    """The last day of quarter q (0..3) of `year`."""
    return (pd.Timestamp(year, MONTHS_PER_QUARTER * (q + 1), 1) + pd.offsets.MonthEnd(0)).date()


def pipeline_vs_krs(
    company_targets: pd.DataFrame, period: str, committed: pd.DataFrame, krs: pd.DataFrame
) -> pd.DataFrame:
    """The published pipeline targets of `period` against the team KRs of that period tagged with
    the stage (PIPELINE_COLUMNS), in the targets' order.

    committed: analytics.funnel.committed_key_results of the period (kr_id, funnel_stage,
    target_value in force, cancelled KRs left out); krs: the review's KRs at the as-of date (kr_id,
    last_value). committed sums the KRs' targets, reported their latest values (a KR without a
    check-in reports 0); a KR counts for the pipeline metric of its funnel_stage
    (pipeline_metric)."""
    targets = targets_of(company_targets, lambda m: m.startswith(PIPELINE_PREFIX))
    targets = targets[targets["period"] == period.strip().upper()].groupby("metric", sort=False)["target_value"].last()
    if targets.empty:
        return pd.DataFrame(columns=list(PIPELINE_COLUMNS))
    latest = dict(zip(krs["kr_id"], pd.to_numeric(krs["last_value"], errors="coerce")))
    tagged = committed.assign(
        metric=[pipeline_metric(str(stage)) for stage in committed["funnel_stage"]],
        reported=[latest.get(kr, np.nan) for kr in committed["kr_id"]],
    )
    sums = tagged.groupby("metric").agg(
        committed=("target_value", "sum"),
        reported=("reported", lambda v: v.fillna(0.0).sum()),
        kr_count=("kr_id", "size"),
    )
    sums = sums.reindex(targets.index)
    return pd.DataFrame(
        {
            "metric": targets.index,
            "stage": [metric[len(PIPELINE_PREFIX) :].replace("_", " ") for metric in targets.index],
            "target": targets.to_numpy(dtype=float),
            "committed": sums["committed"].fillna(0.0).to_numpy(dtype=float),
            "reported": sums["reported"].fillna(0.0).to_numpy(dtype=float),
            "kr_count": sums["kr_count"].fillna(0).to_numpy(dtype=int),
        },
        columns=list(PIPELINE_COLUMNS),
    )
