"""Dates and periods: one way to read a date, and the bounds of OKR periods.

Inputs reach analytics as datetime64 columns, python dates or ISO strings depending on where they
came from (DuckDB, a workbook, a URL parameter); `as_dates` turns all of them into pandas
Timestamps at midnight so that comparisons and day counts never depend on the source.
"""

from __future__ import annotations

import functools
import os
import re

import pandas as pd

# The stored forms of a period: a year `2027`, a quarter `2027-Q2`, a half `2027-H1`, a month
# `2027-05`, or a run of months `2025-08..2025-10` (a fiscal quarter, half or year that is not a
# calendar one). `normalise_period` turns the spellings people use into these.
_PERIOD_PATTERN = re.compile(
    r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|H(?P<half>[12])"
    r"|(?P<month>\d{2})(?:\.\.(?P<last_year>\d{4})-(?P<last_month>\d{2}))?))?$"
)
PERIOD_SPELLINGS = (
    "2027-Q2, Q2 2027, 2027 Q2, Q3 FY27, FY27 Q3, 2027-H1, H1 2027, 2027, FY 2027, Annual 2027, 2027-05, May 2027"
)
MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_SEP = r"[\s\-_/,.]*"
_YEAR = r"(?P<year>\d{4})"
_FISCAL = r"FY" + _SEP + r"(?P<fiscal>\d{4}|\d{2})"
_QUARTER = r"Q(?P<quarter>[1-4])"
_HALF = r"H(?P<half>[12])"
_SPELLINGS = [
    re.compile(f"^{pattern}$")
    for pattern in (
        _YEAR,
        f"(?:ANNUAL|YEAR|FULL{_SEP}YEAR|CY){_SEP}{_YEAR}",
        f"{_YEAR}{_SEP}(?:ANNUAL|FULL{_SEP}YEAR)",
        _FISCAL,
        f"{_QUARTER}{_SEP}{_YEAR}",
        f"{_YEAR}{_SEP}{_QUARTER}",
        f"{_QUARTER}{_SEP}{_FISCAL}",
        f"{_FISCAL}{_SEP}{_QUARTER}",
        f"{_HALF}{_SEP}{_YEAR}",
        f"{_YEAR}{_SEP}{_HALF}",
        f"{_HALF}{_SEP}{_FISCAL}",
        f"{_FISCAL}{_SEP}{_HALF}",
        r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})",
        f"(?P<month_name>[A-Z]+){_SEP}{_YEAR}",
        f"{_YEAR}{_SEP}(?P<month_name>[A-Z]+)",
        r"(?P<year>\d{4})-(?P<month>\d{2})\.\.(?P<last_year>\d{4})-(?P<last_month>\d{2})",
    )
]


def as_dates(values):
    """Normalise a date, or a Series of dates, to Timestamps at midnight (missing → NaT)."""
    if isinstance(values, pd.Series):
        return pd.to_datetime(values, format="ISO8601").dt.normalize()
    if values is None or pd.isna(values):
        return pd.NaT
    return pd.Timestamp(values).normalize()


