"""Viva Goals (formerly Ally.io) organisation export: a ZIP, or its loose files, of JSON arrays —
objectives_export_file_….json, checkins_export_file_….json, Teams_…, TimePeriods_…, Users_…,
comments_…, Tags_…. Each file is known by the keys of its records (its name only breaks ties).

Objectives carry their kind in the organisation's own words (`Type`: "Big rock", "Kpi", "Project"…):
the kind is decided by the tree instead (loaders.formats.convert), from `Parent IDs`, the children and
whether the item has an `Outcome` metric."""

from __future__ import annotations

import functools
import re
from collections import Counter

from loaders.formats import source
from loaders.formats.model import CheckIn, Export, Item, Person, Team
from loaders.formats.source import SourceFile, html_to_text, load_json, looks_like_json, zip_members
from loaders.headers import header_key
from loaders.problems import FileRejected

NAME = "viva_goals"
TITLE = "Viva Goals"
ALIASES = ("vivagoals", "viva", "ally", "allyio", "viva goals export")
PREFIX = "VG"

OBJECTIVES, CHECK_INS, TEAMS, PERIODS, USERS, COMMENTS, TAGS = (
    "objectives",
    "check-ins",
    "teams",
    "time periods",
    "users",
    "comments",
    "tags",
)
NAME_HINTS = (
    (OBJECTIVES, r"objective"),
    (CHECK_INS, r"check.?in"),
    (TEAMS, r"team"),
    (PERIODS, r"time.?period"),
    (USERS, r"user"),
    (COMMENTS, r"comment"),
    (TAGS, r"tag"),
)
OBJECTIVE_KEYS = {
    "id",
    "title",
    "type",
    "owner",
    "teams",
    "timeperiod",
    "startdate",
    "enddate",
    "parentids",
    "alignment",
    "outcome",
    "progress",
    "status",
    "description",
    "lastcheckin",
    "tags",
    "permissions",
    "visibility",
    "createdat",
    "createddate",
    "updatedat",
    "closedat",
    "url",
    "link",
}
LEFT_BEHIND_OBJECTIVE_KEYS = {
    "tags": "tags on objectives",
    "permissions": "permissions (who may see or edit)",
    "visibility": "permissions (who may see or edit)",
    "access": "permissions (who may see or edit)",
    "score": "closing scores",
    "closingnote": "closing notes",
}
IGNORED_KEYS = {"createdat", "createddate", "updatedat", "url", "link", "closedat", "lastcheckin"}


def _kind_of_records(file_name: str, records: list) -> str | None:
    dicts = [r for r in records[:20] if isinstance(r, dict)]
    keys = {header_key(k) for r in dicts for k in r}
    if {"okrid"} & keys and keys & {"checkindate", "currentvalue", "checkinnote", "activitydate"}:
        return CHECK_INS
    if keys & {"parentids", "outcome"} or {"title", "timeperiod"} <= keys:
        return OBJECTIVES
    if "teamname" in keys:
        return TEAMS
    if keys & {"comment", "commenttext", "commentbody"}:
        return COMMENTS
    lowered = file_name.lower()
    for kind, pattern in NAME_HINTS:
        if re.search(pattern, lowered):
            return kind
    if keys & {"email", "emailaddress", "userprincipalname"}:
        return USERS
    if keys & {"tag", "tagname"}:
        return TAGS
    return None


def detect(file_name: str, data: bytes) -> bool:
    if source.is_zip(data):
        import io
        import zipfile

        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
            return False
        if "xl/workbook.xml" in names:
            return False
        jsons = [n.lower() for n in names if n.lower().endswith(".json")]
        return any(re.search(r"objectives?_export|checkins?_export", n) for n in jsons) or (
            bool(jsons) and any("timeperiod" in n.replace("_", "") for n in jsons)
        )
    if not looks_like_json(data):
        return False
    head = data[:4096].decode("utf-8", errors="replace")
    keys = {header_key(k) for k in re.findall(r'"([^"]{1,40})"\s*:', head)}
    return (
        bool(keys & {"parentids", "okrid", "teamname", "checkinnote"})
        or ({"outcome", "timeperiod"} <= keys)
        or bool(re.search(r"(objectives|checkins)_export|TimePeriods_|Teams_", file_name, re.I))
    )


def companion(file_name: str, data: bytes) -> bool:
    """A file uploaded with an export's objectives that belongs to it: any JSON file."""
    return looks_like_json(data)


_key = functools.lru_cache(maxsize=8192)(header_key)  # an export repeats a few dozen keys millions of times


def _get(record: dict, *names: str):
    keyed = {_key(k): v for k, v in record.items()}
    for name in names:
        value = keyed.get(_key(name))
        if value not in (None, "", [], {}):
            return value
    return None


def _person(value) -> Person:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return Person(
            source.text(_get(value, "Name", "Display Name", "Full Name")),
            source.email_of(_get(value, "Email", "Email Address", "Mail")),
        )
    if isinstance(value, str):
        email = source.email_of(value)
        return Person(None if email else source.text(value), email)
    return Person()


