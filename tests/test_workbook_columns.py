"""A workbook sheet whose columns each hold one type of cell is read by fastexcel column by column
(Arrow arrays); any other sheet by calamine cell by cell. Both must parse to exactly the same tables
and problems: checked on every workbook of the upload corpus, the demo workbook and a few hundred
random workbooks mixing every kind of cell an export or a person writes."""

from __future__ import annotations

import datetime as dt
import io
import pathlib
import random

import pandas as pd
import pytest
import xlsxwriter

from loaders import read
from loaders.parse import parse_grids
from loaders.problems import FileRejected

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
WORKBOOKS = sorted((PROJECT_ROOT / "tests" / "data" / "upload").glob("*.xlsx")) + [
    PROJECT_ROOT / "okr_data" / "demo_company_2027.xlsx"
]
HEADERS = {
    "CheckIns": ["kr_id", "date", "value", "status", "confidence", "comment", "updated_by"],
    "KeyResults": [
        "kr_id",
        "objective_id",
        "title",
        "kr_type",
        "measure",
        "start_value",
        "target_value",
        "due_date",
        "owner",
        "direction",
    ],
}
CELLS = {
    "text": [
        "SAL-O2-KR1",
        "  padded  ",
        "On track",
        "at risk",
        "N/A",
        "#N/A",
        "",
        " ",
        "$1,200",
        "45%",
        "12,5",
        "2027-05-31",
        "31/05/2027",
        "46538",
        "=1+1",
        "currency",
        "increase",
        "x" * 40,
        "é",
    ],
    "number": [0.0, -0.0, 7.0, 12.5, 1e-7, 123456789012.5, 46538.0, 0.455, -3.0, 1e15],
    "date": [dt.datetime(2027, 5, 31), dt.datetime(2027, 6, 1), dt.datetime(1999, 12, 31)],
    "datetime": [dt.datetime(2027, 5, 31, 13, 30), dt.datetime(2027, 5, 31), dt.datetime(2027, 1, 1, 23, 59, 59)],
    "bool": [True, False],
    "time": [0.5, 0.0001, 1.25, 46538.75],  # serials shown as a time of day
    # Formulas with the result Excel saved (openpyxl saves none: those are refused, both ways alike).
    "formula_number": [2.0, 46538.0],
    "formula_text": ["SAL-O2-KR1", "On track"],
}
KINDS = list(CELLS)


def parsed(name: str, data: bytes, by_cell: bool, monkeypatch) -> tuple[object, ...]:
    """What parsing `data` gives: (sheets read column by column, tables, problems), or the refusal."""
    with monkeypatch.context() as patched:
        if by_cell:
            patched.setattr(read, "_columnar_sheet", lambda *_: None)
        try:
            sheets = read.read_grids(name, data)
        except FileRejected as exc:
            return ("refused", str(exc))
        result = parse_grids(name, sheets, dt.date(2027, 5, 31))
    tables = {table: (item.sheet, item.present, item.frame) for table, item in result.tables.items()}
    return (
        [sheet.name for sheet in sheets if sheet.columns is not None and not sheet.unstripped],
        tables,
        result.problems,
    )


def assert_same_parse(name: str, data: bytes, monkeypatch) -> list[str]:
    """Parse both ways and compare; the names of the sheets read column by column."""
    by_column = parsed(name, data, False, monkeypatch)
    by_cell = parsed(name, data, True, monkeypatch)
    if by_cell[0] == "refused":
        assert by_column == by_cell
        return []
    assert by_cell[0] == []
    assert by_column[2] == by_cell[2]
    assert by_column[1].keys() == by_cell[1].keys()
    for table, (sheet, present, frame) in by_cell[1].items():
        assert by_column[1][table][:2] == (sheet, present)
        pd.testing.assert_frame_equal(by_column[1][table][2], frame, check_exact=True)
        for column in frame.columns:  # dates stay date objects, texts texts
            assert list(map(type, by_column[1][table][2][column])) == list(map(type, frame[column])), column
    return by_column[0]


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda path: path.name)
def test_each_corpus_workbook_parses_the_same_column_by_column(path, monkeypatch):
    assert_same_parse(path.name, path.read_bytes(), monkeypatch)


