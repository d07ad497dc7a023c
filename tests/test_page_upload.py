"""The Upload progress page driven as a team lead uses it: download the template from the page,
fill it in with openpyxl, upload it through the file uploader, read the report and the preview,
commit, find the upload in the history, undo it. Runs on a demo database of the test's own.

Expected readings and statuses are worked out here from the demo workbook's rows, not by the
analytics package."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from test_page_overview import hand_computed_status
from test_upload_corpus import BAD_FILES, CORPUS, team_of

from charts.theme import STATUS_BADGES
from conftest import DEMO_AS_OF, PROJECT_ROOT, demo_sheets, filled_template, routed_app_tests
from store.database import Store
from ui import state

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def upload_page(writable_demo_db, monkeypatch):
    """open(team=...) → the app switched to the Upload progress page on a writable demo database,
    run once; `downloads` maps each served file's media id to its bytes (what a click downloads)."""
    import streamlit as st
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("OKR_DB", writable_demo_db)
    monkeypatch.setenv("OKR_AS_OF", DEMO_AS_OF.isoformat())
    st.cache_resource.clear()
    st.cache_data.clear()
    downloads: dict[str, bytes] = {}
    serve = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        file_id = serve(self, path_or_data, mimetype, kind, filename)
        downloads[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    routed_app_tests(monkeypatch)

    def opener(**query: str) -> AppTest:
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=90)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        at.switch_page("pages/upload.py")
        at.run()
        assert not at.exception, at.exception
        return at

    opener.downloads = downloads
    opener.target = writable_demo_db
    yield opener
    st.cache_resource.clear()


def stored_tables(target: str) -> dict[str, pd.DataFrame]:
    store = Store.open(target)
    try:
        return store.read_tables()
    finally:
        store.close()


def download(at, opener, label: str) -> bytes:
    button = next(b for b in at.get("download_button") if b.proto.label == label)
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
    return opener.downloads[file_id]


def texts(at, kind: str) -> list[str]:
    return [element.value for element in at.get(kind)]


def problem_rows(at) -> list[dict]:
    """Every problem the report shows by itself (Sheet, Row, Column, Problem and how to fix it): a kind
    of problem on one row is its line of the report, a kind on several rows is listed row by row in
    the expander below the lines."""
    rows = []
    for table in at.get("table"):
        for line in table.value.to_dict("records"):
            if "–" not in line["Rows"] and "," not in line["Rows"]:
                rows.append({"Row": line.pop("Rows"), **line})
    for frame in (d.value for d in at.dataframe if "problem" in d.value.columns):
        rows.extend(
            {
                "Sheet": r["sheet"],
                "Row": "" if pd.isna(r["row"]) else str(r["row"]),
                "Column": r["column"],
                "Problem and how to fix it": r["problem"],
            }
            for r in frame.to_dict("records")
        )
    return rows


def unescaped(text: str) -> str:
    """The page escapes punctuation in user text for Markdown; the reader sees it without backslashes."""
    import re

    return re.sub(r"\\(.)", r"\1", text)


def hand_status(sheets, kr_id: str, value: float) -> str:
    """Status at the as-of date of an increase KR whose latest reading is `value`."""
    kr = sheets["KeyResults"].set_index("kr_id").loc[kr_id]
    raw = (value - kr["start_value"]) / (kr["target_value"] - kr["start_value"])
    return hand_computed_status(kr, raw, pd.Timestamp(DEMO_AS_OF))


def last_value(sheets, kr_id: str) -> float:
    check_ins = sheets["CheckIns"]
    mine = check_ins[(check_ins["kr_id"] == kr_id) & (pd.to_datetime(check_ins["date"]) <= pd.Timestamp(DEMO_AS_OF))]
    return float(mine.sort_values("date")["value"].iloc[-1])


def test_without_a_team_filter_the_page_asks_for_a_team(upload_page):
    at = upload_page()
    assert at.selectbox[0].label == "Team" and at.selectbox[0].value is None
    assert any("Choose your team" in text for text in texts(at, "info"))
    assert not at.get("file_uploader")


