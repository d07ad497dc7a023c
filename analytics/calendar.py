"""The retro-planned OKR calendar of a quarter (DESIGN "How OKRs work"), and its iCalendar export.

Every milestone sits at a fixed offset in days from the first day of the quarter being planned,
so the calendar of any quarter is the same table shifted (MILESTONES). The offsets are in whole
weeks, so each milestone falls on the weekday the quarter starts on; no weekend shifting.

    milestone                 starts  days   why
    Kick-off                     -42     1   six weeks ahead: leaders brief their teams
    Drafting weeks               -41    14   two weeks: teams draft objectives, KRs and initiatives
    Silent review                -27     3   leaders read and comment on every draft, in writing
    Feedback week                -24     7   teams rework their drafts with the comments
    Send to chief of staff       -17     1   final drafts to the chief of staff, who checks them
    CEO 1:1s                     -16     7   each leader settles their OKRs with the CEO
    Entry in the tool             -9     7   OKRs entered (uploaded) and linted
    All-hands                      0     1   first day of the quarter: the OKRs are presented

The quarter's monthly reviews sit on its month-ends (the as-of date of each review); three working
days (Monday to Friday) before each, an "updates due" reminder asks every owner to check in, so
that the review reads fresh numbers (update health counts the 30 days before the review).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from analytics.periods import as_dates


@dataclass(frozen=True)
class Milestone:
    name: str
    offset_days: int  # first day, relative to the quarter start
    duration_days: int
    description: str


MILESTONES = (
    Milestone("Kick-off", -42, 1, "Leaders brief their teams on the company direction and the calendar"),
    Milestone("Drafting weeks", -41, 14, "Two weeks for teams to draft objectives, KRs and initiatives"),
    Milestone("Silent review", -27, 3, "Leaders read and comment on every draft, in writing"),
    Milestone("Feedback week", -24, 7, "Teams rework their drafts with the comments"),
    Milestone("Send to chief of staff", -17, 1, "Final drafts go to the chief of staff, who checks them"),
    Milestone("CEO 1:1s", -16, 7, "Each leader settles their OKRs with the CEO"),
    Milestone("Entry in the tool", -9, 7, "OKRs are entered in the OKR dashboard and pass the quality check"),
    Milestone("All-hands", 0, 1, "The quarter's OKRs are presented to the whole company"),
)
PLAN_COLUMNS = ("milestone", "start", "end", "days", "description")
UPDATES_DUE_WORKING_DAYS = 3
REVIEW_COLUMNS = ("review", "updates_due")
ICS_PRODUCT_ID = "-//OKR dashboard//Planning calendar//EN"
UID_DOMAIN = "okr-dashboard"


def next_quarter_start(as_of) -> dt.date:
    """The first day of the quarter after the one holding `as_of`."""
    as_of = as_dates(as_of)
    return (as_of.to_period("Q") + 1).start_time.date()


def quarter_label(quarter_start: dt.date) -> str:
    """ "2027-Q3" for a quarter starting on 1 July 2027; the date itself for any other start."""
    start = pd.Timestamp(quarter_start)
    if start.day == 1 and start.month in (1, 4, 7, 10):
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"quarter starting {start:%Y-%m-%d}"


def planning_calendar(quarter_start: dt.date) -> pd.DataFrame:
    """The milestones (PLAN_COLUMNS) of the quarter starting on `quarter_start`; `end` is the last
    day of the milestone (inclusive)."""
    start = pd.Timestamp(quarter_start)
    rows = [
        (
            m.name,
            start + pd.Timedelta(days=m.offset_days),
            start + pd.Timedelta(days=m.offset_days + m.duration_days - 1),
            m.duration_days,
            m.description,
        )
        for m in MILESTONES
    ]
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS))


def milestones_now(plan: pd.DataFrame, today) -> tuple[pd.DataFrame, pd.Series | None]:
    """The milestones under way on `today` (PLAN_COLUMNS rows), and the next one to start after
    it (None when every milestone has started)."""
    today = as_dates(today)
    current = plan[(plan["start"] <= today) & (today <= plan["end"])]
    upcoming = plan[plan["start"] > today].sort_values("start", kind="stable")
    return current, (upcoming.iloc[0] if not upcoming.empty else None)


def monthly_reviews(quarter_start: dt.date) -> pd.DataFrame:
    """The quarter's monthly reviews (REVIEW_COLUMNS): each month-end of the three months from
    `quarter_start`, and the day updates are due, three working days before it."""
    start = pd.Timestamp(quarter_start)
    reviews = pd.DatetimeIndex(
        [(start + pd.DateOffset(months=m)).to_period("M").end_time.normalize() for m in range(3)]
    )
    return pd.DataFrame({"review": reviews, "updates_due": reviews - pd.offsets.BDay(UPDATES_DUE_WORKING_DAYS)})


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def calendar_ics(plan: pd.DataFrame, quarter_start: dt.date, created: dt.datetime) -> bytes:
    """The plan as an iCalendar file (RFC 5545): one all-day event per milestone (DTSTART and the
    exclusive DTEND as dates), with a UID that stays the same for the same quarter and milestone,
    so importing an updated file replaces events instead of duplicating them. `created` is the
    DTSTAMP (UTC)."""
    from icalendar import Calendar, Event

    label = quarter_label(quarter_start)
    calendar = Calendar()
    calendar.add("prodid", ICS_PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"OKR planning {label}")
    stamp = created.astimezone(dt.UTC) if created.tzinfo else created.replace(tzinfo=dt.UTC)
    for row in plan.to_dict("records"):
        event = Event()
        event.add("uid", f"{pd.Timestamp(quarter_start):%Y%m%d}-{_slug(row['milestone'])}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("summary", f"OKR {label}: {row['milestone']}")
        event.add("description", row["description"])
        event.add("dtstart", row["start"].date())
        event.add("dtend", (row["end"] + pd.Timedelta(days=1)).date())
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    for row in monthly_reviews(quarter_start).to_dict("records"):
        event = Event()
        event.add("uid", f"{pd.Timestamp(quarter_start):%Y%m%d}-updates-due-{row['review']:%Y%m}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("summary", f"OKR {label}: updates due for the {row['review']:%B} review")
        event.add(
            "description",
            f"Check in every key result (value, confidence, comment) before the monthly "
            f"review of {row['review']:%A %d %B %Y}",
        )
        event.add("dtstart", row["updates_due"].date())
        event.add("dtend", (row["updates_due"] + pd.Timedelta(days=1)).date())
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
