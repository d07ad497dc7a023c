"""KR progress, expected progress, status and decisions (DESIGN "Formulas"), and the period helpers."""

import datetime as dt

import pandas as pd
import pytest

from analytics.periods import as_dates, last_month_end, month_end, period_bounds
from analytics.progress import KR_PROGRESS_COLUMNS, kr_progress, worst_status
from store.schema import CHECK_INS, DECISIONS_TABLE, KEY_RESULTS, OBJECTIVES

T = pd.Timestamp

OBJECTIVES_FRAME = pd.DataFrame(
    [{"objective_id": "O1", "period": "2027-Q2", "level": "team", "team": "Sales", "title": "Grow pipeline"}]
).reindex(columns=OBJECTIVES.column_names)

# 30 days from start to due: as of 2027-04-16 the KR should be half-way.
BASE_KR = {
    "kr_id": "K1",
    "objective_id": "O1",
    "title": "Reach 100 deals",
    "measure": "number",
    "start_value": 0.0,
    "target_value": 100.0,
    "direction": "increase",
    "weight": 1.0,
    "start_date": "2027-04-01",
    "due_date": "2027-05-01",
}


def table(schema, rows):
    return pd.DataFrame(rows).reindex(columns=schema.column_names)


def check_ins(*rows):
    """Check-ins of K1 as (date, value) or (date, value, status) tuples."""
    return table(
        CHECK_INS,
        [{"kr_id": "K1", "date": row[0], "value": row[1], "status": row[2] if len(row) > 2 else None} for row in rows],
    )


def measure(as_of, check_in_rows=(), decisions=(), **kr):
    """The kr_progress row of one KR (BASE_KR with `kr` overrides)."""
    frame = kr_progress(
        table(KEY_RESULTS, [{**BASE_KR, **kr}]),
        check_ins(*check_in_rows),
        OBJECTIVES_FRAME,
        as_of,
        table(DECISIONS_TABLE, list(decisions)),
    )
    assert len(frame) == 1
    return frame.iloc[0]


# --- progress formulas -------------------------------------------------------------------------


def test_increase():
    row = measure("2027-04-16", [("2027-04-10", 50)], target_value=200.0)
    assert row["raw_progress"] == pytest.approx(0.25)  # (50 − 0) / (200 − 0)
    assert row["progress"] == pytest.approx(0.25)


def test_decrease():
    row = measure("2027-04-16", [("2027-04-10", 90)], direction="decrease", start_value=100.0, target_value=60.0)
    assert row["raw_progress"] == pytest.approx(0.25)  # (100 − 90) / (100 − 60)


def test_overshoot_keeps_raw_and_clamps_progress():
    row = measure("2027-04-16", [("2027-04-10", 130)])
    assert row["raw_progress"] == pytest.approx(1.3)  # (130 − 0) / (100 − 0)
    assert row["progress"] == 1.0
    assert row["status"] == "completed"


def test_below_start_is_negative_raw_and_zero_progress():
    row = measure("2027-04-16", [("2027-04-10", 40)], start_value=50.0)
    assert row["raw_progress"] == pytest.approx(-0.2)  # (40 − 50) / (100 − 50)
    assert row["progress"] == 0.0


@pytest.mark.parametrize(
    ("direction", "value", "expected"),
    [
        ("stay_above", 96, 1.0),  # 96 ≥ 95 held
        ("stay_above", 95, 1.0),  # 95 ≥ 95 held on the line
        ("stay_above", 94, 0.0),  # 94 < 95 broken
        ("stay_below", 94, 1.0),  # 94 ≤ 95 held
        ("stay_below", 95, 1.0),  # 95 ≤ 95 held on the line
        ("stay_below", 96, 0.0),  # 96 > 95 broken
    ],
)
def test_stay_above_and_below(direction, value, expected):
    row = measure("2027-04-16", [("2027-04-10", value)], direction=direction, start_value=95.0, target_value=95.0)
    assert row["raw_progress"] == expected


