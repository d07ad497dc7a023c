"""A plan and the company targets: where a plan year starts from in the stored data (ARR actuals
and the year's ARR target), the company targets a plan publishes (bookings and pipeline volumes per
quarter, and the ARR path when the plan changes it), what publishing them changes, and the metrics'
names as people read them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analytics.funnel.delivery import planned_arr_by_month
from analytics.funnel.plan import Plan
from analytics.funnel.scenario import BOOKINGS, MONTHS_PER_QUARTER, QUARTERS, ScenarioError

PUBLISHED_COLUMNS = ("period", "metric", "start_value", "target_value")
CHANGE_COLUMNS = ("period", "metric", "before", "after", "changed")
ARR = "arr"
PIPELINE_PREFIX = "pipeline_"
CONSULTANTS = "consultants"
UTILISATION = "utilisation"
METRIC_LABELS = {
    ARR: "ARR",
    BOOKINGS: "Bookings (new ARR)",
    CONSULTANTS: "Consultants needed",
    UTILISATION: "Utilisation (%)",
}


def pipeline_metric(stage_name: str) -> str:
    """The company-target metric of a stage's volume: "pipeline_" + the name in snake case."""
    return PIPELINE_PREFIX + re.sub(r"[^0-9a-z]+", "_", stage_name.casefold()).strip("_")


def metric_label(metric: str) -> str:
    """A company-target metric as people read it: "pipeline_emails" → "Pipeline: emails",
    "bookings" → "Bookings (new ARR)", "arr" → "ARR"; other metrics as they are."""
    metric = str(metric).strip()
    if metric.casefold().startswith(PIPELINE_PREFIX):
        return "Pipeline: " + metric[len(PIPELINE_PREFIX) :].replace("_", " ")
    return METRIC_LABELS.get(metric.casefold(), metric)


def arr_targets(plan: Plan, year: int) -> pd.DataFrame:
    """The plan's ARR path as company targets (PUBLISHED_COLUMNS, metric `arr`): the year from the
    beginning ARR to the target, and each quarter from the ARR at the end of the quarter before to
    the ARR planned at its end = beginning × (1 + (expansion − churn − contraction) × months/12) +
    the new ARR planned up to it (DESIGN "Delivery capacity"'s ARR path, at quarter ends)."""
    s = plan.scenario
    ends = [
        float(v) for v in planned_arr_by_month(s, plan.new_arr_required)[MONTHS_PER_QUARTER - 1 :: MONTHS_PER_QUARTER]
    ]
    starts = [s.beginning_arr, *ends[:-1]]
    rows = [(str(int(year)), ARR, s.beginning_arr, s.target_arr)]
    rows += [(f"{int(year)}-Q{q + 1}", ARR, starts[q], ends[q]) for q in range(QUARTERS)]
    return pd.DataFrame(rows, columns=list(PUBLISHED_COLUMNS))


def plan_changes_arr(plan: Plan, year: int, stored: pd.DataFrame) -> bool:
    """Whether the plan changes the year's ARR target: the stored `arr` target of period `year` is
    missing or differs (beyond a dollar) from the plan's beginning ARR → target ARR. The quarterly
    ARR targets are then published with it, so that they add up to the new target."""
    metric = stored["metric"].astype(str).str.strip().str.casefold()
    year_rows = stored[(metric == ARR) & (stored["period"].astype(str).str.strip() == str(int(year)))]
    if year_rows.empty:
        return True
    row = year_rows.iloc[-1]
    plan_row = (plan.scenario.beginning_arr, plan.scenario.target_arr)
    return any(
        pd.isna(v) or abs(float(v) - p) >= 1 for v, p in zip((row["start_value"], row["target_value"]), plan_row)
    )


def target_changes(targets: pd.DataFrame, stored: pd.DataFrame) -> pd.DataFrame:
    """Each target to publish against the stored one of its period and metric (CHANGE_COLUMNS):
    before (NaN when none is stored), after, and whether publishing changes it (beyond a cent)."""
    key = lambda frame: list(  # noqa: E731
        zip(frame["period"].astype(str).str.strip(), frame["metric"].astype(str).str.strip().str.casefold())
    )
    before = dict(zip(key(stored), pd.to_numeric(stored["target_value"], errors="coerce")))
    old = [before.get(k, float("nan")) for k in key(targets)]
    new = targets["target_value"].astype(float).tolist()
    return pd.DataFrame(
        {
            "period": targets["period"].tolist(),
            "metric": targets["metric"].tolist(),
            "before": old,
            "after": new,
            "changed": [pd.isna(o) or abs(o - n) >= 0.01 for o, n in zip(old, new)],
        },
        columns=list(CHANGE_COLUMNS),
    )


def published_targets(plan: Plan, year: int, pipeline_stages: Sequence[str], with_arr: bool = False) -> pd.DataFrame:
    """The company targets a plan publishes (PUBLISHED_COLUMNS): per quarter `YYYY-Qn`, bookings
    and the volume of each chosen stage (metric `pipeline_<stage>`), unrounded, starting from 0, and
    the delivery targets when the plan has a delivery block (delivery_targets);
    `with_arr` adds the plan's ARR path (arr_targets) first.

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
    rows += delivery_targets(plan, year)
    published = pd.DataFrame(rows, columns=list(PUBLISHED_COLUMNS))
    return pd.concat([arr_targets(plan, year), published], ignore_index=True) if with_arr else published


def delivery_targets(plan: Plan, year: int) -> list[tuple]:
    """A plan with a delivery block publishes, per quarter, the consultants it needs (the quarter's
    busiest month, unrounded) and the target utilisation in percent points."""
    if plan.delivery is None:
        return []
    needed = plan.delivery.consultants.needed
    utilisation = plan.delivery.inputs.target_utilisation * 100
    rows = []
    for q in range(QUARTERS):
        period = f"{int(year)}-Q{q + 1}"
        busiest = max(needed[q * MONTHS_PER_QUARTER : (q + 1) * MONTHS_PER_QUARTER])
        rows += [(period, CONSULTANTS, 0.0, busiest), (period, UTILISATION, 0.0, utilisation)]
    return rows


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
