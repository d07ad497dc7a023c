"""Turn uploaded bytes into raw grids of cells, one per sheet, without trusting the file.

The file type is decided by content, not by name. XLSX archives are checked for zip bombs and for
XML entity declarations (a "billion laughs" file) before any XML is parsed; CSV text is decoded by
trying the encodings people's tools really write.
"""
from __future__ import annotations

import csv
import io
import operator
import posixpath
import re
import zipfile
from dataclasses import dataclass

import pyarrow as pa

from loaders.problems import FileRejected

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
EXCEL_1904_EPOCH = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904=\"(?:1|true)\"")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and password-protected .xlsx


class RawSheet:
    """One sheet's cells, read row by row (`rows`: a list per row, as long as that row) or, for a
    regular CSV file, column by column (`text_columns`: one Arrow string array per column, the cells
    not yet stripped); then `rows` (stripped, as a CSV file read row by row is) is built only when asked
    for."""

    def __init__(self, name: str, rows: list[list[object]] | None = None, decimal_comma: bool = False,
                 date1904: bool = False, text_columns: list[pa.ChunkedArray] | None = None):
        self.name = name
        self.decimal_comma = decimal_comma
        # Excel for Mac's old date system: a date typed as a plain number counts days from 1904-01-01.
        self.date1904 = date1904
        self.text_columns = text_columns
        self._rows = rows if text_columns is None else None
        self._shortest_from: tuple[int, int] | None = None

    @property
    def rows(self) -> list[list[object]]:
        if self._rows is None:
            self._rows = self._stripped_rows(self.height)
        return self._rows

    @property
    def height(self) -> int:
        return len(self.text_columns[0]) if self.text_columns else len(self.rows)

    def head(self, count: int) -> list[list[object]]:
        """The first `count` rows."""
        if self.text_columns is None:
            return self.rows[:count]
        return self._stripped_rows(count)

    def _stripped_rows(self, count: int) -> list[list[object]]:
        columns = (column.slice(0, count).to_pylist() for column in self.text_columns)
        return [[cell.strip() for cell in row] for row in zip(*columns)]

    def width(self, start: int) -> int:
        """How many columns the rows from `start` on reach."""
        if self.text_columns is not None:
            return len(self.text_columns) if self.height > start else 0
        return max(map(len, self.rows[start:]), default=0)

    def column(self, position: int, start: int) -> pa.ChunkedArray | list[object]:
        """The cells of one column from row `start` on (None where a row is shorter)."""
        if self.text_columns is not None:
            return self.text_columns[position].slice(start)
        rows = self.rows[start:]
        if self._shortest(start) > position:
            return list(map(operator.itemgetter(position), rows))
        return [row[position] if position < len(row) else None for row in rows]

    def _shortest(self, start: int) -> int:
        """The length of the shortest row from `start` on (asked once per column of a sheet)."""
        if self._shortest_from is None or self._shortest_from[0] != start:
            self._shortest_from = (start, min(map(len, self.rows[start:]), default=0))
        return self._shortest_from[1]


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


def read_grids(file_name: str, data: bytes, max_bytes: int = MAX_FILE_BYTES) -> list[RawSheet]:
    if len(data) > max_bytes:
        raise FileRejected(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes // 2**20} MB "
            "(split it, or upload the sheets you changed)"
        )
    if not data.strip():
        raise FileRejected("the file is empty")
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, max_bytes * MAX_UNCOMPRESSED_FACTOR)
    if data.startswith(OLE_MAGIC):
        raise FileRejected(
            "this is a password-protected workbook or an old .xls file; remove the password or "
            "save it as .xlsx (Excel: File > Save As > Excel Workbook) and upload again"
        )
    return [_read_csv(file_name, data)]


def _check_zip(data: bytes, max_uncompressed: int) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise FileRejected(f"the workbook is damaged and cannot be opened ({exc})") from exc
    total = sum(e.file_size for e in entries)
    compressed = sum(e.compress_size for e in entries) or 1
    if total > max_uncompressed or total / compressed > MAX_COMPRESSION_RATIO:
        raise FileRejected(
            "the workbook expands to far more data than it holds (a zip bomb, or a sheet with "
            "millions of formatted empty cells); copy the data into a new workbook and upload that"
        )
    if not any(e.filename == "xl/workbook.xml" for e in entries):
        raise FileRejected("this zip file is not an Excel workbook (.xlsx)")
    for entry in entries:
        if entry.filename.lower().endswith((".xml", ".rels", ".vml")):
            with archive.open(entry) as part:
                head = part.read(MAX_XML_PROLOG_BYTES)
            root = XML_ROOT_ELEMENT.search(head)
            if XML_DECLARATIONS.search(head[: root.start() if root else len(head)]) or (
                    root is None and len(head) == MAX_XML_PROLOG_BYTES):
                raise FileRejected(
                    f"the workbook's {entry.filename} declares XML entities, which Excel never writes (a file "
                    "made to exhaust the server's memory); open it in Excel, save it as a new workbook and "
                    "upload that"
                )