@pytest.mark.slow
def test_template_round_trip_previews_commits_and_undoes_exactly_the_filled_rows(upload_page):
    sheets = demo_sheets()
    before = stored_tables(upload_page.target)
    at = upload_page(team="Sales")
    assert at.selectbox[0].value == "Sales"
    template = download(at, upload_page, "Sales template")
    template_rows = pd.read_excel(io.BytesIO(template), sheet_name="CheckIns", engine="openpyxl")
    krs = sheets["KeyResults"]
    sales_objectives = sheets["Objectives"].loc[sheets["Objectives"]["team"] == "Sales", "objective_id"]
    assert sorted(template_rows["kr_id"]) == sorted(krs.loc[krs["objective_id"].isin(sales_objectives), "kr_id"])

    # SAL-O1-KR1 already has a check-in dated the review date: the template's date, so it is updated.
    filled = filled_template(
        template,
        {
            "SAL-O1-KR1": {"value": 1_000_000, "comment": "Acme signed", "confidence": 7},
            "SAL-O2-KR1": {"value": 512_000, "confidence": 8},
        },
    )
    at.file_uploader(key=state.UPLOAD_FILE).upload("sales_may.xlsx", filled, XLSX_MIME).run()
    assert not at.exception, at.exception
    assert not at.get("error")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["New check-ins"] == "1" and metrics["Updated check-ins"] == "1"
    # The preview of what changes (the report's expanders list problems' rows in tables too).
    preview = next(d.value for d in at.dataframe if "progress" in d.value.columns).set_index("kr_id")
    assert sorted(preview.index) == ["SAL-O1-KR1", "SAL-O2-KR1"]
    kr_rows = sheets["KeyResults"].set_index("kr_id")
    for kr_id, new in (("SAL-O1-KR1", 1_000_000), ("SAL-O2-KR1", 512_000)):
        old = last_value(sheets, kr_id)
        assert preview.loc[kr_id, "reading"] == f"${old:,.0f}  →  ${new:,.0f}"
        old_status, new_status = hand_status(sheets, kr_id, old), hand_status(sheets, kr_id, new)
        shown = (
            STATUS_BADGES[old_status]
            if old_status == new_status
            else f"{STATUS_BADGES[old_status]}  →  {STATUS_BADGES[new_status]}"
        )
        assert preview.loc[kr_id, "status"] == shown
        target = kr_rows.loc[kr_id, "target_value"]  # both start at 0
        assert preview.loc[kr_id, "progress"] == pytest.approx(new / target)
        assert preview.loc[kr_id, "change"] == pytest.approx(100 * (new - old) / target)
    assert "→" in preview.loc["SAL-O1-KR1", "status"]  # at risk → on track: the file moves it
    assert stored_tables(upload_page.target)["check_ins"].equals(before["check_ins"])  # nothing stored yet

    at.button(key=state.UPLOAD_COMMIT).click().run()
    assert not at.exception, at.exception
    assert any("Stored as upload 2: CheckIns: 1 new, 1 updated" in text for text in texts(at, "success"))
    after = stored_tables(upload_page.target)
    key = ["kr_id", "date"]
    old, new = before["check_ins"].set_index(key), after["check_ins"].set_index(key)
    changed = new.index[~new.index.isin(old.index)].tolist() + [
        k for k in old.index if not new.loc[k].equals(old.loc[k])
    ]
    may_31 = pd.Timestamp(DEMO_AS_OF)
    assert sorted(changed) == [("SAL-O1-KR1", may_31), ("SAL-O2-KR1", may_31)]
    assert new.loc[("SAL-O1-KR1", may_31), ["value", "comment", "confidence"]].tolist() == [1_000_000, "Acme signed", 7]
    assert new.loc[("SAL-O2-KR1", may_31), ["value", "confidence"]].tolist() == [512_000, 8]
    for name, frame in before.items():
        if name != "check_ins":
            pd.testing.assert_frame_equal(frame, after[name], obj=name)

    # After the commit the page shows its result alone: no report of the file, no "nothing to store".
    assert not at.get("warning") and not at.get("info") and not at.get("metric")
    assert "3. Validation report" not in [h.value for h in at.subheader]
    assert any("sales_may.xlsx is stored as upload 2" in unescaped(c.value) for c in at.caption)
    history = at.dataframe[-1].value
    assert history.iloc[0][["upload_id", "file_name", "rows", "state"]].tolist() == [
        2,
        "sales_may.xlsx",
        "CheckIns 2",
        "in force",
    ]
    assert len(history.iloc[0]["sha256"]) == 12

    assert at.selectbox(key=state.UPLOAD_CHOSEN).value == "2/sales_may.xlsx"  # the latest progress upload
    assert download(at, upload_page, "Download the original file") == filled
    # Nobody is signed in and no name was typed: the undo asks for one, and records it.
    assert at.button(key=state.UPLOAD_UNDO).disabled
    assert at.button(key=state.UPLOAD_UNDO).help == "Type your name first: it is recorded with the undo."
    at.text_input(key=state.UPLOAD_UNDO_BY).set_value("Ana Ruiz").run()
    at.button(key=state.UPLOAD_UNDO).click().run()
    assert any("Undo upload 2?" in text for text in texts(at, "warning"))
    at.button(key=state.UPLOAD_UNDO_CONFIRM).click().run()
    assert not at.exception, at.exception
    assert any("Upload 2 undone" in text for text in texts(at, "success"))
    restored = stored_tables(upload_page.target)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, restored[name], obj=name)
    assert at.dataframe[-1].value.iloc[0]["state"].startswith("undone") and at.dataframe[-1].value.iloc[0][
        "state"
    ].endswith(" by Ana Ruiz")
    opened = Store.open(upload_page.target)
    try:
        assert opened.uploads().set_index("upload_id").loc[2, "undone_by"] == "Ana Ruiz"
    finally:
        opened.close()


