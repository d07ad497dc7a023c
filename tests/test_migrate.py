"""`python -m loaders migrate`: a whole database copied to the PostgreSQL server and back, proven
by row counts and checksums that DuckDB computes the same way on both backends."""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import subprocess
import sys

import pandas as pd
import pytest

from loaders.__main__ import main
from loaders.ingest import check_and_store
from store.database import Store, UploadedFile
from store.scenarios import save_scenario
from store.transfer import compare, fingerprints
from tests.conftest import DEMO_WORKBOOK, PROJECT_ROOT, SMALL_WORKBOOK, demo_sheets, edited, fresh_database, xlsx_bytes

# Values whose storage differs between the backends, if anything does: float corner cases, dates at
# the ends of the calendar, microsecond timestamps, binary bytes with NULs, quoting and Unicode.
EDGE_ROWS = [
    (
        1,
        0.1 + 0.2,
        dt.date(1, 1, 1),
        dt.datetime(2027, 5, 31, 23, 59, 59, 999999),
        b"\x00\xff\x00zip",
        "naïve 'quoted' \"x\" ✓",
        2**63 - 1,
    ),
    (2, -0.0, dt.date(9999, 12, 31), dt.datetime(1970, 1, 1), b"", "", -(2**63)),
    (3, 1e-300, dt.date(2027, 2, 28), None, None, None, None),
    (4, float("inf"), None, dt.datetime(2000, 2, 29, 12, 0, 0, 1), b"\x80" * 100_000, "x" * 10_000, 0),
    (5, float("nan"), dt.date(2027, 5, 31), None, None, "  trailing  ", None),
    (6, 1.7976931348623157e308, None, None, None, None, None),
    (7, None, None, None, None, None, None),
]


def _add_edge_values(store: Store) -> None:
    def fill(cursor) -> None:
        cursor.execute(
            "CREATE TABLE edge_values (id BIGINT, x DOUBLE, d DATE, t TIMESTAMP, b BLOB, s VARCHAR, n BIGINT)"
        )
        for row in EDGE_ROWS:
            cursor.execute("INSERT INTO edge_values VALUES (?, ?, ?, ?, ?, ?, ?)", list(row))

    store.write(fill)


def _migrate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loaders", "migrate", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OKR_DB": ""},
    )


def _contents(target: str) -> dict[str, pd.DataFrame]:
    """Every table as rows sorted by all columns, compared independently of the checksums."""
    store = Store.open(target)
    try:
        cursor = store._cursor()
        names = [
            r[0]
            for r in cursor.execute(
                "SELECT table_name FROM duckdb_tables() WHERE "
                "database_name = current_database() AND schema_name = current_schema()"
            ).fetchall()
        ]
        frames = {}
        for name in names:
            frame = cursor.execute(
                f'SELECT * FROM "{name}"' + (" WHERE key <> 'data_version'" if name == "meta" else "")
            ).df()
            frame = frame[sorted(frame.columns)]
            frames[name] = frame.sort_values(list(frame.columns), ignore_index=True, key=lambda c: c.astype(str))
        return frames
    finally:
        store.close()


@pytest.fixture
def local_db(tmp_path) -> str:
    """A DuckDB file as a team would have it after months of use: the demo upload, a later upload that
    changed rows (so history tables hold rows), a saved scenario (a table made on first use) and a
    table of awkward values."""
    path = str(tmp_path / "okr.duckdb")
    store = Store.open(path)
    result = check_and_store(store, [UploadedFile(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes())], "admin")
    assert result.errors == []
    first = store.read_table("check_ins").iloc[0]
    check_ins = [["kr_id", "date", "value", "comment"], [first["kr_id"], first["date"].date(), 0.1 + 0.2, "corrected"]]
    result = check_and_store(store, [UploadedFile("CheckIns.xlsx", xlsx_bytes({"CheckIns": check_ins}))], "lead")
    assert result.errors == [] and result.rows_changed == 1
    save_scenario(store, "Base plan", {"arr_target": 5_000_000}, "cfo")
    _add_edge_values(store)
    store.close()
    return path


def test_checksums_are_the_same_for_the_same_rows_on_both_backends(tmp_path):
    fingerprints_by_backend = {}
    for backend in ("duckdb", "postgres"):
        store = Store.open(fresh_database(tmp_path, backend))
        _add_edge_values(store)
        fingerprints_by_backend[backend] = fingerprints(store)["edge_values"]
        store.close()
    assert fingerprints_by_backend["duckdb"].rows == len(EDGE_ROWS)
    assert fingerprints_by_backend["duckdb"] == fingerprints_by_backend["postgres"]


