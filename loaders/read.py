"""Turn uploaded bytes into raw grids of cells, one per sheet, without trusting the file.

The file type is decided by content, not by name. XLSX archives are checked for zip bombs and for
XML entity declarations (a "billion laughs" file) before any XML is parsed; CSV text is decoded by
trying the encodings people's tools really write.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import logging
import operator
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

import numpy as np
import pyarrow as pa

from loaders import workbook_xml
from loaders.problems import FileRejected
from loaders.workbook_xml import WORKBOOK

MAX_FILE_BYTES = 20 * 1024 * 1024  # an upload through the app
# `python -m loaders ingest` is run by whoever administers the data, loading a whole organisation's
# history at once (500,000 check-ins make a 25 MB CSV); the app's uploads keep the smaller cap.
CLI_MAX_FILE_BYTES = 200 * 1024 * 1024
# A workbook may expand to this many times the file size limit (the zip bomb check).
MAX_UNCOMPRESSED_FACTOR = 10
MAX_COMPRESSION_RATIO = 100
MAX_CELL_CHARS = 32_767
CSV_DELIMITERS = ",;\t|"
# No field can be longer than the largest file let in; the csv module's default limit (128 KiB) would
# make a long cell an error about the module rather than about the cell (OverlongText says what to do).
csv.field_size_limit(CLI_MAX_FILE_BYTES)
SNIFF_CHARS = 64 * 1024

# Text whose share of control characters (other than tab and line breaks) exceeds this is binary.
MAX_CONTROL_SHARE = 0.01
ZIP_MAGIC = b"PK\x03\x04"
# Excel never writes a DTD; one in a workbook part is there to make a parser expand entities. It can
# only sit in the prolog, before the root element, which Excel keeps to a line.
XML_DECLARATIONS = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)
XML_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")
MAX_XML_PROLOG_BYTES = 64 * 1024
# A sheet wider than this is a worksheet whose used range runs off to the right, not a table of ours.
MAX_COLUMNS = 1_000
ZIP_ENCRYPTED = 0x1  # the zip entry flag of a password-encrypted part
EXCEL_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and password-protected .xlsx


class RawSheet:
    """One sheet's cells, read row by row (`rows`: a list per row, as long as that row) or column by
    column (`columns`: one Arrow array per column) — a regular CSV file (texts not stripped yet:
    `unstripped`), or a workbook sheet whose columns each hold one type of cell below its first row
    (`first_row`, the header). Those build `rows` (stripped, as a CSV file read row by row is) only
    when asked for."""

    def __init__(
        self,
        name: str,
        rows: list[list[object]] | None = None,
        decimal_comma: bool = False,
        date1904: bool = False,
        columns: list[pa.Array | pa.ChunkedArray] | None = None,
        first_row: list[object] | None = None,
        unstripped: bool = False,
    ):
        self.name = name
        self.decimal_comma = decimal_comma
        # Excel for Mac's old date system: a date typed as a plain number counts days from 1904-01-01.
        self.date1904 = date1904
        self.columns = columns
        self.first_row = first_row
        self.unstripped = unstripped
        self._rows = rows if columns is None else None
        self._shortest_from: tuple[int, int] | None = None
        # (row, column) from 0 of the numbers the workbook showed as percentages, now in percent points.
        self.percent_cells: frozenset[tuple[int, int]] = frozenset()

    @property
    def rows(self) -> list[list[object]]:
        if self._rows is None:
            self._rows = self.head(self.height)
        return self._rows

    @property
    def height(self) -> int:
        if self.columns is None:
            return len(self.rows)
        return self._offset + (len(self.columns[0]) if self.columns else 0)

    @property
    def _offset(self) -> int:
        """Rows above `columns`."""
        return 0 if self.first_row is None else 1

    def head(self, count: int) -> list[list[object]]:
        """The first `count` rows."""
        if self.columns is None:
            return self.rows[:count]
        head = [] if self.first_row is None or count < 1 else [list(self.first_row)]
        cells = (column.slice(0, max(count - len(head), 0)).to_pylist() for column in self.columns)
        if self.unstripped:
            return head + [[cell.strip() for cell in row] for row in zip(*cells)]
        return head + [[as_read(cell, self.date1904) for cell in row] for row in zip(*cells)]

    def width(self, start: int) -> int:
        """How many columns the rows from `start` on reach."""
        if self.columns is not None:
            return len(self.columns) if self.height > start else 0
        return max(map(len, self.rows[start:]), default=0)

    def column(self, position: int, start: int) -> pa.Array | pa.ChunkedArray | list[object]:
        """The cells of one column from row `start` on (None where a row is shorter); `start` is below
        `first_row`."""
        if self.columns is not None:
            return self.columns[position].slice(start - self._offset)
        rows = self.rows[start:]
        if self._shortest(start) > position:
            return list(map(operator.itemgetter(position), rows))
        return [row[position] if position < len(row) else None for row in rows]

    def _shortest(self, start: int) -> int:
        """The length of the shortest row from `start` on (asked once per column of a sheet)."""
        if self._shortest_from is None or self._shortest_from[0] != start:
            self._shortest_from = (start, min(map(len, self.rows[start:]), default=0))
        return self._shortest_from[1]


def is_text(cells: pa.Array | pa.ChunkedArray) -> bool:
    return pa.types.is_string(cells.type) or pa.types.is_large_string(cells.type)


# Excel's day 0 (in its 1900 and 1904 date systems): a time of day without a date (a serial below 1)
# is a moment of that day to fastexcel.
EXCEL_DAY_ZERO = {False: dt.date(1899, 12, 31), True: dt.date(1904, 1, 1)}


def as_read(cell: object, date1904: bool) -> object:
    """A workbook cell of a column read by fastexcel as calamine gives it cell by cell: an empty cell as
    an empty text, a date at midnight as a date, a time of day alone as a time."""
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        if cell.time() == dt.time():
            return cell.date()
        if cell.date() == EXCEL_DAY_ZERO[date1904]:
            return cell.time()
    return cell


@dataclass(frozen=True)
class UncalculatedFormula:
    """A formula cell saved without its result (written by a script, never opened in Excel):
    reading it as empty would silently drop what the user typed."""

    formula: str


@dataclass(frozen=True)
class ExcelError:
    """A cell showing an Excel error such as #DIV/0! or #REF! (a formula that failed): the reader
    library gives it as an empty cell, which would silently drop the row's value."""

    code: str


