"""Rules a parsed file must meet before anything is stored, checked against stored data too.

Rows may refer to ids already in the database, so references are checked against the union of
what is stored and what the file brings (the file's version of a row wins).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.periods import as_dates
from loaders.parse import ROW, ParsedFile, ParsedTable
from loaders.preview import GRACE_DAYS, latest_update_allowed, typed_rows
from loaders.problems import WARNING, Problem, ProblemGroup, add_group
from store.schema import STATUS_LEVELS

NUMERIC_DIRECTIONS_NEEDING_DISTANCE = ("increase", "decrease")
CONFIDENCE_RANGE = (0, 10)
PERIOD_TABLES = ("objectives", "company_targets")  # tables with a period column, stored normalised


@dataclass
class Reference:
    """What rows of a file may refer to: stored rows overlaid with the file's own."""

    teams: set[str]
    objectives: pd.DataFrame  # objective_id, level, team
    key_results: pd.DataFrame  # kr_id, objective_id, measure, start_date, direction, start_value, target_value
    stored_teams: set[str] = field(default_factory=set)


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
    key_results = overlay(
        "key_results",
        "kr_id",
        ["kr_id", "objective_id", "measure", "start_date", "direction", "start_value", "target_value"],
    )
    return Reference(set(teams["team"]), objectives, key_results, set(stored["teams"]["team"].dropna()))


def _in_fraction_range(values: pd.Series) -> pd.Series:
    """0 < value ≤ 1: what a percent written as a fraction (0.45 for 45 %) looks like."""
    values = pd.to_numeric(values, errors="coerce")
    return (values > 0) & (values <= 1)


def _on_percent_points(start: pd.Series, target: pd.Series) -> pd.Series:
    """KRs whose start and target are in percent points: each of them 0 or above 1, one above 1."""
    start, target = pd.to_numeric(start, errors="coerce"), pd.to_numeric(target, errors="coerce")
    return ((start > 1) | (start == 0)) & ((target > 1) | (target == 0)) & ((start > 1) | (target > 1))


def _did_you_mean_points(value: float) -> str:
    return POINTS_TEMPLATE.format(value=value, points=value * 100)


POINTS_TEMPLATE = "{value:.10g} for a percent KR: did you mean {points:.10g} %? percent KRs are in percent points"
POINTS_SUMMARY = (
    "{count:,} values of percent KRs written as fractions ({rows}, e.g. row {row} {kr_id} {value:.10g}): "
    "did you mean {points:.10g} %? percent KRs are in percent points"
)


def _nearest(value: str, candidates) -> str:
    match = difflib.get_close_matches(str(value), [str(c) for c in candidates], n=1, cutoff=0.6)
    return f' (did you mean "{match[0]}"?)' if match else ""


class _Checker:
    def __init__(self, parsed: ParsedFile, item: ParsedTable):
        self.parsed, self.item = parsed, item

    def add(self, row: int | None, column: str, message: str, severity: str = "error") -> None:
        self.parsed.problems.append(Problem(self.item.file, self.item.sheet, row, column, message, severity))

    def add_rows(
        self, mask: pd.Series, column: str, template: str, summary: str, severity: str = WARNING, **fields: pd.Series
    ) -> None:
        """A problem on each row where `mask` holds, kept as one ProblemGroup: no Python object per row.
        Row i's message is `template` filled with the `fields` (Series aligned with the frame) at row i;
        `summary` is the group's line, filled with count, rows, row and the first row's fields."""
        chosen = mask.fillna(False).to_numpy(dtype=bool)
        if not chosen.any():
            return
        values = {name: values.array[chosen] for name, values in fields.items()}
        add_group(
            self.parsed.problems,
            ProblemGroup(
                self.item.file,
                self.item.sheet,
                column,
                severity,
                template,
                self.item.frame[ROW].to_numpy()[chosen],
                values,
                summary,
            ),
        )

    def rows_where(self, mask: pd.Series) -> pd.DataFrame:
        return self.item.frame[mask.fillna(False).astype(bool)]

    def each(self, mask: pd.Series):
        """(index, row as a dict) of the rows where `mask` holds: far faster than iterrows on the
        thousands of rows a progress file can hold."""
        return self.rows_where(mask).to_dict("index").items()

    def unknown_reference(self, column: str, known, what: str, fix: str) -> None:
        frame = self.item.frame
        if column not in frame:
            return
        known_set = set(known)
        for _, row in self.each(frame[column].notna() & ~_is_in(frame[column], known_set)):
            value = row[column]
            self.add(row[ROW], column, f'unknown {what} "{value}"{_nearest(value, known_set)}; {fix}')


