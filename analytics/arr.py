"""ARR: churn conversion, the ARR bridge over a range of months, and actuals against the target path."""

from __future__ import annotations

import numpy as np
import pandas as pd

FLOWS = ("new", "expansion", "contraction", "churn")
ARR_METRIC = "arr"
ARR_VS_TARGET_COLUMNS = ("month", "actual", "target", "gap")


def annual_churn(monthly_rate):
    """Annual churn from a monthly rate m: 1 − (1 − m)^12 (scalars, arrays and Series alike)."""
    return 1 - (1 - monthly_rate) ** 12


def arr_bridge(arr_actuals: pd.DataFrame, first_month: str, last_month: str) -> dict:
    """ARR bridge from the start of `first_month` to the end of `last_month` (months as YYYY-MM).

    beginning is the ending ARR of the month before `first_month` when it is known, else the first
    month's ending ARR less its net flows. The flows are summed over the months with actuals in the
    range, and ending_reported is the ending ARR of the latest of them, so both describe the same
    months when the range runs past the last actuals.
    """
    actuals = _monthly(arr_actuals)
    first, last = pd.Period(first_month, freq="M"), pd.Period(last_month, freq="M")
    in_range = actuals.loc[(actuals.index >= first) & (actuals.index <= last)]
    if in_range.empty:
        raise ValueError(f"no ARR actuals between {first} and {last}")

    flows = in_range.loc[:, list(FLOWS)].sum()
    month_before = first - 1
    if month_before in actuals.index:
        beginning = actuals.at[month_before, "ending_arr"]
    else:
        opening = in_range.iloc[0]
        beginning = opening["ending_arr"] - (
            opening["new"] + opening["expansion"] - opening["contraction"] - opening["churn"]
        )
    ending = beginning + flows["new"] + flows["expansion"] - flows["contraction"] - flows["churn"]
    return {
        "beginning": float(beginning),
        **{flow: float(flows[flow]) for flow in FLOWS},
        "ending": float(ending),
        "ending_reported": float(in_range["ending_arr"].iloc[-1]),
        "growth": float(ending / beginning - 1) if beginning else float("nan"),
    }


def arr_vs_target(arr_actuals: pd.DataFrame, company_targets: pd.DataFrame, year: int) -> pd.DataFrame:
    """Monthly actual ending ARR against the target path of `year` (ARR_VS_TARGET_COLUMNS).

    The target path runs linearly month by month from the year's `arr` start_value (at the start of
    January) through each quarter-end target `YYYY-Qn` that exists, to the annual target_value at
    December when there is no Q4 target. Months past the last target have no target.
    """
    months = pd.period_range(f"{year}-01", f"{year}-12", freq="M")
    actual = _monthly(arr_actuals)["ending_arr"].reindex(months)

    anchors = _arr_targets(company_targets, year)
    if anchors.empty:
        target = np.full(len(months), np.nan)
    else:
        # Month k of the year ends k months after the start of January.
        target = np.interp(np.arange(1, 13), anchors.index, anchors.to_numpy(), left=np.nan, right=np.nan)
    return pd.DataFrame(
        {
            "month": months.strftime("%Y-%m"),
            "actual": actual.to_numpy(),
            "target": target,
            "gap": actual.to_numpy() - target,
        }
    )


def _arr_targets(company_targets: pd.DataFrame, year: int) -> pd.Series:
    """Known points of the year's ARR target path, indexed by months elapsed since the start of the year."""
    arr = company_targets[company_targets["metric"].str.strip().str.lower() == ARR_METRIC]
    period = arr["period"].astype(str).str.strip().str.upper()
    points = {}
    annual = arr[period == str(year)]
    if not annual.empty:
        points[0] = annual["start_value"].iloc[0]
        points[12] = annual["target_value"].iloc[0]
    # A Q4 target, when set, is the December point rather than the annual target.
    for quarter in range(1, 5):
        quarterly = arr[period == f"{year}-Q{quarter}"]
        if not quarterly.empty:
            points[3 * quarter] = quarterly["target_value"].iloc[0]
    return pd.Series(points, dtype=float).dropna().sort_index()


def _monthly(arr_actuals: pd.DataFrame) -> pd.DataFrame:
    """ARR actuals indexed by monthly Period, flows defaulting to 0."""
    actuals = arr_actuals.copy(deep=False)  # copy-on-write: the caller's frame is never modified
    actuals[list(FLOWS)] = actuals[list(FLOWS)].fillna(0.0)
    months = pd.to_datetime(actuals["month"].astype(str), format="ISO8601").dt.to_period("M")
    return actuals.set_index(months).sort_index()
