"""What the Teams and Team pages compute, on a small organisation whose figures are worked out by
hand in the comments (as-of date 31 May 2027)."""

import math

import pandas as pd
import pytest

from analytics.review import filter_snapshot, review_snapshot
from analytics.teams import (
    KR_REVIEW_COLUMNS,
    NEEDED_BY_COLUMNS,
    NEEDS_COLUMNS,
    TEAM_CARD_COLUMNS,
    check_in_age_text,
    days_ago,
    format_kr_value,
    kr_initiatives,
    kr_review_rows,
    kr_trends,
    status_counts,
    team_cards,
    team_dependencies,
    team_objectives,
)
from store.schema import CHECK_INS, INITIATIVES, KEY_RESULTS, OBJECTIVES, TEAMS

AS_OF = "2027-05-31"


def table(schema, rows):
    frame = pd.DataFrame(rows).reindex(columns=schema.column_names)
    for column in schema.columns:
        if column.kind == "date":
            frame[column.name] = pd.to_datetime(frame[column.name])
    return frame


def kr(kr_id, objective_id, measure, owner, start=None, target=None, direction="increase", unit=None, depends_on=None):
    return {
        "kr_id": kr_id,
        "objective_id": objective_id,
        "title": f"Title of {kr_id}",
        "measure": measure,
        "unit": unit,
        "start_value": start,
        "target_value": target,
        "direction": direction,
        "owner": owner,
        "start_date": "2027-04-01",
        "due_date": "2027-06-30",
        "weight": 1.0,
        "depends_on": depends_on,
    }


TABLES = {
    # Stored teams come sorted by name; the cards put them in DESIGN group order.
    "teams": table(
        TEAMS,
        [
            {"team": "Data", "group": None, "lead": "Dan"},
            {"team": "Engineering", "group": "Product & Engineering", "lead": "Tom"},
            {"team": "Finance", "group": "Cross-functional", "lead": "Fay"},
            {"team": "Legal", "group": "Legal & Compliance", "lead": "Lou"},
            {"team": "Sales", "group": "Business", "lead": "Ana"},
        ],
    ),
    "objectives": table(
        OBJECTIVES,
        [
            {"objective_id": "C1", "period": "2027", "level": "company", "title": "Grow"},
            {
                "objective_id": "S1",
                "period": "2027-Q2",
                "level": "team",
                "team": "Sales",
                "title": "Sell more",
                "context": "Why we sell more.",
                "parent_objective_id": "C1",
            },
            {
                "objective_id": "E1",
                "period": "2027-Q2",
                "level": "team",
                "team": "Engineering",
                "title": "Ship",
                "parent_objective_id": "C1",
            },
        ],
    ),
    "key_results": table(
        KEY_RESULTS,
        [
            kr("S1-K1", "S1", "currency", "Ana", 0, 100_000, unit="USD", depends_on="Engineering; finance"),
            kr("S1-K2", "S1", "number", "Bo", 90, 60, direction="decrease", unit="days", depends_on="Sales"),
            kr("E1-K1", "E1", "status", "Tom", depends_on=" sales "),
        ],
    ),
    "check_ins": table(
        CHECK_INS,
        [
            {"kr_id": "S1-K1", "date": "2027-04-30", "value": 20_000},
            {"kr_id": "S1-K1", "date": "2027-05-20", "value": 50_000, "confidence": 6, "comment": "Two deals"},
            {"kr_id": "S1-K1", "date": "2027-06-15", "value": 90_000},  # after the as-of date: not counted
            {"kr_id": "S1-K2", "date": "2027-04-15", "value": 80},
            {"kr_id": "S1-K2", "date": "2027-05-10", "comment": "No new figure"},  # moves the last check-in only
            {"kr_id": "E1-K1", "date": "2027-05-01", "status": "Early progress"},
            {"kr_id": "E1-K1", "date": "2027-05-25", "status": "Good progress"},
        ],
    ),
}
# Expected by now for every KR: 1 April → 30 June is 90 days, 60 of them gone on 31 May → 2/3.
# S1-K1 50,000 of 100,000 → 0.5 (gap 1/6: at risk); S1-K2 90 → 80 towards 60 → 1/3 (gap 1/3: off
# track); E1-K1 Good progress → 2/3 (on track). Sales = (0.5 + 1/3) / 2 = 5/12.


