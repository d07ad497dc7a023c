"""Planning calendar: the retro-planned milestones of the next quarter's OKRs, and an .ics export."""

import datetime as dt

import streamlit as st

from analytics.calendar import (
    calendar_ics,
    milestones_now,
    monthly_reviews,
    next_quarter_start,
    planning_calendar,
    quarter_label,
)
from charts.calendar import planning_timeline_figure
from ui.filters import current_filters

today = current_filters().as_of

st.title("Planning calendar")
st.caption(
    f"Today is the as-of date, {today:%d %B %Y} (change it in the sidebar) · every milestone is set back "
    "from the day the quarter starts"
)

input_col, download_col = st.columns([2, 1], vertical_alignment="bottom")
quarter_start = input_col.date_input(
    "Quarter starts on",
    value=next_quarter_start(today),
    format="YYYY-MM-DD",
    help="Defaults to the start of the quarter after the as-of date.",
)
label = quarter_label(quarter_start)
plan = planning_calendar(quarter_start)
download_col.download_button(
    "Download calendar (.ics)",
    data=calendar_ics(plan, quarter_start, dt.datetime.now(dt.UTC)),
    file_name=f"okr-planning-{quarter_start:%Y-%m-%d}.ics",
    mime="text/calendar",
    icon=":material/event:",
    width="stretch",
)

reviews = monthly_reviews(quarter_start)
download_col.caption(
    "Also in the file, three working days before each monthly review: updates due on "
    + ", ".join(f"{due:%a %d %b}" for due in reviews["updates_due"])
)

current, upcoming = milestones_now(plan, today)
now_col, next_col, start_col = st.columns(3)
now_col.metric(
    "Under way today",
    ", ".join(current["milestone"]) if not current.empty else "nothing",
    delta=f"until {current['end'].max():%a %d %b}" if not current.empty else None,
    delta_color="off",
    delta_arrow="off",
    border=True,
)
if upcoming is not None:
    next_col.metric(
        "Next milestone",
        upcoming["milestone"],
        delta=f"{upcoming['start']:%a %d %b}, in {(upcoming['start'].date() - today).days} days",
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
else:
    next_col.metric("Next milestone", "none left", border=True)
start_col.metric(
    f"{label} starts",
    f"{quarter_start:%d %b %Y}",
    delta=f"in {(quarter_start - today).days} days" if quarter_start >= today else "already started",
    delta_color="off",
    delta_arrow="off",
    border=True,
)

st.plotly_chart(planning_timeline_figure(plan, today, quarter_start, f"OKR planning for {label}"), width="stretch")

st.dataframe(
    plan,
    hide_index=True,
    width="stretch",
    column_config={
        "milestone": "Milestone",
        "start": st.column_config.DateColumn("From", format="ddd D MMM YYYY"),
        "end": st.column_config.DateColumn("To", format="ddd D MMM YYYY"),
        "days": st.column_config.NumberColumn("Days"),
        "description": "What happens",
    },
)
