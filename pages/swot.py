"""SWOT: each leader's strengths, weaknesses, opportunities and threats pooled into one view, and the
2–3 strategic priorities picked from it turned into company objectives."""

import streamlit as st

from analytics.swot import (
    MAX_PRIORITIES,
    QUADRANT_LABELS,
    QUADRANT_NAMES,
    pooled_swot,
    priority_label,
    quadrant_counts,
)
from charts.swot import swot_split_figure
from loaders.read import MAX_FILE_BYTES
from store.access import CREATE_COMPANY_OBJECTIVES, EDIT_SWOT
from store.schema import SWOT_QUADRANTS
from ui import state
from ui.auth import current_identity, refusal, refused_note
from ui.context import tables
from ui.records import show_outcome
from ui.swot_actions import add_item, create_objectives, import_sheet, objective_drafts
from ui.tables import table_height

GRID = (("strength", "weakness"), ("opportunity", "threat"))

data = tables()
swot = data["swot"]
pooled = pooled_swot(swot)

st.title("SWOT")
st.caption(
    "Company direction first: every leader's SWOT pooled in one view, then 2–3 strategic priorities "
    "that become company objectives"
)
show_outcome(state.SWOT_NOTICE)


if swot.empty:
    st.info("No SWOT items yet: add them below, or import a Swot sheet (leader, quadrant, item).")
else:
    counts = quadrant_counts(swot).set_index("quadrant")
    internal, external = (int(counts.loc[counts["side"] == s, "items"].sum()) for s in ("internal", "external"))
    items_col, leaders_col, internal_col, external_col = st.columns(4)
    items_col.metric("SWOT items", len(pooled), border=True)
    leaders_col.metric("Leaders", swot["leader"].nunique(), border=True)
    internal_col.metric(
        "Internal", internal, delta="strengths + weaknesses", delta_color="off", delta_arrow="off", border=True
    )
    external_col.metric(
        "External", external, delta="opportunities + threats", delta_color="off", delta_arrow="off", border=True
    )
    st.plotly_chart(
        swot_split_figure(counts.reset_index(), f"Internal {internal} vs external {external} items"), width="stretch"
    )
    for quadrants in GRID:
        for column, quadrant in zip(st.columns(2), quadrants):
            items = pooled[pooled["quadrant"] == quadrant]
            with column.container(border=True):
                st.subheader(f"{QUADRANT_LABELS[quadrant]} · {len(items)}")
                st.dataframe(
                    items[["item", "leaders"]],
                    hide_index=True,
                    width="stretch",
                    height=table_height(len(items)),
                    column_config={"item": "Item", "leaders": "Raised by"},
                )

if refusal(EDIT_SWOT):
    refused_note(EDIT_SWOT)
    st.stop()
author = current_identity().recorded_name

st.subheader("Add SWOT items")
entry_col, import_col = st.columns(2)
with entry_col, st.form(state.SWOT_ENTRY_FORM, clear_on_submit=True):
    leader = st.selectbox(
        "Leader",
        sorted(swot["leader"].unique()),
        index=None,
        accept_new_options=True,
        placeholder="Pick a leader or type a new name",
    )
    quadrant = st.selectbox("Quadrant", SWOT_QUADRANTS, format_func=QUADRANT_NAMES.get)
    item = st.text_input("Item", placeholder="e.g. Founder-led sales does not scale")
    entered = st.form_submit_button("Add item", icon=":material/add:")
if entered:
    add_item(leader, quadrant, item, author, entry_col)

with import_col:
    upload = st.file_uploader(
        "Import a Swot sheet",
        type=["xlsx", "csv"],
        max_upload_size=MAX_FILE_BYTES // 2**20,
        help="XLSX or CSV with the columns leader, quadrant (strength, weakness, opportunity, "
        "threat) and item. Rows already stored are left as they are.",
    )
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
chosen = st.multiselect(
    f"Pick 2–{MAX_PRIORITIES} strategic priorities",
    list(options),
    max_selections=MAX_PRIORITIES,
    placeholder="Choose the items the company will act on",
)
if len(chosen) == 1:
    st.caption("The method pools the SWOT into 2–3 priorities; one is fine if it is truly the only one.")
if chosen:
    with st.form(state.SWOT_OBJECTIVES_FORM):
        drafts = objective_drafts(chosen, options, data["objectives"])
        create = st.form_submit_button("Create company objectives", type="primary", icon=":material/flag:")
    if create:
        create_objectives(drafts, data["objectives"], author)
