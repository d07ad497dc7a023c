"""Colour means status on every chart: each Plotly figure the pages draw on the demo data (every page,
and the Team page of each team) is walked, and

- a trace named after a status is drawn in the palette's colour for that status, with a legend shown;
- a status colour given point by point (a list of colours, a treemap's tiles) has a legend entry
  naming its status in the same figure;
- words on a chart agree with the colour: a status written beside a bar is the status of that bar's
  trace ("off track" is never written on an on-track bar)."""

from __future__ import annotations

import re

import pytest

from charts.theme import STATUS_COLORS
from conftest import PROJECT_ROOT, chart_values, charts_by_title, demo_sheets

PAGES = sorted(str(path.relative_to(PROJECT_ROOT)) for path in (PROJECT_ROOT / "pages").glob("*.py"))
STATUS_OF_COLOR = {color.upper(): status for status, color in STATUS_COLORS.items()}
# The longest first, so that "not started" is not read as a bare status inside another word.
STATUS_WORDS = re.compile("|".join(sorted(map(re.escape, STATUS_COLORS), key=len, reverse=True)))


def status_of(trace: dict) -> str | None:
    name = str(trace.get("name", "")).strip().lower()
    return name if name in STATUS_COLORS else None


def legend_shown(figure: dict) -> bool:
    """Plotly shows the legend when told to, or by default when more than one trace may be listed."""
    shown = figure["layout"].get("showlegend")
    listed = [trace for trace in figure["data"] if trace.get("showlegend") is not False]
    return shown is True or (shown is None and len(listed) > 1)


def per_point_colors(trace: dict) -> list[str]:
    marker = trace.get("marker", {})
    colors = marker.get("colors", marker.get("color"))
    return [str(c).upper() for c in colors] if isinstance(colors, list) else []


def problems(title: str, figure: dict) -> list[str]:
    found = []
    legend = {}
    for trace in figure["data"]:
        status = status_of(trace)
        if status is None:
            continue
        color = str(trace.get("marker", {}).get("color", "")).upper()
        if color != STATUS_COLORS[status].upper():
            found.append(f"{title}: trace {trace['name']!r} is drawn in {color}, not {STATUS_COLORS[status]}")
        if trace.get("showlegend") is False:
            found.append(f"{title}: trace {trace['name']!r} is left out of the legend")
        else:
            legend[status] = color
        for text in trace.get("text") or []:
            words = set(STATUS_WORDS.findall(str(text)))
            if words - {status}:
                found.append(f"{title}: {text!r} is written on a {status} trace")
    if legend and not legend_shown(figure):
        found.append(f"{title}: colours by status without a legend")
    for trace in figure["data"]:
        for color in set(per_point_colors(trace)) & set(STATUS_OF_COLOR):
            if STATUS_OF_COLOR[color] not in legend:
                found.append(f"{title}: {STATUS_OF_COLOR[color]} colour in {trace.get('name')!r} has no legend entry")
    found += disagreeing_words(title, figure)
    return found


def disagreeing_words(title: str, figure: dict) -> list[str]:
    """A status written in a text trace beside a category must be the status of that category's bar."""
    bar_status = {}
    for trace in figure["data"]:
        if trace.get("type") == "bar" and status_of(trace):
            bar_status |= {label: status_of(trace) for label in chart_values(trace.get("y", []))}
    found = []
    for trace in figure["data"]:
        if trace.get("type") != "scatter" or "text" not in str(trace.get("mode", "")):
            continue
        for label, text in zip(chart_values(trace.get("y", [])), trace.get("text") or []):
            words = set(STATUS_WORDS.findall(str(text)))
            if label in bar_status and words and words != {bar_status[label]}:
                found.append(f"{title}: {text!r} written beside a {bar_status[label]} bar")
    return found


def figures_of(at) -> dict[str, dict]:
    assert not at.exception, at.exception
    return charts_by_title(at)


@pytest.fixture(scope="module")
def teams() -> list[str]:
    return list(demo_sheets()["Teams"]["team"])


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_of_a_page_colours_by_status_in_the_palette(open_page, page):
    at = open_page(page)
    at.run()
    found = [problem for title, figure in figures_of(at).items() for problem in problems(title, figure)]
    assert found == []


@pytest.mark.slow
def test_every_team_pages_charts_colour_by_status_in_the_palette(open_page, teams):
    found, status_traces = [], 0
    for team in teams:
        at = open_page("pages/team.py", team=team)
        at.run()
        for title, figure in figures_of(at).items():
            found += problems(title, figure)
            status_traces += sum(status_of(trace) is not None for trace in figure["data"])
    assert found == []
    assert status_traces > len(teams)  # the KR figures colour by status, so the walk checked them


def test_the_walk_finds_a_wrong_colour_a_missing_legend_and_disagreeing_words():
    """The checks above can fail: a figure with each fault is caught."""
    figure = {
        "layout": {"showlegend": False},
        "data": [
            {"type": "bar", "name": "on track", "marker": {"color": STATUS_COLORS["off track"]}, "y": ["K1"]},
            {"type": "bar", "name": "Progress", "marker": {"color": [STATUS_COLORS["at risk"]]}, "y": ["K2"]},
            {"type": "scatter", "mode": "text", "name": "Status", "y": ["K1"], "text": ["40% · off track"]},
        ],
    }
    found = problems("Broken", figure)
    assert any("is drawn in" in p for p in found)
    assert any("without a legend" in p for p in found)
    assert any("at risk colour" in p for p in found)
    assert any("written beside a on track bar" in p for p in found)
