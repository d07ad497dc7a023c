"""The Headcount sheet: staff by month, team and role, and the consultants' hours — read from XLSX and
CSV, checked, stored, undone and rebuilt like every sheet; staff_on and utilisation computed from it."""

from __future__ import annotations

import copy
import datetime as dt

import duckdb
import pandas as pd
import pytest

from analytics.headcount import COMPANY_LABEL, staff_on, utilisation
from conftest import DEMO_AS_OF, DEMO_WORKBOOK, SMALL_WORKBOOK, xlsx_bytes
from loaders.ingest import check_and_store
from loaders.problems import ERROR, WARNING
from loaders.rebuild import export_uploads, rebuild, uploads_from_folder
from store.database import SCHEMA_VERSION, Store, UploadedFile

HEADER = ["month", "team", "role", "fte", "billable_hours", "available_hours"]
ROWS = [
    ["2027-04", "Sales", "sales_rep", 3, None, None],
    ["2027-04", "Engineering", "consultant", 2, 240, 300],
]


def ingest(store, name: str, data: bytes, **kwargs):
    return check_and_store(store, [UploadedFile(name, data)], uploaded_by="tester", **kwargs)


def with_headcount(rows, header=HEADER, sheet="Headcount") -> bytes:
    sheets = copy.deepcopy(SMALL_WORKBOOK)
    sheets[sheet] = [header, *rows]
    return xlsx_bytes(sheets)


def headcount_only(rows, header=HEADER) -> bytes:
    return xlsx_bytes({"Headcount": [header, *rows]})


def stored(store) -> list[tuple]:
    frame = store.read_table("headcount").astype(object)
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]


@pytest.fixture
def local_store(tmp_path):
    opened = Store.open(str(tmp_path / "okr.duckdb"))
    assert ingest(opened, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK)).errors == []
    yield opened
    opened.close()


# --- reading --------------------------------------------------------------------------------


def test_a_headcount_sheet_with_other_tools_headers_is_stored(tmp_path):
    store = Store.open(str(tmp_path / "okr.duckdb"))
    try:
        header = ["Month", "Department", "Job", "Headcount", "Billed hours", "Capacity hours"]
        result = ingest(store, "okrs.xlsx", with_headcount(ROWS, header, sheet="Staffing"))
        assert result.errors == []
        assert result.changes["headcount"].inserted == 2
        assert stored(store) == [
            ("2027-04", "Engineering", "consultant", 2.0, 240.0, 300.0),
            ("2027-04", "Sales", "sales_rep", 3.0, None, None),
        ]
    finally:
        store.close()


def test_headcount_csv_named_like_the_sheet_is_stored(local_store):
    csv = (
        b"month;team;role;FTE;billable hours;available hours\r\n"
        b"2027-05;Engineering;consultant;2,5;300;375\r\n"
        b"2027-05;Sales;sales_rep;4;;\r\n"
    )
    result = ingest(local_store, "Headcount.csv", csv)
    assert result.errors == []
    assert stored(local_store) == [
        ("2027-05", "Engineering", "consultant", 2.5, 300.0, 375.0),
        ("2027-05", "Sales", "sales_rep", 4.0, None, None),
    ]


def test_the_same_headcount_twice_changes_nothing(local_store):
    assert ingest(local_store, "h.xlsx", headcount_only(ROWS)).rows_changed == 2
    again = ingest(local_store, "h.xlsx", headcount_only(ROWS))
    assert (again.stored, again.rows_changed) == (False, 0)


# --- validation -----------------------------------------------------------------------------

ROW = ["2027-04", "Engineering", "consultant", 2, 240, 300]  # a clean row: 150 h per FTE, 80 % billable


def varied(**cells) -> list:
    row = list(ROW)
    for column, value in cells.items():
        row[HEADER.index(column)] = value
    return row


