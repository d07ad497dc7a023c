"""The back-calculation page's Scenarios tab: save the inputs, download or import them as scenario
JSON, load, rename or delete saved scenarios, compare two or three side by side (what differs
highlighted, with its difference), and publish a plan as company targets after a confirmation that
lists every target before → after. Every write goes through ui.records, which checks the role when it
runs, and records the signed-in user or the name typed here (never the server's OS user)."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from analytics.funnel import Plan, Scenario, ScenarioError, published_targets
from analytics.funnel.targets import plan_changes_arr, target_changes
from store import scenarios as saved
from store.access import EDIT_SCENARIOS
from store.database import StoreError
from ui import records, state
from ui.auth import recorded_name, refusal, refused_note
from ui.backcalc_inputs import import_file, load_saved
from ui.backcalc_tables import change_rows, comparison_rows, comparison_table, default_publish_stages, publish_preview
from ui.context import store, tables
from ui.tables import table_height
from ui.text import literal

CURRENT = "Current inputs"
ITEM = "Input or result"  # the comparison's first column
ITEM_PX, SCENARIOS_PX = 210, 680

ss = st.session_state


def save(scenario: dict, saved_by: str) -> None:
    """Save the inputs (their scenario's JSON object) under the name typed (a button callback)."""
    ss[state.BACKCALC_MESSAGE] = records.save_scenario(ss[state.BACKCALC_NAME], scenario, saved_by)


def rename() -> None:
    old, new = ss.get(state.BACKCALC_SELECTED), ss.get(state.BACKCALC_NEW_NAME, "")
    ss[state.BACKCALC_MESSAGE] = outcome = records.rename_scenario(old, new)
    if outcome[0] == "success":
        ss[state.BACKCALC_SELECTED] = new.strip()


def delete() -> None:
    ss[state.BACKCALC_MESSAGE] = records.delete_scenario(ss.get(state.BACKCALC_SELECTED))


def publish(targets: pd.DataFrame, scenario: dict, published_by: str) -> None:
    """The confirmation's "Yes, publish" callback: write the targets, recorded as an upload by
    `published_by`, and say where it can be undone."""
    ss.pop(state.BACKCALC_PUBLISH_PENDING, None)
    name = ss[state.BACKCALC_NAME].strip() or "unsaved scenario"
    kind, message = records.publish_targets(targets, scenario, name, published_by)
    if kind == "success":
        message += (
            f' Recorded as an upload of "scenario {literal(name)}.json" by {literal(published_by)}: the Company '
            "overview shows the bookings against it, and the Upload page's history can undo it."
        )
    ss[state.BACKCALC_MESSAGE] = kind, message


def scenarios_view(scenario: Scenario | None, plan: Plan | None, year: int) -> None:
    """The whole tab: the outcome of the last write, saving, the saved list, comparison, publishing."""
    records.show_outcome(state.BACKCALC_MESSAGE)
    may_edit = refusal(EDIT_SCENARIOS) is None
    author = ""
    if may_edit:
        name_col, _ = st.columns([1, 2])
        with name_col:
            author = recorded_name("Your name (recorded when you save or publish)", state.BACKCALC_AUTHOR)
    save_col, saved_col = st.columns(2, gap="large")
    with save_col:
        _save_controls(scenario, author if may_edit else None)
    with saved_col:
        names = _saved_scenarios(may_edit)
    _comparison(scenario, names)
    st.subheader("Publish as company targets")
    if plan is None:
        st.info("Fix the inputs (see the message above) to publish them.")
    else:
        _publish_controls(plan, year, author if may_edit else None)


def _save_controls(scenario: Scenario | None, author: str | None) -> None:
    """Name and save the inputs (`author` None: the user may not save)."""
    st.subheader("Save the current inputs")
    st.text_input("Scenario name", key=state.BACKCALC_NAME)
    if author is not None:
        why_not = "Fix the inputs first." if scenario is None else None if author else "Type your name above first."
        st.button(
            "Save",
            type="primary",
            disabled=why_not is not None,
            help=why_not,
            on_click=save,
            args=(None if scenario is None else scenario.to_dict(), author),
        )
        if why_not:
            st.caption(f":material/info: {why_not}")
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
    load_col.button("Load", help="Load this scenario into the inputs", on_click=load_saved, width="stretch")
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
        shown = comparison_rows(comparison_table(compared), compared).rename(columns={"": ITEM})
        differs = shown.pop("differs")
        highlighted = shown.style.apply(
            lambda row: ["background-color: #FFF3C4; font-weight: 600" if differs[row.name] else ""] * len(row), axis=1
        )
        st.dataframe(
            highlighted,
            hide_index=True,
            width="stretch",
            height=table_height(len(shown)),
            column_config={
                ITEM: st.column_config.TextColumn(width=ITEM_PX),
                # The scenarios share the rest of a 1366 px page's width, so that a funnel's stage
                # names read whole; wider screens stretch them.
                **{
                    name: st.column_config.TextColumn(alignment="right", width=SCENARIOS_PX // len(compared))
                    for name in compared
                },
            },
        )
        first = next(iter(compared))
        st.caption(
            f"Highlighted: the {int(differs.sum())} rows where the scenarios differ; in brackets, the difference "
            f'from "{literal(first)}" (rates in percentage points).'
        )


def _publish_controls(plan: Plan, year: int, published_by: str | None) -> None:
    """The targets the plan publishes, and the Publish button (`published_by` None: the user may not)."""
    stage_names = [stage.name for stage in plan.stages]
    stages = default_publish_stages(stage_names, ss.get(state.BACKCALC_PUBLISH_STAGES))
    if ss.get(state.BACKCALC_PUBLISH_STAGES) != stages:
        ss[state.BACKCALC_PUBLISH_STAGES] = stages
    pipeline = st.multiselect(
        "Pipeline stages to publish with the bookings", stage_names, key=state.BACKCALC_PUBLISH_STAGES
    )
    stored = tables()["company_targets"]
    with_arr = plan_changes_arr(plan, year, stored)
    try:
        targets = published_targets(plan, year, pipeline, with_arr=with_arr)
    except ScenarioError as exc:
        st.error(str(exc))
        return
    changes = target_changes(targets, stored)
    st.dataframe(publish_preview(targets), hide_index=True, width="stretch")
    arr_note = (
        f"The plan changes the {year} ARR target, so the ARR path (the year and each quarter's end) is published "
        "with it. "
        if with_arr
        else f"The {year} ARR target stays as stored (the plan keeps it). "
    )
    st.caption(
        f"{arr_note}Bookings and pipeline volumes per quarter start from 0 and are stored unrounded, replacing "
        "the same period and metric; recorded as an upload of the scenario's JSON, which can be undone."
    )
    if published_by is None:
        refused_note(EDIT_SCENARIOS, compact=True)
        return
    changed = int(changes["changed"].sum())
    why_not = (
        "Type your name above first: it is recorded with the targets."
        if not published_by
        else "Nothing to publish: these targets are already the stored ones."
        if not changed
        else None
    )
    st.button(
        f"Publish to company targets {year}-Q1 … Q4",
        type="primary",
        disabled=why_not is not None,
        help=why_not,
        on_click=lambda: ss.update({state.BACKCALC_PUBLISH_PENDING: True}),
    )
    if why_not:
        st.caption(f":material/info: {why_not}")
    elif ss.get(state.BACKCALC_PUBLISH_PENDING):
        _confirm_publish(changes, targets, plan.scenario.to_dict(), published_by)


def _confirm_publish(changes: pd.DataFrame, targets: pd.DataFrame, scenario: dict, published_by: str) -> None:
    """Every target the publication writes, before → after, and the buttons that do it or not."""
    changed = int(changes["changed"].sum())
    same = len(changes) - changed
    with st.container(border=True):
        st.markdown(
            f"**Publishing changes {changed} company target(s)**"
            + (f" ({same} already stored as they are)" if same else "")
            + f", recorded by **{literal(published_by)}**:"
        )
        shown = change_rows(changes)
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            height=table_height(len(shown), most=14),
            column_config={
                "Before": st.column_config.TextColumn(alignment="right"),
                "After": st.column_config.TextColumn(alignment="right"),
            },
        )
        yes_col, no_col, _ = st.columns([1, 1, 2])
        yes_col.button(
            f"Yes, publish {changed} target(s)",
            type="primary",
            on_click=publish,
            args=(targets, scenario, published_by),
            width="stretch",
        )
        no_col.button("Cancel", on_click=lambda: ss.pop(state.BACKCALC_PUBLISH_PENDING, None), width="stretch")
