"""Synthetic exports of other OKR tools, written from the field lists of their published layouts
(none is downloaded): a Viva Goals organisation export and the spreadsheets of the other tools."""

from __future__ import annotations

import io
import json
import zipfile


def _person(name, email):
    return {"Name": name, "Email": email}


def viva_objective(
    id_,
    title,
    type_,
    owner,
    teams,
    period,
    start,
    end,
    parents=(),
    outcome=None,
    progress=None,
    status="On Track",
    description=None,
    alignment=None,
    **extra,
):
    record = {
        "ID": id_,
        "Title": title,
        "Type": type_,
        "Owner": [owner] if owner else [],
        "Teams": [{"Name": t} for t in teams],
        "Time Period": {"Name": period},
        "Start Date": start,
        "End Date": end,
        "Parent IDs": list(parents),
        "Alignment": alignment or [],
        "Outcome": outcome,
        "Progress": progress,
        "Status": status,
        "Description": description,
        "Last Check-in": None,
    }
    record.update(extra)
    return record


ANA = _person("Ana Ruiz", "ana.ruiz@contoso.com")
TOM = _person("Tom Berg", "tom.berg@contoso.com")
LI = _person("Li Wei", "li.wei@contoso.com")
CEO = _person("Grace Hopper", "grace@contoso.com")


