"""Streamlit glue shared by the pages: the cached store, the as-of control, session-state keys."""
