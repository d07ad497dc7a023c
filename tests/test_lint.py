"""The OKR quality rules, one at a time: a clean set of OKRs passes each rule, and a small change
makes exactly that rule fail; plus the team score and the `lint` command on files."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pandas as pd
import pytest

from analytics.__main__ import main
from analytics.lint import (
    ERROR,
    WARNING,
    context_length,
    lint_findings,
    okr_set,
    quality_report,
    starts_with_action_verb,
)
from conftest import DEMO_WORKBOOK, PROJECT_ROOT, demo_sheets, xlsx_bytes

CONTEXT = (
    "Mid-market deals close 40% faster than enterprise ones. In Q2 we focus AE time on this segment "
    "and standardise discovery."
)


def clean_tables() -> dict[str, pd.DataFrame]:
    """A company objective and one Sales objective with two KRs that follow every rule."""
    return {
        "teams": pd.DataFrame(
            {
                "team": ["Sales", "Engineering"],
                "group": ["Business", "Product"],
                "lead": ["Maya", "Daniel"],
                "lead_email": [None, None],
            }
        ),
        "objectives": pd.DataFrame(
            {
                "objective_id": ["CO-1", "SAL-O1"],
                "period": ["2027", "2027-Q2"],
                "level": ["company", "team"],
                "team": [None, "Sales"],
                "title": ["Win customers' loyalty", "Win the mid-market segment"],
                "context": ["Customers who stay are the cheapest growth.", CONTEXT],
                "owner": ["Rachel Stein", "Maya Goldberg"],
                "parent_objective_id": [None, "CO-1"],
            }
        ),
        "key_results": pd.DataFrame(
            {
                "kr_id": ["SAL-KR1", "SAL-KR2"],
                "objective_id": ["SAL-O1", "SAL-O1"],
                "title": ["Close 28 new-logo deals", "Raise win rate from 20% to 25%"],
                "kr_type": ["output", "outcome"],
                "measure": ["number", "percent"],
                "unit": [None, "%"],
                "start_value": [0.0, 20.0],
                "target_value": [28.0, 25.0],
                "direction": ["increase", "increase"],
                "owner": ["Ethan Clarke", "Fatima Zahra"],
                "start_date": pd.to_datetime(["2027-04-01", "2027-04-01"]),
                "due_date": pd.to_datetime(["2027-06-15", "2027-06-30"]),
                "weight": [1.0, 1.0],
                "depends_on": [None, None],
                "funnel_stage": [None, None],
                "measured_by": ["HubSpot closed-won report", "HubSpot funnel report"],
            }
        ),
        "initiatives": pd.DataFrame(
            {
                "kr_id": ["SAL-KR1", "SAL-KR2"],
                "title": ["Deal desk", "Win/loss reviews"],
                "owner": ["Ethan Clarke", "Fatima Zahra"],
                "status": [None, None],
                "due_date": [None, None],
            }
        ),
    }


def findings_of(tables: dict[str, pd.DataFrame], rule: str) -> list:
    return [f for f in lint_findings(okr_set(tables)) if f.rule == rule]


def changed(table: str, row: int, column: str, value, tables=None) -> dict[str, pd.DataFrame]:
    tables = dict(tables) if tables else clean_tables()
    tables[table] = tables[table].copy()
    tables[table].loc[row, column] = value
    return tables


def with_rows(table: str, rows: list[dict], tables=None) -> dict[str, pd.DataFrame]:
    tables = dict(tables) if tables else clean_tables()
    tables[table] = pd.concat([tables[table], pd.DataFrame(rows)], ignore_index=True)
    return tables


def test_the_clean_okrs_have_no_finding():
    assert lint_findings(okr_set(clean_tables())) == []


# --- ≤ 3 objectives per team ------------------------------------------------------------------


def sales_objective(objective_id: str, period: str) -> dict:
    return {
        "objective_id": objective_id,
        "period": period,
        "level": "team",
        "team": "Sales",
        "title": "Win more deals",
        "context": CONTEXT,
        "owner": "Maya Goldberg",
        "parent_objective_id": "CO-1",
    }


def test_three_objectives_in_force_pass_and_a_fourth_fails_counting_the_year_in_each_quarter():
    three = with_rows("objectives", [sales_objective("SAL-O2", "2027-Q2"), sales_objective("SAL-Y", "2027")])
    assert findings_of(three, "objectives-per-team") == []
    four = with_rows("objectives", [sales_objective("SAL-O3", "2027-Q2")], three)
    [finding] = findings_of(four, "objectives-per-team")
    assert (finding.severity, finding.team) == (ERROR, "Sales")
    assert "4 objectives in force in 2027-Q2" in finding.message
    # Q3 objectives are not in force with Q2's.
    next_quarter = with_rows("objectives", [sales_objective("SAL-O3", "2027-Q3")], three)
    assert findings_of(next_quarter, "objectives-per-team") == []


# --- 2–5 KRs per objective --------------------------------------------------------------------


def kr_row(kr_id: str, **values) -> dict:
    row = clean_tables()["key_results"].iloc[0].to_dict() | {"kr_id": kr_id}
    return row | values


def test_one_kr_is_an_error_and_six_a_warning():
    one = clean_tables()
    one["key_results"] = one["key_results"].iloc[:1]
    [finding] = findings_of(one, "krs-per-objective")
    assert (finding.severity, finding.objective_id, finding.message) == (ERROR, "SAL-O1", "1 KR (2–5 expected)")
    five = with_rows("key_results", [kr_row(f"SAL-KR{i}") for i in range(3, 6)])
    assert findings_of(five, "krs-per-objective") == []
    six = with_rows("key_results", [kr_row("SAL-KR6")], five)
    [finding] = findings_of(six, "krs-per-objective")
    assert (finding.severity, finding.message) == (WARNING, "6 KRs (2–5 expected)")


# --- context ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, sentences",
    [
        (CONTEXT, 2),
        ("One line only.", 1),
        ("We grow e.g. through partners. Then vs. last year we double. Third. Fourth one!", 4),
        ("First line without a stop\nSecond line\n\nThird line", 3),
        ("", 0),
    ],
)
def test_context_length_counts_sentences_or_lines(text, sentences):
    assert context_length(text) == sentences


def test_context_missing_is_an_error_short_or_long_a_warning():
    assert findings_of(clean_tables(), "context") == []
    [missing] = findings_of(changed("objectives", 1, "context", None), "context")
    assert (missing.severity, missing.message) == (ERROR, "no strategic context")
    [short] = findings_of(changed("objectives", 1, "context", "Mid-market closes faster."), "context")
    assert short.severity == WARNING and short.message.startswith("context is short (1 sentence")
    long_text = " ".join(["Mid-market deals close 40% faster than enterprise ones."] * 4)
    [long] = findings_of(changed("objectives", 1, "context", long_text), "context")
    assert long.severity == WARNING and long.message.startswith("context is long (4 sentences")


# --- action verb ------------------------------------------------------------------------------

DEMO_TITLES = demo_sheets()["Objectives"]["title"]


@pytest.mark.parametrize("title", [*DEMO_TITLES, "Standardise the close", "“Ship” weekly"])
def test_objectives_starting_with_an_action_verb_pass(title):
    assert starts_with_action_verb(title)


@pytest.mark.parametrize(
    "title", ["New logos in mid-market", "Q2 pipeline", "Better onboarding", "Our brand", "2027 plan"]
)
def test_objectives_starting_otherwise_fail(title):
    [finding] = findings_of(changed("objectives", 1, "title", title), "action-verb")
    assert (finding.severity, finding.objective_id) == (WARNING, "SAL-O1")


# --- link to a company objective ----------------------------------------------------------------


def test_unlinked_or_linked_to_a_non_company_objective_fails():
    [unlinked] = findings_of(changed("objectives", 1, "parent_objective_id", None), "company-link")
    assert (unlinked.severity, unlinked.message) == (ERROR, "not linked to a company objective")
    to_team = with_rows("objectives", [sales_objective("SAL-O2", "2027-Q2") | {"parent_objective_id": "SAL-O1"}])
    [finding] = findings_of(to_team, "company-link")
    assert finding.objective_id == "SAL-O2" and "a team objective" in finding.message
    [unknown] = findings_of(changed("objectives", 1, "parent_objective_id", "CO-9"), "company-link")
    assert "not a known objective" in unknown.message


def test_a_team_draft_without_company_objectives_only_needs_the_link_set():
    draft = clean_tables()
    draft["objectives"] = draft["objectives"].iloc[1:]
    assert findings_of(draft, "company-link") == []


# --- measurable -------------------------------------------------------------------------------


def test_numeric_kr_without_start_or_target_fails_status_and_binary_pass():
    [finding] = findings_of(changed("key_results", 0, "target_value", None), "kr-measurable")
    assert (finding.severity, finding.kr_id, finding.message) == (ERROR, "SAL-KR1", "a number KR without target_value")
    [no_measure] = findings_of(changed("key_results", 0, "measure", None), "kr-measurable")
    assert no_measure.message == "no measure"
    status = changed("key_results", 0, "measure", "status")
    status = changed("key_results", 0, "start_value", None, status)
    status = changed("key_results", 0, "target_value", None, status)
    assert findings_of(status, "kr-measurable") == []


# --- business as usual --------------------------------------------------------------------------


def test_keep_wording_warns_and_target_equal_to_start_is_an_error():
    [wording] = findings_of(changed("key_results", 0, "title", "Keep gross margin above 45%"), "business-as-usual")
    assert (wording.severity, wording.kr_id) == (WARNING, "SAL-KR1")
    [objective] = findings_of(changed("objectives", 1, "title", "Maintain our pipeline"), "business-as-usual")
    assert objective.objective_id == "SAL-O1"
    [flat] = findings_of(changed("key_results", 1, "target_value", 20.0), "business-as-usual")
    assert (flat.severity, flat.kr_id) == (ERROR, "SAL-KR2")
    held = changed("key_results", 1, "target_value", 20.0)
    held = changed("key_results", 1, "direction", "stay_above", held)
    assert findings_of(held, "business-as-usual") == []
    assert findings_of(changed("key_results", 0, "title", "Close 28 bookkeeping deals"), "business-as-usual") == []


# --- one owner --------------------------------------------------------------------------------


@pytest.mark.parametrize("owner", ["Ethan Clarke", "Anne-Marie O'Neil"])
def test_one_owner_passes(owner):
    assert findings_of(changed("key_results", 0, "owner", owner), "one-owner") == []


@pytest.mark.parametrize(
    "owner, message",
    [
        (None, "KR without an owner"),
        ("Ethan, Fatima", 'several owners "Ethan, Fatima"'),
        ("Ethan/Fatima", 'several owners "Ethan/Fatima"'),
        ("Ethan and Fatima", 'several owners "Ethan and Fatima"'),
    ],
)
def test_no_owner_or_several_fail(owner, message):
    [finding] = findings_of(changed("key_results", 0, "owner", owner), "one-owner")
    assert (finding.severity, finding.kr_id, finding.message) == (ERROR, "SAL-KR1", message)


# --- due dates --------------------------------------------------------------------------------


def test_missing_due_date_is_an_error():
    [finding] = findings_of(changed("key_results", 0, "due_date", pd.NaT), "due-date")
    assert (finding.severity, finding.kr_id, finding.message) == (ERROR, "SAL-KR1", "no due date")


def test_all_krs_of_a_team_on_the_quarters_last_day_warn():
    bunched = changed("key_results", 0, "due_date", pd.Timestamp("2027-06-30"))
    [finding] = findings_of(bunched, "due-date")
    assert (finding.severity, finding.team, finding.kr_id) == (WARNING, "Sales", None)
    assert finding.message == "all 2 KRs of 2027-Q2 are due on its last day, 30 June 2027"
    # A year's KRs are due at year-end by nature.
    yearly = changed("objectives", 1, "period", "2027", bunched)
    yearly["key_results"]["due_date"] = pd.Timestamp("2027-12-31")
    assert findings_of(yearly, "due-date") == []


# --- KR type ----------------------------------------------------------------------------------


def test_missing_kr_type_fails():
    [finding] = findings_of(changed("key_results", 1, "kr_type", None), "kr-type")
    assert (finding.severity, finding.kr_id) == (ERROR, "SAL-KR2")


# --- initiatives ------------------------------------------------------------------------------


def test_kr_without_initiative_warns():
    tables = clean_tables()
    tables["initiatives"] = tables["initiatives"].iloc[1:]
    [finding] = findings_of(tables, "initiatives")
    assert (finding.severity, finding.kr_id) == (WARNING, "SAL-KR1")


# --- dependencies -----------------------------------------------------------------------------


def test_naming_another_team_without_depending_on_it_warns():
    named = changed("key_results", 0, "title", "Ship 3 integrations with Engineering")
    [finding] = findings_of(named, "dependencies")
    assert (finding.severity, finding.kr_id) == (WARNING, "SAL-KR1")
    assert finding.message == "names Engineering but does not list it in depends_on"
    declared = changed("key_results", 0, "depends_on", "Engineering", named)
    assert findings_of(declared, "dependencies") == []
    in_source = changed("key_results", 1, "measured_by", "Engineering release notes")
    assert [f.kr_id for f in findings_of(in_source, "dependencies")] == ["SAL-KR2"]


@pytest.mark.parametrize("title", ["Cut the engineering backlog", "Own Sales forecasting", "Fill the Data room"])
def test_lower_case_words_own_team_and_common_phrases_are_no_dependency(title):
    tables = with_rows("teams", [{"team": "Data"}])
    assert findings_of(changed("key_results", 0, "title", title, tables), "dependencies") == []


# --- scores -----------------------------------------------------------------------------------


def test_team_score_weighs_findings_per_objective():
    tables = with_rows(
        "objectives",
        [
            {
                "objective_id": "ENG-O1",
                "period": "2027-Q2",
                "level": "team",
                "team": "Engineering",
                "title": "Ship weekly",
                "context": CONTEXT,
                "owner": "Sofia Rossi",
                "parent_objective_id": None,
            },
        ],
    )
    tables = with_rows("objectives", [sales_objective("SAL-O2", "2027-Q2")], tables)
    tables = with_rows(
        "key_results", [kr_row(kr_id, objective_id="SAL-O2") for kr_id in ("SAL-KR3", "SAL-KR4")], tables
    )
    findings, scores = quality_report(tables)
    scores = scores.set_index("team")
    # Engineering: not linked (error) and no KRs (error), one objective → 100 − 2 × 20 = 60.
    assert scores.loc["Engineering", ["objectives", "krs", "errors", "warnings"]].tolist() == [1, 0, 2, 0]
    assert scores.loc["Engineering", "score"] == pytest.approx(60)
    # Sales: SAL-KR3 and SAL-KR4 have no initiative: 2 warnings over 2 objectives → 100 − 10 / 2 = 95.
    assert scores.loc["Sales", ["objectives", "krs", "errors", "warnings"]].tolist() == [2, 4, 0, 2]
    assert scores.loc["Sales", "score"] == pytest.approx(95)
    assert list(scores.index) == ["Engineering", "Sales"]  # worst first


def test_quality_report_checks_only_the_objectives_asked_for():
    tables = changed("objectives", 1, "parent_objective_id", None)
    findings, _ = quality_report(tables, objective_ids=["CO-1"])
    assert findings.empty


# --- command line -----------------------------------------------------------------------------


def lint_command(path, *options) -> subprocess.CompletedProcess:
    """The command as a user runs it, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "analytics", "lint", str(path), *options],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def lint_in_process(capsys):
    """The command run in this process (faster): (exit code, stdout, stderr)."""

    def run(path, *options):
        code = main(["lint", str(path), *options])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def demo_krs_without_initiatives() -> set[str]:
    sheets = demo_sheets()
    return set(sheets["KeyResults"]["kr_id"]) - set(sheets["Initiatives"]["kr_id"])


