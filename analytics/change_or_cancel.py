"""The review's decision list: the key results to change or cancel.

A KR is listed when it is off track (its status), stale (its last check-in is more than
analytics.progress.STALE_DAYS old: the snapshot's `stale` flag) or held with low confidence (its
last confidence is at most LOW_CONFIDENCE_MAX of 10). Completed and cancelled KRs are left out: there is nothing left to
decide about them. An overdue KR has the status "overdue", not "off track", so it is listed only
when it is also stale or low-confidence: the due-dates page lists every overdue KR, and here an
overdue KR only adds to the decisions when nobody is updating it or its owner no longer believes in
it — the cases where moving the date or cancelling is the question.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

LOW_CONFIDENCE_MAX = 4
CONFIDENCE_SCALE = 10
OFF_TRACK, STALE, LOW_CONFIDENCE = "off track", "stale", "low confidence"
# Worst first: a KR behind pace needs a decision more than one that is merely not updated, and
# that more than one whose owner doubts it.
REASONS = (OFF_TRACK, STALE, LOW_CONFIDENCE)
_NOT_TO_DECIDE = ("completed", "cancelled")

CANDIDATE_COLUMNS = (
    "reasons",
    "kr_id",
    "title",
    "team",
    "owner",
    "status",
    "progress",
    "expected",
    "gap",
    "last_date",
    "days_since_check_in",
    "last_confidence",
    "last_comment",
    OFF_TRACK,
    STALE,
    LOW_CONFIDENCE,
)


def change_or_cancel_candidates(krs: pd.DataFrame, as_of, decided: Iterable[str] = ()) -> pd.DataFrame:
    """The KRs to decide on (CANDIDATE_COLUMNS), from rows of kr_progress at `as_of`: one boolean
    column per reason, `reasons` as read aloud ("off track · stale 38 days · confidence 3/10"),
    gap = expected − progress; worst reason first (REASONS order), then the largest gap, then KR id.
    The KRs of `decided` (those the review meeting has decided about) are left out: the loop is closed."""
    open_krs = still_open(krs)
    open_krs = open_krs[~open_krs["kr_id"].isin(list(decided))]
    candidates = open_krs.assign(
        **{
            OFF_TRACK: open_krs["status"] == "off track",
            STALE: open_krs["stale"].astype(bool),
            LOW_CONFIDENCE: open_krs["last_confidence"] <= LOW_CONFIDENCE_MAX,
        },
        gap=open_krs["expected"] - open_krs["progress"],
        days_since_check_in=(pd.Timestamp(as_of) - open_krs["last_date"]).dt.days,
    )
    candidates = candidates[candidates[list(REASONS)].any(axis=1)]
    candidates["reasons"] = [_reasons_text(row) for row in candidates.to_dict("records")]
    worst_reason = candidates[list(REASONS)].to_numpy().argmax(axis=1)  # the first True, REASONS order
    candidates = candidates.assign(worst_reason=worst_reason).sort_values(
        ["worst_reason", "gap", "kr_id"], ascending=[True, False, True], kind="stable"
    )
    return candidates.reset_index(drop=True).loc[:, list(CANDIDATE_COLUMNS)]


def still_open(krs: pd.DataFrame) -> pd.DataFrame:
    """The KRs there is still something to decide about: neither completed nor cancelled."""
    return krs[~krs["status"].isin(_NOT_TO_DECIDE)]


def _reasons_text(row: dict) -> str:
    reasons = []
    if row[OFF_TRACK]:
        reasons.append(OFF_TRACK)
    if row[STALE]:
        reasons.append(f"stale {row['days_since_check_in']:,.0f} days")
    if row[LOW_CONFIDENCE]:
        reasons.append(f"confidence {row['last_confidence']:g}/{CONFIDENCE_SCALE}")
    return " · ".join(reasons)


def reason_counts(candidates: pd.DataFrame) -> dict[str, int]:
    """How many listed KRs have each reason (a KR with two reasons counts under both)."""
    return {reason: int(candidates[reason].sum()) for reason in REASONS}


def candidates_by_group(candidates: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """One row per group (`groups`: team → group; "Company" for KRs of company objectives, which have
    no team) of the candidates' teams: teams with KRs listed,
    KRs listed, how many have each reason, and the team with most listed; most off track first,
    then most listed, then by group."""
    group = candidates["team"].map(groups).where(candidates["team"].notna(), "Company")  # company objectives' KRs
    frame = candidates.assign(group=group.fillna("No group"))
    by_group = frame.groupby("group")
    summary = by_group.agg(
        teams=("team", "nunique"), listed=("kr_id", "size"), **{reason: (reason, "sum") for reason in REASONS}
    )
    per_team = frame.groupby(["group", "team"]).size().rename("n").reset_index()
    per_team = per_team.sort_values(["n", "team"], ascending=[False, True], kind="stable").drop_duplicates("group")
    summary["worst_team"] = per_team.set_index("group").apply(lambda r: f"{r['team']} ({r['n']})", axis=1)
    summary = summary.reset_index().sort_values(
        [OFF_TRACK, "listed", "group"], ascending=[False, False, True], kind="stable"
    )
    return summary.reset_index(drop=True)
