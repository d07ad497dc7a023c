"""The To change or cancel page on the demo data: the decision list against the KRs found stale or
low-confidence here from the workbook's check-in rows, and off track by the formulas worked out in
the overview's test, without the analytics package."""

from __future__ import annotations

import pandas as pd
import pytest
from test_page_due_dates import in_force_krs
from test_page_overview import hand_computed_progress

from analytics.change_or_cancel import LOW_CONFIDENCE_MAX
from conftest import DEMO_AS_OF, demo_sheets

AS_OF = pd.Timestamp(DEMO_AS_OF)
STALE_AFTER_DAYS = 30


def expected_reasons() -> dict[str, list[str]]:
    """kr_id → its reasons, for every in-force KR not completed that has one."""
    sheets = demo_sheets()
    statuses: dict[str, str] = {}
    hand_computed_progress(sheets, statuses)
    check_ins = sheets["CheckIns"].assign(date=lambda f: pd.to_datetime(f["date"]))
    check_ins = check_ins[check_ins["date"] <= AS_OF].sort_values("date", kind="stable")
    last_date = check_ins.groupby("kr_id")["date"].max()
    last_confidence = check_ins.dropna(subset=["confidence"]).groupby("kr_id")["confidence"].last()
    reasons = {}
    for kr_id in in_force_krs(sheets)["kr_id"]:
        if statuses[kr_id] == "completed":
            continue
        mine = []
        if statuses[kr_id] == "off track":
            mine.append("off track")
        if kr_id in last_date and (AS_OF - last_date[kr_id]).days > STALE_AFTER_DAYS:
            mine.append(f"stale {(AS_OF - last_date[kr_id]).days} days")
        if kr_id in last_confidence and last_confidence[kr_id] <= LOW_CONFIDENCE_MAX:
            mine.append(f"confidence {last_confidence[kr_id]:g}/10")
        if mine:
            reasons[kr_id] = mine
    return reasons


@pytest.fixture
def decisions(open_page):
    at = open_page("pages/change_or_cancel.py")
    at.run()
    assert not at.exception
    return at


def test_the_list_is_exactly_the_krs_off_track_stale_or_doubted_with_their_reasons(decisions):
    expected = expected_reasons()
    assert any(r[0].startswith("stale") for r in expected.values())  # each reason occurs in the demo
    assert any(r[0].startswith("confidence") for r in expected.values())
    table = decisions.dataframe[0].value
    assert dict(zip(table["kr_id"], table["reasons"])) == {k: " · ".join(r) for k, r in expected.items()}

    metrics = {m.label: m.value for m in decisions.metric}
    assert metrics["🔴 off track"] == str(sum(r[0] == "off track" for r in expected.values()))
    assert metrics["Stale (> 30 days)"] == str(sum(any(x.startswith("stale") for x in r) for r in expected.values()))
    assert metrics[f"Low confidence (≤ {LOW_CONFIDENCE_MAX}/10)"] == str(
        sum(any(x.startswith("confidence") for x in r) for r in expected.values())
    )


def test_worst_reason_first_then_largest_gap(decisions):
    table = decisions.dataframe[0].value
    rank = table["reasons"].map(lambda r: 0 if r.startswith("off track") else 1 if r.startswith("stale") else 2)
    assert rank.is_monotonic_increasing
    gap = (table["expected"] - table["progress"]).to_numpy()
    for reason in range(3):
        in_reason = gap[(rank == reason).to_numpy()]
        assert list(in_reason) == sorted(in_reason, reverse=True)


def table_ids(decisions) -> list[str]:
    return decisions.dataframe[0].value["kr_id"].tolist()


def test_each_row_shows_owner_last_check_in_and_comment_from_the_workbook(decisions):
    sheets = demo_sheets()
    check_ins = sheets["CheckIns"].assign(date=lambda f: pd.to_datetime(f["date"]))
    check_ins = check_ins[check_ins["date"] <= AS_OF].sort_values("date", kind="stable")
    # A KR off track without any check-in is listed too, with no last check-in.
    last = (
        check_ins.groupby("kr_id").agg(date=("date", "max"), comment=("comment", "last")).reindex(table_ids(decisions))
    )
    owners = sheets["KeyResults"].set_index("kr_id")["owner"]
    table = decisions.dataframe[0].value.set_index("kr_id")
    assert table["owner"].to_dict() == owners.loc[table.index].to_dict()
    # Written as text, "—" for a KR never checked in (never Streamlit's grey "None").
    assert table["last_date"].to_dict() == {
        kr_id: "—" if pd.isna(date) else f"{date.day} {date:%b %Y}" for kr_id, date in last["date"].items()
    }
    assert table["last_comment"].to_dict() == last["comment"].fillna("—").to_dict()
    assert last["date"].isna().any()


def test_the_open_total_says_why_it_differs_from_the_overview(decisions):
    sheets = demo_sheets()
    statuses: dict[str, str] = {}
    hand_computed_progress(sheets, statuses)
    in_force = list(in_force_krs(sheets)["kr_id"])
    completed = sum(statuses[k] == "completed" for k in in_force)
    cancelled = sum(statuses[k] == "cancelled" for k in in_force)
    open_krs = len(in_force) - completed - cancelled
    reasons = " · ".join(f"{n} {word}" for word, n in (("completed", completed), ("cancelled", cancelled)) if n)
    assert f"{open_krs} of {len(in_force)} KRs open: {reasons}" in [c.value for c in decisions.caption]
