"""The Teams page on the demo data: one card per team, grouped, with progress, worst status and
last check-in computed here from the workbook's rows, and links that open the team's page."""

from __future__ import annotations

from urllib.parse import parse_qs

import pandas as pd
import pytest
from test_page_overview import hand_computed_progress

from conftest import DEMO_AS_OF as AS_OF
from conftest import chart_values, charts_by_title, demo_sheets

STATUS_ORDER = ("overdue", "off track", "at risk", "not started", "on track", "completed")


def hand_computed_teams(sheets, owner: str | None = None) -> pd.DataFrame:
    """Per team, from the workbook alone: progress (mean over objectives of the weighted mean of
    clamped KR progress), expected by now, worst KR status and the date of the latest check-in."""
    as_of = pd.Timestamp(AS_OF)
    statuses: dict[str, str] = {}
    progress = hand_computed_progress(sheets, statuses)
    krs = sheets["KeyResults"][sheets["KeyResults"]["kr_id"].isin(progress)].copy()
    if owner:
        krs = krs[krs["owner"] == owner]
    objectives = sheets["Objectives"].set_index("objective_id")
    krs["team"] = krs["objective_id"].map(objectives["team"])
    krs["progress"] = krs["kr_id"].map(progress)
    krs["status"] = krs["kr_id"].map(statuses)
    start, due = pd.to_datetime(krs["start_date"]), pd.to_datetime(krs["due_date"])
    krs["expected"] = ((as_of - start) / (due - start)).clip(0, 1)
    krs["weight"] = krs["weight"].fillna(1)
    check_ins = sheets["CheckIns"][pd.to_datetime(sheets["CheckIns"]["date"]) <= as_of]
    last_check_in = pd.to_datetime(check_ins.groupby("kr_id")["date"].max())

    rows = []
    for team, mine in krs.groupby("team"):
        per_objective = mine.groupby("objective_id").apply(
            lambda g: pd.Series(
                {
                    "progress": (g["progress"] * g["weight"]).sum() / g["weight"].sum(),
                    "expected": (g["expected"] * g["weight"]).sum() / g["weight"].sum(),
                }
            ),
            include_groups=False,
        )
        rows.append(
            {
                "team": team,
                "progress": per_objective["progress"].mean(),
                "expected": per_objective["expected"].mean(),
                "worst": min(mine["status"], key=STATUS_ORDER.index),
                "counts": mine["status"].value_counts().to_dict(),
                "age": (as_of - last_check_in.reindex(mine["kr_id"]).max()).days,
            }
        )
    return pd.DataFrame(rows).set_index("team")


def team_cards(at) -> dict:
    """Each card's column block, by the team named in its heading."""
    return {column.subheader[0].value: column for column in at.columns if len(column.subheader) == 1}


@pytest.fixture
def teams_page(open_page):
    at = open_page("pages/teams.py")
    at.run()
    assert not at.exception
    return at


def test_one_card_per_team_grouped_in_design_order(teams_page):
    sheets = demo_sheets()
    teams = sheets["Teams"]
    cards = team_cards(teams_page)
    assert len(cards) == 14 == len(teams)
    groups = list(dict.fromkeys(teams["group"]))
    assert [h.value for h in teams_page.header] == groups
    in_order = [team for group in groups for team in sorted(teams.loc[teams["group"] == group, "team"])]
    assert list(cards) == in_order
    leads = teams.set_index("team")["lead"]
    for team, card in cards.items():
        assert f"Lead: **{leads[team]}**" in [m.value for m in card.markdown]


@pytest.mark.parametrize("team", ["Sales", "Finance"])
def test_card_progress_worst_status_counts_and_check_in_age_match_the_workbook(teams_page, team):
    expected = hand_computed_teams(demo_sheets()).loc[team]
    card = team_cards(teams_page)[team]
    metric = card.metric[0]
    assert metric.value == f"{expected['progress']:.0%}"
    points = round((expected["progress"] - expected["expected"]) * 100)
    # In points of progress, with a plain hyphen for the minus, which st.metric reads to colour the delta.
    gap = f"{points:+d} pts" if points else "0 pts"
    assert metric.delta == f"{gap} vs {expected['expected']:.0%} expected"
    texts = [m.value for m in card.markdown]
    worst = next(t for t in texts if t.startswith("Worst:"))
    assert worst.endswith(f" {expected['worst']}**")
    # "2 🔴 off track · 1 🟠 at risk …", worst first, each part held together by no-break spaces.
    parts = next(t for t in texts if "\u00a0" in t).split(" · ")
    counted = [(status, expected["counts"][status]) for status in STATUS_ORDER if status in expected["counts"]]
    assert len(parts) == len(counted)
    for part, (status, n) in zip(parts, counted):
        assert part.startswith(f"{n}\u00a0") and part.endswith(status.replace(" ", "\u00a0"))
    age = expected["age"]
    assert ("Last check-in today" if age == 0 else f"Last check-in {age} days ago") in texts


