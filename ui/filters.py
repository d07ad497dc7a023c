"""The review's filters (as-of date, period, group, team, owner), shared by every page and kept in
the URL query string so that a link opens the same view (`?team=Sales&as_of=2027-05-31`)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import streamlit as st

from analytics.review import ReviewSnapshot, default_as_of, filter_snapshot, review_periods
from ui import state
from ui.context import snapshot, tables
from ui.router import ensure_router

IN_FORCE = "In force at the as-of date"
ALL = "All"


@dataclass(frozen=True)
class ReviewFilters:
    as_of: dt.date
    period: str | None  # None: the objectives in force at the as-of date
    group: str | None
    team: str | None
    owner: str | None
    teams: tuple[str, ...] | None  # the teams the group/team choice leaves, None for all


def _default_as_of() -> dt.date:
    configured = os.environ.get("OKR_AS_OF")
    if configured:
        return dt.date.fromisoformat(configured)
    return default_as_of(dt.date.today(), tables()["check_ins"]["date"].max()).date()


def _apply_url(options: dict[str, list[str]]) -> None:
    """Take into the filters what the URL says that this app did not write itself: the link a
    session was opened with, or a page link such as a team card's `?team=Sales`. A filter the URL
    leaves out keeps its value, since moving between pages drops the query string."""
    written = st.session_state.setdefault(state.URL_WRITTEN, {})
    if state.AS_OF not in st.session_state:
        st.session_state[state.AS_OF] = _default_as_of()
    from_url = st.query_params.get(state.AS_OF)
    if from_url and from_url != written.get(state.AS_OF):
        try:
            st.session_state[state.AS_OF] = dt.date.fromisoformat(from_url)
        except ValueError:
            st.toast(
                f'The link\'s as_of "{from_url}" is not a date (YYYY-MM-DD); showing {st.session_state[state.AS_OF]}.'
            )
    for key, choices in options.items():
        wanted = st.query_params.get(key)
        if not wanted or wanted == written.get(key):
            continue
        if wanted in choices:
            st.session_state[key] = wanted
        else:
            st.toast(f'The link\'s {key} "{wanted}" is not known; showing all.')


def _select(label: str, key: str, choices: list[str], first: str = ALL) -> str | None:
    if st.session_state.get(key) not in (first, *choices):
        st.session_state[key] = first
    chosen = st.sidebar.selectbox(label, [first, *choices], key=key)
    return None if chosen == first else chosen


def review_filters() -> ReviewFilters:
    """Sidebar controls; the router calls this once per run, pages read `current_filters()`."""
    data = tables()
    teams = data["teams"]
    groups = sorted(teams["group"].dropna().unique())
    _apply_url(
        {
            state.PERIOD: review_periods(data["objectives"]),
            state.GROUP: groups,
            state.TEAM: list(teams["team"]),
            state.OWNER: sorted(data["key_results"]["owner"].dropna().unique()),
        }
    )
    as_of = st.sidebar.date_input(
        "As of",
        key=state.AS_OF,
        format="YYYY-MM-DD",
        help="Progress, pacing, status and overdue are measured at this date.",
    )
    period = _select("Period", state.PERIOD, review_periods(data["objectives"]), first=IN_FORCE)
    group = _select("Group", state.GROUP, groups)
    in_group = teams[teams["group"] == group] if group else teams
    team = _select("Team", state.TEAM, list(in_group["team"]))
    chosen_teams = (team,) if team else tuple(in_group["team"]) if group else None
    krs = snapshot(as_of, period).krs
    if chosen_teams is not None:
        krs = krs[krs["team"].isin(chosen_teams)]
    owner = _select("Owner", state.OWNER, sorted(krs["owner"].dropna().unique()))
    filters = ReviewFilters(as_of, period, group, team, owner, chosen_teams)
    _write_url(filters)
    st.session_state[state.FILTERS] = filters
    return filters


def _write_url(filters: ReviewFilters) -> None:
    wanted = {
        state.AS_OF: filters.as_of.isoformat(),
        state.PERIOD: filters.period,
        state.GROUP: filters.group,
        state.TEAM: filters.team,
        state.OWNER: filters.owner,
    }
    for key, value in wanted.items():
        if value is None:
            st.query_params.pop(key, None)
        elif st.query_params.get(key) != value:
            st.query_params[key] = value
    st.session_state[state.URL_WRITTEN] = wanted


def current_filters() -> ReviewFilters:
    ensure_router()
    return st.session_state[state.FILTERS]


def current_review() -> ReviewSnapshot:
    """The snapshot at the chosen date and period, narrowed to the chosen teams and owner."""
    filters = current_filters()
    whole = snapshot(filters.as_of, filters.period)
    return filter_snapshot(whole, list(filters.teams) if filters.teams is not None else None, filters.owner)
