"""How the pages' tables look: one date format, one key-result column, one height rule, so that every
table reads the same on the shared screen."""

from __future__ import annotations

import streamlit as st

DATE_FORMAT = "D MMM YYYY"
HEADER_PX = 38
ROW_PX = 35
# Streamlit wraps cell text only in rows taller than 4rem (64 px).
WRAPPED_ROW_PX = 66


def table_height(rows: int, most: int | None = None, row_px: int = ROW_PX) -> int:
    """The height in pixels that shows `rows` rows (at most `most`, scrolling beyond) and the header,
    at least one row so that an empty table still shows its header."""
    shown = max(rows, 1) if most is None else min(max(rows, 1), most)
    return HEADER_PX + row_px * shown


def key_result_column(width: str = "medium"):
    """The column of key result titles."""
    return st.column_config.TextColumn("Key result", width=width)
