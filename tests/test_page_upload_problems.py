"""The Upload page's validation report groups problems: many rows with the same problem are one line
with their count and rows, the rows listed in an expander a page at a time; errors come first.

The file is built here: check-ins of the demo's Sales KRs dated before each KR's start date, each a
warning of one kind, and (in one test) a cell that is not a number, an error."""

from __future__ import annotations

import pandas as pd
import test_page_upload
from test_page_upload import texts, unescaped

from conftest import demo_sheets
from loaders.preview import PROBLEM_PAGE_ROWS, problem_page
from loaders.problems import WARNING, ProblemGroup
from ui import state

upload_page = test_page_upload.upload_page  # the fixture: the Upload page on a writable demo database

DAYS_BEFORE = 130  # check-ins per KR, one a day before its start: 9 numeric Sales KRs make 1,170 rows


def sales_krs() -> pd.DataFrame:
    sheets = demo_sheets()
    objectives, krs = sheets["Objectives"], sheets["KeyResults"]
    sales = krs[krs["objective_id"].isin(objectives.loc[objectives["team"] == "Sales", "objective_id"])]
    return sales[~sales["measure"].isin(["status", "binary"])].reset_index(drop=True)


def early_check_ins(extra: list[str] = ()) -> tuple[bytes, list[tuple[int, str, str]]]:
    """A CheckIns CSV of every numeric Sales KR dated on each of the DAYS_BEFORE days before its start
    (value 50), then the `extra` lines; and (row, kr_id, date) of each early row as Excel numbers it."""
    lines, early = ["kr_id,date,value"], []
    for kr in sales_krs().itertuples():
        for days in range(1, DAYS_BEFORE + 1):
            date = (pd.Timestamp(kr.start_date) - pd.Timedelta(days=days)).date().isoformat()
            lines.append(f"{kr.kr_id},{date},50")
            early.append((len(lines), kr.kr_id, date))
    lines.extend(extra)
    return "\n".join(lines).encode(), early


def report_rows(at) -> list[dict]:
    """The report's lines (one per kind of problem), unescaped, in the order shown."""
    return [
        {name: unescaped(str(value)) for name, value in row.items()}
        for table in at.get("table")
        for row in table.value.to_dict("records")
    ]


def test_many_rows_with_one_problem_are_one_line_with_their_rows_in_an_expander(upload_page):
    data, early = early_check_ins()
    at = upload_page(team="Sales")
    at.file_uploader(key=state.UPLOAD_FILE).upload("early.csv", data, "text/csv").run()
    assert not at.exception, at.exception
    assert not at.get("error")
    count = len(early)
    first_row, first_kr, first_date = early[0]
    assert any(f"**{count:,} warning(s)**" in text for text in texts(at, "warning"))
    lines = [row for row in report_rows(at) if row["Column"] == "date"]
    rows = f"{first_row}–{early[-1][0]}"
    assert lines == [
        {
            "Sheet": "early",
            "Rows": rows,
            "Column": "date",
            "Problem and how to fix it": f"{count:,} check-ins dated before their KR starts (rows {rows}, "
            f"e.g. row {first_row} {first_kr} {first_date}): kept as baselines",
        }
    ]
    expander = next(e for e in at.expander if f"early rows {first_row}–{early[-1][0]}, date" in unescaped(e.label))
    assert f"the {count:,} rows one by one" in expander.label
    # The first page of the rows: every problem by itself, in the file's order; no more than a page sent.
    page = expander.get("dataframe")[0].value
    assert len(page) == PROBLEM_PAGE_ROWS < count
    assert page["row"].tolist() == [row for row, _, _ in early[:PROBLEM_PAGE_ROWS]]
    assert page["problem"].iloc[0] == f"check-in dated {first_date}, before the KR starts: kept as a baseline"
    assert set(page["column"]) == {"date"} and set(page["sheet"]) == {"early"}
    assert any(f"Problems 1–{PROBLEM_PAGE_ROWS} of {count:,}" in c.value for c in expander.get("caption"))

    # The next page: the next rows, and the report above it unchanged.
    end = min(2 * PROBLEM_PAGE_ROWS, count)
    expander.get("number_input")[0].set_value(2).run()
    assert not at.exception, at.exception
    expander = next(e for e in at.expander if f"early rows {first_row}–{early[-1][0]}, date" in unescaped(e.label))
    page = expander.get("dataframe")[0].value
    assert page["row"].tolist() == [row for row, _, _ in early[PROBLEM_PAGE_ROWS:end]]
    assert page["problem"].iloc[-1] == f"check-in dated {early[end - 1][2]}, before the KR starts: kept as a baseline"
    assert any(f"Problems {PROBLEM_PAGE_ROWS + 1:,}–{end:,} of {count:,}" in c.value for c in expander.get("caption"))
    assert [row for row in report_rows(at) if row["Column"] == "date"] == lines
    assert state.UPLOAD_COMMIT in [b.key for b in at.button]  # warnings do not stop the upload


def test_errors_come_first_each_kind_on_one_line(upload_page):
    bad = ["SAL-O1-KR1,2027-05-31,about 15", "SAL-O2-KR1,2027-05-31,roughly 20"]
    data, early = early_check_ins(bad)
    at = upload_page(team="Sales")
    at.file_uploader(key=state.UPLOAD_FILE).upload("early.csv", data, "text/csv").run()
    assert not at.exception, at.exception
    assert any("**2 error(s) to fix**" in text and "Nothing has been stored" in text for text in texts(at, "error"))
    tables = at.get("table")
    errors, warnings = (table.value.to_dict("records") for table in tables[:2])
    bad_rows = [len(early) + 2, len(early) + 3]
    assert [(unescaped(r["Rows"]), unescaped(r["Column"])) for r in errors] == [
        (f"{bad_rows[0]}–{bad_rows[1]}", "value")
    ]
    assert unescaped(errors[0]["Problem and how to fix it"]).startswith(
        f'2 rows (rows {bad_rows[0]}–{bad_rows[1]}), e.g. row {bad_rows[0]}: "about 15" is not a number'
    )
    assert any(
        unescaped(r["Problem and how to fix it"]).startswith(f"{len(early):,} check-ins dated before") for r in warnings
    )
    # The errors' lines and rows come before the warnings': the first expander lists the errors' rows.
    assert unescaped(at.expander[0].label).startswith(f"early rows {bad_rows[0]}–{bad_rows[1]}, value: the 2 rows")
    first_error = at.expander[0].get("dataframe")[0].value
    assert first_error["row"].tolist() == bad_rows
    assert first_error["problem"].iloc[1].startswith('"roughly 20" is not a number')
    assert state.UPLOAD_COMMIT not in [b.key for b in at.button]


def test_a_page_of_a_group_is_made_for_that_page_alone():
    rows = list(range(2, 2 + 2 * PROBLEM_PAGE_ROWS + 7))
    group = ProblemGroup("f.csv", "f", "date", WARNING, "row value {v}", rows, {"v": list(range(len(rows)))})
    table, first, last = problem_page(group, 3)
    assert (first, last) == (2 * PROBLEM_PAGE_ROWS + 1, len(rows))
    assert table["row"].tolist() == rows[-7:] and table["problem"].iloc[0] == f"row value {2 * PROBLEM_PAGE_ROWS}"
    assert problem_page(group, 99)[1:] == (first, last)  # a page past the end shows the last
