"""Reading another tool's files without trusting them: JSON with caps on size, nesting and count,
ZIP archives through the checks of loaders.read (size, compression ratio, encryption, methods),
spreadsheets through loaders.read.read_grids, and HTML notes turned into plain text."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser

from loaders import coerce
from loaders.headers import header_key
from loaders.problems import FileRejected
from loaders.read import (
    EXCEL_COMPRESSION,
    MAX_CELL_CHARS,
    MAX_COMPRESSION_RATIO,
    MAX_UNCOMPRESSED_FACTOR,
    ZIP_ENCRYPTED,
    ZIP_MAGIC,
    RawSheet,
    _zip_part,
    read_grids,
)

MAX_JSON_DEPTH = 16  # an export nests records in arrays of objects: 4 or 5 levels
MAX_JSON_RECORDS = 2_000_000  # objects and arrays in one file
MAX_ZIP_ENTRIES = 500


@dataclass
class SourceFile:
    """One file of an export: a loose file, or a part of a ZIP archive (`archive` names it)."""

    name: str
    data: bytes
    archive: str | None = None

    @property
    def shown(self) -> str:
        return f"{self.archive}/{self.name}" if self.archive else self.name


def is_zip(data: bytes) -> bool:
    return data.startswith(ZIP_MAGIC)


def zip_members(file_name: str, data: bytes, max_bytes: int) -> list[SourceFile]:
    """The files of a ZIP archive that is not a workbook, after the checks loaders.read makes of a
    workbook's archive: at most `max_bytes` × MAX_UNCOMPRESSED_FACTOR expanded, a compression ratio of
    at most MAX_COMPRESSION_RATIO, no encrypted part, only the methods Excel (and every zip tool)
    writes. Folders and files in folders are flattened to their names."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [e for e in archive.infolist() if not e.is_dir()]
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError) as exc:
        raise FileRejected(f"the zip file is damaged and cannot be opened ({exc})") from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise FileRejected(
            f"the zip file holds {len(entries):,} files; an export holds a few (the limit is {MAX_ZIP_ENTRIES})"
        )
    total = sum(e.file_size for e in entries)
    compressed = sum(e.compress_size for e in entries) or 1
    if total > max_bytes * MAX_UNCOMPRESSED_FACTOR or total / compressed > MAX_COMPRESSION_RATIO:
        raise FileRejected(
            "the zip file expands to far more data than it holds (a zip bomb?); unpack it and upload the files it holds"
        )
    if encrypted := [e.filename for e in entries if e.flag_bits & ZIP_ENCRYPTED]:
        raise FileRejected(f"the zip file's {encrypted[0]} is encrypted; unpack it and upload the files")
    if odd := [e for e in entries if e.compress_type not in EXCEL_COMPRESSION]:
        raise FileRejected(
            f"the zip file's {odd[0].filename} is compressed with zip method {odd[0].compress_type}, "
            "which is not read here; unpack it and upload the files"
        )
    members = []
    for entry in entries:
        name = entry.filename.replace("\\", "/").rsplit("/", 1)[-1]
        if not name or name.startswith((".", "__MACOSX")) or "/__MACOSX/" in f"/{entry.filename}":
            continue
        if entry.file_size > max_bytes:
            raise FileRejected(
                f"{name} in the zip file is {entry.file_size / 1e6:.1f} MB; the limit is {max_bytes // 2**20} MB"
            )
        members.append(SourceFile(name, _zip_part(archive, entry, max_bytes + 1), file_name))
    return members


class JsonRejected(ValueError):
    pass


def _no_constants(name: str):
    raise JsonRejected(f"{name} is not a JSON number")


def load_json(data: bytes, what: str) -> object:
    """Parsed JSON, refused with a reason when it is not JSON, nests deeper than MAX_JSON_DEPTH or holds
    more than MAX_JSON_RECORDS objects and arrays (NaN and Infinity are not JSON)."""
    from loaders.read import decode_text

    text = decode_text(data).lstrip("\ufeff")
    try:
        value = json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        raise JsonRejected(f"{what} nests deeper than any export does") from None
    except (ValueError, JsonRejected) as exc:
        raise JsonRejected(f"{what} is not readable JSON ({str(exc)[:120]})") from None
    stack, count = [(value, 1)], 0
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            count += 1
            if depth > MAX_JSON_DEPTH:
                raise JsonRejected(f"{what} nests deeper than {MAX_JSON_DEPTH} levels; an export nests 4 or 5")
            if count > MAX_JSON_RECORDS:
                raise JsonRejected(f"{what} holds more than {MAX_JSON_RECORDS:,} records")
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return value


def looks_like_json(data: bytes) -> bool:
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"[", b"{")


