"""The only code that talks to the database: schema, reads, and the one write path.

Every write goes through `Store.apply_upload`, which runs in a single transaction: it stores only
rows that differ from what is stored (so the same file twice changes nothing), records the upload
(who, when, file name, sha256, rows per table, the original bytes) and bumps the data version that
caches key on.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import itertools
import json
import os
import pathlib
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import duckdb
import pandas as pd
import pyarrow as pa

from store.schema import DATE, NUMBER, TABLES, TABLES_BY_NAME, Table

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "okr_data" / "okr.duckdb"
SCHEMA_VERSION = 5  # 2: review_notes; 3: uploads.default_date; 4: percent KRs in percent points; 5: headcount
SQL_TYPES = {NUMBER: "DOUBLE", DATE: "DATE"}
SERVER_CATALOG = "okr"  # the PostgreSQL database is ATTACHed as okr_1, okr_2, … (one per open Store)
WRITE_ATTEMPTS = 6
# How long opening a DuckDB file waits while another process writes to it (a DuckDB file has one
# writing process at a time), unless OKR_LOCK_WAIT says otherwise.
LOCK_WAIT_SECONDS = 30.0
# What DuckDB says about a file that is not a database, is cut short, or fails its checksums.
DAMAGE_SIGNS = ("not a valid duckdb database", "could not read enough bytes", "corrupt", "checksum")
T = TypeVar("T")


def database_target() -> str:
    return os.environ.get("OKR_DB") or str(DEFAULT_DB)


def _require_file(target: str) -> None:
    """A DuckDB file target must exist (read-only use never creates a database); a server URL is left alone."""
    if not is_server_url(target) and not pathlib.Path(target).is_file():
        raise StoreError(f"no database at {target}")


def quoted_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def is_server_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def shown_target(target: str) -> str:
    """A database target fit for a message: a server URL without its password."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", target)


