"""Bookings back-calculation: from the company ARR target down the funnel to sales headcount.

DESIGN "Formulas" (Back-calculation, Coverage) is the contract; this module is its only
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

Public API: `Stage`, `Channel`, `Scenario` (+ `from_dict` / `to_dict`), `ScenarioError`,
`read_scenario_json`, `back_calculate` → `Plan` (+ `to_json_dict`), `plan_table`,
`stage_volumes_by_month`, `forward_simulate`, `sensitivity`, `two_way_table`, `coverage`,
`committed_key_results`, `published_targets`, `scenario_comparison`. Pure numpy/pandas: no
Streamlit, DuckDB or Plotly.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from analytics.arr import annual_churn

QUARTERS = 4
MONTHS_PER_QUARTER = 3
# Sales cycles are quoted in days; counting 30-day months makes a 90-day cycle exactly one
# quarter, which is how sales teams read it, and keeps the monthly shift free of odd fractions.
DAYS_PER_MONTH = 30

DEALS = "deals"
BOOKINGS = "bookings"
# Rows that coverage adds after the stages, and the ARR tag of DESIGN's funnel_stage: a stage
# with one of these names would be ambiguous.
RESERVED_STAGE_NAMES = (DEALS, BOOKINGS, "arr")
RAMP_UNITS = ("quarter", "month")

STAGE_DRIVER_PREFIX = "conversion_rate:"
SCALAR_DRIVERS = ("average_deal_size", "churn_rate", "contraction_rate", "expansion_rate", "target_arr",
                  "beginning_arr", "deals_per_rep_per_quarter")
DEFAULT_STEPS = (-0.2, -0.1, 0.1, 0.2)

SENSITIVITY_COLUMNS = ("driver", "change", "value", "top_of_funnel", "reps", "delta_top", "delta_reps")
COVERAGE_COLUMNS = ("stage", "required", "committed", "coverage", "gap", "kr_count")
MONTHLY_COLUMNS = ("stage", "position", "shift_days", "month_offset", "month_label", "volume")
PLAN_TABLE_COLUMNS = ("row", "kind", "year", "Q1", "Q2", "Q3", "Q4")
COMMITMENT_COLUMNS = ("kr_id", "team", "title", "funnel_stage", "target_value")
PUBLISHED_COLUMNS = ("period", "metric", "start_value", "target_value")
COMPARISON_COLUMNS = ("item", "part", "kind")

# What each scenario key means, in the words the error messages use.
KEY_HELP = {
    "target_arr": "the ARR to reach at the end of the year",
    "beginning_arr": "the ARR at the start of the year",
    "churn_rate": "annual share of beginning ARR lost to churn, e.g. 0.12",
    "monthly_churn_rate": "monthly churn, converted to annual as 1 − (1 − m)^12",
    "contraction_rate": "annual share of beginning ARR lost to downgrades, e.g. 0.04",
    "expansion_rate": "annual share of beginning ARR added by upsells, e.g. 0.10",
    "average_deal_size": "new ARR per won deal",
    "stages": "funnel stages from the top down, each {name, conversion_rate}",
    "seasonality": "4 quarterly weights of bookings",
    "sales_cycle_days": "days from the top of the funnel to a won deal",
    "deals_per_rep_per_quarter": "deals a fully ramped rep closes per quarter",
    "ramp": "fraction of full productivity in a new rep's 1st, 2nd, … quarter (or month)",
    "ramp_unit": "whether ramp is by 'quarter' (default) or by 'month'",
    "starting_reps": "fully ramped reps already on the team at the start of the year",
    "channel_stage": "the stage whose required volume is split across acquisition channels",
    "channels": "acquisition channels, each {name, share, conversion_rates: {stage above channel_stage: rate}}",
}
REQUIRED_KEYS = ("target_arr", "beginning_arr", "contraction_rate", "expansion_rate", "average_deal_size", "stages",
                 "deals_per_rep_per_quarter")
# Saved scenarios may carry a label; anything else unknown is most likely a typo of a real key,
# which would otherwise silently fall back to a default.
METADATA_KEYS = ("name", "description", "notes")

_TOLERANCE = 1e-9  # relative: float noise below this is not a shortfall or an extra unit


class ScenarioError(ValueError):
    """A scenario that cannot be back-calculated; the message names the key and what would fix it."""


# ----------------------------------------------------------------------------------------------
# Scenario


@dataclass(frozen=True)
class Stage:
    """A funnel stage and the share of its volume that converts into the next stage (or deals)."""

    name: str
    conversion_rate: float


@dataclass(frozen=True)
class Channel:
    """An acquisition channel: its share of the channel stage's volume and its own conversion rate
    for each stage above that stage, top down (a Mapping {stage name: rate} is accepted on input)."""

    name: str
    share: float
    conversion_rates: tuple[float, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """The inputs of a back-calculation (DESIGN "CLI": backcalc scenario keys). Validated on creation.

    churn_rate, contraction_rate and expansion_rate are annual shares of beginning ARR. When
    monthly_churn_rate is given it overrides churn_rate (annual = 1 − (1 − m)^12). seasonality is
    normalised to sum 1. ramp is by quarter unless ramp_unit is "month"; after its last value a rep
    is fully productive. channels (optional) split channel_stage's volume by share (shares add up
    to 1); they do not change the plan's stage volumes, only how analytics.channels splits them.
    """

    target_arr: float
    beginning_arr: float
    churn_rate: float | None
    contraction_rate: float
    expansion_rate: float
    average_deal_size: float
    stages: tuple[Stage, ...]
    deals_per_rep_per_quarter: float
    seasonality: tuple[float, ...] = (0.25, 0.25, 0.25, 0.25)
    sales_cycle_days: float = 0.0
    ramp: tuple[float, ...] = (1.0,)
    ramp_unit: str = "quarter"
    starting_reps: float = 0.0
    monthly_churn_rate: float | None = None
    channel_stage: str | None = None
    channels: tuple[Channel, ...] = ()

    def __post_init__(self) -> None:
        problems: list[str] = []
        check = _Checker(problems)
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731 (frozen dataclass)

        set_("target_arr", check.number("target_arr", self.target_arr, lambda v: v >= 0, "0 or more"))
        set_("beginning_arr", check.number("beginning_arr", self.beginning_arr, lambda v: v >= 0, "0 or more"))
        if self.monthly_churn_rate is not None:
            monthly = check.number("monthly_churn_rate", self.monthly_churn_rate, lambda v: 0 <= v < 1,
                                   "at least 0 and below 1", percent_hint=True)
            set_("monthly_churn_rate", monthly)
            set_("churn_rate", None if monthly is None else float(annual_churn(monthly)))
        elif self.churn_rate is None:
            problems.append("churn_rate is missing (annual churn, e.g. 0.12, or give monthly_churn_rate)")
        else:
            set_("churn_rate", check.number("churn_rate", self.churn_rate, lambda v: 0 <= v < 1,
                                            "at least 0 and below 1", percent_hint=True))
        set_("contraction_rate", check.number("contraction_rate", self.contraction_rate, lambda v: 0 <= v < 1,
                                              "at least 0 and below 1", percent_hint=True))
        # Expansion is a growth rate, not a probability: above 100 % is unusual but possible.
        set_("expansion_rate", check.number("expansion_rate", self.expansion_rate, lambda v: v >= 0, "0 or more"))
        if self.churn_rate is not None and self.contraction_rate is not None \
                and self.churn_rate + self.contraction_rate >= 1:
            problems.append(f"churn_rate + contraction_rate must stay below 1 (all beginning ARR lost), got "
                            f"{self.churn_rate:g} + {self.contraction_rate:g}")
        set_("average_deal_size", check.number("average_deal_size", self.average_deal_size, lambda v: v > 0,
                                               "more than 0"))
        set_("stages", check.stages(self.stages))
        set_("deals_per_rep_per_quarter", check.number("deals_per_rep_per_quarter", self.deals_per_rep_per_quarter,
                                                       lambda v: v > 0, "more than 0"))
        set_("seasonality", check.seasonality(self.seasonality))
        set_("sales_cycle_days", check.number("sales_cycle_days", self.sales_cycle_days, lambda v: v >= 0,
                                              "0 or more"))
        if self.ramp_unit not in RAMP_UNITS:
            problems.append(f"ramp_unit must be 'quarter' or 'month', got {self.ramp_unit!r}")
        set_("ramp", check.ramp(self.ramp))
        set_("starting_reps", check.number("starting_reps", self.starting_reps, lambda v: v >= 0, "0 or more"))
        if self.stages is not None:
            channel_stage, channels = check.channels(self.channel_stage, self.channels, self.stages)
            set_("channel_stage", channel_stage)
            set_("channels", channels)
        if problems:
            raise ScenarioError("; ".join(problems))

    @property
    def quarterly_ramp(self) -> tuple[float, ...]:
        """The ramp by quarter. A monthly ramp is averaged over each quarter (a rep hired at the
        start of a quarter spends its first three months in it), padding with full productivity."""
        if self.ramp_unit == "quarter":
            return self.ramp
        months = list(self.ramp) + [1.0] * (-len(self.ramp) % MONTHS_PER_QUARTER)
        return tuple(float(np.mean(months[i:i + MONTHS_PER_QUARTER])) for i in range(0, len(months), MONTHS_PER_QUARTER))

    @classmethod
    def from_dict(cls, data: Any) -> "Scenario":
        """A scenario from its JSON object (DESIGN keys); ScenarioError naming every bad key."""
        if not isinstance(data, Mapping):
            raise ScenarioError(f"a scenario must be a JSON object with the keys {', '.join(REQUIRED_KEYS)}, "
                                f"got {type(data).__name__}")
        # Unknown keys do not stop the value checks below, so one run reports every problem.
        unknown_keys, problems = [], []
        known = set(KEY_HELP) | set(METADATA_KEYS)
        for key in data:
            if key not in known:
                unknown_keys.append(f"unknown key {key!r} (known keys: {', '.join(KEY_HELP)})")
        for key in REQUIRED_KEYS:
            if key not in data:
                problems.append(f"{key} is missing ({KEY_HELP[key]})")
        if "churn_rate" not in data and "monthly_churn_rate" not in data:
            problems.append(f"churn_rate is missing ({KEY_HELP['churn_rate']}, or give monthly_churn_rate)")
        stages = data.get("stages")
        if "stages" in data:
            if not isinstance(stages, (list, tuple)) or not stages:
                problems.append(f"stages must be a non-empty list of {{name, conversion_rate}} objects, from the top "
                                f"of the funnel down, got {stages!r}")
            else:
                parsed = []
                for i, stage in enumerate(stages):
                    if not isinstance(stage, Mapping) or "name" not in stage or "conversion_rate" not in stage:
                        problems.append(f"stages[{i}] must be an object with name and conversion_rate, got {stage!r}")
                        continue
                    unknown = set(stage) - {"name", "conversion_rate"}
                    if unknown:
                        unknown_keys.append(f"stages[{i}] has unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                                        f"(a stage has name and conversion_rate)")
                    parsed.append(Stage(stage["name"], stage["conversion_rate"]))
                stages = tuple(parsed)
        for key in ("seasonality", "ramp"):
            if key in data and not isinstance(data[key], (list, tuple)):
                problems.append(f"{key} must be a list of numbers ({KEY_HELP[key]}), got {data[key]!r}")
        if "channels" in data and not isinstance(data["channels"], (list, tuple)):
            problems.append(f"channels must be a list ({KEY_HELP['channels']}), got {data['channels']!r}")
        if problems:
            raise ScenarioError("; ".join(unknown_keys + problems))
        optional = {key: data[key] for key in ("seasonality", "sales_cycle_days", "ramp", "ramp_unit",
                                               "starting_reps", "monthly_churn_rate", "channel_stage",
                                               "channels") if key in data}
        for key in ("seasonality", "ramp", "channels"):
            if key in optional:
                optional[key] = tuple(optional[key])
        try:
            scenario = cls(
                target_arr=data["target_arr"], beginning_arr=data["beginning_arr"], churn_rate=data.get("churn_rate"),
                contraction_rate=data["contraction_rate"], expansion_rate=data["expansion_rate"],
                average_deal_size=data["average_deal_size"], stages=stages,
                deals_per_rep_per_quarter=data["deals_per_rep_per_quarter"], **optional,
            )
        except ScenarioError as exc:
            raise ScenarioError("; ".join(unknown_keys + [str(exc)])) from None
        if unknown_keys:
            raise ScenarioError("; ".join(unknown_keys))
        return scenario

    def to_dict(self) -> dict:
        """The scenario as its JSON object; `Scenario.from_dict(s.to_dict()) == s`."""
        data = {
            "target_arr": self.target_arr,
            "beginning_arr": self.beginning_arr,
            "churn_rate": self.churn_rate,
            "contraction_rate": self.contraction_rate,
            "expansion_rate": self.expansion_rate,
            "average_deal_size": self.average_deal_size,
            "stages": [{"name": s.name, "conversion_rate": s.conversion_rate} for s in self.stages],
            "seasonality": list(self.seasonality),
            "sales_cycle_days": self.sales_cycle_days,
            "deals_per_rep_per_quarter": self.deals_per_rep_per_quarter,
            "ramp": list(self.ramp),
            "ramp_unit": self.ramp_unit,
            "starting_reps": self.starting_reps,
        }
        if self.monthly_churn_rate is not None:
            data["monthly_churn_rate"] = self.monthly_churn_rate
        if self.channels:
            above = [stage.name for stage in self.stages[:self.channel_index]]
            data["channel_stage"] = self.channel_stage
            data["channels"] = [{"name": c.name, "share": c.share, "conversion_rates": dict(zip(above, c.conversion_rates))}
                                for c in self.channels]
        return data

    @property
    def channel_index(self) -> int | None:
        """Position of channel_stage among the stages (0 = top), None without channels."""
        if self.channel_stage is None:
            return None
        return next(i for i, stage in enumerate(self.stages) if stage.name == self.channel_stage)


class _Checker:
    """Validation helpers that collect problems instead of stopping at the first one, so a user
    fixing a scenario file sees every bad key at once."""

    def __init__(self, problems: list[str]):
        self.problems = problems

    def number(self, key: str, value, ok, requirement: str, percent_hint: bool = False) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            self.problems.append(f"{key} must be a number ({KEY_HELP.get(key, requirement)}), got {value!r}")
            return None
        number = float(value)
        if not math.isfinite(number):
            self.problems.append(f"{key} must be a finite number, got {value!r}")
            return None
        if not ok(number):
            hint = f" (write {number:g} % as {number / 100:g})" if percent_hint and number > 1 else ""
            self.problems.append(f"{key} must be {requirement}{hint}, got {value!r}")
            return None
        return number

    def stages(self, stages) -> tuple[Stage, ...] | None:
        if not isinstance(stages, (list, tuple)) or not stages:
            self.problems.append(f"stages must list at least one stage ({KEY_HELP['stages']}), got {stages!r}")
            return None
        checked, seen = [], {}
        for i, stage in enumerate(stages):
            if isinstance(stage, Mapping):
                stage = Stage(stage.get("name"), stage.get("conversion_rate"))
            elif not isinstance(stage, Stage):
                try:
                    stage = Stage(*stage)
                except TypeError:
                    self.problems.append(f"stages[{i}] must be a (name, conversion_rate) pair, got {stage!r}")
                    continue
            name = stage.name.strip() if isinstance(stage.name, str) else None
            if not name:
                self.problems.append(f"stages[{i}] name must be a non-empty text, got {stage.name!r}")
                continue
            where = f'stages[{i}] ("{name}")'
            if name.casefold() in RESERVED_STAGE_NAMES:
                self.problems.append(f"{where} name {name!r} is reserved (deals and bookings come after the last "
                                     f"stage); rename the stage")
            elif name.casefold() in seen:
                self.problems.append(f"{where} name duplicates stages[{seen[name.casefold()]}]: stage names must be "
                                     f"unique (case-insensitive)")
            seen.setdefault(name.casefold(), i)
            rate = self.number(f"{where} conversion_rate", stage.conversion_rate, lambda v: 0 < v <= 1,
                               "above 0 and at most 1", percent_hint=True)
            checked.append(Stage(name, rate))
        return tuple(checked)

    def seasonality(self, weights) -> tuple[float, ...] | None:
        if not isinstance(weights, (list, tuple, np.ndarray)) or len(weights) != QUARTERS:
            self.problems.append(f"seasonality must be 4 quarterly weights, got {weights!r}")
            return None
        values = [self.number(f"seasonality[{q}]", w, lambda v: v >= 0, "0 or more") for q, w in enumerate(weights)]
        if any(v is None for v in values):
            return None
        total = sum(values)
        if total <= 0:
            self.problems.append(f"seasonality weights must have a positive sum, got {list(weights)!r}")
            return None
        # Already-normalised weights are kept as they are, so to_dict/from_dict round-trips exactly.
        return tuple(values) if abs(total - 1) <= 1e-12 else tuple(v / total for v in values)

    def ramp(self, ramp) -> tuple[float, ...] | None:
        if not isinstance(ramp, (list, tuple, np.ndarray)) or len(ramp) == 0:
            self.problems.append(f"ramp must be a non-empty list of fractions ({KEY_HELP['ramp']}), got {ramp!r}")
            return None
        values = [self.number(f"ramp[{i}]", r, lambda v: 0 < v <= 1, "above 0 and at most 1", percent_hint=True)
                  for i, r in enumerate(ramp)]
        return None if any(v is None for v in values) else tuple(values)

    def channels(self, channel_stage, channels, stages: tuple[Stage, ...]) -> tuple[str | None, tuple[Channel, ...]]:
        """The channel stage as the stage's own name, and channels whose rates follow the stages above it."""
        if not isinstance(channels, (list, tuple)):
            self.problems.append(f"channels must be a list ({KEY_HELP['channels']}), got {channels!r}")
            return None, ()
        if not channels:
            if channel_stage is not None:
                self.problems.append("channel_stage is given but channels is empty: list the channels, or leave "
                                     "both out")
            return None, ()
        names = {stage.name.casefold(): i for i, stage in enumerate(stages)}
        if not isinstance(channel_stage, str) or channel_stage.strip().casefold() not in names:
            self.problems.append(f"channel_stage must name the stage whose volume the channels split "
                                 f"(one of {', '.join(s.name for s in stages)}), got {channel_stage!r}")
            return None, ()
        index = names[channel_stage.strip().casefold()]
        above = [stage.name for stage in stages[:index]]
        checked, seen = [], {}
        for i, channel in enumerate(channels):
            if isinstance(channel, Mapping):
                if "name" not in channel or "share" not in channel:
                    self.problems.append(f"channels[{i}] must be an object with name, share and conversion_rates, "
                                         f"got {channel!r}")
                    continue
                unknown = set(channel) - {"name", "share", "conversion_rates"}
                if unknown:
                    self.problems.append(f"channels[{i}] has unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                                         f"(a channel has name, share and conversion_rates)")
                channel = Channel(channel["name"], channel["share"], channel.get("conversion_rates", {}))
            elif not isinstance(channel, Channel):
                self.problems.append(f"channels[{i}] must be an object with name, share and conversion_rates, "
                                     f"got {channel!r}")
                continue
            name = channel.name.strip() if isinstance(channel.name, str) else None
            if not name:
                self.problems.append(f"channels[{i}] name must be a non-empty text, got {channel.name!r}")
                continue
            where = f'channels[{i}] ("{name}")'
            if name.casefold() in seen:
                self.problems.append(f"{where} name duplicates channels[{seen[name.casefold()]}]: channel names "
                                     f"must be unique (case-insensitive)")
            seen.setdefault(name.casefold(), i)
            share = self.number(f"{where} share", channel.share, lambda v: 0 < v <= 1, "above 0 and at most 1",
                                percent_hint=True)
            rates = self._channel_rates(where, channel.conversion_rates, above)
            checked.append(Channel(name, share, rates))
        shares = [c.share for c in checked]
        if len(checked) == len(channels) and None not in shares and abs(sum(shares) - 1) > _TOLERANCE:
            self.problems.append(f"channel shares must add up to 1 (100 %), got {sum(shares):.6g} "
                                 f"({' + '.join(f'{share:g}' for share in shares)})")
        return stages[index].name, tuple(checked)

    def _channel_rates(self, where: str, rates, above: list[str]) -> tuple[float | None, ...]:
        """A channel's rates for the stages above the channel stage, in their order."""
        if isinstance(rates, Mapping):
            given = {str(key).strip().casefold(): value for key, value in rates.items()}
            unknown = sorted(set(given) - {name.casefold() for name in above})
            if unknown:
                self.problems.append(f"{where} conversion_rates has {', '.join(map(repr, unknown))}, which "
                                     f"is not a stage above the channel stage (those are: "
                                     f"{', '.join(above) or 'none'})")
            missing = [name for name in above if name.casefold() not in given]
            if missing:
                self.problems.append(f"{where} conversion_rates is missing {', '.join(map(repr, missing))} (give "
                                     f"the channel's rate for every stage above the channel stage)")
            values = [given.get(name.casefold()) for name in above]
        elif isinstance(rates, (list, tuple, np.ndarray)) and len(rates) == len(above):
            values = list(rates)
        else:
            self.problems.append(f"{where} conversion_rates must give a rate for each of {', '.join(above) or 'no stage'},"
                                 f" got {rates!r}")
            return ()
        # A missing rate has been reported above; None keeps the positions aligned.
        return tuple(None if value is None else
                     self.number(f'{where} conversion_rate of "{name}"', value, lambda v: 0 < v <= 1,
                                 "above 0 and at most 1", percent_hint=True)
                     for name, value in zip(above, values))


def read_scenario_json(content: bytes | str, source: str) -> tuple[Scenario, str | None]:
    """A scenario and its saved name (None if it has none) from the text of a scenario JSON file.

    ScenarioError names `source` and says what is wrong: not UTF-8 text, not JSON (with the line and
    column), or the scenario's own problems."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ScenarioError(f"{source} is not UTF-8 text; save the scenario as a JSON file") from None
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    try:
        scenario = Scenario.from_dict(data)
    except ScenarioError as exc:
        raise ScenarioError(f"{source}: {exc}") from None
    name = data.get("name")
    return scenario, name.strip() if isinstance(name, str) and name.strip() else None


# ----------------------------------------------------------------------------------------------
# Back-calculation


@dataclass(frozen=True)
class StageRequirement:
    """Volume a stage must reach: over the year and by quarter (unrounded)."""

    name: str
    conversion_rate: float
    required: float
    by_quarter: tuple[float, ...]


@dataclass(frozen=True)
class Plan:
    """The back-calculated plan of a scenario. Every number is unrounded.

    reps is the fully ramped reps needed in the peak quarter: capacity has to cover the busiest
    quarter, and a yearly average would understaff it. headcount_by_quarter counts people (ramp
    included) and is what hiring plans against.
    """

    scenario: Scenario
    retained_arr: float
    churn_arr: float
    contraction_arr: float
    expansion_arr: float
    new_arr_required: float
    surplus: float
    bookings_by_quarter: tuple[float, ...]
    deals: float
    deals_by_quarter: tuple[float, ...]
    stages: tuple[StageRequirement, ...]
    reps_by_quarter: tuple[float, ...]
    hires_by_quarter: tuple[float, ...]
    headcount_by_quarter: tuple[float, ...]
    capacity_by_quarter: tuple[float, ...]

    @property
    def bookings(self) -> float:
        return self.new_arr_required

    @property
    def top_of_funnel(self) -> float:
        return self.stages[0].required

    @property
    def reps(self) -> float:
        return max(self.reps_by_quarter)

    def to_json_dict(self) -> dict:
        """DESIGN's backcalc `--json` object, extended (never changed) with the detail behind it."""
        return {
            "new_arr_required": self.new_arr_required,
            "bookings_by_quarter": list(self.bookings_by_quarter),
            "deals": self.deals,
            "stages": [{"name": s.name, "required": s.required, "conversion_rate": s.conversion_rate,
                        "required_by_quarter": list(s.by_quarter)} for s in self.stages],
            "reps": self.reps,
            "surplus": self.surplus,
            "retained_arr": self.retained_arr,
            "churn_arr": self.churn_arr,
            "contraction_arr": self.contraction_arr,
            "expansion_arr": self.expansion_arr,
            "churn_rate": self.scenario.churn_rate,
            "deals_by_quarter": list(self.deals_by_quarter),
            "reps_by_quarter": list(self.reps_by_quarter),
            "hires_by_quarter": list(self.hires_by_quarter),
            "headcount_by_quarter": list(self.headcount_by_quarter),
            "sales_cycle_days": self.scenario.sales_cycle_days,
        }


def back_calculate(scenario: Scenario) -> Plan:
    """The plan that reaches scenario.target_arr (DESIGN "Formulas": Back-calculation)."""
    s = scenario
    kept_share = 1 - s.churn_rate - s.contraction_rate
    gap = s.target_arr - s.beginning_arr * (kept_share + s.expansion_rate)
    new_arr = max(0.0, gap)
    bookings_q = new_arr * np.asarray(s.seasonality)
    deals_q = bookings_q / s.average_deal_size

    # Walk up from deals, one division per stage, for the year and each quarter at once (columns).
    volume = np.concatenate([[new_arr / s.average_deal_size], deals_q])
    volumes = [volume]
    for stage in reversed(s.stages):
        volume = volume / stage.conversion_rate
        volumes.append(volume)
    stage_volumes = volumes[:0:-1]  # top of the funnel first, deals left out

    reps_q = deals_q / s.deals_per_rep_per_quarter
    hires, headcount, capacity = _hiring_plan(reps_q, s.quarterly_ramp, s.starting_reps)
    if not all(np.isfinite(v).all() for v in (*volumes, hires)):
        raise ScenarioError("the scenario's numbers are too large to compute; check target_arr and the "
                            "conversion rates")
    return Plan(
        scenario=s,
        retained_arr=s.beginning_arr * kept_share,
        churn_arr=s.beginning_arr * s.churn_rate,
        contraction_arr=s.beginning_arr * s.contraction_rate,
        expansion_arr=s.beginning_arr * s.expansion_rate,
        new_arr_required=new_arr,
        surplus=max(0.0, -gap),
        bookings_by_quarter=_floats(bookings_q),
        deals=float(volumes[0][0]),
        deals_by_quarter=_floats(deals_q),
        stages=tuple(StageRequirement(stage.name, stage.conversion_rate, float(v[0]), _floats(v[1:]))
                     for stage, v in zip(s.stages, stage_volumes)),
        reps_by_quarter=_floats(reps_q),
        hires_by_quarter=_floats(hires),
        headcount_by_quarter=_floats(headcount),
        capacity_by_quarter=_floats(capacity),
    )


def _hiring_plan(reps_needed: np.ndarray, ramp: Sequence[float], starting_reps: float):
    """Hires at the start of each quarter so that ramped capacity covers the reps needed every quarter.

    A rep hired at the start of quarter j produces ramp[0] of a full rep in quarter j, ramp[1] in
    j + 1, and so on, and is fully productive after the ramp vector ends; starting reps are fully
    productive. Hiring is just in time: each quarter hires exactly the shortfall left by the reps
    already on board, divided by ramp[0]. It is sequential by nature (a quarter's hires depend on
    the earlier ones), hence the loop over four quarters. Returns hires, headcount and capacity
    (in fully ramped reps) by quarter.
    """
    productivity = np.ones(QUARTERS)
    productivity[:min(len(ramp), QUARTERS)] = ramp[:QUARTERS]
    hires = np.zeros(QUARTERS)
    capacity = np.zeros(QUARTERS)
    for q in range(QUARTERS):
        # hires[j] has been on board q − j quarters before this one
        on_board = starting_reps + float(np.dot(hires[:q], productivity[q:0:-1])) if q else starting_reps
        shortfall = reps_needed[q] - on_board
        if shortfall > _TOLERANCE * max(1.0, reps_needed[q]):
            hires[q] = shortfall / productivity[0]
        capacity[q] = on_board + hires[q] * productivity[0]
    return hires, starting_reps + np.cumsum(hires), capacity


def _floats(values) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def plan_table(plan: Plan) -> pd.DataFrame:
    """The plan as rows × (year, Q1..Q4), unrounded, for tables and the CLI (PLAN_TABLE_COLUMNS).

    kind says how to display a row: "currency" (bookings) or "count" (round up for display). The
    year column holds the total, except reps (the peak quarter) and headcount (at year end).
    """
    rows = [("bookings", "currency", plan.new_arr_required, *plan.bookings_by_quarter)]
    rows += [(s.name, "count", s.required, *s.by_quarter) for s in plan.stages]
    rows += [
        (DEALS, "count", plan.deals, *plan.deals_by_quarter),
        ("reps (fully ramped)", "count", plan.reps, *plan.reps_by_quarter),
        ("hires", "count", sum(plan.hires_by_quarter), *plan.hires_by_quarter),
        ("headcount", "count", plan.headcount_by_quarter[-1], *plan.headcount_by_quarter),
    ]
    return pd.DataFrame(rows, columns=list(PLAN_TABLE_COLUMNS))


def display_ceil(value: float) -> int:
    """Round a volume up for display, ignoring float noise (80.00000000000001 deals shows as 80)."""
    return math.ceil(value - _TOLERANCE * max(1.0, abs(value)))


# ----------------------------------------------------------------------------------------------
# Sales-cycle shift and forward simulation


def stage_shift_days(scenario: Scenario) -> list[float]:
    """How many days before its deals each stage's volume is needed: stages then deals.

    The sales cycle runs from the top of the funnel to a won deal. Without per-stage durations,
    each stage-to-stage step is assumed to take an equal share of it: with n stages, the stage at
    position i (0 = top) leads its deals by cycle × (n − i) / n, so the top stage leads by the full
    cycle, the last stage by cycle / n and deals by 0.
    """
    n = len(scenario.stages)
    return [scenario.sales_cycle_days * (n - i) / n for i in range(n + 1)]


def stage_volumes_by_month(plan: Plan) -> pd.DataFrame:
    """Monthly volume of every stage and of deals, shifted earlier by the sales cycle (MONTHLY_COLUMNS).

    Long format, one row per stage × month, dense from the earliest month with volume to month
    12. month_offset 1..12 are the months of the plan year; 0 is the last month of the year
    before, −1 the one before it, and so on; month_label reads "Y M1".."Y M12", "Y-1 M12", ….

    A quarter's volume is spread evenly over its three months, and each stage's months are moved
    earlier by its lead (stage_shift_days, in 30-day months). A fractional lead splits a month's
    volume between the two months it now straddles in proportion to the overlap (uniform within a
    month), so every stage keeps its total.
    """
    s = plan.scenario
    names = [stage.name for stage in plan.stages] + [DEALS]
    quarterly = np.array([stage.by_quarter for stage in plan.stages] + [plan.deals_by_quarter])
    monthly = np.repeat(quarterly / MONTHS_PER_QUARTER, MONTHS_PER_QUARTER, axis=1)  # (stages + 1, 12)

    shift_days = np.array(stage_shift_days(s))
    # Rounded so that e.g. 2.9999999999 months does not spill a zero-volume month at the front.
    shift = np.round(shift_days / DAYS_PER_MONTH, 9)
    whole, fraction = np.floor(shift).astype(int), shift - np.floor(shift)
    months = np.arange(1, 13)
    earliest = int((1 - whole - (fraction > 0)).min())
    offsets = np.arange(earliest, 13)

    grid = np.zeros((len(names), len(offsets)))
    rows = np.arange(len(names))[:, None]
    # Month m moves to m − whole with share (1 − fraction) and to m − whole − 1 with share fraction.
    np.add.at(grid, (rows, months[None, :] - whole[:, None] - earliest), monthly * (1 - fraction)[:, None])
    np.add.at(grid, (rows, months[None, :] - whole[:, None] - 1 - earliest), monthly * fraction[:, None])

    return pd.DataFrame({
        "stage": np.repeat(names, len(offsets)),
        "position": np.repeat(np.arange(len(names)), len(offsets)),
        "shift_days": np.repeat(shift_days, len(offsets)),
        "month_offset": np.tile(offsets, len(names)),
        "month_label": np.tile([month_label(o) for o in offsets], len(names)),
        "volume": grid.ravel(),
    })


def month_label(offset: int) -> str:
    """"Y M1".."Y M12" for the plan year, "Y-1 M12" for offset 0, "Y-2 M12" for offset −12, …"""
    if offset >= 1:
        return f"Y M{offset}"
    years_back = (12 - offset) // 12
    return f"Y-{years_back} M{offset + 12 * years_back}"


def forward_simulate(plan: Plan, scenario: Scenario) -> float:
    """Ending ARR when the plan's top-of-funnel volume runs forward through the scenario.

    top volume × every conversion rate = deals; × average deal size = bookings (new ARR);
    ending = beginning × (1 − churn − contraction + expansion) + bookings. Equals target_arr for
    the scenario's own plan unless there is a surplus (then it is target + surplus).
    """
    rates = np.array([stage.conversion_rate for stage in scenario.stages])
    deals = plan.top_of_funnel * float(np.prod(rates))
    kept = scenario.beginning_arr * (1 - scenario.churn_rate - scenario.contraction_rate + scenario.expansion_rate)
    return kept + deals * scenario.average_deal_size


# ----------------------------------------------------------------------------------------------
# What-ifs


def default_drivers(scenario: Scenario) -> list[str]:
    """Each stage's conversion rate, then deal size, churn, expansion, target and rep productivity."""
    return [STAGE_DRIVER_PREFIX + stage.name for stage in scenario.stages] + [
        "average_deal_size", "churn_rate", "expansion_rate", "target_arr", "deals_per_rep_per_quarter"]


def sensitivity(scenario: Scenario, drivers: Iterable[str] | None = None,
                steps: Sequence[float] = DEFAULT_STEPS) -> pd.DataFrame:
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
    for driver in (default_drivers(scenario) if drivers is None else list(drivers)):
        for step in steps:
            moved, value = _moved(scenario, driver, step)
            plan = back_calculate(moved)
            rows.append((driver, step, value, plan.top_of_funnel, plan.reps))
    frame = pd.DataFrame(rows, columns=["driver", "change", "value", "top_of_funnel", "reps"])
    frame["delta_top"] = frame["top_of_funnel"] - base.top_of_funnel
    frame["delta_reps"] = frame["reps"] - base.reps
    return frame.loc[:, list(SENSITIVITY_COLUMNS)]


def _moved(scenario: Scenario, driver: str, step: float) -> tuple[Scenario, float]:
    """The scenario with one driver multiplied by (1 + step), capped to stay valid, and its new value."""
    if driver.startswith(STAGE_DRIVER_PREFIX):
        name = driver[len(STAGE_DRIVER_PREFIX):].strip().casefold()
        index = next((i for i, stage in enumerate(scenario.stages) if stage.name.casefold() == name), None)
        if index is None:
            raise ValueError(f"unknown driver {driver!r}: no stage named {name!r} "
                             f"(stages: {', '.join(s.name for s in scenario.stages)})")
        stage = scenario.stages[index]
        rate = min(1.0, stage.conversion_rate * (1 + step))
        stages = scenario.stages[:index] + (Stage(stage.name, rate),) + scenario.stages[index + 1:]
        return replace(scenario, stages=stages), rate
    if driver not in SCALAR_DRIVERS:
        raise ValueError(f"unknown driver {driver!r} (use {STAGE_DRIVER_PREFIX}<stage> or one of "
                         f"{', '.join(SCALAR_DRIVERS)})")
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


# ----------------------------------------------------------------------------------------------
# Coverage


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
    return pd.DataFrame({
        "stage": names,
        "required": required.to_numpy(),
        "committed": committed.to_numpy(),
        # Division by a zero requirement would give inf; nothing required means no coverage ratio.
        "coverage": (committed / required.where(required > 0)).to_numpy(),
        "gap": (committed - required).to_numpy(),
        "kr_count": counts.to_numpy().astype(int),
    })


def committed_key_results(key_results: pd.DataFrame, objectives: pd.DataFrame, period: str,
                          in_force: pd.DataFrame | None = None) -> pd.DataFrame:
    """The KRs whose targets count towards coverage of `period` (COMMITMENT_COLUMNS).

    A KR counts when it is tagged with a funnel_stage and its objective's period is exactly
    `period`: a quarter's KRs against the quarter's requirement, the year's KRs against the year's,
    so a yearly KR is never counted in full against one quarter. in_force (kr_id, target_value,
    cancelled: the review's KRs at the as-of date) replaces targets changed by a decision and drops
    cancelled KRs; without it the stored targets count.
    """
    wanted = period.strip().upper()
    in_period = {objective: team for objective, team, objective_period
                 in zip(objectives["objective_id"], objectives["team"], objectives["period"])
                 if isinstance(objective_period, str) and objective_period.strip().upper() == wanted}
    # Plain Python over the few KRs of one period: pandas string matching on thousands of KRs
    # would cost more than the whole back-calculation.
    tagged = key_results[key_results["funnel_stage"].notna()]
    rows = [row for row in zip(tagged["kr_id"], tagged["objective_id"], tagged["title"], tagged["funnel_stage"],
                               tagged["target_value"]) if row[1] in in_period]
    if in_force is not None:
        current = dict(zip(in_force["kr_id"], zip(in_force["target_value"], in_force["cancelled"])))
        rows = [(kr, objective, title, stage, current[kr][0] if kr in current else target)
                for kr, objective, title, stage, target in rows if not (kr in current and current[kr][1])]
    return pd.DataFrame([(kr, in_period[objective], title, stage, target) for kr, objective, title, stage, target in rows],
                        columns=list(COMMITMENT_COLUMNS)).astype({"target_value": float})


# ----------------------------------------------------------------------------------------------
# Publishing and comparing scenarios


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
            raise ScenarioError(f"pipeline stage {name!r} is not a stage of the plan "
                                f"({', '.join(s.name for s in plan.stages)})")
        chosen.append(stage)
    metrics = [pipeline_metric(stage.name) for stage in chosen]
    if len(set(metrics)) != len(metrics):
        raise ScenarioError(f"the stages {', '.join(s.name for s in chosen)} would publish the same metric twice "
                            f"({', '.join(metrics)}); pick one of them")
    rows = []
    for q in range(QUARTERS):
        period = f"{int(year)}-Q{q + 1}"
        rows.append((period, BOOKINGS, 0.0, plan.bookings_by_quarter[q]))
        rows += [(period, metric, 0.0, stage.by_quarter[q]) for metric, stage in zip(metrics, chosen)]
    return pd.DataFrame(rows, columns=list(PUBLISHED_COLUMNS))


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
        ("Top of funnel → deal", "input", "percent",
         lambda s, p: float(np.prod([stage.conversion_rate for stage in s.stages]))),
        ("Sales cycle (days)", "input", "number", lambda s, p: s.sales_cycle_days),
        ("Deals per ramped rep per quarter", "input", "number", lambda s, p: s.deals_per_rep_per_quarter),
        ("Channels", "input", "text", lambda s, p: ", ".join(f"{c.name} {c.share:.0%}" for c in s.channels) or "—"),
        ("New ARR required", "output", "currency", lambda s, p: p.new_arr_required),
        ("Surplus over target", "output", "currency", lambda s, p: p.surplus),
        ("Deals", "output", "count", lambda s, p: p.deals),
        ("Top-of-funnel volume", "output", "count", lambda s, p: p.top_of_funnel),
        ("Reps needed (peak quarter)", "output", "count", lambda s, p: p.reps),
        ("Hires in the year", "output", "count", lambda s, p: sum(p.hires_by_quarter)),
        ("Headcount at year end", "output", "count", lambda s, p: p.headcount_by_quarter[-1]),
    ]
    frame = pd.DataFrame([(label, part, kind) for label, part, kind, _ in rows], columns=list(COMPARISON_COLUMNS))
    for name, scenario in scenarios.items():
        frame[name] = pd.Series([value(scenario, plans[name]) for *_, value in rows], dtype=object)
    return frame


# ----------------------------------------------------------------------------------------------
# Inputs from the stored data and from text


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


def parse_fractions(text: str, key: str) -> list[float]:
    """Numbers typed in one line, "0.25, 0.5, 0.75, 1" or "25%, 50%, 100%", as fractions;
    ScenarioError naming `key` and the piece that is not a number. Ranges are Scenario's to check."""
    values = []
    for piece in re.split(r"[,;\s]+", str(text).strip()):
        if not piece:
            continue
        percent = piece.endswith("%")
        try:
            value = float(piece.rstrip("%"))
        except ValueError:
            raise ScenarioError(f"{key}: {piece!r} is not a number (write fractions such as 0.25, 0.5, 0.75, 1)") from None
        values.append(value / 100 if percent else value)
    if not values:
        raise ScenarioError(f"{key} is empty (write fractions such as 0.25, 0.5, 0.75, 1)")
    return values
