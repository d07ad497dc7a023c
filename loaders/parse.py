"""Raw grids → one typed DataFrame per table, with every cell problem reported.

A sheet is recognised by its name (sheet names and aliases of store.schema) or, failing that, by
its header row. The header may sit below title rows; extra columns are ignored; columns are matched
case-, space- and punctuation-insensitively, aliases included.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from loaders import coerce
from loaders.problems import WARNING, Problem
from loaders.read import RawSheet, UncalculatedFormula
from store.schema import DATE, MONTH, NUMBER, TABLES, Column, Table

HEADER_SEARCH_ROWS = 15
# Sheets of explanations (the progress template's Instructions) are skipped without a warning.
NOTE_SHEETS = {"instructions", "readme", "notes", "help", "howto"}
ROW = "_row"  # the Excel row number each parsed row came from


@dataclass
class ParsedTable:
    table: Table
    file: str
    sheet: str
    frame: pd.DataFrame  # table columns present in the file, typed, plus ROW
    present: list[str]  # table columns the file supplied


@dataclass
class ParsedFile:
    file: str
    tables: dict[str, ParsedTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _header_keys(column: Column) -> list[str]:
    return [coerce.normalise_key(n) for n in (column.name, *column.aliases)]


def _match_header(cells: list[object], table: Table) -> dict[int, Column]:
    """Map cell positions of a header row to the table's columns (first match wins)."""
    by_key: dict[str, Column] = {}
    for column in table.columns:
        for key in _header_keys(column):
            by_key.setdefault(key, column)
    mapped: dict[int, Column] = {}
    taken: set[str] = set()
    for position, cell in enumerate(cells):
        column = by_key.get(coerce.normalise_key(cell)) if isinstance(cell, str) else None
        if column and column.name not in taken:
            mapped[position] = column
            taken.add(column.name)
    return mapped


def _table_for_sheet_name(name: str) -> Table | None:
    key = coerce.normalise_key(name)
    for table in TABLES:
        if key in {coerce.normalise_key(n) for n in (table.sheet, table.name, *table.aliases)}:
            return table
    return None


def _find_header(rows: list[list[object]], table: Table) -> tuple[int, dict[int, Column]] | None:
    best: tuple[int, dict[int, Column]] | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapped = _match_header(row, table)
        if len(mapped) >= 2 and (best is None or len(mapped) > len(best[1])):
            best = (index, mapped)
    return best


def _guess_table(rows: list[list[object]], dated: bool = False) -> tuple[Table, int, dict[int, Column]] | None:
    """For a sheet with an unknown name: the table whose required columns its header holds (when
    check-ins without a date column get a default date, `dated`, the date is not needed)."""
    candidates = []
    for table in TABLES:
        found = _find_header(rows, table)
        if not found:
            continue
        names = {c.name for c in found[1].values()}
        required = {c.name for c in table.columns if c.required}
        if dated and table.name == "check_ins":
            required.discard("date")
        if required <= names:
            candidates.append((len(names) / len(table.columns), table, *found))
    if not candidates:
        return None
    _, table, index, mapped = max(candidates, key=lambda c: c[0])
    return table, index, mapped


def _nearly_a_table(rows: list[list[object]]) -> str | None:
    """For a sheet no table was recognised in: what its header lacks to be the table it resembles most."""
    best: tuple[int, Table, set[str]] | None = None
    for table in TABLES:
        found = _find_header(rows, table)
        if found and (best is None or len(found[1]) > best[0]):
            best = (len(found[1]), table, {c.name for c in found[1].values()})
    if best is None:
        return None
    _, table, names = best
    missing = [c.name for c in table.columns if c.required and c.name not in names]
    return f"its header looks like {table.sheet} but has no {' or '.join(missing)} column" if missing else None


