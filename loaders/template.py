"""A team's prefilled progress template: its KRs, their last values, columns to fill in."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from store.database import Store
from store.schema import CHECK_INS, STATUS_LEVELS

TEMPLATE_COLUMNS = (
    "kr_id",
    "objective_id",
    "title",
    "owner",
    "measure",
    "unit",
    "start_value",
    "target_value",
    "due_date",
    "last_value",
    "last_status",
    "last_date",
    "value",
    "status",
    "confidence",
    "comment",
    "date",
)
EDITABLE_COLUMNS = ("value", "status", "confidence", "comment", "date")
INSTRUCTIONS = (
    "How to fill in this progress template",
    "",
    "1. On the CheckIns sheet, fill in one row per key result you have news about:",
    "   value — the current number (for currency, number and percent KRs; 1 or 0 for binary KRs);",
    "   status — for KRs measured by status: Not started, Early progress, Good progress or Completed;",
    "   confidence — 0 (no chance) to 10 (certain) that the KR will be reached;",
    "   comment — one line on what moved or what blocks;",
    "   date — the day the value is true (prefilled with the review date).",
    "2. Leave rows you have no news about empty: they are not stored.",
    "3. Do not change kr_id: it is how each row finds its key result. Grey columns are for reference.",
    "4. Upload the file on the Upload progress page (or: python -m loaders ingest FILE).",
    "   You will see every problem with its row and column before anything is stored.",
)


def team_template_rows(store: Store, team: str) -> pd.DataFrame:
    objectives = store.read_table("objectives")
    if team not in set(store.read_table("teams")["team"]):
        raise ValueError(f'unknown team "{team}"')
    krs = store.read_table("key_results")
    krs = krs[krs["objective_id"].isin(objectives.loc[objectives["team"] == team, "objective_id"])]
    check_ins = store.read_table("check_ins").sort_values("date")
    last = check_ins.groupby("kr_id").tail(1).set_index("kr_id")
    rows = krs.assign(
        last_value=krs["kr_id"].map(last["value"]),
        last_status=krs["kr_id"].map(last["status"]),
        last_date=krs["kr_id"].map(last["date"]),
    )
    return rows.sort_values(["objective_id", "kr_id"]).reset_index(drop=True)


def build_template(store: Store, team: str, review_date: dt.date) -> bytes:
    import xlsxwriter

    rows = team_template_rows(store, team)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    header = workbook.add_format({"bold": True, "bg_color": "#1F3A5F", "font_color": "#FFFFFF", "locked": True})
    locked = workbook.add_format({"bg_color": "#EEEEEE", "locked": True})
    locked_date = workbook.add_format({"bg_color": "#EEEEEE", "locked": True, "num_format": "yyyy-mm-dd"})
    editable = workbook.add_format({"locked": False})
    editable_date = workbook.add_format({"locked": False, "num_format": "yyyy-mm-dd"})

    sheet = workbook.add_worksheet(CHECK_INS.sheet)
    sheet.write_row(0, 0, TEMPLATE_COLUMNS, header)
    for index, record in enumerate(rows.to_dict("records"), start=1):
        for position, column in enumerate(TEMPLATE_COLUMNS):
            is_date = column in ("due_date", "last_date", "date")
            style = (
                (editable_date if is_date else editable)
                if column in EDITABLE_COLUMNS
                else (locked_date if is_date else locked)
            )
            value = review_date if column == "date" else record.get(column)
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                sheet.write_blank(index, position, None, style)
            elif is_date:
                sheet.write_datetime(index, position, pd.Timestamp(value).to_pydatetime(), style)
            elif isinstance(value, (int, float)):
                sheet.write_number(index, position, value, style)
            else:
                sheet.write_string(index, position, str(value), style)
    last_row = max(len(rows), 1) + 200
    status_col = TEMPLATE_COLUMNS.index("status")
    confidence_col = TEMPLATE_COLUMNS.index("confidence")
    sheet.data_validation(1, status_col, last_row, status_col, {"validate": "list", "source": list(STATUS_LEVELS)})
    sheet.data_validation(
        1,
        confidence_col,
        last_row,
        confidence_col,
        {
            "validate": "integer",
            "criteria": "between",
            "minimum": 0,
            "maximum": 10,
            "error_message": "Confidence is a whole number from 0 to 10.",
        },
    )
    widths = {"title": 48, "comment": 40, "kr_id": 14, "objective_id": 12, "owner": 18}
    for position, column in enumerate(TEMPLATE_COLUMNS):
        sheet.set_column(position, position, widths.get(column, 13))
    sheet.freeze_panes(1, 3)
    sheet.protect("", {"format_columns": True, "autofilter": True, "sort": False})

    notes = workbook.add_worksheet("Instructions")
    notes.set_column(0, 0, 110)
    for index, line in enumerate((*INSTRUCTIONS, "", f"Team: {team}", f"Review date: {review_date.isoformat()}")):
        notes.write_string(index, 0, line)
    workbook.close()
    return buffer.getvalue()
