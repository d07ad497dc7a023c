"""Cell values as people type them, turned into typed values or a plain-language complaint.

Each function returns the typed value (None for an empty cell) or raises CellError with the
message a user sees after the cell's location. Below them, the same rules for a whole column of
text at once (Arrow string arrays) where that is exact: stripping, text that is clearly not an
empty marker, and numbers written plainly; every other cell goes through the functions above.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import math
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

EMPTY_MARKERS = {"", "n/a", "na", "-", "—", "none", "null", "nan", "#n/a"}
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIAL_RANGE = (1, 2_958_465)  # 1900-01-01 .. 9999-12-31
CURRENCY_SIGNS = "$€£¥"
THOUSANDS_GROUPS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
SLASH_DATE = re.compile(r"^(\d{1,4})[/.](\d{1,2})[/.](\d{1,4})$")
MONTH_TEXT = re.compile(r"^(\d{4})-(\d{1,2})$")
# Yes/no words in a number column (a binary KR's check-in: done or not), in the languages of the
# files people bring: 1 and 0, as binary KRs store them.
YES_NO_WORDS = {
    **dict.fromkeys(
        ("yes", "y", "true", "sim", "sí", "si", "ja", "oui", "vrai", "verdadeiro", "verdadero", "wahr"), 1.0
    ),
    **dict.fromkeys(("no", "n", "false", "não", "nao", "nein", "non", "faux", "falso", "falsch"), 0.0),
}


class CellError(ValueError):
    pass


# How text dates like 03/04/2027 are read: True day first, False month first, None each cell as it
# can be (day first unless that cannot be a date). Set for one column at a time by `reading_dates`.
_DAY_FIRST: contextvars.ContextVar[bool | None] = contextvars.ContextVar("day_first", default=None)


@dataclass(frozen=True)
class DateOrder:
    """The order of day and month in a column's text dates: `day_first` (None: each cell as it can
    be) and, when the column leaves doubt, a `warning` naming the order assumed."""

    day_first: bool | None
    warning: str | None = None


def column_date_order(cells, column: str) -> DateOrder:
    """One order for a whole column of text dates (03/04/2027): day first when any of them has a day
    above 12 in first place (31/05/2027), month first when any has it in second place (05/31/2027);
    a column where none decides is read day first, with a warning; one with both, cell by cell, with
    a warning. `cells`: an Arrow array or a sequence of cell values."""
    if hasattr(cells, "type"):
        if not (pa.types.is_string(cells.type) or pa.types.is_large_string(cells.type)):
            return DateOrder(None)
        texts = [t for t in pc.unique(cells).to_pylist() if t is not None]
    else:
        texts = {cell for cell in cells if isinstance(cell, str)}
    day_first = month_first = ambiguous = None
    for text in texts:
        match = SLASH_DATE.match(text.strip())
        if match is None or len(match.group(1)) == 4:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 and second <= 12:
            day_first = day_first or text.strip()
        elif second > 12 and first <= 12:
            month_first = month_first or text.strip()
        elif first != second and first <= 12 and second <= 12:
            ambiguous = ambiguous or text.strip()
    if day_first and month_first:
        return DateOrder(
            None,
            f'column {column} mixes day-first dates ("{day_first}") and month-first dates '
            f'("{month_first}"); each is read as it can be, and dates that fit both are read '
            "day first — write them as YYYY-MM-DD",
        )
    if day_first or month_first:
        return DateOrder(bool(day_first))
    if ambiguous:
        return DateOrder(
            True,
            f'column {column}: no date decides whether "{ambiguous}" is day/month or '
            "month/day; the whole column is read day first (DD/MM/YYYY) — write the dates "
            "as YYYY-MM-DD if they are month first",
        )
    return DateOrder(None)


@contextlib.contextmanager
def reading_dates(order: DateOrder | None):
    """Text dates coerced inside the block are read in `order` (None: as each cell can be)."""
    token = _DAY_FIRST.set(None if order is None else order.day_first)
    try:
        yield
    finally:
        _DAY_FIRST.reset(token)


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
    elif (word := str(value).strip().lower()) in YES_NO_WORDS:
        return YES_NO_WORDS[word]
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
        raise CellError(
            f"{quoted(raw)} is not a number (write it like 1200 or 45%, or yes/no for a binary KR)"
        ) from None
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
        shown = f"{serial:.0f}" if float(serial).is_integer() else f"{serial}"
        raise CellError(
            f"{shown} is not a date: as a spreadsheet date it falls outside 1900-01-01 to 9999-12-31 (use YYYY-MM-DD)"
        )
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
            # The column's order when it has one (column_date_order); else day first, as most of the
            # world writes it, unless that cannot be a date.
            day_first = _DAY_FIRST.get()
            if day_first is False or (day_first is None and second > 12):
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


# The characters str.strip() removes (str.isspace; none lies beyond U+3000), so that a column is
# stripped exactly as each cell would be.
WHITESPACE = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())


def _regex_class(characters: str) -> str:
    return "[" + "".join(f"\\x{{{ord(ch):x}}}" for ch in characters) + "]"


# Stripped text longer than every empty marker is no marker (lower() never shortens text).
_LONGEST_MARKER = max(map(len, EMPTY_MARKERS))
# Numbers typed plainly, for which to_number is float() of the text once the signs below are dropped
# (and, with a decimal comma, the dots dropped and the comma made a point): 1200, -12.5, 45%,
# $1,200.50, or 1.234,5 and -3,5. They are looked for in turn, from the commonest and cheapest form
# (digits alone, then digits with decimals, then signs and separators). Longer text goes cell by cell
# (float() of very long digit strings is where parsers could differ).
_CURRENCY = _regex_class(CURRENCY_SIGNS)
_DIGITS_WITH_DECIMALS = {False: r"^-?[0-9]+(?:\.[0-9]+)?$", True: r"^-?[0-9]+(?:,[0-9]+)?$"}
_WITH_SIGNS = {
    False: rf"^{_CURRENCY}?(?:[0-9]+|[0-9]{{1,3}}(?:,[0-9]{{3}})+)(?:\.[0-9]+)?%?$",
    True: rf"^(?:-|{_CURRENCY})?[0-9][0-9.]*(?:,[0-9]+)?%?$",
}
_PLAIN_NUMBER_MAX_CHARS = 30


def stripped(texts: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Every text as str.strip() leaves it."""
    return pc.utf8_trim(texts, characters=WHITESPACE)


