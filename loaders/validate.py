"""Rules a parsed file must meet before anything is stored, checked against stored data too.

Rows may refer to ids already in the database, so references are checked against the union of
what is stored and what the file brings (the file's version of a row wins).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

import pandas as pd

from loaders.parse import ROW, ParsedFile, ParsedTable
from loaders.problems import WARNING, Problem

NUMERIC_DIRECTIONS_NEEDING_DISTANCE = ("increase", "decrease")
CONFIDENCE_RANGE = (0, 10)


@dataclass
class Reference:
    """What rows of a file may refer to: stored rows overlaid with the file's own."""
    teams: set[str]
    objectives: pd.DataFrame  # objective_id, level, team
    key_results: pd.DataFrame  # kr_id, objective_id, measure, start_date


def build_reference(stored: dict[str, pd.DataFrame], parsed: ParsedFile) -> Reference:
    def overlay(table: str, key: str, columns: list[str]) -> pd.DataFrame:
        frames = [stored[table].reindex(columns=columns)]
        if table in parsed.tables:
            # Of ids the file repeats (reported as duplicates), the first row stands for the id.
            frames.append(parsed.tables[table].frame.reindex(columns=columns).drop_duplicates(subset=[key]))
        merged = pd.concat([f for f in frames if not f.empty] or [frames[0]], ignore_index=True)
        return merged.dropna(subset=[key]).drop_duplicates(subset=[key], keep="last")

    teams = overlay("teams", "team", ["team"])
    objectives = overlay("objectives", "objective_id", ["objective_id", "level", "team"])
    key_results = overlay("key_results", "kr_id", ["kr_id", "objective_id", "measure", "start_date"])
    return Reference(set(teams["team"]), objectives, key_results)


def _nearest(value: str, candidates) -> str:
    match = difflib.get_close_matches(str(value), [str(c) for c in candidates], n=1, cutoff=0.6)
    return f' (did you mean "{match[0]}"?)' if match else ""


class _Checker:
    def __init__(self, parsed: ParsedFile, item: ParsedTable):
        self.parsed, self.item = parsed, item

    def add(self, row: int | None, column: str, message: str, severity: str = "error") -> None:
        self.parsed.problems.append(
            Problem(self.item.file, self.item.sheet, row, column, message, severity)
        )

    def rows_where(self, mask: pd.Series) -> pd.DataFrame:
        return self.item.frame[mask.fillna(False).astype(bool)]

    def unknown_reference(self, column: str, known, what: str, fix: str) -> None:
        frame = self.item.frame
        if column not in frame:
            return
        known_set = set(known)
        for _, row in self.rows_where(frame[column].notna() & ~frame[column].isin(known_set)).iterrows():
            value = row[column]
            self.add(row[ROW], column, f'unknown {what} "{value}"{_nearest(value, known_set)}; {fix}')


def validate(parsed: ParsedFile, reference: Reference) -> None:
    for item in parsed.tables.values():
        checker = _Checker(parsed, item)
        _check_required_cells(checker)
        _check_duplicate_keys(checker)
        rule = TABLE_RULES.get(item.table.name)
        if rule:
            rule(checker, reference)


def _check_required_cells(checker: _Checker) -> None:
    frame = checker.item.frame
    unreadable = {(p.row, p.column) for p in checker.parsed.problems if p.sheet == checker.item.sheet}
    for column in checker.item.table.columns:
        if column.required and column.name in frame:
            for _, row in checker.rows_where(frame[column.name].isna()).iterrows():
                if (row[ROW], column.name) not in unreadable and not _is_unfilled_progress_row(checker, row):
                    checker.add(row[ROW], column.name, f"{column.name} is empty; it is required")


def _is_unfilled_progress_row(checker: _Checker, row: pd.Series) -> bool:
    return checker.item.table.name == "check_ins" and pd.isna(row.get("value")) and pd.isna(row.get("status"))


