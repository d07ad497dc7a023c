"""The review meeting and quarterly retrospective pages on a copy of the demo database: the agenda
read from the workbook, a decision, an action and notes recorded and found stored and shown the next
month, a mistaken decision undone with its audit trail, a missed KR carried into the next quarter."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import chart_values, charts_by_title, demo_sheets
from store.database import Store
from ui import state

NAME = "Alexandre Laurent"


@pytest.fixture
def writable(open_page, writable_demo_db, monkeypatch):
    monkeypatch.setenv("OKR_DB", writable_demo_db)
    return open_page, writable_demo_db


def stored(path: str, table: str) -> pd.DataFrame:
    opened = Store.open(path)
    try:
        return opened.read_table(table)
    finally:
        opened.close()


def may_decisions(path: str) -> pd.DataFrame:
    """Decisions dated in May (the demo data holds April's)."""
    decisions = stored(path, "decisions")
    return decisions[decisions["date"] >= pd.Timestamp("2027-05-01")]


def meeting(open_page, as_of: str = "2027-05-31"):
    at = open_page("pages/review_meeting.py", as_of=as_of)
    at.run()
    assert not at.exception
    return at


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_the_agenda_reads_arr_against_plan_from_the_workbook(open_page):
    at = meeting(open_page)
    assert [h.value for h in at.header] == [
        "Before the agenda · Missing updates",
        "1 · Company ARR against plan",
        "2 · Actions from earlier reviews",
        "3 · Each team in turn",
        "4 · To change or cancel",
        "5 · Decisions",
        "6 · Actions agreed",
        "7 · Notes",
        "Record and undo",
    ]
    sheets = demo_sheets()
    arr = sheets["ArrActuals"].set_index("month")
    may = arr.loc["2027-05", "ending_arr"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["ARR at the end of May"] == f"${may / 1e6:.2f}M"
    teams = next(d.value for d in at.dataframe if "link" in d.value.columns)
    assert set(teams["team"]) == set(sheets["Teams"]["team"])
    # May opens with April's actions: the open ones first, overdue first, then the closed ones.
    april = sheets["Actions"]
    april = april[april["review_month"] == "2027-04"]
    follow_up = next(d.value for d in at.dataframe if "review_month" in d.value.columns)
    overdue = april[(april["status"] == "open") & (pd.to_datetime(april["due_date"]) < pd.Timestamp("2027-05-31"))]
    expected = [
        *overdue.sort_values("due_date")["action_id"],
        *april[(april["status"] == "open") & ~april["action_id"].isin(overdue["action_id"])].sort_values("due_date")[
            "action_id"
        ],
        *april[april["status"] != "open"].sort_values("due_date")["action_id"],
    ]
    assert list(follow_up["action_id"]) == expected
    assert f"**{(april['status'] == 'open').sum()} still open**, of which **{len(overdue)} overdue** ⚠" in " ".join(
        m.value for m in at.markdown
    )


def test_nothing_is_recorded_without_a_name_and_the_buttons_say_why(writable):
    open_page, _ = writable
    at = meeting(open_page)
    name_first = "Enter your name at the top of the page first: it is recorded with what you record."
    for label in ("Record the decision", "Record the action", "Save the notes"):
        assert button(at, label).disabled and button(at, label).help == name_first, label
    assert sum(c.value == f":material/info: {name_first}" for c in at.caption) >= 3
    at.text_input(key=state.MEETING_BY).set_value(NAME).run()
    assert not button(at, "Record the action").disabled and not button(at, "Save the notes").disabled
    decide = button(at, "Record the decision")
    assert decide.disabled and decide.help == "Pick a key result first."
    at.selectbox(key=state.MEETING_DECISION_KR).set_value("SAL-O3-KR2").run()
    assert not button(at, "Record the decision").disabled


@pytest.mark.slow
def test_a_decision_an_action_and_notes_are_stored_and_shown_the_next_month(writable):
    open_page, path = writable
    at = meeting(open_page)
    at.text_input(key=state.MEETING_BY).set_value(NAME).run()
    kr_id = "SAL-O2-KR2"  # Close 28 new-logo deals
    at.selectbox(key=state.MEETING_DECISION_KR).set_value(kr_id).run()
    at.radio(key=state.MEETING_DECISION_KIND).set_value("change").run()
    at.number_input(key=state.MEETING_NEW_TARGET).set_value(12.0)
    at.text_area(key=state.MEETING_REASON).set_value("Scope halved after the April review")
    button(at, "Record the decision").click().run()
    assert not at.exception
    assert any(f"Recorded the decision change {kr_id}" in s.value for s in at.success)

    at.text_input(key=state.MEETING_ACTION_TITLE).set_value("Call the three largest partners")
    at.text_input(key=state.MEETING_ACTION_OWNER).set_value("Victor Almeida")
    at.selectbox(key=state.MEETING_ACTION_TEAM).set_value("Alliances")
    button(at, "Record the action").click().run()
    at.text_area(key=f"{state.MEETING_NOTES}-2027-05").set_value("Partners slow; pipeline review in June.")
    button(at, "Save the notes").click().run()
    assert not at.exception

    decisions = stored(path, "decisions")
    row = decisions.set_index("kr_id").loc[kr_id]
    assert (row["decision"], row["new_target_value"], row["decided_by"]) == ("change", 12.0, NAME)
    assert row["date"] == pd.Timestamp("2027-05-31")
    actions = stored(path, "actions").set_index("action_id")
    assert list(actions[actions["review_month"] == "2027-05"].index) == ["A-2027-05-01"]
    assert actions.loc["A-2027-05-01", ["title", "owner", "team", "status"]].tolist() == [
        "Call the three largest partners",
        "Victor Almeida",
        "Alliances",
        "open",
    ]
    assert actions.loc["A-2027-05-01", "due_date"] == pd.Timestamp("2027-06-30")  # default: the next month's end
    notes = stored(path, "review_notes").set_index("review_month")
    assert notes.loc["2027-05", "notes"] == "Partners slow; pipeline review in June."
    shown = next(d.value for d in at.dataframe if "change" in d.value.columns)
    assert list(shown["kr_id"]) == [kr_id] and shown.iloc[0]["change"] == "target 28 deals → 12 deals"

    june = meeting(open_page, "2027-06-30")
    follow_up = next(d.value for d in june.dataframe if "review_month" in d.value.columns)  # the status editor
    still_open = actions[actions["status"] == "open"]
    assert set(follow_up.loc[follow_up["status"] == "open", "action_id"]) == set(still_open.index)
    assert "A-2027-05-01" in set(follow_up["action_id"])
    # June's meeting has no decisions of its own, but the KR is measured against its new target.
    assert any(c.value == "No decision recorded in June 2027 yet." for c in june.caption)
    team_page = open_page("pages/team.py", team="Alliances", as_of="2027-06-30")
    team_page.run()
    team_actions = next(d.value for d in team_page.dataframe if "action_id" in d.value.columns)
    assert set(team_actions["action_id"]) == {"A-2027-05-01", *actions[actions["team"] == "Alliances"].index}


def to_decide(at) -> list[str]:
    """The KRs of the agenda's To change or cancel table (or the page's): those still to decide on."""
    return list(next(d.value for d in at.dataframe if "reasons" in d.value.columns)["kr_id"])


def decided(at) -> dict[str, str]:
    """KR → its mark in the list of KRs decided at this meeting."""
    frame = next((d.value for d in at.dataframe if "decided" in d.value.columns), pd.DataFrame(columns=["kr_id"]))
    return dict(zip(frame["kr_id"], frame.get("decided", [])))


@pytest.mark.slow
def test_a_decision_takes_the_kr_out_of_the_list_to_decide_marked_with_what_was_decided(writable):
    open_page, path = writable
    at = meeting(open_page)
    assert {"BOP-O2-KR2", "ALL-O1-KR3"} <= set(to_decide(at)) and decided(at) == {}
    at.text_input(key=state.MEETING_BY).set_value(NAME).run()
    at.selectbox(key=state.MEETING_DECISION_KR).set_value("BOP-O2-KR2").run()  # a percent KR, target 12 %
    at.radio(key=state.MEETING_DECISION_KIND).set_value("change").run()
    at.number_input(key=state.MEETING_NEW_TARGET).set_value(10.0)
    at.text_area(key=state.MEETING_REASON).set_value("The migration ends in June")
    button(at, "Record the decision").click().run()
    assert not at.exception and not at.error
    # The form is empty again, ready for the next KR.
    assert at.selectbox(key=state.MEETING_DECISION_KR).value is None
    assert at.radio(key=state.MEETING_DECISION_KIND).value == "keep"
    assert at.text_area(key=state.MEETING_REASON).value == ""
    assert button(at, "Record the decision").help == "Pick a key result first."
    at.selectbox(key=state.MEETING_DECISION_KR).set_value("ALL-O1-KR3").run()
    at.text_area(key=state.MEETING_REASON).set_value("Blocked on legal, not on demand")
    button(at, "Record the decision").click().run()

    marks = {"BOP-O2-KR2": "decided 31 May: target 12% → 10%", "ALL-O1-KR3": "kept 31 May"}
    assert decided(at) == marks
    assert not set(marks) & set(to_decide(at))
    assert at.selectbox(key=state.MEETING_DECISION_KR).options[0] == at.selectbox(
        key=state.MEETING_DECISION_KR
    ).format_func(to_decide(at)[0])  # the next KR to decide on comes first
    assert set(may_decisions(path)["kr_id"]) == set(marks)

    page = open_page("pages/change_or_cancel.py", as_of="2027-05-31")
    page.run()
    assert not page.exception
    assert decided(page) == marks and not set(marks) & set(to_decide(page))
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["KRs to decide on"].startswith(f"{len(to_decide(page))} of ")
    june = open_page("pages/change_or_cancel.py", as_of="2027-06-30")  # June's review decides again
    june.run()
    assert decided(june) == {}


def test_the_action_form_is_empty_after_recording(writable):
    open_page, path = writable
    at = meeting(open_page)
    at.text_input(key=state.MEETING_BY).set_value(NAME).run()
    at.text_input(key=state.MEETING_ACTION_TITLE).set_value("Call the three largest partners")
    at.text_input(key=state.MEETING_ACTION_OWNER).set_value("Victor Almeida")
    at.selectbox(key=state.MEETING_ACTION_TEAM).set_value("Alliances")
    at.selectbox(key=state.MEETING_ACTION_KR).set_value("ALL-O1-KR3")
    at.date_input(key=state.MEETING_ACTION_DUE).set_value(pd.Timestamp("2027-06-15").date())
    button(at, "Record the action").click().run()
    assert not at.exception and not at.error
    assert stored(path, "actions").set_index("action_id").loc["A-2027-05-01", "kr_id"] == "ALL-O1-KR3"
    assert at.text_input(key=state.MEETING_ACTION_TITLE).value == ""
    assert at.text_input(key=state.MEETING_ACTION_OWNER).value == ""
    assert at.selectbox(key=state.MEETING_ACTION_TEAM).value is None
    assert at.selectbox(key=state.MEETING_ACTION_KR).value is None
    assert at.date_input(key=state.MEETING_ACTION_DUE).value == pd.Timestamp("2027-06-30").date()  # the default


def test_a_mistaken_decision_is_undone_and_the_undo_is_audited(writable):
    open_page, path = writable
    at = meeting(open_page)
    at.text_input(key=state.MEETING_BY).set_value(NAME).run()
    kr_id = "SAL-O1-KR1"
    at.selectbox(key=state.MEETING_DECISION_KR).set_value(kr_id).run()
    at.radio(key=state.MEETING_DECISION_KIND).set_value("cancel").run()
    at.text_area(key=state.MEETING_REASON).set_value("Wrong KR")
    button(at, "Record the decision").click().run()
    assert list(may_decisions(path)["kr_id"]) == [kr_id]
    button(at, "Undo it").click().run()
    assert not at.exception
    assert any(" undone: 1 row(s) put back as they were" in s.value for s in at.success)
    assert may_decisions(path).empty
    opened = Store.open(path)
    uploads = opened.uploads()
    opened.close()
    record = uploads[uploads["file_name"] == f"review-2027-05 decision cancel {kr_id}.xlsx"].iloc[0]
    assert (record["uploaded_by"], record["undone_by"]) == (NAME, NAME) and pd.notna(record["undone_at"])


def test_a_cancel_without_a_reason_is_refused_and_nothing_is_stored(writable):
    open_page, path = writable
    at = meeting(open_page)
    at.text_input(key=state.MEETING_BY).set_value(NAME).run()
    at.selectbox(key=state.MEETING_DECISION_KR).set_value("SAL-O1-KR1").run()
    at.radio(key=state.MEETING_DECISION_KIND).set_value("cancel").run()
    button(at, "Record the decision").click().run()
    assert any("Say why (cancel needs a reason the team will read)." in e.value for e in at.error)
    assert may_decisions(path).empty


def test_the_retrospective_scores_the_quarter_and_carries_a_missed_kr_over(writable):
    open_page, path = writable
    at = open_page("pages/retrospective.py", as_of="2027-07-15")
    at.run()
    assert not at.exception
    sheets = demo_sheets()
    objectives, key_results = sheets["Objectives"], sheets["KeyResults"]
    q2_krs = key_results[
        key_results["objective_id"].isin(objectives.loc[objectives["period"] == "2027-Q2", "objective_id"])
    ]
    metrics = {m.label: m.value for m in at.metric}
    completed, of = metrics["KRs completed"].split(" of ")
    missed, _ = metrics["KRs missed"].split(" of ")
    assert int(of) == len(q2_krs) and int(completed) + int(missed) == len(q2_krs)
    figure = charts_by_title(at)["2027-Q2: key results completed and missed per team"]
    per_team = {}
    for trace in figure["data"][:3]:  # completed, missed, cancelled, stacked
        for team, count in zip(chart_values(trace["y"]), chart_values(trace["x"])):
            per_team[team] = per_team.get(team, 0) + count
    expected = q2_krs["objective_id"].map(objectives.set_index("objective_id")["team"]).value_counts()
    assert per_team == expected.to_dict()

    team = at.selectbox(key=state.RETRO_TEAM).value
    missed_kr = at.multiselect(key=state.RETRO_CARRY).options[0].split(" · ")[0]
    at.multiselect(key=state.RETRO_CARRY).select(at.multiselect(key=state.RETRO_CARRY).options[0])
    at.text_input(key=state.RETRO_BY).set_value(NAME).run()
    button(at, "Carry 1 over").click().run()
    assert not at.exception
    assert any("Carried 1 KR(s) into 2027-Q3" in s.value for s in at.success)
    krs = stored(path, "key_results").set_index("kr_id")
    objective_id = key_results.set_index("kr_id").loc[missed_kr, "objective_id"]
    carried = krs.loc[f"{objective_id}-2027-Q3{missed_kr.removeprefix(objective_id)}"]
    assert carried["due_date"] == pd.Timestamp("2027-09-30")
    assert carried["target_value"] == key_results.set_index("kr_id").loc[missed_kr, "target_value"]
    assert stored(path, "objectives").set_index("objective_id").loc[f"{objective_id}-2027-Q3", "period"] == "2027-Q3"
    assert team  # the team view follows the sidebar's team or the first team


def test_a_running_quarter_is_scored_so_far_and_nothing_is_missed_yet(open_page):
    at = open_page("pages/retrospective.py")  # 31 May: the second quarter runs until 30 June
    at.run()
    assert not at.exception
    assert any("2027-Q2 is still running" in w.value for w in at.warning)
    metrics = {m.label: m.value for m in at.metric}
    assert "KRs still open" in metrics and "KRs missed" not in metrics
    figure = charts_by_title(at)["2027-Q2: key results completed so far per team"]
    assert [trace["name"] for trace in figure["data"][:3]] == ["Completed", "Still open", "Cancelled"]
    assert any(c.value == "Missed KRs can be carried over once 2027-Q2 has ended." for c in at.caption)


def test_rows_the_store_refuses_are_reported_and_nothing_is_stored(writable, monkeypatch):
    import streamlit as st

    from analytics.meetings import decision_row
    from store.access import RECORD_REVIEW
    from ui.records import record_rows

    _, path = writable
    st.cache_resource.clear()
    row = decision_row("NO-SUCH-KR", "2027-05-31", "keep", None, None, "", NAME)
    kind, message = record_rows({"decisions": row}, NAME, "review-2027-05 x.xlsx", RECORD_REVIEW, "stored")
    # Sheet, column and problem, escaped for Markdown.
    assert kind == "error"
    assert message.startswith('Nothing was recorded: Decisions kr\\_id\\: unknown kr\\_id \\"NO\\-SUCH\\-KR\\"')
    assert may_decisions(path).empty


def test_missing_updates_come_before_the_agenda_as_computed_by_hand(open_page):
    import okr_by_hand

    at = meeting(open_page)
    headers = [h.value for h in at.header]
    assert headers.index("Before the agenda · Missing updates") < headers.index("1 · Company ARR against plan")
    sheets = okr_by_hand.workbook()
    day = pd.Timestamp("2027-05-31")
    missing, in_force = set(), 0
    for kr in okr_by_hand.krs_in_force(sheets, day):
        in_force += 1
        _, _, last = okr_by_hand.measured(sheets, kr, day)
        if last is None or not day - pd.Timedelta(days=30) < last <= day:
            missing.add(kr["kr_id"])
    table = next(d.value for d in at.dataframe if "silence" in d.value.columns)
    assert set(table["kr_id"]) == missing
    assert f"**{in_force - len(missing)} of {in_force}** key results updated" in " ".join(m.value for m in at.markdown)
    health = charts_by_title(at)["Updated in the last 30 days, by team"]
    by_team = okr_by_hand.health(sheets, day, "team")
    shown = dict(zip(chart_values(health["data"][0]["y"]), chart_values(health["data"][0]["x"])))
    for team, (_, _, share, _) in by_team.items():
        assert shown[team] == pytest.approx(share, rel=1e-3)
