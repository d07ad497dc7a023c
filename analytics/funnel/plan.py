"""The back-calculated plan (DESIGN "Formulas": Back-calculation): from a Scenario to the new ARR
required, bookings, deals, each stage's volume and the sales reps and hires by quarter; the plan as a
table, the stage volumes by month shifted by the sales cycle, and the forward simulation that must
reproduce the target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.funnel.delivery import DeliveryPlan, delivery_plan
from analytics.funnel.hiring import hiring_plan
from analytics.funnel.scenario import DEALS, MONTHS_PER_QUARTER, TOLERANCE, Scenario, ScenarioError

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
    included) and is what hiring plans against; capacity_by_quarter is the reps' effective capacity
    in fully ramped reps and reps_gap_by_quarter what it leaves uncovered (DESIGN's hiring rule). A
    scenario without deals_per_rep_per_quarter plans no reps: all of these are None.
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
    reps_by_quarter: tuple[float, ...] | None
    hires_by_quarter: tuple[float, ...] | None
    headcount_by_quarter: tuple[float, ...] | None
    capacity_by_quarter: tuple[float, ...] | None
    reps_gap_by_quarter: tuple[float, ...] | None
    delivery: DeliveryPlan | None = None

    @property
    def bookings(self) -> float:
        return self.new_arr_required

    @property
    def top_of_funnel(self) -> float:
        return self.stages[0].required

    @property
    def reps(self) -> float | None:
        return None if self.reps_by_quarter is None else max(self.reps_by_quarter)

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
            "reps_by_quarter": _list_or_none(self.reps_by_quarter),
            "hires_by_quarter": _list_or_none(self.hires_by_quarter),
            "headcount_by_quarter": _list_or_none(self.headcount_by_quarter),
            "effective_reps_by_quarter": _list_or_none(self.capacity_by_quarter),
            "reps_gap_by_quarter": _list_or_none(self.reps_gap_by_quarter),
            "starting_reps": self.scenario.starting_reps,
            "sales_cycle_days": self.scenario.sales_cycle_days,
        } | ({"delivery": self.delivery.to_json_dict()} if self.delivery else {})


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

    reps = None
    if s.plans_reps:
        reps = hiring_plan(deals_q / s.deals_per_rep_per_quarter, s.quarterly_ramp, s.starting_reps)
    if not all(np.isfinite(v).all() for v in (*volumes, reps.hires if reps else ())):
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
        reps_by_quarter=reps and reps.needed,
        hires_by_quarter=reps and reps.hires,
        headcount_by_quarter=reps and reps.headcount,
        capacity_by_quarter=reps and reps.effective,
        reps_gap_by_quarter=reps and reps.gap,
        delivery=delivery_plan(s, new_arr),
    )


def _floats(values) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def _list_or_none(values) -> list[float] | None:
    return None if values is None else list(values)


def plan_table(plan: Plan) -> pd.DataFrame:
    """The plan as rows × (year, Q1..Q4), unrounded, for tables and the CLI (PLAN_TABLE_COLUMNS).

    kind says how to display a row: "currency" (bookings) or "count" (round up for display). The
    year column holds the total, except reps (the peak quarter) and headcount (at year end).
    """
    rows = [("bookings", "currency", plan.new_arr_required, *plan.bookings_by_quarter)]
    rows += [(s.name, "count", s.required, *s.by_quarter) for s in plan.stages]
    rows.append((DEALS, "count", plan.deals, *plan.deals_by_quarter))
    if plan.reps is not None:
        rows += [
            ("reps (fully ramped)", "count", plan.reps, *plan.reps_by_quarter),
            ("hires", "count", sum(plan.hires_by_quarter), *plan.hires_by_quarter),
            ("headcount", "count", plan.headcount_by_quarter[-1], *plan.headcount_by_quarter),
        ]
        if any(plan.reps_gap_by_quarter):
            rows.append(("reps short (ramping)", "count", max(plan.reps_gap_by_quarter), *plan.reps_gap_by_quarter))
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