def _is_in(values: pd.Series, known: set) -> pd.Series:
    """values.isin(known), for texts in one Arrow pass: pandas makes an Arrow scalar of each known
    value first (8,000 KR ids: 50 ms for every file checked against them)."""
    if not isinstance(values.dtype, pd.StringDtype) or not all(isinstance(value, str) for value in known):
        return values.isin(known)
    found = pc.is_in(pa.array(values), value_set=pa.array(list(known), type=pa.string()))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def validate(parsed: ParsedFile, reference: Reference) -> None:
    for item in parsed.tables.values():
        checker = _Checker(parsed, item)
        _check_required_cells(checker)
        if item.table.name in PERIOD_TABLES:
            _normalise_periods(checker)  # before the duplicate check: `Q4 2023` and `2023-Q4` are one key
        _check_duplicate_keys(checker)
        rule = TABLE_RULES.get(item.table.name)
        if rule:
            rule(checker, reference)


def _check_required_cells(checker: _Checker) -> None:
    frame = checker.item.frame
    problems = checker.parsed.problems
    entries = problems.entries() if hasattr(problems, "entries") else problems
    unreadable = {(p.row, p.column) for p in entries if isinstance(p, Problem) and p.sheet == checker.item.sheet}
    for column in checker.item.table.columns:
        if column.required and column.name in frame:
            for _, row in checker.each(frame[column.name].isna()):
                if (row[ROW], column.name) not in unreadable and not _is_unfilled_progress_row(checker, row):
                    checker.add(row[ROW], column.name, f"{column.name} is empty; it is required")


def _is_unfilled_progress_row(checker: _Checker, row: pd.Series) -> bool:
    return checker.item.table.name == "check_ins" and pd.isna(row.get("value")) and pd.isna(row.get("status"))


def filled_check_ins(frame: pd.DataFrame) -> pd.Series:
    """Check-in rows that carry a reading: a progress template lists every KR, and only the rows a
    lead filled in are check-ins."""
    value = frame.get("value", pd.Series(index=frame.index, dtype=float))
    status = frame.get("status", pd.Series(index=frame.index, dtype=object))
    return value.notna() | status.notna()


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
                row_number,
                key[-1] if len(key) > 1 else key[0],
                f"duplicate {' + '.join(key)} {shown} (first at row {first}); keep one of the rows",
            )


def _check_objectives(checker: _Checker, reference: Reference) -> None:
    frame = checker.item.frame
    checker.unknown_reference("team", reference.teams, "team", "add it to the Teams sheet or fix the name")
    company_ids = set(reference.objectives.loc[reference.objectives["level"] == "company", "objective_id"])
    checker.unknown_reference(
        "parent_objective_id",
        set(reference.objectives["objective_id"]),
        "parent objective",
        "use the objective_id of a company objective",
    )
    if "parent_objective_id" in frame:
        for _, row in checker.each(
            frame["parent_objective_id"].notna()
            & frame["parent_objective_id"].isin(set(reference.objectives["objective_id"]) - company_ids)
        ):
            checker.add(
                row[ROW],
                "parent_objective_id",
                f'"{row["parent_objective_id"]}" is a team objective; link to a company objective',
            )
    if "level" in frame and "team" in frame:
        for _, row in checker.each((frame["level"] == "team") & frame["team"].isna()):
            checker.add(row[ROW], "team", "a team objective needs its team")


