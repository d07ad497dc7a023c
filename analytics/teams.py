"""What the Teams and Team pages of the monthly review show: a card per team, each team's
objectives and KRs with their check-in trends and initiatives, and the dependencies between teams."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.periods import as_dates
from analytics.progress import CANCELLED, STATUS_LEVEL_PROGRESS, STATUS_ORDER
from analytics.review import ReviewSnapshot
from analytics.rollups import TEAM_ROLLUP_COLUMNS, status_count_column

# The groups of the DESIGN's organisation, in the order the review walks through them. The store
# returns teams sorted by name, so the workbook's row order is not there to follow; groups not named
# here come after these, alphabetically.
GROUP_ORDER = ("Product & Engineering", "Business", "Cross-functional")
NO_GROUP = "Other teams"

TEAM_CARD_COLUMNS = (*TEAM_ROLLUP_COLUMNS, "last_check_in", "check_in_age_days")
KR_REVIEW_COLUMNS = (
    "kr_id",
    "title",
    "status",
    "owner",
    "due_date",
    "last_value",
    "last_comment",
    "last_confidence",
    "check_in_age_days",
    "stale",
    "no_check_in",
    "trend",
)
INITIATIVE_COLUMNS = ("kr_id", "title", "owner", "status", "due_date")
NEEDS_COLUMNS = ("kr_id", "title", "owner", "status", "depends_on")
NEEDED_BY_COLUMNS = ("team", "kr_id", "title", "owner", "status")

_CURRENCY_SYMBOLS = {"usd": "$", "$": "$", "eur": "€", "€": "€", "gbp": "£", "£": "£"}
_MISSING = "—"


def team_cards(snapshot: ReviewSnapshot) -> pd.DataFrame:
    """One row per team of the snapshot (TEAM_CARD_COLUMNS), ordered by group (GROUP_ORDER) then as
    the snapshot lists them: the roll-up plus the date of the team's latest check-in on or before
    the as-of date and its age in days (NaT / NaN for a team never checked in)."""
    last = snapshot.krs.groupby("team")["last_date"].max().rename("last_check_in")
    cards = snapshot.teams.join(last, on="team")  # a join keeps the dates' type when no team matches
    cards["check_in_age_days"] = (snapshot.as_of - cards["last_check_in"]).dt.days
    groups = cards["group"].fillna(NO_GROUP)
    cards = cards.assign(group=groups).iloc[_group_rank(groups).argsort(kind="stable")]
    return cards.reset_index(drop=True).loc[:, list(TEAM_CARD_COLUMNS)]


def _group_rank(groups: pd.Series) -> pd.Series:
    others = sorted(set(groups) - set(GROUP_ORDER) - {NO_GROUP})
    rank = {group: i for i, group in enumerate((*GROUP_ORDER, *others, NO_GROUP))}
    return groups.map(rank)


def status_counts(row) -> list[tuple[str, int]]:
    """(status, count) for each status some KR of a roll-up row has, worst first, cancelled last."""
    counts = ((status, int(row[status_count_column(status)])) for status in (*STATUS_ORDER, CANCELLED))
    return [(status, n) for status, n in counts if n]


def days_ago(days) -> str:
    """ "today", "yesterday", "12 days ago", or "never" for a missing age."""
    if days is None or pd.isna(days):
        return "never"
    days = int(days)
    return "today" if days == 0 else "yesterday" if days == 1 else f"{days:,} days ago"


def check_in_age_text(days) -> str:
    """ "Last check-in 12 days ago", or "No check-ins yet" for a team or KR never checked in."""
    if days is None or pd.isna(days):
        return "No check-ins yet"
    return f"Last check-in {days_ago(days)}"


def team_objectives(snapshot: ReviewSnapshot, objectives: pd.DataFrame, team: str) -> pd.DataFrame:
    """The team's objective roll-ups with the strategic context from the stored `objectives`."""
    context = objectives.set_index("objective_id")["context"]
    mine = snapshot.objectives[snapshot.objectives["team"] == team]
    return mine.assign(context=mine["objective_id"].map(context)).reset_index(drop=True)


def kr_trends(check_ins: pd.DataFrame, kr_ids, as_of) -> pd.Series:
    """Per KR id (in the order of `kr_ids`), the list of its check-in readings on or before `as_of`,
    oldest first: the value, or for status KRs the level as progress (0, ⅓, ⅔, 1). Check-ins that
    carry only a comment add no point; a KR with no reading gets an empty list."""
    kr_ids = list(kr_ids)
    check_ins = check_ins[check_ins["kr_id"].isin(kr_ids) & (as_dates(check_ins["date"]) <= as_dates(as_of))]
    level = check_ins["status"].fillna("").astype(str).str.strip().str.lower().map(STATUS_LEVEL_PROGRESS)
    readings = (
        pd.DataFrame(
            {
                "kr_id": check_ins["kr_id"],
                "date": as_dates(check_ins["date"]),
                "reading": check_ins["value"].astype(float).fillna(level.astype(float)),
            }
        )
        .dropna(subset=["reading"])
        .sort_values(["kr_id", "date"], kind="stable")
    )
    by_kr = readings.groupby("kr_id")["reading"].agg(list)
    return pd.Series([by_kr.get(kr_id, []) for kr_id in kr_ids], index=pd.Index(kr_ids, name="kr_id"), dtype=object)


