"""Saved scenarios in the store: save, load, rename, delete, compare, export/import, publish."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pandas as pd
import pytest

from analytics.funnel import (
    Scenario,
    ScenarioError,
    back_calculate,
    published_targets,
    read_scenario_json,
    scenario_comparison,
)
from conftest import PROJECT_ROOT
from store import scenarios as saved
from store.database import StoreError

# kept ARR 2,000,000 × (1 − 0.12 − 0.04 + 0.10) = 1,880,000; new ARR 3,880,000 − 1,880,000 = 2,000,000
BASE = {
    "target_arr": 3_880_000,
    "beginning_arr": 2_000_000,
    "churn_rate": 0.12,
    "contraction_rate": 0.04,
    "expansion_rate": 0.10,
    "average_deal_size": 25_000,
    "stages": [
        {"name": "emails", "conversion_rate": 0.10},
        {"name": "meetings", "conversion_rate": 0.50},
        {"name": "opportunities", "conversion_rate": 0.25},
    ],
    "seasonality": [0.1, 0.2, 0.3, 0.4],
    "deals_per_rep_per_quarter": 5,
}


def scenario(**changes) -> Scenario:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return Scenario.from_dict(data)


def test_nothing_saved_yet(store):
    assert saved.list_scenarios(store).empty
    with pytest.raises(StoreError, match='no saved scenario named "Base"'):
        saved.load_scenario(store, "Base")


def test_save_load_and_replace(store):
    base = scenario()
    assert saved.save_scenario(store, "  Base case ", base.to_dict(), "ceo") is False
    assert Scenario.from_dict(saved.load_scenario(store, "Base case")) == base
    listing = saved.list_scenarios(store)
    assert listing["name"].tolist() == ["Base case"] and listing["saved_by"].tolist() == ["ceo"]
    assert listing["saved_at"].notna().all()
    bigger = scenario(average_deal_size=40_000)
    assert saved.save_scenario(store, "Base case", bigger.to_dict(), "cfo") is True
    assert Scenario.from_dict(saved.load_scenario(store, "Base case")) == bigger
    assert saved.list_scenarios(store)["saved_by"].tolist() == ["cfo"]
    saved.save_scenario(store, "another", base.to_dict(), "ceo")
    assert saved.list_scenarios(store)["name"].tolist() == ["another", "Base case"]  # by name, any case
    with pytest.raises(StoreError, match="needs a name"):
        saved.save_scenario(store, "   ", base.to_dict(), "ceo")
    with pytest.raises(StoreError, match="at most 80 characters"):
        saved.save_scenario(store, "x" * 81, base.to_dict(), "ceo")


def test_rename_and_delete(store):
    saved.save_scenario(store, "Base", scenario().to_dict(), "ceo")
    saved.save_scenario(store, "Stretch", scenario(target_arr=5_000_000).to_dict(), "ceo")
    saved.rename_scenario(store, "Base", "Plan A")
    assert saved.list_scenarios(store)["name"].tolist() == ["Plan A", "Stretch"]
    assert Scenario.from_dict(saved.load_scenario(store, "Plan A")) == scenario()
    with pytest.raises(StoreError, match='"Stretch" exists already'):
        saved.rename_scenario(store, "Plan A", "Stretch")
    with pytest.raises(StoreError, match='no saved scenario named "Base"'):
        saved.rename_scenario(store, "Base", "Plan B")
    saved.delete_scenario(store, "Stretch")
    assert saved.list_scenarios(store)["name"].tolist() == ["Plan A"]
    with pytest.raises(StoreError, match='no saved scenario named "Stretch"'):
        saved.delete_scenario(store, "Stretch")


def test_compare_saved_scenarios(store):
    saved.save_scenario(store, "Base", scenario().to_dict(), "ceo")
    saved.save_scenario(store, "Bigger deals", scenario(average_deal_size=31_250).to_dict(), "ceo")
    saved.save_scenario(store, "Stretch", scenario(target_arr=4_380_000).to_dict(), "ceo")
    loaded = {
        name: Scenario.from_dict(saved.load_scenario(store, name)) for name in ("Base", "Bigger deals", "Stretch")
    }
    rows = scenario_comparison(loaded).set_index("item")
    # deals: 2,000,000 / 25,000 = 80; / 31,250 = 64; stretch 2,500,000 / 25,000 = 100
    assert [rows.at["Deals", name] for name in loaded] == pytest.approx([80, 64, 100])
    # top of funnel: deals / (0.10 × 0.50 × 0.25) = deals / 0.0125
    assert [rows.at["Top-of-funnel volume", name] for name in loaded] == pytest.approx([6400, 5120, 8000])
    assert rows.at["New ARR required", "Stretch"] == pytest.approx(2_500_000)
    assert rows.at["Average deal size", "Bigger deals"] == 31_250


def test_export_import_round_trip_the_cli_reads(store, tmp_path):
    with_channels = scenario(
        monthly_churn_rate=0.01,
        ramp=[0.5, 1.0],
        channel_stage="meetings",
        channels=[
            {"name": "Outbound", "share": 0.7, "conversion_rates": {"emails": 0.08}},
            {"name": "Inbound", "share": 0.3, "conversion_rates": {"emails": 0.25}},
        ],
    )
    saved.save_scenario(store, "Channels", with_channels.to_dict(), "ceo")
    exported = json.dumps({"name": "Channels", **saved.load_scenario(store, "Channels")}, indent=1)
    imported, name = read_scenario_json(exported.encode(), "Channels.json")
    assert imported == with_channels and name == "Channels"
    path = tmp_path / "Channels.json"
    path.write_text(exported)
    result = subprocess.run(
        [sys.executable, "-m", "analytics", "backcalc", str(path), "--json"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["new_arr_required"] == pytest.approx(
        back_calculate(with_channels).new_arr_required
    )
    with pytest.raises(ScenarioError, match='stages\\[0\\] \\("emails"\\) conversion_rate must be above 0'):
        read_scenario_json(exported.replace('"conversion_rate": 0.1', '"conversion_rate": 0'), "bad.json")


def test_publish_writes_quarterly_targets_once_and_audited(store):
    plan = back_calculate(scenario())
    targets = published_targets(plan, 2027, ["emails", "opportunities"])
    version = store.data_version()
    changes = saved.publish_targets(store, targets, scenario().to_dict(), "Base", "ceo")
    assert changes["company_targets"].inserted == 12
    assert store.data_version() > version
    stored = store.read_table("company_targets").set_index(["period", "metric"])
    # bookings: 2,000,000 × (0.1, 0.2, 0.3, 0.4); opportunities: bookings / 25,000 / 0.25; emails: / 0.0125
    assert stored.loc[[(f"2027-Q{q}", "bookings") for q in range(1, 5)], "target_value"].tolist() == pytest.approx(
        [200_000, 400_000, 600_000, 800_000]
    )
    assert stored.at[("2027-Q3", "pipeline_opportunities"), "target_value"] == pytest.approx(96)
    assert stored.at[("2027-Q1", "pipeline_emails"), "target_value"] == pytest.approx(640)
    assert stored.at[("2027-Q2", "bookings"), "start_value"] == 0
    upload = store.uploads().iloc[0]
    assert upload["file_name"] == "scenario Base.json" and upload["uploaded_by"] == "ceo"
    recorded = json.loads(store.upload_file(int(upload["upload_id"]), "scenario Base.json"))
    assert recorded["name"] == "Base" and Scenario.from_dict(recorded) == scenario()

    # the same targets again: nothing changes, nothing is recorded
    again = saved.publish_targets(store, targets, scenario().to_dict(), "Base", "ceo")
    assert again["company_targets"].changed == 0 and len(store.uploads()) == 1

    # another plan replaces the same period and metric rows
    bigger = published_targets(back_calculate(scenario(target_arr=4_380_000)), 2027, ["opportunities"])
    changes = saved.publish_targets(store, bigger, scenario(target_arr=4_380_000).to_dict(), "Stretch", "ceo")
    assert changes["company_targets"].updated == 8 and changes["company_targets"].inserted == 0
    stored = store.read_table("company_targets").set_index(["period", "metric"])
    assert stored.at[("2027-Q4", "bookings"), "target_value"] == pytest.approx(1_000_000)  # 2,500,000 × 0.4
    assert stored.at[("2027-Q4", "pipeline_emails"), "target_value"] == pytest.approx(2560)  # untouched: 32 / 0.0125
    with pytest.raises(StoreError, match="lack the column"):
        saved.publish_targets(store, pd.DataFrame({"period": ["2027-Q1"]}), scenario().to_dict(), "x", "ceo")
