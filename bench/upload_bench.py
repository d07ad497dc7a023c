"""Validate + preview time of a progress upload: the demo team template filled with 10,000 check-ins.

Prints JSON. The figure the issue sets a target for is `validate_and_preview_seconds` (< 2 s): what
the Upload progress page runs between receiving a file and showing its report and preview
(`check_and_store(..., dry_run=True, team=, as_of=)`: read, parse, validate, dry-run merge, preview).

    .venv/bin/python bench/upload_bench.py [--rows 10000] [--team Sales] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import pathlib
import sys
import tempfile
import time

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from loaders.ingest import check_and_store  # noqa: E402
from loaders.template import build_template  # noqa: E402
from store.database import Store, UploadedFile  # noqa: E402

DEMO_WORKBOOK = PROJECT_ROOT / "okr_data" / "demo_company_2027.xlsx"
AS_OF = dt.date(2027, 5, 31)


def filled_template(store: Store, team: str, rows: int) -> bytes:
    """The team's template with `rows` check-ins: each KR's rows dated one day apart, ending on the
    as-of date, values rising steadily from the KR's start towards its target."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(build_template(store, team, AS_OF)))
    sheet = workbook["CheckIns"]
    header = [cell.value for cell in sheet[1]]
    column = {name: header.index(name) for name in header}
    krs = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    sheet.delete_rows(2, sheet.max_row)
    per_kr = -(-rows // len(krs))
    written = 0
    for template_row in krs:
        start = template_row[column["start_value"]] or 0
        target = template_row[column["target_value"]] or 1
        for day in range(per_kr):
            if written == rows:
                break
            row = list(template_row)
            if template_row[column["measure"]] == "status":
                row[column["status"]] = "Early progress"
            else:
                row[column["value"]] = start + (target - start) * (day + 1) / (per_kr + 1)
            row[column["confidence"]] = 7
            row[column["comment"]] = f"reading {day + 1}"
            row[column["date"]] = dt.datetime.combine(AS_OF - dt.timedelta(days=per_kr - 1 - day), dt.time())
            sheet.append(row)
            written += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--team", default="Sales")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(str(pathlib.Path(folder) / "bench.duckdb"))
        check_and_store(store, [UploadedFile(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes())], "bench")
        content = filled_template(store, args.team, args.rows)
        file = UploadedFile(f"{args.team}_progress.xlsx", content)
        wall, cpu = [], []
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            result = check_and_store(store, [file], "bench", dry_run=True, team=args.team, as_of=AS_OF)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        store.close()
    print(
        json.dumps(
            {
                "team": args.team,
                "check_in_rows": args.rows,
                "file_bytes": len(content),
                "errors": len(result.errors),
                "warnings": len(result.warnings),
                "check_ins_new": result.changes["check_ins"].inserted,
                "check_ins_updated": result.changes["check_ins"].updated,
                "krs_previewed": len(result.preview.krs) if result.preview else 0,
                "validate_and_preview_seconds": round(min(wall), 3),
                "validate_and_preview_cpu_seconds": round(min(cpu), 3),
                "runs": args.repeat,
                "target_seconds": 2.0,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