def test_lint_on_the_demo_workbook_lists_warnings_and_exits_0():
    done = lint_command(DEMO_WORKBOOK, "--json")
    assert done.returncode == 0, done.stderr
    findings = json.loads(done.stdout)
    assert {f["severity"] for f in findings} == {WARNING}
    assert {f["kr_id"] for f in findings if f["rule"] == "initiatives"} == demo_krs_without_initiatives()
    assert set(findings[0]) == {"rule", "severity", "team", "objective_id", "kr_id", "message", "hint"}
    text = lint_command(DEMO_WORKBOOK)
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert len(lines) == len(findings)
    first_missing = sorted(demo_krs_without_initiatives())[0]
    assert any(line.split()[:3] == ["warning", "initiatives", first_missing] and "Fix:" in line for line in lines)


def draft_sheets(**kr_changes) -> dict[str, list[list]]:
    tables = clean_tables()
    objectives = tables["objectives"].astype(object).where(tables["objectives"].notna(), None)
    key_results = tables["key_results"].assign(
        start_date=dt.date(2027, 4, 1), due_date=[dt.date(2027, 6, 15), dt.date(2027, 6, 30)], **kr_changes
    )
    key_results = key_results.astype(object).where(key_results.notna(), None)
    return {
        "Objectives": [list(objectives.columns), *objectives.values.tolist()],
        "KeyResults": [list(key_results.columns), *key_results.values.tolist()],
        "Initiatives": [["kr_id", "title"], ["SAL-KR1", "Deal desk"], ["SAL-KR2", "Win/loss reviews"]],
    }


