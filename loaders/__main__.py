"""Command line: `python -m loaders ingest FILE… [--db PATH] [--dry-run] [--mapping MAP.toml] [--team T]
[--period P] [--date D] [--json]`, `python -m loaders inspect FILE [--json] [--write-mapping MAP.toml]`,
`python -m loaders template`,
`python -m loaders migrate --from DB --to DB [--replace]`, `python -m loaders export-uploads --db DB --to DIR`,
`python -m loaders rebuild --db NEW (--from DB | --from-dir DIR)`."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import pathlib
import re
import sys

# The loaders do no linear algebra: numpy's BLAS need not start a thread per core when it is imported
# (half of numpy's import time, in every command).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
if __name__ == "__main__":
    # Importing numpy, pyarrow, pandas and DuckDB makes hundreds of thousands of objects that stay for
    # the life of the command; the cyclic collector would walk them again and again while they load
    # (0.07 s of CPU, an eighth of the imports). It runs again once a command's modules are in, with
    # those objects set aside for good (_collect_after_imports).
    gc.disable()

# The reader and its Arrow pieces, not yet pandas or DuckDB (store.database): an ingest may read its files
# in a child process forked before those imports (loaders.read.ReadAhead).
from loaders.problems import Problem  # noqa: E402
from loaders.read import CLI_MAX_FILE_BYTES, MAX_FILE_BYTES, ReadAhead  # noqa: E402


def a_core_is_free() -> bool:
    """Whether a read-ahead child is likely to find a core: the last minute's load average is below twice
    the number of cores. Measured on 2 cores (bench/README.md), the child saved 0.2 s of 1.45 at load 4
    and broke even at 5; at 8–10 it only added its own cost (about 0.05 s of CPU) and lost 0.25 s."""
    try:
        return os.getloadavg()[0] < 2 * (os.cpu_count() or 1)
    except OSError:  # no load average on this system
        return True


def _collect_after_imports() -> None:
    """The cyclic garbage collector back on (run as a command), the objects of the imports frozen."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _one_line(text: str) -> str:
    """A value's line breaks written out, so that each problem stays on its own line."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


MAX_PROBLEM_LINES = 40  # lines of a problem table, header included, unless --all-problems


def _problem_table(problems: list[Problem], every_row: bool = False, limit: int = MAX_PROBLEM_LINES) -> str:
    """The problems as a table: one line per kind, column and message template (ProblemGroup: a count
    and row ranges) and at most `limit` lines; or, `every_row`, one line per problem."""
    from loaders.problems import ProblemGroup, grouped

    header = ("severity", "file", "sheet", "row", "column", "problem")
    entries = list(problems) if every_row else grouped(problems)
    more = 0
    if not every_row and len(entries) > limit - 1:
        more = sum(len(e) if isinstance(e, ProblemGroup) else 1 for e in entries[limit - 2 :])
        entries = entries[: limit - 2]
    rows = [
        tuple(
            map(
                _one_line,
                (
                    p.severity,
                    p.file,
                    p.sheet,
                    p.rows_text.split(" ", 1)[1]
                    if isinstance(p, ProblemGroup)
                    else ""
                    if p.row is None
                    else str(p.row),
                    p.column,
                    p.summary if isinstance(p, ProblemGroup) else p.problem,
                ),
            )
        )
        for p in entries
    ]
    if more:
        rows.append(("", "", "", "", "", f"… and {more:,} more problem(s): --all-problems lists every row"))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
    return "\n".join(lines)


def _upload_constants(args: argparse.Namespace) -> dict[str, str] | None:
    """--team, --period, --date: what sheets of other shapes lack (None when a date is not a date)."""
    if args.date:
        try:
            dt.date.fromisoformat(args.date)
        except ValueError:
            print(f"--date {args.date}: not a date (use YYYY-MM-DD)", file=sys.stderr)
            return None
    return {name: value for name, value in (("team", args.team), ("period", args.period), ("date", args.date)) if value}


def _read_mapping(path: str | None):
    """The --mapping file, or None (a message is printed when it cannot be read: raises SystemExit)."""
    from loaders.mapping import FileMapping, MappingError

    if not path:
        return None
    try:
        return FileMapping.from_toml(pathlib.Path(path).read_text(encoding="utf-8"), path)
    except (OSError, UnicodeDecodeError, MappingError) as exc:
        print(f"--mapping {path}: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


_QUOTED_VALUE = re.compile(r'"([^"]*)"')


def _problem_json(problem: Problem) -> dict:
    value = _QUOTED_VALUE.search(problem.problem)
    return {
        "severity": problem.severity,
        "file": problem.file,
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "value": value.group(1) if value else None,
        "message": problem.problem,
    }


def _groups_json(problems: list[Problem]) -> list[dict]:
    """The problems as a report lists them: one entry per kind, with its count and row ranges."""
    from loaders.problems import ProblemGroup, grouped

    return [
        {
            "severity": e.severity,
            "file": e.file,
            "sheet": e.sheet,
            "column": e.column,
            "count": len(e) if isinstance(e, ProblemGroup) else 1,
            "rows": e.row_ranges if isinstance(e, ProblemGroup) else [] if e.row is None else [[e.row, e.row]],
            "message": e.summary if isinstance(e, ProblemGroup) else e.problem,
        }
        for e in grouped(problems)
    ]


def ingest(args: argparse.Namespace) -> int:
    contents = []
    for name in args.files:
        path = pathlib.Path(name)
        if not path.is_file():
            print(f"{name}: no such file", file=sys.stderr)
            return 1
        contents.append((path.name, path.read_bytes()))
    # Run as the command (a process of its own, one thread so far) with a core to spare, the files are read
    # by a child while this process imports pandas and DuckDB and opens the store; imported as a module
    # (tests), here. Another tool's export (--format) is converted, not read so.
    ahead = contents if __name__ == "__main__" and not args.format and a_core_is_free() else []
    with ReadAhead(ahead, CLI_MAX_FILE_BYTES) as read_sheets:
        return _ingest(args, contents, read_sheets)


def _ingest(args: argparse.Namespace, contents: list[tuple[str, bytes]], read_sheets: ReadAhead) -> int:
    # DuckDB imports pyarrow.dataset the first time it scans an Arrow table (the store's insert, at the
    # end): imported here, it loads while the read-ahead child is still reading (0.02 s).
    import pyarrow.dataset  # noqa: F401

    from loaders.ingest import check_and_store
    from store.database import UploadedFile, shared_store

    _collect_after_imports()
    files = [UploadedFile(name, data) for name, data in contents]
    constants = _upload_constants(args)
    if constants is None:
        return 1
    mapping = _read_mapping(args.mapping)
    format_name = None
    if args.format:
        from loaders.formats import FORMATS
        from loaders.formats import format_name as known_format

        format_name = known_format(args.format)
        if format_name is None:
            print(f"--format {args.format}: not a known format (use one of: {', '.join(FORMATS)})", file=sys.stderr)
            return 1
    # Opened for each read and write only: the app and other commands use the file while this one parses.
    # One DuckDB thread: its queries here are small but for one insert, and a second thread costs more
    # CPU than it saves when the machine is busy.
    store = shared_store(args.db, create=not args.dry_run, check=False, threads=1)  # a dry run creates no database
    try:
        result = check_and_store(
            store,
            files,
            dry_run=args.dry_run,
            max_file_bytes=CLI_MAX_FILE_BYTES,
            default_date=dt.date.fromisoformat(args.date) if args.date else None,
            mapping=mapping,
            constants={k: v for k, v in constants.items() if k != "date"},
            format_name=format_name,
            read_sheets=read_sheets,
        )
    finally:
        store.close()
    if args.json:
        print(
            json.dumps(
                {
                    "stored": {
                        table: {"inserted": c.inserted, "updated": c.updated, "unchanged": c.unchanged}
                        for table, c in result.changes.items()
                    }
                    if not result.errors
                    else {},
                    "problems": [_problem_json(p) for p in result.problems],
                    "problem_groups": _groups_json(result.problems),
                    "mapping": [m.as_dict() for m in result.mappings],
                    "imports": [r.as_dict(None if result.errors else result.changes) for r in result.imports],
                },
                indent=1,
                default=str,
                ensure_ascii=False,
            )
        )
        return 1 if result.errors else 0
    for report in result.imports:
        print(
            "\n".join(report.lines(None if result.errors else result.changes)),
            file=sys.stderr if result.errors else sys.stdout,
        )
    if result.errors:
        print(f"Nothing stored: {len(result.errors)} problem(s) to fix.", file=sys.stderr)
        print(_problem_table(result.problems, args.all_problems), file=sys.stderr)
        return 1
    if result.warnings:
        print(_problem_table(result.warnings, args.all_problems), file=sys.stderr)
    verb = "would change" if args.dry_run else "changed"
    if not result.rows_changed:
        print("Nothing changed: every row is already stored.")
    for table, change in result.changes.items():
        print(f"{table}: {change.inserted} new, {change.updated} updated, {change.unchanged} unchanged")
    if result.rows_changed:
        print(f"{verb} {result.rows_changed} row(s){' (dry run: nothing stored)' if args.dry_run else ''}")
    return 0


def inspect(args: argparse.Namespace) -> int:
    from loaders.mapping import describe
    from loaders.parse import parse_grids
    from loaders.problems import FileRejected
    from loaders.read import read_grids

    path = pathlib.Path(args.file)
    if not path.is_file():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 1
    constants = _upload_constants(args)
    if constants is None:
        return 1
    mapping = _read_mapping(args.mapping)
    if (exported := _inspect_export(args, path, constants)) is not None:
        return exported
    try:
        sheets = read_grids(path.name, path.read_bytes(), CLI_MAX_FILE_BYTES)
    except FileRejected as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 1
    date = dt.date.fromisoformat(args.date) if args.date else None
    parsed = parse_grids(path.name, sheets, date, mapping, {k: v for k, v in constants.items() if k != "date"})
    used = parsed.mapping
    if date is not None:
        used.constants.setdefault("date", args.date)
    if args.write_mapping:
        pathlib.Path(args.write_mapping).write_text(used.to_toml(), encoding="utf-8")
    if args.json:
        print(
            json.dumps(
                {
                    "file": path.name,
                    "mapping": used.as_dict(),
                    "tables": {name: len(item.frame) for name, item in parsed.tables.items()},
                    "problems": [_problem_json(p) for p in parsed.problems],
                },
                indent=1,
                default=str,
                ensure_ascii=False,
            )
        )
    else:
        print(describe(used, parsed.problems))
        if parsed.tables:
            print(
                "  would read: "
                + ", ".join(f"{item.table.sheet} {len(item.frame)} row(s)" for item in parsed.tables.values())
            )
        if args.write_mapping:
            print(
                f"wrote {args.write_mapping}: edit it, then python -m loaders ingest {args.file} "
                f"--mapping {args.write_mapping}"
            )
    return 0


def _inspect_export(args: argparse.Namespace, path: pathlib.Path, constants: dict[str, str]) -> int | None:
    """`inspect` of another OKR tool's export: what it would bring and leave behind (None for other files)."""
    from loaders.formats import FORMATS, recognise, take_exports
    from loaders.formats import format_name as known_format
    from store.database import UploadedFile

    data = path.read_bytes()
    forced = known_format(args.format) if args.format else None
    if args.format and forced is None:
        print(f"--format {args.format}: not a known format (use one of: {', '.join(FORMATS)})", file=sys.stderr)
        return 1
    if forced is None and recognise(path.name, data) is None:
        return None
    date = dt.date.fromisoformat(args.date) if args.date else None
    tables, problems, reports, _ = take_exports(
        [UploadedFile(path.name, data)],
        forced,
        CLI_MAX_FILE_BYTES,
        {},
        {**{k: v for k, v in constants.items() if k != "date"}, "date": date},
    )
    if args.json:
        print(
            json.dumps(
                {
                    "file": path.name,
                    "imports": [r.as_dict() for r in reports],
                    "tables": {name: len(item.frame) for name, item in tables.items()},
                    "problems": [_problem_json(p) for p in problems],
                },
                indent=1,
                default=str,
                ensure_ascii=False,
            )
        )
    else:
        for report in reports:
            print("\n".join(report.lines()))
        if problems:
            print(_problem_table(problems))
    return 0