def _people(value) -> list[Person]:
    if isinstance(value, list):
        return [p for p in (_person(v) for v in value) if p]
    if isinstance(value, str):
        return [p for p in (_person(v.strip()) for v in re.split(r"[;,]", value)) if p]
    person = _person(value)
    return [person] if person else []


def _names(value) -> list[str]:
    if isinstance(value, list):
        return [n for n in (source.text(v) for v in value) if n]
    name = source.text(value)
    return [name] if name else []


def _ids(value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    out = []
    for v in value:
        if isinstance(v, dict):
            v = _get(v, "ID", "Id")
        if v is not None and not isinstance(v, (dict, list)) and str(v).strip():
            out.append(str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip())
    return out


DIRECTIONS = {
    "increasefrom": "increase",
    "increaseto": "increase",
    "increase": "increase",
    "decreasefrom": "decrease",
    "decreaseto": "decrease",
    "decrease": "decrease",
    "reach": None,
    "achieve": None,
    "stayabove": "stay_above",
    "keepabove": "stay_above",
    "atleast": "stay_above",
    "staybelow": "stay_below",
    "keepbelow": "stay_below",
    "atmost": "stay_below",
    "maintain": "stay_above",
}


def _item(record: dict, export: Export, where: str, row: int, unknown: Counter) -> Item | None:
    item_id = _ids(_get(record, "ID", "Id", "OKR ID"))
    title = source.text(_get(record, "Title", "Name"))
    if not item_id:
        return Item("", title or "")
    parents = _ids(_get(record, "Parent IDs", "Parent ID", "Parents"))
    teams = _names(_get(record, "Teams", "Team"))
    period = _get(record, "Time Period", "Period")
    outcome = _get(record, "Outcome")
    item = Item(
        item_id[0],
        title or "",
        parent=parents[0] if parents else None,
        other_parents=parents[1:],
        team=teams[0] if teams else None,
        other_teams=teams[1:],
        owner=_person(_get(record, "Owner", "Owners")),
        period=source.text(period),
        start_date=source.date(_get(record, "Start Date")),
        end_date=source.date(_get(record, "End Date", "Due Date")),
        description=html_to_text(_get(record, "Description")),
        progress=source.number(_get(record, "Progress")),
        status=source.text(_get(record, "Status")),
        type_word=source.text(_get(record, "Type")),
        last_check_in=source.date(_get(record, "Last Check-in", "Last CheckIn")),
        source=where,
        row=row,
    )
    if isinstance(period, dict) and item.period and item.period not in export.periods:
        bounds = (source.date(_get(period, "Start Date", "Start")), source.date(_get(period, "End Date", "End")))
        if bounds[0] and bounds[1]:
            export.periods[item.period] = bounds
    if isinstance(_get(record, "Owner", "Owners"), list) and len(_get(record, "Owner", "Owners")) > 1:
        export.left_behind["owners after the first of an item (the first kept)"] += len(_get(record, "Owner")) - 1
    if isinstance(outcome, dict):
        item.has_outcome = True
        kind = header_key(_get(outcome, "Outcome Type", "Type") or "")
        start, target = source.number(_get(outcome, "Start")), source.number(_get(outcome, "Target"))
        item.unit = source.text(_get(outcome, "Metric Unit", "Unit"))
        if item.unit and item.unit.strip().lower() in ("number", "numeric", "#", "count"):
            item.unit = None
        item.current = source.number(_get(outcome, "Current", "Current Value"))
        direction = DIRECTIONS.get(header_key(_get(outcome, "Target Type") or ""), None)
        if kind.startswith("percent"):
            item.measure = "percent"
            item.start, item.target = (start if start is not None else 0.0), (target if target is not None else 100.0)
            item.measured = (item.start, item.target) != (0.0, 100.0)
        elif kind.startswith(("milestone", "binary", "boolean")):
            item.measure, item.measured = "binary", True
            item.target = 1.0
        elif target is not None:
            item.measured = True
            item.start, item.target = start, target
            if kind.startswith(("currency", "money")):
                item.measure = "currency"
        item.direction = direction
        if direction in ("increase", "decrease") and start is not None and target is not None:
            item.direction = "decrease" if start > target else "increase"
        for phased in ("Phased Targets", "Phased Target", "Targets", "Milestones"):
            if isinstance(_get(outcome, phased), list):
                export.left_behind["phased targets"] += len(_get(outcome, phased))
        metric = source.text(_get(outcome, "Metric Name"))
        if metric and item.unit is None and item.measure is None and len(metric) <= 20:
            item.unit = metric
    alignment = _get(record, "Alignment", "Alignments")
    if isinstance(alignment, list) and item.parent:
        for entry in alignment:
            if isinstance(entry, dict) and _ids(_get(entry, "ID", "Id")) == [item.parent]:
                item.weight = source.number(_get(entry, "Weight"))
    for key, value in record.items():
        hkey = _key(key)
        if value in (None, "", [], {}):
            continue
        if hkey in LEFT_BEHIND_OBJECTIVE_KEYS:
            export.left_behind[LEFT_BEHIND_OBJECTIVE_KEYS[hkey]] += len(value) if isinstance(value, list) else 1
        elif hkey not in OBJECTIVE_KEYS and hkey not in IGNORED_KEYS:
            unknown[str(key)] += 1
    return item


def read(files: list[SourceFile], max_bytes: int) -> Export:
    export = Export(TITLE, PREFIX)
    members: list[SourceFile] = []
    for file in files:
        if source.is_zip(file.data):
            members.extend(zip_members(file.name, file.data, max_bytes))
        else:
            members.append(file)
    by_kind: dict[str, list[tuple[SourceFile, list]]] = {}
    for member in members:
        if not member.name.lower().endswith(".json") and not looks_like_json(member.data):
            export.left_behind[f"files that are not JSON ({member.name})"] += 1
            continue
        records = load_json(member.data, member.shown)
        if isinstance(records, dict):  # {"objectives": [...]} or one record
            lists = [v for v in records.values() if isinstance(v, list)]
            records = lists[0] if len(lists) == 1 else [records]
        if not isinstance(records, list):
            raise FileRejected(f"{member.shown} is not a list of records")
        kind = _kind_of_records(member.name, records)
        if kind is None:
            export.left_behind[f"files of an unknown kind ({member.name})"] += 1
            continue
        by_kind.setdefault(kind, []).append((member, records))
    if OBJECTIVES not in by_kind:
        raise FileRejected(
            "no objectives file (objectives_export_file_….json) was found among "
            + ", ".join(m.shown for m in members[:10])
        )
    export.files = [m.shown for m in members]
    for _member, records in by_kind.get(PERIODS, []):
        for record in records:
            if isinstance(record, dict) and (
                name := source.text(_get(record, "Name", "Time Period", "Time Period Name", "Period Name", "Title"))
            ):
                export.periods[name] = (
                    source.date(_get(record, "Start Date", "Start", "Starts On", "From")),
                    source.date(_get(record, "End Date", "End", "Ends On", "To")),
                )
    for _member, records in by_kind.get(USERS, []):
        for record in records:
            if isinstance(record, dict):
                person = Person(
                    source.text(_get(record, "Name", "Display Name", "Full Name")),
                    source.email_of(_get(record, "Email", "Email Address", "User Principal Name")),
                )
                if person:
                    export.people.append(person)
    for _member, records in by_kind.get(TEAMS, []):
        for record in records:
            if isinstance(record, dict) and (name := source.text(_get(record, "Team Name", "Name"))):
                parent = _get(record, "Parent Team", "Parent")
                export.teams.append(Team(name, source.text(parent), _people(_get(record, "Team Owners", "Owners"))))
                members_of = _get(record, "Team Members", "Members")
                if isinstance(members_of, list):
                    export.people.extend(p for p in (_person(m) for m in members_of) if p)
    unknown: Counter = Counter()
    for member, records in by_kind[OBJECTIVES]:
        for row, record in enumerate(records, start=1):
            if isinstance(record, dict):
                export.items.append(_item(record, export, member.shown, row, unknown))
    export.unknown_columns = dict(unknown)
    for member, records in by_kind.get(CHECK_INS, []):
        for row, record in enumerate(records, start=1):
            if not isinstance(record, dict):
                continue
            ids = _ids(_get(record, "OKR ID", "Objective ID", "ID"))
            when = source.moment(_get(record, "CheckIn Date", "Check In Date", "Check-in Date")) or source.moment(
                _get(record, "Activity Date")
            )
            if not ids or when is None:
                export.left_behind["check-ins without an item or a date"] += 1
                continue
            note = _get(record, "Check In Note", "Note")
            text = None
            if isinstance(note, dict):
                text = html_to_text(_get(note, "Check In Note HTML", "HTML")) or source.plain_text(
                    _get(note, "Check In Note", "Text")
                )
            elif isinstance(note, str):
                text = html_to_text(note)
            export.check_ins.append(
                CheckIn(
                    ids[0],
                    when,
                    source.number(_get(record, "Current Value", "Value")),
                    source.text(_get(record, "Status")),
                    text,
                    _person(_get(record, "Check In Owner", "Owner")),
                    member.shown,
                    row,
                )
            )
    for _member, records in by_kind.get(COMMENTS, []):
        for record in records:
            if isinstance(record, dict):
                ids = _ids(_get(record, "OKR ID", "Objective ID", "Item ID"))
                export.comments.append(
                    {
                        "item_id": ids[0] if ids else None,
                        "when": source.date(_get(record, "Created Date", "Comment Date", "Date", "Created At")),
                        "text": html_to_text(_get(record, "Comment HTML"))
                        or source.plain_text(_get(record, "Comment", "Comment Text", "Text")),
                        "by": _person(_get(record, "Commented By", "Author", "Created By", "Owner")),
                    }
                )
    for _member, records in by_kind.get(TAGS, []):
        export.left_behind["tags"] += len(records)
    return export
