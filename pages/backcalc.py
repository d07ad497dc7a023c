"""Back-calculation explorer: from the company ARR target down to bookings, funnel volumes,
acquisition channels and sales headcount, with sensitivity, coverage by team KRs and saved scenarios.

Rates are typed in percent here and become fractions in the scenario (the JSON the backcalc CLI
reads). Every number is computed unrounded by analytics.funnel and rounded up only on screen.
"""
import json
import pathlib

import pandas as pd
import streamlit as st

from analytics.channels import ALL_CHANNELS, QUARTER_COLUMNS, channel_volumes, channel_volumes_by_month
from analytics.funnel import (
    Scenario, ScenarioError, arr_starting_point, back_calculate, committed_key_results, coverage,
    parse_fractions, plan_table, published_targets, read_scenario_json, scenario_comparison, sensitivity,
    stage_volumes_by_month, two_way_table,
)
from charts.funnel import (
    arr_waterfall_figure, channel_volume_figure, count_text, coverage_figure, display_value, monthly_volume_figure,
    reps_figure, stage_funnel_figure, tornado_figure, two_way_heatmap,
)
from charts.theme import money
from loaders.ingest import current_user
from store import scenarios as saved
from store.access import EDIT_SCENARIOS
from store.database import StoreError
from ui import state
from ui.auth import recorded_name, refusal, refused_note
from ui.context import snapshot, store, tables
from ui.filters import current_filters

BASE_SCENARIO = pathlib.Path(__file__).resolve().parent.parent / "okr_data" / "scenarios" / "base.json"
ANNUAL, MONTHLY = "Annual", "Monthly"
RAMP_UNITS = {"quarter": "By quarter", "month": "By month"}
RATE_COLUMN = "rate:"  # channel editor columns: "rate:<stage>" holds the channel's rate of that stage
DEFAULT_CHANNELS = (("Outbound", 60.0), ("Inbound", 25.0), ("Partners", 15.0))
CURRENT = "Current inputs"
WHAT_IF_STEPS = (0.8, 0.9, 1.0, 1.1, 1.2)  # the two-way table's win rates and deal sizes, × the plan's
PERCENT = 100

ss = st.session_state
filters = current_filters()
if state.BACKCALC_COVERAGE_PERIOD in ss:  # keep the choice while the Coverage tab is closed
    ss[state.BACKCALC_COVERAGE_PERIOD] = ss[state.BACKCALC_COVERAGE_PERIOD]
data = tables()
start = arr_starting_point(data["arr_actuals"], data["company_targets"], filters.as_of, filters.as_of.year)


# ---------------------------------------------------------------------------------------------- form state


def _percent(fraction: float) -> float:
    return round(fraction * PERCENT, 10)


def _stage_table(scenario: Scenario) -> pd.DataFrame:
    return pd.DataFrame({
        "step": range(1, len(scenario.stages) + 1),
        "stage": [stage.name for stage in scenario.stages],
        "rate": [_percent(stage.conversion_rate) for stage in scenario.stages],
    })


def _channel_table(scenario: Scenario) -> pd.DataFrame:
    """The channel editor's rows: the scenario's channels, else a default split with the funnel's rates."""
    stages = scenario.stages[:scenario.channel_index] if scenario.channels else scenario.stages[:-1]
    if scenario.channels:
        rows = [(c.name, _percent(c.share), *map(_percent, c.conversion_rates)) for c in scenario.channels]
    else:
        rows = [(name, share, *(_percent(s.conversion_rate) for s in stages)) for name, share in DEFAULT_CHANNELS]
    return pd.DataFrame(rows, columns=["channel", "share", *(RATE_COLUMN + s.name for s in stages)])


