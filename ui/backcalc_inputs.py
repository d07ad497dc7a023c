"""The back-calculation page's Inputs (ARR, sales, funnel stages) and channel split: the widgets, and
the callbacks that load a saved or imported scenario into them or start another plan year from the
stored data. What the widgets mean as a scenario is ui.backcalc_form's, whose pure functions these
call with st.session_state."""

from __future__ import annotations

import datetime as dt
import json
import pathlib

import pandas as pd
import streamlit as st

from analytics.channels import QUARTER_COLUMNS
from analytics.funnel import DataDefaults, Scenario, ScenarioError, arr_starting_point, read_scenario_json
from charts.theme import money
from store import scenarios as saved
from store.database import StoreError
from ui import state
from ui.backcalc_form import (
    ANNUAL,
    MONTHLY,
    RAMP_UNITS,
    RATE_COLUMN,
    channel_editor_number,
    channels_from_editor,
    data_defaults,
    default_scenario,
    load_into,
    stage_names,
    stages_from_editor,
    start_year,
    tidy_money,
)
from ui.context import store

BASE_SCENARIO = pathlib.Path(__file__).resolve().parent.parent / "okr_data" / "scenarios" / "base.json"
BASE_NAME = "Base case"

ss = st.session_state


def base_scenario() -> dict:
    """The demo base scenario's JSON object (okr_data/scenarios/base.json)."""
    return json.loads(BASE_SCENARIO.read_text(encoding="utf-8"))


def start_form(data: dict[str, pd.DataFrame], as_of: dt.date) -> DataDefaults:
    """Fill the inputs once per session: the base scenario for the as-of date's year from the stored
    data (ui.backcalc_form.data_defaults). Returns the plan year's data defaults, whose notes say
    what fell back. Nobody is recorded as the author until they sign in or type their name."""
    if state.BACKCALC_TARGET not in ss:
        ss[state.BACKCALC_YEAR] = as_of.year
        load_into(ss, default_scenario(data_defaults(base_scenario(), data, as_of.year)), BASE_NAME)
        ss[state.BACKCALC_AUTHOR] = ""
    return data_defaults(base_scenario(), data, int(ss[state.BACKCALC_YEAR]))


def _new_year(data: dict[str, pd.DataFrame]) -> None:
    """The plan year's on_change: its target, beginning ARR and reps from the stored data."""
    start_year(ss, data_defaults(base_scenario(), data, int(ss[state.BACKCALC_YEAR])))


def flash(kind: str, text: str) -> None:
    """Leave a (kind, text) for the Scenarios tab to show in the next run."""
    ss[state.BACKCALC_MESSAGE] = (kind, text)


def load_saved() -> None:
    """Load the scenario picked in the saved list into the inputs (a button callback)."""
    name = ss.get(state.BACKCALC_SELECTED)
    try:
        load_into(ss, Scenario.from_dict(saved.load_scenario(store(), name)), name)
        flash("success", f'Loaded "{name}" into the inputs.')
    except (StoreError, ScenarioError) as exc:
        flash("error", f'"{name}" cannot be loaded: {exc}')


def import_file() -> None:
    """Load an uploaded scenario JSON file into the inputs (the file uploader's callback)."""
    upload = ss.get(state.BACKCALC_IMPORT)
    if upload is None:
        return
    try:
        scenario, name = read_scenario_json(upload.getvalue(), upload.name)
    except ScenarioError as exc:
        flash("error", f"Not imported: {exc}")
        return
    load_into(ss, scenario, name or pathlib.Path(upload.name).stem)
    flash("success", f"Imported {upload.name} into the inputs; save it to keep it.")


def stage_inputs() -> list[dict]:
    """The stage editor; returns the funnel stages top down by step, rates as fractions."""
    edited = st.data_editor(
        ss[state.BACKCALC_STAGES],
        key=f"{state.BACKCALC_STAGE_EDITOR}_{ss[state.BACKCALC_EDITOR_VERSION]}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "step": st.column_config.NumberColumn(
                "Step",
                help="1 = top of the funnel; change it to move a stage",
                min_value=1,
                step=1,
                format="%d",
                width=60,
                required=True,
                default=len(ss[state.BACKCALC_STAGES]) + 1,
            ),
            "stage": st.column_config.TextColumn("Stage", help="Rename freely; names must be unique", width=150),
            "rate": st.column_config.NumberColumn(
                "Converts, %",
                min_value=0.0,
                max_value=100.0,
                format="%.2f",
                width=110,
                help="Share that reaches the next stage (the last stage: that closes into deals)",
            ),
        },
    )
    return stages_from_editor(edited)


def channel_inputs(stages: list[dict]) -> dict:
    """The channel split's toggle, stage and editor; returns its scenario keys (empty when off)."""
    names = stage_names(stages)
    if not st.toggle("Split a stage's volume across acquisition channels", key=state.BACKCALC_CHANNELS_ON) or not names:
        return {}
    if ss.get(state.BACKCALC_CHANNEL_STAGE) not in names:
        ss[state.BACKCALC_CHANNEL_STAGE] = names[-1]
    channel_stage = st.selectbox(
        "Stage to split",
        names,
        key=state.BACKCALC_CHANNEL_STAGE,
        help="Its required volume is split by share; each channel converts into it with its own rates",
    )
    above = tuple(names[: names.index(channel_stage)])
    number = channel_editor_number(ss, above, stages)
    successors = list(above[1:]) + [channel_stage]
    edited = st.data_editor(
        ss[state.BACKCALC_CHANNELS],
        key=f"{state.BACKCALC_CHANNEL_EDITOR}_{number}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "channel": st.column_config.TextColumn("Channel"),
            "share": st.column_config.NumberColumn(
                f"Share of {channel_stage}, %", min_value=0.0, max_value=100.0, format="%.1f"
            ),
            **{
                RATE_COLUMN + name: st.column_config.NumberColumn(
                    f"{name} → {after}, %", min_value=0.0, max_value=100.0, format="%.2f"
                )
                for name, after in zip(above, successors)
            },
        },
    )
    ss[state.BACKCALC_CHANNELS_EDITED] = edited
    return channels_from_editor(edited, channel_stage, above)


