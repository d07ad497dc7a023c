"""The SWOT page's forms, as pure functions: the company objective drafts it prefills for the chosen
priorities, and which sheets of an imported file are not the Swot sheet. No Streamlit here:
tests/test_ui_swot_forms.py checks them with values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from analytics.calendar import next_quarter_start
from analytics.swot import QUADRANT_NAMES, ObjectiveDraft, next_company_objective_id


def priority_drafts(
    chosen: list[str], options: Mapping[str, dict], objectives: pd.DataFrame, as_of: dt.date
) -> list[ObjectiveDraft]:
    """What the objectives form starts from for each chosen priority (a pooled SWOT row, by its
    label): the next free CO-n ids, the year of the next quarter, the item as title and where it
    comes from as context."""
    period = str(next_quarter_start(as_of).year)
    drafts = []
    for number, label in enumerate(chosen):
        row = options[label]
        drafts.append(
            ObjectiveDraft(
                objective_id=next_company_objective_id(objectives, number),
                period=period,
                title=row["item"],
                context=f"From the SWOT ({QUADRANT_NAMES[row['quadrant']].lower()} raised by {row['leaders']}): "
                f"{row['item']}.",
            )
        )
    return drafts


def other_sheets(parsed: Mapping) -> list[str]:
    """The sheets of a parsed file (loaders.ingest.parse_files: table name → parsed table) that are not
    the Swot sheet, by their sheet names: such a file belongs on the Upload progress page."""
    return sorted(item.table.sheet for name, item in parsed.items() if name != "swot")
