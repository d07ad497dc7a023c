"""Many problems of one kind are one entry with a count and row ranges: found with one mask and kept
as a ProblemGroup (no Python object per row until someone iterates), listed every row by
`--all-problems` and `--json`, and at most 50 lines by the command line otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import PROJECT_ROOT
from loaders.ingest import check_and_store
from loaders.problems import (
    ERROR,
    WARNING,
    Problem,
    ProblemGroup,
    ProblemList,
    grouped,
    of_severity,
    row_ranges,
    rows_text,
)
from store.database import Store, UploadedFile

BASELINE = "check-in dated {date}, before the KR starts: kept as a baseline"


def group(rows, severity=WARNING) -> ProblemGroup:
    return ProblemGroup(
        "f.xlsx",
        "CheckIns",
        "date",
        severity,
        BASELINE,
        rows,
        {"date": ["2027-03-31"] * len(rows), "kr_id": ["SAL-O1-KR1"] * len(rows)},
        "{count:,} check-ins dated before their KR starts ({rows}, e.g. row {row} {kr_id} {date}): kept as baselines",
    )


def test_row_ranges_and_their_text():
    assert row_ranges([9, 5, 6, 7, 7]) == [(5, 7), (9, 9)]
    assert rows_text([7]) == "row 7"
    assert rows_text([5, 6, 7, 9]) == "rows 5–7, 9"
    assert rows_text([2, 4, 6, 8, 10]) == "rows 2–10"  # more runs than are shown: the span


def test_a_group_reads_as_one_line_and_expands_into_its_problems():
    rows = list(range(6105, 6110)) + [100001]
    problems = group(rows)
    assert len(problems) == problems.count == 6
    assert problems.summary == (
        "6 check-ins dated before their KR starts (rows 6105–6109, 100001, e.g. row 6105 "
        "SAL-O1-KR1 2027-03-31): kept as baselines"
    )
    assert problems[0] == Problem(
        "f.xlsx",
        "CheckIns",
        6105,
        "date",
        "check-in dated 2027-03-31, before the KR starts: kept as a baseline",
        WARNING,
    )
    assert [p.row for p in problems] == rows and problems[-1].row == 100001


def test_a_problem_list_counts_and_iterates_every_problem_while_holding_groups():
    single = Problem("f.xlsx", "CheckIns", 3, "value", "this KR needs a numeric value")
    problems = ProblemList([single])
    problems.append(group([10, 11, 12]))
    assert len(problems) == 4 and bool(problems) and len(problems.entries()) == 2
    assert list(problems)[0] == single and problems[1].row == 10 and problems[-1].row == 12
    assert problems == list(problems) and single in problems
    assert len(of_severity(problems, ERROR)) == 1 and len(of_severity(problems, ERROR, keep=False)) == 3
    assert isinstance(of_severity(problems, ERROR, keep=False).entries()[0], ProblemGroup)  # not expanded
    assert len([single] + problems) == 5 and len(problems + [single]) == 5
    merged = ProblemList()
    merged.extend(problems)
    assert len(merged.entries()) == 2 and len(merged) == 4
    assert not ProblemList() and not ProblemList([group([])])


def test_separate_problems_of_one_kind_are_grouped_for_a_report():
    problems = [
        Problem("f.csv", "CheckIns", row, "kr_id", f'unknown kr_id "X{row}"; use the id of a key result')
        for row in (2, 3, 4, 9)
    ]
    problems.append(Problem("f.csv", "CheckIns", 5, "value", "this number KR needs a numeric value"))
    entries = grouped(problems)
    assert len(entries) == 2
    assert entries[0].summary == '4 rows (rows 2–4, 9), e.g. row 2: unknown kr_id "X2"; use the id of a key result'
    assert entries[1] == problems[-1]


@pytest.fixture
def baseline_file(tmp_path, writable_demo_db):
    """Check-ins of the demo's SAL-O1-KR3 (starts 2027-01-01) dated before it starts: 300 rows, a
    comment without a value on 20, and 30 unknown KR ids (errors) in another file."""
    rows = [f"SAL-O1-KR3,{2024 + i // 300}-{1 + (i // 28) % 12:02d}-{1 + i % 28:02d},{i},note {i}" for i in range(300)]
    rows += [f"SAL-O1-KR3,2026-12-{10 + i:02d},,only a comment" for i in range(20)]
    path = tmp_path / "baselines.csv"
    path.write_text("kr_id,date,value,comment\n" + "\n".join(rows) + "\n")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loaders", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=os.environ,
        timeout=300,
    )


def test_a_file_of_many_baselines_stores_with_one_group_per_kind(baseline_file, writable_demo_db):
    store = Store.open(writable_demo_db)
    try:
        result = check_and_store(
            store, [UploadedFile(baseline_file.name, baseline_file.read_bytes())], "tester", dry_run=True
        )
    finally:
        store.close()
    assert result.errors == []
    entries = result.warnings.entries()
    assert [len(e) for e in entries] == [20, 300]  # the comments checked first, then the dates
    assert entries[1].summary.startswith(
        "300 check-ins dated before their KR starts (rows 2–301, e.g. row 2 SAL-O1-KR3 2024-01-01): kept as baselines"
    )
    assert entries[0].summary.startswith(
        "20 rows with a comment but no value or status (rows 302–321, e.g. row 302 SAL-O1-KR3): add the current value"
    )
    assert list(result.warnings)[20] == Problem(
        baseline_file.name,
        "baselines",
        2,
        "date",
        "check-in dated 2024-01-01, before the KR starts: kept as a baseline",
        WARNING,
    )


def test_the_command_line_prints_groups_every_row_on_request_and_every_row_in_json(
    baseline_file, writable_demo_db, tmp_path
):
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("kr_id,date,value\n" + "".join(f"NOPE-{i},2027-05-01,1\n" for i in range(30)))
    grouped_run = run_cli("ingest", str(baseline_file), "--db", writable_demo_db, "--dry-run")
    assert grouped_run.returncode == 0, grouped_run.stderr
    assert len(grouped_run.stderr.splitlines()) == 3  # the header and one line per kind
    assert "300 check-ins dated before their KR starts (rows 2–301" in grouped_run.stderr
    every_row = run_cli("ingest", str(baseline_file), "--db", writable_demo_db, "--dry-run", "--all-problems")
    assert len(every_row.stderr.splitlines()) == 1 + 320
    assert "check-in dated 2024-01-01, before the KR starts: kept as a baseline" in every_row.stderr
    as_json = json.loads(run_cli("ingest", str(baseline_file), "--db", writable_demo_db, "--dry-run", "--json").stdout)
    assert len(as_json["problems"]) == 320
    assert [(g["count"], g["rows"]) for g in as_json["problem_groups"]] == [(20, [[302, 321]]), (300, [[2, 301]])]
    errors = run_cli("ingest", str(unknown), "--db", writable_demo_db)
    assert errors.returncode == 1
    lines = errors.stderr.splitlines()
    assert lines[0] == "Nothing stored: 30 problem(s) to fix." and len(lines) == 3
    assert '30 rows (rows 2–31), e.g. row 2: unknown kr_id "NOPE-0"' in lines[2]


def test_the_command_line_shows_at_most_the_line_limit():
    """Problems of many kinds (a different message template per row) are cut at the limit, saying how
    many more there are and how to see them."""
    from loaders.__main__ import MAX_PROBLEM_LINES, _problem_table

    problems = [Problem("f.csv", "S", row, f"column{row}", "bad") for row in range(2, 200)]
    table = _problem_table(problems).splitlines()
    assert len(table) == MAX_PROBLEM_LINES <= 50
    assert (
        table[-1]
        .strip()
        .endswith(f"… and {198 - (MAX_PROBLEM_LINES - 2):,} more problem(s): --all-problems lists every row")
    )
    assert len(_problem_table(problems, every_row=True).splitlines()) == 199


def test_a_report_lists_one_row_per_kind_and_every_row_of_a_kind_on_demand():
    from loaders.preview import GROUP_COLUMNS, problem_groups, problem_table

    single = Problem("f.xlsx", "CheckIns", None, "", "the sheet has a header but no rows", WARNING)
    rows = problem_groups(ProblemList([group([4, 5, 6, 9]), single]))
    assert [list(row) for row, _ in rows] == [list(GROUP_COLUMNS)] * 2
    assert rows[0][0]["rows"] == "4–6, 9" and rows[0][0]["count"] == 4
    assert rows[0][0]["problem"].startswith("4 check-ins dated before their KR starts")
    assert rows[1][0] == {
        "sheet": "CheckIns",
        "rows": "",
        "column": "",
        "count": 1,
        "problem": "the sheet has a header but no rows",
    }
    assert problem_table(rows[0][1])["row"].tolist() == [4, 5, 6, 9]
