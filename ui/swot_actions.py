"""The SWOT page's actions: adding and importing items, and turning priorities into company
objectives (button callbacks that write through ui.records)."""

from dataclasses import asdict

import pandas as pd
import streamlit as st

from analytics.swot import (
    QUADRANT_LABELS,
    QUADRANT_NAMES,
    ObjectiveDraft,
    company_objective_rows,
    swot_entry,
)
from loaders.ingest import parse_files
from store.access import CREATE_COMPANY_OBJECTIVES, EDIT_SWOT
from store.database import UploadedFile
from ui import state
from ui.filters import current_filters
from ui.records import record_table_rows, store_files
from ui.swot_forms import other_sheets, priority_drafts

ENTRY_FILE_NAME = "swot-form-entry.csv"
OBJECTIVES_FILE_NAME = "company-objectives-from-swot.csv"


def stored(outcome: tuple[str, str]) -> None:
    """Show the (kind, message) of a write after the rerun that shows the new data."""
    st.session_state[state.SWOT_NOTICE] = outcome
    st.rerun()


def add_item(leader: str | None, quadrant: str, item: str, author: str, column) -> None:
    entry, problems = swot_entry(leader or "", quadrant, item)
    if problems:
        column.error("Not added: " + "; ".join(problems) + ".")
        return
    row = entry.iloc[0]
    stored(
        record_table_rows(
            "swot",
            entry,
            author,
            ENTRY_FILE_NAME,
            EDIT_SWOT,
            f"Added to {row['leader']}'s {QUADRANT_LABELS[row['quadrant']].lower()}: {row['item']}",
            f"{row['leader']}'s SWOT already holds this item.",
        )
    )


def import_sheet(upload, author: str) -> None:
    """Store the Swot sheet of an uploaded file, or say why not (a file holding other sheets is for
    the Upload progress page)."""
    files = [UploadedFile(upload.name, upload.getvalue())]
    parsed, problems = parse_files(files)
    others = other_sheets(parsed)
    if others:
        st.error(
            f"{upload.name} also holds {', '.join(others)}: import it on the Upload progress page, or keep "
            "only the Swot sheet here."
        )
        return
    result = store_files(files, author, EDIT_SWOT) if "swot" in parsed else None
    if isinstance(result, str):
        st.error(f"Nothing imported from {upload.name}: {result}")
    elif result is None or result.errors:
        st.error(f"Nothing imported from {upload.name}: fix these problems and import it again.")
        shown = problems if result is None else result.problems
        st.dataframe(pd.DataFrame([asdict(p) for p in shown]), hide_index=True, width="stretch")
    else:
        added = result.changes["swot"]
        stored(("success", f"Imported {upload.name}: {added.inserted} new item(s), {added.unchanged} already there."))


def objective_drafts(chosen: list[str], options: dict[str, dict], objectives: pd.DataFrame) -> list[ObjectiveDraft]:
    """The form's fields for each chosen priority, prefilled by ui.swot_forms.priority_drafts."""
    drafts = []
    prefilled = priority_drafts(chosen, options, objectives, current_filters().as_of)
    for number, (label, draft) in enumerate(zip(chosen, prefilled), start=1):
        row = options[label]
        st.markdown(f"**Priority {number}** · {QUADRANT_NAMES[row['quadrant']]}, raised by {row['leaders']}")
        id_col, text_col = st.columns([1, 3])
        drafts.append(
            ObjectiveDraft(
                objective_id=id_col.text_input(f"Objective id, priority {number}", value=draft.objective_id),
                period=id_col.text_input(
                    f"Period, priority {number}", value=draft.period, help="A year (2027) or a quarter (2027-Q3)"
                ),
                title=text_col.text_input(
                    f"Title, priority {number}",
                    value=draft.title,
                    help="Start with an action verb: Win …, Prove …, Build …",
                ),
                context=text_col.text_area(f"Context, priority {number}", height=90, value=draft.context),
            )
        )
    return drafts


def create_objectives(drafts: list[ObjectiveDraft], objectives: pd.DataFrame, author: str) -> None:
    rows, problems = company_objective_rows(drafts, objectives)
    if problems:
        st.error("Nothing created: " + "; ".join(problems) + ".")
        return
    stored(
        record_table_rows(
            "objectives",
            rows,
            author,
            OBJECTIVES_FILE_NAME,
            CREATE_COMPANY_OBJECTIVES,
            f"Created company objective(s) {', '.join(rows['objective_id'])} for {', '.join(rows['period'].unique())}: "
            "they show as gaps on the Alignment map until team objectives link to them.",
            "Nothing changed: these company objectives are already stored.",
        )
    )
