"""What each sheet of a file is taken for, and how its columns map: proposed, shown, edited, applied.

`propose_mapping(file, sheets)` looks at the raw sheets (headers, and a sample of the values under
them) and proposes, per sheet, a *shape* — a sheet of the workbook format (`workbook`, with its
table), a one-row-per-KR sheet (`kr_list`), an ARR/MRR bridge by month (`arr_bridge`), a long KPI
table (`kpi_table`), `notes` or `unknown` — with each header → the column it fills (or "" for not
used), the constants it needs (team, period, check-in date, …) and the guesses made, with why.
`apply_mapping(file, sheets, mapping)` turns the sheets into the tables of the workbook format, every
column not used reported. A mapping is plain data: `FileMapping.to_toml()` writes it as an editable
file and `FileMapping.from_toml()` reads it back (the README documents the format).

Recognition is per sheet and header; values are read a column at a time, never a row at a time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from loaders import coerce
from loaders.headers import ROLE_HEADERS, WORKBOOK_ROLES, header_key, header_keys, role_of, roles_of
from loaders.parse import HEADER_SEARCH_ROWS, NOTE_SHEETS
from loaders.problems import ERROR, INFO, WARNING, Problem
from loaders.read import RawSheet
from store.schema import (
    DATE,
    DIRECTIONS,
    KR_TYPES,
    MEASURES,
    NUMBER,
    STATUS_LEVELS,
    TABLES,
    TABLES_BY_NAME,
    Column,
    Table,
)

WORKBOOK, KR_LIST, BRIDGE, KPI, NOTES, UNKNOWN = "workbook", "kr_list", "arr_bridge", "kpi_table", "notes", "unknown"
SHAPES = (WORKBOOK, KR_LIST, BRIDGE, KPI, NOTES, UNKNOWN)
SHAPE_LABELS = {
    WORKBOOK: "workbook sheet",
    KR_LIST: "one-row-per-KR sheet",
    BRIDGE: "ARR/MRR bridge",
    KPI: "KPI table",
    NOTES: "notes (skipped)",
    UNKNOWN: "unknown",
}
IGNORE = "ignore"
NOT_USED = ""
SAMPLE_ROWS = 200  # values looked at under a header to judge what a column holds
# The progress template's reference columns: read back with it, used or not, never news.
TEMPLATE_REFERENCE = {
    "objective_id",
    "title",
    "owner",
    "measure",
    "unit",
    "start_value",
    "target_value",
    "due_date",
    "last_value",
    "last_status",
    "last_date",
}
MRR_TO_ARR = 12

# The columns of the shapes that are not sheets of the workbook format (pseudo tables: parsed by the
# same coercion as workbook sheets, then turned into workbook tables).
KR_LIST_TABLE = Table(
    "kr_list",
    "one-row-per-KR sheet",
    (),
    (
        Column("team"),
        Column("period"),
        Column("objective_id"),
        Column("objective"),
        Column("objective_owner"),
        Column("context"),
        Column("kr_id"),
        Column("key_result"),
        Column("owner"),
        Column("kr_type", choices=KR_TYPES),
        Column("measure", choices=MEASURES),
        Column("unit"),
        Column("start_value", NUMBER),
        Column("target_value", NUMBER),
        Column("current_value", NUMBER),
        Column("progress", NUMBER),
        Column("status", choices=STATUS_LEVELS),
        Column("confidence", NUMBER),
        Column("comment"),
        Column("start_date", DATE),
        Column("due_date", DATE),
        Column("date", DATE),
        Column("direction", choices=DIRECTIONS),
        Column("weight", NUMBER),
        Column("updated_by"),
    ),
)
BRIDGE_FIGURES = ("new", "expansion", "contraction", "churn", "ending")
BRIDGE_TABLE = Table(
    "arr_bridge",
    "ARR/MRR bridge",
    (),
    (
        Column("month"),  # read as text: 2027-01, Jan 2027, a date (loaders.shapes.months)
        *(Column(f"{figure}_{unit}", NUMBER) for figure in BRIDGE_FIGURES for unit in ("arr", "mrr")),
    ),
)
KPI_TABLE = Table(
    "kpi_table",
    "KPI table",
    (),
    (
        Column("metric"),
        Column("period"),
        Column("date", DATE),
        Column("month"),
        Column("actual", NUMBER),
        Column("target", NUMBER),
        Column("start_value", NUMBER),
        Column("comment"),
        Column("updated_by"),
    ),
)
PSEUDO_TABLES = {KR_LIST: KR_LIST_TABLE, BRIDGE: BRIDGE_TABLE, KPI: KPI_TABLE}
# A KeyResults sheet with each KR's current value (status, confidence, …): its check-ins.
KR_READINGS_TABLE = Table(
    "kr_readings",
    "KeyResults check-ins",
    (),
    (
        Column("kr_id"),
        Column("current_value", NUMBER),
        Column("status", choices=STATUS_LEVELS),
        Column("confidence", NUMBER),
        Column("comment"),
        Column("date", DATE),
        Column("updated_by"),
    ),
)
READING_TARGETS = ("current_value", "status", "confidence", "comment", "date")
# The roles a KPI table's headers are read by (role of headers.py → column of KPI_TABLE).
KPI_ROLES = {
    "metric": "metric",
    "period": "period",
    "date": "date",
    "month": "month",
    "current_value": "actual",
    "target_value": "target",
    "start_value": "start_value",
    "comment": "comment",
    "updated_by": "updated_by",
}
KR_LIST_ROLES = tuple(KR_LIST_TABLE.column_names)  # its columns are roles of headers.py


@dataclass
class SheetMapping:
    """How one sheet is read. `columns`: header text → column (of the table for a workbook sheet, of
    the shape otherwise), NOT_USED ("") or IGNORE; `constants`: column → the value every row gets
    (team, period, date, …); `guesses`: what was inferred and why; `values`: header → how many
    non-empty cells its column holds; `reasons`: header → why it is not used."""

    sheet: str
    shape: str
    table: str = ""
    header_row: int = 1
    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    guesses: list[str] = field(default_factory=list)
    values: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    transposed: bool = False  # read across: the headers down the first column, a record per column

    @property
    def label(self) -> str:
        if self.shape == WORKBOOK:
            return f"workbook sheet {self.table}"
        return SHAPE_LABELS.get(self.shape, self.shape)

    def as_dict(self) -> dict:
        return {
            "name": self.sheet,
            "shape": self.shape,
            "table": self.table,
            "header_row": self.header_row,
            "columns": dict(self.columns),
            "constants": dict(self.constants),
            "guesses": list(self.guesses),
            "values": dict(self.values),
            "reasons": dict(self.reasons),
            "transposed": self.transposed,
        }


@dataclass
class FileMapping:
    """Every sheet's mapping; `constants` (team, period, date, …) hold for every sheet that lacks them."""

    file: str
    sheets: list[SheetMapping] = field(default_factory=list)
    constants: dict[str, str] = field(default_factory=dict)

    def sheet(self, name: str) -> SheetMapping | None:
        return next((s for s in self.sheets if s.sheet == name), None) or next(
            (s for s in self.sheets if header_key(s.sheet) == header_key(name)), None
        )

    def as_dict(self) -> dict:
        return {"file": self.file, "constants": dict(self.constants), "sheets": [s.as_dict() for s in self.sheets]}

    @classmethod
    def from_dict(cls, data: dict, file: str = "") -> FileMapping:
        sheets = []
        for entry in data.get("sheet", data.get("sheets", [])):
            shape = str(entry.get("shape", UNKNOWN))
            if shape not in SHAPES:
                raise MappingError(f"sheet {entry.get('name')!r}: shape {shape!r} is not one of {', '.join(SHAPES)}")
            table = str(entry.get("table", ""))
            if shape == WORKBOOK and _table_named(table) is None:
                raise MappingError(
                    f"sheet {entry.get('name')!r}: table {table!r} is not a sheet of the workbook "
                    f"format ({', '.join(t.sheet for t in TABLES)})"
                )
            columns = {str(k): str(v) for k, v in dict(entry.get("columns", {})).items()}
            if shape == BRIDGE:  # "new" is the ARR figure, as in ArrActuals
                columns = {k: f"{v}_arr" if v in BRIDGE_FIGURES[:-1] else v for k, v in columns.items()}
            sheets.append(
                SheetMapping(
                    str(entry.get("name", "")),
                    shape,
                    _table_named(table).sheet if shape == WORKBOOK else table,
                    int(entry.get("header_row", 1)),
                    columns,
                    {str(k): _constant_text(v) for k, v in dict(entry.get("constants", {})).items()},
                    transposed=bool(entry.get("transposed", False)),
                )
            )
        for item in sheets:
            _check_targets(item)
        constants = {str(k): _constant_text(v) for k, v in dict(data.get("constants", {})).items()}
        return cls(str(data.get("file", file)), sheets, constants)

    def to_toml(self) -> str:
        return mapping_toml(self)

    @classmethod
    def from_toml(cls, text: str, file: str = "") -> FileMapping:
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise MappingError(f"the mapping file is not valid TOML ({exc})") from exc
        return cls.from_dict(data, file)