def test_the_demo_and_a_plain_progress_file_are_read_column_by_column(monkeypatch):
    demo = PROJECT_ROOT / "okr_data" / "demo_company_2027.xlsx"
    columnar = assert_same_parse(demo.name, demo.read_bytes(), monkeypatch)
    assert {"Teams", "Objectives", "KeyResults", "CheckIns"} <= set(columnar)


def random_sheets(rng: random.Random) -> dict[str, dict[tuple[int, int], tuple[str, object]]]:
    """One or two sheets of the workbook format, (row, column) → (kind, value): most columns of one
    kind of cell (the fast path), some mixing kinds, some with empty cells, empty rows, title rows,
    repeated headers or data away from A1."""
    sheets = {}
    for sheet_name in rng.sample(list(HEADERS), rng.randint(1, 2)):
        cells = {}
        header = list(HEADERS[sheet_name])
        if rng.random() < 0.1:
            header.append(header[rng.randrange(len(header))])  # a repeated header
        if rng.random() < 0.1:
            header.insert(rng.randrange(len(header)), "")  # an unnamed column
        top = 1 if rng.random() < 0.1 else 0  # a title row above the header
        left = 1 if rng.random() < 0.05 else 0  # the data starts in column B
        if top:
            cells[0, left] = ("text", "Progress for May")
        for position, text in enumerate(header):
            if text:
                cells[top, left + position] = ("text", text)
        for position in range(len(header)):
            # Formula columns now and then: a sheet holding a formula without a saved result is read cell by cell.
            kinds = rng.choices(
                KINDS,
                weights=[0.2 if kind.startswith("formula") else 1 for kind in KINDS],
                k=1 if rng.random() < 0.85 else 2,
            )
            emptiness = rng.choice([0.0, 0.0, 0.3])
            for row in range(top + 1, top + 1 + rng.randint(0, 30)):
                if rng.random() >= emptiness:
                    kind = rng.choice(kinds)
                    cells[row, left + position] = (kind, rng.choice(CELLS[kind]))
        sheets[sheet_name] = cells
    return sheets


def written_by_xlsxwriter(sheets, rng: random.Random) -> bytes:
    """As Excel-like writers save: shared strings, rich text, formulas with their results, and now
    and then the Mac's 1904 date system."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "date_1904": rng.random() < 0.15})
    formats = {
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "percent": workbook.add_format({"num_format": "0.0%"}),
        "time": workbook.add_format({"num_format": "hh:mm"}),
        "bold": workbook.add_format({"bold": True}),
    }
    for name, cells in sheets.items():
        sheet = workbook.add_worksheet(name)
        for (row, column), (kind, value) in cells.items():
            if kind == "text" and value and rng.random() < 0.05:
                sheet.write_rich_string(row, column, formats["bold"], value[:1], value[1:] or " ")
            elif kind == "text":
                sheet.write_string(row, column, value)
            elif kind.startswith("formula"):
                sheet.write_formula(row, column, "=B2", None, value)
            elif kind == "bool":
                sheet.write_boolean(row, column, value)
            elif kind == "number":
                sheet.write_number(row, column, value, formats["percent"] if rng.random() < 0.2 else None)
            elif kind == "time":
                sheet.write_number(row, column, value, formats["time"])
            else:
                sheet.write_datetime(row, column, value, formats[kind])
    workbook.close()
    return buffer.getvalue()


def written_by_openpyxl(sheets) -> bytes:
    """As scripts and other tools save with openpyxl (its own XML, number formats and date cells)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, cells in sheets.items():
        sheet = workbook.create_sheet(name)
        for (row, column), (kind, value) in cells.items():
            cell = sheet.cell(row + 1, column + 1, "=B2" if kind.startswith("formula") else value)
            if kind in ("date", "datetime", "time"):
                cell.number_format = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "time": "hh:mm"}[kind]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.slow
def test_random_workbooks_parse_the_same_column_by_column(monkeypatch):
    rng = random.Random(2026)
    read_by_column = 0
    for number in range(300):
        sheets = random_sheets(rng)
        data = written_by_openpyxl(sheets) if number % 5 == 4 else written_by_xlsxwriter(sheets, rng)
        read_by_column += len(assert_same_parse(f"random{number}.xlsx", data, monkeypatch))
    assert read_by_column > 100  # the comparison exercised the fast path
