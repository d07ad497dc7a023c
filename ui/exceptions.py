"""The KRs that need the room's attention, first on the Company overview: the worst few in large
type above the fold, every one of them a click away. Every piece of user text is escaped."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from analytics.exceptions import attention_counts
from charts.theme import STATUS_BADGES, gap_points, status_color
from ui.scale import SHOW_ALL_ATTENTION, capped
from ui.tables import table_height

# As many as fit above the fold of a 1920×955 window under the page's title.
SHOWN = 8
LIST_CLASS = "okr-attention"

PILL_STYLE = (
    ".okr-pill {display: inline-block; padding: 0 0.45em; border-radius: 0.3em; font-weight: 600; white-space: nowrap;}"
)
# Static styling only (no user text). Every text of the list is at least 20 px: it is read from
# across the room on the shared screen. Narrower than a TV's main area (a laptop beside the sidebar)
# the last comment goes under the title and figures, so that the title has the width.
_STYLE = f"""<style>
.okr-attention-box {{container: okr-attention / inline-size;}}
.{LIST_CLASS} {{display: grid; grid-template-columns: max-content minmax(0, 1.7fr) max-content minmax(0, 1fr);
  column-gap: 1.1rem; font-size: 20px; line-height: 1.3; color: #111;}}
.{LIST_CLASS} .okr-head {{font-weight: 600; border-bottom: 2px solid #111; padding: 0 0 0.2rem 0;}}
.{LIST_CLASS} .okr-cell {{padding: 0.35rem 0; border-bottom: 1px solid #D5D8DC; min-width: 0;}}
.{LIST_CLASS} .okr-title {{font-size: 22px; font-weight: 600;}}
.{LIST_CLASS} .okr-second {{color: #333;}}
.{LIST_CLASS} .okr-comment {{font-style: italic; display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; overflow: hidden;}}
@container okr-attention (max-width: 1150px) {{
  .{LIST_CLASS} {{grid-template-columns: max-content minmax(0, 1fr) max-content;}}
  .{LIST_CLASS} .okr-head-comment {{display: none;}}
  .{LIST_CLASS} .okr-status {{grid-row: span 2;}}
  .{LIST_CLASS} .okr-main, .{LIST_CLASS} .okr-value {{border-bottom: none; padding-bottom: 0;}}
  .{LIST_CLASS} .okr-comment {{grid-column: 2 / 4; -webkit-line-clamp: 1; padding-top: 0.1rem;}}
}}
{PILL_STYLE}
</style>"""


def status_pill(status: str) -> str:
    """The status as its word on its colour (HTML), in white or near-black, whichever reads on it."""
    colour = status_color(status)
    return f'<span class="okr-pill" style="background: {colour}; color: {text_on(colour)}">{html.escape(status)}</span>'


def text_on(colour: str) -> str:
    """White or near-black, whichever contrasts more with "#RRGGBB" (WCAG relative luminance)."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#111" if (luminance + 0.05) / 0.055 > 1.05 / (luminance + 0.05) else "#fff"


def gap_text(row) -> str:
    """Progress against expected by now in points ("−41 pts"), a dash when either is unknown."""
    return gap_points(row["progress"], row["expected"]) or "—"


def flags_of(row) -> list[str]:
    """ "no update for 38 days", "31 days overdue": what else the room should know ("no check-in" is
    what the last comment says of a KR without one)."""
    flags = []
    if row["stale"] and pd.notna(row["days_silent"]):
        flags.append(f"no update for {row['days_silent']} days")
    if row["days_overdue"] > 0:
        flags.append(f"{row['days_overdue']} days overdue")
    return flags


def attention_html(exceptions: pd.DataFrame) -> str:
    """The list as HTML: status and flags, title with team and owner, value against target with
    where it should be by now and the gap, the last comment."""
    cells = [
        f'<div class="okr-head">{head}</div>'
        for head in ("Status", "Key result · team · owner", "Now / target · expected by now")
    ] + ['<div class="okr-head okr-head-comment">Last comment</div>']
    for row in exceptions.to_dict("records"):
        text = {key: html.escape(str(row[key])) for key in ("kr_id", "title", "team", "owner", "comment")}
        flags = "<br>".join(html.escape(flag) for flag in flags_of(row))
        cells += [
            f'<div class="okr-cell okr-status">{status_pill(row["status"])}<div class="okr-second">{flags}</div></div>',
            f'<div class="okr-cell okr-main" data-kr="{text["kr_id"]}"><div class="okr-title">{text["title"]}</div>'
            f'<div class="okr-second">{text["team"]} · {text["owner"]} · {text["kr_id"]}</div></div>',
            f'<div class="okr-cell okr-value">{html.escape(row["value_text"])}<div class="okr-second">'
            f"expected {html.escape(row['expected_text'])} · {html.escape(gap_text(row))}</div></div>",
            f'<div class="okr-cell okr-comment">{text["comment"]}</div>',
        ]
    return f'{_STYLE}<div class="okr-attention-box"><div class="{LIST_CLASS}">{"".join(cells)}</div></div>'


def counts_text(exceptions: pd.DataFrame, in_force: int) -> str:
    counts = attention_counts(exceptions)
    return (
        f"{len(exceptions)} of {in_force} key results · {counts['overdue']} overdue · {counts['off track']} off "
        f"track · {counts['no check-in']} without any check-in · {counts['stale']} with no update for 30 days · "
        "worst first"
    )


FULL_LIST = {
    "kr_id": "KR",
    "status": "Status",
    "title": st.column_config.TextColumn("Key result", width="medium"),
    "team": "Team",
    "owner": "Owner",
    "value_text": "Now / target",
    "expected_text": "Expected by now",
    "gap_text": "Progress vs expected",
    "flags": "Also",
    "comment": st.column_config.TextColumn("Last comment", width="large"),
}


def needs_attention_section(exceptions: pd.DataFrame, in_force: int, shown: int = SHOWN, many: bool = False) -> None:
    """The section: a heading with the counts, the `shown` worst in large type, and "and 29 more"
    opening the whole list, with links to the pages where the room decides about them. With `many`
    teams in view the list holds the worst WORST_ROWS with a toggle for all (thousands of rows were
    sent to the browser on every visit, the expander closed or not)."""
    st.subheader("Needs attention" if len(exceptions) else "Nothing needs attention", anchor=False)
    if exceptions.empty:
        st.caption(f"None of the {in_force} key results is overdue, off track, without a check-in or stale.")
        return
    st.caption(counts_text(exceptions, in_force))
    st.html(attention_html(exceptions.head(shown)))
    rest = len(exceptions) - shown
    with st.expander(f"and {rest} more — the whole list" if rest > 0 else "The list as a table"):
        listed = capped(exceptions, SHOW_ALL_ATTENTION, "key results") if many else exceptions
        rows = listed.to_dict("records")
        full = listed.assign(
            status=listed["status"].map(STATUS_BADGES),
            gap_text=[gap_text(row) for row in rows],
            flags=[" · ".join(flags_of(row)) for row in rows],
        )
        st.dataframe(
            full[list(FULL_LIST)],
            hide_index=True,
            width="stretch",
            column_config=FULL_LIST,
            height=table_height(len(full), 20),
        )
        st.page_link("pages/change_or_cancel.py", label="Decide on them: To change or cancel", icon=":material/rule:")
        st.page_link("pages/due_dates.py", label="Due dates & overdue", icon=":material/event_busy:")