class MappingError(ValueError):
    """A mapping file that cannot be applied (unknown shape, table or column)."""


def _constant_text(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def _table_named(name: str) -> Table | None:
    key = header_key(name)
    return next((t for t in TABLES if key in {header_key(n) for n in (t.sheet, t.name, *t.aliases)}), None)


def targets_of(shape: str, table: str = "") -> list[str]:
    """The columns a header of a sheet of this shape may be mapped to."""
    if shape == WORKBOOK:
        found = _table_named(table)
        if found is not None and found.name == "key_results":
            return [*found.column_names, *READING_TARGETS]
        return found.column_names if found else []
    if shape in PSEUDO_TABLES:
        return PSEUDO_TABLES[shape].column_names
    return []


def _check_targets(item: SheetMapping) -> None:
    allowed = set(targets_of(item.shape, item.table))
    for header, target in item.columns.items():
        if target not in (NOT_USED, IGNORE) and target not in allowed:
            raise MappingError(
                f"sheet {item.sheet!r}: header {header!r} is mapped to {target!r}, which is not a "
                f'column of a {item.label} (use one of {", ".join(sorted(allowed))}, or "ignore")'
            )
    for name in item.constants:
        if name not in allowed and name != "level":
            raise MappingError(
                f"sheet {item.sheet!r}: constant {name!r} is not a column of a {item.label} "
                f"(use one of {', '.join(sorted(allowed))})"
            )


# ---------------------------------------------------------------------------------------------------
# Looking at a sheet


def _text(cell: object) -> str:
    return "" if coerce.is_empty(cell) else str(cell).strip()


def _sample_values(sample: list[list[object]], position: int) -> list[object]:
    return [row[position] for row in sample if position < len(row) and not coerce.is_empty(row[position])]


def value_count(sheet: RawSheet, position: int, start: int) -> int:
    """How many cells of a column hold something, from row `start` on (a column at a time)."""
    if start >= sheet.height or position >= sheet.width(start):
        return 0
    cells = sheet.column(position, start)
    if isinstance(cells, (pa.Array, pa.ChunkedArray)):
        if pa.types.is_string(cells.type) or pa.types.is_large_string(cells.type):
            trimmed = pc.utf8_lower(coerce.stripped(cells))
            empty = pc.is_in(trimmed, value_set=pa.array(sorted(coerce.EMPTY_MARKERS), type=pa.string()))
            return int(len(cells) - pc.sum(pc.fill_null(empty, True)).as_py() or 0) if len(cells) else 0
        return len(cells) - cells.null_count
    return len(cells) - cells.count(None) - cells.count("")


def _choice_fit(values: list[object], choices: tuple[str, ...]) -> float:
    keys = {coerce.normalise_key(c) for c in choices}
    distinct = {coerce.normalise_key(v) for v in values}
    distinct.discard("")
    return sum(1 for v in distinct if v in keys) / len(distinct) if distinct else 1.0


def _sentence_share(values: list[object]) -> float:
    distinct = {str(v).strip() for v in values}
    distinct.discard("")
    if not distinct:
        return 0.0
    return sum(1 for v in distinct if len(v.split()) >= 2 or len(v) > 40) / len(distinct)


def _number_share(values: list[object]) -> float:
    if not values:
        return 1.0
    good = 0
    for value in values:
        for decimal_comma in (False, True):  # 250.000,5 in a semicolon file
            try:
                coerce.to_number(value, decimal_comma)
            except coerce.CellError:
                continue
            good += 1
            break
    return good / len(values)


def _shown(values: list[object], limit: int = 3) -> str:
    distinct = list(dict.fromkeys(str(v).strip() for v in values))
    shown = ", ".join(coerce.quoted(v) for v in distinct[:limit])
    return shown + (", …" if len(distinct) > limit else "")


TITLE_COLUMNS = {"objective", "key_result", "metric"}


def refusal_by_values(column: Column, values: list[object], numbers: bool = True) -> str | None:
    """Why a column matched by header words does not hold what `column` holds (None: it fits);
    a number column is judged only with `numbers`."""
    if not values:
        return None
    if column.choices:
        if _choice_fit(values, column.choices) < 0.5:
            return f"its values ({_shown(values)}) are not {column.name} values ({', '.join(column.choices)})"
    elif column.name.endswith("_id") or column.name == "kr_id":
        if _sentence_share(values) >= 0.5:
            return f"its values ({_shown(values, 2)}) look like titles, not ids of {column.name}"
    elif column.kind == NUMBER:
        if numbers and _number_share(values) < 0.5:
            return f"its values ({_shown(values)}) are not numbers"
    elif column.name in TITLE_COLUMNS:
        if _number_share(values) >= 0.8:
            return f"its values ({_shown(values)}) are numbers, not titles"
    return None


def _workbook_keys(table: Table) -> dict[str, list[Column]]:
    """Header key → the table's columns it may name, in table order."""
    by_key: dict[str, list[Column]] = {}
    for column in table.columns:
        words = [column.name, *column.aliases]
        role = WORKBOOK_ROLES.get((table.name, column.name))
        if role:
            words += [role, *ROLE_HEADERS[role]]
        for key in dict.fromkeys(header_key(w) for w in words):
            by_key.setdefault(key, []).append(column)
    return by_key


_WORKBOOK_KEYS = {table.name: _workbook_keys(table) for table in TABLES}


def match_workbook_header(
    cells: list[object], table: Table, sample: list[list[object]] | None = None, refused: dict[int, str] | None = None
) -> dict[int, Column]:
    """Cell positions of a header row → the table's columns (first fitting match wins). With a
    `sample` of the rows below, a column matched by an alias (not by its own name) whose values do
    not fit it is not taken; why goes into `refused`."""
    by_key = _WORKBOOK_KEYS[table.name]
    mapped: dict[int, Column] = {}
    taken: set[str] = set()
    for position, cell in enumerate(cells):
        if not isinstance(cell, str):
            continue
        keys = header_keys(cell)
        key = next((k for k in keys if k in by_key), keys[0] if keys else "")
        candidates = [c for c in by_key.get(key, ()) if c.name not in taken]
        for number, column in enumerate(candidates):
            if sample is not None and key != header_key(column.name):
                # A number column's texts are reported cell by cell, unless another column may fit.
                reason = refusal_by_values(
                    column, _sample_values(sample, position), numbers=number < len(candidates) - 1
                )
                if reason:
                    if refused is not None:
                        refused.setdefault(position, reason)
                    continue
            mapped[position] = column
            taken.add(column.name)
            refused.pop(position, None) if refused is not None else None
            break
    return mapped


def find_workbook_header(
    rows: list[list[object]], table: Table, refused: dict[int, str] | None = None, least: int = 2
) -> tuple[int, dict[int, Column]] | None:
    """The header row (index in `rows`, of the first HEADER_SEARCH_ROWS) matching most of the table's
    columns (at least `least`), judged by the values below it too."""
    best: tuple[int, dict[int, Column], dict[int, str]] | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        why: dict[int, str] = {}
        mapped = match_workbook_header(row, table, rows[index + 1 : index + 1 + SAMPLE_ROWS], why)
        if len(mapped) >= least and (best is None or len(mapped) > len(best[1])):
            best = (index, mapped, why)
    if best is None:
        return None
    if refused is not None:
        refused.update(best[2])
    return best[0], best[1]


def _required(table: Table, dated: bool) -> set[str]:
    required = {c.name for c in table.columns if c.required}
    if dated and table.name == "check_ins":
        required.discard("date")
    return required


@dataclass
class _Look:
    """A sheet seen once: its first rows, and per candidate shape what its header matches."""

    sheet: RawSheet
    head: list[list[object]]


def _header_row(look: _Look, index: int) -> list[object]:
    return look.head[index] if index < len(look.head) else []


def _role_match(
    row: list[object], roles: dict[str, str] | tuple[str, ...], sample: list[list[object]], table: Table
) -> tuple[dict[int, str], dict[int, str]]:
    """Positions of a header row → columns of a pseudo table, by the role words of headers.py
    (`roles`: role → column, or the roles that are the columns), with value checks."""
    role_to_column = roles if isinstance(roles, dict) else {r: r for r in roles}
    mapped: dict[int, str] = {}
    refused: dict[int, str] = {}
    taken: set[str] = set()
    for position, cell in enumerate(row):
        if not isinstance(cell, str) or not cell.strip():
            continue
        values = _sample_values(sample, position)
        for role in roles_of(cell, tuple(role_to_column)):  # the first whose values fit
            column_name = role_to_column[role]
            if column_name in taken:
                continue
            reason = refusal_by_values(table.column(column_name), values)
            if reason:
                refused.setdefault(position, reason)
                continue
            mapped[position] = column_name
            taken.add(column_name)
            refused.pop(position, None)
            break
    return mapped, refused


_BRIDGE_WORDS = (
    ("new", re.compile(r"^(?:new|newbusiness|newlogo|newcustomer|gross new)")),
    ("expansion", re.compile(r"^(?:expansion|expand|upsell|upgrade)")),
    ("contraction", re.compile(r"^(?:contraction|downgrade|downsell)")),
    ("churn", re.compile(r"^(?:churn|churned|lost|cancel)")),
    ("ending", re.compile(r"^(?:ending|end|closing|total|)(?:mrr|arr)$")),
)


def _bridge_column(cell: object) -> str | None:
    """new_mrr → new_mrr, "Churned ARR" → churn_arr, MRR → ending_mrr, …; None for other headers."""
    key = header_key(cell)
    if not key or key.startswith(("net", "beginning", "starting", "opening")):
        return None
    unit = "mrr" if "mrr" in key else "arr" if "arr" in key else ""
    bare = key.replace("mrr", "").replace("arr", "")
    for figure, pattern in _BRIDGE_WORDS:
        if figure == "ending":
            if pattern.match(key):
                return f"ending_{unit}"
        elif pattern.match(bare) and (unit or bare in {"new", "expansion", "contraction", "churn", "churned"}):
            return f"{figure}_{unit or 'arr'}"
    if key in ("endingarr", "endarr"):
        return "ending_arr"
    return None


def _bridge_match(row: list[object], sample: list[list[object]]) -> dict[int, str]:
    mapped: dict[int, str] = {}
    taken: set[str] = set()
    for position, cell in enumerate(row):
        if not isinstance(cell, str):
            continue
        name = _bridge_column(cell)
        if name is None and "month" not in taken and role_of(cell, ("month", "date", "period")):
            name = "month"
        if name and name not in taken:
            if name != "month" and refusal_by_values(BRIDGE_TABLE.column(name), _sample_values(sample, position)):
                continue
            mapped[position] = name
            taken.add(name)
    return mapped


def _best_row(look: _Look, match) -> tuple[int, object]:
    """The row of the first HEADER_SEARCH_ROWS that `match(row, sample)` maps most columns of."""
    best: tuple[int, object] = (0, match([], []))
    for index, row in enumerate(look.head[:HEADER_SEARCH_ROWS]):
        found = match(row, look.head[index + 1 : index + 1 + SAMPLE_ROWS])
        size = len(found[0]) if isinstance(found, tuple) else len(found)
        best_size = len(best[1][0]) if isinstance(best[1], tuple) else len(best[1])
        if size > best_size:
            best = (index, found)
    return best


def _columns_of(header: list[object], mapped: dict[int, str]) -> dict[str, str]:
    """header text → column, NOT_USED for every other non-empty header cell."""
    columns: dict[str, str] = {}
    for position, cell in enumerate(header):
        text = _text(cell)
        if text and text not in columns:
            columns[text] = mapped.get(position, NOT_USED)
    return columns


def _fill_counts(item: SheetMapping, sheet: RawSheet, header: list[object]) -> None:
    """The number of values of each column not used (what a report of it says), a column at a time."""
    start = item.header_row
    for position, cell in enumerate(header):
        text = _text(cell)
        if text and text not in item.values and item.columns.get(text, NOT_USED) in (NOT_USED, IGNORE):
            item.values[text] = value_count(sheet, position, start)


def propose_sheet(sheet: RawSheet, dated: bool = False, constants: dict[str, str] | None = None) -> SheetMapping:
    """What a sheet is taken for and how its columns map (`dated`: check-ins without a date column
    get a date from the upload; `constants`: team, period, date given for the whole upload)."""
    constants = {k: v for k, v in (constants or {}).items() if v}
    look = _Look(sheet, sheet.head(HEADER_SEARCH_ROWS + SAMPLE_ROWS))
    if header_key(sheet.name) in NOTE_SHEETS:
        return SheetMapping(sheet.name, NOTES)
    named = _table_for_sheet_name(sheet.name)
    proposal = _bridge_proposal(look)
    if proposal is None and named is not None:
        proposal = _workbook_proposal(look, named, dated, need_required=True)
    if proposal is None:
        # A sheet named like a table is not another table; else the workbook table its header fits,
        # unless a one-row-per-KR reading uses more of its columns.
        guess = _guess_workbook(look, dated) if named is None else None
        if guess is not None and guess.table == "CompanyTargets" and "actual" in _kpi_columns(look, guess):
            guess = None  # metric, period, actual, target: a KPI table, whose actuals are news
        kr_list = _kr_list_proposal(look, dated, constants)
        proposal = guess
        if kr_list is not None and (guess is None or _used(kr_list) > _used(guess)):
            proposal = kr_list
    if proposal is None:
        proposal = _kpi_proposal(look)
    if proposal is None and named is not None:
        proposal = _workbook_proposal(look, named, dated, need_required=False)
    if proposal is None and sheet.height <= MAX_TRANSPOSED_ROWS:
        across = transposed(sheet)
        proposal = _bridge_proposal(_Look(across, across.head(HEADER_SEARCH_ROWS + SAMPLE_ROWS)))
        if proposal is not None:
            proposal.transposed = True
            proposal.guesses.insert(0, "read across: the figures are rows and the months columns")
    if proposal is not None and proposal.shape == WORKBOOK:
        table = _table_named(proposal.table)
        used = set(proposal.columns.values())
        for name in ("team", "period", "date"):
            if constants.get(name) and name in table.column_names and name not in used:
                proposal.constants[name] = constants[name]
    if proposal is None:
        proposal = SheetMapping(sheet.name, UNKNOWN)
        proposal.header_row = _likely_header_row(look) + 1
        header = _header_row(look, proposal.header_row - 1)
        proposal.columns = _columns_of(header, {})
        _fill_counts(proposal, sheet, header)
    return proposal


MAX_TRANSPOSED_ROWS = 200  # a sheet read across (months as columns) is a small summary


def transposed(sheet: RawSheet) -> RawSheet:
    """The sheet read across: its columns as rows (the first column's cells become the header)."""
    rows = sheet.rows
    width = max(map(len, rows), default=0)
    across = [[row[position] if position < len(row) else None for row in rows] for position in range(width)]
    if across and across[0] and coerce.is_empty(across[0][0]):
        across[0][0] = "month"  # the corner cell above the row labels, left blank: the months' header
    return RawSheet(sheet.name, across, decimal_comma=sheet.decimal_comma, date1904=sheet.date1904)


def _used(item: SheetMapping) -> int:
    return sum(1 for target in item.columns.values() if target not in (NOT_USED, IGNORE))


def _table_for_sheet_name(name: str) -> Table | None:
    return _table_named(name)


def _likely_header_row(look: _Look) -> int:
    """The first row with two or more texts (else the first row)."""
    for index, row in enumerate(look.head[:HEADER_SEARCH_ROWS]):
        if sum(1 for cell in row if isinstance(cell, str) and cell.strip()) >= 2:
            return index
    return 0


def _workbook_proposal(look: _Look, table: Table, dated: bool, need_required: bool) -> SheetMapping | None:
    refused: dict[int, str] = {}
    # A sheet named like a table may hold its required columns alone (a Teams sheet of team names).
    found = find_workbook_header(look.head, table, refused, least=1 if need_required else 2)
    if found is None:
        return None
    index, mapped = found
    if need_required and not _required(table, dated) <= {c.name for c in mapped.values()}:
        return None
    return _workbook_mapping(look, table, index, mapped, refused)


def _workbook_mapping(
    look: _Look, table: Table, index: int, mapped: dict[int, Column], refused: dict[int, str]
) -> SheetMapping:
    header = _header_row(look, index)
    item = SheetMapping(
        look.sheet.name, WORKBOOK, table.sheet, index + 1, _columns_of(header, {p: c.name for p, c in mapped.items()})
    )
    for position, reason in refused.items():
        if position not in mapped and _text(header[position]):
            item.reasons[_text(header[position])] = reason
    for position, column in mapped.items():
        text = _text(header[position])
        if header_key(text) != header_key(column.name) and header_key(text) not in {
            header_key(a) for a in column.aliases
        }:
            item.guesses.append(f'"{text}" read as {column.name} (a translated or renamed header for it)')
    if table.name == "key_results":
        _propose_readings(look, item, header)
    if table.name == "check_ins":
        for text, target in item.columns.items():
            if target == NOT_USED and header_key(text) in {header_key(c) for c in TEMPLATE_REFERENCE}:
                item.columns[text] = IGNORE
                item.reasons[text] = "a reference column of the progress template"
    _fill_counts(item, look.sheet, header)
    return item


def _propose_readings(look: _Look, item: SheetMapping, header: list[object]) -> None:
    """Columns of a KeyResults sheet holding each KR's current value, status, confidence, comment or
    check-in date: they become the KRs' check-ins."""
    sample = look.head[item.header_row : item.header_row + SAMPLE_ROWS]
    found: dict[str, str] = {}
    for position, cell in enumerate(header):
        text = _text(cell)
        if not text or item.columns.get(text) != NOT_USED:
            continue
        for role in roles_of(text, READING_TARGETS):
            if role in found.values():
                continue
            if not refusal_by_values(KR_READINGS_TABLE.column(role), _sample_values(sample, position)):
                found[text] = role
                break
    if not {"current_value", "status"} & set(found.values()):
        return
    item.columns.update(found)
    dated = "dated by the date column" if "date" in found.values() else "dated by the date given (--date)"
    item.guesses.append(f"the current values of the KRs become their check-ins, {dated}")


def _guess_workbook(look: _Look, dated: bool) -> SheetMapping | None:
    candidates = []
    for table in TABLES:
        refused: dict[int, str] = {}
        found = find_workbook_header(look.head, table, refused)
        if not found:
            continue
        names = {c.name for c in found[1].values()}
        if _required(table, dated) <= names:
            candidates.append((len(names) / len(table.columns), table, found, refused))
    if not candidates:
        return None
    _, table, (index, mapped), refused = max(candidates, key=lambda c: c[0])
    return _workbook_mapping(look, table, index, mapped, refused)


def _bridge_proposal(look: _Look) -> SheetMapping | None:
    index, mapped = _best_row(look, _bridge_match)
    names = set(mapped.values())
    flows = {n.rsplit("_", 1)[0] for n in names if not n.startswith("ending") and n != "month"}
    monthly = any(n.endswith("_mrr") for n in names)
    if "month" not in names or not flows:
        return None
    # A sheet the workbook's ArrActuals reads whole stays one (same figures, no conversion).
    workbook = find_workbook_header(look.head, TABLES_BY_NAME["arr_actuals"])
    covered = {c.name for c in workbook[1].values()} if workbook else set()
    if not monthly and {f if f != "ending" else "ending_arr" for f in flows} <= covered:
        return None
    header = _header_row(look, index)
    item = SheetMapping(look.sheet.name, BRIDGE, "", index + 1, _columns_of(header, mapped))
    if any(n.startswith("ending") for n in names) and {"ending_arr", "ending_mrr"} <= names:
        for position, name in mapped.items():
            if name == "ending_mrr":
                text = _text(header[position])
                item.columns[text] = IGNORE
                item.reasons[text] = "ending ARR comes from the ARR column"
    for position, name in mapped.items():
        text = _text(header[position])
        if item.columns.get(text) == name and name.endswith("_mrr"):
            item.guesses.append(f"{text} ×{MRR_TO_ARR} → {_arr_name(name)} (monthly recurring revenue, as ARR)")
    for cell in header:
        text = _text(cell)
        derived = header_key(text).startswith(("beginning", "starting", "opening", "net"))
        if text and item.columns.get(text) == NOT_USED and derived:
            item.columns[text] = IGNORE
            item.reasons[text] = (
                "follows from the other figures (ending = beginning + new + expansion − contraction − churn)"
            )
    _fill_counts(item, look.sheet, header)
    return item


def _arr_name(name: str) -> str:
    figure = name.rsplit("_", 1)[0]
    return "ending_arr" if figure == "ending" else figure


def _kpi_columns(look: _Look, item: SheetMapping) -> set[str]:
    header = _header_row(look, item.header_row - 1)
    mapped, _ = _role_match(header, KPI_ROLES, look.head[item.header_row : item.header_row + SAMPLE_ROWS], KPI_TABLE)
    return set(mapped.values())


def _kpi_proposal(look: _Look) -> SheetMapping | None:
    index, (mapped, refused) = _best_row(look, lambda row, sample: _role_match(row, KPI_ROLES, sample, KPI_TABLE))
    names = set(mapped.values())
    if "metric" not in names or not names & {"period", "date", "month"} or not names & {"actual", "target"}:
        return None
    header = _header_row(look, index)
    item = SheetMapping(look.sheet.name, KPI, "", index + 1, _columns_of(header, mapped))
    item.reasons.update({_text(header[p]): r for p, r in refused.items() if _text(header[p])})
    item.guesses.append(
        "rows whose metric is a KR's kr_id or title become check-ins of that KR; the others, "
        "with a period and a target, company targets"
    )
    _fill_counts(item, look.sheet, header)
    return item


def _kr_list_proposal(look: _Look, dated: bool, constants: dict[str, str]) -> SheetMapping | None:
    index, (mapped, refused) = _best_row(
        look, lambda row, sample: _role_match(row, KR_LIST_ROLES, sample, KR_LIST_TABLE)
    )
    names = set(mapped.values())
    if not names & {"key_result", "kr_id"} or not names & {"target_value", "current_value", "status", "progress"}:
        return None
    header = _header_row(look, index)
    item = SheetMapping(look.sheet.name, KR_LIST, "", index + 1, _columns_of(header, mapped))
    item.reasons.update({_text(header[p]): r for p, r in refused.items() if _text(header[p])})
    for name in ("team", "period", "date"):
        if name not in names and constants.get(name):
            item.constants[name] = constants[name]
    if "measure" not in names:
        item.guesses.append(
            "measure per KR: percent where values are written with % (or the header says %), "
            "currency where with $ € £, status where only a status is given, else number"
        )
    if "direction" not in names:
        item.guesses.append("direction per KR: decrease where start is above target, else increase")
    if "due_date" not in names and "due_date" not in item.constants:
        item.guesses.append("due date: the last day of the period (no due date column)")
    if "kr_id" not in names:
        item.guesses.append("ids made from team, period and titles (the same rows always get the same ids)")
    if "current_value" in names or "status" in names or "progress" in names:
        if "date" in names:
            item.guesses.append("one check-in per row with a current value or status, dated by the date column")
        else:
            item.guesses.append(
                "one check-in per row with a current value or status, dated by the date given "
                "(--date, or [sheet.constants] date)"
            )
    _fill_counts(item, look.sheet, header)
    return item


def propose_mapping(
    file: str,
    sheets: list[RawSheet],
    dated: bool = False,
    constants: dict[str, str] | None = None,
    given: FileMapping | None = None,
) -> FileMapping:
    """A mapping for every sheet: `given`'s entry for a sheet it names, a proposal otherwise.
    `constants` (and `given`'s own) fill what a sheet lacks: team, period, date, …"""
    constants = {**(given.constants if given is not None else {}), **{k: v for k, v in (constants or {}).items() if v}}
    mapping = FileMapping(file, constants=dict(constants))
    dated = dated or bool(constants.get("date"))
    for sheet in sheets:
        entry = given.sheet(sheet.name) if given is not None else None
        if entry is None and given is not None and len(sheets) == 1 and len(given.sheets) == 1:
            entry = given.sheets[0]  # a CSV file: its one sheet, whatever the file is called now
        if entry is not None:
            entry = SheetMapping(
                sheet.name,
                entry.shape,
                entry.table,
                entry.header_row,
                dict(entry.columns),
                dict(entry.constants),
                list(entry.guesses),
                {},
                dict(entry.reasons),
            )
            for name, value in constants.items():
                if value and name in targets_of(entry.shape, entry.table) and name not in entry.constants:
                    entry.constants[name] = value
            header = sheet.head(entry.header_row)[entry.header_row - 1] if sheet.height >= entry.header_row else []
            _fill_counts(entry, sheet, header)
            mapping.sheets.append(entry)
        else:
            mapping.sheets.append(propose_sheet(sheet, dated, constants))
    return mapping


# ---------------------------------------------------------------------------------------------------
# Applying a mapping


def _positions(item: SheetMapping, header: list[object], allowed: list[str]) -> tuple[dict[int, str], dict[str, int]]:
    """Positions of the header row → columns, by the mapping (header texts compared as written, then
    by header_key); and column → its position."""
    by_key = {header_key(text): target for text, target in item.columns.items()}
    mapped: dict[int, str] = {}
    where: dict[str, int] = {}
    for position, cell in enumerate(header):
        text = _text(cell)
        if not text:
            continue
        target = item.columns.get(text, by_key.get(header_key(text), NOT_USED))
        if target in allowed and target not in where:
            mapped[position] = target
            where[target] = position
    return mapped, where


def _typed_constants(
    file: str, item: SheetMapping, table: Table, sheet: RawSheet, problems: list[Problem]
) -> dict[str, object]:
    from loaders.parse import _coerce_cell

    typed: dict[str, object] = {}
    for name, value in item.constants.items():
        if name == "level" and table.name not in ("objectives", "kr_list"):
            continue
        column = table.column(name) if name in table.column_names else Column(name)
        try:
            typed[name] = _coerce_cell(column, value, sheet)
        except coerce.CellError as exc:
            problems.append(
                Problem(file, sheet.name, None, name, f"the constant {name} = {coerce.quoted(value)}: {exc}")
            )
    return typed


def _report_unused(
    file: str, item: SheetMapping, sheet: RawSheet, header: list[object], used: set[int], problems: list[Problem]
) -> None:
    """Every column holding values that no column is read from, unless the mapping ignores it."""
    start = item.header_row
    width = max(len(header), sheet.width(start) if sheet.height > start else 0)
    by_key = {header_key(text): target for text, target in item.columns.items()}
    seen: set[str] = set()
    for position in range(width):
        if position in used:
            continue
        text = _text(header[position]) if position < len(header) else ""
        target = item.columns.get(text, by_key.get(header_key(text), NOT_USED)) if text else NOT_USED
        if target == IGNORE:
            continue
        count = item.values.get(text) if text and text not in seen else None
        if count is None:
            count = value_count(sheet, position, start)
        seen.add(text)
        if not count:
            continue
        from loaders.parse import _column_letters

        what = f'column "{text}"' if text else f"column {_column_letters(position)} (no header)"
        why = item.reasons.get(text)
        problems.append(
            Problem(
                file,
                sheet.name,
                item.header_row,
                text or _column_letters(position),
                f"{what} ({count} value{'s' if count != 1 else ''}) is not used"
                + (f": {why}" if why else "")
                + " — map it or mark it ignored",
                WARNING,
            )
        )


def apply_mapping(
    file: str, sheets: list[RawSheet], mapping: FileMapping, default_date: dt.date | None = None, known_krs=None
):
    """The sheets read as `mapping` says (sheets it does not name: as proposed): a ParsedFile of the
    workbook tables, with every problem and guess. `known_krs`: kr_id and title of KRs already stored,
    for KPI tables naming them."""
    import pandas as pd

    from loaders import shapes
    from loaders.parse import ParsedFile, _has_content, _parse_sheet

    parsed = ParsedFile(file)
    refusals: list[str] = []
    later = []
    pending = []  # KeyResults sheets with current values: their check-ins, once every sheet is read
    for sheet in sheets:
        item = mapping.sheet(sheet.name) or propose_sheet(sheet, default_date is not None)
        if item.shape == NOTES:
            continue
        if item.shape == UNKNOWN:
            if _has_content(sheet):
                refusals.append((sheet.name, describe_refusal(file, sheet, item)))
            continue
        if item.transposed:
            sheet = transposed(sheet)
        index = item.header_row - 1
        header = sheet.head(item.header_row)[index] if sheet.height > index else []
        if item.shape == WORKBOOK:
            table = _table_named(item.table)
            if table.name in parsed.tables:
                parsed.problems.append(
                    Problem(
                        file,
                        sheet.name,
                        None,
                        "",
                        f"a second {table.sheet} sheet; merge it into sheet {parsed.tables[table.name].sheet}",
                    )
                )
                continue
            mapped, _ = _positions(item, header, table.column_names)
            constants = _typed_constants(file, item, table, sheet, parsed.problems)
            date = constants.pop("date", None) if table.name == "check_ins" else None
            parsed.tables[table.name] = _parse_sheet(
                parsed,
                sheet,
                table,
                index,
                {p: table.column(c) for p, c in mapped.items()},
                date or default_date,
                constants,
            )
            readings: dict[int, str] = {}
            if table.name == "key_results":
                readings, _ = _positions(item, header, list(READING_TARGETS))
                pending.append((sheet, item, index, mapped, readings))
            _report_unused(file, item, sheet, header, set(mapped) | set(readings), parsed.problems)
            continue
        pseudo = PSEUDO_TABLES[item.shape]
        mapped, where = _positions(item, header, pseudo.column_names)
        constants = _typed_constants(file, item, pseudo, sheet, parsed.problems)
        scratch = ParsedFile(file)
        frame_item = _parse_sheet(scratch, sheet, pseudo, index, {p: pseudo.column(c) for p, c in mapped.items()}, None)
        parsed.problems.extend(scratch.problems)
        _report_unused(file, item, sheet, header, set(mapped), parsed.problems)
        if any(p.severity == ERROR for p in scratch.problems):
            continue
        if item.shape in (BRIDGE, KPI):
            for name, value in constants.items():
                if name not in frame_item.present and name in pseudo.column_names:
                    frame_item.frame[name] = value
                    frame_item.present.append(name)
        if item.shape == KR_LIST:
            converted = shapes.kr_list_tables(
                file, sheet, frame_item.frame, frame_item.present, where, index, constants, default_date
            )
        elif item.shape == BRIDGE:
            converted = shapes.bridge_tables(
                file, sheet, frame_item.frame, frame_item.present, {c: _text(header[p]) for c, p in where.items()}
            )
        else:
            later.append((sheet, item, frame_item, constants))
            continue
        _add_converted(parsed, sheet, item, converted)
    for sheet, item, index, mapped, readings in pending:
        _readings_of(parsed, sheet, item, index, mapped, readings, default_date)
    for sheet, item, frame_item, constants in later:
        frames = [pd.DataFrame(columns=["kr_id", "title"])]
        if known_krs is not None:
            frames.append(known_krs.reindex(columns=["kr_id", "title"]))
        if "key_results" in parsed.tables:
            frames.append(parsed.tables["key_results"].frame.reindex(columns=["kr_id", "title"]))
        known = pd.concat([f for f in frames if not f.empty] or frames[:1], ignore_index=True).dropna(subset=["kr_id"])
        date = constants.get("date") or default_date
        converted = shapes.kpi_tables(file, sheet, frame_item.frame, frame_item.present, known, date)
        _add_converted(parsed, sheet, item, converted)
    for name, refusal in refusals:  # the headers of each sheet ignored: in the warning, or in the refusal below
        parsed.problems.append(
            Problem(
                file,
                name,
                None,
                "",
                "sheet not recognised and ignored (name it like Teams, Objectives, KeyResults, CheckIns, … or give it "
                "a header row with those columns)" + (f": {refusal}" if parsed.tables else ""),
                WARNING,
            )
        )
    if not parsed.tables and not parsed.problems:
        parsed.problems.append(Problem(file, "", None, "", "the file holds no data"))
    elif not parsed.tables and not any(p.severity == ERROR for p in parsed.problems):
        parsed.problems.append(
            Problem(
                file,
                "",
                None,
                "",
                "no sheet of the OKR workbook format was found (see the README for the sheet names and columns)"
                + "".join(f"; {refusal}" for _, refusal in refusals),
            )
        )
    return parsed


def _readings_of(
    parsed,
    sheet: RawSheet,
    item: SheetMapping,
    index: int,
    mapped: dict[int, str],
    readings: dict[int, str],
    default_date: dt.date | None,
) -> None:
    """The check-ins of a KeyResults sheet's current values (status, confidence, …), if it has any."""
    import pandas as pd

    from loaders.parse import ROW, ParsedFile, ParsedTable, _coerce_cell, _parse_sheet

    kr_position = next((p for p, c in mapped.items() if c == "kr_id"), None)
    if not readings or kr_position is None or not {"current_value", "status"} & set(readings.values()):
        return
    columns = {kr_position: KR_READINGS_TABLE.column("kr_id")}
    columns.update({p: KR_READINGS_TABLE.column(c) for p, c in readings.items()})
    scratch = ParsedFile(parsed.file)
    frame = _parse_sheet(scratch, sheet, KR_READINGS_TABLE, index, columns, None).frame
    parsed.problems.extend(p for p in scratch.problems if p.severity == ERROR)
    if any(p.severity == ERROR for p in scratch.problems) or frame.empty:
        return
    value = frame.get("current_value", pd.Series(None, index=frame.index, dtype=object))
    status = frame.get("status", pd.Series(None, index=frame.index, dtype=object))
    filled = value.notna() | status.notna()
    if not filled.any():
        return
    given = item.constants.get("date")
    try:
        date = _coerce_cell(Column("date", DATE), given, sheet) if given else default_date
    except coerce.CellError as exc:
        parsed.problems.append(Problem(parsed.file, sheet.name, None, "date", f"the constant date: {exc}"))
        return
    dates = (
        frame["date"].where(frame["date"].notna(), date)
        if "date" in frame
        else pd.Series([date] * len(frame), index=frame.index, dtype=object)
    )
    undated = filled & dates.isna()
    if undated.any():
        parsed.problems.append(
            Problem(
                parsed.file,
                sheet.name,
                item.header_row,
                "current_value",
                f"the current values or statuses of {int(undated.sum())} KR(s) are not used: they become check-ins "
                "with a date — give it (--date YYYY-MM-DD on the command line), map a date column, or set date in "
                "[sheet.constants]; or mark the columns ignored",
                WARNING,
            )
        )
        return
    if "check_ins" in parsed.tables:
        parsed.problems.append(
            Problem(
                parsed.file,
                sheet.name,
                None,
                "current_value",
                f"the current values of sheet {sheet.name} are not stored: the check-ins come from sheet "
                f"{parsed.tables['check_ins'].sheet} (move them there, or mark the column ignored)",
                WARNING,
            )
        )
        return
    checks = pd.DataFrame({ROW: frame[ROW], "kr_id": frame["kr_id"], "date": dates, "value": value, "status": status})[
        filled
    ]
    present = ["kr_id", "date", "value", "status"]
    for name in ("confidence", "comment"):
        if name in frame:
            checks[name] = frame.loc[filled, name]
            present.append(name)
    parsed.tables["check_ins"] = ParsedTable(
        TABLES_BY_NAME["check_ins"], parsed.file, sheet.name, checks.reset_index(drop=True), present
    )
    parsed.problems.append(
        Problem(
            parsed.file,
            sheet.name,
            None,
            "current_value",
            f"{int(filled.sum())} current value(s) of the KeyResults sheet become check-ins",
            INFO,
        )
    )


def _add_converted(parsed, sheet: RawSheet, item: SheetMapping, converted) -> None:
    from loaders.parse import ParsedTable

    parsed.problems.extend(converted.problems)
    if any(p.severity == ERROR for p in converted.problems):
        return
    for name, (frame, present) in converted.tables.items():
        table = TABLES_BY_NAME[name]
        if name in parsed.tables:
            if name == "teams":
                continue  # teams named by two sheets: the first one's rows stand
            parsed.problems.append(
                Problem(
                    parsed.file,
                    sheet.name,
                    None,
                    "",
                    f"{table.sheet} rows come from sheet {parsed.tables[name].sheet} too; keep them on one sheet",
                )
            )
            continue
        parsed.tables[name] = ParsedTable(table, parsed.file, sheet.name, frame, present)


# ---------------------------------------------------------------------------------------------------
# Saying why a sheet was not recognised


# Of shapes a header matches equally (or not at all), the likelier uploads first.
TABLE_PREFERENCE = {"check_ins": 5, "key_results": 3}


def _shape_needs(look_header: list[object]) -> list[tuple[int, str]]:
    """(how many of its columns the header has, "Name (needs …)") for each table and shape."""
    options = []
    for table in TABLES:
        mapped = match_workbook_header(look_header, table)
        names = {c.name for c in mapped.values()}
        missing = [c.name for c in table.columns if c.required and c.name not in names]
        if table.name == "check_ins" and not names & {"value", "status"}:
            missing.append("value or status")
        preference = TABLE_PREFERENCE.get(table.name, -TABLES.index(table))
        options.append(
            (len(names), preference, f"{table.sheet} (needs {', '.join(missing)})" if missing else table.sheet)
        )
    roles = {role_of(c, KR_LIST_ROLES) for c in look_header if isinstance(c, str)}
    kr_missing = [
        what
        for what, ok in (
            ("a key result column", roles & {"key_result", "kr_id"}),
            ("target, current value or status", roles & {"target_value", "current_value", "status", "progress"}),
        )
        if not ok
    ]
    options.append(
        (
            len(roles - {None}),
            4,
            "one-row-per-KR sheet" + (f" (needs {' and '.join(kr_missing)})" if kr_missing else ""),
        )
    )
    bridge = {_bridge_column(c) for c in look_header if isinstance(c, str)} - {None}
    options.append((len(bridge), 2, "ARR/MRR bridge (needs month and new, expansion, churn or ending MRR/ARR)"))
    kpi = {KPI_ROLES.get(role_of(c, tuple(KPI_ROLES)) or "") for c in look_header if isinstance(c, str)} - {None}
    options.append((len(kpi), 1, "KPI table (needs metric, period or date, actual or target)"))
    return sorted(options, key=lambda o: (o[0], o[1]), reverse=True)


def describe_refusal(file: str, sheet: RawSheet, item: SheetMapping) -> str:
    """`sheet X has headers a, b, c; closest: CheckIns (needs kr_id, date) — map columns with …`, or
    what is wrong with a malformed CSV file."""
    malformed = malformed_csv(sheet)
    if malformed:
        return f"sheet {sheet.name}: {malformed}"
    index = item.header_row - 1
    header = sheet.head(item.header_row)[index] if sheet.height > index else []
    texts = [_text(c) for c in header if _text(c)]
    shown = ", ".join(texts[:12]) + (", …" if len(texts) > 12 else "")
    named = _table_named(sheet.name)
    if named is not None:
        required = [c.name for c in named.columns if c.required]
        return (
            f"sheet {sheet.name} is named like {named.sheet} but its header ({shown or 'empty'}) has none of "
            f"its columns: it needs {', '.join(required)}"
            + (" and value or status" if named.name == "check_ins" else "")
            + f" — rename the headers, or map them with python -m loaders inspect {file} --write-mapping map.toml"
        )
    closest = [text for count, _, text in _shape_needs(header)[:2]]
    miss = near_miss(sheet.head(HEADER_SEARCH_ROWS + SAMPLE_ROWS))
    seen = f"{': ' + miss + '; it' if miss else ''} has headers {shown or '(none)'}"
    return (
        f"sheet {sheet.name}{seen}; closest: {', '.join(closest)} — map columns with "
        f"python -m loaders inspect {file} --write-mapping map.toml"
    )


def malformed_csv(sheet: RawSheet) -> str | None:
    """What is wrong with a CSV file read as one column of whole lines, or with rows of differing lengths."""
    if sheet.columns is not None:
        if len(sheet.columns) == 1 and sheet.height > 1:
            head = [row[0] for row in sheet.head(20) if row and isinstance(row[0], str)]
            if head and sum(1 for cell in head if any(d in cell for d in ",;\t|")) >= 0.8 * len(head):
                return (
                    "every line is one quoted field (the whole line sits inside quotes, so its separators are "
                    "not read): open the file in a spreadsheet and save it as CSV again, or remove the quotes "
                    "around each line"
                )
        return None
    rows = [row for row in sheet.rows if any(not coerce.is_empty(c) for c in row)]
    if len(rows) < 2:
        return None
    if all(len(row) == 1 for row in rows):
        cells = [row[0] for row in rows[:20] if isinstance(row[0], str)]
        if cells and sum(1 for c in cells if any(d in c for d in ",;\t|")) >= 0.8 * len(cells):
            return (
                "every line is one quoted field (the whole line sits inside quotes, so its separators are not "
                "read): open the file in a spreadsheet and save it as CSV again, or remove the quotes around "
                "each line"
            )
    lengths = [len(row) for row in rows]
    if min(lengths) != max(lengths) and sheet.name and len(set(lengths)) > 1:
        return (
            f"a malformed CSV file: its rows have from {min(lengths)} to {max(lengths)} fields (the header has "
            f"{lengths[0]}); a field holding the separator needs quotes — export the file again"
        )
    return None


def near_miss(head: list[list[object]]) -> str | None:
    """For a sheet no table was recognised in: what its header lacks to be the table it resembles most."""
    best: tuple[int, Table, set[str]] | None = None
    for table in TABLES:
        found = find_workbook_header(head, table)
        if found and (best is None or len(found[1]) > best[0]):
            best = (len(found[1]), table, {c.name for c in found[1].values()})
    if best is None:
        return None
    _, table, names = best
    missing = [c.name for c in table.columns if c.required and c.name not in names]
    return f"its header looks like {table.sheet} but has no {' or '.join(missing)} column" if missing else None


# ---------------------------------------------------------------------------------------------------
# The mapping file (TOML) and the inspect report

MAPPING_SUFFIX = ".mapping.toml"
MAX_SHOWN_PROBLEMS = 20  # per sheet in the inspect report  # a file of an upload that is the mapping of its other files


def _toml_string(text: object) -> str:
    out = []
    for ch in str(text):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def mapping_toml(mapping: FileMapping) -> str:
    """The mapping as an editable TOML file (read back by FileMapping.from_toml)."""
    lines = [
        f"# How the sheets of {_comment(mapping.file) or 'a file'} are read; edit it, then apply it with",
        f"#   python -m loaders ingest {_comment(mapping.file) or 'FILE'} --mapping THIS.toml",
        "# shape: workbook (table = Teams, Objectives, KeyResults, CheckIns, …), kr_list (one row per key",
        "# result), arr_bridge (ARR or MRR by month), kpi_table (metric, period or date, actual, target),",
        "# notes (skipped) or unknown (reported).",
        '# [sheet.columns]: "header as written" = "column"; "" = not used (reported), "ignore" = not used, not',
        "# reported. [sheet.constants]: a value for every row of a column the sheet lacks (team, period,",
        "# date of the check-ins, due_date, measure, …); [constants] hold for every sheet.",
        f"file = {_toml_string(mapping.file)}",
        "",
    ]
    if mapping.constants:
        lines.append("[constants]")
        lines += [f"{_bare_or_quoted(k)} = {_toml_string(v)}" for k, v in mapping.constants.items()]
        lines.append("")
    for item in mapping.sheets:
        lines.append("[[sheet]]")
        lines.append(f"name = {_toml_string(item.sheet)}")
        lines.append(f"shape = {_toml_string(item.shape)}  # {item.label}")
        if item.shape == WORKBOOK:
            lines.append(f"table = {_toml_string(item.table)}")
        lines.append(f"header_row = {item.header_row}")
        if item.transposed:
            lines.append("transposed = true  # read across: headers down the first column, a record per column")
        for guess in item.guesses:
            lines.append(f"# guess: {_comment(guess)}")
        targets = targets_of(item.shape, item.table)
        if targets:
            lines.append(f"# columns of a {item.label}: {', '.join(targets)}")
        if item.columns:
            lines.append("[sheet.columns]")
            for header, target in item.columns.items():
                note = ""
                count = item.values.get(header)
                if target in (NOT_USED, IGNORE):
                    why = item.reasons.get(header)
                    note = (
                        f"  # not used ({count} value{'s' if count != 1 else ''})"
                        if count is not None
                        else "  # not used"
                    )
                    note += f": {_comment(why)}" if why else ""
                lines.append(f"{_toml_string(header)} = {_toml_string(target)}{note}")
        if item.constants:
            lines.append("[sheet.constants]")
            lines += [f"{_bare_or_quoted(k)} = {_toml_string(v)}" for k, v in item.constants.items()]
        lines.append("")
    return "\n".join(lines)


def _bare_or_quoted(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def describe(mapping: FileMapping, problems: list[Problem] | None = None) -> str:
    """The inspect report: per sheet what it is taken for, each header → column or not used, the
    guesses and why, and what reading it found."""
    lines = [mapping.file]
    if mapping.constants:
        lines.append("  constants for every sheet: " + ", ".join(f"{k} = {v}" for k, v in mapping.constants.items()))
    for item in mapping.sheets:
        lines.append(
            f"  sheet {item.sheet}: {item.label}"
            + (f" (header on row {item.header_row})" if item.shape not in (NOTES,) else "")
        )
        width = max((len(h) for h in item.columns), default=0)
        for header, target in item.columns.items():
            count = item.values.get(header)
            counted = f" ({count} value{'s' if count != 1 else ''})" if count is not None else ""
            if target == NOT_USED:
                shown = "not used" + counted
            elif target == IGNORE:
                shown = "ignored" + counted
            else:
                shown = target
            why = item.reasons.get(header)
            lines.append(f"    {header.ljust(width)}  →  {shown}" + (f" — {why}" if why else ""))
        if item.constants:
            lines.append("    constants: " + ", ".join(f"{k} = {v}" for k, v in item.constants.items()))
        for guess in item.guesses:
            lines.append(f"    guess: {guess}")
        found = [
            p
            for p in problems or []
            if p.sheet == item.sheet and not (p.severity == INFO and any(g.startswith(p.problem) for g in item.guesses))
        ]
        for problem in found[:MAX_SHOWN_PROBLEMS]:
            where = f"row {problem.row}, " if problem.row is not None else ""
            column = f"{problem.column}: " if problem.column else ""
            lines.append(f"    {problem.severity}: {where}{column}{problem.problem}")
        if len(found) > MAX_SHOWN_PROBLEMS:
            lines.append(f"    … {len(found) - MAX_SHOWN_PROBLEMS} more (--json lists them all)")
    for problem in problems or []:
        if not problem.sheet:
            lines.append(f"  {problem.severity}: {problem.problem}")
    return "\n".join(lines)


def header_signature(sheets: list[RawSheet]) -> str:
    """A short key of a file's header rows (sheet by sheet, compared by header_key): files with the same
    headers get the same signature, so a mapping saved for one can be applied to the next."""
    import hashlib

    parts = []
    for sheet in sheets:
        head = sheet.head(HEADER_SEARCH_ROWS)
        look = _Look(sheet, head)
        row = head[_likely_header_row(look)] if head else []
        parts.append("|".join(header_key(c) for c in row if _text(c)))
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:16]