@dataclass(frozen=True)
class OverlongText:
    """A cell longer than a spreadsheet cell can be (Excel's limit): refused rather than cut (parsing
    puts it in place of such a text)."""

    length: int


def read_grids(file_name: str, data: bytes, max_bytes: int = MAX_FILE_BYTES, read_before=None) -> list[RawSheet]:
    """The sheets of a CSV file or workbook. `read_before(candidates, date1904)` gives a workbook's
    halves as _read_halves gives them when they were read already (ReadAhead's child), or None."""
    if len(data) > max_bytes:
        raise FileRejected(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes // 2**20} MB "
            "(split it, or upload the sheets you changed)"
        )
    if not data.strip():
        raise FileRejected("the file is empty")
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, max_bytes * MAX_UNCOMPRESSED_FACTOR, read_before)
    if data.startswith(OLE_MAGIC):
        raise FileRejected(
            "this is a password-protected workbook or an old .xls file; remove the password or "
            "save it as .xlsx (Excel: File > Save As > Excel Workbook) and upload again"
        )
    return [_read_csv(file_name, data)]


def _check_zip(data: bytes, max_uncompressed: int) -> zipfile.ZipFile:
    """The workbook's archive, once it has passed the checks against zip bombs and entity expansion."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError) as exc:
        raise FileRejected(f"the workbook is damaged and cannot be opened ({exc})") from exc
    total = sum(e.file_size for e in entries)
    compressed = sum(e.compress_size for e in entries) or 1
    if total > max_uncompressed or total / compressed > MAX_COMPRESSION_RATIO:
        raise FileRejected(
            "the workbook expands to far more data than it holds (a zip bomb, or a sheet with "
            "millions of formatted empty cells); copy the data into a new workbook and upload that"
        )
    if not any(e.filename == WORKBOOK for e in entries):
        raise FileRejected("this zip file is not an Excel workbook (.xlsx)")
    if encrypted := [e.filename for e in entries if e.flag_bits & ZIP_ENCRYPTED]:
        raise FileRejected(
            f"the workbook's {encrypted[0]} is encrypted (a password-protected zip, which Excel does not write); "
            "open the file, save it as a new workbook without a password and upload that"
        )
    if odd := [e for e in entries if e.compress_type not in EXCEL_COMPRESSION]:
        raise FileRejected(
            f"the workbook's {odd[0].filename} is compressed with a method Excel never uses (zip method "
            f"{odd[0].compress_type}); open the file in Excel or LibreOffice, save it as .xlsx and upload that"
        )
    for entry in entries:
        if entry.filename.lower().endswith((".xml", ".rels", ".vml")):
            head = _zip_part(archive, entry, MAX_XML_PROLOG_BYTES)
            root = XML_ROOT_ELEMENT.search(head)
            if XML_DECLARATIONS.search(head[: root.start() if root else len(head)]) or (
                root is None and len(head) == MAX_XML_PROLOG_BYTES
            ):
                raise FileRejected(
                    f"the workbook's {entry.filename} declares XML entities, which Excel never writes (a file "
                    "made to exhaust the server's memory); open it in Excel, save it as a new workbook and "
                    "upload that"
                )
    return archive


def _zip_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo | str, size: int = -1) -> bytes:
    """A part of the archive (its first `size` bytes), or a refusal naming the damaged part."""
    name = entry if isinstance(entry, str) else entry.filename
    try:
        with archive.open(entry) as part:
            return part.read(size)
    # zipfile raises NotImplementedError for a zip version it does not know, RuntimeError for encryption.
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise FileRejected(f"the workbook is damaged and cannot be read (its part {name}: {exc})") from exc


def _opened_workbook(
    data: bytes, max_uncompressed: int
) -> tuple[zipfile.ZipFile, workbook_xml.WorkbookParts, dict[str, workbook_xml.SheetHead]]:
    """The workbook's archive, once it has passed the checks, its parts and each sheet's head (first
    cell and width); FileRejected otherwise."""
    archive = _check_zip(data, max_uncompressed)
    try:
        workbook = workbook_xml.workbook_parts(archive)
        heads = {name: _sheet_head(archive, path) for name, path in workbook.sheets.items()}
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise FileRejected(f"the workbook is damaged and cannot be read ({exc})") from exc
    for name, head in heads.items():
        if head.width > MAX_COLUMNS:
            raise FileRejected(_too_wide(name, head.width))
    return archive, workbook, heads


def _candidates(heads: dict[str, workbook_xml.SheetHead]) -> list[str]:
    """The sheets fastexcel may read column by column: those that start at A1."""
    return [name for name, head in heads.items() if head.starts_at_a1]


def _read_xlsx(data: bytes, max_uncompressed: int, read_before=None) -> list[RawSheet]:
    """Each sheet read by fastexcel column by column into Arrow arrays when it can (every column holds
    one type of cell below the header), by calamine cell by cell otherwise; with markers where a cell
    holds a formula without a saved result or shows an error (those sheets are read cell by cell)."""
    archive, workbook, heads = _opened_workbook(data, max_uncompressed)
    candidates = _candidates(heads)
    halves = read_before(candidates, workbook.date1904) if read_before else None
    loaded, scans = halves or _read_halves(data, archive, workbook, candidates)
    markers = {name: list(_cell_markers(scan.marked)) for name, scan in scans.items()}
    try:
        names, read = _columnar_from(loaded, workbook.date1904)
        sheets = {name: read[name] for name in names if name in read and name in scans and not markers[name]}
        if by_cell := [name for name in names if sheets.get(name) is None]:
            from python_calamine import CalamineWorkbook

            cells = CalamineWorkbook.from_filelike(io.BytesIO(data))
            for name in by_cell:
                sheet = cells.get_sheet_by_name(name)
                if sheet.width > MAX_COLUMNS:
                    raise FileRejected(_too_wide(name, sheet.width))
                sheets[name] = RawSheet(name, sheet.to_python(skip_empty_area=False), date1904=workbook.date1904)
                for row, column, marker in markers.get(name, []):
                    _put(sheets[name], row, column, marker)
        for name, scan in scans.items():
            if scan.percent and name in sheets:
                _as_percent_points(sheets[name], scan.percent)
    except FileRejected:
        raise
    except Exception as exc:  # the readers raise several unrelated types for a damaged archive
        raise FileRejected(f"the workbook is damaged and cannot be read ({exc})") from exc
    return [sheets[name] for name in names]


def _read_halves(
    data: bytes, archive: zipfile.ZipFile, workbook: workbook_xml.WorkbookParts, candidates: list[str]
) -> tuple[tuple[list[str], dict[str, pa.RecordBatch]], dict[str, workbook_xml.CellScan]]:
    """The two halves of reading a workbook: fastexcel loads the `candidates` column by column in a
    thread (_loaded_columns) while this one decompresses each sheet's XML and scans it for marked cells
    and percentages (zlib lets go of the interpreter, fastexcel does not: the two run side by side); a
    sheet found to hold marked cells is then read cell by cell instead."""
    columns = _Background(_loaded_columns, data, candidates)
    try:
        parts = {name: _zip_part(archive, path) for name, path in workbook.sheets.items()}
        percent_styles = workbook_xml.percent_styles(archive)
        scans = {name: workbook_xml.scan_cells(xml, percent_styles) for name, xml in parts.items()}
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        columns.result(quiet=True)
        raise FileRejected(f"the workbook is damaged and cannot be read ({exc})") from exc
    except FileRejected:
        columns.result(quiet=True)
        raise
    try:
        return columns.result(), scans
    except Exception as exc:  # fastexcel raises several unrelated types for a damaged archive
        raise FileRejected(f"the workbook is damaged and cannot be read ({exc})") from exc


HEAD_BYTES = 1024 * 1024  # of a sheet's XML, enough for its first rows (sheet_head) unless they are huge


def _sheet_head(archive: zipfile.ZipFile, path: str) -> workbook_xml.SheetHead:
    """The sheet's first cell and width, from the start of its XML (all of it when the first rows do not
    fit in HEAD_BYTES)."""
    start = _zip_part(archive, path, HEAD_BYTES)
    if len(start) < HEAD_BYTES:
        return workbook_xml.sheet_head(start)
    try:
        return workbook_xml.sheet_head(start, complete=False)
    except workbook_xml.Incomplete:
        return workbook_xml.sheet_head(_zip_part(archive, path))


class ReadAhead:
    """The workbooks of an upload read in a child process forked now (fastexcel's columns, and each
    sheet's XML scanned for marked cells and percentages: _read_halves), while this process goes on:
    the command line imports pandas and DuckDB and opens the store meanwhile. fastexcel holds the
    interpreter as it reads, so a thread could not run beside it; a process can. Called as read_grids
    is, it gives what read_grids gives (the sheets are made here from what the child read): a file it
    was not given (the same bytes object), or whose reading did not come back, is read here. Only for a
    process that runs no other thread and has not started DuckDB or an Arrow computation (a fork copies
    one thread): the command line, before its imports. The child checks the archive before anything
    is parsed, as read_grids does, and never imports pandas (see _loaded_columns)."""

    def __init__(self, files: list[tuple[str, bytes]], max_bytes: int):
        import os
        import sys
        import threading

        self._files = [(name, data) for name, data in files if data.startswith(ZIP_MAGIC) and len(data) <= max_bytes]
        self._max_bytes = max_bytes
        self._outcomes: list[tuple | None] | None = None
        self._child: int | None = None
        if not self._files or sys.platform != "linux" or threading.active_count() > 1:
            self._outcomes = []
            return
        read_end, write_end = os.pipe()
        try:
            child = os.fork()
        except OSError:  # no process to spare: the files are read here
            os.close(read_end)
            os.close(write_end)
            self._outcomes = []
            return
        if child == 0:
            os.close(read_end)
            _read_in_child(write_end, self._files, max_bytes * MAX_UNCOMPRESSED_FACTOR)
        os.close(write_end)
        self._child, self._pipe = child, read_end

    def __call__(self, file_name: str, data: bytes, max_bytes: int = MAX_FILE_BYTES) -> list[RawSheet]:
        for position, (name, content) in enumerate(self._files):
            if name == file_name and content is data and max_bytes == self._max_bytes:
                return read_grids(file_name, data, max_bytes, functools.partial(self._halves, position))
        return read_grids(file_name, data, max_bytes)

    def _halves(self, position: int, candidates: list[str], date1904: bool) -> tuple | None:
        """The halves of the `position`-th workbook (as _read_halves gives them) if the child read them
        for these `candidates`, once; None otherwise (read here)."""
        import os
        import pickle

        if self._outcomes is None:
            chunks = []
            try:
                while chunk := os.read(self._pipe, 1 << 20):
                    chunks.append(chunk)
                self._outcomes = pickle.loads(b"".join(chunks)) if chunks else []
            except Exception:  # a child killed or cut short: its workbooks are read here
                self._outcomes = []
            self.close()
        if position >= len(self._outcomes):
            return None
        found, self._outcomes[position] = self._outcomes[position], None  # a second ingest reads it again
        if found is None or found[0] != (candidates, date1904):
            return None
        return found[1]

    def close(self) -> None:
        """Ends the child if it is still reading (the command stopped early) and collects it."""
        import os
        import signal

        if self._child is None:
            return
        os.close(self._pipe)
        if self._outcomes is None:
            self._outcomes = []
            os.kill(self._child, signal.SIGKILL)
        os.waitpid(self._child, 0)
        self._child = None

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _read_in_child(pipe: int, files: list[tuple[str, bytes]], max_uncompressed: int) -> None:
    """The forked child of ReadAhead: the halves of each workbook that passes the archive checks
    (None for the others, read by the parent, which reports what is wrong) written to `pipe`; then an
    exit at once (no clean-up of the state it shares with the parent, no flushing of output buffers)."""
    import os
    import pickle

    code = 1
    try:
        outcomes: list[tuple | None] = []
        for _, data in files:
            try:
                archive, workbook, heads = _opened_workbook(data, max_uncompressed)
                candidates = _candidates(heads)
                halves = _read_halves(data, archive, workbook, candidates)
                outcomes.append(((candidates, workbook.date1904), halves))
            except Exception:
                outcomes.append(None)
        payload = memoryview(pickle.dumps(outcomes, protocol=pickle.HIGHEST_PROTOCOL))
        while payload:
            payload = payload[os.write(pipe, payload) :]
        code = 0
    finally:
        os._exit(code)


class _Background:
    """`work(*args)` run in a thread of its own; result() waits for it and returns or raises what it did."""

    def __init__(self, work, *args):
        import threading

        self._outcome: tuple = (None, None)

        def run():
            try:
                self._outcome = (work(*args), None)
            except BaseException as exc:  # handed to the caller of result()
                self._outcome = (None, exc)

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def result(self, quiet: bool = False):
        self._thread.join()
        value, exc = self._outcome
        if exc is not None and not quiet:
            raise exc
        return value


def _loaded_columns(data: bytes, candidates: list[str]) -> tuple[list[str], dict[str, pa.RecordBatch]]:
    """The workbook's sheet names, and the `candidates` fastexcel loads with one type of cell in each
    column below the header (strict types over all rows; the others are left out). Nothing here turns
    a Python value into an Arrow one, which makes pyarrow import pandas (0.2 s) to look for its types:
    ReadAhead's child runs this without pandas."""
    import fastexcel

    reader = fastexcel.read_excel(data)
    loaded = {}
    for name in reader.sheet_names:
        if name in candidates:
            try:
                loaded[name] = reader.load_sheet(
                    name, header_row=0, dtype_coercion="strict", schema_sample_rows=None, eager=True
                )
            except fastexcel.FastExcelError:
                continue
    return reader.sheet_names, loaded


def _columnar_from(
    loaded: tuple[list[str], dict[str, pa.RecordBatch]], date1904: bool
) -> tuple[list[str], dict[str, RawSheet]]:
    """The workbook's sheet names, and the sheets fastexcel loaded that can be taken column by column."""
    names, batches = loaded
    read = {name: _columnar_sheet(batch, name, date1904) for name, batch in batches.items()}
    return names, {name: sheet for name, sheet in read.items() if sheet is not None}


def _too_wide(sheet: str, width: int) -> str:
    return (
        f"sheet {sheet} is {width:,} columns wide (to column {workbook_xml.column_letters(width - 1)}); "
        f"the limit is {MAX_COLUMNS:,}: delete the columns beyond your table, or copy the table into a new "
        "sheet, and upload again"
    )


# An empty column is no news in our files; fastexcel would log a warning for each.
logging.getLogger("fastexcel").setLevel(logging.ERROR)
_UNNAMED = re.compile(r"__UNNAMED__(\d+)")
_RENAMED = re.compile(r"(.*)_\d+")
# The instants a Python datetime can hold, in the milliseconds of fastexcel's timestamps.
_PYTHON_DATETIMES_MS = (
    int((dt.datetime.min - dt.datetime(1970, 1, 1)).total_seconds() * 1000),
    int((dt.datetime.max - dt.datetime(1970, 1, 1)).total_seconds() * 1000),
)


def _columnar_sheet(batch: pa.RecordBatch, name: str, date1904: bool) -> RawSheet | None:
    """The sheet fastexcel loaded column by column (its first row, the header, as fastexcel names the
    columns after it), or None when it must be read cell by cell: the header repeats a name (fastexcel
    renames the second "a" to "a_1", hiding the repetition), or a date lies beyond what a Python date
    holds (cell by cell, it is the number it was, reported as not a date). fastexcel refuses a column
    that mixes types of cell (text and numbers, …). The sheet starts at A1 (fastexcel starts at the
    first cell used, calamine at A1)."""
    header = batch.schema.names
    seen: set[str] = set()
    for text in header:
        if (renamed := _RENAMED.fullmatch(text)) and renamed.group(1) in seen:
            return None
        seen.add(text)
    if any(pa.types.is_timestamp(column.type) and not _holds_python_datetimes(column) for column in batch.columns):
        return None
    # fastexcel names an empty header cell (and a true/false one) after its position.
    first_row = [
        "" if (unnamed := _UNNAMED.fullmatch(text)) and int(unnamed.group(1)) == position else text
        for position, text in enumerate(header)
    ]
    columns = [column.fill_null("") if is_text(column) else column for column in batch.columns]
    return RawSheet(name, date1904=date1904, columns=columns, first_row=first_row)


def _holds_python_datetimes(column: pa.Array) -> bool:
    import pyarrow.compute as pc  # not before the command line's read-ahead child is forked: 0.05 s

    bounds = pc.min_max(column.cast(pa.timestamp("ms")).cast(pa.int64()))
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    return low is None or _PYTHON_DATETIMES_MS[0] <= low and high <= _PYTHON_DATETIMES_MS[1]


# An error people type, or a lookup that found nothing: an empty cell, as "#N/A" is in a CSV file.
NOT_AVAILABLE = "#N/A"


def _cell_markers(cells: list[workbook_xml.MarkedCell]):
    """(row, column, marker) of each cell that holds a formula without a saved result
    (UncalculatedFormula) or shows an error (ExcelError; #N/A reads as an empty cell)."""
    for cell in cells:
        if cell.formula is not None:
            yield cell.row, cell.column, UncalculatedFormula(cell.formula)
        else:
            yield cell.row, cell.column, NOT_AVAILABLE if cell.error == NOT_AVAILABLE else ExcelError(cell.error)


# Percent points from a fraction, rounded off where binary floating point leaves 0.07 × 100 at 7.000000000000001.
PERCENT_DECIMALS = 10


def _as_percent_points(sheet: RawSheet, cells: list[tuple[int, int]]) -> None:
    """The numbers a sheet shows as percentages (0.45 shown as 45 %) in percent points (45), as the
    sheet saved as CSV would give them ("45%")."""
    sheet.percent_cells = frozenset(cells)
    if sheet.columns is None:
        for row, column in cells:
            if row < len(sheet.rows) and column < len(sheet.rows[row]):
                value = sheet.rows[row][column]
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.rows[row][column] = round(value * 100, PERCENT_DECIMALS)
        return
    import pyarrow.compute as pc

    by_column: dict[int, list[int]] = {}
    for row, column in cells:
        if row >= 1 and column < len(sheet.columns):  # below the header row
            by_column.setdefault(column, []).append(row - 1)
    for column, rows in by_column.items():
        values = sheet.columns[column]
        if not pa.types.is_floating(values.type) and not pa.types.is_integer(values.type):
            continue
        mask = np.zeros(len(values), dtype=bool)
        mask[[row for row in rows if row < len(values)]] = True
        points = pc.round(pc.multiply(values.cast(pa.float64()), 100), PERCENT_DECIMALS)
        sheet.columns[column] = pc.if_else(pa.array(mask), points, values.cast(pa.float64()))


def _put(sheet: RawSheet, row: int, column: int, value: object) -> None:
    while len(sheet.rows) <= row:
        sheet.rows.append([])
    cells = sheet.rows[row]
    cells.extend([None] * (column + 1 - len(cells)))
    cells[column] = value


def decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if (encoding := _bomless_utf16(data)) is not None:
        return data.decode(encoding, errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: text whose every other byte is zero."""
    sample = data[: min(len(data), 2000) // 2 * 2]
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0) / (len(sample) // 2)
    odd_zero = sample[1::2].count(0) / (len(sample) // 2)
    if odd_zero > 0.9 and even_zero < 0.1:
        return "utf-16-le"
    if even_zero > 0.9 and odd_zero < 0.1:
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:100_000]
    control = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n")
    return "\x00" in sample or control > MAX_CONTROL_SHARE * len(sample)


def unified_newlines(text: str) -> str:
    """Every line break as a newline: Excel for Mac's "CSV (Macintosh)" ends records with a bare
    carriage return, Windows with both, and some files mix them."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _read_csv(file_name: str, data: bytes) -> RawSheet:
    text = unified_newlines(decode_text(data))
    if _looks_binary(text):
        raise FileRejected(
            "this is not a CSV or XLSX file (it holds binary data); upload the workbook saved as .xlsx, or a CSV export"
        )
    # The first lines, and at most SNIFF_CHARS of them: the sniffer's time grows with the sample.
    sample = "\n".join(text[:SNIFF_CHARS].splitlines()[:20])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        delimiter = max(CSV_DELIMITERS, key=sample.count)
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    # A semicolon-separated file comes from a locale that writes 1.234,5.
    decimal_comma = delimiter == ";"
    if (columns := _regular_csv_columns(text, delimiter)) is not None:
        sheet = RawSheet(stem, decimal_comma=decimal_comma, columns=columns, unstripped=True)
    else:
        try:
            rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
        except csv.Error as exc:
            raise FileRejected(f"the CSV file cannot be read ({exc}); export it again from the spreadsheet") from exc
        sheet = RawSheet(stem, rows, decimal_comma=decimal_comma)
    if (width := sheet.width(0)) > MAX_COLUMNS:
        raise FileRejected(_too_wide(stem, width))
    return sheet


def _regular_csv_columns(text: str, delimiter: str) -> list[pa.ChunkedArray] | None:
    """The cells of a CSV file whose every record has as many fields as its first, read column by
    column by Arrow's parser (multi-threaded C++, which splits fields as the csv module does). None for
    any other file: the csv module then reads it row by row (and says what is wrong with it). The
    csv module refuses NUL characters, so those files go to it too, as do files with blank lines.
    Line breaks are newlines by now."""
    import pyarrow.csv as arrow_csv

    if "\x00" in text:
        return None
    # A blank line is a record without fields to the csv module, and a row of empty texts to Arrow.
    if "\n\n" in text or text.startswith("\n"):
        return None
    try:
        first = next(csv.reader(io.StringIO(text[:SNIFF_CHARS]), delimiter=delimiter), None)
    except csv.Error:
        return None
    if not first:
        return None
    names = [f"f{i}" for i in range(len(first))]
    try:
        table = arrow_csv.read_csv(
            pa.py_buffer(text.encode("utf-8")),
            read_options=arrow_csv.ReadOptions(column_names=names),
            parse_options=arrow_csv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=arrow_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    return table.columns
