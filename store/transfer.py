"""Copy a whole database to another (a local file to a PostgreSQL server, or back) and prove the copy.

Every table is copied, whichever module created it: the data tables, their *_history tables,
uploads, upload_files (the original files), meta and tables made on first use (e.g. scenarios).
The copy is one write of the target (Store.write: one transaction), so a reader of the target sees
all of it or none of it. The proof is a fingerprint per table that DuckDB computes the same way on
both sides, whether the table lives in a DuckDB file or on an ATTACHed PostgreSQL server: the row
count and the sum of a hash of every row (order-independent; a changed, missing or extra row
changes it).
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from store.database import Store, StoreError, is_server_url, quoted_identifier

META = "meta"
DATA_VERSION = "data_version"  # the target's own write counter: it only moves forward (see copy_database)
SOURCE_ROWS = "source_rows"  # the name the rows being copied are registered under


@dataclass(frozen=True)
class Fingerprint:
    rows: int
    checksum: int  # sum of hash(row) over the rows; 0 for an empty or absent table


@dataclass(frozen=True)
class TableComparison:
    table: str
    source: Fingerprint
    target: Fingerprint

    @property
    def matches(self) -> bool:
        return self.source == self.target


class TargetNotEmpty(StoreError):
    """The target already holds data; copying over it needs an explicit replace."""


def table_names(cursor) -> list[str]:
    """The tables of the store's database (the local file, or the server's public schema)."""
    return [
        row[0]
        for row in cursor.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = current_schema() ORDER BY table_name"
        ).fetchall()
    ]


def table_columns(cursor, table: str) -> dict[str, str]:
    """Column name → DuckDB type, in table order."""
    return dict(
        cursor.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = current_schema() AND table_name = ? ORDER BY column_index",
            [table],
        ).fetchall()
    )


def _compared_rows(table: str) -> str:
    # The data version counts the writes of each database; it is not data, so it is not compared.
    return f" WHERE key <> '{DATA_VERSION}'" if table == META else ""


def fingerprint(cursor, table: str) -> Fingerprint:
    columns = sorted(table_columns(cursor, table))  # by name, so the physical column order does not matter
    row_hash = f"hash({', '.join(quoted_identifier(c) for c in columns)})"
    rows, checksum = cursor.execute(
        f"SELECT count(*), coalesce(sum({row_hash}), 0) FROM {quoted_identifier(table)}{_compared_rows(table)}"
    ).fetchone()
    return Fingerprint(rows, int(checksum))


def fingerprints(store: Store) -> dict[str, Fingerprint]:
    """Every table's fingerprint, read in one transaction (one consistent state of the database)."""
    cursor = store._cursor()
    cursor.begin()
    try:
        return {table: fingerprint(cursor, table) for table in table_names(cursor)}
    finally:
        cursor.rollback()  # nothing was written; ends the read transaction


def compare(source: Store, target: Store) -> list[TableComparison]:
    """Each table's fingerprint on both sides; an absent table holds the same data as an empty one."""
    before, after = fingerprints(source), fingerprints(target)
    empty = Fingerprint(0, 0)
    return [
        TableComparison(name, before.get(name, empty), after.get(name, empty))
        for name in sorted(before.keys() | after.keys())
    ]


def open_source(target: str) -> Store:
    """The database to copy from. A DuckDB file is opened read-only: never changed, not even by a
    schema upgrade, and readable without write permission. A server database opens as the app
    opens it."""
    if is_server_url(target):
        return Store.open(target)
    if not pathlib.Path(target).is_file():
        raise StoreError(f"{target}: no such database file")
    try:
        return Store(duckdb.connect(target, read_only=True))
    except duckdb.Error as exc:
        raise StoreError(
            f"the database {target} cannot be opened for reading (is the app or an ingest writing to it?): {exc}"
        ) from exc


@dataclass(frozen=True)
class _SourceTable:
    columns: dict[str, str]
    rows: pa.Table


def _read_source(source: Store) -> dict[str, _SourceTable]:
    """Every table of the source, read in one transaction so the copy is one state of it."""
    cursor = source._cursor()
    cursor.begin()
    try:
        return {
            table: _SourceTable(
                table_columns(cursor, table),
                cursor.execute(f"SELECT * FROM {quoted_identifier(table)}").to_arrow_table(),
            )
            for table in table_names(cursor)
        }
    finally:
        cursor.rollback()


def copy_database(source: Store, target: Store, replace: bool = False) -> dict[str, int]:
    """Copy every table of `source` into `target` in one transaction; rows copied per table.

    A target holding any row (other than its meta rows) is refused unless `replace`, which first
    empties every table of the target. The target's data version ends above both its own earlier
    value and the source's, so no app cache keyed on an earlier version can be taken for the copy.
    """
    tables = _read_source(source)

    def copy(cursor) -> dict[str, int]:
        present = table_names(cursor)
        holding = [
            t
            for t in present
            if t != META and cursor.execute(f"SELECT count(*) FROM {quoted_identifier(t)}").fetchone()[0]
        ]
        if holding and not replace:
            raise TargetNotEmpty(
                f"the target already holds data (tables {', '.join(holding)}); copy over it with --replace"
            )
        for name in holding:
            cursor.execute(f"DELETE FROM {quoted_identifier(name)}")
        copied = {}
        for name, table in tables.items():
            if name == META:
                continue
            if name not in present:
                definition = ", ".join(f"{quoted_identifier(c)} {kind}" for c, kind in table.columns.items())
                cursor.execute(f"CREATE TABLE {quoted_identifier(name)} ({definition})")
            elif set(table_columns(cursor, name)) != set(table.columns):
                raise StoreError(
                    f"table {name} has columns {', '.join(table_columns(cursor, name))} on the target but "
                    f"{', '.join(table.columns)} on the source; both must be built by the same version of the app"
                )
            columns = ", ".join(quoted_identifier(c) for c in table.columns)
            cursor.register(SOURCE_ROWS, table.rows)
            cursor.execute(f"INSERT INTO {quoted_identifier(name)} ({columns}) SELECT {columns} FROM {SOURCE_ROWS}")
            cursor.unregister(SOURCE_ROWS)
            copied[name] = table.rows.num_rows
        meta = tables[META].rows.to_pydict()
        source_meta = dict(zip(meta["key"], meta["value"]))
        cursor.execute(f"DELETE FROM meta WHERE key <> '{DATA_VERSION}'")
        for key, value in source_meta.items():
            if key != DATA_VERSION:
                cursor.execute("INSERT INTO meta VALUES (?, ?)", [key, value])
        cursor.execute(
            f"UPDATE meta SET value = greatest(value, ?) WHERE key = '{DATA_VERSION}'",
            [source_meta.get(DATA_VERSION, 0)],
        )
        copied[META] = len(source_meta) - (DATA_VERSION in source_meta)
        return copied

    return target.write(copy)
