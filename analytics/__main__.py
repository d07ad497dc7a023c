"""Command line of the analytics (DESIGN "CLI").

python -m analytics status [--db PATH] [--as-of DATE] [--team NAME] [--json]
python -m analytics changes [--db PATH] [--as-of DATE] [--since DATE] [--team NAME] [--json]
python -m analytics health [--db PATH] [--as-of DATE] [--json]
python -m analytics backcalc SCENARIO.json [--db PATH] [--as-of DATE] [--json]
python -m analytics lint FILE [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys

# numpy's BLAS need not start a thread per core when it is imported (half of numpy's import time); the
# analytics' least squares are a few points per KR.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _clean(value):
    """JSON-safe: NaN → null, Timestamps → ISO dates, numpy scalars → Python."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if value == value else None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _records(frame, columns):
    return [{c: _clean(row[c]) for c in columns} for row in frame.to_dict("records")]


def _stored_tables(db):
    """The stored tables of `db`, or None (the error printed) when it cannot be opened; a missing
    file is an error, never created: these commands only read."""
    from store.database import Store, StoreError

    try:
        store = Store.open(db, create=False)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    try:
        return store.read_tables()
    finally:
        store.close()


def _as_of(args: argparse.Namespace, tables):
    from analytics.review import default_as_of

    latest = tables["check_ins"]["date"].max()
    return args.as_of or os.environ.get("OKR_AS_OF") or default_as_of(dt.date.today(), latest)


def _unknown_team(team, tables) -> bool:
    if team and team not in set(tables["teams"]["team"]):
        print(f'unknown team "{team}"', file=sys.stderr)
        return True
    return False


def status(args: argparse.Namespace) -> int:
    from analytics.forecast import with_forecasts
    from analytics.review import review_snapshot

    tables = _stored_tables(args.db)
    if tables is None:
        return 1
    snapshot = review_snapshot(tables, _as_of(args, tables))
    krs, objectives, teams = snapshot.krs, snapshot.objectives, snapshot.teams
    if _unknown_team(args.team, tables):
        return 1
    if args.team:
        krs, objectives, teams = (f[f["team"] == args.team] for f in (krs, objectives, teams))
    if args.json:
        krs = with_forecasts(krs, tables["check_ins"], snapshot.as_of)
        print(
            json.dumps(
                {
                    "as_of": snapshot.as_of.date().isoformat(),
                    "krs": _records(
                        krs,
                        [
                            "kr_id",
                            "progress",
                            "expected",
                            "status",
                            "stale",
                            "no_check_in",
                            "target_value",
                            "due_date",
                            "forecast_value",
                            "forecast_progress",
                            "forecast_lands",
                        ],
                    ),
                    "objectives": _records(objectives, ["objective_id", "progress", "worst_status"]),
                    "teams": _records(teams, ["team", "progress", "worst_status"]),
                },
                indent=1,
            )
        )
        return 0
    print(f"As of {snapshot.as_of.date().isoformat()}")
    for team in teams.to_dict("records"):
        print(
            f"\n{team['team']}: {team['progress']:.0%} (expected {team['expected']:.0%}), worst {team['worst_status']}"
        )
        for kr in krs[krs["team"] == team["team"]].to_dict("records"):
            stale = " (stale)" if kr["stale"] else " (no check-in)" if kr["no_check_in"] else ""
            print(
                f"  {kr['kr_id']:<14} {kr['progress']:>5.0%} / {kr['expected']:>4.0%}  "
                f"{kr['status']}{stale}  {kr['title']}"
            )
    return 0


def changes(args: argparse.Namespace) -> int:
    from analytics.changes import filter_changes, largest_moves, review_changes

    tables = _stored_tables(args.db)
    if tables is None:
        return 1
    if _unknown_team(args.team, tables):
        return 1
    found = review_changes(tables, _as_of(args, tables), since=args.since)
    if args.team:
        found = filter_changes(found, [args.team])
    flags = ("newly_overdue", "newly_completed", "newly_off_track")
    if args.json:
        print(
            json.dumps(
                {
                    "since": found.since.date().isoformat(),
                    "as_of": found.as_of.date().isoformat(),
                    "krs": _records(
                        found.krs, ["kr_id", "status_before", "status_now", "progress_before", "progress_now", "delta"]
                    ),
                    **{flag: found.ids(flag) for flag in flags},
                },
                indent=1,
            )
        )
        return 0
    print(f"Since {found.since.date().isoformat()} (previous review) to {found.as_of.date().isoformat()}")
    for flag in (*flags, "recovered"):
        ids = found.ids(flag)
        print(f"  {flag.replace('_', ' ')}: {len(ids)}{'  ' + ', '.join(ids) if ids else ''}")
    ups, downs = largest_moves(found.krs)
    for heading, moves in (("Largest rises", ups), ("Largest falls", downs)):
        print(f"\n{heading}")
        for kr in moves.to_dict("records"):
            print(
                f"  {kr['kr_id']:<14} {kr['delta'] * 100:+6.1f} pts  {kr['progress_before']:>4.0%} → "
                f"{kr['progress_now']:>4.0%}  {kr['status_before']} → {kr['status_now']}  {kr['title']}"
            )
    for heading, frame, key in (("Objectives", found.objectives, "objective_id"), ("Teams", found.teams, "team")):
        ups, downs = largest_moves(frame)
        print(f"\n{heading} that moved most (over what was in force at both dates)")
        for row in (*ups.to_dict("records"), *downs.to_dict("records")):
            print(
                f"  {row[key]:<18} {row['delta'] * 100:+6.1f} pts  "
                f"{row['progress_before']:.0%} → {row['progress_now']:.0%}"
            )
    return 0


