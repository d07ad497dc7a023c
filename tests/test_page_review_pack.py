"""The review pack: the self-contained HTML document (checked against the raw workbook rows, for
escaping and for having no external resources, and opened offline in Chromium) and the export page
with its three downloads."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from plotly.offline import get_plotlyjs
from test_page_overview import hand_computed_progress

from analytics.meetings import meeting_record
from analytics.overview import company_overview
from analytics.review import review_snapshot
from charts.review_pack import review_pack_html
from conftest import DEMO_AS_OF, chart_values, demo_sheets
from store.database import Store

PAGE = "pages/review_pack.py"
HOSTILE_KR_TITLE = "<script>alert(1)</script>"
HOSTILE_OBJECTIVE_TITLE = '<img src=x onerror="alert(2)">'
HOSTILE_COMMENT = 'Tom & Jerry said "</td></tr></table>'


class Sections(HTMLParser):
    """Per <section id=…>: its h2 text and the cell texts of every table row, the text of each
    element separated by a space ("on track stale" for a status badge with the stale tag)."""

    def __init__(self):
        super().__init__()
        self.sections: dict[str, dict] = {}
        self._section = None
        self._heading = None
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self._section = self.sections.setdefault(attrs["id"], {"h2": "", "rows": []})
        elif tag == "h2" and self._section is not None:
            self._heading = []
        elif tag == "tr" and self._section is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "h2" and self._heading is not None:
            self._section["h2"] = " ".join("".join(self._heading).split())
            self._heading = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._section["rows"].append(self._row)
            self._row = None
        elif tag == "section":
            self._section = None

    def handle_data(self, data):
        for part in (self._heading, self._cell):
            if part is not None:
                part.append(data)


def sections(document: str) -> dict[str, dict]:
    parser = Sections()
    parser.feed(document)
    return parser.sections


def figures(document: str) -> dict[str, dict]:
    """Every Plotly figure of the document as {"data", "layout"}, keyed by its title."""
    decoder = json.JSONDecoder()
    found = {}
    for match in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*', document):
        data, end = decoder.raw_decode(document, match.end())
        layout, _ = decoder.raw_decode(document, re.compile(r",\s*").match(document, end).end())
        found[layout["title"]["text"]] = {"data": data, "layout": layout}
    return found


def build_pack(tables: dict[str, pd.DataFrame], scope: str = "All teams") -> str:
    snapshot = review_snapshot(tables, DEMO_AS_OF)
    return review_pack_html(snapshot, company_overview(tables, snapshot), meeting_record(tables, DEMO_AS_OF), scope)


@pytest.fixture(scope="module")
def demo_tables(demo_db) -> dict[str, pd.DataFrame]:
    store = Store.open(str(demo_db))
    tables = store.read_tables()
    store.close()
    return tables


@pytest.fixture(scope="module")
def pack(demo_tables) -> str:
    return build_pack(demo_tables)


def in_force_krs_by_team() -> dict[str, dict[str, str]]:
    """team → {kr_id: status} for the KRs in force on the demo as-of date, from the workbook rows;
    the status reads "on track stale" when the last check-in is more than 30 days old (never for a
    completed KR), "off track no check-in" for a KR paced without any check-in."""
    sheets = demo_sheets()
    statuses: dict[str, str] = {}
    hand_computed_progress(sheets, statuses)
    as_of = pd.Timestamp(DEMO_AS_OF)
    check_ins = sheets["CheckIns"].assign(date=lambda f: pd.to_datetime(f["date"]))
    last_check_in = check_ins[check_ins["date"] <= as_of].groupby("kr_id")["date"].max()
    for kr_id in statuses:
        if kr_id in last_check_in and (as_of - last_check_in[kr_id]).days > 30 and statuses[kr_id] != "completed":
            statuses[kr_id] += " stale"
        elif kr_id not in last_check_in and statuses[kr_id] not in ("not started", "completed"):
            statuses[kr_id] += " no check-in"
    team_of_objective = sheets["Objectives"].set_index("objective_id")["team"]
    objective_of_kr = sheets["KeyResults"].set_index("kr_id")["objective_id"]
    by_team: dict[str, dict[str, str]] = {team: {} for team in sheets["Teams"]["team"]}
    for kr_id, status in statuses.items():
        by_team[team_of_objective[objective_of_kr[kr_id]]][kr_id] = status
    return by_team


def test_pack_has_a_section_per_team_listing_its_krs_as_the_workbook_says(pack):
    expected = in_force_krs_by_team()
    assert len(expected) == 14
    assert any(status.endswith(" stale") for krs in expected.values() for status in krs.values())
    shown = sections(pack)
    team_sections = {s["h2"]: s for key, s in shown.items() if key.startswith("team-")}
    assert team_sections.keys() == expected.keys()
    for team, krs in expected.items():
        kr_rows = [row for row in team_sections[team]["rows"] if row[0] != "ID"]
        assert {row[0]: row[3] for row in kr_rows} == krs, team
    for key in (k for k in shown if k.startswith("team-")):
        assert f'href="#{key}"' in pack  # the table of contents links to every team
    assert "section.team { page-break-before: always;" in pack  # printed, each team starts a page


def test_pack_shows_the_company_arr_against_its_target(pack):
    arr = demo_sheets()["ArrActuals"].assign(month=lambda f: f["month"].astype(str)).set_index("month")
    figure = figures(pack)["ARR 2027: actual vs target path"]
    actual = next(trace for trace in figure["data"] if trace["name"] == "Actual ARR")
    assert chart_values(actual["y"]) == pytest.approx(list(arr.loc["2027-01":"2027-05", "ending_arr"]))
    assert "ARR bridge, 2027-01 to 2027-05" in figures(pack)
    assert len(figures(pack)) == 3 + 14  # ARR, bridge, company objectives, one per team


def test_pack_embeds_plotly_once_and_needs_no_network(pack):
    bundle = get_plotlyjs()
    assert pack.count(bundle) == 1
    assert pack.count("* plotly.js v") == 1
    # plotly.js's own code holds URL strings (map tiles, licences); everything else must hold none.
    rest = pack.replace(bundle, "")
    assert not re.search(r"https?://", rest)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", rest, re.IGNORECASE)
    assert not re.search(r"<link\b|@import|url\(|<iframe\b|<img\b", rest, re.IGNORECASE)


def test_user_text_is_escaped(demo_tables):
    tables = {name: frame.copy() for name, frame in demo_tables.items()}
    key_results, objectives, check_ins = tables["key_results"], tables["objectives"], tables["check_ins"]
    key_results.loc[key_results["kr_id"] == "SAL-O1-KR1", "title"] = HOSTILE_KR_TITLE
    objectives.loc[objectives["objective_id"] == "SAL-O1", "title"] = HOSTILE_OBJECTIVE_TITLE
    latest = check_ins[check_ins["kr_id"] == "SAL-O1-KR1"]["date"].idxmax()
    check_ins.loc[latest, "comment"] = HOSTILE_COMMENT
    document = build_pack(tables, scope="Team <Sales>").replace(get_plotlyjs(), "")

    for hostile in (HOSTILE_KR_TITLE, HOSTILE_OBJECTIVE_TITLE, HOSTILE_COMMENT, "Team <Sales>"):
        assert hostile not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in document
    assert "Tom &amp; Jerry said &quot;&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;" in document
    assert "<script>alert" not in document
    sales = next(s for s in sections(document).values() if s["h2"] == "Sales")
    row = next(r for r in sales["rows"] if r[0] == "SAL-O1-KR1")
    assert (row[1], row[-1]) == (HOSTILE_KR_TITLE, HOSTILE_COMMENT)  # a browser reads them back as text


def test_status_words_carry_the_chart_colours(pack):
    from charts.theme import STATUS_COLORS

    for status, colour in STATUS_COLORS.items():
        assert f".status-{status.replace(' ', '-')} {{ --status: {colour}; }}" in pack
    assert '<span class="status status-off-track">off track</span>' in pack


def open_offline(path) -> tuple[int, list[str], list[str]]:
    """Open a file in Chromium: (figures drawn, URLs requested other than the file, page errors)."""
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM, CHROMIUM_ARGS

    requests, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.on("request", lambda request: requests.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0")
        drawn = page.eval_on_selector_all(".figure .js-plotly-plot", "plots => plots.length")
        browser.close()
    return drawn, [url for url in requests if not url.startswith("file://")], errors


@pytest.mark.browser
def test_pack_opens_offline_in_chromium_with_every_figure_drawn(pack, tmp_path):
    from test_browser import CHROMIUM

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed")
    path = tmp_path / "pack.html"
    path.write_text(pack, encoding="utf-8")
    # A thread of its own: the browser suite's session keeps a sync Playwright (and its event
    # loop) open on the main thread, where a second one refuses to start.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
        drawn, requests, errors = worker.submit(open_offline, path).result()
    assert (drawn, requests, errors) == (17, [], [])


# --- the page ---------------------------------------------------------------------------------


@pytest.fixture
def served_files(monkeypatch):
    """Every file the app hands to a download button, by the file id in the button's URL."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    served: dict[str, tuple[str, bytes]] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        served[file_id] = (filename, path_or_data)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    return served


