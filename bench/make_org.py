"""Generate a large synthetic organisation in the DESIGN workbook format, for the benchmarks.

Full scale: 200 teams in 19 groups of 6 to 15, 2,000 objectives (12 yearly company objectives, the rest
team objectives linked to them, quarterly and some yearly; every team has one in force at AS_OF),
8,000 KRs of every type, measure and direction, 500,000 check-ins over the three years 2024–2026,
4,000 initiatives, 80 review decisions, 60 months of ARR actuals and the company targets. `--quick` is ten times smaller
(the 60 months of ARR stay). Seeded: the same scale always gives the same files.

Written into one directory (default /tmp/okr_org):

* `org.xlsx`           every sheet, all check-ins included (the CLI's size limit takes it)
* `checkins_100k.xlsx` the latest 100,000 check-ins alone (a CheckIns sheet), the XLSX benchmark
* `checkins_100k_warnings.xlsx` the same rows, 93 in every 100 dated a year earlier, before their KR
                       starts: a file full of warnings (each such check-in is kept as a baseline)
* `csv/<Sheet>.csv`    one CSV per sheet, named like it; `csv/CheckIns.csv` holds every check-in
* `org.json`           the scale and the rows per sheet (written last: the files are complete)

Check-in values are written as people's exports write them: in the CSV, currency as `$12,345`
and percentages as `45.5%`; a tenth of the status words in lower case; XLSX cells hold real
numbers and dates.

    .venv/bin/python bench/make_org.py [OUT_DIR] [--quick | --scale 0.01]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pathlib
import sys
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from analytics.periods import period_bounds  # noqa: E402
from store.schema import DATE, DIRECTIONS, KR_TYPES, STATUS_LEVELS, TABLES_BY_NAME  # noqa: E402

DEFAULT_OUT = pathlib.Path("/tmp/okr_org")
SEED = 2026
YEARS = (2024, 2025, 2026)
# The review the benchmarks look at: a month-end late in the data, with the quarter under way.
AS_OF = dt.date(2026, 11, 30)
ARR_FIRST_MONTH = pd.Period("2022-01", freq="M")
ARR_MONTHS = 60
QUICK_SCALE = 0.1
MANIFEST = "org.json"
# Bumped when the same seed and scale give a different organisation: an older one is generated again.
LAYOUT = 2
WARNINGS_SPLIT = "checkins_100k_warnings.xlsx"
WARNING_SHARE = 93  # of every 100 rows of the split, dated before their KR starts

# Groups of 6 to 15 teams, as departments are: a review that summarises by group reads a row per group.
GROUPS = (
    "Product Growth",
    "Product Platform",
    "Core Engineering",
    "Infrastructure",
    "Data & AI",
    "Security",
    "Mobile",
    "Design",
    "Sales EMEA",
    "Sales Americas",
    "Sales APAC",
    "Marketing",
    "Customer Success",
    "Support",
    "Partnerships",
    "Operations",
    "Finance & Legal",
    "People",
    "IT",
    "Research",
)
GROUP_SIZES = (6, 15)
TEAMS_PER_GROUP = 10.5  # the mean size the group count aims at
FIRST_NAMES = (
    "Amara",
    "Lucas",
    "Priya",
    "Ben",
    "Jonas",
    "Mei",
    "Clara",
    "Daniel",
    "Sofia",
    "Kwame",
    "Hannah",
    "Arjun",
    "Tomasz",
    "Elena",
    "Liam",
    "Yuki",
    "Pedro",
    "Nina",
    "Max",
    "Nadia",
    "Felix",
    "Chen",
    "Ravi",
    "Marcus",
    "Isabel",
    "Leo",
    "Chloé",
    "Ryan",
    "Zoe",
    "Mateo",
    "Ivy",
    "Olivia",
    "Sanjay",
    "Lea",
    "Noah",
    "Victor",
    "Grace",
    "Kofi",
    "Maya",
    "Ethan",
)
LAST_NAMES = (
    "Okafor",
    "Moreau",
    "Raman",
    "Carter",
    "Lindqvist",
    "Tanaka",
    "Jensen",
    "Ferreira",
    "Rossi",
    "Mensah",
    "Becker",
    "Mehta",
    "Nowak",
    "Petrova",
    "O'Connor",
    "Sato",
    "Santos",
    "Horvat",
    "Keller",
    "Haddad",
    "Wagner",
    "Wei",
    "Kumar",
    "Johnson",
    "Cruz",
    "Fontaine",
    "Dubois",
    "Patel",
    "Adams",
    "Garcia",
    "Chen",
    "Brennan",
    "Iyer",
    "Schmidt",
    "Williams",
    "Almeida",
    "Kim",
    "Boateng",
    "Goldberg",
    "Clarke",
    "Zahra",
    "Lindgren",
    "Novak",
    "Watanabe",
    "Ade",
    "Carvalho",
    "Osei",
    "Kowalski",
    "Bianchi",
    "Hughes",
)
COMPANY_THEMES = (
    "Prove acquisition repeatability on 2+ channels",
    "Win customers' loyalty",
    "Gather and build an inspired team",
    "Control our corporate destiny",
)
VERBS = ("Grow", "Launch", "Reduce", "Improve", "Ship", "Scale", "Automate", "Win", "Build", "Cut")
SUBJECTS = (
    "qualified pipeline",
    "the partner API",
    "onboarding time",
    "gross margin",
    "self-serve sign-ups",
    "enterprise renewals",
    "release cadence",
    "data quality",
    "hiring funnel",
    "support backlog",
)
KR_TITLES = {
    "currency": ("Bookings", "Pipeline created", "Expansion revenue", "Cloud spend", "Partner-sourced revenue"),
    "number": (
        "Qualified meetings",
        "Weekly active teams",
        "Releases shipped",
        "Open incidents",
        "Median days to close",
        "Candidates hired",
    ),
    "percent": ("Win rate", "Gross retention", "Test coverage", "Uptime", "Activation rate"),
    "binary": ("SOC 2 report issued", "Pricing page live", "Data warehouse migrated"),
    "status": ("Partner program launched", "New onboarding flow", "Career ladder rolled out"),
}
MEASURE_SHARES = {"currency": 0.2, "number": 0.35, "percent": 0.2, "binary": 0.1, "status": 0.15}
NUMERIC_DIRECTION_SHARES = {"increase": 0.7, "decrease": 0.15, "stay_above": 0.1, "stay_below": 0.05}
FUNNEL_STAGES = ("emails", "replies", "meetings", "opportunities", "bookings", "arr")
COMMENTS = (
    "On plan",
    "Two deals slipped, pipeline up",
    'Waiting on "Legal" review',
    "Blocked by hiring",
    "Ahead of plan; keep going",
    "Data refreshed from the dashboard",
)
INITIATIVE_STATUSES = ("not started", "in progress", "done")
SWOT_ITEMS = {
    "strength": "Strong engineering bench",
    "weakness": "Slow enterprise sales cycle",
    "opportunity": "Partner channel in EMEA",
    "threat": "Price pressure from incumbents",
}


@dataclass(frozen=True)
class Scale:
    teams: int
    objectives: int
    key_results: int
    check_ins: int
    split_check_ins: int  # rows of checkins_100k.xlsx

    @classmethod
    def of(cls, fraction: float) -> Scale:
        def scaled(full: int) -> int:
            return max(1, round(full * fraction))

        return cls(scaled(200), scaled(2_000), scaled(8_000), scaled(500_000), scaled(100_000))

    @property
    def company_objectives(self) -> int:
        return min(self.objectives // 2, max(len(YEARS), round(self.objectives * 12 / 2_000)))


def _people(rng: np.random.Generator, count: int) -> np.ndarray:
    first = rng.choice(FIRST_NAMES, count)
    last = rng.choice(LAST_NAMES, count)
    return np.char.add(np.char.add(first.astype(str), " "), last.astype(str))


def _quarters() -> list[str]:
    return [f"{year}-Q{quarter}" for year in YEARS for quarter in range(1, 5)]


def make_org(fraction: float = 1.0, seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Every sheet of the organisation as a DataFrame in the workbook format's columns."""
    rng = np.random.default_rng(seed)
    scale = Scale.of(fraction)
    teams = _teams(rng, scale)
    objectives = _objectives(scale, teams)
    key_results = _key_results(rng, scale, objectives, teams)
    check_ins = _check_ins(rng, scale, key_results, objectives)
    return {
        "Teams": teams,
        "Objectives": objectives,
        "KeyResults": key_results,
        "CheckIns": check_ins,
        "Initiatives": _initiatives(rng, key_results),
        "ArrActuals": _arr_actuals(rng),
        "CompanyTargets": _company_targets(),
        "Swot": _swot(teams),
        "Decisions": _decisions(key_results),
    }


