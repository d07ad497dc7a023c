"""Where each key result will land at its due date at the pace of its check-ins (DESIGN "Formulas":
"Changes, forecasts, update health").

For a currency, number or percent KR: the check-ins with a value dated from its start date (else its
period start) up to the as-of date d, at least two on distinct dates, give an ordinary least-squares
line value = a + b × (days since start); forecast_value = a + b × (days from start to the due date in
force at d); forecast_progress = the progress formula (analytics.progress) applied to it, unclamped;
forecast_lands = forecast_progress ≥ 1. Otherwise all three are null and `forecast_reason` says why.

All KRs at once: one filter of the check-ins and a few groupby sums, no Python loop per KR.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.periods import as_dates
from analytics.progress import progress_of_values

FORECAST_MEASURES = ("currency", "number", "percent")
FORECAST_COLUMNS = (
    "kr_id",
    "forecast_value",
    "forecast_progress",
    "forecast_lands",
    "forecast_points",
    "forecast_intercept",
    "forecast_slope",
    "forecast_reason",
)

# A forecast that reaches the target up to floating-point noise (0.9999999999…) lands.
LANDS_TOLERANCE = 1e-9
NOT_NUMERIC = "no forecast for a binary or status KR"
TOO_FEW = "needs two check-ins on different dates since the start"
NO_DATES = "needs a start date and a due date"


def kr_forecasts(krs: pd.DataFrame, check_ins: pd.DataFrame, as_of) -> pd.DataFrame:
    """One row per row of `krs` (rows of analytics.progress.kr_progress at `as_of`, same index):
    FORECAST_COLUMNS. forecast_points is the number of check-ins the line goes through;
    forecast_intercept and forecast_slope are a (value at the start) and b (per day)."""
    as_of = as_dates(as_of)
    measure = krs["measure"].fillna("").astype(str).str.strip().str.lower()
    numeric = measure.isin(FORECAST_MEASURES)
    start = as_dates(krs["start_date"])
    due = as_dates(krs["due_date"])
    dated = start.notna() & due.notna()

    starts = pd.Series(start.to_numpy(), index=krs["kr_id"].to_numpy())
    starts = starts[~starts.index.duplicated()]
    wanted = krs.loc[numeric & dated, "kr_id"]
    readings = check_ins.loc[check_ins["kr_id"].isin(wanted), ["kr_id", "date", "value"]]
    readings = readings.assign(date=as_dates(readings["date"]), value=pd.to_numeric(readings["value"], errors="coerce"))
    kr_start = readings["kr_id"].map(starts)
    readings = readings[
        readings["value"].notna()
        & readings["date"].notna()
        & (readings["date"] >= kr_start)
        & (readings["date"] <= as_of)
    ]
    x = (readings["date"] - readings["kr_id"].map(starts)).dt.days.astype(float)
    y = readings["value"].astype(float)
    keys = readings["kr_id"]

    grouped = pd.DataFrame({"x": x, "y": y}).groupby(keys.to_numpy(), sort=False)
    fit = pd.DataFrame({"n": grouped.size(), "distinct": grouped["x"].nunique()})
    # Centred sums: exact in floating point where the raw Σx² − (Σx)²/n would cancel.
    means = grouped[["x", "y"]].transform("mean")
    dx, dy = x - means["x"], y - means["y"]
    centred = pd.DataFrame({"sxx": dx * dx, "sxy": dx * dy}).groupby(keys.to_numpy(), sort=False).sum()
    fit = fit.join(grouped[["x", "y"]].mean()).join(centred)
    usable = fit["distinct"] >= 2
    slope = (fit["sxy"] / fit["sxx"]).where(usable)
    intercept = (fit["y"] - slope * fit["x"]).where(usable)

    per_kr = pd.DataFrame({"points": fit["n"], "a": intercept, "b": slope, "mean_x": fit["x"], "mean_y": fit["y"]})
    per_kr = per_kr.reindex(krs["kr_id"].to_numpy())
    horizon = (due - start).dt.days.to_numpy(dtype=float)
    # a + b·X written as ȳ + b·(X − x̄): the same line, with less rounding (a line through the target
    # lands on it, not a hair below).
    value = per_kr["mean_y"].to_numpy() + per_kr["b"].to_numpy() * (horizon - per_kr["mean_x"].to_numpy())
    value = np.where(numeric & dated, value, np.nan)
    progress = progress_of_values(krs, value).where(~np.isnan(value))
    reason = np.select([~numeric, ~dated, np.isnan(value)], [NOT_NUMERIC, NO_DATES, TOO_FEW], default=None)
    return pd.DataFrame(
        {
            "kr_id": krs["kr_id"].to_numpy(),
            "forecast_value": value,
            "forecast_progress": progress.to_numpy(),
            "forecast_lands": pd.array(
                np.where(np.isnan(value), None, progress.to_numpy() >= 1 - LANDS_TOLERANCE), dtype="boolean"
            ),
            "forecast_points": per_kr["points"].fillna(0).astype(int).to_numpy(),
            "forecast_intercept": np.where(np.isnan(value), np.nan, per_kr["a"].to_numpy()),
            "forecast_slope": np.where(np.isnan(value), np.nan, per_kr["b"].to_numpy()),
            "forecast_reason": reason,
        },
        index=krs.index,
    )


def with_forecasts(krs: pd.DataFrame, check_ins: pd.DataFrame, as_of) -> pd.DataFrame:
    """`krs` with the FORECAST_COLUMNS beside its own (same rows, same order)."""
    forecasts = kr_forecasts(krs, check_ins, as_of).drop(columns="kr_id")
    return pd.concat([krs.drop(columns=[c for c in forecasts.columns if c in krs.columns]), forecasts], axis=1)


def forecast_text(row) -> str:
    """ "lands at 112%" / "misses: 74% by the due date" / the reason there is none."""
    progress = row.get("forecast_progress")
    if progress is None or pd.isna(progress):
        reason = row.get("forecast_reason")
        return f"— {reason}" if isinstance(reason, str) else "—"
    return f"✓ lands at {progress:.0%}" if progress >= 1 else f"✗ {progress:.0%} by the due date"
