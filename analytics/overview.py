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
