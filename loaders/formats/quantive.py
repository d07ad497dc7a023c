"""Quantive Results (formerly Gtmhub) Excel import/export: sessions, objectives and key results with
their owners' emails, initial / target / current values, "should increase to"-style operators, and
tasks. Quantive's utility writes one row per key result (or per objective, or per task, on their own
sheets); the documented spellings and the likely ones are read, and other columns are reported."""
from __future__ import annotations

from loaders.formats import source
from loaders.formats.model import INITIATIVE, KEY_RESULT, OBJECTIVE, CheckIn, Export, Item, Person
from loaders.formats.tabular import Columns, headers_match, read_tables
from loaders.headers import header_key
from loaders.formats.model import title_id

NAME = "quantive"
TITLE = "Quantive"
ALIASES = ("gtmhub", "quantive results")
PREFIX = "QT"

COLUMNS = Columns({
    "session": ("Session", "Session Name", "Session Title", "OKR Session", "Cycle"),
    "objective": ("Objective", "Objective Name", "Objective Title", "Goal", "Goal Name", "Goal Title"),
    "objective_id": ("Objective ID", "Goal ID", "Objective Id"),
    "objective_owner": ("Objective Owner", "Objective Owners", "Objective Owner(s)", "Objective Owner Email",
                        "Objective Owner Emails", "Goal Owner", "Goal Owner Email"),
    "objective_description": ("Objective Description", "Goal Description"),
    "parent": ("Parent Objective", "Parent Goal", "Aligned To", "Parent"),
    "team": ("Team", "Teams", "Team Name", "Assigned Team", "Objective Team", "Owner Team"),
    "kr": ("Key Result", "Key Result Name", "Key Result Title", "Metric", "Metric Name", "KR", "KR Name"),
    "kr_id": ("Key Result ID", "Metric ID", "KR ID"),
    "kr_owner": ("Key Result Owner", "Key Result Owner Email", "Metric Owner", "Metric Owner Email", "KR Owner",
                 "KR Owner Email", "Owner", "Owner Email", "Assignee", "Assignee Email"),
    "kr_description": ("Key Result Description", "Metric Description", "Description"),
    "initial": ("Initial Value", "Initial", "Start Value", "Baseline"),
    "target": ("Target", "Target Value"),
    "current": ("Current Value", "Actual", "Actual Value", "Current", "Attainment Value"),
    "operator": ("Operator", "Target Operator", "Key Result Type", "Metric Type", "Type", "Goal Type"),
    "unit": ("Format", "Unit", "Format Unit", "Unit Type", "Format Prefix", "Format Suffix", "Prefix", "Suffix"),
    "start_date": ("Start Date", "Session Start", "Session Start Date"),
    "due": ("Due Date", "End Date", "Deadline", "Session End", "Session End Date"),
    "progress": ("Progress", "Attainment", "Attainment %"),
    "status": ("Status", "Confidence Label"),
    "confidence": ("Confidence", "Confidence Value"),
    "updated": ("Last Updated", "Updated At", "Last Check-in", "Last Checkin Date", "Date"),
    "task": ("Task", "Task Name", "Task Title", "Tasks"),
    "task_owner": ("Task Owner", "Task Assignee", "Task Owner Email"),
    "task_status": ("Task Status",),
    "task_due": ("Task Due Date", "Task Due"),
    "weight": ("Weight",),
})
OPERATORS = {"shouldincreaseto": "increase", "increaseto": "increase", "increase": "increase",
             "shoulddecreaseto": "decrease", "decreaseto": "decrease", "decrease": "decrease",
             "shouldstayabove": "stay_above", "stayabove": "stay_above", "atleast": "stay_above",
             "shouldbeatleast": "stay_above", "shouldstaybelow": "stay_below", "staybelow": "stay_below",
             "atmost": "stay_below", "shouldbeatmost": "stay_below", "shouldbe": None, "shouldreach": None}
NEEDLES = tuple(header_key(s) for s in ("Session", "Initial Value", "Key Result", "Key Result Name", "Metric Name",
                                        "Objective Name", "Key Result Owner", "Objective Owner", "Target"))