def _connect(target: str, read_only: bool = False, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to the local file (creating its folder)."""
    pathlib.Path(target).parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(target, read_only=read_only, config={"threads": threads} if threads else {})


# Server databases are ATTACHed to one in-memory DuckDB per process that has loaded the postgres_scanner
# extension (which ships on PyPI and is loaded by path: nothing downloads). Loading it checks the
# signature of its 40 MB binary, about 0.3 s of CPU, which every opening of the store would otherwise
# repeat; an ATTACH costs a few milliseconds. Each Store attaches its own catalog and detaches it on close.
_server_lock = threading.Lock()
_server_instance: duckdb.DuckDBPyConnection | None = None
_attachment_numbers = itertools.count(1)


def _server_cursor() -> duckdb.DuckDBPyConnection:
    global _server_instance
    with _server_lock:
        if _server_instance is None:
            import duckdb_extension_postgres_scanner as extension

            binaries = glob.glob(os.path.join(extension.__path__[0], "extensions", "*", "*.duckdb_extension"))
            if not binaries:
                raise StoreError("the postgres_scanner extension is missing; reinstall requirements.txt")
            instance = duckdb.connect(":memory:")
            instance.execute(f"LOAD '{binaries[0]}'")
            _server_instance = instance
        return _server_instance.cursor()


def _attach(target: str) -> tuple[duckdb.DuckDBPyConnection, str]:
    """A connection to the PostgreSQL server at `target`, and the name of the catalog it is ATTACHed as."""
    catalog = f"{SERVER_CATALOG}_{next(_attachment_numbers)}"
    connection = _server_cursor()
    try:
        connection.execute(f"ATTACH {_literal(target)} AS {catalog} (TYPE postgres)")
    except BaseException:
        connection.close()
        raise
    return connection, catalog


def _detach(catalog: str) -> None:
    cursor = _server_cursor()
    try:
        cursor.execute(f"DETACH DATABASE IF EXISTS {catalog}")
    finally:
        cursor.close()


def lock_wait_seconds() -> float:
    try:
        return float(os.environ.get("OKR_LOCK_WAIT") or LOCK_WAIT_SECONDS)
    except ValueError:
        raise StoreError(f"OKR_LOCK_WAIT must be a number of seconds, not {os.environ['OKR_LOCK_WAIT']!r}") from None


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    return isinstance(exc, duckdb.IOException) and "could not set lock" in str(exc).lower()


def _is_damage(exc: duckdb.Error) -> bool:
    message = str(exc).lower()
    return any(sign in message for sign in DAMAGE_SIGNS)


def _open_error(target: str, exc: duckdb.Error) -> StoreError:
    if _is_damage(exc):
        return StoreError(
            f"the database file {target} is damaged and cannot be read ({exc}). Move it aside and rebuild "
            "it from the uploaded files: python -m loaders rebuild --db NEW.duckdb --from-dir BACKUP_DIR "
            "(a folder written by python -m loaders export-uploads), or --from the damaged file if its "
            "uploads can still be read; then point OKR_DB at the new file"
        )
    return StoreError(f"the database {shown_target(target)} cannot be opened: {exc}")


def _connect_waiting(
    target: str, lock_wait: float | None, read_only: bool = False, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """_connect, retried while another process holds the DuckDB file's lock, for up to `lock_wait`
    seconds (default $OKR_LOCK_WAIT, else LOCK_WAIT_SECONDS)."""
    lock_wait = lock_wait_seconds() if lock_wait is None else lock_wait
    deadline = time.monotonic() + lock_wait
    while True:
        try:
            return _connect(target, read_only, threads)
        except duckdb.Error as exc:
            if not _is_lock_conflict(exc):
                raise _open_error(target, exc) from exc
            if time.monotonic() >= deadline:
                holder = re.search(r"held in (.+?) \(PID (\d+)\)", str(exc))
                who = f" (process {holder.group(2)}, {holder.group(1)})" if holder else ""
                raise StoreError(
                    f"the database {target} is in use by another program{who} and stayed locked for "
                    f"{lock_wait:g} s; wait for that upload to finish, or stop the program holding it (the app "
                    "or another ingest), then try again — or point OKR_DB at another file"
                ) from exc
            time.sleep(min(random.uniform(0.05, 0.25), max(deadline - time.monotonic(), 0.01)))


def _history(table: Table) -> str:
    return quoted_identifier(f"{table.name}_history")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _sql_type(table: Table, column: str) -> str:
    return SQL_TYPES.get(table.column(column).kind, "VARCHAR")


@dataclass(frozen=True)
class UploadedFile:
    file_name: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class TableChange:
    inserted: int
    updated: int
    unchanged: int

    @property
    def changed(self) -> int:
        return self.inserted + self.updated


@dataclass(frozen=True)
class RecordedUpload:
    """An upload as recorded: what `python -m loaders rebuild` replays (under the same id and time)."""

    upload_id: int
    uploaded_at: dt.datetime
    uploaded_by: str = ""
    default_date: dt.date | None = None  # given to check-ins of a file without a date column
    undone_at: dt.datetime | None = None
    undone_by: str | None = None
    files: tuple[UploadedFile, ...] = ()


class StoreError(Exception):
    """The database cannot be opened or written; the message says what to do."""


class StaleRead(StoreError):
    """A write checked against stored data that another process has changed since: check it again."""

    def __init__(self, read: int, found: int):
        super().__init__(f"the stored data changed (version {read} → {found}) since the upload was checked")


class Rollback(Exception):
    """Raised by the work of a write to end it without a trace, handing back its result."""

    def __init__(self, result):
        super().__init__("rolled back")
        self.result = result


def _rollback_quietly(cursor) -> None:
    try:
        cursor.rollback()
    except duckdb.Error:
        pass  # the transaction is already gone (the error that got us here ended it)


def _is_write_conflict(exc: duckdb.Error) -> bool:
    message = str(exc).lower()
    return isinstance(exc, duckdb.TransactionException) or "could not serialize" in message or "conflict" in message


class Store:
    def __init__(self, connection: duckdb.DuckDBPyConnection, catalog: str | None = None):
        self._connection = connection
        self._catalog = catalog  # where the tables are on a server database (None: the DuckDB file's own)

    @classmethod
    def open(
        cls, target: str | None = None, lock_wait: float | None = None, create: bool = True, threads: int | None = None
    ) -> Store:
        """Open the database, creating its tables if needed. A DuckDB file has one writing process at
        a time: while another holds it, wait up to `lock_wait` seconds (default $OKR_LOCK_WAIT, else
        LOCK_WAIT_SECONDS) for it to finish. StoreError, with what to do, when it stays locked or is
        damaged. Without `create` (read-only commands, dry runs), a DuckDB file that does not exist is
        a StoreError instead of a new database (a server database is opened as always)."""
        target = target or database_target()
        if not create:
            _require_file(target)
        if is_server_url(target):
            try:
                store = cls(*_attach(target))
            except duckdb.Error as exc:
                raise _open_error(target, exc) from exc
        else:
            store = cls(_connect_waiting(target, lock_wait, threads=threads))
        try:
            cursor = store._cursor()
            cursor.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value BIGINT)")
            cursor.execute(
                "INSERT INTO meta SELECT 'data_version', 0 WHERE NOT EXISTS "
                "(SELECT 1 FROM meta WHERE key = 'data_version')"
            )
            version = cursor.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if version is None or version[0] < SCHEMA_VERSION:
                store.write(store._ensure_schema)
        except duckdb.Error as exc:
            store.close()
            raise _open_error(target, exc) from exc
        return store

    @classmethod
    def open_read_only(cls, target: str, lock_wait: float | None = None) -> Store:
        """A DuckDB file opened without writing to it (not even a schema upgrade), waiting like `open`
        while another process writes to it; a server database opens as `open` opens it."""
        if is_server_url(target):
            return cls.open(target, lock_wait)
        _require_file(target)
        return cls(_connect_waiting(target, lock_wait, read_only=True))

    def close(self) -> None:
        self._connection.close()
        if self._catalog:
            _detach(self._catalog)

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = self._connection.cursor()
        if self._catalog:
            cursor.execute(f"USE {self._catalog}")  # each cursor is a connection of its own
        return cursor

    def write(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run `work(cursor)` as one transaction: the only way anything is written.

        The transaction starts by bumping the data version, which makes concurrent writers (threads
        of one app, or app replicas on one PostgreSQL server) queue on that row; the loser of a race
        gets a serialization conflict and its whole transaction is run again on the new state.
        `work` may raise Rollback(result) to end the transaction without a trace (nothing to store).
        """
        for attempt in range(WRITE_ATTEMPTS):
            cursor = self._cursor()
            cursor.begin()
            try:
                if self._catalog:
                    # A table lock does not fix the transaction's snapshot (the first read does), so
                    # the bump below always sees the latest commit instead of failing to serialise.
                    cursor.execute(
                        f"CALL postgres_execute('{self._catalog}', 'LOCK TABLE meta IN SHARE ROW EXCLUSIVE MODE')"
                    )
                cursor.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")
                result = work(cursor)
                cursor.commit()
                return result
            except Rollback as nothing_stored:
                _rollback_quietly(cursor)
                return nothing_stored.result
            except duckdb.Error as exc:
                _rollback_quietly(cursor)
                if not _is_write_conflict(exc) or attempt == WRITE_ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))
            except BaseException:
                _rollback_quietly(cursor)
                raise
        raise AssertionError("unreachable")

    @staticmethod
    def _ensure_schema(cursor) -> None:
        """Create what is missing and upgrade the data of an older schema version, each step once: the
        version is read inside the transaction, so two processes upgrading at once do it once."""
        found = cursor.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        before = None if found is None else found[0]
        for table in TABLES:
            columns = ", ".join(f"{quoted_identifier(c.name)} {_sql_type(table, c.name)}" for c in table.columns)
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {quoted_identifier(table.name)} ({columns}, upload_id BIGINT)")
            # The versions of rows an upload replaced, so that the upload can be undone.
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {_history(table)} ({columns}, upload_id BIGINT, replaced_by BIGINT)"
            )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS uploads (upload_id BIGINT PRIMARY KEY, uploaded_by VARCHAR, "
            "uploaded_at TIMESTAMP, file_names VARCHAR, row_counts VARCHAR, undone_at TIMESTAMP, undone_by VARCHAR)"
        )
        # The date check-ins of a file without a date column were given (the review date of a progress
        # upload), so that `python -m loaders rebuild` can replay the upload as it was stored.
        cursor.execute("ALTER TABLE uploads ADD COLUMN IF NOT EXISTS default_date DATE")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS upload_files (upload_id BIGINT, file_name VARCHAR, sha256 VARCHAR, "
            "size_bytes BIGINT, content BLOB)"
        )
        if before is not None and before < 4:
            _percent_krs_in_points(cursor)
        cursor.execute("DELETE FROM meta WHERE key = 'schema_version'")
        cursor.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])

    def data_version(self) -> int:
        return self._cursor().execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]

    def read(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """`work(cursor)` reading in one snapshot (what a module of the store reads beyond the tables)."""
        cursor = self._cursor()
        cursor.begin()
        try:
            return work(cursor)
        finally:
            _rollback_quietly(cursor)

    def read_table(self, name: str) -> pd.DataFrame:
        return self._read(self._cursor(), name)

    @staticmethod
    def _read(cursor, name: str) -> pd.DataFrame:
        table = TABLES_BY_NAME[name]
        columns = ", ".join(quoted_identifier(c) for c in table.column_names)
        order = ", ".join(quoted_identifier(k) for k in table.key)
        return cursor.execute(f"SELECT {columns} FROM {quoted_identifier(name)} ORDER BY {order}").df()

    def read_tables(self) -> dict[str, pd.DataFrame]:
        """Every table from one snapshot, so a page never mixes tables from before and after a commit."""
        return self.read_tables_with_version()[1]

    def read_tables_with_version(
        self,
        lazy: tuple[str, ...] = (),
        reader: Store | SharedStore | None = None,
    ) -> tuple[int, dict[str, pd.DataFrame]]:
        """The data version and every table, from one snapshot: a write checked against these tables
        passes the version to `apply_upload(based_on=…)`, which refuses it if anything was stored since.
        Tables named in `lazy` (check_ins: half a million rows an ingest seldom needs) are read only when
        asked for, by `reader` (default: this store), so maybe after a later write — which the write then
        notices, as it notices any write after the version."""
        cursor = self._cursor()
        cursor.begin()
        try:
            version = cursor.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]
            tables = {table.name: self._read(cursor, table.name) for table in TABLES if table.name not in lazy}
        finally:
            _rollback_quietly(cursor)
        if not lazy:
            return version, tables
        return version, LazyTables(tables, {name: (reader or self).read_table for name in lazy})

    def row_counts(self) -> dict[str, int]:
        cursor = self._cursor()
        return {
            t.name: cursor.execute(f"SELECT count(*) FROM {quoted_identifier(t.name)}").fetchone()[0] for t in TABLES
        }

    def uploads(self) -> pd.DataFrame:
        return (
            self._cursor()
            .execute(
                "SELECT u.upload_id, u.uploaded_by, u.uploaded_at, f.file_name, f.sha256, f.size_bytes, u.row_counts, "
                "u.undone_at, u.undone_by FROM uploads u JOIN upload_files f USING (upload_id) "
                "ORDER BY u.upload_id DESC, f.file_name"
            )
            .df()
        )

    def recorded_uploads(self) -> list[RecordedUpload]:
        """Every upload with its original files, oldest first; reads only the uploads and upload_files
        tables, so it works on a database whose data tables are damaged."""
        cursor = self._cursor()
        cursor.begin()
        try:
            # Every column by name: a database made before uploads had a default_date (opened read-only,
            # so not upgraded) lacks it.
            found = cursor.execute("SELECT * FROM uploads ORDER BY upload_id")
            names = [column[0] for column in found.description]
            uploads = [dict(zip(names, row)) for row in found.fetchall()]
            files: dict[int, list[UploadedFile]] = {}
            for upload_id, file_name, content in cursor.execute(
                "SELECT upload_id, file_name, content FROM upload_files ORDER BY upload_id"
            ).fetchall():
                files.setdefault(upload_id, []).append(UploadedFile(file_name, bytes(content)))
        except duckdb.Error as exc:
            raise StoreError(f"the uploads recorded in the database cannot be read: {exc}") from exc
        finally:
            _rollback_quietly(cursor)
        return [
            RecordedUpload(
                u["upload_id"],
                u["uploaded_at"],
                u["uploaded_by"],
                u.get("default_date"),
                u["undone_at"],
                u["undone_by"],
                tuple(_in_listed_order(files.get(u["upload_id"], []), u["file_names"])),
            )
            for u in uploads
        ]

    def upload_file(self, upload_id: int, file_name: str) -> bytes:
        """The original bytes of an uploaded file, as they were received."""
        row = (
            self._cursor()
            .execute("SELECT content FROM upload_files WHERE upload_id = ? AND file_name = ?", [upload_id, file_name])
            .fetchone()
        )
        if row is None:
            raise StoreError(f"upload {upload_id} holds no file {file_name}")
        return row[0]

    def uploads_of_file(self, sha256: str) -> pd.DataFrame:
        """Earlier uploads of a file with these exact bytes (newest first)."""
        return (
            self._cursor()
            .execute(
                "SELECT u.upload_id, u.uploaded_by, u.uploaded_at, f.file_name, u.undone_at FROM uploads u "
                "JOIN upload_files f USING (upload_id) WHERE f.sha256 = ? ORDER BY u.upload_id DESC",
                [sha256],
            )
            .df()
        )

    def undo_upload(self, upload_id: int, undone_by: str, undone_at: dt.datetime | None = None) -> dict[str, int]:
        """Put back every row as it was before the upload, in one transaction; rows per table restored
        or removed. Refused when a later upload changed the same rows (undo that one first).
        `undone_at` (default: now) is given by a rebuild replaying an undo of the past."""

        def restore(cursor) -> dict[str, int]:
            record = cursor.execute("SELECT undone_at FROM uploads WHERE upload_id = ?", [upload_id]).fetchone()
            if record is None:
                raise StoreError(f"there is no upload {upload_id}")
            if record[0] is not None:
                raise StoreError(f"upload {upload_id} was already undone on {record[0]:%Y-%m-%d %H:%M}")
            later = [
                cursor.execute(
                    f"SELECT min(replaced_by) FROM {_history(t)} WHERE upload_id = ?", [upload_id]
                ).fetchone()[0]
                for t in TABLES
            ]
            blocking = [u for u in later if u is not None]
            if blocking:
                raise StoreError(
                    f"upload {min(blocking)} changed rows of upload {upload_id} afterwards; undo upload "
                    f"{min(blocking)} first"
                )
            restored = {}
            for table in TABLES:
                target, columns = (
                    quoted_identifier(table.name),
                    ", ".join(quoted_identifier(c) for c in table.column_names),
                )
                removed = cursor.execute(f"SELECT count(*) FROM {target} WHERE upload_id = ?", [upload_id]).fetchone()[
                    0
                ]
                cursor.execute(f"DELETE FROM {target} WHERE upload_id = ?", [upload_id])
                cursor.execute(
                    f"INSERT INTO {target} ({columns}, upload_id) SELECT {columns}, upload_id "
                    f"FROM {_history(table)} WHERE replaced_by = ?",
                    [upload_id],
                )
                cursor.execute(f"DELETE FROM {_history(table)} WHERE replaced_by = ?", [upload_id])
                if removed:
                    restored[table.name] = removed
            cursor.execute(
                "UPDATE uploads SET undone_at = ?, undone_by = ? WHERE upload_id = ?",
                [undone_at or utc_now(), undone_by, upload_id],
            )
            return restored

        return self.write(restore)

    def apply_upload(
        self,
        frames: dict[str, tuple[pd.DataFrame, list[str]]],
        files: list[UploadedFile],
        uploaded_by: str,
        dry_run: bool = False,
        default_date: dt.date | None = None,
        replaying: RecordedUpload | None = None,
        based_on: int | None = None,
    ) -> dict[str, TableChange]:
        """Store each table's rows (frame, columns the files supplied) in one transaction.

        Columns the files do not supply keep their stored values. Nothing is written, not even the
        upload record, when no row differs from what is stored, or on a dry run. `default_date` is
        recorded with the upload (the date check-ins without a date column were given). A rebuild
        `replaying` an upload of the past records it under its original id and time. `based_on`, the
        data version the rows were checked against (read_tables_with_version), makes the write raise
        StaleRead, storing nothing, when another write came in between.
        """

        def store_rows(cursor) -> dict[str, TableChange]:
            if based_on is not None:
                found = cursor.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0] - 1
                if found != based_on:
                    raise StaleRead(based_on, found)
            next_id = cursor.execute("SELECT coalesce(max(upload_id), 0) + 1 FROM uploads").fetchone()[0]
            if replaying is not None and replaying.upload_id < next_id:
                raise StoreError(
                    f"upload {replaying.upload_id} cannot be replayed: uploads up to {next_id - 1} "
                    "are stored already (rebuild into an empty database)"
                )
            upload_id = next_id if replaying is None else replaying.upload_id
            changes = {
                name: self._merge(cursor, TABLES_BY_NAME[name], frame, present, upload_id)
                for name, (frame, present) in frames.items()
            }
            if dry_run or not any(change.changed for change in changes.values()):
                raise Rollback(changes)
            row_counts = {name: change.changed for name, change in changes.items()}
            cursor.execute(
                "INSERT INTO uploads (upload_id, uploaded_by, uploaded_at, file_names, row_counts, default_date) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    upload_id,
                    uploaded_by,
                    utc_now() if replaying is None else replaying.uploaded_at,
                    ", ".join(f.file_name for f in files),
                    json.dumps(row_counts),
                    default_date,
                ],
            )
            for file in files:
                cursor.execute(
                    "INSERT INTO upload_files VALUES (?, ?, ?, ?, ?)",
                    [upload_id, file.file_name, file.sha256, len(file.content), file.content],
                )
            return changes

        return self.write(store_rows)

    @staticmethod
    def _merge(cursor, table: Table, frame: pd.DataFrame, present: list[str], upload_id: int) -> TableChange:
        target = quoted_identifier(table.name)
        staged = frame[present].copy()
        for column in present:
            if table.column(column).kind == DATE:
                staged[column] = pd.to_datetime(staged[column])
        cursor.register("staged_rows", _scannable(staged))
        join = " AND ".join(
            f"t.{quoted_identifier(k)} = CAST(s.{quoted_identifier(k)} AS {_sql_type(table, k)})" for k in table.key
        )
        values, new_row_values = {}, []
        for column in table.columns:
            name, sql_type = quoted_identifier(column.name), _sql_type(table, column.name)
            value = f"CAST(s.{name} AS {sql_type})" if column.name in present else f"t.{name}"
            new_row_value = f"CAST(s.{name} AS {sql_type})" if column.name in present else f"CAST(NULL AS {sql_type})"
            if column.default is not None:
                value = f"coalesce({value}, {_literal(column.default)})"
                new_row_value = f"coalesce({new_row_value}, {_literal(column.default)})"
            values[column.name] = value
            new_row_values.append(new_row_value)
        all_columns = ", ".join(quoted_identifier(c) for c in table.column_names)
        if not cursor.execute(f"SELECT EXISTS (SELECT 1 FROM staged_rows s JOIN {target} t ON {join})").fetchone()[0]:
            # No key of the file is stored (a first load, new check-ins): every row goes in as it is,
            # without staging the rows that change.
            cursor.execute(
                f"INSERT INTO {target} ({all_columns}, upload_id) "
                f"SELECT {', '.join(new_row_values)}, ? FROM staged_rows s",
                [upload_id],
            )
            cursor.unregister("staged_rows")
            return TableChange(inserted=len(staged), updated=0, unchanged=0)
        projection = ", ".join(f"{value} AS {quoted_identifier(name)}" for name, value in values.items())
        # The rows are unique by key (a file repeating a key is refused before), and so are the stored
        # ones: a row changes when its key is new or any column differs from the stored row's (NULLs
        # equal) — one join, where a set difference of whole rows took four times as long.
        stored = f"t.{quoted_identifier(table.key[0])} IS NOT NULL"
        differs = (
            " OR ".join(
                f"{values[c]} IS DISTINCT FROM t.{quoted_identifier(c)}"
                for c in table.column_names
                if c not in table.key
            )
            or "FALSE"
        )
        cursor.execute(
            f"CREATE OR REPLACE TEMP TABLE changed AS SELECT {projection}, {stored} AS stored "
            f"FROM staged_rows s LEFT JOIN {target} t ON {join} WHERE NOT ({stored}) OR {differs}"
        )
        cursor.unregister("staged_rows")
        key_match = " AND ".join(f"c.{quoted_identifier(k)} = t.{quoted_identifier(k)}" for k in table.key)
        total = len(staged)
        changed, updated = cursor.execute("SELECT count(*), count(*) FILTER (WHERE stored) FROM changed").fetchone()
        if updated:
            cursor.execute(
                f"INSERT INTO {_history(table)} SELECT t.*, ? FROM {target} t "
                f"WHERE EXISTS (SELECT 1 FROM changed c WHERE {key_match})",
                [upload_id],
            )
            cursor.execute(f"DELETE FROM {target} t WHERE EXISTS (SELECT 1 FROM changed c WHERE {key_match})")
        if changed:
            cursor.execute(
                f"INSERT INTO {target} ({all_columns}, upload_id) SELECT {all_columns}, ? FROM changed", [upload_id]
            )
        cursor.execute("DROP TABLE changed")
        return TableChange(inserted=changed - updated, updated=updated, unchanged=total - changed)


