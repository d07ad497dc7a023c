"""What another OKR tool's export holds, in one shape for every format: the items of its tree
(objectives, key results, initiatives — or items whose kind the tree decides), their check-ins, the
teams and the people. Each format module reads its files into an `Export`; loaders.formats.convert
turns an Export into the tables of the workbook format."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

OBJECTIVE = "objective"
KEY_RESULT = "key result"
INITIATIVE = "initiative"


@dataclass
class Person:
    name: str | None = None
    email: str | None = None

    def __bool__(self) -> bool:
        return bool(self.name or self.email)


@dataclass
class Item:
    """One node of the tool's OKR tree. `kind` is None where the format leaves it to the tree's shape
    (children, parents, whether it carries a measure)."""

    id: str
    title: str
    kind: str | None = None
    parent: str | None = None
    other_parents: list[str] = field(default_factory=list)
    team: str | None = None
    other_teams: list[str] = field(default_factory=list)
    owner: Person = field(default_factory=Person)
    period: str | None = None  # as the tool names it ("Q4 2024", "Annual 2024")
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    description: str | None = None
    measured: bool = False  # the item carries its own measure (a metric with a target)
    has_outcome: bool = False  # the item carries an outcome of any kind (a metric, a percentage, a milestone)
    measure: str | None = None  # currency | number | percent | binary | status (None: decided by convert)
    unit: str | None = None
    start: float | None = None
    target: float | None = None
    current: float | None = None
    direction: str | None = None  # increase | decrease | stay_above | stay_below
    progress: float | None = None  # percent, may exceed 100
    status: str | None = None  # the tool's own word
    weight: float | None = None
    type_word: str | None = None  # the tool's own name of the kind ("Big rock", "Kpi")
    last_check_in: dt.date | None = None
    source: str = ""  # where the item came from: "objectives.json", "sheet okr row 4"
    row: int | None = None


@dataclass
class CheckIn:
    item_id: str
    when: dt.datetime | dt.date
    value: float | None = None
    status: str | None = None
    note: str | None = None
    by: Person = field(default_factory=Person)
    source: str = ""
    row: int | None = None


@dataclass
class Team:
    name: str
    parent: str | None = None
    owners: list[Person] = field(default_factory=list)


@dataclass
class Export:
    """Everything one export of one tool holds. `left_behind` counts what the workbook format has no
    place for (permissions, phased targets, tags, …), `notes` says what was read how."""

    tool: str  # shown: "Viva Goals"
    prefix: str  # put before the tool's ids: "VG"
    files: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    check_ins: list[CheckIn] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    periods: dict[str, tuple[dt.date | None, dt.date | None]] = field(default_factory=dict)
    comments: list[dict] = field(default_factory=list)  # {item_id, when, text, by}
    left_behind: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    unknown_columns: dict[str, int] = field(default_factory=dict)  # header → values in it
    problems: list = field(default_factory=list)  # loaders.problems.Problem (errors stop the import)
    teams_from_owners: bool = False  # goals belong to people: an objective's team is the one its owner leads


def title_id(*parts: object) -> str:
    """An id for an item a tool exports without one, from its titles (and what places it: session, team,
    parent titles): the same titles always give the same id — `sign-10-new-3f2a1c9d`."""
    import hashlib

    from loaders.headers import header_key
    from loaders.shapes import _slug

    digest = hashlib.sha1("\x1f".join(header_key(p) for p in parts).encode()).hexdigest()[:8]
    return f"{_slug(parts[-1])}-{digest}"
