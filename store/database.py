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
import json
import os
import pathlib
import random
import re
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

import duckdb
import pandas as pd

from store.schema import DATE, NUMBER, TABLES, TABLES_BY_NAME, Table

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "okr_data" / "okr.duckdb"
SCHEMA_VERSION = 2  # 2: review_notes
SQL_TYPES = {NUMBER: "DOUBLE", DATE: "DATE"}
SERVER_CATALOG = "okr"  # the name the PostgreSQL database is ATTACHed under
WRITE_ATTEMPTS = 6
T = TypeVar("T")


def database_target() -> str:
    return os.environ.get("OKR_DB") or str(DEFAULT_DB)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def is_server_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def _shown(target: str) -> str:
    """A database target fit for a message: a server URL without its password."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", target)


def _connect(target: str) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection whose tables live in the local file, or on the PostgreSQL server ATTACHed
    through the postgres_scanner extension that ships on PyPI (loaded by path: nothing downloads)."""
    if not is_server_url(target):
        pathlib.Path(target).parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(target)
    import duckdb_extension_postgres_scanner as extension

    binaries = glob.glob(os.path.join(extension.__path__[0], "extensions", "*", "*.duckdb_extension"))
    if not binaries:
        raise StoreError("the postgres_scanner extension is missing; reinstall requirements.txt")
    connection = duckdb.connect(":memory:")
    connection.execute(f"LOAD '{binaries[0]}'")
    connection.execute(f"ATTACH {_literal(target)} AS {SERVER_CATALOG} (TYPE postgres)")
    return connection


def _history(table: Table) -> str:
    return _ident(f"{table.name}_history")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


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


