"""Quantive Results (formerly Gtmhub) Excel import/export: sessions, objectives (goals) and key results
(metrics) with their owners' emails, initial / target / current values, "should increase to"-style
operators, and tasks. The utility writes one row per key result — or objectives, key results and
tasks on sheets of their own, a key result naming its objective by id or title. The documented
spellings and the likely ones are read, and any other column is reported."""

from __future__ import annotations

import functools
import re

from loaders.formats import source
from loaders.formats.model import INITIATIVE, KEY_RESULT, OBJECTIVE, CheckIn, Export, Item, Person, title_id
from loaders.formats.tabular import Columns, headers_match, read_tables
from loaders.headers import header_key

NAME = "quantive"
TITLE = "Quantive"
ALIASES = ("gtmhub", "quantive results")
PREFIX = "QT"

COLUMNS = Columns(
    {
        "session": ("Session", "Session Name", "Session Title", "OKR Session", "Cycle"),
        "session_start": ("Session Start", "Session Start Date"),
        "session_end": ("Session End", "Session End Date"),
        "objective": ("Objective", "Objective Name", "Objective Title", "Goal", "Goal Name", "Goal Title"),
        "objective_id": ("Objective ID", "Goal ID", "Objective Id"),
        "objective_owner": (
            "Objective Owner",
            "Objective Owners",
            "Objective Owner(s)",
            "Objective Owner Email",
            "Objective Owner Emails",
            "Goal Owner",
            "Goal Owner Email",
        ),
        "objective_description": ("Objective Description", "Goal Description"),
        "parent": ("Parent Objective", "Parent Goal", "Aligned To", "Parent", "Parent Objective Name"),
        "parent_id": ("Parent Objective ID", "Parent Goal ID", "Parent ID"),
        "team": ("Team", "Teams", "Team Name", "Assigned Team", "Objective Team", "Owner Team"),
        "kr": ("Key Result", "Key Result Name", "Key Result Title", "Metric", "Metric Name", "KR", "KR Name"),
        "kr_id": ("Key Result ID", "Metric ID", "KR ID"),
        "kr_owner": (
            "Key Result Owner",
            "Key Result Owner Email",
            "Metric Owner",
            "Metric Owner Email",
            "KR Owner",
            "KR Owner Email",
            "Owner",
            "Owner Email",
            "Owners",
            "Assignee",
            "Assignee Email",
        ),
        "kr_description": ("Key Result Description", "Metric Description", "Description"),
        "initial": ("Initial Value", "Initial", "Start Value", "Baseline"),
        "target": ("Target", "Target Value"),
        "current": ("Current Value", "Actual", "Actual Value", "Current", "Attainment Value"),
        "operator": ("Operator", "Target Operator", "Key Result Type", "Metric Type", "Type", "Goal Type"),
        "unit": ("Format", "Unit", "Format Unit", "Unit Type", "Format Prefix", "Format Suffix", "Prefix", "Suffix"),
        "start_date": ("Start Date",),
        "due": ("Due Date", "End Date", "Deadline"),
        "progress": ("Progress", "Attainment", "Attainment %"),
        "status": ("Status", "Confidence Label"),
        "confidence": ("Confidence", "Confidence Value"),
        "updated": ("Last Updated", "Updated At", "Last Check-in", "Last Checkin Date", "Date"),
        "task": ("Task", "Task Name", "Task Title", "Tasks"),
        "task_owner": ("Task Owner", "Task Assignee", "Task Owner Email"),
        "task_status": ("Task Status",),
        "task_due": ("Task Due Date", "Task Due"),
        "weight": ("Weight",),
    }
)
OPERATORS = {
    "shouldincreaseto": "increase",
    "increaseto": "increase",
    "increase": "increase",
    "shoulddecreaseto": "decrease",
    "decreaseto": "decrease",
    "decrease": "decrease",
    "shouldstayabove": "stay_above",
    "stayabove": "stay_above",
    "atleast": "stay_above",
    "shouldbeatleast": "stay_above",
    "shouldstaybelow": "stay_below",
    "staybelow": "stay_below",
    "atmost": "stay_below",
    "shouldbeatmost": "stay_below",
    "shouldbe": None,
    "shouldreach": None,
}
NEEDLES = tuple(
    header_key(s)
    for s in (
        "Session",
        "Initial Value",
        "Key Result",
        "Key Result Name",
        "Metric Name",
        "Objective Name",
        "Key Result Owner",
        "Objective Owner",
        "Target",
        "Goal ID",
        "Metric ID",
        "Goal Name",
    )
)


def detect(file_name: str, data: bytes) -> bool:
    peek = source.workbook_peek(data)
    if peek is not None and ("should increase to" in peek[1] or "should decrease to" in peek[1]):
        return True
    operators = rb"should (increase|decrease) to|should stay (above|below)"
    if peek is None and not source.is_zip(data) and re.search(operators, data[:65536], re.I):
        return True
    # A session column is Quantive's word (one-row-per-KR sheets of our own say period or cycle).
    return headers_match(file_name, data, NEEDLES, 4) and headers_match(file_name, data, (header_key("Session"),), 1)


