"""OKR quality check: the rules of DESIGN "How OKRs work", each a small pure function.

The rules check team objectives and their KRs (company objectives are the direction they align
to, "few and light", and are not linted). Each rule takes an `OkrSet` — the workbook tables
(objectives, key_results, initiatives, teams, as stored or as parsed from a draft workbook),
normalised once — and returns `Finding`s: rule id, severity, team, objective or KR id, what is
wrong and how to fix it. An error breaks a rule of the method; a warning is a heuristic or a
habit worth a second look.

Heuristics, documented here because the findings depend on them:
- Context reads as "2–3 lines" when it holds at least CONTEXT_MIN_CHARS characters and 2 to 3
  sentences (or 2 to 3 non-empty lines, when it is written on separate lines), and at most
  CONTEXT_MAX_CHARS characters. Sentences end with . ! or ? followed by a space or the end of the
  text; common abbreviations (e.g., vs., …) do not end one.
- An objective starts with an action verb when its first word is in ACTION_VERBS, or ends with a
  verb-forming suffix (-ise, -ize, -ify: "Standardise", "Simplify").
- Business-as-usual wording: "maintain", "keep", "continue", "sustain" (any form) in a title.
- Several owners: the owner cell holds , ; / & + or the word "and".
- A KR names another team when the team's name appears in its title or measured_by as a whole,
  capitalised word (team names are proper nouns there), outside the COMMON_PHRASES where a team's
  name is an ordinary noun ("Data room", "Sales cycle").
- Due dates bunch when every KR of a team in a quarter (or month) is due on its last day and the
  team has at least two. Yearly objectives are left out: their KRs (the ARR budget) are due at
  year-end by nature and tracked monthly.

Score per team: 100 − (ERROR_PENALTY × errors + WARNING_PENALTY × warnings) ÷ the team's number
of objectives, floored at 0 — so a finding weighs the same in a team with one OKR as a third of
it does in a team with three.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass

import pandas as pd

from analytics.periods import normalise_period, period_bounds
from store.schema import DATE, INITIATIVES, KEY_RESULTS, NUMBER, OBJECTIVES, TEAMS, Table

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)

MAX_OBJECTIVES_PER_TEAM = 3
MIN_KRS, MAX_KRS = 2, 5
CONTEXT_MIN_CHARS = 80
CONTEXT_MAX_CHARS = 450
CONTEXT_MIN_SENTENCES, CONTEXT_MAX_SENTENCES = 2, 3
ERROR_PENALTY = 20
WARNING_PENALTY = 5

# First words of objectives that say what the team will do. Curated from OKR guides and the demo
# organisation's objectives; nouns that double as verbs ("Focus", "Package") are in on purpose.
ACTION_VERBS = frozenset(
    """
    accelerate achieve acquire activate adopt align assemble attract automate become boost bring
    build capture catch certify champion change clean close collect complete consolidate control
    convert create cut deepen define delight deliver design develop differentiate discover double
    drive earn eliminate empower enable engage enter equip establish excel expand explore extend
    find fix focus gather generate get give grow halve help hire improve increase industrialise
    launch lead learn lift make master maximise maximize migrate minimise minimize modernise
    modernize move nail open optimise optimize own package partner pilot position prepare prevent
    protect prove publish raise reach rebuild reduce reinvent remove renew replace reshape
    restructure retain revamp run scale secure sell set shape ship show shrink simplify speed
    spend stabilise stabilize start stop streamline strengthen structure succeed support tackle
    take test transform triple turn unify unlock upgrade validate win
