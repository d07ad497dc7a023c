"""Due dates & overdue: when the review's KRs fall due, which are overdue and by how long, and which
teams leave most of their KRs to the last week of their period."""
import streamlit as st

from analytics.due_dates import (
    LAST_WEEK_DAYS,
    LAST_WEEK_SHARE_LIMIT,
    due_date_buckets,
    due_date_histogram,
    is_weekly,
    krs_due_between,
    last_week_clusters,
    overdue_krs,
    review_window,
    timeline_points,
)
from charts.due_dates import FLAG, due_date_heatmap_figure, due_date_timeline_figure
from ui.filters import current_filters, current_review
from ui.tables import DATE_FORMAT, WRAPPED_ROW_PX, key_result_column, table_height

filters = current_filters()
review = current_review()
start, end, period = review_window(filters.as_of, filters.period)
scope = f" · KRs owned by {filters.owner}" if filters.owner else ""

st.title("Due dates & overdue")
st.caption(f"As of {filters.as_of:%d %B %Y} · {period}: {start:%-d %b} – {end:%-d %b %Y}{scope} · "
           "cancelled KRs left out")

clusters = last_week_clusters(review.krs, review.objectives)
if clusters.empty:
    st.info("No key result matches the filters in the sidebar.")
    st.stop()

overdue = overdue_krs(review.krs)
flagged = clusters[clusters["flagged"]]
active_count = int(clusters["kr_count"].sum())

overdue_col, oldest_col, flagged_col = st.columns(3)
overdue_col.metric("Overdue KRs", f"{len(overdue):,} of {active_count:,}", border=True)
oldest_col.metric("Most days overdue", f"{overdue['days_overdue'].max():,} days" if len(overdue) else "none",
                  border=True)
flagged_col.metric(f"Teams with over {LAST_WEEK_SHARE_LIMIT:.0%} of KRs due in the last week",
                   f"{len(flagged):,} of {len(clusters):,}", border=True)

if not flagged.empty:
    st.warning(
        f"**{FLAG} KRs piled into the last week.** These teams have more than {LAST_WEEK_SHARE_LIMIT:.0%} of their "
        "key results due in the last week of their objective's period: nothing shows whether they are on "
        "course until it is too late to react. Ask for intermediate due dates.\n\n"
        + "\n".join(
            f"- **{row.team}**: {row.share * 100:.0f} % of KRs due in the last week of {row.periods} "
            f"({row.last_week_count:,} of {row.kr_count:,})"
            for row in flagged.itertuples(index=False)
        )
    )

teams = sorted(clusters["team"])
in_window = krs_due_between(review.krs, start, end)
st.plotly_chart(
    due_date_timeline_figure(timeline_points(in_window), teams, filters.as_of, start, end,
                             f"Key results by due date, {period}"),
    width="stretch",
)
outside = active_count - len(in_window)
if outside:
    st.caption(f"{outside:,} KRs fall due outside {period} (objectives of a longer period); the chart at the "
               "bottom counts them.")

st.subheader(f"Overdue key results: {len(overdue):,}", anchor=False)
if overdue.empty:
    st.success(f"No key result is past its due date on {filters.as_of:%d %B %Y}.")
else:
    st.dataframe(
        # Rows of two lines: long titles wrap instead of pushing the progress off a 1366-pixel screen.
        overdue.assign(progress=overdue["progress"] * 100), hide_index=True, width="stretch",
        height=table_height(len(overdue), row_px=WRAPPED_ROW_PX), row_height=WRAPPED_ROW_PX,
        column_config={
            "kr_id": st.column_config.TextColumn("KR"),
            "title": key_result_column(),
            "team": st.column_config.TextColumn("Team"),
            "owner": st.column_config.TextColumn("Owner"),
            "due_date": st.column_config.DateColumn("Due", format=DATE_FORMAT),
            "days_overdue": st.column_config.NumberColumn("Days overdue", format="%d days"),
            "progress": st.column_config.ProgressColumn("Progress", format="%.0f%%", min_value=0, max_value=100),
        },
    )

weekly = is_weekly(start, end)
histogram = due_date_histogram(review.krs, start, end)
st.plotly_chart(
    due_date_heatmap_figure(
        histogram, clusters, due_date_buckets(start, end)["label"].iloc[-1] if weekly else None,
        "Week starting" if weekly else "Month", f"Key results due per {'week' if weekly else 'month'}, by team",
    ),
    width="stretch",
)
st.caption(f"Beside each team: the share of its KRs due in the last {LAST_WEEK_DAYS} days of their objective's "
           f"period; {FLAG} marks the teams above {LAST_WEEK_SHARE_LIMIT:.0%}.")
