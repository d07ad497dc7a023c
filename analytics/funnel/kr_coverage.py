"""Coverage (DESIGN "Formulas": Coverage): what team KRs tagged with a funnel_stage commit to,
against the volume the plan requires, stage by stage.
"""

from __future__ import annotations

import pandas as pd

from analytics.funnel.plan import Plan
from analytics.funnel.scenario import BOOKINGS, DEALS, QUARTERS

COVERAGE_COLUMNS = ("stage", "required", "committed", "coverage", "gap", "kr_count")
COMMITMENT_COLUMNS = ("kr_id", "team", "title", "funnel_stage", "target_value")


def coverage(plan: Plan, key_results: pd.DataFrame, quarter: int | None = None) -> pd.DataFrame:
    """What team KRs commit to against what the plan requires (DESIGN "Formulas": Coverage).

    One row per funnel stage, then deals and bookings (COVERAGE_COLUMNS). committed sums the
    target_value of the KRs whose funnel_stage names the row (case-insensitive, trimmed);
    coverage = committed / required (NaN when nothing is required); gap = committed − required,
    negative when KRs fall short. required is the year's volume, or quarter 1..4's when given;
    which KRs count (period, cancelled ones) is the caller's choice.
    """
    if quarter is None:
        required = [s.required for s in plan.stages] + [plan.deals, plan.new_arr_required]
    elif quarter in range(1, QUARTERS + 1):
        q = quarter - 1
        required = [s.by_quarter[q] for s in plan.stages] + [plan.deals_by_quarter[q], plan.bookings_by_quarter[q]]
    else:
        raise ValueError(f"quarter must be 1, 2, 3 or 4, got {quarter!r}")
    names = [s.name for s in plan.stages] + [DEALS, BOOKINGS]
    keys = pd.Index([name.casefold() for name in names])

    if "funnel_stage" in key_results and len(key_results):
        tag = key_results["funnel_stage"].astype("string").str.strip().str.casefold()
        target = pd.to_numeric(key_results["target_value"], errors="coerce")
        committed = target.groupby(tag).sum().reindex(keys, fill_value=0.0)
        counts = tag.value_counts().reindex(keys, fill_value=0)
    else:
        committed = pd.Series(0.0, index=keys)
        counts = pd.Series(0, index=keys)

    required = pd.Series(required, index=keys, dtype=float)
    committed = committed.astype(float)
    return pd.DataFrame(
        {
            "stage": names,
            "required": required.to_numpy(),
            "committed": committed.to_numpy(),
            # Division by a zero requirement would give inf; nothing required means no coverage ratio.
            "coverage": (committed / required.where(required > 0)).to_numpy(),
            "gap": (committed - required).to_numpy(),
            "kr_count": counts.to_numpy().astype(int),
        }
    )


def committed_key_results(
    key_results: pd.DataFrame, objectives: pd.DataFrame, period: str, in_force: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The KRs whose targets count towards coverage of `period` (COMMITMENT_COLUMNS).

    A KR counts when it is tagged with a funnel_stage and its objective's period is exactly
    `period`: a quarter's KRs against the quarter's requirement, the year's KRs against the year's,
    so a yearly KR is never counted in full against one quarter. in_force (kr_id, target_value,
    cancelled: the review's KRs at the as-of date) replaces targets changed by a decision and drops
    cancelled KRs; without it the stored targets count.
    """
    wanted = period.strip().upper()
    in_period = {
        objective: team
        for objective, team, objective_period in zip(
            objectives["objective_id"], objectives["team"], objectives["period"]
        )
        if isinstance(objective_period, str) and objective_period.strip().upper() == wanted
    }
    # Plain Python over the few KRs of one period: pandas string matching on thousands of KRs
    # would cost more than the whole back-calculation.
    tagged = key_results[key_results["funnel_stage"].notna()]
    rows = [
        row
        for row in zip(
            tagged["kr_id"], tagged["objective_id"], tagged["title"], tagged["funnel_stage"], tagged["target_value"]
        )
        if row[1] in in_period
    ]
    if in_force is not None:
        current = dict(zip(in_force["kr_id"], zip(in_force["target_value"], in_force["cancelled"])))
        rows = [
            (kr, objective, title, stage, current[kr][0] if kr in current else target)
            for kr, objective, title, stage, target in rows
            if not (kr in current and current[kr][1])
        ]
    return pd.DataFrame(
        [(kr, in_period[objective], title, stage, target) for kr, objective, title, stage, target in rows],
        columns=list(COMMITMENT_COLUMNS),
    ).astype({"target_value": float})
