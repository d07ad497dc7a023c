"""Exports of other OKR tools (loaders.formats): synthetic files written from the published field
lists, ingested into a fresh database and into a copy of the demo one; stored counts and values, the
same export twice, a newer export, the import report, hostile files, and the pages on an import."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import zipfile

import formats_data
import pandas as pd
import pytest
from formats_data import (
    CEO,
    betterworks_csv,
    burning_okr_xlsx,
    jira_csv,
    quantive_xlsx,
    viva_files,
    viva_objective,
    viva_records,
    viva_template_xlsx,
    viva_zip,
)

from conftest import PROJECT_ROOT, charts_by_title, routed_app_tests
from loaders.formats import format_name, recognise
from loaders.formats.source import html_to_text
from loaders.ingest import check_and_store
from store.database import Store, UploadedFile

AS_OF = dt.date(2024, 11, 30)


def ingest(target: str, files: dict[str, bytes], **kwargs):
    store = Store.open(target)
    try:
        return check_and_store(store, [UploadedFile(n, c) for n, c in files.items()], "tester", **kwargs)
    finally:
        store.close()


def tables(target: str) -> dict[str, pd.DataFrame]:
    store = Store.open(target)
    try:
        return store.read_tables()
    finally:
        store.close()


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "import.duckdb")


@pytest.fixture
def viva_db(db) -> str:
    result = ingest(db, {"contoso_export.zip": viva_zip()})
    assert result.errors == [], result.errors
    assert result.stored
    return db


# --- Viva Goals -----------------------------------------------------------------------------------


def test_viva_goals_zip_is_recognised_by_content_and_stored_whole(viva_db):
    stored = tables(viva_db)
    objectives = stored["objectives"].set_index("objective_id")
    assert sorted(objectives.index) == ["VG-1001", "VG-1002", "VG-2001", "VG-2002", "VG-2003"]
    # the kind comes from the tree, not from "Big rock" / "Kpi" / "Project"
    assert set(stored["key_results"]["kr_id"]) == {"VG-3001", "VG-3002", "VG-3003", "VG-3004", "VG-3005"}
    assert set(stored["initiatives"]["title"]) == {"Partner program launch", "Pricing page refresh"}
    assert set(stored["initiatives"]["kr_id"]) == {"VG-3001"}
    # hierarchy: company objectives have no team; the first parent is kept; a team objective aligned to a
    # team objective is linked to the company objective above it
    assert objectives.loc["VG-1001", "level"] == "company" and pd.isna(objectives.loc["VG-1001", "team"])
    assert objectives.loc["VG-2001", "parent_objective_id"] == "VG-1001"
    assert objectives.loc["VG-2003", "parent_objective_id"] == "VG-1002"
    assert objectives.loc["VG-2001", "team"] == "Sales" and objectives.loc["VG-2001", "owner"] == "Ana Ruiz"
    # periods from the tool's names
    assert objectives.loc["VG-1001", "period"] == "2024" and objectives.loc["VG-2002", "period"] == "2024-Q4"
    krs = stored["key_results"].set_index("kr_id")
    assert krs.loc["VG-3001", ["measure", "start_value", "target_value", "direction", "weight"]].tolist() == [
        "currency",
        0,
        500000,
        "increase",
        40,
    ]
    assert krs.loc["VG-3002", ["direction", "start_value", "target_value", "unit"]].tolist() == [
        "decrease",
        90,
        60,
        "days",
    ]
    assert krs.loc["VG-3003", ["measure", "direction", "target_value"]].tolist() == ["percent", "stay_above", 99.9]
    assert krs.loc["VG-3004", "direction"] == "stay_below"
    assert krs.loc["VG-3005", ["measure", "start_value", "target_value"]].tolist() == ["percent", 0, 100]
    assert str(krs.loc["VG-3002", "due_date"])[:10] == "2024-11-30"
    teams = stored["teams"].set_index("team")
    assert teams.loc["Sales", ["group", "lead", "lead_email"]].tolist() == [
        "Go to market",
        "Ana Ruiz",
        "ana.ruiz@contoso.com",
    ]
    assert teams.loc["Engineering", "group"] == "Contoso"


def test_viva_goals_check_ins_keep_values_notes_as_text_and_owners_by_email(viva_db):
    check_ins = tables(viva_db)["check_ins"]
    check_ins = check_ins.assign(date=check_ins["date"].astype(str).str[:10]).set_index(["kr_id", "date"])
    assert len(check_ins) == 6  # 8 records: one of a project, one the earlier of two on one day
    assert check_ins.loc[("VG-3001", "2024-11-30"), "value"] == 625000  # over 100 %: kept raw
    assert check_ins.loc[("VG-3002", "2024-10-31"), "value"] == 78  # the day's last
    first = check_ins.loc[("VG-3001", "2024-10-31")]
    assert first["comment"].startswith("On Track: Two deals & a renewal")
    assert "<" not in first["comment"] and "alert" not in first["comment"]
    assert "Grace Hopper: Great month!" in first["comment"]  # a comment of the check-in's day joins it
    assert first["confidence"] == 7
    assert check_ins.loc[("VG-3003", "2024-11-15"), "updated_by"] == "Tom Berg"  # by email, any case
    assert check_ins.loc[("VG-3001", "2024-11-30"), "updated_by"] == "Ana Ruiz"  # by name, any case
    decisions = tables(viva_db)["decisions"]
    assert decisions[["kr_id", "decision"]].values.tolist() == [["VG-3004", "cancel"]]  # Postponed


def test_viva_goals_report_says_what_came_across_and_what_did_not(db):
    result = ingest(db, {"contoso_export.zip": viva_zip()})
    (report,) = result.imports
    assert report.tool == "Viva Goals"
    assert report.counts == {
        "objectives": 5,
        "key results": 5,
        "initiatives": 2,
        "check-ins": 6,
        "teams": 3,
        "people": 4,
        "cancel decisions": 1,
    }
    assert report.left_behind["parent teams without objectives (kept as the group of their teams)"] == 2
    assert report.left_behind["second and further parents (the first kept)"] == 1
    assert report.left_behind["tags"] == 2
    assert report.left_behind["phased targets"] == 1
    assert report.left_behind["permissions (who may see or edit)"] == 1
    assert report.left_behind["comments not attached to a check-in"] == 1
    assert report.left_behind["alignment weights of objectives (a team's objectives count equally)"] == 1
    assert report.statuses["Behind"].startswith("off track")
    assert report.statuses["Postponed"].startswith("cancelled")
    assert report.kinds == {"Big rock": "objective (5)", "Kpi": "key result (5)", "Project": "initiative (2)"}
    assert report.people_new == ["Ana Ruiz", "Grace Hopper", "Li Wei", "Tom Berg"]
    stored = report.as_dict(result.changes)["stored"]
    assert stored["objectives"] == {"created": 5, "updated": 0, "unchanged": 0}
    assert stored["check-ins"]["created"] == 6


def test_viva_goals_loose_json_files_are_one_export(db):
    result = ingest(db, viva_files())
    assert result.errors == []
    assert len(result.imports) == 1
    assert len(tables(db)["key_results"]) == 5


def test_same_export_twice_changes_nothing_and_a_newer_one_updates(viva_db):
    before = tables(viva_db)
    again = ingest(viva_db, {"contoso_export.zip": viva_zip()})
    assert again.errors == [] and not again.stored and again.rows_changed == 0
    newer = ingest(viva_db, {"contoso_export_december.zip": viva_zip(2)})
    assert newer.errors == [] and newer.stored
    assert newer.changes["key_results"].inserted == 1 and newer.changes["key_results"].updated == 1
    assert newer.changes["check_ins"].inserted == 1
    after = tables(viva_db)
    assert len(after["objectives"]) == len(before["objectives"])
    assert after["key_results"].set_index("kr_id").loc["VG-3001", "target_value"] == 600000


def test_viva_goals_into_the_demo_database_keeps_the_demo(writable_demo_db):
    before = tables(writable_demo_db)
    result = ingest(writable_demo_db, {"contoso_export.zip": viva_zip()})
    assert result.errors == [], result.errors
    after = tables(writable_demo_db)
    assert len(after["key_results"]) == len(before["key_results"]) + 5
    assert len(after["check_ins"]) == len(before["check_ins"]) + 6


def test_analytics_compute_on_the_import_inside_its_periods(viva_db):
    from analytics.progress import kr_progress
    from analytics.rollups import company_rollup, objective_rollup, team_rollup

    stored = tables(viva_db)
    krs = kr_progress(stored["key_results"], stored["check_ins"], stored["objectives"], AS_OF, stored["decisions"])
    by_kr = krs.set_index("kr_id")
    assert by_kr.loc["VG-3001", "status"] == "completed"  # 625,000 of 500,000: 125 %, kept raw
    assert by_kr.loc["VG-3001", "raw_progress"] == pytest.approx(1.25)
    assert by_kr.loc["VG-3002", "progress"] == pytest.approx(12 / 30)  # 90 → 60 days, now 78
    assert by_kr.loc["VG-3004", "status"] == "cancelled"
    objectives = objective_rollup(krs, stored["objectives"])
    teams = team_rollup(objectives, stored["teams"]).set_index("team")
    assert teams.loc["Sales", "objective_count"] == 1
    company = company_rollup(objectives, stored["objectives"]).set_index("objective_id")
    assert company.loc["VG-1002", "team_objective_count"] == 2


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/team.py", "pages/due_dates.py"])
def test_pages_render_a_viva_goals_import(viva_db, monkeypatch, page):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    routed_app_tests(monkeypatch)
    monkeypatch.setenv("OKR_DB", viva_db)
    monkeypatch.setenv("OKR_AS_OF", AS_OF.isoformat())
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
        at.query_params["as_of"] = AS_OF.isoformat()
        if page == "pages/team.py":
            at.query_params["team"] = "Sales"
        if page != "pages/overview.py":
            at.switch_page(page)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        shown = " ".join(str(m.value) for m in [*at.markdown, *at.title, *at.subheader, *at.caption])
        shown += " ".join(f.value.to_string() for f in at.dataframe)
        expected = {
            "pages/overview.py": ["Sales", "Engineering", "People"],
            "pages/team.py": ["Win the mid-market", "Book $500k new ARR"],
            "pages/due_dates.py": [],
        }[page]
        for text in expected:
            assert text in shown, text
        if page == "pages/overview.py":
            charts = charts_by_title(at)
            chart = charts["Company objectives: progress vs expected by now"]
            bars = [trace for trace in chart["data"] if trace["type"] == "bar"]  # one trace per pace
            assert {y for trace in bars for y in trace["y"]} == {"Grow the business", "Delight customers"}
    finally:
        st.cache_resource.clear()


# --- hostile files ---------------------------------------------------------------------------------


def test_html_notes_become_plain_text():
    html = "<p>One &lt;two&gt;</p><ul><li>a</li><li>b</li></ul><style>x{}</style>"
    assert html_to_text(html) == "One <two>\n\n- a\n\n- b"
    assert html_to_text('<img src=x onerror="alert(1)">ok') == "ok"
    assert html_to_text(None) is None


def test_deep_json_and_zip_bombs_are_refused(db):
    deep = b"[" * 100_000 + b"]" * 100_000
    result = ingest(db, {"objectives_export_file_1.json": deep}, format_name="viva_goals")
    assert result.errors and "nest" in result.errors[0].problem
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("objectives_export_file_1.json", b"[" + b" " * 50_000_000 + b"]")
    result = ingest(db, {"export.zip": bomb.getvalue()})
    assert result.errors and "zip bomb" in result.errors[0].problem
    assert not (tables(db)["objectives"].shape[0])


def test_a_zip_of_json_files_is_not_refused_as_a_workbook(db):
    records = viva_records()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.json", json.dumps(records["objectives_export_file_1.json"]))
        archive.writestr("TimePeriods_x.json", json.dumps(records["TimePeriods_export.json"]))
    assert recognise("export.zip", buffer.getvalue()) == "viva_goals"
    result = ingest(db, {"export.zip": buffer.getvalue()})
    assert not any("not an Excel workbook" in p.problem for p in result.problems)
    assert result.errors == []


def test_format_names_as_people_type_them():
    assert format_name("Viva Goals") == "viva_goals"
    assert format_name("viva-goals") == "viva_goals"
    assert format_name("nonsense") is None


# --- command line ----------------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loaders", *args], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120
    )


def test_cli_ingest_prints_the_import_report_and_json(tmp_path):
    export = tmp_path / "contoso.zip"
    export.write_bytes(viva_zip())
    db = tmp_path / "cli.duckdb"
    done = run_cli("ingest", str(export), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "Viva Goals export" in done.stdout
    assert "objectives: 5 (5 created, 0 updated, 0 unchanged)" in done.stdout
    assert "not brought over:" in done.stdout and "tags: 2" in done.stdout
    assert "Behind → off track" in done.stdout
    again = run_cli("ingest", str(export), "--db", str(db), "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)["imports"][0]
    assert report["stored"]["objectives"] == {"created": 0, "updated": 0, "unchanged": 5}
    assert report["not_brought_over"]["tags"] == 2
    wrong = run_cli("ingest", str(export), "--db", str(db), "--format", "lotus-notes")
    assert wrong.returncode == 1 and "not a known format" in wrong.stderr


# --- the spreadsheet and CSV exports ---------------------------------------------------------------


def by_title(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("title")


def test_viva_goals_excel_template(db):
    data = viva_template_xlsx()
    assert recognise("okrs.xlsx", data) == "viva_goals_template"
    result = ingest(db, {"okrs.xlsx": data})
    assert result.errors == [], result.errors
    (report,) = result.imports
    assert report.counts["objectives"] == 2 and report.counts["key results"] == 2
    assert report.unknown_columns == {"Favourite colour": 1}
    stored = tables(db)
    objectives = stored["objectives"].set_index("objective_id")
    assert objectives.loc["VGT-C1", "level"] == "company" and objectives.loc["VGT-C1", "period"] == "2025"
    assert objectives.loc["VGT-S1", ["team", "parent_objective_id", "period", "context"]].tolist() == [
        "Sales",
        "VGT-C1",
        "2025-Q1",
        "Why: growth",
    ]
    krs = stored["key_results"].set_index("kr_id")
    assert krs.loc["VGT-S1-K1", ["measure", "unit", "target_value", "direction"]].tolist() == [
        "number",
        "logos",
        10,
        "increase",
    ]
    assert krs.loc["VGT-S1-K2", ["measure", "direction"]].tolist() == ["percent", "stay_below"]
    assert stored["initiatives"][["kr_id", "title"]].values.tolist() == [["VGT-S1-K1", "Launch referral program"]]
    check_ins = stored["check_ins"].set_index("kr_id")
    assert check_ins.loc["VGT-S1-K1", "value"] == 4 and str(check_ins.loc["VGT-S1-K1", "date"])[:10] == "2025-02-28"


def test_quantive_export(db):
    data = quantive_xlsx()
    assert recognise("gtmhub.xlsx", data) == "quantive"
    result = ingest(db, {"gtmhub.xlsx": data})
    assert result.errors == [], result.errors
    (report,) = result.imports
    assert report.counts == {
        "objectives": 2,
        "key results": 3,
        "initiatives": 2,
        "check-ins": 3,
        "teams": 2,
        "people": 2,
    }
    assert report.unknown_columns == {"Custom Field 7": 1}
    stored = tables(db)
    objectives = by_title(stored["objectives"])
    assert objectives.loc["Expand into Germany", ["team", "period", "owner"]].tolist() == [
        "Sales",
        "2025-Q3",
        "ana.ruiz@contoso.com",
    ]
    krs = by_title(stored["key_results"])
    assert krs.loc["Cut CAC to €900", ["measure", "direction", "start_value", "target_value", "owner"]].tolist() == [
        "currency",
        "decrease",
        1200,
        900,
        "tom.berg@contoso.com",
    ]
    assert krs.loc["Keep uptime above 99.5", ["measure", "direction"]].tolist() == ["percent", "stay_above"]
    assert str(krs.loc["Close 5 German deals", "due_date"])[:10] == "2025-09-30"
    assert set(stored["initiatives"]["title"]) == {"Hire a German AE", "Translate the website"}
    assert len(stored["check_ins"]) == 3
    # a newer export of the same session updates the key result it changed, nothing else
    again = ingest(db, {"gtmhub.xlsx": data})
    assert again.rows_changed == 0
    newer = ingest(db, {"gtmhub-september.xlsx": quantive_xlsx(2)})
    assert newer.changes["key_results"].updated == 1 and newer.changes["key_results"].inserted == 0
    assert by_title(tables(db)["key_results"]).loc["Cut CAC to €900", "target_value"] == 850


@pytest.mark.parametrize("german", [False, True])
def test_burning_okr_export_english_or_german(db, german):
    data = burning_okr_xlsx(german)
    assert recognise("okr.xlsx", data) == "burning_okr"
    refused = ingest(db, {"okr.xlsx": data})
    assert any("--period" in p.problem for p in refused.errors) and any("--date" in p.problem for p in refused.errors)
    result = ingest(db, {"okr.xlsx": data}, default_date=dt.date(2025, 2, 28), constants={"period": "Q1 2025"})
    assert result.errors == [], result.errors
    stored = tables(db)
    objectives = by_title(stored["objectives"])
    assert objectives.loc["Wachstum", "level"] == "company"
    assert objectives.loc["Mehr Umsatz", ["team", "period", "level"]].tolist() == ["Vertrieb", "2025-Q1", "team"]
    assert objectives.loc["Mehr Umsatz", "parent_objective_id"] == objectives.loc["Wachstum", "objective_id"]
    krs = by_title(stored["key_results"])
    assert krs.loc["Umsatz steigern", ["measure", "target_value"]].tolist() == ["currency", 100000]
    assert krs.loc["Conversion erhöhen", "measure"] == "percent"
    assert krs.loc["Ausfälle senken", "direction"] == "decrease"
    values = stored["check_ins"].set_index("kr_id")["value"]
    assert values[krs.loc["Umsatz steigern", "kr_id"]] == 45000
    assert (
        ingest(db, {"okr.xlsx": data}, default_date=dt.date(2025, 2, 28), constants={"period": "Q1 2025"}).rows_changed
        == 0
    )


def test_okr_for_jira_csv_outline_gives_the_tree(db):
    data = jira_csv()
    assert recognise("okrs.csv", data) == "okr_for_jira"
    result = ingest(db, {"okrs.csv": data}, default_date=dt.date(2025, 8, 31))
    assert result.errors == [], result.errors
    stored = tables(db)
    objectives = by_title(stored["objectives"])
    assert objectives.loc["Become the market leader", ["level", "period"]].tolist() == ["company", "2025-Q3"]
    assert (
        objectives.loc["Grow the pipeline", "parent_objective_id"]
        == objectives.loc["Become the market leader", "objective_id"]
    )
    krs = by_title(stored["key_results"])
    sqls = krs.loc["Generate 200 SQLs"]
    assert sqls["objective_id"] == objectives.loc["Grow the pipeline", "objective_id"]
    assert [sqls["start_value"], sqls["target_value"], sqls["weight"], sqls["owner"]] == [0, 200, 2, "Ana Ruiz"]
    assert str(sqls["due_date"])[:10] == "2025-08-31" and str(sqls["start_date"])[:10] == "2025-07-01"
    assert krs.loc["Reduce lead response time to 2h", "direction"] == "decrease"
    assert objectives.loc["Become the market leader", "owner"] == "grace@contoso.com"
    check_ins = stored["check_ins"].set_index("kr_id")
    assert check_ins.loc[sqls["kr_id"], "value"] == 80 and check_ins.loc[sqls["kr_id"], "confidence"] == 4
    (report,) = result.imports
    assert report.left_behind == {"OKR types (committed / aspirational)": 1, "labels": 3}
    assert report.counts["people"] == 3  # ana.ruiz@contoso.com is the Ana Ruiz named elsewhere


def test_betterworks_csv(db):
    data = betterworks_csv()
    assert recognise("goals.csv", data) == "betterworks"
    result = ingest(db, {"goals.csv": data}, default_date=dt.date(2025, 2, 28), constants={"team": "Sales"})
    assert result.errors == [], result.errors
    stored = tables(db)
    objectives = by_title(stored["objectives"])
    assert objectives.loc["Grow enterprise revenue", ["period", "team", "level"]].tolist() == [
        "2025-Q1",
        "Sales",
        "team",
    ]
    krs = by_title(stored["key_results"])
    assert set(krs.index) == {"Close 3 enterprise deals", "Publish 2 case studies", "Improve onboarding"}
    assert krs.loc["Publish 2 case studies", ["measure", "start_value", "target_value"]].tolist() == ["percent", 0, 100]
    values = stored["check_ins"].set_index("kr_id")["value"]
    assert values[krs.loc["Publish 2 case studies", "kr_id"]] == 120  # over 100 %: kept raw
    (report,) = result.imports
    assert report.left_behind["categories"] == 3


def test_an_ordinary_workbook_is_not_taken_for_an_export():
    from conftest import DEMO_WORKBOOK

    assert recognise(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes()) is None


def test_forcing_a_format_on_another_file_says_so(db):
    result = ingest(db, {"goals.csv": betterworks_csv()}, format_name="okr_for_jira")
    assert result.errors and "not an OKR for Jira export" in result.errors[0].problem


# --- the Upload page -------------------------------------------------------------------------------


def test_upload_page_imports_a_viva_goals_export(writable_demo_db, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from conftest import DEMO_AS_OF
    from ui import state

    monkeypatch.setenv("OKR_DB", writable_demo_db)
    monkeypatch.setenv("OKR_AS_OF", DEMO_AS_OF.isoformat())
    st.cache_resource.clear()
    st.cache_data.clear()
    routed_app_tests(monkeypatch)
    try:
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=90)
        at.run()
        at.switch_page("pages/upload.py")
        at.run()
        assert not at.exception, at.exception
        assert "Move in from another OKR tool" in [h.value for h in at.subheader]
        before = tables(writable_demo_db)
        at.toggle(key=state.IMPORT_OPEN).set_value(True).run()
        at.file_uploader(key=state.IMPORT_FILES).upload("contoso.zip", viva_zip(), "application/zip").run()
        assert not at.exception, at.exception
        counts = next(f.value for f in at.dataframe if "in the export" in f.value.columns).set_index("what")
        assert counts.loc["objectives", "in the export"] == 5 and counts.loc["objectives", "created"] == 5
        left = next(f.value for f in at.dataframe if "not brought over" in f.value.columns)
        left = left.set_index("not brought over")
        assert left.loc["tags", "count"] == 2
        statuses = next(f.value for f in at.dataframe if "status in the export" in f.value.columns)
        assert "Behind" in set(statuses["status in the export"])
        assert tables(writable_demo_db)["objectives"].shape == before["objectives"].shape  # nothing stored yet
        at.button(key=state.IMPORT_COMMIT).click().run()
        assert not at.exception, at.exception
        assert any("Imported:" in s.value for s in at.success)
        after = tables(writable_demo_db)
        assert len(after["objectives"]) == len(before["objectives"]) + 5
        assert len(after["check_ins"]) == len(before["check_ins"]) + 6
    finally:
        st.cache_resource.clear()


def test_a_rebuild_replays_imports_as_they_were_read(db, tmp_path):
    from loaders.rebuild import rebuild

    assert ingest(db, {"contoso.zip": viva_zip()}).stored
    assert ingest(
        db, {"okr.xlsx": burning_okr_xlsx()}, default_date=dt.date(2025, 2, 28), constants={"period": "Q1 2025"}
    ).stored
    assert ingest(
        db, {"goals.csv": betterworks_csv()}, default_date=dt.date(2025, 2, 28), format_name="betterworks"
    ).stored
    store = Store.open(db)
    try:
        uploads = store.recorded_uploads()
    finally:
        store.close()
    assert any(f.file_name.endswith(".import-format.txt") for f in uploads[-1].files)
    rebuilt = str(tmp_path / "rebuilt.duckdb")
    result = rebuild(uploads, rebuilt)
    assert not result.not_replayed
    before, after = tables(db), tables(rebuilt)
    for name in ("teams", "objectives", "key_results", "check_ins", "initiatives", "decisions"):
        assert len(after[name]) == len(before[name]), name


def test_a_deep_or_looping_tree_is_cut_not_followed(db):
    records = viva_records()
    objectives = records["objectives_export_file_1.json"]
    objectives[0]["Parent IDs"] = [3001]  # 1001 → 3001 → 2001 → 1001: a loop
    chain = [
        dict(objectives[5], ID=90000 + i, Title=f"Step {i}", **{"Parent IDs": [90000 + i - 1] if i else [2002]})
        for i in range(3000)
    ]
    records["objectives_export_file_1.json"] = objectives + chain
    files = {name: json.dumps(rows).encode() for name, rows in records.items()}
    result = ingest(db, files, dry_run=True)
    assert result.errors == [], result.errors[:3]
    (report,) = result.imports
    assert report.left_behind["parent links closing a loop (cut)"] == 1


def test_viva_goals_spelling_variants_come_across(db):
    """IDs as text, one owner as an object, periods as text named by the TimePeriods file only, ISO
    times with a zone, progress as "45%", teams as plain names, a key result without an outcome."""
    objectives = [
        {
            "ID": "a1",
            "Title": "Be loved",
            "Type": "Goal",
            "Owner": {"Name": "Ana Ruiz", "Email": "ana@x.io"},
            "Teams": ["Support"],
            "Time Period": "FY25 Planning Cycle",
            "Start Date": "2025-01-01T00:00:00Z",
            "End Date": "2025-06-30T00:00:00Z",
            "Parent IDs": [],
            "Progress": "45%",
            "Status": "on track",
        },
        {
            "ID": "a2",
            "Title": "Answer within 1 hour",
            "Type": "Measure",
            "Owner": [{"Name": "Ana Ruiz"}],
            "Teams": ["Support"],
            "Time Period": "FY25 Planning Cycle",
            "Parent IDs": ["a1"],
            "Outcome": None,
            "Progress": "60%",
            "Status": "At risk",
            "Last Check-in": "2025-03-31T12:00:00Z",
        },
    ]
    periods = [{"Time Period Name": "FY25 Planning Cycle", "Start Date": "2025-01-01", "End Date": "2025-06-30"}]
    files = {
        "objectives_export_file_9.json": json.dumps(objectives).encode(),
        "TimePeriods_9.json": json.dumps(periods).encode(),
    }
    result = ingest(db, files)
    assert result.errors == [], result.errors
    stored = tables(db)
    assert stored["objectives"].set_index("objective_id").loc["VG-a1", ["period", "team", "level"]].tolist() == [
        "2025-H1",
        "Support",
        "team",
    ]
    kr = stored["key_results"].set_index("kr_id").loc["VG-a2"]
    assert [kr["measure"], kr["start_value"], kr["target_value"]] == ["percent", 0, 100]
    check_ins = stored["check_ins"]
    assert check_ins[["kr_id", "value"]].values.tolist() == [["VG-a2", 60]]
    assert str(check_ins["date"].iloc[0])[:10] == "2025-03-31"


def test_quantive_objectives_and_key_results_on_sheets_of_their_own(db):
    from formats_data import quantive_sheets_xlsx

    data = quantive_sheets_xlsx()
    assert recognise("quantive.xlsx", data) == "quantive"
    result = ingest(db, {"quantive.xlsx": data})
    assert result.errors == [], result.errors
    stored = tables(db)
    objectives = stored["objectives"].set_index("objective_id")
    assert objectives.loc["QT-g1", ["level", "period"]].tolist() == ["company", "2025-H1"]
    assert objectives.loc["QT-g2", ["team", "parent_objective_id"]].tolist() == ["Sales", "QT-g1"]
    assert stored["key_results"][["kr_id", "objective_id"]].values.tolist() == [["QT-m1", "QT-g2"]]
    assert result.imports[0].left_behind == {"key results without an objective": 1}


def test_cli_inspect_shows_what_an_export_would_bring(tmp_path):
    export = tmp_path / "contoso.zip"
    export.write_bytes(viva_zip())
    done = run_cli("inspect", str(export))
    assert done.returncode == 0, done.stderr
    assert "Viva Goals export" in done.stdout and "key results: 5" in done.stdout
    okr = tmp_path / "okr.xlsx"
    okr.write_bytes(burning_okr_xlsx())
    shown = run_cli("inspect", str(okr), "--json", "--period", "2025-Q1", "--date", "2025-02-28")
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["imports"][0]["found"]["key results"] == 3 and report["tables"]["check_ins"] == 3


def test_a_json_file_over_the_size_cap_is_refused_before_it_is_read(db):
    big = b"[" + b" " * 2_000 + b"]"
    result = ingest(db, {"objectives_export_file_1.json": big}, max_file_bytes=1_000)
    assert result.errors and "limit" in result.errors[0].problem


def test_a_one_row_per_kr_sheet_is_left_to_the_spreadsheet_path():
    sheet = (
        b"Objective Name,Key Result,Key Result Owner,Initial Value,Target,Current Value,Team,Period\n"
        b"Grow,Close deals,Ana,0,10,4,Sales,2027-Q2\n"
    )
    assert recognise("krs.csv", sheet) is None


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_a_larger_viva_goals_organisation_comes_across_whole(tmp_path, seed):
    from formats_data import viva_organisation

    records = viva_organisation(seed)
    target = str(tmp_path / "org.duckdb")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in records.items():
            archive.writestr(name, json.dumps(rows))
    result = ingest(target, {"org.zip": buffer.getvalue()})
    assert result.errors == [], result.errors[:5]
    (report,) = result.imports
    stored = tables(target)
    ids = set(stored["objectives"]["objective_id"]) | set(stored["key_results"]["kr_id"])
    initiatives = set(stored["initiatives"]["title"])
    for record in records["objectives_export_file_org.json"]:  # every item is an objective, a KR or an initiative
        assert f"VG-{record['ID']}" in ids or record["Title"] in initiatives, record["Title"]
    check_ins = len(records["checkins_export_file_org.json"])
    accounted = len(stored["check_ins"])
    merged = next((int(n.split()[0]) for n in report.notes if "on a day with a later check-in" in n), 0)
    synthesised = next((int(n.split()[0]) for n in report.notes if "without check-in records" in n), 0)
    left = sum(n for what, n in report.left_behind.items() if what.startswith("check-ins"))
    assert accounted - synthesised + merged + left == check_ins
    assert min(len(stored["objectives"]), len(stored["key_results"]), len(stored["initiatives"])) > 10
    krs = kr_progress_at(stored, dt.date(2025, 5, 31))
    assert krs["progress"].between(0, 1).all()
    again = ingest(target, {"org.zip": buffer.getvalue()})
    assert again.errors == [] and again.rows_changed == 0


def kr_progress_at(stored, as_of):
    from analytics.progress import kr_progress
    from analytics.rollups import company_rollup, objective_rollup, team_rollup

    krs = kr_progress(stored["key_results"], stored["check_ins"], stored["objectives"], as_of, stored["decisions"])
    objectives = objective_rollup(krs, stored["objectives"])
    team_rollup(objectives, stored["teams"])
    company_rollup(objectives, stored["objectives"])
    return krs


def test_upload_page_says_what_an_export_lacks(writable_demo_db, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from conftest import DEMO_AS_OF
    from ui import state

    monkeypatch.setenv("OKR_DB", writable_demo_db)
    monkeypatch.setenv("OKR_AS_OF", DEMO_AS_OF.isoformat())
    st.cache_resource.clear()
    st.cache_data.clear()
    routed_app_tests(monkeypatch)
    try:
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=90)
        at.run()
        at.switch_page("pages/upload.py")
        at.run()
        at.toggle(key=state.IMPORT_OPEN).set_value(True).run()
        at.file_uploader(key=state.IMPORT_FILES).upload("okr.xlsx", burning_okr_xlsx()).run()
        assert not at.exception, at.exception
        assert any("nothing can be stored" in e.value for e in at.error)
        assert any("Period field on the page" in problem for t in at.table for problem in t.value["problem"])
        assert state.IMPORT_COMMIT not in [b.key for b in at.button]
        at.text_input(key=state.IMPORT_PERIOD).input("2025-Q1").run()
        assert not at.exception, at.exception
        assert not at.error
        at.button(key=state.IMPORT_COMMIT).click().run()
        assert any("Imported:" in s.value for s in at.success)
        assert "Wachstum" in set(tables(writable_demo_db)["objectives"]["title"])
    finally:
        st.cache_resource.clear()


def test_jira_dates_take_one_order_for_the_whole_export(db):
    header = ",".join(formats_data.JIRA_HEADER) + "\n"
    rows = (
        "1,Objective,Ship,On track,Q3 Y2025,Tom,,,,Eng,07/01/2025,09/30/2025,,,,\n"
        "1.1,Key result,Deploy,On track,Q3 Y2025,Tom,,,,Eng,07/01/2025,08/01/2025,0,5,20,\n"
    )
    result = ingest(db, {"okrs.csv": (header + rows).encode()}, default_date=dt.date(2025, 8, 31))
    assert result.errors == [], result.errors
    kr = tables(db)["key_results"].iloc[0]
    assert str(kr["start_date"])[:10] == "2025-07-01" and str(kr["due_date"])[:10] == "2025-08-01"  # month first


def test_an_import_can_be_undone_like_any_upload(writable_demo_db):
    before = tables(writable_demo_db)
    assert ingest(writable_demo_db, {"contoso.zip": viva_zip()}).stored
    store = Store.open(writable_demo_db)
    try:
        upload_id = int(store.uploads()["upload_id"].max())
        assert store.upload_file(upload_id, "contoso.zip") == viva_zip()  # the original export is kept
        store.undo_upload(upload_id, "tester")
    finally:
        store.close()
    after = tables(writable_demo_db)
    for name in ("teams", "objectives", "key_results", "check_ins", "initiatives", "decisions"):
        assert len(after[name]) == len(before[name]), name


def test_an_objective_of_no_team_with_objectives_under_it_is_a_company_objective(db):
    records = viva_records()
    objectives = records["objectives_export_file_1.json"]
    division = viva_objective(
        1500, "Grow in Europe", "Big rock", CEO, [], "Annual 2024", "2024-01-01", "2024-12-31", parents=[1001]
    )
    objectives.append(division)
    next(o for o in objectives if o["ID"] == 2002)["Parent IDs"] = [1500]
    result = ingest(db, {n: json.dumps(r).encode() for n, r in records.items()})
    assert result.errors == [], result.errors
    stored = tables(db)["objectives"].set_index("objective_id")
    assert stored.loc["VG-1500", ["level", "parent_objective_id"]].isna().tolist() == [False, True]
    assert stored.loc["VG-1500", "level"] == "company"
    assert stored.loc["VG-2002", "parent_objective_id"] == "VG-1500"
    assert result.imports[0].left_behind["links between company objectives (each is shown on its own)"] == 1
