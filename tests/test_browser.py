"""The product as people see it: a real app server over its own demo database, driven in headless
Debian Chromium. Screenshots of every page land in artifacts/screens (git-ignored)."""

from __future__ import annotations

import contextlib
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import DEMO_AS_OF, DEMO_WORKBOOK, PROJECT_ROOT, demo_sheets, fresh_database

CHROMIUM = pathlib.Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCRIPT_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ARTIFACTS = PROJECT_ROOT / "artifacts" / "screens"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def demo_database(tmp_dir: pathlib.Path) -> str:
    """A fresh database holding the demo workbook."""
    from loaders.ingest import check_and_store
    from store.database import Store, UploadedFile

    db = fresh_database(tmp_dir)
    store = Store.open(db)
    check_and_store(store, [UploadedFile(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes())], "tester")
    store.close()
    return db


@contextlib.contextmanager
def running_app(tmp_dir: pathlib.Path, port: int, env: dict[str, str], *options: str):
    """`streamlit run app.py` on `port` with `env` and extra command-line `options`, until it answers
    its health check; yields the base URL and stops the server afterwards."""
    with open(tmp_dir / "streamlit.log", "w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
                *options,
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://localhost:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail("the app did not start within 60 s")
                    time.sleep(0.3)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=20)


@contextlib.contextmanager
def serving_app(tmp_dir: pathlib.Path):
    """A fresh demo database and `streamlit run app.py` over it on a free port; yields the base URL."""
    env = {**os.environ, "OKR_DB": demo_database(tmp_dir), "OKR_AS_OF": DEMO_AS_OF.isoformat()}
    with running_app(tmp_dir, _free_port(), env) as url:
        yield url


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (make test installs it when run as root)")
    with serving_app(tmp_path_factory.mktemp("browser")) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    opened = context.new_page()
    yield opened
    context.close()


def wait_for_app(page, settle_s: float = 0.8) -> None:
    """Until the script has finished, and once more after charts had time to draw."""
    page.wait_for_selector(SCRIPT_DONE, timeout=60000)
    time.sleep(settle_s)
    page.wait_for_selector(SCRIPT_DONE, timeout=60000)


def open_app(page, url: str) -> None:
    page.goto(url, timeout=60000)
    wait_for_app(page)


def page_urls(page, base: str) -> list[str]:
    """Every page of the navigation, as the sidebar links to it."""
    open_app(page, base)
    links = page.eval_on_selector_all('[data-testid="stSidebarNavLink"]', "els => els.map(e => e.href)")
    urls = sorted({link.split("?")[0] for link in links})
    page_files = sorted(p.stem for p in (PROJECT_ROOT / "pages").glob("*.py"))
    assert len(urls) == len(page_files), f"the sidebar links {len(urls)} pages of {len(page_files)}"
    return urls


def shot_name(url: str, base: str) -> str:
    return url[len(base) :].strip("/").replace("/", "_") or "overview"


CHART_DRAWN = """els => els.map(chart => {
    const svg = chart.querySelector('.main-svg');
    const marks = chart.querySelectorAll('g.trace, g.hm, g.waterfall, image');
    return {svg: !!svg, marks: marks.length};
})"""


MAIN_OVERFLOW = """() => {
    const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
    return {scrollWidth: main.scrollWidth, clientWidth: main.clientWidth,
            scrollHeight: main.scrollHeight, clientHeight: main.clientHeight};
}"""


def switch_to(page, url: str) -> None:
    """Open `url` as people switch pages, by its link in the sidebar (a page load only where the
    sidebar is hidden, as in presenter mode): the app is not loaded again for each page."""
    if page.url.split("?")[0] == url:  # already open (the sweep starts on the page it listed the links on)
        return
    link = page.locator(f'[data-testid="stSidebarNavLink"][href="{url}"]')
    if not link.count() or not link.is_visible():
        open_app(page, url)
        return
    link.click()
    page.wait_for_url(lambda address: address.split("?")[0] == url, timeout=60000)
    wait_for_app(page)


def test_every_page_renders_its_charts_without_error_or_sideways_scrolling_at_1366(browser, read_only_app_url):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        urls = page_urls(page, read_only_app_url)
        assert len(urls) >= 8, urls
        for url in urls:
            switch_to(page, url)
            exceptions = page.query_selector_all('[data-testid="stException"]')
            assert not exceptions, f"{url}: {exceptions[0].inner_text()[:500]}"
            charts = page.eval_on_selector_all('[data-testid="stPlotlyChart"]', CHART_DRAWN)
            for index, chart in enumerate(charts):
                assert chart["svg"] and chart["marks"] > 0, f"{url}: chart {index} drew no data"
            size = page.evaluate(MAIN_OVERFLOW)
            assert size["scrollWidth"] <= size["clientWidth"] + 1, f"{url} scrolls sideways: {size}"
            page.screenshot(path=str(ARTIFACTS / f"{shot_name(url, read_only_app_url)}_1366x768.png"))
    finally:
        context.close()


