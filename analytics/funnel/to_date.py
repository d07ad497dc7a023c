"""The plan to date (DESIGN "Back-calculation to date"): in the middle of the plan year, what is still
needed once the new ARR already won is counted against the year's requirement.

The year's required new ARR stays computed from the ARR at the start of the plan year (the ending ARR
of the December before, unless the scenario gives beginning_arr): planning again from the latest ARR
would apply a full year's churn to it and book the closed quarters a second time. New ARR won in the
year's months up to the as-of month (ArrActuals.new) counts against it; what remains is spread over
the months after the as-of month by the quarters' seasonality weights, and the remaining deals and
stage volumes follow from it.

Also where a scenario's data-backed defaults come from: beginning ARR, sales reps and consultants on
staff at the plan start (the Headcount sheet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analytics.funnel.plan import Plan, back_calculate
from analytics.funnel.scenario import MONTHS_PER_QUARTER, QUARTERS, TOLERANCE, Scenario, ScenarioError
from analytics.headcount import month_before, staff_on

CONSULTANT = "consultant"
SALES_REP = "sales_rep"


@dataclass(frozen=True)
class PlanToDate:
    """The whole year's plan and what remains of it at as_of (all unrounded).

    remaining_by_month holds the 12 months of the plan year (0 up to the as-of month);
    unplaced is the part of the remaining new ARR no month is left to book (as-of in December)."""

    plan: Plan
    plan_year: int
    as_of: dt.date
    new_arr_won_to_date: float
    won_by_quarter: tuple[float, ...]
    new_arr_remaining: float
    remaining_by_month: tuple[float, ...]
    unplaced: float
    deals_remaining: float
    stages_remaining: tuple[tuple[str, float], ...]
    last_actual_month: str | None

    @property
    def remaining_bookings_by_quarter(self) -> tuple[float, ...]:
        months = np.asarray(self.remaining_by_month).reshape(QUARTERS, MONTHS_PER_QUARTER)
        return tuple(float(v) for v in months.sum(axis=1))

    @property
    def quarters(self) -> list[dict]:
        return [
            {
                "quarter": f"{self.plan_year}-Q{q + 1}",
                "bookings_planned": self.plan.bookings_by_quarter[q],
                "bookings_actual": self.won_by_quarter[q],
                "bookings_remaining": self.remaining_bookings_by_quarter[q],
            }
            for q in range(QUARTERS)
        ]

    def to_json_dict(self) -> dict:
        """The plan's `--json` object plus DESIGN's plan-to-date keys."""
        return self.plan.to_json_dict() | {
            "plan_year": self.plan_year,
            "as_of": self.as_of.isoformat(),
            "beginning_arr": self.plan.scenario.beginning_arr,
            "new_arr_won_to_date": self.new_arr_won_to_date,
            "new_arr_remaining": self.new_arr_remaining,
            "remaining_bookings_by_quarter": list(self.remaining_bookings_by_quarter),
            "remaining_bookings_by_month": list(self.remaining_by_month),
            "unplaced_remaining": self.unplaced,
            "deals_remaining": self.deals_remaining,
            "stages_remaining": [{"name": name, "required": volume} for name, volume in self.stages_remaining],
            "quarters": self.quarters,
            "last_actual_month": self.last_actual_month,
        }


def plan_to_date(scenario: Scenario, arr_actuals: pd.DataFrame, as_of) -> PlanToDate:
    """The plan of `scenario` for the year of `as_of`, with the new ARR won up to as_of's month."""
    as_of = pd.Timestamp(as_of).date()
    year = as_of.year
    plan = back_calculate(scenario)
    new_by_month = _new_arr_by_month(arr_actuals, year)  # 12 values, NaN for months without a row
    counted = np.arange(1, 13) <= as_of.month
    won_by_month = np.where(counted, np.nan_to_num(new_by_month), 0.0)
    won = float(won_by_month.sum())
    remaining = max(0.0, plan.new_arr_required - won)

    months_left = ~counted
    weights = np.where(months_left, scenario.monthly_weights, 0.0)
    if weights.sum() <= TOLERANCE and months_left.any():
        weights = months_left.astype(float)  # no seasonality weight left: spread equally
    remaining_by_month = remaining * weights / weights.sum() if weights.sum() > 0 else np.zeros(12)
    unplaced = remaining - float(remaining_by_month.sum())

    deals_remaining = remaining / scenario.average_deal_size
    volume, stages_remaining = deals_remaining, []
    for stage in reversed(scenario.stages):
        volume = volume / stage.conversion_rate
        stages_remaining.append((stage.name, float(volume)))
    known = [f"{year}-{m:02d}" for m in range(1, as_of.month + 1) if not np.isnan(new_by_month[m - 1])]
    return PlanToDate(
        plan=plan,
        plan_year=year,
        as_of=as_of,
        new_arr_won_to_date=won,
        won_by_quarter=tuple(float(v) for v in won_by_month.reshape(QUARTERS, MONTHS_PER_QUARTER).sum(axis=1)),
        new_arr_remaining=remaining,
        remaining_by_month=tuple(float(v) for v in remaining_by_month),
        unplaced=max(0.0, unplaced) if unplaced > TOLERANCE * max(1.0, remaining) else 0.0,
        deals_remaining=deals_remaining,
        stages_remaining=tuple(reversed(stages_remaining)),
        last_actual_month=known[-1] if known else None,
    )