def _normalise_periods(checker: _Checker) -> None:
    """Periods as people write them (`Q4 2023`, `Q3 FY26`, `H1 2026`, `Jan 2027`, …) put in their
    stored form (analytics.periods.normalise_period), each distinct spelling read once; a period that
    cannot be read is an error naming the accepted spellings."""
    from analytics.periods import normalise_period

    frame = checker.item.frame
    if "period" not in frame:
        return
    period = frame["period"]
    stored, unreadable = {}, {}
    for spelling in period.dropna().unique():
        try:
            stored[spelling] = normalise_period(spelling)
        except ValueError as exc:
            unreadable[spelling] = str(exc)
    for _, row in checker.each(_is_in(period, set(unreadable))):
        checker.add(row[ROW], "period", unreadable[row["period"]])
    if any(spelling != form for spelling, form in stored.items()):
        frame["period"] = period.map(stored).fillna(period).astype(period.dtype)


def _check_key_results(checker: _Checker, reference: Reference) -> None:
    frame = checker.item.frame
    checker.unknown_reference(
        "objective_id",
        set(reference.objectives["objective_id"]),
        "objective",
        "add it to the Objectives sheet or fix the id",
    )
    measure = frame.get("measure", pd.Series(index=frame.index, dtype=object))
    numeric = measure.notna() & ~measure.isin(["status", "binary"])
    for column in ("start_value", "target_value"):
        values = frame.get(column, pd.Series(index=frame.index, dtype=float))
        for _, row in checker.each(numeric & values.isna()):
            checker.add(row[ROW], column, f"a {row['measure']} KR needs a {column}")
    if {"start_value", "target_value"} <= set(frame.columns):
        direction = frame.get("direction", pd.Series("increase", index=frame.index)).fillna("increase")
        same = (
            numeric
            & (frame["start_value"] == frame["target_value"])
            & direction.isin(NUMERIC_DIRECTIONS_NEEDING_DISTANCE)
        )
        for _, row in checker.each(same):
            checker.add(
                row[ROW],
                "target_value",
                f"target_value equals start_value ({row['target_value']:g}): nothing to achieve; "
                "set the target you aim for (or use stay_above / stay_below to hold a level)",
            )
    if {"start_value", "target_value"} <= set(frame.columns):
        _warn_percent_fractions(checker, measure == "percent")
    if {"start_date", "due_date"} <= set(frame.columns):
        for _, row in checker.each(frame["due_date"] < frame["start_date"]):
            checker.add(row[ROW], "due_date", f"due_date {row['due_date']} is before start_date {row['start_date']}")
    if "weight" in frame:
        for _, row in checker.each(frame["weight"] <= 0):
            checker.add(row[ROW], "weight", f"weight {row['weight']:g} must be above 0")
    if "depends_on" in frame:
        for _, row in checker.each(frame["depends_on"].notna()):
            for team in (t.strip() for t in str(row["depends_on"]).split(";")):
                if team and team not in reference.teams:
                    checker.add(
                        row[ROW], "depends_on", f'unknown team "{team}"{_nearest(team, reference.teams)}', WARNING
                    )


def _warn_percent_fractions(checker: _Checker, percent: pd.Series) -> None:
    """Percent KRs are stored in percent points (45 means 45 %): a start or target written as a
    fraction beside one in points, or both written as fractions, is most likely a slip; warned, kept."""
    frame = checker.item.frame
    start = pd.to_numeric(frame["start_value"], errors="coerce")
    target = pd.to_numeric(frame["target_value"], errors="coerce")
    for column, value, other in (("start_value", start, target), ("target_value", target, start)):
        for _, row in checker.each(percent & _in_fraction_range(value) & (other > 1)):
            checker.add(row[ROW], column, _did_you_mean_points(row[column]), WARNING)
    both = percent & start.between(0, 1) & target.between(0, 1) & ~((start == 0) & (target == 0))
    for _, row in checker.each(both):
        first, last = row["start_value"], row["target_value"]
        checker.add(
            row[ROW],
            "target_value",
            f"start {first:.10g} and target {last:.10g} for a percent KR: did you mean {first * 100:.10g} % "
            f"and {last * 100:.10g} %? percent KRs are in percent points",
            WARNING,
        )


