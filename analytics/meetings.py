"""The monthly review meeting: what it decides about KRs, the actions it agrees, and the actions it
carries over from earlier meetings (DESIGN `Decisions`, `Actions`; notes in `ReviewNotes`).

A meeting is identified by its month (`YYYY-MM`, the month of the review's as-of date). Decisions
are dated; those dated in the meeting's month belong to it. Actions name the month of the review
that agreed them; the next review opens with every action agreed before it that was still open.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.periods import as_dates, period_bounds
from analytics.teams import format_kr_value
from store.schema import ACTIONS, DECISIONS_TABLE, REVIEW_NOTES

KEEP, CHANGE, CANCEL = "keep", "change", "cancel"
OPEN = "open"  # an action still to do

DECISION_COLUMNS = tuple(DECISIONS_TABLE.column_names)
ACTION_COLUMNS = tuple(ACTIONS.column_names)
MEETING_DECISION_COLUMNS = (
    "kr_id",
    "team",
    "title",
    "measure",
    "unit",
    "date",
    "decision",
    "original_target_value",
    "new_target_value",
    "original_due_date",
    "new_due_date",
    "reason",
    "decided_by",
)
NO_NUMERIC_TARGET = ("binary", "status")  # done or not, a level: only the due date can move
MEETING_ACTION_COLUMNS = ACTION_COLUMNS + ("overdue", "days_overdue")


@dataclass(frozen=True)
class MeetingRecord:
    """What the meeting of a month has on record: its decisions, the actions it followed up and agreed, its notes."""

    month: str
    decisions: pd.DataFrame  # MEETING_DECISION_COLUMNS
    followed_up: pd.DataFrame  # carried_over_actions
    agreed: pd.DataFrame  # meeting_actions
    notes: str


def meeting_record(tables: dict[str, pd.DataFrame], as_of) -> MeetingRecord:
    """The record of the meeting of `as_of`'s month."""
    month = meeting_month(as_of)
    return MeetingRecord(
        month=month,
        decisions=meeting_decisions(tables["decisions"], tables["key_results"], tables["objectives"], month),
        followed_up=carried_over_actions(tables["actions"], month, as_of),
        agreed=meeting_actions(tables["actions"], month, as_of),
        notes=meeting_notes(tables["review_notes"], month),
    )


def meeting_month(as_of) -> str:
    return f"{as_dates(as_of):%Y-%m}"


def meeting_decisions(
    decisions: pd.DataFrame, key_results: pd.DataFrame, objectives: pd.DataFrame, month: str
) -> pd.DataFrame:
    """Decisions dated in `month` (MEETING_DECISION_COLUMNS), oldest first, with each KR's team, title
    and the target and due date it had before (`original_*`: as the KR was written)."""
    first, last = period_bounds(month)
    dated = decisions.assign(date=as_dates(decisions["date"]))
    chosen = dated[(dated["date"] >= first) & (dated["date"] <= last)]
    return _with_kr_details(chosen, key_results, objectives)


def kr_decisions(decisions: pd.DataFrame, key_results: pd.DataFrame, objectives: pd.DataFrame, kr_ids) -> pd.DataFrame:
    """Every decision ever taken on the given KRs (MEETING_DECISION_COLUMNS), oldest first: a KR's
    history, its original target beside each change."""
    chosen = decisions[decisions["kr_id"].isin(list(kr_ids))].assign(date=lambda f: as_dates(f["date"]))
    return _with_kr_details(chosen, key_results, objectives)