def health(args: argparse.Namespace) -> int:
    from analytics.health import HEALTH_COLUMNS, update_health
    from analytics.review import review_snapshot

    tables = _stored_tables(args.db)
    if tables is None:
        return 1
    snapshot = review_snapshot(tables, _as_of(args, tables))
    found = update_health(snapshot.krs, snapshot.as_of)
    if args.json:
        print(
            json.dumps(
                {
                    "as_of": found.as_of.date().isoformat(),
                    "teams": _records(found.teams, ["team", *HEALTH_COLUMNS]),
                    "owners": _records(found.owners, ["owner", *HEALTH_COLUMNS]),
                },
                indent=1,
            )
        )
        return 0
    print(
        f"Update health as of {found.as_of.date().isoformat()}: {found.updated} of {found.in_force} KRs in force "
        f"updated in the last 30 days"
    )
    for key, frame in (("team", found.teams), ("owner", found.owners)):
        print(f"\nBy {key}")
        for row in frame.to_dict("records"):
            oldest = row["oldest"].date().isoformat() if row["oldest"] == row["oldest"] else "never"
            print(
                f"  {str(row[key]):<22} {row['updated']:>3} of {row['in_force']:<3} {row['share']:>5.0%}  "
                f"oldest {oldest}"
            )
    return 0


