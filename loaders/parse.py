"""Raw grids → one typed DataFrame per table, with every cell problem reported.

What each sheet is (a sheet of the workbook format, known by its name or its header row, or one of
the other shapes) and how its columns map is decided in loaders.mapping; the header may sit below
title rows; columns are matched case-, accent-, space- and punctuation-insensitively, aliases in
several languages included, and every column not used is reported.

Cells are coerced a column at a time: texts and numbers by the vectorised rules of `coerce` where
those are exact, and every other distinct value of a column through `_coerce_cell` once, so a file of
half a million rows costs a handful of Arrow/NumPy passes, with the same values and messages as
coercing cell by cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders import coerce
from loaders.problems import WARNING, Problem
from loaders.read import MAX_CELL_CHARS, ExcelError, OverlongText, RawSheet, UncalculatedFormula, as_read, is_text
from store.schema import DATE, MONTH, NUMBER, TEXT, Column, Table

HEADER_SEARCH_ROWS = 15
# Sheets of explanations (the progress template's Instructions) are skipped without a warning.
NOTE_SHEETS = {"instructions", "readme", "notes", "help", "howto"}
EPOCH_1904_SHIFT = 1462  # days from Excel's 1900 date system to its 1904 one
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
    mapping: object = None  # the loaders.mapping.FileMapping the sheets were read by


def _coerce_cell(column: Column, value: object, sheet: RawSheet) -> object:
    if isinstance(value, UncalculatedFormula):
        raise coerce.CellError(
            f"the formula {coerce.quoted(value.formula)} has no saved result; open the file in Excel or "
            "LibreOffice and save it (that calculates it), or type the value instead"
        )
    if isinstance(value, ExcelError):
        raise coerce.CellError(
            f"the cell shows the error {value.code} (its formula failed); fix the formula, or type the value instead"
        )
    if isinstance(value, OverlongText):
        raise coerce.CellError(
            f"the cell holds {value.length:,} characters; a spreadsheet cell holds at most {MAX_CELL_CHARS:,} "
            "(Excel's limit): shorten it"
        )
    if (
        sheet.date1904
        and column.kind in (DATE, MONTH)
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
    ):
        value += EPOCH_1904_SHIFT
    if column.choices:
        return coerce.to_choice(value, column.choices)
    if column.kind == NUMBER:
        return coerce.to_number(value, sheet.decimal_comma)
    if column.kind == DATE:
        return coerce.to_date(value)
    if column.kind == MONTH:
        return coerce.to_month(value)
    return coerce.to_text(value)


def parse_grids(
    file: str,
    sheets: list[RawSheet],
    default_date: dt.date | None = None,
    mapping=None,
    constants: dict[str, str] | None = None,
    known_krs: pd.DataFrame | None = None,
) -> ParsedFile:
    """The workbook tables in the sheets: each sheet read as `mapping` (a loaders.mapping.FileMapping)
    says, or as proposed from its name, headers and values (loaders.mapping.propose_mapping);
    `constants` (team, period, date) fill what a sheet lacks; `known_krs` (kr_id, title) are the KRs a
    KPI table may name besides the file's own."""
    from loaders.mapping import apply_mapping, propose_mapping

    proposed = propose_mapping(file, sheets, default_date is not None, constants, mapping)
    parsed = apply_mapping(file, sheets, proposed, default_date, known_krs)
    parsed.mapping = proposed
    return parsed


def _repeated_headers(header: list[object], mapped: dict[int, Column]) -> dict[Column, list[int]]:
    """Table columns whose header text appears more than once: which one holds the data is anyone's guess."""
    keys = [coerce.normalise_key(cell) if isinstance(cell, str) else None for cell in header]
    repeated = {}
    for position, column in mapped.items():
        positions = [p for p, key in enumerate(keys) if key == keys[position]]
        if len(positions) > 1:
            repeated[column] = positions
    return repeated