def _group_sizes(rng: np.random.Generator, teams: int) -> list[int]:
    """Seeded sizes of 6 to 15 teams (fewer only when the whole organisation is smaller) adding up to `teams`."""
    count = min(len(GROUPS), max(1, round(teams / TEAMS_PER_GROUP)))
    smallest, largest = GROUP_SIZES
    if count == 1:
        return [teams]
    sizes = rng.integers(smallest, largest + 1, count)
    while (gap := teams - int(sizes.sum())) != 0:
        movable = np.flatnonzero(sizes < largest) if gap > 0 else np.flatnonzero(sizes > smallest)
        sizes[rng.choice(movable)] += 1 if gap > 0 else -1
    return sizes.tolist()


def _teams(rng: np.random.Generator, scale: Scale) -> pd.DataFrame:
    sizes = _group_sizes(rng, scale.teams)
    group = [g for g, size in zip(GROUPS, sizes) for _ in range(size)]
    names = [f"{g} {n:02d}" for g, size in zip(GROUPS, sizes) for n in range(1, size + 1)]
    leads = _people(rng, scale.teams)
    emails = [f"{lead.lower().replace(' ', '.').replace(chr(39), '')}.{i}@example.com" for i, lead in enumerate(leads)]
    return pd.DataFrame({"team": names, "group": group, "lead": leads, "lead_email": emails})


