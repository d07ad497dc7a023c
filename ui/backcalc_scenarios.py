"""The back-calculation page's Scenarios tab: save the inputs, download or import them as scenario
JSON, load, rename or delete saved scenarios, compare two or three side by side, and publish a plan
as company targets. Every write goes through ui.records, which checks the role when it runs."""

from __future__ import annotations

import json

import streamlit as st

from analytics.funnel import Plan, Scenario, ScenarioError, published_targets, scenario_comparison
from store import scenarios as saved
from store.access import EDIT_SCENARIOS
from store.database import StoreError
from ui import records, state
from ui.auth import recorded_name, refusal, refused_note
from ui.backcalc_inputs import import_file, load_saved
from ui.backcalc_tables import comparison_rows, default_publish_stages, publish_preview
from ui.context import store
from ui.tables import table_height

CURRENT = "Current inputs"

ss = st.session_state


def save(scenario: dict) -> None:
    """Save the inputs (their scenario's JSON object) under the name typed (a button callback)."""
    ss[state.BACKCALC_MESSAGE] = records.save_scenario(ss[state.BACKCALC_NAME], scenario, ss[state.BACKCALC_AUTHOR])


def rename() -> None:
    old, new = ss.get(state.BACKCALC_SELECTED), ss.get(state.BACKCALC_NEW_NAME, "")
    ss[state.BACKCALC_MESSAGE] = outcome = records.rename_scenario(old, new)
    if outcome[0] == "success":
        ss[state.BACKCALC_SELECTED] = new.strip()


def delete() -> None:
    ss[state.BACKCALC_MESSAGE] = records.delete_scenario(ss.get(state.BACKCALC_SELECTED))


def publish(targets, scenario: dict) -> None:
    name = ss[state.BACKCALC_NAME].strip() or "unsaved scenario"
    ss[state.BACKCALC_MESSAGE] = records.publish_targets(targets, scenario, name, ss[state.BACKCALC_AUTHOR])


def scenarios_view(scenario: Scenario | None, plan: Plan | None, year: int) -> None:
    """The whole tab: the outcome of the last write, saving, the saved list, comparison, publishing."""
    records.show_outcome(state.BACKCALC_MESSAGE)
    may_edit = refusal(EDIT_SCENARIOS) is None
    save_col, saved_col = st.columns(2, gap="large")
    with save_col:
        _save_controls(scenario, may_edit)
    with saved_col:
        names = _saved_scenarios(may_edit)
    _comparison(scenario, names)
    st.subheader("Publish as company targets")
    if plan is None:
        st.info("Fix the inputs (see the message above) to publish them.")
    else:
        _publish_controls(plan, year, may_edit)


def _save_controls(scenario: Scenario | None, may_edit: bool) -> None:
    st.subheader("Save the current inputs")
    st.text_input("Scenario name", key=state.BACKCALC_NAME)
    if may_edit:
        recorded_name("Saved by", state.BACKCALC_AUTHOR)
        st.button(
            "Save",
            type="primary",
            disabled=scenario is None,
            on_click=save,
            args=(None if scenario is None else scenario.to_dict(),),
        )
    else:
        refused_note(EDIT_SCENARIOS, compact=True)
    if scenario is not None:
        st.download_button(
            "Download the inputs as scenario JSON",
            icon=":material/download:",
            data=json.dumps({"name": ss[state.BACKCALC_NAME], **scenario.to_dict()}, indent=1),
            file_name=f"{ss[state.BACKCALC_NAME].strip() or 'scenario'}.json",
            mime="application/json",
        )
    st.file_uploader(
        "Import a scenario JSON file (python -m analytics backcalc reads the same file)",
        type=["json"],
        key=state.BACKCALC_IMPORT,
        on_change=import_file,
    )


def _saved_scenarios(may_edit: bool) -> list[str]:
    """The saved scenarios with load, download, delete and rename; returns their names."""
    st.subheader("Saved scenarios")
    listing = saved.list_scenarios(store())
    if listing.empty:
        st.info("No scenario saved yet.")
        return []
    st.dataframe(
        listing,
        hide_index=True,
        width="stretch",
        column_config={
            "name": "Scenario",
            "saved_by": "Saved by",
            "saved_at": st.column_config.DatetimeColumn("Saved at (UTC)", format="YYYY-MM-DD HH:mm"),
        },
    )
    names = list(listing["name"])
    if ss.get(state.BACKCALC_SELECTED) not in names:
        ss[state.BACKCALC_SELECTED] = names[0]
    chosen = st.selectbox("Scenario", names, key=state.BACKCALC_SELECTED)
    load_col, download_col, delete_col = st.columns(3)
    load_col.button("Load into the inputs", on_click=load_saved, width="stretch")
    download_col.download_button(
        "Download JSON",
        data=json.dumps({"name": chosen, **saved.load_scenario(store(), chosen)}, indent=1),
        file_name=f"{chosen}.json",
        mime="application/json",
        width="stretch",
    )
    if may_edit:
        with delete_col.popover("Delete", width="stretch"):
            st.button(f'Delete "{chosen}" for good', on_click=delete, type="primary")
        rename_col, rename_button_col = st.columns([3, 1], vertical_alignment="bottom")
        rename_col.text_input("New name", key=state.BACKCALC_NEW_NAME)
        rename_button_col.button("Rename", on_click=rename, width="stretch")
    return names


def _comparison(scenario: Scenario | None, names: list[str]) -> None:
    st.subheader("Compare side by side")
    chosen = st.multiselect("Scenarios (two or three)", [CURRENT] + names, max_selections=3, key=state.BACKCALC_COMPARE)
    if len(chosen) < 2:
        return
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
        shown = comparison_rows(scenario_comparison(compared), compared)
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            height=table_height(len(shown)),
            column_config={name: st.column_config.TextColumn(alignment="right") for name in compared},
        )


def _publish_controls(plan: Plan, year: int, may_edit: bool) -> None:
    stage_names = [stage.name for stage in plan.stages]
    stages = default_publish_stages(stage_names, ss.get(state.BACKCALC_PUBLISH_STAGES))
    if ss.get(state.BACKCALC_PUBLISH_STAGES) != stages:
        ss[state.BACKCALC_PUBLISH_STAGES] = stages
    pipeline = st.multiselect(
        "Pipeline stages to publish with the bookings", stage_names, key=state.BACKCALC_PUBLISH_STAGES
    )
    try:
        targets = published_targets(plan, year, pipeline)
    except ScenarioError as exc:
        st.error(str(exc))
        return
    st.dataframe(publish_preview(targets), hide_index=True, width="stretch")
    st.caption(
        f"Writes these {len(targets)} company targets (metric bookings and pipeline_<stage>, start 0, "
        "stored unrounded), replacing the same period and metric; recorded as an upload of the "
        "scenario's JSON."
    )
    if not may_edit:
        refused_note(EDIT_SCENARIOS, compact=True)
        return
    st.button(
        f"Publish to company targets {year}-Q1 … Q4",
        type="primary",
        on_click=publish,
        args=(targets, plan.scenario.to_dict()),
    )
