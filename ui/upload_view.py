"""The Upload progress page's parts: the dry run and its validation report, the preview of what the
upload changes with its commit button, and the upload history with undo. Every write goes through
ui.records, which checks the role when it runs; pages/upload.py only lays the parts out."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from charts.theme import STATUS_BADGES
from loaders.ingest import IngestResult, check_and_store
from loaders.mapping import FileMapping
from loaders.preview import (
    GROUP_COLUMNS,
    PROBLEM_PAGE_ROWS,
    change_summary,
    default_undo_choice,
    history_table,
    is_progress_upload,
    problem_groups,
    problem_page,
    problem_pages,
    without_warnings_on_errors,
)
from store.access import UNDO_UPLOAD, UPLOAD
from store.database import UploadedFile
from ui import state
from ui.auth import refusal
from ui.context import store
from ui.records import store_files, undo_upload
from ui.tables import key_result_column, table_height
from ui.text import literal


def just_committed(file: UploadedFile) -> bool:
    """Whether `file` is the one this session has just stored (and still in force): then the page shows
    the result of the commit alone, not the file's report and a "nothing to store" again."""
    committed = st.session_state.get(state.UPLOAD_COMMITTED)
    if committed is None or committed[0] != file.sha256:
        return False
    earlier = store().uploads_of_file(file.sha256)
    if not (earlier["undone_at"].isna() & (earlier["upload_id"] == committed[1])).any():
        return False
    st.caption(
        f":material/check_circle: {literal(file.file_name)} is stored as upload {committed[1]} (in the upload "
        "history below). Upload another file to check and store it."
    )
    return True


def dry_run(
    file: UploadedFile, uploaded_by: str, team: str, as_of: dt.date, mapping: FileMapping | None, constants: dict
) -> IngestResult:
    """What storing `file` would do, nothing stored."""
    with st.spinner("Checking the file…"):
        return check_and_store(
            store(),
            [file],
            uploaded_by,
            dry_run=True,
            team=team,
            as_of=as_of,
            mapping=mapping,
            constants=constants or None,
        )


PROBLEM_HEADINGS = {"sheet": "Sheet", "rows": "Rows", "column": "Column", "problem": "Problem and how to fix it"}


def show_problems(problems, severity: str) -> None:
    """One line per kind of problem (its count, rows, an example and the fix), then for each kind on
    more than one row an expander listing its rows, a page at a time."""
    groups = problem_groups(problems)
    table = pd.DataFrame([row for row, _ in groups], columns=list(GROUP_COLUMNS))
    st.table(
        table.loc[:, list(PROBLEM_HEADINGS)].map(literal).rename(columns=PROBLEM_HEADINGS),
        hide_index=True,
    )
    for number, (row, entry) in enumerate(groups):
        if row["count"] > 1:
            label = (
                f"{literal(row['sheet'])} rows {literal(row['rows'])}, {literal(row['column'])}: "
                f"the {row['count']:,} rows one by one"
            )
            with st.expander(label, icon=":material/format_list_numbered:"):
                _problem_rows(entry, row["count"], f"{state.UPLOAD_PROBLEM_PAGE}-{severity}-{number}-{row['count']}")


@st.fragment
def _problem_rows(entry, count: int, key: str) -> None:
    """A kind's rows, PROBLEM_PAGE_ROWS at a time (a fragment: turning the page redraws the list
    alone, without checking the file again)."""
    pages = problem_pages(entry)
    page = 1
    if pages > 1:
        page = st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key=key, width=160)
    rows, first, last = problem_page(entry, page)
    per_page = f", {PROBLEM_PAGE_ROWS:,} a page" if pages > 1 else ""
    st.caption(f"Problems {first:,}–{last:,} of {count:,}{per_page}")
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        height=table_height(len(rows), most=10),
        # The sheet and column are the kind's, named in the expander's label: the message gets the width.
        column_order=("row", "problem"),
        column_config={
            "row": st.column_config.NumberColumn("Row", format="%d", width=80),
            "problem": st.column_config.TextColumn("Problem and how to fix it", width=760),
        },
    )


