"""Shared fixtures: small workbooks built in memory, a fresh store per test."""
from __future__ import annotations

import datetime as dt
import io
import pathlib

import pytest

from store.database import Store

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
DEMO_WORKBOOK = PROJECT_ROOT / "okr_data" / "demo_company_2027.xlsx"
DEMO_AS_OF = dt.date(2027, 5, 31)

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
        ["kr_id", "objective_id", "title", "kr_type", "measure", "unit", "start_value", "target_value",
         "direction", "owner", "start_date", "due_date", "weight", "depends_on", "funnel_stage", "measured_by"],
        ["SAL-KR1", "SAL-O1", "Bookings", "outcome", "currency", "USD", 0, 500000, "increase", "Ana Ruiz",
         dt.date(2027, 4, 1), dt.date(2027, 6, 30), 2, None, "bookings", "CRM"],
        ["SAL-KR2", "SAL-O1", "Sales cycle days", "output", "number", "days", 90, 60, "decrease", "Ana Ruiz",
         dt.date(2027, 4, 1), dt.date(2027, 6, 30), 1, "Engineering", None, None],
        ["ENG-KR1", "ENG-O1", "API in beta", "output", "status", None, None, None, None, "Tom Berg",
         dt.date(2027, 4, 1), dt.date(2027, 5, 15), 1, None, None, None],
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


def edited(sheets: dict[str, list[list]], sheet: str, row: int, column: str, value) -> dict[str, list[list]]:
    """A copy of `sheets` with one cell changed (row counts data rows from 1, as in Excel minus the header)."""
    copy = {name: [list(r) for r in rows] for name, rows in sheets.items()}
    copy[sheet][row][copy[sheet][0].index(column)] = value
    return copy


@pytest.fixture
def store(tmp_path) -> Store:
    opened = Store.open(str(tmp_path / "test.duckdb"))
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
def demo_db(tmp_path_factory) -> pathlib.Path:
    """The demo workbook ingested once into a database of its own (tests may not write to it)."""
    from loaders.ingest import check_and_store
    from store.database import UploadedFile

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    opened = Store.open(str(path))
    result = check_and_store(opened, [UploadedFile(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes())], "tester")
    opened.close()
    assert result.errors == []
    return path


@pytest.fixture
def open_page(demo_db, monkeypatch):
    """open_page("pages/x.py", team="Sales") → an AppTest (not yet run) of the app on that page,
    on the demo data at DEMO_AS_OF, opened with those query parameters."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

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
