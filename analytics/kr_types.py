"""The mix of key-result types (discovery, input, output, outcome) per team and per objective, the
progress of each type, and the objectives whose mix cannot show impact.

An objective is there to change something: its outcome KRs say whether it did. An objective with
no outcome KR cannot show impact, and one whose KRs are all inputs measures activity, not results.
Cancelled KRs take no part (DESIGN "Formulas"), so a cancelled outcome KR no longer counts.
"""

from __future__ import annotations

import pandas as pd

from store.schema import KR_TYPES

# A KR whose type was left empty: counted under its own name so the mix still adds up.
NO_TYPE = "no type"
OUTCOME = "outcome"
INPUT = "input"

OBJECTIVE_FLAG_COLUMNS = ("objective_id", "team", "title", "kr_count", "no_outcome", "input_only")
PROGRESS_BY_TYPE_COLUMNS = ("kr_type", "kr_count", "progress", "expected")


def active_typed_krs(krs: pd.DataFrame) -> pd.DataFrame:
    """The KRs not cancelled, kr_type trimmed and lower-cased, an empty type as NO_TYPE."""
    active = krs[~krs["cancelled"].astype(bool)]
    kr_type = active["kr_type"].fillna("").astype(str).str.strip().str.lower()
    return active.assign(kr_type=kr_type.mask(kr_type == "", NO_TYPE))


def type_columns(kr_types) -> list[str]:
    """The four types in the DESIGN's order, then NO_TYPE and any other value found in `kr_types`."""
    others = sorted(set(kr_types) - set(KR_TYPES) - {NO_TYPE})
    return [*KR_TYPES, *([NO_TYPE] if NO_TYPE in set(kr_types) else []), *others]


def kr_type_mix(krs: pd.DataFrame, by: str = "team") -> pd.DataFrame:
    """How many KRs of each type per value of `by` (rows of kr_progress): one column per type
    (`type_columns`, the four DESIGN types always present) and `total`, indexed by `by`, sorted."""
    typed = active_typed_krs(krs)
    columns = type_columns(typed["kr_type"])
    counts = pd.crosstab(typed[by], typed["kr_type"]).reindex(
        index=sorted(typed[by].dropna().unique()), columns=columns, fill_value=0
    )
    counts.columns.name = None
    return counts.assign(total=counts.sum(axis=1)).astype(int)


def objective_type_mix(krs: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """Per objective with active KRs, by team then objective id: objective_id, team, title, then the
    counts of `kr_type_mix`."""
    mix = kr_type_mix(krs, by="objective_id")
    titles = objectives.set_index("objective_id")
    described = pd.DataFrame(
        {
            "objective_id": mix.index,
            "team": mix.index.map(titles["team"]),
            "title": mix.index.map(titles["title"]),
        }
    )
    table = pd.concat([described, mix.reset_index(drop=True)], axis=1)
    return table.sort_values(["team", "objective_id"], kind="stable").reset_index(drop=True)


def objective_type_flags(krs: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """The objectives (OBJECTIVE_FLAG_COLUMNS) with no outcome KR, or with input KRs only, among
    those with active KRs, by team then objective id. An input-only objective has no
    outcome KR either, so both of its flags are set."""
    mix = objective_type_mix(krs, objectives)
    flags = mix.assign(
        kr_count=mix["total"],
        no_outcome=mix[OUTCOME] == 0,
        input_only=mix[INPUT] == mix["total"],
    )
    flagged = flags[flags["no_outcome"] | flags["input_only"]]
    return flagged.reset_index(drop=True).loc[:, list(OBJECTIVE_FLAG_COLUMNS)]


def progress_by_type(krs: pd.DataFrame) -> pd.DataFrame:
    """Per type present (PROGRESS_BY_TYPE_COLUMNS, in `type_columns` order): the number of active
    KRs and their plain mean clamped progress and mean expected progress by now."""
    typed = active_typed_krs(krs)
    by_type = typed.groupby("kr_type").agg(
        kr_count=("kr_id", "size"), progress=("progress", "mean"), expected=("expected", "mean")
    )
    order = [t for t in type_columns(typed["kr_type"]) if t in by_type.index]
    return by_type.reindex(order).reset_index().loc[:, list(PROGRESS_BY_TYPE_COLUMNS)]


def flags_worst_first(flags: pd.DataFrame) -> pd.DataFrame:
    """`objective_type_flags` rows, worst first: input-only objectives, then those with most KRs
    (the most effort without a measured outcome), then by team and objective id."""
    return flags.sort_values(
        ["input_only", "kr_count", "team", "objective_id"], ascending=[False, False, True, True], kind="stable"
    ).reset_index(drop=True)


def flags_by_group(objectives: pd.DataFrame, flags: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """One row per group (`groups`: team → group; "Company" for company objectives) of the objectives
    of `objective_type_mix`: teams, objectives, those without an outcome KR and with input KRs only
    (`flags`), the share without an outcome KR; the highest share first, then by group."""

    def group_of(team: pd.Series) -> pd.Series:
        return team.map(groups).where(team.notna(), "Company").fillna("No group")

    summary = (
        objectives.assign(group=group_of(objectives["team"]))
        .groupby("group")
        .agg(teams=("team", "nunique"), objectives=("objective_id", "size"))
    )
    flagged = flags.assign(group=group_of(flags["team"])).groupby("group")
    summary["no_outcome"] = flagged["no_outcome"].sum().reindex(summary.index, fill_value=0).astype(int)
    summary["input_only"] = flagged["input_only"].sum().reindex(summary.index, fill_value=0).astype(int)
    summary["share"] = summary["no_outcome"] / summary["objectives"]
    summary = summary.reset_index().sort_values(["share", "group"], ascending=[False, True], kind="stable")
    return summary.reset_index(drop=True)