def _check_duplicate_keys(checker: _Checker) -> None:
    frame = checker.item.frame
    key = list(checker.item.table.key)
    if not set(key) <= set(frame.columns):
        return
    keyed = frame.dropna(subset=key)
    duplicated = keyed[keyed.duplicated(subset=key, keep=False)]
    for _, group in duplicated.groupby(key, sort=False):
        first = group[ROW].iloc[0]
        shown = ", ".join(str(v)[:10] if k == "date" else str(v) for k, v in zip(key, group[key].iloc[0]))
        for row_number in group[ROW].iloc[1:]:
            checker.add(
                row_number, key[-1] if len(key) > 1 else key[0],
                f"duplicate {' + '.join(key)} {shown} (first at row {first}); keep one of the rows",
            )


def _check_objectives(checker: _Checker, reference: Reference) -> None:
    from analytics.periods import period_bounds

    frame = checker.item.frame
    checker.unknown_reference("team", reference.teams, "team", "add it to the Teams sheet or fix the name")
    company_ids = set(reference.objectives.loc[reference.objectives["level"] == "company", "objective_id"])
    checker.unknown_reference(
        "parent_objective_id", set(reference.objectives["objective_id"]), "parent objective",
        "use the objective_id of a company objective",
    )
    if "parent_objective_id" in frame:
        for _, row in checker.rows_where(
            frame["parent_objective_id"].notna()
            & frame["parent_objective_id"].isin(set(reference.objectives["objective_id"]) - company_ids)
        ).iterrows():
            checker.add(row[ROW], "parent_objective_id",
                        f'"{row["parent_objective_id"]}" is a team objective; link to a company objective')
    if "level" in frame and "team" in frame:
        for _, row in checker.rows_where((frame["level"] == "team") & frame["team"].isna()).iterrows():
            checker.add(row[ROW], "team", "a team objective needs its team")
    if "period" in frame:
        for _, row in checker.rows_where(frame["period"].notna()).iterrows():
            try:
                period_bounds(row["period"])
            except ValueError:
                checker.add(row[ROW], "period", f'"{row["period"]}" is not a period (use 2027-Q2 or 2027)')


def _check_key_results(checker: _Checker, reference: Reference) -> None:
    frame = checker.item.frame
    checker.unknown_reference(
        "objective_id", set(reference.objectives["objective_id"]), "objective",
        "add it to the Objectives sheet or fix the id",
    )
    measure = frame.get("measure", pd.Series(index=frame.index, dtype=object))
    numeric = measure.notna() & ~measure.isin(["status", "binary"])
    for column in ("start_value", "target_value"):
        values = frame.get(column, pd.Series(index=frame.index, dtype=float))
        for _, row in checker.rows_where(numeric & values.isna()).iterrows():
            checker.add(row[ROW], column, f"a {row['measure']} KR needs a {column}")
    if {"start_value", "target_value"} <= set(frame.columns):
        direction = frame.get("direction", pd.Series("increase", index=frame.index)).fillna("increase")
        same = numeric & (frame["start_value"] == frame["target_value"]) & direction.isin(NUMERIC_DIRECTIONS_NEEDING_DISTANCE)
        for _, row in checker.rows_where(same).iterrows():
            checker.add(row[ROW], "target_value",
                        f"target_value equals start_value ({row['target_value']:g}): nothing to achieve; "
                        "set the target you aim for (or use stay_above / stay_below to hold a level)")
    if {"start_date", "due_date"} <= set(frame.columns):
        for _, row in checker.rows_where(frame["due_date"] < frame["start_date"]).iterrows():
            checker.add(row[ROW], "due_date",
                        f"due_date {row['due_date']} is before start_date {row['start_date']}")
    if "weight" in frame:
        for _, row in checker.rows_where(frame["weight"] <= 0).iterrows():
            checker.add(row[ROW], "weight", f"weight {row['weight']:g} must be above 0")
    if "depends_on" in frame:
        for _, row in checker.rows_where(frame["depends_on"].notna()).iterrows():
            for team in (t.strip() for t in str(row["depends_on"]).split(";")):
                if team and team not in reference.teams:
                    checker.add(row[ROW], "depends_on",
                                f'unknown team "{team}"{_nearest(team, reference.teams)}', WARNING)