class LazyTables(dict):
    """Tables by name, some of them read only when first asked for (`loaders`: name → read(name)).
    Iterating, keys(), items(), values() and copies read them all first."""

    def __init__(self, tables: dict[str, pd.DataFrame], loaders: dict[str, Callable[[str], pd.DataFrame]]):
        super().__init__(tables)
        self._loaders = dict(loaders)

    def __missing__(self, name: str) -> pd.DataFrame:
        if name not in self._loaders:
            raise KeyError(name)
        table = self._loaders.pop(name)(name)
        super().__setitem__(name, table)
        return table

    def _read_all(self) -> None:
        for name in list(self._loaders):
            self[name]

    def get(self, name, default=None):
        return self[name] if name in self else default

    def __contains__(self, name) -> bool:
        return super().__contains__(name) or name in self._loaders

    def __len__(self) -> int:
        return super().__len__() + len(self._loaders)

    def __iter__(self):
        self._read_all()
        return super().__iter__()

    def keys(self):
        self._read_all()
        return super().keys()

    def items(self):
        self._read_all()
        return super().items()

    def values(self):
        self._read_all()
        return super().values()

    def copy(self) -> dict[str, pd.DataFrame]:
        self._read_all()
        return dict(super().items())

    def __eq__(self, other) -> bool:
        self._read_all()
        return super().__eq__(other)

    __hash__ = None