@pytest.mark.parametrize(("value", "expected"), [(0, 0.0), (1, 1.0)])  # 0 = not done, 1 = done
def test_binary(value, expected):
    row = measure("2027-04-16", [("2027-04-10", value)], measure="binary", start_value=0.0, target_value=1.0)
    assert row["raw_progress"] == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Not started", 0.0),
        ("Early progress", 0.3333333333),
        ("Good progress", 0.6666666667),
        ("Completed", 1.0),
        ("GOOD PROGRESS", 0.6666666667),  # case-insensitive
        (" early progress ", 0.3333333333),  # surrounding spaces ignored
    ],
)
def test_status_measure(status, expected):
    row = measure("2027-04-16", [("2027-04-10", None, status)], measure="status", start_value=None, target_value=None)
    assert row["raw_progress"] == pytest.approx(expected)


def test_a_status_kr_without_numbers_or_check_ins_is_not_started():
    # Rows merged from an upload carry None, not NaN, in their empty number cells.
    row = measure("2027-04-03", [], measure="status", start_value=None, target_value=None)
    assert (row["status"], row["progress"]) == ("not started", 0.0)


def test_target_equal_to_start_is_reached_or_not():
    reached = measure("2027-04-16", [("2027-04-10", 100)], start_value=100.0, target_value=100.0)
    missed = measure("2027-04-16", [("2027-04-10", 99)], start_value=100.0, target_value=100.0)
    assert (reached["raw_progress"], missed["raw_progress"]) == (1.0, 0.0)


# --- check-ins ---------------------------------------------------------------------------------


def test_no_check_in_is_not_started_with_zero_progress_while_within_the_on_track_band():
    row = measure("2027-04-04")  # expected 3/30 = 0.10
    assert row["status"] == "not started"
    assert (row["raw_progress"], row["progress"]) == (0.0, 0.0)
    assert pd.isna(row["last_date"])
    assert not row["stale"] and not row["no_check_in"]


@pytest.mark.parametrize("as_of, status", [("2027-04-05", "at risk"), ("2027-04-09", "off track")])
def test_no_check_in_beyond_the_band_is_paced_at_zero_and_flagged(as_of, status):
    row = measure(as_of)  # expected 4/30 = 0.13 (gap ≤ 0.25), then 8/30 = 0.27
    assert (row["status"], row["progress"]) == (status, 0.0)
    assert row["no_check_in"] and not row["stale"]


def test_a_completed_kr_is_never_stale():
    row = measure("2027-04-30", [("2027-03-20", 100)])
    assert (row["status"], row["stale"]) == ("completed", False)


def test_check_ins_after_as_of_are_ignored():
    row = measure("2027-04-16", [("2027-04-10", 20), ("2027-04-20", 90)])
    assert row["last_date"] == T("2027-04-10")
    assert row["last_value"] == 20
    assert row["progress"] == pytest.approx(0.2)  # 20 / 100


def test_check_in_on_the_as_of_date_counts():
    row = measure("2027-04-16", [("2027-04-10", 20), ("2027-04-16", 50)])
    assert row["progress"] == pytest.approx(0.5)  # 50 / 100


def test_only_check_ins_after_as_of_means_not_started():
    row = measure("2027-04-03", [("2027-04-20", 90)])
    assert row["status"] == "not started"
    assert row["progress"] == 0.0


def test_latest_check_in_wins_whatever_the_input_order():
    row = measure("2027-04-16", [("2027-04-12", 30), ("2027-04-02", 10), ("2027-04-08", 20)])
    assert (row["last_date"], row["last_value"]) == (T("2027-04-12"), 30)


def test_comment_only_check_in_moves_last_date_and_keeps_reading():
    rows = table(
        CHECK_INS,
        [
            {"kr_id": "K1", "date": "2027-04-05", "value": 40, "comment": "on plan"},
            {"kr_id": "K1", "date": "2027-04-12", "comment": "waiting on legal"},
        ],
    )
    frame = kr_progress(table(KEY_RESULTS, [BASE_KR]), rows, OBJECTIVES_FRAME, "2027-04-16")
    row = frame.iloc[0]
    assert row["last_date"] == T("2027-04-12")
    assert row["last_value"] == 40
    assert row["last_comment"] == "waiting on legal"
    assert row["progress"] == pytest.approx(0.4)  # 40 / 100


