"""The monthly review on the shared screen, in a real browser at a 1080p TV's window (1920 × 955) and
a laptop's (1366 × 768): the Company overview names the worst key results above the fold, and
presenter mode fits the window on every screen and steps with the keys a clicker sends. Screenshots
land in artifacts/screens (git-ignored)."""

from __future__ import annotations

import time

import pytest
from test_browser import ARTIFACTS, MAIN_OVERFLOW, open_app, title_after
from test_page_overview import hand_computed_exceptions
from test_page_presenter import expected_screens

from ui import state

pytestmark = pytest.mark.browser

TV = (1920, 955)
LAPTOP = (1366, 768)
# The worst KRs whose titles show without scrolling: the whole large-type list on the TV; on the
# laptop, with the sidebar open, the first three (each title wraps over two lines there).
ABOVE_THE_FOLD = {TV: 8, LAPTOP: 3}
# The KR lines of presenter mode, in CSS pixels: at least 24 on the TV, readable on the laptop.
SMALLEST_KR_TYPE = {TV: 24, LAPTOP: 17.5}
NEXT_BUTTON = f".st-key-{state.PRESENTER_NEXT} button"

TITLE_BOXES = """() => [...document.querySelectorAll('.okr-attention [data-kr]')].map(cell => {
    const box = cell.querySelector('.okr-title').getBoundingClientRect();
    return {kr: cell.dataset.kr, top: box.top, bottom: box.bottom, height: box.height,
            size: parseFloat(getComputedStyle(cell.querySelector('.okr-title')).fontSize)};
})"""
DOCUMENT_OVERFLOW = "() => ({scrollHeight: document.scrollingElement.scrollHeight, innerHeight: window.innerHeight})"
KR_TYPE = """() => [...document.querySelectorAll('.okr-slide-krs .okr-title')].map(title => {
    const style = getComputedStyle(title);
    return {size: parseFloat(style.fontSize), color: style.color};
})"""


@pytest.fixture(params=[TV, LAPTOP], ids=["1920x955", "1366x768"])
def window(request, browser):
    context = browser.new_context(viewport={"width": request.param[0], "height": request.param[1]})
    page = context.new_page()
    yield request.param, page
    context.close()


def test_the_overview_shows_the_worst_krs_above_the_fold(window, read_only_app_url):
    size, page = window
    open_app(page, read_only_app_url)
    page.wait_for_selector(".okr-attention [data-kr]", timeout=60000)
    shown = page.evaluate(TITLE_BOXES)
    expected = hand_computed_exceptions()
    assert [box["kr"] for box in shown] == expected[: len(shown)]
    for box in shown[: ABOVE_THE_FOLD[size]]:
        assert 0 <= box["top"] and box["bottom"] <= size[1], f"{box['kr']} is below the fold at {size}: {box}"
        assert box["height"] > 0 and box["size"] >= 20
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"overview_exceptions_{size[0]}x{size[1]}.png"))


def fits(page) -> dict:
    """The main area's and the document's heights against the window, once the screen has settled
    (a chart may draw once at its default size before its own)."""
    deadline = time.monotonic() + 10
    while True:
        main, document = page.evaluate(MAIN_OVERFLOW), page.evaluate(DOCUMENT_OVERFLOW)
        fitted = (
            main["scrollHeight"] <= main["clientHeight"] + 1 and document["scrollHeight"] <= document["innerHeight"]
        )
        if fitted or time.monotonic() > deadline:
            return {"fits": fitted, "main": main, "document": document}
        time.sleep(0.5)


def press(page, key: str) -> str:
    """Press `key` on the page (not on a button) and return the next screen's title."""
    return title_after(page, lambda: page.keyboard.press(key))


def test_presenter_mode_fits_the_window_and_steps_with_a_clicker_s_keys(window, read_only_app_url):
    from analytics.presenter import KRS_PER_SCREEN

    size, page = window
    open_app(page, f"{read_only_app_url}/presenter")
    page.wait_for_selector(NEXT_BUTTON, timeout=60000)
    assert page.inner_text("h1") == "Since last review"
    assert (shown := fits(page))["fits"], f"the summary needs scrolling at {size}: {shown}"
    screens = [title for title, _ in expected_screens(KRS_PER_SCREEN)]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    keys = ["ArrowRight", "PageDown", " ", "ArrowDown"]  # what clickers send for "next"
    for number, title in enumerate(screens):
        if number == 0:  # the on-screen button, as someone at the laptop clicks it
            assert title_after(page, page.locator(NEXT_BUTTON).click) == title
        else:
            assert press(page, keys[number % len(keys)]) == title
        assert (shown := fits(page))["fits"], f"{title} needs scrolling at {size}: {shown}"
        lines = page.evaluate(KR_TYPE)
        assert lines and min(line["size"] for line in lines) >= SMALLEST_KR_TYPE[size], (title, lines)
        assert {line["color"] for line in lines} == {"rgb(17, 17, 17)"}  # near black on white, not grey
        if title.endswith("1/2"):
            page.screenshot(path=str(ARTIFACTS / f"presenter_{size[0]}x{size[1]}.png"))
    assert press(page, "PageDown") == "Since last review"  # round to the summary
    assert press(page, "ArrowLeft") == screens[-1]
    assert press(page, "PageUp") == screens[-2]
    assert press(page, "ArrowUp") == screens[-3]
