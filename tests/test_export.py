"""KR table exports (XLSX and CSV): read back with openpyxl and csv, checked against the snapshot,
the raw workbook rows, and formula injection."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from test_page_overview import hand_computed_progress

from analytics.review import review_snapshot
from conftest import DEMO_AS_OF, SMALL_WORKBOOK, demo_sheets
from loaders.export import (
    KR_EXPORT_COLUMNS,
    export_file_name,
    kr_export_table,
    neutralised,
    table_csv,
    table_xlsx,
)
from store.database import Store
from store.schema import TABLES

HEADERS = [c.header for c in KR_EXPORT_COLUMNS]
INJECTED_TITLES = ["=SUM(A1)", "+1", "-2", "@x"]


@pytest.mark.parametrize(
    "text, shown",
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Sales", "Sales"),
        ("a=b", "a=b"),
        ("", ""),
        ("'quoted", "'quoted"),
        (" =x", " =x"),
    ],
)
def test_text_that_starts_like_a_formula_gets_a_leading_quote(text, shown):
    assert neutralised(text) == shown


def frames(sheets: dict[str, list[list]]) -> dict[str, pd.DataFrame]:
    """Workbook sheets as the tables the store would hold, without going through a database."""
    return {
        table.name: pd.DataFrame(sheets[table.sheet][1:], columns=sheets[table.sheet][0])
        for table in TABLES
        if table.sheet in sheets
    }


@pytest.fixture
def hostile_snapshot():
    """The small workbook with KR titles that are formulas, a negative reading, a formula in a
    comment and accents in a name."""
    tables = frames(SMALL_WORKBOOK)
    extra = tables["key_results"].iloc[[0]].assign(kr_id="SAL-KR9", weight=1)
    key_results = pd.concat([tables["key_results"], extra], ignore_index=True)
    key_results["title"] = INJECTED_TITLES
    key_results.loc[0, "owner"] = "Zoë Ærøskøbing"
    tables["key_results"] = key_results
    check_ins = tables["check_ins"].copy()
    check_ins.loc[check_ins["kr_id"] == "SAL-KR1", "value"] = [100000, -2]
    check_ins.loc[1, "comment"] = '=HYPERLINK("http://evil","click")'
    tables["check_ins"] = check_ins
    return review_snapshot(tables, DEMO_AS_OF)


def read_xlsx(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return book, book["Key results"]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte-order mark to read accents"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_xlsx_neutralises_formulas_and_keeps_numbers_numeric(hostile_snapshot):
    rows = kr_export_table(hostile_snapshot)
    book, sheet = read_xlsx(table_xlsx(rows, KR_EXPORT_COLUMNS, "Key results", {"Review": "=1+1"}))
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADERS
    records = [dict(zip(HEADERS, row)) for row in values[1:]]
    assert [r["KR ID"] for r in records] == ["SAL-KR1", "SAL-KR2", "ENG-KR1", "SAL-KR9"]
    assert [r["Key result"] for r in records] == ["'" + title for title in INJECTED_TITLES]
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)

    by_id = {r["KR ID"]: r for r in records}
    assert by_id["SAL-KR1"]["Last value"] == -2 and isinstance(by_id["SAL-KR1"]["Last value"], (int, float))
    assert by_id["SAL-KR1"]["Progress"] == pytest.approx(-2 / 500000)  # raw: below the start, not clamped
    assert by_id["SAL-KR1"]["Owner"] == "Zoë Ærøskøbing"
    assert by_id["SAL-KR1"]["Last comment"] == "'" + '=HYPERLINK("http://evil","click")'
    assert by_id["ENG-KR1"]["Last value"] == "Good progress"
    assert by_id["SAL-KR2"]["Due date"] == dt.datetime(2027, 6, 30)
    assert by_id["SAL-KR2"]["Stale"] is False
    assert by_id["ENG-KR1"]["Status"] == "overdue" and by_id["ENG-KR1"]["Days overdue"] == 16

    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    progress_column = HEADERS.index("Progress") + 1
    assert "%" in sheet.cell(row=2, column=progress_column).number_format
    assert sheet.column_dimensions["E"].width >= 40  # the key result's title has room
    assert book["About"]["B1"].value == "'=1+1"


def test_csv_neutralises_formulas_and_keeps_numbers_numeric(hostile_snapshot):
    rows = read_csv(table_csv(kr_export_table(hostile_snapshot), KR_EXPORT_COLUMNS))
    assert rows[0] == HEADERS
    records = [dict(zip(HEADERS, row)) for row in rows[1:]]
    assert [r["Key result"] for r in records] == ["'" + title for title in INJECTED_TITLES]
    by_id = {r["KR ID"]: r for r in records}
    assert by_id["SAL-KR1"]["Last value"] == "-2"  # a number, left as a number
    assert float(by_id["SAL-KR1"]["Progress"]) == pytest.approx(-2 / 500000, abs=1e-4)
    assert by_id["SAL-KR1"]["Owner"] == "Zoë Ærøskøbing"
    assert by_id["SAL-KR1"]["Last comment"].startswith("'=HYPERLINK")
    assert by_id["SAL-KR2"]["Due date"] == "2027-06-30"
    assert by_id["SAL-KR2"]["Stale"] == "FALSE"
    assert by_id["SAL-KR2"]["Last value"] == "75"
    assert by_id["ENG-KR1"]["Last value"] == "Good progress"


@pytest.fixture(scope="module")
def demo_exports(demo_db):
    store = Store.open(str(demo_db))
    snapshot = review_snapshot(store.read_tables(), DEMO_AS_OF)
    store.close()
    rows = kr_export_table(snapshot)
    return snapshot, table_xlsx(rows, KR_EXPORT_COLUMNS, "Key results"), table_csv(rows, KR_EXPORT_COLUMNS)


def expected_demo_rows() -> dict[str, tuple[str, str, float]]:
    """kr_id → (team, status, clamped progress), computed from the workbook rows one KR at a time."""
    sheets = demo_sheets()
    statuses: dict[str, str] = {}
    progress = hand_computed_progress(sheets, statuses)
    team_of_objective = sheets["Objectives"].set_index("objective_id")["team"]
    objective_of_kr = sheets["KeyResults"].set_index("kr_id")["objective_id"]
    return {kr: (team_of_objective[objective_of_kr[kr]], statuses[kr], progress[kr]) for kr in progress}


def clamped(value) -> float:
    return min(max(float(value), 0.0), 1.0)


def test_demo_exports_hold_every_kr_of_the_review_as_the_workbook_says(demo_exports):
    snapshot, xlsx, csv_data = demo_exports
    expected = expected_demo_rows()
    _, sheet = read_xlsx(xlsx)
    from_xlsx = [dict(zip(HEADERS, row)) for row in list(sheet.iter_rows(values_only=True))[1:]]
    from_csv = [dict(zip(HEADERS, row)) for row in read_csv(csv_data)[1:]]
    assert len(from_xlsx) == len(from_csv) == len(snapshot.krs) == len(expected)
    for rows in (from_xlsx, from_csv):
        shown = {r["KR ID"]: (r["Team"], r["Status"], clamped(r["Progress"])) for r in rows}
        assert shown.keys() == expected.keys()
        for kr_id, (team, status, progress) in expected.items():
            assert shown[kr_id][:2] == (team, status), kr_id
            assert shown[kr_id][2] == pytest.approx(progress, abs=1e-4), kr_id
    titles = demo_sheets()["KeyResults"].set_index("kr_id")["title"]
    assert all(r["Key result"] == neutralised(titles[r["KR ID"]]) for r in from_csv)


def test_file_names_carry_the_as_of_date_and_filters():
    as_of = dt.date(2027, 5, 31)
    assert export_file_name("okr-review", as_of, (), "html") == "okr-review-2027-05-31.html"
    assert (
        export_file_name("okr-krs", as_of, ("2027-Q2", None, "Talent & People"), "csv")
        == "okr-krs-2027-05-31-2027-q2-talent-people.csv"
    )