def backcalc(args: argparse.Namespace) -> int:
    from analytics.funnel import Scenario, ScenarioError

    try:
        with open(args.scenario, encoding="utf-8") as file:
            data = json.load(file)
    except OSError as exc:
        print(f"error: cannot read {args.scenario}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except UnicodeDecodeError:
        print(f"error: {args.scenario} is not UTF-8 text; save the scenario as a JSON file", file=sys.stderr)
        return 1
    except json.JSONDecodeError as exc:
        print(
            f"error: {args.scenario} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            file=sys.stderr,
        )
        return 1
    to_date = args.db is not None or args.as_of is not None
    try:
        if to_date:
            result = _plan_to_date(args, data)
            if result is None:
                return 1
        else:
            from analytics.funnel import back_calculate

            result = back_calculate(Scenario.from_dict(data)), ()
    except ScenarioError as exc:
        print(f"error: {args.scenario}: {exc}", file=sys.stderr)
        return 1
    plan_or_to_date, notes = result
    if args.json:
        print(json.dumps(plan_or_to_date.to_json_dict() | {"notes": list(notes)}, indent=1))
        return 0
    from analytics.funnel.report import plan_report

    print("\n".join(plan_report(plan_or_to_date, os.path.basename(args.scenario), notes)))
    return 0


def _plan_to_date(args: argparse.Namespace, data):
    """(PlanToDate, notes) for `backcalc --db/--as-of`, or None when the database cannot be read."""
    from analytics.funnel import Scenario, ScenarioError, plan_to_date, scenario_with_data_defaults

    tables = _stored_tables(args.db)
    if tables is None:
        return None
    as_of = _as_of(args, tables)
    try:
        as_of = dt.date.fromisoformat(str(as_of)[:10])
    except ValueError:
        raise ScenarioError(f"--as-of {as_of!r} is not a date (use YYYY-MM-DD)") from None
    filled = scenario_with_data_defaults(data, tables["arr_actuals"], tables.get("headcount"), as_of.year)
    return plan_to_date(Scenario.from_dict(filled.scenario), tables["arr_actuals"], as_of), filled.notes


LINT_EPILOG = """exit status: 0 when no finding is an error (warnings only, or none); 1 when a finding is an
error, when a cell cannot be read as its column expects (reported as rule "format", like the
upload's validation report), or when the file cannot be read at all (message on stderr)."""


def lint(args: argparse.Namespace) -> int:
    from analytics.lint import ERROR, Finding, findings_frame, lint_findings, okr_set
    from loaders.parse import parse_grids
    from loaders.problems import FileRejected
    from loaders.read import read_grids

    name = os.path.basename(args.file)
    try:
        with open(args.file, "rb") as file:
            parsed = parse_grids(name, read_grids(name, file.read()))
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except FileRejected as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 1
    if "objectives" not in parsed.tables:
        print(
            f"error: {args.file} has no Objectives sheet; the quality check needs the objectives and their key results",
            file=sys.stderr,
        )
        return 1
    unreadable = [
        Finding(
            "format",
            problem.severity,
            None,
            None,
            None,
            str(problem),
            "Fix the cell as the message says; the check treats it as empty meanwhile",
        )
        for problem in parsed.problems
    ]
    findings = unreadable + lint_findings(okr_set({table: item.frame for table, item in parsed.tables.items()}))
    if args.json:
        print(json.dumps(_records(findings_frame(findings), list(findings_frame([]).columns)), indent=1))
    else:
        for finding in findings:
            print(
                f"{finding.severity:<8} {finding.rule:<20} {finding.subject:<14} {finding.message}. Fix: {finding.hint}"
            )
        errors = sum(f.severity == ERROR for f in findings)
        print(f"{len(findings)} finding(s): {errors} error(s), {len(findings) - errors} warning(s)", file=sys.stderr)
    return 1 if any(f.severity == ERROR for f in findings) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics", description="OKR analytics from the command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    status_parser = commands.add_parser("status", help="KR progress, status and roll-ups at the as-of date")
    status_parser.add_argument("--db", help="DuckDB file (default: $OKR_DB or okr_data/okr.duckdb)")
    status_parser.add_argument("--as-of", help="ISO date (default: $OKR_AS_OF, else the last month-end)")
    status_parser.add_argument("--team")
    status_parser.add_argument("--json", action="store_true")
    status_parser.set_defaults(run=status)
    changes_parser = commands.add_parser("changes", help="what changed per KR since the previous review")
    changes_parser.add_argument("--db", help="DuckDB file (default: $OKR_DB or okr_data/okr.duckdb)")
    changes_parser.add_argument("--as-of", help="ISO date (default: $OKR_AS_OF, else the last month-end)")
    changes_parser.add_argument(
        "--since", help="ISO date of the previous review (default: the month-end before the as-of date's month)"
    )
    changes_parser.add_argument("--team")
    changes_parser.add_argument("--json", action="store_true")
    changes_parser.set_defaults(run=changes)
    health_parser = commands.add_parser("health", help="who updated their KRs in the 30 days before the as-of date")
    health_parser.add_argument("--db", help="DuckDB file (default: $OKR_DB or okr_data/okr.duckdb)")
    health_parser.add_argument("--as-of", help="ISO date (default: $OKR_AS_OF, else the last month-end)")
    health_parser.add_argument("--json", action="store_true")
    health_parser.set_defaults(run=health)
    backcalc_parser = commands.add_parser(
        "backcalc", help="back-calculate bookings, funnel volumes and reps from an ARR target scenario"
    )
    backcalc_parser.add_argument(
        "scenario", metavar="SCENARIO.json", help='scenario file (DESIGN "CLI": backcalc keys)'
    )
    backcalc_parser.add_argument(
        "--db",
        help="plan to date from this DuckDB file's ARR actuals and Headcount (default with --as-of: $OKR_DB or "
        "okr_data/okr.duckdb)",
    )
    backcalc_parser.add_argument(
        "--as-of",
        help="plan the rest of this date's year from what is already won (ISO date; default with --db: "
        "$OKR_AS_OF, else the last month-end)",
    )
    backcalc_parser.add_argument("--json", action="store_true", help="print the plan as JSON (unrounded numbers)")
    backcalc_parser.set_defaults(run=backcalc)
    lint_parser = commands.add_parser(
        "lint",
        help="check the OKRs of a draft workbook against the quality rules before uploading it",
        description="Check the team objectives and KRs of a draft workbook (XLSX or CSV) against the OKR "
        "quality rules; nothing is stored. One finding per line: severity, rule, objective or "
        "KR id, what is wrong and how to fix it.",
        epilog=LINT_EPILOG,
    )
    lint_parser.add_argument("file", metavar="FILE", help="the draft workbook")
    lint_parser.add_argument(
        "--json",
        action="store_true",
        help="print the findings as a JSON list of {rule, severity, team, objective_id, kr_id, message, hint}",
    )
    lint_parser.set_defaults(run=lint)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
