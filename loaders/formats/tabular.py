"""What the spreadsheet and CSV exports share: their sheets read by loaders.read (by content, with
its caps and checks), the header row found, columns known by several spellings, and the columns no
spelling claims counted for the report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from loaders.formats import source
from loaders.formats.source import NotThisFormat, SourceFile, Table
from loaders.headers import header_key


@dataclass
class Columns:
    """role → the header spellings a tool uses for it (compared by header_key)."""

    spellings: dict[str, tuple[str, ...]]

    def __post_init__(self):
        self.keys = {role: tuple(header_key(s) for s in names) for role, names in self.spellings.items()}
        self.known = {k for keys in self.keys.values() for k in keys}

    def get(self, record: dict, role: str):
        return source.first(record, *self.keys[role])

    def has(self, table: Table, role: str) -> bool:
        return any(k in table.headers for k in self.keys[role])

    def unknown(self, table: Table, ignored: set[str] = frozenset()) -> dict[str, int]:
        """Headers (as written) of columns holding values that no role reads, with how many values."""
        counts: Counter = Counter()
        for _, record in table.rows:
            for key in record:
                if key not in self.known and key not in ignored:
                    counts[key] += 1
        return {table.headers.get(k, k): n for k, n in counts.items()}


def read_tables(
    files: list[SourceFile],
    max_bytes: int,
    columns: Columns,
    required: tuple[str, ...],
    least: int = 2,
    sheet_names: tuple[str, ...] = (),
) -> list[Table]:
    """The sheets of `files` whose header row holds at least `least` known headers and a header of each
    `required` role; sheets named in `sheet_names` first. NotThisFormat when none does."""
    found = []
    for file in files:
        sheets = source.sheets_of(file.name, file.data, max_bytes)
        sheets.sort(key=lambda s: 0 if s.name.strip().lower() in sheet_names else 1)
        for sheet in sheets:
            table = source.table_of(file.name, sheet, columns.known, least)
            if table is not None and all(columns.has(table, role) for role in required):
                found.append(table)
    if not found:
        needed = ", ".join(columns.spellings[r][0] for r in required)
        raise NotThisFormat(f"no sheet has the columns {needed}")
    return found


def headers_match(
    file_name: str,
    data: bytes,
    needles: tuple[str, ...],
    least: int,
    sheet_names: tuple[str, ...] = (),
    csv_ok: bool = True,
    xlsx_ok: bool = True,
) -> bool:
    """A cheap look at a file's headers (a CSV file's first line, a workbook's sheet names and the start
    of its shared strings): at least `least` of `needles` (header_key spellings) there."""
    if csv_ok and (header := source.csv_header(data)) is not None:
        return len(set(header) & set(needles)) >= least
    if xlsx_ok and (peek := source.workbook_peek(data)) is not None:
        sheets, strings = peek
        if sheet_names and not any(s in sheet_names for s in sheets):
            return False
        keys = {header_key(t) for t in strings.split(" | ")}
        return len(keys & set(needles)) >= least
    return False


def date_order(records: list[dict], columns: Columns, roles: tuple[str, ...], notes: list[str]):
    """One order of day and month for all the date columns of an export (a tool writes every date alike:
    `01/07/2025` is decided by a `30/09/2025` in another column); a doubt left is noted."""
    from loaders import coerce

    cells = [columns.get(record, role) for record in records for role in roles]
    order = coerce.column_date_order(cells, "dates")
    if order.warning:
        notes.append(order.warning.replace("column dates", "the export's dates"))
    return order
