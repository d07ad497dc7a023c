"""Page switches in a real browser, at the demo's scale and at the large organisation's.

For each scale the app is started (`streamlit run app.py`, headless, OKR_DB pointing at a fresh copy
of the database, OKR_AS_OF at the data's review date) and driven by Debian's Chromium at 1920×1080.
The demo app is started first, then the large one. Every page of the sidebar's navigation is visited
by clicking its link:

* cold: the first visit of the page in this server process (the Company overview, where the app
  opens, is timed from the address being opened instead of from a click);
* warm: the next visit, after another page (the median of --warm-runs rounds over every page; the
  rounds alternate between the two scales, whose apps both keep running, so that both meet the same
  load of a shared machine).

A switch is timed from the click until the app reports its script as not running
(`[data-testid="stApp"][data-test-script-state="notRunning"]`) with the page's own address in the
location bar (the app puts it there when the server starts running the page) and no spinner shown.
A second after the first visit (Plotly draws after the script) the page's height is measured, the
taller of the document and the main scrolling area, in viewport heights.

The large organisation is bench/make_org.py's (generated into --org if absent, then ingested), or a
database given with --large-db. Exits 1 when a page is over a limit.

Prints a table (page, demo cold/warm, large cold/warm, the large warm ÷ the demo warm, and the same
ratio of the best runs, the large page's height in screens), the pages over the limits (warm ratio
above 1.5, taller than 4 screens), and one JSON line last.

    .venv/bin/python bench/page_bench.py [--org DIR | --large-db FILE] [--warm-runs 5] [--port 8790]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(PROJECT_ROOT / "bench"))

import make_org  # noqa: E402

from loaders.ingest import check_and_store  # noqa: E402
from loaders.read import CLI_MAX_FILE_BYTES  # noqa: E402
from store.database import Store, UploadedFile  # noqa: E402

DEMO_WORKBOOK = PROJECT_ROOT / "okr_data" / "demo_company_2027.xlsx"
DEMO_AS_OF = "2027-05-31"  # the demo's review date (tests/conftest.py)
CHROMIUM = "/usr/bin/chromium"
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
VIEWPORT = {"width": 1920, "height": 1080}
MAX_WARM_RATIO = 1.5
MAX_SCREENS = 4
SWITCH_TIMEOUT_MS = 120_000
SETTLE_S = 1.0  # Plotly draws after the script has finished: the height is read once it has
NAV_LINK = '[data-testid="stSidebarNavLink"]'

# The app puts the page's address in the location bar when the server starts running the page (the
# script state is "running" from then on): the page has been switched to once the address is its own,
# the state is "notRunning" and no spinner shows.
CLICK = """([selector, href]) => {
  window.__pageBench = {started: performance.now(), done: null};
  [...document.querySelectorAll(selector)].find(a => a.href === href).click();
}"""
SWITCHED = """(path) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (location.pathname !== path || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSpinner"]')) return false;
  window.__pageBench.done = performance.now();
  return true;
}"""
WHERE = """() => [location.pathname,
  document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state'),
  !!document.querySelector('[data-testid="stSpinner"]')]"""
FIRST_RUN_DONE = """() => document.querySelector('[data-testid="stApp"]')
  .getAttribute('data-test-script-state') === 'notRunning' && !document.querySelector('[data-testid="stSpinner"]')"""
HEIGHT = """() => Math.max(document.documentElement.scrollHeight,
  ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
     .map(e => e.scrollHeight))"""


def ingested_database(files: list[pathlib.Path], folder: pathlib.Path) -> pathlib.Path:
    """A DuckDB file in `folder` holding `files` stored through the real ingest path."""
    path = folder / "okr.duckdb"
    store = Store.open(str(path))
    try:
        uploads = [UploadedFile(p.name, p.read_bytes()) for p in files]
        result = check_and_store(store, uploads, "page bench", max_file_bytes=CLI_MAX_FILE_BYTES)
    finally:
        store.close()
    if result.errors:
        raise SystemExit("ingest failed:\n" + "\n".join(str(p) for p in result.errors[:20]))
    return path


def wait_healthy(url: str, server: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the app stopped (exit {server.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the app did not answer on {url} within {timeout_s:.0f} s")


def started_app(database: pathlib.Path, as_of: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "OKR_DB": str(database), "OKR_AS_OF": as_of}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    return subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def switch_ms(page, href: str) -> float:
    """Milliseconds from clicking the navigation link to `href` until the page has run and shows no spinner."""
    page.evaluate(CLICK, [NAV_LINK, href])
    try:
        page.wait_for_function(SWITCHED, arg=urllib.parse.urlsplit(href).path, timeout=SWITCH_TIMEOUT_MS, polling="raf")
    except Exception as error:  # Playwright's TimeoutError: say where the app stood
        state = page.evaluate(WHERE)
        raise SystemExit(
            f"switching to {href} did not finish: the app is at (address, script state, spinner) {state}"
        ) from error
    return page.evaluate("() => window.__pageBench.done - window.__pageBench.started")


def opened_app(browser, url: str):
    """A browser tab on the app at `url` once its first page has run; the milliseconds that took."""
    page = browser.new_page(viewport=VIEWPORT)
    started = time.perf_counter()
    page.goto(url, timeout=SWITCH_TIMEOUT_MS)
    # The navigation is drawn by the script's run; idle after that means the first page has run.
    page.wait_for_selector(NAV_LINK, timeout=SWITCH_TIMEOUT_MS)
    page.wait_for_function(FIRST_RUN_DONE, timeout=SWITCH_TIMEOUT_MS, polling="raf")
    return page, (time.perf_counter() - started) * 1000


def first_visits(page, first_ms: float) -> tuple[list[tuple[str, str]], dict[str, dict]]:
    """The navigation's pages (title, address), and per title: the first visit's milliseconds, the
    page's height in screens and whether it shows an exception."""
    links = page.eval_on_selector_all(NAV_LINK, "links => links.map(a => [a.innerText, a.href])")
    links = [(text.strip().splitlines()[-1], href) for text, href in links]  # the text leads with its icon's name
    figures: dict[str, dict] = {}
    for index, (title, href) in enumerate(links):
        cold_ms = first_ms if index == 0 else switch_ms(page, href)
        time.sleep(SETTLE_S)
        figures[title] = {
            "cold_ms": round(cold_ms),
            "warm_runs_ms": [],
            "screens": round(page.evaluate(HEIGHT) / VIEWPORT["height"], 2),
            "exception": bool(page.query_selector('[data-testid="stException"]')),
        }
    return links, figures


