"""Reading, checking and storing workbooks and CSV files."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from conftest import SMALL_WORKBOOK, edited, xlsx_bytes
from loaders import coerce
from loaders.ingest import check_and_store
from store.database import UploadedFile


def ingest(store, name: str, data: bytes, **kwargs):
    return check_and_store(store, [UploadedFile(name, data)], uploaded_by="tester", **kwargs)


def snapshot_of(store) -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in store.read_tables().items()}


def assert_unchanged(before: dict[str, pd.DataFrame], store) -> None:
    after = store.read_tables()
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)


@pytest.mark.parametrize(
    "text, decimal_comma, expected",
    [
        ("45%", False, 45.0),
        ("$1,200", False, 1200.0),
        ("(1,000)", False, -1000.0),
        ("1.234,5", True, 1234.5),
        ("12,5", False, 12.5),
        ("1,234,567.25", False, 1234567.25),
        ("€ 300", False, 300.0),
        ("N/A", False, None),
        (7, False, 7.0),
    ],
)
def test_numbers_as_people_type_them(text, decimal_comma, expected):
    assert coerce.to_number(text, decimal_comma) == expected


@pytest.mark.parametrize("bad", ["abc", "inf", float("inf"), "12 apples"])
def test_non_numbers_are_rejected_with_the_value(bad):
    with pytest.raises(coerce.CellError, match="number"):
        coerce.to_number(bad)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2027-05-31", dt.date(2027, 5, 31)),
        ("31/05/2027", dt.date(2027, 5, 31)),
        ("05/31/2027", dt.date(2027, 5, 31)),  # cannot be day-first: month 31
        ("04/05/2027", dt.date(2027, 5, 4)),  # ambiguous: read day-first
        ("31.05.2027", dt.date(2027, 5, 31)),
        (46538, dt.date(2027, 5, 31)),  # Excel serial: 1899-12-30 + 46538 days
        ("46538", dt.date(2027, 5, 31)),
        (dt.datetime(2027, 5, 31, 13, 0), dt.date(2027, 5, 31)),
    ],
)
def test_dates_in_the_forms_people_send(value, expected):
    assert coerce.to_date(value) == expected


def test_a_non_date_names_the_fix():
    with pytest.raises(coerce.CellError, match=r'"Q3" is not a date \(use YYYY-MM-DD\)'):
        coerce.to_date("Q3")


def test_choices_ignore_case_and_spacing():
    assert coerce.to_choice("GOOD PROGRESS", ("Not started", "Good progress")) == "Good progress"
    assert coerce.to_choice("stay-above", ("increase", "stay_above")) == "stay_above"


def test_small_workbook_is_stored_and_second_ingest_changes_nothing(store):
    data = xlsx_bytes(SMALL_WORKBOOK)
    first = ingest(store, "okrs.xlsx", data)
    assert first.errors == []
    assert first.stored
    assert {t: c.inserted for t, c in first.changes.items()} == {
        "teams": 2,
        "objectives": 3,
        "key_results": 3,
        "check_ins": 4,
        "arr_actuals": 2,
        "company_targets": 1,
    }
    krs = store.read_table("key_results").set_index("kr_id")
    assert krs.loc["SAL-KR1", "target_value"] == 500000
    assert krs.loc["SAL-KR1", "weight"] == 2
    assert krs.loc["ENG-KR1", "direction"] == "increase"  # schema default filled in
    assert krs.loc["SAL-KR2", "due_date"] == pd.Timestamp("2027-06-30")
    version = store.data_version()

    second = ingest(store, "okrs.xlsx", data)
    assert not second.stored
    assert second.rows_changed == 0
    assert all(c.unchanged == first.changes[t].inserted for t, c in second.changes.items())
    assert store.data_version() == version
    assert len(store.uploads()) == 1


def test_upload_is_recorded_with_hash_and_rows(store):
    data = xlsx_bytes(SMALL_WORKBOOK)
    ingest(store, "okrs.xlsx", data)
    upload = store.uploads().iloc[0]
    import hashlib

    assert upload["sha256"] == hashlib.sha256(data).hexdigest()
    assert upload["uploaded_by"] == "tester"
    assert upload["file_name"] == "okrs.xlsx"
    assert '"check_ins": 4' in upload["row_counts"]


def test_changed_value_updates_one_row_and_keeps_unsupplied_columns(store):
    ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))
    narrow = {
        "KeyResults": [
            ["kr_id", "objective_id", "title", "measure", "start_value", "target_value", "due_date"],
            ["SAL-KR1", "SAL-O1", "Bookings", "currency", 0, 600000, dt.date(2027, 6, 30)],
        ]
    }
    result = ingest(store, "kr.xlsx", xlsx_bytes(narrow))
    assert result.errors == []
    assert result.changes["key_results"].updated == 1
    kr = store.read_table("key_results").set_index("kr_id").loc["SAL-KR1"]
    assert kr["target_value"] == 600000
    assert kr["funnel_stage"] == "bookings"  # not in the file: kept
    assert kr["weight"] == 2


def test_bad_workbook_lists_every_problem_and_changes_nothing(store):
    ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))
    before = snapshot_of(store)
    bad = edited(SMALL_WORKBOOK, "KeyResults", 1, "objective_id", "SAL-O9")
    bad = edited(bad, "KeyResults", 2, "due_date", "Q3")
    bad = edited(bad, "KeyResults", 3, "kr_id", "SAL-KR1")
    result = ingest(store, "bad.xlsx", xlsx_bytes(bad))
    found = {(p.sheet, p.row, p.column) for p in result.errors}
    assert ("KeyResults", 2, "objective_id") in found
    assert ("KeyResults", 3, "due_date") in found
    assert ("KeyResults", 4, "kr_id") in found
    messages = " | ".join(p.problem for p in result.errors)
    assert 'unknown objective "SAL-O9" (did you mean "SAL-O1"?)' in messages
    assert '"Q3" is not a date (use YYYY-MM-DD)' in messages
    assert "duplicate kr_id SAL-KR1 (first at row 2)" in messages
    assert not result.stored
    assert_unchanged(before, store)


def test_start_equal_to_target_is_rejected(store):
    bad = edited(SMALL_WORKBOOK, "KeyResults", 1, "target_value", 0)
    result = ingest(store, "bad.xlsx", xlsx_bytes(bad))
    assert [(p.row, p.column) for p in result.errors] == [(2, "target_value")]
    assert "nothing to achieve" in result.errors[0].problem
    assert store.row_counts()["key_results"] == 0


def test_due_date_before_start_is_rejected(store):
    bad = edited(SMALL_WORKBOOK, "KeyResults", 2, "due_date", dt.date(2027, 3, 1))
    result = ingest(store, "bad.xlsx", xlsx_bytes(bad))
    assert [(p.row, p.column) for p in result.errors] == [(3, "due_date")]


def test_unknown_enum_value_lists_the_choices(store):
    bad = edited(SMALL_WORKBOOK, "KeyResults", 1, "kr_type", "impact")
    result = ingest(store, "bad.xlsx", xlsx_bytes(bad))
    assert [(p.row, p.column) for p in result.errors] == [(2, "kr_type")]
    assert "discovery, input, output, outcome" in result.errors[0].problem


def test_check_ins_may_refer_to_stored_krs(store):
    ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))
    csv = "kr_id,date,value,confidence\nSAL-KR1,2027-06-15,400000,8\nSAL-KR11,2027-06-15,1,8\n"
    result = ingest(store, "progress.csv", csv.encode())
    assert [(p.row, p.column) for p in result.errors] == [(3, "kr_id")]
    assert 'did you mean "SAL-KR1"' in result.errors[0].problem
    fixed = ingest(store, "progress.csv", csv.splitlines()[0].encode() + b"\n" + csv.splitlines()[1].encode())
    assert fixed.errors == [] and fixed.changes["check_ins"].inserted == 1


@pytest.mark.parametrize(
    "encoding, delimiter, number",
    [
        ("utf-8-sig", ";", "250.000,5"),
        ("utf-16", "\t", "250000.5"),
        ("cp1252", ",", '"250,000.5"'),
    ],
)
def test_csv_encodings_and_delimiters(store, encoding, delimiter, number):
    ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))
    lines = [
        delimiter.join(["KR ID", "Date", "Current", "Comment"]),
        delimiter.join(["SAL-KR1", "15/06/2027", number, "Déjà vu – signed"]),
    ]
    result = ingest(store, "CheckIns.csv", "\r\n".join(lines).encode(encoding))
    assert result.errors == []
    row = store.read_table("check_ins").set_index(["kr_id", "date"]).loc[("SAL-KR1", pd.Timestamp("2027-06-15"))]
    assert row["value"] == 250000.5
    assert row["comment"] == "Déjà vu – signed"


def test_title_rows_above_the_header_are_skipped(store):
    ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))
    sheets = {
        "Progress May": [
            ["Sales progress, May 2027"],
            [],
            ["KR id", "Check-in date", "Value", "Confidence"],
            ["SAL-KR1", dt.date(2027, 6, 1), 300000, 7],
        ]
    }
    result = ingest(store, "may.xlsx", xlsx_bytes(sheets))
    assert result.errors == []
    assert result.changes["check_ins"].inserted == 1


def test_error_rows_are_numbered_as_excel_shows_them(store):
    ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))
    sheets = {"CheckIns": [["Team progress"], ["kr_id", "date", "value"], ["SAL-KR1", "2027-06-01", "lots"]]}
    result = ingest(store, "p.xlsx", xlsx_bytes(sheets))
    assert [(p.sheet, p.row, p.column) for p in result.errors] == [("CheckIns", 3, "value")]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"PK\x03\x04garbage", "damaged"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "password-protected"),
        (b"name,age\nbob,4\n", "no sheet of the OKR workbook format"),
    ],
)
def test_unreadable_files_get_a_clear_message_and_change_nothing(store, data, message):
    ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))
    before = snapshot_of(store)
    result = ingest(store, "upload.xlsx", data)
    assert any(message in p.problem for p in result.errors), result.problems
    assert_unchanged(before, store)


def test_dry_run_reports_without_storing(store):
    result = ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK), dry_run=True)
    assert result.changes["key_results"].inserted == 3
    assert not result.stored
    assert store.row_counts()["key_results"] == 0
    assert store.uploads().empty


def test_failure_inside_the_write_rolls_everything_back(store, monkeypatch):
    from store.database import Store

    ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))
    before = snapshot_of(store)
    original = Store._merge

    def failing_merge(cursor, table, frame, present, upload_id):
        if table.name == "check_ins":
            raise RuntimeError("disk full")
        return original(cursor, table, frame, present, upload_id)

    monkeypatch.setattr(Store, "_merge", staticmethod(failing_merge))
    changed = edited(SMALL_WORKBOOK, "KeyResults", 1, "target_value", 900000)
    changed = edited(changed, "CheckIns", 1, "value", 123)
    with pytest.raises(RuntimeError):
        ingest(store, "okrs.xlsx", xlsx_bytes(changed))
    assert_unchanged(before, store)


def test_undo_restores_the_state_before_the_upload(store):
    ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))
    before = snapshot_of(store)
    changed = edited(SMALL_WORKBOOK, "KeyResults", 1, "target_value", 900000)
    changed["CheckIns"].append(["SAL-KR1", dt.date(2027, 6, 15), 300000, None, 7, "new", "Ana Ruiz"])
    second = ingest(store, "changed.xlsx", xlsx_bytes(changed))
    assert second.changes["key_results"].updated == 1 and second.changes["check_ins"].inserted == 1
    second_id = int(store.uploads()["upload_id"].max())
    restored = store.undo_upload(second_id, "lead")
    assert restored == {"key_results": 1, "check_ins": 1}
    assert_unchanged(before, store)
    assert store.uploads().set_index("upload_id").loc[second_id, "undone_by"] == "lead"


def test_undo_of_the_first_upload_empties_the_store(store):
    ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))
    store.undo_upload(1, "admin")
    assert sum(store.row_counts().values()) == 0


def test_undo_is_refused_when_a_later_upload_changed_the_same_rows(store):
    from store.database import StoreError

    ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))
    ingest(store, "changed.xlsx", xlsx_bytes(edited(SMALL_WORKBOOK, "KeyResults", 1, "target_value", 900000)))
    before = snapshot_of(store)
    with pytest.raises(StoreError, match="undo upload 2 first"):
        store.undo_upload(1, "admin")
    assert_unchanged(before, store)
    store.undo_upload(2, "admin")
    store.undo_upload(1, "admin")
    assert sum(store.row_counts().values()) == 0
    with pytest.raises(StoreError, match="already undone"):
        store.undo_upload(1, "admin")


def test_original_file_bytes_are_kept(store):
    data = xlsx_bytes(SMALL_WORKBOOK)
    ingest(store, "okrs.xlsx", data)
    assert store.upload_file(1, "okrs.xlsx") == data
    import hashlib

    assert store.uploads_of_file(hashlib.sha256(data).hexdigest())["upload_id"].tolist() == [1]