@pytest.mark.slow
def test_undo_is_refused_when_a_later_upload_changed_the_same_rows(upload_page):
    at = upload_page(team="Sales")
    first = (CORPUS / "template_filled.xlsx").read_bytes()
    at.file_uploader(key=state.UPLOAD_FILE).upload("first.xlsx", first).run()
    at.button(key=state.UPLOAD_COMMIT).click().run()
    second = b"kr_id,date,value\nSAL-O2-KR1,2027-05-31,520000\n"
    at.file_uploader(key=state.UPLOAD_FILE).clear().upload("second.csv", second).run()
    at.button(key=state.UPLOAD_COMMIT).click().run()
    assert any("Stored as upload 3" in text for text in texts(at, "success"))
    before = stored_tables(upload_page.target)
    at.selectbox(key=state.UPLOAD_CHOSEN).set_value("2/first.xlsx").run()
    at.text_input(key=state.UPLOAD_UNDO_BY).set_value("Ana Ruiz").run()
    at.button(key=state.UPLOAD_UNDO).click().run()
    at.button(key=state.UPLOAD_UNDO_CONFIRM).click().run()
    errors = [unescaped(text) for text in texts(at, "error")]
    assert any("Upload 2 was not undone" in e and "undo upload 3 first" in e for e in errors), errors
    after = stored_tables(upload_page.target)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)


@pytest.mark.slow
@pytest.mark.refused
def test_every_bad_corpus_file_shows_its_problem_and_offers_no_commit(upload_page):
    before = stored_tables(upload_page.target)
    pages = {team: upload_page(team=team) for team in ("Sales", "Engineering")}
    for file_name, (severity, message, where) in BAD_FILES.items():
        at = pages[team_of(file_name)]
        at.file_uploader(key=state.UPLOAD_FILE).clear().upload(file_name, (CORPUS / file_name).read_bytes()).run()
        assert not at.exception, (file_name, at.exception)
        shown = [row for row in problem_rows(at) if message in unescaped(row["Problem and how to fix it"])]
        assert shown, (file_name, problem_rows(at))
        if where is not None:
            sheet, row, column = where
            assert (unescaped(shown[0]["Sheet"]), shown[0]["Row"], unescaped(shown[0]["Column"])) == (
                sheet,
                "" if row is None else str(row),
                column,
            ), file_name
        if severity == "error":
            assert any("Nothing has been stored" in text for text in texts(at, "error")), file_name
        assert not [b for b in at.button if b.key == state.UPLOAD_COMMIT], file_name
    after = stored_tables(upload_page.target)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)