def _person(value) -> Person:
    text = source.text(value)
    if text and ("," in text or ";" in text):
        text = text.replace(";", ",").split(",")[0].strip()
    email = source.email_of(text)
    return Person(None if email else text, email)


def read(files, max_bytes: int) -> Export:
    export = Export(TITLE, PREFIX)
    tables = read_tables(files, max_bytes, COLUMNS, (), least=3)
    tables = [t for t in tables if any(COLUMNS.has(t, r) for r in ("objective", "kr", "task"))]
    if not tables:
        from loaders.formats.source import NotThisFormat

        raise NotThisFormat("no sheet has an objective, key result or task column")
    rows = [(table, f"{table.file} sheet {table.sheet}", row, record) for table in tables for row, record in table.rows]
    for table in tables:
        export.unknown_columns.update(COLUMNS.unknown(table))
    objectives: dict[tuple, Item] = {}
    by_id: dict[str, Item] = {}
    by_title: dict[str, str] = {}
    # Objectives first: a key result may name its objective by id, on a sheet of its own.
    for _table, where, row, record in rows:
        get = functools.partial(COLUMNS.get, record)
        session, title = source.text(get("session")), source.text(get("objective"))
        if session and (get("session_start") or get("session_end")):
            export.periods.setdefault(session, (source.date(get("session_start")), source.date(get("session_end"))))
        if not title:
            continue
        own_id = source.text(get("objective_id"))
        key = (session, title)
        if key in objectives:
            if source.text(get("team")) and not objectives[key].team:
                objectives[key].team = source.text(get("team"))
            continue
        kr_row = bool(source.text(get("kr")))
        item = Item(
            own_id or title_id(session or "", title),
            title,
            kind=OBJECTIVE,
            team=source.text(get("team")),
            owner=_person(get("objective_owner") or (None if kr_row else get("kr_owner"))),
            period=session,
            description=source.html_to_text(
                get("objective_description") or (None if kr_row else get("kr_description"))
            ),
            parent=source.text(get("parent_id")) or source.text(get("parent")),
            type_word="objective",
            source=where,
            row=row,
        )
        objectives[key] = item
        by_id[item.id] = item
        if own_id:
            by_id[own_id] = item
        by_title.setdefault(title.lower(), item.id)
        export.items.append(item)
    krs: dict[tuple, Item] = {}
    for _table, where, row, record in rows:
        get = functools.partial(COLUMNS.get, record)
        kr_title, task = source.text(get("kr")), source.text(get("task"))
        session, title = source.text(get("session")), source.text(get("objective"))
        objective = objectives.get((session, title)) if title else by_id.get(source.text(get("objective_id")) or "")
        if kr_title:
            if objective is None:
                export.left_behind["key results without an objective"] += 1
                continue
            key = (objective.id, kr_title)
            if key not in krs:
                own_id = source.text(get("kr_id"))
                start, target = source.number(get("initial")), source.number(get("target"))
                unit = source.text(get("unit"))
                item = Item(
                    own_id or title_id(session or "", objective.title, kr_title),
                    kr_title,
                    kind=KEY_RESULT,
                    parent=objective.id,
                    owner=_person(get("kr_owner")),
                    period=session,
                    start_date=source.date(get("start_date")),
                    end_date=source.date(get("due")),
                    description=source.html_to_text(get("kr_description")),
                    unit=unit,
                    measured=target is not None,
                    start=start,
                    target=target,
                    direction=OPERATORS.get(header_key(get("operator") or "")),
                    progress=source.number(get("progress")),
                    status=source.text(get("status")),
                    weight=source.number(get("weight")),
                    type_word="key result",
                    source=where,
                    row=row,
                )
                if unit and header_key(unit) in ("percent", "percentage"):
                    item.unit = "%"
                if item.direction in (None, "increase", "decrease") and start is not None and target is not None:
                    item.direction = "decrease" if start > target else "increase"
                if not item.measured:
                    item.measure = "percent"
                krs[key] = item
                export.items.append(item)
                current = source.number(get("current"))
                if current is None and not item.measured:
                    current = item.progress
                if current is not None:
                    export.check_ins.append(
                        CheckIn(
                            item.id, source.date(get("updated")), current, item.status, None, item.owner, where, row
                        )
                    )
        if task:
            parent = krs.get((objective.id, kr_title)) if objective is not None and kr_title else None
            if parent is None:
                export.left_behind["tasks without a key result"] += 1
                continue
            export.items.append(
                Item(
                    title_id(parent.id, task),
                    task,
                    kind=INITIATIVE,
                    parent=parent.id,
                    owner=_person(get("task_owner")),
                    status=source.text(get("task_status")),
                    end_date=source.date(get("task_due")),
                    type_word="task",
                    source=where,
                    row=row,
                )
            )
    for item in objectives.values():  # a parent objective named by its id or title
        if not item.parent:
            continue
        if item.parent in by_id:
            item.parent = by_id[item.parent].id
        elif item.parent.lower() in by_title:
            item.parent = by_title[item.parent.lower()]
        else:
            export.left_behind["parent objectives not in the export"] += 1
            item.parent = None
    return export