@pytest.mark.parametrize(
    ("as_of", "stale"),
    [
        ("2027-05-31", True),  # 2027-04-30 → 2027-05-31 is 31 days
        ("2027-05-30", False),  # 30 days is not more than 30
    ],
)
def test_stale_after_more_than_30_days(as_of, stale):
    row = measure(as_of, [("2027-04-30", 50)], due_date="2027-06-30")
    assert row["stale"] == stale


# --- status ------------------------------------------------------------------------------------


def test_completed_takes_precedence_over_overdue():
    row = measure("2027-05-10", [("2027-04-28", 100)])
    assert row["status"] == "completed"
    assert row["days_overdue"] == 0


def test_overdue_when_past_due_and_not_complete():
    row = measure("2027-05-10", [("2027-04-28", 90)])
    assert row["status"] == "overdue"
    assert row["days_overdue"] == 9  # 2027-05-10 − 2027-05-01


def test_not_overdue_on_the_due_date():
    row = measure("2027-05-01", [("2027-04-28", 95)])
    assert row["status"] == "on track"  # expected 1, gap 1 − 0.95 = 0.05


def test_overdue_takes_precedence_over_not_started():
    assert measure("2027-05-02")["status"] == "overdue"


# Start 2027-04-01, due 2027-05-11 (40 days). As of 04-17 expected = 16/40 = 0.4; as of 04-23
# expected = 22/40 = 0.55. In floating point 0.4 − 0.3 and 0.55 − 0.30 land just above 0.10 and 0.25.
@pytest.mark.parametrize(
    ("as_of", "value", "status"),
    [
        ("2027-04-17", 30, "on track"),  # gap 0.40 − 0.30 = 0.10
        ("2027-04-17", 29, "at risk"),  # gap 0.40 − 0.29 = 0.11
        ("2027-04-23", 30, "at risk"),  # gap 0.55 − 0.30 = 0.25
        ("2027-04-23", 29, "off track"),  # gap 0.55 − 0.29 = 0.26
        ("2027-04-17", 50, "on track"),  # gap 0.40 − 0.50 = −0.10 (ahead)
    ],
)
def test_gap_thresholds(as_of, value, status):
    row = measure(as_of, [("2027-04-10", value)], due_date="2027-05-11")
    assert row["status"] == status


# --- expected progress -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2027-03-20", 0.0),  # before the start
        ("2027-04-01", 0.0),  # on the start date
        ("2027-04-16", 0.5),  # 15 of 30 days
        ("2027-05-01", 1.0),  # on the due date
        ("2027-06-15", 1.0),  # after the due date
    ],
)
def test_expected_progress(as_of, expected):
    assert measure(as_of)["expected"] == pytest.approx(expected)


def test_missing_start_date_uses_the_objective_period_start():
    row = measure("2027-04-16", start_date=None)
    assert row["start_date"] == T("2027-04-01")  # 2027-Q2 starts on April 1
    assert row["expected"] == pytest.approx(0.5)  # 15 of 30 days


# --- decisions ---------------------------------------------------------------------------------

CHANGE_TO_50 = {"kr_id": "K1", "date": "2027-04-20", "decision": "change", "new_target_value": 50.0}


def test_change_measures_against_the_old_target_before_its_date():
    row = measure("2027-04-19", [("2027-04-15", 30)], [CHANGE_TO_50])
    assert row["target_value"] == 100.0
    assert row["progress"] == pytest.approx(0.3)  # 30 / 100


def test_change_measures_against_the_new_target_from_its_date():
    row = measure("2027-04-20", [("2027-04-15", 30)], [CHANGE_TO_50])
    assert (row["target_value"], row["original_target_value"]) == (50.0, 100.0)
    assert row["progress"] == pytest.approx(0.6)  # 30 / 50


