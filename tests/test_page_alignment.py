"""The alignment map on the demo data, and on a copy with a gap and an orphan added."""

from __future__ import annotations

import re

import pandas as pd
from test_page_overview import hand_computed_progress

from charts.alignment import CONFLICTS, SETTLED
from charts.theme import STATUS_COLORS
from conftest import chart_values, charts_by_title, demo_sheets
from store.database import Store, UploadedFile

TREEMAP = "Company objectives → team objectives → KRs"
NETWORK = "Who depends on whom (arrow: depends on)"


def in_force_krs() -> pd.DataFrame:
    sheets = demo_sheets()
    objectives = sheets["Objectives"].assign(period=lambda f: f["period"].astype(str))
    in_force = objectives[(objectives["level"] == "team") & objectives["period"].isin(["2027", "2027-Q2"])]
    return sheets["KeyResults"].merge(in_force[["objective_id", "team"]], on="objective_id"), sheets


def hand_computed_edges() -> dict[tuple[str, str], bool]:
    """(team, team it depends on) → conflict: the other team has no KR naming the team in its
    depends_on or its title."""
    krs, _ = in_force_krs()
    depends = {
        kr: [t.strip() for t in str(d).split(";") if t.strip()] if isinstance(d, str) else []
        for kr, d in zip(krs["kr_id"], krs["depends_on"])
    }
    edges = {}
    for kr in krs.to_dict("records"):
        for other in depends[kr["kr_id"]]:
            theirs = krs[krs["team"] == other]
            named = any(
                kr["team"] in depends[k] or re.search(rf"\b{re.escape(kr['team'])}\b", title)
                for k, title in zip(theirs["kr_id"], theirs["title"])
            )
            edges[(kr["team"], other)] = not named
    return edges


def test_alignment_map_of_the_demo(open_page):
    at = open_page("pages/alignment.py")
    at.run()
    assert not at.exception
    krs, sheets = in_force_krs()
    metrics = {m.label: m.value for m in at.metric}
    # Every demo team objective links to one of the four company objectives, and each is supported.
    assert metrics["Gaps"] == "0" and metrics["Orphans"] == "0"
    edges = hand_computed_edges()
    assert metrics["Dependency conflicts"] == f"{sum(edges.values())} of {len(edges)}"

    treemap = charts_by_title(at)[TREEMAP]["data"][0]
    ids = chart_values(treemap["ids"])
    colors = dict(zip(ids, treemap["marker"]["colors"]))
    statuses: dict[str, str] = {}
    hand_computed_progress(sheets, statuses)
    assert set(krs["kr_id"]) <= set(ids)
    for kr_id in krs["kr_id"]:
        assert colors[kr_id] == STATUS_COLORS[statuses[kr_id]], kr_id
    # An objective's tile is labelled with its team and its title; no tile text is drawn under 12 px.
    labels = dict(zip(ids, chart_values(treemap["labels"])))
    for objective_id in krs["objective_id"].unique():
        team, title = sheets["Objectives"].set_index("objective_id").loc[objective_id, ["team", "title"]]
        assert labels[objective_id].startswith(f"<b>{team}</b><br>".replace("&", "&amp;")), objective_id
        assert labels[objective_id].split("<br>", 1)[1].replace("<br>", " ") == title.replace("&", "&amp;")
    figure = charts_by_title(at)[TREEMAP]
    assert figure["layout"]["uniformtext"] == {"minsize": 12, "mode": "hide"}
    assert treemap["textfont"]["size"] >= 12 and treemap["pathbar"]["textfont"]["size"] >= 12
    # The treemap's legend names the colours it draws, in the palette's colour for each status.
    legend = {trace["name"]: trace["marker"]["color"] for trace in figure["data"][1:]}
    drawn = set(colors.values())
    assert legend == {status: color for status, color in STATUS_COLORS.items() if color in drawn}
    assert {statuses[kr_id] for kr_id in krs["kr_id"]} <= set(legend)
    assert figure["layout"]["showlegend"] is True
    parents = dict(zip(ids, chart_values(treemap["parents"])))
    objectives = sheets["Objectives"].set_index("objective_id")
    for kr in krs.to_dict("records"):
        assert parents[kr["kr_id"]] == kr["objective_id"]
        assert parents[kr["objective_id"]] == objectives.loc[kr["objective_id"], "parent_objective_id"]

    # By default the graph shows only the conflicts; one toggle brings back every link.
    conflicts_title = f"Dependency conflicts: {sum(edges.values())} of {len(edges)} links (arrow: depends on)"
    network = charts_by_title(at)[conflicts_title]
    traces = {trace["name"]: trace for trace in network["data"]}
    assert len(traces[CONFLICTS]["hovertext"]) == sum(edges.values())
    assert SETTLED not in traces
    assert len(network["layout"]["annotations"]) == sum(edges.values())
    assert at.toggle[0].label == "Show every dependency" and at.toggle[0].value is False
    at.toggle[0].set_value(True).run()
    assert not at.exception
    network = charts_by_title(at)[NETWORK]
    traces = {trace["name"]: trace for trace in network["data"]}
    assert len(traces[CONFLICTS]["hovertext"]) == sum(edges.values())
    assert len(traces[SETTLED]["hovertext"]) == len(edges) - sum(edges.values())
    assert len(network["layout"]["annotations"]) == len(edges)

    conflicts = at.dataframe[-1].value
    assert set(zip(conflicts["from_team"], conflicts["to_team"])) == {pair for pair, c in edges.items() if c}
    overlaps = next(d.value for d in at.dataframe if "shared" in d.value.columns)
    pairs = {frozenset((a, b)) for a, b in zip(overlaps["id_a"], overlaps["id_b"])}
    # Read off the workbook: Alliances' partner-sourced opportunities against BizDev's, and the
    # partner-delivered onboarding CSAT against Success' onboarding CSAT.
    assert {frozenset(("ALL-O1-KR2", "BDV-O1-KR4")), frozenset(("ALL-O2-KR2", "SUC-O2-KR2"))} <= pairs