def _read_xlsx(data: bytes, max_uncompressed: int) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook

    _check_zip(data, max_uncompressed)
    date1904 = bool(EXCEL_1904_EPOCH.search(zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")))
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [
            RawSheet(name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False), date1904=date1904)
            for name in workbook.sheet_names
        ]
    except Exception as exc:  # calamine raises several unrelated types for a damaged archive
        raise FileRejected(f"the workbook is damaged and cannot be read ({exc})") from exc
    _mark_formula_cells(data, sheets)
    return sheets


_FORMULA_START = re.compile(rb"<f[\s>/]")
_CELL_START = re.compile(rb"<c[\s>]")
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_CACHED_VALUE = re.compile(rb"<v>[^<]+</v>|<is>")
# \bt="e", written with the literal first so that the search skips ahead to it (a \b first made
# every byte of a 100,000-row sheet a candidate).
_ERROR_TYPE = re.compile(rb't="e"(?<![A-Za-z0-9_]t="e")')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
# An error people type, or a lookup that found nothing: an empty cell, as "#N/A" is in a CSV file.
NOT_AVAILABLE = "#N/A"
_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"', re.S)
_RELATION = re.compile(rb"<Relationship\b[^>]*>", re.S)
_ATTRIBUTE = re.compile(rb'\b(Id|Target)="([^"]*)"')


def _mark_formula_cells(data: bytes, sheets: list[RawSheet]) -> None:
    """Put an UncalculatedFormula where a cell holds a formula but no saved result, and an ExcelError
    where a cell shows an error."""
    import html

    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    relations = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for tag in _RELATION.findall(archive.read("xl/_rels/workbook.xml.rels")):
            attributes = dict(_ATTRIBUTE.findall(tag))
            target = attributes.get(b"Target", b"").decode()
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            relations[attributes.get(b"Id", b"")] = path
    by_name = {sheet.name: sheet for sheet in sheets}
    for raw_name, relation in _SHEET.findall(archive.read("xl/workbook.xml")):
        sheet = by_name.get(html.unescape(raw_name.decode("utf-8", "replace")))
        path = relations.get(relation)
        if sheet is not None and path in names:
            xml = archive.read(path)
            for row, column, formula in _uncalculated_cells(xml):
                _put(sheet, row, column, UncalculatedFormula(html.unescape(formula)))
            for row, column, code in _error_cells(xml):
                _put(sheet, row, column, NOT_AVAILABLE if code == NOT_AVAILABLE else ExcelError(code))


def _put(sheet: RawSheet, row: int, column: int, value: object) -> None:
    while len(sheet.rows) <= row:
        sheet.rows.append([])
    cells = sheet.rows[row]
    cells.extend([None] * (column + 1 - len(cells)))
    cells[column] = value


def _error_cells(xml: bytes):
    """(row, column, error code) of each cell of a worksheet's XML that shows an error (t="e")."""
    for found in _ERROR_TYPE.finditer(xml):
        start = xml.rfind(b"<c ", 0, found.start())
        head_end = xml.find(b">", found.start())
        if start < 0 or head_end < 0 or xml.find(b">", start, found.start()) >= 0:
            continue  # the attribute is not one of a cell's
        end = xml.find(b"</c>", head_end)
        reference = _CELL_REF.search(xml, start, head_end)
        value = _VALUE.search(xml, head_end, end) if end >= 0 else None
        if reference is not None and value is not None:
            yield (int(reference.group(2)) - 1, _column_index(reference.group(1).decode()),
                   value.group(1).decode("utf-8", "replace"))


def _uncalculated_cells(xml: bytes):
    """(row, column, formula) of each formula cell of a worksheet's XML without a saved result.
    Only the cells around each <f> are looked at, so a sheet without formulas costs one scan."""
    end = 0
    for found in _FORMULA_START.finditer(xml):
        if found.start() < end:
            continue
        start = max((m.start() for m in _CELL_START.finditer(xml, max(end, found.start() - 4096), found.start())),
                    default=None)
        end = xml.find(b"</c>", found.start())
        if start is None or end < 0:
            continue
        head_end = xml.find(b">", start)
        attributes, body = xml[start:head_end], xml[head_end + 1:end]
        reference = _CELL_REF.search(attributes)
        formula = _FORMULA.search(body)
        # Excel saves a formula's empty-text result as t="str" with an empty <v>.
        if reference is None or formula is None or _CACHED_VALUE.search(body) or b't="str"' in attributes:
            continue
        text = (formula.group(1) or b"").decode("utf-8", "replace")
        yield (int(reference.group(2)) - 1, _column_index(reference.group(1).decode()),
               "=" + text if text else "(a shared formula)")


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


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


def _read_csv(file_name: str, data: bytes) -> RawSheet:
    text = decode_text(data)
    if _looks_binary(text):
        raise FileRejected(
            "this is not a CSV or XLSX file (it holds binary data); upload the workbook saved as "
            ".xlsx, or a CSV export"
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
        return RawSheet(stem, decimal_comma=decimal_comma, text_columns=columns)
    try:
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise FileRejected(f"the CSV file cannot be read ({exc}); export it again from the spreadsheet") from exc
    return RawSheet(stem, rows, decimal_comma=decimal_comma)


def _regular_csv_columns(text: str, delimiter: str) -> list[pa.ChunkedArray] | None:
    """The cells of a CSV file whose every record has as many fields as its first, read column by
    column by Arrow's parser (multi-threaded C++, which splits fields as the csv module does). None for
    any other file: the csv module then reads it row by row (and says what is wrong with it). The
    csv module refuses NUL characters and line breaks that are a lone carriage return, so those files
    go to it too, as do files with blank lines."""
    import pyarrow.csv as arrow_csv

    if "\x00" in text or "\r" in text and text.count("\r") != text.count("\r\n"):
        return None
    # A blank line is a record without fields to the csv module, and a row of empty texts to Arrow.
    if "\n\n" in text or "\n\r\n" in text or text.startswith(("\n", "\r")):
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
            parse_options=arrow_csv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                                 escape_char=False, newlines_in_values=True,
                                                 ignore_empty_lines=False),
            convert_options=arrow_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                     null_values=[], strings_can_be_null=False,
                                                     quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:
        return None
    return table.columns
