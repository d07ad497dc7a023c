"""Dates and periods: one way to read a date, and the bounds of OKR periods.

Inputs reach analytics as datetime64 columns, python dates or ISO strings depending on where they
came from (DuckDB, a workbook, a URL parameter); `as_dates` turns all of them into pandas
Timestamps at midnight so that comparisons and day counts never depend on the source.
"""
from __future__ import annotations

import functools
import re

import pandas as pd

_PERIOD_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>\d{2})))?$")


def as_dates(values):
    """Normalise a date, or a Series of dates, to Timestamps at midnight (missing → NaT)."""
    if isinstance(values, pd.Series):
        return pd.to_datetime(values, format="ISO8601").dt.normalize()
    if values is None or pd.isna(values):
        return pd.NaT
    return pd.Timestamp(values).normalize()


@functools.lru_cache(maxsize=4096)  # a few distinct periods, asked for once per row by callers
def period_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a period written `YYYY`, `YYYY-Qn` or `YYYY-MM`."""
    match = _PERIOD_PATTERN.match(str(period).strip().upper())
    if match is None:
        raise ValueError(f"period {period!r} is not a year, quarter or month (use 2027, 2027-Q2 or 2027-05)")
    year = int(match["year"])
    if match["quarter"]:
        first_month, months = 3 * int(match["quarter"]) - 2, 3
    elif match["month"]:
        first_month, months = int(match["month"]), 1
        if not 1 <= first_month <= 12:
            raise ValueError(f"period {period!r} has no month {first_month:02d} (use 01 to 12)")
    else:
        first_month, months = 1, 12
    start = pd.Timestamp(year=year, month=first_month, day=1)
    return start, month_end(start + pd.DateOffset(months=months - 1))


def period_starts(periods: pd.Series) -> pd.Series:
    """First day of each period in a Series (missing periods → NaT); parses each distinct period once."""
    distinct = periods.dropna().unique()
    return periods.map({period: period_bounds(period)[0] for period in distinct}).astype("datetime64[us]")


def month_end(d) -> pd.Timestamp:
    """Last day of the month of `d`."""
    return as_dates(d) + pd.offsets.MonthEnd(0)


def last_month_end(today) -> pd.Timestamp:
    """The last month-end on or before `today` (the default as-of date of the monthly review)."""
    today = as_dates(today)
    return today if today.is_month_end else today - pd.offsets.MonthEnd(1)
