"""Cell values as people type them, turned into typed values or a plain-language complaint.

Each function returns the typed value (None for an empty cell) or raises CellError with the
message a user sees after the cell's location.
"""
from __future__ import annotations

import datetime as dt
import math
import re

EMPTY_MARKERS = {"", "n/a", "na", "-", "—", "none", "null", "nan", "#n/a"}
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIAL_RANGE = (1, 2_958_465)  # 1900-01-01 .. 9999-12-31
CURRENCY_SIGNS = "$€£¥"
THOUSANDS_GROUPS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
SLASH_DATE = re.compile(r"^(\d{1,4})[/.](\d{1,2})[/.](\d{1,4})$")
MONTH_TEXT = re.compile(r"^(\d{4})-(\d{1,2})$")


class CellError(ValueError):
    pass


def is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in EMPTY_MARKERS


def quoted(value: object) -> str:
    text = str(value)
    return f'"{text[:60]}…"' if len(text) > 60 else f'"{text}"'


def to_text(value: object) -> str | None:
    if is_empty(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores typed ids such as 7 as 7.0
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value).strip()


def to_number(value: object, decimal_comma: bool = False) -> float | None:
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        number = _parse_number_text(str(value), decimal_comma)
    if not math.isfinite(number):
        raise CellError(f"{quoted(value)} is not a finite number")
    return number


def _parse_number_text(raw: str, decimal_comma: bool) -> float:
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()").rstrip("%")
    text = text.strip(CURRENCY_SIGNS).removeprefix("USD").removeprefix("EUR").removesuffix("USD")
    text = text.removesuffix("EUR").strip(CURRENCY_SIGNS)
    if decimal_comma:
        text = text.replace(".", "").replace(",", ".")
    elif THOUSANDS_GROUPS.match(text):
        text = text.replace(",", "")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise CellError(f"{quoted(raw)} is not a number (write it like 1200 or 45%)") from None
    return -number if negative else number


def to_date(value: object) -> dt.date | None:
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_excel_serial(value)
    text = str(value).strip()
    if text.replace(".", "", 1).isdigit():
        return _from_excel_serial(float(text))
    parsed = _parse_date_text(text)
    if parsed is None:
        raise CellError(f"{quoted(value)} is not a date (use YYYY-MM-DD)")
    return parsed


def _from_excel_serial(serial: float) -> dt.date:
    if not EXCEL_SERIAL_RANGE[0] <= serial <= EXCEL_SERIAL_RANGE[1]:
        raise CellError(f"{quoted(serial)} is not a date (use YYYY-MM-DD)")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def _parse_date_text(text: str) -> dt.date | None:
    try:
        if match := ISO_DATE.match(text):
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if match := SLASH_DATE.match(text):
            first, second, third = (int(g) for g in match.groups())
            if len(match.group(1)) == 4:  # 2027/05/31
                return dt.date(first, second, third)
            year = third + 2000 if third < 100 else third
            # Day first, as most of the world writes it, unless that cannot be a date.
            if second > 12:
                return dt.date(year, first, second)
            return dt.date(year, second, first)
    except ValueError:
        return None
    return None


def to_month(value: object) -> str | None:
    if is_empty(value):
        return None
    if isinstance(value, str) and (match := MONTH_TEXT.match(value.strip())):
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return f"{year:04d}-{month:02d}"
    try:
        date = to_date(value)
    except CellError:
        date = None
    if date is None:
        raise CellError(f"{quoted(value)} is not a month (use YYYY-MM)")
    return f"{date.year:04d}-{date.month:02d}"


def normalise_key(text: str) -> str:
    """Header and choice matching ignores case, spaces, underscores and punctuation."""
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


def to_choice(value: object, choices: tuple[str, ...]) -> str | None:
    text = to_text(value)
    if text is None:
        return None
    by_key = {normalise_key(c): c for c in choices}
    match = by_key.get(normalise_key(text))
    if match is None:
        allowed = ", ".join(choices)
        raise CellError(f"{quoted(text)} is not one of: {allowed}")
    return match