PROBLEMS = {
    "negative fte": (
        varied(fte=-1, billable_hours=None, available_hours=None),
        [(ERROR, "fte", "fte -1 is negative; write the full-time equivalents on staff")],
    ),
    "negative billable hours": (
        varied(billable_hours=-3),
        [(ERROR, "billable_hours", "billable_hours -3 is negative; write the hours billed in the month")],
    ),
    "negative available hours": (
        varied(billable_hours=None, available_hours=-10),
        [
            (
                ERROR,
                "available_hours",
                "available_hours -10 is negative; write the hours the staff could work in the month",
            )
        ],
    ),
    "billable above available": (
        varied(billable_hours=320),
        [
            (
                WARNING,
                "billable_hours",
                "billable_hours 320 is above available_hours 300 (utilisation 107%); check the two columns are "
                "not swapped, or raise available_hours to the hours worked (kept as it is)",
            )
        ],
    ),
    "billable hours without available hours": (
        varied(available_hours=0),
        [
            (
                WARNING,
                "available_hours",
                "available_hours is 0 beside billable_hours 240: the row is left out of utilisation; write the "
                "hours the staff could work",
            )
        ],
    ),
    "hours without staff": (
        varied(fte=0),
        [(WARNING, "fte", "fte is 0 beside available_hours 300; write the staff the hours are of")],
    ),
    "hours of a quarter": (
        varied(available_hours=900),
        [
            (
                WARNING,
                "available_hours",
                "available_hours 900 for fte 2 is 450 h per FTE, above 220 h in a month; check the hours are the "
                "month's (not a quarter's or a year's) and the fte (kept as it is)",
            )
        ],
    ),
    "month not YYYY-MM": (
        varied(month="2027-13"),
        [(ERROR, "month", '"2027-13" is not a month (use YYYY-MM)')],
    ),
    "team not in Teams": (
        varied(team="Engneering"),
        [
            (
                ERROR,
                "team",
                'unknown team "Engneering" (did you mean "Engineering"?); add it to the Teams sheet or fix the name',
            )
        ],
    ),
    "fte missing": (varied(fte=None), [(ERROR, "fte", "fte is empty; it is required")]),
    "at the limits": (varied(billable_hours=440, available_hours=440), []),  # 220 h per FTE, 100 % billable
}


@pytest.mark.parametrize("row, expected", PROBLEMS.values(), ids=PROBLEMS.keys())
def test_each_headcount_problem_names_row_column_value_and_fix(local_store, row, expected):
    result = ingest(local_store, "h.xlsx", headcount_only([row]))
    found = [(p.severity, p.sheet, p.row, p.column, p.problem) for p in result.problems]
    assert found == [(severity, "Headcount", 2, column, message) for severity, column, message in expected]
    kept = not any(severity == ERROR for severity, _, _ in expected)
    assert (result.stored, len(stored(local_store))) == (kept, int(kept))  # an error stores nothing


def test_a_team_progress_upload_may_not_change_headcount(local_store):
    result = ingest(local_store, "sales.xlsx", headcount_only(ROWS[:1]), team="Sales", as_of=dt.date(2027, 5, 31))
    assert [(p.sheet, p.row, p.problem) for p in result.errors] == [
        (
            "Headcount",
            None,
            "1 row(s) of Headcount would change company data, which a progress upload for team Sales may not; "
            "remove the sheet",
        )
    ]
    assert stored(local_store) == []


# --- undo, export, rebuild, upgrade ------------------------------------------------------------


def test_undoing_headcount_uploads_puts_back_what_was_stored(store):
    assert ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK)).errors == []
    assert ingest(store, "h1.xlsx", headcount_only(ROWS)).stored
    first = stored(store)
    corrected = [varied(fte=2.5, billable_hours=300, available_hours=375), ["2027-05", "Sales", "sales_rep", 4]]
    assert ingest(store, "h2.xlsx", headcount_only(corrected)).changes["headcount"].updated == 1
    second_id, first_id = store.uploads()["upload_id"].iloc[:2]
    assert store.undo_upload(int(second_id), "tester") == {"headcount": 2}
    assert stored(store) == first
    assert store.undo_upload(int(first_id), "tester") == {"headcount": 2}
    assert stored(store) == []


def test_export_and_rebuild_replay_headcount_uploads_and_undos(local_store, tmp_path):
    ingest(local_store, "h1.xlsx", headcount_only(ROWS))
    ingest(local_store, "h2.xlsx", headcount_only([varied(fte=3, available_hours=450)]))
    ingest(local_store, "h3.xlsx", headcount_only([["2027-05", "Sales", "sales_rep", 4]]))
    local_store.undo_upload(int(local_store.uploads()["upload_id"].iloc[0]), "tester")
    expected = stored(local_store)
    assert expected == [
        ("2027-04", "Engineering", "consultant", 3.0, 240.0, 450.0),
        ("2027-04", "Sales", "sales_rep", 3.0, None, None),
    ]
    assert export_uploads(local_store, tmp_path / "uploads") == (4, 4)
    result = rebuild(uploads_from_folder(tmp_path / "uploads"), str(tmp_path / "rebuilt.duckdb"))
    assert (len(result.replayed), len(result.undone), result.not_replayed) == (4, 1, [])
    rebuilt = Store.open(str(tmp_path / "rebuilt.duckdb"))
    try:
        assert stored(rebuilt) == expected
    finally:
        rebuilt.close()


def test_a_database_made_before_headcount_gains_the_table_when_opened(tmp_path):
    path = str(tmp_path / "older.duckdb")
    Store.open(path).close()
    connection = duckdb.connect(path)
    connection.execute("DROP TABLE headcount")
    connection.execute("DROP TABLE headcount_history")
    connection.execute("UPDATE meta SET value = 4 WHERE key = 'schema_version'")
    connection.close()
    store = Store.open(path)
    try:
        version = store._cursor().execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        assert (version, store.row_counts()["headcount"]) == (SCHEMA_VERSION, 0)
        assert ingest(store, "okrs.xlsx", with_headcount(ROWS)).changes["headcount"].inserted == 2
    finally:
        store.close()


