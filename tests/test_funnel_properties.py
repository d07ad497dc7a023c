"""Properties of the back-calculation on random valid scenarios (DESIGN "Formulas": a forward
simulation of the plan must reproduce the target).

The forward simulations here are written out in the test, stage by stage, rather than calling
analytics.funnel.forward_simulate, so that they check the back-calculation independently.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.channels import ALL_CHANNELS, channel_volumes, channel_volumes_by_month
from analytics.funnel import Scenario, back_calculate, forward_simulate, stage_volumes_by_month

RELATIVE = 1e-9
rates = st.floats(min_value=0.001, max_value=1.0, allow_nan=False)


@st.composite
def scenarios(draw, with_channels: bool | None = None) -> dict:
    """A valid scenario's JSON object; with_channels None draws whether it has a channel split."""
    n_stages = draw(st.integers(min_value=1, max_value=10))
    stage_rates = draw(st.lists(rates, min_size=n_stages, max_size=n_stages))
    churn = draw(st.floats(min_value=0, max_value=0.6))
    data = {
        "target_arr": draw(st.floats(min_value=0, max_value=1e9)),
        "beginning_arr": draw(st.floats(min_value=0, max_value=2e8)),
        "contraction_rate": draw(st.floats(min_value=0, max_value=0.35)),
        "expansion_rate": draw(st.floats(min_value=0, max_value=1.5)),
        "average_deal_size": draw(st.floats(min_value=100, max_value=1e6)),
        "stages": [{"name": f"stage {i}", "conversion_rate": rate} for i, rate in enumerate(stage_rates)],
        "seasonality": draw(
            st.lists(st.floats(min_value=0, max_value=10), min_size=4, max_size=4).filter(
                lambda weights: sum(weights) > 0.01
            )
        ),
        "sales_cycle_days": draw(st.floats(min_value=0, max_value=400)),
        "deals_per_rep_per_quarter": draw(st.floats(min_value=0.1, max_value=50)),
        "ramp": draw(st.lists(st.floats(min_value=0.01, max_value=1), min_size=1, max_size=8)),
        "ramp_unit": draw(st.sampled_from(["quarter", "month"])),
        "starting_reps": draw(st.floats(min_value=0, max_value=30)),
    }
    if draw(st.booleans()):
        data["monthly_churn_rate"] = churn / 12
    else:
        data["churn_rate"] = churn
    split = draw(st.booleans()) if with_channels is None else with_channels
    if split:
        k = draw(st.integers(min_value=0, max_value=n_stages - 1))
        n_channels = draw(st.integers(min_value=1, max_value=4))
        weights = draw(st.lists(st.floats(min_value=0.05, max_value=1), min_size=n_channels, max_size=n_channels))
        shares = [w / sum(weights) for w in weights]
        shares[-1] = 1 - sum(shares[:-1])  # exactly 1 in floating point
        data["channel_stage"] = f"stage {k}"
        data["channels"] = [
            {"name": f"channel {c}", "share": share, "conversion_rates": {f"stage {i}": draw(rates) for i in range(k)}}
            for c, share in enumerate(shares)
        ]
    return data


def kept_arr(s: Scenario) -> float:
    return s.beginning_arr * (1 - s.churn_rate - s.contraction_rate + s.expansion_rate)


