"""The inputs of a back-calculation: the scenario's schema (Stage, Channel, Scenario and their JSON
object, DESIGN "CLI": backcalc scenario keys) and its validation, which collects every problem so
that one run names every bad key.

Also the funnel's fixed vocabulary shared by the other modules of analytics.funnel: quarters and
months, the deals and bookings rows, the float tolerance.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from analytics.arr import annual_churn

QUARTERS = 4
MONTHS_PER_QUARTER = 3

DEALS = "deals"
BOOKINGS = "bookings"
# Rows that coverage adds after the stages, and the ARR tag of DESIGN's funnel_stage: a stage
# with one of these names would be ambiguous.
RESERVED_STAGE_NAMES = (DEALS, BOOKINGS, "arr")
RAMP_UNITS = ("quarter", "month")

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
    "starting_reps": "sales reps on staff at the start of the year (default: the Headcount sheet's, else 0)",
    "channel_stage": "the stage whose required volume is split across acquisition channels",
    "channels": "acquisition channels, each {name, share, conversion_rates: {stage above channel_stage: rate}}",
    "delivery": "services delivery capacity: {rate_per_hour, target_utilisation, services_share, "
    "hours_per_fte_per_month, consultant_ramp, starting_consultants}",
}
DELIVERY_HELP = {
    "services_share": "share of ARR delivered as services, e.g. 0.8 (default 1)",
    "rate_per_hour": "revenue per billable hour",
    "hours_per_fte_per_month": "working hours of one full-time consultant in a month (default 140)",
    "target_utilisation": "share of working hours billed, e.g. 0.75",
    "consultant_ramp": "fraction of full productivity in a new consultant's 1st, 2nd, … month (default [1])",
    "starting_consultants": "consultants on staff at the start of the year (default: the Headcount sheet's, else 0)",
}
REQUIRED_KEYS = (
    "target_arr",
    "beginning_arr",
    "contraction_rate",
    "expansion_rate",
    "average_deal_size",
    "stages",
)
# Saved scenarios may carry a label; anything else unknown is most likely a typo of a real key,
# which would otherwise silently fall back to a default.
METADATA_KEYS = ("name", "description", "notes")

TOLERANCE = 1e-9  # relative: float noise below this is not a shortfall or an extra unit


class ScenarioError(ValueError):
    """A scenario that cannot be back-calculated; the message names the key and what would fix it."""


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
class Delivery:
    """The scenario's services delivery block (DESIGN "Delivery capacity"). Validated on creation.

    starting_consultants None means "from the Headcount sheet" (analytics.funnel.to_date resolves it
    before planning), which plans with 0 when the data has none."""

    rate_per_hour: float
    target_utilisation: float
    services_share: float = 1.0
    hours_per_fte_per_month: float = 140.0
    consultant_ramp: tuple[float, ...] = (1.0,)
    starting_consultants: float | None = None

    def __post_init__(self) -> None:
        problems: list[str] = []
        check = _Checker(problems, DELIVERY_HELP, prefix="delivery.")
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731 (frozen dataclass)
        set_("rate_per_hour", check.number("rate_per_hour", self.rate_per_hour, lambda v: v > 0, "more than 0"))
        set_(
            "target_utilisation",
            check.number(
                "target_utilisation", self.target_utilisation, lambda v: 0 < v <= 1, "above 0 and at most 1", True
            ),
        )
        set_(
            "services_share",
            check.number("services_share", self.services_share, lambda v: 0 <= v <= 1, "from 0 to 1", True),
        )
        set_(
            "hours_per_fte_per_month",
            check.number(
                "hours_per_fte_per_month", self.hours_per_fte_per_month, lambda v: 0 < v <= 744, "above 0, at most 744"
            ),
        )
        set_("consultant_ramp", check.ramp(self.consultant_ramp, "consultant_ramp"))
        if self.starting_consultants is not None:
            set_(
                "starting_consultants",
                check.number("starting_consultants", self.starting_consultants, lambda v: v >= 0, "0 or more"),
            )
        if problems:
            raise ScenarioError("; ".join(problems))

    @classmethod
    def from_dict(cls, data: Any) -> Delivery:
        if not isinstance(data, Mapping):
            raise ScenarioError(f"delivery must be an object ({KEY_HELP['delivery']}), got {data!r}")
        problems = [
            f"delivery has unknown key {key!r} (known keys: {', '.join(DELIVERY_HELP)})"
            for key in data
            if key not in DELIVERY_HELP
        ]
        problems += [
            f"delivery.{key} is missing ({DELIVERY_HELP[key]})"
            for key in ("rate_per_hour", "target_utilisation")
            if key not in data
        ]
        if "consultant_ramp" in data and not isinstance(data["consultant_ramp"], (list, tuple)):
            problems.append(
                f"delivery.consultant_ramp must be a list of numbers ({DELIVERY_HELP['consultant_ramp']}), "
                f"got {data['consultant_ramp']!r}"
            )
        if problems:
            raise ScenarioError("; ".join(problems))
        values = dict(data)
        if "consultant_ramp" in values:
            values["consultant_ramp"] = tuple(values["consultant_ramp"])
        return cls(**values)

    def to_dict(self) -> dict:
        data = {
            "services_share": self.services_share,
            "rate_per_hour": self.rate_per_hour,
            "hours_per_fte_per_month": self.hours_per_fte_per_month,
            "target_utilisation": self.target_utilisation,
            "consultant_ramp": list(self.consultant_ramp),
        }
        if self.starting_consultants is not None:
            data["starting_consultants"] = self.starting_consultants
        return data


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
    deals_per_rep_per_quarter: float | None = None
    seasonality: tuple[float, ...] = (0.25, 0.25, 0.25, 0.25)
    sales_cycle_days: float = 0.0
    ramp: tuple[float, ...] = (1.0,)
    ramp_unit: str = "quarter"
    starting_reps: float = 0.0
    monthly_churn_rate: float | None = None
    channel_stage: str | None = None
    channels: tuple[Channel, ...] = ()
    delivery: Delivery | None = None

    def __post_init__(self) -> None:
        problems: list[str] = []
        check = _Checker(problems)
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731 (frozen dataclass)

        set_("target_arr", check.number("target_arr", self.target_arr, lambda v: v >= 0, "0 or more"))
        set_("beginning_arr", check.number("beginning_arr", self.beginning_arr, lambda v: v >= 0, "0 or more"))
        if self.monthly_churn_rate is not None:
            monthly = check.number(
                "monthly_churn_rate",
                self.monthly_churn_rate,
                lambda v: 0 <= v < 1,
                "at least 0 and below 1",
                percent_hint=True,
            )
            set_("monthly_churn_rate", monthly)
            set_("churn_rate", None if monthly is None else float(annual_churn(monthly)))
        elif self.churn_rate is None:
            problems.append("churn_rate is missing (annual churn, e.g. 0.12, or give monthly_churn_rate)")
        else:
            set_(
                "churn_rate",
                check.number(
                    "churn_rate", self.churn_rate, lambda v: 0 <= v < 1, "at least 0 and below 1", percent_hint=True
                ),
            )
        set_(
            "contraction_rate",
            check.number(
                "contraction_rate",
                self.contraction_rate,
                lambda v: 0 <= v < 1,
                "at least 0 and below 1",
                percent_hint=True,
            ),
        )
        # Expansion is a growth rate, not a probability: above 100 % is unusual but possible.
        set_("expansion_rate", check.number("expansion_rate", self.expansion_rate, lambda v: v >= 0, "0 or more"))
        if (
            self.churn_rate is not None
            and self.contraction_rate is not None
            and self.churn_rate + self.contraction_rate >= 1
        ):
            problems.append(
                f"churn_rate + contraction_rate must stay below 1 (all beginning ARR lost), got "
                f"{self.churn_rate:g} + {self.contraction_rate:g}"
            )
        set_(
            "average_deal_size",
            check.number("average_deal_size", self.average_deal_size, lambda v: v > 0, "more than 0"),
        )
        set_("stages", check.stages(self.stages))
        if self.deals_per_rep_per_quarter is not None:
            set_(
                "deals_per_rep_per_quarter",
                check.number(
                    "deals_per_rep_per_quarter", self.deals_per_rep_per_quarter, lambda v: v > 0, "more than 0"
                ),
            )
        set_("seasonality", check.seasonality(self.seasonality))
        set_("sales_cycle_days", check.number("sales_cycle_days", self.sales_cycle_days, lambda v: v >= 0, "0 or more"))
        if self.ramp_unit not in RAMP_UNITS:
            problems.append(f"ramp_unit must be 'quarter' or 'month', got {self.ramp_unit!r}")
        set_("ramp", check.ramp(self.ramp))
        set_("starting_reps", check.number("starting_reps", self.starting_reps, lambda v: v >= 0, "0 or more"))
        if self.stages is not None:
            channel_stage, channels = check.channels(self.channel_stage, self.channels, self.stages)
            set_("channel_stage", channel_stage)
            set_("channels", channels)
        if self.delivery is not None and not isinstance(self.delivery, Delivery):
            problems.append(f"delivery must be an object ({KEY_HELP['delivery']}), got {self.delivery!r}")
        if problems:
            raise ScenarioError("; ".join(problems))

    @property
    def monthly_weights(self) -> np.ndarray:
        """The share of the year's bookings in each of the 12 months: a quarter's seasonality weight
        split equally over its 3 months."""
        return np.repeat(np.asarray(self.seasonality) / MONTHS_PER_QUARTER, MONTHS_PER_QUARTER)

    @property
    def plans_reps(self) -> bool:
        return self.deals_per_rep_per_quarter is not None

    @property
    def quarterly_ramp(self) -> tuple[float, ...]:
        """The ramp by quarter. A monthly ramp is averaged over each quarter (a rep hired at the
        start of a quarter spends its first three months in it), padding with full productivity."""
        if self.ramp_unit == "quarter":
            return self.ramp
        months = list(self.ramp) + [1.0] * (-len(self.ramp) % MONTHS_PER_QUARTER)
        return tuple(
            float(np.mean(months[i : i + MONTHS_PER_QUARTER])) for i in range(0, len(months), MONTHS_PER_QUARTER)
        )

    @classmethod
    def from_dict(cls, data: Any) -> Scenario:
        """A scenario from its JSON object (DESIGN keys); ScenarioError naming every bad key."""
        if not isinstance(data, Mapping):
            raise ScenarioError(
                f"a scenario must be a JSON object with the keys {', '.join(REQUIRED_KEYS)}, got {type(data).__name__}"
            )
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
                problems.append(
                    f"stages must be a non-empty list of {{name, conversion_rate}} objects, from the top "
                    f"of the funnel down, got {stages!r}"
                )
            else:
                parsed = []
                for i, stage in enumerate(stages):
                    if not isinstance(stage, Mapping) or "name" not in stage or "conversion_rate" not in stage:
                        problems.append(f"stages[{i}] must be an object with name and conversion_rate, got {stage!r}")
                        continue
                    unknown = set(stage) - {"name", "conversion_rate"}
                    if unknown:
                        unknown_keys.append(
                            f"stages[{i}] has unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                            f"(a stage has name and conversion_rate)"
                        )
                    parsed.append(Stage(stage["name"], stage["conversion_rate"]))
                stages = tuple(parsed)
        for key in ("seasonality", "ramp"):
            if key in data and not isinstance(data[key], (list, tuple)):
                problems.append(f"{key} must be a list of numbers ({KEY_HELP[key]}), got {data[key]!r}")
        if "channels" in data and not isinstance(data["channels"], (list, tuple)):
            problems.append(f"channels must be a list ({KEY_HELP['channels']}), got {data['channels']!r}")
        if problems:
            raise ScenarioError("; ".join(unknown_keys + problems))
        optional = {
            key: data[key]
            for key in (
                "seasonality",
                "sales_cycle_days",
                "ramp",
                "ramp_unit",
                "starting_reps",
                "monthly_churn_rate",
                "channel_stage",
                "channels",
            )
            if key in data
        }
        for key in ("seasonality", "ramp", "channels"):
            if key in optional:
                optional[key] = tuple(optional[key])
        if "delivery" in data:
            try:
                optional["delivery"] = Delivery.from_dict(data["delivery"])
            except ScenarioError as exc:
                problems.append(str(exc))
        if "deals_per_rep_per_quarter" in data:
            optional["deals_per_rep_per_quarter"] = data["deals_per_rep_per_quarter"]
        if problems:
            raise ScenarioError("; ".join(unknown_keys + problems))
        try:
            scenario = cls(
                target_arr=data["target_arr"],
                beginning_arr=data["beginning_arr"],
                churn_rate=data.get("churn_rate"),
                contraction_rate=data["contraction_rate"],
                expansion_rate=data["expansion_rate"],
                average_deal_size=data["average_deal_size"],
                stages=stages,
                **optional,
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
            "ramp": list(self.ramp),
            "ramp_unit": self.ramp_unit,
            "starting_reps": self.starting_reps,
        }
        if self.deals_per_rep_per_quarter is not None:
            data["deals_per_rep_per_quarter"] = self.deals_per_rep_per_quarter
        if self.monthly_churn_rate is not None:
            data["monthly_churn_rate"] = self.monthly_churn_rate
        if self.delivery is not None:
            data["delivery"] = self.delivery.to_dict()
        if self.channels:
            above = [stage.name for stage in self.stages[: self.channel_index]]
            data["channel_stage"] = self.channel_stage
            data["channels"] = [
                {"name": c.name, "share": c.share, "conversion_rates": dict(zip(above, c.conversion_rates))}
                for c in self.channels
            ]
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

    def __init__(self, problems: list[str], help_texts: Mapping[str, str] = KEY_HELP, prefix: str = ""):
        self.problems = problems
        self.help_texts = help_texts
        self.prefix = prefix  # "delivery." for the keys of the delivery block

    def number(self, key: str, value, ok, requirement: str, percent_hint: bool = False) -> float | None:
        name = self.prefix + key
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            self.problems.append(f"{name} must be a number ({self.help_texts.get(key, requirement)}), got {value!r}")
            return None
        number = float(value)
        if not math.isfinite(number):
            self.problems.append(f"{name} must be a finite number, got {value!r}")
            return None
        if not ok(number):
            hint = f" (write {number:g} % as {number / 100:g})" if percent_hint and number > 1 else ""
            self.problems.append(f"{name} must be {requirement}{hint}, got {value!r}")
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
                self.problems.append(
                    f"{where} name {name!r} is reserved (deals and bookings come after the last "
                    f"stage); rename the stage"
                )
            elif name.casefold() in seen:
                self.problems.append(
                    f"{where} name duplicates stages[{seen[name.casefold()]}]: stage names must be "
                    f"unique (case-insensitive)"
                )
            seen.setdefault(name.casefold(), i)
            rate = self.number(
                f"{where} conversion_rate",
                stage.conversion_rate,
                lambda v: 0 < v <= 1,
                "above 0 and at most 1",
                percent_hint=True,
            )
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

    def ramp(self, ramp, key: str = "ramp") -> tuple[float, ...] | None:
        if not isinstance(ramp, (list, tuple, np.ndarray)) or len(ramp) == 0:
            self.problems.append(
                f"{self.prefix}{key} must be a non-empty list of fractions ({self.help_texts[key]}), got {ramp!r}"
            )
            return None
        values = [
            self.number(f"{key}[{i}]", r, lambda v: 0 < v <= 1, "above 0 and at most 1", percent_hint=True)
            for i, r in enumerate(ramp)
        ]
        return None if any(v is None for v in values) else tuple(values)

    def channels(self, channel_stage, channels, stages: tuple[Stage, ...]) -> tuple[str | None, tuple[Channel, ...]]:
        """The channel stage as the stage's own name, and channels whose rates follow the stages above it."""
        if not isinstance(channels, (list, tuple)):
            self.problems.append(f"channels must be a list ({KEY_HELP['channels']}), got {channels!r}")
            return None, ()
        if not channels:
            if channel_stage is not None:
                self.problems.append(
                    "channel_stage is given but channels is empty: list the channels, or leave both out"
                )
            return None, ()
        names = {stage.name.casefold(): i for i, stage in enumerate(stages)}
        if not isinstance(channel_stage, str) or channel_stage.strip().casefold() not in names:
            self.problems.append(
                f"channel_stage must name the stage whose volume the channels split "
                f"(one of {', '.join(s.name for s in stages)}), got {channel_stage!r}"
            )
            return None, ()
        index = names[channel_stage.strip().casefold()]
        above = [stage.name for stage in stages[:index]]
        checked, seen = [], {}
        for i, channel in enumerate(channels):
            if isinstance(channel, Mapping):
                if "name" not in channel or "share" not in channel:
                    self.problems.append(
                        f"channels[{i}] must be an object with name, share and conversion_rates, got {channel!r}"
                    )
                    continue
                unknown = set(channel) - {"name", "share", "conversion_rates"}
                if unknown:
                    self.problems.append(
                        f"channels[{i}] has unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                        f"(a channel has name, share and conversion_rates)"
                    )
                channel = Channel(channel["name"], channel["share"], channel.get("conversion_rates", {}))
            elif not isinstance(channel, Channel):
                self.problems.append(
                    f"channels[{i}] must be an object with name, share and conversion_rates, got {channel!r}"
                )
                continue
            name = channel.name.strip() if isinstance(channel.name, str) else None
            if not name:
                self.problems.append(f"channels[{i}] name must be a non-empty text, got {channel.name!r}")
                continue
            where = f'channels[{i}] ("{name}")'
            if name.casefold() in seen:
                self.problems.append(
                    f"{where} name duplicates channels[{seen[name.casefold()]}]: channel names "
                    f"must be unique (case-insensitive)"
                )
            seen.setdefault(name.casefold(), i)
            share = self.number(
                f"{where} share", channel.share, lambda v: 0 < v <= 1, "above 0 and at most 1", percent_hint=True
            )
            rates = self._channel_rates(where, channel.conversion_rates, above)
            checked.append(Channel(name, share, rates))
        shares = [c.share for c in checked]
        if len(checked) == len(channels) and None not in shares and abs(sum(shares) - 1) > TOLERANCE:
            self.problems.append(
                f"channel shares must add up to 1 (100 %), got {sum(shares):.6g} "
                f"({' + '.join(f'{share:g}' for share in shares)})"
            )
        return stages[index].name, tuple(checked)

    def _channel_rates(self, where: str, rates, above: list[str]) -> tuple[float | None, ...]:
        """A channel's rates for the stages above the channel stage, in their order."""
        if isinstance(rates, Mapping):
            given = {str(key).strip().casefold(): value for key, value in rates.items()}
            unknown = sorted(set(given) - {name.casefold() for name in above})
            if unknown:
                self.problems.append(
                    f"{where} conversion_rates has {', '.join(map(repr, unknown))}, which "
                    f"is not a stage above the channel stage (those are: "
                    f"{', '.join(above) or 'none'})"
                )
            missing = [name for name in above if name.casefold() not in given]
            if missing:
                self.problems.append(
                    f"{where} conversion_rates is missing {', '.join(map(repr, missing))} (give "
                    f"the channel's rate for every stage above the channel stage)"
                )
            values = [given.get(name.casefold()) for name in above]
        elif isinstance(rates, (list, tuple, np.ndarray)) and len(rates) == len(above):
            values = list(rates)
        else:
            self.problems.append(
                f"{where} conversion_rates must give a rate for each of {', '.join(above) or 'no stage'}, got {rates!r}"
            )
            return ()
        # A missing rate has been reported above; None keeps the positions aligned.
        return tuple(
            None
            if value is None
            else self.number(
                f'{where} conversion_rate of "{name}"',
                value,
                lambda v: 0 < v <= 1,
                "above 0 and at most 1",
                percent_hint=True,
            )
            for name, value in zip(above, values)
        )


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
            raise ScenarioError(
                f"{key}: {piece!r} is not a number (write fractions such as 0.25, 0.5, 0.75, 1)"
            ) from None
        values.append(value / 100 if percent else value)
    if not values:
        raise ScenarioError(f"{key} is empty (write fractions such as 0.25, 0.5, 0.75, 1)")
    return values
