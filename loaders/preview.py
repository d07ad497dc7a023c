"""What an upload would change, worked out before anything is stored.

The stored tables are overlaid with the upload's rows exactly as `Store.apply_upload` will store
them (a row whose key is stored replaces it, columns the file leaves out keep their stored values,
empty cells take the schema default), and the KRs' progress and status are computed by analytics
on both versions. Pure pandas: no database, no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.periods import as_dates
from analytics.progress import CANCELLED, kr_progress
from analytics.review import objectives_in_period
from loaders.problems import ProblemGroup, ProblemList
from store.schema import CHECK_INS, DATE, TABLES_BY_NAME, Table

# A check-in may be dated up to a week after the review date (the value of the 3rd, sent for the
# review of the 31st); it then counts as that month's update.
GRACE_DAYS = 7

Incoming = dict[str, tuple[pd.DataFrame, list[str]]]  # table → (rows, columns the file supplied)

PREVIEW_COLUMNS = (
    "kr_id",
    "team",
    "title",
    "measure",
    "unit",
    "check_ins",
    "old_reading",
    "new_reading",
    "old_progress",
    "new_progress",
    "old_status",
    "new_status",
)
WITHOUT_UPDATE_COLUMNS = ("kr_id", "title", "owner", "last_date", "last_reading", "status")
REPLACED_COLUMNS = ("kr_id", "date", "old_reading", "new_reading", "replacement")


@dataclass(frozen=True)
class UploadPreview:
    measured_on: pd.Timestamp  # the date statuses are computed at
    krs: pd.DataFrame  # PREVIEW_COLUMNS: every KR the upload changes, before → after
    without_update: pd.DataFrame  # WITHOUT_UPDATE_COLUMNS: the team's KRs still without this month's update
    replaced: pd.DataFrame  # REPLACED_COLUMNS: the stored check-ins the upload replaces


def latest_update_allowed(as_of) -> pd.Timestamp:
    return as_dates(as_of) + pd.Timedelta(days=GRACE_DAYS)


def typed_rows(frame: pd.DataFrame, table: Table, columns: list[str]) -> pd.DataFrame:
    """`columns` of `frame` as the store keeps them: dates as datetime64, empty cells at their default."""
    typed = frame.loc[:, columns].copy()
    for name in columns:
        column = table.column(name)
        if column.kind == DATE:
            typed[name] = as_dates(typed[name]).astype("datetime64[us]")
        if column.default is not None:
            typed[name] = typed[name].astype(object).where(typed[name].notna(), column.default)
    return typed


def merged_table(stored: pd.DataFrame, rows: pd.DataFrame, present: list[str], table: Table) -> pd.DataFrame:
    """`stored` after storing `rows` (of which only the `present` columns came from the file)."""
    key = list(table.key)
    incoming = typed_rows(rows.dropna(subset=key), table, present).drop_duplicates(subset=key, keep="first")
    stored_keyed = typed_rows(stored, table, table.column_names).set_index(key)
    incoming_keyed = incoming.set_index(key)
    kept = stored_keyed[~stored_keyed.index.isin(incoming_keyed.index)]
    replaced = stored_keyed.reindex(incoming_keyed.index)
    for name in present:
        if name not in key:
            replaced[name] = incoming_keyed[name]
    for column in table.columns:
        if column.default is not None and column.name not in key:
            replaced[column.name] = (
                replaced[column.name].astype(object).where(replaced[column.name].notna(), column.default)
            )
    frames = [f for f in (kept, replaced) if not f.empty]
    merged = pd.concat(frames) if frames else kept
    return merged.reset_index().loc[:, table.column_names]


def merged_tables(stored: dict[str, pd.DataFrame], incoming: Incoming) -> dict[str, pd.DataFrame]:
    """Every stored table as it would be after the upload."""
    merged = dict(stored)
    for name, (rows, present) in incoming.items():
        merged[name] = merged_table(stored[name], rows, present, TABLES_BY_NAME[name])
    return merged


def reading_text(measure, unit, value, level) -> str:
    """A KR's reading as the review shows it: the status level, or the number and its unit."""
    if measure == "status":
        return level if isinstance(level, str) and level else "—"
    if value is None or pd.isna(value):
        return "—"
    if unit == "USD" or measure == "currency":
        return f"${value:,.0f}" if abs(value) >= 100 else f"${value:,.2f}"
    number = f"{value:,.10g}"
    if unit == "%" or (measure == "percent" and not unit):
        return f"{number}%"
    return f"{number} {unit}" if isinstance(unit, str) and unit else number


