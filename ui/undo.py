"""Undoing an upload from a page: checked against the signed-in user's role, reported in words."""
from __future__ import annotations

from store.access import Action
from store.database import StoreError
from ui.auth import refusal
from ui.context import store
from ui.text import literal


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
