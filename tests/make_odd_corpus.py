"""Writes the odd-file corpus, tests/data/odd/: workbooks and CSV files from the wild that other tools
write and our readers must survive — damaged or encrypted zip entries, compression methods Excel never
uses, SpreadsheetML with namespace prefixes and attributes in another order, sheets thousands of columns
wide, dates past year 9999, Mac line endings. Each is a progress upload for team Sales at the review of
2027-05-31; what each must produce is asserted in tests/test_odd_files.py. Deterministic: rerunning
rewrites the same bytes.

    .venv/bin/python tests/make_odd_corpus.py
"""

from __future__ import annotations

import io
import pathlib
import struct
import sys
import zipfile

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT / "tests"))

from make_corpus import FIXED_TIME, csv_bytes, xlsx_bytes  # noqa: E402  (this folder's corpus helpers)

from loaders.workbook_xml import column_letters  # noqa: E402

ODD = PROJECT_ROOT / "tests" / "data" / "odd"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER = ["kr_id", "date", "value", "confidence", "comment"]
GOOD_ROW = ["SAL-O2-KR1", "2027-05-31", 512000, 7, "Two deals closed"]
# A serial number of a date-formatted cell past 9999-12-31 (Excel's last day is 2,958,465).
SERIAL_PAST_9999 = 2_994_626


def _cell_reference(row: int, column: int) -> str:
    return f"{column_letters(column)}{row + 1}"


def _cell_xml(prefix: str, reference: str, value: object, separator: str = " ") -> str:
    if isinstance(value, str) and value.startswith("<"):
        return value.replace("{p}", prefix).replace("{r}", reference)  # raw XML for one cell
    if isinstance(value, (int, float)):
        return f'<{prefix}c{separator}r="{reference}"><{prefix}v>{value}</{prefix}v></{prefix}c>'
    return (
        f'<{prefix}c{separator}r="{reference}" t="inlineStr"><{prefix}is><{prefix}t>{value}</{prefix}t>'
        f"</{prefix}is></{prefix}c>"
    )


def spreadsheetml(
    rows: list[list[object]],
    prefix: str = "x",
    reversed_sheet_attributes: bool = False,
    relationships_prefix: str = "r",
    separator: str = " ",
) -> bytes:
    """A one-sheet workbook (sheet CheckIns) written by hand as the .NET OpenXML SDK and other tools
    write it: every element of SpreadsheetML with the namespace prefix `prefix` ("" for none), the
    relationships namespace under `relationships_prefix`, the sheet's `r:id` before or after its
    `name`, `separator` between a cell's tag name and its attributes (a line break, say). A string
    value starting with "<" is a cell's raw XML ({p}: the prefix, {r}: the cell reference)."""
    p = f"{prefix}:" if prefix else ""
    declaration = f'xmlns:{prefix}="{MAIN_NS}"' if prefix else f'xmlns="{MAIN_NS}"'
    sheet_rows = "".join(
        f'<{p}row r="{row_index + 1}">'
        + "".join(
            _cell_xml(p, _cell_reference(row_index, column_index), value, separator)
            for column_index, value in enumerate(row)
            if value is not None
        )
        + f"</{p}row>"
        for row_index, row in enumerate(rows)
    )
    worksheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {declaration}>'
        f"<{p}sheetData>{sheet_rows}</{p}sheetData></{p}worksheet>"
    )
    rid = f'{relationships_prefix}:id="rId1"'
    attributes = (
        f'{rid} sheetId="1" name="CheckIns"' if reversed_sheet_attributes else f'name="CheckIns" sheetId="1" {rid}'
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}workbook {declaration} '
        f'xmlns:{relationships_prefix}="{RELATIONSHIPS_NS}"><{p}sheets><{p}sheet {attributes}/></{p}sheets>'
        f"</{p}workbook>"
    )
    return _package(
        {
            "xl/workbook.xml": workbook,
            "xl/_rels/workbook.xml.rels": (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{PACKAGE_RELATIONSHIPS_NS}">'
                f'<Relationship Target="worksheets/sheet1.xml" Id="rId1" '
                f'Type="{RELATIONSHIPS_NS}/worksheet"/></Relationships>'
            ),
            "xl/worksheets/sheet1.xml": worksheet,
        }
    )


def _package(parts: dict[str, str]) -> bytes:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
        'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    )
    root_relations = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{PACKAGE_RELATIONSHIPS_NS}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in {"[Content_Types].xml": content_types, "_rels/.rels": root_relations, **parts}.items():
            archive.writestr(
                zipfile.ZipInfo(name, FIXED_TIME.timetuple()[:6]), text.encode(), compress_type=zipfile.ZIP_DEFLATED
            )
    return buffer.getvalue()