@functools.lru_cache(maxsize=4096)  # a few distinct periods, asked for once per row by callers
def period_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a period in a stored form: `YYYY`, `YYYY-Qn`, `YYYY-Hn`, `YYYY-MM` or
    `YYYY-MM..YYYY-MM` (first and last month of a fiscal period that is no calendar one)."""
    match = _PERIOD_PATTERN.match(str(period).strip().upper())
    if match is None:
        raise ValueError(
            f"period {period!r} is not a year, half, quarter or month (use 2027, 2027-H1, 2027-Q2 or 2027-05)"
        )
    year = int(match["year"])
    if match["quarter"]:
        first_month, months = 3 * int(match["quarter"]) - 2, 3
    elif match["half"]:
        first_month, months = 6 * int(match["half"]) - 5, 6
    elif match["month"]:
        first_month, months = int(match["month"]), 1
        if not 1 <= first_month <= 12:
            raise ValueError(f"period {period!r} has no month {first_month:02d} (use 01 to 12)")
        if match["last_month"]:
            last_year, last_month = int(match["last_year"]), int(match["last_month"])
            if not 1 <= last_month <= 12:
                raise ValueError(f"period {period!r} has no month {last_month:02d} (use 01 to 12)")
            months = (last_year - year) * 12 + last_month - first_month + 1
            if not 1 <= months <= 12:
                raise ValueError(f"period {period!r} must run forwards over 1 to 12 months")
    else:
        first_month, months = 1, 12
    start = pd.Timestamp(year=year, month=first_month, day=1)
    return start, month_end(start + pd.DateOffset(months=months - 1))


def fiscal_year_start() -> int:
    """The first month of the fiscal year (1–12), from OKR_FISCAL_YEAR_START (default 1, January)."""
    raw = (os.environ.get("OKR_FISCAL_YEAR_START") or "1").strip()
    month = MONTH_NAMES.get(raw.lower()) or (int(raw) if raw.isdigit() else 0)
    if not 1 <= month <= 12:
        raise ValueError(f"OKR_FISCAL_YEAR_START must be the first month of the fiscal year, 1 to 12, not {raw!r}")
    return month


def normalise_period(text: str, fiscal_start: int | None = None) -> str:
    """A period as people write it (`Q4 2023`, `2023 Q4`, `Q3 FY26`, `FY26 Q3`, `H1 2026`,
    `Annual 2024`, `FY 2024`, `Jan 2027`, `2027-01`, …) in its stored form (see _PERIOD_PATTERN).

    A fiscal year is named by the calendar year it ends in: with the fiscal year starting in April
    (`fiscal_start` 4, default $OKR_FISCAL_YEAR_START), FY26 runs from April 2025 to March 2026, so
    `Q3 FY26` is October–December 2025, stored as the calendar quarter `2025-Q4`; a fiscal period
    that is no calendar quarter, half or year is stored as its run of months (`2025-08..2025-10`).
    ValueError naming the accepted spellings when the text is none of them."""
    cleaned = str(text).strip().upper()
    for pattern in _SPELLINGS:
        if match := pattern.match(cleaned):
            found = match.groupdict()
            break
    else:
        raise ValueError(f'"{text}" is not a period (use one of: {PERIOD_SPELLINGS})')
    if found.get("last_month"):
        period_bounds(cleaned)  # a run of months, checked as stored
        return cleaned
    if found.get("fiscal"):
        fiscal = int(found["fiscal"]) + (2000 if len(found["fiscal"]) == 2 else 0)
        start = fiscal_year_start() if fiscal_start is None else fiscal_start
        # Months counted from year 0: the fiscal year ending in `fiscal` starts `start` months into
        # the year before (or is the calendar year when it starts in January).
        first = (fiscal - 1) * 12 + start - 1 if start > 1 else fiscal * 12
        if found.get("quarter"):
            return _stored_form(first + 3 * (int(found["quarter"]) - 1), 3)
        if found.get("half"):
            return _stored_form(first + 6 * (int(found["half"]) - 1), 6)
        return _stored_form(first, 12)
    year = int(found["year"])
    if found.get("quarter"):
        return f"{year:04d}-Q{found['quarter']}"
    if found.get("half"):
        return f"{year:04d}-H{found['half']}"
    if found.get("month_name"):
        month = MONTH_NAMES.get(found["month_name"].lower())
        if month is None:
            raise ValueError(f'"{text}" is not a period (use one of: {PERIOD_SPELLINGS})')
        return f"{year:04d}-{month:02d}"
    if found.get("month"):
        month = int(found["month"])
        if not 1 <= month <= 12:
            raise ValueError(f'"{text}" has no month {month:02d} (use 01 to 12)')
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}"


def _stored_form(first: int, months: int) -> str:
    """The stored form of `months` months from month number `first` (counted from year 0, January 0)."""
    year, month = divmod(first, 12)
    if months == 12 and month == 0:
        return f"{year:04d}"
    if months == 6 and month in (0, 6):
        return f"{year:04d}-H{month // 6 + 1}"
    if months == 3 and month % 3 == 0:
        return f"{year:04d}-Q{month // 3 + 1}"
    last_year, last_month = divmod(first + months - 1, 12)
    return f"{year:04d}-{month + 1:02d}..{last_year:04d}-{last_month + 1:02d}"


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
