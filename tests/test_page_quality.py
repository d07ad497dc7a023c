"""The OKR quality check page on the demo data: the findings a reviewer reads, recomputed here from
the workbook rows (or, for the team-name heuristic, listed by hand from reading the KRs)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from conftest import demo_sheets

# KRs whose title or measured_by names another team that depends_on leaves out, read off the
# workbook: "Finance monthly close" as the source of Sales' and Success' figures, BizOps agreeing
# definitions "with Sales, Marketing and BizDev", and BizOps' cloud cost "+ Finance monthly close".
UNDECLARED_DEPENDENCIES = {"SAL-O1-KR2", "SUC-O1-KR1", "SUC-O1-KR2", "SUC-O1-KR3", "BOP-O1-KR4", "BOP-O2-KR2"}


def expected_warnings() -> pd.DataFrame:
    """(team, subject, rule) of every warning the demo should raise at 2027-05-31."""
    sheets = demo_sheets()
    objectives = sheets["Objectives"].assign(period=lambda f: f["period"].astype(str))
    in_force = objectives[(objectives["level"] == "team") & objectives["period"].isin(["2027", "2027-Q2"])]
    krs = sheets["KeyResults"].merge(in_force[["objective_id", "team", "period"]], on="objective_id")
    rows = [
        (kr["team"], kr["kr_id"], "At least one initiative per KR")
        for kr in krs[~krs["kr_id"].isin(sheets["Initiatives"]["kr_id"])].to_dict("records")
    ]
    habit = re.compile(r"\b(maintain|keep|continu|sustain)", re.IGNORECASE)
    rows += [
        (kr["team"], kr["kr_id"], "Not business-as-usual") for kr in krs.to_dict("records") if habit.search(kr["title"])
    ]
    rows += [
        (o["team"], o["objective_id"], "Not business-as-usual")
        for o in in_force.to_dict("records")
        if habit.search(o["title"])
    ]
    quarter = krs[krs["period"] == "2027-Q2"]
    for team, group in quarter.groupby("team"):
        if len(group) >= 2 and (pd.to_datetime(group["due_date"]) == pd.Timestamp("2027-06-30")).all():
            rows.append((team, "", "Due date set, not all on the last day"))  # about the team, no id
    rows += [
        (kr["team"], kr["kr_id"], "Dependencies declared")
        for kr in krs[krs["kr_id"].isin(UNDECLARED_DEPENDENCIES)].to_dict("records")
    ]
    return pd.DataFrame(rows, columns=["team", "subject", "rule"]), in_force


def test_findings_and_scores_match_the_workbook(open_page):
    at = open_page("pages/quality.py")
    at.run()
    assert not at.exception
    warnings, in_force = expected_warnings()
    metrics = {m.label: m for m in at.metric}
    assert metrics["Errors"].value == "0"
    assert metrics["Warnings"].value == str(len(warnings))
    assert metrics["Teams checked"].value == str(in_force["team"].nunique())
    table = at.dataframe[0].value
    assert sorted(map(tuple, table[["team", "subject", "rule"]].values.tolist())) == sorted(
        map(tuple, warnings.values.tolist())
    )
    assert (table["severity"] == "🟠 warning").all()
    assert table["hint"].str.len().gt(10).all()

    objectives_per_team = in_force.groupby("team").size()
    warnings_per_team = warnings.groupby("team").size().reindex(objectives_per_team.index, fill_value=0)
    for team, objectives in objectives_per_team.items():
        expected = 100 - 5 * warnings_per_team[team] / objectives
        assert metrics[team].value == f"{expected:.0f}"
        count = warnings_per_team[team]
        assert metrics[team].delta == (
            f"0 errors · {count} warning{'' if count == 1 else 's'}" if count else "no findings"
        )


def test_team_filter_and_rule_filter(open_page):
    warnings, in_force = expected_warnings()
    at = open_page("pages/quality.py", team="Success")
    at.run()
    assert not at.exception
    success = warnings[warnings["team"] == "Success"]
    table = at.dataframe[0].value
    assert set(table["team"]) == {"Success"}
    assert sorted(table["subject"]) == sorted(success["subject"])
    assert {m.label for m in at.metric} >= {"Success"}
    assert "Sales" not in {m.label for m in at.metric}

    rules = next(w for w in at.multiselect if w.label == "Rules")
    rules.set_value(["dependencies"]).run()
    table = at.dataframe[0].value
    assert sorted(table["subject"]) == sorted(success.loc[success["rule"] == "Dependencies declared", "subject"])


@pytest.mark.parametrize("severity, shown", [("error", 0), ("warning", None)])
def test_severity_filter(open_page, severity, shown):
    warnings, _ = expected_warnings()
    at = open_page("pages/quality.py")
    at.run()
    next(w for w in at.multiselect if w.label == "Severity").set_value([severity]).run()
    assert not at.exception
    if shown == 0:
        assert not at.dataframe
        assert any("No findings for this choice" in s.value for s in at.success)
    else:
        assert len(at.dataframe[0].value) == len(warnings)
