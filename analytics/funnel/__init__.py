"""Bookings back-calculation: from the company ARR target down the funnel to sales headcount.

DESIGN "Formulas" (Back-calculation, Coverage) is the contract; this package is its only
implementation, so the CLI (`python -m analytics backcalc`), the pages and the tests agree.

The chain, all numbers carried unrounded (round up only for display):

    kept ARR          = beginning × (1 − churn − contraction + expansion)        annual rates
    new ARR required  = max(0, target − kept ARR);  surplus = max(0, kept ARR − target)
    bookings          = new ARR, split into quarters by the seasonality weights   one-year contracts
    deals             = bookings / average deal size
    stage volume      = next stage's volume / this stage's conversion rate       the last stage → deals
    reps              = deals / deals per fully ramped rep per quarter           hires from the ramp

A scenario may also split one stage's volume across acquisition channels (`Channel`), each with
its own conversion rates for the stages above that stage; analytics.channels computes the split.

One concern per module, each importing only the ones above it:

    scenario      the inputs: Stage, Channel, Scenario (+ from_dict / to_dict), their validation,
                  ScenarioError, read_scenario_json, parse_fractions; the shared vocabulary
                  (QUARTERS, DEALS, BOOKINGS, TOLERANCE, …)
    hiring        DESIGN's hiring rule (hiring_plan → Hiring), for reps by quarter and consultants by month
    delivery      delivery_plan → DeliveryPlan: the ARR path by month, billable hours, consultants needed
    plan          back_calculate → Plan (+ to_json_dict), plan_table, display_ceil,
                  stage_shift_days, stage_volumes_by_month, month_label, forward_simulate
    what_if       sensitivity, default_drivers, two_way_table, scenario_comparison
    kr_coverage   coverage, committed_key_results (what team KRs commit to against the plan)
    to_date       plan_to_date → PlanToDate (the rest of the year from what is already won),
                  scenario_with_data_defaults (beginning ARR and staff from the stored data)
    report        plan_report: the plan as text for the command line (imported from there only)
    targets       arr_starting_point (where a plan year starts in the stored data),
                  pipeline_metric, metric_label, published_targets (the company targets a plan
                  publishes: bookings, pipeline, ARR path, delivery) and target_changes (before → after)

Every public name is importable from `analytics.funnel` itself, which is how callers import them.
Pure numpy/pandas: no Streamlit, DuckDB or Plotly.
"""

from analytics.funnel.delivery import DeliveryPlan, delivery_plan
from analytics.funnel.hiring import Hiring, hiring_plan, periods_to_full_ramp
from analytics.funnel.kr_coverage import COMMITMENT_COLUMNS, COVERAGE_COLUMNS, committed_key_results, coverage
from analytics.funnel.plan import (
    DAYS_PER_MONTH,
    MONTHLY_COLUMNS,
    PLAN_TABLE_COLUMNS,
    Plan,
    StageRequirement,
    back_calculate,
    display_ceil,
    forward_simulate,
    month_label,
    plan_table,
    stage_shift_days,
    stage_volumes_by_month,
)
from analytics.funnel.scenario import (
    BOOKINGS,
    DEALS,
    DELIVERY_HELP,
    KEY_HELP,
    METADATA_KEYS,
    MONTHS_PER_QUARTER,
    QUARTERS,
    RAMP_UNITS,
    REQUIRED_KEYS,
    RESERVED_STAGE_NAMES,
    TOLERANCE,
    Channel,
    Delivery,
    Scenario,
    ScenarioError,
    Stage,
    parse_fractions,
    read_scenario_json,
)
from analytics.funnel.targets import (
    PUBLISHED_COLUMNS,
    ArrStartingPoint,
    arr_starting_point,
    arr_targets,
    delivery_targets,
    metric_label,
    pipeline_metric,
    plan_changes_arr,
    published_targets,
    target_changes,
)
from analytics.funnel.to_date import (
    DataDefaults,
    PlanToDate,
    forward_simulate_to_date,
    plan_to_date,
    scenario_with_data_defaults,
)
from analytics.funnel.what_if import (
    COMPARISON_COLUMNS,
    DEFAULT_STEPS,
    SCALAR_DRIVERS,
    SENSITIVITY_COLUMNS,
    STAGE_DRIVER_PREFIX,
    default_drivers,
    scenario_comparison,
    sensitivity,
    two_way_table,
)

__all__ = [
    # scenario
    "BOOKINGS",
    "DEALS",
    "KEY_HELP",
    "METADATA_KEYS",
    "MONTHS_PER_QUARTER",
    "QUARTERS",
    "RAMP_UNITS",
    "REQUIRED_KEYS",
    "RESERVED_STAGE_NAMES",
    "TOLERANCE",
    "Channel",
    "Delivery",
    "DELIVERY_HELP",
    "Scenario",
    "ScenarioError",
    "Stage",
    "parse_fractions",
    "read_scenario_json",
    # hiring, delivery
    "Hiring",
    "hiring_plan",
    "periods_to_full_ramp",
    "DeliveryPlan",
    "delivery_plan",
    # plan
    "DAYS_PER_MONTH",
    "MONTHLY_COLUMNS",
    "PLAN_TABLE_COLUMNS",
    "Plan",
    "StageRequirement",
    "back_calculate",
    "display_ceil",
    "forward_simulate",
    "month_label",
    "plan_table",
    "stage_shift_days",
    "stage_volumes_by_month",
    # to_date
    "DataDefaults",
    "PlanToDate",
    "forward_simulate_to_date",
    "plan_to_date",
    "scenario_with_data_defaults",
    # what_if
    "COMPARISON_COLUMNS",
    "DEFAULT_STEPS",
    "SCALAR_DRIVERS",
    "SENSITIVITY_COLUMNS",
    "STAGE_DRIVER_PREFIX",
    "default_drivers",
    "scenario_comparison",
    "sensitivity",
    "two_way_table",
    # kr_coverage
    "COMMITMENT_COLUMNS",
    "COVERAGE_COLUMNS",
    "committed_key_results",
    "coverage",
    # targets
    "PUBLISHED_COLUMNS",
    "ArrStartingPoint",
    "arr_starting_point",
    "arr_targets",
    "delivery_targets",
    "metric_label",
    "pipeline_metric",
    "plan_changes_arr",
    "published_targets",
    "target_changes",
]
