"""One conversion for every tool: an Export (loaders.formats.model) → the tables of the workbook
format, typed as loaders.parse gives them, plus the import report.

The kind of an item the tool does not name reliably is decided by the tree, never by the tool's
word for it: an item under a key result is an initiative; a top item is an objective; an item with
children that have children of their own, or that carry a measure, is an objective; an item with a
measure whose children carry none is a key result (its children are its initiatives); a leaf under
an objective is a key result. The workbook format has two levels of objectives (company, team): a
team objective is linked to its nearest company objective above it, and the links skipped are
reported. Ids are the tool's ids behind a prefix (`VG-123`), so a newer export of the same
organisation updates what the earlier one stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pandas as pd

from loaders.formats.model import INITIATIVE, KEY_RESULT, OBJECTIVE, CheckIn, Export, Item, Person
from loaders.parse import ROW, ParsedTable
from loaders.problems import ERROR, Problem
from store.schema import TABLES_BY_NAME

UNASSIGNED_TEAM = "Unassigned"
CURRENCY_UNITS = {
    "$",
    "€",
    "£",
    "¥",
    "usd",
    "eur",
    "gbp",
    "jpy",
    "chf",
    "dollar",
    "dollars",
    "euro",
    "euros",
    "currency",
}
PERCENT_UNITS = {"%", "percent", "percentage", "pct"}

# The tool's status words → what they become here. Our status is computed from progress at the as-of
# date; the tool's judgement is kept as the check-in's confidence and in its comment.
STATUS_CONFIDENCE = {
    "ontrack": 7,
    "good": 7,
    "green": 7,
    "ahead": 8,
    "exceeded": 9,
    "done": None,
    "completed": None,
    "achieved": None,
    "atrisk": 4,
    "amber": 4,
    "yellow": 4,
    "needsattention": 4,
    "behind": 2,
    "offtrack": 2,
    "red": 2,
    "notstarted": None,
    "closed": None,
    "postponed": None,
    "cancelled": None,
    "canceled": None,
}
CANCELLING = {"postponed", "cancelled", "canceled", "abandoned", "dropped", "deferred"}
STATUS_MEANING = {
    7: "on track (confidence 7)",
    8: "on track (confidence 8)",
    9: "on track (confidence 9)",
    4: "at risk (confidence 4)",
    2: "off track (confidence 2)",
}


def status_key(word: object) -> str:
    return re.sub(r"[^a-z]", "", str(word).lower())


def status_meaning(word: str) -> str:
    key = status_key(word)
    if key in CANCELLING:
        return "cancelled (a cancel decision, dated at its last update)"
    if key in ("closed", "done", "completed", "achieved"):
        return "completed or missed, as its last value says"
    if key == "notstarted":
        return "not started (until its first check-in)"
    confidence = STATUS_CONFIDENCE.get(key)
    if confidence in STATUS_MEANING:
        return STATUS_MEANING[confidence]
    return "kept in the check-in comment (status computed from progress)"


@dataclass
class ImportReport:
    """What an export brought, for the command line and the Upload page."""

    tool: str
    files: list[str]
    counts: dict[str, int] = field(default_factory=dict)  # objectives, key results, … in the export
    people_new: list[str] = field(default_factory=list)
    people_known: list[str] = field(default_factory=list)
    left_behind: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)  # the tool's word → ours
    kinds: dict[str, str] = field(default_factory=dict)  # "Big rock" → "objective (12)"
    notes: list[str] = field(default_factory=list)
    unknown_columns: dict[str, int] = field(default_factory=dict)

    def as_dict(self, changes=None) -> dict:
        return {
            "tool": self.tool,
            "files": self.files,
            "found": self.counts,
            "stored": stored_counts(changes, self) if changes is not None else None,
            "people": {"new": self.people_new, "known": self.people_known},
            "not_brought_over": self.left_behind,
            "statuses": self.statuses,
            "types": self.kinds,
            "unknown_columns": self.unknown_columns,
            "notes": self.notes,
        }

    def lines(self, changes=None) -> list[str]:
        out = [f"{self.tool} export ({', '.join(self.files)}):"]
        stored = stored_counts(changes, self) if changes is not None else None
        for what, count in self.counts.items():
            line = f"  {what}: {count}"
            if stored and what in stored:
                s = stored[what]
                line += f" ({s['created']} created, {s['updated']} updated, {s['unchanged']} unchanged)"
            out.append(line)
        if self.kinds:
            out.append("  types: " + "; ".join(f"{word} → {what}" for word, what in self.kinds.items()))
        if self.statuses:
            out.append("  statuses: " + "; ".join(f"{word} → {what}" for word, what in self.statuses.items()))
        if self.left_behind:
            out.append("  not brought over: " + "; ".join(f"{what}: {n}" for what, n in self.left_behind.items()))
        else:
            out.append("  not brought over: nothing")
        if self.unknown_columns:
            out.append(
                "  columns not read: " + ", ".join(f'"{h}" ({n} values)' for h, n in self.unknown_columns.items())
            )
        out.extend(f"  note: {note}" for note in self.notes)
        return out


TABLE_OF_COUNT = {
    "objectives": "objectives",
    "key results": "key_results",
    "initiatives": "initiatives",
    "check-ins": "check_ins",
    "teams": "teams",
}


def stored_counts(changes, report: ImportReport) -> dict[str, dict[str, int]]:
    out = {}
    for what, table in TABLE_OF_COUNT.items():
        change = (changes or {}).get(table)
        if change is not None:
            out[what] = {"created": change.inserted, "updated": change.updated, "unchanged": change.unchanged}
    out["people"] = {"created": len(report.people_new), "updated": 0, "unchanged": len(report.people_known)}
    return out


@dataclass
class Converted:
    tables: dict[str, ParsedTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    report: ImportReport | None = None


class _Directory:
    """People by email, then by name (case-insensitive): one spelling of each person's name."""

    def __init__(self, people: list[Person]):
        self.by_email: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        for person in people:
            self.add(person)

    def add(self, person: Person) -> None:
        if person.email and person.name:
            self.by_email.setdefault(person.email.strip().lower(), person.name.strip())
        if person.name:
            self.by_name.setdefault(person.name.strip().lower(), person.name.strip())

    def name(self, person: Person | None) -> str | None:
        if not person:
            return None
        if person.email and (found := self.by_email.get(person.email.strip().lower())):
            return found
        if person.name and (found := self.by_name.get(person.name.strip().lower())):
            return found
        if person.email and not person.name:  # ana.ruiz@… is the Ana Ruiz the export names elsewhere
            local = re.sub(r"[._-]+", " ", person.email.split("@")[0]).strip().lower()
            if found := self.by_name.get(local):
                return found
        return (person.name or person.email or "").strip() or None


