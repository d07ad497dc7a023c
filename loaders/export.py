"""Tables written to files people open in Excel (XLSX and CSV), safe against formula injection.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, in some programs, a tab or
carriage return) as a formula, so a KR title or comment typed as `=HYPERLINK(...)` would run on the
reader's machine. Every text cell goes through `neutralised` (OWASP's advice: a leading single
quote); numbers, dates and booleans are written as such, so a negative number stays a number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import numbers
import re
from dataclasses import dataclass

import pandas as pd

from analytics.review import ReviewSnapshot

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# How a column's numbers are shown; the type of each cell comes from its value.
TEXT = "text"
NUMBER = "number"
INTEGER = "integer"
PERCENT = "percent"  # a fraction: 0.45 is shown as 45%
DATE = "date"
BOOLEAN = "boolean"

_XLSX_NUMBER_FORMATS = {
    NUMBER: "#,##0.##",
    INTEGER: "#,##0",
    PERCENT: "0%",
    DATE: "yyyy-mm-dd",
}
_WHOLE_NUMBER_FORMAT = "#,##0"  # a NUMBER cell holding a whole number: no dangling decimal point
_CSV_PERCENT_DECIMALS = 4  # 0.1 % resolution is plenty for a spreadsheet


@dataclass(frozen=True)
class ExportColumn:
    name: str  # the column of the frame
    header: str  # what the file's header row says
    kind: str = TEXT
    width: int = 14  # characters, for XLSX


def neutralised(text: str) -> str:
    """`text` as a spreadsheet shows it and never runs it: a leading `'` when it starts like a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _cell(value):
    """The value to write: None for empty cells, a date, a bool, a number, or neutralised text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date()
    if isinstance(value, (bool, dt.date)):
        return value
    if hasattr(value, "item"):  # numpy scalars: bool_, int64, float64
        value = value.item()
        if isinstance(value, bool):
            return value
    if isinstance(value, numbers.Number):
        return value
    return neutralised(str(value))


def table_csv(frame: pd.DataFrame, columns: tuple[ExportColumn, ...]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads accents right; dates as YYYY-MM-DD,
    booleans as TRUE/FALSE, percentages as fractions."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([neutralised(c.header) for c in columns])
    for record in frame.loc[:, [c.name for c in columns]].itertuples(index=False):
        writer.writerow([_csv_text(_cell(value), column.kind) for value, column in zip(record, columns)])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_text(value, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, numbers.Number):
        if kind == PERCENT:
            value = round(value, _CSV_PERCENT_DECIMALS)
        return f"{value:.12g}"
    return value


def table_xlsx(
    frame: pd.DataFrame, columns: tuple[ExportColumn, ...], sheet_name: str, about: dict[str, str] | None = None
) -> bytes:
    """One sheet: a bold, frozen header row with filters, set column widths, numbers and dates
    formatted; `about` (label → text) goes on a second sheet that says what the table is."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    header = workbook.add_format(
        {"bold": True, "bg_color": "#1F3A5F", "font_color": "#FFFFFF", "text_wrap": True, "valign": "top"}
    )
    formats = {
        kind: workbook.add_format({"num_format": number_format}) for kind, number_format in _XLSX_NUMBER_FORMATS.items()
    }
    whole_number = workbook.add_format({"num_format": _WHOLE_NUMBER_FORMAT})
    text = workbook.add_format({"valign": "top"})

    sheet = workbook.add_worksheet(sheet_name)
    for position, column in enumerate(columns):
        sheet.write_string(0, position, neutralised(column.header), header)
        sheet.set_column(position, position, column.width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)

    for row, record in enumerate(frame.loc[:, [c.name for c in columns]].itertuples(index=False), start=1):
        for position, (value, column) in enumerate(zip(record, columns)):
            value = _cell(value)
            if value is None:
                sheet.write_blank(row, position, None)
            elif isinstance(value, bool):
                sheet.write_boolean(row, position, value)
            elif isinstance(value, dt.date):
                sheet.write_datetime(row, position, dt.datetime.combine(value, dt.time()), formats[DATE])
            elif isinstance(value, numbers.Number):
                style = formats.get(column.kind)
                if column.kind == NUMBER and float(value).is_integer():
                    style = whole_number
                sheet.write_number(row, position, value, style)
            else:
                sheet.write_string(row, position, value, text)

    if about:
        notes = workbook.add_worksheet("About")
        notes.set_column(0, 0, 22)
        notes.set_column(1, 1, 90)
        for row, (label, value) in enumerate(about.items()):
            notes.write_string(row, 0, neutralised(label), header)
            notes.write_string(row, 1, neutralised(value), text)
    workbook.close()
    return buffer.getvalue()


KR_EXPORT_COLUMNS = (
    ExportColumn("kr_id", "KR ID", width=14),
    ExportColumn("team", "Team", width=16),
    ExportColumn("objective_id", "Objective ID", width=12),
    ExportColumn("objective", "Objective", width=40),
    ExportColumn("title", "Key result", width=48),
    ExportColumn("kr_type", "Type", width=11),
    ExportColumn("measure", "Measure", width=10),
    ExportColumn("unit", "Unit", width=10),
    ExportColumn("owner", "Owner", width=18),
    ExportColumn("start_value", "Start", NUMBER, width=12),
    ExportColumn("target_value", "Target", NUMBER, width=12),
    ExportColumn("last_reading", "Last value", NUMBER, width=14),
    ExportColumn("raw_progress", "Progress", PERCENT, width=10),
    ExportColumn("expected", "Expected by now", PERCENT, width=10),
    ExportColumn("status", "Status", width=12),
    ExportColumn("stale", "Stale", BOOLEAN, width=8),
    ExportColumn("due_date", "Due date", DATE, width=12),
    ExportColumn("days_overdue", "Days overdue", INTEGER, width=9),
    ExportColumn("last_date", "Last check-in", DATE, width=12),
    ExportColumn("last_confidence", "Confidence (0-10)", NUMBER, width=11),
    ExportColumn("last_comment", "Last comment", width=60),
)


def kr_export_table(snapshot: ReviewSnapshot) -> pd.DataFrame:
    """The KRs of a review, one row each, with the columns of KR_EXPORT_COLUMNS: the objective's
    title beside its id, and the last reading — the number, or the level of a status KR."""
    krs = snapshot.krs
    objective_titles = snapshot.objectives.set_index("objective_id")["title"]
    is_status = krs["measure"].fillna("").str.strip().str.lower() == "status"
    return krs.assign(
        objective=krs["objective_id"].map(objective_titles),
        last_reading=krs["last_value"].astype(object).where(~is_status, krs["last_status"]),
    ).reset_index(drop=True)


def export_file_name(prefix: str, as_of: dt.date, qualifiers: tuple[str | None, ...], extension: str) -> str:
    """`okr-review-2027-05-31-sales.html`: the as-of date and the filters in force, file-system safe."""
    parts = [prefix, as_of.isoformat(), *(q for q in qualifiers if q)]
    slug = "-".join(re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in parts)
    return f"{slug}.{extension}"
