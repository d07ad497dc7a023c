"""What every page needs: the store (one handle per process), the data, the review snapshot.

The handle holds no connection between operations on a DuckDB file (store.database.SharedStore), so
the command line can read and write the file while the app is serving: each page run asks the data
version (cheap: the file is opened only when it changed on disk) and the tables are read again only
when it moved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from analytics.alignment import Alignment, alignment
from analytics.lint import quality_report
from analytics.retrospective import Retrospective, retrospective
from analytics.review import ReviewSnapshot, review_snapshot
from store.database import SharedStore, Store, StoreError, database_target, shared_store
from ui.router import ensure_router

Kept = TypeVar("Kept")


@st.cache_resource(show_spinner=False)
def _store(target: str) -> Store | SharedStore:
    return shared_store(target)


def store() -> Store | SharedStore:
    ensure_router()
    try:
        return _store(database_target())
    except StoreError as exc:
        _cannot_open(exc)


def _cannot_open(exc: StoreError):
    st.error(f"The OKR database cannot be opened: {exc}")
    st.stop()


def data_version() -> int:
    """The stored data's version, which every cache below is keyed on (a CLI ingest moves it too)."""
    handle = store()
    try:
        return handle.data_version()
    except StoreError as exc:  # the file stayed locked by another program, or was damaged since
        _cannot_open(exc)


@st.cache_resource(show_spinner="Loading OKR data…", max_entries=4)
def _stored_tables(target: str, data_version: int) -> dict[str, pd.DataFrame]:
    return _store(target).read_tables()


def _tables(target: str, data_version: int) -> dict[str, pd.DataFrame]:
    """The stored tables, read once per data version and shared by every session without the copy
    st.cache_data makes on each run (40 ms for half a million check-ins). Each caller gets its own
    shallow copies: with pandas' copy-on-write, changing one never changes the shared frames."""
    return {name: frame.copy(deep=False) for name, frame in _stored_tables(target, data_version).items()}


def tables() -> dict[str, pd.DataFrame]:
    """All stored tables, re-read only when an ingest has changed the data."""
    return _tables(database_target(), data_version())


@st.cache_data(show_spinner="Computing progress…", max_entries=16)
def _snapshot(target: str, data_version: int, as_of: dt.date, period: str | None) -> ReviewSnapshot:
    return review_snapshot(_tables(target, data_version), as_of, period)


def snapshot(as_of: dt.date, period: str | None = None) -> ReviewSnapshot:
    """Every KR, objective, team and company objective of the review, unfiltered."""
    return _snapshot(database_target(), data_version(), as_of, period)


# The heavier page analyses, cached like the snapshot: recomputed only when an ingest changed the data.
@st.cache_data(show_spinner="Checking the OKRs…", max_entries=8)
def _quality(target: str, data_version: int, objective_ids: tuple[str, ...]):
    return quality_report(_tables(target, data_version), objective_ids)


def quality(objective_ids) -> tuple[pd.DataFrame, pd.DataFrame]:
    """analytics.lint.quality_report of the stored OKRs: (findings, scores) of these objectives."""
    return _quality(database_target(), data_version(), tuple(objective_ids))


@st.cache_data(show_spinner="Mapping the alignment…", max_entries=8)
def _alignment(target: str, data_version: int, as_of: dt.date, period: str | None, teams: tuple[str, ...] | None):
    return alignment(
        _snapshot(target, data_version, as_of, period),
        _tables(target, data_version)["key_results"],
        list(teams) if teams is not None else None,
    )


def alignment_view(as_of: dt.date, period: str | None, teams: tuple[str, ...] | None) -> Alignment:
    """analytics.alignment.alignment of the review at `as_of` (whole company or these teams)."""
    return _alignment(database_target(), data_version(), as_of, period, teams)


@st.cache_data(show_spinner="Scoring the quarter…", max_entries=8)
def _retrospective(target: str, data_version: int, quarter: str, as_of: dt.date) -> Retrospective:
    return retrospective(_tables(target, data_version), quarter, as_of)


def retrospective_view(quarter: str, as_of: dt.date) -> Retrospective:
    """analytics.retrospective.retrospective of `quarter` as seen at `as_of`."""
    return _retrospective(database_target(), data_version(), quarter, as_of)


@st.cache_resource(show_spinner=False, max_entries=32)
def _kept(target: str, data_version: int, name: str, key: tuple, _build: Callable[[], Kept]) -> Kept:
    return _build()


def kept_per_version(name: str, key: tuple, build: Callable[[], Kept]) -> Kept:
    """`build()` kept per data version, `name` and `key` (what else it depends on), shared by every
    session as it is, not copied: for Plotly figures, which nobody changes once built, and whose build
    (Plotly checks every property) took tens of milliseconds on each visit at 200 teams."""
    return _kept(database_target(), data_version(), name, key, build)
