"""How close any CSV ingest can come to DuckDB's own read_csv, on the organisation's 500,000 check-ins.

Prints one JSON object; every time is the median of --repeats runs, measured in this one process:

* `duckdb_read_csv_s`: `CREATE TABLE AS SELECT * FROM read_csv(...)` into a fresh database file (the
  denominator of run.py's `csv_vs_duckdb_ratio`).
* `insert_parsed_rows_s`: only the last step of our ingest: inserting the rows, already parsed and
  checked (an Arrow table, as the store receives them), into the check-ins table in one transaction.
* `sql_only_ingest_s`: an ingest done wholly inside DuckDB, with no Python per row and no checks at
  all: read_csv as texts into a temporary table, then one INSERT that trims the texts and reads
  dates, plain numbers, "$12,345" and "45%" (a few of the DESIGN's rules) — no row validated, no
  problem reported, no upload recorded.
* each `*_ratio`: that time ÷ `duckdb_read_csv_s`.

    .venv/bin/python bench/csv_floor.py [--scale 0.01 --org DIR] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import tempfile
import time

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(PROJECT_ROOT / "bench"))

import duckdb  # noqa: E402
import make_org  # noqa: E402
import pyarrow as pa  # noqa: E402
from run import duckdb_read_csv_s  # noqa: E402

from loaders.ingest import parse_files  # noqa: E402
from loaders.read import CLI_MAX_FILE_BYTES  # noqa: E402
from store.database import Store, UploadedFile  # noqa: E402

COLUMNS = "kr_id, date, value, status, confidence, comment, updated_by"
SQL_ONLY_INSERT = f"""
    INSERT INTO check_ins ({COLUMNS}, upload_id)
    SELECT trim(kr_id), try_cast(trim(date) AS DATE),
           coalesce(try_cast(trim(value) AS DOUBLE),
                    try_cast(replace(replace(trim(value), '$', ''), ',', '') AS DOUBLE),
                    try_cast(rtrim(trim(value), '%') AS DOUBLE)),
           nullif(trim(status), ''), try_cast(confidence AS DOUBLE), nullif(trim(comment), ''),
           nullif(trim(updated_by), ''), 1
    FROM staged"""


def _in_fresh_store(folder: pathlib.Path, name: str, work) -> float:
    """Seconds `work(connection)` takes inside one transaction of a new database with the store's tables."""
    path = str(folder / f"{name}.duckdb")
    Store.open(path).close()
    connection = duckdb.connect(path)
    try:
        connection.execute("BEGIN")
        started = time.perf_counter()
        work(connection)
        elapsed = time.perf_counter() - started
        connection.execute("COMMIT")
        return elapsed
    finally:
        connection.close()


def measure(org: pathlib.Path, repeats: int, fraction: float = 1.0) -> dict[str, float]:
    make_org.ensure_org(org, fraction)
    csv = org / "csv" / "CheckIns.csv"
    tables, problems = parse_files([UploadedFile(csv.name, csv.read_bytes())], max_file_bytes=CLI_MAX_FILE_BYTES)
    frame = tables["check_ins"].frame
    parsed = pa.Table.from_pandas(frame.drop(columns="_row"), preserve_index=False)
    times: dict[str, list[float]] = {"duckdb_read_csv_s": [], "insert_parsed_rows_s": [], "sql_only_ingest_s": []}
    with tempfile.TemporaryDirectory(prefix="okr_csv_floor_") as scratch:
        folder = pathlib.Path(scratch)
        for run in range(repeats):
            times["duckdb_read_csv_s"].append(duckdb_read_csv_s(csv, str(folder / f"read_csv{run}.duckdb")))

            def insert_parsed(connection):
                connection.register("parsed", parsed)
                connection.execute(f"INSERT INTO check_ins ({COLUMNS}, upload_id) SELECT {COLUMNS}, 1 FROM parsed")

            times["insert_parsed_rows_s"].append(_in_fresh_store(folder, f"parsed{run}", insert_parsed))

            def sql_only(connection):
                connection.execute(f"CREATE TEMP TABLE staged AS SELECT * FROM read_csv('{csv}', all_varchar = true)")
                connection.execute(SQL_ONLY_INSERT)

            times["sql_only_ingest_s"].append(_in_fresh_store(folder, f"sql{run}", sql_only))
    figures = {name: round(statistics.median(values), 3) for name, values in times.items()}
    baseline = figures["duckdb_read_csv_s"]
    figures |= {
        name.removesuffix("_s") + "_ratio": round(figures[name] / baseline, 2)
        for name in ("insert_parsed_rows_s", "sql_only_ingest_s")
    }
    figures["rows"] = len(frame)
    figures["parse_problems"] = len(problems)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--org",
        type=pathlib.Path,
        default=make_org.DEFAULT_OUT,
        help="where the organisation is (generated there if absent)",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="a fraction of full scale (0.01 for a tiny one)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.org, args.repeats, args.scale)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