def template(args: argparse.Namespace) -> int:
    from analytics.periods import last_month_end
    from loaders.template import build_template
    from store.database import Store

    review_date = dt.date.fromisoformat(args.date) if args.date else last_month_end(dt.date.today())
    store = Store.open(args.db, create=False)
    try:
        content = build_template(store, args.team, review_date)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        store.close()
    pathlib.Path(args.output).write_bytes(content)
    print(f"wrote {args.output}")
    return 0


def _fingerprint_table(comparisons) -> str:
    header = ("table", "source rows", "target rows", "source checksum", "target checksum", "")
    rows = [
        (
            c.table,
            f"{c.source.rows:,}",
            f"{c.target.rows:,}",
            f"{c.source.checksum:x}",
            f"{c.target.checksum:x}",
            "ok" if c.matches else "MISMATCH",
        )
        for c in comparisons
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width) for i, (cell, width) in enumerate(zip(row, widths))
        ).rstrip()
        for row in [header, *rows]
    )


def migrate(args: argparse.Namespace) -> int:
    from store.database import Store, is_server_url, shown_target
    from store.transfer import compare, copy_database, open_source

    def same(name: str) -> str:
        return name if is_server_url(name) else str(pathlib.Path(name).resolve())

    if same(args.source) == same(args.target):
        print("--from and --to name the same database", file=sys.stderr)
        return 1
    source = open_source(args.source)
    try:
        target = Store.open(args.target)
        try:
            copied = copy_database(source, target, replace=args.replace)
            comparisons = compare(source, target)
        finally:
            target.close()
    finally:
        source.close()
    print(
        f"copied {sum(copied.values()):,} rows in {len(copied)} tables from {shown_target(args.source)} "
        f"to {shown_target(args.target)}"
    )
    print(_fingerprint_table(comparisons))
    mismatches = [c.table for c in comparisons if not c.matches]
    if mismatches:
        print(
            f"The copy differs from the source in {', '.join(mismatches)} (did something write to the source "
            "during the copy?); run the migration again with --replace.",
            file=sys.stderr,
        )
        return 1
    print("verified: every table has the same rows and checksum on both sides")
    return 0


