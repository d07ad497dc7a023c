"""DESIGN's hiring rule, shared by sales reps (by quarter) and consultants (by month).

Walk the periods in order; where the people needed in period p exceed the starting staff plus every
hire so far, the difference is hired in period max(first, p − L), L being the periods a hire takes
to be fully ramped (the first k with ramp(k) = 1, k = 0 in the period a hire joins). A hire is then
fully ramped when needed whenever the plan leaves time; where it does not (early periods), the
shortfall is reported as a gap, never covered by extra hires — hiring more than the peak need only
to cover a ramp-up would leave people idle for the rest of the year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analytics.funnel.scenario import TOLERANCE


@dataclass(frozen=True)
class Hiring:
    """People needed, hired, on staff (headcount, ramping or not), effective (in fully ramped
    people) and the gap left, by period; all unrounded."""

    needed: tuple[float, ...]
    hires: tuple[float, ...]
    headcount: tuple[float, ...]
    effective: tuple[float, ...]
    gap: tuple[float, ...]

    @property
    def peak(self) -> float:
        return max(self.needed, default=0.0)


def periods_to_full_ramp(ramp: Sequence[float]) -> int:
    """L: the first period k (0 = the one a hire joins) in which a hire is fully productive."""
    return next((k for k, share in enumerate(ramp) if share >= 1 - TOLERANCE), len(ramp))


def ramp_share(ramp: Sequence[float], periods_on_staff: np.ndarray) -> np.ndarray:
    """ramp(k) for each k, 1 past the end of the ramp list."""
    padded = np.append(np.asarray(ramp, dtype=float), 1.0)
    return padded[np.minimum(periods_on_staff, len(ramp))]


def ramped_staff(hires: np.ndarray, ramp: Sequence[float], starting: float) -> np.ndarray:
    """Effective staff by period, in fully ramped people: starting + Σ_{j ≤ p} hires_j × ramp(p − j)."""
    periods = np.arange(len(hires))
    # on_staff[p, j]: periods hire j has been on staff in period p (negative: not yet joined)
    on_staff = periods[:, None] - periods[None, :]
    shares = np.where(on_staff >= 0, ramp_share(ramp, np.maximum(on_staff, 0)), 0.0)
    return starting + shares @ np.asarray(hires, dtype=float)


def hiring_plan(needed: Sequence[float], ramp: Sequence[float], starting: float) -> Hiring:
    needed = np.asarray(needed, dtype=float)
    lead = periods_to_full_ramp(ramp)
    hires = np.zeros(len(needed))
    for period, need in enumerate(needed):
        shortfall = need - (starting + hires.sum())
        if shortfall > TOLERANCE * max(1.0, need):
            hires[max(0, period - lead)] += shortfall
    effective = ramped_staff(hires, ramp, starting)
    gap = np.maximum(0.0, needed - effective)
    gap[gap <= TOLERANCE * np.maximum(1.0, needed)] = 0.0
    return Hiring(
        needed=_floats(needed),
        hires=_floats(hires),
        headcount=_floats(starting + np.cumsum(hires)),
        effective=_floats(effective),
        gap=_floats(gap),
    )


def _floats(values) -> tuple[float, ...]:
    return tuple(float(v) for v in values)
