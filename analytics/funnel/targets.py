"""A plan and the company targets: where a plan year starts from in the stored data (ARR actuals
and the year's ARR target), and the company targets a plan publishes (bookings and pipeline volumes
per quarter).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analytics.funnel.plan import Plan
from analytics.funnel.scenario import BOOKINGS, QUARTERS, ScenarioError

PUBLISHED_COLUMNS = ("period", "metric", "start_value", "target_value")


def pipeline_metric(stage_name: str) -> str:
    """The company-target metric of a stage's volume: "pipeline_" + the name in snake case."""
    return "pipeline_" + re.sub(r"[^0-9a-z]+", "_", stage_name.casefold()).strip("_")


def published_targets(plan: Plan, year: int, pipeline_stages: Sequence[str]) -> pd.DataFrame:
    """The company targets a plan publishes (PUBLISHED_COLUMNS): per quarter `YYYY-Qn`, bookings
    and the volume of each chosen stage (metric `pipeline_<stage>`), unrounded, starting from 0.

    A stage's quarterly volume is the one behind that quarter's deals (Plan.stages by_quarter, as
    in coverage), not shifted by the sales cycle."""
    by_name = {stage.name.casefold(): stage for stage in plan.stages}
    chosen = []
    for name in pipeline_stages:
        stage = by_name.get(str(name).strip().casefold())
        if stage is None:
            raise ScenarioError(
                f"pipeline stage {name!r} is not a stage of the plan ({', '.join(s.name for s in plan.stages)})"
            )
        chosen.append(stage)
    metrics = [pipeline_metric(stage.name) for stage in chosen]
    if len(set(metrics)) != len(metrics):
        raise ScenarioError(
            f"the stages {', '.join(s.name for s in chosen)} would publish the same metric twice "
            f"({', '.join(metrics)}); pick one of them"
        )
    rows = []
    for q in range(QUARTERS):
        period = f"{int(year)}-Q{q + 1}"
        rows.append((period, BOOKINGS, 0.0, plan.bookings_by_quarter[q]))
        rows += [(period, metric, 0.0, stage.by_quarter[q]) for metric, stage in zip(metrics, chosen)]
    return pd.DataFrame(rows, columns=list(PUBLISHED_COLUMNS))


@dataclass(frozen=True)
class ArrStartingPoint:
    """Where a plan year starts from, in the stored data: the latest ARR actual on or before the
    as-of month, the ARR at the start of the year (ending ARR of the December before) and the
    year's ARR target (company target metric `arr`, period `YYYY`)."""

    latest_month: str | None
    latest_arr: float | None
    year_start_arr: float | None
    year_target: float | None


def arr_starting_point(arr_actuals: pd.DataFrame, company_targets: pd.DataFrame, as_of, year: int) -> ArrStartingPoint:
    actuals = arr_actuals.assign(month=arr_actuals["month"].astype(str).str.strip()).sort_values("month")
    as_of_month = pd.Timestamp(as_of).strftime("%Y-%m")
    known = actuals[(actuals["month"] <= as_of_month) & actuals["ending_arr"].notna()]
    before_year = actuals[(actuals["month"] == f"{year - 1}-12") & actuals["ending_arr"].notna()]
    metric = company_targets["metric"].astype(str).str.strip().str.lower()
    period = company_targets["period"].astype(str).str.strip()
    target = company_targets.loc[(metric == "arr") & (period == str(year)), "target_value"].dropna()
    return ArrStartingPoint(
        latest_month=known["month"].iloc[-1] if not known.empty else None,
        latest_arr=float(known["ending_arr"].iloc[-1]) if not known.empty else None,
        year_start_arr=float(before_year["ending_arr"].iloc[-1]) if not before_year.empty else None,
        year_target=float(target.iloc[0]) if not target.empty else None,
    )