def format_kr_value(value, measure: str | None, unit: str | None, status: str | None = None) -> str:
    """A KR reading as a reader says it: $1,250,000 for currency, 82.5% for percent, Yes/No for
    binary, the level for status KRs ("Good progress"), else the number with its unit ("12 AEs")."""
    measure = (measure or "").strip().lower()
    unit = "" if unit is None or pd.isna(unit) else str(unit).strip()
    if measure == "status":
        return status if isinstance(status, str) and status.strip() else _MISSING
    if value is None or pd.isna(value):
        return _MISSING
    value = float(value)
    if measure == "binary":
        return "Yes" if value >= 1 else "No"
    if measure == "currency":
        symbol = _CURRENCY_SYMBOLS.get(unit.lower(), "$" if not unit else None)
        if symbol:
            return f"{'-' if value < 0 else ''}{symbol}{_number(abs(value))}"
        return f"{_number(value)} {unit}"
    if measure == "percent":
        return f"{_number(value)}%"
    if not unit:
        return _number(value)
    # "/10" and "%" read as part of the number; words are set apart ("12 AEs").
    return f"{_number(value)}{unit}" if unit[0] in "/%" else f"{_number(value)} {unit}"


def _number(value: float) -> str:
    """Thousands separators, at most two decimals, no trailing zeros: 1,234 · 7.5 · 0.25."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def kr_review_rows(krs: pd.DataFrame, check_ins: pd.DataFrame, as_of) -> pd.DataFrame:
    """The KR table of the team page (KR_REVIEW_COLUMNS), one row per KR of `krs` (rows of
    kr_progress) in its order: last_value formatted with its unit, the age of the last check-in in
    days and the readings trend up to `as_of`."""
    last_value = [
        format_kr_value(value, measure, unit, status)
        for value, measure, unit, status in zip(krs["last_value"], krs["measure"], krs["unit"], krs["last_status"])
    ]
    rows = krs.assign(
        last_value=last_value,
        check_in_age_days=(as_dates(as_of) - krs["last_date"]).dt.days,
        trend=kr_trends(check_ins, krs["kr_id"], as_of).to_list(),
    )
    return rows.reset_index(drop=True).loc[:, list(KR_REVIEW_COLUMNS)]


def kr_initiatives(initiatives: pd.DataFrame, kr_ids) -> pd.DataFrame:
    """The initiatives behind the given KRs (INITIATIVE_COLUMNS), by KR in the order given, then by
    due date (undated last)."""
    order = {kr_id: i for i, kr_id in enumerate(kr_ids)}
    mine = initiatives[initiatives["kr_id"].isin(order)].assign(kr_order=lambda f: f["kr_id"].map(order))
    mine = mine.sort_values(["kr_order", "due_date"], na_position="last", kind="stable")
    return mine.reset_index(drop=True).loc[:, list(INITIATIVE_COLUMNS)]


@dataclass(frozen=True)
class TeamDependencies:
    needs: pd.DataFrame  # the team's KRs that depend on other teams (NEEDS_COLUMNS)
    needed_by: pd.DataFrame  # other teams' KRs that depend on this team (NEEDED_BY_COLUMNS)


def team_dependencies(key_results: pd.DataFrame, krs: pd.DataFrame, team: str) -> TeamDependencies:
    """Cross-team dependencies of `team` among the KRs of `krs` (rows of kr_progress, every team),
    read from the `depends_on` column of the stored `key_results` (team names, ";"-separated,
    matched ignoring case and surrounding spaces). A KR naming its own team is no dependency."""
    depends_on = key_results.set_index("kr_id")["depends_on"]
    named = krs["kr_id"].map(depends_on).fillna("").astype(str).map(_team_names)
    own = krs["team"].fillna("").str.strip().str.casefold()
    key = team.strip().casefold()
    others = [[name for name in names if name.casefold() != own_team] for names, own_team in zip(named, own)]
    others = pd.Series(others, index=krs.index, dtype=object)

    mine = (own == key) & (others.map(len) > 0)
    needs = krs[mine].assign(depends_on=others[mine].map("; ".join))
    needed_by = krs[others.map(lambda names: key in {name.casefold() for name in names})]
    return TeamDependencies(
        needs=needs.reset_index(drop=True).loc[:, list(NEEDS_COLUMNS)],
        needed_by=needed_by.sort_values(["team", "kr_id"], kind="stable")
        .reset_index(drop=True)
        .loc[:, list(NEEDED_BY_COLUMNS)],
    )


def _team_names(depends_on: str) -> list[str]:
    return [name.strip() for name in depends_on.split(";") if name.strip()]
