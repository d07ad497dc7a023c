"""The benchmark organisation (bench/make_org.py) at a hundredth of full scale: it has what the
issue asks for, both of its formats load through the real ingest path without a problem and store
the same rows, and bench/run.py prints every figure."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pandas as pd
import pytest

from conftest import PROJECT_ROOT
from loaders.ingest import check_and_store
from loaders.read import CLI_MAX_FILE_BYTES
from store.database import Store, UploadedFile
from store.schema import DIRECTIONS, KR_TYPES, MEASURES, TABLES

sys.path.insert(0, str(PROJECT_ROOT / "bench"))
import make_org  # noqa: E402

TINY = 0.01
RUN_KEYS = {
    "xlsx_ingest_s",
    "xlsx_vs_openpyxl_ratio",
    "csv_ingest_s",
    "csv_vs_duckdb_ratio",
    "rollup_ms",
    "page_cold_ms",
    "page_warm_ms",
    "peak_rss_mb",
    "page_errors",
    "cli_while_app_serving_max_wait_s",
    "cli_while_app_serving_slowest_call_s",
    "xlsx_warnings_ingest_s",
    "xlsx_warnings_vs_clean_ratio",
    "xlsx_process_s",
    "xlsx_process_vs_openpyxl_ratio",
    "xlsx_warnings_process_s",
    "xlsx_warnings_process_vs_openpyxl_ratio",
}


@pytest.fixture(scope="module")
def org(tmp_path_factory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("org")
    make_org.write_org(out, TINY)
    return out


def test_the_organisation_has_the_shape_the_issue_asks_for():
    sheets = make_org.make_org(TINY)
    rows = {name: len(frame) for name, frame in sheets.items()}
    assert rows["Teams"] == 2 and rows["Objectives"] == 20 and rows["KeyResults"] == 80
    assert rows["CheckIns"] == 5_000 and rows["ArrActuals"] == 60
    assert rows == {name: len(frame) for name, frame in make_org.make_org(TINY).items()}  # seeded

    objectives = sheets["Objectives"]
    company = objectives[objectives["level"] == "company"]
    team = objectives[objectives["level"] == "team"]
    assert len(company) == 3 and set(team["parent_objective_id"]) <= set(company["objective_id"])
    assert (team["period"].str[:4] == team["parent_objective_id"].str[3:7]).all()  # linked within its year

    krs = sheets["KeyResults"]
    assert set(krs["kr_type"]) == set(KR_TYPES) and set(krs["measure"]) == set(MEASURES)
    assert set(krs["direction"].dropna()) == set(DIRECTIONS)
    assert (krs["due_date"] >= krs["start_date"]).all()

    check_ins = sheets["CheckIns"]
    assert not check_ins.duplicated(["kr_id", "date"]).any()
    assert check_ins["date"].min() >= pd.Timestamp("2024-01-01") and check_ins["date"].max() <= pd.Timestamp(
        "2026-12-31"
    )
    by_kr = check_ins.merge(krs, on="kr_id")
    assert (by_kr["date"] >= by_kr["start_date"]).all()  # no baseline warnings
    assert by_kr.loc[by_kr["measure"] == "status", "status"].notna().all()
    assert by_kr.loc[by_kr["measure"] != "status", "value"].notna().all()

    arr = sheets["ArrActuals"]
    bridge = arr["ending_arr"].shift() + arr["new"] + arr["expansion"] - arr["contraction"] - arr["churn"]
    assert (bridge.iloc[1:] - arr["ending_arr"].iloc[1:]).abs().max() < 1e-6


def test_the_files_are_written_in_both_formats(org):
    manifest = json.loads((org / "org.json").read_text())
    assert manifest["scale"] == TINY and manifest["rows"]["CheckIns"] == 5_000
    assert sorted(p.stem for p in (org / "csv").glob("*.csv")) == sorted(manifest["rows"])
    lines = (org / "csv" / "CheckIns.csv").read_text().splitlines()
    assert len(lines) == 5_001
    assert any('"$' in line for line in lines) and any("%," in line for line in lines)  # $12,345 and 45.5%


def ingested(paths: list[pathlib.Path], database: str) -> dict[str, pd.DataFrame]:
    store = Store.open(database)
    try:
        result = check_and_store(
            store,
            [UploadedFile(p.name, p.read_bytes()) for p in paths],
            "bench test",
            max_file_bytes=CLI_MAX_FILE_BYTES,
        )
        assert result.problems == []
        return store.read_tables()
    finally:
        store.close()


def test_both_formats_load_without_a_problem_and_store_the_same_rows(org, tmp_path):
    manifest = json.loads((org / "org.json").read_text())["rows"]
    from_csv = ingested(sorted((org / "csv").glob("*.csv")), str(tmp_path / "csv.duckdb"))
    from_xlsx = ingested([org / "org.xlsx"], str(tmp_path / "xlsx.duckdb"))
    for table in TABLES:
        expected = manifest.get(table.sheet, 0)
        assert len(from_csv[table.name]) == expected, table.name
        pd.testing.assert_frame_equal(from_csv[table.name], from_xlsx[table.name], obj=table.name)
    check_ins = from_csv["check_ins"]
    assert check_ins["value"].notna().sum() + check_ins["status"].notna().sum() == 5_000
    assert set(check_ins["status"].dropna()) <= {"Not started", "Early progress", "Good progress", "Completed"}


def test_the_split_workbook_holds_the_latest_check_ins(org):
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(org / "checkins_100k.xlsx")).get_sheet_by_name("CheckIns").to_python()
    assert len(rows) - 1 == make_org.Scale.of(TINY).split_check_ins == 1_000
    latest = make_org.make_org(TINY)["CheckIns"].tail(1_000)
    assert [r[0] for r in rows[1:]] == latest["kr_id"].tolist()


@pytest.mark.slow
def test_the_benchmark_prints_every_figure(org):
    """Two pages, not all eighteen: the page tests open every page; this checks that the figures are there."""
    pages = pages_in_app()[:2]
    finished = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "run.py"), "--scale", str(TINY), "--org", str(org), "--pages"]
        + pages,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    figures = json.loads(finished.stdout)
    assert set(figures) == RUN_KEYS
    assert set(figures["page_cold_ms"]) == set(figures["page_warm_ms"]) == set(pages) and len(pages) == 2
    assert all(figures[key] > 0 for key in RUN_KEYS - {"page_cold_ms", "page_warm_ms", "page_errors"})
    assert all(ms > 0 for ms in [*figures["page_cold_ms"].values(), *figures["page_warm_ms"].values()])


@pytest.mark.slow
def test_the_process_only_benchmark_prints_the_whole_process_figures(org):
    finished = subprocess.run(
        [
            sys.executable,
            str(PROJECT_ROOT / "bench" / "run.py"),
            "--scale",
            str(TINY),
            "--org",
            str(org),
            "--process-only",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    figures = json.loads(finished.stdout)
    assert figures["xlsx_warnings_process_lines"] <= 50
    for name in ("openpyxl_s", "xlsx_process_s", "xlsx_warnings_process_s"):
        assert figures[name] > 0
    ratio = figures["openpyxl_s"] / figures["xlsx_process_s"]
    assert figures["xlsx_process_vs_openpyxl_ratio"] == pytest.approx(ratio, rel=0.05, abs=0.01)  # both rounded


def test_the_csv_floor_benchmark_prints_every_figure(org):
    finished = subprocess.run(
        [
            sys.executable,
            str(PROJECT_ROOT / "bench" / "csv_floor.py"),
            "--scale",
            str(TINY),
            "--org",
            str(org),
            "--repeats",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    figures = json.loads(finished.stdout)
    assert figures["rows"] == 5_000 and figures["parse_problems"] == 0
    for name in ("duckdb_read_csv_s", "insert_parsed_rows_s", "sql_only_ingest_s"):
        assert figures[name] > 0
    assert figures["sql_only_ingest_ratio"] == round(figures["sql_only_ingest_s"] / figures["duckdb_read_csv_s"], 2)


def pages_in_app() -> list[str]:
    import re

    return re.findall(r'st\.Page\("(pages/[^"]+)"', (PROJECT_ROOT / "app.py").read_text())


def test_the_benchmark_refuses_a_page_the_app_does_not_have():
    finished = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "run.py"), "--scale", str(TINY), "--pages", "pages/nope.py"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 2
    assert "not a page of app.py: pages/nope.py" in finished.stderr and "pages/overview.py" in finished.stderr