def _new_arr_by_month(arr_actuals: pd.DataFrame, year: int) -> np.ndarray:
    months = arr_actuals["month"].astype(str).str.strip()
    in_year = arr_actuals[months.str.startswith(f"{year}-")]
    by_month = pd.to_numeric(in_year["new"], errors="coerce").fillna(0.0).groupby(months[in_year.index]).sum()
    return np.array([by_month.get(f"{year}-{m:02d}", np.nan) for m in range(1, 13)], dtype=float)


def forward_simulate_to_date(plan_to_date: PlanToDate) -> float:
    """Ending ARR of the year when the remaining top-of-funnel volume runs forward through the
    scenario and lands on what is already won: equals the target unless more than required is won
    (or the plan has a surplus)."""
    s = plan_to_date.plan.scenario
    top = plan_to_date.stages_remaining[0][1]
    deals = top * float(np.prod([stage.conversion_rate for stage in s.stages]))
    kept = s.beginning_arr * (1 - s.churn_rate - s.contraction_rate + s.expansion_rate)
    return kept + plan_to_date.new_arr_won_to_date + deals * s.average_deal_size


@dataclass(frozen=True)
class DataDefaults:
    """A scenario's keys filled in from the stored data, and a note for each default that had to
    fall back to 0 (shown to the user)."""

    scenario: dict
    notes: tuple[str, ...]


def scenario_with_data_defaults(
    data: Mapping[str, Any], arr_actuals: pd.DataFrame, headcount: pd.DataFrame | None, year: int
) -> DataDefaults:
    """`data` (a scenario's JSON object) with what it leaves out taken from the stored data at the
    start of `year`: beginning_arr (the ending ARR of the December before), starting_reps (sales_rep
    staff) when it plans reps, delivery.starting_consultants (consultant staff). ScenarioError when
    beginning_arr is missing and the data has no December row to take it from."""
    if not isinstance(data, Mapping):
        return DataDefaults(data, ())  # Scenario.from_dict says what a scenario must be
    filled, notes = dict(data), []
    year_start = dt.date(year, 1, 1)
    if "beginning_arr" not in filled:
        december = arr_actuals[arr_actuals["month"].astype(str).str.strip() == f"{year - 1}-12"]
        ending = pd.to_numeric(december["ending_arr"], errors="coerce").dropna()
        if ending.empty:
            raise ScenarioError(
                f"beginning_arr is missing and the ARR actuals have no month {year - 1}-12 to start "
                f"{year} from (give beginning_arr, or load ArrActuals up to {year - 1}-12)"
            )
        filled["beginning_arr"] = float(ending.iloc[-1])
    if "deals_per_rep_per_quarter" in filled and "starting_reps" not in filled:
        filled["starting_reps"], note = _staff(headcount, SALES_REP, year_start, "sales reps")
        notes += note
    delivery = filled.get("delivery")
    if isinstance(delivery, Mapping) and "starting_consultants" not in delivery:
        consultants, note = _staff(headcount, CONSULTANT, year_start, "consultants")
        filled["delivery"] = dict(delivery) | {"starting_consultants": consultants}
        notes += note
    return DataDefaults(filled, tuple(notes))


def _staff(headcount: pd.DataFrame | None, role: str, at: dt.date, people: str) -> tuple[float, list[str]]:
    staff = None if headcount is None else staff_on(headcount, role, at)
    if staff is None:
        return 0.0, [
            f"No {people} on staff at the plan start: the Headcount sheet has no {role} row for "
            f"{month_before(at)}, so the plan starts from 0 {people}."
        ]
    return float(staff), []