def _column_letters(position: int) -> str:
    """Excel's name of the column at a 0-based position: 0 → A, 27 → AB."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _has_content(sheet: RawSheet) -> bool:
    if sheet.columns is None:
        return any(not coerce.is_empty(v) for row in sheet.rows for v in row)
    return any(not coerce.is_empty(v) for v in sheet.first_row or []) or any(
        not coerce.is_empty(v) for column in sheet.columns for v in pc.unique(column).to_pylist()
    )


def _is_numeric(column: Column) -> bool:
    return column.kind == NUMBER and not column.choices


def _is_textual(column: Column) -> bool:
    return bool(column.choices) or column.kind in (TEXT, MONTH)


@dataclass
class _CoercedColumn:
    """A column's cells coerced: the values (NaN, None or null where a cell is empty or unreadable:
    floats for numbers, date objects for dates, an Arrow string array for texts), which cells hold
    something, and (position, message) of each unreadable cell."""

    values: np.ndarray | pa.Array | pa.ChunkedArray
    filled: np.ndarray
    problems: list[tuple[int, str]]

    @classmethod
    def empty(cls, column: Column, count: int) -> _CoercedColumn:
        values = np.full(count, np.nan) if _is_numeric(column) else np.full(count, None, dtype=object)
        return cls(values, np.zeros(count, dtype=bool), [])

    def place(self, part: _CoercedColumn, positions: np.ndarray) -> None:
        """Put the coerced cells of `part` at `positions`."""
        values = part.values
        self.values[positions] = values if isinstance(values, np.ndarray) else values.to_numpy(zero_copy_only=False)
        self.filled[positions] = part.filled
        self.problems.extend((int(positions[i]), message) for i, message in part.problems)


def _coerce_column(
    column: Column, cells: pa.Array | pa.ChunkedArray | Sequence[object], sheet: RawSheet
) -> _CoercedColumn:
    """_coerce_cell over a whole column."""
    if isinstance(cells, (pa.Array, pa.ChunkedArray)):
        return _coerce_typed(column, cells, sheet)
    groups = _by_type(cells)
    if len(groups) == 1 and groups[0][0] is str:
        return _coerce_texts(column, pa.array(cells, type=pa.string()), sheet, strip=False)
    coerced = _CoercedColumn.empty(column, len(cells))
    for kind, positions, members in groups:
        if kind is str:
            coerced.place(_coerce_texts(column, pa.array(members, type=pa.string()), sheet, strip=False), positions)
        elif kind is float:
            coerced.place(_coerce_floats(column, members, sheet), positions)
        elif kind is not type(None):
            coerced.place(_coerce_distinct(column, members, sheet), positions)
    return coerced


def _coerce_typed(column: Column, cells: pa.Array | pa.ChunkedArray, sheet: RawSheet) -> _CoercedColumn:
    """A column read into one Arrow type: texts (a CSV file's not stripped yet, where rows read one by
    one are) and numbers vectorised, dates and true/false each distinct value once."""
    if is_text(cells):
        return _coerce_texts(column, cells, sheet, strip=sheet.unstripped)
    if pa.types.is_floating(cells.type):
        return _coerce_floats(column, cells.to_numpy(zero_copy_only=False), sheet)
    distinct = pc.unique(pc.drop_null(cells))
    codes = pc.fill_null(pc.index_in(cells, value_set=distinct), -1).to_numpy(zero_copy_only=False)
    return _coerce_distinct_values(
        column, [as_read(value, sheet.date1904) for value in distinct.to_pylist()], codes, sheet
    )


def _by_type(cells: Sequence[object]) -> list[tuple[type, np.ndarray, Sequence[object]]]:
    """(type, positions, cells) for each type of cell in `cells`."""
    types = list(map(type, cells))
    kinds = dict.fromkeys(types)
    if len(kinds) == 1:
        return [(types[0], np.arange(len(cells)), cells)]
    code = {kind: i for i, kind in enumerate(kinds)}
    codes = np.fromiter(map(code.__getitem__, types), dtype=np.int32, count=len(types))
    groups = []
    for kind, i in code.items():
        positions = np.flatnonzero(codes == i)
        groups.append((kind, positions, [cells[p] for p in positions.tolist()]))
    return groups


def _coerce_texts(column: Column, texts: pa.Array | pa.ChunkedArray, sheet: RawSheet, strip: bool) -> _CoercedColumn:
    """Text cells (`strip`: not stripped yet): empty texts, plainly written numbers and clearly
    non-empty texts in one pass each, every other distinct text through _coerce_cell."""
    count = len(texts)
    overlong, lengths = _overlong(texts, strip)
    blank = pc.equal(pc.binary_length(texts), 0).to_numpy(zero_copy_only=False)  # empty, whatever the column
    if _is_numeric(column):
        done, numbers = coerce.plain_numbers(texts, sheet.decimal_comma)
    elif column.kind == TEXT and not column.choices:
        trimmed = coerce.stripped(texts)
        done = coerce.clearly_text(trimmed) & ~overlong
    else:
        done = np.zeros(count, dtype=bool)
    rest = np.flatnonzero(~done & ~overlong & ~blank)
    coerced = _CoercedColumn.empty(column, count)
    if rest.size:
        texts_left = texts.take(pa.array(rest)) if rest.size < count else texts
        distinct = pc.unique(texts_left)
        codes = pc.index_in(texts_left, value_set=distinct).to_numpy(zero_copy_only=False)
        coerced.place(_coerce_distinct_values(column, distinct.to_pylist(), codes, sheet, strip), rest)
    if overlong.any():
        coerced.place(
            _coerce_each(column, [OverlongText(int(n)) for n in lengths[overlong]], sheet), np.flatnonzero(overlong)
        )
    coerced.filled |= done
    if _is_numeric(column):
        coerced.values = np.where(done, numbers, coerced.values)
    elif column.kind == TEXT and not column.choices:
        coerced.values = pc.if_else(pa.array(done), trimmed, pa.array(coerced.values, type=pa.string()))
    elif _is_textual(column):
        coerced.values = pa.array(coerced.values, type=pa.string())
    return coerced


def _overlong(texts: pa.Array | pa.ChunkedArray, strip: bool) -> tuple[np.ndarray, np.ndarray]:
    """Which texts are longer than a spreadsheet cell can be (measured stripped if `strip`), and
    every text's length."""
    count = len(texts)
    if not count or pc.max(pc.binary_length(texts)).as_py() <= MAX_CELL_CHARS:  # bytes bound characters
        return np.zeros(count, dtype=bool), np.zeros(count, dtype=np.int64)
    lengths = pc.utf8_length(texts).to_numpy(zero_copy_only=False).copy()
    overlong = lengths > MAX_CELL_CHARS
    if strip:
        for i in np.flatnonzero(overlong).tolist():
            lengths[i] = len(texts[i].as_py().strip())
        overlong = lengths > MAX_CELL_CHARS
    return overlong, lengths