def test_a_local_database_moves_to_the_server_and_back_unchanged(local_db, tmp_path):
    server = fresh_database(tmp_path, "postgres")
    source_bytes = pathlib.Path(local_db).read_bytes()
    to_server = _migrate("--from", local_db, "--to", server)
    assert pathlib.Path(local_db).read_bytes() == source_bytes  # opened read-only
    assert to_server.returncode == 0, to_server.stderr
    assert "verified" in to_server.stdout
    report = {line.split()[0]: line.split() for line in to_server.stdout.splitlines()[2:-1]}
    demo_check_ins = len(demo_sheets()["CheckIns"])
    assert report["check_ins"][1:3] == [str(demo_check_ins)] * 2
    assert report["check_ins_history"][1:3] == ["1", "1"]  # the version the correction replaced
    assert report["edge_values"][1] == "7" and report["edge_values"][-1] == "ok"
    on_server, local = _contents(server), _contents(local_db)
    assert on_server.keys() == local.keys()
    for name, frame in local.items():
        pd.testing.assert_frame_equal(on_server[name], frame, check_dtype=False, obj=name)

    back_home = str(tmp_path / "restored.duckdb")
    to_file = _migrate("--from", server, "--to", back_home)
    assert to_file.returncode == 0, to_file.stderr
    source, restored = Store.open(local_db), Store.open(back_home)
    assert [c for c in compare(source, restored) if not c.matches] == []
    assert restored.upload_file(1, DEMO_WORKBOOK.name) == DEMO_WORKBOOK.read_bytes()
    assert restored.read_table("check_ins")["value"].max() == source.read_table("check_ins")["value"].max()
    source.close()
    restored.close()


def test_history_and_undo_survive_the_move(tmp_path):
    source_path = str(tmp_path / "source.duckdb")
    source = Store.open(source_path)
    check_and_store(source, [UploadedFile("small.xlsx", xlsx_bytes(SMALL_WORKBOOK))], "admin")
    changed = edited(SMALL_WORKBOOK, "CheckIns", 1, "value", 120000)
    check_and_store(source, [UploadedFile("fix.xlsx", xlsx_bytes(changed))], "admin")
    source.close()
    server = fresh_database(tmp_path, "postgres")
    assert _migrate("--from", source_path, "--to", server).returncode == 0

    moved = Store.open(server)
    assert (
        moved.read_table("check_ins").set_index(["kr_id", "date"]).loc[("SAL-KR1", pd.Timestamp(2027, 4, 30)), "value"]
        == 120000
    )
    moved.undo_upload(2, "admin")  # needs the replaced version, kept in check_ins_history
    assert (
        moved.read_table("check_ins").set_index(["kr_id", "date"]).loc[("SAL-KR1", pd.Timestamp(2027, 4, 30)), "value"]
        == 100000
    )
    moved.close()


def test_a_target_holding_data_is_refused_unless_replaced(local_db, tmp_path):
    server = fresh_database(tmp_path, "postgres")
    occupied = Store.open(server)
    check_and_store(occupied, [UploadedFile("small.xlsx", xlsx_bytes(SMALL_WORKBOOK))], "someone")
    before = fingerprints(occupied)
    occupied.close()

    refused = _migrate("--from", local_db, "--to", server)
    assert refused.returncode == 1
    assert "already holds data" in refused.stderr and "--replace" in refused.stderr
    unchanged = Store.open(server)
    assert fingerprints(unchanged) == before
    version_before = unchanged.data_version()
    unchanged.close()

    replaced = _migrate("--from", local_db, "--to", server, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    source, target = Store.open(local_db), Store.open(server)
    assert [c for c in compare(source, target) if not c.matches] == []
    assert set(target.read_table("teams")["team"]) == set(source.read_table("teams")["team"])  # no "small" teams left
    # Replicas cache by data version: the copy must carry a version none of them has seen.
    assert target.data_version() > version_before and target.data_version() >= source.data_version()
    source.close()
    target.close()


def test_a_copy_that_differs_from_the_source_exits_1_naming_the_table(local_db, tmp_path, monkeypatch, capsys):
    import store.transfer

    real_copy = store.transfer.copy_database

    def copy_then_lose_one_row(source, target, replace=False):
        copied = real_copy(source, target, replace)
        target.write(
            lambda cursor: cursor.execute("DELETE FROM check_ins WHERE date = (SELECT max(date) FROM check_ins)")
        )
        return copied

    monkeypatch.setattr(store.transfer, "copy_database", copy_then_lose_one_row)
    server = fresh_database(tmp_path, "postgres")
    assert main(["migrate", "--from", local_db, "--to", server]) == 1
    out, err = capsys.readouterr()
    mismatched = [line.split()[0] for line in out.splitlines() if line.endswith("MISMATCH")]
    assert mismatched == ["check_ins"]
    assert "differs from the source in check_ins" in err


def test_a_changed_value_changes_the_checksum(local_db, tmp_path):
    server = fresh_database(tmp_path, "postgres")
    assert _migrate("--from", local_db, "--to", server).returncode == 0
    target = Store.open(server)
    target.write(lambda cursor: cursor.execute("UPDATE edge_values SET x = 0.3 WHERE id = 1"))  # 0.1 + 0.2 ≠ 0.3
    source = Store.open(local_db)
    differing = [c for c in compare(source, target) if not c.matches]
    assert [(c.table, c.source.rows == c.target.rows) for c in differing] == [("edge_values", True)]
    source.close()
    target.close()


def test_a_missing_source_file_is_an_error_not_a_new_database(tmp_path):
    missing = tmp_path / "nope.duckdb"
    result = _migrate("--from", str(missing), "--to", str(tmp_path / "target.duckdb"))
    assert result.returncode == 1 and "no such database file" in result.stderr
    assert not missing.exists() and not (tmp_path / "target.duckdb").exists()
