"""The back-calculation page's form and the scenario it stands for, both ways, as pure functions over
a mapping (the page passes st.session_state; tests pass a dict): a scenario loaded into the inputs,
the editors' tables, and the inputs read back into scenario keys, validated and back-calculated.

Rates are typed in percent in the form and are fractions in the scenario (the JSON the backcalc CLI
reads); money is typed as text with thousands separators ("5,000,000", "$5M", "750k"). The plan
starts from the stored data (the ARR at the start of the plan year, the sales reps on staff then) and
is planned to the as-of date. No Streamlit here: tests/test_ui_backcalc_form.py checks every function
with values."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, MutableMapping, Sequence

import pandas as pd

from analytics.funnel import (
    DataDefaults,
    Plan,
    PlanToDate,
    Scenario,
    ScenarioError,
    arr_starting_point,
    back_calculate,
    parse_fractions,
    plan_to_date,
    scenario_with_data_defaults,
)
from ui import state

ANNUAL, MONTHLY = "Annual", "Monthly"  # the churn basis choices
RAMP_UNITS = {"quarter": "By quarter", "month": "By month"}
RATE_COLUMN = "rate:"  # channel editor columns: "rate:<stage>" holds the channel's rate of that stage
DEFAULT_CHANNELS = (("Outbound", 60.0), ("Inbound", 25.0), ("Partners", 15.0))
PERCENT = 100
# The money inputs: session-state key → scenario key. They are text inputs so that amounts show with
# thousands separators, which a number input cannot.
MONEY_INPUTS = {
    state.BACKCALC_TARGET: "target_arr",
    state.BACKCALC_BEGINNING: "beginning_arr",
    state.BACKCALC_DEAL_SIZE: "average_deal_size",
}
DEFAULT_DEALS_PER_REP = 5.0  # offered when reps are turned on for a scenario that planned none
FROM_DATA = ("beginning_arr", "starting_reps")  # the base scenario's keys the stored data replaces
_MULTIPLIERS = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9}
_AMOUNT = re.compile(r"^\$?(?P<number>\d+(?:\.\d*)?|\.\d+)(?P<unit>[kmb]?)$")


def money_text(amount: float) -> str:
    """An amount as the money inputs show it: whole dollars with thousands separators (cents kept)."""
    return f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"


def parse_money(text: str) -> float:
    """A typed amount: "5,000,000", "$5M", "5.2m", "750k", "2 500 000" → dollars. ValueError when the
    text is not an amount (negative amounts are not amounts here)."""
    cleaned = re.sub(r"[\s,_\u00a0\u202f]", "", str(text)).casefold()
    match = _AMOUNT.match(cleaned)
    if not match:
        raise ValueError(f"{str(text).strip()!r} is not an amount (write e.g. 5,000,000, $5M or 750k)")
    amount = float(match["number"]) * _MULTIPLIERS[match["unit"]]
    if not math.isfinite(amount):
        raise ValueError(f"{str(text).strip()!r} is too large")
    return amount


def tidy_money(form: MutableMapping, key: str) -> None:
    """Rewrite the amount typed under `key` with thousands separators (a text input's on_change);
    text that is not an amount stays as typed, for the form's check to name."""
    try:
        form[key] = money_text(parse_money(form[key]))
    except ValueError:
        pass


def percent(fraction: float) -> float:
    """A fraction as the percent the form shows (0.25 → 25.0, without float noise like 25.000000000000004)."""
    return round(fraction * PERCENT, 10)


def stage_table(scenario: Scenario) -> pd.DataFrame:
    """The stage editor's rows: step (1 = top), stage name, conversion rate in percent."""
    return pd.DataFrame(
        {
            "step": range(1, len(scenario.stages) + 1),
            "stage": [stage.name for stage in scenario.stages],
            "rate": [percent(stage.conversion_rate) for stage in scenario.stages],
        }
    )


def channel_table(scenario: Scenario) -> pd.DataFrame:
    """The channel editor's rows: the scenario's channels, else a default split with the funnel's rates."""
    stages = scenario.stages[: scenario.channel_index] if scenario.channels else scenario.stages[:-1]
    if scenario.channels:
        rows = [(c.name, percent(c.share), *map(percent, c.conversion_rates)) for c in scenario.channels]
    else:
        rows = [(name, share, *(percent(s.conversion_rate) for s in stages)) for name, share in DEFAULT_CHANNELS]
    return pd.DataFrame(rows, columns=["channel", "share", *(RATE_COLUMN + s.name for s in stages)])


def load_into(form: MutableMapping, scenario: Scenario, name: str | None) -> None:
    """Set every input of `form` from a scenario (in callbacks, before the widgets of the next run
    exist), and make the editors start again from the scenario's tables."""
    monthly = scenario.monthly_churn_rate is not None
    form[state.BACKCALC_TARGET] = money_text(scenario.target_arr)
    form[state.BACKCALC_BEGINNING] = money_text(scenario.beginning_arr)
    form[state.BACKCALC_CHURN_BASIS] = MONTHLY if monthly else ANNUAL
    form[state.BACKCALC_CHURN] = percent(scenario.monthly_churn_rate if monthly else scenario.churn_rate)
    form[state.BACKCALC_CONTRACTION] = percent(scenario.contraction_rate)
    form[state.BACKCALC_EXPANSION] = percent(scenario.expansion_rate)
    form[state.BACKCALC_DEAL_SIZE] = money_text(scenario.average_deal_size)
    form[state.BACKCALC_CYCLE] = float(scenario.sales_cycle_days)
    form[state.BACKCALC_PLAN_REPS] = scenario.plans_reps
    form[state.BACKCALC_DEALS_PER_REP] = float(
        scenario.deals_per_rep_per_quarter or form.get(state.BACKCALC_DEALS_PER_REP) or DEFAULT_DEALS_PER_REP
    )
    form[state.BACKCALC_STARTING_REPS] = float(scenario.starting_reps)
    form[state.BACKCALC_DELIVERY] = scenario.delivery.to_dict() if scenario.delivery else None
    form[state.BACKCALC_RAMP] = ", ".join(f"{r:g}" for r in scenario.ramp)
    form[state.BACKCALC_RAMP_UNIT] = scenario.ramp_unit
    for key, weight in zip(state.BACKCALC_SEASONALITY, scenario.seasonality):
        form[key] = percent(weight)
    form[state.BACKCALC_STAGES] = stage_table(scenario)
    form[state.BACKCALC_CHANNELS] = channel_table(scenario)
    form[state.BACKCALC_CHANNELS_ON] = bool(scenario.channels)
    form[state.BACKCALC_CHANNEL_STAGE] = scenario.channel_stage or scenario.stages[-1].name
    form.pop(state.BACKCALC_CHANNELS_EDITED, None)
    if state.BACKCALC_CHANNELS_LAYOUT in form:  # force a new channel editor on the loaded table
        form[state.BACKCALC_CHANNELS_LAYOUT] = (form[state.BACKCALC_CHANNELS_LAYOUT][0], None)
    form[state.BACKCALC_EDITOR_VERSION] = form.get(state.BACKCALC_EDITOR_VERSION, 0) + 1
    if name:
        form[state.BACKCALC_NAME] = name


def data_defaults(base: Mapping, tables: Mapping[str, pd.DataFrame], year: int) -> DataDefaults:
    """The base scenario (its JSON object) for plan year `year` from the stored data: towards the
    year's ARR target (company target `arr`, period YYYY), from the ARR at the start of the year (the
    ending ARR of December Y−1, not the latest month: the months already won are counted as won),
    with the Headcount sheet's sales reps on staff then. The notes say what fell back: the base
    scenario's beginning ARR without a December actual, 0 reps without a Headcount row."""
    keys = {key: value for key, value in base.items() if key not in FROM_DATA}
    start = arr_starting_point(tables["arr_actuals"], tables["company_targets"], dt.date(year, 12, 31), year)
    if start.year_target is not None:
        keys["target_arr"] = start.year_target
    notes = []
    if start.year_start_arr is None:
        keys["beginning_arr"] = float(base.get("beginning_arr", 0.0))
        notes.append(
            f"No ARR actual for {year - 1}-12 is stored: the plan starts from the base scenario's beginning "
            f"ARR (${keys['beginning_arr']:,.0f}); type the ARR at the start of {year} if you know it."
        )
    found = scenario_with_data_defaults(keys, tables["arr_actuals"], tables.get("headcount"), year)
    return DataDefaults(found.scenario, (*notes, *found.notes))


def default_scenario(defaults: DataDefaults) -> Scenario:
    """The scenario the inputs start from (data_defaults)."""
    return Scenario.from_dict(defaults.scenario)


def start_year(form: MutableMapping, defaults: DataDefaults) -> None:
    """A new plan year (the year input's on_change): its target, beginning ARR, sales reps and
    consultants from the stored data (data_defaults of that year); the other inputs stay as they are."""
    scenario = default_scenario(defaults)
    form[state.BACKCALC_TARGET] = money_text(scenario.target_arr)
    form[state.BACKCALC_BEGINNING] = money_text(scenario.beginning_arr)
    form[state.BACKCALC_STARTING_REPS] = float(scenario.starting_reps)
    form[state.BACKCALC_DELIVERY] = scenario.delivery.to_dict() if scenario.delivery else None


def planned_to(year: int, as_of: dt.date) -> dt.date | None:
    """The date a plan of `year` is planned to: the as-of date in that year, the year's last day for
    a year already over, None for a year not begun (all of it is still to book)."""
    if year > as_of.year:
        return None
    return min(as_of, dt.date(year, 12, 31))


def to_date(scenario: Scenario | None, arr_actuals: pd.DataFrame, year: int, as_of: dt.date) -> PlanToDate | None:
    """The plan of `scenario` for `year` with the new ARR won up to the as-of date (planned_to),
    or None (no valid scenario, or a year not begun)."""
    until = planned_to(year, as_of)
    if scenario is None or until is None:
        return None
    return plan_to_date(scenario, arr_actuals, until)


def stages_from_editor(edited: pd.DataFrame) -> list[dict]:
    """The funnel stages as the stage editor shows them, top down by step (rows without a step last,
    in their order), rates as fractions; empty rows are dropped, half-filled ones kept for the
    scenario's checks to name."""
    rows = edited.dropna(how="all", subset=["stage", "rate"]).sort_values("step", na_position="last", kind="stable")
    return [
        {
            "name": name if isinstance(name, str) else "",
            "conversion_rate": None if pd.isna(rate) else float(rate) / PERCENT,
        }
        for name, rate in zip(rows["stage"], rows["rate"])
    ]


def stage_names(stages: list[dict]) -> list[str]:
    """The named stages, each once, top down: what the channel split may split."""
    return list(dict.fromkeys(stage["name"] for stage in stages if stage["name"]))


def channel_base_table(previous: pd.DataFrame, above: Sequence[str], stages: list[dict]) -> pd.DataFrame:
    """The channel editor's table for the stages `above` the split stage: each channel's share and the
    rates already typed, a new stage's rate column starting from the funnel's own rate."""
    funnel = {stage["name"]: stage["conversion_rate"] for stage in stages}
    table = previous[["channel", "share"]].copy()
    for name in above:
        column = RATE_COLUMN + name
        table[column] = previous[column] if column in previous else percent(funnel[name] or 0)
    return table


def channel_editor_number(form: MutableMapping, above: tuple[str, ...], stages: list[dict]) -> int:
    """The number in the channel editor's widget key. The editor's table has one rate column per stage
    above the split stage, so when those stages change (or a scenario is loaded) the table is rebuilt,
    keeping what was typed, and a new number makes a new editor on it."""
    number, layout = form.get(state.BACKCALC_CHANNELS_LAYOUT, (0, None))
    if layout != (form[state.BACKCALC_EDITOR_VERSION], above):
        previous = form.get(state.BACKCALC_CHANNELS_EDITED, form[state.BACKCALC_CHANNELS])
        form[state.BACKCALC_CHANNELS] = channel_base_table(previous, above, stages)
        number += 1
        form[state.BACKCALC_CHANNELS_LAYOUT] = (number, (form[state.BACKCALC_EDITOR_VERSION], above))
    return number


def channels_from_editor(edited: pd.DataFrame, channel_stage: str, above: Sequence[str]) -> dict:
    """The channel split's scenario keys from the channel editor's rows, rates as fractions."""
    rows = edited.dropna(how="all")
    return {
        "channel_stage": channel_stage,
        "channels": [
            {
                "name": row["channel"] if isinstance(row["channel"], str) else "",
                "share": None if pd.isna(row["share"]) else float(row["share"]) / PERCENT,
                "conversion_rates": {
                    name: None if pd.isna(row[RATE_COLUMN + name]) else float(row[RATE_COLUMN + name]) / PERCENT
                    for name in above
                },
            }
            for _, row in rows.iterrows()
        ],
    }


def money_keys(form: Mapping) -> tuple[dict, list[str]]:
    """The money inputs' scenario keys, and a problem for each one that is not an amount."""
    keys, problems = {}, []
    for key, name in MONEY_INPUTS.items():
        try:
            keys[name] = parse_money(form[key])
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
    return keys, problems


def scenario_keys(form: Mapping, stages: list[dict]) -> dict:
    """The scenario keys of every input but the money (text, see `money_keys`), the ramp (text, see
    `validated`) and the channels. Deals per rep only when reps are planned; the delivery block as
    loaded (its assumptions are typed on the Delivery capacity page)."""
    keys = {
        "monthly_churn_rate" if form[state.BACKCALC_CHURN_BASIS] == MONTHLY else "churn_rate": form[
            state.BACKCALC_CHURN
        ]
        / PERCENT,
        "contraction_rate": form[state.BACKCALC_CONTRACTION] / PERCENT,
        "expansion_rate": form[state.BACKCALC_EXPANSION] / PERCENT,
        "stages": stages,
        "seasonality": [form[key] for key in state.BACKCALC_SEASONALITY],
        "sales_cycle_days": form[state.BACKCALC_CYCLE],
        "ramp_unit": form[state.BACKCALC_RAMP_UNIT],
        "starting_reps": form[state.BACKCALC_STARTING_REPS],
    }
    if form.get(state.BACKCALC_PLAN_REPS, True):
        keys["deals_per_rep_per_quarter"] = form[state.BACKCALC_DEALS_PER_REP]
    if form.get(state.BACKCALC_DELIVERY):
        keys["delivery"] = form[state.BACKCALC_DELIVERY]
    return keys


def validated(keys: dict, ramp_text: str, problems: Sequence[str] = ()) -> tuple[Scenario | None, list[str]]:
    """The scenario of `keys` with the ramp typed as text, or None and every problem found (after
    `problems` already found in the inputs)."""
    problems = list(problems)
    try:
        keys = {**keys, "ramp": parse_fractions(ramp_text, "ramp")}
    except ScenarioError as exc:
        problems.append(str(exc))
        keys = {**keys, "ramp": [1.0]}  # so that the other inputs are still checked
    try:
        scenario = Scenario.from_dict(keys)
    except ScenarioError as exc:
        problems += str(exc).split("; ")
    return (None, problems) if problems else (scenario, [])


def planned(scenario: Scenario | None, problems: list[str]) -> tuple[Scenario | None, Plan | None, list[str]]:
    """The scenario and its plan, or None, None and why (the scenario's problems, or numbers beyond
    floating point, e.g. many stages at 0.01 %)."""
    if scenario is None:
        return None, None, problems
    try:
        return scenario, back_calculate(scenario), problems
    except ScenarioError as exc:
        return None, None, [str(exc)]


def form_plan(form: Mapping, stages: list[dict], channel_keys: dict) -> tuple[Scenario | None, Plan | None, list[str]]:
    """The scenario the form stands for and its plan (see `planned`)."""
    money, problems = money_keys(form)
    keys = {**scenario_keys(form, stages), **money, **channel_keys}
    for name in MONEY_INPUTS.values():
        keys.setdefault(name, 1.0)  # not an amount (named in problems): the other inputs are still checked
    return planned(*validated(keys, form[state.BACKCALC_RAMP], problems))