def run_page(open_page, **query):
    """The page after its "Build the pack" click: the HTML is built on request."""
    at = open_page(PAGE, **query).run()
    assert not at.get("download_button") or len(at.get("download_button")) == 2  # XLSX and CSV at once
    next(b for b in at.button if b.label.startswith("Build the pack")).click().run()
    return at


def downloads(at, served) -> dict[str, tuple[str, bytes]]:
    """label → (file name, bytes) of every download button on the page."""
    return {
        button.proto.label: served[button.proto.url.rsplit("/", 1)[1].split(".")[0]]
        for button in at.get("download_button")
    }


def test_page_offers_the_three_files_named_by_the_as_of_date(open_page, served_files):
    at = run_page(open_page)
    assert not at.exception
    files = downloads(at, served_files)
    assert {label: name for label, (name, _) in files.items()} == {
        "Download HTML": "okr-review-2027-05-31.html",
        "Download XLSX": "okr-krs-2027-05-31.xlsx",
        "Download CSV": "okr-krs-2027-05-31.csv",
    }
    expected = in_force_krs_by_team()
    rows = list(csv.reader(io.StringIO(files["Download CSV"][1].decode("utf-8-sig"))))
    assert sorted(row[0] for row in rows[1:]) == sorted(kr for krs in expected.values() for kr in krs)
    html_text = files["Download HTML"][1].decode("utf-8")
    assert all(f"<h2>{team.replace('&', '&amp;')}</h2>" in html_text for team in expected)
    captions = " ".join(m.value for m in at.markdown)
    assert "okr-review-2027-05-31.html` · **5." in captions  # the HTML's size, in MB
    kr_count = sum(len(krs) for krs in expected.values())
    assert at.subheader[-1].value == f"The {kr_count} key results in the Excel and CSV files"


