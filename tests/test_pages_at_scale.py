"""The review pages at 200 teams (issue 26): a summary by group or of the worst teams first, the full
list one click away (a "show all" toggle, or the Group filter), worst first, and the teams with
nothing in force counted rather than listed. The organisation is bench/make_org.py's at full width
(200 teams in 19 groups, 2,000 objectives, 8,000 KRs) with few check-ins, and a few teams whose
objectives in force are left out (their planning is late), ingested once for the module; the
expected figures are computed here from its sheets."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from analytics.progress import STATUS_ORDER
from charts.theme import STATUS_BADGES
from conftest import PROJECT_ROOT, chart_values, charts_by_title, routed_app_tests
from store.database import Store, UploadedFile
from ui import scale, state

sys.path.insert(0, str(PROJECT_ROOT / "bench"))
import make_org  # noqa: E402

AS_OF = make_org.AS_OF
QUARTER = f"{AS_OF.year}-Q{(AS_OF.month - 1) // 3 + 1}"
WIDE_BUT_LIGHT = make_org.Scale(teams=200, objectives=2_000, key_results=8_000, check_ins=16_000, split_check_ins=1)
RANK = {status: i for i, status in enumerate(STATUS_ORDER)}
BADGE_RANK = {STATUS_BADGES[status]: i for status, i in RANK.items()}  # the tables show badges
LATE_TEAMS = 7  # teams whose objectives in force at AS_OF are left out: to count, not list
GROUP = "Sales EMEA"  # the group a drill-down chooses


def wide_org() -> dict[str, pd.DataFrame]:
    """make_org's sheets at 200 teams and 8,000 KRs, with 16,000 check-ins instead of 500,000, less the
    objectives in force (and their KRs) of LATE_TEAMS teams spread over the groups."""
    rng = np.random.default_rng(make_org.SEED)
    teams = make_org._teams(rng, WIDE_BUT_LIGHT)
    objectives = make_org._objectives(WIDE_BUT_LIGHT, teams)
    key_results = make_org._key_results(rng, WIDE_BUT_LIGHT, objectives, teams)
    check_ins = make_org._check_ins(rng, WIDE_BUT_LIGHT, key_results, objectives)
    late = teams["team"].iloc[:: len(teams) // LATE_TEAMS].head(LATE_TEAMS)
    objectives = objectives[
        ~(objectives["team"].isin(late) & objectives["period"].isin([QUARTER, str(AS_OF.year)]))
    ].reset_index(drop=True)
    key_results = key_results[key_results["objective_id"].isin(objectives["objective_id"])].reset_index(drop=True)
    check_ins = check_ins[check_ins["kr_id"].isin(key_results["kr_id"])].reset_index(drop=True)
    return {
        "Teams": teams,
        "Objectives": objectives,
        "KeyResults": key_results,
        "CheckIns": check_ins,
        "ArrActuals": make_org._arr_actuals(rng),
        "CompanyTargets": make_org._company_targets(),
    }


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    from loaders.ingest import check_and_store

    folder = tmp_path_factory.mktemp("wide_org")
    sheets = wide_org()
    make_org.write_xlsx(folder / "org.xlsx", sheets)
    path = str(folder / "org.duckdb")
    opened = Store.open(path)
    result = check_and_store(opened, [UploadedFile("org.xlsx", (folder / "org.xlsx").read_bytes())], "tester")
    opened.close()
    assert result.errors == []
    return path, sheets


@pytest.fixture
def open_wide(org, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    routed_app_tests(monkeypatch)
    monkeypatch.setenv("OKR_DB", org[0])
    monkeypatch.setenv("OKR_AS_OF", AS_OF.isoformat())
    st.cache_resource.clear()
    st.cache_data.clear()

    def opener(page: str, **query: str) -> AppTest:
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
        for key, value in query.items():
            at.query_params[key] = value
        if page != "pages/overview.py":
            at.switch_page(page)
        at.run()
        assert not at.exception
        return at

    yield opener
    st.cache_resource.clear()


def current_objectives(sheets) -> pd.DataFrame:
    """The objectives whose period holds AS_OF (the quarter or the year), company ones included."""
    objectives = sheets["Objectives"]
    return objectives[objectives["period"].isin([QUARTER, str(AS_OF.year)])]


def teams_in_force(sheets, group: str | None = None) -> set[str]:
    """Teams with a KR of an objective whose period holds AS_OF (the quarter or the year)."""
    current = current_objectives(sheets)
    current = current[current["team"].notna()]
    with_krs = current[current["objective_id"].isin(sheets["KeyResults"]["objective_id"])]
    teams = set(with_krs["team"])
    if group:
        teams &= set(sheets["Teams"].loc[sheets["Teams"]["group"] == group, "team"])
    return teams


def test_the_organisation_is_wide_with_a_few_idle_teams(org):
    sheets = org[1]
    assert len(sheets["Teams"]) == 200
    assert len(teams_in_force(sheets)) == 200 - LATE_TEAMS  # the bench's own organisation has none idle
    assert sheets["Teams"]["group"].value_counts().between(6, 15).all()


def krs_in_force(sheets) -> pd.DataFrame:
    """The KRs of the objectives whose period holds AS_OF, with their objective's team (none for a company
    objective's) and that team's group."""
    current = current_objectives(sheets)[["objective_id", "team"]]
    krs = sheets["KeyResults"].drop(columns="team", errors="ignore").merge(current, on="objective_id")
    return krs.assign(group=krs["team"].map(sheets["Teams"].set_index("team")["group"]))


def test_overview_groups_first_then_the_worst_teams_and_all_after_the_toggle(open_wide, org):
    sheets = org[1]
    in_force = teams_in_force(sheets)
    at = open_wide("pages/overview.py")
    groups, teams = (frame.value for frame in at.dataframe[-2:])
    assert set(groups["group"]) == set(sheets["Teams"]["group"])
    assert groups["teams"].sum() == len(in_force)
    assert len(teams) == scale.WORST_ROWS
    assert at.expander[-1].label == f"The teams one by one, worst first ({len(in_force)})"
    ranks = teams["worst"].map(BADGE_RANK).tolist()
    assert ranks == sorted(ranks)  # worst status first
    idle = 200 - len(in_force)
    assert any(f"{idle} teams with nothing in force" in caption.value for caption in at.caption)

    at.toggle(key=scale.SHOW_ALL_TEAMS).set_value(True).run()
    teams = at.dataframe[-1].value
    assert set(teams["team"]) == in_force
    ranks = teams["worst"].map(BADGE_RANK).tolist()
    assert ranks == sorted(ranks)
    same_status = teams[teams["worst"] == teams["worst"].iloc[0]]
    gaps = (same_status["expected"] - same_status["progress"]).tolist()
    assert gaps == sorted(gaps, reverse=True)  # then the largest gap first


def test_overview_lists_the_worst_krs_needing_attention_and_all_after_the_toggle(open_wide, org):
    at = open_wide("pages/overview.py")
    needing = int(next(c.value for c in at.caption if " of " in c.value and "key results ·" in c.value).split()[0])
    assert needing > scale.WORST_ROWS
    assert at.expander[0].label == f"and {needing - 8} more — the whole list"
    full = at.dataframe[0].value
    assert len(full) == scale.WORST_ROWS
    ranks = full["status"].map(BADGE_RANK).tolist()
    assert ranks == sorted(ranks)  # worst first, as the large-type list above it

    at.toggle(key=scale.SHOW_ALL_ATTENTION).set_value(True).run()
    full = at.dataframe[0].value
    assert len(full) == needing and full["kr_id"].is_unique
    assert set(full["kr_id"]) <= set(krs_in_force(org[1])["kr_id"])


def test_overview_drills_down_to_a_group_s_teams(open_wide, org):
    at = open_wide("pages/overview.py", group=GROUP)
    teams = at.dataframe[-1].value
    assert set(teams["team"]) == teams_in_force(org[1], GROUP)
    assert len(at.toggle) == 0


def overdue_in_force(sheets) -> pd.DataFrame:
    """KRs of in-force objectives due before AS_OF: every overdue KR is among them (completed ones are not)."""
    objectives = sheets["Objectives"]
    current = objectives[objectives["period"].isin([QUARTER, str(AS_OF.year)])]
    krs = sheets["KeyResults"][sheets["KeyResults"]["objective_id"].isin(current["objective_id"])]
    return krs[pd.to_datetime(krs["due_date"]) < pd.Timestamp(AS_OF)]


def test_due_dates_shows_the_worst_teams_and_groups_and_the_worst_overdue(open_wide, org):
    sheets = org[1]
    at = open_wide("pages/due_dates.py")
    charts = charts_by_title(at)
    timeline = next(spec for title, spec in charts.items() if title.startswith("Key results by due date"))
    assert f"the {scale.WORST_ROWS} teams with most KRs overdue" in timeline["layout"]["title"]["text"]
    assert len(timeline["layout"]["yaxis"]["ticktext"]) == scale.WORST_ROWS
    assert timeline["layout"]["xaxis2"]["side"] == "top"  # the dates above the plot too
    heatmap = next(spec for title, spec in charts.items() if title.endswith("by group"))
    assert len(heatmap["data"][0]["y"]) == sheets["Teams"]["group"].nunique()

    overdue_metric = {m.label: m.value for m in at.metric}["Overdue KRs"]
    overdue_count = int(overdue_metric.split(" of ")[0].replace(",", ""))
    assert scale.WORST_ROWS < overdue_count <= len(overdue_in_force(sheets))
    table = at.dataframe[0].value
    assert len(table) == scale.WORST_ROWS
    assert table["days_overdue"].tolist() == sorted(table["days_overdue"], reverse=True)
    # The team most overdue in the table is on the timeline.
    assert set(table["team"].dropna()) & set(timeline["layout"]["yaxis"]["ticktext"])
    idle = 200 - len(teams_in_force(sheets))
    assert any(caption.value.startswith(f"{idle} teams in the filters have no KR") for caption in at.caption)

    at.toggle(key=scale.SHOW_ALL_OVERDUE).set_value(True).run()
    table = at.dataframe[0].value
    assert len(table) == overdue_count
    assert set(table["kr_id"]) <= set(overdue_in_force(sheets)["kr_id"])


def test_due_dates_drills_down_to_a_group_s_teams(open_wide, org):
    at = open_wide("pages/due_dates.py", group=GROUP)
    charts = charts_by_title(at)
    timeline = next(spec for title, spec in charts.items() if title.startswith("Key results by due date"))
    sales = teams_in_force(org[1], GROUP)
    assert set(timeline["layout"]["yaxis"]["ticktext"]) == sales
    heatmap = next(spec for title, spec in charts.items() if title.endswith("by team"))
    assert {label.split(" · ")[0].lstrip("⚠ ") for label in heatmap["data"][0]["y"]} == sales


def test_change_or_cancel_groups_first_then_the_worst_krs(open_wide, org):
    sheets = org[1]
    at = open_wide("pages/change_or_cancel.py")
    listed = int({m.label: m.value for m in at.metric}["KRs to decide on"].split(" of ")[0].replace(",", ""))
    groups, krs = at.dataframe[0].value, at.dataframe[1].value
    assert groups["listed"].sum() == listed
    assert set(groups["group"]) <= {*sheets["Teams"]["group"], "Company"}
    assert groups["worst_team"].notna().all()  # the company's own KRs have no team: "—", not "None"
    assert len(krs) == min(listed, scale.WORST_ROWS)
    assert listed > scale.WORST_ROWS

    at.toggle(key=scale.SHOW_ALL_CANDIDATES).set_value(True).run()
    krs = at.dataframe[1].value
    assert len(krs) == listed
    assert krs["kr_id"].is_unique


def test_kr_types_groups_first_then_the_worst_objectives(open_wide, org):
    sheets = org[1]
    at = open_wide("pages/kr_types.py")
    mix = charts_by_title(at)["Key results by type, per group"]
    assert set(mix["data"][0]["y"]) <= {*sheets["Teams"]["group"], "Company"}
    no_outcome = int(
        {m.label: m.value for m in at.metric}["Objectives without an outcome KR"].split(" of ")[0].replace(",", "")
    )
    groups = at.dataframe[0].value
    assert groups["no_outcome"].sum() == no_outcome
    flagged = at.dataframe[1].value
    assert len(flagged) == scale.WORST_ROWS < no_outcome
    types = sheets["KeyResults"].groupby("objective_id")["kr_type"].agg(set)
    input_only = int(groups["input_only"].sum())
    assert input_only > 0
    leading = flagged["objective_id"].head(min(input_only, scale.WORST_ROWS))
    assert all(types[objective] == {"input"} for objective in leading)  # the worst, input-only, first

    at.toggle(key=scale.SHOW_ALL_NO_OUTCOME).set_value(True).run()
    assert len(at.dataframe[1].value) == no_outcome
    assert len(at.expander) >= 1  # the per-objective table one click away


def test_kr_types_drills_down_to_a_group_s_teams(open_wide, org):
    at = open_wide("pages/kr_types.py", group=GROUP)
    mix = charts_by_title(at)["Key results by type, per team"]
    assert set(mix["data"][0]["y"]) == teams_in_force(org[1], GROUP)


def network_of(at) -> dict:
    """The dependency graph, whose title says whether it shows every link or only the conflicts."""
    return next(figure for title, figure in charts_by_title(at).items() if "(arrow: depends on)" in title)


def test_alignment_shows_groups_and_themes_then_a_group_s_teams(open_wide, org):
    sheets = org[1]
    at = open_wide("pages/alignment.py")
    network = network_of(at)
    nodes = next(trace for trace in network["data"] if trace["name"] == "Teams")["text"]
    assert set(nodes) <= set(sheets["Teams"]["group"]) and len(nodes) <= sheets["Teams"]["group"].nunique()
    metrics = {m.label: m for m in at.metric}
    listed = int(metrics["Likely overlaps"].value.replace(",", ""))
    themes = next((d.value for d in at.dataframe if list(d.value.columns) == ["shared", "teams", "pairs"]), None)
    assert themes is None or (themes["teams"] > 4).all()  # wording many teams share is a theme, not a pair
    assert listed <= scale.WORST_ROWS or scale.SHOW_ALL_OVERLAPS in [toggle.key for toggle in at.toggle]

    at = open_wide("pages/alignment.py", group=GROUP)
    network = network_of(at)
    nodes = set(next(trace for trace in network["data"] if trace["name"] == "Teams")["text"])
    sales = set(sheets["Teams"].loc[sheets["Teams"]["group"] == GROUP, "team"])
    assert nodes and nodes <= set(sheets["Teams"]["team"])  # teams again, not groups
    assert len(network["layout"]["annotations"]) == 0 or nodes & sales


def frame_with(at, column: str) -> pd.DataFrame:
    """The one table of the run that has `column`."""
    (frame,) = [table.value for table in at.dataframe if column in table.value.columns]
    return frame


def health_bars(at) -> dict[str, int]:
    """The update health chart's bars: name → KRs in force (the bar's text reads "updated of in force")."""
    (chart,) = [spec for title, spec in charts_by_title(at).items() if title.startswith("Updated in the last 30 days")]
    trace = chart["data"][0]
    return {name: int(text.split(" of ")[1]) for name, text in zip(chart_values(trace["y"]), trace["text"])}


def test_review_meeting_goes_group_by_group_then_team_by_team(open_wide, org):
    sheets = org[1]
    in_force, krs = teams_in_force(sheets), krs_in_force(sheets)
    at = open_wide("pages/review_meeting.py")
    health = health_bars(at)
    assert len(health) == 10
    per_group = krs.assign(group=krs["group"].where(krs["team"].notna(), "Company"))["group"].value_counts()
    assert health == {group: per_group[group] for group in health}  # KRs in force of each group shown
    title = next(title for title in charts_by_title(at) if title.startswith("Updated in the last 30 days"))
    assert title == f"Updated in the last 30 days, by group: the 10 lowest of {len(per_group)}"

    groups = frame_with(at, "teams_at_worst")
    assert groups["teams"].sum() == len(in_force)
    assert set(groups["group"]) == set(sheets["Teams"]["group"])
    assert groups["worst"].map(BADGE_RANK).tolist() == sorted(groups["worst"].map(BADGE_RANK))
    teams = frame_with(at, "link")
    assert len(teams) == scale.WORST_ROWS
    ranks = teams["worst_status"].map(BADGE_RANK).tolist()
    assert ranks == sorted(ranks)
    assert any(
        caption.value.endswith(f"{200 - len(in_force)} teams with nothing in force are counted here, not listed")
        for caption in at.caption
    )

    to_decide = int(
        next(m.value for m in at.markdown if "key results to decide on" in m.value).split("**")[1].split()[0]
    )
    assert len(frame_with(at, "reasons")) == scale.WORST_ROWS < to_decide

    at.toggle(key=scale.SHOW_ALL_TURN_TEAMS).set_value(True).run()
    teams = frame_with(at, "link")
    assert set(teams["team"]) == in_force and len(teams) == len(in_force)
    at.toggle(key=scale.SHOW_ALL_MEETING_CANDIDATES).set_value(True).run()
    candidates = frame_with(at, "reasons")
    assert len(candidates) == to_decide and candidates["kr_id"].is_unique
    assert set(candidates["kr_id"]) <= set(krs["kr_id"])


def test_review_meeting_drills_down_to_a_group_s_teams(open_wide, org):
    at = open_wide("pages/review_meeting.py", group=GROUP)
    sales = teams_in_force(org[1], GROUP)
    assert set(health_bars(at)) == sales
    assert set(frame_with(at, "link")["team"]) == sales
    assert [frame for frame in at.dataframe if "teams_at_worst" in frame.value.columns] == []
    assert len(at.toggle) == 0


def test_alignment_draws_groups_and_objectives_without_kr_tiles_until_a_group_is_chosen(open_wide, org):
    sheets = org[1]
    krs = krs_in_force(sheets)
    at = open_wide("pages/alignment.py")
    (tree,) = [spec for title, spec in charts_by_title(at).items() if title.startswith("Company objectives →")]
    assert tree["layout"]["title"]["text"] == "Company objectives → groups → team objectives"
    ids, parents = chart_values(tree["data"][0]["ids"]), chart_values(tree["data"][0]["parents"])
    assert not set(ids) & set(krs["kr_id"])
    team_krs = krs[krs["team"].notna()]
    parent_of = dict(zip(ids, parents))
    linked = team_krs.drop_duplicates("objective_id").merge(
        current_objectives(sheets)[["objective_id", "parent_objective_id"]], on="objective_id"
    )
    linked = linked[linked["parent_objective_id"].isin(set(ids))]
    assert len(linked) > 0
    assert [parent_of[objective] for objective in linked["objective_id"]] == (
        linked["parent_objective_id"] + " · " + linked["group"]
    ).tolist()  # a team objective hangs under its company objective's tile for its team's group
    sizes = dict(zip(ids, chart_values(tree["data"][0]["values"])))
    team_krs = krs[krs["team"].notna()]
    assert {objective: sizes[objective] for objective in team_krs["objective_id"].unique()} == team_krs[
        "objective_id"
    ].value_counts().to_dict()  # an objective's tile is as large as its KRs

    at = open_wide("pages/alignment.py", group=GROUP)
    (tree,) = [spec for title, spec in charts_by_title(at).items() if title.startswith("Company objectives →")]
    ids = set(chart_values(tree["data"][0]["ids"]))
    assert ids & set(krs.loc[krs["group"] == GROUP, "kr_id"])


def test_quality_groups_first_then_the_lowest_scores(open_wide, org):
    sheets = org[1]
    in_force = teams_in_force(sheets)
    at = open_wide("pages/quality.py")
    assert {m.label: m.value for m in at.metric}["Teams checked"] == str(len(in_force))
    assert not any(m.label in in_force for m in at.metric)  # no card per team
    groups, teams, findings = (frame.value for frame in at.dataframe)
    group_of = sheets["Teams"].set_index("team")["group"]
    assert groups["teams"].sum() == len(in_force)
    assert groups.set_index("group")["teams"].to_dict() == group_of[sorted(in_force)].value_counts().to_dict()
    assert groups["lowest"].tolist() == sorted(groups["lowest"])  # the group with the lowest score first
    assert len(teams) == scale.WORST_ROWS
    assert teams["score"].tolist() == sorted(teams["score"])
    assert teams["score"].iloc[0] == groups["lowest"].iloc[0]
    assert (teams["group"] == teams["team"].map(group_of)).all()
    assert any(
        caption.value.startswith(f"{LATE_TEAMS} teams in the filters have no team objective") for caption in at.caption
    )
    severity = findings["severity"].tolist()
    assert severity == sorted(severity, key=lambda badge: "warning" in badge)  # errors first

    at.toggle(key=scale.SHOW_ALL_SCORES).set_value(True).run()
    teams = at.dataframe[1].value
    assert set(teams["team"]) == in_force
    assert teams["score"].tolist() == sorted(teams["score"])


def test_quality_drills_down_to_a_group_s_teams(open_wide, org):
    at = open_wide("pages/quality.py", group=GROUP)
    cards = {m.label for m in at.metric} - {"Teams checked", "Errors", "Warnings", "Teams without findings"}
    assert cards == teams_in_force(org[1], GROUP)
    assert len(at.toggle) == 0


def quarter_before(quarter: str) -> str:
    year, number = int(quarter[:4]), int(quarter[-1])
    return f"{year - 1}-Q4" if number == 1 else f"{year}-Q{number - 1}"


def krs_of_quarter(sheets, quarter: str) -> pd.DataFrame:
    objectives = sheets["Objectives"][sheets["Objectives"]["period"] == quarter]
    krs = sheets["KeyResults"].merge(objectives[["objective_id", "team"]], on="objective_id")
    return krs.assign(group=krs["team"].map(sheets["Teams"].set_index("team")["group"]))


def test_retrospective_groups_first_then_the_lowest_scores(open_wide, org):
    sheets = org[1]
    ended = quarter_before(QUARTER)  # the latest quarter ended by AS_OF, which the page opens on
    krs = krs_of_quarter(sheets, ended)
    at = open_wide("pages/retrospective.py")
    figure = charts_by_title(at)[f"{ended}: key results completed and missed per group"]
    per_group: dict[str, int] = {}
    for trace in figure["data"][:3]:  # completed, missed, cancelled, stacked
        for group, count in zip(chart_values(trace["y"]), chart_values(trace["x"])):
            per_group[group] = per_group.get(group, 0) + count
    assert per_group == krs["group"].value_counts().to_dict()
    scores = [float(text.split("score ")[1].rstrip("%")) for text in figure["data"][3]["text"]]
    assert scores == sorted(scores, reverse=True)  # drawn bottom up: the lowest score at the top

    teams = at.dataframe[0].value
    assert len(teams) == scale.WORST_ROWS
    assert teams["progress"].tolist() == sorted(teams["progress"])
    idle = 200 - krs["team"].nunique()
    assert any(caption.value.startswith(f"{idle} teams in the filters had no objective") for caption in at.caption)

    at.toggle(key=scale.SHOW_ALL_RETRO_TEAMS).set_value(True).run()
    teams = at.dataframe[0].value
    assert set(teams["team"]) == set(krs["team"])
    assert (teams["n_completed"] + teams["n_not_completed"] + teams["n_cancelled"]).sum() == len(krs)


def test_retrospective_drills_down_to_a_group_s_teams(open_wide, org):
    krs = krs_of_quarter(org[1], quarter_before(QUARTER))
    at = open_wide("pages/retrospective.py", group=GROUP)
    figure = charts_by_title(at)[f"{quarter_before(QUARTER)}: key results completed and missed per team"]
    group_teams = set(krs.loc[krs["group"] == GROUP, "team"])
    assert set(chart_values(figure["data"][0]["y"])) == group_teams
    assert len(at.toggle) == 0
    assert set(at.selectbox(key=state.RETRO_TEAM).options) == group_teams  # the team view follows the filter


def test_review_pack_previews_the_worst_key_results_first(open_wide, org):
    at = open_wide("pages/review_pack.py")
    in_force = len(org[1]["KeyResults"].merge(current_objectives(org[1]), on="objective_id"))
    assert at.subheader[-1].value == f"The {in_force} key results in the Excel and CSV files"
    preview = at.dataframe[0].value
    assert len(preview) == scale.WORST_ROWS
    ranks = preview["status"].map(BADGE_RANK).tolist()
    assert ranks == sorted(ranks)

    at.toggle(key=scale.SHOW_ALL_PACK_KRS).set_value(True).run()
    preview = at.dataframe[0].value
    assert len(preview) == in_force and preview["kr_id"].is_unique
    ranks = preview["status"].map(BADGE_RANK).tolist()
    assert ranks == sorted(ranks)
    same_status = preview[preview["status"] == preview["status"].iloc[0]]
    gaps = (same_status["expected_points"] - same_status["progress_points"]).tolist()
    assert gaps == sorted(gaps, reverse=True)


def test_the_page_bench_flags_slow_and_tall_pages():
    import page_bench

    def page(warm_runs: list[int], screens: float) -> dict:
        return {"cold_ms": 900, "warm_runs_ms": warm_runs, "warm_ms": sorted(warm_runs)[1], "screens": screens}

    demo = {"Fast": page([100, 200, 300], 1.0), "Slow": page([100, 200, 300], 1.0), "Tall": page([100, 200, 300], 2)}
    large = {"Fast": page([150, 300, 900], 1.0), "Slow": page([150, 301, 900], 1.0), "Tall": page([100, 200, 300], 4.2)}
    for figures in (demo, large):
        for figure in figures.values():
            figure["exception"] = False
    verdicts = page_bench.flagged(demo, large)
    assert verdicts["Fast"] == {
        "warm_ratio": 1.5,
        "best_warm_ratio": 1.5,
        "screens": 1.0,
        "slow": False,
        "tall": False,
        "exception": False,
    }
    assert verdicts["Slow"]["slow"] and not verdicts["Slow"]["tall"]
    assert verdicts["Tall"]["tall"] and not verdicts["Tall"]["slow"]
    lines = page_bench.table(demo, large, verdicts).splitlines()
    assert lines[3].split() == ["Slow", "900", "200", "900", "301", "1.50", "1.50", "1.00", "warm", ">", "1.5×", "demo"]
