"""Teams: one card per team, grouped, with progress against expected, worst status, KR counts by
status and the age of the last check-in; each card opens the team's page."""

import pandas as pd
import streamlit as st

from analytics.teams import check_in_age_text, status_counts, team_cards
from charts.team import pace_progress_figure
from charts.theme import STATUS_BADGES, gap_points
from ui.filters import current_filters, current_review
from ui.tables import table_height

CARDS_PER_ROW = 4
# More cards than a review reads: beyond this a table lists the teams and a group choice brings the cards back.
MAX_CARDS = 48

filters = current_filters()
review = current_review()
cards = team_cards(review)

st.title("Teams")
# Filters are kept while moving between pages: say so, since after opening a team this page
# would otherwise show a single card with no hint why.
scope = f" · {filters.team or filters.group} only (sidebar filter)" if filters.team or filters.group else ""
scope += f" · KRs owned by {filters.owner}" if filters.owner else ""
st.caption(f"As of {filters.as_of:%d %B %Y}{scope} · open a team for its objectives and key results")

if cards.empty:
    st.info("No team matches the filters in the sidebar.")

if len(cards) > MAX_CARDS:
    st.info(
        f"{len(cards)} teams: too many cards to read. Every team is in the table below; choose a group in "
        "the sidebar for its cards."
    )
    st.dataframe(
        cards.assign(
            progress=cards["progress"] * 100,
            expected=cards["expected"] * 100,
            worst_status=cards["worst_status"].map(STATUS_BADGES),
            last=[check_in_age_text(days) for days in cards["check_in_age_days"]],
        ),
        hide_index=True,
        width="stretch",
        height=table_height(len(cards), 20),
        column_order=[
            "group",
            "team",
            "lead",
            "progress",
            "expected",
            "worst_status",
            "n_off_track",
            "n_overdue",
            "kr_count",
            "last",
        ],
        column_config={
            "group": "Group",
            "team": "Team",
            "lead": "Lead",
            "progress": st.column_config.ProgressColumn("Progress", format="%.0f%%", min_value=0, max_value=100),
            "expected": st.column_config.NumberColumn("Expected", format="%.0f%%"),
            "worst_status": "Worst status",
            "n_off_track": "Off track",
            "n_overdue": "Overdue",
            "kr_count": "KRs",
            "last": "Last check-in",
        },
    )
    st.stop()

for group, in_group in cards.groupby("group", sort=False):
    st.header(group, divider="gray", anchor=False)
    rows = [in_group.iloc[i : i + CARDS_PER_ROW] for i in range(0, len(in_group), CARDS_PER_ROW)]
    for row in rows:
        for column, card in zip(st.columns(CARDS_PER_ROW), row.itertuples(index=False)):
            with column.container(border=True):
                st.subheader(card.team, anchor=False)
                st.markdown(f"Lead: **{card.lead}**" if isinstance(card.lead, str) else "No lead named")
                if pd.notna(card.progress):
                    st.metric(
                        "Progress",
                        f"{card.progress:.0%}",
                        delta=f"{gap_points(card.progress, card.expected, minus='-')} vs {card.expected:.0%} expected",
                    )
                    st.markdown(f"Worst: **{STATUS_BADGES[card.worst_status]}**")
                else:
                    st.markdown("No key results in progress")
                if card.kr_count:
                    # No-break spaces keep each "2 🔴 off track" whole when the line wraps.
                    counts = [f"{n} {STATUS_BADGES[status]}" for status, n in status_counts(card._asdict())]
                    st.markdown(" · ".join(count.replace(" ", "\u00a0") for count in counts))
                st.markdown(check_in_age_text(card.check_in_age_days))
                st.page_link(
                    "pages/team.py",
                    label=f"Open {card.team}",
                    icon=":material/arrow_forward:",
                    query_params={"team": card.team},
                )

with_progress = cards[cards["progress"].notna()]
if not with_progress.empty:
    st.plotly_chart(
        pace_progress_figure(with_progress, "team", "Teams: progress vs expected by now"),
        width="stretch",
    )
