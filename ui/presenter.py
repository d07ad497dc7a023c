"""Presenter mode on the shared screen: type that scales with the window, a team's key results as
large lines that fit without scrolling, and the keys a presentation clicker sends. Every piece of
user text is escaped."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from analytics.exceptions import review_lines
from charts.theme import status_color
from ui.exceptions import PILL_STYLE, flags_of, gap_text, status_pill
from ui.state import PRESENTER_NEXT, PRESENTER_PREVIOUS

LIST_CLASS = "okr-slide-krs"

# Static styling only (no user text). Sizes follow the window (vw, vh): the KR lines are 24 px and
# more on a 1920×955 screen and 18 px on a 1366×768 laptop, so that KRS_PER_SCREEN lines, the
# header and the team's figures fit without scrolling. Each KR takes two lines whatever its text: a
# title longer than the line (some 90 characters) ends in an ellipsis, whole on hover.
STYLE = f"""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"] {{display: none;}}
.block-container, [data-testid="stMainBlockContainer"] {{padding: 0.75rem 2.5rem 0 2.5rem; max-width: 100%;}}
[data-testid="stMain"] [data-testid="stVerticalBlock"] {{gap: 0.6rem;}}
[data-testid="stMetricValue"] {{font-size: clamp(1.5rem, 3.8vh, 3rem);}}
[data-testid="stMetricLabel"] p {{font-size: clamp(0.95rem, 2vh, 1.4rem);}}
[data-testid="stMetricDelta"] {{font-size: clamp(0.85rem, 1.8vh, 1.2rem);}}
[data-testid="stCaptionContainer"] p {{font-size: clamp(0.85rem, 1.9vh, 1.2rem);}}
h1 {{font-size: clamp(2rem, 5vh, 3rem) !important; padding: 0 !important;}}
.{LIST_CLASS} {{font-size: clamp(18px, min(1.3vw, 2.6vh), 34px); line-height: 1.25; color: #111;}}
.{LIST_CLASS} .okr-kr {{display: grid; grid-template-columns: 7.2em minmax(0, 1fr) 14em; column-gap: 0.8em;
  align-items: center; padding: 0.2em 0; border-bottom: 1px solid #C9CCD1;}}
.{LIST_CLASS} .okr-title {{font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}}
.{LIST_CLASS} .okr-comment {{font-size: 0.82em; font-style: italic; color: #222; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis;}}
.{LIST_CLASS} .okr-value {{text-align: right; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}}
.{LIST_CLASS} .okr-measure {{display: flex; align-items: center; gap: 0.5em;}}
.{LIST_CLASS} .okr-bar {{position: relative; flex: 1; height: 0.45em; background: #E6E8EB;}}
.{LIST_CLASS} .okr-fill {{position: absolute; left: 0; top: 0; bottom: 0;}}
.{LIST_CLASS} .okr-expected {{position: absolute; top: -0.2em; bottom: -0.2em; width: 3px; background: #111;}}
.{LIST_CLASS} .okr-gap {{font-size: 0.82em; color: #222; white-space: nowrap;}}
{PILL_STYLE}
</style>"""

# What a presentation clicker sends: arrows, Page Up/Down, space. The script runs in a component's
# iframe, which is same-origin: it listens on the app's document and clicks the slide's own
# Previous/Next buttons, so a key does exactly what a click does. A new copy replaces the listener
# of the last one; keys typed into a text field are left alone.
KEY_SCRIPT = f"""<script>
const app = window.parent;
const doc = app.document;
const FORWARD = new Set(["ArrowRight", "ArrowDown", "PageDown", " ", "Spacebar"]);
const BACK = new Set(["ArrowLeft", "ArrowUp", "PageUp"]);
function onKey(event) {{
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  const field = event.target.closest && event.target.closest("input, textarea, select, [contenteditable='true']");
  const closedChoice = field && field.getAttribute("role") === "combobox"
    && field.getAttribute("aria-expanded") !== "true";
  if (field && !closedChoice) return;
  const back = BACK.has(event.key) || (event.key === " " && event.shiftKey);
  if (!back && !FORWARD.has(event.key)) return;
  const button = doc.querySelector(back ? ".st-key-{PRESENTER_PREVIOUS} button" : ".st-key-{PRESENTER_NEXT} button");
  if (!button) return;
  event.preventDefault();
  if (doc.activeElement && doc.activeElement.blur) doc.activeElement.blur();
  button.click();
}}
if (app.okrPresenterKeys) doc.removeEventListener("keydown", app.okrPresenterKeys, true);
app.okrPresenterKeys = onKey;
doc.addEventListener("keydown", onKey, true);
</script>"""


def clicker_keys() -> None:
    """Arrow keys, Page Up/Page Down and space step through the slides."""
    st.iframe(KEY_SCRIPT, height=1, alt="Keyboard and clicker control of presenter mode")


def kr_line_html(row) -> str:
    """One KR: status, title, and its last comment after what else the room should know (overdue,
    no update for weeks); actual / target, a bar of progress with a tick where it should be by now,
    and the gap in points."""
    progress = min(max(float(row["progress"]), 0.0), 1.0)
    expected = row["expected"]
    colour = status_color(row["status"])
    tick = "" if pd.isna(expected) else f'<span class="okr-expected" style="left: {float(expected):.1%}"></span>'
    comment = " · ".join([*flags_of(row), row["comment"]])
    return (
        f'<div class="okr-kr" data-kr="{html.escape(row["kr_id"])}">'
        f"<div>{status_pill(row['status'])}</div>"
        f'<div><div class="okr-title" title="{html.escape(row["title"])}">{html.escape(row["title"])}</div>'
        f'<div class="okr-comment">{html.escape(comment)}</div></div>'
        f'<div><div class="okr-value">{html.escape(row["value_text"])}</div>'
        f'<div class="okr-measure"><div class="okr-bar" title="{html.escape(row["status"])}">'
        f'<span class="okr-fill" style="width: {progress:.1%}; background: {colour}"></span>{tick}</div>'
        f'<div class="okr-gap">{progress:.0%} · {html.escape(gap_text(row))}</div></div></div>'
        "</div>"
    )


def kr_list_html(lines: pd.DataFrame) -> str:
    """The lines of a screen (review_lines) as one block of kr_line_html rows."""
    return f'<div class="{LIST_CLASS}">{"".join(kr_line_html(row) for row in lines.to_dict("records"))}</div>'


def kr_lines(krs: pd.DataFrame, as_of) -> None:
    """A screen's KRs (rows of kr_progress) as large lines."""
    st.html(kr_list_html(review_lines(krs, as_of)))
