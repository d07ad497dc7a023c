"""What-ifs on a scenario: one driver moved at a time (sensitivity, for a tornado chart), win rate ×
deal size (the two-way table), and several scenarios side by side.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from analytics.funnel.plan import back_calculate
from analytics.funnel.scenario import Scenario, ScenarioError, Stage

STAGE_DRIVER_PREFIX = "conversion_rate:"
SCALAR_DRIVERS = (
    "average_deal_size",
    "churn_rate",
    "contraction_rate",
    "expansion_rate",
    "target_arr",
    "beginning_arr",
    "deals_per_rep_per_quarter",
)
DEFAULT_STEPS = (-0.2, -0.1, 0.1, 0.2)

SENSITIVITY_COLUMNS = ("driver", "change", "value", "top_of_funnel", "reps", "delta_top", "delta_reps")
COMPARISON_COLUMNS = ("item", "part", "kind")


def default_drivers(scenario: Scenario) -> list[str]:
    """Each stage's conversion rate, then deal size, churn, expansion, target and rep productivity
    (when the scenario plans reps)."""
    drivers = [STAGE_DRIVER_PREFIX + stage.name for stage in scenario.stages]
    drivers += ["average_deal_size", "churn_rate", "expansion_rate", "target_arr"]
    return drivers + (["deals_per_rep_per_quarter"] if scenario.plans_reps else [])


def sensitivity(
    scenario: Scenario, drivers: Iterable[str] | None = None, steps: Sequence[float] = DEFAULT_STEPS
) -> pd.DataFrame:
    """Top-of-funnel volume and reps when one driver moves by each relative step (SENSITIVITY_COLUMNS).

    Drivers are "conversion_rate:<stage name>" or a scenario key of SCALAR_DRIVERS; default
    `default_drivers(scenario)`. A step of 0.1 multiplies the driver by 1.1. Conversion rates are
    capped at 1 and churn/contraction kept below 1 − the other (value shows where a cap applied);
    steps must stay above −1 so that no driver reaches 0. A monthly churn rate moves as its annual
    equivalent. delta_* are against the unmoved scenario, for a tornado chart.
    """
    steps = [float(step) for step in steps]
    if any(not math.isfinite(step) or step <= -1 for step in steps):
        raise ValueError(f"steps must be finite and above -1 (a driver cannot reach 0), got {steps!r}")
    # The channel split changes neither output, and re-checking it in every moved scenario would
    # be most of the work.
    scenario = replace(scenario, channel_stage=None, channels=())
    base = back_calculate(scenario)
    rows = []
    for driver in default_drivers(scenario) if drivers is None else list(drivers):
        for step in steps:
            moved, value = _moved(scenario, driver, step)
            plan = back_calculate(moved)
            rows.append((driver, step, value, plan.top_of_funnel, plan.reps))
    frame = pd.DataFrame(rows, columns=["driver", "change", "value", "top_of_funnel", "reps"])
    frame["delta_top"] = frame["top_of_funnel"] - base.top_of_funnel
    frame["delta_reps"] = frame["reps"] - base.reps if base.reps is not None else np.nan
    return frame.loc[:, list(SENSITIVITY_COLUMNS)]


def _moved(scenario: Scenario, driver: str, step: float) -> tuple[Scenario, float]:
    """The scenario with one driver multiplied by (1 + step), capped to stay valid, and its new value."""
    if driver.startswith(STAGE_DRIVER_PREFIX):
        name = driver[len(STAGE_DRIVER_PREFIX) :].strip().casefold()
        index = next((i for i, stage in enumerate(scenario.stages) if stage.name.casefold() == name), None)
        if index is None:
            raise ValueError(
                f"unknown driver {driver!r}: no stage named {name!r} "
                f"(stages: {', '.join(s.name for s in scenario.stages)})"
            )
        stage = scenario.stages[index]
        rate = min(1.0, stage.conversion_rate * (1 + step))
        stages = scenario.stages[:index] + (Stage(stage.name, rate),) + scenario.stages[index + 1 :]
        return replace(scenario, stages=stages), rate
    if driver not in SCALAR_DRIVERS:
        raise ValueError(
            f"unknown driver {driver!r} (use {STAGE_DRIVER_PREFIX}<stage> or one of {', '.join(SCALAR_DRIVERS)})"
        )
    if getattr(scenario, driver) is None:
        raise ValueError(f"the scenario has no {driver} to move")
    value = getattr(scenario, driver) * (1 + step)
    changes: dict[str, Any] = {}
    if driver == "churn_rate":
        value = min(value, float(np.nextafter(1 - scenario.contraction_rate, 0)))
        changes["monthly_churn_rate"] = None  # else it would override the moved annual rate
    elif driver == "contraction_rate":
        value = min(value, float(np.nextafter(1 - scenario.churn_rate, 0)))
    return replace(scenario, **changes, **{driver: value}), value


def two_way_table(scenario: Scenario, win_rates: Sequence[float], deal_sizes: Sequence[float]) -> pd.DataFrame:
    """Top-of-funnel volume for each win rate (rows) × average deal size (columns).

    The win rate is the last stage's conversion rate (into deals); everything else stays as in the
    scenario. New ARR required does not depend on either, so the table is one vectorised division.
    """
    win = np.asarray(win_rates, dtype=float)
    size = np.asarray(deal_sizes, dtype=float)
    if win.size == 0 or not np.all(np.isfinite(win) & (win > 0) & (win <= 1)):
        raise ScenarioError(f"win_rates must be above 0 and at most 1, got {list(win_rates)!r}")
    if size.size == 0 or not np.all(np.isfinite(size) & (size > 0)):
        raise ScenarioError(f"deal_sizes must be more than 0, got {list(deal_sizes)!r}")
    new_arr = back_calculate(scenario).new_arr_required
    upper = float(np.prod([stage.conversion_rate for stage in scenario.stages[:-1]]))
    table = new_arr / np.multiply.outer(win * upper, size)
    return pd.DataFrame(table, index=pd.Index(win, name="win_rate"), columns=pd.Index(size, name="average_deal_size"))


def scenario_comparison(scenarios: Mapping[str, Scenario]) -> pd.DataFrame:
    """Key inputs and outputs of several scenarios side by side (COMPARISON_COLUMNS + one column per
    scenario, values unrounded). kind says how to show a row: currency, percent, count (round up),
    number or text."""
    plans = {name: back_calculate(scenario) for name, scenario in scenarios.items()}
    rows = [
        ("Target ARR", "input", "currency", lambda s, p: s.target_arr),
        ("Beginning ARR", "input", "currency", lambda s, p: s.beginning_arr),
        ("Churn (annual)", "input", "percent", lambda s, p: s.churn_rate),
        ("Contraction (annual)", "input", "percent", lambda s, p: s.contraction_rate),
        ("Expansion (annual)", "input", "percent", lambda s, p: s.expansion_rate),
        ("Average deal size", "input", "currency", lambda s, p: s.average_deal_size),
        ("Funnel stages", "input", "text", lambda s, p: " → ".join(stage.name for stage in s.stages)),
        ("Win rate (last stage → deal)", "input", "percent", lambda s, p: s.stages[-1].conversion_rate),
        (
            "Top of funnel → deal",
            "input",
            "percent",
            lambda s, p: float(np.prod([stage.conversion_rate for stage in s.stages])),
        ),
        ("Sales cycle (days)", "input", "number", lambda s, p: s.sales_cycle_days),
        ("Deals per ramped rep per quarter", "input", "number", lambda s, p: s.deals_per_rep_per_quarter),
        ("Channels", "input", "text", lambda s, p: ", ".join(f"{c.name} {c.share:.0%}" for c in s.channels) or "—"),
        ("New ARR required", "output", "currency", lambda s, p: p.new_arr_required),
        ("Surplus over target", "output", "currency", lambda s, p: p.surplus),
        ("Deals", "output", "count", lambda s, p: p.deals),
        ("Top-of-funnel volume", "output", "count", lambda s, p: p.top_of_funnel),
        ("Reps needed (peak quarter)", "output", "count", lambda s, p: p.reps),
        ("Hires in the year", "output", "count", lambda s, p: sum(p.hires_by_quarter) if p.reps is not None else None),
        (
            "Headcount at year end",
            "output",
            "count",
            lambda s, p: p.headcount_by_quarter[-1] if p.reps is not None else None,
        ),
    ]
    frame = pd.DataFrame([(label, part, kind) for label, part, kind, _ in rows], columns=list(COMPARISON_COLUMNS))
    for name, scenario in scenarios.items():
        frame[name] = pd.Series([value(scenario, plans[name]) for *_, value in rows], dtype=object)
    return frame