""".split()
)
VERB_SUFFIXES = ("ise", "ize", "ify")
BUSINESS_AS_USUAL = re.compile(r"\b(maintain|keep|kept|continu|sustain)\w*", re.IGNORECASE)
OWNER_SEPARATORS = re.compile(r"[,;/&+]|\band\b", re.IGNORECASE)
ABBREVIATIONS = ("e.g.", "i.e.", "vs.", "etc.", "approx.", "incl.", "cf.", "no.")
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
# Phrases in which a team's name is an ordinary noun, not a mention of the team.
COMMON_PHRASES = (
    "data room",
    "data volume",
    "data quality",
    "data layer",
    "sales cycle",
    "sales deck",
    "sales drive",
    "sales tax",
    "design system",
    "design review",
    "product market fit",
    "product-market fit",
    "success rate",
    "security questionnaire",
    "security review",
    "finance team",
)
DAYS_IN_A_YEAR = 365
NUMERIC_MEASURES = ("currency", "number", "percent")
MOVING_DIRECTIONS = ("increase", "decrease")

FINDING_COLUMNS = ("rule", "severity", "team", "objective_id", "kr_id", "message", "hint")
SCORE_COLUMNS = ("team", "objectives", "krs", "errors", "warnings", "score")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    team: str | None
    objective_id: str | None
    kr_id: str | None
    message: str
    hint: str

    @property
    def subject(self) -> str:
        """What the finding is about: the KR, else the objective, else the team."""
        return self.kr_id or self.objective_id or self.team or ""


@dataclass(frozen=True)
class OkrSet:
    """The OKRs under check, normalised once for every rule.

    objectives: the team objectives checked (OBJECTIVES columns, text trimmed, empty → "");
    key_results: their KRs (KEY_RESULTS columns plus team; dates as Timestamps);
    initiatives: INITIATIVES columns; company_objective_ids: the company objectives known, to which
    team objectives link; objective_ids: every objective known; team_names: every team known.
    """

    objectives: pd.DataFrame
    key_results: pd.DataFrame
    initiatives: pd.DataFrame
    company_objective_ids: frozenset[str]
    objective_ids: frozenset[str]
    team_names: tuple[str, ...]


def _frame(table, schema: Table) -> pd.DataFrame:
    """A table with exactly the schema's columns (missing ones empty): text trimmed with empty text
    as "", numbers as floats, dates as Timestamps — whether it comes from the store or a draft."""
    frame = (table if table is not None else pd.DataFrame()).reindex(columns=schema.column_names)
    for column in schema.columns:
        values = frame[column.name].astype(object).where(frame[column.name].notna(), None)
        if column.kind == NUMBER:
            frame[column.name] = pd.to_numeric(values, errors="coerce").astype(float)
        elif column.kind == DATE:
            frame[column.name] = pd.to_datetime(values, errors="coerce")
        else:
            present = frame[column.name].notna()
            text = frame[column.name].astype(str).str.strip().where(present, "")
            frame[column.name] = text.astype(object)
    return frame.reset_index(drop=True)


def _rows_where(table: pd.DataFrame | None, column: str, values: set) -> pd.DataFrame | None:
    """The rows of `table` whose `column` is one of `values` (None and tables without it as they are)."""
    if table is None or column not in table.columns:
        return table
    return table[table[column].astype(str).str.strip().isin(values)]


def okr_set(tables: Mapping[str, pd.DataFrame], objective_ids: Collection[str] | None = None) -> OkrSet:
    """The OkrSet of the team objectives among `tables["objectives"]` (only those in
    `objective_ids` when given, e.g. the objectives of a review period) and their KRs."""
    objectives = _frame(tables.get("objectives"), OBJECTIVES)
    level = objectives["level"].str.lower()
    company = objectives[level == "company"]
    checked = objectives[level != "company"]
    if objective_ids is not None:
        checked = checked[checked["objective_id"].isin(set(objective_ids))]
    checked = checked.reset_index(drop=True)
    # Only the checked objectives' KRs and initiatives are read into shape: a large store holds years of them.
    key_results = _rows_where(tables.get("key_results"), "objective_id", set(checked["objective_id"]))
    key_results = _frame(key_results, KEY_RESULTS)
    key_results = key_results.assign(
        team=key_results["objective_id"].map(checked.drop_duplicates("objective_id").set_index("objective_id")["team"])
    ).reset_index(drop=True)
    teams = _frame(tables.get("teams"), TEAMS)["team"]
    team_names = tuple(dict.fromkeys(t for t in (*teams, *objectives["team"]) if t))
    return OkrSet(
        objectives=checked,
        key_results=key_results,
        initiatives=_frame(_rows_where(tables.get("initiatives"), "kr_id", set(key_results["kr_id"])), INITIATIVES),
        company_objective_ids=frozenset(company["objective_id"]),
        objective_ids=frozenset(objectives["objective_id"]),
        team_names=team_names,
    )


def _objective_finding(rule: str, severity: str, objective, message: str, hint: str) -> Finding:
    return Finding(rule, severity, objective["team"] or None, objective["objective_id"], None, message, hint)


def _kr_finding(rule: str, severity: str, kr, message: str, hint: str) -> Finding:
    return Finding(rule, severity, kr["team"] or None, kr["objective_id"], kr["kr_id"], message, hint)


def _span(period: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    try:
        return period_bounds(normalise_period(period))  # a draft keeps the spelling its author typed
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def _contains(outer: str, inner: str) -> bool:
    """Whether period `outer` covers period `inner` (a period not written as one covers only itself)."""
    outer_span, inner_span = _span(outer), _span(inner)
    if outer_span is None or inner_span is None:
        return outer == inner
    return outer_span[0] <= inner_span[0] and inner_span[1] <= outer_span[1]


def check_objectives_per_team(okrs: OkrSet) -> list[Finding]:
    """At most MAX_OBJECTIVES_PER_TEAM objectives of a team in force at once: for each period a
    team has objectives in, those of that period and of the longer periods that contain it (a
    year's objectives count in each of its quarters)."""
    findings = []
    for team, objectives in okrs.objectives.groupby("team", sort=False):
        for period in objectives["period"].drop_duplicates():
            in_force = objectives[objectives["period"].map(lambda p, period=period: _contains(p, period))]
            if len(in_force) > MAX_OBJECTIVES_PER_TEAM:
                listed = ", ".join(in_force["objective_id"])
                findings.append(
                    Finding(
                        "objectives-per-team",
                        ERROR,
                        team or None,
                        None,
                        None,
                        f"{team or 'A team without a name'} has {len(in_force)} objectives in force in {period} "
                        f"({listed})",
                        f"Keep at most {MAX_OBJECTIVES_PER_TEAM}: merge objectives or turn the least important into "
                        "KRs or initiatives of the others",
                    )
                )
    return findings


def check_krs_per_objective(okrs: OkrSet) -> list[Finding]:
    """MIN_KRS to MAX_KRS KRs per objective: fewer is an error, more a warning."""
    counts = okrs.key_results["objective_id"].value_counts()
    findings = []
    for objective in okrs.objectives.to_dict("records"):
        count = int(counts.get(objective["objective_id"], 0))
        if count < MIN_KRS:
            findings.append(
                _objective_finding(
                    "krs-per-objective",
                    ERROR,
                    objective,
                    f"{count} KR{'s' if count != 1 else ''} (2–5 expected)",
                    "Add the measurable results that would show the objective is reached",
                )
            )
        elif count > MAX_KRS:
            findings.append(
                _objective_finding(
                    "krs-per-objective",
                    WARNING,
                    objective,
                    f"{count} KRs (2–5 expected)",
                    "Keep the 5 KRs that best show success; move the others to initiatives or drop them",
                )
            )
    return findings


def context_length(text: str) -> int:
    """How many lines or sentences a context holds: its non-empty lines when written on several
    lines, else its sentences."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > 1:
        return len(lines)
    for abbreviation in ABBREVIATIONS:
        text = re.sub(re.escape(abbreviation), abbreviation.replace(".", ""), text, flags=re.IGNORECASE)
    return len(SENTENCE_END.findall(text)) or (1 if text.strip() else 0)


def check_context(okrs: OkrSet) -> list[Finding]:
    """2–3 lines of strategic context: missing is an error, too short or too long a warning."""
    findings = []
    for objective in okrs.objectives.to_dict("records"):
        text = objective["context"]
        sentences = context_length(text)
        if not text:
            findings.append(
                _objective_finding(
                    "context",
                    ERROR,
                    objective,
                    "no strategic context",
                    "Write 2–3 sentences: why this matters now, and what changes when it is reached",
                )
            )
        elif len(text) < CONTEXT_MIN_CHARS or sentences < CONTEXT_MIN_SENTENCES:
            findings.append(
                _objective_finding(
                    "context",
                    WARNING,
                    objective,
                    f"context is short ({sentences} sentence{'s' if sentences != 1 else ''}, {len(text)} characters)",
                    "Expand to 2–3 sentences: the situation today, why it matters, what changes when it is reached",
                )
            )
        elif len(text) > CONTEXT_MAX_CHARS or sentences > CONTEXT_MAX_SENTENCES:
            findings.append(
                _objective_finding(
                    "context",
                    WARNING,
                    objective,
                    f"context is long ({sentences} sentences, {len(text)} characters)",
                    "Trim to 2–3 lines; move the detail to the KRs or a linked document",
                )
            )
    return findings


def first_word(title: str) -> str:
    match = re.search(r"[A-Za-z][A-Za-z'-]*", title)
    return match.group(0).lower() if match else ""


def starts_with_action_verb(title: str) -> bool:
    word = first_word(title)
    return word in ACTION_VERBS or (len(word) > 5 and word.endswith(VERB_SUFFIXES))


def check_action_verb(okrs: OkrSet) -> list[Finding]:
    """An objective starts with an action verb (ACTION_VERBS, or a -ise/-ize/-ify word)."""
    return [
        _objective_finding(
            "action-verb",
            WARNING,
            objective,
            f'title starts with "{first_word(objective["title"]) or objective["title"][:20]}", not an action verb',
            "Start with what the team will do: Win …, Build …, Prove …, Make …",
        )
        for objective in okrs.objectives.to_dict("records")
        if not starts_with_action_verb(objective["title"])
    ]


def check_company_link(okrs: OkrSet) -> list[Finding]:
    """Each team objective links to a company objective. When the objectives at hand hold no
    company objective at all (a team's draft), only that a link is set can be checked."""
    findings = []
    for objective in okrs.objectives.to_dict("records"):
        parent = objective["parent_objective_id"]
        if not parent:
            findings.append(
                _objective_finding(
                    "company-link",
                    ERROR,
                    objective,
                    "not linked to a company objective",
                    "Set parent_objective_id to the company objective this supports",
                )
            )
        elif okrs.company_objective_ids and parent not in okrs.company_objective_ids:
            what = "a team objective" if parent in okrs.objective_ids else "not a known objective"
            findings.append(
                _objective_finding(
                    "company-link",
                    ERROR,
                    objective,
                    f'linked to "{parent}", {what}',
                    "Set parent_objective_id to a company objective: " + ", ".join(sorted(okrs.company_objective_ids)),
                )
            )
    return findings


def check_measurable(okrs: OkrSet) -> list[Finding]:
    """A KR is black-or-white measurable: a measure, and for numeric measures a start and a target."""
    findings = []
    for kr in okrs.key_results.to_dict("records"):
        measure = kr["measure"].lower()
        if not measure:
            findings.append(
                _kr_finding(
                    "kr-measurable",
                    ERROR,
                    kr,
                    "no measure",
                    "Set measure to currency, number, percent, binary or status",
                )
            )
        elif measure in NUMERIC_MEASURES and (pd.isna(kr["start_value"]) or pd.isna(kr["target_value"])):
            missing = " and ".join(c for c in ("start_value", "target_value") if pd.isna(kr[c]))
            findings.append(
                _kr_finding(
                    "kr-measurable",
                    ERROR,
                    kr,
                    f"a {measure} KR without {missing}",
                    "Give the value today (start_value) and the value that means done (target_value)",
                )
            )
    return findings


def check_business_as_usual(okrs: OkrSet) -> list[Finding]:
    """Not business-as-usual: no maintain/keep/continue wording in titles (warning), and a KR that
    moves a number has a target different from its start (error: nothing to achieve)."""
    findings = []
    for objective in okrs.objectives.to_dict("records"):
        match = BUSINESS_AS_USUAL.search(objective["title"])
        if match:
            findings.append(
                _objective_finding(
                    "business-as-usual",
                    WARNING,
                    objective,
                    f'"{match.group(0)}" reads as business-as-usual',
                    "Name the change this quarter brings; keep running the business out of the OKRs",
                )
            )
    for kr in okrs.key_results.to_dict("records"):
        match = BUSINESS_AS_USUAL.search(kr["title"])
        direction = kr["direction"].lower() or "increase"
        moving = kr["measure"].lower() in NUMERIC_MEASURES and direction in MOVING_DIRECTIONS
        if moving and pd.notna(kr["start_value"]) and kr["start_value"] == kr["target_value"]:
            findings.append(
                _kr_finding(
                    "business-as-usual",
                    ERROR,
                    kr,
                    f"target equals start ({kr['target_value']:g}): nothing to achieve",
                    "Set the target you aim for, or track the level as a health metric outside the OKRs",
                )
            )
        elif match:
            findings.append(
                _kr_finding(
                    "business-as-usual",
                    WARNING,
                    kr,
                    f'"{match.group(0)}" reads as business-as-usual',
                    "Aim for a change (raise, cut, reach …), or track the level as a health metric outside the OKRs",
                )
            )
    return findings


def check_one_owner(okrs: OkrSet) -> list[Finding]:
    """Every objective and KR has exactly one owner: a name, not empty, not a list."""
    findings = []
    rows = [("objective", o, _objective_finding) for o in okrs.objectives.to_dict("records")]
    rows += [("KR", k, _kr_finding) for k in okrs.key_results.to_dict("records")]
    for what, row, finding in rows:
        owner = row["owner"]
        if not owner:
            findings.append(
                finding("one-owner", ERROR, row, f"{what} without an owner", "Name the one person accountable")
            )
        elif OWNER_SEPARATORS.search(owner):
            findings.append(
                finding(
                    "one-owner",
                    ERROR,
                    row,
                    f'several owners "{owner}"',
                    "Keep one accountable owner; others contribute through initiatives",
                )
            )
    return findings


def check_due_dates(okrs: OkrSet) -> list[Finding]:
    """Each KR has a due date (error), and a team's KRs of a quarter are not all due on its last
    day (warning; see the module notes for why yearly objectives are left out)."""
    krs = okrs.key_results
    findings = [
        _kr_finding("due-date", ERROR, kr, "no due date", "Set the date the result is due")
        for kr in krs[krs["due_date"].isna()].to_dict("records")
    ]
    periods = okrs.objectives.drop_duplicates("objective_id").set_index("objective_id")["period"]
    period = krs["objective_id"].map(periods)
    for (team, name), group in krs.groupby([krs["team"], period], sort=False):
        span = _span(name)
        if span is None or (span[1] - span[0]).days >= DAYS_IN_A_YEAR - 1:
            continue
        if len(group) >= 2 and (group["due_date"] == span[1]).all():
            findings.append(
                Finding(
                    "due-date",
                    WARNING,
                    team or None,
                    None,
                    None,
                    f"all {len(group)} KRs of {name} are due on its last day, {span[1]:%d %B %Y}",
                    "Spread the due dates: results due earlier show progress before the quarter ends",
                )
            )
    return findings


def check_kr_type(okrs: OkrSet) -> list[Finding]:
    """Each KR has a type: discovery, input, output or outcome."""
    krs = okrs.key_results
    return [
        _kr_finding("kr-type", ERROR, kr, "no KR type", "Set kr_type to discovery, input, output or outcome")
        for kr in krs[krs["kr_type"] == ""].to_dict("records")
    ]


def check_initiatives(okrs: OkrSet) -> list[Finding]:
    """Each KR has at least one initiative (the tasks behind it)."""
    krs = okrs.key_results
    with_initiatives = set(okrs.initiatives["kr_id"])
    return [
        _kr_finding(
            "initiatives",
            WARNING,
            kr,
            "no initiative behind this KR",
            "List the tasks that will move it, each with an owner and a due date",
        )
        for kr in krs[~krs["kr_id"].isin(with_initiatives)].to_dict("records")
    ]


def depends_on_teams(depends_on: str) -> list[str]:
    """The team names of a depends_on cell (";"-separated)."""
    return [name.strip() for name in str(depends_on or "").split(";") if name.strip()]


def mentioned_teams(text: str, team_names: Collection[str]) -> list[str]:
    """Teams whose name appears in `text` as a whole capitalised word, outside COMMON_PHRASES."""
    for phrase in _COMMON_PHRASE_PATTERNS:
        text = phrase.sub(" ", text)
    # A plain substring test first: most texts name no team, and it saves the regular expression.
    return [name for name in team_names if name in text and _team_name_pattern(name).search(text)]


_COMMON_PHRASE_PATTERNS = tuple(re.compile(re.escape(phrase), re.IGNORECASE) for phrase in COMMON_PHRASES)


@functools.lru_cache(maxsize=4096)
def _team_name_pattern(name: str) -> re.Pattern:
    return re.compile(rf"(?<![\w&]){re.escape(name)}(?![\w&])")


def check_dependencies(okrs: OkrSet) -> list[Finding]:
    """Cross-team dependencies are declared: a KR whose title or measured_by names another team
    lists it in depends_on."""
    findings = []
    for kr in okrs.key_results.to_dict("records"):
        named = mentioned_teams(f"{kr['title']} \n {kr['measured_by']}", okrs.team_names)
        declared = set(depends_on_teams(kr["depends_on"]))
        missing = [team for team in named if team != kr["team"] and team not in declared]
        if missing:
            findings.append(
                _kr_finding(
                    "dependencies",
                    WARNING,
                    kr,
                    f"names {', '.join(missing)} but does not list "
                    f"{'it' if len(missing) == 1 else 'them'} in depends_on",
                    f"Add {'; '.join(missing)} to depends_on and agree the support in the alignment session",
                )
            )
    return findings


@dataclass(frozen=True)
class Rule:
    rule_id: str
    title: str
    check: Callable[[OkrSet], list[Finding]]


RULES = (
    Rule("objectives-per-team", f"≤ {MAX_OBJECTIVES_PER_TEAM} objectives per team", check_objectives_per_team),
    Rule("krs-per-objective", f"{MIN_KRS}–{MAX_KRS} KRs per objective", check_krs_per_objective),
    Rule("context", "2–3 lines of strategic context", check_context),
    Rule("action-verb", "Objective starts with an action verb", check_action_verb),
    Rule("company-link", "Linked to a company objective", check_company_link),
    Rule("kr-measurable", "KR measurable", check_measurable),
    Rule("business-as-usual", "Not business-as-usual", check_business_as_usual),
    Rule("one-owner", "One owner", check_one_owner),
    Rule("due-date", "Due date set, not all on the last day", check_due_dates),
    Rule("kr-type", "KR type set", check_kr_type),
    Rule("initiatives", "At least one initiative per KR", check_initiatives),
    Rule("dependencies", "Dependencies declared", check_dependencies),
)
RULE_TITLES = {rule.rule_id: rule.title for rule in RULES}


def lint_findings(okrs: OkrSet) -> list[Finding]:
    """Every rule's findings, errors first, then by team and id."""
    findings = [finding for rule in RULES for finding in rule.check(okrs)]
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.team or "", f.subject, f.rule))


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    return pd.DataFrame([asdict(f) for f in findings], columns=list(FINDING_COLUMNS))


