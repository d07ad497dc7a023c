"""The command-line contracts of DESIGN "CLI", run as a user runs them."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from test_formats import ingest

from conftest import DEMO_WORKBOOK, PROJECT_ROOT, SMALL_WORKBOOK, edited, xlsx_bytes
from store.database import Store


def run(*args: str, db) -> subprocess.CompletedProcess:
    env = {**os.environ, "OKR_DB": str(db)}
    env.pop("OKR_AS_OF", None)
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def stored(path, db) -> None:
    """The file stored in-process, where storing it is a test's set-up, not what the test is about."""
    assert ingest(str(db), {path.name: path.read_bytes()}).errors == []


@pytest.fixture
def small_file(tmp_path):
    path = tmp_path / "okrs.xlsx"
    path.write_bytes(xlsx_bytes(SMALL_WORKBOOK))
    return path


def test_ingest_prints_a_summary_per_table_then_nothing_changed(tmp_path, store_target, small_file):
    db = store_target
    first = run("-m", "loaders", "ingest", str(small_file), db=db)
    assert first.returncode == 0, first.stderr
    assert "key_results: 3 new, 0 updated, 0 unchanged" in first.stdout
    assert "check_ins: 4 new, 0 updated, 0 unchanged" in first.stdout
    second = run("-m", "loaders", "ingest", str(small_file), db=db)
    assert second.returncode == 0
    assert "Nothing changed" in second.stdout
    assert "key_results: 0 new, 0 updated, 3 unchanged" in second.stdout


def test_ingest_of_a_bad_workbook_exits_1_with_a_problem_table(tmp_path, store_target, small_file):
    db = store_target
    stored(small_file, db)
    store = Store.open(str(db))
    before = store.read_tables()
    store.close()
    bad = edited(SMALL_WORKBOOK, "KeyResults", 1, "objective_id", "SAL-O9")
    bad = edited(bad, "KeyResults", 2, "due_date", "Q3")
    bad = edited(bad, "KeyResults", 3, "kr_id", "SAL-KR1")
    bad_path = tmp_path / "bad.xlsx"
    bad_path.write_bytes(xlsx_bytes(bad))
    result = run("-m", "loaders", "ingest", str(bad_path), db=db)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "Nothing stored: 3 problem(s) to fix."
    assert lines[1].split() == ["severity", "file", "sheet", "row", "column", "problem"]
    assert any(line.split()[:5] == ["error", "bad.xlsx", "KeyResults", "2", "objective_id"] for line in lines)
    assert any(line.split()[:5] == ["error", "bad.xlsx", "KeyResults", "3", "due_date"] for line in lines)
    assert any(line.split()[:5] == ["error", "bad.xlsx", "KeyResults", "4", "kr_id"] for line in lines)
    store = Store.open(str(db))
    after = store.read_tables()
    store.close()
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)


def test_dry_run_stores_nothing(tmp_path, store_target, small_file):
    db = store_target
    Store.open(str(db)).close()  # a dry run needs an existing database (it never creates one)
    result = run(
        "-m", "loaders", "ingest", str(small_file), "--db", str(db), "--dry-run", db=tmp_path / "unused.duckdb"
    )
    assert result.returncode == 0
    assert "dry run: nothing stored" in result.stdout
    store = Store.open(str(db))
    assert sum(store.row_counts().values()) == 0
    store.close()


def test_status_json_contract(tmp_path, store_target, small_file):
    db = store_target
    stored(small_file, db)
    result = run("-m", "analytics", "status", "--as-of", "2027-05-31", "--json", db=db)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["as_of"] == "2027-05-31"
    krs = {kr["kr_id"]: kr for kr in payload["krs"]}
    assert set(krs["SAL-KR1"]) == {
        "kr_id",
        "progress",
        "expected",
        "status",
        "stale",
        "no_check_in",
        "target_value",
        "due_date",
        "forecast_value",
        "forecast_progress",
        "forecast_lands",
    }
    # A status KR has no forecast: the three fields are null.
    assert (
        krs["ENG-KR1"]["forecast_value"],
        krs["ENG-KR1"]["forecast_progress"],
        krs["ENG-KR1"]["forecast_lands"],
    ) == (None, None, None)
    # 250,000 of 500,000; expected 60 of 90 days (2027-04-01 → 2027-05-31 of 2027-04-01 → 2027-06-30)
    assert krs["SAL-KR1"]["progress"] == pytest.approx(0.5)
    assert krs["SAL-KR1"]["expected"] == pytest.approx(60 / 90)
    assert krs["SAL-KR1"]["status"] == "at risk"  # gap 0.1667
    assert krs["SAL-KR1"]["no_check_in"] is False
    # status KR due 2027-05-15 at Good progress: overdue
    assert krs["ENG-KR1"]["status"] == "overdue"
    assert krs["ENG-KR1"]["due_date"] == "2027-05-15"
    # decrease 90 → 60, now 75: (90 − 75) / 30 = 0.5
    assert krs["SAL-KR2"]["progress"] == pytest.approx(0.5)
    objectives = {o["objective_id"]: o for o in payload["objectives"]}
    assert objectives["SAL-O1"]["progress"] == pytest.approx(0.5)  # (2·0.5 + 1·0.5) / 3
    assert objectives["ENG-O1"]["worst_status"] == "overdue"
    teams = {t["team"]: t for t in payload["teams"]}
    assert teams["Engineering"]["progress"] == pytest.approx(2 / 3)


