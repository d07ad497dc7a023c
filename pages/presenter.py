"""Presenter mode for the shared screen: first what changed since the last review, then one team
per screen, large type, no sidebar, stepping with next/previous or advancing by itself."""

import time

import streamlit as st

from analytics.presenter import presenter_order, presenter_slide
from charts.team import kr_progress_figure
from charts.theme import STATUS_BADGES
from ui import state
from ui.filters import current_filters, current_review
from ui.review_changes import changes_view, since_last_review, with_forecast_columns

AUTO_ADVANCE_CHOICES = {
    "Auto-advance: off": None,
    "Auto-advance: every 30 s": 30,
    "Auto-advance: every 60 s": 60,
    "Auto-advance: every 2 min": 120,
}
FIGURE_HEIGHT = 700  # what is left of 1080 pixels under the header and the metrics
SUMMARY_HEIGHT = 640
SUMMARY_TITLE = "Since last review"

# Static styling only (no user text): the slide takes the whole screen and reads from afar.
st.html("""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"] {display: none;}
.block-container, [data-testid="stMainBlockContainer"] {padding: 1rem 2.5rem 0 2.5rem; max-width: 100%;}
[data-testid="stMetricValue"] {font-size: 3rem;}
[data-testid="stMetricLabel"] p {font-size: 1.4rem;}
h1 {font-size: 3rem !important; padding: 0 !important;}
</style>""")

review = current_review()
teams = presenter_order(review)
if not teams:
    st.info("No team has key results in this review. Change the filters on another page, then come back.")
    st.page_link("pages/overview.py", label="Back to the company overview", icon=":material/arrow_back:")
    st.stop()


slides = [None, *teams]  # the first screen is the summary of what changed since the last review


def step(offset: int) -> None:
    st.session_state[state.PRESENTER_INDEX] = (st.session_state.get(state.PRESENTER_INDEX, 0) + offset) % len(slides)
    st.session_state[state.PRESENTER_ADVANCED_AT] = time.monotonic()


_, auto_col, exit_col = st.columns([8, 2, 1], vertical_alignment="center")
auto = auto_col.selectbox(
    "Auto-advance", list(AUTO_ADVANCE_CHOICES), key=state.PRESENTER_AUTO, label_visibility="collapsed"
)
exit_col.page_link("pages/overview.py", label="Exit", icon=":material/close:")


@st.fragment(run_every=AUTO_ADVANCE_CHOICES[auto])
def slide() -> None:
    """One team; a fragment, so stepping and auto-advance redraw the slide alone."""
    seconds = AUTO_ADVANCE_CHOICES[st.session_state[state.PRESENTER_AUTO]]
    advanced_at = st.session_state.setdefault(state.PRESENTER_ADVANCED_AT, time.monotonic())
    if seconds and time.monotonic() - advanced_at >= seconds:
        step(1)
    previous_col, title_col, next_col = st.columns([1, 6, 1], vertical_alignment="center")
    previous_col.button("◀ Previous", on_click=step, args=(-1,), width="stretch")
    next_col.button("Next ▶", on_click=step, args=(1,), width="stretch")
    index = st.session_state.setdefault(state.PRESENTER_INDEX, 0) % len(slides)
    if slides[index] is None:
        title_col.title(SUMMARY_TITLE, anchor=False)
        st.caption(f"Then {len(teams)} teams, one per screen · as of {current_filters().as_of:%d %B %Y}")
        since_last_review(changes_view(), height=SUMMARY_HEIGHT, heading=False)
        return
    content = presenter_slide(review, slides[index])
    title_col.title(content.team, anchor=False)
    st.caption(
        f"Team {index} of {len(teams)} · {content.group or ''} · lead {content.lead or '—'} · "
        f"as of {current_filters().as_of:%d %B %Y}"
    )
    progress_col, status_col, behind_col, done_col = st.columns(4)
    progress_col.metric(
        "Progress",
        f"{content.progress:.0%}",
        delta=f"{content.progress - content.expected:+.0%} vs expected",
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
    krs = with_forecast_columns(content.krs, current_filters().as_of)
    figure = kr_progress_figure(krs, "Key results: progress vs expected by now")
    figure.update_layout(height=FIGURE_HEIGHT)
    st.plotly_chart(figure, width="stretch", config={"displayModeBar": False})


slide()