def validation_report(result: IngestResult) -> None:
    """Errors first, then warnings: each kind of problem on one line, its rows in an expander."""
    st.subheader("3. Validation report")
    warnings = without_warnings_on_errors(result.errors, result.warnings)
    if result.errors:
        st.error(
            f"**{len(result.errors):,} error(s) to fix** in the file, then upload it again. Nothing has been stored.",
            icon=":material/block:",
        )
        show_problems(result.errors, "error")
    if warnings:
        st.warning(
            f"**{len(warnings):,} warning(s)**: worth a look, but they do not stop the upload.",
            icon=":material/warning:",
        )
        show_problems(warnings, "warning")
    if not result.errors and not warnings:
        st.success("No problems found.", icon=":material/check_circle:")


def preview_and_commit(
    result: IngestResult,
    file: UploadedFile,
    team: str,
    as_of: dt.date,
    uploaded_by: str,
    mapping: FileMapping | None,
    constants: dict,
) -> None:
    """What the upload would change, KR by KR, and the button that stores it."""
    st.subheader("4. Preview and commit")
    earlier = store().uploads_of_file(file.sha256)
    earlier = earlier[earlier["undone_at"].isna()]
    if not result.rows_changed:
        _nothing_to_store(result, earlier)
        return
    preview = result.preview
    check_ins = result.changes.get("check_ins")
    krs = preview.krs
    new_col, updated_col, status_col, missing_col = st.columns(4)
    new_col.metric("New check-ins", f"{check_ins.inserted if check_ins else 0:,}", border=True)
    updated_col.metric("Updated check-ins", f"{check_ins.updated if check_ins else 0:,}", border=True)
    status_col.metric("KRs changing status", f"{int((krs['old_status'] != krs['new_status']).sum())}", border=True)
    missing_col.metric(
        f"Still without a {as_of:%B} update",
        f"{len(preview.without_update)}",
        border=True,
        help=f"{team} key results with no check-in dated in {as_of:%B %Y}",
    )
    if not earlier.empty:
        st.info(
            f"This exact file was uploaded before (upload {int(earlier.iloc[0]['upload_id'])}); "
            "later uploads have changed some of its rows since, so committing stores it again."
        )
    measured = (
        ""
        if preview.measured_on.date() == as_of
        else f" (measured on {preview.measured_on:%d %B %Y}, the upload's latest check-in)"
    )
    st.markdown(f"**What changes, KR by KR**{measured}: value and status before → after")
    _changes_table(krs)
    if not preview.replaced.empty:
        _replaced(preview.replaced)
    other_tables = {t: c for t, c in result.changes.items() if t != "check_ins" and c.changed}
    if other_tables:
        st.markdown(f"Other rows the file changes: {change_summary(other_tables)}.")
    if not preview.without_update.empty:
        _without_update(preview.without_update, team, as_of)
    st.button(
        f"Commit {result.rows_changed:,} change(s)",
        type="primary",
        key=state.UPLOAD_COMMIT,
        icon=":material/save:",
        on_click=commit,
        args=(file, team, as_of, uploaded_by, mapping, constants),
        help=change_summary(result.changes),
    )


REPLACED_SHOWN = 10  # lines of replaced check-ins listed; the rest are counted


def _replaced(replaced: pd.DataFrame) -> None:
    """The stored check-ins the upload replaces (same KR and date), old → new reading."""
    lines = "\n".join(f"- {literal(text)}" for text in replaced["replacement"].head(REPLACED_SHOWN))
    more = len(replaced) - REPLACED_SHOWN
    count = "1 check-in" if len(replaced) == 1 else f"{len(replaced):,} check-ins"
    st.info(
        f"**{count} stored for the same KR and date will be replaced**:\n{lines}"
        + (f"\n- … and {more:,} more" if more > 0 else ""),
        icon=":material/swap_horiz:",
    )


def _nothing_to_store(result: IngestResult, earlier: pd.DataFrame) -> None:
    if not earlier.empty:
        first = earlier.iloc[0]
        st.info(
            f"Nothing to store: this exact file was already uploaded as **upload "
            f"{int(first['upload_id'])}** on {first['uploaded_at']:%d %B %Y at %H:%M} by "
            f"{literal(first['uploaded_by'])} ({literal(first['file_name'])}).",
            icon=":material/content_copy:",
        )
    elif "check_ins" in result.incoming and result.incoming["check_ins"][0].empty:
        st.info(
            "Nothing to store: no row has a value or a status. Fill them in for the key "
            "results with news and upload the file again."
        )
    else:
        st.info("Nothing to store: every row of the file is already stored as it is.")


