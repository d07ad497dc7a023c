"""The Team page and the Alignment map as people see them, in headless Chromium on the demo data, at
1366×768 and 1920×955: the Team page's KR tables fit their decision columns without sideways scrolling,
and so do the columns opened from the expander and the page's other tables; the Alignment map draws no
chart text under 12 px and names each objective's tile by team and title."""

from __future__ import annotations

import pytest
from test_browser import ARTIFACTS, open_app

pytestmark = pytest.mark.browser

# Every table's scrolling area (the data grid's scroller) and how much wider its content is than its box.
OVERFLOW = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] [data-testid="stDataFrame"]'))
    .filter(table => table.offsetParent !== null)
    .map(table => {
        const scroller = table.querySelector('.dvn-scroller');
        const headers = Array.from(table.querySelectorAll('[role="columnheader"]')).map(h => h.textContent);
        return {headers, overflow: scroller ? scroller.scrollWidth - scroller.clientWidth : null};
    })"""


@pytest.mark.parametrize("size", [(1366, 768), (1920, 955)])
def test_team_pages_kr_tables_need_no_sideways_scrolling(browser, read_only_app_url, size):
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_app(page, f"{read_only_app_url}/team?team=Sales")
        page.wait_for_selector('[data-testid="stMain"] [data-testid="stDataFrame"] .dvn-scroller', timeout=60000)
        # The first KR table's other columns, opened.
        page.get_by_text("Owner, confidence, last update, trend and forecast").first.click()
        # A table draws its grid once scrolled into view.
        tables = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]')
        for i in range(tables.count()):
            if tables.nth(i).is_visible():
                tables.nth(i).scroll_into_view_if_needed()
                tables.nth(i).locator(".dvn-scroller").wait_for(timeout=30000)
        tables.first.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"team_sales_{width}x{height}.png"))
        tables = page.evaluate(OVERFLOW)
        kr_tables = [t for t in tables if "Target" in t["headers"] and "Last comment" in t["headers"]]
        assert len(kr_tables) == 3  # Sales has three objectives in force
        assert any("Forecast at due date" in t["headers"] for t in tables)  # the opened expander's table
        # No table scrolls sideways: the KR tables, the opened expander's, initiatives, dependencies.
        assert [t["overflow"] for t in tables if t["headers"]] == [0] * len([t for t in tables if t["headers"]]), tables
    finally:
        context.close()


# Every piece of text drawn in the page's charts with its size on screen in pixels: its font size times
# the scale plotly applies to fit a tile (hidden text left out).
CHART_TEXT_SIZES = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"] text'))
    .filter(text => text.textContent.trim() && text.getBoundingClientRect().width > 0
        && getComputedStyle(text).opacity !== '0' && getComputedStyle(text).display !== 'none')
    .map(text => {
        const m = text.getScreenCTM();
        const px = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
        return {text: text.textContent.slice(0, 40), px};
    })"""


@pytest.mark.parametrize("size", [(1366, 768), (1920, 955)])
def test_alignment_map_draws_no_text_under_12_px_and_names_objectives(browser, read_only_app_url, size):
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_app(page, f"{read_only_app_url}/alignment")
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60000)
        charts = page.locator('[data-testid="stPlotlyChart"]')
        for i in range(charts.count()):
            charts.nth(i).scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        charts.first.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"alignment_{width}x{height}.png"))
        texts = page.evaluate(CHART_TEXT_SIZES)
        assert texts and min(t["px"] for t in texts) >= 12, sorted(texts, key=lambda t: t["px"])[:5]
        # Objectives' tiles are named by team and title: "Sales" and its objective's words are drawn.
        drawn = " ".join(t["text"] for t in texts)
        assert "Sales" in drawn and "mid-market" in drawn
    finally:
        context.close()