def clearly_text(stripped_texts: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Which stripped texts cannot be an empty marker: to_text gives them back as they are."""
    return pc.greater(pc.utf8_length(stripped_texts), _LONGEST_MARKER).to_numpy(zero_copy_only=False)


def plain_numbers(texts: pa.ChunkedArray | pa.Array, decimal_comma: bool) -> tuple[np.ndarray, np.ndarray]:
    """(which texts are plainly written numbers, their values): to_number's result for those cells,
    NaN elsewhere. Text with surrounding spaces is not plain (to_number strips it cell by cell)."""
    numbers = np.full(len(texts), np.nan)
    left = np.flatnonzero(
        pc.less_equal(pc.binary_length(texts), _PLAIN_NUMBER_MAX_CHARS).to_numpy(zero_copy_only=False)
    )
    for plain, signs in (
        (pc.ascii_is_decimal, False),
        (lambda t: pc.match_substring_regex(t, _DIGITS_WITH_DECIMALS[decimal_comma]), False),
        (lambda t: pc.match_substring_regex(t, _WITH_SIGNS[decimal_comma]), True),
    ):
        if not left.size:
            break
        candidates = texts.take(pa.array(left)) if left.size < len(texts) else texts
        found = plain(candidates).to_numpy(zero_copy_only=False)
        numbers[left[found]] = _floats(candidates.filter(pa.array(found)), decimal_comma, signs)
        left = left[~found]
    return np.isfinite(numbers), numbers


def _floats(texts: pa.ChunkedArray | pa.Array, decimal_comma: bool, signs: bool) -> np.ndarray:
    """float() of plainly written numbers; with `signs`, of the text without its currency sign, its
    percent sign and its thousands separators (where the patterns above allow them)."""
    if signs:
        texts = pc.replace_substring(texts, "." if decimal_comma else ",", "")
        texts = pc.utf8_rtrim(pc.utf8_ltrim(texts, characters=CURRENCY_SIGNS), characters="%")
    if decimal_comma:
        texts = pc.replace_substring(texts, ",", ".")
    return pc.cast(texts, pa.float64()).to_numpy(zero_copy_only=False)