def test_page_follows_the_team_filter_of_the_link(open_page, served_files):
    at = run_page(open_page, team="Sales")
    assert not at.exception
    files = downloads(at, served_files)
    assert files["Download HTML"][0] == "okr-review-2027-05-31-sales.html"
    assert files["Download CSV"][0] == "okr-krs-2027-05-31-sales.csv"
    rows = list(csv.reader(io.StringIO(files["Download CSV"][1].decode("utf-8-sig"))))
    assert sorted(row[0] for row in rows[1:]) == sorted(in_force_krs_by_team()["Sales"])
    team_sections = [
        s["h2"] for key, s in sections(files["Download HTML"][1].decode()).items() if key.startswith("team-")
    ]
    assert team_sections == ["Sales"]
    assert "team Sales" in at.caption[0].value


def test_pack_holds_the_months_decisions_actions_and_notes_escaped(demo_tables):
    tables = {name: frame.copy() for name, frame in demo_tables.items()}
    tables["decisions"] = pd.DataFrame(
        [
            {
                "kr_id": "SAL-O2-KR2",
                "date": pd.Timestamp("2027-05-31"),
                "decision": "change",
                "new_target_value": 20.0,
                "new_due_date": pd.NaT,
                "reason": HOSTILE_COMMENT,
                "decided_by": "CEO",
            }
        ]
    )
    tables["actions"] = pd.DataFrame(
        [
            {
                "action_id": "A-2027-04-01",
                "review_month": "2027-04",
                "title": "Hire two SDRs",
                "owner": "Ana",
                "due_date": pd.Timestamp("2027-05-15"),
                "team": "BizDev",
                "kr_id": None,
                "status": "open",
            },
            {
                "action_id": "A-2027-05-01",
                "review_month": "2027-05",
                "title": HOSTILE_KR_TITLE,
                "owner": "Ben",
                "due_date": pd.Timestamp("2027-06-30"),
                "team": "Sales",
                "kr_id": None,
                "status": "open",
            },
        ]
    )
    tables["review_notes"] = pd.DataFrame(
        [{"review_month": "2027-05", "notes": "Line one\n<b>two</b>", "written_by": "CEO"}]
    )
    document = build_pack(tables).replace(get_plotlyjs(), "")
    meeting = document[document.index('<section id="meeting"') :]
    meeting = meeting[: meeting.index("</section>")]
    assert "Review meeting, May 2027" in meeting
    assert "target 28 deals → 20 deals" in meeting
    assert "⚠ 15 May · 16 days overdue" in meeting  # April's action, still open at 31 May
    assert "A-2027-05-01" in meeting and "Line one\n&lt;b&gt;two&lt;/b&gt;" in meeting
    for hostile in (HOSTILE_KR_TITLE, HOSTILE_COMMENT, "<b>two</b>"):
        assert hostile not in document


