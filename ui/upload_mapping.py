"""The Upload page's mapping step: how a file that is not in the workbook format is read. Per sheet, the
shape it is taken for and a select box per header (the column it fills, not used, or ignored); the
constants that fill what the sheets lack (team, period, measure, due date, check-in date); and "Save
as profile", which keeps the mapping under a name for files with the same headers (store.profiles),
applied by itself when such a file arrives. The choices and the mapping made of them are
loaders.mapping_edit's; this only draws."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from loaders.mapping import NOTES, SHAPES, WORKBOOK, FileMapping, MappingError, header_signature, propose_mapping
from loaders.mapping_edit import (
    TABLE_NAMES,
    choice_label,
    chosen_sheet,
    column_choices,
    default_choice,
    first_rows,
    is_empty,
    needs_mapping,
    profile_mapping,
    quarter_of,
    sample_values,
    shape_label,
    upload_constants,
)
from loaders.problems import FileRejected
from loaders.read import RawSheet, read_grids
from store import profiles
from store.database import UploadedFile
from store.schema import MEASURES
from ui import state
from ui.auth import refusal
from ui.context import store
from ui.records import SAVE_PROFILE, save_mapping_profile, show_outcome
from ui.tables import table_height
from ui.text import literal

GRID = 4  # header select boxes per row: four fit beside the sidebar at 1366 px


def mapping_step(file: UploadedFile, team: str, as_of: dt.date, saved_by: str) -> tuple[FileMapping | None, dict]:
    """Draw the step for `file` when it needs one (or the user asks to review how it is read): the
    mapping and constants to read it by, or (None, {}) to read it as the loaders propose."""
    try:
        sheets = read_grids(file.file_name, file.content)
    except FileRejected:
        return None, {}  # the validation report says why
    signature = header_signature(sheets)
    profile = profiles.profile_for(store(), signature)
    given = _profile(profile)
    proposed = propose_mapping(
        file.file_name, sheets, True, upload_constants(team, quarter_of(as_of), date=as_of), given
    )
    show_outcome(state.UPLOAD_PROFILE_MESSAGE)
    if given is None and not needs_mapping(proposed):
        if not st.toggle(
            "Review how the file is read",
            key=state.UPLOAD_REVIEW,
            help="Its sheets are in the workbook format; open this to see or change how each "
            "header is read, and to save that as a profile.",
        ):
            return None, {}
    st.subheader("How the file is read")
    if given is not None:
        st.info(
            f"Read by the profile **{literal(profile.name)}** (saved by {literal(profile.saved_by)} on "
            f"{profile.saved_at:%d %B %Y at %H:%M} UTC): this file has the headers it was made for. Open "
            "*Columns and constants* to change it, then save it again.",
            icon=":material/bookmark:",
        )
    else:
        st.caption(
            "Set what each header holds; the validation report and the preview below follow. Nothing "
            "is stored until you commit."
        )
    prefix = f"{state.UPLOAD_MAPPING}-{signature}"
    columns_key = f"{prefix}-{profile.saved_at:%Y%m%d%H%M%S%f}" if profile else f"{prefix}-proposed"
    with st.expander("Columns and constants", expanded=given is None, icon=":material/table_edit:"):
        chosen = [
            item if is_empty(item) else _sheet_choices(sheet, item, f"{columns_key}-{i}")
            for i, (sheet, item) in enumerate(zip(sheets, proposed.sheets))
        ]
        constants = _constants(prefix, team, as_of, given)
        mapping = FileMapping(file.file_name, chosen, constants)
        _save_row(prefix, profile, signature, mapping, saved_by, team)
    return mapping, constants


def _profile(profile: profiles.Profile | None) -> FileMapping | None:
    if profile is None:
        return None
    try:
        return FileMapping.from_toml(profile.mapping)
    except MappingError as exc:
        st.warning(
            f"The profile {literal(profile.name)} saved for these headers cannot be used "
            f"({literal(exc)}); the file is read as proposed. Save the mapping again to replace it."
        )
        return None


def _sheet_choices(sheet: RawSheet, item, key: str):
    """One sheet: what it is taken for, then a select box per header."""
    st.markdown(f"**Sheet {literal(item.sheet)}** · headers in row {item.header_row}")
    shape_col, table_col, _ = st.columns([2, 2, 4])
    shape = shape_col.selectbox(
        "Taken for", SHAPES, index=SHAPES.index(item.shape), format_func=shape_label, key=f"{key}-shape"
    )
    table = ""
    if shape == WORKBOOK:
        table = table_col.selectbox(
            "Sheet of the workbook format",
            TABLE_NAMES,
            key=f"{key}-table",
            index=TABLE_NAMES.index(item.table) if item.table in TABLE_NAMES else 0,
        )
    if shape == NOTES:
        return chosen_sheet(item, shape, table, {})
    names, body = first_rows(sheet, item)
    if names:
        st.dataframe(
            pd.DataFrame(body, columns=names), hide_index=True, width="stretch", height=table_height(len(body))
        )
    choices = column_choices(shape, table)
    samples = sample_values(sheet, item)
    grid = st.columns(GRID)
    picked = {}
    for position, header in enumerate(item.columns):
        default = default_choice(item, header, shape, table)
        sample = samples.get(header)
        picked[header] = grid[position % GRID].selectbox(
            literal(header),
            choices,
            index=choices.index(default),
            format_func=choice_label,
            key=f"{key}-{shape}-{table}-{position}",
            help=f"e.g. {sample}" if sample else "no values under this header",
        )
    return chosen_sheet(item, shape, table, picked)


def _constants(prefix: str, team: str, as_of: dt.date, given: FileMapping | None) -> dict[str, str]:
    """The constants of this upload: they fill what a sheet lacks, never a column it has."""
    kept = given.constants if given is not None else {}
    st.markdown("**Where a sheet has no such column**")
    team_col, period_col, measure_col, due_col, date_col = st.columns(5)
    team_col.text_input(
        "Team",
        value=team,
        disabled=True,
        key=f"{prefix}-team",
        help="The team chosen above: choose another team there.",
    )
    period = period_col.text_input(
        "Period", value=quarter_of(as_of), key=f"{prefix}-period", help="As 2027-Q2, Q2 2027, H1 2027 or Annual 2027."
    )
    measures = ["", *MEASURES]
    measure = measure_col.selectbox(
        "Measure",
        measures,
        key=f"{prefix}-measure",
        index=measures.index(kept.get("measure", "")) if kept.get("measure", "") in measures else 0,
        format_func=lambda m: m or "inferred per KR",
    )
    due = due_col.date_input(
        "Due date",
        value=_date(kept.get("due_date")),
        key=f"{prefix}-due",
        format="YYYY-MM-DD",
        help="Empty: the end of each KR's period.",
    )
    date = date_col.date_input(
        "Check-in date",
        value=as_of,
        key=f"{prefix}-date",
        format="YYYY-MM-DD",
        help="The date of the current values, where no column gives one.",
    )
    return upload_constants(team, period, measure, due, date)


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _save_row(prefix: str, profile, signature: str, mapping: FileMapping, saved_by: str, team: str) -> None:
    if refusal(SAVE_PROFILE, team):
        st.caption(f":material/lock: {literal(refusal(SAVE_PROFILE, team))}")
        return
    name_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    name_key = f"{prefix}-profile-name"
    name_col.text_input(
        "Profile name",
        value=profile.name if profile else "",
        key=name_key,
        placeholder="e.g. Sales OKR sheet",
        help="Files with these headers are read by this profile from now on, by anyone.",
    )
    button_col.button(
        "Save as profile",
        key=state.UPLOAD_PROFILE_SAVE,
        icon=":material/bookmark_add:",
        on_click=_save,
        args=(name_key, signature, profile_mapping(mapping).to_toml(), saved_by, team),
    )


def _save(name_key: str, signature: str, mapping: str, saved_by: str, team: str) -> None:
    st.session_state[state.UPLOAD_PROFILE_MESSAGE] = save_mapping_profile(
        st.session_state.get(name_key, ""), signature, mapping, saved_by, team
    )
