"""Review pack export: the month's review as one offline HTML file, and the KR table as XLSX and CSV."""

import pandas as pd
import streamlit as st

from analytics.meetings import meeting_record
from analytics.overview import company_overview
from analytics.progress import STATUS_ORDER
from charts.review_pack import review_pack_html
from charts.theme import STATUS_BADGES
from loaders.export import KR_EXPORT_COLUMNS, export_file_name, kr_export_table, table_csv, table_xlsx
from store.database import database_target
from ui import state
from ui.context import store, tables
from ui.filters import ReviewFilters, current_filters, current_review
from ui.review_changes import changes_view
from ui.scale import SHOW_ALL_PACK_KRS, capped, many_teams
from ui.tables import key_result_column, table_height

filters = current_filters()
review = current_review()


def scope_text(filters: ReviewFilters) -> str:
    """What the review covers, in words: the same line heads the HTML pack and the XLSX's About sheet."""
    period = f"objectives of {filters.period}" if filters.period else "objectives in force at the as-of date"
    who = f"team {filters.team}" if filters.team else f"group {filters.group}" if filters.group else "all teams"
    owner = f" · KRs owned by {filters.owner}" if filters.owner else ""
    return f"As of {filters.as_of:%d %B %Y} · {period} · {who}{owner}"


def worst_first(krs: pd.DataFrame) -> pd.DataFrame:
    """The KR rows by their status in STATUS_ORDER (overdue first), then the largest gap (expected − progress)."""
    rank = krs["status"].map({status: i for i, status in enumerate(STATUS_ORDER)}).fillna(len(STATUS_ORDER))
    gap = krs["expected"] - krs["raw_progress"]
    return krs.assign(rank=rank, gap=gap).sort_values(["rank", "gap"], ascending=[True, False], kind="stable")


def file_size(size: int) -> str:
    return f"{size / 1e6:,.1f} MB" if size >= 1e6 else f"{size / 1e3:,.0f} kB"


# Keyed by the database, its data version and the filters: the snapshot and the tables passed along
# (underscored, so not hashed) are what those keys determine.
@st.cache_data(show_spinner=False, max_entries=8)
def review_pack(target: str, data_version: int, filters: ReviewFilters, _tables, _review, _changes) -> bytes:
    return review_pack_html(
        _review,
        company_overview(_tables, _review),
        meeting_record(_tables, filters.as_of),
        scope_text(filters),
        _changes,
    ).encode("utf-8")


@st.cache_data(show_spinner=False, max_entries=8)
def kr_files(target: str, data_version: int, filters: ReviewFilters, _review) -> tuple[bytes, bytes]:
    rows = kr_export_table(_review)
    about = {
        "Review": scope_text(filters),
        "Rows": f"{len(rows)} key results, one per row",
        "Progress": "from the latest check-in on or before the as-of date; not clamped (can pass 100%)",
        "Expected by now": "linear from the KR's start date to its due date",
    }
    return table_xlsx(rows, KR_EXPORT_COLUMNS, "Key results", about), table_csv(rows, KR_EXPORT_COLUMNS)


data_key = (database_target(), store().data_version(), filters)
qualifiers = (filters.period, filters.group if not filters.team else None, filters.team, filters.owner)
team_count = len(review.teams)
teams_text = f"{team_count} team{'s' if team_count != 1 else ''}"
kr_count = len(review.krs)

st.title("Review pack export")
st.caption(f"{scope_text(filters)} · change the date and filters in the sidebar")

if review.krs.empty:
    st.info(
        f"No key results match these filters on {filters.as_of:%d %B %Y}: the files below hold the "
        "company page and no KR rows. Pick another as-of date or filter in the sidebar."
    )

# The HTML takes seconds to build (figures for every team), so it waits for a click; once built for
# these data and filters it is offered straight away.
pack = None
if st.session_state.get(state.REVIEW_PACK_FOR) == data_key:
    with st.spinner(f"Building the review pack for {teams_text}…"):
        pack = review_pack(*data_key, tables(), review, changes_view(filters))
xlsx_file, csv_file = kr_files(*data_key, review)

downloads = (
    (
        "HTML review pack",
        f"What changed since the last review (the largest moves, KRs newly overdue, completed or off track), "
        f"the company page — ARR against its target path, the ARR bridge, company objectives — the review "
        f"meeting's decisions, actions and notes, and one section per team ({teams_text}): progress against "
        f"expected, worst status, each objective with its key results. Opens in any browser with no network; "
        f"print it to PDF and each team starts on a new page.",
        pack,
        export_file_name("okr-review", filters.as_of, qualifiers, "html"),
        "text/html",
    ),
    (
        "Excel KR table",
        f"{kr_count} key results, one row each: team, objective, owner, start, target, last value, progress, "
        f"expected, status, stale, due date, days overdue, last check-in, confidence and comment. "
        f"Header frozen, filters on; an About sheet says what the file covers.",
        xlsx_file,
        export_file_name("okr-krs", filters.as_of, qualifiers, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "CSV KR table",
        f"The same {kr_count} rows and columns as the Excel file, as UTF-8 CSV that Excel opens with accents "
        f"intact; dates as YYYY-MM-DD, percentages as fractions (0.45 = 45%).",
        csv_file,
        export_file_name("okr-krs", filters.as_of, qualifiers, "csv"),
        "text/csv",
    ),
)
for column, (heading, holds, data, file_name, mime) in zip(st.columns(3), downloads):
    with column.container(border=True, height="stretch"):
        st.subheader(heading)
        st.write(holds)
        if data is None:
            st.markdown(f"`{file_name}` · built on request")
            st.button(
                f"Build the pack ({teams_text})",
                type="primary",
                icon=":material/build:",
                width="stretch",
                key=state.REVIEW_PACK_BUILD,
                on_click=st.session_state.update,
                args=({state.REVIEW_PACK_FOR: data_key},),
            )
            continue
        st.markdown(f"`{file_name}` · **{file_size(len(data))}**")
        st.download_button(
            f"Download {file_name.rsplit('.', 1)[1].upper()}",
            data,
            file_name=file_name,
            mime=mime,
            on_click="ignore",
            type="primary",
            icon=":material/download:",
            width="stretch",
        )

st.caption(
    "Text cells that start like a spreadsheet formula (=, +, -, @) are written with a leading ' "
    "so that Excel shows them and never runs them."
)

st.subheader(f"The {kr_count} key results in the Excel and CSV files")
st.caption("Worst first: worst status, then the largest gap between expected and progress")
preview = worst_first(kr_export_table(review))
if many_teams(team_count):
    preview = capped(preview, SHOW_ALL_PACK_KRS, "key results")
preview = preview.assign(
    status=preview["status"].map(STATUS_BADGES),
    progress_points=100 * preview["raw_progress"],
    expected_points=100 * preview["expected"],
)
st.dataframe(
    preview[["kr_id", "team", "title", "owner", "status", "progress_points", "expected_points", "due_date"]],
    hide_index=True,
    width="stretch",
    height=table_height(len(preview), 10),
    column_config={
        "kr_id": "KR ID",
        "team": "Team",
        "title": key_result_column(),
        "owner": "Owner",
        "status": "Status",
        "progress_points": st.column_config.NumberColumn("Progress", format="%.0f%%"),
        "expected_points": st.column_config.ProgressColumn(
            "Expected by now", format="%.0f%%", min_value=0, max_value=100
        ),
        "due_date": st.column_config.DateColumn("Due date", format="YYYY-MM-DD"),
    },
)
