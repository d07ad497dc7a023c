"""Saved back-calculation scenarios, and publishing a plan's targets into company targets.

A scenario is stored as the JSON object the backcalc CLI reads (analytics.funnel
Scenario.to_dict), under a unique name; callers validate it before saving. The `scenarios` table
is created by the first save, so databases built before it existed keep working. Every write
goes through Store.write (one transaction, retried on a write conflict). Publishing goes through
Store.apply_upload, so it is recorded like an upload (who, when, the scenario JSON as the file)
and bumps the data version that caches key on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TypeVar

import duckdb
import pandas as pd

from store.database import Store, StoreError, TableChange, UploadedFile, utc_now
from store.schema import COMPANY_TARGETS

T = TypeVar("T")
SCENARIO_COLUMNS = ("name", "saved_by", "saved_at")
MAX_NAME_LENGTH = 80

_CREATE = 'CREATE TABLE IF NOT EXISTS scenarios (name VARCHAR, "json" VARCHAR, saved_by VARCHAR, saved_at TIMESTAMP)'


def _clean_name(name: str) -> str:
    cleaned = name.strip() if isinstance(name, str) else ""
    if not cleaned:
        raise StoreError("a scenario needs a name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise StoreError(f"a scenario name has at most {MAX_NAME_LENGTH} characters, got {len(cleaned)}")
    return cleaned


def _write(store: Store, statements: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run `statements(cursor)` as one write of the store, creating the table first if needed."""

    def work(cursor):
        cursor.execute(_CREATE)
        return statements(cursor)

    return store.write(work)


def _exists(cursor, name: str) -> bool:
    return cursor.execute("SELECT count(*) FROM scenarios WHERE name = ?", [name]).fetchone()[0] > 0


def list_scenarios(store: Store) -> pd.DataFrame:
    """Saved scenarios (SCENARIO_COLUMNS), by name; none before the first save created the table."""
    try:
        return store.read(
            lambda cursor: cursor.execute(
                "SELECT name, saved_by, saved_at FROM scenarios ORDER BY lower(name), name"
            ).df()
        )
    except duckdb.CatalogException:
        return pd.DataFrame(columns=list(SCENARIO_COLUMNS))


def load_scenario(store: Store, name: str) -> dict:
    """The JSON object of a saved scenario; StoreError when there is none of that name."""
    try:
        row = store.read(
            lambda cursor: cursor.execute('SELECT "json" FROM scenarios WHERE name = ?', [name]).fetchone()
        )
    except duckdb.CatalogException:
        row = None
    if row is None:
        raise StoreError(f'there is no saved scenario named "{name}"')
    return json.loads(row[0])


def save_scenario(store: Store, name: str, scenario: Mapping, saved_by: str) -> bool:
    """Store `scenario` (its JSON object) under `name`, replacing a scenario of that name; True if
    one was replaced."""
    name = _clean_name(name)
    text = json.dumps(dict(scenario), allow_nan=False)

    def statements(cursor) -> bool:
        replaced = _exists(cursor, name)
        cursor.execute("DELETE FROM scenarios WHERE name = ?", [name])
        cursor.execute("INSERT INTO scenarios VALUES (?, ?, ?, ?)", [name, text, saved_by, utc_now()])
        return replaced

    return _write(store, statements)


def rename_scenario(store: Store, old_name: str, new_name: str) -> None:
    """Give a saved scenario another name, which no other scenario may have."""
    new_name = _clean_name(new_name)

    def statements(cursor) -> None:
        if not _exists(cursor, old_name):
            raise StoreError(f'there is no saved scenario named "{old_name}"')
        if new_name != old_name and _exists(cursor, new_name):
            raise StoreError(f'a scenario named "{new_name}" exists already; delete it or pick another name')
        cursor.execute("UPDATE scenarios SET name = ? WHERE name = ?", [new_name, old_name])

    _write(store, statements)


def delete_scenario(store: Store, name: str) -> None:
    def statements(cursor) -> None:
        if not _exists(cursor, name):
            raise StoreError(f'there is no saved scenario named "{name}"')
        cursor.execute("DELETE FROM scenarios WHERE name = ?", [name])

    _write(store, statements)


def publish_targets(
    store: Store, targets: pd.DataFrame, scenario: Mapping, scenario_name: str, published_by: str
) -> dict[str, TableChange]:
    """Write `targets` (period, metric, start_value, target_value) into company targets in one
    transaction, recorded as an upload of the scenario's JSON; rows already stored as they are
    change nothing, and nothing at all is recorded when no row changes."""
    columns = list(COMPANY_TARGETS.column_names)
    missing = set(columns) - set(targets.columns)
    if missing:
        raise StoreError(f"targets to publish lack the column(s) {', '.join(sorted(missing))}")
    content = json.dumps({"name": scenario_name, **dict(scenario)}, indent=1, allow_nan=False).encode("utf-8")
    file = UploadedFile(f"scenario {_clean_name(scenario_name)}.json", content)
    return store.apply_upload({COMPANY_TARGETS.name: (targets.loc[:, columns], columns)}, [file], published_by)
