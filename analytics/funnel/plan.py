"""The back-calculated plan (DESIGN "Formulas": Back-calculation): from a Scenario to the new ARR
required, bookings, deals, each stage's volume and the sales reps and hires by quarter; the plan as a
table, the stage volumes by month shifted by the sales cycle, and the forward simulation that must
reproduce the target.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.funnel.scenario import DEALS, MONTHS_PER_QUARTER, QUARTERS, TOLERANCE, Scenario, ScenarioError

# Sales cycles are quoted in days; counting 30-day months makes a 90-day cycle exactly one
# quarter, which is how sales teams read it, and keeps the monthly shift free of odd fractions.
DAYS_PER_MONTH = 30

MONTHLY_COLUMNS = ("stage", "position", "shift_days", "month_offset", "month_label", "volume")
PLAN_TABLE_COLUMNS = ("row", "kind", "year", "Q1", "Q2", "Q3", "Q4")


@dataclass(frozen=True)
class StageRequirement:
    """Volume a stage must reach: over the year and by quarter (unrounded)."""

    name: str
    conversion_rate: float
    required: float
    by_quarter: tuple[float, ...]


@dataclass(frozen=True)
class Plan:
    """The back-calculated plan of a scenario. Every number is unrounded.

    reps is the fully ramped reps needed in the peak quarter: capacity has to cover the busiest
    quarter, and a yearly average would understaff it. headcount_by_quarter counts people (ramp
    included) and is what hiring plans against.
    """

    scenario: Scenario
    retained_arr: float
    churn_arr: float
    contraction_arr: float
    expansion_arr: float
    new_arr_required: float
    surplus: float
    bookings_by_quarter: tuple[float, ...]
    deals: float
    deals_by_quarter: tuple[float, ...]
    stages: tuple[StageRequirement, ...]
    reps_by_quarter: tuple[float, ...]
    hires_by_quarter: tuple[float, ...]
    headcount_by_quarter: tuple[float, ...]
    capacity_by_quarter: tuple[float, ...]

    @property
    def bookings(self) -> float:
        return self.new_arr_required

    @property
    def top_of_funnel(self) -> float:
        return self.stages[0].required

    @property
    def reps(self) -> float:
        return max(self.reps_by_quarter)

    def to_json_dict(self) -> dict:
        """DESIGN's backcalc `--json` object, extended (never changed) with the detail behind it."""
        return {
            "new_arr_required": self.new_arr_required,
            "bookings_by_quarter": list(self.bookings_by_quarter),
            "deals": self.deals,
            "stages": [
                {
                    "name": s.name,
                    "required": s.required,
                    "conversion_rate": s.conversion_rate,
                    "required_by_quarter": list(s.by_quarter),
                }
                for s in self.stages
            ],
            "reps": self.reps,
            "surplus": self.surplus,
            "retained_arr": self.retained_arr,
            "churn_arr": self.churn_arr,
            "contraction_arr": self.contraction_arr,
            "expansion_arr": self.expansion_arr,
            "churn_rate": self.scenario.churn_rate,
            "deals_by_quarter": list(self.deals_by_quarter),
            "reps_by_quarter": list(self.reps_by_quarter),
            "hires_by_quarter": list(self.hires_by_quarter),
            "headcount_by_quarter": list(self.headcount_by_quarter),
            "sales_cycle_days": self.scenario.sales_cycle_days,
        }


