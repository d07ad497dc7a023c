"""The retrospective page's outcome badges and its carry-over of missed KRs into the next quarter
(a button callback that writes through ui.records)."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.periods import period_bounds
from analytics.retrospective import (
    COMPLETED,
    MISSED,
    STILL_OPEN,
    carry_over_rows,
)
from charts.retrospective import outcomes_by_group, team_outcomes_figure
from charts.theme import STATUS_BADGES
from store.access import RECORD_REVIEW
from store.database import database_target
from ui import state
from ui.auth import recorded_name, refusal, refused_note
from ui.context import data_version
from ui.records import record_rows
from ui.scale import SCROLL_ROWS, SHOW_ALL_RETRO_TEAMS, capped, many_teams, teams_without_krs
from ui.tables import table_height

OUTCOME_BADGES = {
    COMPLETED: "✔ completed",
    MISSED: "✘ missed",
    STILL_OPEN: "⏳ still open",
    "cancelled": STATUS_BADGES["cancelled"],
}


def carry_over(tables_now: dict, retro, kr_ids: list[str], recorded_by: str) -> None:
    """Record the carried-over objectives and KRs as one upload (a button callback)."""
    kind, message = record_rows(
        carry_over_rows(tables_now, retro, kr_ids),
        recorded_by,
        f"retrospective-{retro.quarter} carry-over.xlsx",
        RECORD_REVIEW,
        f"Carried {len(kr_ids)} KR(s) into {retro.next_quarter} (undo from Upload progress → Upload history).",
    )
    st.session_state[state.RETRO_MESSAGE] = (kind, message)
    if kind == "success":
        st.session_state[state.RETRO_CARRY] = []


def carry_over_section(data: dict, retro, quarter: str) -> None:
    """The step that carries the quarter's missed KRs into the next one, once the quarter has ended,
    for those who may record review outcomes."""
    st.header(f"Carry missed KRs into {retro.next_quarter}", anchor=False)
    missed_krs = retro.krs[retro.krs["outcome"] == MISSED]
    if not retro.closed:
        st.caption(f"Missed KRs can be carried over once {quarter} has ended.")
    elif missed_krs.empty:
        st.caption("No key result was missed.")
    elif refusal(RECORD_REVIEW):
        refused_note(RECORD_REVIEW, compact=True)
    else:
        st.caption(
            "Each KR restarts from its last reading towards the same target, due "
            f"{period_bounds(retro.next_quarter)[1]:%d %B %Y},"
            f" under its objective repeated for {retro.next_quarter}."
        )
        titles = missed_krs.set_index("kr_id")["title"]
        chosen_col, by_col, button_col = st.columns([3, 1, 1], vertical_alignment="bottom")
        chosen = chosen_col.multiselect(
            "Missed KRs to carry over",
            list(titles.index),
            key=state.RETRO_CARRY,
            format_func=lambda k: f"{k} · {titles[k]}",
        )
        recorded_by = recorded_name("Your name", state.RETRO_BY, container=by_col)
        button_col.button(
            f"Carry {len(chosen)} over",
            type="primary",
            key=state.RETRO_CARRY_BUTTON,
            icon=":material/redo:",
            disabled=not chosen or not recorded_by,
            on_click=carry_over,
            args=(data, retro, chosen, recorded_by),
            help=None if recorded_by else "Enter your name first",
        )


# The figure and table per data version, quarter, as-of date and teams chosen, kept as they are (not
# copied, which would make Plotly check the figure again): building the figure takes a tenth of a
# second, on every visit of the page otherwise. Neither is changed by those who show them.
@st.cache_resource(show_spinner=False, max_entries=16)
def _outcomes(
    target: str, version: int, quarter: str, as_of, chosen_teams: tuple[str, ...] | None, _retro
) -> tuple[go.Figure, pd.DataFrame | None]:
    """The outcomes figure and, above MANY_TEAMS, the teams lowest score first."""
    scoped = _retro.teams if chosen_teams is None else _retro.teams[_retro.teams["team"].isin(chosen_teams)]
    outcomes = "completed and missed" if _retro.closed else "completed so far"
    title = f"{quarter}: key results {outcomes} per"
    if not many_teams(len(scoped)):
        return team_outcomes_figure(scoped, _retro.closed, f"{title} team"), None
    figure = team_outcomes_figure(outcomes_by_group(scoped), _retro.closed, f"{title} group", label="group")
    lowest_first = scoped.sort_values(["progress", "team"], kind="stable", na_position="last")
    return figure, lowest_first.assign(progress=lowest_first["progress"] * 100)


def outcomes_section(retro, as_of, all_teams: pd.Series, chosen_teams: tuple[str, ...] | None) -> None:
    """The quarter's KRs completed and missed per team of the sidebar's choice (`chosen_teams`, None
    for every one of `all_teams`). Above MANY_TEAMS the chart sums them per group (the Group filter
    brings the teams back) and the teams follow in a table, the lowest score first, the 15 lowest
    unless the toggle shows all. Teams of the choice with no objective in the quarter are counted."""
    figure, lowest_first = _outcomes(database_target(), data_version(), retro.quarter, as_of, chosen_teams, retro)
    st.plotly_chart(figure, width="stretch")
    if lowest_first is not None:
        st.caption(
            "By group, lowest score first; the teams below, lowest first. Choose a group in the sidebar for its teams."
        )
        shown = capped(lowest_first, SHOW_ALL_RETRO_TEAMS, "teams")
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            height=table_height(len(shown), SCROLL_ROWS),
            column_order=("team", "group", "progress", "n_completed", "n_not_completed", "n_cancelled"),
            column_config={
                "team": "Team",
                "group": "Group",
                "progress": st.column_config.ProgressColumn("Score", format="%.0f%%", min_value=0, max_value=100),
                "n_completed": st.column_config.NumberColumn("Completed", width="small"),
                "n_not_completed": st.column_config.NumberColumn(
                    "Missed" if retro.closed else "Still open", width="small"
                ),
                "n_cancelled": st.column_config.NumberColumn("Cancelled", width="small"),
            },
        )
    scoped = retro.teams if chosen_teams is None else retro.teams[retro.teams["team"].isin(chosen_teams)]
    idle = teams_without_krs(all_teams if chosen_teams is None else pd.Series(chosen_teams), scoped["team"])
    if idle:
        st.caption(
            f"{idle:,} team{'' if idle == 1 else 's'} in the filters had no objective in {retro.quarter}: "
            "counted, not listed."
        )
