"""Progress, expected progress and status of every key result at an as-of date (DESIGN "Formulas").

Everything is computed column-wise over all KRs at once: the latest check-in per KR comes from one
integer groupby, the decisions in force from another, and the formulas and the status precedence
from `np.select`, so the cost grows with the table sizes, not with Python loops.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.periods import as_dates, period_starts
from store.schema import CHECK_INS, DATE, DECISIONS_TABLE, KEY_RESULTS, NUMBER, OBJECTIVES, STATUS_LEVELS, Table

STATUS_ORDER = ("overdue", "off track", "at risk", "not started", "on track", "completed")
CANCELLED = "cancelled"
STALE_DAYS = 30
ON_TRACK_MAX_GAP = 0.10
AT_RISK_MAX_GAP = 0.25
# A gap that is exactly 0.10 on paper can come out as 0.1000000000000001 in floating point; it
# still belongs to the lower band.
_GAP_TOLERANCE = 1e-9

# Not started 0, Early progress 1/3, Good progress 2/3, Completed 1.
STATUS_LEVEL_PROGRESS = {level.lower(): i / (len(STATUS_LEVELS) - 1) for i, level in enumerate(STATUS_LEVELS)}

_STATUS_RANK = {status: rank for rank, status in enumerate(STATUS_ORDER)}
_CHECK_IN_FIELDS = ("date", "value", "status", "confidence", "comment")

KR_PROGRESS_COLUMNS = (
    "kr_id",
    "objective_id",
    "team",
    "title",
    "kr_type",
    "measure",
    "unit",
    "direction",
    "owner",
    "weight",
    "start_value",
    "target_value",
    "original_target_value",
    "due_date",
    "original_due_date",
    "start_date",
    "last_date",
    "last_value",
    "last_status",
    "last_confidence",
    "last_comment",
    "raw_progress",
    "progress",
    "expected",
    "status",
    "stale",
    "no_check_in",
    "days_overdue",
    "cancelled",
)


def kr_progress(
    key_results: pd.DataFrame,
    check_ins: pd.DataFrame,
    objectives: pd.DataFrame,
    as_of,
    decisions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per KR (columns KR_PROGRESS_COLUMNS, in the order of `key_results`) at `as_of`."""
    as_of = as_dates(as_of)
    krs = _apply_decisions(_conformed(key_results, KEY_RESULTS), decisions, as_of)
    objective = _conformed(objectives, OBJECTIVES).set_index("objective_id")
    krs["team"] = krs["objective_id"].map(objective["team"])
    krs["start_date"] = krs["start_date"].fillna(period_starts(krs["objective_id"].map(objective["period"])))
    latest = _latest_check_ins(check_ins, as_of).reindex(krs["kr_id"]).set_axis(krs.index)
    krs = pd.concat([krs, latest], axis=1)

    krs["raw_progress"] = _raw_progress(krs).fillna(0.0)
    krs["progress"] = krs["raw_progress"].clip(0.0, 1.0)
    krs["expected"] = _expected_progress(krs["start_date"], krs["due_date"], as_of)
    checked_in = krs["last_date"].notna()
    krs["status"] = _status(krs, checked_in, as_of)
    # Staleness is about updates that stopped coming: a KR never checked in is "not started" or
    # flagged "no check-in" instead, and a completed or cancelled KR needs no more updates.
    finished = krs["status"].isin(["completed", CANCELLED])
    krs["stale"] = checked_in & ((as_of - krs["last_date"]).dt.days > STALE_DAYS) & ~finished
    krs["no_check_in"] = ~checked_in & ~finished & (krs["status"] != "not started")
    krs["days_overdue"] = np.where(krs["status"] == "overdue", (as_of - krs["due_date"]).dt.days, 0).astype(int)
    return krs.loc[:, list(KR_PROGRESS_COLUMNS)]


def worst_status(statuses) -> str | None:
    """The worst status in STATUS_ORDER among `statuses`; cancelled and unknown values take no part."""
    ranks = [_STATUS_RANK[s] for s in statuses if s in _STATUS_RANK]
    return STATUS_ORDER[min(ranks)] if ranks else None


