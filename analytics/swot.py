"""Company direction first (DESIGN "How OKRs work"): each leader's SWOT pooled into one view, and
the 2–3 strategic priorities picked from it turned into company objectives.

Pooling: the same item written by several leaders (compared ignoring case, spacing and trailing
punctuation) is one item listing every leader who raised it. Strengths and weaknesses are
internal (what the company controls), opportunities and threats external.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from analytics.periods import period_bounds
from store.schema import SWOT_QUADRANTS

QUADRANT_LABELS = {
    "strength": "Strengths",
    "weakness": "Weaknesses",
    "opportunity": "Opportunities",
    "threat": "Threats",
}
QUADRANT_NAMES = {"strength": "Strength", "weakness": "Weakness", "opportunity": "Opportunity", "threat": "Threat"}
INTERNAL = ("strength", "weakness")
EXTERNAL = ("opportunity", "threat")
SIDE_LABELS = {"internal": "Internal", "external": "External"}
POOLED_COLUMNS = ("quadrant", "item", "leaders", "leader_count")
COUNT_COLUMNS = ("quadrant", "label", "side", "items", "leaders")
MAX_PRIORITIES = 3
COMPANY_OBJECTIVE_ID = re.compile(r"^CO-(\d+)$", re.IGNORECASE)
COMPANY_OBJECTIVE_COLUMNS = ("objective_id", "period", "level", "title", "context")


def side(quadrant: str) -> str:
    return "internal" if quadrant in INTERNAL else "external"


def _pooling_key(item: str) -> str:
    return re.sub(r"\s+", " ", str(item)).strip().rstrip(".;!").casefold()


def pooled_swot(swot: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct item of each quadrant (POOLED_COLUMNS): the first spelling, the leaders
    who raised it ("; "-joined, alphabetical) and how many; quadrants in SWOT order, then the items
    most leaders share, then alphabetically."""
    frame = swot.assign(key=swot["item"].map(_pooling_key))
    grouped = frame.groupby(["quadrant", "key"], sort=False)
    pooled = pd.DataFrame(
        {
            "item": grouped["item"].first(),
            "leaders": grouped["leader"].agg(lambda leaders: "; ".join(sorted(set(leaders)))),
            "leader_count": grouped["leader"].nunique(),
        }
    ).reset_index()
    pooled["order"] = pooled["quadrant"].map({q: i for i, q in enumerate(SWOT_QUADRANTS)})
    pooled = pooled.sort_values(["order", "leader_count", "item"], ascending=[True, False, True], kind="stable")
    return pooled.reset_index(drop=True).loc[:, list(POOLED_COLUMNS)]


def quadrant_counts(swot: pd.DataFrame) -> pd.DataFrame:
    """Per quadrant, in SWOT order (COUNT_COLUMNS): its label, internal/external side, the number of
    pooled items and of leaders who contributed to it."""
    pooled = pooled_swot(swot)
    return pd.DataFrame(
        [
            (
                quadrant,
                QUADRANT_LABELS[quadrant],
                side(quadrant),
                int((pooled["quadrant"] == quadrant).sum()),
                int(swot.loc[swot["quadrant"] == quadrant, "leader"].nunique()),
            )
            for quadrant in SWOT_QUADRANTS
        ],
        columns=list(COUNT_COLUMNS),
    )


def priority_label(row) -> str:
    """How a pooled item reads in the priority picker: "Weakness · Founder-led sales … (Alexandre Laurent)"."""
    return f"{QUADRANT_NAMES[row['quadrant']]} · {row['item']} ({row['leaders']})"


def swot_entry(leader: str, quadrant: str, item: str) -> tuple[pd.DataFrame, list[str]]:
    """One SWOT row (leader, quadrant, item) typed in a form, and what stops it from being stored."""
    leader, item = leader.strip(), item.strip()
    problems = [f"the {name} is empty" for name, value in (("leader", leader), ("item", item)) if not value]
    if quadrant not in SWOT_QUADRANTS:
        problems.append(f'"{quadrant}" is not a quadrant (use {", ".join(SWOT_QUADRANTS)})')
    return pd.DataFrame([(leader, quadrant, item)], columns=["leader", "quadrant", "item"]), problems


def next_company_objective_id(objectives: pd.DataFrame, taken: int = 0) -> str:
    """The next free id in the CO-n series of the stored objectives, skipping `taken` more."""
    numbers = objectives["objective_id"].dropna().astype(str).str.extract(COMPANY_OBJECTIVE_ID)[0].dropna().astype(int)
    return f"CO-{(numbers.max() if not numbers.empty else 0) + 1 + taken}"


@dataclass(frozen=True)
class ObjectiveDraft:
    objective_id: str
    title: str
    context: str
    period: str


def company_objective_rows(drafts: list[ObjectiveDraft], objectives: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Company objective rows (COMPANY_OBJECTIVE_COLUMNS) for the drafts, and what stops them from
    being stored: an empty id or title, an id already stored or used twice, a period that is not
    one. Rows come back only when there is no problem."""
    problems = []
    stored = set(objectives["objective_id"].dropna().astype(str))
    seen: set[str] = set()
    for number, draft in enumerate(drafts, start=1):
        where = f"Priority {number}"
        objective_id, title = draft.objective_id.strip(), draft.title.strip()
        if not objective_id:
            problems.append(f"{where}: the objective id is empty")
        elif objective_id in stored:
            problems.append(f"{where}: {objective_id} is already an objective; choose another id")
        elif objective_id in seen:
            problems.append(f"{where}: {objective_id} is used twice; give each objective its own id")
        seen.add(objective_id)
        if not title:
            problems.append(f"{where}: the title is empty")
        try:
            period_bounds(draft.period)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
    if problems:
        return pd.DataFrame(columns=list(COMPANY_OBJECTIVE_COLUMNS)), problems
    rows = [
        (d.objective_id.strip(), d.period.strip().upper(), "company", d.title.strip(), d.context.strip() or None)
        for d in drafts
    ]
    return pd.DataFrame(rows, columns=list(COMPANY_OBJECTIVE_COLUMNS)), []
