"""Delivery capacity against the plan (DESIGN "Delivery capacity"): the consultants the plan needs month
by month beside the consultants on staff (the Headcount sheet) and the planned hires, where the staff
plus the planned hires fall short, utilisation against its target, and how the need moves with the
utilisation and the rate.

Pure pandas over analytics.funnel's DeliveryPlan and the stored Headcount table.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from analytics.bookings import targets_of
from analytics.funnel import Scenario, back_calculate
from analytics.funnel.delivery import DeliveryPlan
from analytics.funnel.hiring import Hiring, hiring_plan, ramped_staff
from analytics.funnel.to_date import CONSULTANT
from analytics.headcount import COMPANY_LABEL, role_key, utilisation

CAPACITY_COLUMNS = (
    "month",  # YYYY-MM of the plan year
    "needed",  # consultants the plan needs (unrounded)
    "planned_headcount",  # the plan's consultants on staff: starting + hires so far
    "hires",  # the plan's hires that month
    "on_staff",  # consultants on staff (Headcount), NaN for months without data
    "expected_staff",  # on staff where known, else the last known staff plus the planned hires since (ramped)
    "gap",  # needed − expected_staff, when positive (0 otherwise)
    "known",  # whether on_staff is a recorded month
)
SENSITIVITY_STEPS = (-0.2, -0.1, 0.0, 0.1, 0.2)  # relative changes of the rate per hour
UTILISATION_STEPS = (-0.10, -0.05, 0.0, 0.05, 0.10)  # points of utilisation (as fractions)


def consultants_by_month(headcount: pd.DataFrame) -> pd.Series:
    """Consultants on staff (sum of fte) by month `YYYY-MM`, months in order."""
    if headcount.empty:
        return pd.Series(dtype=float)
    rows = headcount[headcount["role"].map(role_key) == CONSULTANT]
    fte = pd.to_numeric(rows["fte"], errors="coerce").fillna(0.0)
    return fte.groupby(rows["month"].astype(str).str.strip()).sum().sort_index()


def capacity_table(delivery: DeliveryPlan, headcount: pd.DataFrame, year: int, as_of) -> pd.DataFrame:
    """CAPACITY_COLUMNS for the 12 months of `year`.

    Up to the latest month with staff on record (and not after the as-of month), the staff is what the
    Headcount sheet says; after it, that staff plus the plan's hires from the next month on, each hire
    counted at its ramp — so a month that needs more than the people on board and the hires already
    planned shows its gap, whatever the plan assumed about the staff at the start of the year."""
    as_of_month = pd.Timestamp(as_of).strftime("%Y-%m")
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    staff = consultants_by_month(headcount)
    on_staff = staff.reindex(months)
    recorded = [m for m in staff.index if m <= as_of_month]
    last_known = recorded[-1] if recorded else None
    known = np.array([m in staff.index and m <= as_of_month for m in months])
    hires = np.asarray(delivery.consultants.hires)
    expected = on_staff.to_numpy(dtype=float).copy()
    expected[~known] = np.nan
    base = float(staff[last_known]) if last_known else float(delivery.inputs.starting_consultants or 0.0)
    # planned hires count from the month after the last recorded one (from January without records)
    if last_known is None or last_known < months[0]:
        first = 0
    else:
        first = months.index(last_known) + 1 if last_known <= months[-1] else 12
    later = np.where(np.arange(12) >= first, hires, 0.0)
    expected[first:] = ramped_staff(later, delivery.inputs.consultant_ramp, base)[first:]
    needed = np.asarray(delivery.consultants.needed)
    gap = np.maximum(0.0, needed - expected)
    gap[gap < 1e-9] = 0.0
    return pd.DataFrame(
        {
            "month": months,
            "needed": needed,
            "planned_headcount": delivery.consultants.headcount,
            "hires": hires,
            "on_staff": on_staff.to_numpy(dtype=float),
            "expected_staff": expected,
            "gap": gap,
            "known": known,
        }
    )


def capacity_warnings(capacity: pd.DataFrame) -> pd.DataFrame:
    """The months whose need exceeds the staff plus the planned hires, worst first."""
    short = capacity[capacity["gap"] > 0]
    return short.sort_values(["gap", "month"], ascending=[False, True])


def hires_from_record(delivery: DeliveryPlan, capacity: pd.DataFrame) -> tuple[list[str], Hiring] | None:
    """The hiring rule applied again to the months after the last one on record, starting from the
    staff then: the hires that would still cover the plan (by month), and the gap they leave while
    ramping. None when every month of the year is on record."""
    ahead = capacity[~capacity["known"]]
    if ahead.empty:
        return None
    first = int(ahead.index[0])
    recorded = capacity.loc[: first - 1, "on_staff"].dropna() if first else pd.Series(dtype=float)
    starting = float(recorded.iloc[-1]) if not recorded.empty else float(delivery.inputs.starting_consultants or 0.0)
    return list(ahead["month"]), hiring_plan(ahead["needed"], delivery.inputs.consultant_ramp, starting)


def utilisation_table(headcount: pd.DataFrame, target: float | None) -> pd.DataFrame:
    """Utilisation by month and team (analytics.headcount.utilisation) with the target beside it and
    the difference in points."""
    frame = utilisation(headcount)
    frame["target"] = target
    frame["gap_points"] = (frame["utilisation"] - target) * 100 if target is not None else np.nan
    return frame


def latest_utilisation(headcount: pd.DataFrame, as_of) -> pd.Series | None:
    """The company's utilisation row (utilisation_table's columns) of the last month on record up to
    the as-of date's month, or None."""
    frame = utilisation(headcount)
    company = frame[(frame["team"] == COMPANY_LABEL) & (frame["month"] <= pd.Timestamp(as_of).strftime("%Y-%m"))]
    return None if company.empty else company.iloc[-1]


