"""Recompute time of the Back-calculation page per input change, at 10 stages × 4 channels × 12 months.

Prints JSON. The figure the issue sets a target for (< 200 ms) is `slowest_open_tab_ms`: the median
cost of one rerun's computation with the slowest tab open — the scenario and the plan, then that
tab's analytics and Plotly figures, as pages/backcalc.py builds only the open tab's (`open_tab_ms`
per tab). `analytics_ms` is every analytics call the page can make, all tabs together: validate the
scenario, back-calculate, the plan table, the monthly volumes with the sales-cycle shift, the channel
split by quarter and by month, the ±10 %/±20 % sensitivity of every driver, the win rate × deal size
table, coverage against the KRs of a large synthetic organisation, the targets to publish and a
three-scenario comparison. `analytics_and_figures_ms` adds every Plotly figure of every tab;
`apptest_rerun_ms` (with --apptest) is a whole Streamlit rerun of the page in AppTest after changing
the deal size, demo data, rendering included.

    .venv/bin/python bench/backcalc_bench.py [--runs 30] [--stages 10] [--channels 4] [--krs 2000] [--apptest]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import tempfile
import time

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analytics.channels import channel_volumes, channel_volumes_by_month  # noqa: E402
from analytics.funnel import (  # noqa: E402
    Scenario,
    back_calculate,
    committed_key_results,
    coverage,
    parse_fractions,
    plan_table,
    published_targets,
    scenario_comparison,
    sensitivity,
    stage_volumes_by_month,
    two_way_table,
)

WHAT_IF_STEPS = (0.8, 0.9, 1.0, 1.1, 1.2)


def scenario_keys(stages: int, channels: int) -> dict:
    """A 10-stage funnel split 4 ways at its 8th stage: the page's scenario keys, rates as fractions."""
    rng = np.random.default_rng(7)
    names = [f"stage {i + 1}" for i in range(stages)]
    split = max(0, stages - 3)
    shares = rng.uniform(0.5, 1.5, channels)
    shares = list(shares / shares.sum())
    shares[-1] = 1 - sum(shares[:-1])
    return {
        "target_arr": 25_000_000,
        "beginning_arr": 12_000_000,
        "monthly_churn_rate": 0.01,
        "contraction_rate": 0.03,
        "expansion_rate": 0.12,
        "average_deal_size": 32_000,
        "stages": [{"name": name, "conversion_rate": float(rng.uniform(0.2, 0.8))} for name in names],
        "seasonality": [0.2, 0.25, 0.25, 0.3],
        "sales_cycle_days": 120,
        "deals_per_rep_per_quarter": 6,
        "ramp_unit": "month",
        "starting_reps": 10,
        "channel_stage": names[split],
        "channels": [
            {
                "name": f"channel {c + 1}",
                "share": share,
                "conversion_rates": {name: float(rng.uniform(0.2, 0.8)) for name in names[:split]},
            }
            for c, share in enumerate(shares)
        ],
    }


