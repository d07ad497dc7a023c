"""The KR types page on the demo data, checked against counts computed here from the workbook rows,
without the analytics package."""

from __future__ import annotations

import pytest
from test_page_due_dates import in_force_krs
from test_page_overview import hand_computed_progress

from conftest import chart_values, charts_by_title, demo_sheets

TYPES = ("discovery", "input", "output", "outcome")
MIX = "Key results by type, per team"
PROGRESS = "Progress by KR type vs expected by now"


@pytest.fixture
def kr_types(open_page):
    at = open_page("pages/kr_types.py")
    at.run()
    assert not at.exception
    return at


def test_type_counts_per_team_in_the_chart_are_the_workbooks(kr_types):
    krs = in_force_krs(demo_sheets())
    counts = krs.groupby(["team", "kr_type"]).size()
    traces = {trace["name"]: trace for trace in charts_by_title(kr_types)[MIX]["data"]}
    assert set(traces) == set(TYPES)
    for kr_type, trace in traces.items():
        shown = dict(zip(chart_values(trace["y"]), chart_values(trace["x"])))
        assert set(shown) == set(krs["team"])
        assert shown == {team: counts.get((team, kr_type), 0) for team in shown}

    metrics = {m.label: m for m in kr_types.metric}
    assert metrics["Outcome KRs"].value == f"{(krs['kr_type'] == 'outcome').sum()} of {len(krs)}"


def test_objectives_without_an_outcome_kr_are_flagged(kr_types):
    krs = in_force_krs(demo_sheets())
    types = krs.groupby("objective_id")["kr_type"].agg(set)
    no_outcome = sorted(types[types.map(lambda t: "outcome" not in t)].index)
    input_only = sorted(types[types.map(lambda t: t == {"input"})].index)
    assert no_outcome  # the demo has some: the test can tell a missing list from an empty one

    tables = [table.value for table in kr_types.dataframe]
    flagged = next(t for t in tables if list(t.columns) == ["team", "objective_id", "title", "kr_count"])
    assert sorted(flagged["objective_id"]) == no_outcome
    objectives = demo_sheets()["Objectives"].set_index("objective_id")
    assert list(flagged["title"]) == list(objectives.loc[flagged["objective_id"], "title"])
    assert list(flagged["team"]) == list(objectives.loc[flagged["objective_id"], "team"])
    assert "cannot show impact" in kr_types.warning[0].value
    metrics = {m.label: m.value for m in kr_types.metric}
    assert metrics["Objectives without an outcome KR"] == f"{len(no_outcome)} of {len(types)}"
    assert metrics["Objectives with input KRs only"] == f"{len(input_only)} of {len(types)}"


def test_type_mix_per_objective_table(kr_types):
    krs = in_force_krs(demo_sheets())
    expected = krs.groupby(["objective_id", "kr_type"]).size().unstack(fill_value=0)
    table = kr_types.dataframe[-1].value.set_index("objective_id")
    assert set(table.index) == set(expected.index)
    for kr_type in TYPES:
        assert table[kr_type].to_dict() == expected[kr_type].to_dict()
    assert (table["total"] == table[list(TYPES)].sum(axis=1)).all()


def test_progress_by_type_is_the_mean_of_each_types_krs(kr_types):
    sheets = demo_sheets()
    progress = hand_computed_progress(sheets)
    krs = in_force_krs(sheets).assign(progress=lambda f: f["kr_id"].map(progress))
    expected = krs.groupby("kr_type")["progress"].mean()
    bars = charts_by_title(kr_types)[PROGRESS]["data"][0]
    shown = {label.split("<br>")[0]: value for label, value in zip(chart_values(bars["y"]), chart_values(bars["x"]))}
    assert shown == pytest.approx(expected.to_dict())


def test_an_input_only_objective_is_listed_as_activity_without_results(open_page, monkeypatch):
    """The demo has no input-only objective, so its KR types are changed in the test's own copy of
    the tables: SAL-O3's KRs all become inputs."""
    import ui.context

    real_tables = ui.context._tables

    def with_input_only(target, version):
        tables = real_tables(target, version)
        key_results = tables["key_results"].copy()
        key_results.loc[key_results["objective_id"] == "SAL-O3", "kr_type"] = "input"
        return {**tables, "key_results": key_results}

    monkeypatch.setattr(ui.context, "_tables", with_input_only)
    at = open_page("pages/kr_types.py")
    at.run()
    assert not at.exception
    assert any("activity without results" in warning.value for warning in at.warning)
    tables = [table.value for table in at.dataframe if "kr_count" in table.value.columns]
    assert list(tables[1]["objective_id"]) == ["SAL-O3"]
    assert "SAL-O3" in set(tables[0]["objective_id"])  # an input-only objective has no outcome KR either
