"""Due dates & overdue: when the review's KRs fall due, which are overdue and by how long, and which
teams leave most of their KRs to the last week of their period. Above MANY_TEAMS teams the timeline
shows the worst teams, the heatmap the groups and the lists their worst rows, the rest one click away."""

import pandas as pd
import streamlit as st

from analytics.due_dates import (
    LAST_WEEK_DAYS,
    LAST_WEEK_SHARE_LIMIT,
    by_group,
    due_date_buckets,
    due_date_histogram,
    is_weekly,
    krs_due_between,
    last_week_clusters,
    overdue_krs,
    review_window,
    timeline_points,
    worst_teams,
)
from charts.due_dates import FLAG, due_date_heatmap_figure, due_date_timeline_figure
from ui.context import tables
from ui.filters import current_filters, current_review
from ui.scale import MANY_TEAMS, SCROLL_ROWS, SHOW_ALL_OVERDUE, WORST_ROWS, capped, many_teams, teams_without_krs
from ui.tables import DATE_FORMAT, WRAPPED_ROW_PX, key_result_column, table_height

filters = current_filters()
review = current_review()
start, end, period = review_window(filters.as_of, filters.period)
scope = f" · KRs owned by {filters.owner}" if filters.owner else ""

st.title("Due dates & overdue")
st.caption(
    f"As of {filters.as_of:%d %B %Y} · {period}: {start:%-d %b} – {end:%-d %b %Y}{scope} · cancelled KRs left out"
)

clusters = last_week_clusters(review.krs, review.objectives)
if clusters.empty:
    st.info("No key result matches the filters in the sidebar.")
    st.stop()

overdue = overdue_krs(review.krs)
flagged = clusters[clusters["flagged"]]
active_count = int(clusters["kr_count"].sum())

team_groups = tables()["teams"].set_index("team")["group"]
in_scope = pd.Series(filters.teams if filters.teams is not None else team_groups.index)
at_scale = many_teams(len(clusters))
idle = teams_without_krs(in_scope, clusters["team"])

overdue_col, oldest_col, flagged_col = st.columns(3)
overdue_col.metric("Overdue KRs", f"{len(overdue):,} of {active_count:,}", border=True)
oldest_col.metric(
    "Most days overdue", f"{overdue['days_overdue'].max():,} days" if len(overdue) else "none", border=True
)
flagged_col.metric(
    f"Teams with over {LAST_WEEK_SHARE_LIMIT:.0%} of KRs due in the last week",
    f"{len(flagged):,} of {len(clusters):,}",
    border=True,
)

if idle:
    st.caption(f"{idle:,} teams in the filters have no KR in force in the review: counted here, not listed.")


def flagged_lines(rows: pd.DataFrame) -> str:
    return "\n".join(
        f"- **{row.team}**: {row.share * 100:.0f} % of KRs due in the last week of {row.periods} "
        f"({row.last_week_count:,} of {row.kr_count:,})"
        for row in rows.itertuples(index=False)
    )


def warn_flagged() -> None:
    """The teams piling KRs into the last week: every one when few, else the worst and an expander."""
    shown = flagged.head(WORST_ROWS // 3) if at_scale else flagged
    more = f"\n\n… and {len(flagged) - len(shown):,} more teams (below)." if len(flagged) > len(shown) else ""
    st.warning(
        f"**{FLAG} KRs piled into the last week.** {'These' if not more else f'{len(flagged):,}'} teams have more "
        f"than {LAST_WEEK_SHARE_LIMIT:.0%} of their key results due in the last week of their objective's period: "
        "nothing shows whether they are on course until it is too late to react. Ask for intermediate due "
        "dates.\n\n" + flagged_lines(shown) + more
    )
    if more:
        with st.expander(
            f"Every team with over {LAST_WEEK_SHARE_LIMIT:.0%} of KRs due in the last week ({len(flagged):,})"
        ):
            st.markdown(flagged_lines(flagged))


if not flagged.empty:
    warn_flagged()

in_window = krs_due_between(review.krs, start, end)
teams = worst_teams(review.krs, WORST_ROWS) if at_scale else sorted(clusters["team"])
shown_teams = f"the {len(teams)} teams with most KRs overdue, then off track" if at_scale else ""
st.plotly_chart(
    due_date_timeline_figure(
        timeline_points(in_window[in_window["team"].isin(teams)]),
        teams,
        filters.as_of,
        start,
        end,
        f"Key results by due date, {period}" + (f": {shown_teams}" if at_scale else ""),
        axis_on_top=at_scale,
    ),
    width="stretch",
)
if at_scale:
    st.caption(
        f"{len(clusters):,} teams have KRs in force (over {MANY_TEAMS}): the timeline shows {shown_teams}. "
        "Choose a group or a team in the sidebar for theirs."
    )
outside = active_count - len(in_window)
if outside:
    st.caption(
        f"{outside:,} KRs fall due outside {period} (objectives of a longer period); the chart at the "
        "bottom counts them."
    )

st.subheader(f"Overdue key results: {len(overdue):,}", anchor=False)
if overdue.empty:
    st.success(f"No key result is past its due date on {filters.as_of:%d %B %Y}.")
else:
    listed = capped(overdue, SHOW_ALL_OVERDUE, "overdue KRs")
    st.dataframe(
        # Rows of two lines: long titles wrap instead of pushing the progress off a 1366-pixel screen.
        listed.assign(progress=listed["progress"] * 100),
        hide_index=True,
        width="stretch",
        height=table_height(len(listed), SCROLL_ROWS if at_scale else None, row_px=WRAPPED_ROW_PX),
        row_height=WRAPPED_ROW_PX,
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
rows, row_clusters = by_group(histogram, clusters, team_groups) if at_scale else (histogram, clusters)
row_name = "group" if at_scale else "team"
st.plotly_chart(
    due_date_heatmap_figure(
        rows,
        row_clusters,
        due_date_buckets(start, end)["label"].iloc[-1] if weekly else None,
        "Week starting" if weekly else "Month",
        f"Key results due per {'week' if weekly else 'month'}, by {row_name}",
    ),
    width="stretch",
)
st.caption(
    f"Beside each {row_name}: the share of its KRs due in the last {LAST_WEEK_DAYS} days of their "
    f"objective's period; {FLAG} marks the {row_name}s above {LAST_WEEK_SHARE_LIMIT:.0%}."
    + (" Choose a group in the sidebar for its teams." if at_scale else "")
)
