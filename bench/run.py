"""Benchmarks at scale: ingest, roll-ups and page renders on the organisation of bench/make_org.py.

Prints one JSON object; every figure comes from this one run, so the ratios compare like with like:

* `xlsx_ingest_s`: `check_and_store` of `checkins_100k.xlsx` (the real ingest path: read, parse,
  validate against the stored KRs, merge in one transaction) into a fresh database that holds the
  organisation without its check-ins; `xlsx_vs_openpyxl_ratio`: openpyxl's read-only load and
  iteration over the same file ÷ that time.
* `xlsx_warnings_ingest_s`: the same for `checkins_100k_warnings.xlsx` (the same rows, 93 in 100 dated
  before their KR starts: 93,000 warnings, kept as baselines); `xlsx_warnings_vs_clean_ratio`: that
  time ÷ `xlsx_ingest_s` (target ≤ 1.2). Both are the better of two ingests, one after the other.
* `xlsx_process_s`: `python -m loaders ingest checkins_100k.xlsx --db …` as a whole process (Python's
  start-up and imports included; the better of three, after an untimed run that fills Python's bytecode
  cache, as on any machine that keeps it), into a copy of that database;
  `xlsx_process_vs_openpyxl_ratio`: the in-process openpyxl read (the better of two) ÷ that time
  (target ≥ 5); `xlsx_warnings_process_s` and `xlsx_warnings_process_vs_openpyxl_ratio`: the same
  for `checkins_100k_warnings.xlsx` (93,000 warnings, at most 50 lines printed).
* `csv_ingest_s`: the same for `csv/CheckIns.csv` (every check-in); `csv_vs_duckdb_ratio`: that
  time ÷ DuckDB's own `CREATE TABLE AS SELECT * FROM read_csv(...)` of the file into a fresh
  database file.
* `rollup_ms`: progress and status of every KR (all periods, every check-in, the decisions), then
  the objective, team and company roll-ups: the median of 5 runs.
* `page_cold_ms` / `page_warm_ms`: each page registered in app.py (or each given to --pages), opened
  through the router with Streamlit's AppTest on the full database at the organisation's as-of date.
  Cold: Streamlit's caches cleared first (the store is reopened, every table read again, every
  computation redone; the Python modules of the first page are imported by an untimed run
  beforehand). Warm: the next run of the same page, as on any interaction.
* `cli_while_app_serving_max_wait_s`: while an app process serves pages of (a copy of) the full
  database in a loop, two `python -m loaders ingest` at once, `python -m analytics status`,
  `python -m loaders template` and one more ingest run beside it, and a probe opens the file, reads
  the data version and closes it every 50 ms: the longest such open (its wait for the lock
  included). `cli_while_app_serving_slowest_call_s`: the slowest of those command-line calls as a
  whole process (start-up included).
* `peak_rss_mb`: the peak resident memory of this process over the whole run.
* `page_errors`: page file → the exception it raised (its times then measure a failing run).

The organisation is generated into --org (default /tmp/okr_org at full scale, /tmp/okr_org_0.1 for
--quick) unless it is there already at the same scale.

    .venv/bin/python bench/run.py [--quick | --scale 0.01] [--org DIR] [--process-only] [--pages pages/overview.py ...]

`--process-only` prints only openpyxl's time and the two whole-process ingests with their ratios (and
the warnings ingest's printed lines and the load average), measured as above.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time

# Clearing Streamlit's caches outside a server logs a warning each time; a page's failure is listed below.
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(PROJECT_ROOT / "bench"))

import make_org  # noqa: E402

from loaders.ingest import check_and_store  # noqa: E402
from loaders.read import CLI_MAX_FILE_BYTES  # noqa: E402
from store.database import Store, UploadedFile  # noqa: E402

ROLLUP_REPEATS = 5
PAGE_TIMEOUT_S = 300


def _ingest(database: str, paths: list[pathlib.Path]) -> tuple[float, int]:
    """Seconds `python -m loaders ingest` spends checking and storing `paths`, and the rows it stored."""
    files = [UploadedFile(p.name, p.read_bytes()) for p in paths]
    store = Store.open(database)
    try:
        started = time.perf_counter()
        result = check_and_store(store, files, "bench", max_file_bytes=CLI_MAX_FILE_BYTES)
        elapsed = time.perf_counter() - started
    finally:
        store.close()
    if result.errors:
        raise SystemExit("ingest failed:\n" + "\n".join(str(p) for p in result.errors[:20]))
    return elapsed, result.rows_changed


def _process_ingest_s(base: str, path: pathlib.Path, work: pathlib.Path, runs: int = 3) -> tuple[float, int]:
    """Seconds `python -m loaders ingest PATH` takes as a whole process (the best of `runs`, after an
    untimed run), each into a fresh copy of `base`; and the lines it printed."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times, lines = [], 0
    for run in range(runs + 1):
        database = str(work / f"process_{path.stem}_{run}.duckdb")
        shutil.copyfile(base, database)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "loaders", "ingest", str(path), "--db", database],
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            env=env,
        )
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"python -m loaders ingest {path.name} failed:\n{done.stderr[-3000:]}")
        if run:
            times.append(elapsed)
        lines = len((done.stdout + done.stderr).splitlines())
    return min(times), lines


