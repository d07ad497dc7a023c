"""The SWOT page on the demo data: the pooled view and split recomputed from the Swot sheet; the
entry form and the priorities → company objectives form on a copy of the demo database."""

from __future__ import annotations

import pytest

from conftest import chart_values, charts_by_title, demo_sheets
from store.database import Store

LABELS = {"strength": "Strengths", "weakness": "Weaknesses", "opportunity": "Opportunities", "threat": "Threats"}


@pytest.fixture
def writable(open_page, writable_demo_db, monkeypatch):
    """open_page on a demo database that the test may write to; returns (opener, its target)."""
    monkeypatch.setenv("OKR_DB", writable_demo_db)
    return open_page, writable_demo_db


def test_pooled_view_counts_and_split(open_page):
    at = open_page("pages/swot.py")
    at.run()
    assert not at.exception
    sheet = demo_sheets()["Swot"]
    distinct = sheet.assign(key=sheet["item"].str.strip().str.casefold()).drop_duplicates(["quadrant", "key"])
    per_quadrant = distinct["quadrant"].value_counts()
    internal = per_quadrant["strength"] + per_quadrant["weakness"]
    external = per_quadrant["opportunity"] + per_quadrant["threat"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["SWOT items"] == str(len(distinct))
    assert metrics["Leaders"] == str(sheet["leader"].nunique())
    assert (metrics["Internal"], metrics["External"]) == (str(internal), str(external))
    subheaders = {s.value for s in at.subheader}
    for quadrant, label in LABELS.items():
        assert f"{label} · {per_quadrant[quadrant]}" in subheaders
    grids = [d.value for d in at.dataframe]
    weaknesses = next(g for g in grids if set(g["item"]) & set(sheet.loc[sheet["quadrant"] == "weakness", "item"]))
    assert sorted(weaknesses["item"]) == sorted(sheet.loc[sheet["quadrant"] == "weakness", "item"])
    split = charts_by_title(at)[f"Internal {internal} vs external {external} items"]
    segments = {trace["name"]: chart_values(trace["x"])[0] for trace in split["data"]}
    assert segments == {LABELS[q]: per_quadrant[q] for q in LABELS}


def test_an_item_entered_in_the_form_is_stored_and_audited(writable):
    open_page, path = writable
    at = open_page("pages/swot.py")
    at.run()
    next(s for s in at.selectbox if s.label == "Leader").set_value("Maya Goldberg")
    next(s for s in at.selectbox if s.label == "Quadrant").set_value("threat")
    next(t for t in at.text_input if t.label == "Item").set_value("A new entrant with VC money")
    next(b for b in at.button if b.label == "Add item").click().run()
    assert not at.exception
    assert any("Added to Maya Goldberg's threats: A new entrant with VC money" in s.value for s in at.success)
    sheet = demo_sheets()["Swot"]
    assert {m.label: m.value for m in at.metric}["SWOT items"] == str(len(sheet) + 1)
    store = Store.open(str(path))
    try:
        stored = store.read_table("swot")
        assert ((stored["leader"] == "Maya Goldberg") & (stored["item"] == "A new entrant with VC money")).sum() == 1
        assert store.uploads()["file_name"].iloc[0] == "swot-form-entry.csv"
    finally:
        store.close()


def test_an_empty_item_is_refused(writable):
    open_page, path = writable
    at = open_page("pages/swot.py")
    at.run()
    next(s for s in at.selectbox if s.label == "Leader").set_value("Maya Goldberg")
    next(b for b in at.button if b.label == "Add item").click().run()
    assert any("Not added: the item is empty." in e.value for e in at.error)
    store = Store.open(str(path))
    try:
        assert len(store.read_table("swot")) == len(demo_sheets()["Swot"])
    finally:
        store.close()


def test_priorities_become_company_objectives(writable):
    open_page, path = writable
    at = open_page("pages/swot.py")
    at.run()
    picker = next(m for m in at.multiselect if m.label.startswith("Pick 2–3 strategic priorities"))
    chosen = [o for o in picker.options if "Founder-led sales does not scale" in o or "No proven second" in o]
    assert len(chosen) == 2
    picker.set_value(chosen).run()
    assert not at.exception
    ids = [t.value for t in at.text_input if t.label.startswith("Objective id")]
    objectives = demo_sheets()["Objectives"]
    highest = objectives["objective_id"].str.extract(r"^CO-(\d+)$")[0].dropna().astype(int).max()
    assert ids == [f"CO-{highest + 1}", f"CO-{highest + 2}"]
    assert [t.value for t in at.text_input if t.label.startswith("Period")] == ["2027", "2027"]
    next(t for t in at.text_input if t.label == "Title, priority 1").set_value("Sell without the founders")
    next(b for b in at.button if b.label == "Create company objectives").click().run()
    assert not at.exception
    assert any(
        f"Created company objective(s) CO-{highest + 1}, CO-{highest + 2} for 2027" in s.value for s in at.success
    )
    store = Store.open(str(path))
    try:
        stored = store.read_table("objectives").set_index("objective_id")
        created = stored.loc[[f"CO-{highest + 1}", f"CO-{highest + 2}"]]
        assert created["level"].tolist() == ["company", "company"]
        assert created["title"].tolist() == ["Sell without the founders", "No proven second acquisition channel"]
        assert created["context"].iloc[1].startswith("From the SWOT (weakness raised by Alexandre Laurent)")
        assert store.uploads()["file_name"].iloc[0] == "company-objectives-from-swot.csv"
    finally:
        store.close()
