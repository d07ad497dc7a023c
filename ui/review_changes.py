"""The review's story on screen: "Since last review" (Company overview, presenter mode), forecasts
(Team page) and the missing updates (Review meeting). Figures from charts.changes, numbers from
analytics.changes / forecast / health, cached per data version like the snapshot."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics.changes import ReviewChanges, filter_changes, largest_moves, review_changes
from analytics.forecast import forecast_text, with_forecasts
from analytics.health import UpdateHealth, update_health
from analytics.periods import as_dates
from charts.changes import health_figure, kr_trends_figure, moves_figure
from charts.theme import STATUS_BADGES
from store.database import database_target
from ui.context import data_version, snapshot, tables
from ui.filters import ReviewFilters, current_filters, current_review
from ui.tables import key_result_column, table_height, with_missing_shown

SINCE_KEY = "since_last_review"  # the container's key: its CSS class scopes the large type
MOVES_HEIGHT = 560

# Static styling only (no user text): the summary reads from across the room.
_LARGE_TYPE = f"""<style>
.st-key-{SINCE_KEY} [data-testid="stMarkdownContainer"] p {{font-size: 1.3rem;}}
.st-key-{SINCE_KEY} [data-testid="stCaptionContainer"] p {{font-size: 1.15rem;}}
.st-key-{SINCE_KEY} [data-testid="stMetricValue"],
.st-key-{SINCE_KEY} [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {{font-size: 3.2rem;
  line-height: 1.1;}}
.st-key-{SINCE_KEY} [data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p {{font-size: 1.35rem;}}
.st-key-{SINCE_KEY} h2 {{font-size: 2.4rem; padding-top: 0;}}
</style>"""


@st.cache_data(show_spinner="Comparing with the last review…", max_entries=16)
def _changes(target: str, version: int, as_of: dt.date, period: str | None, _tables, _now) -> ReviewChanges:
    return review_changes(_tables, as_of, period=period, now=_now)


def changes_view(filters: ReviewFilters | None = None) -> ReviewChanges:
    """The changes since the previous review of the KRs under the sidebar's filters."""
    filters = filters or current_filters()
    whole = _changes(
        database_target(),
        data_version(),
        filters.as_of,
        filters.period,
        tables(),
        snapshot(filters.as_of, filters.period),
    )
    return filter_changes(whole, list(filters.teams) if filters.teams is not None else None, filters.owner)


def health_view() -> UpdateHealth:
    """Update health of the KRs under the sidebar's filters."""
    review = current_review()
    return update_health(review.krs, review.as_of)


def moves_title(changes: ReviewChanges) -> str:
    return f"Largest moves since {changes.since:%d %B}, in points of progress"


def since_last_review(changes: ReviewChanges, height: int = MOVES_HEIGHT, heading: bool = True) -> None:
    """The summary: counts of newly overdue / completed / off track and recovered beside a diverging
    bar of the five largest moves each way, and the teams that moved most."""
    st.html(_LARGE_TYPE)
    with st.container(key=SINCE_KEY):
        if heading:
            st.header("Since last review", anchor=False)
        st.caption(
            f"{changes.since:%d %B %Y} → {changes.as_of:%d %B %Y} · every KR measured at both dates · "
            "KRs whose objectives started since count as new"
        )
        counts_col, chart_col = st.columns([1, 2.2], vertical_alignment="top")
        with counts_col:
            first, second = st.columns(2)
            first.metric("Newly overdue", changes.count("newly_overdue"), border=True)
            second.metric("Newly completed", changes.count("newly_completed"), border=True)
            first.metric("Newly off track", changes.count("newly_off_track"), border=True)
            second.metric(
                "Recovered",
                changes.count("recovered"),
                border=True,
                help="Off track, at risk or overdue then; on track or completed now",
            )
            st.markdown(moved_most("Teams", changes.teams, lambda t: f"**{t.team}**"))
            st.markdown(moved_most("Objectives", changes.objectives, lambda o: f"**{o.objective_id}** ({o.team})"))
        ups, downs = largest_moves(changes.krs)
        with chart_col:
            if ups.empty and downs.empty:
                st.info(f"No key result in view has moved since {changes.since:%d %B %Y}.")
            else:
                st.plotly_chart(
                    moves_figure(ups, downs, moves_title(changes), height=height),
                    width="stretch",
                    config={"displayModeBar": False},
                )


def moved_most(what: str, moves: pd.DataFrame, name, n: int = 3) -> str:
    """ "Teams that moved most: **Sales** +22 pts · …" (the n largest rises, then falls), or "" if none moved."""
    ups, downs = largest_moves(moves, n)
    moved = [f"{name(row)} {row.delta * 100:+.0f} pts" for row in (*ups.itertuples(), *downs.itertuples())]
    return f"{what} that moved most: " + " · ".join(moved) if moved else ""


def with_forecast_columns(krs: pd.DataFrame, as_of) -> pd.DataFrame:
    """KR rows with the forecast columns (analytics.forecast) and its text for tables."""
    frame = with_forecasts(krs, tables()["check_ins"], as_of)
    return frame.assign(forecast=[forecast_text(row) for row in frame.to_dict("records")])


def readings_of(kr_ids, as_of) -> pd.DataFrame:
    check_ins = tables()["check_ins"]
    mine = check_ins[check_ins["kr_id"].isin(list(kr_ids))]
    mine = mine.assign(date=as_dates(mine["date"]))
    return mine[(mine["date"] <= as_dates(as_of)) & mine["value"].notna()][["kr_id", "date", "value"]]


def trends_to_due_date(krs: pd.DataFrame, as_of, objective_id: str) -> None:
    """An expander with each numeric KR's readings and the dotted forecast line to its due date."""
    numeric = krs[krs["forecast_reason"].ne("no forecast for a binary or status KR")]
    if numeric.empty:
        return
    lands = int(numeric["forecast_lands"].fillna(False).sum())
    with st.expander(f"Trends and forecasts to the due date · {lands} of {len(numeric)} on course to land"):
        st.plotly_chart(
            kr_trends_figure(
                numeric, readings_of(numeric["kr_id"], as_of), as_of, f"Trends to the due date · {objective_id}"
            ),
            width="stretch",
        )


MISSING_TABLE = {
    "kr_id": "KR",
    "title": key_result_column("large"),
    "team": "Team",
    "owner": "Owner",
    "status": "Status",
    "last_date": st.column_config.TextColumn("Last update"),
    "silence": st.column_config.TextColumn("Silent for"),
}


def missing_updates(health: UpdateHealth, per: str = "team") -> None:
    """What the review meeting reads before its agenda: who has not updated in 30 days (the chart has a
    bar per `per`: the rows of `health.teams`)."""
    st.header("Before the agenda · Missing updates", anchor=False)
    missing = len(health.missing)
    st.markdown(
        f"**{health.updated} of {health.in_force}** key results updated in the 30 days to "
        f"{health.as_of:%d %B} · **{missing} missing**, longest silence first."
    )
    table_col, chart_col = st.columns([3, 2])
    with table_col:
        rows = with_missing_shown(health.missing, ["last_date"]).assign(
            status=health.missing["status"].map(STATUS_BADGES),
            silence=[f"{d:.0f} days" if pd.notna(d) else "never updated" for d in health.missing["days_since"]],
        )
        st.dataframe(
            rows[list(MISSING_TABLE)],
            hide_index=True,
            width="stretch",
            column_config=MISSING_TABLE,
            height=table_height(len(rows), 10),
        )
    with chart_col:
        st.plotly_chart(
            health_figure(health.teams, f"Updated in the last 30 days, by {per}"),
            width="stretch",
            config={"displayModeBar": False},
        )