def worst_status_by(statuses: pd.Series, keys) -> pd.Series:
    """`worst_status` of each group of `statuses` grouped by `keys`, in one groupby."""
    # Each distinct status ranked once (a missing status, code -1, takes the NaN appended last).
    codes, distinct = pd.factorize(statuses)
    ranks = np.array([_STATUS_RANK.get(status, np.nan) for status in distinct] + [np.nan])[codes]
    worst_rank = pd.Series(ranks, index=statuses.index).groupby(keys, sort=False).min()
    return worst_rank.map(dict(enumerate(STATUS_ORDER)))


def _conformed(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """`frame` with every column of `table`, empty cells at their schema default, dates normalised,
    numbers as floats (rows merged from an upload may hold None in a number column)."""
    frame = frame.copy(deep=False)  # copy-on-write: the caller's frame is never modified
    for column in table.columns:
        if column.name not in frame.columns:
            frame[column.name] = column.default
        elif column.default is not None:
            frame[column.name] = frame[column.name].fillna(column.default)
        if column.kind == DATE:
            frame[column.name] = as_dates(frame[column.name])
        elif column.kind == NUMBER and frame[column.name].dtype == object:
            frame[column.name] = pd.to_numeric(frame[column.name], errors="coerce")
    return frame


def _lowered(text: pd.Series) -> pd.Series:
    """Trimmed lower-case text, empty cells as "" (a column read with no text at all may be float)."""
    return text.astype(object).fillna("").astype(str).str.strip().str.lower()


def _apply_decisions(krs: pd.DataFrame, decisions: pd.DataFrame | None, as_of: pd.Timestamp) -> pd.DataFrame:
    """KRs with the target and due date in force at `as_of`, the originals kept, and `cancelled`."""
    krs["original_target_value"] = krs["target_value"]
    krs["original_due_date"] = krs["due_date"]
    krs["cancelled"] = False
    if decisions is None or decisions.empty:
        return krs
    decisions = _conformed(decisions, DECISIONS_TABLE)
    decisions = decisions[decisions["date"] <= as_of].sort_values("date", kind="stable")
    kind = _lowered(decisions["decision"])

    # groupby().last() skips empty cells, so each KR gets the latest target and the latest due date
    # that any change gave it, even when one change moved only one of them.
    changed = decisions[kind == "change"].groupby("kr_id")[["new_target_value", "new_due_date"]].last()
    in_force = changed.reindex(krs["kr_id"]).set_axis(krs.index)
    krs["target_value"] = in_force["new_target_value"].fillna(krs["target_value"])
    krs["due_date"] = in_force["new_due_date"].fillna(krs["due_date"])
    krs["cancelled"] = krs["kr_id"].isin(decisions.loc[kind == "cancel", "kr_id"])
    return krs


def _latest_check_ins(check_ins: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per KR (indexed by kr_id): the date of its latest check-in on or before `as_of`, and the
    latest value, status, confidence and comment. Each field takes its latest non-empty entry, so a
    check-in that only adds a comment moves `last_date` (and staleness) without erasing the last
    reading."""
    check_ins = _conformed(check_ins, CHECK_INS)
    rows = len(check_ins)
    counted = (check_ins["date"] <= as_of).to_numpy()
    kr_codes, kr_ids = pd.factorize(check_ins["kr_id"])
    # Rank every row by (date, position) in one non-negative integer so that a groupby max finds
    # each KR's latest row: the text columns of a large table are never sorted or copied, only the
    # winning rows are taken. A later row wins a tie on the same date; -1 marks rows that do not count.
    days = check_ins["date"].to_numpy("datetime64[D]").astype(np.int64)
    first_day = days[counted].min() if counted.any() else 0
    recency = (days - first_day) * rows + np.arange(rows)
    candidates = pd.DataFrame(
        {field: np.where(counted & check_ins[field].notna().to_numpy(), recency, -1) for field in _CHECK_IN_FIELDS}
    )
    # One group per KR code, in code order: the rows of `latest_row` line up with `kr_ids`.
    latest_row = candidates.groupby(kr_codes).max()
    latest = pd.DataFrame(index=pd.Index(kr_ids, name="kr_id"))
    for field in _CHECK_IN_FIELDS:
        recency_of_winner = latest_row[field].to_numpy()
        winners = check_ins[field].take(np.maximum(recency_of_winner, 0) % max(rows, 1))
        latest[f"last_{field}"] = winners.where(recency_of_winner >= 0).array
    return latest


def progress_of_values(krs: pd.DataFrame, values) -> pd.Series:
    """The unclamped progress formula of each KR of `krs` (rows of kr_progress: measure, direction,
    start_value, target_value) applied to `values` instead of its last reading (the forecast of a
    numeric KR goes through the same formula as its readings)."""
    return _raw_progress(krs.assign(last_value=np.asarray(values, dtype=float), last_status=None))


def _raw_progress(krs: pd.DataFrame) -> pd.Series:
    """Unclamped progress by measure and direction; NaN where there is no reading to measure."""
    measure = _lowered(krs["measure"])
    direction = _lowered(krs["direction"])
    value, start, target = krs["last_value"], krs["start_value"], krs["target_value"]

    span = target - start
    reached_above = (value >= target).astype(float)
    reached_below = (value <= target).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        # A zero span (target equal to start) leaves no distance to cover: reached or not.
        increase = np.where(span == 0, reached_above, (value - start) / span)
        decrease = np.where(span == 0, reached_below, (start - value) / -span)
    by_direction = np.select(
        [direction == "decrease", direction == "stay_above", direction == "stay_below"],
        [decrease, reached_above, reached_below],
        default=increase,
    )
    # Binary KRs are done at 1 (yes); a positive target other than 1 also counts once reached.
    binary_done = (value >= 1) | ((target > 0) & (value >= target))
    status_level = _lowered(krs["last_status"]).map(STATUS_LEVEL_PROGRESS)
    progress = np.select(
        [measure == "status", measure == "binary"],
        [status_level, binary_done.astype(float)],
        default=by_direction,
    )
    no_reading = np.where(measure == "status", status_level.isna(), value.isna())
    return pd.Series(np.where(no_reading, np.nan, progress), index=krs.index, dtype=float)


def _expected_progress(start: pd.Series, due: pd.Series, as_of: pd.Timestamp) -> pd.Series:
    """Linear from start to due date, clamped to [0, 1]; 1 from the due date on."""
    with np.errstate(divide="ignore", invalid="ignore"):
        elapsed = (as_of - start) / (due - start)
    return elapsed.mask(as_of >= due, 1.0).clip(0.0, 1.0)


def pace_status(progress, expected) -> np.ndarray:
    """on track / at risk / off track from the gap between expected and actual progress.

    Used for KRs that are under way and for roll-ups (objectives, teams) alike."""
    gap = np.asarray(expected, dtype=float) - np.asarray(progress, dtype=float)
    return np.select(
        [gap > AT_RISK_MAX_GAP + _GAP_TOLERANCE, gap > ON_TRACK_MAX_GAP + _GAP_TOLERANCE],
        ["off track", "at risk"],
        # Also where the gap is unknown (no start date to pace from): nothing shows it is behind.
        default="on track",
    )


def _status(krs: pd.DataFrame, checked_in: pd.Series, as_of: pd.Timestamp) -> np.ndarray:
    """DESIGN status precedence: cancelled, completed, overdue, not started (no check-in yet while the
    KR is expected to be within the on-track band, or cannot be paced), then the pacing gap (at
    progress 0 for a KR without a check-in)."""
    early = ~(krs["expected"] > ON_TRACK_MAX_GAP + _GAP_TOLERANCE)
    return np.select(
        [krs["cancelled"], krs["raw_progress"] >= 1, as_of > krs["due_date"], ~checked_in & early],
        [CANCELLED, "completed", "overdue", "not started"],
        default=pace_status(krs["progress"], krs["expected"]),
    )