def _readings(krs: pd.DataFrame) -> pd.Series:
    return pd.Series(
        [
            reading_text(m, u, v, s)
            for m, u, v, s in zip(krs["measure"], krs["unit"], krs["last_value"], krs["last_status"])
        ],
        index=krs.index,
        dtype=object,
    )


def _progress_of(tables: dict[str, pd.DataFrame], on) -> pd.DataFrame:
    return kr_progress(tables["key_results"], tables["check_ins"], tables["objectives"], on, tables.get("decisions"))


def krs_without_update(tables: dict[str, pd.DataFrame], team: str, as_of) -> pd.DataFrame:
    """The team's KRs in force at `as_of` that expect a reading this month and have no check-in
    dated from the first of the month to a week after `as_of`. A KR cancelled, completed before
    the month, not yet started or already past due before the month expects none."""
    as_of = as_dates(as_of)
    month_start = as_of.replace(day=1)
    objectives = objectives_in_period(tables["objectives"], as_of)
    objectives = objectives[objectives["team"] == team]
    key_results = tables["key_results"][tables["key_results"]["objective_id"].isin(objectives["objective_id"])]
    krs = kr_progress(key_results, tables["check_ins"], objectives, as_of, tables.get("decisions"))
    check_ins = tables["check_ins"]
    dates = as_dates(check_ins["date"])
    filled = check_ins["value"].notna() | check_ins["status"].notna()
    updated = set(check_ins.loc[filled & (dates >= month_start) & (dates <= latest_update_allowed(as_of)), "kr_id"])
    expecting = (
        ~krs["status"].isin([CANCELLED, "completed"]) & (krs["start_date"] <= as_of) & (krs["due_date"] >= month_start)
    )
    missing = krs[expecting & ~krs["kr_id"].isin(updated)].assign(last_reading=lambda k: _readings(k))
    return missing.loc[:, list(WITHOUT_UPDATE_COLUMNS)].reset_index(drop=True)


def preview_upload(
    stored: dict[str, pd.DataFrame],
    after: dict[str, pd.DataFrame],
    incoming: Incoming,
    as_of,
    without_update: pd.DataFrame | None = None,
) -> UploadPreview:
    """Per KR the upload touches (`after` is `merged_tables(stored, incoming)`): reading, progress
    and status before → after. Statuses are measured at the as-of date, or at the upload's latest
    check-in when that is later (within the grace week), so that no new reading is left out."""
    measured_on = as_dates(as_of)
    check_ins = incoming["check_ins"][0] if "check_ins" in incoming else pd.DataFrame(columns=["kr_id", "date"])
    if check_ins["date"].notna().any():
        measured_on = max(measured_on, as_dates(check_ins["date"]).max())
    before_krs = _progress_of(stored, measured_on).set_index("kr_id")
    after_krs = _progress_of(after, measured_on).set_index("kr_id")
    old = before_krs.reindex(after_krs.index)
    counts = check_ins["kr_id"].value_counts().reindex(after_krs.index).fillna(0).astype(int)
    frame = pd.DataFrame(
        {
            "kr_id": after_krs.index,
            "team": after_krs["team"].to_numpy(),
            "title": after_krs["title"].to_numpy(),
            "measure": after_krs["measure"].to_numpy(),
            "unit": after_krs["unit"].to_numpy(),
            "check_ins": counts.to_numpy(),
            "old_reading": _readings(old.reset_index()).where(old["measure"].notna().to_numpy(), "—").to_numpy(),
            "new_reading": _readings(after_krs.reset_index()).to_numpy(),
            "old_progress": old["progress"].to_numpy(),
            "new_progress": after_krs["progress"].to_numpy(),
            "old_status": old["status"].to_numpy(),
            "new_status": after_krs["status"].to_numpy(),
        }
    )
    differs = (
        (frame["check_ins"] > 0)
        | (frame["old_reading"] != frame["new_reading"])
        | (frame["old_status"] != frame["new_status"])
        | ~frame["old_progress"].eq(frame["new_progress"])
    )
    if without_update is None:
        without_update = pd.DataFrame(columns=list(WITHOUT_UPDATE_COLUMNS))
    return UploadPreview(
        measured_on,
        frame[differs].reset_index(drop=True).loc[:, list(PREVIEW_COLUMNS)],
        without_update,
        replaced_check_ins(stored, after, incoming),
    )


