"""Presenter mode for the shared screen: first what changed since the last review, then one team
per screen (a team with many key results over several: "Engineering 1/2"), large type that fits the
window without scrolling, stepping with next/previous, a clicker's keys, or advancing by itself."""

import time

import streamlit as st

from analytics.presenter import presenter_order, presenter_screens, presenter_slide, screen_krs
from charts.theme import STATUS_BADGES, gap_points
from ui import state
from ui.filters import current_filters, current_review
from ui.presenter import STYLE, clicker_keys, kr_lines
from ui.review_changes import changes_view, since_last_review

AUTO_ADVANCE_CHOICES = {
    "Auto-advance: off": None,
    "Auto-advance: every 30 s": 30,
    "Auto-advance: every 60 s": 60,
    "Auto-advance: every 2 min": 120,
}
# With auto-advance on, the slide looks every few seconds whether its time is up, so that a screen
# reached by hand stays its full time and no longer.
AUTO_ADVANCE_CHECK_S = 5
SUMMARY_HEIGHT = 520  # the moves chart under the header, within a 1366×768 window
SUMMARY_TITLE = "Since last review"

st.html(STYLE)

review = current_review()
teams = presenter_order(review)
if not teams:
    st.info("No team has key results in this review. Change the filters on another page, then come back.")
    st.page_link("pages/overview.py", label="Back to the company overview", icon=":material/arrow_back:")
    st.stop()


slides = [None, *presenter_screens(review)]  # the first screen is the summary of what changed since the last review


def step(offset: int) -> None:
    st.session_state[state.PRESENTER_INDEX] = (st.session_state.get(state.PRESENTER_INDEX, 0) + offset) % len(slides)
    st.session_state[state.PRESENTER_ADVANCED_AT] = time.monotonic()


keys_col, auto_col, exit_col = st.columns([8, 2, 1], vertical_alignment="center")
with keys_col:
    clicker_keys()
auto = auto_col.selectbox(
    "Auto-advance", list(AUTO_ADVANCE_CHOICES), key=state.PRESENTER_AUTO, label_visibility="collapsed"
)
exit_col.page_link("pages/overview.py", label="Exit", icon=":material/close:")


@st.fragment(run_every=AUTO_ADVANCE_CHECK_S if AUTO_ADVANCE_CHOICES[auto] else None)
def slide() -> None:
    """One screen; a fragment, so stepping and auto-advance redraw the slide alone."""
    seconds = AUTO_ADVANCE_CHOICES[st.session_state[state.PRESENTER_AUTO]]
    advanced_at = st.session_state.setdefault(state.PRESENTER_ADVANCED_AT, time.monotonic())
    if seconds and time.monotonic() - advanced_at >= seconds:
        step(1)
    previous_col, title_col, next_col = st.columns([1, 6, 1], vertical_alignment="center")
    previous_col.button("◀ Previous", on_click=step, args=(-1,), width="stretch", key=state.PRESENTER_PREVIOUS)
    next_col.button("Next ▶", on_click=step, args=(1,), width="stretch", key=state.PRESENTER_NEXT)
    index = st.session_state.setdefault(state.PRESENTER_INDEX, 0) % len(slides)
    as_of = current_filters().as_of
    screen = slides[index]
    if screen is None:
        title_col.title(SUMMARY_TITLE, anchor=False)
        st.caption(f"Then {len(teams)} teams over {len(slides) - 1} screens · as of {as_of:%d %B %Y}")
        since_last_review(changes_view(), height=SUMMARY_HEIGHT, heading=False)
        return
    content = presenter_slide(review, screen.team)
    title_col.title(screen.title, anchor=False)
    st.caption(
        f"Screen {index} of {len(slides) - 1} · team {teams.index(screen.team) + 1} of {len(teams)} · "
        f"{content.group or 'no group'} · lead {content.lead or '—'} · as of {as_of:%d %B %Y}"
    )
    progress_col, status_col, behind_col, done_col = st.columns(4)
    progress_col.metric(
        "Progress",
        f"{content.progress:.0%}",
        delta=f"{gap_points(content.progress, content.expected, minus='-')} vs expected",
        border=True,
    )
    status_col.metric("Worst status", STATUS_BADGES.get(content.worst_status, "—"), border=True)
    behind_col.metric(
        "Off track or overdue",
        f"{content.behind} of {content.kr_count}",
        delta=f"{content.at_risk} at risk",
        delta_color="off",
        border=True,
    )
    done_col.metric("Completed or on track", f"{content.fine} of {content.kr_count}", border=True)
    kr_lines(screen_krs(content.krs, screen), as_of)


slide()