def _objectives(scale: Scale, teams: pd.DataFrame) -> pd.DataFrame:
    rows = []
    company_by_year: dict[int, list[str]] = {}
    for i in range(scale.company_objectives):
        year = YEARS[i % len(YEARS)]
        objective_id = f"CO-{year}-{i // len(YEARS) + 1}"
        company_by_year.setdefault(year, []).append(objective_id)
        rows.append(
            (
                objective_id,
                str(year),
                "company",
                None,
                COMPANY_THEMES[(i // len(YEARS)) % len(COMPANY_THEMES)],
                "Company priority from the leadership SWOT.",
                "CEO",
                None,
            )
        )
    quarters = _quarters()
    current = quarters.index(f"{AS_OF.year}-Q{(AS_OF.month - 1) // 3 + 1}")
    for k in range(scale.objectives - scale.company_objectives):
        team_index = k % scale.teams
        # Each team's objectives go back one quarter at a time from the quarter of the review (about
        # one a quarter, as teams set them): every team has some in force at AS_OF, and each of the
        # last quarters was planned by most teams (a yearly objective takes the place of some).
        quarter = quarters[(current - k // scale.teams) % len(quarters)]
        year = int(quarter[:4])
        period = str(year) if k % 10 == 0 else quarter
        team = teams["team"].iat[team_index]
        title = f"{VERBS[k % len(VERBS)]} {SUBJECTS[(k // len(VERBS)) % len(SUBJECTS)]}"
        parent = company_by_year[year][k % len(company_by_year[year])]
        rows.append(
            (
                f"O-{k + 1:05d}",
                period,
                "team",
                team,
                title,
                f"{team} commits to this for {period}. It moves {parent} forward.",
                teams["lead"].iat[team_index],
                parent,
            )
        )
    columns = TABLES_BY_NAME["objectives"].column_names
    return pd.DataFrame(rows, columns=columns)


def _key_results(rng: np.random.Generator, scale: Scale, objectives: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    count = scale.key_results
    objective_index = np.arange(count) % len(objectives)
    objective = objectives.iloc[objective_index].reset_index(drop=True)
    measures = rng.choice(list(MEASURE_SHARES), count, p=list(MEASURE_SHARES.values()))
    directions = rng.choice(list(NUMERIC_DIRECTION_SHARES), count, p=list(NUMERIC_DIRECTION_SHARES.values()))
    directions = np.where(np.isin(measures, ["binary", "status"]), "increase", directions)
    # Every direction and measure turns up even in a tiny organisation.
    for i, direction in enumerate(DIRECTIONS[: min(count, len(DIRECTIONS))]):
        measures[i], directions[i] = "number", direction
    for i, measure in enumerate(MEASURE_SHARES):
        if len(DIRECTIONS) + i < count:
            measures[len(DIRECTIONS) + i] = measure
            directions[len(DIRECTIONS) + i] = "increase"

    base = {"currency": (0, 500_000), "number": (10, 200), "percent": (10, 60), "binary": (0, 0), "status": (0, 0)}
    low = np.array([base[m][0] for m in measures], dtype=float)
    high = np.array([base[m][1] for m in measures], dtype=float)
    start = np.round(low + rng.random(count) * (high - low))
    lift = np.where(
        measures == "currency",
        rng.integers(50, 400, count) * 5_000.0,
        np.where(measures == "percent", rng.integers(5, 35, count), rng.integers(10, 150, count)),
    )
    target = np.where(directions == "decrease", np.maximum(start - np.minimum(lift, start * 0.6), 0), start + lift)
    target = np.where(np.isin(directions, ["stay_above", "stay_below"]), start, target)
    target = np.where(measures == "percent", np.minimum(target, 99), target)
    # A KR decreasing from 0 would have nothing to achieve (refused on upload): it starts higher.
    decreasing_to_nothing = (directions == "decrease") & (target >= start)
    start = np.where(decreasing_to_nothing, start + 10, start)
    start = np.where(measures == "binary", 0, start)
    target = np.where(measures == "binary", 1, target)
    numeric = ~np.isin(measures, ["status"])

    bounds = [period_bounds(p) for p in objective["period"]]
    period_start = np.array([b[0] for b in bounds], dtype="datetime64[D]")
    period_end = np.array([b[1] for b in bounds], dtype="datetime64[D]")
    length = (period_end - period_start).astype(int)
    start_date = period_start + (rng.random(count) * np.minimum(length * 0.1, 10)).astype(int)
    # Due dates spread over the second half of the period, not all on its last day.
    due_date = period_start + (length * (0.5 + 0.5 * rng.random(count))).astype(int)

    owners = _people(rng, count)
    kr_types = np.array(KR_TYPES)[np.arange(count) % len(KR_TYPES)]
    team_names = teams["team"].to_numpy()
    depends = np.where(rng.random(count) < 0.1, team_names[rng.integers(0, len(team_names), count)], None)
    funnel = np.where(
        (measures == "currency") & (rng.random(count) < 0.3),
        np.array(FUNNEL_STAGES)[rng.integers(0, len(FUNNEL_STAGES), count)],
        None,
    )
    titles = [
        f"{KR_TITLES[m][i % len(KR_TITLES[m])]} ({objective['objective_id'].iat[i]})" for i, m in enumerate(measures)
    ]
    units = {"currency": "USD", "number": "count", "percent": "%", "binary": None, "status": None}
    return pd.DataFrame(
        {
            "kr_id": [f"KR-{i + 1:05d}" for i in range(count)],
            "objective_id": objective["objective_id"],
            "title": titles,
            "kr_type": kr_types,
            "measure": measures,
            "unit": [units[m] for m in measures],
            "start_value": np.where(numeric, start, np.nan),
            "target_value": np.where(numeric, target, np.nan),
            "direction": np.where(measures == "status", None, directions),
            "owner": owners,
            "start_date": start_date,
            "due_date": due_date,
            "weight": rng.integers(1, 4, count).astype(float),
            "depends_on": depends,
            "funnel_stage": funnel,
            "measured_by": np.where(rng.random(count) < 0.7, "Company KPI dashboard", None),
        }
    )


def _check_ins(
    rng: np.random.Generator, scale: Scale, key_results: pd.DataFrame, objectives: pd.DataFrame
) -> pd.DataFrame:
    """scale.check_ins readings, spread over each KR's period in proportion to its length (on distinct
    days), moving from start towards target at a pace of the KR's own."""
    period_end = (
        key_results["objective_id"]
        .map(objectives.set_index("objective_id")["period"])
        .map(lambda p: period_bounds(p)[1])
        .to_numpy(dtype="datetime64[D]")
    )
    first_day = key_results["start_date"].to_numpy(dtype="datetime64[D]")
    days_open = (period_end - first_day).astype(int) + 1
    share = scale.check_ins * days_open / days_open.sum()
    counts = np.floor(share).astype(int)
    remainder = scale.check_ins - counts.sum()
    counts[np.argsort(counts - share)[:remainder]] += 1
    if (counts > days_open).any():
        raise ValueError("more check-ins than days for some KR; lower the check-in count")
    offsets = np.concatenate([np.sort(rng.choice(n, c, replace=False)) for n, c in zip(days_open, counts)])
    kr = np.repeat(np.arange(len(key_results)), counts)

    date = first_day[kr] + offsets
    due = key_results["due_date"].to_numpy(dtype="datetime64[D]")[kr]
    elapsed = offsets / np.maximum((due - first_day[kr]).astype(int), 1)
    pace = (0.4 + 0.9 * rng.random(len(key_results)))[kr]
    progress = np.clip(elapsed * pace + rng.normal(0, 0.03, len(kr)), 0, 1.3)

    measure = key_results["measure"].to_numpy()[kr]
    direction = key_results["direction"].to_numpy()[kr]
    start = key_results["start_value"].to_numpy()[kr]
    target = key_results["target_value"].to_numpy()[kr]
    moving = start + progress * (target - start)
    held = target * np.where(
        direction == "stay_above", 1 + rng.uniform(-0.05, 0.15, len(kr)), 1 + rng.uniform(-0.15, 0.05, len(kr))
    )
    value = np.where(np.isin(direction, ["stay_above", "stay_below"]), held, moving)
    value = np.where(measure == "currency", np.round(value), np.round(value, 1))
    value = np.where(measure == "binary", (progress >= 0.9).astype(float), value)
    value = np.where(measure == "status", np.nan, value)
    level = np.minimum((np.clip(progress, 0, 1) * len(STATUS_LEVELS)).astype(int), len(STATUS_LEVELS) - 1)
    status = np.array(STATUS_LEVELS, dtype=object)[level]
    status = np.where(rng.random(len(kr)) < 0.1, np.char.lower(status.astype(str)), status)
    status = np.where(measure == "status", status, None)
    comment = np.where(rng.random(len(kr)) < 0.25, np.array(COMMENTS)[rng.integers(0, len(COMMENTS), len(kr))], None)
    frame = pd.DataFrame(
        {
            "kr_id": key_results["kr_id"].to_numpy()[kr],
            "date": date,
            "value": value,
            "status": status,
            "confidence": rng.integers(0, 11, len(kr)),
            "comment": comment,
            "updated_by": key_results["owner"].to_numpy()[kr],
        }
    )
    # Exports list readings by date.
    return frame.sort_values(["date", "kr_id"], kind="stable").reset_index(drop=True)


def _initiatives(rng: np.random.Generator, key_results: pd.DataFrame) -> pd.DataFrame:
    chosen = key_results.iloc[::2]
    return pd.DataFrame(
        {
            "kr_id": chosen["kr_id"].to_numpy(),
            "title": [f"Initiative for {t}" for t in chosen["title"]],
            "owner": chosen["owner"].to_numpy(),
            "status": np.array(INITIATIVE_STATUSES)[rng.integers(0, len(INITIATIVE_STATUSES), len(chosen))],
            "due_date": chosen["due_date"].to_numpy(),
        }
    )


def _decisions(key_results: pd.DataFrame) -> pd.DataFrame:
    """A review decision for one KR in a hundred: changes of target or due date, and cancellations."""
    chosen = key_results.iloc[7::100]
    count = len(chosen)
    kind = np.where(np.arange(count) % 3 == 2, "cancel", "change")
    start = chosen["start_date"].to_numpy(dtype="datetime64[D]")
    due = chosen["due_date"].to_numpy(dtype="datetime64[D]")
    date = start + ((due - start).astype(int) * 0.5).astype(int)
    # Numeric KRs get a lower target, the others a later due date.
    retargeted = (kind == "change") & chosen["measure"].isin(["currency", "number", "percent"]).to_numpy()
    new_target = np.where(retargeted, chosen["target_value"] * 0.8, np.nan)
    new_due = np.where((kind == "change") & ~retargeted, due + 14, np.datetime64("NaT"))
    return pd.DataFrame(
        {
            "kr_id": chosen["kr_id"].to_numpy(),
            "date": date,
            "decision": kind,
            "new_target_value": new_target,
            "new_due_date": new_due,
            "reason": np.where(kind == "cancel", "No longer a priority", "Reset after the monthly review"),
            "decided_by": "Leadership review",
        }
    )


def _arr_actuals(rng: np.random.Generator) -> pd.DataFrame:
    rows, ending = [], 20_000_000.0
    for i in range(ARR_MONTHS):
        month = ARR_FIRST_MONTH + i
        new = round(ending * rng.uniform(0.02, 0.04), -3)
        expansion = round(ending * rng.uniform(0.005, 0.015), -3)
        contraction = round(ending * rng.uniform(0.002, 0.006), -3)
        churn = round(ending * rng.uniform(0.005, 0.012), -3)
        ending = ending + new + expansion - contraction - churn
        rows.append((str(month), new, expansion, contraction, churn, ending))
    return pd.DataFrame(rows, columns=TABLES_BY_NAME["arr_actuals"].column_names)


def _company_targets() -> pd.DataFrame:
    rows = []
    for year in YEARS:
        start = 20_000_000.0 * 1.6 ** (year - 2022)
        rows.append((str(year), "arr", start, start * 1.6))
        rows.append((str(year), "bookings", None, start * 0.9))
        rows.extend((f"{year}-Q{q}", "bookings", None, start * 0.9 / 4) for q in range(1, 5))
    return pd.DataFrame(rows, columns=TABLES_BY_NAME["company_targets"].column_names)


def _swot(teams: pd.DataFrame) -> pd.DataFrame:
    leads = teams["lead"].drop_duplicates().head(10)
    return pd.DataFrame(
        [(lead, quadrant, item) for lead in leads for quadrant, item in SWOT_ITEMS.items()],
        columns=TABLES_BY_NAME["swot"].column_names,
    )


def _as_typed_in_csv(check_ins: pd.DataFrame, key_results: pd.DataFrame) -> pd.DataFrame:
    """Check-ins with their values written as exports write them: $12,345 and 45.5%."""
    measure = check_ins["kr_id"].map(key_results.set_index("kr_id")["measure"])
    value = check_ins["value"]
    written = value.map(lambda v: f"{v:.10g}", na_action="ignore").astype(object)
    currency = measure.eq("currency") & value.notna()
    written[currency] = value[currency].map(lambda v: f"${v:,.0f}")
    percent = measure.eq("percent") & value.notna()
    written[percent] = value[percent].map(lambda v: f"{v:.10g}%")
    return check_ins.assign(value=written)


def write_xlsx(path: pathlib.Path, sheets: dict[str, pd.DataFrame]) -> None:
    """Sheets written row by row in xlsxwriter's constant-memory mode; dates as Excel dates. Each
    column's writer is chosen once by its type (xlsxwriter's generic `write` would inspect every cell)."""
    import xlsxwriter

    options = {
        "constant_memory": True,
        "default_date_format": "yyyy-mm-dd",
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    workbook = xlsxwriter.Workbook(str(path), options)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, frame in sheets.items():
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, list(frame.columns))
        writers, columns = [], []
        for column in frame.columns:
            values = frame[column]
            if pd.api.types.is_datetime64_any_dtype(values):
                columns.append([None if pd.isna(v) else v.to_pydatetime() for v in values])
                writers.append(lambda r, c, v, sheet=sheet: sheet.write_datetime(r, c, v, date_format))
            elif pd.api.types.is_numeric_dtype(values):
                columns.append([None if v != v else v for v in values.astype(float).tolist()])
                writers.append(sheet.write_number)
            else:
                columns.append([None if v is None or v != v else str(v) for v in values.astype(object)])
                writers.append(sheet.write_string)
        for r, row in enumerate(zip(*columns), start=1):
            for c, value in enumerate(row):
                if value is not None:
                    writers[c](r, c, value)
    workbook.close()


def write_csv(folder: pathlib.Path, sheets: dict[str, pd.DataFrame]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in sheets.items():
        dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
        frame.assign(**{c: frame[c].dt.strftime("%Y-%m-%d") for c in dates}).to_csv(folder / f"{name}.csv", index=False)


def write_org(out: pathlib.Path, fraction: float = 1.0) -> dict[str, int]:
    """Generate the organisation at `fraction` of full scale into `out`; rows per sheet."""
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)
    sheets = make_org(fraction)
    for name, frame in sheets.items():
        table = next(t for t in TABLES_BY_NAME.values() if t.sheet == name)
        assert list(frame.columns) == table.column_names, name
        for column in table.columns:
            if column.kind == DATE:
                sheets[name][column.name] = pd.to_datetime(frame[column.name])
    split = Scale.of(fraction).split_check_ins
    write_xlsx(out / "org.xlsx", sheets)
    write_xlsx(out / "checkins_100k.xlsx", {"CheckIns": sheets["CheckIns"].tail(split)})
    write_xlsx(out / WARNINGS_SPLIT, {"CheckIns": dated_before_start(sheets["CheckIns"].tail(split))})
    write_csv(out / "csv", {**sheets, "CheckIns": _as_typed_in_csv(sheets["CheckIns"], sheets["KeyResults"])})
    rows = {name: len(frame) for name, frame in sheets.items()}
    (out / MANIFEST).write_text(json.dumps({"scale": fraction, "seed": SEED, "layout": LAYOUT, "rows": rows}))
    return rows


def dated_before_start(check_ins: pd.DataFrame) -> pd.DataFrame:
    """The check-ins with WARNING_SHARE of every 100 rows dated 366 days earlier: before their KR starts
    (no KR lasts longer than a year), so that each is kept as a baseline with a warning. A KR's moved
    check-ins all move by the same days, so its dates stay distinct, and before its unmoved ones."""
    moved = (np.arange(len(check_ins)) % 100) < WARNING_SHARE
    dates = pd.to_datetime(check_ins["date"])
    return check_ins.assign(date=dates.where(~moved, dates - pd.Timedelta(days=366)))


def ensure_warnings_split(out: pathlib.Path) -> pathlib.Path:
    """`out`/WARNINGS_SPLIT, written from `out`/checkins_100k.xlsx if it is not there (an organisation
    generated before the file was added)."""
    path = out / WARNINGS_SPLIT
    if not path.exists():
        check_ins = pd.read_excel(out / "checkins_100k.xlsx", sheet_name="CheckIns", engine="calamine")
        write_xlsx(path.with_suffix(".tmp"), {"CheckIns": dated_before_start(check_ins)})
        path.with_suffix(".tmp").rename(path)
    return path


def ensure_org(out: pathlib.Path, fraction: float) -> None:
    """Generate the organisation into `out` unless a complete one of this scale is there."""
    try:
        manifest = json.loads((out / MANIFEST).read_text())
    except (OSError, ValueError):
        manifest = {}
    if (manifest.get("scale"), manifest.get("seed"), manifest.get("layout")) != (fraction, SEED, LAYOUT):
        write_org(out, fraction)
    ensure_warnings_split(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "out", nargs="?", type=pathlib.Path, default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})"
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="an organisation ten times smaller")
    size.add_argument("--scale", type=float, help="a fraction of full scale (0.01 for a tiny one)")
    args = parser.parse_args(argv)
    fraction = args.scale or (QUICK_SCALE if args.quick else 1.0)
    started = time.perf_counter()
    rows = write_org(args.out, fraction)
    print(
        ", ".join(f"{name} {count:,}" for name, count in rows.items())
        + f" → {args.out} in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