def test_deep_link_opens_the_same_view(page, read_only_app_url):
    open_app(page, f"{read_only_app_url}/?as_of=2027-04-30&group=Business")
    assert "30 April 2027" in page.inner_text('[data-testid="stMain"]')
    assert page.input_value('[data-testid="stSidebar"] [data-testid="stDateInput"] input') == "2027-04-30"
    assert page.input_value('[data-testid="stSidebar"] input[aria-label="Group"]') == "Business"
    assert "group=Business" in page.url and "as_of=2027-04-30" in page.url
    # Another page keeps the view: the filters travel with the session and back into the URL.
    page.click('[data-testid="stSidebarNavLink"][href$="/teams"]')
    wait_for_app(page)
    assert page.input_value('[data-testid="stSidebar"] input[aria-label="Group"]') == "Business"
    assert "group=Business" in page.url


def title_after(page, action) -> str:
    """The screen's title once `action` has replaced it (a busy machine can finish the rerun an
    action starts after the first check that the script is done)."""
    before = page.inner_text("h1")
    action()
    page.wait_for_function(
        "before => (document.querySelector('h1') || {}).innerText !== before", arg=before, timeout=60000
    )
    wait_for_app(page, settle_s=0.3)
    return page.inner_text("h1")


def test_a_deep_link_as_a_fresh_servers_first_request_shows_the_page(browser, tmp_path):
    with serving_app(tmp_path) as url:
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        open_app(page, f"{url}/presenter?as_of=2027-04-30")
        wait_for_app(page)
        assert not page.query_selector_all('[data-testid="stException"]')
        assert "as of 30 April 2027" in page.inner_text('[data-testid="stCaptionContainer"]')
        page.close()


def completed_labels(page) -> int:
    """KR bars labelled completed, once every chart on the page has drawn (charts draw lazily)."""
    counts = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        drawn = page.eval_on_selector_all(
            '[data-testid="stPlotlyChart"]', "els => els.every(e => e.querySelector('.main-svg'))"
        )
        counts.append(page.locator('[data-testid="stPlotlyChart"] text', has_text="· completed").count())
        if drawn and len(counts) >= 3 and counts[-1] == counts[-2] == counts[-3]:
            return counts[-1]
        time.sleep(0.5)
    pytest.fail(f"the charts did not settle: {counts}")


def test_upload_through_the_drop_zone_shows_on_the_team_page(page, app_url, tmp_path):
    import pandas as pd

    sheets = demo_sheets()
    objectives = sheets["Objectives"]
    sales_q2 = objectives[(objectives["team"] == "Sales") & (objectives["period"] == "2027-Q2")]["objective_id"]
    krs = sheets["KeyResults"]
    check_ins = sheets["CheckIns"]
    candidates = krs[
        krs["objective_id"].isin(sales_q2)
        & (krs["measure"] == "number")
        & (krs["direction"] == "increase")
        & (krs["due_date"] > pd.Timestamp(DEMO_AS_OF))
    ]
    reached = candidates[
        ~candidates["kr_id"].isin(
            check_ins.loc[check_ins["value"] >= check_ins["kr_id"].map(krs.set_index("kr_id")["target_value"]), "kr_id"]
        )
    ]
    kr = reached.iloc[0]

    open_app(page, f"{app_url}/team?team=Sales")
    before = completed_labels(page)

    progress = tmp_path / "sales_progress.csv"
    progress.write_text(
        f"kr_id,date,value,confidence,comment\n{kr['kr_id']},{DEMO_AS_OF},{kr['target_value']:g},9,"
        "Reached in the last week\n"
    )
    open_app(page, f"{app_url}/upload?team=Sales")
    page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', str(progress))
    page.get_by_role("button", name="Commit 1 change(s)").wait_for(timeout=60000)
    page.get_by_role("button", name="Commit 1 change(s)").click()
    wait_for_app(page)
    assert not page.query_selector_all('[data-testid="stException"]')
    assert "sales_progress.csv" in page.inner_text('[data-testid="stMain"]')

    open_app(page, f"{app_url}/team?team=Sales")
    assert completed_labels(page) == before + 1
