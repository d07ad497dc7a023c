"""The Upload page's mapping step, without Streamlit: which files need it, the choices each header and
sheet offer, the mapping made of what the user chose, the constants of one upload, and what of a
mapping is kept in a profile (loaders.mapping has the mapping itself; store.profiles keeps profiles).

A profile keeps how the headers are read (each sheet's shape, table and columns) and the constants that
describe the file (measure, due date); the team, the period and the check-in date belong to one upload
and are asked for each time (prefilled: the team chosen on the page, the review date and its quarter)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from loaders.mapping import (
    IGNORE,
    NOT_USED,
    NOTES,
    SHAPE_LABELS,
    SHAPES,
    UNKNOWN,
    WORKBOOK,
    FileMapping,
    SheetMapping,
    targets_of,
)
from loaders.read import RawSheet
from store.schema import TABLES

CONSTANTS = ("team", "period", "measure", "due_date", "date")  # the constants the page asks for
PER_UPLOAD = ("team", "period", "date")  # constants of one upload, never kept in a profile
TABLE_NAMES = tuple(t.sheet for t in TABLES)
SAMPLE_COUNT = 3  # values shown under a header's choice


def needs_mapping(mapping: FileMapping) -> bool:
    """Whether a file is not in the workbook format: a sheet taken for another shape, or for nothing."""
    return any(item.shape not in (WORKBOOK, NOTES) and not is_empty(item) for item in mapping.sheets)


def is_empty(item: SheetMapping) -> bool:
    """A sheet with no header to map (an empty Sheet1 beside the data): nothing to choose."""
    return item.shape == UNKNOWN and not item.columns


def shape_label(shape: str) -> str:
    return SHAPE_LABELS.get(shape, shape)


def column_choices(shape: str, table: str = "") -> list[str]:
    """What a header of a sheet of this shape may be set to: not used (reported), ignore, a column."""
    return [NOT_USED, IGNORE, *targets_of(shape, table)]


def choice_label(choice: str) -> str:
    return {NOT_USED: "not used", IGNORE: "ignore (not reported)"}.get(choice, choice)


def default_choice(item: SheetMapping, header: str, shape: str, table: str = "") -> str:
    """The header's column in `item`, if a sheet of `shape` (and `table`) has that column; else not used."""
    chosen = item.columns.get(header, NOT_USED)
    return chosen if chosen in column_choices(shape, table) else NOT_USED


def sample_values(sheet: RawSheet, item: SheetMapping, count: int = SAMPLE_COUNT) -> dict[str, str]:
    """Header → its first `count` non-empty values under the header row, as text ("4, 41, 17")."""
    rows = sheet.head(item.header_row + 20)
    if len(rows) < item.header_row or item.transposed:
        return {}
    header = rows[item.header_row - 1]
    found: dict[str, str] = {}
    for position, cell in enumerate(header):
        text = "" if cell is None else str(cell).strip()
        if not text or text in found:
            continue
        values = [row[position] for row in rows[item.header_row :] if position < len(row)]
        shown = [_shown(v) for v in values if v is not None and str(v).strip()][:count]
        found[text] = ", ".join(shown)
    return found


def first_rows(sheet: RawSheet, item: SheetMapping, count: int = SAMPLE_COUNT) -> tuple[list[str], list[list[str]]]:
    """The sheet's headers (made unique: "Meta", "Meta (2)") and its first `count` rows under them, as
    texts, so that a lead sees what each column holds before choosing what it is."""
    rows = sheet.head(item.header_row + count)
    if len(rows) < item.header_row or item.transposed:
        return [], []
    header = rows[item.header_row - 1]
    names: list[str] = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = " ".join(str(cell).split()) if cell is not None else ""
        name = name or f"column {position + 1}"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    body = [
        [_shown(row[p]) if p < len(row) and row[p] is not None else "" for p in range(len(names))]
        for row in rows[item.header_row :]
    ]
    return names, body


def _shown(value: object) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d}" if value.time() == dt.time() else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    text = " ".join(str(value).split())
    return text if len(text) <= 30 else text[:29] + "…"


def chosen_sheet(item: SheetMapping, shape: str, table: str, columns: dict[str, str]) -> SheetMapping:
    """`item` read as `shape` (of `table`, a workbook sheet) with each header set to `columns`' choice."""
    if shape not in SHAPES:
        raise ValueError(f"shape {shape!r} is not one of {', '.join(SHAPES)}")
    allowed = set(column_choices(shape, table))
    kept = {header: target if target in allowed else NOT_USED for header, target in columns.items()}
    return replace(
        item,
        shape=shape,
        table=table if shape == WORKBOOK else "",
        columns=kept,
        constants={k: v for k, v in item.constants.items() if k not in CONSTANTS},
        guesses=[] if (shape, table) != (item.shape, item.table) else list(item.guesses),
    )


def upload_constants(
    team: str | None = None,
    period: str | None = None,
    measure: str | None = None,
    due_date: dt.date | None = None,
    date: dt.date | None = None,
) -> dict[str, str]:
    """The constants of one upload as loaders.mapping takes them (texts; dates as YYYY-MM-DD), the
    empty ones left out: they fill what a sheet lacks, never a column it has."""
    given = {"team": team, "period": period, "measure": measure, "due_date": due_date, "date": date}
    return {
        name: value.isoformat()[:10] if isinstance(value, dt.date) else " ".join(str(value).split())
        for name, value in given.items()
        if value is not None and str(value).strip()
    }


def profile_mapping(mapping: FileMapping) -> FileMapping:
    """What of `mapping` a profile keeps: every sheet's shape, table and columns, and the constants
    that describe the file (not the team, period or check-in date of this upload)."""

    def kept(constants: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in constants.items() if k not in PER_UPLOAD and v}

    return FileMapping(
        mapping.file,
        [
            replace(item, constants=kept(item.constants), values={}, reasons={})
            for item in mapping.sheets
            if item.shape != UNKNOWN or item.columns
        ],
        kept(mapping.constants),
    )


def quarter_of(day: dt.date) -> str:
    """The calendar quarter of `day` as the workbook format writes periods: 2027-Q2."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