def test_lint_exits_1_on_an_error_finding(tmp_path, lint_in_process):
    path = tmp_path / "draft.xlsx"
    path.write_bytes(xlsx_bytes(draft_sheets(owner=["Ethan, Fatima", "Fatima Zahra"])))
    code, out, err = lint_in_process(path)
    assert code == 1
    assert out.split()[:3] == ["error", "one-owner", "SAL-KR1"]
    assert "1 finding(s): 1 error(s), 0 warning(s)" in err
    clean = tmp_path / "clean.xlsx"
    clean.write_bytes(xlsx_bytes(draft_sheets()))
    assert lint_in_process(clean)[:2] == (0, "")


def test_lint_reports_unreadable_cells_as_format_errors(tmp_path, lint_in_process):
    path = tmp_path / "draft.xlsx"
    path.write_bytes(xlsx_bytes(draft_sheets(target_value=["lots", 25.0])))
    code, out, _ = lint_in_process(path, "--json")
    assert code == 1
    findings = json.loads(out)
    assert findings[0]["rule"] == "format" and "KeyResults row 2, target_value" in findings[0]["message"]
    assert any(f["rule"] == "kr-measurable" and f["kr_id"] == "SAL-KR1" for f in findings)


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "cannot read"),
        (b"\x00\x01binary", "not a CSV or XLSX"),
        (b"name,age\nAna,3\n", "no Objectives sheet"),
    ],
)
def test_lint_exits_1_with_a_message_on_a_file_it_cannot_check(tmp_path, lint_in_process, content, message):
    path = tmp_path / "draft.csv"
    if content is not None:
        path.write_bytes(content)
    code, out, err = lint_in_process(path)
    assert code == 1 and out == ""
    assert message in err
