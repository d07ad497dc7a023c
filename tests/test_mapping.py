"""The mapping step: proposed from raw sheets, written as TOML, edited, applied — by the functions a
page calls and by `python -m loaders inspect` / `ingest --mapping --json`."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from conftest import PROJECT_ROOT, SMALL_WORKBOOK, xlsx_bytes
from loaders.ingest import check_and_store
from loaders.mapping import (
    BRIDGE,
    IGNORE,
    KPI,
    KR_LIST,
    NOT_USED,
    UNKNOWN,
    WORKBOOK,
    FileMapping,
    MappingError,
    apply_mapping,
    header_signature,
    propose_mapping,
    targets_of,
)
from loaders.read import read_grids
from store.database import Store, UploadedFile

RENAMED_CHECKINS = "Key Result Ref,When,Reading,Remarks,Region\nSAL-KR1,2027-06-15,300000,Two deals,EMEA\n"


@pytest.fixture
def store(tmp_path):
    opened = Store.open(str(tmp_path / "mapping.duckdb"))
    check_and_store(opened, [UploadedFile("okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))], "tester")
    yield opened
    opened.close()


def sheets_of(name: str, text: str | bytes):
    return read_grids(name, text.encode("utf-8") if isinstance(text, str) else text)


def test_a_mapping_is_proposed_for_each_shape_from_raw_sheets_alone():
    workbook = xlsx_bytes(
        {
            "KeyResults": SMALL_WORKBOOK["KeyResults"],
            "Bridge": [["Month", "New MRR", "Churned MRR", "MRR"], ["2027-01", 10, 2, 100]],
            "OKRs": [["Objective", "Key result", "Target", "Current"], ["Grow", "Sign 5 partners", 5, 2]],
            "KPIs": [["KPI", "Month", "Actual", "Target"], ["NPS", "2027-05", 41, 50]],
            "Cities": [["city", "population"], ["Paris", 2]],
            "Instructions": [["How to fill this in"]],
        }
    )
    mapping = propose_mapping("mixed.xlsx", read_grids("mixed.xlsx", workbook))
    shapes = {item.sheet: (item.shape, item.table) for item in mapping.sheets}
    assert shapes == {
        "KeyResults": (WORKBOOK, "KeyResults"),
        "Bridge": (BRIDGE, ""),
        "OKRs": (KR_LIST, ""),
        "KPIs": (KPI, ""),
        "Cities": (UNKNOWN, ""),
        "Instructions": ("notes", ""),
    }
    bridge = mapping.sheet("Bridge")
    assert bridge.columns == {"Month": "month", "New MRR": "new_mrr", "Churned MRR": "churn_mrr", "MRR": "ending_mrr"}
    assert any("New MRR ×12 → new" in guess for guess in bridge.guesses)
    assert mapping.sheet("Cities").columns == {"city": NOT_USED, "population": NOT_USED}
    assert mapping.sheet("Cities").values == {"city": 1, "population": 1}
    assert "current_value" in targets_of(KR_LIST) and "kr_id" in targets_of(WORKBOOK, "CheckIns")


def test_the_mapping_file_round_trips_and_applies_renamed_headers(store):
    [sheet] = sheets_of("progress.csv", RENAMED_CHECKINS)
    proposed = propose_mapping("progress.csv", [sheet])
    assert proposed.sheets[0].shape == UNKNOWN
    as_checkins = proposed.to_toml().replace('shape = "unknown"', 'shape = "workbook"\ntable = "CheckIns"')
    edited = FileMapping.from_toml(
        as_checkins.replace('"Key Result Ref" = ""', '"Key Result Ref" = "kr_id"')
        .replace('"When" = ""', '"When" = "date"')
        .replace('"Reading" = ""', '"Reading" = "value"')
        .replace('"Remarks" = ""', '"Remarks" = "comment"')
        .replace('"Region" = ""', '"Region" = "ignore"')
    )
    again = FileMapping.from_toml(edited.to_toml())
    assert (
        again.sheets[0].columns
        == edited.sheets[0].columns
        == {"Key Result Ref": "kr_id", "When": "date", "Reading": "value", "Remarks": "comment", "Region": IGNORE}
    )
    parsed = apply_mapping("progress.csv", [sheet], again)
    assert parsed.problems == []  # Region is ignored: not reported
    frame = parsed.tables["check_ins"].frame
    assert frame[["kr_id", "value", "comment"]].values.tolist() == [["SAL-KR1", 300000.0, "Two deals"]]
    result = check_and_store(store, [UploadedFile("progress.csv", RENAMED_CHECKINS.encode())], "tester", mapping=again)
    assert result.errors == [] and result.changes["check_ins"].inserted == 1
    checks = store.read_tables()["check_ins"].set_index(["kr_id", "date"])
    assert checks.loc[("SAL-KR1", pd.Timestamp("2027-06-15")), "comment"] == "Two deals"


def test_strings_with_quotes_and_backslashes_survive_the_toml_file():
    mapping = FileMapping("a.csv", constants={"team": 'Sales "EMEA" \\ 2'})
    assert FileMapping.from_toml(mapping.to_toml()).constants == {"team": 'Sales "EMEA" \\ 2'}


@pytest.mark.parametrize(
    "text, message",
    [
        ('[[sheet]]\nname = "x"\nshape = "spreadsheet"\n', "shape 'spreadsheet' is not one of"),
        ('[[sheet]]\nname = "x"\nshape = "workbook"\ntable = "Nope"\n', "table 'Nope' is not a sheet"),
        (
            '[[sheet]]\nname = "x"\nshape = "workbook"\ntable = "CheckIns"\n[sheet.columns]\n"a" = "valu"\n',
            "mapped to 'valu', which is not a column",
        ),
        ("[[sheet]\n", "not valid TOML"),
    ],
)
def test_a_bad_mapping_file_is_refused_with_the_reason(text, message):
    with pytest.raises(MappingError, match=message):
        FileMapping.from_toml(text)


def test_the_header_signature_ignores_case_accents_and_values():
    first = sheets_of("a.csv", "Responsável,Meta\nAna,5\n")
    second = sheets_of("b.csv", "responsavel ,META\nRui,7\n")
    other = sheets_of("c.csv", "Responsável,Prazo\nAna,2027-06-30\n")
    assert header_signature(first) == header_signature(second) != header_signature(other)


def run(*args: str, db) -> subprocess.CompletedProcess:
    env = {**os.environ, "OKR_DB": str(db)}
    env.pop("OKR_AS_OF", None)
    return subprocess.run(
        [sys.executable, "-m", "loaders", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_inspect_shows_each_header_and_writes_a_mapping_that_ingest_applies(tmp_path):
    db = tmp_path / "cli.duckdb"
    okrs = tmp_path / "okrs.xlsx"
    okrs.write_bytes(xlsx_bytes(SMALL_WORKBOOK))
    assert run("ingest", str(okrs), db=db).returncode == 0
    progress = tmp_path / "progress.csv"
    progress.write_text("kr,date,current,Region\nSAL-KR1,2027-06-15,300000,EMEA\n", encoding="utf-8")
    shown = run("inspect", str(progress), "--write-mapping", str(tmp_path / "map.toml"), db=tmp_path / "none.duckdb")
    assert shown.returncode == 0, shown.stderr
    assert "sheet progress: workbook sheet CheckIns (header on row 1)" in shown.stdout
    assert "current  →  value" in shown.stdout
    assert "Region   →  not used (1 value)" in shown.stdout
    assert not (tmp_path / "none.duckdb").exists()
    text = (tmp_path / "map.toml").read_text(encoding="utf-8")
    assert '"Region" = ""  # not used (1 value)' in text
    (tmp_path / "map.toml").write_text(text.replace('"Region" = ""', '"Region" = "ignore"'), encoding="utf-8")
    stored = run("ingest", str(progress), "--mapping", str(tmp_path / "map.toml"), "--json", db=db)
    assert stored.returncode == 0, stored.stderr
    report = json.loads(stored.stdout)
    assert report["stored"]["check_ins"] == {"inserted": 1, "updated": 0, "unchanged": 0}
    assert not any("Region" in p["message"] for p in report["problems"])
    assert report["mapping"][0]["sheets"][0]["columns"]["Region"] == "ignore"


def test_ingest_json_lists_problems_with_their_place_and_value(tmp_path):
    bad = tmp_path / "CheckIns.csv"
    bad.write_text("kr_id,date,value\nSAL-KR1,2027-05-31,lots\n", encoding="utf-8")
    result = run("ingest", str(bad), "--json", "--db", str(tmp_path / "j.duckdb"), db=tmp_path / "j.duckdb")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["stored"] == {}
    problem = next(p for p in report["problems"] if p["column"] == "value")
    assert (problem["severity"], problem["sheet"], problem["row"], problem["value"]) == ("error", "CheckIns", 2, "lots")


def test_inspect_json_and_team_period_date_for_a_one_row_per_kr_sheet(tmp_path):
    sheet = tmp_path / "okrs.csv"
    sheet.write_text("Objective,Key result,Target,Current\nGrow,Sign 5 partners,5,2\n", encoding="utf-8")
    shown = run(
        "inspect",
        str(sheet),
        "--json",
        "--team",
        "Sales",
        "--period",
        "2027-Q2",
        "--date",
        "2027-05-31",
        db=tmp_path / "none.duckdb",
    )
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    [item] = report["mapping"]["sheets"]
    assert item["shape"] == KR_LIST and item["constants"] == {"team": "Sales", "period": "2027-Q2"}
    assert report["tables"] == {"teams": 1, "objectives": 1, "key_results": 1, "check_ins": 1}
    db = tmp_path / "kr.duckdb"
    first = run("ingest", str(sheet), "--team", "Sales", "--period", "2027-Q2", "--date", "2027-05-31", db=db)
    assert first.returncode == 0, first.stderr
    again = run("ingest", str(sheet), "--team", "Sales", "--period", "2027-Q2", "--date", "2027-05-31", db=db)
    assert "Nothing changed" in again.stdout
    undated = run("ingest", str(sheet), "--team", "Sales", "--period", "2027-Q2", "--dry-run", db=db)
    assert undated.returncode == 1 and "--date YYYY-MM-DD" in undated.stderr


def test_a_rebuild_reads_an_upload_by_the_mapping_stored_with_it(tmp_path):
    from loaders.rebuild import rebuild

    db = str(tmp_path / "first.duckdb")
    store = Store.open(db)
    try:
        text = "Objective,Key result,Target,Current\nGrow,Sign 5 partners,5,2\n"
        result = check_and_store(
            store,
            [UploadedFile("okrs.csv", text.encode())],
            "tester",
            default_date=dt.date(2027, 5, 31),
            constants={"team": "Sales", "period": "2027-Q2"},
        )
        assert result.errors == [] and result.stored
        uploads = store.recorded_uploads()
        before = store.read_tables()
    finally:
        store.close()
    assert [f.file_name for f in uploads[0].files] == ["okrs.csv", "okrs.csv.mapping.toml"]
    replayed = rebuild(uploads, str(tmp_path / "second.duckdb"))
    assert not replayed.not_replayed
    second = Store.open(str(tmp_path / "second.duckdb"))
    try:
        after = second.read_tables()
    finally:
        second.close()
    for name in ("teams", "objectives", "key_results", "check_ins"):
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)


def test_the_readme_mapping_examples_are_valid_mappings():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Bring your own spreadsheet", 1)[1]
    example = section.split("```toml", 1)[1].split("```", 1)[0]
    mapping = FileMapping.from_toml(example)
    assert [(s.sheet, s.shape) for s in mapping.sheets] == [
        ("Progress May", WORKBOOK),
        ("OKRs Q2", KR_LIST),
        ("mrr_bridge", BRIDGE),
        ("KPIs", KPI),
    ]
    progress = xlsx_bytes(
        {
            "Progress May": [
                ["Sales progress"],
                ["Key Result Ref", "Reading", "Remarks", "Region"],
                ["SAL-KR1", 300000, "Two deals", "EMEA"],
            ]
        }
    )
    parsed = apply_mapping("p.xlsx", read_grids("p.xlsx", progress), mapping)
    assert parsed.problems == []
    frame = parsed.tables["check_ins"].frame
    assert frame[["kr_id", "date", "value"]].values.tolist() == [["SAL-KR1", dt.date(2027, 5, 31), 300000.0]]


@pytest.mark.parametrize("name", ["Teams.csv", "teams.xlsx"])
def test_a_sheet_named_like_a_table_may_hold_its_required_column_alone(tmp_path, name):
    # A list of team names is a whole Teams sheet: one column, the one it needs.
    rows = [["Team"], ["Sales"], ["Delivery"]]
    content = "\n".join(row[0] for row in rows).encode() if name.endswith(".csv") else xlsx_bytes({"Teams": rows})
    mapping = propose_mapping(name, read_grids(name, content))
    assert [(item.shape, item.table, item.columns) for item in mapping.sheets] == [
        (WORKBOOK, "Teams", {"Team": "team"})
    ]
    opened = Store.open(str(tmp_path / "teams.duckdb"))
    try:
        check_and_store(opened, [UploadedFile(name, content)], "tester")
        assert sorted(opened.read_tables()["teams"]["team"]) == ["Delivery", "Sales"]
    finally:
        opened.close()


def test_a_team_spelt_like_another_but_for_case_is_refused_with_the_spelling_to_use(store):
    teams = "team,group\nsales,Business\nOps,Delivery\nops ,Delivery\nMarketing,Business\n"
    result = check_and_store(store, [UploadedFile("Teams.csv", teams.encode())], "tester")
    messages = {(p.row, p.problem) for p in result.errors}
    assert messages == {
        (2, 'team "sales" is the stored team "Sales" spelt differently; write "Sales"'),
        (4, 'team "ops" is "Ops" (row 3) spelt differently; use one spelling'),
    }
    assert "sales" not in set(store.read_tables()["teams"]["team"])  # nothing stored
