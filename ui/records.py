"""The one path by which a page writes on a user's behalf: records entered in the app, uploads and
their undo, SWOT entries, scenarios and published targets, access grants. Each function checks the
signed-in user's role when the write runs (not only when the page drew the control: a session can
change hands between the two), writes through the store's recorded paths, and reports the outcome
as (kind, message) for the page to show, kind being "success", "info" or "error".

Pages never call the store's writing functions themselves; tests/test_layering.py checks it."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from loaders.ingest import IngestResult, check_and_store
from loaders.records import record
from store import access, profiles
from store import scenarios as saved
from store.access import EDIT_SCENARIOS, LEAD, MANAGE_ACCESS, AccessError, Action
from store.database import StoreError, UploadedFile
from ui.auth import access_change_refusal, refusal
from ui.context import store
from ui.text import literal

Outcome = tuple[str, str]
SAVE_PROFILE = Action("save column-mapping profiles", LEAD, per_team=True)


def record_rows(
    rows: dict[str, pd.DataFrame], recorded_by: str, file_name: str, action: Action, stored_message: str
) -> Outcome:
    """Store `rows` as one upload named `file_name` if the current user may do `action`:
    ("success", `stored_message`), ("info", …) when nothing changed, or ("error", why not)."""
    if denied := refusal(action):
        return "error", f"Nothing was recorded: {denied}"
    result = record(store(), rows, recorded_by, file_name)
    if result.errors:
        problems = "; ".join(f"{p.sheet} {p.column}: {p.problem}" for p in result.errors)
        return "error", f"Nothing was recorded: {literal(problems)}"
    if not result.stored:
        return "info", "Nothing changed: this was already recorded."
    return "success", stored_message


def record_table_rows(
    table: str,
    rows: pd.DataFrame,
    recorded_by: str,
    file_name: str,
    action: Action,
    stored_message: str,
    unchanged_message: str,
) -> Outcome:
    """Store `rows` (already checked by the caller, in `table`'s columns) into `table` as one upload
    of a CSV file named `file_name`, if the current user may do `action`."""
    if denied := refusal(action):
        return "error", f"Nothing was stored: {denied}"
    file = UploadedFile(file_name, rows.to_csv(index=False).encode())
    try:
        changes = store().apply_upload({table: (rows, list(rows.columns))}, [file], recorded_by)
    except StoreError as exc:
        return "error", f"Nothing was stored: {literal(exc)}"
    return ("success", stored_message) if changes[table].changed else ("info", unchanged_message)


def store_files(
    files: list[UploadedFile], uploaded_by: str, action: Action, team: str | None = None, **options
) -> IngestResult | str:
    """Check and store `files` as one upload (loaders.ingest.check_and_store with `options`) if the
    current user may do `action` (for `team`): the IngestResult, or why not."""
    if denied := refusal(action, team):
        return denied
    return check_and_store(store(), files, uploaded_by, team=team, **options)


def undo_upload(upload_id: int, undone_by: str, action: Action) -> Outcome:
    """Undo upload `upload_id` if the current user may do `action`: ("success" | "error", message)."""
    if denied := refusal(action):
        return "error", f"Upload {upload_id} was not undone: {denied}"
    try:
        restored = store().undo_upload(upload_id, undone_by)
    except StoreError as exc:
        return "error", f"Upload {upload_id} was not undone: {literal(exc)}."
    return "success", (
        f"Upload {upload_id} undone: {sum(restored.values())} row(s) put back as they were. It stays "
        f"in the upload history, marked undone by {literal(undone_by)}."
    )


def save_mapping_profile(name: str, signature: str, mapping: str, saved_by: str, team: str | None) -> Outcome:
    """Save `mapping` (TOML) as the column-mapping profile `name` of files whose headers have
    `signature`, if the current user may (a team lead of `team`, or an admin)."""
    if denied := refusal(SAVE_PROFILE, team):
        return "error", f"The profile was not saved: {denied}"
    try:
        replaced = profiles.save_profile(store(), name, signature, mapping, saved_by)
    except StoreError as exc:
        return "error", f"The profile was not saved: {literal(exc)}"
    name = profiles.clean_name(name)
    others = [r for r in replaced if r != name]
    note = f" It replaces profile {', '.join(others)}, made for the same headers." if others else ""
    return "success", literal(f'Saved profile "{name}": files with these headers are read by it from now on.{note}')


# ---------------------------------------------------------------------------------------------- scenarios


def save_scenario(name: str, scenario: Mapping, saved_by: str) -> Outcome:
    """Save `scenario` (its JSON object) under `name`, replacing a scenario of that name."""
    if denied := refusal(EDIT_SCENARIOS):
        return "error", f"Not saved: {denied}"
    try:
        replaced = saved.save_scenario(store(), name, scenario, saved_by)
    except StoreError as exc:
        return "error", f"Not saved: {exc}"
    return "success", f'Saved "{name.strip()}"' + (" (replaced the earlier version)." if replaced else ".")


def rename_scenario(old: str, new: str) -> Outcome:
    if denied := refusal(EDIT_SCENARIOS):
        return "error", f"Not renamed: {denied}"
    try:
        saved.rename_scenario(store(), old, new)
    except StoreError as exc:
        return "error", f"Not renamed: {exc}"
    return "success", f'Renamed "{old}" to "{new.strip()}".'


def delete_scenario(name: str) -> Outcome:
    if denied := refusal(EDIT_SCENARIOS):
        return "error", f"Not deleted: {denied}"
    try:
        saved.delete_scenario(store(), name)
    except StoreError as exc:
        return "error", f"Not deleted: {exc}"
    return "success", f'Deleted "{name}".'


def publish_targets(targets: pd.DataFrame, scenario: Mapping, scenario_name: str, published_by: str) -> Outcome:
    """Write a plan's company targets, recorded as an upload of the scenario's JSON."""
    if denied := refusal(EDIT_SCENARIOS):
        return "error", f"Not published: {denied}"
    try:
        changes = saved.publish_targets(store(), targets, scenario, scenario_name, published_by)
    except StoreError as exc:
        return "error", f"Not published: {exc}"
    changed = sum(change.changed for change in changes.values())
    return (
        ("success", f"Published: {changed} company target(s) changed.")
        if changed
        else ("info", "Nothing changed: these targets are already the stored ones.")
    )


# ---------------------------------------------------------------------------------------------- access


def grant_access(email: str, role: str, teams: list[str], changed_by: str) -> Outcome:
    """Give `email` `role` (of `teams`) on the Access page, if the current user may change theirs."""
    if (denied := refusal(MANAGE_ACCESS)) or (denied := access_change_refusal(email)):
        return "error", f"Not changed: {literal(denied)}"
    try:
        changed = access.set_grant(store(), email, role, teams, changed_by)
    except AccessError as exc:
        return "error", f"Not changed: {literal(exc)}."
    email = access.normalised_email(email)
    of_teams = f" of {', '.join(teams)}" if teams else ""
    if not changed:
        return "info", literal(f"{email} already had that access.")
    return "success", literal(f"{email} is now {access.ROLE_LABELS[role]}{of_teams}.")


def remove_access(email: str, changed_by: str) -> Outcome:
    """Remove what the Access page gives `email` (a viewer again), if the current user may."""
    if (denied := refusal(MANAGE_ACCESS)) or (denied := access_change_refusal(email, removal=True)):
        return "error", f"Not removed: {literal(denied)}"
    access.remove_grant(store(), email, changed_by)
    return "success", literal(f"{email} no longer has access set here: a viewer again.")


def show_outcome(key: str) -> None:
    """Show, once, the (kind, message) a button callback left in session state under `key`: kind is
    "success", "info" or "error"."""
    if outcome := st.session_state.pop(key, None):
        kind, message = outcome
        {"success": st.success, "info": st.info}.get(kind, st.error)(message)