def _changes_table(krs: pd.DataFrame) -> None:
    badge = krs[["old_status", "new_status"]].apply(lambda c: c.map(STATUS_BADGES)).fillna("—")
    shown = pd.DataFrame(
        {
            "kr_id": krs["kr_id"],
            "title": krs["title"],
            "check_ins": krs["check_ins"],
            "reading": krs["old_reading"] + "  →  " + krs["new_reading"],
            "progress": krs["new_progress"],
            "change": 100 * (krs["new_progress"] - krs["old_progress"].fillna(0)),
            "status": badge["old_status"].where(
                badge["old_status"] == badge["new_status"], badge["old_status"] + "  →  " + badge["new_status"]
            ),
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=table_height(len(shown), most=13),
        # Widths in pixels that fit the main column at 1366 px beside the sidebar (about 900 px); a
        # generated id (SALES-fechar-10-novos-8aa45f) is cut, its key result beside it.
        column_config={
            "kr_id": st.column_config.TextColumn("KR", width=150),
            "title": key_result_column(170),
            "check_ins": st.column_config.NumberColumn("Check-ins", format="%d", width=70),
            "reading": "Value before → after",
            "progress": st.column_config.ProgressColumn(
                "Progress after", format="percent", min_value=0, max_value=1, width=120
            ),
            "change": st.column_config.NumberColumn("Change", format="%+.0f pts", width=70),
            "status": st.column_config.TextColumn("Status before → after", width=180),
        },
    )


def _without_update(without_update: pd.DataFrame, team: str, as_of: dt.date) -> None:
    st.markdown(f"**{team} key results still without a {as_of:%B %Y} update** after this upload")
    missing = without_update.assign(
        status=without_update["status"].map(STATUS_BADGES),
        last_date=[f"{d:%Y-%m-%d}" if pd.notna(d) else "never" for d in without_update["last_date"]],
    )
    st.dataframe(
        missing,
        hide_index=True,
        width="stretch",
        column_config={
            "kr_id": "KR",
            "title": key_result_column("large"),
            "owner": "Owner",
            "last_date": "Last check-in",
            "last_reading": "Last value",
            "status": "Status",
        },
    )


def commit(
    file: UploadedFile,
    team: str,
    as_of: dt.date,
    uploaded_by: str,
    mapping: FileMapping | None = None,
    constants: dict | None = None,
) -> None:
    """Store the upload (a button callback: it runs before the page, which then shows the result)."""
    committed = store_files(
        [file], uploaded_by, UPLOAD, team, as_of=as_of, mapping=mapping, constants=constants or None
    )
    if isinstance(committed, str):
        st.session_state[state.UPLOAD_MESSAGE] = ("error", f"Nothing was stored: {committed}")
    elif committed.errors:
        st.session_state[state.UPLOAD_MESSAGE] = (
            "error",
            "Nothing was stored: the stored data changed since the check; read the report again.",
        )
    elif committed.stored:
        upload_id = int(store().uploads_of_file(file.sha256).iloc[0]["upload_id"])
        # The history opens on the upload just stored when it is a progress upload, never on a workbook.
        progress = is_progress_upload(name for name, change in committed.changes.items() if change.changed)
        st.session_state[state.UPLOAD_CHOSEN] = f"{upload_id}/{file.file_name}" if progress else None
        st.session_state[state.UPLOAD_COMMITTED] = (file.sha256, upload_id)
        st.session_state[state.UPLOAD_MESSAGE] = (
            "success",
            f"Stored as upload {upload_id}: {change_summary(committed.changes)}.",
        )


# ---------------------------------------------------------------------------------------------- history


def _undo(upload_id: int, undone_by: str) -> None:
    st.session_state.pop(state.UPLOAD_UNDO_PENDING, None)
    st.session_state[state.UPLOAD_MESSAGE] = undo_upload(upload_id, undone_by, UNDO_UPLOAD)


def upload_history(undone_by: str | None) -> None:
    """Every upload, newest first: download its original file, undo it (admins, after a confirmation).
    The undo records `undone_by` (the signed-in user, or the name typed on the page), else asks for a
    name beside its button. The list opens on the latest progress upload, never on a whole workbook."""
    st.subheader("Upload history")
    uploads = store().uploads()
    if uploads.empty:
        st.caption("No uploads yet.")
        return
    history = history_table(uploads)
    st.dataframe(
        history,
        hide_index=True,
        width="stretch",
        height=table_height(len(history), most=11),
        column_config={
            "upload_id": st.column_config.NumberColumn("Upload", format="%d"),
            "uploaded_at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm"),
            # Widths that keep the State column (in force, undone by whom) in view at 1366 px.
            "uploaded_by": st.column_config.TextColumn("Who", width="small"),
            "file_name": st.column_config.TextColumn("File", width="medium"),
            "sha256": st.column_config.TextColumn("SHA-256 (start)", width="small"),
            "rows": st.column_config.TextColumn("Rows changed", width="medium"),
            "state": st.column_config.TextColumn("State", width="medium"),
        },
    )
    choices = [f"{row.upload_id}/{row.file_name}" for row in history.itertuples()]
    may_undo = refusal(UNDO_UPLOAD) is None
    # Where the choice can undo, it opens on the latest progress upload (or nothing), never on a whole
    # workbook; for those who may only download, on the newest upload.
    default = default_undo_choice(uploads) if may_undo else int(history["upload_id"].iloc[0])
    chosen = st.selectbox(
        "Upload",
        choices,
        index=next((n for n, c in enumerate(choices) if c.split("/", 1)[0] == str(default)), None),
        key=state.UPLOAD_CHOSEN,
        format_func=lambda c: f"Upload {c.split('/', 1)[0]} · {c.split('/', 1)[1]}",
        placeholder="Choose an upload to download or undo",
    )
    if chosen is None:
        return
    upload_id, file_name = int(chosen.split("/", 1)[0]), chosen.split("/", 1)[1]
    record = history[history["upload_id"] == upload_id].iloc[0]
    download_col, *name_col, undo_col = st.columns(3 if may_undo and not undone_by else 2, vertical_alignment="bottom")
    download_col.download_button(
        "Download the original file",
        data=store().upload_file(upload_id, file_name),
        file_name=file_name,
        icon=":material/download:",
    )
    if not may_undo:
        undo_col.caption("Undoing an upload is for admins.")
        return
    if name_col:  # nobody signed in and no name typed above: asked here, never guessed
        undone_by = name_col[0].text_input("Your name (recorded with the undo)", key=state.UPLOAD_UNDO_BY).strip()
    why_not = undo_refusal(record["state"], undone_by)
    undo_col.button(
        f"Undo upload {upload_id}…",
        key=state.UPLOAD_UNDO,
        icon=":material/undo:",
        disabled=why_not is not None,
        help=why_not,
        on_click=lambda: st.session_state.update({state.UPLOAD_UNDO_PENDING: upload_id}),
    )
    if why_not:
        st.caption(f":material/info: {why_not}")
    pending = st.session_state.get(state.UPLOAD_UNDO_PENDING)
    if pending is not None and pending in set(history["upload_id"]) and undone_by:
        _confirm_undo(pending, history.loc[history["upload_id"] == pending, "rows"].iloc[0], undone_by)


def undo_refusal(upload_state: str, undone_by: str | None) -> str | None:
    """Why the undo button of an upload is disabled (None: it may be pressed)."""
    if upload_state != "in force":
        return f"This upload is already {upload_state}."
    if not undone_by:
        return "Type your name first: it is recorded with the undo."
    return None


def _confirm_undo(pending: int, rows: str, undone_by: str) -> None:
    st.warning(
        f"Undo upload {pending}? Every row it changed goes back to what it was before "
        f"({literal(rows)}). The upload stays in the history, marked undone.",
        icon=":material/undo:",
    )
    yes_col, no_col = st.columns(2)
    yes_col.button(
        f"Yes, undo upload {pending}",
        type="primary",
        key=state.UPLOAD_UNDO_CONFIRM,
        on_click=_undo,
        args=(pending, undone_by),
    )
    no_col.button(
        "Cancel", key=state.UPLOAD_UNDO_CANCEL, on_click=lambda: st.session_state.pop(state.UPLOAD_UNDO_PENDING, None)
    )
