"""Split of a plan's volume across acquisition channels (Scenario.channels, Scenario.channel_stage).

The plan requires a volume V at the channel stage (say opportunities). Channel c brings share_c of
it, and reaches it through its own conversion rates for the stages above: its volume at stage i is

    V × share_c / (rate_c[i] × rate_c[i + 1] × … × rate_c[k − 1])        k = the channel stage

so an outbound channel with a 10 % reply rate needs far more emails than its share suggests.
Stages below the channel stage are shared by all channels and stay as the plan computes them.
Numbers are unrounded, like the plan's. Pure numpy/pandas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.funnel import QUARTERS, Plan, stage_volumes_by_month

ALL_CHANNELS = "All channels"
QUARTER_COLUMNS = tuple(f"Q{q}" for q in range(1, QUARTERS + 1))
CHANNEL_COLUMNS = ("channel", "stage", "position", "conversion_rate", "share", "year", *QUARTER_COLUMNS)
CHANNEL_MONTHLY_COLUMNS = ("channel", "stage", "position", "month_offset", "month_label", "volume")


def _divisors(plan: Plan) -> np.ndarray:
    """(channels, k + 1): the product of each channel's rates from stage i down to the channel stage
    (1 at the channel stage itself), i.e. how many stage-i units make one channel-stage unit."""
    s = plan.scenario
    rates = np.array([c.conversion_rates for c in s.channels], dtype=float).reshape(len(s.channels), s.channel_index)
    from_stage_down = np.cumprod(rates[:, ::-1], axis=1)[:, ::-1]
    return np.concatenate([from_stage_down, np.ones((len(s.channels), 1))], axis=1)


def channel_volumes(plan: Plan) -> pd.DataFrame:
    """Volume each channel must bring, at the channel stage and every stage above it (CHANNEL_COLUMNS).

    One row per channel × stage (top down), then an ALL_CHANNELS row per stage with the sums and
    the blended conversion rate (next stage's total ÷ this stage's total). conversion_rate is the
    channel's rate into the next stage; at the channel stage it is the plan's (shared) rate. Empty
    when the scenario has no channels.
    """
    s = plan.scenario
    if not s.channels:
        return pd.DataFrame(columns=list(CHANNEL_COLUMNS))
    k = s.channel_index
    split = plan.stages[k]
    at_split = np.array([split.required, *split.by_quarter])  # year, Q1..Q4
    shares = np.array([c.share for c in s.channels])
    volumes = shares[:, None, None] * at_split[None, None, :] / _divisors(plan)[:, :, None]  # channel, stage, period
    rates = np.array([[*c.conversion_rates, split.conversion_rate] for c in s.channels], dtype=float)
    totals = volumes.sum(axis=0)
    # blended rate into the next stage: next stage's total ÷ this stage's; the channel stage keeps the plan's
    blended = np.append(totals[1:, 0] / np.where(totals[:-1, 0] > 0, totals[:-1, 0], np.nan), split.conversion_rate)
    rows = len(s.channels) + 1  # every channel, then ALL_CHANNELS
    all_volumes = np.concatenate([volumes, totals[None]], axis=0).reshape(rows * (k + 1), 5)
    return pd.DataFrame(
        {
            "channel": np.repeat([c.name for c in s.channels] + [ALL_CHANNELS], k + 1),
            "stage": np.tile([stage.name for stage in s.stages[: k + 1]], rows),
            "position": np.tile(np.arange(k + 1), rows),
            "conversion_rate": np.concatenate([rates, blended[None]], axis=0).ravel(),
            "share": np.repeat([*shares, 1.0], k + 1),
            **{column: all_volumes[:, p] for p, column in enumerate(("year", *QUARTER_COLUMNS))},
        }
    )


def channel_volumes_by_month(plan: Plan, monthly: pd.DataFrame | None = None) -> pd.DataFrame:
    """Monthly volume of each channel at the channel stage and above, shifted by the sales cycle
    like the plan's stages (CHANNEL_MONTHLY_COLUMNS); `monthly` is stage_volumes_by_month(plan)
    when the caller has it already.

    A channel's volume at a stage is a fixed multiple of the plan's volume at that stage (its share
    × the plan's rates ÷ the channel's rates, from the stage down to the channel stage), so every
    month scales by the same factor and each channel keeps the stage's timing.
    """
    s = plan.scenario
    if not s.channels:
        return pd.DataFrame(columns=list(CHANNEL_MONTHLY_COLUMNS))
    monthly = stage_volumes_by_month(plan) if monthly is None else monthly
    k = s.channel_index
    plan_rates = np.array([stage.conversion_rate for stage in s.stages[:k]], dtype=float)
    plan_divisors = np.append(np.cumprod(plan_rates[::-1])[::-1], 1.0)
    factors = np.array([c.share for c in s.channels])[:, None] * plan_divisors[None, :] / _divisors(plan)

    upstream = monthly[monthly["position"] <= k]
    months = upstream["month_offset"].nunique()
    volume = upstream["volume"].to_numpy().reshape(k + 1, months)  # stage_volumes_by_month is stage-major
    channels = [c.name for c in s.channels]
    return pd.DataFrame(
        {
            "channel": np.repeat(channels, (k + 1) * months),
            "stage": np.tile(upstream["stage"].to_numpy(), len(channels)),
            "position": np.tile(upstream["position"].to_numpy(), len(channels)),
            "month_offset": np.tile(upstream["month_offset"].to_numpy(), len(channels)),
            "month_label": np.tile(upstream["month_label"].to_numpy(), len(channels)),
            "volume": (factors[:, :, None] * volume[None, :, :]).ravel(),
        }
    )