def _stored_people(stored: dict[str, pd.DataFrame]) -> tuple[list[Person], set[str]]:
    people, names = [], set()
    teams = stored.get("teams")
    if teams is not None and not teams.empty:
        for lead, email in zip(teams["lead"], teams["lead_email"]):
            if isinstance(lead, str):
                people.append(Person(lead, email if isinstance(email, str) else None))
    for table, column in (
        ("objectives", "owner"),
        ("key_results", "owner"),
        ("check_ins", "updated_by"),
        ("initiatives", "owner"),
        ("teams", "lead"),
    ):
        frame = stored.get(table)
        if frame is not None and column in frame:
            names.update(n.strip().lower() for n in frame[column].dropna().unique() if isinstance(n, str))
    return people, names


def _period_form(item: Item, export: Export) -> str | None:
    from analytics.periods import normalise_period

    if item.period:
        try:
            return normalise_period(item.period)
        except ValueError:
            pass
        bounds = export.periods.get(item.period)
        if bounds and bounds[0] and bounds[1]:
            return _months_form(*bounds)
    if item.start_date and item.end_date and item.end_date >= item.start_date:
        return _months_form(item.start_date, item.end_date)
    return None


def _months_form(start: dt.date, end: dt.date) -> str | None:
    """The stored period form of the months from `start` to `end` (a quarter, half or year when they
    are one; else a run of months, at most 12)."""
    from analytics.periods import _stored_form

    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months < 1:
        return None
    if months > 12:  # a period longer than a year: the year it ends in (its KRs keep their own dates)
        return f"{end.year:04d}"
    return _stored_form(start.year * 12 + start.month - 1, months)


