"""The key results the monthly review has to talk about, worst first: overdue, off track, behind
without a check-in, or stale (DESIGN "Formulas"), each with the figures the room reads out."""

from __future__ import annotations

import pandas as pd

from analytics.progress import STATUS_ORDER
from analytics.teams import format_kr_value

# Statuses that are behind the expected pace: a KR at one of them without any check-in is listed.
BEHIND = ("overdue", "off track", "at risk")
NEEDS_ATTENTION = ("overdue", "off track")
NO_TEXT = "—"
EXCEPTION_COLUMNS = (
    "kr_id",
    "title",
    "team",
    "owner",
    "status",
    "no_check_in",
    "stale",
    "days_overdue",
    "days_silent",
    "value_text",
    "expected_text",
    "progress",
    "expected",
    "gap",
    "comment",
)
_TARGET_PREFIX = {"stay_above": "≥ ", "stay_below": "≤ "}
# The columns of kr_progress the texts are made from (reading only these keeps 8,000 KRs quick).
_READ = (
    "title",
    "team",
    "owner",
    "measure",
    "unit",
    "direction",
    "start_value",
    "target_value",
    "last_value",
    "last_status",
    "last_comment",
    "progress",
    "expected",
    "no_check_in",
)


def needs_attention(krs: pd.DataFrame, as_of) -> pd.DataFrame:
    """The KRs of a snapshot (rows of kr_progress) that need the room's attention at `as_of`:
    overdue, off track, behind (at risk or worse) without any check-in, or stale; cancelled KRs
    never. Worst first: DESIGN's worst-first order of statuses, within a status the largest gap
    (expected − progress) first, then by KR id. Columns EXCEPTION_COLUMNS, texts ready to show
    (never None or nan)."""
    in_force = krs[~krs["cancelled"].astype(bool)]
    listed = in_force[
        in_force["status"].isin(NEEDS_ATTENTION)
        | (in_force["no_check_in"].astype(bool) & in_force["status"].isin(BEHIND))
        | in_force["stale"].astype(bool)
    ]
    rank = {status: i for i, status in enumerate(STATUS_ORDER)}
    ordered = listed.assign(
        gap=listed["expected"] - listed["progress"], status_rank=listed["status"].map(rank).fillna(len(rank))
    ).sort_values(["status_rank", "gap", "kr_id"], ascending=[True, False, True], kind="stable", na_position="last")
    return review_lines(ordered, as_of)


def review_lines(krs: pd.DataFrame, as_of) -> pd.DataFrame:
    """Rows of kr_progress, in their order, as the review reads them out (EXCEPTION_COLUMNS): the
    last reading against the target in the KR's unit, where it should be by now, the gap (expected −
    progress), the last comment, and how long since its last check-in."""
    rows = [dict(zip(_READ, values)) for values in zip(*(krs[column].tolist() for column in _READ))]
    return pd.DataFrame(
        {
            "kr_id": krs["kr_id"].to_numpy(),
            "title": [_text(row["title"]) for row in rows],
            "team": [_text(row["team"]) for row in rows],
            "owner": [_text(row["owner"]) for row in rows],
            "status": krs["status"].to_numpy(),
            "no_check_in": krs["no_check_in"].astype(bool).to_numpy(),
            "stale": krs["stale"].astype(bool).to_numpy(),
            "days_overdue": krs["days_overdue"].astype(int).to_numpy(),
            "days_silent": (pd.Timestamp(as_of) - pd.to_datetime(krs["last_date"])).dt.days.astype("Int64").array,
            "value_text": [value_against_target(row) for row in rows],
            "expected_text": [expected_by_now(row) for row in rows],
            "progress": krs["progress"].astype(float).to_numpy(),
            "expected": krs["expected"].astype(float).to_numpy(),
            "gap": (krs["expected"] - krs["progress"]).astype(float).to_numpy(),
            "comment": [last_comment(row) for row in rows],
        },
        columns=list(EXCEPTION_COLUMNS),
    )


def attention_counts(exceptions: pd.DataFrame) -> dict[str, int]:
    """How many of the listed KRs are overdue, off track, without a check-in and stale (a KR may
    count under two of these)."""
    return {
        "overdue": int((exceptions["status"] == "overdue").sum()),
        "off track": int((exceptions["status"] == "off track").sum()),
        "no check-in": int(exceptions["no_check_in"].sum()),
        "stale": int(exceptions["stale"].sum()),
    }


def value_against_target(kr) -> str:
    """ "6 / 20 consultants", "$270,800 / $250,000", "12.4% / ≤ 12%", "Early progress / Completed",
    "— / 40 users" before any check-in: the last reading against the target in force, in the KR's unit."""
    measure = str(kr.get("measure") or "").strip().lower()
    unit = kr.get("unit")
    actual = format_kr_value(kr.get("last_value"), measure, unit, kr.get("last_status"))
    target = format_kr_value(kr.get("target_value"), measure, unit, "Completed")
    target = _TARGET_PREFIX.get(kr.get("direction"), "") + target
    unit = unit.strip() if isinstance(unit, str) else ""
    if measure != "number" or not unit or not actual.endswith(unit) or not target.endswith(unit):
        return f"{actual} / {target}"
    # The unit once: "6 / 20 consultants"; a scale ("/10") read out as "7.6 / 8.5 out of 10".
    actual, target = actual[: -len(unit)].rstrip(), target[: -len(unit)].rstrip()
    scale = unit[1:].strip() if unit.startswith("/") else None
    return f"{actual} / {target} out of {scale}" if scale else f"{actual} / {target} {unit}"


def expected_by_now(kr) -> str:
    """Where the KR should be at the as-of date: the value in its unit for a KR that moves from a
    start to a target value ("15 consultants"), otherwise the share of the way ("71%")."""
    expected = kr.get("expected")
    if expected is None or pd.isna(expected):
        return NO_TEXT
    measure = str(kr.get("measure") or "").strip().lower()
    start, target = kr.get("start_value"), kr.get("target_value")
    direction = kr.get("direction")
    moves = not isinstance(direction, str) or direction in ("increase", "decrease")  # increase unless told
    if measure in ("number", "currency", "percent") and moves and pd.notna(start) and pd.notna(target):
        value = float(start) + float(expected) * (float(target) - float(start))
        return format_kr_value(round(value, 0 if abs(float(target) - float(start)) >= 20 else 1), measure, kr["unit"])
    return f"{expected:.0%}"


def last_comment(kr) -> str:
    """The last comment as one line; what to say instead when there is none."""
    comment = kr.get("last_comment")
    if isinstance(comment, str) and comment.strip():
        return " ".join(comment.split())
    return "no check-in yet" if kr.get("no_check_in") else "no comment"


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return NO_TEXT
    return " ".join(str(value).split()) or NO_TEXT
