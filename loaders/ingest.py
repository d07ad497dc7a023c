"""Read, check and store one upload of one or more files: all of it, or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from loaders.parse import ParsedFile, ParsedTable, parse_grids
from loaders.preview import Incoming, UploadPreview, krs_without_update, merged_tables, preview_upload
from loaders.problems import ERROR, FileRejected, Problem, ProblemList, of_severity
from loaders.read import MAX_FILE_BYTES, read_grids
from loaders.validate import build_reference, filled_check_ins, validate, validate_progress
from store.access import current_user
from store.database import StaleRead, Store, TableChange, UploadedFile
from store.schema import TABLES

REFERENCE_TABLES = ("teams", "objectives", "key_results")  # what the rows of a file may refer to


@dataclass
class IngestResult:
    problems: list[Problem] = field(default_factory=ProblemList)  # groups of many alike kept whole
    changes: dict[str, TableChange] = field(default_factory=dict)
    stored: bool = False
    # The rows handed (or, with errors or a dry run, that would be handed) to the store, per table.
    incoming: Incoming = field(default_factory=dict)
    preview: UploadPreview | None = None  # a dry run of a progress upload: what it would change
    mappings: list = field(default_factory=list)  # loaders.mapping.FileMapping each data file was read by
    imports: list = field(default_factory=list)  # loaders.formats.convert.ImportReport of each other tool's export

    @property
    def errors(self) -> list[Problem]:
        return of_severity(self.problems, ERROR)

    @property
    def warnings(self) -> list[Problem]:
        return of_severity(self.problems, ERROR, keep=False)

    @property
    def rows_changed(self) -> int:
        return sum(c.changed for c in self.changes.values())


def parse_files(
    files: list[UploadedFile],
    default_date: dt.date | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
    mapping=None,
    constants: dict[str, str] | None = None,
    known_krs: pd.DataFrame | None = None,
    mappings: list | None = None,
    format_name: str | None = None,
    stored: dict | None = None,
    imports: list | None = None,
    read_sheets=read_grids,
) -> tuple[dict[str, ParsedTable], list[Problem]]:
    """Parse every file (each at most `max_file_bytes`); a table may come from one file only. A file
    named *.mapping.toml among them is the mapping of the others (an upload records the mapping it
    was read by so); `mapping` and `constants` (team, period, date) are given otherwise. The mapping
    each file was read by is appended to `mappings`. Exports of other OKR tools (loaders.formats,
    recognised by content or forced by `format_name`) are converted first; their reports go to `imports`.
    `read_sheets` reads a file as read_grids does (the command line's ReadAhead, whose child may have read it)."""
    from loaders.formats import take_exports
    from loaders.mapping import MAPPING_SUFFIX, FileMapping, MappingError

    problems: list[Problem] = ProblemList()
    for file in [f for f in files if f.file_name.endswith(MAPPING_SUFFIX)]:
        try:
            recorded = FileMapping.from_toml(file.content.decode("utf-8", errors="replace"), file.file_name)
        except MappingError as exc:
            problems.append(Problem(file.file_name, "", None, "", str(exc)))
            continue
        mapping = mapping or recorded
        constants = {**recorded.constants, **(constants or {})}
    tables, converted, reports, files = take_exports(
        files, format_name, max_file_bytes, stored, {**(constants or {}), "date": default_date}
    )
    problems.extend(converted)
    if imports is not None:
        imports.extend(reports)
    for file in [f for f in files if not f.file_name.endswith(MAPPING_SUFFIX)]:
        try:
            parsed = parse_grids(
                file.file_name,
                read_sheets(file.file_name, file.content, max_file_bytes),
                default_date,
                mapping,
                constants,
                known_krs,
            )
        except FileRejected as exc:
            problems.append(Problem(file.file_name, "", None, "", str(exc)))
            continue
        if mappings is not None and parsed.mapping is not None:
            mappings.append(parsed.mapping)
        problems.extend(parsed.problems)
        for name, item in parsed.tables.items():
            if name in tables:
                problems.append(
                    Problem(
                        file.file_name,
                        item.sheet,
                        None,
                        "",
                        f"{item.table.sheet} rows also come from another file; upload them once",
                    )
                )
            else:
                tables[name] = item
    return tables, problems


def check_and_store(
    store: Store,
    files: list[UploadedFile],
    uploaded_by: str | None = None,
    dry_run: bool = False,
    default_date: dt.date | None = None,
    team: str | None = None,
    as_of: dt.date | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
    mapping=None,
    constants: dict[str, str] | None = None,
    format_name: str | None = None,
    read_sheets=read_grids,
) -> IngestResult:
    """Check every file and store all of it, or nothing when there is any error.

    A progress upload names the `team` it is for and the review's `as_of` date: rows of other teams
    are refused, check-ins may be dated at most a week after `as_of`, check-ins without a date
    column are dated `as_of` (unless `default_date` says otherwise), and a dry run also previews
    what the upload would change. Each file may hold at most `max_file_bytes` (the app's limit
    unless the command line's is given).

    `mapping` (a loaders.mapping.FileMapping) says how to read sheets of other shapes or with other
    headers, `constants` (team, period, date) fill what sheets lack; both are stored with the upload
    as a file `<first file>.mapping.toml`, so that a rebuild reads the files as they were read.
    `read_sheets` reads a file's sheets as read_grids does (loaders.read.ReadAhead, on the command line).

    The files are checked against the stored data of one moment; when another process stored data
    before this write (the store holds no lock in between), they are checked again."""
    # Tables are read when a step asks for them: the checks of an upload read the stored teams, objectives
    # and KRs (loaders.validate.build_reference); a progress upload's checks read the others too, but for
    # the check-ins (half a million rows), which only a check of a KR's own check-ins needs.
    progress = team is not None or as_of is not None
    lazy = tuple(t.name for t in TABLES if t.name == "check_ins" or not progress and t.name not in REFERENCE_TABLES)
    version, stored = store.read_tables_with_version(lazy=lazy)
    given = files
    mappings: list = []
    imports: list = []
    tables, problems = parse_files(
        files,
        default_date or as_of,
        max_file_bytes,
        mapping,
        constants,
        stored["key_results"],
        mappings,
        format_name,
        stored,
        imports,
        read_sheets,
    )
    files = _with_mapping_file(files, mapping, constants)
    if format_name:  # kept with the upload, so that a rebuild reads the files as this format too
        from loaders.formats import FORMAT_SUFFIX

        files = [*files, UploadedFile(files[0].file_name + FORMAT_SUFFIX, format_name.encode("utf-8"))]
    combined = ParsedFile(", ".join(f.file_name for f in files), tables, problems)
    reference = build_reference(stored, combined)
    validate(combined, reference)
    incoming = {
        table.name: (_filled_rows(tables[table.name]), tables[table.name].present)
        for table in TABLES
        if table.name in tables
    }
    if tables and progress:
        after = merged_tables(stored, incoming)
        without_update = krs_without_update(after, team, as_of) if team and as_of else None
        validate_progress(combined, reference, stored, after, team, as_of, without_update)
    result = IngestResult(problems=combined.problems, incoming=incoming, mappings=mappings, imports=imports)
    if result.errors or not tables:
        return result
    try:
        result.changes = store.apply_upload(
            incoming,
            files,
            uploaded_by or current_user(),
            dry_run=dry_run,
            default_date=default_date or as_of,
            based_on=version,
        )
    except StaleRead:
        return check_and_store(
            store,
            given,
            uploaded_by,
            dry_run,
            default_date,
            team,
            as_of,
            max_file_bytes,
            mapping,
            constants,
            format_name,
            read_sheets,
        )
    result.stored = not dry_run and result.rows_changed > 0
    if dry_run and as_of is not None:
        result.preview = preview_upload(stored, after, incoming, as_of, without_update)
    return result


def _with_mapping_file(files: list[UploadedFile], mapping, constants: dict[str, str] | None) -> list[UploadedFile]:
    """The files of an upload, with the mapping and constants they were read by as one more file."""
    from loaders.mapping import MAPPING_SUFFIX, FileMapping

    constants = {k: str(v) for k, v in (constants or {}).items() if v}
    if (mapping is None and not constants) or any(f.file_name.endswith(MAPPING_SUFFIX) for f in files):
        return files
    data = [f for f in files if not f.file_name.endswith(MAPPING_SUFFIX)]
    recorded = FileMapping(
        mapping.file if mapping is not None else data[0].file_name,
        list(mapping.sheets) if mapping is not None else [],
        {**(mapping.constants if mapping is not None else {}), **constants},
    )
    name = (data[0].file_name if data else "upload") + MAPPING_SUFFIX
    return [*files, UploadedFile(name, recorded.to_toml().encode("utf-8"))]


def _filled_rows(item: ParsedTable) -> pd.DataFrame:
    """Progress templates list every KR; only rows a lead filled in are check-ins."""
    if item.table.name == "check_ins":
        return item.frame[filled_check_ins(item.frame)]
    return item.frame
