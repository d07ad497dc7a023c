"""Spellings people use in the files they bring: yes/no words, period spellings, date orders."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from conftest import SMALL_WORKBOOK, xlsx_bytes
from loaders import coerce
from loaders.ingest import check_and_store
from store.database import Store, UploadedFile


def ingest(store, name: str, data: bytes, **kwargs):
    return check_and_store(store, [UploadedFile(name, data)], uploaded_by="tester", **kwargs)


@pytest.fixture
def local_store(tmp_path):
    opened = Store.open(str(tmp_path / "okr.duckdb"))
    yield opened
    opened.close()


def workbook_with_binary_kr() -> dict[str, list[list]]:
    sheets = copy.deepcopy(SMALL_WORKBOOK)
    sheets["KeyResults"].append(
        [
            "ENG-KR2",
            "ENG-O1",
            "Partner portal live",
            "output",
            "binary",
            None,
            0,
            1,
            "increase",
            "Tom Berg",
            dt.date(2027, 4, 1),
            dt.date(2027, 6, 30),
            1,
            None,
            None,
            None,
        ]
    )
    return sheets


# --- yes/no words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word, expected",
    [
        ("sim", 1.0),
        ("não", 0.0),
        ("nao", 0.0),
        ("Sí", 1.0),
        ("si", 1.0),
        ("no", 0.0),
        ("ja", 1.0),
        ("Nein", 0.0),
        ("oui", 1.0),
        ("non", 0.0),
        ("TRUE", 1.0),
        ("false", 0.0),
        ("Yes", 1.0),
        (" y ", 1.0),
        ("n", 0.0),
        ("1", 1.0),
        ("0", 0.0),
        (True, 1.0),
        (False, 0.0),
    ],
)
def test_yes_no_words_are_1_and_0(word, expected):
    assert coerce.to_number(word) == expected


def test_a_word_that_is_not_yes_or_no_is_still_refused():
    with pytest.raises(coerce.CellError, match='"maybe" is not a number'):
        coerce.to_number("maybe")


def test_binary_check_ins_written_as_words_store_1_and_0(local_store):
    assert ingest(local_store, "okrs.xlsx", xlsx_bytes(workbook_with_binary_kr())).errors == []
    csv = (
        "kr_id,date,value\nENG-KR2,2027-04-30,não\nENG-KR2,2027-05-15,nein\nENG-KR2,2027-05-31,Sim\n"
        "ENG-KR2,2027-06-15,oui\nENG-KR2,2027-06-20,sí\n"
    )
    result = ingest(local_store, "CheckIns.csv", csv.encode())
    assert result.errors == [], result.errors
    check_ins = local_store.read_table("check_ins")
    values = check_ins[check_ins["kr_id"] == "ENG-KR2"].sort_values("date")["value"].tolist()
    assert values == [0.0, 0.0, 1.0, 1.0, 1.0]


# --- periods ------------------------------------------------------------------------------------------

from analytics.periods import normalise_period, period_bounds  # noqa: E402


def bounds(period: str) -> tuple[str, str]:
    first, last = period_bounds(period)
    return f"{first:%Y-%m-%d}", f"{last:%Y-%m-%d}"


@pytest.mark.parametrize(
    "spelling, stored, first, last",
    [
        ("Q4 2023", "2023-Q4", "2023-10-01", "2023-12-31"),
        ("2023 Q4", "2023-Q4", "2023-10-01", "2023-12-31"),
        ("2023-Q4", "2023-Q4", "2023-10-01", "2023-12-31"),
        ("q4-2023", "2023-Q4", "2023-10-01", "2023-12-31"),
        ("Q3 FY26", "2026-Q3", "2026-07-01", "2026-09-30"),  # fiscal year = calendar year by default
        ("FY26 Q3", "2026-Q3", "2026-07-01", "2026-09-30"),
        ("H1 2026", "2026-H1", "2026-01-01", "2026-06-30"),
        ("2026 H1", "2026-H1", "2026-01-01", "2026-06-30"),
        ("2026-H2", "2026-H2", "2026-07-01", "2026-12-31"),
        ("Annual 2024", "2024", "2024-01-01", "2024-12-31"),
        ("FY 2024", "2024", "2024-01-01", "2024-12-31"),
        ("2024", "2024", "2024-01-01", "2024-12-31"),
        ("Jan 2027", "2027-01", "2027-01-01", "2027-01-31"),
        ("January 2027", "2027-01", "2027-01-01", "2027-01-31"),
        ("2027-01", "2027-01", "2027-01-01", "2027-01-31"),
        ("Sept 2027", "2027-09", "2027-09-01", "2027-09-30"),
    ],
)
def test_period_spellings_with_a_january_fiscal_year(monkeypatch, spelling, stored, first, last):
    monkeypatch.delenv("OKR_FISCAL_YEAR_START", raising=False)
    assert normalise_period(spelling) == stored
    assert bounds(stored) == (first, last)
    assert normalise_period(stored) == stored  # a stored form reads back as itself


@pytest.mark.parametrize(
    "spelling, stored, first, last",
    [
        ("Q3 FY26", "2025-Q4", "2025-10-01", "2025-12-31"),  # FY26 = April 2025 – March 2026
        ("FY26 Q3", "2025-Q4", "2025-10-01", "2025-12-31"),
        ("Q1 FY26", "2025-Q2", "2025-04-01", "2025-06-30"),
        ("Q4 FY26", "2026-Q1", "2026-01-01", "2026-03-31"),
        ("FY26", "2025-04..2026-03", "2025-04-01", "2026-03-31"),
        ("FY 2026", "2025-04..2026-03", "2025-04-01", "2026-03-31"),
        ("H2 FY26", "2025-10..2026-03", "2025-10-01", "2026-03-31"),
        ("Q4 2023", "2023-Q4", "2023-10-01", "2023-12-31"),  # a calendar quarter stays one
    ],
)
def test_fiscal_periods_with_the_year_starting_in_april(monkeypatch, spelling, stored, first, last):
    monkeypatch.setenv("OKR_FISCAL_YEAR_START", "4")
    assert normalise_period(spelling) == stored
    assert bounds(stored) == (first, last)
    assert normalise_period(stored) == stored


def test_a_fiscal_quarter_that_is_no_calendar_quarter_is_stored_as_its_months():
    assert normalise_period("Q1 FY26", fiscal_start=2) == "2025-02..2025-04"
    assert bounds("2025-02..2025-04") == ("2025-02-01", "2025-04-30")
    assert normalise_period("H1 FY27", fiscal_start=7) == "2026-H2"


@pytest.mark.parametrize("bad", ["Q5 2023", "Spring 2023", "2027-13", "FY", "Q4", "2023-Q4-extra"])
def test_an_unreadable_period_names_the_accepted_spellings(bad):
    with pytest.raises(ValueError, match=r"is not a period \(use one of: 2027-Q2, Q2 2027|has no month"):
        normalise_period(bad)


def test_a_bad_fiscal_year_start_says_what_it_must_be(monkeypatch):
    monkeypatch.setenv("OKR_FISCAL_YEAR_START", "13")
    with pytest.raises(ValueError, match="OKR_FISCAL_YEAR_START must be the first month of the fiscal year, 1 to 12"):
        normalise_period("Q1 FY26")
    monkeypatch.setenv("OKR_FISCAL_YEAR_START", "April")
    assert normalise_period("Q1 FY26") == "2025-Q2"


def workbook_with_periods(objective_periods: list[str], target_periods: list[str]) -> dict[str, list[list]]:
    sheets = copy.deepcopy(SMALL_WORKBOOK)
    for row, period in zip(sheets["Objectives"][1:], objective_periods):
        row[1] = period
    sheets["CompanyTargets"] = [["period", "metric", "start_value", "target_value"]] + [
        [period, f"metric{i}", 0, 100 + i] for i, period in enumerate(target_periods)
    ]
    return sheets


def test_objectives_and_company_targets_store_the_normal_form(local_store, monkeypatch):
    monkeypatch.setenv("OKR_FISCAL_YEAR_START", "4")
    sheets = workbook_with_periods(
        ["Annual 2027", "Q3 FY27", "2027 Q2"],
        ["Q4 2023", "Q3 FY26", "H1 2026", "FY 2024", "Jan 2027", "2025-08..2025-10"],
    )
    result = ingest(local_store, "okrs.xlsx", xlsx_bytes(sheets))
    assert result.errors == [], result.errors
    objectives = local_store.read_table("objectives").set_index("objective_id")["period"].to_dict()
    assert objectives == {"CO-1": "2027", "SAL-O1": "2026-Q4", "ENG-O1": "2027-Q2"}
    targets = local_store.read_table("company_targets").sort_values("metric")["period"].tolist()
    assert targets == ["2023-Q4", "2025-Q4", "2026-H1", "2023-04..2024-03", "2027-01", "2025-08..2025-10"]
    again = ingest(local_store, "okrs.xlsx", xlsx_bytes(sheets))
    assert again.rows_changed == 0  # the same spellings twice change nothing


def test_an_unreadable_period_is_an_error_on_its_row(local_store):
    sheets = workbook_with_periods(["2027", "Spring 2027", "2027-Q2"], ["Q4 2023", "Q5 2023"])
    result = ingest(local_store, "okrs.xlsx", xlsx_bytes(sheets))
    found = sorted((p.sheet, p.row, p.column, p.problem) for p in result.errors)
    spellings = "use one of: 2027-Q2, Q2 2027, 2027 Q2, Q3 FY27, FY27 Q3, 2027-H1, H1 2027, 2027, FY 2027, Annual 2027"
    assert found == [
        ("CompanyTargets", 3, "period", f'"Q5 2023" is not a period ({spellings}, 2027-05, May 2027)'),
        ("Objectives", 3, "period", f'"Spring 2027" is not a period ({spellings}, 2027-05, May 2027)'),
    ]
    assert local_store.row_counts()["objectives"] == 0


def test_two_spellings_of_one_period_are_one_key(local_store):
    sheets = workbook_with_periods(["2027", "2027-Q2", "2027-Q2"], ["Q4 2023", "2023-Q4"])
    sheets["CompanyTargets"][2][1] = "metric0"
    result = ingest(local_store, "okrs.xlsx", xlsx_bytes(sheets))
    assert [(p.sheet, p.row, p.column) for p in result.errors] == [("CompanyTargets", 3, "metric")]
    assert "duplicate period + metric 2023-Q4, metric0" in result.errors[0].problem


# --- one date order per column ---------------------------------------------------------------------------


def stored_dates(store, kr_id: str) -> list[str]:
    check_ins = store.read_table("check_ins")
    return [f"{d:%Y-%m-%d}" for d in check_ins[check_ins["kr_id"] == kr_id]["date"]]


def check_ins_csv(*dates: str) -> bytes:
    return ("kr_id,date,value\n" + "".join(f"SAL-KR2,{date},{80 - i}\n" for i, date in enumerate(dates))).encode()


@pytest.fixture
def okr_store(local_store):
    assert ingest(local_store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK)).errors == []
    return local_store


def test_a_day_above_12_in_first_place_reads_the_whole_column_day_first(okr_store):
    result = ingest(okr_store, "CheckIns.csv", check_ins_csv("03/04/2027", "17/04/2027", "05/06/2027"))
    assert result.problems == []
    assert stored_dates(okr_store, "SAL-KR2") == ["2027-04-03", "2027-04-17", "2027-05-31", "2027-06-05"]


def test_a_day_above_12_in_second_place_reads_the_whole_column_month_first(okr_store):
    result = ingest(okr_store, "CheckIns.csv", check_ins_csv("04/03/2027", "04/17/2027", "06/05/2027"))
    assert result.problems == []
    assert stored_dates(okr_store, "SAL-KR2") == ["2027-04-03", "2027-04-17", "2027-05-31", "2027-06-05"]


def test_a_column_left_ambiguous_is_read_day_first_with_a_warning(okr_store):
    result = ingest(okr_store, "CheckIns.csv", check_ins_csv("03/04/2027", "05/06/2027", "07/07/2027"))
    assert result.errors == []
    assert [(p.severity, p.sheet, p.row, p.column) for p in result.problems] == [("warning", "CheckIns", 1, "date")]
    message = result.problems[0].problem
    assert message.startswith("column date: no date decides whether") and "read day first (DD/MM/YYYY)" in message
    assert stored_dates(okr_store, "SAL-KR2") == ["2027-04-03", "2027-05-31", "2027-06-05", "2027-07-07"]


def test_a_column_mixing_both_orders_is_reported(okr_store):
    result = ingest(okr_store, "CheckIns.csv", check_ins_csv("17/04/2027", "04/18/2027", "06/05/2027"))
    assert result.errors == []
    assert [(p.severity, p.column) for p in result.problems] == [("warning", "date")]
    assert result.problems[0].problem.startswith(
        'column date mixes day-first dates ("17/04/2027") and month-first dates ("04/18/2027")'
    )
    assert stored_dates(okr_store, "SAL-KR2") == ["2027-04-17", "2027-04-18", "2027-05-06", "2027-05-31"]


def test_text_dates_in_a_workbook_column_get_one_order_too(local_store):
    sheets = copy.deepcopy(SMALL_WORKBOOK)
    for row, due in zip(sheets["KeyResults"][1:], ("06/30/2027", "05/06/2027", "05/04/2027")):
        row[11] = due  # due_date typed as text, month first (June 30th decides it)
    result = ingest(local_store, "okrs.xlsx", xlsx_bytes(sheets))
    assert result.problems == []
    due = local_store.read_table("key_results").set_index("kr_id")["due_date"]
    assert {kr: f"{d:%Y-%m-%d}" for kr, d in due.items()} == {
        "SAL-KR1": "2027-06-30",
        "SAL-KR2": "2027-05-06",
        "ENG-KR1": "2027-05-04",
    }


def test_without_a_column_order_a_cell_is_read_as_before():
    assert coerce.to_date("04/05/2027") == dt.date(2027, 5, 4)
    assert coerce.to_date("05/31/2027") == dt.date(2027, 5, 31)
    with coerce.reading_dates(coerce.DateOrder(False)):
        assert coerce.to_date("04/05/2027") == dt.date(2027, 4, 5)
    assert coerce.to_date("04/05/2027") == dt.date(2027, 5, 4)