def _load_into_form(scenario: Scenario, name: str | None) -> None:
    """Set every input from a scenario (in callbacks, before the widgets of the next run exist)."""
    monthly = scenario.monthly_churn_rate is not None
    ss[state.BACKCALC_TARGET] = float(scenario.target_arr)
    ss[state.BACKCALC_BEGINNING] = float(scenario.beginning_arr)
    ss[state.BACKCALC_CHURN_BASIS] = MONTHLY if monthly else ANNUAL
    ss[state.BACKCALC_CHURN] = _percent(scenario.monthly_churn_rate if monthly else scenario.churn_rate)
    ss[state.BACKCALC_CONTRACTION] = _percent(scenario.contraction_rate)
    ss[state.BACKCALC_EXPANSION] = _percent(scenario.expansion_rate)
    ss[state.BACKCALC_DEAL_SIZE] = float(scenario.average_deal_size)
    ss[state.BACKCALC_CYCLE] = float(scenario.sales_cycle_days)
    ss[state.BACKCALC_DEALS_PER_REP] = float(scenario.deals_per_rep_per_quarter)
    ss[state.BACKCALC_STARTING_REPS] = float(scenario.starting_reps)
    ss[state.BACKCALC_RAMP] = ", ".join(f"{r:g}" for r in scenario.ramp)
    ss[state.BACKCALC_RAMP_UNIT] = scenario.ramp_unit
    for key, weight in zip(state.BACKCALC_SEASONALITY, scenario.seasonality):
        ss[key] = _percent(weight)
    ss[state.BACKCALC_STAGES] = _stage_table(scenario)
    ss[state.BACKCALC_CHANNELS] = _channel_table(scenario)
    ss[state.BACKCALC_CHANNELS_ON] = bool(scenario.channels)
    ss[state.BACKCALC_CHANNEL_STAGE] = scenario.channel_stage or scenario.stages[-1].name
    ss.pop(state.BACKCALC_CHANNELS_EDITED, None)
    if state.BACKCALC_CHANNELS_LAYOUT in ss:  # force a new channel editor on the loaded table
        ss[state.BACKCALC_CHANNELS_LAYOUT] = (ss[state.BACKCALC_CHANNELS_LAYOUT][0], None)
    ss[state.BACKCALC_EDITOR_VERSION] = ss.get(state.BACKCALC_EDITOR_VERSION, 0) + 1
    if name:
        ss[state.BACKCALC_NAME] = name


def _default_scenario() -> Scenario:
    """The demo base scenario, starting from the latest ARR actual towards the year's ARR target."""
    base = json.loads(BASE_SCENARIO.read_text(encoding="utf-8"))
    if start.latest_arr is not None:
        base["beginning_arr"] = start.latest_arr
    if start.year_target is not None:
        base["target_arr"] = start.year_target
    return Scenario.from_dict(base)


if state.BACKCALC_TARGET not in ss:
    _load_into_form(_default_scenario(), "Base case")
    ss[state.BACKCALC_YEAR] = filters.as_of.year
    ss[state.BACKCALC_AUTHOR] = current_user()


def _flash(kind: str, text: str) -> None:
    ss[state.BACKCALC_MESSAGE] = (kind, text)


def _load_saved() -> None:
    name = ss.get(state.BACKCALC_SELECTED)
    try:
        _load_into_form(Scenario.from_dict(saved.load_scenario(store(), name)), name)
        _flash("success", f'Loaded "{name}" into the inputs.')
    except (StoreError, ScenarioError) as exc:
        _flash("error", f'"{name}" cannot be loaded: {exc}')


def _import_file() -> None:
    upload = ss.get(state.BACKCALC_IMPORT)
    if upload is None:
        return
    try:
        scenario, name = read_scenario_json(upload.getvalue(), upload.name)
    except ScenarioError as exc:
        _flash("error", f"Not imported: {exc}")
        return
    _load_into_form(scenario, name or pathlib.Path(upload.name).stem)
    _flash("success", f"Imported {upload.name} into the inputs; save it to keep it.")


def _rename_saved() -> None:
    old, new = ss.get(state.BACKCALC_SELECTED), ss.get(state.BACKCALC_NEW_NAME, "")
    if denied := refusal(EDIT_SCENARIOS):
        _flash("error", f"Not renamed: {denied}")
        return
    try:
        saved.rename_scenario(store(), old, new)
        ss[state.BACKCALC_SELECTED] = new.strip()
        _flash("success", f'Renamed "{old}" to "{new.strip()}".')
    except StoreError as exc:
        _flash("error", f"Not renamed: {exc}")


def _delete_saved() -> None:
    name = ss.get(state.BACKCALC_SELECTED)
    if denied := refusal(EDIT_SCENARIOS):
        _flash("error", f"Not deleted: {denied}")
        return
    try:
        saved.delete_scenario(store(), name)
        _flash("success", f'Deleted "{name}".')
    except StoreError as exc:
        _flash("error", f"Not deleted: {exc}")


# ---------------------------------------------------------------------------------------------- inputs


