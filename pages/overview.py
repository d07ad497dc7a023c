"""Company overview: the key results that need the room's attention first, then what changed since
the last review, this month's figures, ARR against plan, company objectives and every team, worst
first. Each section is one call of ui.overview or its own ui module."""

import streamlit as st

from analytics.exceptions import needs_attention
from analytics.overview import company_overview
from ui.bookings import bookings_vs_plan_section
from ui.context import tables
from ui.delivery_view import review_outlook
from ui.exceptions import needs_attention_section
from ui.filters import current_filters, current_review
from ui.overview import arr_charts, company_objectives, teams_by_severity, this_month
from ui.review_changes import changes_view, since_last_review
from ui.scale import many_teams

as_of = current_filters().as_of
review = current_review()
data = tables()
overview = company_overview(data, review)

st.title("Company overview")
st.caption(f"As of {as_of:%d %B %Y} · objectives in force at that date · change the date in the sidebar")

if review.krs.empty:
    st.info(
        f"No objectives are in force on {as_of:%d %B %Y}. Pick another as-of date in the sidebar, "
        "or load a workbook with `python -m loaders ingest FILE`."
    )
else:
    needs_attention_section(needs_attention(review.krs, as_of), overview.kr_count, many=many_teams(len(review.teams)))
    since_last_review(changes_view())

this_month(overview, review.company)
arr_charts(overview, as_of)
bookings_vs_plan_section(data, as_of)
review_outlook(data["headcount"], data["company_targets"], as_of)
company_objectives(review.company)
teams_by_severity(review)