def _bounds(period: str | None) -> tuple[dt.date | None, dt.date | None]:
    from analytics.periods import period_bounds

    if not period:
        return None, None
    try:
        first, last = period_bounds(period)
    except ValueError:
        return None, None
    return first.date(), last.date()


def _measure_of(item: Item) -> str:
    if item.measure:
        return item.measure
    unit = (item.unit or "").strip().lower()
    if unit in PERCENT_UNITS:
        return "percent"
    if unit in CURRENCY_UNITS or (unit[:1] in "$€£¥" and unit):
        return "currency"
    return "number"


def _day(when) -> dt.date:
    return when.date() if isinstance(when, dt.datetime) else when


def convert(
    export: Export, stored: dict[str, pd.DataFrame], file_label: str, defaults: dict | None = None
) -> Converted:
    """`defaults` (period, date, team) fill what an export does not say: the period of items without
    one, the date of current values without one, the team of objectives without one."""
    from analytics.periods import normalise_period

    out = Converted()
    defaults = dict(defaults or {})
    default_period = None
    if defaults.get("period"):
        try:
            default_period = normalise_period(str(defaults["period"]))
        except ValueError as exc:
            out.problems.append(Problem(file_label, "", None, "period", str(exc)))
    default_date = defaults.get("date")
    if isinstance(default_date, str):
        default_date = dt.date.fromisoformat(default_date)
    report = ImportReport(export.tool, export.files or [file_label])
    out.report = report
    left = Counter(export.left_behind)
    notes = list(export.notes)
    report.unknown_columns = dict(export.unknown_columns)
    out.problems.extend(export.problems)
    prefix = export.prefix

    def pid(raw: str) -> str:
        return f"{prefix}-{raw}"

    # The tree: unique ids, known parents, no cycles.
    items: dict[str, Item] = {}
    for item in export.items:
        if not item.id or not item.title:
            left["items without an id or a title"] += 1
        elif item.id in items:
            left["items repeating an id (the first kept)"] += 1
        else:
            items[item.id] = item
    for item in items.values():
        extra = [p for p in item.other_parents if p and p != item.parent]
        if extra:
            left["second and further parents (the first kept)"] += len(extra)
        if item.parent is not None and item.parent not in items:
            left["links to parents not in the export (kept as top items)"] += 1
            item.parent = None
        if item.other_teams:
            left["second and further teams of an item (the first kept)"] += len(item.other_teams)
    done: set[str] = set()
    for item in items.values():  # cut cycles: each item walked up once
        path, node = {item.id}, item
        while node.parent is not None and node.id not in done:
            if node.parent in path:
                node.parent = None
                left["parent links closing a loop (cut)"] += 1
                break
            path.add(node.parent)
            node = items[node.parent]
        done |= path
    children: dict[str, list[str]] = defaultdict(list)
    for item in items.values():
        if item.parent is not None:
            children[item.parent].append(item.id)
    order, queue = [], [i.id for i in items.values() if i.parent is None]
    while queue:  # parents before children
        order.extend(queue)
        queue = [c for p in queue for c in children.get(p, [])]

    kind: dict[str, str] = {}
    for key in order:
        item = items[key]
        parent_kind = kind.get(item.parent) if item.parent else None
        kids = [items[c] for c in children.get(key, [])]
        if parent_kind in (KEY_RESULT, INITIATIVE):
            decided = INITIATIVE
        elif item.kind in (OBJECTIVE, KEY_RESULT, INITIATIVE):
            decided = item.kind
        elif item.parent is None:
            decided = OBJECTIVE
        elif not kids:
            # A leaf under an objective is its key result — unless it is a team's own item without an outcome
            # under an objective of no team (a team objective without key results yet).
            parent = items[item.parent]
            decided = (
                OBJECTIVE
                if (item.team and not parent.team and not item.has_outcome and not item.measured)
                else KEY_RESULT
            )
        elif any(children.get(k.id) for k in kids) or any(k.measured for k in kids):
            decided = OBJECTIVE
        elif item.measured or (item.has_outcome and not any(k.has_outcome for k in kids)):
            decided = KEY_RESULT  # its children are its initiatives
        else:
            decided = OBJECTIVE
        if decided == KEY_RESULT and parent_kind != OBJECTIVE:
            decided = OBJECTIVE if item.kind != KEY_RESULT else KEY_RESULT
        kind[key] = decided
    words = Counter((items[k].type_word, kind[k]) for k in order if items[k].type_word)
    for (word, what), n in sorted(words.items(), key=lambda x: -x[1]):
        report.kinds[word] = f"{report.kinds[word]}, {what} ({n})" if word in report.kinds else f"{what} ({n})"

    # People
    stored_people, stored_names = _stored_people(stored)
    directory = _Directory([*export.people, *[o for t in export.teams for o in t.owners], *stored_people])
    for item in items.values():
        directory.add(item.owner)
    for check_in in export.check_ins:
        directory.add(check_in.by)
    used_people: set[str] = set()

    def person(who: Person | None) -> str | None:
        name = directory.name(who)
        if name:
            used_people.add(name)
        return name

    # Teams
    team_rows: dict[str, dict] = {}
    parent_team = {t.name: t.parent for t in export.teams if t.name}
    for team in export.teams:
        if not team.name or team.name in team_rows:
            continue
        chain, node, seen = [team.name], team.parent, {team.name}
        while node and node not in seen and len(chain) < 50:
            chain.insert(0, node)
            seen.add(node)
            node = parent_team.get(node)
        group = chain[1] if len(chain) >= 3 else chain[0]
        lead = team.owners[0] if team.owners else None
        if len(team.owners) > 1:
            left["team owners after the first (the first is the team's lead)"] += len(team.owners) - 1
        team_rows[team.name] = {
            "team": team.name,
            "group": group,
            "lead": person(lead),
            "lead_email": (lead.email if lead and lead.email else None),
        }

    # The team a person leads (for tools whose goals belong to people, not teams)
    led_by: dict[str, str] = {}
    stored_teams = stored.get("teams")
    if stored_teams is not None and not stored_teams.empty:
        for team, lead, email in zip(stored_teams["team"], stored_teams["lead"], stored_teams["lead_email"]):
            for who in (lead, email):
                if isinstance(who, str):
                    led_by.setdefault(who.strip().lower(), team)
    for team in export.teams:
        for owner in team.owners[:1]:
            for who in (owner.name, owner.email):
                if who:
                    led_by.setdefault(who.strip().lower(), team.name)

    def team_led_by(who: Person) -> str | None:
        for key in (who.email, who.name, directory.name(who)):
            if key and key.strip().lower() in led_by:
                return led_by[key.strip().lower()]
        return None

    # Objectives
    objective_ids = [k for k in order if kind[k] == OBJECTIVE]
    period_of: dict[str, str | None] = {}
    team_of: dict[str, str | None] = {}
    level_of: dict[str, str] = {}
    company_parent: dict[str, str | None] = {}
    flattened = 0
    for key in objective_ids:
        item = items[key]
        parent = item.parent if item.parent and kind.get(item.parent) == OBJECTIVE else None
        period_of[key] = _period_form(item, export) or (period_of.get(parent) if parent else None) or default_period
        team = (
            item.team
            or (team_of.get(parent) if parent else None)
            or defaults.get("team")
            or (team_led_by(item.owner) if export.teams_from_owners else None)
        )
        child_objectives = [c for c in children.get(key, []) if kind.get(c) == OBJECTIVE]
        if (parent is None and (team is None or child_objectives)) or (team is None and child_objectives):
            level_of[key] = "company"
            company_parent[key] = None
            if parent is not None:  # an objective of no team with objectives under it: a company one
                left["links between company objectives (each is shown on its own)"] += 1
        else:
            level_of[key] = "team"
            node = parent if parent is None or level_of.get(parent) == "company" else company_parent.get(parent)
            company_parent[key] = node
            if parent is not None and node != parent:
                flattened += 1
            if team is None:
                team = UNASSIGNED_TEAM
        team_of[key] = team
    for key in reversed(objective_ids):  # an objective without a period or dates: the period of what is under it
        if period_of[key] is None:
            found = [period_of.get(c) or _period_form(items[c], export) for c in children.get(key, [])]
            period_of[key] = next((p for p in found if p), None)
            if period_of[key] is not None:
                left_note = "objectives without a period take the period of the items under them"
                if left_note not in notes:
                    notes.append(left_note)
    if flattened:
        notes.append(
            f"{flattened} objective(s) aligned to a team objective are linked to the company objective "
            "above it (the workbook format has two levels of objectives)"
        )
    objectives = []
    for n, key in enumerate(objective_ids):
        item = items[key]
        if item.weight is not None and item.parent is not None:
            left["alignment weights of objectives (a team's objectives count equally)"] += 1
        if period_of[key] is None:
            out.problems.append(
                Problem(
                    file_label,
                    "Objectives",
                    item.row,
                    "period",
                    f'objective "{item.title[:60]}" has no time period in the export nor dates '
                    "to take it from: give the period (--period 2027-Q2 on the command line, "
                    "the Period field on the page)",
                )
            )
            continue
        team = team_of[key] if level_of[key] == "team" else None
        if team and team not in team_rows:
            team_rows[team] = {"team": team, "group": team, "lead": None, "lead_email": None}
        objectives.append(
            {
                ROW: item.row or n + 2,
                "objective_id": pid(key),
                "period": period_of[key],
                "level": level_of[key],
                "team": team,
                "title": item.title,
                "context": item.description,
                "owner": person(item.owner),
                "parent_objective_id": pid(company_parent[key]) if company_parent[key] else None,
            }
        )
    # A team that owns no objective and only groups other teams is their group, not a team of its own.
    owning = {row["team"] for row in objectives if row["team"]}
    parents = {t.parent for t in export.teams if t.parent}
    for name in [n for n in team_rows if n not in owning and n in parents]:
        del team_rows[name]
        left["parent teams without objectives (kept as the group of their teams)"] += 1
    if UNASSIGNED_TEAM in team_rows and not any(t.name == UNASSIGNED_TEAM for t in export.teams):
        notes.append(f'team objectives without a team (nor one above them) are put in team "{UNASSIGNED_TEAM}"')

    # Key results (and objectives measured by themselves, without key results: one KR each)
    kr_rows, kr_of_item = [], {}
    mirrored = held = 0
    check_in_items = {c.item_id for c in export.check_ins}
    for n, key in enumerate(order):
        item = items[key]
        if kind[key] == KEY_RESULT:
            parent = item.parent if item.parent and kind.get(item.parent) == OBJECTIVE else None
            if parent is None or period_of.get(parent) is None:
                left["key results without an objective"] += 1
                continue
            kr_id, objective = pid(key), parent
        elif (
            kind[key] == OBJECTIVE
            and not children.get(key)
            and period_of.get(key)
            and (item.measured or key in check_in_items or item.progress is not None)
        ):
            kr_id, objective = pid(key) + "-KR", key
            mirrored += 1
        else:
            continue
        kr_of_item[key] = kr_id
        first_day, last_day = _bounds(period_of[objective])
        measured = item.measured and item.target is not None
        measure = _measure_of(item) if measured else (item.measure or "percent")
        if measure in ("status", "binary"):
            start, target = None, None
        elif measured:
            start, target = item.start, item.target
        else:
            start, target = 0.0, 100.0
        direction = item.direction
        if measure not in ("status", "binary"):
            if start is None:
                start = target if direction in ("stay_above", "stay_below") else 0.0
            if direction is None:
                direction = "decrease" if start > target else "increase"
            if direction in ("increase", "decrease") and start == target:
                direction = "stay_above" if direction == "increase" else "stay_below"
                held += 1
        due = item.end_date or last_day
        start_date = item.start_date or first_day
        if start_date and due and due < start_date:
            start_date = None
        weight = item.weight if item.weight is not None and item.weight > 0 else None
        if item.weight is not None and item.weight <= 0:
            left["weights of 0 (weight 1 kept)"] += 1
        kr_rows.append(
            {
                ROW: item.row or n + 2,
                "kr_id": kr_id,
                "objective_id": pid(objective),
                "title": item.title,
                "measure": measure,
                "unit": item.unit or ("%" if measure == "percent" else None),
                "start_value": start,
                "target_value": target,
                "direction": direction,
                "owner": person(item.owner),
                "start_date": start_date,
                "due_date": due,
                "weight": weight,
            }
        )
    if held:
        notes.append(f"{held} key result(s) whose start equals the target are kept as holding it (stay above or below)")
    if mirrored:
        notes.append(
            f"{mirrored} objective(s) without key results, measured by themselves, get one key result "
            "of the same title (id ending -KR) carrying their measure and check-ins"
        )

    # Initiatives
    initiative_rows, seen_initiatives = [], set()
    for n, key in enumerate(order):
        if kind[key] != INITIATIVE:
            continue
        item, node = items[key], items[key].parent
        while node is not None and kind.get(node) == INITIATIVE:
            node = items[node].parent
        kr_id = kr_of_item.get(node) if node else None
        if kr_id is None:
            left["initiatives without a key result"] += 1
            continue
        title = item.title
        suffix = 2
        while (kr_id, title) in seen_initiatives:
            title = f"{item.title} ({suffix})"
            suffix += 1
        seen_initiatives.add((kr_id, title))
        status = item.status
        if item.progress is not None:
            status = f"{status or 'progress'} · {item.progress:g}%"
        initiative_rows.append(
            {
                ROW: item.row or n + 2,
                "kr_id": kr_id,
                "title": title,
                "owner": person(item.owner),
                "status": status,
                "due_date": item.end_date,
            }
        )

    # Check-ins: the latest of each KR and day
    statuses_seen: dict[str, str] = {}
    seen_status_keys: set[str] = set()
    readings: dict[tuple[str, dt.date], CheckIn] = {}
    same_day = undated = 0
    for check_in in export.check_ins:
        if check_in.status and status_key(check_in.status) not in seen_status_keys:
            seen_status_keys.add(status_key(check_in.status))
            statuses_seen[check_in.status] = status_meaning(check_in.status)
        key = check_in.item_id
        if check_in.when is None and default_date is None and (key in kr_of_item or kind.get(key) == KEY_RESULT):
            undated += 1
            continue
        if key not in items:
            left["check-ins of items not in the export"] += 1
            continue
        if key not in kr_of_item:
            what = kind.get(key)
            left[
                "check-ins of initiatives (the initiative keeps its status)"
                if what == INITIATIVE
                else "check-ins of objectives measured by their key results"
            ] += 1
            continue
        if check_in.value is None and not check_in.status and not check_in.note:
            left["check-ins without a value"] += 1
            continue
        if check_in.when is None and default_date is None:
            continue
        day = _day(check_in.when) if check_in.when is not None else default_date
        earlier = readings.get((key, day))
        if earlier is not None:
            same_day += 1
            if (
                not isinstance(check_in.when, dt.datetime)
                or not isinstance(earlier.when, dt.datetime)
                or check_in.when >= earlier.when
            ):
                if check_in.note is None and earlier.note:
                    check_in.note = earlier.note
                readings[(key, day)] = check_in
            continue
        readings[(key, day)] = check_in
    if undated:
        out.problems.append(
            Problem(
                file_label,
                "",
                None,
                "date",
                f"{undated} current value(s) have no date in the export: give the date they were "
                "true (--date YYYY-MM-DD on the command line, the check-in date on the page)",
            )
        )
    if same_day:
        notes.append(
            f"{same_day} check-in(s) on a day with a later check-in of the same key result: the day's "
            "last one is kept (a day holds one check-in per key result)"
        )
    for item in items.values():
        if item.status and status_key(item.status) not in seen_status_keys:
            seen_status_keys.add(status_key(item.status))
            statuses_seen[item.status] = status_meaning(item.status)
    # Items with a current value or progress and no check-in record: their state, dated their last update.
    synthesised = 0
    days_of: dict[str, list[dt.date]] = defaultdict(list)
    for k, day in readings:
        days_of[k].append(day)
    for key in kr_of_item:
        item = items[key]
        if days_of.get(key):
            continue
        when = item.last_check_in
        value = item.current
        if value is None and item.progress is not None and not (item.measured and item.target is not None):
            value = item.progress
        elif value is None and item.progress is not None and item.target is not None:
            start = item.start or 0.0
            value = start + (item.target - start) * item.progress / 100
        if when is None or value is None:
            continue
        readings[(key, when)] = CheckIn(key, when, value, item.status, None, item.owner)
        synthesised += 1
    if synthesised:
        notes.append(
            f"{synthesised} key result(s) without check-in records get one check-in with their current "
            "value, dated their last update"
        )
    # Comments on a key result on a day it has a check-in join that check-in's comment.
    for comment in export.comments:
        key, when = comment.get("item_id"), comment.get("when")
        found = readings.get((key, _day(when))) if key and when else None
        if found is None or not comment.get("text"):
            left["comments not attached to a check-in"] += 1
            continue
        by = directory.name(comment.get("by"))
        extra = f"{by}: {comment['text']}" if by else comment["text"]
        found.note = f"{found.note}\n\n{extra}" if found.note else extra
    check_in_rows = []
    for n, ((key, day), check_in) in enumerate(sorted(readings.items(), key=lambda kv: (kv[0][0], kv[0][1]))):
        confidence = STATUS_CONFIDENCE.get(status_key(check_in.status)) if check_in.status else None
        comment = check_in.note
        if check_in.status:
            comment = f"{check_in.status}: {comment}" if comment else check_in.status
        value = check_in.value
        if value is None:
            left["check-ins without a value"] += 1
            continue
        check_in_rows.append(
            {
                ROW: check_in.row or n + 2,
                "kr_id": kr_of_item[key],
                "date": day,
                "value": value,
                "confidence": confidence,
                "comment": comment,
                "updated_by": person(check_in.by),
            }
        )

    # Items the tool marks postponed or cancelled: a cancel decision, dated at their last update.
    days_of = defaultdict(list)
    for k, day in readings:
        days_of[k].append(day)
    decision_rows = []
    for key, kr_id in kr_of_item.items():
        item = items[key]
        if item.status and status_key(item.status) in CANCELLING:
            days = days_of.get(key, [])
            when = max(days) if days else (item.last_check_in or item.start_date)
            if when is None:
                continue
            decision_rows.append(
                {
                    ROW: item.row or len(decision_rows) + 2,
                    "kr_id": kr_id,
                    "date": when,
                    "decision": "cancel",
                    "reason": f"{item.status} in {export.tool}",
                    "decided_by": person(item.owner),
                }
            )

    report.statuses = statuses_seen
    report.counts = {
        "objectives": len(objectives),
        "key results": len(kr_rows),
        "initiatives": len(initiative_rows),
        "check-ins": len(check_in_rows),
        "teams": len(team_rows),
        "people": len(used_people),
    }
    if decision_rows:
        report.counts["cancel decisions"] = len(decision_rows)
    report.people_new = sorted(p for p in used_people if p.lower() not in stored_names)
    report.people_known = sorted(p for p in used_people if p.lower() in stored_names)
    report.left_behind = dict(sorted(left.items()))
    report.notes = notes

    def add(name: str, rows: list[dict], columns: list[str]) -> None:
        if not rows:
            return
        frame = pd.DataFrame(rows, columns=[ROW, *columns])
        table = TABLES_BY_NAME[name]
        for column in columns:
            kind_of = table.column(column).kind
            if kind_of == "number":
                frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
            elif kind_of != "date":
                frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
        out.tables[name] = ParsedTable(table, f"{file_label}", table.sheet, frame, columns)

    add("teams", list(team_rows.values()), ["team", "group", "lead", "lead_email"])
    add(
        "objectives",
        objectives,
        ["objective_id", "period", "level", "team", "title", "context", "owner", "parent_objective_id"],
    )
    add(
        "key_results",
        kr_rows,
        [
            "kr_id",
            "objective_id",
            "title",
            "measure",
            "unit",
            "start_value",
            "target_value",
            "direction",
            "owner",
            "start_date",
            "due_date",
            "weight",
        ],
    )
    add("check_ins", check_in_rows, ["kr_id", "date", "value", "confidence", "comment", "updated_by"])
    add("initiatives", initiative_rows, ["kr_id", "title", "owner", "status", "due_date"])
    add("decisions", decision_rows, ["kr_id", "date", "decision", "reason", "decided_by"])
    if not out.tables and not any(p.severity == ERROR for p in out.problems):
        out.problems.append(Problem(file_label, "", None, "", f"the {export.tool} export holds no objectives"))
    return out