def export_uploads(args: argparse.Namespace) -> int:
    from loaders.rebuild import export_uploads as export
    from store.database import Store, database_target

    source = Store.open_read_only(args.db or database_target())
    try:
        uploads, written = export(source, pathlib.Path(args.folder))
    finally:
        source.close()
    print(f"{uploads} upload(s) in {args.folder} ({written} file(s) written now)")
    return 0


def rebuild(args: argparse.Namespace) -> int:
    from loaders.rebuild import rebuild as replay
    from loaders.rebuild import uploads_from_folder
    from store.database import Store

    if args.source is not None:
        if pathlib.Path(args.source).resolve() == pathlib.Path(args.db).resolve():
            print("--from and --db name the same database; rebuild into a new file", file=sys.stderr)
            return 1
        source = Store.open_read_only(args.source)
        try:
            uploads = source.recorded_uploads()
        finally:
            source.close()
    else:
        uploads = uploads_from_folder(pathlib.Path(args.folder))
    result = replay(uploads, args.db)
    print(
        f"replayed {len(result.replayed)} of {len(uploads)} upload(s) into {args.db}"
        + (f", {len(result.undone)} of them undone again as they were" if result.undone else "")
    )
    if result.not_replayed:
        print(
            f"{len(result.not_replayed)} upload(s) could not be replayed (the database holds the others):",
            file=sys.stderr,
        )
        for missed in result.not_replayed:
            upload = missed.upload
            print(
                f"upload {upload.upload_id} by {upload.uploaded_by} on {upload.uploaded_at:%Y-%m-%d %H:%M} "
                f"({', '.join(f.file_name for f in upload.files)}):",
                file=sys.stderr,
            )
            print(_problem_table(missed.problems), file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders", description="Load OKR workbooks into the store.")
    commands = parser.add_subparsers(dest="command", required=True)
    ingest_parser = commands.add_parser(
        "ingest",
        help="validate and store workbooks or CSV files",
        description=f"Validate and store workbooks or CSV files, each up to {CLI_MAX_FILE_BYTES // 2**20} MB "
        f"(the app's Upload page takes files up to {MAX_FILE_BYTES // 2**20} MB).",
    )
    ingest_parser.add_argument("files", nargs="+", metavar="FILE")
    ingest_parser.add_argument("--db", help="DuckDB file (default: $OKR_DB or okr_data/okr.duckdb)")
    ingest_parser.add_argument("--dry-run", action="store_true", help="check and report, store nothing")
    ingest_parser.add_argument(
        "--mapping",
        metavar="MAP.toml",
        help="how to read the sheets (written by `inspect --write-mapping`, then edited)",
    )
    ingest_parser.add_argument("--team", help="the team of sheets without a team column (one-row-per-KR sheets)")
    ingest_parser.add_argument("--period", help="the period of sheets without a period column (e.g. 2027-Q2)")
    ingest_parser.add_argument(
        "--date", metavar="YYYY-MM-DD", help="the date of check-ins in sheets without a date column"
    )
    ingest_parser.add_argument(
        "--json", action="store_true", help="print stored counts, every problem and the mapping used as JSON"
    )
    ingest_parser.add_argument(
        "--all-problems",
        action="store_true",
        help="list every row's problem (by default, problems of one kind are one line "
        f"with a count and row ranges, and at most {MAX_PROBLEM_LINES} lines are shown)",
    )
    ingest_parser.add_argument(
        "--format",
        metavar="NAME",
        help="read the files as this tool's export (viva_goals, viva_goals_template, quantive, "
        "burning_okr, okr_for_jira, betterworks); recognised by content without it",
    )
    ingest_parser.set_defaults(run=ingest)
    inspect_parser = commands.add_parser(
        "inspect",
        help="show how each sheet of a file would be read (and write that as an editable mapping)",
        description="Show what each sheet of a file is taken for, each header → the column it fills or "
        "'not used', and the guesses made; nothing is stored and no database is opened.",
    )
    inspect_parser.add_argument("file", metavar="FILE")
    inspect_parser.add_argument("--json", action="store_true", help="print the mapping and problems as JSON")
    inspect_parser.add_argument("--write-mapping", metavar="MAP.toml", help="write the mapping as an editable file")
    inspect_parser.add_argument("--mapping", metavar="MAP.toml", help="read the sheets by this mapping")
    inspect_parser.add_argument("--team", help="the team of sheets without a team column")
    inspect_parser.add_argument("--period", help="the period of sheets without a period column")
    inspect_parser.add_argument("--date", metavar="YYYY-MM-DD", help="the date of check-ins without a date column")
    inspect_parser.add_argument("--format", metavar="NAME", help="read the file as this tool's export")
    inspect_parser.set_defaults(run=inspect)
    template_parser = commands.add_parser("template", help="write a team's prefilled progress template")
    template_parser.add_argument("--team", required=True)
    template_parser.add_argument("--db")
    template_parser.add_argument("--date", help="review date prefilled in the date column (default: last month-end)")
    template_parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    template_parser.set_defaults(run=template)
    migrate_parser = commands.add_parser(
        "migrate", help="copy a whole database (e.g. the local file to a PostgreSQL server) and verify the copy"
    )
    migrate_parser.add_argument(
        "--from", dest="source", required=True, metavar="DB", help="DuckDB file or postgresql:// URL to copy from"
    )
    migrate_parser.add_argument(
        "--to",
        dest="target",
        required=True,
        metavar="DB",
        help="postgresql://user:password@host:port/database (or a DuckDB file) to copy to",
    )
    migrate_parser.add_argument("--replace", action="store_true", help="empty a target that already holds data")
    migrate_parser.set_defaults(run=migrate)
    export_parser = commands.add_parser(
        "export-uploads", help="copy every upload's original files and records into a folder (a backup to rebuild from)"
    )
    export_parser.add_argument(
        "--db", help="DuckDB file or postgresql:// URL (default: $OKR_DB or okr_data/okr.duckdb)"
    )
    export_parser.add_argument("--to", dest="folder", required=True, metavar="DIR")
    export_parser.set_defaults(run=export_uploads)
    rebuild_parser = commands.add_parser(
        "rebuild", help="recreate a database by replaying the original upload files (of a damaged database)"
    )
    rebuild_parser.add_argument(
        "--db",
        required=True,
        metavar="NEW",
        help="the new database to create (a DuckDB file or postgresql:// URL; must be empty)",
    )
    origin = rebuild_parser.add_mutually_exclusive_group(required=True)
    origin.add_argument("--from", dest="source", metavar="DB", help="the database whose uploads to replay")
    origin.add_argument("--from-dir", dest="folder", metavar="DIR", help="a folder written by export-uploads")
    rebuild_parser.set_defaults(run=rebuild)
    args = parser.parse_args(argv)
    if args.run is not ingest:
        _collect_after_imports()
    try:
        return args.run(args)
    except Exception as exc:
        from store.database import StoreError  # imported by every command that opens a database

        if not isinstance(exc, StoreError):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    status = main()
    # The command has closed its store and its files: tearing the interpreter down would free the
    # objects of numpy, pyarrow, pandas and DuckDB one by one, for nothing (the process's memory goes
    # back whole when it ends).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
