"""Read, check and store one upload of one or more files: all of it, or nothing."""
from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass, field

import pandas as pd

from loaders.parse import ParsedFile, ParsedTable, parse_grids
from loaders.problems import ERROR, FileRejected, Problem
from loaders.read import read_grids
from loaders.validate import build_reference, validate
from store.database import Store, TableChange, UploadedFile
from store.schema import TABLES


@dataclass
class IngestResult:
    problems: list[Problem] = field(default_factory=list)
    changes: dict[str, TableChange] = field(default_factory=dict)
    stored: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != ERROR]

    @property
    def rows_changed(self) -> int:
        return sum(c.changed for c in self.changes.values())


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def parse_files(files: list[UploadedFile], default_date: dt.date | None = None) -> tuple[dict[str, ParsedTable], list[Problem]]:
    """Parse every file; a table may come from one file only."""
    tables: dict[str, ParsedTable] = {}
    problems: list[Problem] = []
    for file in files:
        try:
            parsed = parse_grids(file.file_name, read_grids(file.file_name, file.content), default_date)
        except FileRejected as exc:
            problems.append(Problem(file.file_name, "", None, "", str(exc)))
            continue
        problems.extend(parsed.problems)
        for name, item in parsed.tables.items():
            if name in tables:
                problems.append(Problem(file.file_name, item.sheet, None, "",
                                        f"{item.table.sheet} rows also come from another file; upload them once"))
            else:
                tables[name] = item
    return tables, problems


def check_and_store(
    store: Store, files: list[UploadedFile], uploaded_by: str | None = None, dry_run: bool = False,
    default_date: dt.date | None = None,
) -> IngestResult:
    tables, problems = parse_files(files, default_date)
    combined = ParsedFile(", ".join(f.file_name for f in files), tables, problems)
    validate(combined, build_reference(store.read_tables(), combined))
    result = IngestResult(problems=combined.problems)
    if result.errors or not tables:
        return result
    frames = {
        table.name: (_filled_rows(tables[table.name]), tables[table.name].present)
        for table in TABLES if table.name in tables
    }
    result.changes = store.apply_upload(frames, files, uploaded_by or current_user(), dry_run=dry_run)
    result.stored = not dry_run and result.rows_changed > 0
    return result


def _filled_rows(item: ParsedTable) -> pd.DataFrame:
    """Progress templates list every KR; only rows a lead filled in are check-ins."""
    frame = item.frame
    if item.table.name == "check_ins":
        value = frame.get("value", pd.Series(index=frame.index, dtype=float))
        status = frame.get("status", pd.Series(index=frame.index, dtype=object))
        frame = frame[value.notna() | status.notna()]
    return frame
