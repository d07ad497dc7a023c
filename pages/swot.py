"""SWOT: each leader's strengths, weaknesses, opportunities and threats pooled into one view, and the
2–3 strategic priorities picked from it turned into company objectives."""
from dataclasses import asdict

import pandas as pd
import streamlit as st

from analytics.swot import (
    MAX_PRIORITIES,
    QUADRANT_LABELS,
    QUADRANT_NAMES,
    ObjectiveDraft,
    company_objective_rows,
    pooled_swot,
    priority_label,
    quadrant_counts,
    swot_entry,
)
from charts.swot import swot_split_figure
from loaders.ingest import parse_files
from loaders.read import MAX_FILE_BYTES
from store.access import CREATE_COMPANY_OBJECTIVES, EDIT_SWOT
from store.database import UploadedFile
from store.schema import SWOT_QUADRANTS
from ui import state
from ui.auth import current_identity, refusal, refused_note
from ui.context import tables
from ui.filters import current_filters
from ui.records import record_table_rows, show_outcome, store_files
from ui.swot_forms import other_sheets, priority_drafts
from ui.tables import table_height

ENTRY_FILE_NAME = "swot-form-entry.csv"
OBJECTIVES_FILE_NAME = "company-objectives-from-swot.csv"
GRID = (("strength", "weakness"), ("opportunity", "threat"))

data = tables()
swot = data["swot"]
pooled = pooled_swot(swot)

st.title("SWOT")
st.caption("Company direction first: every leader's SWOT pooled in one view, then 2–3 strategic priorities "
           "that become company objectives")
show_outcome(state.SWOT_NOTICE)


def stored(outcome: tuple[str, str]) -> None:
    """Show the (kind, message) of a write after the rerun that shows the new data."""
    st.session_state[state.SWOT_NOTICE] = outcome
    st.rerun()


def add_item(leader: str | None, quadrant: str, item: str, author: str, column) -> None:
    entry, problems = swot_entry(leader or "", quadrant, item)
    if problems:
        column.error("Not added: " + "; ".join(problems) + ".")
        return
    row = entry.iloc[0]
    stored(record_table_rows(
        "swot", entry, author, ENTRY_FILE_NAME, EDIT_SWOT,
        f"Added to {row['leader']}'s {QUADRANT_LABELS[row['quadrant']].lower()}: {row['item']}",
        f"{row['leader']}'s SWOT already holds this item."))


def import_sheet(upload, author: str) -> None:
    """Store the Swot sheet of an uploaded file, or say why not (a file holding other sheets is for
    the Upload progress page)."""
    files = [UploadedFile(upload.name, upload.getvalue())]
    parsed, problems = parse_files(files)
    others = other_sheets(parsed)
    if others:
        st.error(f"{upload.name} also holds {', '.join(others)}: import it on the Upload progress page, or keep "
                 "only the Swot sheet here.")
        return
    result = store_files(files, author, EDIT_SWOT) if "swot" in parsed else None
    if isinstance(result, str):
        st.error(f"Nothing imported from {upload.name}: {result}")
    elif result is None or result.errors:
        st.error(f"Nothing imported from {upload.name}: fix these problems and import it again.")
        shown = problems if result is None else result.problems
        st.dataframe(pd.DataFrame([asdict(p) for p in shown]), hide_index=True, width="stretch")
    else:
        added = result.changes["swot"]
        stored(("success", f"Imported {upload.name}: {added.inserted} new item(s), {added.unchanged} already there."))


def objective_drafts(chosen: list[str], options: dict[str, dict], objectives: pd.DataFrame) -> list[ObjectiveDraft]:
    """The form's fields for each chosen priority, prefilled by ui.swot_forms.priority_drafts."""
    drafts = []
    prefilled = priority_drafts(chosen, options, objectives, current_filters().as_of)
    for number, (label, draft) in enumerate(zip(chosen, prefilled), start=1):
        row = options[label]
        st.markdown(f"**Priority {number}** · {QUADRANT_NAMES[row['quadrant']]}, raised by {row['leaders']}")
        id_col, text_col = st.columns([1, 3])
        drafts.append(ObjectiveDraft(
            objective_id=id_col.text_input(f"Objective id, priority {number}", value=draft.objective_id),
            period=id_col.text_input(f"Period, priority {number}", value=draft.period,
                                     help="A year (2027) or a quarter (2027-Q3)"),
            title=text_col.text_input(f"Title, priority {number}", value=draft.title,
                                      help="Start with an action verb: Win …, Prove …, Build …"),
            context=text_col.text_area(f"Context, priority {number}", height=90, value=draft.context),
        ))
    return drafts


