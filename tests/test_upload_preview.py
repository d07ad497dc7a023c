"""loaders.preview, unit by unit, on the small workbook of conftest with hand-computed figures."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from conftest import SMALL_WORKBOOK, xlsx_bytes
from loaders.ingest import check_and_store
from loaders.preview import (
    change_summary,
    default_undo_choice,
    history_table,
    krs_without_update,
    merged_table,
    merged_tables,
    preview_upload,
    problem_table,
    reading_text,
    without_warnings_on_errors,
)
from loaders.problems import ERROR, WARNING, Problem, ProblemGroup, ProblemList
from store.database import TableChange, UploadedFile
from store.schema import CHECK_INS

MAY_31 = dt.date(2027, 5, 31)


@pytest.fixture
def small(store):
    result = check_and_store(store, [UploadedFile("okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))], "tester")
    assert result.errors == []
    return store.read_tables()


def incoming_check_ins(*rows, present=("kr_id", "date", "value")):
    frame = pd.DataFrame([dict(zip(present, row)) for row in rows], columns=list(present))
    return {"check_ins": (frame, list(present))}


def test_a_merged_row_replaces_the_stored_one_and_keeps_the_columns_the_file_leaves_out(small):
    rows, present = incoming_check_ins(("SAL-KR1", MAY_31, 350000), ("SAL-KR2", dt.date(2027, 6, 3), 70))["check_ins"]
    merged = merged_table(small["check_ins"], rows, present, CHECK_INS).set_index(["kr_id", "date"])
    assert len(merged) == len(small["check_ins"]) + 1
    updated = merged.loc[("SAL-KR1", pd.Timestamp(MAY_31))]
    assert updated["value"] == 350000
    assert updated["confidence"] == 6 and updated["updated_by"] == "Ana Ruiz"  # kept from the stored row
    added = merged.loc[("SAL-KR2", pd.Timestamp("2027-06-03"))]
    assert added["value"] == 70 and pd.isna(added["confidence"])
    assert merged.loc[("SAL-KR1", pd.Timestamp("2027-04-30")), "value"] == 100000  # untouched


def test_preview_shows_reading_progress_and_status_before_and_after(small):
    incoming = incoming_check_ins(("SAL-KR1", MAY_31, 350000))
    preview = preview_upload(small, merged_tables(small, incoming), incoming, MAY_31)
    assert preview.measured_on == pd.Timestamp(MAY_31)
    assert preview.krs["kr_id"].tolist() == ["SAL-KR1"]
    row = preview.krs.iloc[0]
    assert (row["old_reading"], row["new_reading"], row["check_ins"]) == ("$250,000", "$350,000", 1)
    # 0 → 500,000 from 2027-04-01 to 2027-06-30: expected 60/90 at May 31; 250k is 0.5 (gap 0.17,
    # at risk), 350k is 0.7 (ahead: on track).
    assert row["old_progress"] == pytest.approx(0.5) and row["new_progress"] == pytest.approx(0.7)
    assert (row["old_status"], row["new_status"]) == ("at risk", "on track")


def test_a_check_in_dated_after_the_review_is_measured_on_its_own_date(small):
    incoming = incoming_check_ins(("SAL-KR2", dt.date(2027, 6, 3), 70))
    preview = preview_upload(small, merged_tables(small, incoming), incoming, MAY_31)
    assert preview.measured_on == pd.Timestamp("2027-06-03")
    row = preview.krs.set_index("kr_id").loc["SAL-KR2"]
    # decrease 90 → 60: 75 is 0.5, 70 is 2/3
    assert (row["old_reading"], row["new_reading"]) == ("75 days", "70 days")
    assert row["new_progress"] == pytest.approx(2 / 3)


def test_a_krs_status_reading_is_previewed_as_its_level(small):
    incoming = incoming_check_ins(("ENG-KR1", MAY_31, "Completed"), present=("kr_id", "date", "status"))
    row = preview_upload(small, merged_tables(small, incoming), incoming, MAY_31).krs.iloc[0]
    assert (row["old_reading"], row["new_reading"]) == ("Good progress", "Completed")
    assert (row["old_status"], row["new_status"]) == ("overdue", "completed")  # due 2027-05-15


def test_krs_without_an_update_this_month(small):
    assert krs_without_update(small, "Sales", MAY_31).empty  # both checked in on May 31
    # ENG-KR1: last check-in in April, due May 15, Good progress: still owes its May reading.
    assert krs_without_update(small, "Engineering", MAY_31)["kr_id"].tolist() == ["ENG-KR1"]
    june = krs_without_update(small, "Sales", dt.date(2027, 6, 30))
    assert sorted(june["kr_id"]) == ["SAL-KR1", "SAL-KR2"]
    assert june.set_index("kr_id").loc["SAL-KR1", "last_reading"] == "$250,000"
    completed = merged_tables(
        small, incoming_check_ins(("ENG-KR1", dt.date(2027, 4, 30), "Completed"), present=("kr_id", "date", "status"))
    )
    assert krs_without_update(completed, "Engineering", MAY_31).empty  # completed in April: nothing to report


@pytest.mark.parametrize(
    "measure, unit, value, level, shown",
    [
        ("currency", "USD", 1200, None, "$1,200"),
        ("currency", "USD", 12.5, None, "$12.50"),
        ("percent", "%", 45, None, "45%"),
        ("number", "deals", 13, None, "13 deals"),
        ("number", None, 1234567.5, None, "1,234,567.5"),
        ("binary", None, 1, None, "1"),
        ("status", None, math.nan, "Good progress", "Good progress"),
        ("number", "AEs", math.nan, None, "—"),
    ],
)
def test_readings_read_as_the_review_shows_them(measure, unit, value, level, shown):
    assert reading_text(measure, unit, value, level) == shown


def test_problem_table_lists_file_level_problems_first_then_by_sheet_and_row():
    problems = [
        Problem("f.csv", "CheckIns", 7, "value", "b"),
        Problem("f.csv", "CheckIns", 3, "date", "a"),
        Problem("f.csv", "", None, "", "whole file"),
    ]
    table = problem_table(problems)
    assert table["problem"].tolist() == ["whole file", "a", "b"]
    assert table["row"].tolist()[1:] == [3, 7]


def test_change_summary_and_history_rows():
    changes = {"check_ins": TableChange(2, 1, 7), "teams": TableChange(0, 0, 14)}
    assert change_summary(changes) == "CheckIns: 2 new, 1 updated"
    assert change_summary({"teams": TableChange(0, 0, 14)}) == "nothing changed"
    uploads = pd.DataFrame(
        {
            "upload_id": [2, 1],
            "uploaded_by": ["Ana", "root"],
            "uploaded_at": [pd.Timestamp("2027-06-01 09:30"), pd.Timestamp("2027-05-01 08:00")],
            "file_name": ["may.xlsx", "okrs.xlsx"],
            "sha256": ["ab" * 32, "cd" * 32],
            "size_bytes": [10, 20],
            "row_counts": ['{"check_ins": 3}', '{"teams": 2, "key_results": 5}'],
            "undone_at": [pd.NaT, pd.Timestamp("2027-05-02 10:15")],
            "undone_by": [None, "Ana"],
        }
    )
    history = history_table(uploads)
    assert history["rows"].tolist() == ["CheckIns 3", "Teams 2, KeyResults 5"]
    assert history["sha256"].tolist() == ["abababababab", "cdcdcdcdcdcd"]
    assert history["state"].tolist() == ["in force", "undone 2027-05-02 10:15 by Ana"]


def test_the_preview_lists_the_stored_check_ins_the_file_replaces(small):
    incoming = incoming_check_ins(
        ("SAL-KR1", MAY_31, 350000),  # stored 250,000 that day: replaced
        ("SAL-KR2", MAY_31, 75),  # stored 75 that day: the same, nothing replaced
        ("SAL-KR2", dt.date(2027, 6, 3), 70),  # new
    )
    replaced = preview_upload(small, merged_tables(small, incoming), incoming, MAY_31).replaced
    assert replaced.to_dict("records") == [
        {
            "kr_id": "SAL-KR1",
            "date": pd.Timestamp(MAY_31),
            "old_reading": "$250,000",
            "new_reading": "$350,000",
            "replacement": "SAL-KR1 2027-05-31: $250,000 → $350,000",
        }
    ]
    comment_only = incoming_check_ins(
        ("SAL-KR2", MAY_31, 75, "Hired two"), present=("kr_id", "date", "value", "comment")
    )
    replaced = preview_upload(small, merged_tables(small, comment_only), comment_only, MAY_31).replaced
    assert replaced["replacement"].tolist() == ["SAL-KR2 2027-05-31: 75 days (comment change)"]
    status = incoming_check_ins(("ENG-KR1", dt.date(2027, 4, 30), "At risk"), present=("kr_id", "date", "status"))
    replaced = preview_upload(small, merged_tables(small, status), status, MAY_31).replaced
    assert replaced["replacement"].tolist() == ["ENG-KR1 2027-04-30: Good progress → At risk"]


def test_warnings_on_a_cell_with_an_error_are_dropped_groups_keep_their_other_rows():
    def problem(row, column, severity, message="m"):
        return Problem("f.csv", "CheckIns", row, column, message, severity)

    errors = [problem(2, "value", ERROR), problem(5, "date", ERROR), problem(None, "value", ERROR)]
    group = ProblemGroup("f.csv", "CheckIns", "value", WARNING, "{kr} is below", [2, 3, 4], {"kr": ["A", "B", "C"]})
    warnings = ProblemList(
        [
            problem(2, "value", WARNING, "no check-in for May"),  # the cell with an error
            problem(2, "confidence", WARNING),  # another cell of that row
            problem(5, "value", WARNING),  # the error of row 5 is on its date
            problem(None, "value", WARNING),  # no row: about the sheet, kept
            group,
        ]
    )
    kept = without_warnings_on_errors(errors, warnings)
    assert [(p.row, p.column, p.problem) for p in kept] == [
        (2, "confidence", "m"),
        (5, "value", "m"),
        (None, "value", "m"),
        (3, "value", "B is below"),
        (4, "value", "C is below"),
    ]
    assert isinstance(kept.entries()[-1], ProblemGroup) and len(kept.entries()) == 4  # still one group
    assert without_warnings_on_errors([], warnings) is warnings


def test_the_undo_choice_opens_on_the_latest_progress_upload_in_force():
    def uploads(*rows):
        return pd.DataFrame(rows, columns=["upload_id", "row_counts", "undone_at"])

    workbook = (1, '{"teams": 14, "objectives": 39, "key_results": 121, "check_ins": 393}', pd.NaT)
    assert default_undo_choice(uploads(workbook)) is None
    progress = [
        (4, '{"decisions": 1}', pd.NaT),  # a review meeting's record
        (3, '{"check_ins": 2}', pd.Timestamp("2027-06-01")),  # undone
        (2, '{"check_ins": 5, "arr_actuals": 1}', pd.NaT),
        workbook,
    ]
    assert default_undo_choice(uploads(*progress)) == 2
