"""The odd-file corpus (tests/data/odd, written by tests/make_odd_corpus.py): files from the wild
are read as their cells say or refused with one clear line, never a traceback, and a refused file
changes nothing stored. Each file is committed as the Upload progress page commits it, for team Sales
at the review of 2027-05-31."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pandas as pd
import pytest

from conftest import DEMO_AS_OF
from loaders.ingest import check_and_store
from store.database import Store, UploadedFile

ODD = pathlib.Path(__file__).parent / "data" / "odd"
PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
MAY_31 = pd.Timestamp("2027-05-31")
UNCALCULATED = 'the formula "=450000+62000" has no saved result'
DIV_ZERO = "the cell shows the error #DIV/0! (its formula failed)"

# file → (distinctive part of the error, (sheet, row, column) it names or None)
REFUSED = {
    "bad_crc.xlsx": ("the workbook is damaged and cannot be read (its part xl/worksheets/sheet1.xml: Bad CRC-32", None),
    "bad_deflate_stream.xlsx": (
        "the workbook is damaged and cannot be read (its part xl/worksheets/sheet1.xml: "
        "Error -3 while decompressing data",
        None,
    ),
    "encrypted_entry.xlsx": ("the workbook's xl/worksheets/sheet1.xml is encrypted", None),
    "unsupported_compression.xlsx": (
        "the workbook's xl/worksheets/sheet1.xml is compressed with a method Excel never uses (zip method 9)",
        None,
    ),
    "wide_repeated_header.xlsx": ("sheet CheckIns is 16,384 columns wide (to column XFD); the limit is 1,000", None),
    "wide_repeated_header.csv": (
        "sheet wide_repeated_header is 16,384 columns wide (to column XFD); the limit is 1,000",
        None,
    ),
    "date_past_9999.xlsx": ("2994626 is not a date", ("CheckIns", 2, "date")),
    "prefixed_formula_without_result.xlsx": (UNCALCULATED, ("CheckIns", 2, "value")),
    "reordered_attributes_formula.xlsx": (UNCALCULATED, ("CheckIns", 2, "value")),
    "prefixed_error_cell.xlsx": (DIV_ZERO, ("CheckIns", 2, "confidence")),
    "reordered_attributes_error.xlsx": (DIV_ZERO, ("CheckIns", 2, "confidence")),
}
TWO_DEALS = {"kr_id": "SAL-O2-KR1", "date": MAY_31, "value": 512000.0}
# file → the check-ins it stores
STORED = {
    "prefixed_plain.xlsx": [{**TWO_DEALS, "confidence": 7.0, "comment": "Two deals closed"}],
    "reordered_attributes_plain.xlsx": [{**TWO_DEALS, "confidence": 7.0, "comment": "Two deals closed"}],
    "mac_line_endings.csv": [
        {**TWO_DEALS, "confidence": 7.0, "comment": "Two deals closed"},
        {"kr_id": "SAL-O2-KR2", "date": MAY_31, "value": 15.0, "confidence": 6.0},
    ],
    "mixed_line_endings.csv": [TWO_DEALS, {"kr_id": "SAL-O2-KR2", "date": MAY_31, "value": 15.0}],
}


def commit(database: str, file_name: str):
    store = Store.open(database)
    try:
        before = store.read_tables()
        result = check_and_store(
            store,
            [UploadedFile(file_name, (ODD / file_name).read_bytes())],
            "Team lead",
            team="Sales",
            as_of=DEMO_AS_OF,
        )
        return result, before, store.read_tables()
    finally:
        store.close()


def test_every_file_of_the_corpus_has_a_case():
    assert {path.name for path in ODD.iterdir()} == set(REFUSED) | set(STORED) | {"CheckIns.csv"}


@pytest.mark.refused
@pytest.mark.parametrize("file_name", sorted(REFUSED))
def test_an_odd_file_is_refused_cleanly_and_changes_nothing(writable_demo_db, file_name):
    message, where = REFUSED[file_name]
    result, before, after = commit(writable_demo_db, file_name)
    matching = [p for p in result.errors if message in p.problem]
    assert matching, [p.problem for p in result.problems]
    if where is not None:
        assert (matching[0].sheet, matching[0].row, matching[0].column) == where
    assert not result.stored
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)


@pytest.mark.parametrize("file_name", sorted(STORED))
def test_the_plain_spelling_of_each_odd_file_stores_its_cells(writable_demo_db, file_name):
    result, before, after = commit(writable_demo_db, file_name)
    assert result.errors == [] and result.stored
    key = ["kr_id", "date"]
    added = after["check_ins"].set_index(key).drop(before["check_ins"].set_index(key).index).reset_index()
    assert len(added) == len(STORED[file_name])
    for expected in STORED[file_name]:
        row = added[(added["kr_id"] == expected["kr_id"]) & (added["date"] == expected["date"])].iloc[0]
        for column, value in expected.items():
            assert row[column] == value, (column, row[column])


def test_a_sheet_too_wide_is_refused_before_the_readers_load_it(monkeypatch):
    import fastexcel

    from loaders.problems import FileRejected
    from loaders.read import read_grids

    def never(*_, **__):
        raise AssertionError("the reader was asked to load a sheet 16,384 columns wide")

    monkeypatch.setattr(fastexcel, "read_excel", never)
    with pytest.raises(FileRejected, match="16,384 columns wide"):
        read_grids("wide.xlsx", (ODD / "wide_repeated_header.xlsx").read_bytes())


def test_a_file_named_like_a_table_is_told_the_columns_it_lacks_and_has(writable_demo_db):
    result, before, after = commit(writable_demo_db, "CheckIns.csv")
    text = " ".join(p.problem for p in result.problems)
    assert "kr_id" in text and "city, population, country" in text, text
    assert not result.stored


@pytest.mark.refused
@pytest.mark.parametrize(
    "file_name",
    [
        "bad_crc.xlsx",
        "encrypted_entry.xlsx",
        "unsupported_compression.xlsx",
        "bad_deflate_stream.xlsx",
        "date_past_9999.xlsx",
    ],
)
def test_the_command_line_refuses_in_one_line_without_a_traceback(writable_demo_db, file_name):
    done = subprocess.run(
        [sys.executable, "-m", "loaders", "ingest", str(ODD / file_name), "--db", writable_demo_db],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("Nothing stored: 1 problem(s) to fix."), done.stderr


def test_line_breaks_inside_a_value_do_not_split_the_problem_table():
    from loaders.__main__ import _problem_table
    from loaders.problems import Problem

    table = _problem_table([Problem("f.csv", "f", 2, "comment", 'the value "a\nb\r\nc" is odd')])
    assert table.count("\n") == 1 and "a\\nb\\r\\nc" in table


def percent_workbook(value: float, number_format: str, filler: object = None) -> bytes:
    """A check-in sheet whose value cell has `number_format`; a `filler` row of another type of cell
    makes the readers take the sheet cell by cell rather than column by column."""
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "CheckIns"
    sheet.append(["kr_id", "date", "value"])
    sheet.append(["SAL-O2-KR3", "2027-05-31", value])
    sheet["C2"].number_format = number_format
    if filler is not None:
        sheet.append(["SAL-O2-KR1", "2027-05-31", filler])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("filler", [None, "512000"], ids=["column by column", "cell by cell"])
@pytest.mark.parametrize(
    "number_format, read_as",
    [("0%", 45.0), ("0.00%", 45.0), ("#,##0.0 %;[Red]-0.0 %", 45.0), ('0.00"%"', 0.45), ("0.00", 0.45)],
)
def test_a_number_shown_as_a_percentage_reads_in_percent_points(number_format, read_as, filler):
    from loaders.read import read_grids

    sheet = read_grids("p.xlsx", percent_workbook(0.45, number_format, filler))[0]
    assert (sheet.columns is None) == (filler is not None)
    assert sheet.rows[1][2] == read_as


@pytest.mark.parametrize(
    "file_name, content",
    [
        ("percent_cell.xlsx", percent_workbook(0.45, "0%")),
        ("percent_text.csv", b"kr_id,date,value\nSAL-O2-KR3,2027-05-31,45%\n"),
        ("percent_number.csv", b"kr_id,date,value\nSAL-O2-KR3,2027-05-31,45\n"),
    ],
)
def test_the_same_visible_45_percent_stores_45_whatever_the_file(writable_demo_db, file_name, content):
    store = Store.open(writable_demo_db)
    try:
        result = check_and_store(store, [UploadedFile(file_name, content)], "Team lead", team="Sales", as_of=DEMO_AS_OF)
        stored = store.read_tables()["check_ins"].set_index(["kr_id", "date"])
    finally:
        store.close()
    assert result.errors == [] and result.stored
    assert stored.loc[("SAL-O2-KR3", MAY_31), "value"] == 45.0


def test_a_one_row_per_kr_sheet_whose_cells_are_shown_as_percentages_makes_percent_krs_in_points():
    import datetime as dt
    import io

    import openpyxl

    from loaders.parse import parse_grids
    from loaders.read import read_grids

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "OKRs"
    sheet.append(["Team", "Period", "Objective", "Key result", "Owner", "Start", "Target", "Current", "Due date"])
    sheet.append(["Sales", "2027-Q2", "Grow revenue", "Win rate", "Ana", 0.2, 0.35, 0.28, "2027-06-30"])
    sheet.append(["Sales", "2027-Q2", "Grow revenue", "New deals", "Ana", 0, 40, 12, "2027-06-30"])
    for cell in ("F2", "G2", "H2"):
        sheet[cell].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse_grids("okrs.xlsx", read_grids("okrs.xlsx", buffer.getvalue()), default_date=dt.date(2027, 5, 31))
    key_results = parsed.tables["key_results"].frame.set_index("title")
    assert key_results.loc["Win rate", ["measure", "start_value", "target_value"]].tolist() == ["percent", 20.0, 35.0]
    assert key_results.loc["New deals", "measure"] == "number"
    check_ins = parsed.tables["check_ins"].frame.set_index("kr_id")["value"]
    assert check_ins.loc[key_results.loc["Win rate", "kr_id"]] == 28.0