def create_objectives(drafts: list[ObjectiveDraft], objectives: pd.DataFrame, author: str) -> None:
    rows, problems = company_objective_rows(drafts, objectives)
    if problems:
        st.error("Nothing created: " + "; ".join(problems) + ".")
        return
    stored(record_table_rows(
        "objectives", rows, author, OBJECTIVES_FILE_NAME, CREATE_COMPANY_OBJECTIVES,
        f"Created company objective(s) {', '.join(rows['objective_id'])} for {', '.join(rows['period'].unique())}: "
        "they show as gaps on the Alignment map until team objectives link to them.",
        "Nothing changed: these company objectives are already stored."))


if swot.empty:
    st.info("No SWOT items yet: add them below, or import a Swot sheet (leader, quadrant, item).")
else:
    counts = quadrant_counts(swot).set_index("quadrant")
    internal, external = (int(counts.loc[counts["side"] == s, "items"].sum()) for s in ("internal", "external"))
    items_col, leaders_col, internal_col, external_col = st.columns(4)
    items_col.metric("SWOT items", len(pooled), border=True)
    leaders_col.metric("Leaders", swot["leader"].nunique(), border=True)
    internal_col.metric("Internal", internal, delta="strengths + weaknesses", delta_color="off", delta_arrow="off",
                        border=True)
    external_col.metric("External", external, delta="opportunities + threats", delta_color="off", delta_arrow="off",
                        border=True)
    st.plotly_chart(swot_split_figure(counts.reset_index(), f"Internal {internal} vs external {external} items"),
                    width="stretch")
    for quadrants in GRID:
        for column, quadrant in zip(st.columns(2), quadrants):
            items = pooled[pooled["quadrant"] == quadrant]
            with column.container(border=True):
                st.subheader(f"{QUADRANT_LABELS[quadrant]} · {len(items)}")
                st.dataframe(items[["item", "leaders"]], hide_index=True, width="stretch",
                             height=table_height(len(items)),
                             column_config={"item": "Item", "leaders": "Raised by"})

if refusal(EDIT_SWOT):
    refused_note(EDIT_SWOT)
    st.stop()
author = current_identity().recorded_name

st.subheader("Add SWOT items")
entry_col, import_col = st.columns(2)
with entry_col, st.form(state.SWOT_ENTRY_FORM, clear_on_submit=True):
    leader = st.selectbox("Leader", sorted(swot["leader"].unique()), index=None, accept_new_options=True,
                          placeholder="Pick a leader or type a new name")
    quadrant = st.selectbox("Quadrant", SWOT_QUADRANTS, format_func=QUADRANT_NAMES.get)
    item = st.text_input("Item", placeholder="e.g. Founder-led sales does not scale")
    entered = st.form_submit_button("Add item", icon=":material/add:")
if entered:
    add_item(leader, quadrant, item, author, entry_col)

with import_col:
    upload = st.file_uploader("Import a Swot sheet", type=["xlsx", "csv"], max_upload_size=MAX_FILE_BYTES // 2**20,
                              help="XLSX or CSV with the columns leader, quadrant (strength, weakness, opportunity, "
                                   "threat) and item. Rows already stored are left as they are.")
    if upload is not None and st.button("Import SWOT items", icon=":material/upload_file:"):
        import_sheet(upload, author)

st.subheader("From strategic priorities to company objectives")
if swot.empty:
    st.info("Pool the leaders' SWOT items first, then pick the priorities here.")
    st.stop()
if refusal(CREATE_COMPANY_OBJECTIVES):
    refused_note(CREATE_COMPANY_OBJECTIVES, compact=True)
    st.stop()
options = {priority_label(row): row for row in pooled.to_dict("records")}
chosen = st.multiselect(f"Pick 2–{MAX_PRIORITIES} strategic priorities", list(options),
                        max_selections=MAX_PRIORITIES, placeholder="Choose the items the company will act on")
if len(chosen) == 1:
    st.caption("The method pools the SWOT into 2–3 priorities; one is fine if it is truly the only one.")
if chosen:
    with st.form(state.SWOT_OBJECTIVES_FORM):
        drafts = objective_drafts(chosen, options, data["objectives"])
        create = st.form_submit_button("Create company objectives", type="primary", icon=":material/flag:")
    if create:
        create_objectives(drafts, data["objectives"], author)