# --- staff_on and utilisation ------------------------------------------------------------------

STAFF = pd.DataFrame(
    [
        ["2026-12", "Sales", "sales_rep", 2.5],
        ["2026-12", "BizDev", "Sales Rep", 1.0],  # the same role however it is spelt
        ["2026-12", "BizDev", "sdr", 2.0],
        ["2026-12", "Success", "consultant", 4.0],
        ["2027-01", "Sales", "sales_rep", 3.0],
        ["2027-01", "Success", "consultant", 0.0],
    ],
    columns=["month", "team", "role", "fte"],
)


@pytest.mark.parametrize(
    "role, at_date, expected",
    [
        ("sales_rep", dt.date(2027, 1, 1), 3.5),  # December's reps of every team
        ("sales_rep", "2027-01-31", 3.5),
        ("sales_rep", pd.Timestamp("2027-02-28"), 3.0),  # January's
        ("sales_rep", dt.date(2027, 3, 1), None),  # no row in February
        ("consultant", dt.date(2027, 1, 15), 4.0),
        ("consultant", dt.date(2027, 2, 1), 0.0),  # a row saying 0 is not a missing row
        ("manager", dt.date(2027, 1, 1), None),
    ],
)
def test_staff_on_sums_the_role_in_the_month_before(role, at_date, expected):
    assert staff_on(STAFF, role, at_date) == expected


def test_staff_on_of_an_empty_sheet_is_none():
    assert staff_on(STAFF.iloc[0:0], "sales_rep", dt.date(2027, 1, 1)) is None


def test_utilisation_by_team_and_for_the_company_weighted_by_hours():
    hours = pd.DataFrame(
        [
            ["2027-04", "Success", "consultant", 3.0, 360.0, 450.0],
            ["2027-04", "Engineering", "consultant", 1.0, 60.0, 150.0],
            ["2027-04", "Engineering", "architect", 1.0, 100.0, 150.0],
            ["2027-04", "Engineering", "manager", 1.0, None, None],
            ["2027-04", "Sales", "sales_rep", 3.0, None, None],
            ["2027-05", "Success", "consultant", 2.0, 150.0, 0.0],  # no available hours: left out
            ["2027-05", "Engineering", "consultant", 1.0, 120.0, 150.0],
        ],
        columns=HEADER,
    )
    result = utilisation(hours)
    assert result.columns.tolist() == [
        "month",
        "team",
        "level",
        "fte",
        "billable_hours",
        "available_hours",
        "utilisation",
    ]
    assert result.drop(columns="utilisation").values.tolist() == [
        ["2027-04", "Engineering", "team", 2.0, 160.0, 300.0],
        ["2027-04", "Success", "team", 3.0, 360.0, 450.0],
        ["2027-04", COMPANY_LABEL, "company", 5.0, 520.0, 750.0],
        ["2027-05", "Engineering", "team", 1.0, 120.0, 150.0],
        ["2027-05", COMPANY_LABEL, "company", 1.0, 120.0, 150.0],
    ]
    # 520 ÷ 750, not the mean of 0.8 and 0.5333 (0.6667)
    assert result["utilisation"].tolist() == pytest.approx([160 / 300, 0.8, 520 / 750, 0.8, 0.8])


def test_utilisation_of_a_sheet_without_hours_is_empty():
    assert utilisation(STAFF).empty


# --- the demo ------------------------------------------------------------------------------------


def test_the_demo_has_reps_and_consultants_by_month(demo_db):
    store = Store.open(demo_db)
    try:
        headcount = store.read_table("headcount")
    finally:
        store.close()
    months = sorted(headcount["month"].unique())
    assert (len(headcount), months[0], months[-1], len(months)) == (85, "2026-01", "2027-05", 17)
    plan_start = dt.date(DEMO_AS_OF.year, 1, 1)
    assert (staff_on(headcount, "sales_rep", plan_start), staff_on(headcount, "consultant", plan_start)) == (3.0, 7.0)
    assert (staff_on(headcount, "sales_rep", DEMO_AS_OF), staff_on(headcount, "consultant", DEMO_AS_OF)) == (5.0, 9.0)
    company = utilisation(headcount).query("level == 'company'")
    assert len(company) == 17
    assert company["utilisation"].between(0.6, 0.85).all()
    per_fte = headcount["available_hours"] / headcount["fte"]
    assert per_fte.dropna().between(140, 160).all()


def test_the_demo_headcount_raises_no_problem(tmp_path):
    store = Store.open(str(tmp_path / "okr.duckdb"))
    try:
        result = ingest(store, DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes(), dry_run=True)
    finally:
        store.close()
    assert [p for p in result.problems if p.sheet == "Headcount"] == []
    assert len(result.incoming["headcount"][0]) == 85  # (rows, columns given)
