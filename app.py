"""Router: the pages of the OKR dashboard and the controls they share."""

import streamlit as st

from store.access import MANAGE_ACCESS, refusal
from ui.auth import current_identity, identity_sidebar, sign_in_page
from ui.filters import review_filters

st.set_page_config(page_title="OKR dashboard", page_icon=":material/flag:", layout="wide")

pages = {
    "Monthly review": [
        st.Page("pages/overview.py", title="Company overview", icon=":material/monitoring:", default=True),
        st.Page("pages/teams.py", title="Teams", icon=":material/groups:"),
        st.Page("pages/team.py", title="Team", icon=":material/group:"),
        st.Page("pages/kr_types.py", title="KR types", icon=":material/category:"),
        st.Page("pages/due_dates.py", title="Due dates & overdue", icon=":material/event_busy:"),
        st.Page("pages/change_or_cancel.py", title="To change or cancel", icon=":material/rule:"),
        st.Page("pages/review_meeting.py", title="Review meeting", icon=":material/gavel:"),
        st.Page("pages/retrospective.py", title="Quarterly retrospective", icon=":material/history:"),
        st.Page("pages/presenter.py", title="Presenter mode", icon=":material/slideshow:"),
        st.Page("pages/review_pack.py", title="Review pack export", icon=":material/download:"),
    ],
    "Team leads": [
        st.Page("pages/upload.py", title="Upload progress", icon=":material/upload_file:"),
    ],
    "Planning": [
        st.Page("pages/quality.py", title="OKR quality check", icon=":material/fact_check:"),
        st.Page("pages/alignment.py", title="Alignment map", icon=":material/account_tree:"),
        st.Page("pages/calendar.py", title="Planning calendar", icon=":material/calendar_month:"),
        st.Page("pages/swot.py", title="SWOT", icon=":material/grid_view:"),
    ],
    "Growth targets": [
        st.Page("pages/backcalc.py", title="Back-calculation", icon=":material/calculate:"),
        st.Page("pages/delivery.py", title="Delivery capacity", icon=":material/engineering:"),
    ],
}
admin_pages = {
    "Administration": [st.Page("pages/access.py", title="Access", icon=":material/admin_panel_settings:")],
}
identity = current_identity()
if identity is None:  # sign-in is on and nobody is signed in: every page's address shows the sign-in screen
    st.navigation(
        [st.Page(sign_in_page, title="Sign in", default=True)]
        + [
            st.Page(sign_in_page, title=page.title, url_path=page.url_path)
            for section in (*pages.values(), *admin_pages.values())
            for page in section
            if page.url_path
        ],
        position="hidden",
    ).run()
    st.stop()
if refusal(identity, MANAGE_ACCESS) is None:
    pages.update(admin_pages)
page = st.navigation(pages, expanded=True)
review_filters()
identity_sidebar(identity)
page.run()
