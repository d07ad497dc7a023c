"""Turn uploaded bytes into raw grids of cells, one per sheet, without trusting the file.

The file type is decided by content, not by name. XLSX archives are checked for zip bombs before
any XML is parsed; CSV text is decoded by trying the encodings people's tools really write.
"""
from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from loaders.problems import FileRejected

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_CELL_CHARS = 32_767
CSV_DELIMITERS = ",;\t|"

# Text whose share of control characters (other than tab and line breaks) exceeds this is binary.
MAX_CONTROL_SHARE = 0.01
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and password-protected .xlsx


@dataclass
class RawSheet:
    name: str
    rows: list[list[object]]
    decimal_comma: bool = False


@dataclass(frozen=True)
class UncalculatedFormula:
    """A formula cell saved without its result (written by a script, never opened in Excel):
    reading it as empty would silently drop what the user typed."""
    formula: str


def read_grids(file_name: str, data: bytes) -> list[RawSheet]:
    if len(data) > MAX_FILE_BYTES:
        raise FileRejected(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB "
            "(split it, or upload the sheets you changed)"
        )
    if not data.strip():
        raise FileRejected("the file is empty")
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    if data.startswith(OLE_MAGIC):
        raise FileRejected(
            "this is a password-protected workbook or an old .xls file; remove the password or "
            "save it as .xlsx (Excel: File > Save As > Excel Workbook) and upload again"
        )
    return [_read_csv(file_name, data)]


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise FileRejected(f"the workbook is damaged and cannot be opened ({exc})") from exc
    total = sum(e.file_size for e in entries)
    compressed = sum(e.compress_size for e in entries) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / compressed > MAX_COMPRESSION_RATIO:
        raise FileRejected(
            "the workbook expands to far more data than it holds (a zip bomb, or a sheet with "
            "millions of formatted empty cells); copy the data into a new workbook and upload that"
        )
    if not any(e.filename == "xl/workbook.xml" for e in entries):
        raise FileRejected("this zip file is not an Excel workbook (.xlsx)")


def _read_xlsx(data: bytes) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook

    _check_zip(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [
            RawSheet(name, _clip(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)))
            for name in workbook.sheet_names
        ]
    except Exception as exc:  # calamine raises several unrelated types for a damaged archive
        raise FileRejected(f"the workbook is damaged and cannot be read ({exc})") from exc
    _mark_uncalculated_formulas(data, sheets)
    return sheets


_FORMULA_START = re.compile(rb"<f[\s>/]")
_CELL_START = re.compile(rb"<c[\s>]")
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_CACHED_VALUE = re.compile(rb"<v>[^<]+</v>|<is>")
_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"', re.S)
_RELATION = re.compile(rb"<Relationship\b[^>]*>", re.S)
_ATTRIBUTE = re.compile(rb'\b(Id|Target)="([^"]*)"')


def _mark_uncalculated_formulas(data: bytes, sheets: list[RawSheet]) -> None:
    """Put an UncalculatedFormula where a cell holds a formula but no saved result."""
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
            for row, column, formula in _uncalculated_cells(archive.read(path)):
                while len(sheet.rows) <= row:
                    sheet.rows.append([])
                cells = sheet.rows[row]
                cells.extend([None] * (column + 1 - len(cells)))
                cells[column] = UncalculatedFormula(html.unescape(formula))


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


def _clip(rows: list[list[object]]) -> list[list[object]]:
    return [
        [v[:MAX_CELL_CHARS] if isinstance(v, str) else v for v in row]
        for row in rows
    ]


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
    sample = "\n".join(text.splitlines()[:20])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        delimiter = max(CSV_DELIMITERS, key=sample.count)
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    # A semicolon-separated file comes from a locale that writes 1.234,5.
    return RawSheet(stem, _clip(rows), decimal_comma=delimiter == ";")
