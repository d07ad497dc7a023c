"""The Viva Goals / Ally.io Excel import template: sheet "OKRs and Project", one row per OKR or
project — `OKR Reference`, `Parent OKR` (a reference), `Title`, `Owner`, `Type`, `Time period`, and
the outcome columns (metric type, start, target, current, unit, target type), dates, status,
progress and description."""

from __future__ import annotations

import functools

from loaders.formats import source
from loaders.formats.model import INITIATIVE, KEY_RESULT, OBJECTIVE, CheckIn, Export, Item, Person
from loaders.formats.tabular import Columns, headers_match, read_tables
from loaders.formats.viva_goals import DIRECTIONS
from loaders.headers import header_key

NAME = "viva_goals_template"
TITLE = "Viva Goals Excel template"
ALIASES = ("ally", "allyio", "ally template", "viva template", "viva goals excel")
PREFIX = "VGT"
SHEET = "okrs and project"

COLUMNS = Columns(
    {
        "ref": ("OKR Reference", "Reference", "OKR Ref", "Ref"),
        "parent": ("Parent OKR", "Parent OKR Reference", "Parent Reference", "Parent"),
        "title": ("Title", "OKR Title", "Name"),
        "owner": ("Owner", "Owner Email", "Owners"),
        "type": ("Type", "OKR Type"),
        "period": ("Time period", "Time Period Name", "Period"),
        "team": ("Team", "Teams", "Team Name"),
        "description": ("Description",),
        "start_date": ("Start Date", "Start"),
        "end_date": ("End Date", "Due Date", "End"),
        "outcome": ("Outcome Type", "Metric Type", "Measure", "Outcome"),
        "metric": ("Metric Name", "Metric"),
        "unit": ("Metric Unit", "Unit"),
        "start": ("Start Value", "Metric Start", "Baseline"),
        "target": ("Target Value", "Target", "Metric Target"),
        "current": ("Current Value", "Current", "Actual"),
        "target_type": ("Target Type", "Direction"),
        "progress": ("Progress", "Progress %"),
        "status": ("Status",),
        "weight": ("Weight", "Alignment Weight"),
        "check_in_date": ("Check-in Date", "CheckIn Date", "Last Check-in", "As Of"),
    }
)
KINDS = {
    "objective": OBJECTIVE,
    "keyresult": KEY_RESULT,
    "kr": KEY_RESULT,
    "project": INITIATIVE,
    "initiative": INITIATIVE,
    "task": INITIATIVE,
}


def detect(file_name: str, data: bytes) -> bool:
    return headers_match(file_name, data, ("okrreference", "parentokr"), 2, csv_ok=False) or headers_match(
        file_name, data, ("okrreference", "parentokr", "timeperiod"), 3, xlsx_ok=False
    )


def read(files, max_bytes: int) -> Export:
    export = Export(TITLE, PREFIX)
    for table in read_tables(files, max_bytes, COLUMNS, ("ref", "title"), sheet_names=(SHEET,))[:1]:
        export.unknown_columns.update(COLUMNS.unknown(table))
        where = f"{table.file} sheet {table.sheet}"
        for row, record in table.rows:
            get = functools.partial(COLUMNS.get, record)
            ref, title = source.text(get("ref")), source.text(get("title"))
            if not ref:
                export.left_behind["rows without an OKR Reference"] += 1
                continue
            owner = source.text(get("owner"))
            email = source.email_of(owner)
            start, target = source.number(get("start")), source.number(get("target"))
            outcome = header_key(get("outcome") or "")
            item = Item(
                ref,
                title or "",
                kind=KINDS.get(header_key(get("type") or "")),
                parent=source.text(get("parent")),
                team=source.text(get("team")),
                owner=Person(None if email else owner, email),
                period=source.text(get("period")),
                start_date=source.date(get("start_date")),
                end_date=source.date(get("end_date")),
                description=source.html_to_text(get("description")),
                unit=source.text(get("unit")),
                progress=source.number(get("progress")),
                status=source.text(get("status")),
                weight=source.number(get("weight")),
                type_word=source.text(get("type")),
                source=where,
                row=row,
            )
            if outcome.startswith("percent"):
                item.measure = "percent"
                item.start, item.target = start if start is not None else 0.0, target if target is not None else 100.0
                item.measured = True
            elif target is not None:
                item.measured, item.start, item.target = True, start, target
            item.direction = DIRECTIONS.get(header_key(get("target_type") or ""))
            if item.direction in ("increase", "decrease") and start is not None and target is not None:
                item.direction = "decrease" if start > target else "increase"
            export.items.append(item)
            current = source.number(get("current"))
            if current is None and item.progress is not None and not item.measured:
                current = item.progress
            if current is not None:
                export.check_ins.append(
                    CheckIn(ref, source.date(get("check_in_date")), current, item.status, None, item.owner, where, row)
                )
    return export
