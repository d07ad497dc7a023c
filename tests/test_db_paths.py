"""Read-only commands and dry runs never create a database: a --db path that does not exist is an error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import PROJECT_ROOT, SMALL_WORKBOOK, xlsx_bytes
from store.database import Store, StoreError


def run(*args: str, cwd) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("OKR_DB", "OKR_AS_OF")}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def small_file(tmp_path):
    path = tmp_path / "okrs.xlsx"
    path.write_bytes(xlsx_bytes(SMALL_WORKBOOK))
    return path


@pytest.mark.parametrize(
    "command",
    [
        ("loaders", "ingest", "{file}", "--dry-run", "--db", "typo.duckdb"),
        ("analytics", "status", "--db", "typo.duckdb"),
        ("analytics", "status", "--db", "typo.duckdb", "--json"),
        ("loaders", "template", "--team", "Sales", "--db", "typo.duckdb", "-o", "out.xlsx"),
        ("loaders", "export-uploads", "--db", "typo.duckdb", "--to", "backup"),
    ],
)
def test_a_read_only_command_on_a_missing_database_exits_1_and_creates_nothing(tmp_path, small_file, command):
    args = [part.format(file=small_file) for part in command]
    result = run("-m", *args, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["error: no database at typo.duckdb"]
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["okrs.xlsx"]  # no database, no output, no folder


def test_a_missing_database_in_a_missing_folder_is_named_as_given(tmp_path, small_file):
    result = run("-m", "analytics", "status", "--db", "nowhere/okr.duckdb", cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (1, "error: no database at nowhere/okr.duckdb")
    assert not (tmp_path / "nowhere").exists()


def test_okr_db_naming_a_missing_file_is_an_error_for_status_too(tmp_path):
    env_result = subprocess.run(
        [sys.executable, "-m", "analytics", "status"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "OKR_DB": str(tmp_path / "gone.duckdb"), "PYTHONPATH": str(PROJECT_ROOT)},
    )
    assert env_result.returncode == 1
    assert env_result.stderr.strip() == f"error: no database at {tmp_path / 'gone.duckdb'}"
    assert not (tmp_path / "gone.duckdb").exists()


def test_ingest_without_dry_run_still_creates_the_database(tmp_path, small_file):
    result = run("-m", "loaders", "ingest", str(small_file), "--db", "new.duckdb", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "new.duckdb").is_file()
    dry = run("-m", "loaders", "ingest", str(small_file), "--dry-run", "--db", "new.duckdb", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "Nothing changed: every row is already stored." in dry.stdout
    status = run("-m", "analytics", "status", "--db", "new.duckdb", "--as-of", "2027-05-31", "--json", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert '"SAL-KR1"' in status.stdout


def test_store_open_without_create_refuses_a_missing_file_and_opens_an_existing_one(tmp_path):
    missing = tmp_path / "missing.duckdb"
    with pytest.raises(StoreError, match="^no database at .*missing.duckdb$"):
        Store.open(str(missing), create=False)
    with pytest.raises(StoreError, match="^no database at "):
        Store.open_read_only(str(missing))
    assert not missing.exists()
    Store.open(str(missing)).close()  # creating is the default
    opened = Store.open(str(missing), create=False)
    assert opened.row_counts()["key_results"] == 0
    opened.close()
