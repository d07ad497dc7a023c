"""The company overview page on the demo data, checked against figures computed here from the
workbook itself, row by row, without the analytics package."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import DEMO_AS_OF as AS_OF
from conftest import chart_values, charts_by_title, demo_sheets

STATUS_PROGRESS = {"not started": 0.0, "early progress": 1 / 3, "good progress": 2 / 3, "completed": 1.0}


def hand_computed_status(kr, raw: float | None, as_of: pd.Timestamp) -> str:
    start, due = pd.Timestamp(kr["start_date"]), pd.Timestamp(kr["due_date"])
    if raw is not None and raw >= 1:
        return "completed"
    if as_of > due:
        return "overdue"
    expected = min(max((as_of - start) / (due - start), 0.0), 1.0)
    if raw is None and expected <= 0.10 + 1e-9:
        return "not started"
    gap = expected - min(max(raw or 0.0, 0.0), 1.0)
    return "on track" if gap <= 0.10 + 1e-9 else "at risk" if gap <= 0.25 + 1e-9 else "off track"


def hand_computed_progress(sheets, statuses: dict | None = None) -> dict[str, float]:
    """Clamped progress of every KR of objectives in force on AS_OF, one KR at a time; fills
    `statuses` with each KR's status when given."""
    as_of = pd.Timestamp(AS_OF)
    objectives = sheets["Objectives"].set_index("objective_id")
    progress = {}
    for kr in sheets["KeyResults"].to_dict("records"):
        period = str(objectives.loc[kr["objective_id"], "period"])
        year = int(period[:4])
        if year != as_of.year or ("Q" in period and (as_of.month - 1) // 3 + 1 != int(period[-1])):
            continue
        check_ins = sheets["CheckIns"]
        mine = check_ins[(check_ins["kr_id"] == kr["kr_id"]) & (pd.to_datetime(check_ins["date"]) <= as_of)]
        if mine.empty:
            progress[kr["kr_id"]] = 0.0
            if statuses is not None:
                statuses[kr["kr_id"]] = hand_computed_status(kr, None, as_of)
            continue
        last = mine.sort_values("date").iloc[-1]
        start, target, direction = kr["start_value"], kr["target_value"], kr.get("direction") or "increase"
        if kr["measure"] == "status":
            value = STATUS_PROGRESS[str(last["status"]).lower()]
        elif kr["measure"] == "binary":
            value = 1.0 if last["value"] >= 1 else 0.0
        elif direction == "increase":
            value = (last["value"] - start) / (target - start)
        elif direction == "decrease":
            value = (start - last["value"]) / (start - target)
        elif direction == "stay_above":
            value = 1.0 if last["value"] >= target else 0.0
        else:
            value = 1.0 if last["value"] <= target else 0.0
        progress[kr["kr_id"]] = min(max(value, 0.0), 1.0)
        if statuses is not None:
            statuses[kr["kr_id"]] = hand_computed_status(kr, value, as_of)
    return progress


@pytest.fixture
def overview(open_page):
    return open_page("pages/overview.py")


def test_overview_shows_arr_and_company_objectives_as_computed_by_hand(overview):
    overview.run()
    assert not overview.exception
    sheets = demo_sheets()
    arr = sheets["ArrActuals"].assign(month=lambda f: f["month"].astype(str))
    may = arr.loc[arr["month"] == "2027-05", "ending_arr"].iloc[0]
    metrics = {m.label: m for m in overview.metric}
    assert metrics["ARR, 2027-05"].value == f"${may / 1e6:.2f}M"
    assert metrics["2027 ARR target"].value == "$5.00M"

    statuses: dict[str, str] = {}
    progress = hand_computed_progress(sheets, statuses)
    behind = sum(s in ("off track", "overdue") for s in statuses.values())
    at_risk = sum(s == "at risk" for s in statuses.values())
    assert metrics["KRs off track or overdue"].value == f"{behind} of {len(statuses)}"
    assert metrics["KRs off track or overdue"].delta == f"{at_risk} more at risk"
    krs = sheets["KeyResults"][sheets["KeyResults"]["kr_id"].isin(progress)].copy()
    krs["progress"] = krs["kr_id"].map(progress)
    krs["weight"] = krs["weight"].fillna(1)
    by_objective = krs.groupby("objective_id").apply(
        lambda g: (g["progress"] * g["weight"]).sum() / g["weight"].sum(), include_groups=False
    )
    objectives = sheets["Objectives"].set_index("objective_id")
    parents = objectives.loc[by_objective.index, "parent_objective_id"]
    by_company = by_objective.groupby(parents.to_numpy()).mean()
    assert metrics["Company objectives"].value == f"{by_company.mean():.0%}"

    bars = charts_by_title(overview)["Company objectives: progress vs expected by now"]
    shown = dict(zip(chart_values(bars["data"][0]["y"]), chart_values(bars["data"][0]["x"])))
    titles = objectives.loc[by_company.index, "title"]
    for objective_id, title in titles.items():
        assert shown[title] == pytest.approx(by_company[objective_id])


def test_overview_arr_bridge_adds_up_to_the_reported_ending(overview):
    overview.run()
    sheets = demo_sheets()
    arr = sheets["ArrActuals"].assign(month=lambda f: f["month"].astype(str)).set_index("month")
    ytd = arr.loc["2027-01":"2027-05"]
    bridge = charts_by_title(overview)["ARR bridge, 2027-01 to 2027-05"]
    steps = dict(zip(chart_values(bridge["data"][0]["y"]), chart_values(bridge["data"][0]["x"])))
    assert steps["Beginning"] == pytest.approx(arr.loc["2026-12", "ending_arr"])
    assert steps["New"] == pytest.approx(ytd["new"].sum())
    assert steps["Churn"] == pytest.approx(-ytd["churn"].sum())
    assert steps["Contraction"] == pytest.approx(-ytd["contraction"].sum())
    ending = sum(v for k, v in steps.items() if k != "Ending")
    assert ending == pytest.approx(arr.loc["2027-05", "ending_arr"])


def test_team_table_lists_every_team_with_its_progress(overview):
    overview.run()
    table = overview.dataframe[-1].value
    assert len(table) == 14
    assert table["progress"].between(0, 1).all()
    assert set(table["group"]) == {"Product & Engineering", "Business", "Cross-functional"}


def test_as_of_in_the_link_is_used(overview):
    overview.query_params["as_of"] = "2027-04-30"
    overview.run()
    assert not overview.exception
    assert "30 April 2027" in overview.caption[0].value
    assert "ARR, 2027-04" in {m.label for m in overview.metric}


@pytest.mark.parametrize(("as_of", "since"), [("2027-05-31", "2027-04-30"), ("2027-04-30", "2027-03-31")])
def test_overview_opens_with_since_last_review_as_computed_by_hand(open_page, as_of, since):
    import okr_by_hand

    at = open_page("pages/overview.py", as_of=as_of)
    at.run()
    assert not at.exception
    assert at.header[0].value == "Since last review"
    span = f"{pd.Timestamp(since):%d %B %Y} → {pd.Timestamp(as_of):%d %B %Y}"
    assert any(caption.value.startswith(span) for caption in at.caption)
    expected = okr_by_hand.changes(okr_by_hand.workbook(), as_of, since)
    metrics = {m.label: m.value for m in at.metric}
    for label, status in (
        ("Newly overdue", "overdue"),
        ("Newly completed", "completed"),
        ("Newly off track", "off track"),
    ):
        assert metrics[label] == str(
            sum(h["status_now"] == status and h["status_before"] != status for h in expected.values())
        ), label
    recovered = sum(
        h["status_before"] in ("off track", "at risk", "overdue") and h["status_now"] in ("on track", "completed")
        for h in expected.values()
    )
    assert metrics["Recovered"] == str(recovered)

    moves = charts_by_title(at)[f"Largest moves since {pd.Timestamp(since):%d %B}, in points of progress"]
    shown = dict(zip((row[0] for row in moves["data"][0]["customdata"]), chart_values(moves["data"][0]["x"])))
    deltas = {k: h["delta"] * 100 for k, h in expected.items() if h["delta"]}
    rises = sorted((v for v in deltas.values() if v > 0), reverse=True)[:5]
    falls = sorted(v for v in deltas.values() if v < 0)[:5]
    assert sorted(shown.values()) == pytest.approx(sorted(rises + falls), rel=1e-3)
    for kr_id, points in shown.items():
        assert points == pytest.approx(deltas[kr_id], rel=1e-3)


# --- Needs attention: the exceptions first -----------------------------------------------------------

WORST_FIRST = ("overdue", "off track", "at risk", "not started", "on track", "completed")


def hand_computed_exceptions(as_of=AS_OF) -> list[str]:
    """The KR ids DESIGN says need the room's attention at `as_of` (overdue, off track, behind without
    a check-in, stale), worst status first, then the largest gap, then by id — one KR at a time."""
    import okr_by_hand

    sheets = okr_by_hand.workbook()
    day = pd.Timestamp(as_of)
    listed = []
    for kr in okr_by_hand.krs_in_force(sheets, day):
        progress, status, last_date = okr_by_hand.measured(sheets, kr, day)
        start, due = pd.Timestamp(kr["start_date"]), pd.Timestamp(kr["due_date"])
        expected = 1.0 if day >= due else min(max((day - start) / (due - start), 0.0), 1.0)
        stale = last_date is not None and (day - last_date).days > 30 and status != "completed"
        no_check_in = last_date is None and status not in ("not started", "completed")
        behind = status in ("overdue", "off track", "at risk")
        if status in ("overdue", "off track") or (no_check_in and behind) or stale:
            listed.append((WORST_FIRST.index(status), -(expected - progress), kr["kr_id"]))
    return [kr_id for *_, kr_id in sorted(listed)]


def shown_exceptions(at) -> list[str]:
    """The KR ids of the large-type list, in the order shown."""
    import re

    body = next(element.value for element in at.html if "okr-attention" in element.value)
    return re.findall(r'data-kr="([^"]+)"', body)


@pytest.mark.parametrize("as_of", ["2027-05-31", "2027-04-30"])
def test_overview_opens_with_the_krs_that_need_attention_worst_first(open_page, as_of):
    from ui.exceptions import SHOWN

    at = open_page("pages/overview.py", as_of=as_of)
    at.run()
    assert not at.exception
    expected = hand_computed_exceptions(as_of)
    assert len(expected) > SHOWN
    assert at.subheader[0].value == "Needs attention"  # the first section under the title
    assert shown_exceptions(at) == expected[:SHOWN]
    assert at.expander[0].label == f"and {len(expected) - SHOWN} more — the whole list"
    full = at.dataframe[0].value
    assert full["kr_id"].tolist() == expected
    assert full["title"].notna().all() and not full.isin(["None", "nan"]).any().any()


def test_each_exception_says_value_against_target_expected_and_the_last_comment(overview):
    import okr_by_hand

    overview.run()
    full = overview.dataframe[0].value.set_index("kr_id")
    sheets = okr_by_hand.workbook()
    krs = sheets["KeyResults"].set_index("kr_id")
    # ALL-O2-KR1 "Certify 20 partner consultants": 6 of 20 at the end of May, 30 % against 71 % expected.
    kr = krs.loc["ALL-O2-KR1"]
    progress, status, _ = okr_by_hand.measured(sheets, {**kr, "kr_id": "ALL-O2-KR1"}, pd.Timestamp(AS_OF))
    start, due = pd.Timestamp(kr["start_date"]), pd.Timestamp(kr["due_date"])
    expected = (pd.Timestamp(AS_OF) - start) / (due - start)
    check_ins = sheets["CheckIns"][sheets["CheckIns"]["kr_id"] == "ALL-O2-KR1"].sort_values("date")
    last = check_ins[check_ins["date"] <= pd.Timestamp(AS_OF)].iloc[-1]
    row = full.loc["ALL-O2-KR1"]
    assert row["value_text"] == f"{last['value']:g} / {kr['target_value']:g} {kr['unit']}"
    assert (
        row["expected_text"]
        == f"{round(kr['start_value'] + expected * (kr['target_value'] - kr['start_value'])):g} {kr['unit']}"
    )
    assert row["gap_text"] == f"−{round((expected - progress) * 100)} pts"
    assert row["comment"] == last["comment"]
    assert row["status"].endswith(status) and row["owner"] == kr["owner"]


def test_the_teams_table_is_worst_first_not_by_name(overview):
    overview.run()
    teams = overview.dataframe[-1].value
    badges = {badge: i for i, badge in enumerate(f"{s}" for s in WORST_FIRST)}
    ranks = [next(i for s, i in badges.items() if worst.endswith(s)) for worst in teams["worst"]]
    assert ranks == sorted(ranks)
    for _, same in teams.assign(rank=ranks).groupby("rank"):
        gaps = (same["expected"] - same["progress"]).tolist()
        assert gaps == sorted(gaps, reverse=True)
    assert teams["team"].tolist() != sorted(teams["team"])


def kr_row(kr_id, status, progress, expected, **fields) -> dict:
    """A row of kr_progress with what the exceptions read."""
    return {
        "kr_id": kr_id,
        "title": f"Title of {kr_id}",
        "team": "Sales",
        "owner": None,
        "measure": "number",
        "unit": "deals",
        "direction": "increase",
        "start_value": 0.0,
        "target_value": 20.0,
        "last_value": progress * 20,
        "last_status": None,
        "last_comment": None,
        "last_date": pd.Timestamp("2027-05-20"),
        "progress": progress,
        "expected": expected,
        "status": status,
        "stale": False,
        "no_check_in": False,
        "days_overdue": 0,
        "cancelled": False,
        **fields,
    }


def test_needs_attention_picks_and_orders_as_design_says():
    from analytics.exceptions import attention_counts, needs_attention

    krs = pd.DataFrame(
        [
            kr_row("A", "off track", 0.30, 0.60),
            kr_row("B", "at risk", 0.40, 0.60),  # behind but checked in: not listed
            kr_row("C", "overdue", 0.90, 1.0, days_overdue=5),
            kr_row("D", "off track", 0.10, 0.60),  # the larger gap comes first
            kr_row("E", "at risk", 0.0, 0.20, no_check_in=True, last_date=pd.NaT, last_value=None),
            kr_row("F", "on track", 0.60, 0.62, stale=True, last_date=pd.Timestamp("2027-04-10")),
            kr_row("G", "cancelled", 0.0, 0.9, cancelled=True, stale=True),
            kr_row("H", "completed", 1.0, 0.9),
        ]
    )
    listed = needs_attention(krs, "2027-05-31")
    assert listed["kr_id"].tolist() == ["C", "D", "A", "E", "F"]
    assert attention_counts(listed) == {"overdue": 1, "off track": 2, "no check-in": 1, "stale": 1}
    row = listed.set_index("kr_id").loc["E"]
    assert (row["value_text"], row["comment"], row["owner"]) == ("— / 20 deals", "no check-in yet", "—")
    assert listed.set_index("kr_id").loc["F", "days_silent"] == 51
    assert listed.set_index("kr_id").loc["D", "gap"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"measure": "number", "unit": "consultants", "last_value": 6, "target_value": 20}, "6 / 20 consultants"),
        ({"measure": "number", "unit": "/10", "last_value": 7.6, "target_value": 8.5}, "7.6 / 8.5 out of 10"),
        ({"measure": "currency", "unit": "USD", "last_value": 270800, "target_value": 250000}, "$270,800 / $250,000"),
        (
            {"measure": "percent", "unit": "%", "last_value": 12.4, "target_value": 12, "direction": "stay_below"},
            "12.4% / ≤ 12%",
        ),
        ({"measure": "binary", "unit": None, "last_value": 0, "target_value": 1}, "No / Yes"),
        (
            {"measure": "status", "unit": None, "last_status": "Early progress", "target_value": None},
            "Early progress / Completed",
        ),
        ({"measure": "number", "unit": "users", "last_value": None, "target_value": 40}, "— / 40 users"),
    ],
)
def test_value_against_target_in_the_kr_s_unit(fields, shown):
    from analytics.exceptions import value_against_target

    assert value_against_target({"direction": "increase", **fields}) == shown


def test_expected_by_now_in_the_kr_s_unit_or_as_a_share():
    from analytics.exceptions import expected_by_now

    moving = {"measure": "number", "unit": "consultants", "start_value": 0, "target_value": 20, "direction": "increase"}
    assert expected_by_now({**moving, "expected": 0.70588}) == "14 consultants"
    assert (
        expected_by_now(
            {
                **moving,
                "measure": "currency",
                "unit": "USD",
                "start_value": 4000,
                "target_value": 2500,
                "direction": "decrease",
                "expected": 2 / 3,
            }
        )
        == "$3,000"
    )
    assert expected_by_now({"measure": "binary", "expected": 0.845, "direction": "increase"}) == "84%"


def test_a_status_pill_s_word_contrasts_with_its_colour():
    from charts.theme import STATUS_COLORS
    from ui.exceptions import status_pill, text_on

    assert text_on("#C62828") == "#fff"  # off track red: white reads
    assert text_on("#EF8F00") == "#111"  # at risk orange: white would be 2.4:1, near-black 8:1
    colour = STATUS_COLORS["at risk"]
    assert f'background: {colour}; color: {text_on(colour)}">at risk</span>' in status_pill("at risk")