def back_calculate(scenario: Scenario) -> Plan:
    """The plan that reaches scenario.target_arr (DESIGN "Formulas": Back-calculation)."""
    s = scenario
    kept_share = 1 - s.churn_rate - s.contraction_rate
    gap = s.target_arr - s.beginning_arr * (kept_share + s.expansion_rate)
    new_arr = max(0.0, gap)
    bookings_q = new_arr * np.asarray(s.seasonality)
    deals_q = bookings_q / s.average_deal_size

    # Walk up from deals, one division per stage, for the year and each quarter at once (columns).
    volume = np.concatenate([[new_arr / s.average_deal_size], deals_q])
    volumes = [volume]
    for stage in reversed(s.stages):
        volume = volume / stage.conversion_rate
        volumes.append(volume)
    stage_volumes = volumes[:0:-1]  # top of the funnel first, deals left out

    reps_q = deals_q / s.deals_per_rep_per_quarter
    hires, headcount, capacity = _hiring_plan(reps_q, s.quarterly_ramp, s.starting_reps)
    if not all(np.isfinite(v).all() for v in (*volumes, hires)):
        raise ScenarioError(
            "the scenario's numbers are too large to compute; check target_arr and the conversion rates"
        )
    return Plan(
        scenario=s,
        retained_arr=s.beginning_arr * kept_share,
        churn_arr=s.beginning_arr * s.churn_rate,
        contraction_arr=s.beginning_arr * s.contraction_rate,
        expansion_arr=s.beginning_arr * s.expansion_rate,
        new_arr_required=new_arr,
        surplus=max(0.0, -gap),
        bookings_by_quarter=_floats(bookings_q),
        deals=float(volumes[0][0]),
        deals_by_quarter=_floats(deals_q),
        stages=tuple(
            StageRequirement(stage.name, stage.conversion_rate, float(v[0]), _floats(v[1:]))
            for stage, v in zip(s.stages, stage_volumes)
        ),
        reps_by_quarter=_floats(reps_q),
        hires_by_quarter=_floats(hires),
        headcount_by_quarter=_floats(headcount),
        capacity_by_quarter=_floats(capacity),
    )


def _hiring_plan(reps_needed: np.ndarray, ramp: Sequence[float], starting_reps: float):
    """Hires at the start of each quarter so that ramped capacity covers the reps needed every quarter.

    A rep hired at the start of quarter j produces ramp[0] of a full rep in quarter j, ramp[1] in
    j + 1, and so on, and is fully productive after the ramp vector ends; starting reps are fully
    productive. Hiring is just in time: each quarter hires exactly the shortfall left by the reps
    already on board, divided by ramp[0]. It is sequential by nature (a quarter's hires depend on
    the earlier ones), hence the loop over four quarters. Returns hires, headcount and capacity
    (in fully ramped reps) by quarter.
    """
    productivity = np.ones(QUARTERS)
    productivity[: min(len(ramp), QUARTERS)] = ramp[:QUARTERS]
    hires = np.zeros(QUARTERS)
    capacity = np.zeros(QUARTERS)
    for q in range(QUARTERS):
        # hires[j] has been on board q − j quarters before this one
        on_board = starting_reps + float(np.dot(hires[:q], productivity[q:0:-1])) if q else starting_reps
        shortfall = reps_needed[q] - on_board
        if shortfall > TOLERANCE * max(1.0, reps_needed[q]):
            hires[q] = shortfall / productivity[0]
        capacity[q] = on_board + hires[q] * productivity[0]
    return hires, starting_reps + np.cumsum(hires), capacity


def _floats(values) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def plan_table(plan: Plan) -> pd.DataFrame:
    """The plan as rows × (year, Q1..Q4), unrounded, for tables and the CLI (PLAN_TABLE_COLUMNS).

    kind says how to display a row: "currency" (bookings) or "count" (round up for display). The
    year column holds the total, except reps (the peak quarter) and headcount (at year end).
    """
    rows = [("bookings", "currency", plan.new_arr_required, *plan.bookings_by_quarter)]
    rows += [(s.name, "count", s.required, *s.by_quarter) for s in plan.stages]
    rows += [
        (DEALS, "count", plan.deals, *plan.deals_by_quarter),
        ("reps (fully ramped)", "count", plan.reps, *plan.reps_by_quarter),
        ("hires", "count", sum(plan.hires_by_quarter), *plan.hires_by_quarter),
        ("headcount", "count", plan.headcount_by_quarter[-1], *plan.headcount_by_quarter),
    ]
    return pd.DataFrame(rows, columns=list(PLAN_TABLE_COLUMNS))


def display_ceil(value: float) -> int:
    """Round a volume up for display, ignoring float noise (80.00000000000001 deals shows as 80)."""
    return math.ceil(value - TOLERANCE * max(1.0, abs(value)))


