"""Shared fixtures: small workbooks built in memory, a fresh store per test."""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
import os
import pathlib
import subprocess
import uuid

import pytest

from store.database import Store

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
DEMO_WORKBOOK = PROJECT_ROOT / "okr_data" / "demo_company_2027.xlsx"
DEMO_AS_OF = dt.date(2027, 5, 31)


@functools.cache
def _demo_workbook_read() -> dict:
    import pandas as pd

    return pd.read_excel(DEMO_WORKBOOK, sheet_name=None, engine="openpyxl")


def demo_sheets() -> dict:
    """The demo workbook's sheets as openpyxl reads them (the reader independent of the loaders that tests
    compare what is stored and shown with), read once per test process: each call gets its own copies."""
    return {name: frame.copy() for name, frame in _demo_workbook_read().items()}


SMALL_WORKBOOK = {
    "Teams": [
        ["team", "group", "lead", "lead_email"],
        ["Sales", "Business", "Ana Ruiz", "ana@example.com"],
        ["Engineering", "Product & Engineering", "Tom Berg", "tom@example.com"],
    ],
    "Objectives": [
        ["objective_id", "period", "level", "team", "title", "context", "owner", "parent_objective_id"],
        ["CO-1", "2027", "company", None, "Prove acquisition repeatability", "Two channels.", "CEO", None],
        ["SAL-O1", "2027-Q2", "team", "Sales", "Grow qualified pipeline", "Context.", "Ana Ruiz", "CO-1"],
        ["ENG-O1", "2027-Q2", "team", "Engineering", "Ship the partner API", "Context.", "Tom Berg", "CO-1"],
    ],
    "KeyResults": [
        [
            "kr_id",
            "objective_id",
            "title",
            "kr_type",
            "measure",
            "unit",
            "start_value",
            "target_value",
            "direction",
            "owner",
            "start_date",
            "due_date",
            "weight",
            "depends_on",
            "funnel_stage",
            "measured_by",
        ],
        [
            "SAL-KR1",
            "SAL-O1",
            "Bookings",
            "outcome",
            "currency",
            "USD",
            0,
            500000,
            "increase",
            "Ana Ruiz",
            dt.date(2027, 4, 1),
            dt.date(2027, 6, 30),
            2,
            None,
            "bookings",
            "CRM",
        ],
        [
            "SAL-KR2",
            "SAL-O1",
            "Sales cycle days",
            "output",
            "number",
            "days",
            90,
            60,
            "decrease",
            "Ana Ruiz",
            dt.date(2027, 4, 1),
            dt.date(2027, 6, 30),
            1,
            "Engineering",
            None,
            None,
        ],
        [
            "ENG-KR1",
            "ENG-O1",
            "API in beta",
            "output",
            "status",
            None,
            None,
            None,
            None,
            "Tom Berg",
            dt.date(2027, 4, 1),
            dt.date(2027, 5, 15),
            1,
            None,
            None,
            None,
        ],
    ],
    "CheckIns": [
        ["kr_id", "date", "value", "status", "confidence", "comment", "updated_by"],
        ["SAL-KR1", dt.date(2027, 4, 30), 100000, None, 7, "Two deals", "Ana Ruiz"],
        ["SAL-KR1", dt.date(2027, 5, 31), 250000, None, 6, None, "Ana Ruiz"],
        ["SAL-KR2", dt.date(2027, 5, 31), 75, None, 5, None, "Ana Ruiz"],
        ["ENG-KR1", dt.date(2027, 4, 30), None, "Good progress", 8, None, "Tom Berg"],
    ],
    "ArrActuals": [
        ["month", "new", "expansion", "contraction", "churn", "ending_arr"],
        ["2026-12", 0, 0, 0, 0, 2000000],
        ["2027-01", 300000, 150000, 50000, 100000, 2300000],
    ],
    "CompanyTargets": [
        ["period", "metric", "start_value", "target_value"],
        ["2027", "arr", 2000000, 5000000],
    ],
}


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
                elif value is not None:
                    sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def filled_template(template: bytes, values: dict[str, dict[str, object]], saved_at=None) -> bytes:
    """A downloaded progress template with some cells filled in (kr_id → column → value), as a lead
    does in Excel; `saved_at` fixes the workbook's times, for files that must come out the same."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(template))
    sheet = workbook["CheckIns"]
    header = [cell.value for cell in sheet[1]]
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    for kr_id, cells in values.items():
        for column, value in cells.items():
            sheet.cell(rows[kr_id], header.index(column) + 1).value = value
    if saved_at is not None:
        workbook.properties.created = workbook.properties.modified = saved_at
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def edited(sheets: dict[str, list[list]], sheet: str, row: int, column: str, value) -> dict[str, list[list]]:
    """A copy of `sheets` with one cell changed (row counts data rows from 1, as in Excel minus the header)."""
    copy = {name: [list(r) for r in rows] for name, rows in sheets.items()}
    copy[sheet][row][copy[sheet][0].index(column)] = value
    return copy


# A PostgreSQL server for the tests (`make test` starts one when PostgreSQL is installed): store and
# ingest tests then run on both backends, and OKR_TEST_BACKEND=postgres runs every test on it.
POSTGRES_URL = os.environ.get("OKR_TEST_POSTGRES")
EVERYTHING_ON_POSTGRES = os.environ.get("OKR_TEST_BACKEND") == "postgres"


def _psql(sql: str) -> None:
    subprocess.run(["psql", POSTGRES_URL, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True)


def fresh_database(tmp_path: pathlib.Path, backend: str | None = None) -> str:
    """An empty database: a DuckDB file in tmp_path, or a new database on the test PostgreSQL server."""
    backend = backend or ("postgres" if EVERYTHING_ON_POSTGRES else "duckdb")
    if backend == "duckdb":
        return str(tmp_path / f"{uuid.uuid4().hex[:8]}.duckdb")
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL server for tests (set OKR_TEST_POSTGRES; make test does when it can)")
    name = f"okr_test_{uuid.uuid4().hex[:12]}"
    _psql(f"CREATE DATABASE {name}")
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["duckdb", "postgres"])
def store_target(request, tmp_path) -> str:
    """A fresh database on each backend in turn."""
    if EVERYTHING_ON_POSTGRES and request.param == "duckdb":
        pytest.skip("this run puts every test on PostgreSQL")
    return fresh_database(tmp_path, request.param)


@pytest.fixture
def store(store_target) -> Store:
    opened = Store.open(store_target)
    yield opened
    opened.close()


def chart_values(values) -> list:
    """Plotly sends numeric arrays base64-encoded ({"dtype", "bdata"}); lists of labels as they are."""
    if isinstance(values, dict) and "bdata" in values:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def charts_by_title(at) -> dict[str, dict]:
    """Every Plotly chart an AppTest run shows, as figure dicts keyed by their title text."""
    import json

    specs = [json.loads(element.proto.spec) for element in at.get("plotly_chart")]
    return {spec["layout"]["title"]["text"]: spec for spec in specs}


@pytest.fixture(scope="session")
def demo_db(request, tmp_path_factory) -> str:
    """The demo workbook ingested once into a database of its own (tests may not write to it): a copy
    of demo_db_file's, or on PostgreSQL runs of postgres_demo_template."""
    if EVERYTHING_ON_POSTGRES:
        return _postgres_copy_of_demo(request)
    import shutil

    folder = tmp_path_factory.mktemp("demo")
    shutil.copyfile(request.getfixturevalue("demo_db_file"), folder / "demo.duckdb")
    return str(folder / "demo.duckdb")