def synthetic_okrs(stage_names: list[str], krs: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Objectives over the year's quarters and KRs, a third of them tagged with a funnel stage."""
    rng = np.random.default_rng(11)
    objectives = pd.DataFrame(
        {
            "objective_id": [f"O{i}" for i in range(krs // 4)],
            "period": rng.choice(["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4", "2027"], krs // 4),
            "team": rng.choice([f"team {t}" for t in range(60)], krs // 4),
        }
    )
    tags = rng.choice(stage_names + ["deals", "bookings"] + [None] * (2 * len(stage_names)), krs)
    key_results = pd.DataFrame(
        {
            "kr_id": [f"K{i}" for i in range(krs)],
            "objective_id": rng.choice(objectives["objective_id"], krs),
            "title": [f"KR {i}" for i in range(krs)],
            "funnel_stage": tags,
            "target_value": rng.uniform(10, 5_000, krs).round(),
        }
    )
    in_force = pd.DataFrame(
        {
            "kr_id": key_results["kr_id"],
            "target_value": key_results["target_value"],
            "cancelled": rng.random(krs) < 0.05,
        }
    )
    return objectives, key_results, in_force


def recompute(keys: dict, okrs) -> dict:
    """What the page computes after one input change (pages/backcalc.py, in its order)."""
    objectives, key_results, in_force = okrs
    scenario = Scenario.from_dict({**keys, "ramp": parse_fractions("0.1, 0.2, 0.4, 0.6, 0.8, 1", "ramp")})
    plan = back_calculate(scenario)
    table = plan_table(plan)
    monthly = stage_volumes_by_month(plan)
    split = channel_volumes(plan)
    split_monthly = channel_volumes_by_month(plan, stage_volumes_by_month(plan))
    what_if = sensitivity(scenario)
    win = scenario.stages[-1].conversion_rate
    grid = two_way_table(
        scenario,
        sorted({min(1.0, win * s) for s in WHAT_IF_STEPS}),
        [scenario.average_deal_size * s for s in WHAT_IF_STEPS],
    )
    committed = committed_key_results(key_results, objectives, "2027-Q2", in_force)
    covered = coverage(plan, committed, 2)
    targets = published_targets(plan, 2027, [scenario.stages[0].name, scenario.stages[-1].name])
    compared = scenario_comparison({"current": scenario, "saved 1": scenario, "saved 2": scenario})
    return {
        "plan": plan,
        "table": table,
        "monthly": monthly,
        "split": split,
        "split_monthly": split_monthly,
        "what_if": what_if,
        "grid": grid,
        "coverage": covered,
        "targets": targets,
        "compared": compared,
    }


def figures(result: dict) -> None:
    from charts.funnel import (
        arr_waterfall_figure,
        channel_volume_figure,
        coverage_figure,
        monthly_volume_figure,
        reps_figure,
        stage_funnel_figure,
        tornado_figure,
        two_way_heatmap,
    )

    plan = result["plan"]
    names = [stage.name for stage in plan.stages]
    arr_waterfall_figure(plan, "waterfall")
    stage_funnel_figure(plan, "funnel")
    monthly_volume_figure(result["monthly"], 2027, "monthly")
    reps_figure(plan, "reps")
    channel_volume_figure(result["split"], "channels")
    tornado_figure(result["what_if"], "top_of_funnel", plan.top_of_funnel, names, "top")
    tornado_figure(result["what_if"], "reps", plan.reps, names, "reps")
    two_way_heatmap(result["grid"], plan.stages[-1].conversion_rate, plan.scenario.average_deal_size, "grid")
    coverage_figure(result["coverage"], "coverage")


def open_tab_work(keys: dict, okrs) -> dict:
    """Per tab, what one rerun of the page costs with that tab open: the scenario and the plan (every
    rerun), then that tab's analytics and figures (pages/backcalc.py builds only the open tab's)."""
    from charts.funnel import (
        arr_waterfall_figure,
        channel_volume_figure,
        coverage_figure,
        monthly_volume_figure,
        reps_figure,
        stage_funnel_figure,
        tornado_figure,
        two_way_heatmap,
    )

    objectives, key_results, in_force = okrs

    def planned():
        scenario = Scenario.from_dict({**keys, "ramp": parse_fractions("0.1, 0.2, 0.4, 0.6, 0.8, 1", "ramp")})
        return scenario, back_calculate(scenario)

    def plan_tab():
        _, plan = planned()
        plan_table(plan)
        arr_waterfall_figure(plan, "waterfall")
        stage_funnel_figure(plan, "funnel")
        monthly_volume_figure(stage_volumes_by_month(plan), 2027, "monthly")
        reps_figure(plan, "reps")

    def channels_tab():
        _, plan = planned()
        channel_volume_figure(channel_volumes(plan), "channels")
        channel_volumes_by_month(plan, stage_volumes_by_month(plan))

    def sensitivity_tab():
        scenario, plan = planned()
        names = [stage.name for stage in plan.stages]
        what_if = sensitivity(scenario)
        tornado_figure(what_if, "top_of_funnel", plan.top_of_funnel, names, "top")
        tornado_figure(what_if, "reps", plan.reps, names, "reps")
        win = scenario.stages[-1].conversion_rate
        grid = two_way_table(
            scenario,
            sorted({min(1.0, win * s) for s in WHAT_IF_STEPS}),
            [scenario.average_deal_size * s for s in WHAT_IF_STEPS],
        )
        two_way_heatmap(grid, win, scenario.average_deal_size, "grid")

    def coverage_tab():
        _, plan = planned()
        coverage_figure(
            coverage(plan, committed_key_results(key_results, objectives, "2027-Q2", in_force), 2), "coverage"
        )

    def scenarios_tab():
        scenario, plan = planned()
        published_targets(plan, 2027, [scenario.stages[0].name, scenario.stages[-1].name])
        scenario_comparison({"current": scenario, "saved 1": scenario, "saved 2": scenario})

    return {
        "Inputs": planned,
        "Plan": plan_tab,
        "Channels": channels_tab,
        "Sensitivity": sensitivity_tab,
        "Coverage": coverage_tab,
        "Scenarios": scenarios_tab,
    }


def timed(work, runs: int) -> dict:
    """Wall-clock milliseconds (what a user waits) and the process's CPU milliseconds (what the work
    costs, steady on a busy machine), median over `runs`."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return {
        "median": round(statistics.median(wall), 2),
        "min": round(min(wall), 2),
        "max": round(max(wall), 2),
        "cpu_median": round(statistics.median(cpu), 2),
    }


def apptest_rerun(runs: int) -> dict:
    """Median Streamlit rerun of the page after a deal-size change, on the demo data."""
    import os

    from streamlit.testing.v1 import AppTest, app_test

    from loaders.ingest import check_and_store
    from store.database import Store, UploadedFile
    from ui import state
    from ui.router import routed_pages_manager

    # As tests/conftest.py routed_app_tests does: AppTest runs know from the first run that app.py routes.
    app_test.PagesManager = routed_pages_manager()
    workbook = PROJECT_ROOT / "okr_data" / "demo_company_2027.xlsx"
    with tempfile.TemporaryDirectory() as folder:
        target = str(pathlib.Path(folder) / "demo.duckdb")
        store = Store.open(target)
        check_and_store(store, [UploadedFile(workbook.name, workbook.read_bytes())], "bench")
        store.close()
        os.environ["OKR_DB"], os.environ["OKR_AS_OF"] = target, "2027-05-31"
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
        at.switch_page("pages/backcalc.py").run()
        sizes = iter([25_000 + 500 * (i + 1) for i in range(runs)])
        return timed(lambda: at.number_input(key=state.BACKCALC_DEAL_SIZE).set_value(next(sizes)).run(), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--stages", type=int, default=10)
    parser.add_argument("--channels", type=int, default=4)
    parser.add_argument("--krs", type=int, default=2000)
    parser.add_argument("--apptest", action="store_true", help="also time a whole page rerun in AppTest")
    args = parser.parse_args()

    keys = scenario_keys(args.stages, args.channels)
    okrs = synthetic_okrs([stage["name"] for stage in keys["stages"]], args.krs)
    result = recompute(keys, okrs)  # warm-up: imports, first allocations
    figures(result)
    report = {
        "stages": args.stages,
        "channels": args.channels,
        "months": int(result["monthly"]["month_offset"].nunique()),
        "months_in_plan_year": 12,
        "key_results": args.krs,
        "runs": args.runs,
        "sensitivity_plans": len(result["what_if"]),
        "analytics_ms": timed(lambda: recompute(keys, okrs), args.runs),
        "analytics_and_figures_ms": timed(lambda: figures(recompute(keys, okrs)), max(5, args.runs // 3)),
        "open_tab_ms": {tab: timed(work, max(5, args.runs // 3)) for tab, work in open_tab_work(keys, okrs).items()},
        "target_ms": 200,
    }
    report["slowest_open_tab_ms"] = max(figures["median"] for figures in report["open_tab_ms"].values())
    if args.apptest:
        report["apptest_rerun_ms"] = apptest_rerun(max(3, args.runs // 10))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