def replaced_check_ins(
    stored: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame], incoming: Incoming
) -> pd.DataFrame:
    """The stored check-ins the upload replaces (REPLACED_COLUMNS): a row of the file with the KR and
    date of a stored check-in that it changes, `replacement` as the preview says it — "SAL-O1-KR1
    2027-05-31: 40 → 45", or "…: 45 (comment, confidence change)" when the reading stays; by KR and date."""
    if "check_ins" not in incoming:
        return pd.DataFrame(columns=list(REPLACED_COLUMNS))
    key = list(CHECK_INS.key)
    rows, present = incoming["check_ins"]
    keys = typed_rows(rows.dropna(subset=key), CHECK_INS, key).drop_duplicates()
    old = typed_rows(stored["check_ins"], CHECK_INS, CHECK_INS.column_names).set_index(key)
    new = after["check_ins"].set_index(key)
    touched = pd.MultiIndex.from_frame(keys)
    touched = touched[touched.isin(old.index)]
    old, new = old.loc[touched], new.loc[touched]
    compared = [name for name in CHECK_INS.column_names if name not in key]
    differs = pd.DataFrame(
        {name: ~(old[name].eq(new[name]) | (old[name].isna() & new[name].isna())) for name in compared}
    )
    changed = differs.any(axis=1).to_numpy()
    old, new, differs = old[changed], new[changed], differs[changed]
    krs = after["key_results"].set_index("kr_id")
    measure, unit = old.index.get_level_values(0).map(krs["measure"]), old.index.get_level_values(0).map(krs["unit"])
    old_reading = [reading_text(*r) for r in zip(measure, unit, old["value"], old["status"])]
    new_reading = [reading_text(*r) for r in zip(measure, unit, new["value"], new["status"])]
    texts = []
    for (kr_id, date), before, after_reading, cells in zip(
        old.index, old_reading, new_reading, differs.to_dict("records")
    ):
        what = (
            f"{before} → {after_reading}"
            if before != after_reading
            else f"{after_reading} ({', '.join(name for name, moved in cells.items() if moved)} change)"
        )
        texts.append(f"{kr_id} {date:%Y-%m-%d}: {what}")
    frame = pd.DataFrame(
        {
            "kr_id": old.index.get_level_values(0),
            "date": old.index.get_level_values(1),
            "old_reading": old_reading,
            "new_reading": new_reading,
            "replacement": texts,
        },
        columns=list(REPLACED_COLUMNS),
    )
    return frame.sort_values(["kr_id", "date"], kind="stable").reset_index(drop=True)


PROBLEM_COLUMNS = ("sheet", "row", "column", "problem")


def problem_table(problems) -> pd.DataFrame:
    """Problems as the validation report lists them: where (sheet, Excel row, column), then what
    is wrong and how to fix it; in the order of the file."""
    frame = pd.DataFrame(
        [(p.sheet, p.row, p.column, p.problem) for p in problems],
        columns=list(PROBLEM_COLUMNS),
    )
    frame["row"] = frame["row"].astype("Int64")
    return frame.sort_values(["sheet", "row"], na_position="first", kind="stable").reset_index(drop=True)


GROUP_COLUMNS = ("sheet", "rows", "column", "count", "problem")


def problem_groups(problems) -> list[tuple[dict, object]]:
    """The problems as a report shows them (loaders.problems.grouped): for each kind, column and message
    template a row of GROUP_COLUMNS — "rows" as "6105–100001" or "5–7, 9", "problem" the one-line
    summary with the count and an example — and the entry itself, whose `problem_table(entry)` (a
    ProblemGroup iterates its Problems; a single Problem is wrapped in a list) lists every row."""
    from loaders.problems import ProblemGroup, grouped

    out = []
    for entry in grouped(problems):
        if isinstance(entry, ProblemGroup):
            row = {
                "sheet": entry.sheet,
                "rows": entry.rows_text.split(" ", 1)[1],
                "column": entry.column,
                "count": len(entry),
                "problem": entry.summary,
            }
        else:
            row = {
                "sheet": entry.sheet,
                "rows": "" if entry.row is None else str(entry.row),
                "column": entry.column,
                "count": 1,
                "problem": entry.problem,
            }
        out.append((row, entry))
    return out


def without_warnings_on_errors(errors, warnings) -> ProblemList:
    """The `warnings` not on a cell (file, sheet, row, column) that has one of the `errors`: a value
    refused as unreadable is not also "worth a look", nor is its KR "without a check-in". Groups of
    many rows are kept as groups, less the rows with an error."""
    error_rows: dict[tuple, set[int]] = {}
    for error in errors:
        if error.row is not None:
            error_rows.setdefault((error.file, error.sheet, error.column), set()).add(error.row)
    if not error_rows:
        return warnings
    kept = ProblemList()
    entries = warnings.entries() if isinstance(warnings, ProblemList) else list(warnings)
    for entry in entries:
        rows = error_rows.get((entry.file, entry.sheet, entry.column))
        if not rows:
            kept.append(entry)
        elif isinstance(entry, ProblemGroup):
            clear = ~np.isin(entry.rows, list(rows))
            if clear.all():
                kept.append(entry)
            elif clear.any():
                kept.append(_group_rows(entry, clear))
        elif entry.row not in rows:
            kept.append(entry)
    return kept


