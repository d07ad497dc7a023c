"""Services delivery capacity (DESIGN "Delivery capacity"): from the plan's ARR path by month to the
billable hours to deliver, the consultants needed at the target utilisation, and the hires by month
(analytics.funnel.hiring's rule, monthly ramp).

Always the whole plan year: planned ARR at the end of month m = beginning × (1 + (expansion − churn −
contraction) × m/12) + the new ARR planned up to m (the year's required new ARR split over the months
by the seasonality weights). Revenue to deliver in m is a twelfth of that ARR times the services share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.funnel.hiring import Hiring, hiring_plan
from analytics.funnel.scenario import Delivery, Scenario

MONTHS = 12


@dataclass(frozen=True)
class DeliveryPlan:
    """Month by month (12 months of the plan year), unrounded."""

    inputs: Delivery
    arr_by_month: tuple[float, ...]
    revenue_by_month: tuple[float, ...]
    billable_hours_by_month: tuple[float, ...]
    consultants: Hiring

    @property
    def peak_consultants(self) -> float:
        return self.consultants.peak

    def to_json_dict(self) -> dict:
        return {
            "arr_by_month": list(self.arr_by_month),
            "revenue_by_month": list(self.revenue_by_month),
            "billable_hours_by_month": list(self.billable_hours_by_month),
            "consultants_needed_by_month": list(self.consultants.needed),
            "hires_by_month": list(self.consultants.hires),
            "headcount_by_month": list(self.consultants.headcount),
            "effective_consultants_by_month": list(self.consultants.effective),
            "gap_by_month": list(self.consultants.gap),
            "peak_consultants": self.peak_consultants,
            "starting_consultants": self.inputs.starting_consultants or 0.0,
        }


def planned_arr_by_month(scenario: Scenario, new_arr_required: float) -> np.ndarray:
    """The plan's ARR at the end of each month of the year: the beginning ARR moved linearly by the
    annual net retention rate, plus the new ARR planned up to that month (seasonality weights)."""
    months = np.arange(1, MONTHS + 1)
    net_rate = scenario.expansion_rate - scenario.churn_rate - scenario.contraction_rate
    return scenario.beginning_arr * (1 + net_rate * months / MONTHS) + new_arr_required * np.cumsum(
        scenario.monthly_weights
    )


def delivery_plan(scenario: Scenario, new_arr_required: float) -> DeliveryPlan | None:
    """The delivery plan of a scenario with a delivery block (None without one)."""
    inputs = scenario.delivery
    if inputs is None:
        return None
    arr = planned_arr_by_month(scenario, new_arr_required)
    revenue = arr / MONTHS * inputs.services_share
    hours = revenue / inputs.rate_per_hour
    needed = hours / (inputs.hours_per_fte_per_month * inputs.target_utilisation)
    return DeliveryPlan(
        inputs=inputs,
        arr_by_month=tuple(map(float, arr)),
        revenue_by_month=tuple(map(float, revenue)),
        billable_hours_by_month=tuple(map(float, hours)),
        consultants=hiring_plan(needed, inputs.consultant_ramp, inputs.starting_consultants or 0.0),
    )
