"""What every page needs: the store (one handle per process), the data, the as-of date."""
from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import streamlit as st

from analytics.review import ReviewSnapshot, default_as_of, review_snapshot
from store.database import Store, StoreError, database_target
from ui import state


@st.cache_resource(show_spinner=False)
def _store(target: str) -> Store:
    return Store.open(target)


def store() -> Store:
    try:
        return _store(database_target())
    except StoreError as exc:
        st.error(f"The OKR database cannot be opened: {exc}")
        st.stop()


@st.cache_data(show_spinner="Loading OKR data…", max_entries=4)
def _tables(target: str, data_version: int) -> dict[str, pd.DataFrame]:
    return _store(target).read_tables()


def tables() -> dict[str, pd.DataFrame]:
    """All stored tables, re-read only when an ingest has changed the data."""
    return _tables(database_target(), store().data_version())


@st.cache_data(show_spinner="Computing progress…", max_entries=16)
def _snapshot(target: str, data_version: int, as_of: dt.date) -> ReviewSnapshot:
    return review_snapshot(_tables(target, data_version), as_of)


def snapshot(as_of: dt.date) -> ReviewSnapshot:
    return _snapshot(database_target(), store().data_version(), as_of)


def _default_as_of() -> dt.date:
    configured = os.environ.get("OKR_AS_OF")
    if configured:
        return dt.date.fromisoformat(configured)
    return default_as_of(dt.date.today(), tables()["check_ins"]["date"].max()).date()


def as_of_control() -> dt.date:
    """The review's as-of date: sidebar control, kept in the URL so a link opens the same view."""
    if state.AS_OF not in st.session_state:
        from_url = st.query_params.get(state.AS_OF)
        try:
            st.session_state[state.AS_OF] = dt.date.fromisoformat(from_url) if from_url else _default_as_of()
        except ValueError:
            st.warning(f'The link\'s as_of "{from_url}" is not a date (YYYY-MM-DD); showing the default.')
            st.session_state[state.AS_OF] = _default_as_of()
    as_of = st.sidebar.date_input("As of", key=state.AS_OF, format="YYYY-MM-DD",
                                  help="Progress, pacing, status and overdue are measured at this date.")
    st.query_params[state.AS_OF] = as_of.isoformat()
    return as_of


def current_as_of() -> dt.date:
    """The as-of date set by the router's control for this run."""
    return st.session_state[state.AS_OF]