def _stage_inputs() -> list[dict]:
    """The funnel stages as the editor shows them, top down by step, rates as fractions."""
    edited = st.data_editor(
        ss[state.BACKCALC_STAGES], key=f"{state.BACKCALC_STAGE_EDITOR}_{ss[state.BACKCALC_EDITOR_VERSION]}",
        num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "step": st.column_config.NumberColumn("Step", help="1 = top of the funnel; change it to move a stage",
                                                  min_value=1, step=1, format="%d", width=60, required=True,
                                                  default=len(ss[state.BACKCALC_STAGES]) + 1),
            "stage": st.column_config.TextColumn("Stage", help="Rename freely; names must be unique", width=150),
            "rate": st.column_config.NumberColumn("Converts, %", min_value=0.0, max_value=100.0, format="%.2f",
                                                  width=110, help="Share that reaches the next stage (the last "
                                                                  "stage: that closes into deals)"),
        },
    )
    rows = edited.dropna(how="all", subset=["stage", "rate"]).sort_values("step", na_position="last", kind="stable")
    return [{"name": name if isinstance(name, str) else "",
             "conversion_rate": None if pd.isna(rate) else float(rate) / PERCENT}
            for name, rate in zip(rows["stage"], rows["rate"])]


def _channel_inputs(stages: list[dict]) -> dict:
    """The channel split's scenario keys (empty when off). The editor's table has one rate column
    per stage above the split stage, so it is rebuilt, keeping what was typed, when those change."""
    names = list(dict.fromkeys(stage["name"] for stage in stages if stage["name"]))
    if not st.toggle("Split a stage's volume across acquisition channels", key=state.BACKCALC_CHANNELS_ON) or not names:
        return {}
    if ss.get(state.BACKCALC_CHANNEL_STAGE) not in names:
        ss[state.BACKCALC_CHANNEL_STAGE] = names[-1]
    channel_stage = st.selectbox("Stage to split", names, key=state.BACKCALC_CHANNEL_STAGE,
                                 help="Its required volume is split by share; each channel converts into it "
                                      "with its own rates")
    above = tuple(names[:names.index(channel_stage)])
    counter, layout = ss.get(state.BACKCALC_CHANNELS_LAYOUT, (0, None))
    if layout != (ss[state.BACKCALC_EDITOR_VERSION], above):
        previous = ss.get(state.BACKCALC_CHANNELS_EDITED, ss[state.BACKCALC_CHANNELS])
        funnel = {stage["name"]: stage["conversion_rate"] for stage in stages}
        table = previous[["channel", "share"]].copy()
        for name in above:
            column = RATE_COLUMN + name
            table[column] = previous[column] if column in previous else _percent(funnel[name] or 0)
        ss[state.BACKCALC_CHANNELS] = table
        counter, layout = counter + 1, (ss[state.BACKCALC_EDITOR_VERSION], above)
        ss[state.BACKCALC_CHANNELS_LAYOUT] = (counter, layout)
    successors = list(above[1:]) + [channel_stage]
    edited = st.data_editor(
        ss[state.BACKCALC_CHANNELS], key=f"{state.BACKCALC_CHANNEL_EDITOR}_{counter}", num_rows="dynamic",
        hide_index=True, width="stretch",
        column_config={
            "channel": st.column_config.TextColumn("Channel"),
            "share": st.column_config.NumberColumn(f"Share of {channel_stage}, %", min_value=0.0, max_value=100.0,
                                                   format="%.1f"),
            **{RATE_COLUMN + name: st.column_config.NumberColumn(f"{name} → {after}, %", min_value=0.0,
                                                                 max_value=100.0, format="%.2f")
               for name, after in zip(above, successors)},
        },
    )
    ss[state.BACKCALC_CHANNELS_EDITED] = edited
    rows = edited.dropna(how="all")
    return {"channel_stage": channel_stage, "channels": [
        {"name": row["channel"] if isinstance(row["channel"], str) else "",
         "share": None if pd.isna(row["share"]) else float(row["share"]) / PERCENT,
         "conversion_rates": {name: None if pd.isna(row[RATE_COLUMN + name]) else
                              float(row[RATE_COLUMN + name]) / PERCENT for name in above}}
        for _, row in rows.iterrows()]}


