"""ui.swot_forms: the company objectives the SWOT page prefills, and what an imported file holds
besides the Swot sheet."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd

from analytics.swot import ObjectiveDraft
from ui.swot_forms import other_sheets, priority_drafts

OPTIONS = {
    "Weakness · Founder-led sales does not scale (Alexandre Laurent)": {
        "quadrant": "weakness",
        "item": "Founder-led sales does not scale",
        "leaders": "Alexandre Laurent",
    },
    "Threat · A new entrant (Maya Goldberg; Tom Rossi)": {
        "quadrant": "threat",
        "item": "A new entrant",
        "leaders": "Maya Goldberg; Tom Rossi",
    },
}


def test_drafts_take_the_next_ids_and_the_next_quarters_year():
    objectives = pd.DataFrame({"objective_id": ["CO-1", "CO-4", "SAL-O1", None]})
    drafts = priority_drafts(list(OPTIONS), OPTIONS, objectives, dt.date(2027, 11, 30))
    assert drafts == [
        ObjectiveDraft(
            "CO-5",
            "Founder-led sales does not scale",
            "From the SWOT (weakness raised by Alexandre Laurent): Founder-led sales does not scale.",
            "2028",
        ),  # the next quarter starts in 2028
        ObjectiveDraft(
            "CO-6", "A new entrant", "From the SWOT (threat raised by Maya Goldberg; Tom Rossi): A new entrant.", "2028"
        ),
    ]
    assert priority_drafts([], OPTIONS, objectives, dt.date(2027, 5, 31)) == []
    assert (
        priority_drafts(list(OPTIONS)[1:], OPTIONS, objectives.iloc[:0], dt.date(2027, 5, 31))[0].objective_id == "CO-1"
    )


def test_other_sheets_than_swot_are_named():
    def parsed(sheet):
        return SimpleNamespace(table=SimpleNamespace(sheet=sheet))

    assert other_sheets({"swot": parsed("Swot")}) == []
    assert other_sheets({"swot": parsed("Swot"), "teams": parsed("Teams"), "check_ins": parsed("CheckIns")}) == [
        "CheckIns",
        "Teams",
    ]