def _check_check_ins(checker: _Checker, reference: Reference) -> None:
    frame = checker.item.frame
    if not {"value", "status"} & set(checker.item.present):
        checker.add(
            None,
            "value",
            "the sheet has no value column (nor a status column): add a column named "
            "value (or current) with each KR's current value",
        )
    checker.unknown_reference(
        "kr_id",
        set(reference.key_results["kr_id"]),
        "kr_id",
        "use the id of a key result (see its team's template)",
    )
    krs = reference.key_results.set_index("kr_id")[["measure", "start_date", "start_value", "target_value"]]
    # Each row's KR looked up once, and only what the checks read: on 500,000 check-ins, every lookup
    # by text key and every column carried along costs.
    kr_of_row = krs.reindex(frame["kr_id"]).set_axis(frame.index) if "kr_id" in frame else None
    value = frame.get("value", pd.Series(index=frame.index, dtype=float))
    status = frame.get("status", pd.Series(index=frame.index, dtype=object))
    measure = kr_of_row["measure"] if kr_of_row is not None else pd.Series(index=frame.index, dtype=object)
    for _, row in checker.each((measure == "status") & status.isna() & value.notna()):
        checker.add(
            row[ROW],
            "status",
            "this KR is measured by status: choose Not started, Early progress, Good progress or Completed",
        )
    for index, row in checker.each(measure.notna() & (measure != "status") & value.isna() & status.notna()):
        checker.add(row[ROW], "value", f"this {measure.loc[index]} KR needs a numeric value")
    if kr_of_row is not None:
        fraction = (
            (measure == "percent")
            & _in_fraction_range(value)
            & _on_percent_points(kr_of_row["start_value"], kr_of_row["target_value"])
        )
        checker.add_rows(
            fraction, "value", POINTS_TEMPLATE, POINTS_SUMMARY, value=value, points=value * 100, kr_id=frame["kr_id"]
        )
    filled = value.notna() | status.notna()
    other = frame.get("comment", pd.Series(index=frame.index, dtype=object)).notna()
    kr_id = frame.get("kr_id", pd.Series("", index=frame.index, dtype=object))
    checker.add_rows(
        ~filled & other,
        "value",
        "the row has a comment but no value or status; add the current value",
        "{count:,} rows with a comment but no value or status ({rows}, e.g. row {row} {kr_id}): add the current value",
        kr_id=kr_id,
    )
    if "confidence" in frame:
        low, high = CONFIDENCE_RANGE
        for _, row in checker.each((frame["confidence"] < low) | (frame["confidence"] > high)):
            checker.add(row[ROW], "confidence", f"confidence {row['confidence']:g} is outside {low}–{high}")
    if "date" in frame and "kr_id" in frame:
        start = pd.to_datetime(kr_of_row["start_date"])
        checker.add_rows(
            filled & (pd.to_datetime(frame["date"]) < start),
            "date",
            "check-in dated {date}, before the KR starts: kept as a baseline",
            "{count:,} check-ins dated before their KR starts ({rows}, e.g. row {row} {kr_id} {date}): "
            "kept as baselines",
            date=frame["date"],
            kr_id=frame["kr_id"],
        )


def _check_kr_references(checker: _Checker, reference: Reference) -> None:
    checker.unknown_reference("kr_id", set(reference.key_results["kr_id"]), "kr_id", "use the id of a key result")