def test_teams_chart_shows_each_teams_progress(teams_page):
    expected = hand_computed_teams(demo_sheets())
    figure = charts_by_title(teams_page)["Teams: progress vs expected by now"]
    shown = {}
    for bars in (trace for trace in figure["data"] if trace["type"] == "bar"):
        shown |= dict(zip(chart_values(bars["y"]), chart_values(bars["x"])))
        # Each bar is coloured by the team's pace, and says it: "56% · at risk" on an at-risk bar.
        assert all(text.endswith(f" · {bars['name']}") for text in bars["text"])
    assert set(shown) == set(expected.index)
    for team, progress in shown.items():
        assert progress == pytest.approx(expected.loc[team, "progress"])
        gap = expected.loc[team, "expected"] - progress
        pace = "off track" if gap > 0.25 + 1e-9 else "at risk" if gap > 0.10 + 1e-9 else "on track"
        (trace,) = [t for t in figure["data"] if t["type"] == "bar" and team in chart_values(t["y"])]
        assert trace["name"] == pace, team


@pytest.mark.parametrize("team", ["Sales", "Talent & People"])
def test_a_card_link_opens_that_teams_page(teams_page, open_page, team):
    links = {link.value: link.proto for link in teams_page.get("page_link")}
    link = links[f"Open {team}"]
    assert link.page == "team"
    query = {key: values[0] for key, values in parse_qs(link.query_string).items()}
    assert query == {"team": team}

    team_page = open_page("pages/team.py", **query)
    team_page.run()
    assert not team_page.exception
    assert team_page.title[0].value == team
    assert team_page.session_state["team"] == team


def test_group_filter_leaves_only_that_groups_cards(open_page):
    at = open_page("pages/teams.py", group="Cross-functional")
    at.run()
    teams = demo_sheets()["Teams"]
    assert sorted(team_cards(at)) == sorted(teams.loc[teams["group"] == "Cross-functional", "team"])
    assert "Cross-functional only (sidebar filter)" in at.caption[0].value


def test_owner_filter_shows_that_owners_teams_and_progress(open_page):
    owner = "Maya Goldberg"
    at = open_page("pages/teams.py", owner=owner)
    at.run()
    assert not at.exception
    expected = hand_computed_teams(demo_sheets(), owner=owner)
    cards = team_cards(at)
    assert sorted(cards) == sorted(expected.index)
    for team, card in cards.items():
        assert card.metric[0].value == f"{expected.loc[team, 'progress']:.0%}"


def test_a_large_organisation_gets_a_table_of_every_team_instead_of_cards(open_page, tmp_path, monkeypatch):
    import datetime as dt

    from conftest import fresh_database, xlsx_bytes
    from loaders.ingest import check_and_store
    from store.database import Store, UploadedFile

    names = [f"Team {n:02d}" for n in range(1, 61)]
    sheets = {
        "Teams": [["team", "group"], *[[name, "Delivery" if n % 2 else "Growth"] for n, name in enumerate(names)]],
        "Objectives": [
            ["objective_id", "period", "level", "team", "title"],
            *[[f"O{n}", "2027-Q2", "team", name, f"Deliver for {name}"] for n, name in enumerate(names)],
        ],
        "KeyResults": [
            ["kr_id", "objective_id", "title", "kr_type", "measure", "start_value", "target_value", "due_date"],
            *[
                [f"K{n}", f"O{n}", "Ship ten things", "output", "number", 0, 10, dt.date(2027, 6, 30)]
                for n in range(len(names))
            ],
        ],
        "CheckIns": [["kr_id", "date", "value"], *[[f"K{n}", dt.date(2027, 5, 15), n % 10] for n in range(len(names))]],
    }
    path = fresh_database(tmp_path)
    opened = Store.open(path)
    assert not check_and_store(opened, [UploadedFile("big.xlsx", xlsx_bytes(sheets))], "t").errors
    opened.close()
    monkeypatch.setenv("OKR_DB", path)
    at = open_page("pages/teams.py")
    at.run()
    assert not at.exception
    assert any("60 teams: too many cards to read" in i.value for i in at.info)
    table = at.dataframe[0].value
    assert sorted(table["team"]) == names and not at.get("plotly_chart")
    at = open_page("pages/teams.py", group="Growth")
    at.run()
    assert not at.info and len([s for s in at.subheader]) == 30  # one card per team of the group
