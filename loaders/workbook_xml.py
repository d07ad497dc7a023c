"""What a workbook's XML says that the reader libraries do not: which part holds each sheet, the date
system, where a worksheet starts and how wide it is, and which cells hold a formula without a saved
result or show an error (the libraries give both as empty cells).

The XML is parsed as XML by expat, namespaces resolved by URI, so a part reads the same whatever
prefix the tool that wrote it chose (`<x:c>` from the .NET OpenXML SDK, `<c>` from Excel), in any
attribute order and with any whitespace. Entity and doctype declarations are refused, as defusedxml
does (the archive check has refused them already; this is the second lock). Worksheets are parsed in
full only when a byte search finds something that could be a formula or an error: a sheet of plain
values, the common upload, costs one scan of its bytes.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

# SpreadsheetML as Excel writes it (transitional) and as ISO's strict schema names it.
MAIN_NAMESPACES = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
}
RELATIONSHIP_ID_NAMESPACES = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
}
PACKAGE_RELATIONSHIPS_NAMESPACE = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELATIONSHIPS = "xl/_rels/workbook.xml.rels"
# The rows a worksheet's head is read for: the header sits within the first 15 (parse.HEADER_SEARCH_ROWS).
HEAD_ROWS = 20
FEED_BYTES = 64 * 1024
# What starts a formula element (under no prefix or any), and what ends an error type attribute (in
# either quotes): a worksheet without any has no cell to mark, and is not parsed in full. Found with
# bytes.find, which skips through a 25 MB sheet several times faster than a regular expression can.
_FORMULA_TAG_STARTS = (b"<f", b":f")
_TAG_NAME_ENDS = frozenset(b" \t\r\n/>")
_ERROR_VALUES = (b'"e"', b"'e'")
_ERROR_ATTRIBUTE_BEFORE = re.compile(rb"(?:^|\s)t\s*=\s*$")
_REFERENCE = re.compile(r"([A-Za-z]{1,3})(\d+)")
_DIMENSION = re.compile(r"(?:[A-Za-z]{1,3}\d*:)?([A-Za-z]{1,3})\d*")


class UnsafeXml(ValueError):
    """A part declares a doctype or entities."""


class _Stop(Exception):
    """Raised by a handler once it has read what it needs."""


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def refuse(*_):
        raise UnsafeXml("the part declares a doctype or entities")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    return parser


def _split(name: str) -> tuple[str, str]:
    """(namespace URI, local name) of an expat name."""
    namespace, _, local = name.rpartition(" ")
    return namespace, local


class Incomplete(Exception):
    """The start of a part given to a parse ended before the parse found what it reads."""


def _parse(xml: bytes, parser: expat.XMLParserType, complete: bool = True) -> None:
    """Feed `xml` in pieces, so a handler raising _Stop ends the parse without reading the rest.
    Without `complete`, `xml` is only the start of the part: Incomplete when it ends before a _Stop."""
    try:
        for start in range(0, len(xml), FEED_BYTES):
            parser.Parse(xml[start : start + FEED_BYTES], False)
        if not complete:
            raise Incomplete()
        parser.Parse(b"", True)
    except _Stop:
        pass


def column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def column_letters(index: int) -> str:
    letters, index = "", index + 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass
class WorkbookParts:
    sheets: dict[str, str] = field(default_factory=dict)  # sheet name → worksheet part path
    date1904: bool = False  # Excel for Mac's old date system


def workbook_parts(archive: zipfile.ZipFile) -> WorkbookParts:
    """Sheet name → its worksheet's part (sheets whose part is missing left out), and the date system."""
    names = set(archive.namelist())
    targets = _relationship_targets(archive.read(WORKBOOK_RELATIONSHIPS)) if WORKBOOK_RELATIONSHIPS in names else {}
    found = WorkbookParts()
    parser = _parser()

    def start(name, attributes):
        namespace, local = _split(name)
        if namespace not in MAIN_NAMESPACES:
            return
        if local == "workbookPr":
            found.date1904 = attributes.get("date1904", "").strip().lower() in ("1", "true")
        elif local == "sheet":
            relation = next(
                (
                    value
                    for key, value in attributes.items()
                    if _split(key) in {(ns, "id") for ns in RELATIONSHIP_ID_NAMESPACES}
                ),
                None,
            )
            path = targets.get(relation)
            if "name" in attributes and path in names:
                found.sheets[attributes["name"]] = path

    parser.StartElementHandler = start
    _parse(archive.read(WORKBOOK), parser)
    return found


def _relationship_targets(xml: bytes) -> dict[str, str]:
    """Relationship id → the archive path of its target, for the workbook's relationships."""
    targets = {}
    parser = _parser()

    def start(name, attributes):
        if (
            _split(name) == (PACKAGE_RELATIONSHIPS_NAMESPACE, "Relationship")
            and attributes.get("TargetMode") != "External"
        ):
            target = attributes.get("Target", "")
            targets[attributes.get("Id", "")] = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            )

    parser.StartElementHandler = start
    _parse(xml, parser)
    return targets