def test_a_check_in_for_another_team_names_that_team(upload_page):
    at = upload_page(team="Marketing")
    at.file_uploader(key=state.UPLOAD_FILE).upload("sales.xlsx", (CORPUS / "template_filled.xlsx").read_bytes()).run()
    problems = [unescaped(row["Problem and how to fix it"]) for row in problem_rows(at)]
    assert (
        "SAL-O2-KR1 is a key result of team Sales, not of team Marketing; choose team Sales to upload it, "
        "or remove the row" in problems
    )


def test_the_preview_names_each_stored_check_in_the_file_replaces_with_old_and_new_value(upload_page):
    sheets = demo_sheets()
    check_ins = sheets["CheckIns"].assign(date=lambda f: pd.to_datetime(f["date"]))
    stored_may_31 = check_ins[(check_ins["kr_id"] == "SAL-O1-KR1") & (check_ins["date"] == pd.Timestamp(DEMO_AS_OF))]
    assert len(stored_may_31) == 1  # the demo has it; SAL-O2-KR1 has none that day
    old = stored_may_31["value"].iloc[0]
    at = upload_page(team="Sales")
    csv = b"kr_id,date,value\nSAL-O1-KR1,2027-05-31,3000000\nSAL-O2-KR1,2027-05-31,512000\n"
    at.file_uploader(key=state.UPLOAD_FILE).upload("may.csv", csv, "text/csv").run()
    assert not at.exception and not at.error
    replaced = [unescaped(i.value) for i in at.info if "will be replaced" in i.value]
    assert replaced == [
        f"**1 check-in stored for the same KR and date will be replaced**:\n"
        f"- SAL-O1-KR1 2027-05-31: ${old:,.0f} → $3,000,000"
    ]


def test_a_cell_with_an_error_gets_no_warning_beside_it(upload_page):
    at = upload_page(team="Sales")
    # SAL-O1-KR1 and SAL-O3-KR2 have no May check-in: each is warned about, except where the file
    # gives a value that cannot be read — that cell has its error, not also "add its current value".
    csv = b"kr_id,date,value\nSAL-O1-KR3,2027-05-31,abc\n"
    at.file_uploader(key=state.UPLOAD_FILE).upload("may.csv", csv, "text/csv").run()
    assert not at.exception
    rows = problem_rows(at)
    on_row_2 = [unescaped(r["Problem and how to fix it"]) for r in rows if r["Row"] == "2"]
    assert on_row_2 == ['"abc" is not a number (write it like 1200 or 45%, or yes/no for a binary KR)']
    problems = [unescaped(r["Problem and how to fix it"]) for r in rows]
    warned = [p for p in problems if "has no check-in" in p]
    assert len(warned) == 1 and warned[0].startswith('SAL-O3-KR2 "')
    assert any("1 warning(s)" in w.value for w in at.warning)


def test_the_undo_choice_never_opens_on_the_company_workbook_and_records_the_name_typed_above(upload_page):
    at = upload_page(team="Sales")
    chosen = at.selectbox(key=state.UPLOAD_CHOSEN)
    assert chosen.value is None and chosen.options == ["Upload 1 · demo_company_2027.xlsx"]
    assert not [b for b in at.button if b.key == state.UPLOAD_UNDO]  # nothing chosen, nothing to undo
    at.text_input(key=state.UPLOAD_BY).set_value("Maya Goldberg").run()
    csv = b"kr_id,date,value\nSAL-O2-KR1,2027-05-31,512000\n"
    at.file_uploader(key=state.UPLOAD_FILE).upload("may.csv", csv, "text/csv").run()
    at.button(key=state.UPLOAD_COMMIT).click().run()
    assert at.selectbox(key=state.UPLOAD_CHOSEN).value == "2/may.csv"
    assert not [t for t in at.text_input if t.key == state.UPLOAD_UNDO_BY]  # the name above is the undoer's
    at.button(key=state.UPLOAD_UNDO).click().run()
    at.button(key=state.UPLOAD_UNDO_CONFIRM).click().run()
    assert any("marked undone by Maya Goldberg" in unescaped(s.value) for s in at.success)
    assert at.dataframe[-1].value.iloc[0]["state"].endswith(" by Maya Goldberg")
