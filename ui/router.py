"""The one place that touches Streamlit's private "pages/ is an old-style pages folder" flag.

Streamlit sets `PagesManager.uses_pages_directory` when a folder named pages/ sits beside the main
script, and until some session has called st.navigation it runs a deep-linked page (/presenter,
/team?team=Sales) on its own, without app.py's router and shared filters. The folder keeps its name
(the layout contract calls it pages/), so the flag is switched off here; tests/test_router.py fails
loudly if a Streamlit upgrade renames or drops it."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def declare_router() -> None:
    """Tell Streamlit that app.py routes with st.navigation."""
    PagesManager.uses_pages_directory = False


def ensure_router() -> None:
    """Every page reaches the store or the filters through here: when Streamlit still takes pages/ for
    an old-style pages folder, switch it over and run again, through the router."""
    if PagesManager.uses_pages_directory:
        declare_router()
        st.rerun()


def routed_pages_manager() -> type[PagesManager]:
    """A PagesManager that knows from its first run that app.py routes, as a server does once the router
    has run: AppTest resets the flag before every run, and without this each run after switch_page
    would go through ensure_router's rerun (and lose a button click in it)."""

    class RoutedPagesManager(PagesManager):
        def __init__(self, *args, **kwargs):
            declare_router()
            super().__init__(*args, **kwargs)

    return RoutedPagesManager