def _check_decisions(checker: _Checker, reference: Reference) -> None:
    _check_kr_references(checker, reference)
    frame = checker.item.frame
    if "decision" not in frame:
        return
    new_target = frame.get("new_target_value", pd.Series(index=frame.index, dtype=float))
    new_due = frame.get("new_due_date", pd.Series(index=frame.index, dtype=object))
    for _, row in checker.each((frame["decision"] == "change") & new_target.isna() & new_due.isna()):
        checker.add(row[ROW], "new_target_value", "a change needs a new_target_value or a new_due_date")
    if "kr_id" in frame:
        krs = reference.key_results.set_index("kr_id")[["measure", "start_value", "target_value"]]
        kr_of_row = krs.reindex(frame["kr_id"]).set_axis(frame.index)
        fraction = (
            (kr_of_row["measure"] == "percent")
            & _in_fraction_range(new_target)
            & _on_percent_points(kr_of_row["start_value"], kr_of_row["target_value"])
        )
        for _, row in checker.each(fraction):
            checker.add(row[ROW], "new_target_value", _did_you_mean_points(row["new_target_value"]), WARNING)


def _check_arr_actuals(checker: _Checker, reference: Reference) -> None:
    frame = checker.item.frame.sort_values("month") if "month" in checker.item.frame else None
    if frame is None or "ending_arr" not in frame:
        return
    flows = frame.reindex(columns=["new", "expansion", "contraction", "churn"]).fillna(0)
    expected = frame["ending_arr"].shift(1) + flows["new"] + flows["expansion"] - flows["contraction"] - flows["churn"]
    off = (expected - frame["ending_arr"]).abs() > 0.5
    for _, row in frame[off.fillna(False)].iterrows():
        checker.add(
            row[ROW],
            "ending_arr",
            f"ending_arr {row['ending_arr']:,.0f} is not last month's ending + new + expansion − "
            f"contraction − churn ({expected.loc[row.name]:,.0f}); check the month's figures",
            WARNING,
        )


# Above this many available hours per FTE in a month, the hours are most likely a quarter's or a year's.
MAX_HOURS_PER_FTE_MONTH = 220


def _check_headcount(checker: _Checker, reference: Reference) -> None:
    """Headcount rows: no negative staff or hours (errors); billable above available hours, hours
    without staff and more than MAX_HOURS_PER_FTE_MONTH available hours per FTE are warned about and
    kept: consultants do bill overtime, and one month's odd figure should not block the others."""
    checker.unknown_reference("team", reference.teams, "team", "add it to the Teams sheet or fix the name")
    frame = checker.item.frame
    number = pd.Series(index=frame.index, dtype=float)
    fte = pd.to_numeric(frame.get("fte", number), errors="coerce")
    billable = pd.to_numeric(frame.get("billable_hours", number), errors="coerce")
    available = pd.to_numeric(frame.get("available_hours", number), errors="coerce")
    for _, row in checker.each(fte < 0):
        checker.add(row[ROW], "fte", f"fte {row['fte']:,.10g} is negative; write the full-time equivalents on staff")
    for column, what in (("billable_hours", "billed"), ("available_hours", "the staff could work")):
        for _, row in checker.each(pd.to_numeric(frame.get(column, number), errors="coerce") < 0):
            checker.add(
                row[ROW], column, f"{column} {row[column]:,.10g} is negative; write the hours {what} in the month"
            )
    for index, row in checker.each((billable > available) & (available > 0)):
        checker.add(
            row[ROW],
            "billable_hours",
            f"billable_hours {billable[index]:,.10g} is above available_hours {available[index]:,.10g} (utilisation "
            f"{billable[index] / available[index]:.0%}); check the two columns are not swapped, or raise "
            "available_hours to the hours worked (kept as it is)",
            WARNING,
        )
    for index, row in checker.each((billable > 0) & (available == 0)):
        checker.add(
            row[ROW],
            "available_hours",
            f"available_hours is 0 beside billable_hours {billable[index]:,.10g}: the row is left out of "
            "utilisation; write the hours the staff could work",
            WARNING,
        )
    for index, row in checker.each((available > 0) & (fte == 0)):
        checker.add(
            row[ROW],
            "fte",
            f"fte is 0 beside available_hours {available[index]:,.10g}; write the staff the hours are of",
            WARNING,
        )
    per_fte = available / fte.where(fte > 0)
    for index, row in checker.each(per_fte > MAX_HOURS_PER_FTE_MONTH):
        checker.add(
            row[ROW],
            "available_hours",
            f"available_hours {available[index]:,.10g} for fte {fte[index]:,.10g} is {per_fte[index]:,.0f} h "
            f"per FTE, above {MAX_HOURS_PER_FTE_MONTH} h in a month; check the hours are the month's (not a "
            "quarter's or a year's) and the fte (kept as it is)",
            WARNING,
        )