def test_team_filter_narrows_the_map(open_page):
    at = open_page("pages/alignment.py", team="Sales")
    at.run()
    assert not at.exception
    krs, _ = in_force_krs()
    treemap = charts_by_title(at)[TREEMAP]["data"][0]
    ids = set(chart_values(treemap["ids"]))
    assert set(krs["kr_id"]) & ids == set(krs.loc[krs["team"] == "Sales", "kr_id"])
    edges = {pair: c for pair, c in hand_computed_edges().items() if "Sales" in pair}
    assert {m.label: m.value for m in at.metric}["Dependency conflicts"] == f"{sum(edges.values())} of {len(edges)}"


def test_a_gap_and_an_orphan_are_listed(open_page, writable_demo_db, monkeypatch):
    store = Store.open(writable_demo_db)
    objectives = pd.DataFrame(
        {
            "objective_id": ["CO-9", "DAT-O9"],
            "period": ["2027", "2027-Q2"],
            "level": ["company", "team"],
            "team": [None, "Data"],
            "title": ["Expand into a second market", "Clean up dashboards"],
        }
    )
    store.apply_upload({"objectives": (objectives, list(objectives.columns))}, [UploadedFile("t.csv", b"x")], "tester")
    store.close()
    monkeypatch.setenv("OKR_DB", writable_demo_db)
    at = open_page("pages/alignment.py")
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Gaps"], metrics["Orphans"]) == ("1", "1")
    tables = [d.value for d in at.dataframe]
    assert tables[0]["objective_id"].tolist() == ["CO-9"]
    assert tables[1]["objective_id"].tolist() == ["DAT-O9"]
    treemap = charts_by_title(at)[TREEMAP]["data"][0]
    parents = dict(zip(chart_values(treemap["ids"]), chart_values(treemap["parents"])))
    assert parents["DAT-O9"] == "(not linked)" and parents["CO-9"] == ""