# Excel's built-in percentage formats: 0% and 0.00%.
BUILT_IN_PERCENT_FORMATS = {9, 10}
_LITERALS_IN_FORMAT = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def percent_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """The cell styles (indexes of the stylesheet's cellXfs) whose number format shows a percentage."""
    if "xl/styles.xml" not in archive.namelist():
        return frozenset()
    formats: dict[int, str] = {}
    styles: list[int] = []
    inside_cell_styles = False
    parser = _parser()

    def start(name, attributes):
        nonlocal inside_cell_styles
        namespace, local = _split(name)
        if namespace not in MAIN_NAMESPACES:
            return
        if local == "numFmt" and attributes.get("numFmtId", "").strip().isdigit():
            formats[int(attributes["numFmtId"])] = attributes.get("formatCode", "")
        elif local == "cellXfs":
            inside_cell_styles = True
        elif local == "xf" and inside_cell_styles:
            number_format = attributes.get("numFmtId", "0").strip()
            styles.append(int(number_format) if number_format.isdigit() else 0)

    def end(name):
        nonlocal inside_cell_styles
        if _split(name)[1] == "cellXfs":
            inside_cell_styles = False

    parser.StartElementHandler, parser.EndElementHandler = start, end
    _parse(archive.read("xl/styles.xml"), parser)
    return frozenset(
        index
        for index, number_format in enumerate(styles)
        if number_format in BUILT_IN_PERCENT_FORMATS
        or "%" in _LITERALS_IN_FORMAT.sub("", formats.get(number_format, ""))
    )


@dataclass
class SheetHead:
    starts_at_a1: bool  # the first cell is A1 and holds a value
    width: int  # columns, as far as the sheet's dimension and its first rows tell


def sheet_head(xml: bytes, complete: bool = True) -> SheetHead:
    """The worksheet's first cell and its width: the larger of its declared dimension and the columns
    its first HEAD_ROWS rows reach (a sheet may omit the dimension, or understate it). Without
    `complete`, `xml` is the start of the part: Incomplete when the first rows do not end in it."""
    cells = _CellWalker()
    first: dict[str, object] = {}
    declared_width = 0

    def start(name, attributes):
        nonlocal declared_width
        namespace, local = _split(name)
        if namespace not in MAIN_NAMESPACES:
            return
        if local == "dimension":
            reference = _DIMENSION.fullmatch(attributes.get("ref", "").strip())
            declared_width = column_index(reference.group(1)) + 1 if reference else 0
        elif local == "row" and cells.row + 1 >= HEAD_ROWS:
            raise _Stop
        cells.start(local, attributes)
        if local == "c" and not first:
            first.update(position=(cells.row, cells.column), value=False)
        elif local in ("v", "is") and cells.in_first_cell(first):
            first["value"] = first["value"] or local == "is"

    def text(data):
        if cells.inside == "v" and cells.in_first_cell(first) and data.strip():
            first["value"] = True

    def end(name):
        namespace, local = _split(name)
        if namespace in MAIN_NAMESPACES:
            cells.end(local)

    parser = _parser()
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    _parse(xml, parser, complete)
    return SheetHead(first.get("position") == (0, 0) and bool(first.get("value")), max(declared_width, cells.widest))


@dataclass(frozen=True)
class MarkedCell:
    row: int  # from 0
    column: int  # from 0
    formula: str | None  # a formula without a saved result ("=…", or "(a shared formula)")
    error: str | None  # the error the cell shows (#DIV/0!, #N/A, …)


@dataclass
class CellScan:
    marked: list[MarkedCell] = field(default_factory=list)
    percent: list[tuple[int, int]] = field(default_factory=list)  # (row, column) of numbers shown as percentages


def scan_cells(xml: bytes, percent_styles: frozenset[int] = frozenset()) -> CellScan:
    """The cells of a worksheet that hold a formula without a saved result or show an error, and the
    numbers it shows as percentages (a cell style of `percent_styles`).
    ElementTree's C parser reads the sheet a row at a time (a Python callback per element would take
    twice as long); the archive check has refused any doctype, so no entity can be expanded."""
    percent_styles = frozenset(style for style in percent_styles if _may_use_style(xml, style))
    scan = CellScan()
    if not percent_styles and not _may_hold_marked_cells(xml):
        return scan
    import xml.etree.ElementTree as ElementTree

    styles = {str(style) for style in percent_styles}
    rows = {f"{{{namespace}}}row": namespace for namespace in MAIN_NAMESPACES}
    row_index = -1
    for _, element in ElementTree.iterparse(io.BytesIO(xml), events=("end",)):
        namespace = rows.get(element.tag)
        if namespace is None:
            continue
        number = element.get("r", "").strip()
        row_index = int(number) - 1 if number.isdigit() and int(number) > 0 else row_index + 1
        formula_tag, cell_tag = f"{{{namespace}}}f", f"{{{namespace}}}c"
        for position, cell in enumerate(element):
            if cell.tag != cell_tag:
                continue
            percent = styles and cell.get("s", "").strip() in styles and cell.get("t", "n").strip() == "n"
            if cell.find(formula_tag) is None and cell.get("t") != "e" and not percent:
                continue
            found = _marked(cell, namespace)
            if found or percent:
                row_index, column = _cell_position(element, position, row_index, cell_tag)
                if found:
                    scan.marked.append(MarkedCell(row_index, column, *found))
                elif percent:
                    scan.percent.append((row_index, column))
        element.clear()
    return scan


