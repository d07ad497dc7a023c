"""What a loader reports back: every problem names where it is and how to fix it."""
from __future__ import annotations

from dataclasses import dataclass

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