def _coerce_floats(column: Column, members: Sequence[float], sheet: RawSheet) -> _CoercedColumn:
    numbers = np.array(members, dtype=float)
    if not _is_numeric(column):
        # Keyed by their bits: 0.0 and -0.0 are one dict key but not one date serial in a message.
        codes, distinct = pd.factorize(numbers.view(np.int64))
        return _coerce_distinct_values(column, distinct.view(np.float64).tolist(), codes, sheet)
    finite = np.isfinite(numbers)
    coerced = _CoercedColumn(np.where(finite, numbers, np.nan), finite, [])
    infinite = np.flatnonzero(~finite & ~np.isnan(numbers))  # NaN is an empty cell; inf gets a complaint
    coerced.place(_coerce_each(column, numbers[infinite].tolist(), sheet), infinite)
    return coerced


def _coerce_distinct(column: Column, members: Sequence[object], sheet: RawSheet) -> _CoercedColumn:
    """Cells of one type (dates, integers, markers of read.py, …), each distinct value coerced once."""
    codes, distinct = pd.factorize(np.array(members, dtype=object))
    return _coerce_distinct_values(column, distinct.tolist(), codes, sheet)


def _coerce_each(column: Column, members: list[object], sheet: RawSheet) -> _CoercedColumn:
    return _coerce_distinct_values(column, members, np.arange(len(members)), sheet)


def _coerce_distinct_values(
    column: Column, distinct: list[object], codes: np.ndarray, sheet: RawSheet, strip: bool = False
) -> _CoercedColumn:
    """The cells holding distinct[codes[i]] (no value where codes[i] is -1), each distinct value
    coerced once (stripped first if `strip`)."""
    values, messages = [], []
    for value in distinct:
        try:
            values.append(_coerce_cell(column, value.strip() if strip else value, sheet))
            messages.append(None)
        except coerce.CellError as exc:
            values.append(None)
            messages.append(str(exc))
    # The outcome of each code, and of -1 (the last entry): an empty cell.
    typed = _CoercedColumn.empty(column, len(values) + 1).values
    typed[:-1] = values if not _is_numeric(column) else [np.nan if v is None else v for v in values]
    failed = np.array([m is not None for m in messages] + [False])
    holding = np.array([v is not None for v in values] + [False]) | failed
    coerced = _CoercedColumn(typed[codes], holding[codes], [])
    coerced.problems.extend((i, messages[codes[i]]) for i in np.flatnonzero(failed[codes]).tolist())
    return coerced


