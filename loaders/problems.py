"""What a loader reports back: every problem names where it is and how to fix it.

A file can hold thousands of rows with the same problem (100,000 check-ins dated before their KR
starts). Those are found with one mask and kept as one ProblemGroup: the rows and the values the
message needs, as arrays, and a message template; each row's Problem is made only when someone
iterates over it. A ProblemList holds Problems and ProblemGroups and iterates, counts and indexes as
the flat list of Problems it stands for, so code reading `result.problems` sees every problem as
before; `grouped()` gives what a report shows: one entry per kind, column and message template."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

ERROR = "error"
WARNING = "warning"
INFO = "info"  # a guess made in reading a file (a unit conversion, an inferred direction): shown, never blocking


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str
    row: int | None  # the row number a user sees in Excel (1-based, header included)
    column: str
    problem: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", {self.column}"
        return f"{self.file}: {where}: {self.problem}"


class FileRejected(Exception):
    """The file as a whole cannot be read (too large, not a spreadsheet, corrupt, encrypted)."""


RANGES_SHOWN = 3  # row ranges a group's line lists; more are shown as the span from the first row to the last


def row_ranges(rows: Sequence[int] | np.ndarray) -> list[tuple[int, int]]:
    """Sorted distinct rows as runs of consecutive rows: [5, 6, 7, 9] → [(5, 7), (9, 9)]."""
    rows = np.unique(np.asarray(rows, dtype=np.int64))
    if not rows.size:
        return []
    breaks = np.flatnonzero(np.diff(rows) != 1)
    starts = np.concatenate(([rows[0]], rows[breaks + 1]))
    ends = np.concatenate((rows[breaks], [rows[-1]]))
    return list(zip(starts.tolist(), ends.tolist()))


def rows_text(rows: Sequence[int] | np.ndarray) -> str:
    """ "row 7", "rows 5–7, 9", or the span "rows 6105–100001" when the rows make more than a few runs."""
    ranges = row_ranges(rows)
    if not ranges:
        return "no row"
    if len(ranges) > RANGES_SHOWN:
        ranges = [(ranges[0][0], ranges[-1][1])]
    text = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in ranges)
    return f"row {text}" if len(ranges) == 1 and ranges[0][0] == ranges[0][1] else f"rows {text}"


class ProblemGroup(Sequence):
    """Problems of one kind in one column of one sheet: row i's message is `template` filled with
    values[name][i]; `summary` (filled with count, rows and the first row's values) is the one line
    a report shows, e.g. "93,091 check-ins dated before their KR starts (rows 6105–100001, e.g. row
    6105 SAL-O1-KR1 2027-03-31): kept as baselines". A sequence of its Problems, made on access."""

    def __init__(
        self,
        file: str,
        sheet: str,
        column: str,
        severity: str,
        template: str,
        rows: np.ndarray | Sequence[int],
        values: Mapping[str, Sequence] | None = None,
        summary: str | None = None,
        messages: Sequence[str] | None = None,
    ):
        self.file, self.sheet, self.column, self.severity = file, sheet, column, severity
        self.template = template
        self.rows = np.asarray(rows, dtype=np.int64)
        # Anything indexable by position (numpy or pandas arrays of the rows' values); lists become arrays.
        self.values = {
            name: np.asarray(column_values, dtype=object) if isinstance(column_values, (list, tuple)) else column_values
            for name, column_values in (values or {}).items()
        }
        self._summary = summary
        self._messages = messages  # each row's message already made (a group of separate Problems)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def count(self) -> int:
        return len(self.rows)

    def message(self, index: int) -> str:
        if self._messages is not None:
            return self._messages[index]
        return self.template.format(**{name: values[index] for name, values in self.values.items()})

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return Problem(self.file, self.sheet, int(self.rows[index]), self.column, self.message(index), self.severity)

    def __iter__(self) -> Iterator[Problem]:
        for index in range(len(self)):
            yield self[index]

    @property
    def row_ranges(self) -> list[tuple[int, int]]:
        return row_ranges(self.rows)

    @property
    def rows_text(self) -> str:
        return rows_text(self.rows)

    @property
    def summary(self) -> str:
        """The group as one line: its count, rows, an example and the fix."""
        if not len(self):
            return ""
        if self._summary is None:
            if len(self) == 1:
                return self.message(0)
            return f"{len(self):,} rows ({self.rows_text}), e.g. row {int(self.rows[0])}: {self.message(0)}"
        first = {name: values[0] for name, values in self.values.items()}
        return self._summary.format(count=len(self), rows=self.rows_text, row=int(self.rows[0]), **first)

    def __repr__(self) -> str:
        return f"ProblemGroup({self.severity}, {self.sheet!r}, {self.column!r}, {len(self)} rows: {self.summary!r})"