def _may_use_style(xml: bytes, style: int) -> bool:
    return f's="{style}"'.encode() in xml or f"s='{style}'".encode() in xml


def _cell_position(row, position: int, row_index: int, cell_tag: str) -> tuple[int, int]:
    """(row, column) of the row's `position`-th child: from its `r`, or counted on from the cells
    before it where a writer left `r` out (the schema allows it)."""
    column = -1
    for cell in row[: position + 1]:
        if cell.tag != cell_tag:
            continue
        reference = _REFERENCE.fullmatch(cell.get("r", "").strip())
        if reference:
            row_index, column = int(reference.group(2)) - 1, column_index(reference.group(1))
        else:
            column += 1
    return row_index, column


def _marked(cell, namespace: str) -> tuple[str | None, str | None] | None:
    """(formula without a saved result, error shown) of a cell element, or None for neither."""
    formula = cell.find(f"{{{namespace}}}f")
    value = cell.find(f"{{{namespace}}}v")
    shown = (value.text or "").strip() if value is not None else ""
    kind = cell.get("t", "n").strip()
    uncalculated = (
        formula is not None
        and not shown
        and cell.find(f"{{{namespace}}}is") is None
        # Excel saves a formula's empty-text result as t="str" with an empty <v>.
        and not (kind == "str" and value is not None)
    )
    if uncalculated:
        text = (formula.text or "").strip()
        return ("=" + text if text else "(a shared formula)"), None
    if kind == "e" and shown:
        return None, shown
    return None


def _may_hold_marked_cells(xml: bytes) -> bool:
    if _may_hold_formulas(xml):
        return True
    for needle in _ERROR_VALUES:
        position = xml.find(needle)
        while position >= 0:
            if _ERROR_ATTRIBUTE_BEFORE.search(xml, max(position - 64, 0), position):
                return True
            position = xml.find(needle, position + 3)
    return False


# A formula element's "f" is found by a one-byte search (memchr: several times faster than the two-byte
# searches where "f" is rare, as in sheets of numbers, dates and ids); past this many other "f"s (a sheet
# of prose), the two-byte searches go on from there.
_ONE_BYTE_SEARCHES = 100_000
_FORMULA_PREFIX_ENDS = frozenset(b"<:")


def _may_hold_formulas(xml: bytes) -> bool:
    """Whether an element named f (under no prefix or any) may start in `xml`: "<f" or ":f" followed by
    the end of a tag name."""
    position, searched = xml.find(b"f", 1), 0
    while position >= 0 and searched < _ONE_BYTE_SEARCHES:
        if (
            xml[position - 1] in _FORMULA_PREFIX_ENDS
            and position + 1 < len(xml)
            and xml[position + 1] in _TAG_NAME_ENDS
        ):
            return True
        position, searched = xml.find(b"f", position + 1), searched + 1
    if position < 0:
        return False
    for needle in _FORMULA_TAG_STARTS:
        found = xml.find(needle, position - 1)
        while found >= 0:
            if found + 2 < len(xml) and xml[found + 2] in _TAG_NAME_ENDS:
                return True
            found = xml.find(needle, found + 2)
    return False


class _CellWalker:
    """The position of the current row and cell: from their `r` attributes, or counted on from the
    previous one where a writer left `r` out (the schema allows it)."""

    def __init__(self):
        self.row = -1
        self.column = -1
        self.widest = 0
        self.in_cell = False
        self.inside: str | None = None  # the cell child whose text is being read: "v" or "f"

    def start(self, local: str, attributes: dict[str, str]) -> None:
        if local == "row":
            number = attributes.get("r", "").strip()
            self.row = int(number) - 1 if number.isdigit() and int(number) > 0 else self.row + 1
            self.column = -1
        elif local == "c":
            reference = _REFERENCE.fullmatch(attributes.get("r", "").strip())
            if reference:
                self.row = int(reference.group(2)) - 1
                self.column = column_index(reference.group(1))
            else:
                self.column += 1
            self.widest = max(self.widest, self.column + 1)
            self.in_cell = True
        elif local in ("v", "f") and self.in_cell:
            self.inside = local

    def end(self, local: str) -> None:
        if local == "c":
            self.in_cell = False
        if local in ("v", "f", "c"):
            self.inside = None

    def in_first_cell(self, first: dict[str, object]) -> bool:
        return self.in_cell and first.get("position") == (self.row, self.column)