def _scenario_inputs() -> tuple[list[dict], dict]:
    """Every input except the channels; returns the stages and the scenario keys."""
    arr_col, sales_col, funnel_col = st.columns([1, 1, 1.4], gap="medium")
    with arr_col:
        st.subheader("ARR")
        st.number_input("Target ARR at year end, $", min_value=0.0, step=100_000.0, format="%.0f",
                        key=state.BACKCALC_TARGET)
        latest = (f"Default: the latest actual, {money(start.latest_arr)} at the end of {start.latest_month}."
                  if start.latest_arr is not None else "No ARR actuals are stored yet.")
        year_start = f" The year started at {money(start.year_start_arr)}." if start.year_start_arr else ""
        st.number_input("Beginning ARR, $", min_value=0.0, step=100_000.0, format="%.0f",
                        key=state.BACKCALC_BEGINNING, help=latest + year_start)
        st.number_input("Plan year", min_value=2000, max_value=2100, step=1, key=state.BACKCALC_YEAR,
                        help="Names the quarters published as company targets (YYYY-Q1 …)")
        st.radio("Churn is", [ANNUAL, MONTHLY], horizontal=True, key=state.BACKCALC_CHURN_BASIS,
                 help="Monthly churn m counts as 1 − (1 − m)^12 over the year")
        st.number_input(f"Churn, % of beginning ARR ({ss[state.BACKCALC_CHURN_BASIS].lower()})", min_value=0.0,
                        max_value=99.9, step=0.5, format="%.2f", key=state.BACKCALC_CHURN)
        st.number_input("Contraction, % a year", min_value=0.0, max_value=99.9, step=0.5, format="%.2f",
                        key=state.BACKCALC_CONTRACTION)
        st.number_input("Expansion, % a year", min_value=0.0, step=0.5, format="%.2f", key=state.BACKCALC_EXPANSION)
    with sales_col:
        st.subheader("Sales")
        st.number_input("Average deal size (new ARR per deal), $", min_value=0.0, step=1_000.0, format="%.0f",
                        key=state.BACKCALC_DEAL_SIZE)
        st.number_input("Sales cycle, days from top of funnel to a won deal", min_value=0.0, step=15.0,
                        format="%.0f", key=state.BACKCALC_CYCLE)
        st.number_input("Deals per fully ramped rep per quarter", min_value=0.0, step=0.5, format="%.2f",
                        key=state.BACKCALC_DEALS_PER_REP)
        st.number_input("Fully ramped reps at the start of the year", min_value=0.0, step=1.0, format="%.0f",
                        key=state.BACKCALC_STARTING_REPS)
        st.text_input("Ramp: productivity of a new rep", key=state.BACKCALC_RAMP,
                      help="Fractions of a full rep in the 1st, 2nd, … quarter (or month), e.g. 0.25, 0.5, 0.75, 1")
        st.radio("Ramp steps", list(RAMP_UNITS), format_func=RAMP_UNITS.get, horizontal=True,
                 key=state.BACKCALC_RAMP_UNIT)
        st.markdown("**Bookings by quarter**, % of the year")
        for column, key, quarter in zip(st.columns(4), state.BACKCALC_SEASONALITY, QUARTER_COLUMNS):
            column.number_input(quarter, min_value=0.0, step=5.0, format="%.0f", key=key)
    with funnel_col:
        st.subheader("Funnel stages")
        st.caption("From the top of the funnel down to the stage that closes into deals. Add a row at the "
                   "bottom, delete with the row's checkbox, rename in place.")
        stages = _stage_inputs()
    churn = ss[state.BACKCALC_CHURN] / PERCENT
    keys = {
        "target_arr": ss[state.BACKCALC_TARGET],
        "beginning_arr": ss[state.BACKCALC_BEGINNING],
        "monthly_churn_rate" if ss[state.BACKCALC_CHURN_BASIS] == MONTHLY else "churn_rate": churn,
        "contraction_rate": ss[state.BACKCALC_CONTRACTION] / PERCENT,
        "expansion_rate": ss[state.BACKCALC_EXPANSION] / PERCENT,
        "average_deal_size": ss[state.BACKCALC_DEAL_SIZE],
        "stages": stages,
        "seasonality": [ss[key] for key in state.BACKCALC_SEASONALITY],
        "sales_cycle_days": ss[state.BACKCALC_CYCLE],
        "deals_per_rep_per_quarter": ss[state.BACKCALC_DEALS_PER_REP],
        "ramp_unit": ss[state.BACKCALC_RAMP_UNIT],
        "starting_reps": ss[state.BACKCALC_STARTING_REPS],
    }
    return stages, keys


