"""Faults: a killed ingest, concurrent uploads, a locked or damaged database, and rebuilding a database
from the original upload files."""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import shutil
import subprocess
import sys
import time

import pandas as pd
import pytest

from conftest import DEMO_AS_OF, DEMO_WORKBOOK, EVERYTHING_ON_POSTGRES, PROJECT_ROOT
from loaders.ingest import check_and_store
from store.database import Store, StoreError, UploadedFile
from store.transfer import compare, fingerprints

PYTHON = sys.executable
# Kills, locks and damage of a DuckDB file: the run of make test entirely on PostgreSQL has been
# through them in its first run already.
duckdb_file = pytest.mark.skipif(EVERYTHING_ON_POSTGRES, reason="DuckDB file behaviour, covered by the first run")


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "-m", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


@pytest.mark.slow
@duckdb_file
def test_an_ingest_killed_at_random_moments_leaves_the_database_before_or_after(tmp_path):
    from kill_harness import run_harness

    summary = run_harness(runs=6, seed=20270531, workdir=tmp_path)
    assert summary["problems"] == []
    assert summary["torn"] == 0 and summary["unopenable"] == 0
    assert summary["before"] + summary["after"] == 6
    assert summary["killed_while_running"] >= 1
    assert summary["tables_compared"] >= 20  # data tables, their history, uploads, upload_files, meta


# --- five uploads at once -------------------------------------------------------------------------


def numeric_kr_ids(database: str) -> list[str]:
    store = Store.open(database)
    try:
        krs = store.read_table("key_results")
    finally:
        store.close()
    return sorted(krs.loc[krs["measure"].isin(["number", "currency", "percent"]), "kr_id"])[:20]