def pytest_configure(config):
    """Each new AppTest scans the metadata of every installed package for Streamlit components (0.12 s
    of CPU, in every one of the suite's hundreds of AppTests); the packages do not change during a
    run, so the scan is made once per test process."""
    import functools

    from streamlit.components.v2 import manifest_scanner

    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


def routed_app_tests(monkeypatch) -> None:
    """Make AppTest remember, as a server does, that the router (st.navigation) has run."""
    from streamlit.testing.v1 import app_test

    from ui.router import routed_pages_manager

    monkeypatch.setattr(app_test, "PagesManager", routed_pages_manager())


@pytest.fixture
def open_page(demo_db, monkeypatch):
    """open_page("pages/x.py", team="Sales") → an AppTest (not yet run) of the app on that page,
    on the demo data at DEMO_AS_OF, opened with those query parameters."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    routed_app_tests(monkeypatch)
    monkeypatch.setenv("OKR_DB", str(demo_db))
    monkeypatch.setenv("OKR_AS_OF", DEMO_AS_OF.isoformat())
    st.cache_resource.clear()
    st.cache_data.clear()

    def opener(page: str, **query: str) -> AppTest:
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = value
        if page != "pages/overview.py":
            at.switch_page(page)
        return at

    yield opener
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory) -> pathlib.Path:
    """The demo workbook ingested once into a DuckDB file, for `writable_demo_db` to copy."""
    from loaders.ingest import check_and_store
    from store.database import UploadedFile

    path = tmp_path_factory.mktemp("writable_demo") / "demo.duckdb"
    opened = Store.open(str(path))
    result = check_and_store(opened, [UploadedFile(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes())], "tester")
    opened.close()
    assert result.errors == []
    return path


@pytest.fixture(scope="session")
def read_only_app_url(tmp_path_factory):
    """The app over a demo database no test writes to, one per test process, for the browser tests
    that only look and click through (test_browser.py's own app takes uploads)."""
    from test_browser import CHROMIUM, serving_app

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (make test installs it when run as root)")
    with serving_app(tmp_path_factory.mktemp("read_only_app")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, one per test process: every browser test module shares it (a second
    sync Playwright on the same thread refuses to start beside the first)."""
    from test_browser import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def postgres_demo_template(tmp_path_factory) -> str:
    """On PostgreSQL runs: a database holding the demo workbook, ingested once per test process, which
    writable_demo_db copies (CREATE DATABASE … TEMPLATE) instead of ingesting again for each test."""
    from loaders.ingest import check_and_store
    from store.database import UploadedFile

    target = fresh_database(tmp_path_factory.mktemp("postgres_template"), "postgres")
    opened = Store.open(target)
    result = check_and_store(opened, [UploadedFile(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes())], "tester")
    opened.close()
    assert result.errors == []
    return target.rsplit("/", 1)[1]


def _postgres_copy_of_demo(request) -> str:
    """A new database on the test PostgreSQL server copied from postgres_demo_template."""
    name = f"okr_test_{uuid.uuid4().hex[:12]}"
    _psql(f"CREATE DATABASE {name} TEMPLATE {request.getfixturevalue('postgres_demo_template')}")
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def writable_demo_db(request, tmp_path, demo_db_file) -> str:
    """A database of the test's own holding the demo workbook, which the test may write to (a copy
    of one ingest: of a file, or on PostgreSQL runs of a template database)."""
    import shutil

    if EVERYTHING_ON_POSTGRES:
        return _postgres_copy_of_demo(request)
    target = tmp_path / "writable_demo.duckdb"
    shutil.copyfile(demo_db_file, target)
    return str(target)


# Fixtures whose tests store rows through the backend under test: on the PostgreSQL pass of
# `make test` (OKR_TEST_BACKEND=postgres) these run again on the server. Tests of `store_target`
# already run on both backends in the first pass; the others read what the store tests prove the
# same on both. A test of a file refused by its checks (marked refused) stores nothing on either, and
# a fixture that names its backend (a DuckDB file, or the server for the replica tests) is the same
# database in both passes.
WRITES_THROUGH_THE_BACKEND = {"writable_demo_db"}


BROWSER, SLOW, REST = range(3)


def _kind(item) -> int:
    if item.get_closest_marker("browser"):
        return BROWSER
    return SLOW if item.get_closest_marker("slow") else REST


def _file_order(items) -> dict[pathlib.Path, int]:
    """The order in which `make test` hands the test files out (pytest-xdist --dist loadfile, in the
    order collected: --no-loadscope-reorder). The longest first, so that no process is left with a long
    file while the others are idle; browser files alternate with files of slow tests, because a browser
    test spends much of its time waiting for its app and Chromium: with every process on a browser test
    at once, the cores would idle."""
    kinds: dict[pathlib.Path, int] = {}
    for item in items:
        kinds[item.path] = min(kinds.get(item.path, REST), _kind(item))
    browser, slow, rest = ([path for path, kind in kinds.items() if kind == wanted] for wanted in (BROWSER, SLOW, REST))
    alternating = [path for pair in itertools.zip_longest(browser, slow) for path in pair if path is not None]
    return {path: rank for rank, path in enumerate(alternating + rest)}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name.startswith("test_browser"):
            item.add_marker(pytest.mark.browser)
        if WRITES_THROUGH_THE_BACKEND & set(item.fixturenames) and not item.get_closest_marker("refused"):
            item.add_marker(pytest.mark.postgres)
    # A file's tests stay together and in their own order, so that its module fixtures are built once.
    order = _file_order(items)
    items.sort(key=lambda item: order[item.path])
