"""The Upload page's "Move in from another OKR tool" section: drop a Viva Goals, Quantive, BurningOKR,
OKR for Jira or Betterworks export, read the import report (what comes across, created or updated,
what is left behind, how statuses map), commit. The conversion is loaders.formats'; this only draws."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loaders.formats import FORMATS
from loaders.formats.convert import stored_counts
from loaders.ingest import check_and_store
from loaders.preview import change_summary, problem_table
from loaders.read import MAX_FILE_BYTES
from store.access import ADMIN, Action
from store.database import UploadedFile
from ui import state
from ui.auth import current_identity, refusal, refused_note
from ui.context import store
from ui.records import show_outcome, store_files
from ui.text import literal

IMPORT = Action("import another OKR tool's export", ADMIN)
ACCEPTED = ["zip", "json", "xlsx", "csv", "txt"]
BY_CONTENT = "Recognise by content"


def _options(period: str, date, team: str, chosen: str) -> dict:
    name = next((n for n, m in FORMATS.items() if m.TITLE == chosen), None)
    constants = {k: v for k, v in (("period", period.strip()), ("team", team.strip())) if v}
    return {"default_date": date, "constants": constants or None, "format_name": name}


def _commit(files: list[UploadedFile], uploaded_by: str, options: dict) -> None:
    done = store_files(files, uploaded_by, IMPORT, **options)
    if isinstance(done, str):
        st.session_state[state.IMPORT_MESSAGE] = ("error", f"Nothing was stored: {done}")
    elif done.errors:
        st.session_state[state.IMPORT_MESSAGE] = (
            "error",
            "Nothing was stored: the stored data changed since the check; read the report again.",
        )
    else:
        st.session_state[state.IMPORT_MESSAGE] = ("success", f"Imported: {change_summary(done.changes)}.")


def _show_report(report, changes) -> None:
    stored = stored_counts(changes, report) if changes else {}
    st.markdown(f"**{literal(report.tool)}** · {literal(', '.join(report.files))}")
    counts = pd.DataFrame(
        [
            {
                "what": what,
                "in the export": count,
                "created": stored.get(what, {}).get("created"),
                "updated": stored.get(what, {}).get("updated"),
                "unchanged": stored.get(what, {}).get("unchanged"),
            }
            for what, count in report.counts.items()
        ]
    )
    st.dataframe(counts, hide_index=True, width="stretch")
    left = pd.DataFrame({"not brought over": list(report.left_behind), "count": list(report.left_behind.values())})
    if left.empty:
        st.caption("Everything in the export came across.")
    else:
        st.dataframe(left, hide_index=True, width="stretch")
    if report.statuses:
        st.dataframe(
            pd.DataFrame(
                {"status in the export": list(report.statuses), "becomes here": list(report.statuses.values())}
            ),
            hide_index=True,
            width="stretch",
        )
    if report.kinds:
        st.caption("Types: " + literal("; ".join(f"{w} → {k}" for w, k in report.kinds.items())))
    if report.unknown_columns:
        st.caption("Columns not read: " + literal(", ".join(f'"{h}" ({n})' for h, n in report.unknown_columns.items())))
    for note in report.notes:
        st.caption(literal(note))


def import_section(as_of) -> None:
    st.subheader("Move in from another OKR tool")
    st.caption(
        "Viva Goals (organisation export: the ZIP or its JSON files; or the Excel template), Quantive, "
        "BurningOKR, OKR for Jira and Betterworks exports — recognised by content. A newer export of the "
        "same organisation updates what an earlier one stored."
    )
    if refusal(IMPORT):
        refused_note(IMPORT, compact=True)
        return
    show_outcome(state.IMPORT_MESSAGE)
    if not st.toggle("Import an export", key=state.IMPORT_OPEN):
        return
    uploaded = st.file_uploader(
        "The export's files",
        type=ACCEPTED,
        accept_multiple_files=True,
        key=state.IMPORT_FILES,
        max_upload_size=MAX_FILE_BYTES // 2**20,
    )
    format_col, period_col, date_col, team_col = st.columns(4)
    chosen = format_col.selectbox("Format", [BY_CONTENT, *(m.TITLE for m in FORMATS.values())], key=state.IMPORT_FORMAT)
    period = period_col.text_input(
        "Period, where the export names none", key=state.IMPORT_PERIOD, placeholder="e.g. 2027-Q2"
    )
    date = date_col.date_input("Date of current values without one", value=as_of, key=state.IMPORT_DATE)
    team = team_col.text_input("Team, where the export names none", key=state.IMPORT_TEAM)
    if not uploaded:
        return
    files = [UploadedFile(f.name, f.getvalue()) for f in uploaded]
    options = _options(period, date, team, chosen)
    with st.spinner("Reading the export…"):
        result = check_and_store(store(), files, dry_run=True, **options)
    if not result.imports and not result.errors:
        st.info(
            "These files are not an export of a tool listed above; upload a progress file or workbook in "
            "step 2 instead."
        )
        return
    for report in result.imports:
        _show_report(report, None if result.errors else result.changes)
    if result.errors:
        table = problem_table(result.errors)
        st.error(f"**{len(result.errors)} problem(s)**: nothing can be stored until they are fixed.")
        st.table(
            table.assign(
                **{
                    c: table[c].map(lambda v: literal("" if pd.isna(v) else str(v)))
                    for c in ("sheet", "row", "column", "problem")
                }
            )
        )
        return
    if not result.rows_changed:
        st.info("Nothing to store: every row of this export is already stored as it is.")
        return
    identity = current_identity()
    st.button(
        f"Import {result.rows_changed:,} row(s)",
        type="primary",
        key=state.IMPORT_COMMIT,
        icon=":material/move_to_inbox:",
        on_click=_commit,
        args=(files, identity.recorded_name if identity else "unknown", options),
    )