def _validated(keys: dict) -> tuple[Scenario | None, list[str]]:
    problems = []
    try:
        keys["ramp"] = parse_fractions(ss[state.BACKCALC_RAMP], "ramp")
    except ScenarioError as exc:
        problems.append(str(exc))
        keys["ramp"] = [1.0]  # so that the other inputs are still checked
    try:
        scenario = Scenario.from_dict(keys)
    except ScenarioError as exc:
        problems += str(exc).split("; ")
    return (None, problems) if problems else (scenario, [])


def _planned(scenario: Scenario | None, problems: list[str]):
    """The plan, or None and why (numbers beyond floating point, e.g. many stages at 0.01 %)."""
    if scenario is None:
        return None, None, problems
    try:
        return scenario, back_calculate(scenario), problems
    except ScenarioError as exc:
        return None, None, [str(exc)]


# ---------------------------------------------------------------------------------------------- page

st.title("Back-calculation")
st.caption("From the ARR target to bookings, the funnel, channels and the sales team. Change any input: the other "
           "tabs follow. Volumes, deals and reps are computed unrounded and rounded up on screen.")
headline = st.container()
# The open tab is in the URL (?backcalc_tab=Coverage) and only its figures are built: the inputs
# and the scenario controls are drawn in every run so that their widgets keep their values.
inputs_tab, plan_tab, channels_tab, sensitivity_tab, coverage_tab, scenarios_tab = st.tabs(
    ["Inputs", "Plan", "Channels", "Sensitivity", "Coverage", "Scenarios"], key=state.BACKCALC_TAB,
    bind="query-params")

with inputs_tab:
    stages, keys = _scenario_inputs()
with channels_tab:
    st.caption("Split the volume one stage needs (e.g. opportunities) across acquisition channels; each channel "
               "reaches it with its own conversion rates for the stages above. Shares add up to 100 %.")
    keys.update(_channel_inputs(stages))
scenario, plan, problems = _planned(*_validated(keys))
year = int(ss[state.BACKCALC_YEAR])

with headline:
    if plan is None:
        st.error("These inputs cannot be back-calculated. Fix:\n" + "\n".join(f"- {p}" for p in problems))
    else:
        top = plan.stages[0]
        new_col, deals_col, top_col, reps_col, hires_col = st.columns(5)
        new_col.metric("New ARR required", money(plan.new_arr_required), border=True,
                       help=f"${plan.new_arr_required:,.0f} = target − beginning × (1 − churn − contraction + "
                            f"expansion)")
        deals_col.metric("Deals in the year", count_text(plan.deals), border=True)
        top_col.metric(f"{top.name.capitalize()} needed", count_text(top.required), border=True,
                       help="The top of the funnel, over the year")
        reps_col.metric("Reps at the peak", count_text(plan.reps), border=True,
                        help="Fully ramped reps the busiest quarter's deals need")
        hires_col.metric("Hires in the year", count_text(sum(plan.hires_by_quarter)), border=True)
        if plan.surplus > 0:
            st.success(f"Target already covered by retained + expansion ARR; surplus {money(plan.surplus)} "
                       f"(${plan.surplus:,.0f}). No new bookings are needed: every volume below is 0.")


def _plan_view() -> None:
    waterfall_col, funnel_col = st.columns(2)
    waterfall_col.plotly_chart(arr_waterfall_figure(plan, f"ARR {year}: beginning to target"), width="stretch")
    funnel_col.plotly_chart(stage_funnel_figure(plan, f"Required in {year}, by stage"), width="stretch")
    st.subheader("Required per quarter")
    table = plan_table(plan)
    shown = pd.DataFrame({"": table["row"]})
    for column in ("year", *QUARTER_COLUMNS):
        shown[column.capitalize() if column == "year" else column] = [
            display_value(value, kind) for value, kind in zip(table[column], table["kind"])]
    right = st.column_config.TextColumn(alignment="right")
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={column: right for column in shown.columns[1:]})
    st.caption("Year column: totals, except reps (the peak quarter) and headcount (at year end). A quarter's "
               "stage volumes are the ones behind that quarter's deals; the chart below shows when they are "
               "needed.")
    monthly = stage_volumes_by_month(plan)
    if plan.deals > 0:
        st.plotly_chart(monthly_volume_figure(
            monthly, year, f"Needed per month, {scenario.sales_cycle_days:g}-day sales cycle shift"),
            width="stretch")
    st.plotly_chart(reps_figure(plan, f"Sales reps per quarter, {scenario.deals_per_rep_per_quarter:g} deals "
                                      f"per ramped rep"), width="stretch")
    st.caption(f"New reps ramp {', '.join(f'{r:.0%}' for r in scenario.ramp)} by {scenario.ramp_unit}; "
               "hires join at the start of a quarter, just in time for that quarter's deals.")


