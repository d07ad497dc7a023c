"""Spreadsheets people already keep: one row per KR, MRR bridges, KPI tables, headers in other
languages, columns nobody maps — each built here as an odd file and checked by what gets stored."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from conftest import SMALL_WORKBOOK, xlsx_bytes
from loaders.ingest import check_and_store
from loaders.read import read_grids
from loaders.shapes import stable_id
from store.database import Store, UploadedFile


@pytest.fixture
def store(tmp_path):
    opened = Store.open(str(tmp_path / "shapes.duckdb"))
    yield opened
    opened.close()


def ingest(store, name: str, data: bytes | str, **kwargs):
    content = data.encode("utf-8") if isinstance(data, str) else data
    return check_and_store(store, [UploadedFile(name, content)], uploaded_by="tester", **kwargs)


def messages(result, severity=None) -> list[str]:
    return [p.problem for p in result.problems if severity is None or p.severity == severity]


MRR_BRIDGE = """month,mrr,new_mrr,expansion_mrr,churned_mrr,contraction_mrr,arr
2027-01,100000,10000,2000,1000,500,1200000
2027-02,110500,10000,2000,1000,500,1326000
2027-03,121000,11000,1000,1500,0,1452000
"""


def test_an_mrr_bridge_stores_its_figures_times_twelve_and_names_the_conversion(store):
    result = ingest(store, "mrr_bridge.csv", MRR_BRIDGE)
    assert result.errors == [], messages(result)
    stored = store.read_tables()["arr_actuals"].sort_values("month").reset_index(drop=True)
    assert stored["month"].tolist() == ["2027-01", "2027-02", "2027-03"]
    assert stored["new"].tolist() == [120000.0, 120000.0, 132000.0]
    assert stored["expansion"].tolist() == [24000.0, 24000.0, 12000.0]
    assert stored["churn"].tolist() == [12000.0, 12000.0, 18000.0]
    assert stored["contraction"].tolist() == [6000.0, 6000.0, 0.0]
    assert stored["ending_arr"].tolist() == [1200000.0, 1326000.0, 1452000.0]  # the arr column, as it is
    assert "new_mrr ×12 → new" in messages(result, "info")
    assert "churned_mrr ×12 → churn" in messages(result, "info")


def test_an_mrr_bridge_without_arr_takes_ending_arr_from_mrr_and_negative_churn_as_lost(store):
    text = "Month;MRR;New MRR;Churned MRR\n2027-01;1.000;100;-50\n2027-02;1.050;100;-50\n"
    result = ingest(store, "bridge.csv", text)
    assert result.errors == [], messages(result)
    stored = store.read_tables()["arr_actuals"].sort_values("month")
    assert stored["ending_arr"].tolist() == [12000.0, 12600.0]
    assert stored["churn"].tolist() == [600.0, 600.0]
    assert stored["new"].tolist() == [1200.0, 1200.0]
    assert "MRR ×12 → ending_arr" in messages(result, "info")


def test_no_stored_figure_comes_from_a_default_when_the_file_had_it_under_another_name(store):
    text = "month,new_arr,expansion_arr,churned_arr,ending_arr\n2027-01,300,150,100,2350\n"
    result = ingest(store, "arr.csv", text)
    assert result.errors == [], messages(result)
    row = store.read_tables()["arr_actuals"].iloc[0]
    assert (row["new"], row["expansion"], row["churn"]) == (300.0, 150.0, 100.0)


KR_LIST = [
    ["OKRs Q2 — Sales"],
    ["Objective", "Key result", "Owner", "Start", "Target", "Current", "Status", "Confidence", "Due date", "Region"],
    ["Grow revenue in the DACH region", "Close 10 new logos", "Ana", 0, 10, 4, None, 7, dt.date(2027, 6, 30), "ok"],
    [
        "Grow revenue in the DACH region",
        "Bookings of $500k",
        "Ana",
        "$0",
        "$500,000",
        "$120,000",
        None,
        6,
        dt.date(2027, 6, 30),
        None,
    ],
    ["Make customers love us", "Cut monthly churn", "Rui", "5%", "2%", "4%", None, 5, dt.date(2027, 6, 15), None],
    [
        "Make customers love us",
        "Launch the loyalty programme",
        "Rui",
        None,
        None,
        None,
        "Early progress",
        8,
        dt.date(2027, 6, 30),
        None,
    ],
]


def kr_list_file(current_values=None) -> bytes:
    rows = [list(r) for r in KR_LIST]
    for row, value in zip(rows[2:], current_values or []):
        row[5] = value
    return xlsx_bytes({"OKRs": rows})


def test_a_one_row_per_kr_sheet_becomes_objectives_key_results_and_check_ins(store):
    result = ingest(
        store,
        "sales okrs.xlsx",
        kr_list_file(),
        default_date=dt.date(2027, 5, 31),
        constants={"team": "Sales", "period": "2027-Q2"},
    )
    assert result.errors == [], messages(result)
    tables = store.read_tables()
    assert tables["teams"]["team"].tolist() == ["Sales"]
    objectives = tables["objectives"].set_index("title")
    assert set(objectives.index) == {"Grow revenue in the DACH region", "Make customers love us"}
    assert set(objectives["period"]) == {"2027-Q2"} and set(objectives["level"]) == {"team"}
    krs = tables["key_results"].set_index("title")
    assert krs.loc["Close 10 new logos", "measure"] == "number"
    assert krs.loc["Bookings of $500k", "measure"] == "currency"
    assert krs.loc["Bookings of $500k", "target_value"] == 500000
    assert krs.loc["Cut monthly churn", "measure"] == "percent"
    assert krs.loc["Cut monthly churn", "direction"] == "decrease"
    assert krs.loc["Close 10 new logos", "direction"] == "increase"
    assert krs.loc["Launch the loyalty programme", "measure"] == "status"
    assert krs.loc["Cut monthly churn", "objective_id"] == objectives.loc["Make customers love us", "objective_id"]
    assert krs.loc["Close 10 new logos", "kr_id"] == stable_id(
        "Sales", "2027-Q2", "Grow revenue in the DACH region", "Close 10 new logos"
    )
    checks = tables["check_ins"].merge(tables["key_results"][["kr_id", "title"]]).set_index("title")
    assert len(checks) == 4
    assert checks.loc["Close 10 new logos", "value"] == 4
    assert checks.loc["Bookings of $500k", "value"] == 120000
    assert checks.loc["Launch the loyalty programme", "status"] == "Early progress"
    assert set(checks["date"]) == {pd.Timestamp("2027-05-31")}
    assert any("direction decrease inferred for 1 KR(s)" in m for m in messages(result, "info"))
    assert 'column "Region" (1 value) is not used — map it or mark it ignored' in messages(result, "warning")


def test_the_same_one_row_per_kr_sheet_twice_changes_nothing_and_a_later_one_adds_check_ins(store):
    given = {"default_date": dt.date(2027, 5, 31), "constants": {"team": "Sales", "period": "2027-Q2"}}
    ingest(store, "okrs.xlsx", kr_list_file(), **given)
    again = ingest(store, "okrs.xlsx", kr_list_file(), **given)
    assert again.errors == [] and again.rows_changed == 0
    later = ingest(
        store,
        "okrs.xlsx",
        kr_list_file([6, "$200,000", "3%", None]),
        default_date=dt.date(2027, 6, 30),
        constants=given["constants"],
    )
    assert later.errors == [], messages(later)
    assert later.changes["check_ins"].inserted == 4
    assert later.changes["key_results"].changed == 0 and later.changes["objectives"].changed == 0
    tables = store.read_tables()
    assert len(tables["key_results"]) == 4 and len(tables["check_ins"]) == 8


def test_a_one_row_per_kr_sheet_without_team_period_or_date_asks_for_them(store):
    result = ingest(store, "okrs.xlsx", kr_list_file())
    found = " | ".join(messages(result, "error"))
    assert "--team NAME" in found and "--period 2027-Q2" in found
    dated = ingest(store, "okrs.xlsx", kr_list_file(), constants={"team": "Sales", "period": "2027-Q2"})
    assert any("no check-in date" in m and "--date YYYY-MM-DD" in m for m in messages(dated, "error"))
    assert store.read_tables()["key_results"].empty


def test_a_portuguese_sheet_with_semicolons_and_day_first_dates_imports(store):
    text = (
        "Equipe;Período;Objetivo;Resultado-chave;Responsável;Valor inicial;Meta;Valor atual;Prazo;Data\n"
        "Vendas;2027-Q2;Aumentar a receita na Europa;Fechar novos contratos;Ana;0;20;5;30/06/2027;15/05/2027\n"
        "Vendas;2027-Q2;Aumentar a receita na Europa;Receita recorrente;Ana;1.000,5;2.000;1.250,25;14/06/2027;"
        "15/05/2027\n"
    )
    result = ingest(store, "okr.csv", text)
    assert result.errors == [], messages(result)
    tables = store.read_tables()
    assert tables["teams"]["team"].tolist() == ["Vendas"]
    krs = tables["key_results"].set_index("title")
    assert krs.loc["Receita recorrente", "start_value"] == 1000.5
    assert krs.loc["Receita recorrente", "due_date"] == pd.Timestamp("2027-06-14")
    assert krs.loc["Fechar novos contratos", "owner"] == "Ana"
    checks = tables["check_ins"].merge(tables["key_results"][["kr_id", "title"]]).set_index("title")
    assert checks.loc["Receita recorrente", "value"] == 1250.25
    assert checks.loc["Fechar novos contratos", "date"] == pd.Timestamp("2027-05-15")


@pytest.mark.parametrize(
    "headers",
    [
        ["Objectif", "Résultat clé", "Responsable", "Valeur initiale", "Cible", "Valeur actuelle", "Échéance"],
        ["Ziel", "Schlüsselergebnis", "Verantwortlich", "Startwert", "Zielwert", "Istwert", "Fälligkeit"],
        ["objetivo", "RESULTADO CLAVE", "responsable", "valor inicial", "meta", "valor actual", "fecha límite"],
        ["Objective", "KR", "owner", "baseline", "target", "actual", "deadline"],
        [
            "Mục tiêu",
            "Kết quả then chốt",
            "Người phụ trách",
            "Giá trị ban đầu",
            "Chỉ tiêu",
            "Giá trị hiện tại",
            "Hạn chót",
        ],
    ],
)
def test_headers_in_other_languages_are_understood(store, headers):
    rows = [headers, ["Win the market", "Sign 5 partners", "Eva", 1, 5, 3, dt.date(2027, 6, 30)]]
    result = ingest(
        store,
        "okrs.xlsx",
        xlsx_bytes({"Sheet1": rows}),
        default_date=dt.date(2027, 5, 31),
        constants={"team": "Sales", "period": "2027-Q2"},
    )
    assert result.errors == [], messages(result)
    tables = store.read_tables()
    kr = tables["key_results"].iloc[0]
    assert (kr["title"], kr["owner"], kr["start_value"], kr["target_value"]) == ("Sign 5 partners", "Eva", 1, 5)
    assert tables["check_ins"]["value"].tolist() == [3]
    assert tables["objectives"]["title"].tolist() == ["Win the market"]


def test_an_unused_column_of_a_workbook_sheet_is_reported_with_its_value_count(store):
    sheets = {name: rows for name, rows in SMALL_WORKBOOK.items()}
    sheets["KeyResults"] = [[*sheets["KeyResults"][0], "current_value"]] + [
        [*row, 5] for row in sheets["KeyResults"][1:]
    ]
    sheets["KeyResults"][0].append("Region")
    for row in sheets["KeyResults"][1:]:
        row.append("EMEA")
    result = ingest(store, "okrs.xlsx", xlsx_bytes(sheets))
    assert result.errors == []
    assert 'column "Region" (3 values) is not used — map it or mark it ignored' in messages(result, "warning")
    assert any(
        m.startswith(
            "the current values or statuses of 3 KR(s) are not used: they become check-ins with a "
            "date — give it (--date YYYY-MM-DD"
        )
        for m in messages(result, "warning")
    )
    assert store.read_tables()["check_ins"]["value"].tolist().count(5) == 0


def test_objective_text_is_not_taken_for_an_objective_id_nor_type_for_kr_type(store):
    rows = [
        ["kr_id", "Objective", "title", "Type", "measure", "start_value", "target_value", "due_date"],
        [
            "K1",
            "Grow our revenue in the whole of Europe",
            "Bookings",
            "Committed",
            "number",
            0,
            5,
            dt.date(2027, 6, 30),
        ],
    ]
    result = ingest(
        store,
        "okrs.xlsx",
        xlsx_bytes({"KeyResults": rows}),
        default_date=dt.date(2027, 5, 31),
        constants={"team": "Sales", "period": "2027-Q2"},
    )
    assert result.errors == [], messages(result)
    assert not any("unknown objective" in m for m in messages(result))
    krs = store.read_tables()["key_results"]
    assert krs["kr_id"].tolist() == ["K1"]
    assert krs["objective_id"].iloc[0] != "Grow our revenue in the whole of Europe"
    assert pd.isna(krs["kr_type"].iloc[0])
    assert any(
        'column "Type" (1 value) is not used: its values ("Committed") are not kr_type values' in m
        for m in messages(result, "warning")
    )


def test_a_kpi_table_becomes_check_ins_of_the_krs_it_names_and_company_targets(store):
    ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))
    text = "Metric,Period,Actual,Target\nBookings,2027-05,300000,\nSAL-KR2,2027-05,70,\nARR,2027,,5500000\n"
    result = ingest(store, "kpis.csv", text)
    assert result.errors == [], messages(result)
    tables = store.read_tables()
    checks = tables["check_ins"].set_index(["kr_id", "date"])
    assert checks.loc[("SAL-KR1", pd.Timestamp("2027-05-31")), "value"] == 300000
    assert checks.loc[("SAL-KR2", pd.Timestamp("2027-05-31")), "value"] == 70
    targets = tables["company_targets"].set_index(["period", "metric"])
    assert targets.loc[("2027", "arr"), "target_value"] == 5500000


def test_a_kpi_table_with_actuals_of_unknown_metrics_warns_that_they_are_not_stored(store):
    ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))
    result = ingest(store, "kpis.csv", "kpi,date,actual,target\nNPS,2027-05-31,41,50\n")
    assert any("actual values of 1 row(s) are not stored" in m and '"NPS"' in m for m in messages(result, "warning"))


def test_the_refusal_lists_the_headers_seen_and_the_closest_shapes(store):
    result = ingest(store, "Sheet1.csv", "city,population,country\nParis,2100000,FR\n")
    [refusal] = [m for m in messages(result, "error") if "no sheet of the OKR workbook format" in m]
    assert "sheet Sheet1 has headers city, population, country; closest: CheckIns (needs kr_id, date" in refusal
    assert "python -m loaders inspect Sheet1.csv --write-mapping map.toml" in refusal


def test_a_file_named_like_a_table_without_any_of_its_columns_is_told_what_is_missing(store):
    result = ingest(store, "CheckIns.csv", "city,population\nParis,2100000\n")
    assert any(
        "named like CheckIns but its header (city, population) has none of its columns: it needs kr_id, "
        "date and value or status" in m
        for m in messages(result, "error")
    )


def test_a_csv_whose_every_line_is_one_quoted_field_is_named_as_such(store):
    result = ingest(store, "checkins.csv", '"kr_id,date,value"\n"SAL-KR1,2027-05-31,3"\n"SAL-KR2,2027-05-31,4"\n')
    assert any("every line is one quoted field" in m for m in messages(result, "error"))


def test_a_csv_with_ragged_rows_is_named_as_such():
    from loaders.mapping import malformed_csv

    [sheet] = read_grids("x.csv", b"a,b,c\n1,2\n3,4,5,6\n")
    assert "malformed CSV" in malformed_csv(sheet)


def test_an_mrr_bridge_with_month_names_and_dates_reads_each_as_its_month(store):
    text = "Month,New MRR,Churned MRR,MRR\nJan 2027,10,2,100\nFebruary 2027,10,2,108\n2027-03-31,5,1,112\n"
    result = ingest(store, "bridge.csv", text)
    assert result.errors == [], messages(result)
    stored = store.read_tables()["arr_actuals"].sort_values("month")
    assert stored["month"].tolist() == ["2027-01", "2027-02", "2027-03"]
    assert stored["ending_arr"].tolist() == [1200.0, 1296.0, 1344.0]
    bad = ingest(store, "bridge.csv", "Month,New MRR,MRR\nsoon,10,100\n")
    assert any('"soon" is not a month' in m for m in messages(bad, "error"))


def test_a_progress_column_alone_makes_percent_krs_from_0_to_100(store):
    rows = [["Objective", "Key result", "Progress", "Status"], ["Ship it", "Beta live", "45%", "On track"]]
    result = ingest(
        store,
        "okrs.xlsx",
        xlsx_bytes({"Sheet1": rows}),
        default_date=dt.date(2027, 5, 31),
        constants={"team": "Product", "period": "2027-Q2"},
    )
    assert result.errors == [], messages(result)
    kr = store.read_tables()["key_results"].iloc[0]
    assert (kr["measure"], kr["start_value"], kr["target_value"]) == ("percent", 0, 100)
    assert store.read_tables()["check_ins"]["value"].tolist() == [45]
    assert any(
        'column "Status" (1 value) is not used: its values ("On track") are not status values' in m
        for m in messages(result, "warning")
    )


def test_a_sheet_with_bracketed_units_is_read_as_one_row_per_kr(store):
    rows = [
        [
            "Cycle",
            "Team",
            "Objective title",
            "Objective owner",
            "Key Result",
            "KR owner",
            "Baseline",
            "Target Value [%]",
            "Actual Value [%]",
            "Confidence (1-10)",
            "Due Date",
        ],
        [
            "2027-Q2",
            "Success",
            "Keep every customer",
            "Lea",
            "Raise gross retention",
            "Max",
            85,
            92,
            88,
            6,
            dt.date(2027, 6, 30),
        ],
    ]
    result = ingest(store, "export.xlsx", xlsx_bytes({"Export": rows}), default_date=dt.date(2027, 5, 31))
    assert result.errors == [], messages(result)
    assert not messages(result, "warning")
    tables = store.read_tables()
    objective = tables["objectives"].iloc[0]
    assert (objective["team"], objective["period"], objective["owner"]) == ("Success", "2027-Q2", "Lea")
    kr = tables["key_results"].iloc[0]
    assert (kr["measure"], kr["owner"], kr["start_value"], kr["target_value"]) == ("percent", "Max", 85, 92)
    check = tables["check_ins"].iloc[0]
    assert (check["value"], check["confidence"]) == (88, 6)


def test_kpi_targets_take_their_period_from_a_constant_or_their_date(store):
    from loaders.mapping import FileMapping

    text = "metric,actual,target\nBookings (all),10,500\n"
    mapping = FileMapping.from_toml(
        '[[sheet]]\nname = "kpis"\nshape = "kpi_table"\n[sheet.columns]\n'
        '"metric" = "metric"\n"actual" = "actual"\n"target" = "target"\n'
        '[sheet.constants]\nperiod = "2027"\n'
    )
    result = ingest(store, "kpis.csv", text, mapping=mapping)
    assert result.errors == [], messages(result)
    assert store.read_tables()["company_targets"][["period", "metric", "target_value"]].values.tolist() == [
        ["2027", "bookings (all)", 500.0]
    ]
    dated = ingest(store, "kpis2.csv", "metric,date,target\nLeads,2027-05-31,90\n")
    assert dated.errors == [], messages(dated)
    targets = store.read_tables()["company_targets"].set_index("metric")
    assert targets.loc["leads", "period"] == "2027-05"


def test_random_sheets_of_known_headers_never_break_the_reading():
    import random

    from loaders.headers import ROLE_HEADERS
    from loaders.parse import parse_grids
    from loaders.read import RawSheet

    words = [w for ws in ROLE_HEADERS.values() for w in ws] + ["new_mrr", "churned_mrr", "mrr", "arr", "", None, 5]
    values = [
        "",
        None,
        "45%",
        "$1,200",
        "abc def ghi",
        "2027-05-31",
        "31/05/2027",
        3,
        0.5,
        dt.date(2027, 5, 1),
        "Good progress",
        "On track",
        "Jan 2027",
        "2027-Q2",
        "-",
        "increase",
        "outcome",
        "K1",
    ]
    chosen = random.Random(17)
    for _ in range(400):
        width = chosen.randint(1, 8)
        rows = [[chosen.choice(words) for _ in range(width)]]
        for _ in range(chosen.randint(0, 5)):
            rows.append([chosen.choice(values) for _ in range(chosen.randint(0, width + 1))])
        sheet = RawSheet(chosen.choice(["Sheet1", "CheckIns", "OKRs", "KPIs", "ARR"]), rows)
        parsed = parse_grids(
            "random.xlsx",
            [sheet],
            chosen.choice([None, dt.date(2027, 5, 31)]),
            constants=chosen.choice([None, {"team": "Sales", "period": "2027-Q2"}]),
        )
        assert parsed.tables or parsed.problems


def test_a_header_that_names_two_things_is_read_by_its_values(store):
    rows = [["Objective", "Schlüsselergebnis", "Ziel", "Istwert"], ["Den Markt gewinnen", "Partner gewinnen", 5, 3]]
    result = ingest(
        store,
        "okrs.xlsx",
        xlsx_bytes({"OKR": rows}),
        default_date=dt.date(2027, 5, 31),
        constants={"team": "Vertrieb", "period": "2027-Q2"},
    )
    assert result.errors == [], messages(result)
    kr = store.read_tables()["key_results"].iloc[0]
    assert (kr["title"], kr["target_value"]) == ("Partner gewinnen", 5)


def test_current_values_on_a_key_results_sheet_become_check_ins(store):
    ingest(store, "okrs.xlsx", xlsx_bytes({k: v for k, v in SMALL_WORKBOOK.items() if k in ("Teams", "Objectives")}))
    rows = [[*SMALL_WORKBOOK["KeyResults"][0], "current_value", "status", "confidence"]]
    rows += [[*row, value, None, 7] for row, value in zip(SMALL_WORKBOOK["KeyResults"][1:], (150000, 80, None))]
    rows[3][-2] = "Good progress"
    result = ingest(store, "krs.xlsx", xlsx_bytes({"KeyResults": rows}), default_date=dt.date(2027, 5, 31))
    assert result.errors == [], messages(result)
    assert not messages(result, "warning")
    checks = store.read_tables()["check_ins"].set_index("kr_id")
    assert checks.loc["SAL-KR1", "value"] == 150000 and checks.loc["SAL-KR2", "value"] == 80
    assert checks.loc["ENG-KR1", "status"] == "Good progress"
    assert set(checks["confidence"]) == {7} and set(checks["date"]) == {pd.Timestamp("2027-05-31")}
    undated = ingest(store, "krs.xlsx", xlsx_bytes({"KeyResults": rows}))
    assert any("--date YYYY-MM-DD" in m for m in messages(undated, "warning"))


def test_an_unknown_sheet_beside_known_ones_is_reported_with_its_headers(store):
    sheets = {"Teams": SMALL_WORKBOOK["Teams"], "Budget": [["line", "amount"], ["Travel", 1200]]}
    result = ingest(store, "okrs.xlsx", xlsx_bytes(sheets))
    assert result.errors == [] and result.changes["teams"].inserted == 2
    assert any(
        "sheet not recognised and ignored" in m and "sheet Budget has headers line, amount; closest:" in m
        for m in messages(result, "warning")
    )


def test_a_period_spelled_two_ways_gives_the_same_ids_and_due_dates_at_its_end(store):
    header = "Team,Quarter,Objective,Key Result,Start,Target,Current\n"
    first = ingest(
        store,
        "a.csv",
        header + "Product,Q2 2027,Improve onboarding,Activation rate,35%,50%,41%\n",
        default_date=dt.date(2027, 5, 31),
    )
    assert first.errors == [], messages(first)
    again = ingest(
        store,
        "b.csv",
        header + "Product,2027-Q2,Improve onboarding,Activation rate,35%,50%,41%\n",
        default_date=dt.date(2027, 5, 31),
    )
    assert again.errors == [] and again.rows_changed == 0
    kr = store.read_tables()["key_results"].iloc[0]
    assert (kr["measure"], kr["due_date"]) == ("percent", pd.Timestamp("2027-06-30"))
    assert store.read_tables()["objectives"]["period"].tolist() == ["2027-Q2"]


def test_kpi_rows_of_a_quarter_written_q2_2027_are_dated_at_its_end(store):
    ingest(store, "okrs.xlsx", xlsx_bytes(SMALL_WORKBOOK))
    text = "Metric;Quarter;Actual;Target\nSales cycle days;Q2 2027;70;\nARR;Q4 2027;;6000000\n"
    result = ingest(store, "kpis.csv", text)
    assert result.errors == [], messages(result)
    checks = store.read_tables()["check_ins"].set_index(["kr_id", "date"])
    assert checks.loc[("SAL-KR2", pd.Timestamp("2027-06-30")), "value"] == 70
    targets = store.read_tables()["company_targets"].set_index(["period", "metric"])
    assert targets.loc[("2027-Q4", "arr"), "target_value"] == 6000000


def test_objective_cells_written_once_per_objective_carry_down_to_its_key_results(store):
    rows = [
        ["Objective", "Key result", "Target", "Current"],
        ["Grow revenue", None, None, None],
        [None, "Sign 5 partners", 5, 2],
        [None, "Close 10 deals", 10, 4],
        ["Delight customers", "Raise NPS to 50", 50, 41],
        [None, "Answer tickets within a day", 95, 90],
    ]
    result = ingest(
        store,
        "okrs.xlsx",
        xlsx_bytes({"OKRs": rows}),
        default_date=dt.date(2027, 5, 31),
        constants={"team": "Sales", "period": "2027-Q2"},
    )
    assert result.errors == [], messages(result)
    tables = store.read_tables()
    krs = tables["key_results"].merge(
        tables["objectives"][["objective_id", "title"]].rename(columns={"title": "objective"})
    )
    assert dict(zip(krs["title"], krs["objective"])) == {
        "Sign 5 partners": "Grow revenue",
        "Close 10 deals": "Grow revenue",
        "Raise NPS to 50": "Delight customers",
        "Answer tickets within a day": "Delight customers",
    }
    assert len(tables["check_ins"]) == 4


def test_an_mrr_bridge_laid_across_with_months_as_columns_is_read(store):
    rows = [
        ["", "Jan 2027", "Feb 2027", "Mar 2027"],
        ["New MRR", 1000, 1200, 900],
        ["Expansion MRR", 200, 100, 300],
        ["Churned MRR", -100, -150, -50],
        ["Ending MRR", 20000, 21150, 22300],
    ]
    result = ingest(store, "finance.xlsx", xlsx_bytes({"Bridge": rows}))
    assert result.errors == [], messages(result)
    stored = store.read_tables()["arr_actuals"].sort_values("month")
    assert stored["month"].tolist() == ["2027-01", "2027-02", "2027-03"]
    assert stored["new"].tolist() == [12000.0, 14400.0, 10800.0]
    assert stored["churn"].tolist() == [1200.0, 1800.0, 600.0]
    assert stored["ending_arr"].tolist() == [240000.0, 253800.0, 267600.0]