def _with_kr_details(decisions: pd.DataFrame, key_results: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    kr = key_results.set_index("kr_id")
    team = objectives.set_index("objective_id")["team"]
    rows = decisions.assign(
        team=decisions["kr_id"].map(kr["objective_id"]).map(team),
        title=decisions["kr_id"].map(kr["title"]),
        measure=decisions["kr_id"].map(kr["measure"]),
        unit=decisions["kr_id"].map(kr["unit"]),
        original_target_value=decisions["kr_id"].map(kr["target_value"]),
        original_due_date=as_dates(decisions["kr_id"].map(kr["due_date"])),
        new_due_date=as_dates(decisions["new_due_date"]),
    )
    order = {kind: rank for rank, kind in enumerate(DECISIONS_TABLE.column("decision").choices)}
    rows = rows.assign(kind_rank=rows["decision"].map(order)).sort_values(["date", "kind_rank", "kr_id"], kind="stable")
    return rows.reset_index(drop=True).loc[:, list(MEETING_DECISION_COLUMNS)]


def carried_over_actions(actions: pd.DataFrame, month: str, as_of) -> pd.DataFrame:
    """What the meeting of `month` opens with: every action agreed at an earlier review that is still
    open, and those of the previous review whatever their status (its follow-up is read out), with
    `overdue` (open and past its due date at `as_of`); overdue first, then by due date."""
    agreed_before = actions[actions["review_month"] < month]
    previous = agreed_before["review_month"].max() if not agreed_before.empty else None
    chosen = agreed_before[(agreed_before["status"] == OPEN) | (agreed_before["review_month"] == previous)]
    return _with_overdue(chosen, as_of)


def meeting_actions(actions: pd.DataFrame, month: str, as_of) -> pd.DataFrame:
    """The actions agreed at the meeting of `month`, as `carried_over_actions` describes them."""
    return _with_overdue(actions[actions["review_month"] == month], as_of)


def team_actions(actions: pd.DataFrame, team: str, kr_ids, as_of) -> pd.DataFrame:
    """A team's actions (named for the team or for one of its KRs): open ones first, overdue first."""
    mine = actions[(actions["team"] == team) | actions["kr_id"].isin(list(kr_ids))]
    return _with_overdue(mine, as_of)


def _with_overdue(actions: pd.DataFrame, as_of) -> pd.DataFrame:
    as_of = as_dates(as_of)
    due = as_dates(actions["due_date"])
    overdue = (actions["status"] == OPEN) & due.notna() & (due < as_of)
    rows = actions.assign(due_date=due, overdue=overdue, days_overdue=(as_of - due).dt.days.where(overdue, 0))
    rows = rows.assign(closed=rows["status"] != OPEN).sort_values(
        ["closed", "overdue", "due_date", "action_id"],
        ascending=[True, False, True, True],
        na_position="last",
        kind="stable",
    )
    return rows.reset_index(drop=True).loc[:, list(MEETING_ACTION_COLUMNS)]


def status_updates(followed_up: pd.DataFrame, edited_rows: dict[int, dict]) -> pd.DataFrame:
    """The actions (ACTION_COLUMNS) whose status an editor of `followed_up` changed: `edited_rows`
    maps a row position to the cells edited in it."""
    statuses = followed_up["status"].copy()
    for position, cells in edited_rows.items():
        statuses.iloc[int(position)] = cells.get("status", statuses.iloc[int(position)])
    changed = followed_up.assign(status=statuses)[statuses != followed_up["status"]]
    return changed.reset_index(drop=True).loc[:, list(ACTION_COLUMNS)]


def change_texts(decisions: pd.DataFrame) -> list[str]:
    """What each decision (MEETING_DECISION_COLUMNS) changed, as read aloud: "target 100 → 50 · due 30 Jun → 31 Jul"."""
    texts = []
    for row in decisions.itertuples(index=False):
        parts = []
        if pd.notna(row.new_target_value):
            parts.append(
                f"target {format_kr_value(row.original_target_value, row.measure, row.unit)} → "
                f"{format_kr_value(row.new_target_value, row.measure, row.unit)}"
            )
        if pd.notna(row.new_due_date):
            parts.append(f"due {row.original_due_date:%d %b %Y} → {row.new_due_date:%d %b %Y}")
        texts.append(" · ".join(parts))
    return texts


DECIDED_VERBS = {KEEP: "kept", CHANGE: "decided", CANCEL: "cancelled"}
DECIDED_COLUMNS = ("kr_id", "team", "title", "decision", "decided", "reason", "decided_by")


def decided_texts(decisions: pd.DataFrame) -> list[str]:
    """Each decision (MEETING_DECISION_COLUMNS) as the review's lists mark its KR: "decided 31 May: target
    90% → 85%", "decided 31 May: due 30 Jun 2027 → 31 Jul 2027", "kept 31 May", "cancelled 31 May"."""
    return [
        f"{DECIDED_VERBS[kind]} {date.day} {date:%b}" + (f": {change}" if change else "")
        for kind, date, change in zip(decisions["decision"], decisions["date"], change_texts(decisions))
    ]


def decided_krs(decisions: pd.DataFrame, kr_ids) -> pd.DataFrame:
    """The KRs of `kr_ids` a meeting decided about (`decisions`: its MEETING_DECISION_COLUMNS), one row
    each (DECIDED_COLUMNS, `decided` as decided_texts says it), in the order decided; a KR decided twice
    shows its last decision, the one in force."""
    mine = decisions[decisions["kr_id"].isin(list(kr_ids))]
    last = mine.assign(decided=decided_texts(mine)).drop_duplicates("kr_id", keep="last")
    return last.reset_index(drop=True).loc[:, list(DECIDED_COLUMNS)]


def due_texts(actions: pd.DataFrame) -> list[str]:
    """Each action's due date (MEETING_ACTION_COLUMNS), overdue ones flagged: "⚠ 20 May · 11 days overdue"."""
    return [
        f"⚠ {due:%d %b} · {days} days overdue" if overdue else (f"{due:%d %b %Y}" if pd.notna(due) else "—")
        for due, overdue, days in zip(actions["due_date"], actions["overdue"], actions["days_overdue"])
    ]


def meeting_notes(review_notes: pd.DataFrame, month: str) -> str:
    notes = review_notes.loc[review_notes["review_month"] == month, "notes"]
    return "" if notes.empty or pd.isna(notes.iloc[0]) else str(notes.iloc[0])


def next_action_id(actions: pd.DataFrame, month: str) -> str:
    """`A-<month>-<n>`: one more than the highest number used for the month so far."""
    prefix = f"A-{month}-"
    used = actions["action_id"].dropna().astype(str)
    numbers = pd.to_numeric(used[used.str.startswith(prefix)].str.removeprefix(prefix), errors="coerce")
    return f"{prefix}{int(numbers.max()) + 1 if numbers.notna().any() else 1:02d}"


def decision_problems(kr: dict, decision: str, new_target_value, new_due_date, reason: str) -> list[str]:
    """What is wrong with a decision about `kr` (a row of kr_progress: the target and due date in
    force), in the words the meeting page shows; empty when it can be recorded."""
    problems = []
    has_target = pd.notna(new_target_value)
    if decision == CHANGE:
        if has_target and kr.get("measure") in NO_NUMERIC_TARGET:
            problems.append(f"A {kr['measure']} KR has no target to change; give it a new due date instead.")
        if not has_target and new_due_date is None:
            problems.append("A change needs a new target or a new due date.")
        if (
            has_target
            and new_target_value == kr["target_value"]
            and (new_due_date is None or as_dates(new_due_date) == kr["due_date"])
        ):
            problems.append("The new target is the one in force; enter a different target or a new due date.")
        if has_target and pd.notna(kr.get("start_value")) and new_target_value == kr["start_value"]:
            problems.append("The new target equals the KR's start value: there would be nothing to achieve.")
        if new_due_date is not None and pd.notna(kr.get("start_date")) and as_dates(new_due_date) < kr["start_date"]:
            problems.append("The new due date is before the KR's start date.")
    if decision in (CHANGE, CANCEL) and not reason.strip():
        problems.append(f"Say why ({decision} needs a reason the team will read).")
    return problems


def decision_row(
    kr_id: str, date, decision: str, new_target_value, new_due_date, reason: str, decided_by: str
) -> pd.DataFrame:
    """One row of the Decisions sheet. A keep or cancel carries no new target or due date."""
    changing = decision == CHANGE
    return pd.DataFrame(
        [
            {
                "kr_id": kr_id,
                "date": as_dates(date),
                "decision": decision,
                "new_target_value": new_target_value if changing else None,
                "new_due_date": as_dates(new_due_date) if changing and new_due_date is not None else pd.NaT,
                "reason": reason.strip() or None,
                "decided_by": decided_by,
            }
        ],
        columns=list(DECISION_COLUMNS),
    )


def action_rows(actions: list[dict]) -> pd.DataFrame:
    """Rows of the Actions sheet (each dict holds some of ACTION_COLUMNS; due dates as dates)."""
    frame = pd.DataFrame(actions, columns=list(ACTION_COLUMNS))
    return frame.assign(due_date=as_dates(frame["due_date"]))


def notes_row(month: str, notes: str, written_by: str) -> pd.DataFrame:
    return pd.DataFrame(
        [{"review_month": month, "notes": notes, "written_by": written_by}], columns=REVIEW_NOTES.column_names
    )
