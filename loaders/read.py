"""Turn uploaded bytes into raw grids of cells, one per sheet, without trusting the file.

The file type is decided by content, not by name. XLSX archives are checked for zip bombs before
any XML is parsed; CSV text is decoded by trying the encodings people's tools really write.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from loaders.problems import FileRejected

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_CELL_CHARS = 32_767
CSV_DELIMITERS = ",;\t|"

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and password-protected .xlsx


@dataclass
class RawSheet:
    name: str
    rows: list[list[object]]
    decimal_comma: bool = False


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
        return [
            RawSheet(name, _clip(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)))
            for name in workbook.sheet_names
        ]
    except Exception as exc:  # calamine raises several unrelated types for a damaged archive
        raise FileRejected(f"the workbook is damaged and cannot be read ({exc})") from exc


def _clip(rows: list[list[object]]) -> list[list[object]]:
    return [
        [v[:MAX_CELL_CHARS] if isinstance(v, str) else v for v in row]
        for row in rows
    ]


def decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_csv(file_name: str, data: bytes) -> RawSheet:
    text = decode_text(data)
    if "\x00" in text:
        raise FileRejected("this is not a CSV or XLSX file (it holds binary data)")
    sample = "\n".join(text.splitlines()[:20])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        delimiter = max(CSV_DELIMITERS, key=sample.count)
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    # A semicolon-separated file comes from a locale that writes 1.234,5.
    return RawSheet(stem, _clip(rows), decimal_comma=delimiter == ";")
