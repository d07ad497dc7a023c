"""BurningOKR's `okr.xlsx` export: sheet `okr`, one row per key result, English or German headers —
Team, Objective, Progress / Fortschritt (0–1, formatted %), Corporate Objective / Uebergeordnetes
Unternehmensziel (the parent, by its title), Key Result, Description / Beschreibung, Start, End / Ende
(the target value, not a date), Actual / Aktuell, Unit / Einheit ("", "%", "€"). The export names no
period and no date: give them (--period, --date)."""

from __future__ import annotations

import functools

from loaders.formats import source
from loaders.formats.model import KEY_RESULT, OBJECTIVE, CheckIn, Export, Item, title_id
from loaders.formats.tabular import Columns, read_tables
from loaders.headers import header_key

NAME = "burning_okr"
TITLE = "BurningOKR"
ALIASES = ("burningokr", "burning okr")
PREFIX = "BO"

COLUMNS = Columns(
    {
        "team": ("Team", "Department", "Abteilung"),
        "objective": ("Objective", "Ziel"),
        "progress": ("Progress", "Fortschritt"),
        "parent": (
            "Corporate Objective",
            "Parent Objective",
            "Uebergeordnetes Unternehmensziel",
            "Übergeordnetes Unternehmensziel",
            "Uebergeordnetes Ziel",
            "Übergeordnetes Ziel",
        ),
        "kr": ("Key Result", "Schluesselergebnis", "Schlüsselergebnis", "Key-Result"),
        "description": ("Description", "Beschreibung", "Key Result Description"),
        "start": ("Start", "Startwert"),
        "end": ("End", "Ende", "Target", "Ziel Wert", "Zielwert"),
        "actual": ("Actual", "Aktuell", "Current", "Istwert"),
        "unit": ("Unit", "Einheit"),
    }
)
NEEDLES = tuple(header_key(s) for names in COLUMNS.spellings.values() for s in names)


def detect(file_name: str, data: bytes) -> bool:
    peek = source.workbook_peek(data)
    if peek is None:
        return False
    sheets, strings = peek
    keys = {header_key(t) for t in strings.split(" | ")}
    parent = keys & set(COLUMNS.keys["parent"])
    found = len(keys & set(NEEDLES))
    return bool(parent) and (found >= 5 and "okr" in sheets or found >= 7)


def read(files, max_bytes: int) -> Export:
    export = Export(TITLE, PREFIX)
    company: dict[str, Item] = {}
    objectives: dict[tuple, Item] = {}
    for table in read_tables(files, max_bytes, COLUMNS, ("objective", "kr"), least=4, sheet_names=("okr",))[:1]:
        export.unknown_columns.update(COLUMNS.unknown(table, {header_key("Progress"), header_key("Fortschritt")}))
        where = f"{table.file} sheet {table.sheet}"
        for row, record in table.rows:
            get = functools.partial(COLUMNS.get, record)
            team, objective, kr = source.text(get("team")), source.text(get("objective")), source.text(get("kr"))
            parent_title = source.text(get("parent"))
            if not objective:
                export.left_behind["rows without an objective"] += 1
                continue
            parent_id = None
            if parent_title:
                if parent_title.lower() not in company:
                    item = Item(
                        title_id("company", parent_title),
                        parent_title,
                        kind=OBJECTIVE,
                        type_word="corporate objective",
                        source=where,
                        row=row,
                    )
                    company[parent_title.lower()] = item
                    export.items.append(item)
                parent_id = company[parent_title.lower()].id
            key = (team, objective)
            if key not in objectives:
                item = Item(
                    title_id(team or "", objective),
                    objective,
                    kind=OBJECTIVE,
                    team=team,
                    parent=parent_id,
                    type_word="objective",
                    source=where,
                    row=row,
                )
                objectives[key] = item
                export.items.append(item)
            if not kr:
                continue
            unit = source.text(get("unit"))
            start, target = source.number(get("start")), source.number(get("end"))
            item = Item(
                title_id(team or "", objective, kr),
                kr,
                kind=KEY_RESULT,
                parent=objectives[key].id,
                description=source.plain_text(get("description")),
                unit=unit,
                start=start,
                target=target,
                measured=target is not None,
                type_word="key result",
                source=where,
                row=row,
            )
            if unit == "%":
                item.measure = "percent"
            elif unit and unit.strip() in ("€", "$", "£", "EUR", "USD"):
                item.measure = "currency"
            export.items.append(item)
            actual = source.number(get("actual"))
            if actual is not None:
                export.check_ins.append(CheckIn(item.id, None, actual, None, None, source=where, row=row))
    # A corporate objective that is also a row's objective is that objective (BurningOKR's company unit).
    by_title = {item.title.lower(): item for item in objectives.values()}
    for title, holder in company.items():
        if title in by_title and by_title[title].team is None:
            export.items.remove(holder)
            for item in objectives.values():
                if item.parent == holder.id:
                    item.parent = by_title[title].id if item is not by_title[title] else None
    export.notes.append(
        "objectives' progress is computed here from their key results (the export's Progress column is not read)"
    )
    return export
