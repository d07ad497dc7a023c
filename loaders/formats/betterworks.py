"""Betterworks CSV export: name, type (goal / milestone), progress (0–100), start_date, end_date,
owner_email, categories (`;`-separated), description. A milestone belongs to the goal above it (or to
the one a parent column names); progress is a percent key result from 0 to 100 whose check-in needs
a date (--date). Goals belong to people: a goal's team is the team its owner leads, else --team."""

from __future__ import annotations

import functools
import re

from loaders.formats import source
from loaders.formats.model import KEY_RESULT, OBJECTIVE, CheckIn, Export, Item, Person, title_id
from loaders.formats.tabular import Columns, date_order, headers_match, read_tables
from loaders.headers import header_key

NAME = "betterworks"
TITLE = "Betterworks"
ALIASES = ("better works",)
PREFIX = "BW"

COLUMNS = Columns(
    {
        "id": ("id", "goal_id"),
        "parent": ("parent_id", "parent", "parent_name", "goal", "parent_goal"),
        "name": ("name", "title"),
        "type": ("type",),
        "progress": ("progress",),
        "start_date": ("start_date",),
        "end_date": ("end_date", "due_date"),
        "owner_email": ("owner_email", "owner"),
        "categories": ("categories", "category"),
        "description": ("description",),
    }
)
NEEDLES = tuple(
    header_key(s)
    for s in ("name", "type", "progress", "start_date", "end_date", "owner_email", "categories", "description")
)


def detect(file_name: str, data: bytes) -> bool:
    return headers_match(file_name, data, NEEDLES, 6) and headers_match(file_name, data, ("owneremail",), 1)


def _date(value, order):
    from loaders import coerce

    with coerce.reading_dates(order):
        return source.date(value)


def read(files, max_bytes: int) -> Export:
    export = Export(TITLE, PREFIX, teams_from_owners=True)
    for table in read_tables(files, max_bytes, COLUMNS, ("name", "type"), least=4):
        export.unknown_columns.update(COLUMNS.unknown(table))
        where = table.file
        goal_id = None
        by_name: dict[str, str] = {}
        order = date_order([r for _, r in table.rows], COLUMNS, ("start_date", "end_date"), export.notes)
        for row, record in table.rows:
            get = functools.partial(COLUMNS.get, record)
            name, kind_word = source.text(get("name")), header_key(get("type") or "")
            owner = Person(None, source.email_of(get("owner_email")))
            if owner.email is None and source.text(get("owner_email")):
                owner = Person(source.text(get("owner_email")))
            own_id = source.text(get("id"))
            parent_text = source.text(get("parent"))
            categories = [c for c in re.split(r"[;]", source.text(get("categories")) or "") if c.strip()]
            if categories:
                export.left_behind["categories"] += len(categories)
            if kind_word.startswith("milestone") or kind_word in ("keyresult", "kr"):
                parent = by_name.get((parent_text or "").lower(), parent_text) if parent_text else goal_id
                if parent is None:
                    export.left_behind["milestones without a goal"] += 1
                    continue
                item = Item(
                    own_id or title_id(parent, name or ""),
                    name or "",
                    kind=KEY_RESULT,
                    parent=parent,
                    owner=owner,
                    start_date=_date(get("start_date"), order),
                    end_date=_date(get("end_date"), order),
                    description=source.plain_text(get("description")),
                    measure="percent",
                    progress=source.number(get("progress")),
                    type_word=get("type"),
                    source=where,
                    row=row,
                )
                export.items.append(item)
                if item.progress is not None:
                    export.check_ins.append(CheckIn(item.id, None, item.progress, None, None, owner, where, row))
            else:
                item = Item(
                    own_id or title_id(owner.email or owner.name or "", name or ""),
                    name or "",
                    kind=OBJECTIVE,
                    owner=owner,
                    start_date=_date(get("start_date"), order),
                    end_date=_date(get("end_date"), order),
                    description=source.plain_text(get("description")),
                    progress=source.number(get("progress")),
                    type_word=source.text(get("type")),
                    source=where,
                    row=row,
                )
                if parent_text:
                    item.parent = by_name.get(parent_text.lower(), parent_text)
                goal_id = item.id
                by_name[(name or "").lower()] = item.id
                export.items.append(item)
                if item.progress is not None:
                    export.check_ins.append(CheckIn(item.id, None, item.progress, None, None, owner, where, row))
    return export