def _team_key(team: object) -> str:
    return " ".join(str(team).split()).casefold()


def _check_teams(checker: _Checker, reference: Reference) -> None:
    """A team written like another but for case or spacing ("sales", "Sales ") would be a second team
    beside it on every page: name the spelling to use."""
    frame = checker.item.frame
    if "team" not in frame:
        return
    stored = {_team_key(team): team for team in reference.stored_teams}
    first_in_file: dict[str, tuple[str, int]] = {}
    for _, row in checker.each(frame["team"].notna()):
        team, key = row["team"], _team_key(row["team"])
        same = stored.get(key)
        if same is not None and same != team:
            checker.add(
                row[ROW], "team", f'team "{team}" is the stored team "{same}" spelt differently; write "{same}"'
            )
        elif key in first_in_file and first_in_file[key][0] != team:
            spelling, at = first_in_file[key]
            checker.add(
                row[ROW], "team", f'team "{team}" is "{spelling}" (row {at}) spelt differently; use one spelling'
            )
        first_in_file.setdefault(key, (team, row[ROW]))


TABLE_RULES = {
    "teams": _check_teams,
    "objectives": _check_objectives,
    "key_results": _check_key_results,
    "check_ins": _check_check_ins,
    "initiatives": _check_kr_references,
    "decisions": _check_decisions,
    "arr_actuals": _check_arr_actuals,
    "headcount": _check_headcount,
}


# Progress uploads (the Upload progress page): a team lead sends the team's readings for a review.

COMPANY = "company"  # owner of rows that belong to no team: company objectives and KRs, ARR, targets
KR_KEYED_TABLES = ("check_ins", "initiatives", "decisions")
COMPANY_TABLES = ("arr_actuals", "company_targets", "swot", "headcount")


def validate_progress(
    parsed: ParsedFile,
    reference: Reference,
    stored: dict[str, pd.DataFrame],
    after: dict[str, pd.DataFrame],
    team: str | None,
    as_of: dt.date | None,
    without_update: pd.DataFrame | None = None,
) -> None:
    """Rules of a team's progress upload (`after`: the stored tables with the upload merged in,
    `without_update`: the team's KRs still without this month's update after it), on the rows that
    would change stored data — a full workbook repeats what is stored, and those rows are no-ops
    whoever they belong to: no rows of another team, no check-in dated after the review date + a
    grace week; warnings for readings that move the wrong way and for KRs left without an update."""
    changing = {name: _changes_stored(item, stored[name]) for name, item in parsed.tables.items()}
    if team is not None:
        for name, item in parsed.tables.items():
            _check_team(_Checker(parsed, item), reference, stored, team, changing[name])
    if "check_ins" in parsed.tables:
        checker = _Checker(parsed, parsed.tables["check_ins"])
        readings = changing["check_ins"] & filled_check_ins(checker.item.frame)
        if as_of is not None:
            _check_dates_after_review(checker, readings, as_of)
        _warn_backwards(checker, reference, readings, after["check_ins"])
    if without_update is not None:
        _warn_without_update(parsed, without_update, as_of)