class StoreError(Exception):
    """The database cannot be opened or written; the message says what to do."""


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
    def __init__(self, connection: duckdb.DuckDBPyConnection, attached: bool = False):
        self._connection = connection
        self._attached = attached

    @classmethod
    def open(cls, target: str | None = None) -> Store:
        target = target or database_target()
        try:
            connection = _connect(target)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"the database {target} is in use by another program (is the app or another "
                    "ingest running?); stop it or point OKR_DB at another file"
                ) from exc
            raise StoreError(f"the database {_shown(target)} cannot be opened: {exc}") from exc
        except duckdb.Error as exc:
            raise StoreError(f"the database {_shown(target)} cannot be opened: {exc}") from exc
        store = cls(connection, attached=is_server_url(target))
        cursor = store._cursor()
        cursor.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value BIGINT)")
        cursor.execute("INSERT INTO meta SELECT 'data_version', 0 WHERE NOT EXISTS "
                       "(SELECT 1 FROM meta WHERE key = 'data_version')")
        version = cursor.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if version is None or version[0] < SCHEMA_VERSION:
            store.write(store._ensure_schema)
        return store

    def close(self) -> None:
        self._connection.close()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = self._connection.cursor()
        if self._attached:
            cursor.execute(f"USE {SERVER_CATALOG}")  # each cursor is a connection of its own
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
                if self._attached:
                    # A table lock does not fix the transaction's snapshot (the first read does), so
                    # the bump below always sees the latest commit instead of failing to serialise.
                    cursor.execute(f"CALL postgres_execute('{SERVER_CATALOG}', "
                                   "'LOCK TABLE meta IN SHARE ROW EXCLUSIVE MODE')")
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
        for table in TABLES:
            columns = ", ".join(f"{_ident(c.name)} {_sql_type(table, c.name)}" for c in table.columns)
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {_ident(table.name)} ({columns}, upload_id BIGINT)")
            # The versions of rows an upload replaced, so that the upload can be undone.
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {_history(table)} ({columns}, upload_id BIGINT, replaced_by BIGINT)"
            )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS uploads (upload_id BIGINT PRIMARY KEY, uploaded_by VARCHAR, "
            "uploaded_at TIMESTAMP, file_names VARCHAR, row_counts VARCHAR, undone_at TIMESTAMP, undone_by VARCHAR)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS upload_files (upload_id BIGINT, file_name VARCHAR, sha256 VARCHAR, "
            "size_bytes BIGINT, content BLOB)"
        )
        cursor.execute("DELETE FROM meta WHERE key = 'schema_version'")
        cursor.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])

    def data_version(self) -> int:
        return self._cursor().execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]

    def read_table(self, name: str) -> pd.DataFrame:
        return self._read(self._cursor(), name)

    @staticmethod
    def _read(cursor, name: str) -> pd.DataFrame:
        table = TABLES_BY_NAME[name]
        columns = ", ".join(_ident(c) for c in table.column_names)
        order = ", ".join(_ident(k) for k in table.key)
        return cursor.execute(f"SELECT {columns} FROM {_ident(name)} ORDER BY {order}").df()

    def read_tables(self) -> dict[str, pd.DataFrame]:
        """Every table from one snapshot, so a page never mixes tables from before and after a commit."""
        cursor = self._cursor()
        cursor.begin()
        try:
            return {table.name: self._read(cursor, table.name) for table in TABLES}
        finally:
            _rollback_quietly(cursor)

    def row_counts(self) -> dict[str, int]:
        cursor = self._cursor()
        return {t.name: cursor.execute(f"SELECT count(*) FROM {_ident(t.name)}").fetchone()[0] for t in TABLES}

    def uploads(self) -> pd.DataFrame:
        return self._cursor().execute(
            "SELECT u.upload_id, u.uploaded_by, u.uploaded_at, f.file_name, f.sha256, f.size_bytes, u.row_counts, "
            "u.undone_at, u.undone_by FROM uploads u JOIN upload_files f USING (upload_id) "
            "ORDER BY u.upload_id DESC, f.file_name"
        ).df()

    def upload_file(self, upload_id: int, file_name: str) -> bytes:
        """The original bytes of an uploaded file, as they were received."""
        row = self._cursor().execute(
            "SELECT content FROM upload_files WHERE upload_id = ? AND file_name = ?", [upload_id, file_name]
        ).fetchone()
        if row is None:
            raise StoreError(f"upload {upload_id} holds no file {file_name}")
        return row[0]

    def uploads_of_file(self, sha256: str) -> pd.DataFrame:
        """Earlier uploads of a file with these exact bytes (newest first)."""
        return self._cursor().execute(
            "SELECT u.upload_id, u.uploaded_by, u.uploaded_at, f.file_name, u.undone_at FROM uploads u "
            "JOIN upload_files f USING (upload_id) WHERE f.sha256 = ? ORDER BY u.upload_id DESC", [sha256]
        ).df()

    def undo_upload(self, upload_id: int, undone_by: str) -> dict[str, int]:
        """Put back every row as it was before the upload, in one transaction; rows per table restored
        or removed. Refused when a later upload changed the same rows (undo that one first)."""
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
                target, columns = _ident(table.name), ", ".join(_ident(c) for c in table.column_names)
                removed = cursor.execute(f"SELECT count(*) FROM {target} WHERE upload_id = ?", [upload_id]).fetchone()[0]
                cursor.execute(f"DELETE FROM {target} WHERE upload_id = ?", [upload_id])
                cursor.execute(
                    f"INSERT INTO {target} ({columns}, upload_id) SELECT {columns}, upload_id "
                    f"FROM {_history(table)} WHERE replaced_by = ?", [upload_id],
                )
                cursor.execute(f"DELETE FROM {_history(table)} WHERE replaced_by = ?", [upload_id])
                if removed:
                    restored[table.name] = removed
            cursor.execute("UPDATE uploads SET undone_at = ?, undone_by = ? WHERE upload_id = ?",
                           [_now(), undone_by, upload_id])
            return restored

        return self.write(restore)

    def apply_upload(
        self, frames: dict[str, tuple[pd.DataFrame, list[str]]], files: list[UploadedFile], uploaded_by: str,
        dry_run: bool = False,
    ) -> dict[str, TableChange]:
        """Store each table's rows (frame, columns the files supplied) in one transaction.

        Columns the files do not supply keep their stored values. Nothing is written, not even the
        upload record, when no row differs from what is stored, or on a dry run.
        """
        def store_rows(cursor) -> dict[str, TableChange]:
            upload_id = cursor.execute("SELECT coalesce(max(upload_id), 0) + 1 FROM uploads").fetchone()[0]
            changes = {
                name: self._merge(cursor, TABLES_BY_NAME[name], frame, present, upload_id)
                for name, (frame, present) in frames.items()
            }
            if dry_run or not any(change.changed for change in changes.values()):
                raise Rollback(changes)
            row_counts = {name: change.changed for name, change in changes.items()}
            cursor.execute(
                "INSERT INTO uploads VALUES (?, ?, ?, ?, ?, NULL, NULL)",
                [upload_id, uploaded_by, _now(), ", ".join(f.file_name for f in files), json.dumps(row_counts)],
            )
            for file in files:
                cursor.execute("INSERT INTO upload_files VALUES (?, ?, ?, ?, ?)",
                               [upload_id, file.file_name, file.sha256, len(file.content), file.content])
            return changes

        return self.write(store_rows)

    @staticmethod
    def _merge(cursor, table: Table, frame: pd.DataFrame, present: list[str], upload_id: int) -> TableChange:
        target = _ident(table.name)
        staged = frame[present].copy()
        for column in present:
            if table.column(column).kind == DATE:
                staged[column] = pd.to_datetime(staged[column])
        cursor.register("staged_rows", staged)
        join = " AND ".join(
            f"t.{_ident(k)} = CAST(s.{_ident(k)} AS {_sql_type(table, k)})" for k in table.key
        )
        projection = []
        for column in table.columns:
            name = _ident(column.name)
            value = f"CAST(s.{name} AS {_sql_type(table, column.name)})" if column.name in present else f"t.{name}"
            if column.default is not None:
                value = f"coalesce({value}, {_literal(column.default)})"
            projection.append(f"{value} AS {name}")
        all_columns = ", ".join(_ident(c) for c in table.column_names)
        cursor.execute(
            f"CREATE OR REPLACE TEMP TABLE incoming AS SELECT {', '.join(projection)} "
            f"FROM staged_rows s LEFT JOIN {target} t ON {join}"
        )
        cursor.unregister("staged_rows")
        cursor.execute(
            f"CREATE OR REPLACE TEMP TABLE changed AS SELECT * FROM incoming EXCEPT SELECT {all_columns} FROM {target}"
        )
        key_match = " AND ".join(f"c.{_ident(k)} = t.{_ident(k)}" for k in table.key)
        total = cursor.execute("SELECT count(*) FROM incoming").fetchone()[0]
        changed = cursor.execute("SELECT count(*) FROM changed").fetchone()[0]
        updated = cursor.execute(
            f"SELECT count(*) FROM changed c WHERE EXISTS (SELECT 1 FROM {target} t WHERE {key_match})"
        ).fetchone()[0]
        if changed:
            cursor.execute(
                f"INSERT INTO {_history(table)} SELECT t.*, ? FROM {target} t "
                f"WHERE EXISTS (SELECT 1 FROM changed c WHERE {key_match})", [upload_id],
            )
            cursor.execute(f"DELETE FROM {target} t WHERE EXISTS (SELECT 1 FROM changed c WHERE {key_match})")
            cursor.execute(f"INSERT INTO {target} ({all_columns}, upload_id) SELECT {all_columns}, ? FROM changed",
                           [upload_id])
        cursor.execute("DROP TABLE incoming")
        cursor.execute("DROP TABLE changed")
        return TableChange(inserted=changed - updated, updated=updated, unchanged=total - changed)


def _literal(value: object) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)