class SharedStore:
    """A DuckDB file shared with other processes: a handle that holds no connection between operations.

    A DuckDB file has one process at a time holding it open for writing, so an app keeping its
    connection would lock the command line out for as long as it runs. Each call here opens the file
    (waiting, like Store.open, while another process is in the middle of an operation), runs the
    Store method of that name, and closes the file again: a CLI read or write waits at most for one
    operation of the app, and the app sees a CLI ingest on its next read. Connections of one process
    share one DuckDB instance, so threads of the app (its sessions) may overlap their operations.

    `data_version()` is the call every page run makes: it opens the file only when the file or its
    write-ahead log changed on disk since it last did (a commit always appends to the log, and a
    checkpoint rewrites the file), and always while the latest change is under CHANGE_SETTLE_S old,
    so that two changes within one tick of the file system's clock are never taken for one.
    """

    CHANGE_SETTLE_S = 1.0

    def __init__(
        self,
        target: str,
        lock_wait: float | None = None,
        create: bool = True,
        check: bool = True,
        threads: int | None = None,
    ):
        if not create:
            _require_file(target)
        self.target = target
        self._lock_wait = lock_wait
        self._threads = threads  # DuckDB's threads (default: one per core)
        self._seen: tuple[tuple, int] | None = None  # (file signature, data version) last read
        self._guard = threading.Lock()
        self._schema_ready = False  # a Store.open of this handle has made or upgraded the schema
        if check:  # creates or upgrades the schema now, and says now if the file cannot be opened
            with self.opened():
                pass

    def read_tables_with_version(self, lazy: tuple[str, ...] = ()) -> tuple[int, dict[str, pd.DataFrame]]:
        with self.opened() as store:
            return store.read_tables_with_version(lazy, reader=self)

    @contextmanager
    def opened(self) -> Iterator[Store]:
        """The database opened for one operation (or a few in a row), closed on leaving. Once this handle
        has opened it with Store.open (tables made, schema upgraded), only a connection is opened."""
        if self._schema_ready and os.path.isfile(self.target):
            store = Store(_connect_waiting(self.target, self._lock_wait, threads=self._threads))
        else:
            store = Store.open(self.target, self._lock_wait, threads=self._threads)
            self._schema_ready = True
        try:
            yield store
        finally:
            store.close()

    def _signature(self) -> tuple:
        found = []
        for path in (self.target, self.target + ".wal"):
            try:
                stat = os.stat(path)
            except FileNotFoundError:
                found.append(None)
            else:
                found.append((stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
        return tuple(found)

    def data_version(self) -> int:
        before = self._signature()
        with self._guard:
            seen = self._seen
        if seen is not None and seen[0] == before:
            return seen[1]
        with self.opened() as store:
            version = store.data_version()
        newest = max((part[3] for part in before if part is not None), default=0)
        settled = time.time_ns() - newest > self.CHANGE_SETTLE_S * 1e9
        with self._guard:
            self._seen = (before, version) if settled else None
        return version

    def close(self) -> None:
        """Nothing to close: no connection is held between operations."""

    def __getattr__(self, name: str):
        method = getattr(Store, name)  # AttributeError for what a Store does not have either
        if name.startswith("_") or not callable(method):
            raise AttributeError(name)

        def call(*args, **kwargs):
            with self.opened() as store:
                return getattr(store, name)(*args, **kwargs)

        call.__name__ = call.__qualname__ = name
        call.__doc__ = method.__doc__
        return call


def shared_store(
    target: str | None = None,
    lock_wait: float | None = None,
    create: bool = True,
    check: bool = True,
    threads: int | None = None,
) -> Store | SharedStore:
    """The handle of a process that may run a while (the app; an ingest, while it parses): a
    SharedStore on a DuckDB file, so that other processes can use the file between its operations;
    a server database (PostgreSQL) serves many connections, so its Store stays open. Close it after use.
    Without `check`, a DuckDB file is first opened by the first operation (a command that starts with one).
    `threads`: DuckDB's worker threads for a DuckDB file (a process opening it one connection at a time
    only: connections of one process to one file share their settings)."""
    target = target or database_target()
    if is_server_url(target):
        return Store.open(target, lock_wait, create)
    return SharedStore(target, lock_wait, create, check, threads)


# A percent KR stored on the 0–1 scale: start and target both within [0, 1], not both 0.
_FRACTION_SCALE = (
    "measure = 'percent' AND start_value BETWEEN 0 AND 1 AND target_value BETWEEN 0 AND 1 "
    "AND NOT (start_value = 0 AND target_value = 0)"
)


def _percent_krs_in_points(cursor) -> None:
    """Schema 4: percent KRs are stored in percent points (45 means 45 %). Those stored before on the
    0–1 scale get start, target, their check-in values and their decisions' new targets × 100 (rounded
    to 10 decimals, so 0.07 becomes 7, not 7.000000000000001) — in the history tables too, so that
    undoing an upload brings back rows on the same scale."""
    kr_ids = [row[0] for row in cursor.execute(f"SELECT kr_id FROM key_results WHERE {_FRACTION_SCALE}").fetchall()]
    if not kr_ids:
        return
    of_these = "list_contains(?, kr_id)"
    for table in ("key_results", "key_results_history"):
        cursor.execute(
            f"UPDATE {table} SET start_value = round(start_value * 100, 10), "
            f"target_value = round(target_value * 100, 10) WHERE {of_these} AND {_FRACTION_SCALE}",
            [kr_ids],
        )
    for table in ("check_ins", "check_ins_history"):
        cursor.execute(
            f"UPDATE {table} SET value = round(value * 100, 10) WHERE {of_these} AND value IS NOT NULL", [kr_ids]
        )
    for table in ("decisions", "decisions_history"):
        cursor.execute(
            f"UPDATE {table} SET new_target_value = round(new_target_value * 100, 10) "
            f"WHERE {of_these} AND new_target_value IS NOT NULL",
            [kr_ids],
        )


def _scannable(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """The rows to register for DuckDB: as an Arrow table, which it scans without a Python call per
    text cell (500,000 check-ins: 0.5 s less); a hand-built frame whose column mixes types stays as it is."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return frame


def _in_listed_order(files: list[UploadedFile], file_names: str) -> list[UploadedFile]:
    """The files of an upload in the order the upload record lists them (", "-joined names, which
    may themselves hold ", ")."""
    remaining, ordered, rest = list(files), [], file_names
    while remaining:
        following = next((f for f in remaining if rest == f.file_name or rest.startswith(f.file_name + ", ")), None)
        if following is None:
            return ordered + sorted(remaining, key=lambda f: f.file_name)
        ordered.append(following)
        remaining.remove(following)
        rest = rest[len(following.file_name) + 2 :]
    return ordered


def _literal(value: object) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)