def _changes_stored(item: ParsedTable, stored: pd.DataFrame) -> pd.Series:
    """Rows of the file that are new or differ from the stored row with their key."""
    table, frame = item.table, item.frame
    key, present = list(table.key), item.present
    if not set(key) <= set(present):
        return pd.Series(True, index=frame.index)
    incoming = typed_rows(frame, table, present)
    existing = typed_rows(stored, table, present).dropna(subset=key).drop_duplicates(subset=key)
    joined = incoming.merge(existing, on=key, how="left", suffixes=("", " stored"), indicator=True)
    differs = (joined["_merge"] == "left_only").to_numpy().copy()
    for name in present:
        if name not in key:
            new, old = joined[name].astype(object), joined[f"{name} stored"].astype(object)
            differs |= ~((new == old) | (new.isna() & old.isna())).to_numpy(dtype=bool)
    return pd.Series(differs, index=frame.index)


def _owners(item: ParsedTable, objectives: pd.DataFrame, key_results: pd.DataFrame, moved: bool = True) -> pd.Series:
    """The team each row belongs to under these objectives and KRs: a team name, COMPANY, or NaN
    where an id is unknown. `moved`: a KeyResults row belongs where its objective_id puts it (the
    row as uploaded), else where its kr_id is stored."""
    objectives = objectives.set_index("objective_id")
    objective_owner = objectives["team"].where(objectives["level"] != "company", COMPANY)
    kr_owner = key_results.set_index("kr_id")["objective_id"].map(objective_owner)
    frame, name = item.frame, item.table.name
    empty = pd.Series(index=frame.index, dtype=object)
    if name == "teams":
        return frame["team"]
    if name == "objectives":
        return frame["objective_id"].map(objective_owner)
    if name == "key_results":
        by_kr = frame["kr_id"].map(kr_owner)
        return frame.get("objective_id", empty).map(objective_owner).fillna(by_kr) if moved else by_kr
    if name in KR_KEYED_TABLES:
        return frame["kr_id"].map(kr_owner) if "kr_id" in frame else empty
    if name == "actions":
        by_kr = frame["kr_id"].map(kr_owner) if "kr_id" in frame else empty
        return frame.get("team", empty).fillna(by_kr).fillna(COMPANY)
    return pd.Series(COMPANY, index=frame.index, dtype=object)


def _check_team(
    checker: _Checker, reference: Reference, stored: dict[str, pd.DataFrame], team: str, changing: pd.Series
) -> None:
    """Rows of another team are refused, judged both as uploaded and as stored: moving another
    team's KR under your objective, or giving another team's objective to yours, is a change to theirs."""
    item = checker.item
    if item.table.name == "check_ins":
        changing = changing & filled_check_ins(item.frame)
    as_uploaded = _owners(item, reference.objectives, reference.key_results)
    as_stored = _owners(item, stored["objectives"], stored["key_results"], moved=False)
    owners = as_stored.where(as_stored.notna() & (as_stored != team), as_uploaded)
    foreign = changing & owners.notna() & (owners != team)
    if not foreign.any():
        return
    if item.table.name in COMPANY_TABLES:
        checker.add(
            None,
            "",
            f"{int(foreign.sum())} row(s) of {item.table.sheet} would change company data, "
            f"which a progress upload for team {team} may not; remove the sheet",
        )
        return
    id_column = {"teams": "team", "objectives": "objective_id"}.get(item.table.name, "kr_id")
    what = {"teams": "team", "objectives": "objective"}.get(item.table.name, "key result")
    article = "an" if what[0] in "aeiou" else "a"
    for index, row in checker.each(foreign):
        owner = owners.loc[index]
        whose = f"a company {what}" if owner == COMPANY else f"{article} {what} of team {owner}"
        fix = "remove the row" if owner == COMPANY else f"choose team {owner} to upload it, or remove the row"
        checker.add(row[ROW], id_column, f"{row[id_column]} is {whose}, not of team {team}; {fix}")


