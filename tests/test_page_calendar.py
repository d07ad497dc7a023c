"""The planning calendar page at the demo's as-of date (31 May 2027): Q3 2027 is planned."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from conftest import DEMO_AS_OF, chart_values, charts_by_title

# The milestone table of the method, offsets in days from the quarter start (written out here, not
# read from analytics.calendar, so that a changed offset fails this test).
EXPECTED = [
    ("Kick-off", -42, -42),
    ("Drafting weeks", -41, -28),
    ("Silent review", -27, -25),
    ("Feedback week", -24, -18),
    ("Send to chief of staff", -17, -17),
    ("CEO 1:1s", -16, -10),
    ("Entry in the tool", -9, -3),
    ("All-hands", 0, 0),
]


def expected_plan(quarter_start: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    return [
        (name, quarter_start + dt.timedelta(days=first), quarter_start + dt.timedelta(days=last))
        for name, first, last in EXPECTED
    ]


def shown_plan(at) -> list[tuple[str, dt.date, dt.date]]:
    table = at.dataframe[0].value
    return [
        (row["milestone"], pd.Timestamp(row["start"]).date(), pd.Timestamp(row["end"]).date())
        for row in table.to_dict("records")
    ]


def test_calendar_of_the_next_quarter_with_today_marked(open_page):
    at = open_page("pages/calendar.py")
    at.run()
    assert not at.exception
    q3 = dt.date(2027, 7, 1)
    assert at.date_input[0].value == q3
    plan = expected_plan(q3)
    assert shown_plan(at) == plan
    under_way = [name for name, start, end in plan if start <= DEMO_AS_OF <= end]
    upcoming = min((p for p in plan if p[1] > DEMO_AS_OF), key=lambda p: p[1])
    metrics = {m.label: m for m in at.metric}
    assert metrics["Under way today"].value == ", ".join(under_way) == "Drafting weeks"
    assert metrics["Next milestone"].value == upcoming[0]
    assert metrics["Next milestone"].delta == f"{upcoming[1]:%a %d %b}, in {(upcoming[1] - DEMO_AS_OF).days} days"
    assert metrics["2027-Q3 starts"].delta == f"in {(q3 - DEMO_AS_OF).days} days"

    figure = charts_by_title(at)["OKR planning for 2027-Q3"]
    bars = figure["data"][0]
    assert list(reversed(chart_values(bars["y"]))) == [name for name, _, _ in plan]
    assert [pd.Timestamp(b).date() for b in reversed(chart_values(bars["base"]))] == [start for _, start, _ in plan]
    today_lines = [s for s in figure["layout"]["shapes"] if pd.Timestamp(s["x0"]).date() == DEMO_AS_OF]
    assert len(today_lines) == 1
    assert any(a["text"] == f"Today ({DEMO_AS_OF:%d %b})" for a in figure["layout"]["annotations"])
    assert at.get("download_button")[0].proto.label == "Download calendar (.ics)"


def test_another_quarter_start_moves_every_milestone(open_page):
    at = open_page("pages/calendar.py")
    at.run()
    q4 = dt.date(2027, 10, 1)
    at.date_input[0].set_value(q4).run()
    assert not at.exception
    assert shown_plan(at) == expected_plan(q4)
    assert {m.label: m.value for m in at.metric}["Under way today"] == "nothing"
    figure = charts_by_title(at)["OKR planning for 2027-Q4"]
    # 31 May is more than 60 days before the Q4 kick-off (20 Aug): the plan keeps its own scale.
    assert not any(a["text"].startswith("Today") for a in figure["layout"]["annotations"])


def test_the_ics_reminds_of_updates_due_before_each_monthly_review(open_page):
    at = open_page("pages/calendar.py")
    at.run()
    assert not at.exception
    # Q3 2027 reviews on 31 July (Sat), 31 August (Tue), 30 September (Thu): three working days before.
    assert any("updates due on Wed 28 Jul, Thu 26 Aug, Mon 27 Sep" in c.value for c in at.caption)
