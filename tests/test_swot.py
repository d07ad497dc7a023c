"""SWOT pooling, counts, the internal/external split and company objectives from priorities."""

from __future__ import annotations

import pandas as pd

from analytics.swot import (
    ObjectiveDraft,
    company_objective_rows,
    next_company_objective_id,
    pooled_swot,
    priority_label,
    quadrant_counts,
    swot_entry,
)

SWOT = pd.DataFrame(
    [
        ("Ana", "weakness", "Founder-led sales does not scale"),
        ("Ben", "weakness", "founder-led sales  does not scale."),
        ("Ana", "strength", "Deep domain expertise"),
        ("Ben", "opportunity", "Cloud marketplaces"),
        ("Cleo", "threat", "Competitors discounting"),
        ("Cleo", "weakness", "Forecasts miss by 25%"),
    ],
    columns=["leader", "quadrant", "item"],
)


def test_the_same_item_from_several_leaders_is_pooled():
    pooled = pooled_swot(SWOT)
    assert pooled["quadrant"].tolist() == ["strength", "weakness", "weakness", "opportunity", "threat"]
    shared = pooled.iloc[1]
    assert (shared["item"], shared["leaders"], shared["leader_count"]) == (
        "Founder-led sales does not scale",
        "Ana; Ben",
        2,
    )
    assert pooled.iloc[2]["item"] == "Forecasts miss by 25%"


def test_quadrant_counts_and_sides():
    counts = quadrant_counts(SWOT).set_index("quadrant")
    assert counts["items"].to_dict() == {"strength": 1, "weakness": 2, "opportunity": 1, "threat": 1}
    assert counts["leaders"].to_dict() == {"strength": 1, "weakness": 3, "opportunity": 1, "threat": 1}
    assert counts.groupby("side")["items"].sum().to_dict() == {"internal": 3, "external": 2}


def test_priority_label():
    assert priority_label(pooled_swot(SWOT).iloc[1]) == "Weakness · Founder-led sales does not scale (Ana; Ben)"


def test_swot_entry_needs_leader_item_and_a_quadrant():
    entry, problems = swot_entry(" Ana ", "threat", " Price war ")
    assert problems == [] and entry.values.tolist() == [["Ana", "threat", "Price war"]]
    _, problems = swot_entry("", "risk", "")
    assert problems == [
        "the leader is empty",
        "the item is empty",
        '"risk" is not a quadrant (use strength, weakness, opportunity, threat)',
    ]


def test_next_company_objective_id_follows_the_co_series():
    objectives = pd.DataFrame({"objective_id": ["CO-1", "CO-4", "SAL-O1", "co-2"]})
    assert next_company_objective_id(objectives) == "CO-5"
    assert next_company_objective_id(objectives, taken=2) == "CO-7"
    assert next_company_objective_id(objectives.iloc[2:3]) == "CO-1"


def test_company_objective_rows_from_drafts():
    stored = pd.DataFrame({"objective_id": ["CO-1"]})
    drafts = [
        ObjectiveDraft("CO-2", " Prove a second channel ", "Why.", "2028"),
        ObjectiveDraft("CO-3", "Win loyalty", "", "2028-q1"),
    ]
    rows, problems = company_objective_rows(drafts, stored)
    assert problems == []
    assert rows.drop(columns="context").values.tolist() == [
        ["CO-2", "2028", "company", "Prove a second channel"],
        ["CO-3", "2028-Q1", "company", "Win loyalty"],
    ]
    assert rows["context"].iloc[0] == "Why." and pd.isna(rows["context"].iloc[1])  # empty context stored as NULL


def test_company_objective_rows_refuse_bad_drafts():
    stored = pd.DataFrame({"objective_id": ["CO-1"]})
    drafts = [
        ObjectiveDraft("CO-1", "Win", "", "2028"),
        ObjectiveDraft("CO-2", "", "", "next year"),
        ObjectiveDraft("CO-2", "Win", "", "2028"),
        ObjectiveDraft(" ", "Win", "", "2028"),
    ]
    rows, problems = company_objective_rows(drafts, stored)
    assert rows.empty
    assert problems[0] == "Priority 1: CO-1 is already an objective; choose another id"
    assert problems[1] == "Priority 2: the title is empty"
    assert problems[2].startswith("Priority 2: period 'next year' is not a year")
    assert problems[3] == "Priority 3: CO-2 is used twice; give each objective its own id"
    assert problems[4] == "Priority 4: the objective id is empty"
