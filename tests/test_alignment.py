"""Alignment: the tree, gaps, orphans, overlaps and dependency conflicts on small hand-made OKRs."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.alignment import (
    NOT_LINKED_ID,
    alignment,
    content_words,
    dependency_edges,
    likely_overlaps,
)
from analytics.review import review_snapshot


def tables() -> dict[str, pd.DataFrame]:
    """Three company objectives; Sales and Product support CO-1, Success CO-2, nobody CO-3; one
    Product objective links to nothing."""
    objectives = pd.DataFrame(
        [
            ("CO-1", "2027", "company", None, "Prove acquisition repeatability", None),
            ("CO-2", "2027", "company", None, "Win customers' loyalty", None),
            ("CO-3", "2027", "company", None, "Control our corporate destiny", None),
            ("SAL-O1", "2027-Q2", "team", "Sales", "Win the mid-market segment", "CO-1"),
            ("PRD-O1", "2027-Q2", "team", "Product", "Package a guided trial", "CO-1"),
            ("PRD-O2", "2027-Q2", "team", "Product", "Learn what enterprise buyers need", None),
            ("SUC-O1", "2027-Q2", "team", "Success", "Make onboarding effortless", "CO-2"),
        ],
        columns=["objective_id", "period", "level", "team", "title", "parent_objective_id"],
    ).assign(context=None, owner=None)
    krs = pd.DataFrame(
        [
            ("SAL-KR1", "SAL-O1", "Create 60 qualified opportunities", "Product"),
            ("SAL-KR2", "SAL-O1", "Close 28 new-logo deals", None),
            ("PRD-KR1", "PRD-O1", "Launch the guided trial for Sales", "Success"),
            ("PRD-KR2", "PRD-O2", "Interview 15 enterprise buyers", None),
            ("SUC-KR1", "SUC-O1", "Create 30 partner-sourced qualified opportunities", "Engineering"),
        ],
        columns=["kr_id", "objective_id", "title", "depends_on"],
    ).assign(
        kr_type="output",
        measure="number",
        unit=None,
        start_value=0.0,
        target_value=10.0,
        direction="increase",
        owner="Someone",
        start_date=pd.Timestamp("2027-04-01"),
        due_date=pd.Timestamp("2027-06-30"),
        weight=1.0,
        funnel_stage=None,
        measured_by=None,
    )
    check_ins = pd.DataFrame(
        {
            "kr_id": ["SAL-KR1", "PRD-KR1"],
            "date": pd.to_datetime(["2027-05-31", "2027-05-31"]),
            "value": [10.0, 0.0],
            "status": [None, None],
            "confidence": [None, None],
            "comment": [None, None],
            "updated_by": [None, None],
        }
    )
    teams = pd.DataFrame(
        {"team": ["Sales", "Product", "Success", "Engineering"], "group": "G", "lead": None, "lead_email": None}
    )
    return {"objectives": objectives, "key_results": krs, "check_ins": check_ins, "teams": teams}


@pytest.fixture
def view():
    data = tables()
    return alignment(review_snapshot(data, "2027-05-31"), data["key_results"])


def test_gaps_are_company_objectives_no_team_objective_links_to(view):
    assert view.gaps["objective_id"].tolist() == ["CO-3"]


def test_orphans_are_team_objectives_linked_to_nothing_of_the_period(view):
    assert view.orphans[["objective_id", "reason"]].values.tolist() == [["PRD-O2", "no company objective"]]
    data = tables()
    data["objectives"].loc[data["objectives"]["objective_id"] == "SUC-O1", "parent_objective_id"] = "SAL-O1"
    again = alignment(review_snapshot(data, "2027-05-31"), data["key_results"])
    assert set(again.orphans["objective_id"]) == {"PRD-O2", "SUC-O1"}


def test_tree_hangs_krs_under_objectives_under_company_objectives(view):
    tree = view.tree.set_index("node_id")
    assert tree.loc["SAL-KR1", "parent_id"] == "SAL-O1"
    assert tree.loc["SAL-O1", "parent_id"] == "CO-1"
    assert tree.loc["PRD-O2", "parent_id"] == NOT_LINKED_ID
    assert tree.loc[NOT_LINKED_ID, "kind"] == "unlinked"
    assert tree.loc["CO-3", "kind"] == "company"
    # SAL-KR1: 10 of 10 → completed; PRD-KR1 checked in at 0 with 2/3 of the time gone → off track.
    assert tree.loc["SAL-KR1", "status"] == "completed"
    assert tree.loc["PRD-KR1", "status"] == "off track"
    # SAL-KR2 has no check-in of its own here, with more than the on-track band of its time gone.
    assert tree.loc["SAL-KR2", "status"] == "off track"
    assert (tree["kind"] == "kr").sum() == 5


def test_content_words_drop_the_verb_stop_words_numbers_and_plurals():
    assert content_words("Create 60 qualified opportunities per month") == {
        "qualified": "qualified",
        "opportunitie": "opportunities",
    }
    assert content_words("Cut median time-to-hire from 62 to 40 days") == {"time-to-hire": "time-to-hire"}


def test_overlaps_need_two_shared_words_across_teams():
    items = pd.DataFrame(
        {
            "id": ["A", "B", "C", "D"],
            "team": ["Sales", "Success", "Sales", "Data"],
            "title": [
                "Create 60 qualified opportunities",
                "Create 30 partner-sourced qualified opportunities",
                "Generate qualified opportunities",
                "Lift NPS",
            ],
        }
    )
    overlaps = likely_overlaps(items, "KR")
    # A–C are the same team; A–B and B–C share 2 of 3 words; D shares nothing.
    assert overlaps[["id_a", "id_b"]].values.tolist() == [["A", "B"], ["B", "C"]]
    assert overlaps["similarity"].tolist() == pytest.approx([2 / 3, 2 / 3])
    assert overlaps["shared"].iloc[0] == "opportunities, qualified"


def test_overlaps_found_in_the_snapshot(view):
    assert view.overlaps[["kind", "id_a", "id_b"]].values.tolist() == [["KR", "SAL-KR1", "SUC-KR1"]]


def test_a_dependency_is_a_conflict_unless_the_other_team_has_a_kr_naming_the_team():
    krs = pd.DataFrame(
        {
            "kr_id": ["S1", "P1", "P2", "U1"],
            "team": ["Sales", "Product", "Product", "Success"],
            "title": ["Close deals", "Launch the trial for Sales", "Interview buyers", "Onboard faster"],
        }
    )
    key_results = pd.DataFrame(
        {"kr_id": ["S1", "P1", "P2", "U1"], "depends_on": ["Product; Success", "Engineering", None, "Product"]}
    )
    edges = dependency_edges(krs, key_results).set_index(["from_team", "to_team"])
    # Product names Sales in P1's title: settled. Success has no KR naming Sales: conflict.
    assert edges.loc[("Sales", "Product"), "conflict"] == False  # noqa: E712
    assert edges.loc[("Sales", "Success"), "conflict"] == True  # noqa: E712
    # Engineering has no KR at all: conflict. Success → Product: Product names no Success.
    assert edges.loc[("Product", "Engineering"), "conflict"] == True  # noqa: E712
    assert edges.loc[("Success", "Product"), "conflict"] == True  # noqa: E712
    assert edges["kr_count"].sum() == 4


def test_a_team_filter_narrows_everything_but_the_gaps():
    data = tables()
    view = alignment(review_snapshot(data, "2027-05-31"), data["key_results"], teams=["Success"])
    assert view.gaps["objective_id"].tolist() == ["CO-3"]
    assert view.orphans.empty
    assert set(view.tree.loc[view.tree["kind"] == "objective", "node_id"]) == {"SUC-O1"}
    assert view.dependencies[["from_team", "to_team"]].values.tolist() == [
        ["Product", "Success"],
        ["Success", "Engineering"],
    ]
    assert len(view.overlaps) == 1  # SAL-KR1 ~ SUC-KR1 involves Success