def run_forward(volume: float, conversion_rates) -> float:
    for rate in conversion_rates:
        volume *= rate
    return volume


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_forward_simulation_reaches_the_target(data):
    s = Scenario.from_dict(data)
    plan = back_calculate(s)
    rates = [stage.conversion_rate for stage in s.stages]
    kept = kept_arr(s)
    if s.target_arr >= kept:
        # the top of the funnel, run forward through every stage, closes the deals that reach the target
        deals = run_forward(plan.top_of_funnel, rates)
        assert kept + deals * s.average_deal_size == pytest.approx(s.target_arr, rel=RELATIVE, abs=1e-6)
        assert forward_simulate(plan, s) == pytest.approx(s.target_arr, rel=RELATIVE, abs=1e-6)
        assert plan.surplus == 0
        # each quarter's top of funnel closes that quarter's share of the bookings
        weights = np.asarray(s.seasonality) / sum(s.seasonality)
        for q in range(4):
            closed = run_forward(plan.stages[0].by_quarter[q], rates) * s.average_deal_size
            assert closed == pytest.approx(plan.new_arr_required * weights[q], rel=RELATIVE, abs=1e-6)
    else:
        # surplus: nothing to sell, every volume 0
        assert plan.new_arr_required == 0 and plan.deals == 0
        assert plan.surplus == pytest.approx(kept - s.target_arr, rel=RELATIVE)
        assert all(stage.required == 0 and not any(stage.by_quarter) for stage in plan.stages)
        assert plan.reps == 0 and not any(plan.hires_by_quarter)
        assert forward_simulate(plan, s) == pytest.approx(kept, rel=RELATIVE)
    for stage in plan.stages:
        assert math.fsum(stage.by_quarter) == pytest.approx(stage.required, rel=RELATIVE, abs=1e-9)
    json.dumps(plan.to_json_dict(), allow_nan=False)  # finite numbers only
    assert Scenario.from_dict(s.to_dict()) == s


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_hiring_follows_the_rule_and_never_shrinks(data):
    s = Scenario.from_dict(data)
    plan = back_calculate(s)
    # hires add up to the peak need minus the starting reps, never more
    assert math.fsum(plan.hires_by_quarter) == pytest.approx(max(0.0, plan.reps - s.starting_reps), abs=1e-6)
    for needed, capacity, gap in zip(plan.reps_by_quarter, plan.capacity_by_quarter, plan.reps_gap_by_quarter):
        assert gap == pytest.approx(max(0.0, needed - capacity), rel=RELATIVE, abs=1e-6)
    assert all(hires >= 0 for hires in plan.hires_by_quarter)
    assert list(plan.headcount_by_quarter) == sorted(plan.headcount_by_quarter)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_the_sales_cycle_shift_keeps_every_stage_total(data):
    plan = back_calculate(Scenario.from_dict(data))
    totals = stage_volumes_by_month(plan).groupby("stage")["volume"].sum()
    for stage in plan.stages:
        assert totals[stage.name] == pytest.approx(stage.required, rel=RELATIVE, abs=1e-9)
    assert totals["deals"] == pytest.approx(plan.deals, rel=RELATIVE, abs=1e-9)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(with_channels=True))
def test_channels_together_bring_the_split_stage_and_reach_the_target(data):
    s = Scenario.from_dict(data)
    plan = back_calculate(s)
    k = s.channel_index
    table = channel_volumes(plan)
    per_channel = table[table["channel"] != ALL_CHANNELS]
    # every channel's top volume, run through its own rates, brings its share of the split stage
    brought = 0.0
    for channel in s.channels:
        rows = per_channel[per_channel["channel"] == channel.name].sort_values("position")
        own = run_forward(rows["year"].iloc[0], channel.conversion_rates)
        assert own == pytest.approx(plan.stages[k].required * channel.share, rel=RELATIVE, abs=1e-9)
        brought += own
    assert brought == pytest.approx(plan.stages[k].required, rel=RELATIVE, abs=1e-9)
    # and the split stage, run down the shared funnel, reaches the target
    deals = run_forward(brought, [stage.conversion_rate for stage in s.stages[k:]])
    assert kept_arr(s) + deals * s.average_deal_size == pytest.approx(
        s.target_arr + plan.surplus, rel=RELATIVE, abs=1e-6
    )
    # the monthly split keeps each channel's year volume
    monthly = channel_volumes_by_month(plan).groupby(["channel", "stage"])["volume"].sum()
    for row in per_channel.itertuples():
        assert monthly[(row.channel, row.stage)] == pytest.approx(row.year, rel=RELATIVE, abs=1e-9)