def _openpyxl_read_s(path: pathlib.Path) -> float:
    import openpyxl

    started = time.perf_counter()
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for sheet in workbook.worksheets:
        for _ in sheet.iter_rows(values_only=True):
            pass
    workbook.close()
    return time.perf_counter() - started


def duckdb_read_csv_s(path: pathlib.Path, database: str) -> float:
    """Seconds DuckDB's own read_csv takes to load `path` into a table of a fresh database file."""
    import duckdb

    connection = duckdb.connect(database)
    try:
        started = time.perf_counter()
        connection.execute(f"CREATE TABLE check_ins AS SELECT * FROM read_csv('{path}')")
        return time.perf_counter() - started
    finally:
        connection.close()


def _rollup_ms(database: str, as_of) -> float:
    from analytics.progress import kr_progress
    from analytics.rollups import company_rollup, objective_rollup, team_rollup

    store = Store.open(database)
    try:
        tables = store.read_tables()
    finally:
        store.close()
    times = []
    for _ in range(ROLLUP_REPEATS):
        started = time.perf_counter()
        krs = kr_progress(tables["key_results"], tables["check_ins"], tables["objectives"], as_of, tables["decisions"])
        objectives = objective_rollup(krs, tables["objectives"])
        team_rollup(objectives, tables["teams"])
        company_rollup(objectives, tables["objectives"])
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def registered_pages() -> list[str]:
    return re.findall(r'st\.Page\("([^"]+)"', (PROJECT_ROOT / "app.py").read_text())


def _page_times(database: str, as_of, pages: list[str]) -> tuple[dict[str, float], dict[str, float], dict[str, str]]:
    import pytest
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.conftest import routed_app_tests

    os.environ["OKR_DB"] = database
    os.environ["OKR_AS_OF"] = as_of.isoformat()
    cold, warm, failures = {}, {}, {}

    def opened(page: str) -> AppTest:
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=PAGE_TIMEOUT_S)
        at.switch_page(page)
        return at

    def timed_run(at: AppTest, page: str) -> float:
        started = time.perf_counter()
        at.run()
        elapsed = (time.perf_counter() - started) * 1000
        if at.exception:
            failures[page] = at.exception[0].message
        return elapsed

    with pytest.MonkeyPatch.context() as patch:
        routed_app_tests(patch)
        opened(pages[0]).run()  # imports Streamlit's runtime and Plotly once, untimed
        for page in pages:
            st.cache_data.clear()
            st.cache_resource.clear()
            at = opened(page)
            cold[page] = round(timed_run(at, page), 1)
            warm[page] = round(timed_run(at, page), 1)
        st.cache_resource.clear()  # closes the store before its file goes
    return cold, warm, failures


def _cli_beside_app(database: str, folder: pathlib.Path) -> tuple[float, float]:
    """The longest open of the file by a command-line reader, and the slowest command-line call, while
    an app process serves pages (tests/shared_db_harness.py)."""
    from tests.shared_db_harness import cli_beside_app

    store = Store.open(database)
    try:
        tables = store.read_tables()
    finally:
        store.close()
    krs, objectives = tables["key_results"], tables["objectives"]
    team = objectives.loc[objectives["level"] == "team", "team"].iloc[0]
    krs = krs[
        krs["objective_id"].isin(objectives.loc[objectives["team"] == team, "objective_id"])
        & krs["measure"].isin(["number", "currency"])
    ]
    folder.mkdir()
    scene = cli_beside_app(
        database,
        folder,
        sorted(krs["kr_id"])[:6],
        team,
        lock_wait=60,
        dates=tuple(f"2026-11-0{d}" for d in range(1, 8)),
    )
    failed = [call for call in scene["calls"] if call["code"] != 0]
    if failed or not scene["expected_comments"] <= set(scene["app"]["comments"]):
        raise SystemExit(f"command-line calls beside the app failed or lost rows: {failed[:1]}")
    return scene["probe_longest_s"], max(call["seconds"] for call in scene["calls"])


def process_ratios(org: pathlib.Path, fraction: float) -> dict:
    """Only the whole-process figures (`--process-only`): the openpyxl read and the two whole-process
    ingests, measured as `run` measures them, in one run."""
    make_org.ensure_org(org, fraction)
    structure = sorted(p for p in (org / "csv").glob("*.csv") if p.stem != "CheckIns")
    with tempfile.TemporaryDirectory(prefix="okr_bench_") as scratch:
        work = pathlib.Path(scratch)
        base = str(work / "organisation.duckdb")
        _ingest(base, structure)
        split, warnings_split = org / "checkins_100k.xlsx", org / make_org.WARNINGS_SPLIT
        openpyxl_s = min(_openpyxl_read_s(split) for _ in range(2))
        process_s, _ = _process_ingest_s(base, split, work)
        warnings_process_s, warnings_lines = _process_ingest_s(base, warnings_split, work)
    return {
        "openpyxl_s": round(openpyxl_s, 3),
        "xlsx_process_s": round(process_s, 3),
        "xlsx_process_vs_openpyxl_ratio": round(openpyxl_s / process_s, 2),
        "xlsx_warnings_process_s": round(warnings_process_s, 3),
        "xlsx_warnings_process_vs_openpyxl_ratio": round(openpyxl_s / warnings_process_s, 2),
        "xlsx_warnings_process_lines": warnings_lines,
        "load_average": round(os.getloadavg()[0], 1),
    }