def viva_records(version: int = 1) -> dict[str, list]:
    """The JSON arrays of a small organisation: 2 company objectives ("Big rock"), 3 team objectives, 6 key
    results ("Kpi"), 2 projects, one item with two parents, check-ins with HTML notes. `version` 2 is a
    later export of the same organisation: one KR's target moved, one check-in more, one new KR."""
    metric = lambda start, target, kind="Increase From", unit="$", name="ARR": {  # noqa: E731
        "Outcome Type": "Metric",
        "Metric Name": name,
        "Metric Unit": unit,
        "Start": start,
        "Target": target,
        "Target Type": kind,
    }
    objectives = [
        viva_objective(
            1001, "Grow the business", "Big rock", CEO, [], "Annual 2024", "2024-01-01", "2024-12-31", progress=40.0
        ),
        viva_objective(
            1002,
            "Delight customers",
            "Big rock",
            CEO,
            [],
            "Annual 2024",
            "2024-01-01",
            "2024-12-31",
            progress=55.0,
            Tags=[{"Name": "customers"}],
            Permissions=[{"Name": "Everyone", "Access": "View"}],
        ),
        viva_objective(
            2001,
            "Win the mid-market",
            "Big rock",
            ANA,
            ["Sales"],
            "Q4 2024",
            "2024-10-01",
            "2024-12-31",
            parents=[1001, 1002],
            alignment=[{"ID": 1001, "Weight": "60.0%"}, {"ID": 1002, "Weight": "40.0%"}],
            progress=50.0,
        ),
        viva_objective(
            2002,
            "Ship the partner API",
            "Big rock",
            TOM,
            ["Engineering"],
            "Q4 2024",
            "2024-10-01",
            "2024-12-31",
            parents=[1002],
            progress=30.0,
            status="Behind",
        ),
        viva_objective(
            2003,
            "Hire a strong team",
            "Big rock",
            LI,
            ["People"],
            "Q4 2024",
            "2024-10-01",
            "2024-12-31",
            parents=[2002],
            progress=20.0,
        ),
        # key results
        viva_objective(
            3001,
            "Book $500k new ARR",
            "Kpi",
            ANA,
            ["Sales"],
            "Q4 2024",
            "2024-10-01",
            "2024-12-31",
            parents=[2001],
            outcome=metric(0, 500000 if version == 1 else 600000),
            progress=125.0,
            alignment=[{"ID": 2001, "Weight": "40.0%"}],
        ),
        viva_objective(
            3002,
            "Cut sales cycle to 60 days",
            "Kpi",
            ANA,
            ["Sales"],
            "Q4 2024",
            "2024-10-01",
            "2024-11-30",
            parents=[2001],
            outcome=metric(90, 60, "Reach", "days", "Cycle"),
            progress=33.0,
            status="At Risk",
            alignment=[{"ID": 2001, "Weight": "60.0%"}],
        ),
        viva_objective(
            3003,
            "Keep uptime above 99.9%",
            "Kpi",
            TOM,
            ["Engineering"],
            "Q4 2024",
            "2024-10-01",
            "2024-12-31",
            parents=[2002],
            outcome=metric(None, 99.9, "Stay Above", "%", "Uptime"),
            progress=100.0,
        ),
        viva_objective(
            3004,
            "Keep P1 bugs below 5",
            "Kpi",
            TOM,
            ["Engineering"],
            "Q4 2024",
            "2024-10-01",
            "2024-12-31",
            parents=[2002],
            outcome=metric(3, 5, "Stay Below", "", "Bugs"),
            progress=100.0,
            status="Postponed",
        ),
        viva_objective(
            3005,
            "Hire 4 engineers",
            "Kpi",
            LI,
            ["People"],
            "Q4 2024",
            "2024-10-01",
            "2024-12-31",
            parents=[2003],
            outcome={
                "Outcome Type": "Percentage",
                "Start": 0,
                "Target": 100,
                "Target Type": "Increase From",
                "Phased Targets": [{"Date": "2024-11-15", "Target": 50}],
            },
            progress=20.0,
        ),
        # projects under a key result
        viva_objective(
            4001,
            "Partner program launch",
            "Project",
            ANA,
            ["Sales"],
            "Q4 2024",
            "2024-10-01",
            "2024-11-15",
            parents=[3001],
            progress=70.0,
        ),
        viva_objective(
            4002,
            "Pricing page refresh",
            "Project",
            ANA,
            ["Sales"],
            "Q4 2024",
            "2024-10-01",
            "2024-12-15",
            parents=[3001],
            progress=10.0,
            status="Not Started",
        ),
    ]
    if version == 2:
        objectives.append(
            viva_objective(
                3006,
                "Sign 3 reference customers",
                "Kpi",
                ANA,
                ["Sales"],
                "Q4 2024",
                "2024-10-01",
                "2024-12-31",
                parents=[2001],
                outcome=metric(0, 3, "Increase From", "", "Logos"),
                progress=33.0,
            )
        )
    check_ins = [
        {
            "OKR ID": 3001,
            "CheckIn Date": "2024-10-31 17:02:11",
            "Activity Date": "2024-10-31 17:02:11",
            "Current Value": 150000,
            "Status": "On Track",
            "Check In Owner": ANA,
            "Check In Note": {
                "Check In Note": "Two deals",
                "Check In Note HTML": "<p>Two <b>deals</b> &amp; a renewal</p><script>alert(1)</script>",
            },
        },
        {
            "OKR ID": 3001,
            "CheckIn Date": "2024-11-30 09:00:00",
            "Activity Date": "2024-11-30 09:00:00",
            "Current Value": 625000,
            "Status": "On Track",
            "Check In Owner": {"Name": "ana ruiz", "Email": None},
            "Check In Note": {"Check In Note": "Ahead of plan", "Check In Note HTML": None},
        },
        {
            "OKR ID": 3002,
            "CheckIn Date": "2024-10-31 10:00:00",
            "Activity Date": "2024-10-31 10:00:00",
            "Current Value": 80,
            "Status": "At Risk",
            "Check In Owner": ANA,
            "Check In Note": None,
        },
        {
            "OKR ID": 3002,
            "CheckIn Date": "2024-10-31 16:00:00",
            "Activity Date": "2024-10-31 16:00:00",
            "Current Value": 78,
            "Status": "At Risk",
            "Check In Owner": ANA,
            "Check In Note": None,
        },
        {
            "OKR ID": 3003,
            "CheckIn Date": "2024-11-15 08:00:00",
            "Activity Date": "2024-11-15 08:00:00",
            "Current Value": 99.95,
            "Status": "On Track",
            "Check In Owner": {"Name": None, "Email": "TOM.BERG@contoso.com"},
            "Check In Note": None,
        },
        {
            "OKR ID": 3004,
            "CheckIn Date": "2024-11-01 08:00:00",
            "Activity Date": "2024-11-01 08:00:00",
            "Current Value": 4,
            "Status": "Postponed",
            "Check In Owner": TOM,
            "Check In Note": None,
        },
        {
            "OKR ID": 3005,
            "CheckIn Date": "2024-11-20 08:00:00",
            "Activity Date": "2024-11-20 08:00:00",
            "Current Value": 25,
            "Status": "Behind",
            "Check In Owner": LI,
            "Check In Note": None,
        },
        {
            "OKR ID": 4001,
            "CheckIn Date": "2024-11-01 08:00:00",
            "Activity Date": "2024-11-01 08:00:00",
            "Current Value": 70,
            "Status": "On Track",
            "Check In Owner": ANA,
            "Check In Note": None,
        },
    ]
    if version == 2:
        check_ins.append(
            {
                "OKR ID": 3003,
                "CheckIn Date": "2024-12-15 08:00:00",
                "Activity Date": "2024-12-15",
                "Current Value": 99.97,
                "Status": "On Track",
                "Check In Owner": TOM,
                "Check In Note": None,
            }
        )
    teams = [
        {"Team Name": "Contoso", "Parent Team": None, "Team Owners": [CEO]},
        {"Team Name": "Go to market", "Parent Team": "Contoso", "Team Owners": [ANA]},
        {"Team Name": "Sales", "Parent Team": "Go to market", "Team Owners": [ANA, CEO]},
        {"Team Name": "Engineering", "Parent Team": "Contoso", "Team Owners": [TOM]},
        {"Team Name": "People", "Parent Team": "Contoso", "Team Owners": [LI]},
    ]
    periods = [
        {"Name": "Annual 2024", "Start Date": "2024-01-01", "End Date": "2024-12-31"},
        {"Name": "Q4 2024", "Start Date": "2024-10-01", "End Date": "2024-12-31"},
    ]
    users = [{"Name": p["Name"], "Email": p["Email"]} for p in (ANA, TOM, LI, CEO)]
    comments = [
        {"OKR ID": 3001, "Comment": "Great month!", "Commented By": CEO, "Created Date": "2024-10-31 18:00:00"},
        {"OKR ID": 2001, "Comment": "Any help needed?", "Commented By": CEO, "Created Date": "2024-10-05"},
    ]
    tags = [{"Tag Name": "customers"}, {"Tag Name": "growth"}]
    return {
        "objectives_export_file_1.json": objectives,
        "checkins_export_file_1.json": check_ins,
        "Teams_export.json": teams,
        "TimePeriods_export.json": periods,
        "Users_export.json": users,
        "comments_export.json": comments,
        "Tags_export.json": tags,
    }