def _frame_column(
    column: Column, values: np.ndarray | pa.Array | pa.ChunkedArray, kept: np.ndarray
) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """What DataFrame.from_records makes of the kept cells of a coerced column: numbers as float64,
    dates as date objects, texts as pandas strings; a column without any value as None objects."""
    if not isinstance(values, np.ndarray):
        chosen = values if len(kept) == len(values) else values.take(pa.array(kept))
        return pd.array(chosen, dtype="str") if chosen.null_count < len(chosen) else np.full(len(kept), None, object)
    chosen = values[kept]
    if chosen.dtype != object:
        return chosen if not np.isnan(chosen).all() else np.full(len(kept), None, dtype=object)
    if column.kind == DATE or not any(v is not None for v in chosen):
        return chosen
    return pd.array(chosen, dtype="str")


def _parse_sheet(
    parsed: ParsedFile,
    sheet: RawSheet,
    table: Table,
    header_index: int,
    mapped: dict[int, Column],
    default_date: dt.date | None,
    constants: dict[str, object] | None = None,
) -> ParsedTable:
    """`constants`: column → the value every row gets, for columns the header lacks."""
    header_row_number = header_index + 1
    present = [c.name for c in mapped.values()]
    constants = {k: v for k, v in (constants or {}).items() if k in table.column_names and k not in present}
    fill_date = table.name == "check_ins" and "date" not in present and default_date is not None
    for column in table.columns:
        if (
            column.required
            and column.name not in present
            and column.name not in constants
            and not (fill_date and column.name == "date")
        ):
            parsed.problems.append(
                Problem(
                    parsed.file,
                    sheet.name,
                    header_row_number,
                    column.name,
                    f"required column {column.name} is missing from the header row",
                )
            )
    header = sheet.head(header_row_number)[header_index]
    for column, positions in _repeated_headers(header, mapped).items():
        parsed.problems.append(
            Problem(
                parsed.file,
                sheet.name,
                header_row_number,
                column.name,
                f"{len(positions)} columns are headed {coerce.quoted(header[positions[0]])} "
                f"(columns {', '.join(_column_letters(p) for p in positions)}); keep one and delete the others",
            )
        )
    body_start = header_index + 1
    filled = np.zeros(max(sheet.height - body_start, 0), dtype=bool)
    coerced: dict[str, np.ndarray] = {}
    cell_problems: list[tuple[int, int, str, str]] = []  # row offset, column order, column, message
    for order, (position, column) in enumerate(mapped.items()):
        cells = sheet.column(position, body_start)
        # One order of day and month for a column's text dates (03/04/2027), reported when in doubt.
        date_order = coerce.column_date_order(cells, column.name) if column.kind in (DATE, MONTH) else None
        if date_order is not None and date_order.warning:
            parsed.problems.append(
                Problem(parsed.file, sheet.name, header_row_number, column.name, date_order.warning, WARNING)
            )
        with coerce.reading_dates(date_order):
            outcome = _coerce_column(column, cells, sheet)
        coerced[column.name] = outcome.values
        filled |= outcome.filled
        cell_problems.extend((offset, order, column.name, message) for offset, message in outcome.problems)
    # A row counts when any of its cells holds something, in a table column or not.
    unfilled = np.flatnonzero(~filled)
    for position in range(sheet.width(body_start)):
        if not unfilled.size:
            break
        if position not in mapped:
            cells = sheet.column(position, body_start)
            taken = (
                cells.take(pa.array(unfilled)).to_pylist()
                if isinstance(cells, (pa.Array, pa.ChunkedArray))
                else [cells[i] for i in unfilled.tolist()]
            )
            holding = np.array([not coerce.is_empty(v) for v in taken], dtype=bool)
            filled[unfilled[holding]] = True
            unfilled = unfilled[~holding]
    for offset, _, name, message in sorted(cell_problems, key=lambda problem: problem[:2]):
        parsed.problems.append(Problem(parsed.file, sheet.name, header_row_number + 1 + offset, name, message))
    kept = np.flatnonzero(filled)
    if fill_date:
        present.append("date")
    present.extend(constants)
    if not kept.size:
        parsed.problems.append(
            Problem(
                parsed.file,
                sheet.name,
                None,
                "",
                "the sheet has a header but no rows",
                WARNING,
            )
        )
        return ParsedTable(
            table, parsed.file, sheet.name, pd.DataFrame.from_records([], columns=[ROW, *present]), present
        )
    columns = {ROW: header_row_number + 1 + kept}
    columns.update((column.name, _frame_column(column, coerced[column.name], kept)) for column in mapped.values())
    if fill_date:
        columns["date"] = [default_date] * kept.size
    for name, value in constants.items():
        columns[name] = [value] * kept.size
    frame = pd.DataFrame(columns, columns=[ROW, *present])
    return ParsedTable(table, parsed.file, sheet.name, frame, present)
