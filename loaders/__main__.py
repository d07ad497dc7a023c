"""Command line: `python -m loaders ingest FILE… [--db PATH] [--dry-run]`, `python -m loaders template`."""
from __future__ import annotations

import argparse
import datetime as dt
import pathlib
import sys

from loaders.problems import Problem
from store.database import Store, StoreError, UploadedFile


def _problem_table(problems: list[Problem]) -> str:
    header = ("severity", "file", "sheet", "row", "column", "problem")
    rows = [(p.severity, p.file, p.sheet, "" if p.row is None else str(p.row), p.column, p.problem) for p in problems]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
    return "\n".join(lines)


def ingest(args: argparse.Namespace) -> int:
    from loaders.ingest import check_and_store

    files = []
    for name in args.files:
        path = pathlib.Path(name)
        if not path.is_file():
            print(f"{name}: no such file", file=sys.stderr)
            return 1
        files.append(UploadedFile(path.name, path.read_bytes()))
    store = Store.open(args.db)
    try:
        result = check_and_store(store, files, dry_run=args.dry_run)
    finally:
        store.close()
    if result.errors:
        print(f"Nothing stored: {len(result.errors)} problem(s) to fix.", file=sys.stderr)
        print(_problem_table(result.problems), file=sys.stderr)
        return 1
    if result.warnings:
        print(_problem_table(result.warnings), file=sys.stderr)
    verb = "would change" if args.dry_run else "changed"
    if not result.rows_changed:
        print("Nothing changed: every row is already stored.")
    for table, change in result.changes.items():
        print(f"{table}: {change.inserted} new, {change.updated} updated, {change.unchanged} unchanged")
    if result.rows_changed:
        print(f"{verb} {result.rows_changed} row(s){' (dry run: nothing stored)' if args.dry_run else ''}")
    return 0


def template(args: argparse.Namespace) -> int:
    from analytics.periods import last_month_end
    from loaders.template import build_template

    review_date = dt.date.fromisoformat(args.date) if args.date else last_month_end(dt.date.today())
    store = Store.open(args.db)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders", description="Load OKR workbooks into the store.")
    commands = parser.add_subparsers(dest="command", required=True)
    ingest_parser = commands.add_parser("ingest", help="validate and store workbooks or CSV files")
    ingest_parser.add_argument("files", nargs="+", metavar="FILE")
    ingest_parser.add_argument("--db", help="DuckDB file (default: $OKR_DB or okr_data/okr.duckdb)")
    ingest_parser.add_argument("--dry-run", action="store_true", help="check and report, store nothing")
    ingest_parser.set_defaults(run=ingest)
    template_parser = commands.add_parser("template", help="write a team's prefilled progress template")
    template_parser.add_argument("--team", required=True)
    template_parser.add_argument("--db")
    template_parser.add_argument("--date", help="review date prefilled in the date column (default: last month-end)")
    template_parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    template_parser.set_defaults(run=template)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