# ----------------------------------------------------------------------------------------------
# Sales-cycle shift and forward simulation


def stage_shift_days(scenario: Scenario) -> list[float]:
    """How many days before its deals each stage's volume is needed: stages then deals.

    The sales cycle runs from the top of the funnel to a won deal. Without per-stage durations,
    each stage-to-stage step is assumed to take an equal share of it: with n stages, the stage at
    position i (0 = top) leads its deals by cycle × (n − i) / n, so the top stage leads by the full
    cycle, the last stage by cycle / n and deals by 0.
    """
    n = len(scenario.stages)
    return [scenario.sales_cycle_days * (n - i) / n for i in range(n + 1)]


def stage_volumes_by_month(plan: Plan) -> pd.DataFrame:
    """Monthly volume of every stage and of deals, shifted earlier by the sales cycle (MONTHLY_COLUMNS).

    Long format, one row per stage × month, dense from the earliest month with volume to month
    12. month_offset 1..12 are the months of the plan year; 0 is the last month of the year
    before, −1 the one before it, and so on; month_label reads "Y M1".."Y M12", "Y-1 M12", ….

    A quarter's volume is spread evenly over its three months, and each stage's months are moved
    earlier by its lead (stage_shift_days, in 30-day months). A fractional lead splits a month's
    volume between the two months it now straddles in proportion to the overlap (uniform within a
    month), so every stage keeps its total.
    """
    s = plan.scenario
    names = [stage.name for stage in plan.stages] + [DEALS]
    quarterly = np.array([stage.by_quarter for stage in plan.stages] + [plan.deals_by_quarter])
    monthly = np.repeat(quarterly / MONTHS_PER_QUARTER, MONTHS_PER_QUARTER, axis=1)  # (stages + 1, 12)

    shift_days = np.array(stage_shift_days(s))
    # Rounded so that e.g. 2.9999999999 months does not spill a zero-volume month at the front.
    shift = np.round(shift_days / DAYS_PER_MONTH, 9)
    whole, fraction = np.floor(shift).astype(int), shift - np.floor(shift)
    months = np.arange(1, 13)
    earliest = int((1 - whole - (fraction > 0)).min())
    offsets = np.arange(earliest, 13)

    grid = np.zeros((len(names), len(offsets)))
    rows = np.arange(len(names))[:, None]
    # Month m moves to m − whole with share (1 − fraction) and to m − whole − 1 with share fraction.
    np.add.at(grid, (rows, months[None, :] - whole[:, None] - earliest), monthly * (1 - fraction)[:, None])
    np.add.at(grid, (rows, months[None, :] - whole[:, None] - 1 - earliest), monthly * fraction[:, None])

    return pd.DataFrame(
        {
            "stage": np.repeat(names, len(offsets)),
            "position": np.repeat(np.arange(len(names)), len(offsets)),
            "shift_days": np.repeat(shift_days, len(offsets)),
            "month_offset": np.tile(offsets, len(names)),
            "month_label": np.tile([month_label(o) for o in offsets], len(names)),
            "volume": grid.ravel(),
        }
    )


def month_label(offset: int) -> str:
    """ "Y M1".."Y M12" for the plan year, "Y-1 M12" for offset 0, "Y-2 M12" for offset −12, …"""
    if offset >= 1:
        return f"Y M{offset}"
    years_back = (12 - offset) // 12
    return f"Y-{years_back} M{offset + 12 * years_back}"


def forward_simulate(plan: Plan, scenario: Scenario) -> float:
    """Ending ARR when the plan's top-of-funnel volume runs forward through the scenario.

    top volume × every conversion rate = deals; × average deal size = bookings (new ARR);
    ending = beginning × (1 − churn − contraction + expansion) + bookings. Equals target_arr for
    the scenario's own plan unless there is a surplus (then it is target + surplus).
    """
    rates = np.array([stage.conversion_rate for stage in scenario.stages])
    deals = plan.top_of_funnel * float(np.prod(rates))
    kept = scenario.beginning_arr * (1 - scenario.churn_rate - scenario.contraction_rate + scenario.expansion_rate)
    return kept + deals * scenario.average_deal_size