def run(org: pathlib.Path, fraction: float, pages: list[str]) -> dict:
    make_org.ensure_org(org, fraction)
    csv_folder = org / "csv"
    structure = sorted(p for p in csv_folder.glob("*.csv") if p.stem != "CheckIns")
    with tempfile.TemporaryDirectory(prefix="okr_bench_") as scratch:
        work = pathlib.Path(scratch)
        base = str(work / "organisation.duckdb")
        _ingest(base, structure)

        full_db = str(work / "full.duckdb")
        shutil.copyfile(base, full_db)
        split, warnings_split = org / "checkins_100k.xlsx", org / make_org.WARNINGS_SPLIT
        times: dict[pathlib.Path, list[float]] = {split: [], warnings_split: []}
        stored: dict[pathlib.Path, int] = {}
        for attempt in range(2):
            for path in (split, warnings_split):
                database = str(work / f"xlsx_{attempt}_{path.stem}.duckdb")
                shutil.copyfile(base, database)
                elapsed, stored[path] = _ingest(database, [path])
                times[path].append(elapsed)
        xlsx_rows = stored[split]
        xlsx_s, warnings_s = min(times[split]), min(times[warnings_split])
        openpyxl_s = min(_openpyxl_read_s(split) for _ in range(2))
        process_s, _ = _process_ingest_s(base, split, work)
        warnings_process_s, warnings_lines = _process_ingest_s(base, warnings_split, work)
        if warnings_lines > 50:
            raise SystemExit(f"the ingest of {warnings_split.name} printed {warnings_lines} lines (at most 50)")
        csv_s, csv_rows = _ingest(full_db, [csv_folder / "CheckIns.csv"])
        duckdb_s = duckdb_read_csv_s(csv_folder / "CheckIns.csv", str(work / "duckdb_read_csv.duckdb"))
        print(f"stored {xlsx_rows:,} check-ins from XLSX, {csv_rows:,} from CSV", file=sys.stderr)

        rollup_ms = _rollup_ms(full_db, make_org.AS_OF)
        cold, warm, page_errors = _page_times(full_db, make_org.AS_OF, pages)
        os.environ.pop("OKR_DB", None)
        shared_db = str(work / "shared.duckdb")
        shutil.copyfile(full_db, shared_db)
        beside_wait_s, beside_call_s = _cli_beside_app(shared_db, work / "beside")
    return {
        "xlsx_ingest_s": round(xlsx_s, 3),
        "xlsx_vs_openpyxl_ratio": round(openpyxl_s / xlsx_s, 2),
        "xlsx_process_s": round(process_s, 3),
        "xlsx_process_vs_openpyxl_ratio": round(openpyxl_s / process_s, 2),
        "xlsx_warnings_process_s": round(warnings_process_s, 3),
        "xlsx_warnings_process_vs_openpyxl_ratio": round(openpyxl_s / warnings_process_s, 2),
        "xlsx_warnings_ingest_s": round(warnings_s, 3),
        "xlsx_warnings_vs_clean_ratio": round(warnings_s / xlsx_s, 2),
        "csv_ingest_s": round(csv_s, 3),
        "csv_vs_duckdb_ratio": round(csv_s / duckdb_s, 2),
        "rollup_ms": round(rollup_ms, 1),
        "page_cold_ms": cold,
        "page_warm_ms": warm,
        "cli_while_app_serving_max_wait_s": round(beside_wait_s, 3),
        "cli_while_app_serving_slowest_call_s": round(beside_call_s, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "page_errors": page_errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="an organisation ten times smaller")
    size.add_argument("--scale", type=float, help="a fraction of full scale (0.01 for a tiny one)")
    parser.add_argument("--org", type=pathlib.Path, help="where the organisation is (generated there if absent)")
    parser.add_argument(
        "--process-only",
        action="store_true",
        help="only the whole-process ingests against openpyxl (about 30 s at full scale)",
    )
    parser.add_argument(
        "--pages",
        nargs="+",
        metavar="PAGE",
        help="time only these pages (files as app.py names them, e.g. pages/overview.py)",
    )
    args = parser.parse_args(argv)
    pages = registered_pages()
    unknown = sorted(set(args.pages or []) - set(pages))
    if unknown:
        parser.error(f"not a page of app.py: {', '.join(unknown)} (pages: {', '.join(pages)})")
    fraction = args.scale or (make_org.QUICK_SCALE if args.quick else 1.0)
    org = args.org or (
        make_org.DEFAULT_OUT if fraction == 1.0 else pathlib.Path(f"{make_org.DEFAULT_OUT}_{fraction:g}")
    )
    figures = process_ratios(org, fraction) if args.process_only else run(org, fraction, args.pages or pages)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
