"""The app and the command line share the DuckDB file: the app holds no connection between its
operations (store.database.SharedStore), so command-line reads and writes run while it serves pages,
each waiting at most for one operation in progress, and the app sees what they stored on its next run."""

from __future__ import annotations

import shutil
import time

import pytest
from shared_db_harness import cli_beside_app

from conftest import EVERYTHING_ON_POSTGRES
from store.database import SharedStore, Store, StoreError, UploadedFile, shared_store

duckdb_file = pytest.mark.skipif(EVERYTHING_ON_POSTGRES, reason="DuckDB file behaviour, covered by the first run")
LOCK_WAIT = 5.0  # seconds every call beside the app may wait for the file before it fails


def numeric_kr_ids(database: str, team: str) -> list[str]:
    store = Store.open(database)
    try:
        krs = store.read_table("key_results")
        objectives = store.read_table("objectives")
    finally:
        store.close()
    krs = krs[krs["objective_id"].isin(objectives.loc[objectives["team"] == team, "objective_id"])]
    return sorted(krs.loc[krs["measure"].isin(["number", "currency"]), "kr_id"])[:6]


@duckdb_file
@pytest.mark.slow
def test_command_line_calls_beside_a_serving_app_wait_little_and_lose_nothing(tmp_path, demo_db_file):
    database = str(tmp_path / "shared.duckdb")
    shutil.copyfile(demo_db_file, database)
    kr_ids = numeric_kr_ids(database, "Sales")
    scene = cli_beside_app(database, tmp_path, kr_ids, "Sales", lock_wait=LOCK_WAIT)

    for call in scene["calls"]:  # OKR_LOCK_WAIT=5: a call that waited longer for the file failed
        assert call["code"] == 0, (call["args"], call["stderr"][-2000:])
        assert "in use by another program" not in call["stderr"]
    assert sum(call["args"][:2] == ("loaders", "ingest") for call in scene["calls"]) == 3
    assert scene["probe_calls"] > 10 and scene["probe_longest_s"] < LOCK_WAIT

    app = scene["app"]
    assert len(app["runs"]) >= 4
    for run in app["runs"]:
        assert run["exception"] == [], run
        assert not any("cannot be opened" in error for error in run["errors"]), run
    # Nothing lost: every check-in of the three ingests (two of them at once) is in the tables the app
    # reads after them, and the data version moved once per ingest.
    assert scene["expected_comments"] <= set(app["comments"])
    store = Store.open(database)
    try:
        assert store.data_version() == app["data_version"]
        uploads = store.uploads()
    finally:
        store.close()
    assert sum(name.startswith("shared-db-") for name in uploads["file_name"]) == 3


@duckdb_file
def test_the_shared_handle_holds_no_connection_between_operations(writable_demo_db):
    shared = shared_store(writable_demo_db)
    assert isinstance(shared, SharedStore)
    before = shared.data_version()
    tables = shared.read_tables()
    # Another process could now open the file for writing: here, a connection of another configuration
    # (read-only), which DuckDB refuses while this process holds the file open in any other way.
    reader = Store.open_read_only(writable_demo_db)
    try:
        assert reader.data_version() == before
    finally:
        reader.close()
    writer = Store.open(writable_demo_db)
    try:
        file = UploadedFile("p.csv", b"kr_id,date,value\nSAL-O1-KR3,2027-04-09,12\n")
        from loaders.ingest import check_and_store

        assert check_and_store(writer, [file], "tester").stored
    finally:
        writer.close()
    assert shared.data_version() == before + 1  # seen at once, though the change is under a second old
    again = shared.read_tables()
    assert len(again["check_ins"]) == len(tables["check_ins"]) + 1
    time.sleep(SharedStore.CHANGE_SETTLE_S + 0.1)
    assert shared.data_version() == before + 1  # from the file's signature now, without opening it


@duckdb_file
def test_a_write_checked_against_older_data_is_checked_again(writable_demo_db, monkeypatch):
    """Two ingests at once: the second read the tables before the first stored; its write notices and
    checks the files again against what is stored now, so nothing is stored on a stale check."""
    from loaders import ingest

    shared = shared_store(writable_demo_db)
    first = UploadedFile("a.csv", b"kr_id,date,value\nSAL-O1-KR3,2027-04-10,13\n")
    second = UploadedFile("b.csv", b"kr_id,date,value\nSAL-O1-KR3,2027-04-11,14\n")
    reads = []
    real = SharedStore.read_tables_with_version

    def read_then_let_another_store(self, *args, **kwargs):
        read = real(self, *args, **kwargs)
        reads.append(read[0])
        if len(reads) == 1:  # between this read and its write, another process stores a file
            other = Store.open(writable_demo_db)
            try:
                assert ingest.check_and_store(other, [first], "other").stored
            finally:
                other.close()
        return read

    monkeypatch.setattr(SharedStore, "read_tables_with_version", read_then_let_another_store)
    result = ingest.check_and_store(shared, [second], "tester")
    assert result.stored and reads == [reads[0], reads[0] + 1]
    check_ins = shared.read_table("check_ins")
    assert {"2027-04-10", "2027-04-11"} <= set(check_ins.loc[check_ins["kr_id"] == "SAL-O1-KR3", "date"].astype(str))


def test_a_missing_file_is_refused_without_creating_it(tmp_path):
    missing = tmp_path / "none.duckdb"
    with pytest.raises(StoreError, match="no database at"):
        shared_store(str(missing), create=False)
    assert not missing.exists()


def test_check_ins_are_read_only_when_a_check_needs_them(writable_demo_db):
    shared = shared_store(writable_demo_db)
    version, tables = shared.read_tables_with_version(lazy=("check_ins",))
    assert "check_ins" in tables and dict.__contains__(tables, "check_ins") is False
    assert len(tables["check_ins"]) == len(shared.read_table("check_ins")) > 0  # read on first use
    assert set(dict(tables)) == set(tables.keys()) and len(dict(tables)) == len(tables)
    later = shared.read_tables_with_version(lazy=("check_ins",))[1]
    assert set(dict(later)) >= {"check_ins", "key_results"} and len(later) == len(tables)