@pytest.fixture(scope="module")
def snapshot():
    return review_snapshot(TABLES, AS_OF)


def test_team_cards_in_group_order_with_progress_and_last_check_in_age(snapshot):
    cards = team_cards(snapshot).set_index("team")
    assert list(team_cards(snapshot).columns) == list(TEAM_CARD_COLUMNS)
    # DESIGN groups first, in DESIGN order, then other groups alphabetically, then teams with no group.
    assert list(cards.index) == ["Engineering", "Sales", "Finance", "Legal", "Data"]
    assert cards.loc["Data", "group"] == "Other teams"
    assert cards.loc["Sales", "progress"] == pytest.approx(5 / 12)
    assert cards.loc["Sales", "expected"] == pytest.approx(2 / 3)
    assert cards.loc["Sales", "worst_status"] == "off track"
    assert (cards.loc["Sales", "n_at_risk"], cards.loc["Sales", "n_off_track"]) == (1, 1)
    assert cards.loc["Engineering", "progress"] == pytest.approx(2 / 3)
    # The comment-only check-in of 10 May is older than S1-K1's of 20 May: 11 days before 31 May.
    assert cards.loc["Sales", "last_check_in"] == pd.Timestamp("2027-05-20")
    assert cards.loc["Sales", "check_in_age_days"] == 11
    assert cards.loc["Engineering", "check_in_age_days"] == 6
    assert math.isnan(cards.loc["Finance", "check_in_age_days"])
    assert math.isnan(cards.loc["Finance", "progress"]) and cards.loc["Finance", "kr_count"] == 0


def test_an_owner_filter_rolls_up_only_that_owners_krs(snapshot):
    ana = filter_snapshot(snapshot, None, "Ana")
    assert list(ana.krs["kr_id"]) == ["S1-K1"]
    assert list(ana.objectives["objective_id"]) == ["S1"]
    assert list(ana.teams["team"]) == ["Sales"]
    assert ana.teams.iloc[0]["progress"] == pytest.approx(0.5)
    assert ana.teams.iloc[0]["worst_status"] == "at risk"
    assert team_cards(ana).iloc[0]["check_in_age_days"] == 11


def test_status_counts_worst_first_without_zeros():
    row = {
        "n_overdue": 0,
        "n_off_track": 2,
        "n_at_risk": 0,
        "n_not_started": 1,
        "n_on_track": 5,
        "n_completed": 0,
        "n_cancelled": 1,
    }
    assert status_counts(row) == [("off track", 2), ("not started", 1), ("on track", 5), ("cancelled", 1)]


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "Last check-in today"),
        (1, "Last check-in yesterday"),
        (12, "Last check-in 12 days ago"),
        (1200, "Last check-in 1,200 days ago"),
        (float("nan"), "No check-ins yet"),
        (None, "No check-ins yet"),
    ],
)
def test_check_in_age_text(days, text):
    assert check_in_age_text(days) == text


def test_days_ago():
    assert [days_ago(d) for d in (0, 1, 3.0, float("nan"))] == ["today", "yesterday", "3 days ago", "never"]


def test_team_objectives_carry_their_context(snapshot):
    objectives = team_objectives(snapshot, TABLES["objectives"], "Sales")
    assert list(objectives["objective_id"]) == ["S1"]
    assert objectives.iloc[0]["context"] == "Why we sell more."
    assert objectives.iloc[0]["progress"] == pytest.approx(5 / 12)