def sensitivity(scenario: Scenario) -> pd.DataFrame:
    """Peak consultants needed for the rate per hour (rows, ±20 %) × the target utilisation (columns,
    ±10 points), from the scenario's delivery block; each cell a full delivery plan."""
    delivery = scenario.delivery
    rows = {}
    for step in SENSITIVITY_STEPS:
        rate = delivery.rate_per_hour * (1 + step)
        cells = {}
        for points in UTILISATION_STEPS:
            target = delivery.target_utilisation + points
            if not 0 < target <= 1:
                continue
            changed = dataclasses.replace(delivery, rate_per_hour=rate, target_utilisation=target)
            plan = back_calculate(dataclasses.replace(scenario, delivery=changed))
            cells[target] = plan.delivery.peak_consultants
        rows[rate] = cells
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name, frame.columns.name = "rate_per_hour", "target_utilisation"
    return frame


@dataclasses.dataclass(frozen=True)
class CapacityOutlook:
    """What the monthly review sees of delivery: the last month's utilisation against the published
    target (company target `utilisation`, in points, for that month's quarter), and the next quarter's
    published consultants target against the consultants on staff in that month."""

    month: str
    utilisation: float | None
    utilisation_target: float | None
    quarter: str
    consultants_target: float | None
    on_staff: float | None

    @property
    def gap(self) -> float | None:
        if self.consultants_target is None or self.on_staff is None:
            return None
        return max(0.0, self.consultants_target - self.on_staff)


def capacity_outlook(headcount: pd.DataFrame, company_targets: pd.DataFrame, as_of) -> CapacityOutlook | None:
    """None when the Headcount sheet has no consultant hours up to the as-of month."""
    latest = latest_utilisation(headcount, as_of)
    if latest is None:
        return None
    month = latest["month"]
    quarter = _quarter(pd.Timestamp(as_of) + pd.offsets.QuarterBegin(1, startingMonth=1))
    staff = consultants_by_month(headcount)
    return CapacityOutlook(
        month=month,
        utilisation=float(latest["utilisation"]),
        utilisation_target=_target(company_targets, "utilisation", _quarter(pd.Timestamp(month))),
        quarter=quarter,
        consultants_target=_target(company_targets, "consultants", quarter),
        on_staff=float(staff[month]) if month in staff.index else None,
    )


def _quarter(moment: pd.Timestamp) -> str:
    return f"{moment.year}-Q{moment.quarter}"


def _target(company_targets: pd.DataFrame, metric: str, period: str) -> float | None:
    targets = targets_of(company_targets, lambda m: m == metric)
    values = targets.loc[targets["period"] == period, "target_value"].dropna()
    return None if values.empty else float(values.iloc[-1])
