"""The retro-planned calendar and its .ics export, read back with the icalendar parser."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from icalendar import Calendar

from analytics.calendar import (
    MILESTONES,
    calendar_ics,
    milestones_now,
    monthly_reviews,
    next_quarter_start,
    planning_calendar,
    quarter_label,
)

Q3 = dt.date(2027, 7, 1)
CREATED = dt.datetime(2027, 5, 31, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "as_of, start",
    [
        ("2027-05-31", dt.date(2027, 7, 1)),
        ("2027-04-01", dt.date(2027, 7, 1)),
        ("2027-12-31", dt.date(2028, 1, 1)),
        ("2027-07-01", dt.date(2027, 10, 1)),
    ],
)
def test_next_quarter_start(as_of, start):
    assert next_quarter_start(as_of) == start


def test_quarter_label():
    assert quarter_label(Q3) == "2027-Q3"
    assert quarter_label(dt.date(2028, 1, 1)) == "2028-Q1"
    assert quarter_label(dt.date(2027, 7, 5)) == "quarter starting 2027-07-05"


def test_milestones_are_set_back_from_the_quarter_start():
    plan = planning_calendar(Q3).set_index("milestone")
    # Six weeks before 1 July 2027 is Thursday 20 May; drafting runs the two weeks after.
    assert plan.loc["Kick-off", "start"] == pd.Timestamp("2027-05-20")
    assert (plan.loc["Drafting weeks", "start"], plan.loc["Drafting weeks", "end"]) == (
        pd.Timestamp("2027-05-21"),
        pd.Timestamp("2027-06-03"),
    )
    assert plan.loc["Silent review", "start"] == pd.Timestamp("2027-06-04")
    assert plan.loc["All-hands", "start"] == plan.loc["All-hands", "end"] == pd.Timestamp("2027-07-01")
    assert list(plan.index) == [m.name for m in MILESTONES]
    # Milestones follow each other: each starts after the previous one's first day.
    assert plan["start"].is_monotonic_increasing


def test_milestones_now_and_next():
    plan = planning_calendar(Q3)
    current, upcoming = milestones_now(plan, "2027-05-31")
    assert current["milestone"].tolist() == ["Drafting weeks"]
    assert (upcoming["milestone"], upcoming["start"]) == ("Silent review", pd.Timestamp("2027-06-04"))
    current, upcoming = milestones_now(plan, "2027-07-02")
    assert current.empty and upcoming is None


def test_ics_parses_with_all_day_events_on_the_right_dates():
    plan = planning_calendar(Q3)
    parsed = Calendar.from_ical(calendar_ics(plan, Q3, CREATED))
    events = {str(e["summary"]): e for e in parsed.walk("VEVENT")}
    assert len(events) == len(MILESTONES) + 3  # and an "updates due" reminder before each monthly review
    kick_off = events["OKR 2027-Q3: Kick-off"]
    assert kick_off.decoded("dtstart") == dt.date(2027, 5, 20)
    assert kick_off.decoded("dtend") == dt.date(2027, 5, 21)  # exclusive: a one-day event
    drafting = events["OKR 2027-Q3: Drafting weeks"]
    assert (drafting.decoded("dtstart"), drafting.decoded("dtend")) == (dt.date(2027, 5, 21), dt.date(2027, 6, 4))
    assert events["OKR 2027-Q3: All-hands"].decoded("dtstart") == Q3
    assert all(type(e.decoded("dtstart")) is dt.date for e in events.values())  # dates, not date-times
    assert kick_off.decoded("dtstamp") == CREATED
    assert str(parsed["version"]) == "2.0" and "prodid" in parsed


def test_ics_uids_are_stable_and_unique_per_quarter_and_milestone():
    plan = planning_calendar(Q3)
    first = [str(e["uid"]) for e in Calendar.from_ical(calendar_ics(plan, Q3, CREATED)).walk("VEVENT")]
    later = [
        str(e["uid"]) for e in Calendar.from_ical(calendar_ics(plan, Q3, CREATED + dt.timedelta(days=3))).walk("VEVENT")
    ]
    assert first == later and len(set(first)) == len(first)
    assert first[0] == "20270701-kick-off@okr-dashboard"
    q4 = dt.date(2027, 10, 1)
    other = [str(e["uid"]) for e in Calendar.from_ical(calendar_ics(planning_calendar(q4), q4, CREATED)).walk("VEVENT")]
    assert not set(first) & set(other)


def test_ics_text_is_escaped_per_rfc_5545():
    plan = planning_calendar(Q3)
    plan.loc[0, "description"] = "Brief teams; agree scope, owners\\roles"
    raw = calendar_ics(plan, Q3, CREATED)
    assert b"Brief teams\\; agree scope\\, owners\\\\roles" in raw
    assert b"DTSTART;VALUE=DATE:20270520" in raw
    [event] = [e for e in Calendar.from_ical(raw).walk("VEVENT") if "Kick-off" in str(e["summary"])]
    assert str(event["description"]) == "Brief teams; agree scope, owners\\roles"


def test_updates_are_due_three_working_days_before_each_monthly_review():
    parsed = Calendar.from_ical(calendar_ics(planning_calendar(Q3), Q3, CREATED))
    due = {str(e["summary"]): e.decoded("dtstart") for e in parsed.walk("VEVENT") if "updates due" in str(e["summary"])}
    # Reviews on the month-ends of Q3 2027: Sat 31 July, Tue 31 August, Thu 30 September. Three
    # working days before: Wed 28 July, Thu 26 August, Mon 27 September.
    assert due == {
        "OKR 2027-Q3: updates due for the July review": dt.date(2027, 7, 28),
        "OKR 2027-Q3: updates due for the August review": dt.date(2027, 8, 26),
        "OKR 2027-Q3: updates due for the September review": dt.date(2027, 9, 27),
    }
    reviews = monthly_reviews(Q3)
    assert list(reviews["review"].dt.date) == [dt.date(2027, 7, 31), dt.date(2027, 8, 31), dt.date(2027, 9, 30)]
