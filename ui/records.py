"""Writes a page makes on a user's behalf (records entered in the app, undoing an upload): checked
against the signed-in user's role, reported as (kind, message) for the page to show."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from loaders.records import record
from store.access import Action
from store.database import StoreError
from ui.auth import refusal
from ui.context import store
from ui.text import literal


def record_rows(rows: dict[str, pd.DataFrame], recorded_by: str, file_name: str, action: Action,
                stored_message: str) -> tuple[str, str]:
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


def undo_upload(upload_id: int, undone_by: str, action: Action) -> tuple[str, str]:
    """Undo upload `upload_id` if the current user may do `action`: ("success" | "error", message)."""
    if denied := refusal(action):
        return "error", f"Upload {upload_id} was not undone: {denied}"
    try:
        restored = store().undo_upload(upload_id, undone_by)
    except StoreError as exc:
        return "error", f"Upload {upload_id} was not undone: {literal(exc)}."
    return "success", (f"Upload {upload_id} undone: {sum(restored.values())} row(s) put back as they were. It stays "
                       f"in the upload history, marked undone by {literal(undone_by)}.")


def show_outcome(key: str) -> None:
    """Show, once, the (kind, message) a button callback left in session state under `key`: kind is
    "success", "info" or "error"."""
    if outcome := st.session_state.pop(key, None):
        kind, message = outcome
        {"success": st.success, "info": st.info}.get(kind, st.error)(message)
