"""DESIGN's hiring rule (analytics.funnel.hiring), by hand and as properties over random needs and ramps."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.funnel import hiring_plan, periods_to_full_ramp


def test_periods_to_full_ramp_follow_design():
    assert periods_to_full_ramp([0.25, 0.5, 0.75, 1]) == 3
    assert periods_to_full_ramp([1]) == 0
    assert periods_to_full_ramp([0.5]) == 1  # fully productive past the end of the list


def test_consultants_by_hand():
    # ramp [0.5, 1]: L = 1. Month 3 needs 12 > 10 → 2 hired in month 2; month 4 needs 15 → 3 in month 3.
    hiring = hiring_plan([8, 10, 12, 15], [0.5, 1], starting=10)
    assert hiring.hires == pytest.approx((0, 2, 3, 0))
    assert hiring.headcount == pytest.approx((10, 12, 15, 15))
    assert hiring.effective == pytest.approx((10, 11, 13.5, 15))
    assert hiring.gap == pytest.approx((0, 0, 0, 0))


def test_no_time_to_ramp_leaves_a_gap():
    # needed at once in month 1 with a 3-month ramp: hired in month 1, short while ramping
    hiring = hiring_plan([4, 4, 4, 4], [0.25, 0.5, 0.75, 1], starting=0)
    assert hiring.hires == pytest.approx((4, 0, 0, 0))
    assert hiring.gap == pytest.approx((3, 2, 1, 0))


needs = st.lists(st.floats(min_value=0, max_value=200, allow_nan=False), min_size=1, max_size=12)
ramps = st.lists(st.floats(min_value=0.05, max_value=1), min_size=1, max_size=6).map(sorted)  # ramps rise


@settings(max_examples=300, deadline=None)
@given(needs, ramps, st.floats(min_value=0, max_value=100))
def test_hiring_rule_properties(needed, ramp, starting):
    hiring = hiring_plan(needed, ramp, starting)
    lead = periods_to_full_ramp(ramp)
    # hires add up to the peak need minus the starting staff
    assert math.fsum(hiring.hires) == pytest.approx(max(0.0, max(needed) - starting), rel=1e-9, abs=1e-6)
    # headcount = starting + hires so far; effective never above headcount
    assert hiring.headcount == pytest.approx(tuple(starting + np.cumsum(hiring.hires)), rel=1e-9, abs=1e-9)
    assert all(e <= h + 1e-6 for e, h in zip(hiring.effective, hiring.headcount))
    for period, need in enumerate(needed):
        assert hiring.gap[period] == pytest.approx(max(0.0, need - hiring.effective[period]), rel=1e-9, abs=1e-6)
        # whenever the plan leaves time (period ≥ L), everyone needed by then is hired by period − L,
        # hence fully ramped: no gap
        if period >= lead:
            assert hiring.gap[period] == 0
    # a gap is never covered by extra hires: nobody is hired beyond the peak need
    assert hiring.headcount[-1] <= max(max(needed), starting) + 1e-6