def test_pack_opens_with_since_last_review_as_computed_by_hand(demo_tables):
    import okr_by_hand

    from analytics.changes import review_changes

    snapshot = review_snapshot(demo_tables, DEMO_AS_OF)
    document = review_pack_html(
        snapshot,
        company_overview(demo_tables, snapshot),
        meeting_record(demo_tables, DEMO_AS_OF),
        "All teams",
        review_changes(demo_tables, DEMO_AS_OF, now=snapshot),
    )
    assert document.index('id="since-last-review"') < document.index('id="company"')
    assert 'href="#since-last-review"' in document
    expected = okr_by_hand.changes(okr_by_hand.workbook(), DEMO_AS_OF, "2027-04-30")
    shown = sections(document)["since-last-review"]
    assert shown["h2"] == "Since last review"
    rows = [row for row in shown["rows"] if row[0] != "KR"]
    deltas = {k: h["delta"] for k, h in expected.items() if h["delta"]}
    rises = sorted((k for k in deltas if deltas[k] > 0), key=lambda k: -deltas[k])[:5]
    falls = sorted((k for k in deltas if deltas[k] < 0), key=lambda k: deltas[k])[:5]
    assert [row[0] for row in rows] == rises + falls
    for row in rows:
        assert row[3] == f"{deltas[row[0]] * 100:+.0f} pts"
    overdue = sum(h["status_now"] == "overdue" and h["status_before"] != "overdue" for h in expected.values())
    assert f'<div class="label">Newly overdue</div><div class="value">{overdue}</div>' in document
    assert "Largest moves since 30 April, in points of progress" in figures(document)


def test_page_pack_includes_since_last_review(open_page, served_files):
    at = run_page(open_page)
    html_text = downloads(at, served_files)["Download HTML"][1].decode("utf-8")
    assert "<h2>Since last review</h2>" in html_text