class _TextOfHtml(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote"}
    SKIPPED = {"script", "style", "head", "title", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # control characters other than tab and line feed
_BLANK_LINES = re.compile(r"\n\s*\n+")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def html_to_text(html: object) -> str | None:
    """The text a reader sees in an HTML note: tags and scripts dropped, entities decoded, paragraphs as
    line breaks, at most a spreadsheet cell's length. Nothing of it is ever rendered as HTML."""
    if not isinstance(html, str) or not html.strip():
        return None
    parser = _TextOfHtml()
    try:
        parser.feed(html[: MAX_CELL_CHARS * 8])
        parser.close()
    except Exception:  # html.parser is lenient; anything it cannot take is kept as plain text below
        return plain_text(re.sub(r"<[^>]*>", " ", html))
    return plain_text("".join(parser.parts))


def plain_text(text: object) -> str | None:
    if text is None:
        return None
    text = _CONTROL.sub("", str(text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text or None


# Spreadsheets


@dataclass
class Table:
    """A sheet's rows as {header key: cell} under the header row found, with the header texts."""

    file: str
    sheet: str
    headers: dict[str, str]  # key → header as written
    rows: list[tuple[int, dict[str, object]]]  # (Excel row number, cells)


def sheets_of(file_name: str, data: bytes, max_bytes: int) -> list[RawSheet]:
    return read_grids(file_name, data, max_bytes)


def table_of(file_name: str, sheet: RawSheet, wanted: set[str], least: int = 2, search: int = 15) -> Table | None:
    """The sheet as a Table when one of its first `search` rows holds at least `least` of the header
    keys `wanted` (header_key spellings); None otherwise."""
    head = sheet.head(search)
    for index, row in enumerate(head):
        keys = [header_key(c) if isinstance(c, str) else "" for c in row]
        if len(set(keys) & wanted) >= least:
            headers = {k: str(c).strip() for k, c in zip(keys, row) if k}
            rows = []
            for offset, cells in enumerate(sheet.rows[index + 1 :]):
                record = {}
                for key, cell in zip(keys, cells):
                    if key and key not in record and not coerce.is_empty(cell):
                        record[key] = cell
                if record:
                    rows.append((index + 2 + offset, record))
            return Table(file_name, sheet.name, headers, rows)
    return None


def first(record: dict[str, object], *keys: str) -> object:
    """The first of `keys` (header_key spellings) the record holds."""
    for key in keys:
        if key in record and not coerce.is_empty(record[key]):
            return record[key]
    return None


def text(value: object) -> str | None:
    if value is None or coerce.is_empty(value):
        return None
    if isinstance(value, dict):
        value = value.get("Name") or value.get("name") or value.get("Title") or value.get("title")
    return plain_text(coerce.to_text(value)) if value is not None else None


def number(value: object) -> float | None:
    """A number as tools write it ("40.0%", "1,200", 7); None when there is none."""
    if value is None or isinstance(value, (dict, list)):
        return None
    try:
        return coerce.to_number(value)
    except coerce.CellError:
        return None


def date(value: object) -> dt.date | None:
    """A date from ISO text (with or without a time), a slash date (day first unless it cannot be),
    an Excel date or serial; None when there is none or it cannot be read."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, str):
        value = value.strip()
        if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", value):
            value = value[:10]
    try:
        return coerce.to_date(value)
    except (coerce.CellError, ValueError, OverflowError):
        return None


def moment(value: object) -> dt.datetime | None:
    """A date and time ("2024-10-03 14:22:05", ISO with T and zone): for ordering check-ins of a day."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        match = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?", value.strip())
        if match:
            try:
                parts = [int(g) if g else 0 for g in match.groups()]
                return dt.datetime(*parts)
            except ValueError:
                return None
    day = date(value)
    return dt.datetime.combine(day, dt.time()) if day else None


def email_of(value: object) -> str | None:
    found = text(value)
    if found and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", found):
        return found.lower()
    return None


PEEK_BYTES = 1024 * 1024


_last_peek: list = [None, None]  # (the bytes, their peek): each detector asks about the same upload


def workbook_peek(data: bytes) -> tuple[list[str], str] | None:
    """A workbook's sheet names (lower case) and the start of its shared strings (lower case) — enough
    to tell an export's headers — reading at most PEEK_BYTES of either part; None for any other file."""
    if not is_zip(data):
        return None
    if _last_peek[0] is data:
        return _last_peek[1]
    peeked = _workbook_peek(data)
    _last_peek[:] = [data, peeked]
    return peeked


def forget_peek() -> None:
    _last_peek[:] = [None, None]


def _workbook_peek(data: bytes) -> tuple[list[str], str] | None:
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            return None
        workbook = _zip_part(archive, "xl/workbook.xml", PEEK_BYTES).decode("utf-8", errors="replace")
        strings = (
            _zip_part(archive, "xl/sharedStrings.xml", PEEK_BYTES).decode("utf-8", errors="replace")
            if "xl/sharedStrings.xml" in names
            else ""
        )
    except (FileRejected, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        return None
    import html as html_module

    sheets = [html_module.unescape(n).lower() for n in re.findall(r'<(?:\w+:)?sheet\b[^>]*\bname="([^"]*)"', workbook)]
    texts = " | ".join(html_module.unescape(t) for t in re.findall(r"<(?:\w+:)?t\b[^>]*>([^<]*)<", strings))
    return sheets, texts.lower()


def csv_header(data: bytes) -> list[str] | None:
    """The header keys of a CSV file's first line (None for a workbook, JSON or binary data)."""
    if is_zip(data) or looks_like_json(data) or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return None
    import csv

    from loaders.read import decode_text

    head = decode_text(data[:8192])
    first_line = head.lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    delimiter = max(",;\t|", key=first_line.count)
    try:
        cells = next(csv.reader(io.StringIO(first_line), delimiter=delimiter))
    except (csv.Error, StopIteration):
        return None
    return [header_key(c) for c in cells]


class NotThisFormat(Exception):
    """Raised by a reader when a file detected as its format turns out not to be (it is then read as an
    ordinary spreadsheet)."""