Entry = Problem | ProblemGroup


class ProblemList(list):
    """Problems, some of them held as ProblemGroups: iterating, len(), indexing and comparing see the
    flat list of Problems; `entries()` the groups as they are, `grouped()` one entry per kind."""

    def entries(self) -> list[Entry]:
        return list(super().__iter__())

    def __iter__(self) -> Iterator[Problem]:
        for entry in super().__iter__():
            if isinstance(entry, ProblemGroup):
                yield from entry
            else:
                yield entry

    def __reversed__(self) -> Iterator[Problem]:
        return reversed(list(self))

    def __len__(self) -> int:
        return sum(len(e) if isinstance(e, ProblemGroup) else 1 for e in super().__iter__())

    def __bool__(self) -> bool:
        return any(not isinstance(e, ProblemGroup) or len(e) for e in super().__iter__())

    def __getitem__(self, index):
        flat = list(self)
        return ProblemList(flat[index]) if isinstance(index, slice) else flat[index]

    def __contains__(self, item) -> bool:
        return any(problem == item for problem in self)

    def __eq__(self, other) -> bool:
        return isinstance(other, list) and list(self) == list(other)

    def __ne__(self, other) -> bool:
        return not self == other

    __hash__ = None

    def __add__(self, other) -> ProblemList:
        return ProblemList([*self.entries(), *_entries(other)])

    def __radd__(self, other) -> ProblemList:
        return ProblemList([*_entries(other), *self.entries()])

    def __iadd__(self, other) -> ProblemList:
        self.extend(other)
        return self

    def extend(self, items: Iterable) -> None:
        super().extend(_entries(items) if isinstance(items, ProblemList) else items)

    def copy(self) -> ProblemList:
        return ProblemList(self.entries())

    def count(self, item) -> int:
        return sum(problem == item for problem in self)

    def index(self, item, *args) -> int:
        return list(self).index(item, *args)

    def __repr__(self) -> str:
        return f"ProblemList({self.entries()!r})"

    def of_severity(self, severity: str, keep: bool = True) -> ProblemList:
        """The problems of `severity` (of every other one, without `keep`), groups kept whole."""
        return ProblemList(e for e in self.entries() if (e.severity == severity) == keep)

    def grouped(self) -> list[Entry]:
        return grouped(self)


def _entries(problems: Iterable) -> list:
    return problems.entries() if isinstance(problems, ProblemList) else list(problems)


def add_group(problems: list, group: ProblemGroup) -> None:
    """Append `group` to `problems`: whole to a ProblemList, else as its Problems (a plain list)."""
    if not len(group):
        return
    if isinstance(problems, ProblemList):
        problems.append(group)
    else:
        problems.extend(group)


def of_severity(problems: Iterable[Problem], severity: str, keep: bool = True) -> ProblemList:
    """The problems of `severity` (of every other one, without `keep`); a ProblemList's groups stay whole."""
    if isinstance(problems, ProblemList):
        return problems.of_severity(severity, keep)
    return ProblemList(p for p in problems if (p.severity == severity) == keep)


_QUOTED = re.compile(r'"[^"]*"')
_NUMBER = re.compile(r"\d[\d,.:/-]*")


def message_template(message: str) -> str:
    """A message with its quoted values and numbers blanked: the messages of one kind share it."""
    return _NUMBER.sub("#", _QUOTED.sub('"…"', message))


def grouped(problems: Iterable[Problem]) -> list[Entry]:
    """One entry per kind: Problems of one severity, file, sheet, column and message template become a
    ProblemGroup (with a count and row ranges), in the order their first problem came; a problem
    without another of its kind, or without a row, stays a Problem."""
    entries = _entries(problems)
    buckets: dict[tuple, list[Problem]] = {}
    order: list = []
    for entry in entries:
        if isinstance(entry, ProblemGroup):
            order.append(entry)
            continue
        if entry.row is None:
            order.append(entry)
            continue
        key = (entry.severity, entry.file, entry.sheet, entry.column, message_template(entry.problem))
        if key not in buckets:
            buckets[key] = []
            order.append(key)
        buckets[key].append(entry)
    out: list[Entry] = []
    for item in order:
        if not isinstance(item, tuple):
            out.append(item)
            continue
        members = buckets[item]
        if len(members) == 1:
            out.append(members[0])
        else:
            first = members[0]
            out.append(
                ProblemGroup(
                    first.file,
                    first.sheet,
                    first.column,
                    first.severity,
                    item[-1],
                    [p.row for p in members],
                    messages=[p.problem for p in members],
                )
            )
    return out