def test_template_round_trip_stores_only_filled_rows(tmp_path, store_target, small_file):
    import openpyxl

    db = store_target
    stored(small_file, db)
    template = tmp_path / "sales.xlsx"
    result = run("-m", "loaders", "template", "--team", "Sales", "--date", "2027-06-15", "-o", str(template), db=db)
    assert result.returncode == 0, result.stderr
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["CheckIns"]
    header = [c.value for c in sheet[1]]
    for column in (
        "kr_id",
        "title",
        "measure",
        "start_value",
        "target_value",
        "last_value",
        "value",
        "status",
        "confidence",
        "comment",
        "date",
    ):
        assert column in header
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    assert set(rows) == {"SAL-KR1", "SAL-KR2"}
    assert sheet.cell(rows["SAL-KR1"], header.index("last_value") + 1).value == 250000
    sheet.cell(rows["SAL-KR1"], header.index("value") + 1).value = 320000
    sheet.cell(rows["SAL-KR1"], header.index("comment") + 1).value = "Acme signed"
    buffer = io.BytesIO()
    workbook.save(buffer)
    template.write_bytes(buffer.getvalue())
    result = run("-m", "loaders", "ingest", str(template), db=db)
    assert result.returncode == 0, result.stderr
    assert "check_ins: 1 new, 0 updated, 0 unchanged" in result.stdout
    store = Store.open(str(db))
    check_ins = store.read_table("check_ins")
    store.close()
    new = check_ins[check_ins["date"] == pd.Timestamp("2027-06-15")]
    assert new[["kr_id", "value", "comment"]].values.tolist() == [["SAL-KR1", 320000.0, "Acme signed"]]


def test_template_for_an_unknown_team_fails_cleanly(tmp_path, store_target, small_file):
    db = store_target
    stored(small_file, db)
    result = run("-m", "loaders", "template", "--team", "Legal", "-o", str(tmp_path / "t.xlsx"), db=db)
    assert result.returncode == 1
    assert 'unknown team "Legal"' in result.stderr


@pytest.mark.skipif(not DEMO_WORKBOOK.exists(), reason="demo workbook not generated")
def test_demo_workbook_ingests_cleanly_and_idempotently(tmp_path, store_target):
    db = store_target
    first = run("-m", "loaders", "ingest", str(DEMO_WORKBOOK), db=db)
    assert first.returncode == 0, first.stderr
    assert "teams: 14 new" in first.stdout
    second = run("-m", "loaders", "ingest", str(DEMO_WORKBOOK), db=db)
    assert second.returncode == 0
    assert "Nothing changed" in second.stdout


def test_changes_and_health_json_contracts(tmp_path, store_target, small_file):
    db = store_target
    stored(small_file, db)
    result = run("-m", "analytics", "changes", "--as-of", "2027-05-31", "--json", db=db)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"since", "as_of", "krs", "newly_overdue", "newly_completed", "newly_off_track"}
    assert (payload["since"], payload["as_of"]) == ("2027-04-30", "2027-05-31")
    assert set(payload["krs"][0]) == {
        "kr_id",
        "status_before",
        "status_now",
        "progress_before",
        "progress_now",
        "delta",
    }
    since = json.loads(
        run(
            "-m",
            "analytics",
            "changes",
            "--as-of",
            "2027-05-31",
            "--since",
            "2027-05-15",
            "--team",
            "Sales",
            "--json",
            db=db,
        ).stdout
    )
    assert since["since"] == "2027-05-15"
    assert {kr["kr_id"] for kr in since["krs"]} <= {"SAL-KR1", "SAL-KR2", "SAL-KR3"}

    result = run("-m", "analytics", "health", "--as-of", "2027-05-31", "--json", db=db)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"as_of", "teams", "owners"}
    assert set(payload["teams"][0]) == {"team", "in_force", "updated", "share", "oldest"}
    assert set(payload["owners"][0]) == {"owner", "in_force", "updated", "share", "oldest"}
    for row in payload["teams"]:
        assert row["share"] == pytest.approx(row["updated"] / row["in_force"])


@pytest.mark.parametrize("command", ["changes", "health"])
def test_changes_and_health_never_create_a_database(tmp_path, command):
    missing = tmp_path / "missing.duckdb"
    result = run("-m", "analytics", command, "--db", str(missing), db=missing)
    assert result.returncode == 1
    assert "no database" in result.stderr
    assert not missing.exists()


def test_changes_of_an_unknown_team_fails_cleanly(tmp_path, store_target, small_file):
    stored(small_file, store_target)
    result = run("-m", "analytics", "changes", "--team", "Nobody", db=store_target)
    assert result.returncode == 1 and "unknown team" in result.stderr
