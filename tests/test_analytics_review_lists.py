"""The lists of the monthly review — KR types, due dates and overdue, the KRs to change or cancel —
on small hand-built KR frames whose expected values are worked out by hand in each test."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.change_or_cancel import LOW_CONFIDENCE_MAX, change_or_cancel_candidates, reason_counts
from analytics.due_dates import (
    due_date_buckets,
    due_date_histogram,
    is_weekly,
    krs_due_between,
    last_week_clusters,
    overdue_krs,
    review_window,
    timeline_points,
)
from analytics.kr_types import (
    NO_TYPE,
    kr_type_mix,
    objective_type_flags,
    objective_type_mix,
    progress_by_type,
)

AS_OF = pd.Timestamp("2027-05-31")
KR_DEFAULTS = {
    "objective_id": "O1",
    "team": "Sales",
    "title": "A key result",
    "kr_type": "outcome",
    "owner": "Ana",
    "status": "on track",
    "progress": 0.5,
    "expected": 0.5,
    "cancelled": False,
    "due_date": "2027-06-30",
    "days_overdue": 0,
    "stale": False,
    "last_date": "2027-05-31",
    "last_confidence": 7.0,
    "last_comment": None,
}


def krs(*rows: dict) -> pd.DataFrame:
    """Rows of kr_progress: each dict overrides KR_DEFAULTS; kr_id K1, K2, … unless given."""
    frame = pd.DataFrame([{**KR_DEFAULTS, "kr_id": f"K{i}", **row} for i, row in enumerate(rows, start=1)])
    for column in ("due_date", "last_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


OBJECTIVES = pd.DataFrame(
    {
        "objective_id": ["O1", "O2", "O3", "Y1"],
        "team": ["Sales", "Sales", "Data", "Sales"],
        "title": ["Grow pipeline", "Hire the team", "Trust the numbers", "Reach the ARR target"],
        "period": ["2027-Q2", "2027-Q2", "2027-Q2", "2027"],
    }
)


# ---------------------------------------------------------------------------------------- KR types


def test_type_mix_counts_each_type_per_team_leaving_cancelled_krs_out():
    frame = krs(
        {"team": "Sales", "kr_type": "outcome"},
        {"team": "Sales", "kr_type": " Input "},
        {"team": "Sales", "kr_type": "input"},
        {"team": "Data", "kr_type": "discovery"},
        {"team": "Data", "kr_type": "outcome", "cancelled": True},
    )
    mix = kr_type_mix(frame)
    assert list(mix.index) == ["Data", "Sales"]
    assert list(mix.columns) == ["discovery", "input", "output", "outcome", "total"]
    assert mix.loc["Sales"].to_dict() == {"discovery": 0, "input": 2, "output": 0, "outcome": 1, "total": 3}
    assert mix.loc["Data"].to_dict() == {"discovery": 1, "input": 0, "output": 0, "outcome": 0, "total": 1}


def test_a_kr_without_a_type_is_counted_under_no_type():
    mix = kr_type_mix(krs({"kr_type": None}, {"kr_type": "  "}, {"kr_type": "output"}))
    assert list(mix.columns) == ["discovery", "input", "output", "outcome", NO_TYPE, "total"]
    assert mix.loc["Sales", NO_TYPE] == 2
    assert mix.loc["Sales", "total"] == 3


def test_objective_flags_no_outcome_and_input_only():
    frame = krs(
        # O1 has an outcome KR: not flagged.
        {"objective_id": "O1", "kr_type": "outcome"},
        {"objective_id": "O1", "kr_type": "input"},
        # O2: inputs only, so also no outcome.
        {"objective_id": "O2", "kr_type": "input"},
        {"objective_id": "O2", "kr_type": "input"},
        # O3: an output and an outcome that was cancelled: no outcome left.
        {"objective_id": "O3", "team": "Data", "kr_type": "output"},
        {"objective_id": "O3", "team": "Data", "kr_type": "outcome", "cancelled": True},
    )
    flags = objective_type_flags(frame, OBJECTIVES)
    assert flags.to_dict("records") == [
        {
            "objective_id": "O3",
            "team": "Data",
            "title": "Trust the numbers",
            "kr_count": 1,
            "no_outcome": True,
            "input_only": False,
        },
        {
            "objective_id": "O2",
            "team": "Sales",
            "title": "Hire the team",
            "kr_count": 2,
            "no_outcome": True,
            "input_only": True,
        },
    ]


def test_objective_type_mix_has_titles_and_counts_by_team_then_objective():
    frame = krs(
        {"objective_id": "O2", "kr_type": "input"},
        {"objective_id": "O3", "team": "Data"},
        {"objective_id": "O1", "kr_type": "output"},
        {"objective_id": "O1"},
    )
    table = objective_type_mix(frame, OBJECTIVES)
    assert list(table["objective_id"]) == ["O3", "O1", "O2"]
    first = table.iloc[1]
    assert (first["title"], first["output"], first["outcome"], first["total"]) == ("Grow pipeline", 1, 1, 2)


def test_progress_by_type_is_the_plain_mean_per_type():
    frame = krs(
        {"kr_type": "outcome", "progress": 0.2, "expected": 0.6},
        {"kr_type": "outcome", "progress": 0.6, "expected": 0.8},
        {"kr_type": "discovery", "progress": 1.0, "expected": 0.9},
        {"kr_type": "discovery", "progress": 0.0, "expected": 0.1, "cancelled": True},
    )
    by_type = progress_by_type(frame).set_index("kr_type")
    assert list(by_type.index) == ["discovery", "outcome"]
    assert by_type.loc["outcome", "kr_count"] == 2
    assert by_type.loc["outcome", "progress"] == pytest.approx(0.4)
    assert by_type.loc["outcome", "expected"] == pytest.approx(0.7)
    assert by_type.loc["discovery", "progress"] == pytest.approx(1.0)


# --------------------------------------------------------------------------------------- due dates


def test_review_window_is_the_quarter_of_the_as_of_date_unless_a_period_is_chosen():
    assert review_window("2027-05-31") == (pd.Timestamp("2027-04-01"), pd.Timestamp("2027-06-30"), "2027-Q2")
    assert review_window("2027-05-31", "2027") == (pd.Timestamp("2027-01-01"), pd.Timestamp("2027-12-31"), "2027")


def test_overdue_krs_most_days_first_then_by_id():
    frame = krs(
        {"kr_id": "B", "status": "overdue", "days_overdue": 10},
        {"kr_id": "C", "status": "overdue", "days_overdue": 31},
        {"kr_id": "A", "status": "overdue", "days_overdue": 10},
        {"kr_id": "D", "status": "completed", "due_date": "2027-04-30"},
    )
    overdue = overdue_krs(frame)
    assert list(overdue["kr_id"]) == ["C", "A", "B"]
    assert list(overdue["days_overdue"]) == [31, 10, 10]


def test_quarter_weeks_are_counted_back_from_its_last_day():
    buckets = due_date_buckets("2027-04-01", "2027-06-30")  # 91 days: exactly 13 weeks
    assert len(buckets) == 13
    last_week = (buckets["first"].iloc[-1], buckets["last"].iloc[-1])
    assert last_week == (pd.Timestamp("2027-06-24"), pd.Timestamp("2027-06-30"))
    assert buckets["label"].iloc[-1] == "24 Jun"
    q1 = due_date_buckets("2027-01-01", "2027-03-31")  # 90 days: the first week has 6
    assert len(q1) == 13
    assert (q1["last"].iloc[0] - q1["first"].iloc[0]).days + 1 == 6
    assert q1["first"].iloc[-1] == pd.Timestamp("2027-03-25")


def test_a_year_is_cut_into_months():
    assert not is_weekly("2027-01-01", "2027-12-31")
    buckets = due_date_buckets("2027-01-01", "2027-12-31")
    assert list(buckets["label"])[:2] == ["Jan 2027", "Feb 2027"]
    assert buckets["last"].iloc[1] == pd.Timestamp("2027-02-28")
    assert len(buckets) == 12


def test_histogram_counts_per_team_and_week_with_before_and_after():
    frame = krs(
        {"team": "Sales", "due_date": "2027-06-30"},
        {"team": "Sales", "due_date": "2027-06-24"},
        {"team": "Sales", "due_date": "2027-06-23"},
        {"team": "Sales", "due_date": "2027-12-31"},
        {"team": "Data", "due_date": "2027-03-31"},
        {"team": "Data", "due_date": "2027-04-01"},
        {"team": "Data", "due_date": "2027-06-30", "cancelled": True},
    )
    histogram = due_date_histogram(frame, "2027-04-01", "2027-06-30")
    assert list(histogram.columns)[0] == "before 1 Apr"
    assert list(histogram.columns)[-1] == "after 30 Jun"
    assert histogram.loc["Sales", "24 Jun"] == 2
    assert histogram.loc["Sales", "17 Jun"] == 1
    assert histogram.loc["Sales", "after 30 Jun"] == 1
    assert histogram.loc["Data", "before 1 Apr"] == 1
    assert histogram.loc["Data", "1 Apr"] == 1
    assert histogram.sum(axis=1).to_dict() == {"Data": 2, "Sales": 4}


def test_no_before_or_after_column_when_every_kr_is_due_in_the_window():
    histogram = due_date_histogram(krs({"due_date": "2027-05-05"}), "2027-04-01", "2027-06-30")
    assert len(histogram.columns) == 13


def test_last_week_share_is_measured_against_the_period_of_each_krs_objective():
    frame = krs(
        # Sales: 3 of 4 in the last week of their period (Jun 24–30 for Q2, Dec 25–31 for the year).
        {"objective_id": "O1", "due_date": "2027-06-30"},
        {"objective_id": "O1", "due_date": "2027-06-24"},
        {"objective_id": "O1", "due_date": "2027-06-23"},
        {"objective_id": "Y1", "due_date": "2027-12-25"},
        # Data: 4 of 4.
        *({"objective_id": "O3", "team": "Data", "due_date": "2027-06-30"} for _ in range(4)),
    )
    clusters = last_week_clusters(frame, OBJECTIVES).set_index("team")
    assert list(clusters.index) == ["Data", "Sales"]
    assert clusters.loc["Sales", "kr_count"] == 4
    assert clusters.loc["Sales", "last_week_count"] == 3
    assert clusters.loc["Sales", "share"] == pytest.approx(0.75)
    assert clusters.loc["Sales", "periods"] == "2027, 2027-Q2"
    assert clusters.loc["Data", "share"] == 1.0
    assert clusters.loc["Data", "flagged"]
    assert clusters.loc["Sales", "flagged"]  # 3 of 4 is more than half


def test_timeline_points_share_a_day_worst_status_first():
    frame = krs(
        {"kr_id": "K1", "status": "on track"},
        {"kr_id": "K2", "status": "off track"},
        {"kr_id": "K3", "status": "on track", "due_date": "2027-06-11"},
        {"kr_id": "K4", "status": "completed", "cancelled": False},
    )
    points = timeline_points(krs_due_between(frame, "2027-04-01", "2027-06-30"))
    assert list(points["kr_id"]) == ["K3", "K2", "K1", "K4"]
    assert list(points["slot"]) == [0, 0, 1, 2]
    assert list(points["slots"]) == [1, 3, 3, 3]


def test_krs_due_between_includes_both_ends_and_leaves_cancelled_out():
    frame = krs(
        {"due_date": "2027-04-01"},
        {"due_date": "2027-06-30"},
        {"due_date": "2027-07-01"},
        {"due_date": "2027-05-01", "cancelled": True},
    )
    assert list(krs_due_between(frame, "2027-04-01", "2027-06-30")["kr_id"]) == ["K1", "K2"]


# -------------------------------------------------------------------------------- change or cancel


def test_candidates_with_their_reasons_worst_first():
    frame = krs(
        {"kr_id": "LOW", "status": "at risk", "last_confidence": 4.0, "expected": 0.6, "progress": 0.4},
        {"kr_id": "OFF", "status": "off track", "expected": 0.8, "progress": 0.3},
        {
            "kr_id": "OFF-WORSE",
            "status": "off track",
            "expected": 0.9,
            "progress": 0.1,
            "stale": True,
            "last_date": "2027-04-20",
            "last_confidence": 3.0,
        },
        {"kr_id": "STALE", "status": "on track", "stale": True, "last_date": "2027-04-23"},
        {"kr_id": "FINE", "status": "on track", "last_confidence": 5.0},
        {"kr_id": "NO-CONFIDENCE", "status": "on track", "last_confidence": None},
    )
    candidates = change_or_cancel_candidates(frame, AS_OF)
    assert list(candidates["kr_id"]) == ["OFF-WORSE", "OFF", "STALE", "LOW"]
    assert list(candidates["reasons"]) == [
        "off track · stale 41 days · confidence 3/10",
        "off track",
        "stale 38 days",
        "confidence 4/10",
    ]
    assert candidates.loc[1, "gap"] == pytest.approx(0.5)
    assert reason_counts(candidates) == {"off track": 2, "stale": 2, "low confidence": 2}


def test_krs_the_meeting_decided_about_leave_the_list():
    frame = krs(
        {"kr_id": "OFF", "status": "off track"},
        {"kr_id": "KEPT", "status": "off track"},
        {"kr_id": "LOW", "last_confidence": 2.0},
    )
    assert list(change_or_cancel_candidates(frame, AS_OF)["kr_id"]) == ["KEPT", "OFF", "LOW"]
    candidates = change_or_cancel_candidates(frame, AS_OF, decided=pd.Series(["KEPT", "ELSEWHERE"]))
    assert list(candidates["kr_id"]) == ["OFF", "LOW"]
    assert reason_counts(candidates) == {"off track": 1, "stale": 0, "low confidence": 1}


def test_confidence_threshold_is_inclusive():
    frame = krs({"last_confidence": float(LOW_CONFIDENCE_MAX)}, {"last_confidence": LOW_CONFIDENCE_MAX + 1.0})
    assert list(change_or_cancel_candidates(frame, AS_OF)["kr_id"]) == ["K1"]


def test_completed_and_cancelled_krs_are_not_listed_and_overdue_ones_only_when_stale_or_doubted():
    frame = krs(
        {"kr_id": "DONE", "status": "completed", "stale": True, "last_confidence": 2.0},
        {"kr_id": "GONE", "status": "cancelled", "cancelled": True, "last_confidence": 1.0},
        {"kr_id": "LATE", "status": "overdue", "progress": 0.0, "expected": 1.0},
        {"kr_id": "LATE-STALE", "status": "overdue", "stale": True, "last_date": "2027-04-22"},
    )
    candidates = change_or_cancel_candidates(frame, AS_OF)
    assert list(candidates["kr_id"]) == ["LATE-STALE"]
    assert candidates.loc[0, "reasons"] == "stale 39 days"