def test_kr_trends_are_readings_up_to_the_as_of_date():
    trends = kr_trends(TABLES["check_ins"], ["E1-K1", "S1-K1", "S1-K2", "NO-CHECK-IN"], AS_OF)
    assert list(trends.index) == ["E1-K1", "S1-K1", "S1-K2", "NO-CHECK-IN"]
    assert trends["S1-K1"] == [20_000, 50_000]  # the 15 June reading is after the as-of date
    assert trends["S1-K2"] == [80]  # the comment-only check-in adds no point
    assert trends["E1-K1"] == pytest.approx([1 / 3, 2 / 3])
    assert trends["NO-CHECK-IN"] == []
    assert kr_trends(TABLES["check_ins"], ["S1-K1"], "2027-04-30")["S1-K1"] == [20_000]


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((1_250_000, "currency", "USD"), "$1,250,000"),
        ((-1_200, "currency", "$"), "-$1,200"),
        ((930_800.5, "currency", None), "$930,800.5"),
        ((5_000, "currency", "CHF"), "5,000 CHF"),
        ((82.5, "percent", "%"), "82.5%"),
        ((75.0, "percent", None), "75%"),
        ((1.0, "binary", None), "Yes"),
        ((0.0, "binary", None), "No"),
        ((None, "status", None, "Good progress"), "Good progress"),
        ((None, "status", None, None), "—"),
        ((12.0, "number", "AEs"), "12 AEs"),
        ((7.5, "number", "/10"), "7.5/10"),
        ((1234.567, "number", None), "1,234.57"),
        ((float("nan"), "number", "AEs"), "—"),
    ],
)
def test_format_kr_value(args, text):
    assert format_kr_value(*args) == text


def test_kr_review_rows(snapshot):
    rows = kr_review_rows(snapshot.krs, TABLES["check_ins"], AS_OF).set_index("kr_id")
    assert list(kr_review_rows(snapshot.krs, TABLES["check_ins"], AS_OF).columns) == list(KR_REVIEW_COLUMNS)
    assert rows.loc["S1-K1", "last_value"] == "$50,000"
    assert rows.loc["S1-K2", "last_value"] == "80 days"
    assert rows.loc["E1-K1", "last_value"] == "Good progress"
    assert rows.loc["S1-K1", "last_comment"] == "Two deals"
    assert rows.loc["S1-K2", "check_in_age_days"] == 21  # 10 May → 31 May
    assert rows.loc["S1-K2", "trend"] == [80]
    assert rows.loc["S1-K2", "status"] == "off track"


def test_kr_initiatives_by_kr_order_then_due_date():
    initiatives = table(
        INITIATIVES,
        [
            {"kr_id": "S1-K1", "title": "Undated", "owner": "Ana"},
            {"kr_id": "S1-K1", "title": "Later", "due_date": "2027-06-20"},
            {"kr_id": "S1-K1", "title": "Sooner", "due_date": "2027-06-01"},
            {"kr_id": "E1-K1", "title": "Other team"},
            {"kr_id": "S1-K2", "title": "Cycle review", "due_date": "2027-07-01"},
        ],
    )
    shown = kr_initiatives(initiatives, ["S1-K2", "S1-K1"])
    assert list(shown["title"]) == ["Cycle review", "Sooner", "Later", "Undated"]


def test_team_dependencies_both_ways(snapshot):
    sales = team_dependencies(TABLES["key_results"], snapshot.krs, "Sales")
    assert list(sales.needs.columns) == list(NEEDS_COLUMNS)
    assert list(sales.needed_by.columns) == list(NEEDED_BY_COLUMNS)
    # S1-K2 names its own team: no dependency. Names are matched ignoring case and spaces.
    assert sales.needs[["kr_id", "depends_on"]].values.tolist() == [["S1-K1", "Engineering; finance"]]
    assert sales.needed_by[["team", "kr_id"]].values.tolist() == [["Engineering", "E1-K1"]]

    engineering = team_dependencies(TABLES["key_results"], snapshot.krs, "engineering")
    assert engineering.needs[["kr_id", "depends_on"]].values.tolist() == [["E1-K1", "sales"]]
    assert engineering.needed_by[["team", "kr_id"]].values.tolist() == [["Sales", "S1-K1"]]

    finance = team_dependencies(TABLES["key_results"], snapshot.krs, "Finance")
    assert finance.needs.empty
    assert list(finance.needed_by["kr_id"]) == ["S1-K1"]


def test_team_cards_of_a_period_without_key_results_have_no_last_check_in():
    empty = review_snapshot(TABLES, "2026-01-31")  # no objective in force yet
    cards = team_cards(empty)
    assert len(cards) == len(TABLES["teams"]) and empty.krs.empty
    assert cards["last_check_in"].isna().all() and cards["check_in_age_days"].isna().all()
