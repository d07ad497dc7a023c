"""Command line: `python -m analytics status [--db PATH] [--as-of DATE] [--team NAME] [--json]`."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys


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


def status(args: argparse.Namespace) -> int:
    from analytics.review import default_as_of, review_snapshot
    from store.database import Store, StoreError

    try:
        store = Store.open(args.db)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        tables = store.read_tables()
    finally:
        store.close()
    as_of = args.as_of or os.environ.get("OKR_AS_OF") or default_as_of(dt.date.today(), tables["check_ins"]["date"].max())
    snapshot = review_snapshot(tables, as_of)
    krs, objectives, teams = snapshot.krs, snapshot.objectives, snapshot.teams
    if args.team:
        if args.team not in set(tables["teams"]["team"]):
            print(f'unknown team "{args.team}"', file=sys.stderr)
            return 1
        krs, objectives, teams = (f[f["team"] == args.team] for f in (krs, objectives, teams))
    if args.json:
        print(json.dumps({
            "as_of": snapshot.as_of.date().isoformat(),
            "krs": _records(krs, ["kr_id", "progress", "expected", "status", "stale", "target_value", "due_date"]),
            "objectives": _records(objectives, ["objective_id", "progress", "worst_status"]),
            "teams": _records(teams, ["team", "progress", "worst_status"]),
        }, indent=1))
        return 0
    print(f"As of {snapshot.as_of.date().isoformat()}")
    for team in teams.to_dict("records"):
        print(f"\n{team['team']}: {team['progress']:.0%} (expected {team['expected']:.0%}), worst {team['worst_status']}")
        for kr in krs[krs["team"] == team["team"]].to_dict("records"):
            stale = " (stale)" if kr["stale"] else ""
            print(f"  {kr['kr_id']:<14} {kr['progress']:>5.0%} / {kr['expected']:>4.0%}  {kr['status']}{stale}  {kr['title']}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics", description="OKR analytics from the command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    status_parser = commands.add_parser("status", help="KR progress, status and roll-ups at the as-of date")
    status_parser.add_argument("--db", help="DuckDB file (default: $OKR_DB or okr_data/okr.duckdb)")
    status_parser.add_argument("--as-of", help="ISO date (default: $OKR_AS_OF, else the last month-end)")
    status_parser.add_argument("--team")
    status_parser.add_argument("--json", action="store_true")
    status_parser.set_defaults(run=status)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
