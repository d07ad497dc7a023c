"""How the pages' tables look: one date format, one key-result column, one height rule and one way to
show a missing value, so that every table reads the same on
the shared screen."""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd
import streamlit as st

DATE_FORMAT = "D MMM YYYY"
# DATE_FORMAT as strftime writes it, for dates shown as text.
DATE_TEXT_FORMAT = "%-d %b %Y"
HEADER_PX = 38
ROW_PX = 35
# Streamlit wraps cell text only in rows taller than 4rem (64 px).
WRAPPED_ROW_PX = 66
# st.dataframe writes a missing value as a grey "None"; tables write this instead.
MISSING_TEXT = "—"


def table_height(rows: int, most: int | None = None, row_px: int = ROW_PX) -> int:
    """The height in pixels that shows `rows` rows (at most `most`, scrolling beyond) and the header,
    at least one row so that an empty table still shows its header."""
    shown = max(rows, 1) if most is None else min(max(rows, 1), most)
    return HEADER_PX + row_px * shown


def key_result_column(width: str = "medium"):
    """The column of key result titles."""
    return st.column_config.TextColumn("Key result", width=width)


def shown_text(value: object) -> str:
    """A cell as the tables write it: "—" when missing, a date as "31 May 2027", a number without
    trailing zeros ("85", "0.25", "1,200")."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return MISSING_TEXT
    if isinstance(value, dt.date):
        return value.strftime(DATE_TEXT_FORMAT)
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        return f"{value:,.10g}"
    text = str(value).strip()
    return text or MISSING_TEXT


def with_missing_shown(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of `frame` whose `columns` are text written by shown_text, so that a missing value reads
    "—" instead of "None" (show those columns as TextColumn: their dates and numbers are now text)."""
    return frame.assign(**{column: [shown_text(value) for value in frame[column]] for column in columns})