def viva_zip(version: int = 1) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, records in viva_records(version).items():  # fixed times: the same export, the same bytes
            entry = zipfile.ZipInfo(f"export/{name}", date_time=(2024, 12, 1, 0, 0, 0))
            archive.writestr(entry, json.dumps(records, indent=1), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def viva_files(version: int = 1) -> dict[str, bytes]:
    return {name: json.dumps(records).encode() for name, records in viva_records(version).items()}


# --- spreadsheets ----------------------------------------------------------------------------------


def _xlsx(sheets: dict[str, list[list]], percent_columns: dict[str, set[int]] | None = None) -> bytes:
    import datetime as dt

    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    percent = workbook.add_format({"num_format": "0%"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
                elif value is not None:
                    fmt = percent if r and c in (percent_columns or {}).get(name, set()) else None
                    sheet.write(r, c, value, fmt) if fmt else sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def viva_template_xlsx() -> bytes:
    header = [
        "OKR Reference",
        "Parent OKR",
        "Title",
        "Owner",
        "Type",
        "Time period",
        "Team",
        "Start Date",
        "End Date",
        "Outcome Type",
        "Metric Unit",
        "Start Value",
        "Target Value",
        "Current Value",
        "Target Type",
        "Status",
        "Description",
        "Check-in Date",
        "Favourite colour",
    ]
    rows = [
        [
            "C1",
            None,
            "Grow revenue",
            "grace@contoso.com",
            "Objective",
            "FY 2025",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "On Track",
            None,
            None,
            None,
        ],
        [
            "S1",
            "C1",
            "Win new logos",
            "Ana Ruiz",
            "Objective",
            "Q1 2025",
            "Sales",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "On Track",
            "Why: growth",
            None,
            "blue",
        ],
        [
            "S1-K1",
            "S1",
            "Sign 10 new customers",
            "Ana Ruiz",
            "Key Result",
            "Q1 2025",
            "Sales",
            "2025-01-01",
            "2025-03-31",
            "Metric",
            "logos",
            0,
            10,
            4,
            "Increase From",
            "At Risk",
            None,
            "2025-02-28",
            None,
        ],
        [
            "S1-K2",
            "S1",
            "Keep churn below 2%",
            "Ana Ruiz",
            "Key Result",
            "Q1 2025",
            "Sales",
            "2025-01-01",
            "2025-03-31",
            "Percentage",
            "%",
            2,
            2,
            1.5,
            "Stay Below",
            "On Track",
            None,
            "2025-02-28",
            None,
        ],
        [
            "S1-P1",
            "S1-K1",
            "Launch referral program",
            "Ana Ruiz",
            "Project",
            "Q1 2025",
            "Sales",
            None,
            "2025-02-15",
            None,
            None,
            None,
            None,
            None,
            None,
            "Not Started",
            None,
            None,
            None,
        ],
    ]
    return _xlsx({"Instructions": [["Fill in one row per OKR"]], "OKRs and Project": [header, *rows]})


def quantive_xlsx(version: int = 1) -> bytes:
    header = [
        "Session",
        "Objective Name",
        "Objective Owner",
        "Team",
        "Key Result Name",
        "Key Result Owner",
        "Initial Value",
        "Target",
        "Current Value",
        "Operator",
        "Format",
        "Due Date",
        "Last Updated",
        "Task Name",
        "Task Owner",
        "Task Status",
        "Custom Field 7",
    ]
    rows = [
        [
            "Q3 2025",
            "Expand into Germany",
            "ana.ruiz@contoso.com",
            "Sales",
            "Close 5 German deals",
            "ana.ruiz@contoso.com",
            0,
            5,
            2,
            "should increase to",
            "number",
            "2025-09-30",
            "2025-08-31",
            "Hire a German AE",
            "ana.ruiz@contoso.com",
            "in progress",
            "x",
        ],
        [
            "Q3 2025",
            "Expand into Germany",
            "ana.ruiz@contoso.com",
            "Sales",
            "Close 5 German deals",
            "ana.ruiz@contoso.com",
            0,
            5,
            2,
            "should increase to",
            "number",
            "2025-09-30",
            "2025-08-31",
            "Translate the website",
            "tom.berg@contoso.com",
            "done",
            None,
        ],
        [
            "Q3 2025",
            "Expand into Germany",
            "ana.ruiz@contoso.com",
            "Sales",
            "Cut CAC to €900",
            "tom.berg@contoso.com",
            1200,
            900 if version == 1 else 850,
            1100,
            "should decrease to",
            "€",
            "2025-09-30",
            "2025-08-31",
            None,
            None,
            None,
            None,
        ],
        [
            "Q3 2025",
            "Make the product reliable",
            "tom.berg@contoso.com",
            "Engineering",
            "Keep uptime above 99.5",
            "tom.berg@contoso.com",
            None,
            99.5,
            99.8,
            "should stay above",
            "%",
            "2025-09-30",
            "2025-08-31",
            None,
            None,
            None,
            None,
        ],
    ]
    return _xlsx({"OKRs": [header, *rows]})


def burning_okr_xlsx(german: bool = False) -> bytes:
    if german:
        header = [
            "Team",
            "Ziel",
            "Fortschritt",
            "Uebergeordnetes Unternehmensziel",
            "Schluesselergebnis",
            "Beschreibung",
            "Start",
            "Ende",
            "Aktuell",
            "Einheit",
        ]
    else:
        header = [
            "Team",
            "Objective",
            "Progress",
            "Corporate Objective",
            "Key Result",
            "Description",
            "Start",
            "End",
            "Actual",
            "Unit",
        ]
    rows = [
        ["Vertrieb", "Mehr Umsatz", 0.45, "Wachstum", "Umsatz steigern", "Neukunden", 0, 100000, 45000, "€"],
        ["Vertrieb", "Mehr Umsatz", 0.45, "Wachstum", "Conversion erhöhen", None, 10, 20, 14, "%"],
        ["Technik", "Stabile Plattform", 0.5, "Wachstum", "Ausfälle senken", None, 10, 2, 6, ""],
    ]
    return _xlsx({"okr": [header, *rows]}, {"okr": {2}})


JIRA_HEADER = [
    "Order",
    "Type",
    "Summary",
    "Status",
    "Period",
    "Owner",
    "Weight",
    "OKR type",
    "Labels",
    "Teams",
    "Expected start date",
    "Expected end date",
    "Start value",
    "Current value",
    "Target value",
    "Description",
]


def jira_csv() -> bytes:
    import csv

    rows = [
        [
            "1",
            "Objective",
            "Become the market leader",
            "ON TRACK",
            "Q3 Y2025",
            "grace@contoso.com",
            "",
            "Committed",
            "strategy",
            "",
            "01/07/2025",
            "30/09/2025",
            "",
            "",
            "",
            "",
        ],
        [
            "1.1",
            "Objective",
            "Grow the pipeline",
            "at risk",
            "Q3 Y2025",
            "Ana Ruiz",
            "",
            "",
            "",
            "Sales",
            "01/07/2025",
            "30/09/2025",
            "",
            "",
            "",
            "Pipeline first",
        ],
        [
            "1.1.1",
            "Key result",
            "Generate 200 SQLs",
            "At Risk",
            "Q3 Y2025",
            "ana.ruiz@contoso.com",
            "2",
            "",
            "growth;sales",
            "Sales",
            "01/07/2025",
            "31/08/2025",
            "0",
            "80",
            "200",
            "",
        ],
        [
            "1.1.2",
            "Key result",
            "Reduce lead response time to 2h",
            "On track",
            "Q3 Y2025",
            "Ana Ruiz",
            "1",
            "",
            "",
            "Sales",
            "01/07/2025",
            "30/09/2025",
            "24",
            "6",
            "2",
            "",
        ],
        [
            "2",
            "Objective",
            "Ship faster",
            "on track",
            "Q3 Y2025",
            "Tom Berg",
            "",
            "",
            "",
            "Engineering",
            "01/07/2025",
            "30/09/2025",
            "",
            "",
            "",
            "",
        ],
        [
            "2.1",
            "Key result",
            "Deploy 20 times a week",
            "On track",
            "Q3 Y2025",
            "tom.berg@contoso.com",
            "",
            "",
            "",
            "Engineering",
            "01/07/2025",
            "30/09/2025",
            "5",
            "12",
            "20",
            "",
        ],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([JIRA_HEADER, *rows])
    return buffer.getvalue().encode()


def betterworks_csv() -> bytes:
    import csv

    rows = [
        ["name", "type", "progress", "start_date", "end_date", "owner_email", "categories", "description"],
        [
            "Grow enterprise revenue",
            "goal",
            40,
            "2025-01-01",
            "2025-03-31",
            "ana.ruiz@contoso.com",
            "growth;sales",
            "Big deals",
        ],
        ["Close 3 enterprise deals", "milestone", 33, "2025-01-01", "2025-03-31", "ana.ruiz@contoso.com", "", ""],
        ["Publish 2 case studies", "milestone", 120, "2025-01-01", "2025-02-28", "ana.ruiz@contoso.com", "", ""],
        ["Improve onboarding", "goal", 60, "2025-01-01", "2025-03-31", "tom.berg@contoso.com", "customers", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def quantive_sheets_xlsx() -> bytes:
    """Objectives and key results on sheets of their own, a key result naming its goal by id; a session
    that is no calendar period, with its dates."""
    goals = [
        [
            "Goal ID",
            "Goal Name",
            "Owner",
            "Team",
            "Session",
            "Session Start Date",
            "Session End Date",
            "Parent Goal ID",
        ],
        ["g1", "Be the leader", "grace@contoso.com", None, "FY25 H1 planning", "2025-01-01", "2025-06-30", None],
        ["g2", "Win Germany", "ana.ruiz@contoso.com", "Sales", "FY25 H1 planning", "2025-01-01", "2025-06-30", "g1"],
    ]
    metrics = [
        [
            "Metric ID",
            "Goal ID",
            "Metric Name",
            "Owner",
            "Initial Value",
            "Target",
            "Current Value",
            "Operator",
            "Last Updated",
        ],
        ["m1", "g2", "Close 5 German deals", "ana.ruiz@contoso.com", 0, 5, 1, "should increase to", "2025-03-31"],
        ["m2", "g9", "Orphan metric", "ana.ruiz@contoso.com", 0, 5, 1, "should increase to", "2025-03-31"],
    ]
    return _xlsx({"Goals": goals, "Metrics": metrics})


def viva_organisation(seed: int = 7, objectives: int = 60) -> dict[str, list]:
    """A larger Viva Goals organisation, seeded: company objectives, team objectives three levels deep,
    key results of every outcome type (some with their own key results or projects under them), projects
    under objectives, items with two parents or a parent outside the export, and check-ins (some on one
    day, some on projects and objectives) with HTML notes."""
    import random

    rng = random.Random(seed)
    teams = ["Sales", "Marketing", "Engineering", "Product", "Support", "Finance"]
    people = [{"Name": f"Person {i}", "Email": f"person{i}@org.example"} for i in range(12)]
    periods = [
        ("Annual 2025", "2025-01-01", "2025-12-31"),
        ("Q1 2025", "2025-01-01", "2025-03-31"),
        ("Q2 2025", "2025-04-01", "2025-06-30"),
        ("H1 2025", "2025-01-01", "2025-06-30"),
    ]
    records, check_ins, next_id = [], [], [10_000]

    def new_id():
        next_id[0] += 1
        return next_id[0]

    def outcome():
        kind = rng.choice(["Metric", "Metric", "Percentage", None, "Metric"])
        if kind is None:
            return None
        if kind == "Percentage":
            return {"Outcome Type": "Percentage", "Start": 0, "Target": 100, "Target Type": "Increase From"}
        target_type = rng.choice(["Increase From", "Reach", "Stay Above", "Stay Below", "Reach"])
        start = rng.choice([0, 10, 50, 200])
        target = rng.choice([start, start + 100, max(start - 5, 1), 500])
        return {
            "Outcome Type": "Metric",
            "Metric Name": "Things",
            "Metric Unit": rng.choice(["$", "%", "", "days"]),
            "Start": start,
            "Target": target,
            "Target Type": target_type,
        }

    def item(title, type_, parents, team, period, measured=None):
        name, start, end = period
        record = viva_objective(
            new_id(),
            title,
            type_,
            rng.choice(people),
            [team] if team else [],
            name,
            start,
            end,
            parents=parents,
            outcome=measured,
            progress=rng.choice([None, 0, 35.5, 100, 140]),
            status=rng.choice(["On Track", "Behind", "At Risk", "Not Started", "Closed", "Postponed"]),
            description="<p>Why <b>this</b> matters</p>",
        )
        records.append(record)
        for _ in range(rng.choice([0, 1, 2, 3])):
            day = f"2025-0{rng.randint(1, 6)}-{rng.randint(10, 28)} {rng.randint(8, 18)}:00:00"
            check_ins.append(
                {
                    "OKR ID": record["ID"],
                    "CheckIn Date": day,
                    "Current Value": rng.choice([0, 20, 60, 120]),
                    "Status": record["Status"],
                    "Check In Owner": rng.choice(people),
                    "Check In Note": {"Check In Note": "n", "Check In Note HTML": "<div>Note &amp; more</div>"},
                }
            )
        return record["ID"]

    company = [item(f"Company goal {i}", "Big rock", [], None, periods[0]) for i in range(3)]
    for n in range(objectives):
        team = rng.choice(teams)
        period = rng.choice(periods[1:])
        parent = rng.choice(company)
        objective = item(f"{team} objective {n}", "Big rock", [parent], team, period)
        if n % 5 == 0:  # a sub-objective, and one below it
            objective = item(f"{team} sub-objective {n}", "Big rock", [objective], team, period)
            objective = item(f"{team} sub-sub-objective {n}", "Big rock", [objective], team, period)
        for k in range(rng.randint(0, 4)):
            parents = [objective] + ([rng.choice(company)] if k == 3 else [])
            kr = item(
                f"{team} KR {n}.{k}",
                "Kpi",
                parents,
                team,
                period,
                outcome() or {"Outcome Type": "Metric", "Start": 0, "Target": 10},
            )
            for p in range(rng.choice([0, 0, 1, 2])):
                item(f"{team} project {n}.{k}.{p}", "Project", [kr], team, period)
        if n % 7 == 0:
            item(f"{team} project under an objective {n}", "Project", [objective], team, period)
        if n % 11 == 0:
            item(f"{team} orphan {n}", "Kpi", [999_999], team, period, outcome())
    return {
        "objectives_export_file_org.json": records,
        "checkins_export_file_org.json": check_ins,
        "Teams_org.json": [{"Team Name": t, "Parent Team": "Org", "Team Owners": [rng.choice(people)]} for t in teams]
        + [{"Team Name": "Org", "Parent Team": None, "Team Owners": []}],
        "TimePeriods_org.json": [{"Name": n, "Start Date": s, "End Date": e} for n, s, e in periods],
        "Users_org.json": people,
    }
