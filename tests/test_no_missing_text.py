"""No table or text on any page shows a missing value as "None", "nan", "NaN" or "NaT": every page
opened on the demo data (the Team page for every team), each table cell and each Markdown text scanned."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from conftest import PROJECT_ROOT, demo_sheets

PAGES = sorted(str(path.relative_to(PROJECT_ROOT)) for path in (PROJECT_ROOT / "pages").glob("*.py"))
# A whole word, so that "Nancy" or "nanometre" pass.
MISSING = re.compile(r"\b(None|nan|NaN|NaT|<NA>)\b")


def _empty(cell) -> bool:
    return cell is None or (not hasattr(cell, "__len__") and pd.isna(cell))


def missing_text(value) -> bool:
    return isinstance(value, str) and MISSING.search(value) is not None


def shown_text(at) -> list[tuple[str, str]]:
    """(where, text) of every table cell and header, Markdown, caption, metric and heading the run shows."""
    found = []
    for table in at.dataframe:
        frame = table.value
        hidden = {name for name, config in json.loads(table.proto.columns or "{}").items() if config.get("hidden")}
        shown = list(table.proto.column_order) or [column for column in frame.columns if column not in hidden]
        for column in shown:
            found.append(("table header", str(column)))
            # st.dataframe writes an empty cell as "None".
            found += [(f"table column {column}", "None" if _empty(cell) else str(cell)) for cell in frame[column]]
    for table in at.table:
        found += [("static table", str(cell)) for cell in table.value.to_numpy().ravel()]
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "success", "error"):
        found += [(kind, str(element.value)) for element in getattr(at, kind)]
    found += [("metric", f"{m.label} {m.value}") for m in at.metric]
    return found


def missing_in(at) -> list[tuple[str, str]]:
    return sorted({(where, text[:160]) for where, text in shown_text(at) if missing_text(text)})


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_none_or_nan(open_page, page):
    at = open_page(page)
    at.run()
    assert not at.exception, at.exception
    assert missing_in(at) == []


@pytest.mark.slow
def test_no_team_page_shows_none_or_nan(open_page):
    teams = demo_sheets()["Teams"]["team"]
    shown = {}
    for team in teams:
        at = open_page("pages/team.py", team=team)
        at.run()
        assert not at.exception, (team, at.exception)
        shown[team] = missing_in(at)
    assert shown == {team: [] for team in teams}
