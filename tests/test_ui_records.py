"""ui.records, the one path by which pages write: every write checks the signed-in user's role when it
runs, so a viewer's write is refused and stores nothing, whatever the page drew; an admin's goes
through. Run as a small Streamlit script under AppTest, signed in as in tests/test_auth.py."""

from __future__ import annotations

import copy

import pytest
from test_auth import ACCESS_FILE, ADMIN_EMAIL, AUTH_SECRETS, VIEWER_EMAIL, sign_in

from conftest import routed_app_tests
from store import access
from store import scenarios as saved
from store.database import Store


def every_write(target_name: str) -> None:
    """The script: each write of ui.records once, the outcomes left in session state."""
    import pandas as pd
    import streamlit as st

    from store.access import CREATE_COMPANY_OBJECTIVES, EDIT_SWOT, RECORD_REVIEW, UNDO_UPLOAD, VIEWER
    from store.database import UploadedFile
    from ui import records

    swot = pd.DataFrame({"leader": ["Maya Goldberg"], "quadrant": ["threat"], "item": ["A new entrant"]})
    objective = pd.DataFrame(
        {"objective_id": ["CO-99"], "period": ["2027"], "level": ["company"], "title": ["Win the mid-market"]}
    )
    notes = pd.DataFrame({"review_month": ["2027-05"], "notes": ["Moved"], "written_by": ["x"]})
    scenario = {"target_arr": 1.0}
    targets = pd.DataFrame({"period": ["2027-Q1"], "metric": ["bookings"], "start_value": [0.0], "target_value": [1.0]})
    csv = UploadedFile("swot.csv", b"leader,quadrant,item\nMaya Goldberg,threat,Another entrant\n")
    st.session_state["outcomes"] = {
        "record_rows": records.record_rows(
            {"review_notes": notes}, "x", "review-2027-05 notes.xlsx", RECORD_REVIEW, "Recorded"
        ),
        "record_table_rows": records.record_table_rows(
            "swot", swot, "x", "swot-form-entry.csv", EDIT_SWOT, "Added", "Unchanged"
        ),
        "objectives": records.record_table_rows(
            "objectives", objective, "x", "o.csv", CREATE_COMPANY_OBJECTIVES, "Created", "Unchanged"
        ),
        "store_files": records.store_files([csv], "x", EDIT_SWOT),
        "undo_upload": records.undo_upload(1, "x", UNDO_UPLOAD),
        "save_scenario": records.save_scenario(target_name, scenario, "x"),
        "rename_scenario": records.rename_scenario("Stored plan", "Renamed plan"),
        "delete_scenario": records.delete_scenario("Renamed plan"),
        "publish_targets": records.publish_targets(targets, scenario, "Stored plan", "x"),
        "grant_access": records.grant_access("someone@example.com", VIEWER, [], "x"),
        "remove_access": records.remove_access("someone@example.com", "x"),
    }


@pytest.fixture
def run_as(writable_demo_db, tmp_path, monkeypatch):
    """run_as(email, script, *args) → the AppTest of `script` run signed in as `email`, on a writable
    demo database holding one saved scenario, with the access file of tests/test_auth.py."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    path = tmp_path / "access.toml"
    path.write_text(ACCESS_FILE, encoding="utf-8")
    monkeypatch.setenv(access.ACCESS_FILE_VARIABLE, str(path))
    monkeypatch.setenv("OKR_DB", writable_demo_db)
    routed_app_tests(monkeypatch)
    opened = Store.open(writable_demo_db)
    saved.save_scenario(opened, "Stored plan", {"target_arr": 2.0}, "tester")
    opened.close()
    st.cache_resource.clear()

    def run(email: str, script, *args):
        at = AppTest.from_function(script, args=args, default_timeout=60)
        at.secrets = copy.deepcopy(AUTH_SECRETS)
        sign_in(at, email)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    run.target = writable_demo_db
    yield run
    st.cache_resource.clear()


def stored_state(target: str) -> tuple:
    opened = Store.open(target)
    try:
        return (
            len(opened.uploads()),
            opened.uploads()["undone_at"].notna().sum(),
            saved.list_scenarios(opened)["name"].tolist(),
            len(access.access_log(opened)),
            len(opened.read_table("swot")),
        )
    finally:
        opened.close()


def test_a_viewers_writes_are_refused_when_they_run_and_store_nothing(run_as):
    before = stored_state(run_as.target)
    outcomes = run_as(VIEWER_EMAIL, every_write, "Viewer plan").session_state["outcomes"]
    refused = f"{VIEWER_EMAIL} is a viewer: only"
    assert outcomes.pop("store_files") == (
        f"{VIEWER_EMAIL} is a viewer: only team leads and admins may add SWOT items."
    )
    for name, (kind, message) in outcomes.items():
        assert kind == "error", name
        assert refused in message.replace("\\", ""), (name, message)
    assert outcomes["save_scenario"][1].startswith("Not saved: ")
    assert outcomes["undo_upload"][1].startswith("Upload 1 was not undone: ")
    assert stored_state(run_as.target) == before


def test_an_admins_writes_go_through_the_same_path(run_as):
    at = run_as(ADMIN_EMAIL, every_write, "Admin plan")
    outcomes = at.session_state["outcomes"]
    assert outcomes["save_scenario"] == ("success", 'Saved "Admin plan".')
    assert outcomes["record_table_rows"] == ("success", "Added")
    assert outcomes["record_rows"] == ("success", "Recorded")
    assert outcomes["objectives"] == ("success", "Created")
    assert outcomes["store_files"].stored
    assert outcomes["publish_targets"] == ("success", "Published: 1 company target(s) changed.")
    assert outcomes["grant_access"][0] == "success" and outcomes["remove_access"][0] == "success"
    uploads, undone, scenarios, access_changes, swot_items = stored_state(run_as.target)
    assert undone == 1 and scenarios == ["Admin plan"] and access_changes == 2
