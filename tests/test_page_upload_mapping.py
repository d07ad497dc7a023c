"""The Upload page's mapping step, driven as a team lead with a sheet of their own uses it: a Portuguese
one-row-per-KR CSV whose "Alcançado" column the loaders do not know. The lead maps it with its select
box, marks the traffic-light column ignored, dates the check-ins, saves the mapping as a profile and
commits; a file with the same headers next month is read by the profile without a click. Also the
pure parts (loaders.mapping_edit) and the profile table (store.profiles)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import test_page_upload
from test_page_upload import stored_tables, texts, unescaped

from conftest import DEMO_AS_OF, xlsx_bytes
from loaders.mapping import IGNORE, NOT_USED, FileMapping, SheetMapping, header_signature, propose_mapping
from loaders.mapping_edit import (
    chosen_sheet,
    column_choices,
    first_rows,
    needs_mapping,
    profile_mapping,
    quarter_of,
    sample_values,
    upload_constants,
)
from loaders.read import read_grids
from store import profiles
from store.database import Store, StoreError
from ui import state

HEADERS = ["Objetivo", "Resultado-chave", "Responsável", "Valor inicial", "Meta", "Alcançado", "Semáforo"]
PROFILE = "Planilha OKR Vendas"
upload_page = test_page_upload.upload_page  # the fixture: the Upload page on a writable demo database


def okr_sheet(reached: tuple[float, float]) -> bytes:
    """One row per KR, `;`-separated, Portuguese headers; "Alcançado" (reached) is no known alias."""
    rows = [
        HEADERS,
        ["Crescer a receita", "Fechar 10 novos clientes", "Ana Souza", 0, 10, reached[0], "verde"],
        ["Crescer a receita", "Aumentar o NPS", "Rui Lima", 30, 50, reached[1], "amarelo"],
    ]
    return "\n".join(";".join(str(cell) for cell in row) for row in rows).encode("utf-8")


def by_label(widgets, label: str):
    return next(w for w in widgets if unescaped(w.label) == label)


def preview_of(at) -> pd.DataFrame:
    """The preview of what changes, KR by KR (the step's first rows of each sheet are tables too)."""
    return next(d.value for d in at.dataframe if "progress" in d.value.columns).set_index("title")


def opened_profiles(target: str) -> pd.DataFrame:
    store = Store.open(target)
    try:
        return profiles.list_profiles(store)
    finally:
        store.close()


def sales_readings(target: str) -> pd.DataFrame:
    """Check-ins of the KRs the sheet creates (titles of the sheet), with their titles."""
    tables = stored_tables(target)
    krs = tables["key_results"]
    mine = krs[krs["title"].isin(["Fechar 10 novos clientes", "Aumentar o NPS"])][["kr_id", "title", "objective_id"]]
    return tables["check_ins"].merge(mine, on="kr_id")[["title", "date", "value"]].sort_values(["title", "date"])


@pytest.mark.slow
def test_a_foreign_sheet_is_mapped_saved_as_a_profile_and_the_next_file_is_read_by_it(upload_page):
    at = upload_page(team="Sales")
    at.file_uploader(key=state.UPLOAD_FILE).upload("okrs_maio.csv", okr_sheet((4, 41)), "text/csv").run()
    assert not at.exception, at.exception
    assert "How the file is read" in texts(at, "subheader")
    assert by_label(at.selectbox, "Taken for").value == "kr_list"
    reached = by_label(at.selectbox, "Alcançado")
    assert reached.value == NOT_USED and "current_value" in reached.options
    assert by_label(at.selectbox, "Objetivo").value == "objective"
    first_rows = at.dataframe[0].value  # what each column holds, above the choices
    assert list(first_rows.columns) == HEADERS and first_rows["Alcançado"].tolist() == ["4", "41"]
    assert by_label(at.text_input, "Team").value == "Sales"
    assert by_label(at.text_input, "Period").value == "2027-Q2"
    assert any(
        "Alcançado" in unescaped(row["Problem and how to fix it"])
        for table in at.get("table")
        for row in table.value.to_dict("records")
    )  # not used yet: reported

    reached.set_value("current_value")
    by_label(at.selectbox, "Semáforo").set_value(IGNORE)
    by_label(at.date_input, "Check-in date").set_value(dt.date(2027, 5, 28))
    at.run()
    assert not at.exception, at.exception
    assert not at.get("error"), texts(at, "error")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["New check-ins"] == "2"
    preview = preview_of(at)
    assert sorted(preview.index) == ["Aumentar o NPS", "Fechar 10 novos clientes"]
    assert preview.loc["Fechar 10 novos clientes", "progress"] == pytest.approx(0.4)
    assert preview.loc["Aumentar o NPS", "progress"] == pytest.approx((41 - 30) / (50 - 30))

    by_label(at.text_input, "Profile name").set_value(PROFILE)
    at.button(key=state.UPLOAD_PROFILE_SAVE).click().run()
    assert not at.exception, at.exception
    assert any(f'Saved profile "{PROFILE}"' in unescaped(text) for text in texts(at, "success"))
    saved = opened_profiles(upload_page.target)
    assert saved[["name", "saved_by"]].values.tolist() == [[PROFILE, "Maya Goldberg"]]  # the Sales lead
    assert any(f"Read by the profile **{PROFILE}**" in unescaped(text) for text in texts(at, "info"))
    assert by_label(at.date_input, "Check-in date").value == dt.date(2027, 5, 28)  # kept across the save

    at.button(key=state.UPLOAD_COMMIT).click().run()
    assert not at.exception, at.exception
    assert any("Stored as upload 2" in text for text in texts(at, "success")), texts(at, "success")
    stored = sales_readings(upload_page.target)
    assert stored.values.tolist() == [
        ["Aumentar o NPS", pd.Timestamp("2027-05-28"), 41.0],
        ["Fechar 10 novos clientes", pd.Timestamp("2027-05-28"), 4.0],
    ]
    objectives = stored_tables(upload_page.target)["objectives"]
    assert objectives.loc[objectives["title"] == "Crescer a receita", ["team", "period"]].values.tolist() == [
        ["Sales", "2027-Q2"]
    ]

    # Next month's file, same headers, another name, in a new session: read by the profile by itself.
    again = upload_page(team="Sales")
    again.file_uploader(key=state.UPLOAD_FILE).upload("okrs_junho.csv", okr_sheet((6, 45)), "text/csv").run()
    assert not again.exception, again.exception
    assert any(f"Read by the profile **{PROFILE}**" in unescaped(text) for text in texts(again, "info"))
    assert by_label(again.selectbox, "Alcançado").value == "current_value"
    assert by_label(again.selectbox, "Semáforo").value == IGNORE
    assert by_label(again.text_input, "Profile name").value == PROFILE
    assert not again.get("error"), texts(again, "error")
    assert not any(
        "Alcançado" in unescaped(row["Problem and how to fix it"]) or "Semáforo" in unescaped(row["Column"])
        for table in again.get("table")
        for row in table.value.to_dict("records")
    )
    assert {m.label: m.value for m in again.metric}["New check-ins"] == "2"
    again.button(key=state.UPLOAD_COMMIT).click().run()
    assert any("Stored as upload 3" in text for text in texts(again, "success")), texts(again, "success")
    stored = sales_readings(upload_page.target)
    may_31 = pd.Timestamp(DEMO_AS_OF)  # no date set this time: the review date
    assert stored.values.tolist() == [
        ["Aumentar o NPS", pd.Timestamp("2027-05-28"), 41.0],
        ["Aumentar o NPS", may_31, 45.0],
        ["Fechar 10 novos clientes", pd.Timestamp("2027-05-28"), 4.0],
        ["Fechar 10 novos clientes", may_31, 6.0],
    ]
    krs = stored_tables(upload_page.target)["key_results"]
    assert krs["title"].isin(["Fechar 10 novos clientes", "Aumentar o NPS"]).sum() == 2  # the same KRs, updated


def test_a_workbook_file_skips_the_step_unless_asked(upload_page):
    at = upload_page(team="Sales")
    at.file_uploader(key=state.UPLOAD_FILE).upload(
        "checkins.csv", b"kr_id,date,value\nSAL-O2-KR1,2027-05-31,520000\n", "text/csv"
    ).run()
    assert "How the file is read" not in texts(at, "subheader")
    assert not [s for s in at.selectbox if unescaped(s.label) == "Taken for"]
    at.toggle(key=state.UPLOAD_REVIEW).set_value(True).run()
    assert not at.exception, at.exception
    assert "How the file is read" in texts(at, "subheader")
    assert by_label(at.selectbox, "Taken for").value == "workbook"
    assert by_label(at.selectbox, "Sheet of the workbook format").value == "CheckIns"
    assert by_label(at.selectbox, "kr_id").value == "kr_id"
    assert {m.label: m.value for m in at.metric}["New check-ins"] == "1"


def test_saving_a_profile_checks_the_role_when_it_runs(monkeypatch):
    from store.access import LEAD, VIEWER, Identity
    from ui import records

    viewer = Identity("v@example.com", "V", VIEWER, (), "test")
    monkeypatch.setattr("ui.auth.current_identity", lambda: viewer)
    kind, message = records.save_mapping_profile(PROFILE, "abc", "", "v@example.com", "Sales")
    assert kind == "error" and "only team leads and admins may save column-mapping profiles" in message
    lead = Identity("m@example.com", "M", LEAD, ("Marketing",), "test")
    monkeypatch.setattr("ui.auth.current_identity", lambda: lead)
    kind, message = records.save_mapping_profile(PROFILE, "abc", "", "m@example.com", "Sales")
    assert kind == "error" and "team lead of Marketing, not of Sales" in message


# ---------------------------------------------------------------------------------------------- pure parts


def test_the_choices_and_the_mapping_made_of_them():
    sheets = read_grids("okrs.csv", okr_sheet((4, 41)))
    proposed = propose_mapping("okrs.csv", sheets, True, upload_constants("Sales", "2027-Q2", date=DEMO_AS_OF))
    assert needs_mapping(proposed)
    workbook = read_grids(
        "w.xlsx", xlsx_bytes({"Sheet1": [], "CheckIns": [["kr_id", "date", "value"], ["A", DEMO_AS_OF, 1]]})
    )
    assert not needs_mapping(propose_mapping("w.xlsx", workbook, True))  # an empty sheet beside the data
    item = proposed.sheets[0]
    assert column_choices("kr_list")[:3] == [NOT_USED, IGNORE, "team"]
    assert sample_values(sheets[0], item)["Alcançado"] == "4, 41"
    odd = read_grids("x.csv", b"Meta,Meta,,x\n1,2,3,4\n5,6\n")
    names, body = first_rows(odd[0], SheetMapping("x", "unknown", header_row=1))
    assert names == ["Meta", "Meta (2)", "column 3", "x"] and body == [["1", "2", "3", "4"], ["5", "6", "", ""]]
    chosen = chosen_sheet(item, "kr_list", "", {**item.columns, "Alcançado": "current_value", "Semáforo": "nonsense"})
    assert chosen.columns["Alcançado"] == "current_value" and chosen.columns["Semáforo"] == NOT_USED
    assert "team" not in chosen.constants  # the page's constants are the upload's, given apart
    mapping = FileMapping("okrs.csv", [chosen], upload_constants("Sales", "2027-Q2", "percent", None, DEMO_AS_OF))
    assert mapping.constants == {"team": "Sales", "period": "2027-Q2", "measure": "percent", "date": "2027-05-31"}
    kept = FileMapping.from_toml(profile_mapping(mapping).to_toml())
    assert kept.constants == {"measure": "percent"}  # team, period and date belong to one upload
    assert kept.sheets[0].columns["Alcançado"] == "current_value"
    assert quarter_of(dt.date(2027, 11, 3)) == "2027-Q4"
    assert upload_constants(period="  ", due_date=dt.date(2027, 6, 30)) == {"due_date": "2027-06-30"}


def test_profiles_are_kept_one_per_header_signature(tmp_path):
    store = Store.open(str(tmp_path / "p.duckdb"))
    try:
        signature = header_signature(read_grids("okrs.csv", okr_sheet((4, 41))))
        assert signature == header_signature(read_grids("other.csv", okr_sheet((6, 45))))
        assert profiles.profile_for(store, signature) is None and profiles.list_profiles(store).empty
        assert profiles.save_profile(store, " Vendas  Q2 ", signature, "file = 'a'", "ana") == []
        assert profiles.profile_for(store, signature).name == "Vendas Q2"
        assert profiles.save_profile(store, "Vendas", signature, "file = 'b'", "rui") == ["Vendas Q2"]
        found = profiles.profile_for(store, signature)
        assert (found.name, found.mapping, found.saved_by) == ("Vendas", "file = 'b'", "rui")
        with pytest.raises(StoreError, match="needs a name"):
            profiles.save_profile(store, "  ", signature, "", "ana")
        assert profiles.list_profiles(store)["name"].tolist() == ["Vendas"]
    finally:
        store.close()


DUTCH = (
    "Doelstelling;Kernresultaat;Eigenaar;Beginwaarde;Streefwaarde;Huidige stand\n"
    "Meer omzet;Tien nieuwe klanten;Ana Souza;0;10;3\n"
)


def test_a_sheet_nothing_recognises_is_read_once_its_shape_and_headers_are_chosen(upload_page):
    at = upload_page(team="Sales")
    at.file_uploader(key=state.UPLOAD_FILE).upload("doelen.csv", DUTCH.encode(), "text/csv").run()
    assert not at.exception, at.exception
    assert by_label(at.selectbox, "Taken for").value == "unknown"
    assert at.get("error") and not [b for b in at.button if b.key == state.UPLOAD_COMMIT]
    by_label(at.selectbox, "Taken for").set_value("kr_list").run()
    for header, column in (
        ("Doelstelling", "objective"),
        ("Kernresultaat", "key_result"),
        ("Eigenaar", "owner"),
        ("Beginwaarde", "start_value"),
        ("Streefwaarde", "target_value"),
        ("Huidige stand", "current_value"),
    ):
        by_label(at.selectbox, header).set_value(column)
    at.run()
    assert not at.exception, at.exception
    assert not at.get("error"), texts(at, "error")
    preview = preview_of(at)
    assert preview.loc["Tien nieuwe klanten", "progress"] == pytest.approx(0.3)


@pytest.mark.parametrize(
    "name, content, shape",
    [
        (
            "mrr.csv",
            "month,mrr,new_mrr,expansion_mrr,churned_mrr,contraction_mrr,arr\n"
            "2027-04,100,10,5,3,1,1200\n2027-05,111,12,4,2,1,1332\n",
            "arr_bridge",
        ),
        ("kpis.csv", "KPI,Month,Actual,Target\nNew logos,2027-05,7,10\nNPS,2027-05,41,50\n", "kpi_table"),
    ],
)
def test_finance_sheets_show_their_shape_and_headers(upload_page, name, content, shape):
    at = upload_page(team="Sales")
    at.file_uploader(key=state.UPLOAD_FILE).upload(name, content.encode(), "text/csv").run()
    assert not at.exception, at.exception
    assert by_label(at.selectbox, "Taken for").value == shape
    headers = content.splitlines()[0].split(",")
    assert all(by_label(at.selectbox, header) for header in headers)