@duckdb_file
def test_five_concurrent_uploads_into_one_duckdb_file_lose_nothing(tmp_path, demo_db_file):
    database = str(tmp_path / "shared.duckdb")
    shutil.copyfile(demo_db_file, database)
    kr_ids = numeric_kr_ids(database)
    expected = []
    files = []
    for uploader in range(1, 6):
        date = dt.date(2027, 6, uploader)
        rows = [(kr_id, date, 1000 * uploader + position) for position, kr_id in enumerate(kr_ids)]
        expected += rows
        path = tmp_path / f"june-{uploader}.csv"
        path.write_text("kr_id,date,value\n" + "".join(f"{k},{d},{v}\n" for k, d, v in rows))
        files.append(path)
    processes = [
        subprocess.Popen(
            [PYTHON, "-m", "loaders", "ingest", str(path), "--db", database],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0] * 5, outputs
    assert all(f"check_ins: {len(kr_ids)} new" in out for out, _ in outputs)

    store = Store.open(database)
    try:
        check_ins = store.read_table("check_ins")
        uploads = store.uploads()
    finally:
        store.close()
    stored = {(r.kr_id, r.date.date(), r.value) for r in check_ins.itertuples()}
    assert set(expected) <= stored
    june = check_ins[check_ins["date"] >= pd.Timestamp("2027-06-01")]
    assert len(june) == 5 * len(kr_ids) == 100
    assert sorted(uploads.loc[uploads["file_name"].str.startswith("june-"), "file_name"]) == [
        f"june-{n}.csv" for n in range(1, 6)
    ]
    assert uploads["upload_id"].is_unique


# --- locked database ------------------------------------------------------------------------------


def hold_lock(database: str, seconds: float) -> subprocess.Popen:
    """Another process holding the DuckDB file open for writing for `seconds`; started once it holds it."""
    code = (
        f"import duckdb, sys, time\nconnection = duckdb.connect({database!r})\nprint('holding', flush=True)\n"
        f"time.sleep({seconds})\nconnection.close()\n"
    )
    holder = subprocess.Popen([PYTHON, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    return holder


@pytest.fixture
def small_database(tmp_path) -> str:
    database = str(tmp_path / "small.duckdb")
    Store.open(database).close()
    return database


@duckdb_file
def test_a_database_locked_by_another_process_is_waited_for_then_explained(small_database):
    holder = hold_lock(small_database, 30)
    try:
        started = time.monotonic()
        with pytest.raises(StoreError) as raised:
            Store.open(small_database, lock_wait=1.5)
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    message = str(raised.value)
    assert 1.5 <= waited < 10
    assert f"the database {small_database} is in use by another program (process {holder.pid}," in message
    assert "stayed locked for 1.5 s" in message
    assert "stop the program holding it (the app or another ingest)" in message


@duckdb_file
def test_a_lock_released_within_the_wait_lets_the_store_open(small_database):
    holder = hold_lock(small_database, 1.0)
    try:
        started = time.monotonic()
        store = Store.open(small_database, lock_wait=30)
        waited = time.monotonic() - started
        assert store.data_version() == 1  # the schema write of the first open
        store.close()
    finally:
        holder.wait()
    assert 0.3 < waited < 30


@duckdb_file
def test_the_cli_on_a_locked_database_exits_1_with_the_message(small_database, tmp_path):
    upload = tmp_path / "p.csv"
    upload.write_text("kr_id,date,value\nX,2027-05-31,1\n")
    holder = hold_lock(small_database, 60)
    try:
        result = run_cli("loaders", "ingest", str(upload), "--db", small_database, env={"OKR_LOCK_WAIT": "1"})
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: the database {small_database} is in use by another program")
    assert "stayed locked for 1 s" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_lock_wait_that_is_not_a_number_is_explained(small_database, monkeypatch):
    monkeypatch.setenv("OKR_LOCK_WAIT", "soon")
    with pytest.raises(StoreError, match="OKR_LOCK_WAIT must be a number of seconds, not 'soon'"):
        Store.open(small_database)


# --- damaged database -----------------------------------------------------------------------------


def damaged(demo_db_file: pathlib.Path, folder: pathlib.Path, how: str) -> str:
    target = folder / f"{how}.duckdb"
    data = demo_db_file.read_bytes()
    if how == "random_bytes":
        target.write_bytes(bytes((i * 7919 + 13) % 251 for i in range(len(data))))
    elif how == "truncated":
        target.write_bytes(data[: len(data) // 3])
    elif how == "zeroed_header":
        target.write_bytes(b"\0" * 8192 + data[8192:])
    elif how == "damaged_wal":
        # A committed write left in the write-ahead log (the writer died before its checkpoint), whose
        # last bytes then got damaged.
        shutil.copyfile(demo_db_file, target)
        code = (
            f"import duckdb, os\nc = duckdb.connect({str(target)!r})\n"
            "c.execute(\"UPDATE check_ins SET comment = 'edited' WHERE kr_id LIKE 'SAL%'\")\nos._exit(0)\n"
        )
        subprocess.run([PYTHON, "-c", code], check=True)
        wal = pathlib.Path(str(target) + ".wal")
        log = bytearray(wal.read_bytes())
        for position in range(len(log) // 2, len(log)):
            log[position] ^= 0x5A
        wal.write_bytes(bytes(log))
    return str(target)


DAMAGE = ["random_bytes", "truncated", "zeroed_header", "damaged_wal"]


@duckdb_file
@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_database_gives_a_clear_message(demo_db_file, tmp_path, how):
    database = damaged(demo_db_file, tmp_path, how)
    with pytest.raises(StoreError) as raised:
        Store.open(database)
    message = str(raised.value)
    assert message.startswith(f"the database file {database} is damaged and cannot be read (")
    assert "python -m loaders rebuild --db NEW.duckdb --from-dir BACKUP_DIR" in message
    assert "python -m loaders export-uploads" in message


@duckdb_file
@pytest.mark.parametrize(
    "command",
    [("loaders", "ingest", "UPLOAD"), ("loaders", "template", "--team", "Sales", "-o", "OUT"), ("analytics", "status")],
)
def test_the_cli_on_a_damaged_database_exits_1_with_the_message(demo_db_file, tmp_path, command):
    database = damaged(demo_db_file, tmp_path, "truncated")
    upload = tmp_path / "p.csv"
    upload.write_text("kr_id,date,value\nSAL-O2-KR1,2027-05-31,1\n")
    args = [str(upload) if a == "UPLOAD" else str(tmp_path / "t.xlsx") if a == "OUT" else a for a in command]
    result = run_cli(*args, "--db", database)
    assert result.returncode == 1
    assert f"the database file {database} is damaged and cannot be read" in result.stderr
    assert "Traceback" not in result.stderr


@duckdb_file
def test_the_app_shows_a_damaged_database_in_plain_words(open_page, demo_db_file, tmp_path, monkeypatch):
    database = damaged(demo_db_file, tmp_path, "random_bytes")
    at = open_page("pages/overview.py")
    monkeypatch.setenv("OKR_DB", database)
    at.run()
    assert not at.exception
    errors = [element.value for element in at.error]
    assert any(
        f"the database file {database} is damaged" in text and "python -m loaders rebuild" in text for text in errors
    ), errors


@duckdb_file
def test_the_app_shows_a_locked_database_in_plain_words(open_page, small_database, monkeypatch):
    at = open_page("pages/overview.py")
    monkeypatch.setenv("OKR_DB", small_database)
    monkeypatch.setenv("OKR_LOCK_WAIT", "0.5")
    holder = hold_lock(small_database, 60)
    try:
        at.run()
    finally:
        holder.kill()
        holder.wait()
    assert not at.exception
    assert any("is in use by another program" in element.value for element in at.error), [e.value for e in at.error]


# --- rebuilding from the original upload files ----------------------------------------------------


def progress_csv(rows: list[tuple]) -> bytes:
    return ("kr_id,date,value,comment\n" + "".join(f"{k},{d},{v},{c}\n" for k, d, v, c in rows)).encode()


def build_history(target: str) -> None:
    """A database that lived: the demo workbook, a dateless progress file dated by the review it was
    uploaded for, an upload later undone whose value a following upload repeats (so the undo must be
    replayed at its moment, not the undone upload skipped), a correction, a review decision recorded
    in the app, and a file whose name tries to climb out of a folder."""
    from loaders.records import record

    store = Store.open(target)
    try:

        def upload(name, content, by, **kwargs):
            result = check_and_store(store, [UploadedFile(name, content)], by, **kwargs)
            assert result.errors == [] and result.stored, result.problems
            return int(store.uploads_of_file(UploadedFile(name, content).sha256).iloc[0]["upload_id"])

        upload(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes(), "Chief of staff")
        upload(
            "sales-may.csv",
            b"KR ID,Current,Comment\nSAL-O2-KR1,512000,Two deals\nSAL-O3-KR3,97,\n",
            "Ana Ruiz",
            team="Sales",
            as_of=DEMO_AS_OF,
        )
        undone = upload("sales-june.csv", progress_csv([("SAL-O2-KR1", "2027-06-05", 530000, "typo")]), "Ana Ruiz")
        upload(
            "sales-june-2.csv",
            progress_csv([("SAL-O2-KR1", "2027-06-05", 530000, "typo"), ("SAL-O2-KR2", "2027-06-05", 16, "")]),
            "Ana Ruiz",
        )
        store.undo_upload(undone, "Chief of staff")
        upload("sales-june-3.csv", progress_csv([("SAL-O2-KR2", "2027-06-05", 17, "fixed")]), "Ana Ruiz")
        decisions = pd.DataFrame(
            [
                {
                    "kr_id": "SAL-O2-KR2",
                    "date": dt.date(2027, 6, 3),
                    "decision": "cancel",
                    "new_target_value": None,
                    "new_due_date": None,
                    "reason": "=not a formula",
                    "decided_by": "CEO",
                }
            ]
        )
        assert record(store, {"decisions": decisions}, "CEO", "review-2027-06 decisions.xlsx").stored
        upload("../../etc/evil name.csv", progress_csv([("SAL-O2-KR4", "2027-06-06", 80, "")]), "Mallory")
    finally:
        store.close()


def assert_same_database(original: str, rebuilt: str) -> None:
    source, target = Store.open_read_only(original), Store.open_read_only(rebuilt)
    try:
        comparisons = compare(source, target)
        assert [c.table for c in comparisons if not c.matches] == []
        assert {c.table for c in comparisons} >= {"check_ins", "check_ins_history", "uploads", "upload_files", "meta"}
        assert source.uploads().equals(target.uploads())
        assert fingerprints(target)["check_ins_history"].rows > 0
    finally:
        source.close()
        target.close()


def test_rebuild_from_a_database_replays_its_uploads_and_undos_exactly(tmp_path, store_target):
    build_history(store_target)
    store = Store.open(store_target)
    uploads = store.uploads()
    store.close()
    assert uploads["undone_at"].notna().sum() == 1
    rebuilt = str(tmp_path / "rebuilt.duckdb")
    result = run_cli("loaders", "rebuild", "--db", rebuilt, "--from", store_target)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (f"replayed 7 of 7 upload(s) into {rebuilt}, 1 of them undone again as they were")
    assert_same_database(store_target, rebuilt)


def test_the_undone_upload_is_undone_at_its_moment_not_skipped(tmp_path):
    original = str(tmp_path / "original.duckdb")
    build_history(original)
    store = Store.open_read_only(original)
    try:
        check_ins = store.read_table("check_ins").set_index(["kr_id", "date"])
    finally:
        store.close()
    # The upload after the undone one repeated its SAL-O2-KR1 row unchanged, so that row still belonged
    # to the undone upload and the undo took it away. Replaying the later upload without the undone one
    # before it would store that row.
    assert ("SAL-O2-KR1", pd.Timestamp("2027-06-05")) not in check_ins.index
    assert check_ins.loc[("SAL-O2-KR2", pd.Timestamp("2027-06-05")), "value"] == 17
    rebuilt = str(tmp_path / "rebuilt.duckdb")
    assert run_cli("loaders", "rebuild", "--db", rebuilt, "--from", original).returncode == 0
    assert_same_database(original, rebuilt)


@pytest.mark.slow
def test_rebuild_from_exported_files_recreates_a_database_that_was_then_destroyed(tmp_path):
    original = str(tmp_path / "original.duckdb")
    build_history(original)
    backup = tmp_path / "backup"
    exported = run_cli("loaders", "export-uploads", "--db", original, "--to", str(backup))
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.strip() == f"7 upload(s) in {backup} (7 file(s) written now)"
    again = run_cli("loaders", "export-uploads", "--db", original, "--to", str(backup))
    assert again.stdout.strip() == f"7 upload(s) in {backup} (0 file(s) written now)"
    written = sorted(str(p.relative_to(backup)) for p in backup.rglob("*") if p.is_file())
    assert "000007/1-_.._etc_evil name.csv" in written and len(written) == 8  # 7 files and uploads.json
    assert all(p.resolve().is_relative_to(backup.resolve()) for p in backup.rglob("*"))

    keep = str(tmp_path / "copy-for-comparison.duckdb")
    shutil.copyfile(original, keep)
    pathlib.Path(original).write_bytes(b"\0" * 4096 + os.urandom(4096))
    assert run_cli("analytics", "status", "--db", original).returncode == 1
    rebuilt = str(tmp_path / "rebuilt.duckdb")
    result = run_cli("loaders", "rebuild", "--db", rebuilt, "--from-dir", str(backup))
    assert result.returncode == 0, result.stderr
    assert_same_database(keep, rebuilt)


def test_rebuild_refuses_a_damaged_backup_and_a_database_holding_data(tmp_path, demo_db_file):
    original = str(tmp_path / "original.duckdb")
    build_history(original)
    backup = tmp_path / "backup"
    assert run_cli("loaders", "export-uploads", "--db", original, "--to", str(backup)).returncode == 0
    into_data = run_cli("loaders", "rebuild", "--db", str(demo_db_file), "--from-dir", str(backup))
    assert into_data.returncode == 1
    assert "already holds uploads; rebuild into a new, empty database" in into_data.stderr
    changed = backup / "000002" / "1-sales-may.csv"
    changed.write_bytes(changed.read_bytes().replace(b"512000", b"999999"))
    result = run_cli("loaders", "rebuild", "--db", str(tmp_path / "r.duckdb"), "--from-dir", str(backup))
    assert result.returncode == 1
    assert (
        f"{changed.resolve()} is missing or differs from the file uploaded as upload 2 (sales-may.csv)" in result.stderr
    )
    assert "Traceback" not in result.stderr
    missing = run_cli("loaders", "rebuild", "--db", str(tmp_path / "r2.duckdb"), "--from-dir", str(tmp_path))
    assert missing.returncode == 1 and "holds no uploads.json" in missing.stderr


def test_a_published_scenario_is_reported_as_not_replayable_and_the_rest_is_rebuilt(tmp_path):
    from store.scenarios import publish_targets

    original = str(tmp_path / "original.duckdb")
    store = Store.open(original)
    try:
        assert check_and_store(store, [UploadedFile(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes())], "tester").stored
        targets = pd.DataFrame(
            [{"period": "2027-Q3", "metric": "bookings", "start_value": 0.0, "target_value": 900000.0}]
        )
        publish_targets(store, targets, {"target_arr": 5000000}, "Plan B", "CEO")
        assert check_and_store(
            store, [UploadedFile("p.csv", progress_csv([("SAL-O2-KR1", "2027-06-05", 1, "")]))], "Ana"
        ).stored
    finally:
        store.close()
    rebuilt = str(tmp_path / "rebuilt.duckdb")
    result = run_cli("loaders", "rebuild", "--db", rebuilt, "--from", original)
    assert result.returncode == 1
    assert result.stdout.strip() == f"replayed 2 of 3 upload(s) into {rebuilt}"
    assert "1 upload(s) could not be replayed (the database holds the others):" in result.stderr
    assert "upload 2 by CEO on " in result.stderr and "(scenario Plan B.json):" in result.stderr
    store = Store.open_read_only(rebuilt)
    try:
        assert sorted(store.uploads()["upload_id"]) == [1, 3]  # the later upload keeps its id
    finally:
        store.close()


def test_rebuild_reads_a_database_made_before_upload_dates_were_recorded(tmp_path, demo_db_file):
    import duckdb

    older = tmp_path / "older.duckdb"
    shutil.copyfile(demo_db_file, older)
    connection = duckdb.connect(str(older))
    connection.execute("ALTER TABLE uploads DROP COLUMN default_date")
    connection.execute("UPDATE meta SET value = 2 WHERE key = 'schema_version'")
    connection.close()
    rebuilt = str(tmp_path / "rebuilt.duckdb")
    result = run_cli("loaders", "rebuild", "--db", rebuilt, "--from", str(older))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"replayed 1 of 1 upload(s) into {rebuilt}"
    source, target = Store.open_read_only(str(older)), Store.open_read_only(rebuilt)
    try:
        assert {
            name: source.read_table(name).equals(target.read_table(name)) for name in ("check_ins", "key_results")
        } == {"check_ins": True, "key_results": True}
    finally:
        source.close()
        target.close()
