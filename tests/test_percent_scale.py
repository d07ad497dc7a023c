"""One percent scale: percent KRs are stored in percent points (45 means 45 %), whatever the source."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from conftest import SMALL_WORKBOOK, xlsx_bytes
from loaders.ingest import check_and_store
from loaders.problems import WARNING
from store.database import SCHEMA_VERSION, Store, UploadedFile

HINT = "percent KRs are in percent points"


def ingest(store, name: str, data: bytes, **kwargs):
    return check_and_store(store, [UploadedFile(name, data)], uploaded_by="tester", **kwargs)


def kr_row(kr_id, objective_id, measure, start, target, direction="increase"):
    return [
        kr_id,
        objective_id,
        f"KR {kr_id}",
        "output",
        measure,
        None,
        start,
        target,
        direction,
        "Ana Ruiz",
        dt.date(2027, 4, 1),
        dt.date(2027, 6, 30),
        1,
        None,
        None,
        None,
    ]


def workbook(*krs, check_ins=(), decisions=()) -> dict[str, list[list]]:
    sheets = copy.deepcopy(SMALL_WORKBOOK)
    sheets["KeyResults"] += [kr_row(*kr) for kr in krs]
    sheets["CheckIns"] += [[kr_id, date, value, None, 7, None, "Ana Ruiz"] for kr_id, date, value in check_ins]
    if decisions:
        sheets["Decisions"] = [
            ["kr_id", "date", "decision", "new_target_value", "new_due_date", "reason", "decided_by"]
        ] + [[kr_id, date, "change", value, None, "review", "CEO"] for kr_id, date, value in decisions]
    return sheets


def warnings_of(result) -> list[tuple[str, int, str, str]]:
    return sorted((p.sheet, p.row, p.column, p.problem) for p in result.problems if p.severity == WARNING)


@pytest.fixture
def local_store(tmp_path):
    opened = Store.open(str(tmp_path / "okr.duckdb"))
    yield opened
    opened.close()


APRIL, MAY = dt.date(2027, 4, 30), dt.date(2027, 5, 31)


def test_text_45_percent_and_number_45_store_45(local_store):
    assert ingest(local_store, "okrs.xlsx", xlsx_bytes(workbook(("SAL-KR3", "SAL-O1", "percent", 20, 60)))).errors == []
    csv = "kr_id,date,value\nSAL-KR3,2027-04-30,45%\nSAL-KR3,2027-05-31,45\n"
    result = ingest(local_store, "CheckIns.csv", csv.encode())
    assert result.problems == []
    check_ins = local_store.read_table("check_ins")
    assert check_ins[check_ins["kr_id"] == "SAL-KR3"]["value"].tolist() == [45.0, 45.0]


def test_a_fraction_for_a_percent_kr_in_points_is_warned_and_kept(local_store):
    sheets = workbook(
        ("SAL-KR3", "SAL-O1", "percent", 20, 60),
        ("SAL-KR4", "SAL-O1", "percent", 0, 80),
        ("ENG-KR2", "ENG-O1", "number", 2, 10),
    )
    assert ingest(local_store, "okrs.xlsx", xlsx_bytes(sheets)).errors == []
    csv = (
        "kr_id,date,value\nSAL-KR3,2027-04-30,0.45\nSAL-KR3,2027-05-31,1\nSAL-KR4,2027-05-31,0.07\n"
        "SAL-KR4,2027-04-30,0\nENG-KR2,2027-05-31,0.5\nSAL-KR3,2027-06-15,46\n"
    )
    result = ingest(local_store, "CheckIns.csv", csv.encode())
    assert result.errors == []
    assert warnings_of(result) == [
        ("CheckIns", 2, "value", f"0.45 for a percent KR: did you mean 45 %? {HINT}"),
        ("CheckIns", 3, "value", f"1 for a percent KR: did you mean 100 %? {HINT}"),
        ("CheckIns", 4, "value", f"0.07 for a percent KR: did you mean 7 %? {HINT}"),
    ]
    check_ins = local_store.read_table("check_ins").set_index(["kr_id", "date"])["value"]
    assert check_ins[("SAL-KR3", dt.datetime(2027, 4, 30))] == 0.45  # kept as written
    assert check_ins[("SAL-KR4", dt.datetime(2027, 5, 31))] == 0.07


def test_a_fraction_beside_points_or_both_fractions_in_key_results_are_warned(local_store):
    sheets = workbook(
        ("SAL-KR3", "SAL-O1", "percent", 0.45, 60),
        ("SAL-KR4", "SAL-O1", "percent", 20, 0.9),
        ("SAL-KR5", "SAL-O1", "percent", 0.2, 0.45),
        ("SAL-KR6", "SAL-O1", "percent", 0, 50),
        ("ENG-KR2", "ENG-O1", "number", 0.5, 10),
    )
    result = ingest(local_store, "okrs.xlsx", xlsx_bytes(sheets))
    assert result.errors == []
    assert warnings_of(result) == [
        ("KeyResults", 5, "start_value", f"0.45 for a percent KR: did you mean 45 %? {HINT}"),
        ("KeyResults", 6, "target_value", f"0.9 for a percent KR: did you mean 90 %? {HINT}"),
        (
            "KeyResults",
            7,
            "target_value",
            f"start 0.2 and target 0.45 for a percent KR: did you mean 20 % and 45 %? {HINT}",
        ),
    ]
    assert local_store.read_table("key_results").set_index("kr_id").loc["SAL-KR3", "start_value"] == 0.45


def test_a_fraction_as_a_percent_kr_new_target_is_warned(local_store):
    sheets = workbook(
        ("SAL-KR3", "SAL-O1", "percent", 20, 60), decisions=[("SAL-KR3", MAY, 0.5), ("SAL-KR1", MAY, 0.5)]
    )
    result = ingest(local_store, "okrs.xlsx", xlsx_bytes(sheets))
    assert result.errors == []
    assert warnings_of(result) == [
        ("Decisions", 2, "new_target_value", f"0.5 for a percent KR: did you mean 50 %? {HINT}"),
    ]


def _as_schema_3(target: str) -> None:
    store = Store.open(target)
    store.write(lambda cursor: cursor.execute("UPDATE meta SET value = 3 WHERE key = 'schema_version'"))
    store.close()


def _values(store) -> dict[str, object]:
    krs = store.read_table("key_results").set_index("kr_id")
    check_ins = store.read_table("check_ins")
    decisions = store.read_table("decisions").set_index("kr_id")
    history = store._cursor().execute("SELECT kr_id, value FROM check_ins_history ORDER BY kr_id, date").fetchall()
    kr_history = (
        store._cursor()
        .execute("SELECT kr_id, start_value, target_value FROM key_results_history ORDER BY kr_id")
        .fetchall()
    )
    return {
        "krs": {
            kr: (krs.loc[kr, "start_value"], krs.loc[kr, "target_value"])
            for kr in ("SAL-KR3", "SAL-KR4", "ENG-KR2", "ENG-KR3", "SAL-KR1")
        },
        "check_ins": {
            (row.kr_id, f"{row.date:%m-%d}"): row.value for row in check_ins.itertuples() if row.kr_id != "ENG-KR1"
        },
        "decisions": decisions["new_target_value"].to_dict(),
        "check_ins_history": history,
        "key_results_history": kr_history,
    }


def test_the_schema_upgrade_puts_percent_krs_stored_as_fractions_in_points(store_target):
    store = Store.open(store_target)
    sheets = workbook(
        ("SAL-KR3", "SAL-O1", "percent", 0.2, 0.45),  # the 0–1 scale: converted
        ("SAL-KR4", "SAL-O1", "percent", 20, 45),  # in points already: left alone
        ("ENG-KR2", "ENG-O1", "number", 0, 1),  # not a percent KR
        ("ENG-KR3", "ENG-O1", "percent", 0, 0, "stay_above"),  # both 0: the same on both scales
        check_ins=[
            ("SAL-KR3", APRIL, 0.07),
            ("SAL-KR3", MAY, 0.35),
            ("SAL-KR4", MAY, 30),
            ("ENG-KR2", MAY, 0.5),
            ("ENG-KR3", MAY, 0.5),
        ],
        decisions=[("SAL-KR3", MAY, 0.5), ("SAL-KR4", MAY, 50)],
    )
    assert ingest(store, "okrs.xlsx", xlsx_bytes(sheets)).errors == []
    sheets["CheckIns"][-5][2] = 0.3  # SAL-KR3 in April, corrected: the 0.07 goes to the history
    sheets["KeyResults"][-4][7] = 0.5  # SAL-KR3's target, corrected: the 0.45 goes to the history
    assert ingest(store, "okrs.xlsx", xlsx_bytes(sheets)).errors == []
    store.close()
    _as_schema_3(store_target)

    upgraded = Store.open(store_target)
    try:
        values = _values(upgraded)
        version = upgraded._cursor().execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    finally:
        upgraded.close()
    assert version == SCHEMA_VERSION == 5
    assert values["krs"] == {
        "SAL-KR3": (20.0, 50.0),
        "SAL-KR4": (20.0, 45.0),
        "ENG-KR2": (0.0, 1.0),
        "ENG-KR3": (0.0, 0.0),
        "SAL-KR1": (0.0, 500000.0),
    }
    assert values["check_ins"] == {
        ("SAL-KR1", "04-30"): 100000.0,
        ("SAL-KR1", "05-31"): 250000.0,
        ("SAL-KR2", "05-31"): 75.0,
        ("SAL-KR3", "04-30"): 30.0,
        ("SAL-KR3", "05-31"): 35.0,
        ("SAL-KR4", "05-31"): 30.0,
        ("ENG-KR2", "05-31"): 0.5,
        ("ENG-KR3", "05-31"): 0.5,
    }
    assert values["decisions"] == {"SAL-KR3": 50.0, "SAL-KR4": 50.0}
    assert values["check_ins_history"] == [("SAL-KR3", 7.0)]  # rounded: 0.07 × 100 is not 7.000000000000001
    assert values["key_results_history"] == [("SAL-KR3", 20.0, 45.0)]

    again = Store.open(store_target)  # the upgrade runs once
    try:
        assert _values(again) == values
    finally:
        again.close()


def test_a_new_database_is_made_at_the_current_schema_and_converts_nothing(store_target):
    store = Store.open(store_target)
    try:
        assert (
            ingest(store, "okrs.xlsx", xlsx_bytes(workbook(("SAL-KR3", "SAL-O1", "percent", 0.2, 0.45)))).errors == []
        )
        assert (
            store._cursor().execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
            == SCHEMA_VERSION
        )
    finally:
        store.close()
    reopened = Store.open(store_target)
    try:
        krs = reopened.read_table("key_results").set_index("kr_id")
        assert (krs.loc["SAL-KR3", "start_value"], krs.loc["SAL-KR3", "target_value"]) == (0.2, 0.45)
    finally:
        reopened.close()
