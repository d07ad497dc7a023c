"""DESIGN's formulas computed by hand from the raw demo workbook, one KR at a time and without the
analytics package: the independent figures the changes, forecast and update-health tests compare with."""

from __future__ import annotations

import numpy as np
import pandas as pd

from conftest import demo_sheets

STATUS_PROGRESS = {"not started": 0.0, "early progress": 1 / 3, "good progress": 2 / 3, "completed": 1.0}


def workbook() -> dict[str, pd.DataFrame]:
    sheets = demo_sheets()
    # The demo's decisions are all "keep": they change no target, due date or status.
    assert set(sheets["Decisions"]["decision"].str.lower()) <= {"keep"}
    sheets["CheckIns"]["date"] = pd.to_datetime(sheets["CheckIns"]["date"])
    return sheets


def period_contains(period, day: pd.Timestamp) -> bool:
    period = str(period)
    if "Q" in period:
        year, quarter = int(period[:4]), int(period[-1])
        return day.year == year and (day.month - 1) // 3 + 1 == quarter
    return day.year == int(period[:4])


def krs_in_force(sheets, day) -> list[dict]:
    """The KRs of the objectives whose period contains `day`, with their team and period."""
    day = pd.Timestamp(day)
    objectives = sheets["Objectives"].set_index("objective_id")
    rows = []
    for kr in sheets["KeyResults"].to_dict("records"):
        objective = objectives.loc[kr["objective_id"]]
        if period_contains(objective["period"], day):
            rows.append({**kr, "team": objective["team"], "period": str(objective["period"])})
    return rows


def formula(kr, value) -> float:
    start, target, direction = kr["start_value"], kr["target_value"], kr.get("direction") or "increase"
    if kr["measure"] == "binary":
        return 1.0 if value >= 1 or (target > 0 and value >= target) else 0.0
    if direction == "increase":
        return (value - start) / (target - start)
    if direction == "decrease":
        return (start - value) / (start - target)
    if direction == "stay_above":
        return 1.0 if value >= target else 0.0
    return 1.0 if value <= target else 0.0


def measured(sheets, kr, day) -> tuple[float, str, pd.Timestamp | None]:
    """(clamped progress, status, date of the latest check-in) of `kr` at `day`."""
    day = pd.Timestamp(day)
    check_ins = sheets["CheckIns"]
    mine = check_ins[(check_ins["kr_id"] == kr["kr_id"]) & (check_ins["date"] <= day)]
    mine = mine.sort_values("date", kind="stable")
    start, due = pd.Timestamp(kr["start_date"]), pd.Timestamp(kr["due_date"])
    expected = 1.0 if day >= due else min(max((day - start) / (due - start), 0.0), 1.0)
    raw = None
    if kr["measure"] == "status":
        levels = mine["status"].dropna()
        if not levels.empty:
            raw = STATUS_PROGRESS[str(levels.iloc[-1]).strip().lower()]
    else:
        values = mine["value"].dropna()
        if not values.empty:
            raw = formula(kr, values.iloc[-1])
    last_date = mine["date"].iloc[-1] if not mine.empty else None
    progress = 0.0 if raw is None else min(max(raw, 0.0), 1.0)
    if raw is not None and raw >= 1:
        status = "completed"
    elif day > due:
        status = "overdue"
    elif mine.empty and expected <= 0.10 + 1e-9:
        # DESIGN: "not started" only while the KR is within the on-track band; after that it is paced
        # at progress 0 like any other.
        status = "not started"
    else:
        gap = expected - progress
        status = "on track" if gap <= 0.10 + 1e-9 else "at risk" if gap <= 0.25 + 1e-9 else "off track"
    return progress, status, last_date


def changes(sheets, as_of, since) -> dict[str, dict]:
    """Per KR of the review at `as_of`: status and progress before (None when not in force at
    `since`) and now, and the delta."""
    as_of, since = pd.Timestamp(as_of), pd.Timestamp(since)
    result = {}
    for kr in krs_in_force(sheets, as_of):
        progress_now, status_now, _ = measured(sheets, kr, as_of)
        row = {
            "team": kr["team"],
            "objective_id": kr["objective_id"],
            "weight": kr["weight"],
            "status_now": status_now,
            "progress_now": progress_now,
            "status_before": None,
            "progress_before": None,
            "delta": None,
        }
        if period_contains(kr["period"], since):
            progress_before, status_before, _ = measured(sheets, kr, since)
            row.update(
                status_before=status_before, progress_before=progress_before, delta=progress_now - progress_before
            )
        result[kr["kr_id"]] = row
    return result


def forecast(sheets, kr, as_of) -> tuple[float, float] | None:
    """(forecast_value, forecast_progress) by numpy's least-squares fit, or None."""
    if kr["measure"] not in ("currency", "number", "percent"):
        return None
    start, due = pd.Timestamp(kr["start_date"]), pd.Timestamp(kr["due_date"])
    check_ins = sheets["CheckIns"]
    mine = check_ins[
        (check_ins["kr_id"] == kr["kr_id"])
        & (check_ins["date"] >= start)
        & (check_ins["date"] <= pd.Timestamp(as_of))
        & check_ins["value"].notna()
    ]
    if mine["date"].nunique() < 2:
        return None
    days = np.array([(d - start).days for d in mine["date"]], dtype=float)
    slope, intercept = np.polyfit(days, mine["value"].to_numpy(dtype=float), 1)
    value = intercept + slope * (due - start).days
    return value, formula(kr, value)


def health(sheets, as_of, key: str) -> dict:
    """Per team or owner: (in force, updated, share, oldest latest check-in)."""
    as_of = pd.Timestamp(as_of)
    groups: dict = {}
    for kr in krs_in_force(sheets, as_of):
        _, _, last = measured(sheets, kr, as_of)
        groups.setdefault(kr[key], []).append(last)
    result = {}
    for name, lasts in groups.items():
        updated = sum(last is not None and as_of - pd.Timedelta(days=30) < last <= as_of for last in lasts)
        dated = [last for last in lasts if last is not None]
        result[name] = (len(lasts), updated, updated / len(lasts), min(dated) if dated else None)
    return result
