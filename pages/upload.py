"""Upload progress: a team lead downloads the team's prefilled template, uploads it filled in (or a
sheet of their own, read by the mapping step), reads the validation report and the preview of what
changes, and commits; every upload can be undone. The parts are in ui/upload_view.py and
ui/upload_mapping.py; every write goes through ui.records."""

import re

import streamlit as st

from loaders.preview import latest_update_allowed
from loaders.read import MAX_FILE_BYTES
from loaders.template import build_template
from store.access import UPLOAD
from store.database import UploadedFile
from ui import state
from ui.auth import current_identity, recorded_name, refused_note
from ui.context import store, tables
from ui.filters import current_filters
from ui.migration import import_section
from ui.records import show_outcome
from ui.upload_mapping import mapping_step
from ui.upload_view import dry_run, just_committed, preview_and_commit, upload_history, validation_report

ACCEPTED_TYPES = ["xlsx", "xlsm", "xls", "csv", "tsv", "txt"]  # .xls only to explain how to convert it
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

filters = current_filters()
as_of = filters.as_of
data = tables()
identity = current_identity()
teams = identity.upload_teams(list(data["teams"]["team"]))  # a team lead's own teams, every team for an admin

st.title("Upload progress")
st.caption(
    f"For the review of {as_of:%d %B %Y} · check-ins may be dated up to {latest_update_allowed(as_of):%d %B %Y} "
    "· nothing is stored until you commit · change the review date in the sidebar"
)
show_outcome(state.UPLOAD_MESSAGE)

team, uploaded_by, uploaded, typed_name = None, identity.recorded_name, None, ""
if not teams:
    refused_note(UPLOAD)
else:
    team_col, name_col = st.columns(2)
    team = team_col.selectbox(
        "Team",
        teams,
        index=teams.index(filters.team) if filters.team in teams else 0 if len(teams) == 1 else None,
        placeholder="Choose your team",
    )
    lead = data["teams"].set_index("team")["lead"].get(team) if team else None
    lead = lead if isinstance(lead, str) else None
    typed_name = recorded_name(
        "Your name (recorded with the upload)", state.UPLOAD_BY, placeholder=lead or "Your name", container=name_col
    )
    uploaded_by = typed_name or lead or "unknown"

if teams and team is None:
    st.info("Choose your team to download its template and upload its progress.")
elif team is not None:
    template_col, upload_col = st.columns([1, 2])
    with template_col:
        st.subheader("1. Download the template")
        st.download_button(
            f"{team} template",
            data=build_template(store(), team, as_of),
            file_name=f"{re.sub(r'[^A-Za-z0-9]+', '_', team)}_progress_{as_of:%Y-%m-%d}.xlsx",
            mime=XLSX_MIME,
            icon=":material/download:",
            type="primary",
        )
        st.caption(
            f"Every {team} key result with its last value. Fill in value (or status), confidence and "
            "a comment for the KRs with news; leave the others empty."
        )
    with upload_col:
        st.subheader("2. Upload the filled-in file")
        uploaded = st.file_uploader(
            "The template, a CheckIns sheet or CSV file, a whole OKR workbook, or a sheet of your own "
            "(one row per KR, an ARR/MRR bridge, a KPI table; XLSX or CSV)",
            type=ACCEPTED_TYPES,
            key=state.UPLOAD_FILE,
            max_upload_size=MAX_FILE_BYTES // 2**20,
        )

file = UploadedFile(uploaded.name, uploaded.getvalue()) if uploaded is not None else None
if file is not None and not just_committed(file):
    mapping, constants = mapping_step(file, team, as_of, uploaded_by)
    result = dry_run(file, uploaded_by, team, as_of, mapping, constants)
    validation_report(result)
    if not result.errors:
        preview_and_commit(result, file, team, as_of, uploaded_by, mapping, constants)

import_section(as_of)  # another OKR tool's export (ui/migration.py)
# An undo records the signed-in user, else the name typed on this page (asked beside the undo button
# when there is none): never the server's OS user, nor the team lead guessed for an upload.
upload_history(identity.recorded_name if identity.email else typed_name)