def detect(file_name: str, data: bytes) -> bool:
    for peek in (source.workbook_peek(data),):
        if peek is not None and ("should increase to" in peek[1] or "should decrease to" in peek[1]):
            return True
    return headers_match(file_name, data, NEEDLES, 4) and (
        headers_match(file_name, data, (header_key("Session"), header_key("Initial Value")), 1))


def _person(value) -> Person:
    text = source.text(value)
    if text and "," in text or text and ";" in text:
        text = text.replace(";", ",").split(",")[0].strip()
    email = source.email_of(text)
    return Person(None if email else text, email)


def read(files, max_bytes: int) -> Export:
    export = Export(TITLE, PREFIX)
    tables = read_tables(files, max_bytes, COLUMNS, (), least=3)
    tables = [t for t in tables if any(COLUMNS.has(t, r) for r in ("objective", "kr", "task"))]
    objectives: dict[tuple, Item] = {}
    krs: dict[tuple, Item] = {}
    by_title: dict[str, str] = {}
    for table in tables:
        export.unknown_columns.update(COLUMNS.unknown(table))
        where = f"{table.file} sheet {table.sheet}"
        for row, record in table.rows:
            get = lambda role: COLUMNS.get(record, role)  # noqa: E731
            session, objective_title = source.text(get("session")), source.text(get("objective"))
            kr_title, task = source.text(get("kr")), source.text(get("task"))
            team = source.text(get("team"))
            if objective_title:
                key = (session, objective_title)
                if key not in objectives:
                    own_id = source.text(get("objective_id"))
                    item = Item(own_id or title_id(session or "", objective_title), objective_title, kind=OBJECTIVE,
                                team=team, owner=_person(get("objective_owner") or (None if kr_title else get("kr_owner"))),
                                period=session, description=source.html_to_text(get("objective_description")),
                                parent=source.text(get("parent")), type_word="objective", source=where, row=row)
                    objectives[key] = item
                    by_title.setdefault(objective_title.lower(), item.id)
                    export.items.append(item)
                elif team and not objectives[key].team:
                    objectives[key].team = team
            if kr_title and objective_title:
                key = (session, objective_title, kr_title)
                if key not in krs:
                    own_id = source.text(get("kr_id"))
                    start, target = source.number(get("initial")), source.number(get("target"))
                    unit = source.text(get("unit"))
                    operator = header_key(get("operator") or "")
                    item = Item(own_id or title_id(session or "", objective_title, kr_title), kr_title, kind=KEY_RESULT,
                                parent=objectives[(session, objective_title)].id, owner=_person(get("kr_owner")),
                                period=session, start_date=source.date(get("start_date")), end_date=source.date(get("due")),
                                description=source.html_to_text(get("kr_description")), unit=unit,
                                measured=target is not None, start=start, target=target,
                                direction=OPERATORS.get(operator), progress=source.number(get("progress")),
                                status=source.text(get("status")), weight=source.number(get("weight")),
                                type_word="key result", source=where, row=row)
                    if unit and header_key(unit) in ("percent", "percentage"):
                        item.unit = "%"
                    if item.direction is None and start is not None and target is not None:
                        item.direction = "decrease" if start > target else "increase"
                    elif item.direction in ("increase", "decrease") and start is not None and target is not None:
                        item.direction = "decrease" if start > target else "increase"
                    if not item.measured:
                        item.measure = "percent"
                    krs[key] = item
                    export.items.append(item)
                    current = source.number(get("current"))
                    if current is None and not item.measured:
                        current = item.progress
                    if current is not None:
                        export.check_ins.append(CheckIn(item.id, source.date(get("updated")), current, item.status,
                                                        None, item.owner, where, row))
            if task:
                parent_key = (session, objective_title, kr_title) if kr_title else None
                parent = krs[parent_key].id if parent_key in krs else None
                if parent is None:
                    export.left_behind["tasks without a key result"] += 1
                    continue
                export.items.append(Item(title_id(parent, task), task, kind=INITIATIVE, parent=parent,
                                         owner=_person(get("task_owner")), status=source.text(get("task_status")),
                                         end_date=source.date(get("task_due")), type_word="task", source=where,
                                         row=row))
    for item in objectives.values():  # a parent objective named by its title
        if item.parent and item.parent.lower() in by_title:
            item.parent = by_title[item.parent.lower()]
        elif item.parent:
            export.left_behind["parent objectives not in the export"] += 1
            item.parent = None
    return export