def warm_round(page, links: list[tuple[str, str]], figures: dict[str, dict]) -> None:
    """Every page visited once more, each after the one before it."""
    for title, href in links:
        figures[title]["warm_runs_ms"].append(round(switch_ms(page, href)))


@contextlib.contextmanager
def serving(database: pathlib.Path, as_of: str, port: int):
    """The app serving a copy of `database` on `port` while the block runs; its address."""
    with tempfile.TemporaryDirectory(prefix="okr_page_bench_") as scratch:
        copy = pathlib.Path(scratch) / "okr.duckdb"
        shutil.copyfile(database, copy)
        server = started_app(copy, as_of, port)
        try:
            url = f"http://localhost:{port}"
            wait_healthy(url, server)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def measured(browser, demo_url: str, large_url: str, warm_runs: int) -> tuple[dict, dict]:
    """Per scale and page: cold, warm (the median of `warm_runs`), height. The first visits run at the
    demo scale, then at the large one; the warm rounds alternate between the two, so that both meet
    the same load of a shared machine."""
    tabs, links, figures = {}, {}, {}
    for scale, url in (("demo", demo_url), ("large", large_url)):
        tabs[scale], first_ms = opened_app(browser, url)
        links[scale], figures[scale] = first_visits(tabs[scale], first_ms)
    for _ in range(warm_runs):
        for scale in tabs:
            warm_round(tabs[scale], links[scale], figures[scale])
    for scale, tab in tabs.items():
        tab.close()
        for figure in figures[scale].values():
            figure["warm_ms"] = round(statistics.median(figure["warm_runs_ms"]))
    return figures["demo"], figures["large"]