def test_change_of_due_date_only_keeps_the_target():
    move_due = {"kr_id": "K1", "date": "2027-04-10", "decision": "change", "new_due_date": "2027-05-31"}
    row = measure("2027-04-20", [("2027-04-15", 30)], [CHANGE_TO_50, move_due])
    assert (row["target_value"], row["due_date"]) == (50.0, T("2027-05-31"))
    assert row["original_due_date"] == T("2027-05-01")
    assert row["expected"] == pytest.approx(0.3166666667)  # 19 of 60 days from 04-01 to 05-31


def test_later_change_wins():
    second = {**CHANGE_TO_50, "date": "2027-04-25", "new_target_value": 40.0}
    row = measure("2027-04-26", [("2027-04-15", 30)], [second, CHANGE_TO_50])
    assert row["progress"] == pytest.approx(0.75)  # 30 / 40


def test_cancel_applies_from_its_date():
    cancel = {"kr_id": "K1", "date": "2027-04-20", "decision": "Cancel"}
    before = measure("2027-04-19", [("2027-04-15", 30)], [cancel])
    after = measure("2027-04-20", [("2027-04-15", 30)], [cancel])
    assert (before["cancelled"], before["status"]) == (False, "off track")  # gap 18/30 − 30/100 = 0.3
    assert (after["cancelled"], after["status"]) == (True, "cancelled")


# --- whole frame -------------------------------------------------------------------------------


def test_frame_shape_order_and_team():
    krs = table(KEY_RESULTS, [{**BASE_KR, "kr_id": "K2"}, BASE_KR, {**BASE_KR, "kr_id": "K3", "weight": None}])
    frame = kr_progress(krs, check_ins(("2027-04-10", 50)), OBJECTIVES_FRAME, "2027-04-16")
    assert list(frame.columns) == list(KR_PROGRESS_COLUMNS)
    assert list(frame["kr_id"]) == ["K2", "K1", "K3"]
    assert list(frame["team"]) == ["Sales"] * 3
    assert list(frame["status"]) == ["off track", "on track", "off track"]  # expected 0.5, no check-in
    assert list(frame["no_check_in"]) == [True, False, True]
    assert list(frame["weight"]) == [1.0, 1.0, 1.0]  # an empty weight defaults to 1


def test_dates_as_python_dates_strings_and_datetime64_agree():
    krs = table(KEY_RESULTS, [{**BASE_KR, "start_date": dt.date(2027, 4, 1), "due_date": T("2027-05-01")}])
    ci = check_ins((dt.date(2027, 4, 10), 50))
    frame = kr_progress(krs, ci, OBJECTIVES_FRAME, dt.date(2027, 4, 16))
    assert frame.iloc[0]["expected"] == pytest.approx(0.5)
    assert frame.iloc[0]["last_date"] == T("2027-04-10")


def test_worst_status_ignores_cancelled():
    assert worst_status(["on track", "cancelled", "at risk", "completed"]) == "at risk"
    assert worst_status(["completed", "overdue", "off track"]) == "overdue"
    assert worst_status(["cancelled"]) is None
    assert worst_status([]) is None


# --- periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "bounds"),
    [
        ("2027-Q2", (T("2027-04-01"), T("2027-06-30"))),
        ("2027", (T("2027-01-01"), T("2027-12-31"))),
        ("2027-05", (T("2027-05-01"), T("2027-05-31"))),
        ("2028-02", (T("2028-02-01"), T("2028-02-29"))),  # leap year
    ],
)
def test_period_bounds(period, bounds):
    assert period_bounds(period) == bounds


@pytest.mark.parametrize("period", ["2027-Q5", "2027-13", "Q2 2027", "27", ""])
def test_period_bounds_rejects_other_text(period):
    with pytest.raises(ValueError, match="period"):
        period_bounds(period)


def test_month_ends():
    assert month_end("2027-02-03") == T("2027-02-28")
    assert last_month_end("2026-11-23") == T("2026-10-31")
    assert last_month_end(dt.date(2026, 10, 31)) == T("2026-10-31")


def test_as_dates_normalises_to_midnight():
    assert as_dates("2027-04-10T15:30") == T("2027-04-10")
    assert pd.isna(as_dates(None))