def _channels_view() -> None:
    if not scenario.channels:
        return
    split = channel_volumes(plan)
    st.plotly_chart(channel_volume_figure(split, f"Required in {year} by channel, down to {scenario.channel_stage}"),
                    width="stretch")
    shown = split.assign(
        rate=[display_value(v, "percent") for v in split["conversion_rate"]],
        **{column: [count_text(v) for v in split[column]] for column in ("year", *QUARTER_COLUMNS)})
    right = st.column_config.TextColumn(alignment="right")
    st.dataframe(shown[["channel", "stage", "rate", "year", *QUARTER_COLUMNS]], hide_index=True, width="stretch",
                 height=38 + 35 * len(shown),
                 column_config={"channel": "Channel", "stage": "Stage",
                                "rate": st.column_config.TextColumn("Converts to next", alignment="right"),
                                "year": st.column_config.TextColumn("Year", alignment="right"),
                                **{q: right for q in QUARTER_COLUMNS}})
    st.caption(f"{ALL_CHANNELS}: sums, with the blended conversion rate. Stages below {scenario.channel_stage} "
               "are shared by every channel (Plan tab).")
    with st.expander("Per month, with the sales-cycle shift"):
        by_month = channel_volumes_by_month(plan, stage_volumes_by_month(plan))
        pivot = by_month.pivot_table(index=["channel", "stage"], columns="month_offset", values="volume",
                                     sort=False)
        labels = by_month.drop_duplicates("month_offset").set_index("month_offset")["month_label"]
        st.dataframe(pivot.map(count_text).rename(columns=labels), width="stretch")


def _sensitivity_view() -> None:
    if plan.new_arr_required == 0:
        st.info("With a surplus no volume is needed, whatever the drivers: nothing to compare.")
        return
    try:
        what_if = sensitivity(scenario)
    except ScenarioError as exc:  # a moved driver pushed a volume beyond floating point
        st.warning(f"No sensitivity for these inputs: {exc}")
        return
    names = [stage.name for stage in scenario.stages]
    top = plan.stages[0]
    st.plotly_chart(tornado_figure(what_if, "top_of_funnel", top.required, names,
                                   f"What moves the {top.name} needed ({count_text(top.required)})"),
                    width="stretch")
    st.plotly_chart(tornado_figure(what_if, "reps", plan.reps, names,
                                   f"What moves the reps needed ({count_text(plan.reps)})"), width="stretch")
    st.caption("Each driver moves alone by ±10 % and ±20 % (conversion rates capped at 100 %). Conversion "
               "rates do not change reps: reps follow deals.")
    win = scenario.stages[-1].conversion_rate
    win_rates = sorted({min(1.0, win * step) for step in WHAT_IF_STEPS}, reverse=True)
    deal_sizes = [scenario.average_deal_size * step for step in WHAT_IF_STEPS]
    st.plotly_chart(two_way_heatmap(two_way_table(scenario, win_rates, deal_sizes), win,
                                    scenario.average_deal_size,
                                    f"{top.name.capitalize()} needed by win rate × deal size"), width="stretch")
    st.caption(f"Win rate: {scenario.stages[-1].name} → deal. The outlined cell is the plan; every other input "
               "stays as it is.")