def _local_header_offsets(data: bytes) -> dict[str, tuple[int, int]]:
    """Entry name → (offset of its local header, offset of its central directory record)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    central = data.rfind(b"PK\x05\x06")
    directory_offset = struct.unpack_from("<I", data, central + 16)[0]
    offsets, position = {}, directory_offset
    for entry in archive.infolist():
        offsets[entry.filename] = (entry.header_offset, position)
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        position += 46 + name_length + extra_length + comment_length
    return offsets


def with_entry_patched(
    data: bytes, name: str, *, flags: int | None = None, method: int | None = None, crc: int | None = None, body=None
) -> bytes:
    """The archive with one entry's header fields (in both its local header and the central
    directory) or compressed bytes (`body`: old bytes → new bytes of the same length) changed."""
    patched = bytearray(data)
    local, central = _local_header_offsets(data)[name]
    for offset, field_at in ((local, 6), (central, 8)):
        if flags is not None:
            struct.pack_into("<H", patched, offset + field_at, flags)
        if method is not None:
            struct.pack_into("<H", patched, offset + field_at + 2, method)
        if crc is not None:
            struct.pack_into("<I", patched, offset + field_at + 8, crc)
    if body is not None:
        name_length, extra_length = struct.unpack_from("<HH", data, local + 26)
        start = local + 30 + name_length + extra_length
        size = struct.unpack_from("<I", data, central + 20)[0]
        replaced = body(bytes(patched[start : start + size]))
        assert len(replaced) == size
        patched[start : start + size] = replaced
    return bytes(patched)


def _corrupt_deflate(stream: bytes) -> bytes:
    """A deflate stream whose first block header claims the reserved block type (11): invalid."""
    return bytes([stream[0] | 0b110]) + stream[1:]


def date_past_9999() -> bytes:
    """A date-formatted cell holding a serial number beyond Excel's last day, in an otherwise clean
    check-in sheet (every column of one type, so the columnar reader takes it)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "CheckIns"
    sheet.append(["kr_id", "date", "value"])
    sheet.append(["SAL-O2-KR1", SERIAL_PAST_9999, 512000])
    sheet.append(["SAL-O2-KR2", 46538, 15])
    for row in (2, 3):
        sheet.cell(row, 2).number_format = "yyyy-mm-dd"
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    from make_corpus import _fixed_zip_times

    return _fixed_zip_times(buffer.getvalue())


def corpus() -> dict[str, bytes]:
    plain = xlsx_bytes({"CheckIns": [HEADER, GOOD_ROW]})
    sheet = "xl/worksheets/sheet1.xml"
    formula_cell = '<{p}c r="{r}"><{p}f>450000+62000</{p}f></{p}c>'
    error_cell = '<{p}c r="{r}" t="e"><{p}v>#DIV/0!</{p}v></{p}c>'
    formula_row = ["SAL-O2-KR1", "2027-05-31", formula_cell, 7, "Two deals closed"]
    error_row = ["SAL-O2-KR1", "2027-05-31", 512000, error_cell, "Two deals closed"]
    wide = 16_384
    return {
        # Damaged archives: each entry check of a zip library fails in its own way.
        "bad_crc.xlsx": with_entry_patched(plain, sheet, crc=0x12345678),
        "encrypted_entry.xlsx": with_entry_patched(plain, sheet, flags=0x1),
        "unsupported_compression.xlsx": with_entry_patched(plain, sheet, method=9),  # Deflate64
        "bad_deflate_stream.xlsx": with_entry_patched(plain, sheet, body=_corrupt_deflate),
        "date_past_9999.xlsx": date_past_9999(),
        # One name repeated across a sheet's whole width (Excel's 16,384 columns).
        "wide_repeated_header.xlsx": xlsx_bytes({"CheckIns": [["a"] * wide, [1] * wide]}),
        "wide_repeated_header.csv": csv_bytes([["a"] * wide, [1] * wide]),
        # SpreadsheetML as other tools write it: the same cells every way they can be spelled.
        "prefixed_plain.xlsx": spreadsheetml([HEADER, GOOD_ROW]),
        "prefixed_formula_without_result.xlsx": spreadsheetml([HEADER, formula_row]),
        "prefixed_error_cell.xlsx": spreadsheetml([HEADER, error_row]),
        "reordered_attributes_plain.xlsx": spreadsheetml(
            [HEADER, GOOD_ROW], prefix="", reversed_sheet_attributes=True, relationships_prefix="rel", separator="\n  "
        ),
        "reordered_attributes_formula.xlsx": spreadsheetml(
            [HEADER, formula_row],
            prefix="",
            reversed_sheet_attributes=True,
            relationships_prefix="rel",
            separator="\n  ",
        ),
        "reordered_attributes_error.xlsx": spreadsheetml(
            [HEADER, error_row], prefix="ss", reversed_sheet_attributes=True, relationships_prefix="rel", separator="\t"
        ),
        # Excel for Mac's "CSV (Macintosh)": records end with a bare carriage return.
        "mac_line_endings.csv": csv_bytes([HEADER, GOOD_ROW, ["SAL-O2-KR2", "2027-05-31", 15, 6, ""]]).replace(
            b"\r\n", b"\r"
        ),
        "mixed_line_endings.csv": b"kr_id,date,value\rSAL-O2-KR1,2027-05-31,512000\nSAL-O2-KR2,2027-05-31,15\r\n",
        # A file named like a table whose header has none of its columns.
        "CheckIns.csv": csv_bytes([["city", "population", "country"], ["Lisbon", 545923, "Portugal"]]),
    }


def main() -> None:
    ODD.mkdir(parents=True, exist_ok=True)
    for name, content in corpus().items():
        (ODD / name).write_bytes(content)
        print(f"{name}: {len(content):,} bytes")


if __name__ == "__main__":
    main()
