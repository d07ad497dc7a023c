"""OKR for Jira (Appfire) CSV export: Order (the outline — `1`, `1.1`, `1.2.1` — gives the tree), Type
("Objective" / "Key result"), Summary, Status (any case), Period ("Q3 Y2025"), Owner (a name or an
email), Weight, OKR type, Labels, Teams, Expected start date, Expected end date (`01/01/2025`), Start
value, Current value, Target value, Description. Current values carry no date: give it (--date)."""

from __future__ import annotations

import functools
import re

from loaders import coerce
from loaders.formats import source
from loaders.formats.model import INITIATIVE, KEY_RESULT, OBJECTIVE, CheckIn, Export, Item, Person, title_id
from loaders.formats.tabular import Columns, date_order, headers_match, read_tables
from loaders.headers import header_key

NAME = "okr_for_jira"
TITLE = "OKR for Jira"
ALIASES = ("jira", "okrforjira", "appfire", "okr for jira csv")
PREFIX = "JIRA"

COLUMNS = Columns(
    {
        "order": ("Order", "Outline", "#"),
        "key": ("Key", "Issue key", "ID", "OKR ID"),
        "type": ("Type", "Issue Type"),
        "summary": ("Summary", "Title", "Name"),
        "status": ("Status",),
        "period": ("Period", "Periods"),
        "owner": ("Owner", "Owners", "Assignee"),
        "weight": ("Weight",),
        "okr_type": ("OKR type", "OKR Type"),
        "labels": ("Labels", "Label"),
        "teams": ("Teams", "Team"),
        "start_date": ("Expected start date", "Start date"),
        "end_date": ("Expected end date", "End date", "Due date"),
        "start": ("Start value",),
        "current": ("Current value",),
        "target": ("Target value",),
        "unit": ("Unit",),
        "description": ("Description",),
        "progress": ("Progress", "Progress %"),
    }
)
KINDS = {
    "objective": OBJECTIVE,
    "keyresult": KEY_RESULT,
    "kr": KEY_RESULT,
    "initiative": INITIATIVE,
    "task": INITIATIVE,
    "story": INITIATIVE,
    "epic": INITIATIVE,
}
ORDER = re.compile(r"^\d+(?:\.\d+)*$")
JIRA_PERIOD = re.compile(r"\bY(\d{4})\b", re.I)


def detect(file_name: str, data: bytes) -> bool:
    return headers_match(
        file_name,
        data,
        tuple(
            header_key(s)
            for s in (
                "Order",
                "Type",
                "Summary",
                "Period",
                "Expected start date",
                "Expected end date",
                "Target value",
                "OKR type",
            )
        ),
        5,
    )


def _period(text: str | None) -> str | None:
    return JIRA_PERIOD.sub(r"\1", text).strip() if text else None


def read(files, max_bytes: int) -> Export:
    export = Export(TITLE, PREFIX)
    for table in read_tables(files, max_bytes, COLUMNS, ("order", "summary"), least=4):
        export.unknown_columns.update(COLUMNS.unknown(table))
        where = f"{table.file}"
        rows = [(row, record) for row, record in table.rows]
        day_month = date_order([r for _, r in rows], COLUMNS, ("start_date", "end_date"), export.notes)
        path_of: dict[str, tuple[str, ...]] = {}
        id_of: dict[str, str] = {}
        for row, record in rows:
            get = functools.partial(COLUMNS.get, record)
            order = source.text(get("order"))
            summary = source.text(get("summary"))
            if not order or not ORDER.match(order.rstrip(".")):
                export.left_behind["rows without an outline number in Order"] += 1
                continue
            order = order.rstrip(".")
            parent_order = order.rsplit(".", 1)[0] if "." in order else None
            path_of[order] = path_of.get(parent_order, ()) + (summary or "",)
            item_id = source.text(get("key")) or title_id(*path_of[order])
            id_of[order] = item_id
            owner = source.text(get("owner"))
            email = source.email_of(owner)
            teams = [t.strip() for t in re.split(r"[;,]", source.text(get("teams")) or "") if t.strip()]
            with coerce.reading_dates(day_month):
                dates = {role: source.date(get(role)) for role in ("start_date", "end_date")}
            start, target = source.number(get("start")), source.number(get("target"))
            kind = KINDS.get(header_key(get("type") or ""))
            item = Item(
                item_id,
                summary or "",
                kind=kind,
                parent=id_of.get(parent_order) if parent_order else None,
                team=teams[0] if teams else None,
                other_teams=teams[1:],
                owner=Person(None if email else owner, email),
                period=_period(source.text(get("period"))),
                start_date=dates["start_date"],
                end_date=dates["end_date"],
                description=source.html_to_text(get("description")),
                unit=source.text(get("unit")),
                start=start,
                target=target,
                measured=target is not None,
                progress=source.number(get("progress")),
                status=source.text(get("status")),
                weight=source.number(get("weight")),
                type_word=source.text(get("type")),
                source=where,
                row=row,
            )
            if parent_order and parent_order not in id_of:
                export.left_behind["rows whose outline parent is missing (kept as top items)"] += 1
            if source.text(get("labels")):
                export.left_behind["labels"] += len([x for x in re.split(r"[;,\s]+", source.text(get("labels"))) if x])
            if source.text(get("okr_type")):
                export.left_behind["OKR types (committed / aspirational)"] += 1
            export.items.append(item)
            current = source.number(get("current"))
            if current is None and not item.measured and kind == KEY_RESULT:
                current = item.progress
            if current is not None and kind != OBJECTIVE:
                export.check_ins.append(CheckIn(item_id, None, current, item.status, None, item.owner, where, row))
    return export