def _coerce_cell(column: Column, value: object, decimal_comma: bool) -> object:
    if isinstance(value, UncalculatedFormula):
        raise coerce.CellError(
            f"the formula {coerce.quoted(value.formula)} has no saved result; open the file in Excel or "
            "LibreOffice and save it (that calculates it), or type the value instead"
        )
    if column.choices:
        return coerce.to_choice(value, column.choices)
    if column.kind == NUMBER:
        return coerce.to_number(value, decimal_comma)
    if column.kind == DATE:
        return coerce.to_date(value)
    if column.kind == MONTH:
        return coerce.to_month(value)
    return coerce.to_text(value)


def parse_grids(file: str, sheets: list[RawSheet], default_date: dt.date | None = None) -> ParsedFile:
    parsed = ParsedFile(file)
    near_misses = []
    for sheet in sheets:
        table = _table_for_sheet_name(sheet.name)
        found = _find_header(sheet.rows, table) if table else None
        if table is None:
            guess = _guess_table(sheet.rows, dated=default_date is not None)
            if guess:
                table, *found = guess
        if table is None or not found:
            is_note = coerce.normalise_key(sheet.name) in NOTE_SHEETS
            if not is_note and any(not coerce.is_empty(v) for row in sheet.rows for v in row):
                if near_miss := _nearly_a_table(sheet.rows):
                    near_misses.append(f"sheet {sheet.name}: {near_miss}")
                parsed.problems.append(Problem(
                    file, sheet.name, None, "",
                    "sheet not recognised and ignored (name it like Teams, Objectives, KeyResults, "
                    "CheckIns, … or give it a header row with those columns)", WARNING,
                ))
            continue
        if table.name in parsed.tables:
            parsed.problems.append(Problem(
                file, sheet.name, None, "",
                f"a second {table.sheet} sheet; merge it into sheet {parsed.tables[table.name].sheet}",
            ))
            continue
        header_index, mapped = found
        parsed.tables[table.name] = _parse_sheet(parsed, sheet, table, header_index, mapped, default_date)
    if not parsed.tables and not parsed.problems:
        parsed.problems.append(Problem(file, "", None, "", "the file holds no data"))
    elif not parsed.tables:
        parsed.problems.append(Problem(
            file, "", None, "",
            "no sheet of the OKR workbook format was found (see the README for the sheet names and columns)"
            + "".join(f"; {miss}" for miss in near_misses),
        ))
    return parsed


def _parse_sheet(
    parsed: ParsedFile, sheet: RawSheet, table: Table, header_index: int,
    mapped: dict[int, Column], default_date: dt.date | None,
) -> ParsedTable:
    header_row_number = header_index + 1
    present = [c.name for c in mapped.values()]
    fill_date = table.name == "check_ins" and "date" not in present and default_date is not None
    for column in table.columns:
        if column.required and column.name not in present and not (fill_date and column.name == "date"):
            parsed.problems.append(Problem(
                parsed.file, sheet.name, header_row_number, column.name,
                f"required column {column.name} is missing from the header row",
            ))
    records = []
    for offset, cells in enumerate(sheet.rows[header_index + 1:]):
        row_number = header_row_number + 1 + offset
        if all(coerce.is_empty(v) for v in cells):
            continue
        record: dict[str, object] = {ROW: row_number}
        for position, column in mapped.items():
            raw = cells[position] if position < len(cells) else None
            try:
                record[column.name] = _coerce_cell(column, raw, sheet.decimal_comma)
            except coerce.CellError as exc:
                record[column.name] = None
                parsed.problems.append(Problem(parsed.file, sheet.name, row_number, column.name, str(exc)))
        records.append(record)
    if fill_date:
        present.append("date")
        for record in records:
            record["date"] = default_date
    frame = pd.DataFrame.from_records(records, columns=[ROW, *present])
    if not records:
        parsed.problems.append(Problem(
            parsed.file, sheet.name, None, "", "the sheet has a header but no rows", WARNING,
        ))
    return ParsedTable(table, parsed.file, sheet.name, frame, present)