def scenario_inputs(data: dict[str, pd.DataFrame], as_of: dt.date, notes: tuple[str, ...]) -> list[dict]:
    """Every input except the channels, in three columns, under the notes on what the stored data
    could not give; returns the funnel stages."""
    for note in notes:
        st.info(note, icon=":material/info:")
    arr_col, sales_col, funnel_col = st.columns([1, 1, 1.4], gap="medium")
    with arr_col:
        _arr_inputs(data, as_of)
    with sales_col:
        _sales_inputs()
    with funnel_col:
        st.subheader("Funnel stages")
        st.caption(
            "From the top of the funnel down to the stage that closes into deals. Add a row at the "
            "bottom, delete with the row's checkbox, rename in place."
        )
        return stage_inputs()


def _money_input(label: str, key: str, help_text: str | None = None) -> None:
    """A money input as text with thousands separators, tidied when it changes ("5m" → "5,000,000")."""
    st.text_input(label, key=key, help=help_text, on_change=tidy_money, args=(ss, key))


def _arr_inputs(data: dict[str, pd.DataFrame], as_of: dt.date) -> None:
    st.subheader("ARR")
    year = int(ss[state.BACKCALC_YEAR])
    start = arr_starting_point(data["arr_actuals"], data["company_targets"], as_of, year)
    st.number_input(
        "Plan year",
        min_value=2000,
        max_value=2100,
        step=1,
        key=state.BACKCALC_YEAR,
        on_change=_new_year,
        args=(data,),
        help="Changing it takes that year's ARR target, starting ARR and sales reps from the stored data. "
        "Also names the quarters published as company targets (YYYY-Q1 …).",
    )
    target = f"Default: the company target arr of {year}, {money(start.year_target)}." if start.year_target else None
    _money_input("Target ARR at year end, $", state.BACKCALC_TARGET, target)
    beginning = (
        f"Default: the ARR at the start of {year}, the ending ARR of December {year - 1} "
        f"({money(start.year_start_arr)}). New ARR won since is counted as won, not planned again."
        if start.year_start_arr is not None
        else f"No ARR actual for December {year - 1} is stored."
    )
    latest = (
        f" Latest actual: {money(start.latest_arr)} at the end of {start.latest_month}." if start.latest_arr else ""
    )
    _money_input(f"ARR at the start of {year}, $", state.BACKCALC_BEGINNING, beginning + latest)
    st.radio(
        "Churn is",
        [ANNUAL, MONTHLY],
        horizontal=True,
        key=state.BACKCALC_CHURN_BASIS,
        help="Monthly churn m counts as 1 − (1 − m)^12 over the year",
    )
    st.number_input(
        f"Churn, % of beginning ARR ({ss[state.BACKCALC_CHURN_BASIS].lower()})",
        min_value=0.0,
        max_value=99.9,
        step=0.5,
        format="%.2f",
        key=state.BACKCALC_CHURN,
    )
    st.number_input(
        "Contraction, % a year", min_value=0.0, max_value=99.9, step=0.5, format="%.2f", key=state.BACKCALC_CONTRACTION
    )
    st.number_input("Expansion, % a year", min_value=0.0, step=0.5, format="%.2f", key=state.BACKCALC_EXPANSION)


def _sales_inputs() -> None:
    st.subheader("Sales")
    _money_input("Average deal size (new ARR per deal), $", state.BACKCALC_DEAL_SIZE)
    st.number_input(
        "Sales cycle, days from top of funnel to a won deal",
        min_value=0.0,
        step=15.0,
        format="%.0f",
        key=state.BACKCALC_CYCLE,
    )
    plans_reps = st.toggle(
        "Plan the sales team",
        key=state.BACKCALC_PLAN_REPS,
        help="Off: the plan stops at deals and the funnel, with no reps or hires",
    )
    st.number_input(
        "Deals per fully ramped rep per quarter",
        min_value=0.0,
        step=0.5,
        format="%.2f",
        key=state.BACKCALC_DEALS_PER_REP,
        disabled=not plans_reps,
    )
    st.number_input(
        "Fully ramped reps at the start of the year",
        min_value=0.0,
        step=1.0,
        format="%.1f",
        key=state.BACKCALC_STARTING_REPS,
        disabled=not plans_reps,
        help="Default: the Headcount sheet's sales reps (role sales_rep) in the month before the plan year",
    )
    st.text_input(
        "Ramp: productivity of a new rep",
        key=state.BACKCALC_RAMP,
        help="Fractions of a full rep in the 1st, 2nd, … quarter (or month), e.g. 0.25, 0.5, 0.75, 1",
    )
    st.radio("Ramp steps", list(RAMP_UNITS), format_func=RAMP_UNITS.get, horizontal=True, key=state.BACKCALC_RAMP_UNIT)
    st.markdown("**Bookings by quarter**, % of the year")
    for column, key, quarter in zip(st.columns(4), state.BACKCALC_SEASONALITY, QUARTER_COLUMNS):
        column.number_input(quarter, min_value=0.0, step=5.0, format="%.0f", key=key)
