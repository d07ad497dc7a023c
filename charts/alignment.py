"""Figures of the alignment map: the company → team objective → KR treemap and the cross-team
dependency graph."""

from __future__ import annotations

import html
import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

from charts.theme import BASE_FONT_SIZE, NEGATIVE_COLOR, STATUS_COLORS, styled

UNLINKED_COLOR = "#E6E8EB"
SETTLED_COLOR = "#8A8F98"
NODE_COLOR = "#1F3A5F"
MIN_TEXT_PX = 12
CONFLICTS = "Conflict: the other team has no KR for it"
SETTLED = "Both teams have KRs naming each other"


def _wrapped(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(str(text), width)) or " "


def alignment_treemap_figure(tree: pd.DataFrame, title: str, height: int = 860, kr_tiles: bool = True) -> go.Figure:
    """tree: TREE_COLUMNS of analytics.alignment. Tile size = number of KRs; KRs coloured by
    status, objectives by pace; a company objective no team supports shows as an empty tile. An
    objective's tile reads "<b>team</b><br>title" (wrapped); no text is drawn under MIN_TEXT_PX.
    Without `kr_tiles` the objectives are the smallest tiles, still sized by their KRs: at 200 teams
    thousands of KR tiles took the browser seconds to draw on every visit, too small to read."""
    kr_count = tree.loc[tree["kind"] == "kr", "parent_id"].value_counts()
    if not kr_tiles:
        tree = tree[tree["kind"] != "kr"].reset_index(drop=True)
    has_children = set(tree["parent_id"])
    leaf = ~tree["node_id"].isin(has_children)
    sizes = leaf.astype(int) if kr_tiles else tree["node_id"].map(kr_count).fillna(1).astype(int).where(leaf, 0)
    colors = [
        UNLINKED_COLOR if kind == "unlinked" or (kind == "company" and is_leaf) else STATUS_COLORS[status]
        for kind, status, is_leaf in zip(tree["kind"], tree["status"], leaf)
    ]
    # An objective's tile names its team and its title: the team alone does not say what the tile is
    # about. Two levels at a time, so that an objective's tile is large enough for both; a click on a
    # company objective shows its objectives' KRs, coloured by status.
    labels = [
        f"<b>{html.escape(str(team))}</b><br>{_wrapped(html.escape(str(title)), 20)}"
        if kind == "objective"
        else _wrapped(html.escape(str(label)), 60 if kind in ("company", "unlinked") else 24)
        for kind, team, title, label in zip(tree["kind"], tree["team"], tree["title"], tree["label"])
    ]
    figure = go.Figure(
        go.Treemap(
            ids=tree["node_id"],
            parents=tree["parent_id"],
            values=sizes,
            labels=labels,
            branchvalues="remainder",
            maxdepth=2,
            marker={"colors": colors, "line": {"color": "white", "width": 2}},
            customdata=list(zip(tree["status"], tree["detail"], tree["label"])),
            textfont={"size": BASE_FONT_SIZE - 2, "color": "white"},
            hovertemplate="%{customdata[2]}<br>%{customdata[0]} · %{customdata[1]}<extra></extra>",
            pathbar={"visible": True, "textfont": {"size": BASE_FONT_SIZE - 2}},
            tiling={"pad": 4},
        )
    )
    # A treemap has no legend of its own: one empty marker trace per status drawn gives it one.
    drawn = set(color for color in colors)
    for status, color in STATUS_COLORS.items():
        if color in drawn:
            figure.add_trace(
                go.Scatter(x=[None], y=[None], mode="markers", name=status, marker={"color": color, "size": 14})
            )
    figure = styled(figure, title, height=height)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    figure.update_layout(
        margin={"l": 4, "r": 4, "t": 100, "b": 4},
        showlegend=True,
        legend={"y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        # A tile's text shrinks to fit its tile; below 12 px it is hidden rather than unreadable.
        uniformtext={"minsize": MIN_TEXT_PX, "mode": "hide"},
    )
    return figure


def _circle(teams: list[str]) -> dict[str, tuple[float, float]]:
    """Fixed positions on a unit circle, the first team at the top, clockwise."""
    count = max(len(teams), 1)
    return {
        team: (math.sin(2 * math.pi * i / count), math.cos(2 * math.pi * i / count)) for i, team in enumerate(teams)
    }


def dependency_network_figure(edges: pd.DataFrame, teams: list[str], title: str, height: int = 720) -> go.Figure:
    """edges: EDGE_COLUMNS of analytics.alignment. Teams on a circle; an arrow from the team that
    depends to the team it depends on, red where the other team has no KR for it (a conflict),
    thicker with more KRs. A marker half-way along each arrow carries the KR ids on hover."""
    position = _circle(teams)
    pairs = set(zip(edges["from_team"], edges["to_team"]))
    figure = go.Figure()
    midpoints = {True: [], False: []}
    arrows = []
    for edge in edges.to_dict("records"):
        (x0, y0), (x1, y1) = position[edge["from_team"]], position[edge["to_team"]]
        if (edge["to_team"], edge["from_team"]) in pairs:
            # Both directions exist: shift each to its own side so the two arrows stay apart.
            length = math.hypot(x1 - x0, y1 - y0) or 1
            dx, dy = -(y1 - y0) / length * 0.035, (x1 - x0) / length * 0.035
            x0, y0, x1, y1 = x0 + dx, y0 + dy, x1 + dx, y1 + dy
        color = NEGATIVE_COLOR if edge["conflict"] else SETTLED_COLOR
        arrows.append(
            dict(
                x=x1,
                y=y1,
                ax=x0,
                ay=y0,
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                text="",
                showarrow=True,
                arrowhead=2,
                arrowsize=1.1,
                arrowwidth=1.5 + min(edge["kr_count"], 6),
                arrowcolor=color,
                standoff=20,
                startstandoff=20,
                opacity=0.9 if edge["conflict"] else 0.6,
            )
        )
        midpoints[edge["conflict"]].append(
            (
                (x0 + x1) / 2,
                (y0 + y1) / 2,
                f"{edge['from_team']} → {edge['to_team']}: {edge['kr_ids']}",
            )
        )
    # One layout update for every arrow: add_annotation one by one re-validates them all each time.
    figure.update_layout(annotations=arrows)
    for conflict, name in ((True, CONFLICTS), (False, SETTLED)):
        points = midpoints[conflict]
        if not points:
            continue
        figure.add_trace(
            go.Scatter(
                x=[p[0] for p in points],
                y=[p[1] for p in points],
                hovertext=[p[2] for p in points],
                mode="markers",
                name=name,
                hoverinfo="text",
                marker={"size": 12, "symbol": "diamond", "color": NEGATIVE_COLOR if conflict else SETTLED_COLOR},
            )
        )
    x = [position[t][0] for t in teams]
    y = [position[t][1] for t in teams]
    figure.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="markers+text",
            text=teams,
            name="Teams",
            showlegend=False,
            hoverinfo="text",
            marker={"size": 30, "color": NODE_COLOR, "line": {"color": "white", "width": 2}},
            textposition=[
                "middle right"
                if px > 0.2
                else "middle left"
                if px < -0.2
                else "top center"
                if py > 0
                else "bottom center"
                for px, py in zip(x, y)
            ],
            textfont={"size": BASE_FONT_SIZE},
        )
    )
    figure = styled(figure, title, height=height)
    figure.update_xaxes(visible=False, range=[-1.9, 1.9], fixedrange=True)
    figure.update_yaxes(visible=False, range=[-1.25, 1.25], fixedrange=True, scaleanchor="x")
    figure.update_layout(legend={"y": -0.05, "yanchor": "top", "x": 0, "xanchor": "left"})
    return figure
