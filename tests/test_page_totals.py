"""Totals that differ between pages say why: the retrospective scores the quarter's KRs, fewer than the
KRs in force that the overview counts, and names the difference."""

from __future__ import annotations

from conftest import demo_sheets
from ui.text import total_with_reasons


def test_a_smaller_total_names_what_it_leaves_out():
    assert total_with_reasons(112, 121, "KRs", {"cancelled": 9}) == "112 of 121 KRs: 9 cancelled"
    assert total_with_reasons(110, 121, "KRs", {"completed": 11, "cancelled": 0}) == "110 of 121 KRs: 11 completed"
    assert total_with_reasons(121, 121, "KRs", {"cancelled": 0}) == "121 KRs"


def test_the_running_quarters_retrospective_says_why_it_counts_fewer_krs_than_the_overview(open_page):
    sheets = demo_sheets()
    periods = sheets["Objectives"].assign(period=lambda f: f["period"].astype(str)).set_index("objective_id")["period"]
    krs = sheets["KeyResults"].assign(period=lambda f: f["objective_id"].map(periods))
    quarter, year = int((krs["period"] == "2027-Q2").sum()), int((krs["period"] == "2027").sum())
    assert quarter and year  # the demo has both, so the note has something to say

    retrospective = open_page("pages/retrospective.py")
    retrospective.run()
    assert not retrospective.exception
    note = f"{quarter} of {quarter + year} KRs in force: {year} of yearly objectives, scored at the year's end"
    assert note in [caption.value for caption in retrospective.caption]
    overview = open_page("pages/overview.py")
    overview.run()
    assert any(m.value.endswith(f" of {quarter + year}") for m in overview.metric)  # the overview's total