def _coverage_view() -> None:
    periods = [f"{year}-Q{q}" for q in range(1, 5)] + [str(year)]
    if ss.get(state.BACKCALC_COVERAGE_PERIOD) not in periods:
        as_of_quarter = f"{filters.as_of.year}-Q{(filters.as_of.month - 1) // 3 + 1}"
        ss[state.BACKCALC_COVERAGE_PERIOD] = as_of_quarter if as_of_quarter in periods else str(year)
    period = st.radio("Compare with the KRs of", periods, horizontal=True, key=state.BACKCALC_COVERAGE_PERIOD,
                      format_func=lambda p: f"{p} (whole year)" if "Q" not in p else p)
    quarter = int(period[-1]) if "Q" in period else None
    in_force = snapshot(filters.as_of, period).krs
    committed = committed_key_results(data["key_results"], data["objectives"], period, in_force)
    table = coverage(plan, committed, quarter)
    st.plotly_chart(coverage_figure(table, f"Team KRs of {period} against the plan's requirement"),
                    width="stretch")
    shown = pd.DataFrame({
        "Stage": table["stage"],
        "Required": [display_value(v, "currency" if s == "bookings" else "count")
                     for v, s in zip(table["required"], table["stage"])],
        "Committed by KRs": [display_value(v, "currency" if s == "bookings" else "number")
                             for v, s in zip(table["committed"], table["stage"])],
        "Coverage": ["—" if pd.isna(c) else f"{'✔' if c >= 1 else '✖ gap'} {c:.0%}" for c in table["coverage"]],
        "Short by": [display_value(-g, "currency" if s == "bookings" else "count") if g < 0 else ""
                     for g, s in zip(table["gap"], table["stage"])],
        "KRs": table["kr_count"],
    })
    right = st.column_config.TextColumn(alignment="right")
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        column: right for column in ("Required", "Committed by KRs", "Coverage", "Short by")})
    st.caption(f"Counts the KRs of every team whose objective's period is exactly {period}, tagged with a "
               f"funnel_stage, with the target in force on {filters.as_of:%d %B %Y} (cancelled KRs left out): "
               "a quarter's KRs against that quarter's requirement, the year's KRs against the year's.")
    with st.expander(f"The {len(committed)} KRs counted"):
        st.dataframe(committed, hide_index=True, width="stretch", column_config={
            "kr_id": "KR", "team": "Team", "title": "Key result", "funnel_stage": "Funnel stage",
            "target_value": st.column_config.NumberColumn("Target", format="localized")})


for tab, view in ((plan_tab, _plan_view), (channels_tab, _channels_view), (sensitivity_tab, _sensitivity_view),
                  (coverage_tab, _coverage_view)):
    if tab.open:
        with tab:
            if plan is None:
                st.info("Fix the inputs (see the message above) to see this.")
            else:
                view()