def _group_rows(group, chosen: np.ndarray):
    """The rows of a ProblemGroup where `chosen` holds, as a group of the same kind."""
    messages = group._messages
    return ProblemGroup(
        group.file,
        group.sheet,
        group.column,
        group.severity,
        group.template,
        group.rows[chosen],
        {name: values[chosen] for name, values in group.values.items()},
        group._summary,
        None if messages is None else [m for m, keep in zip(messages, chosen) if keep],
    )


PROBLEM_PAGE_ROWS = 500  # rows of one kind of problem sent to the browser at a time


def problem_pages(entry) -> int:
    """How many pages of PROBLEM_PAGE_ROWS an entry of problem_groups lists (one for a single Problem)."""
    return max(1, -(-len(_problems_of(entry)) // PROBLEM_PAGE_ROWS))


def problem_page(entry, page: int = 1) -> tuple[pd.DataFrame, int, int]:
    """Page `page` (from 1, kept within the pages there are) of an entry of problem_groups as
    problem_table lists it, and the positions of its first and last problem in the entry (1-based): a
    group of 93,000 rows is read and sent a page at a time, its Problems made only for that page."""
    problems = _problems_of(entry)
    page = min(max(int(page), 1), problem_pages(entry))
    start = (page - 1) * PROBLEM_PAGE_ROWS
    shown = problems[start : start + PROBLEM_PAGE_ROWS]
    return problem_table(shown), start + 1, start + len(shown)


def _problems_of(entry):
    from loaders.problems import Problem

    return [entry] if isinstance(entry, Problem) else entry


def change_summary(changes) -> str:
    """`{"check_ins": TableChange(2, 1, 7)}` → "CheckIns: 2 new, 1 updated"; tables left as they were are not named."""
    parts = [
        f"{TABLES_BY_NAME[name].sheet}: {change.inserted} new, {change.updated} updated"
        for name, change in changes.items()
        if change.changed
    ]
    return "; ".join(parts) if parts else "nothing changed"


PROGRESS_TABLES = {"check_ins", "arr_actuals", "headcount"}  # what a progress upload changes, and nothing else


def is_progress_upload(tables) -> bool:
    """Whether an upload that changed `tables` (their names) is a progress upload: some and only PROGRESS_TABLES."""
    return bool(set(tables)) and set(tables) <= PROGRESS_TABLES


def default_undo_choice(uploads: pd.DataFrame) -> int | None:
    """The upload the undo list opens on (Store.uploads, newest first): the latest progress upload
    still in force. Never a whole workbook (teams, objectives, key results: undoing it empties the
    dashboard) nor a review meeting's record; None when there is no progress upload to undo."""
    import json

    def progress_only(counts: str) -> bool:
        return is_progress_upload(json.loads(counts) if isinstance(counts, str) and counts else {})

    chosen = uploads[uploads["undone_at"].isna() & uploads["row_counts"].map(progress_only)]
    return int(chosen["upload_id"].max()) if not chosen.empty else None


HISTORY_COLUMNS = ("upload_id", "uploaded_at", "uploaded_by", "file_name", "sha256", "rows", "state")
SHORT_HASH = 12


def history_table(uploads: pd.DataFrame) -> pd.DataFrame:
    """The stored upload records (Store.uploads) as the history shows them, newest first."""
    import json

    def rows(counts: str) -> str:
        by_table = json.loads(counts) if isinstance(counts, str) and counts else {}
        return ", ".join(f"{TABLES_BY_NAME[t].sheet} {n}" for t, n in by_table.items() if t in TABLES_BY_NAME)

    def state(undone_at, undone_by) -> str:
        if undone_at is None or pd.isna(undone_at):
            return "in force"
        return f"undone {pd.Timestamp(undone_at):%Y-%m-%d %H:%M} by {undone_by}"

    return pd.DataFrame(
        {
            "upload_id": uploads["upload_id"].astype(int),
            "uploaded_at": pd.to_datetime(uploads["uploaded_at"]),
            "uploaded_by": uploads["uploaded_by"],
            "file_name": uploads["file_name"],
            "sha256": uploads["sha256"].str[:SHORT_HASH],
            "rows": [rows(c) for c in uploads["row_counts"]],
            "state": [state(a, b) for a, b in zip(uploads["undone_at"], uploads["undone_by"])],
        },
        columns=list(HISTORY_COLUMNS),
    )