def team_scores(findings: pd.DataFrame, okrs: OkrSet) -> pd.DataFrame:
    """Per team with objectives (SCORE_COLUMNS): objective and KR counts, errors, warnings and the
    score (see the module notes), worst score first."""
    objectives = okrs.objectives.groupby("team").size().rename("objectives")
    krs = okrs.key_results.groupby("team").size().rename("krs")
    severity = (
        findings.groupby(["team", "severity"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(SEVERITIES), fill_value=0)
    )
    scores = pd.concat([objectives, krs], axis=1).join(severity).fillna(0).astype(int)
    scores = scores.rename(columns={ERROR: "errors", WARNING: "warnings"})
    penalty = ERROR_PENALTY * scores["errors"] + WARNING_PENALTY * scores["warnings"]
    scores["score"] = (100 - penalty / scores["objectives"].clip(lower=1)).clip(lower=0)
    scores = scores.rename_axis("team").reset_index()
    return scores.sort_values(["score", "team"], kind="stable").reset_index(drop=True).loc[:, list(SCORE_COLUMNS)]


def quality_report(
    tables: Mapping[str, pd.DataFrame], objective_ids: Collection[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The findings (FINDING_COLUMNS) and team scores (SCORE_COLUMNS) of the team objectives in
    `tables` (those in `objective_ids` when given)."""
    okrs = okr_set(tables, objective_ids)
    findings = findings_frame(lint_findings(okrs))
    return findings, team_scores(findings, okrs)
