"""Synthetic exports of other OKR tools, written from the field lists of their published layouts
(none is downloaded): a Viva Goals organisation export and the spreadsheets of the other tools."""
from __future__ import annotations

import io
import json
import zipfile


def _person(name, email):
    return {"Name": name, "Email": email}


def viva_objective(id_, title, type_, owner, teams, period, start, end, parents=(), outcome=None, progress=None,
                   status="On Track", description=None, alignment=None, **extra):
    record = {
        "ID": id_, "Title": title, "Type": type_, "Owner": [owner] if owner else [],
        "Teams": [{"Name": t} for t in teams], "Time Period": {"Name": period},
        "Start Date": start, "End Date": end, "Parent IDs": list(parents),
        "Alignment": alignment or [], "Outcome": outcome, "Progress": progress, "Status": status,
        "Description": description, "Last Check-in": None,
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
        "Outcome Type": "Metric", "Metric Name": name, "Metric Unit": unit, "Start": start, "Target": target,
        "Target Type": kind}
    objectives = [
        viva_objective(1001, "Grow the business", "Big rock", CEO, [], "Annual 2024", "2024-01-01", "2024-12-31",
                       progress=40.0),
        viva_objective(1002, "Delight customers", "Big rock", CEO, [], "Annual 2024", "2024-01-01", "2024-12-31",
                       progress=55.0, Tags=[{"Name": "customers"}], Permissions=[{"Name": "Everyone", "Access": "View"}]),
        viva_objective(2001, "Win the mid-market", "Big rock", ANA, ["Sales"], "Q4 2024", "2024-10-01", "2024-12-31",
                       parents=[1001, 1002], alignment=[{"ID": 1001, "Weight": "60.0%"}, {"ID": 1002, "Weight": "40.0%"}],
                       progress=50.0),
        viva_objective(2002, "Ship the partner API", "Big rock", TOM, ["Engineering"], "Q4 2024", "2024-10-01",
                       "2024-12-31", parents=[1002], progress=30.0, status="Behind"),
        viva_objective(2003, "Hire a strong team", "Big rock", LI, ["People"], "Q4 2024", "2024-10-01", "2024-12-31",
                       parents=[2002], progress=20.0),
        # key results
        viva_objective(3001, "Book $500k new ARR", "Kpi", ANA, ["Sales"], "Q4 2024", "2024-10-01", "2024-12-31",
                       parents=[2001], outcome=metric(0, 500000 if version == 1 else 600000), progress=125.0,
                       alignment=[{"ID": 2001, "Weight": "40.0%"}]),
        viva_objective(3002, "Cut sales cycle to 60 days", "Kpi", ANA, ["Sales"], "Q4 2024", "2024-10-01",
                       "2024-11-30", parents=[2001], outcome=metric(90, 60, "Reach", "days", "Cycle"),
                       progress=33.0, status="At Risk", alignment=[{"ID": 2001, "Weight": "60.0%"}]),
        viva_objective(3003, "Keep uptime above 99.9%", "Kpi", TOM, ["Engineering"], "Q4 2024", "2024-10-01",
                       "2024-12-31", parents=[2002], outcome=metric(None, 99.9, "Stay Above", "%", "Uptime"),
                       progress=100.0),
        viva_objective(3004, "Keep P1 bugs below 5", "Kpi", TOM, ["Engineering"], "Q4 2024", "2024-10-01",
                       "2024-12-31", parents=[2002], outcome=metric(3, 5, "Stay Below", "", "Bugs"), progress=100.0,
                       status="Postponed"),
        viva_objective(3005, "Hire 4 engineers", "Kpi", LI, ["People"], "Q4 2024", "2024-10-01", "2024-12-31",
                       parents=[2003], outcome={"Outcome Type": "Percentage", "Start": 0, "Target": 100,
                                                "Target Type": "Increase From",
                                                "Phased Targets": [{"Date": "2024-11-15", "Target": 50}]},
                       progress=20.0),
        # projects under a key result
        viva_objective(4001, "Partner program launch", "Project", ANA, ["Sales"], "Q4 2024", "2024-10-01",
                       "2024-11-15", parents=[3001], progress=70.0),
        viva_objective(4002, "Pricing page refresh", "Project", ANA, ["Sales"], "Q4 2024", "2024-10-01",
                       "2024-12-15", parents=[3001], progress=10.0, status="Not Started"),
    ]
    if version == 2:
        objectives.append(viva_objective(3006, "Sign 3 reference customers", "Kpi", ANA, ["Sales"], "Q4 2024",
                                         "2024-10-01", "2024-12-31", parents=[2001],
                                         outcome=metric(0, 3, "Increase From", "", "Logos"), progress=33.0))
    check_ins = [
        {"OKR ID": 3001, "CheckIn Date": "2024-10-31 17:02:11", "Activity Date": "2024-10-31 17:02:11",
         "Current Value": 150000, "Status": "On Track", "Check In Owner": ANA,
         "Check In Note": {"Check In Note": "Two deals", "Check In Note HTML": "<p>Two <b>deals</b> &amp; a renewal</p><script>alert(1)</script>"}},
        {"OKR ID": 3001, "CheckIn Date": "2024-11-30 09:00:00", "Activity Date": "2024-11-30 09:00:00",
         "Current Value": 625000, "Status": "On Track", "Check In Owner": {"Name": "ana ruiz", "Email": None},
         "Check In Note": {"Check In Note": "Ahead of plan", "Check In Note HTML": None}},
        {"OKR ID": 3002, "CheckIn Date": "2024-10-31 10:00:00", "Activity Date": "2024-10-31 10:00:00",
         "Current Value": 80, "Status": "At Risk", "Check In Owner": ANA, "Check In Note": None},
        {"OKR ID": 3002, "CheckIn Date": "2024-10-31 16:00:00", "Activity Date": "2024-10-31 16:00:00",
         "Current Value": 78, "Status": "At Risk", "Check In Owner": ANA, "Check In Note": None},
        {"OKR ID": 3003, "CheckIn Date": "2024-11-15 08:00:00", "Activity Date": "2024-11-15 08:00:00",
         "Current Value": 99.95, "Status": "On Track", "Check In Owner": {"Name": None, "Email": "TOM.BERG@contoso.com"},
         "Check In Note": None},
        {"OKR ID": 3004, "CheckIn Date": "2024-11-01 08:00:00", "Activity Date": "2024-11-01 08:00:00",
         "Current Value": 4, "Status": "Postponed", "Check In Owner": TOM, "Check In Note": None},
        {"OKR ID": 3005, "CheckIn Date": "2024-11-20 08:00:00", "Activity Date": "2024-11-20 08:00:00",
         "Current Value": 25, "Status": "Behind", "Check In Owner": LI, "Check In Note": None},
        {"OKR ID": 4001, "CheckIn Date": "2024-11-01 08:00:00", "Activity Date": "2024-11-01 08:00:00",
         "Current Value": 70, "Status": "On Track", "Check In Owner": ANA, "Check In Note": None},
    ]
    if version == 2:
        check_ins.append({"OKR ID": 3003, "CheckIn Date": "2024-12-15 08:00:00", "Activity Date": "2024-12-15",
                          "Current Value": 99.97, "Status": "On Track", "Check In Owner": TOM, "Check In Note": None})
    teams = [
        {"Team Name": "Contoso", "Parent Team": None, "Team Owners": [CEO]},
        {"Team Name": "Go to market", "Parent Team": "Contoso", "Team Owners": [ANA]},
        {"Team Name": "Sales", "Parent Team": "Go to market", "Team Owners": [ANA, CEO]},
        {"Team Name": "Engineering", "Parent Team": "Contoso", "Team Owners": [TOM]},
        {"Team Name": "People", "Parent Team": "Contoso", "Team Owners": [LI]},
    ]
    periods = [{"Name": "Annual 2024", "Start Date": "2024-01-01", "End Date": "2024-12-31"},
               {"Name": "Q4 2024", "Start Date": "2024-10-01", "End Date": "2024-12-31"}]
    users = [{"Name": p["Name"], "Email": p["Email"]} for p in (ANA, TOM, LI, CEO)]
    comments = [{"OKR ID": 3001, "Comment": "Great month!", "Commented By": CEO, "Created Date": "2024-10-31 18:00:00"},
                {"OKR ID": 2001, "Comment": "Any help needed?", "Commented By": CEO, "Created Date": "2024-10-05"}]
    tags = [{"Tag Name": "customers"}, {"Tag Name": "growth"}]
    return {"objectives_export_file_1.json": objectives, "checkins_export_file_1.json": check_ins,
            "Teams_export.json": teams, "TimePeriods_export.json": periods, "Users_export.json": users,
            "comments_export.json": comments, "Tags_export.json": tags}


def viva_zip(version: int = 1) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, records in viva_records(version).items():
            archive.writestr(f"export/{name}", json.dumps(records, indent=1))
    return buffer.getvalue()


def viva_files(version: int = 1) -> dict[str, bytes]:
    return {name: json.dumps(records).encode() for name, records in viva_records(version).items()}