with scenarios_tab:
    message = ss.pop(state.BACKCALC_MESSAGE, None)
    if message:
        getattr(st, message[0])(message[1])
    may_edit = refusal(EDIT_SCENARIOS) is None
    save_col, saved_col = st.columns(2, gap="large")
    with save_col:
        st.subheader("Save the current inputs")
        st.text_input("Scenario name", key=state.BACKCALC_NAME)
        if may_edit:
            recorded_name("Saved by", state.BACKCALC_AUTHOR)
        else:
            refused_note(EDIT_SCENARIOS, compact=True)
        if may_edit and st.button("Save", type="primary", disabled=scenario is None):
            try:
                replaced = saved.save_scenario(store(), ss[state.BACKCALC_NAME], scenario.to_dict(),
                                               ss[state.BACKCALC_AUTHOR])
                st.success(f'Saved "{ss[state.BACKCALC_NAME].strip()}"' + (" (replaced the earlier version)."
                                                                           if replaced else "."))
            except StoreError as exc:
                st.error(f"Not saved: {exc}")
        if scenario is not None:
            st.download_button("Download the inputs as scenario JSON", icon=":material/download:",
                               data=json.dumps({"name": ss[state.BACKCALC_NAME], **scenario.to_dict()}, indent=1),
                               file_name=f"{ss[state.BACKCALC_NAME].strip() or 'scenario'}.json",
                               mime="application/json")
        st.file_uploader("Import a scenario JSON file (python -m analytics backcalc reads the same file)",
                         type=["json"], key=state.BACKCALC_IMPORT, on_change=_import_file)
    with saved_col:
        st.subheader("Saved scenarios")
        listing = saved.list_scenarios(store())
        if listing.empty:
            st.info("No scenario saved yet.")
        else:
            st.dataframe(listing, hide_index=True, width="stretch", column_config={
                "name": "Scenario", "saved_by": "Saved by",
                "saved_at": st.column_config.DatetimeColumn("Saved at (UTC)", format="YYYY-MM-DD HH:mm")})
            names = list(listing["name"])
            if ss.get(state.BACKCALC_SELECTED) not in names:
                ss[state.BACKCALC_SELECTED] = names[0]
            chosen = st.selectbox("Scenario", names, key=state.BACKCALC_SELECTED)
            load_col, download_col, delete_col = st.columns(3)
            load_col.button("Load into the inputs", on_click=_load_saved, width="stretch")
            download_col.download_button(
                "Download JSON", data=json.dumps({"name": chosen, **saved.load_scenario(store(), chosen)}, indent=1),
                file_name=f"{chosen}.json", mime="application/json", width="stretch")
            if may_edit:
                with delete_col.popover("Delete", width="stretch"):
                    st.button(f'Delete "{chosen}" for good', on_click=_delete_saved, type="primary")
                rename_col, rename_button_col = st.columns([3, 1], vertical_alignment="bottom")
                rename_col.text_input("New name", key=state.BACKCALC_NEW_NAME)
                rename_button_col.button("Rename", on_click=_rename_saved, width="stretch")

    st.subheader("Compare side by side")
    options = [CURRENT] + list(listing["name"])
    chosen = st.multiselect("Scenarios (two or three)", options, max_selections=3, key=state.BACKCALC_COMPARE)
    if len(chosen) >= 2:
        compared, unreadable = {}, []
        for name in chosen:
            try:
                compared[name] = scenario if name == CURRENT else Scenario.from_dict(saved.load_scenario(store(), name))
            except (StoreError, ScenarioError) as exc:
                unreadable.append(f"{name}: {exc}")
        if None in compared.values():
            st.warning("The current inputs are not valid: fix them to compare them.")
            compared = {name: s for name, s in compared.items() if s is not None}
        for problem in unreadable:
            st.error(problem)
        if len(compared) >= 2:
            table = scenario_comparison(compared)
            shown = pd.DataFrame({"": table["item"]})
            for name in compared:
                shown[name] = [display_value(v, kind) for v, kind in zip(table[name], table["kind"])]
            st.dataframe(shown, hide_index=True, width="stretch", height=38 + 35 * len(shown),
                         column_config={name: st.column_config.TextColumn(alignment="right") for name in compared})

    st.subheader("Publish as company targets")
    if plan is None:
        st.info("Fix the inputs (see the message above) to publish them.")
    else:
        stage_names = [stage.name for stage in plan.stages]
        if not set(ss.get(state.BACKCALC_PUBLISH_STAGES, [])) <= set(stage_names):
            ss.pop(state.BACKCALC_PUBLISH_STAGES)
        if state.BACKCALC_PUBLISH_STAGES not in ss:
            ss[state.BACKCALC_PUBLISH_STAGES] = list(dict.fromkeys([stage_names[0], stage_names[-1]]))
        pipeline = st.multiselect("Pipeline stages to publish with the bookings", stage_names,
                                  key=state.BACKCALC_PUBLISH_STAGES)
        try:
            targets = published_targets(plan, year, pipeline)
        except ScenarioError as exc:
            st.error(str(exc))
            targets = None
        if targets is not None:
            preview = targets.assign(target_value=[
                display_value(v, "currency" if m == "bookings" else "count")
                for v, m in zip(targets["target_value"], targets["metric"])])
            st.dataframe(preview.pivot(index="metric", columns="period", values="target_value").reset_index(),
                         hide_index=True, width="stretch")
            st.caption(f"Writes these {len(targets)} company targets (metric bookings and pipeline_<stage>, start 0, "
                       "stored unrounded), replacing the same period and metric; recorded as an upload of the "
                       "scenario's JSON.")
            if not may_edit:
                refused_note(EDIT_SCENARIOS, compact=True)
            elif st.button(f"Publish to company targets {year}-Q1 … Q4", type="primary"):
                name = ss[state.BACKCALC_NAME].strip() or "unsaved scenario"
                try:
                    changes = saved.publish_targets(store(), targets, scenario.to_dict(), name,
                                                    ss[state.BACKCALC_AUTHOR])
                    changed = sum(change.changed for change in changes.values())
                    st.success(f"Published: {changed} company target(s) changed." if changed else
                               "Nothing changed: these targets are already the stored ones.")
                except StoreError as exc:
                    st.error(f"Not published: {exc}")
