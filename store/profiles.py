"""Column-mapping profiles: how the sheets of a file with given headers are read, saved by name on the
Upload page and applied by itself the next time a file with the same headers arrives.

A profile is the mapping file's TOML text (loaders.mapping.FileMapping.to_toml) under a unique name,
keyed by the header signature of the file it was made for (loaders.mapping.header_signature), with
who saved it and when. One profile per signature: saving a profile for headers that already have one
replaces it (as does saving under a name in use). Like `scenarios`, the `mapping_profiles` table is
created by the first save, so databases made before it keep working, and every write goes through
Store.write (one transaction, retried on a write conflict).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from store.database import Store, StoreError, utc_now

PROFILE_COLUMNS = ("name", "signature", "saved_by", "saved_at")
MAX_NAME_LENGTH = 80

_CREATE = (
    "CREATE TABLE IF NOT EXISTS mapping_profiles (name VARCHAR, signature VARCHAR, mapping VARCHAR, "
    "saved_by VARCHAR, saved_at TIMESTAMP)"
)


@dataclass(frozen=True)
class Profile:
    name: str
    signature: str
    mapping: str  # TOML, as loaders.mapping.FileMapping.from_toml reads it
    saved_by: str
    saved_at: dt.datetime


def clean_name(name: object) -> str:
    cleaned = " ".join(name.split()) if isinstance(name, str) else ""
    if not cleaned:
        raise StoreError("a profile needs a name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise StoreError(f"a profile name has at most {MAX_NAME_LENGTH} characters, got {len(cleaned)}")
    return cleaned


def save_profile(store: Store, name: str, signature: str, mapping: str, saved_by: str) -> list[str]:
    """Store `mapping` (TOML) as the profile `name` for files whose headers have `signature`, in one
    transaction; the names of the profiles it replaced (the one of that name, the one of those headers)."""
    name = clean_name(name)
    if not signature:
        raise StoreError("a profile needs the header signature of the file it reads")

    def work(cursor) -> list[str]:
        cursor.execute(_CREATE)
        replaced = [
            row[0]
            for row in cursor.execute(
                "SELECT name FROM mapping_profiles WHERE name = ? OR signature = ? ORDER BY name", [name, signature]
            ).fetchall()
        ]
        cursor.execute("DELETE FROM mapping_profiles WHERE name = ? OR signature = ?", [name, signature])
        cursor.execute(
            "INSERT INTO mapping_profiles VALUES (?, ?, ?, ?, ?)", [name, signature, mapping, saved_by, utc_now()]
        )
        return replaced

    return store.write(work)


def profile_for(store: Store, signature: str) -> Profile | None:
    """The profile saved for files whose headers have `signature`; None when there is none (or no
    profile was ever saved)."""
    try:
        row = store.read(
            lambda cursor: cursor.execute(
                "SELECT name, signature, mapping, saved_by, saved_at FROM mapping_profiles WHERE signature = ? "
                "ORDER BY saved_at DESC LIMIT 1",
                [signature],
            ).fetchone()
        )
    except duckdb.CatalogException:
        return None
    return None if row is None else Profile(*row)


def list_profiles(store: Store) -> pd.DataFrame:
    """Saved profiles (PROFILE_COLUMNS), by name; none before the first save created the table."""
    try:
        return store.read(
            lambda cursor: cursor.execute(
                "SELECT name, signature, saved_by, saved_at FROM mapping_profiles ORDER BY lower(name), name"
            ).df()
        )
    except duckdb.CatalogException:
        return pd.DataFrame(columns=list(PROFILE_COLUMNS))