def flagged(demo: dict, large: dict) -> dict[str, dict]:
    """Per page: the large warm ÷ the demo warm (medians, and the best runs' for a noisy machine), its
    height, and which limits it passes (on the medians)."""
    rows = {}
    for title, figure in large.items():
        small = demo.get(title, {"warm_ms": 0, "warm_runs_ms": [0]})
        ratio = figure["warm_ms"] / max(small["warm_ms"], 1)
        rows[title] = {
            "warm_ratio": round(ratio, 2),
            "best_warm_ratio": round(min(figure["warm_runs_ms"]) / max(min(small["warm_runs_ms"]), 1), 2),
            "screens": figure["screens"],
            "slow": ratio > MAX_WARM_RATIO,
            "tall": figure["screens"] > MAX_SCREENS,
            "exception": figure["exception"] or demo.get(title, {}).get("exception", False),
        }
    return rows


def table(demo: dict, large: dict, verdicts: dict) -> str:
    header = f"{'page':<26} {'demo cold':>9} {'demo warm':>9} {'large cold':>10} {'large warm':>10} "
    header += f"{'warm ratio':>10} {'(best)':>6} {'screens':>7}  flags"
    lines = [header, "-" * len(header)]
    for title, figure in large.items():
        verdict, small = verdicts[title], demo.get(title, {})
        flags = ", ".join(
            name
            for name, on in (
                (f"warm > {MAX_WARM_RATIO}× demo", verdict["slow"]),
                (f"> {MAX_SCREENS} screens", verdict["tall"]),
                ("EXCEPTION", verdict["exception"]),
            )
            if on
        )
        lines.append(
            f"{title:<26} {small.get('cold_ms', 0):>9,} {small.get('warm_ms', 0):>9,} {figure['cold_ms']:>10,} "
            f"{figure['warm_ms']:>10,} {verdict['warm_ratio']:>10.2f} {verdict['best_warm_ratio']:>6.2f} "
            f"{figure['screens']:>7.2f}  {flags}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--org", type=pathlib.Path, default=make_org.DEFAULT_OUT, help="the large organisation")
    parser.add_argument("--warm-runs", type=int, default=5, help="warm visits of each page (the median is shown)")
    parser.add_argument("--port", type=int, default=8790, help="the app's port (the large scale's is the next)")
    parser.add_argument(
        "--large-db", type=pathlib.Path, help="a DuckDB file already holding the organisation (copied, never changed)"
    )
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="okr_page_bench_") as scratch:
        folder = pathlib.Path(scratch)
        (folder / "demo").mkdir()
        (folder / "large").mkdir()
        demo_db = ingested_database([DEMO_WORKBOOK], folder / "demo")
        large_db = args.large_db
        if large_db is None:
            make_org.ensure_org(args.org, 1.0)
            large_db = ingested_database(sorted((args.org / "csv").glob("*.csv")), folder / "large")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                with (
                    serving(demo_db, DEMO_AS_OF, args.port) as demo_url,
                    serving(large_db, make_org.AS_OF.isoformat(), args.port + 1) as large_url,
                ):
                    demo, large = measured(browser, demo_url, large_url, args.warm_runs)
            finally:
                browser.close()
    verdicts = flagged(demo, large)
    print(table(demo, large, verdicts))
    failing = {title: verdict for title, verdict in verdicts.items() if verdict["slow"] or verdict["tall"]}
    print(f"\n{len(failing)} of {len(verdicts)} pages over the limits: {', '.join(failing) or 'none'}")
    print(json.dumps({"demo": demo, "large": large, "verdicts": verdicts, "failing": sorted(failing)}))
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
