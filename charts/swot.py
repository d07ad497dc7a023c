"""The pooled SWOT's internal/external split."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import BASE_FONT_SIZE, styled

# Colours of their own, none of the status palette's (a red "weakness" would read as "off track"):
# internal in blue-greys, external in browns, each dark enough for white text.
QUADRANT_COLORS = {
    "strength": "#1F3A5F",
    "weakness": "#5A6270",
    "opportunity": "#6D4C41",
    "threat": "#8D6E63",
}
SIDE_ORDER = ("External", "Internal")  # bottom to top: internal reads first


def swot_split_figure(counts: pd.DataFrame, title: str) -> go.Figure:
    """counts: COUNT_COLUMNS of analytics.swot. One stacked bar per side (internal: strengths and
    weaknesses; external: opportunities and threats), each segment labelled with its quadrant and
    number of items."""
    figure = go.Figure()
    for row in counts.to_dict("records"):
        side = row["side"].capitalize()
        figure.add_trace(
            go.Bar(
                y=[side],
                x=[row["items"]],
                name=row["label"],
                orientation="h",
                marker={"color": QUADRANT_COLORS[row["quadrant"]]},
                text=[f"{row['label']}: {row['items']}"],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"size": BASE_FONT_SIZE, "color": "white"},
                hovertemplate=f"{row['label']}: %{{x}} items<extra></extra>",
            )
        )
    figure.update_layout(barmode="stack", showlegend=False, bargap=0.25)
    figure.update_yaxes(categoryorder="array", categoryarray=list(SIDE_ORDER), showgrid=False)
    figure.update_xaxes(
        title={"text": "items", "font": {"size": BASE_FONT_SIZE - 2}}, showgrid=True, gridcolor="#E6E8EB"
    )
    return styled(figure, title, height=260)
