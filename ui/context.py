"""What every page needs: the store (one handle per process), the data, the review snapshot."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics.review import ReviewSnapshot, review_snapshot
from store.database import Store, StoreError, database_target


@st.cache_resource(show_spinner=False)
def _store(target: str) -> Store:
    return Store.open(target)


def ensure_router() -> None:
    """Until some session has called st.navigation, Streamlit treats pages/ as an old-style pages
    folder and runs a deep-linked page (/presenter, /team?team=Sales) without app.py, so without the
    shared filters. every page reaches the store or the filters through here: switch Streamlit over and run again."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def store() -> Store:
    ensure_router()
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
def _snapshot(target: str, data_version: int, as_of: dt.date, period: str | None) -> ReviewSnapshot:
    return review_snapshot(_tables(target, data_version), as_of, period)


def snapshot(as_of: dt.date, period: str | None = None) -> ReviewSnapshot:
    """Every KR, objective, team and company objective of the review, unfiltered."""
    return _snapshot(database_target(), store().data_version(), as_of, period)