def _check_check_ins(checker: _Checker, reference: Reference) -> None:
    frame = checker.item.frame
    checker.unknown_reference(
        "kr_id", set(reference.key_results["kr_id"]), "kr_id", "use the id of a key result (see its team's template)",
    )
    krs = reference.key_results.set_index("kr_id")
    value = frame.get("value", pd.Series(index=frame.index, dtype=float))
    status = frame.get("status", pd.Series(index=frame.index, dtype=object))
    measure = frame["kr_id"].map(krs["measure"]) if "kr_id" in frame else pd.Series(index=frame.index, dtype=object)
    for _, row in checker.rows_where((measure == "status") & status.isna() & value.notna()).iterrows():
        checker.add(row[ROW], "status",
                    "this KR is measured by status: choose Not started, Early progress, Good progress or Completed")
    for _, row in checker.rows_where(measure.notna() & (measure != "status") & value.isna() & status.notna()).iterrows():
        checker.add(row[ROW], "value", f"this {measure.loc[row.name]} KR needs a numeric value")
    filled = value.notna() | status.notna()
    other = frame.get("comment", pd.Series(index=frame.index, dtype=object)).notna()
    for _, row in checker.rows_where(~filled & other).iterrows():
        checker.add(row[ROW], "value", "the row has a comment but no value or status; add the current value",
                    WARNING)
    if "confidence" in frame:
        low, high = CONFIDENCE_RANGE
        for _, row in checker.rows_where((frame["confidence"] < low) | (frame["confidence"] > high)).iterrows():
            checker.add(row[ROW], "confidence", f"confidence {row['confidence']:g} is outside {low}–{high}")
    if "date" in frame and "kr_id" in frame:
        start = pd.to_datetime(frame["kr_id"].map(krs["start_date"]))
        for _, row in checker.rows_where(filled & (pd.to_datetime(frame["date"]) < start)).iterrows():
            checker.add(row[ROW], "date", f"check-in dated {row['date']}, before the KR starts: kept as a baseline",
                        WARNING)


def _check_kr_references(checker: _Checker, reference: Reference) -> None:
    checker.unknown_reference("kr_id", set(reference.key_results["kr_id"]), "kr_id", "use the id of a key result")


def _check_decisions(checker: _Checker, reference: Reference) -> None:
    _check_kr_references(checker, reference)
    frame = checker.item.frame
    if "decision" not in frame:
        return
    new_target = frame.get("new_target_value", pd.Series(index=frame.index, dtype=float))
    new_due = frame.get("new_due_date", pd.Series(index=frame.index, dtype=object))
    for _, row in checker.rows_where((frame["decision"] == "change") & new_target.isna() & new_due.isna()).iterrows():
        checker.add(row[ROW], "new_target_value", "a change needs a new_target_value or a new_due_date")


def _check_arr_actuals(checker: _Checker, reference: Reference) -> None:
    frame = checker.item.frame.sort_values("month") if "month" in checker.item.frame else None
    if frame is None or "ending_arr" not in frame:
        return
    flows = frame.reindex(columns=["new", "expansion", "contraction", "churn"]).fillna(0)
    expected = frame["ending_arr"].shift(1) + flows["new"] + flows["expansion"] - flows["contraction"] - flows["churn"]
    off = (expected - frame["ending_arr"]).abs() > 0.5
    for _, row in frame[off.fillna(False)].iterrows():
        checker.add(row[ROW], "ending_arr",
                    f"ending_arr {row['ending_arr']:,.0f} is not last month's ending + new + expansion − "
                    f"contraction − churn ({expected.loc[row.name]:,.0f}); check the month's figures", WARNING)


TABLE_RULES = {
    "objectives": _check_objectives,
    "key_results": _check_key_results,
    "check_ins": _check_check_ins,
    "initiatives": _check_kr_references,
    "decisions": _check_decisions,
    "arr_actuals": _check_arr_actuals,
}