def _check_dates_after_review(checker: _Checker, readings: pd.Series, as_of: dt.date) -> None:
    frame = checker.item.frame
    if "date" not in frame:
        return
    limit = latest_update_allowed(as_of)
    for _, row in checker.each(readings & (as_dates(frame["date"]) > limit)):
        checker.add(
            row[ROW],
            "date",
            f"date {row['date']} is more than {GRACE_DAYS} days after the review date {as_of:%Y-%m-%d}; "
            f"use the day the value was true (at the latest {limit:%Y-%m-%d}) — a typo in the year?",
        )


def _warn_backwards(checker: _Checker, reference: Reference, readings: pd.Series, after: pd.DataFrame) -> None:
    """A reading that moves away from the target since the KR's previous check-in: often a typo,
    sometimes real news; it is stored either way."""
    frame = checker.item.frame
    if not {"kr_id", "date"} <= set(frame.columns):
        return
    krs = reference.key_results.set_index("kr_id")
    rows = frame[readings & frame["date"].notna() & frame["kr_id"].isin(krs.index)]
    if rows.empty:
        return
    level_rank = {level: rank for rank, level in enumerate(STATUS_LEVELS)}
    rows = rows.assign(
        date=as_dates(rows["date"]).astype("datetime64[us]"),
        measure=rows["kr_id"].map(krs["measure"]),
        direction=rows["kr_id"].map(krs["direction"]).fillna("increase"),
        reading=rows.get("value", pd.Series(index=rows.index, dtype=float)).astype(float),
    )
    is_status = rows["measure"] == "status"
    rows["reading"] = rows["reading"].where(~is_status, rows.get("status", pd.Series(index=rows.index)).map(level_rank))
    history = after.assign(date=as_dates(after["date"]).astype("datetime64[us]"))
    history = history.assign(
        reading=history["value"]
        .astype(float)
        .where(~history["kr_id"].map(krs["measure"]).eq("status"), history["status"].map(level_rank)),
    ).dropna(subset=["reading", "date"])
    previous = (
        pd.merge_asof(
            rows.reset_index().sort_values("date"),
            history[["kr_id", "date", "reading"]]
            .rename(columns={"date": "previous_date", "reading": "previous"})
            .sort_values("previous_date"),
            left_on="date",
            right_on="previous_date",
            by="kr_id",
            allow_exact_matches=False,
            direction="backward",
        )
        .dropna(subset=["reading", "previous"])
        .sort_values(ROW)
    )
    down = previous["reading"] < previous["previous"]
    up = previous["reading"] > previous["previous"]
    wrong_way = (previous["direction"].isin(["increase"]) & down) | (previous["direction"].eq("decrease") & up)
    for row in previous[wrong_way].to_dict("records"):
        when = f"{row['previous_date']:%Y-%m-%d}"
        if row["measure"] == "status":
            message = (
                f"status {STATUS_LEVELS[int(row['reading'])]} is behind the previous check-in "
                f"({STATUS_LEVELS[int(row['previous'])]} on {when})"
            )
        else:
            moved = "below" if row["direction"] == "increase" else "above"
            message = (
                f"value {row['reading']:,.10g} is {moved} the previous check-in ({row['previous']:,.10g} on "
                f"{when}) for a KR meant to {row['direction']}"
            )
        checker.add(
            row[ROW],
            "status" if row["measure"] == "status" else "value",
            f"{message}; check it is right (it will be stored as it is)",
            WARNING,
        )


def _warn_without_update(parsed: ParsedFile, missing: pd.DataFrame, as_of: dt.date) -> None:
    item = parsed.tables.get("check_ins")
    template_row = {}
    if item is not None and "kr_id" in item.frame:
        template_row = item.frame.drop_duplicates(subset="kr_id").set_index("kr_id")[ROW].to_dict()
    for kr in missing.itertuples():
        parsed.problems.append(
            Problem(
                parsed.file,
                item.sheet if item is not None else "",
                template_row.get(kr.kr_id),
                "value",
                f'{kr.kr_id} "{kr.title}" has no check-in for {as_dates(as_of):%B %Y}; add its current value if '
                "you have one (this only warns)",
                WARNING,
            )
        )
