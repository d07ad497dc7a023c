"""Rows people enter in the app (review decisions, actions, meeting notes, KRs carried into the next
quarter) are stored as an upload of a small workbook in the DESIGN format: they pass the same checks,
get the same audit record (who, when, the file and its hash) and can be undone like any upload."""

from __future__ import annotations

import io

import pandas as pd

from analytics.meetings import ACTION_COLUMNS, DECISION_COLUMNS, meeting_record
from loaders.ingest import IngestResult, check_and_store
from store.database import Store, UploadedFile
from store.schema import TABLES_BY_NAME


def records_workbook(rows: dict[str, pd.DataFrame]) -> bytes:
    """An XLSX with one sheet per table (named as in the workbook format) holding `rows`; text is
    written as text, so a reason starting with "=" stays a reason."""
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    with pd.ExcelWriter(
        buffer,
        engine="xlsxwriter",
        engine_kwargs={"options": options},
        date_format="yyyy-mm-dd",
        datetime_format="yyyy-mm-dd",
    ) as writer:
        for name, frame in rows.items():
            frame.to_excel(writer, sheet_name=TABLES_BY_NAME[name].sheet, index=False)
    return buffer.getvalue()


def record(store: Store, rows: dict[str, pd.DataFrame], recorded_by: str, file_name: str) -> IngestResult:
    """Check and store `rows` (table name → rows in that table's columns) as one upload named `file_name`."""
    return check_and_store(store, [UploadedFile(file_name, records_workbook(rows))], recorded_by)


def meeting_export(tables: dict[str, pd.DataFrame], as_of) -> bytes:
    """The meeting of `as_of`'s month as a workbook that imports back as it is: its Decisions, the
    Actions it followed up and agreed, and its ReviewNotes."""
    meeting = meeting_record(tables, as_of)
    notes = tables["review_notes"]
    return records_workbook(
        {
            "decisions": meeting.decisions.loc[:, list(DECISION_COLUMNS)],
            "actions": pd.concat([meeting.followed_up, meeting.agreed]).loc[:, list(ACTION_COLUMNS)],
            "review_notes": notes[notes["review_month"] == meeting.month],
        }
    )
