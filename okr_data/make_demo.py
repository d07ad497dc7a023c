"""Generate the demo data set: a ~60-person tech-services company running OKRs in 2027.

Writes two files, both reproducible byte for byte (seeded with ``random.Random(2027)``, fixed
workbook creation date):

* ``okr_data/demo_company_2027.xlsx`` -- one sheet per table of the workbook format (sheet and
  column names from ``store/schema.py``): Teams, Objectives, KeyResults, CheckIns, Initiatives,
  ArrActuals, CompanyTargets, Swot, the April review's Decisions, Actions and ReviewNotes, and
  Headcount (sales reps, SDRs and consultants by month, with the consultants' hours).
* ``okr_data/scenarios/base.json`` -- the default bookings back-calculation scenario.

The organisation, objectives, key results, initiatives and SWOT are hand-written literals below.
What is repetitive is generated: the check-ins, the initiative dates and statuses, the ARR
history and the consultants' hours. Each KR gets a planned *fate* at the as-of date 2027-05-31 (on
track, at risk, off track, overdue, completed, not started, some of them stale); its check-in values
are then chosen so that the DESIGN formulas give exactly that status. The resulting distribution is printed at the end.

Run from the project root:  .venv/bin/python okr_data/make_demo.py
"""

from __future__ import annotations

import json
import math
import random
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from store import schema  # noqa: E402  (needs the project root on sys.path)

OUT_XLSX = ROOT / "okr_data" / "demo_company_2027.xlsx"
OUT_SCENARIO = ROOT / "okr_data" / "scenarios" / "base.json"

SEED = 2027
AS_OF = date(2027, 5, 31)  # the monthly review the demo is built for
YEAR = 2027
YEAR_START, YEAR_END = date(2027, 1, 1), date(2027, 12, 31)
Q2_START = date(2027, 4, 1)
WORKBOOK_CREATED = datetime(2027, 6, 1, 9, 0, 0)
EMAIL_DOMAIN = "example.com"

# --------------------------------------------------------------------------------------------
# Organisation
# --------------------------------------------------------------------------------------------

# team, group, id prefix, check-in cadence, [lead, other members...]
TEAMS = [
    (
        "Product",
        "Product & Engineering",
        "PRD",
        "biweekly",
        ["Amara Okafor", "Lucas Moreau", "Priya Raman", "Ben Carter"],
    ),
    ("Design", "Product & Engineering", "DES", "monthly", ["Jonas Lindqvist", "Mei Tanaka", "Clara Jensen"]),
    (
        "Engineering",
        "Product & Engineering",
        "ENG",
        "biweekly",
        [
            "Daniel Ferreira",
            "Sofia Rossi",
            "Kwame Mensah",
            "Hannah Becker",
            "Arjun Mehta",
            "Tomasz Nowak",
            "Elena Petrova",
            "Liam O'Connor",
            "Yuki Sato",
            "Pedro Santos",
            "Nina Horvat",
            "Max Keller",
        ],
    ),
    ("Data", "Product & Engineering", "DAT", "biweekly", ["Nadia Haddad", "Felix Wagner", "Chen Wei", "Ravi Kumar"]),
    ("Security", "Product & Engineering", "SEC", "biweekly", ["Marcus Johnson", "Isabel Cruz", "Leo Fontaine"]),
    ("BizDev", "Business", "BDV", "biweekly", ["Chloé Dubois", "Ryan Patel", "Zoe Adams", "Mateo Garcia", "Ivy Chen"]),
    ("Marketing", "Business", "MKT", "biweekly", ["Olivia Brennan", "Sanjay Iyer", "Lea Schmidt", "Noah Williams"]),
    ("Alliances", "Business", "ALL", "monthly", ["Victor Almeida", "Grace Kim", "Kofi Boateng"]),
    (
        "Sales",
        "Business",
        "SAL",
        "biweekly",
        ["Maya Goldberg", "Ethan Clarke", "Fatima Zahra", "Oscar Lindgren", "Julia Novak", "Kenji Watanabe"],
    ),
    (
        "Success",
        "Business",
        "SUC",
        "biweekly",
        ["Benjamin Ade", "Ines Carvalho", "Samuel Osei", "Anna Kowalski", "Laura Bianchi", "Tom Hughes"],
    ),
    ("BizOps", "Business", "BOP", "biweekly", ["Hugo Martin", "Rita Sousa"]),
    ("Finance", "Cross-functional", "FIN", "biweekly", ["Catherine Wu", "Paul Fischer", "Aisha Bello"]),
    (
        "Talent & People",
        "Cross-functional",
        "TAL",
        "biweekly",
        ["Sarah Nguyen", "Diego Alvarez", "Emma Larsen", "Amir Rahimi"],
    ),
    ("Founders Office", "Cross-functional", "FOF", "monthly", ["Alexandre Laurent", "Rachel Stein", "Tariq Hassan"]),
]
MEMBERS = {team: people for team, _, _, _, people in TEAMS}
CADENCE = {team: cadence for team, _, _, cadence, _ in TEAMS}

# id, title, owner, context
COMPANY_OBJECTIVES = [
    (
        "CO-1",
        "Prove acquisition repeatability on 2+ channels",
        "Alexandre Laurent",
        "Founder-led sales got us to $2M ARR; it will not get us to $5M. We must prove that at "
        "least two channels (outbound, and inbound or partners) produce pipeline at a predictable "
        "cost and conversion rate, without a founder in every deal.",
    ),
    (
        "CO-2",
        "Win customers' loyalty",
        "Rachel Stein",
        "Every churned logo costs us a reference and a year of payback. We want customers who "
        "stay, expand and recommend us: faster onboarding, a product that earns daily use and a "
        "platform enterprise buyers trust.",
    ),
    (
        "CO-3",
        "Gather and build an inspired team",
        "Sarah Nguyen",
        "We grow from 60 to 75 people this year. We hire well and fast, bring people up to speed "
        "in weeks rather than months, and make this the place where people do the best work of "
        "their career.",
    ),
    (
        "CO-4",
        "Control our corporate destiny",
        "Catherine Wu",
        "Reaching $5M ARR with healthy margins and 18+ months of runway means we raise money by "
        "choice, not necessity. Clean data, disciplined spending and a board-ready company are "
        "how we get there.",
    ),
]


@dataclass
class KR:
    """One key result as written by its team. Dates are 'MM-DD' in 2027."""

    title: str
    kr_type: str
    measure: str
    start: float | None
    target: float | None
    due: str
    owner: str = ""  # defaults to the objective owner
    direction: str = "increase"
    unit: str = ""  # for measure=number; currency/percent units are implied
    weight: int = 1
    depends: str = ""
    funnel: str = ""
    by: str = ""
    tasks: tuple[str, ...] = ()
    step: float | None = None  # value granularity of check-ins (default from the range)
    fate: str = ""  # force the status at AS_OF (otherwise assigned at random)
    from_arr: str = ""  # check-ins copied from ArrActuals: "new", "expansion", "ending_arr"


@dataclass
class Objective:
    oid: str
    team: str
    parent: str
    owner: str
    title: str
    context: str
    krs: list[KR] = field(default_factory=list)
    period: str = "2027-Q2"


OBJECTIVES = [
    # ---------------------------------------------------------------- Sales
    Objective(
        "SAL-O1",
        "Sales",
        "CO-1",
        "Maya Goldberg",
        period="2027",
        title="Build a repeatable new-logo sales engine to reach $5M ARR",
        context="The 2027 budget needs $3.1M of new ARR after churn. In 2026 70% of bookings "
        "came from founder-led deals; this year the sales team closes without the "
        "founders in the room, and forecast accuracy matters as much as volume.",
        krs=[
            KR(
                "Book $3.12M of new ARR in 2027",
                "outcome",
                "currency",
                0,
                3_120_000,
                "12-31",
                weight=2,
                funnel="bookings",
                by="HubSpot closed-won report",
                from_arr="new",
                tasks=("Weekly pipeline review with every AE", "Quarterly territory and quota plan"),
            ),
            KR(
                "Improve quarterly forecast accuracy from 75% to 90%",
                "output",
                "percent",
                75,
                90,
                "12-31",
                owner="Ethan Clarke",
                by="Forecast vs. closed-won, Finance monthly close",
                tasks=(
                    "Introduce commit / best-case categories in HubSpot",
                    "Monthly forecast post-mortem with Finance",
                ),
            ),
            KR(
                "Reach 6 fully ramped account executives",
                "input",
                "number",
                3,
                6,
                "12-31",
                unit="AEs",
                depends="Talent & People",
                by="HRIS headcount + quota attainment",
                tasks=("Hire 2 AEs for the mid-market segment", "Hire 1 enterprise AE"),
            ),
        ],
    ),
    Objective(
        "SAL-O2",
        "Sales",
        "CO-1",
        "Ethan Clarke",
        title="Win the mid-market segment with a sharper sales motion",
        context="Mid-market deals (50-500 employees) close 40% faster and at a higher margin "
        "than enterprise. In Q2 we focus AE time on this segment and standardise "
        "discovery, demo and proposal so new AEs can ramp on a playbook.",
        krs=[
            KR(
                "Close $700k of new bookings in Q2",
                "outcome",
                "currency",
                0,
                700_000,
                "06-30",
                owner="Maya Goldberg",
                weight=2,
                funnel="bookings",
                by="HubSpot closed-won report",
                tasks=("Mid-market deal desk every Tuesday", "Pricing approval matrix for discounts"),
            ),
            KR(
                "Close 28 new-logo deals",
                "output",
                "number",
                0,
                28,
                "06-30",
                unit="deals",
                funnel="deals",
                by="HubSpot closed-won report",
                tasks=("Mutual close plan template for every deal > $20k",),
            ),
            KR(
                "Raise win rate on qualified opportunities from 20% to 25%",
                "outcome",
                "percent",
                20,
                25,
                "06-30",
                owner="Fatima Zahra",
                by="HubSpot funnel conversion report",
                tasks=("Win/loss interviews on every lost deal", "Competitive battlecards v2"),
            ),
            KR(
                "Cut median sales cycle from 95 to 75 days",
                "outcome",
                "number",
                95,
                75,
                "06-18",
                owner="Oscar Lindgren",
                direction="decrease",
                unit="days",
                by="HubSpot deal velocity dashboard",
                tasks=("Standard security pack sent at first demo", "Paper process started at proposal"),
            ),
        ],
    ),
    Objective(
        "SAL-O3",
        "Sales",
        "CO-3",
        "Julia Novak",
        title="Equip every account executive to sell without founder support",
        context="Two of our five AEs joined in Q1 and ramp time is about six months. We want new "
        "AEs closing their first deal within 90 days, with a documented playbook and "
        "peer coaching instead of founder shadowing.",
        krs=[
            KR(
                "Publish the mid-market sales playbook v1",
                "output",
                "binary",
                0,
                1,
                "04-30",
                by="Playbook page published in Notion",
                tasks=("Record top-3 discovery calls as examples", "Write objection-handling section"),
            ),
            KR(
                "Certify 5 of 5 AEs on the new demo script",
                "input",
                "number",
                0,
                5,
                "06-11",
                unit="AEs",
                by="Certification tracker",
                fate="not started",
                tasks=("Demo script and scoring grid", "Role-play sessions every Friday"),
            ),
            KR(
                "Get new AEs to their first closed deal in under 90 days (from 120)",
                "outcome",
                "number",
                120,
                90,
                "06-18",
                owner="Kenji Watanabe",
                direction="decrease",
                unit="days",
                depends="Talent & People",
                by="HubSpot + HRIS start dates",
                tasks=("Buddy each new AE with a senior AE",),
            ),
        ],
    ),
    # ---------------------------------------------------------------- Success
    Objective(
        "SUC-O1",
        "Success",
        "CO-2",
        "Benjamin Ade",
        period="2027",
        title="Turn our customer base into a growth engine",
        context="Net revenue retention was 98% in 2026; the best services firms run above "
        "110%. Expansion from existing accounts is the cheapest ARR we can add, and "
        "every churned logo costs us a reference.",
        krs=[
            KR(
                "Lift net revenue retention from 98% to 110%",
                "outcome",
                "percent",
                98,
                110,
                "12-31",
                weight=2,
                by="Finance monthly close - NRR bridge",
                tasks=("Account plans for the top 30 accounts", "Quarterly expansion review with Sales"),
            ),
            KR(
                "Reduce annual logo churn from 15% to 10%",
                "outcome",
                "percent",
                15,
                10,
                "12-31",
                owner="Anna Kowalski",
                direction="decrease",
                by="Finance monthly close",
                tasks=("Renewal playbook starting 120 days before term", "Exec sponsor for every at-risk renewal"),
            ),
            KR(
                "Generate $400k of expansion ARR",
                "output",
                "currency",
                0,
                400_000,
                "12-31",
                owner="Laura Bianchi",
                by="Finance monthly close - ARR bridge",
                from_arr="expansion",
                tasks=("Reporting-module upsell campaign", "Usage-based expansion alerts for CSMs"),
            ),
        ],
    ),
    Objective(
        "SUC-O2",
        "Success",
        "CO-2",
        "Ines Carvalho",
        title="Make onboarding the moment customers fall in love with us",
        context="Customers who go live in under 30 days renew at 95%, versus 78% for the rest. "
        "Median time-to-value is 52 days today, mostly lost waiting on integrations and "
        "unclear ownership on the customer side.",
        krs=[
            KR(
                "Cut median time-to-first-value from 52 to 30 days",
                "outcome",
                "number",
                52,
                30,
                "06-30",
                direction="decrease",
                unit="days",
                depends="Engineering",
                by="Gainsight onboarding dashboard",
                tasks=("Pre-built connectors for the 3 most common ERPs", "Kick-off checklist signed by the customer"),
            ),
            KR(
                "Raise onboarding CSAT from 7.8 to 9.0",
                "outcome",
                "number",
                7.8,
                9.0,
                "06-18",
                owner="Tom Hughes",
                unit="/10",
                by="Post-onboarding survey (Typeform)",
                tasks=("Weekly onboarding status email to customer sponsors",),
            ),
            KR(
                "Get 80% of new accounts using the self-serve onboarding checklist",
                "output",
                "percent",
                0,
                80,
                "06-11",
                depends="Product;Design",
                by="Pendo checklist completion",
                tasks=("Design the in-app checklist", "Write help-centre articles for each step"),
            ),
            KR(
                "Interview 12 customers who churned in the last 12 months",
                "discovery",
                "number",
                0,
                12,
                "05-14",
                owner="Samuel Osei",
                unit="interviews",
                by="Interview log in Dovetail",
                tasks=("Synthesise churn reasons into a top-5 list",),
            ),
        ],
    ),
    Objective(
        "SUC-O3",
        "Success",
        "CO-2",
        "Samuel Osei",
        title="Catch at-risk accounts before they decide to leave",
        context="Half of 2026 churn was visible in usage data more than 60 days before notice. "
        "A health score CSMs trust, with a save playbook behind it, lets us act while "
        "there is still time.",
        krs=[
            KR(
                "Cover 100% of accounts with a customer health score",
                "output",
                "percent",
                0,
                100,
                "05-21",
                depends="Data",
                by="Gainsight health coverage report",
                tasks=("Define health-score inputs with Data", "Back-test the score on 2026 churn"),
            ),
            KR(
                "Run a QBR with each of the top 30 accounts",
                "input",
                "number",
                0,
                30,
                "06-30",
                owner="Anna Kowalski",
                unit="QBRs",
                by="Gainsight activity log",
                tasks=("QBR deck template with ROI page",),
            ),
            KR(
                "Lift NPS from 32 to 45",
                "outcome",
                "number",
                32,
                45,
                "06-30",
                owner="Benjamin Ade",
                unit="NPS",
                by="Delighted NPS survey",
                tasks=("Close the loop on every detractor within 7 days", "Quarterly NPS readout to all-hands"),
            ),
            KR(
                "Save 5 accounts flagged red by the health score",
                "outcome",
                "number",
                0,
                5,
                "06-30",
                owner="Laura Bianchi",
                unit="accounts",
                by="Gainsight save log",
                tasks=("Save playbook with exec escalation path",),
            ),
        ],
    ),
    # ---------------------------------------------------------------- Finance
    Objective(
        "FIN-O1",
        "Finance",
        "CO-4",
        "Catherine Wu",
        period="2027",
        title="Reach $5M ARR with the cash discipline to choose our next round",
        context="Hitting $5M ARR with 18+ months of runway lets us raise on our terms, or not at "
        "all. Growth cannot come at the cost of gross margin: every hire is tied to a "
        "revenue milestone.",
        krs=[
            KR(
                "Grow ARR from $2.0M to $5.0M",
                "outcome",
                "currency",
                2_000_000,
                5_000_000,
                "12-31",
                weight=2,
                funnel="arr",
                by="Finance monthly close - ARR bridge",
                from_arr="ending_arr",
                tasks=("Monthly ARR bridge reviewed with the CEO", "Hiring plan gated on ARR milestones"),
            ),
            KR(
                "Keep gross margin above 45%",
                "outcome",
                "percent",
                48,
                45,
                "12-31",
                direction="stay_above",
                fate="completed",
                by="Finance monthly close",
                tasks=("Monthly margin review by customer cohort",),
            ),
            KR(
                "Extend runway from 14 to 20 months",
                "outcome",
                "number",
                14,
                20,
                "12-31",
                owner="Paul Fischer",
                unit="months",
                by="13-week cash model",
                tasks=("Quarterly reforecast of burn", "Negotiate annual prepay with top vendors"),
            ),
        ],
    ),
    Objective(
        "FIN-O2",
        "Finance",
        "CO-4",
        "Paul Fischer",
        title="Close the books faster so decisions run on fresh numbers",
        context="Month-end close takes 12 working days, so leadership reviews run on numbers "
        "that are six weeks old. Automating revenue recognition and bank reconciliation "
        "gets us to a 5-day close.",
        krs=[
            KR(
                "Cut month-end close from 12 to 5 working days",
                "output",
                "number",
                12,
                5,
                "06-30",
                direction="decrease",
                unit="days",
                depends="BizOps",
                by="Close checklist timestamps",
                tasks=("Automate revenue recognition schedules", "Close calendar with owners per task"),
            ),
            KR(
                "Automate bank reconciliation for 90% of transactions",
                "output",
                "percent",
                0,
                90,
                "06-18",
                owner="Aisha Bello",
                by="Pennylane reconciliation report",
                tasks=("Bank feed rules for recurring vendors",),
            ),
            KR(
                "Publish a board-ready monthly KPI pack by working day 7",
                "output",
                "status",
                None,
                None,
                "06-11",
                by="KPI pack in the board portal",
                tasks=("Agree KPI definitions with the CEO", "Template the pack in the BI tool"),
            ),
            KR(
                "Deliver a rolling 18-month forecast in the planning tool",
                "output",
                "binary",
                0,
                1,
                "06-18",
                owner="Catherine Wu",
                by="Forecast model in Causal",
                tasks=("Driver-based headcount model", "Scenario toggles for the board"),
            ),
        ],
    ),
    Objective(
        "FIN-O3",
        "Finance",
        "CO-4",
        "Aisha Bello",
        title="Protect cash by getting paid on time",
        context="DSO drifted to 68 days as we signed larger accounts on 60-day terms. Tighter "
        "invoicing and collections free about $250k of cash without a single new sale.",
        krs=[
            KR(
                "Reduce days sales outstanding from 68 to 50",
                "outcome",
                "number",
                68,
                50,
                "06-30",
                direction="decrease",
                unit="days",
                by="Finance monthly close - AR ageing",
                tasks=("Automated dunning sequence", "Invoice on signature, not on kick-off"),
            ),
            KR(
                "Collect $180k of invoices overdue by 90+ days",
                "output",
                "currency",
                0,
                180_000,
                "05-14",
                by="AR ageing report",
                tasks=("Call list of the 15 largest overdue invoices", "Escalate disputes to account owners"),
            ),
            KR(
                "Move 60% of new contracts to annual upfront billing (from 25%)",
                "outcome",
                "percent",
                25,
                60,
                "06-30",
                owner="Catherine Wu",
                depends="Sales",
                by="Contract register",
                tasks=("Upfront-billing discount policy", "Update order form templates"),
            ),
        ],
    ),
    # ---------------------------------------------------------------- Engineering
    Objective(
        "ENG-O1",
        "Engineering",
        "CO-2",
        "Sofia Rossi",
        title="Ship customer value every week, safely",
        context="We release every two weeks and one release in five needs a hotfix; customers "
        "notice both. Trunk-based development and better test coverage let us ship "
        "smaller changes more often with fewer incidents.",
        krs=[
            KR(
                "Increase deployment frequency from 2 to 10 per week",
                "output",
                "number",
                2,
                10,
                "06-30",
                unit="deploys/week",
                by="DORA dashboard (GitHub Actions deploy log)",
                tasks=("Move all services to trunk-based development", "Feature flags for unfinished work"),
            ),
            KR(
                "Reduce change failure rate from 20% to 8%",
                "outcome",
                "percent",
                20,
                8,
                "06-30",
                owner="Hannah Becker",
                direction="decrease",
                by="DORA dashboard",
                tasks=("Canary releases for the API", "Blameless post-mortem for every failed change"),
            ),
            KR(
                "Cut mean time to restore from 6 to 1.5 hours",
                "outcome",
                "number",
                6,
                1.5,
                "06-18",
                owner="Tomasz Nowak",
                direction="decrease",
                unit="hours",
                by="PagerDuty incident report",
                tasks=("Runbooks for the 10 most frequent alerts", "One-click rollback"),
            ),
            KR(
                "Raise automated test coverage of core services from 55% to 75%",
                "input",
                "percent",
                55,
                75,
                "06-11",
                owner="Arjun Mehta",
                by="Codecov",
                tasks=("Coverage gate on pull requests",),
            ),
        ],
    ),
    Objective(
        "ENG-O2",
        "Engineering",
        "CO-2",
        "Kwame Mensah",
        title="Make the platform scale for our five largest customers",
        context="Our five largest customers are 35% of ARR and will triple their data volume "
        "this year. p95 latency already breaches the SLA at month-end peaks; we fix it "
        "before it costs us a renewal.",
        krs=[
            KR(
                "Bring p95 API latency at peak under 300 ms (from 850 ms)",
                "outcome",
                "number",
                850,
                300,
                "06-30",
                direction="decrease",
                unit="ms",
                by="Datadog APM",
                tasks=("Query plan review of the 20 slowest endpoints", "Read replicas for reporting"),
            ),
            KR(
                "Complete the multi-tenant database sharding migration",
                "output",
                "status",
                None,
                None,
                "06-11",
                owner="Elena Petrova",
                depends="Data;Security",
                by="Migration runbook checklist",
                tasks=("Shard-key design review", "Migrate the 5 largest tenants", "Decommission the old cluster"),
            ),
            KR(
                "Pass a load test at 3x current peak volume with no SLA breach",
                "output",
                "binary",
                0,
                1,
                "05-21",
                owner="Liam O'Connor",
                by="k6 load-test report",
                tasks=("Production-like load-test environment",),
            ),
            KR(
                "Cut cloud cost per active account from $42 to $34",
                "outcome",
                "currency",
                42,
                34,
                "06-30",
                owner="Pedro Santos",
                direction="decrease",
                depends="BizOps",
                by="AWS Cost Explorer / active accounts",
                tasks=("Right-size compute for batch jobs", "Reserved instances for the database tier"),
            ),
        ],
    ),
    Objective(
        "ENG-O3",
        "Engineering",
        "CO-3",
        "Daniel Ferreira",
        title="Grow an engineering team that levels itself up",
        context="We are hiring six engineers this year. Without a clear career ladder and "
        "onboarding path, senior engineers become the bottleneck and attrition risk "
        "rises.",
        krs=[
            KR(
                "Get new engineers to a first production commit within 5 days (from 15)",
                "outcome",
                "number",
                15,
                5,
                "06-30",
                owner="Nina Horvat",
                direction="decrease",
                unit="days",
                depends="Talent & People",
                by="GitHub first-merge date vs. HRIS start date",
                tasks=("One-command local dev environment", "Starter-issue backlog per team"),
            ),
            KR(
                "Publish the engineering career ladder and run a calibration",
                "output",
                "status",
                None,
                None,
                "05-14",
                depends="Talent & People",
                by="Ladder published; calibration notes",
                tasks=("Draft ladder with staff engineers", "Calibration session with all leads"),
            ),
            KR(
                "Run 6 internal tech talks",
                "input",
                "number",
                0,
                6,
                "06-18",
                owner="Yuki Sato",
                unit="talks",
                tasks=("Tech-talk calendar and speaker rota",),
            ),
        ],
    ),
    # ---------------------------------------------------------------- Product
    Objective(
        "PRD-O1",
        "Product",
        "CO-2",
        "Amara Okafor",
        title="Focus the roadmap on what makes customers stay",
        context="60% of our roadmap is one-off customer requests. We use churn interviews, usage "
        "data and the health score to pick three retention bets, and we measure them "
        "instead of just shipping them.",
        krs=[
            KR(
                "Interview 20 customers on their top-3 workflow pains",
                "discovery",
                "number",
                0,
                20,
                "04-30",
                owner="Priya Raman",
                unit="interviews",
                by="Dovetail research repository",
                tasks=("Interview guide and recruiting list", "Synthesis workshop with Design"),
            ),
            KR(
                "Raise weekly active use of the reporting module from 35% to 55% of accounts",
                "outcome",
                "percent",
                35,
                55,
                "06-30",
                depends="Data",
                by="Pendo feature adoption",
                tasks=("Report templates for the 5 most common use cases", "In-app prompts for inactive accounts"),
            ),
            KR(
                "Ship 3 retention bets to general availability",
                "output",
                "number",
                0,
                3,
                "06-25",
                owner="Lucas Moreau",
                unit="releases",
                depends="Engineering;Design",
                by="Release notes",
                tasks=("Scheduled report delivery", "Saved filters", "Bulk edit of shipments"),
            ),
            KR(
                "Cut roadmap items without a linked customer problem from 60% to 25%",
                "input",
                "percent",
                60,
                25,
                "06-18",
                direction="decrease",
                by="Productboard insights report",
                tasks=("Link every roadmap item to insights in Productboard",),
            ),
        ],
    ),
    Objective(
        "PRD-O2",
        "Product",
        "CO-1",
        "Lucas Moreau",
        title="Package the product so it sells itself in a first demo",
        context="Prospects struggle to see value in demos because setup needs our engineers. A "
        "guided trial with sample data lets BizDev and Sales show value in the very "
        "first meeting.",
        krs=[
            KR(
                "Launch a guided trial environment with sample data",
                "output",
                "binary",
                0,
                1,
                "05-21",
                depends="Engineering",
                by="Trial environment live in production",
                tasks=("Sample logistics data set", "Guided tour in the trial"),
            ),
            KR(
                "Convert 25% of trial sign-ups into sales meetings (from 8%)",
                "outcome",
                "percent",
                8,
                25,
                "06-30",
                depends="Marketing",
                by="HubSpot trial-to-meeting report",
                tasks=("Trial nurture sequence with BizDev", "Book-a-call prompt at the aha moment"),
            ),
            KR(
                "Validate pricing tiers in 10 prospect interviews",
                "discovery",
                "number",
                0,
                10,
                "05-14",
                owner="Ben Carter",
                unit="interviews",
                by="Pricing research notes",
                tasks=("Van Westendorp survey script",),
            ),
        ],
    ),
    Objective(
        "PRD-O3",
        "Product",
        "CO-1",
        "Priya Raman",
        title="Learn what enterprise buyers need before we build for them",
        context="Three enterprise deals stalled on SSO, audit logs and role-based access. We "
        "want evidence of which enterprise features unlock the most pipeline before we "
        "commit H2 engineering capacity.",
        krs=[
            KR(
                "Interview 15 enterprise buyers on their blocking requirements",
                "discovery",
                "number",
                0,
                15,
                "06-11",
                unit="interviews",
                by="Dovetail research repository",
                tasks=("Recruit buyers through Sales and Alliances",),
            ),
            KR(
                "Quantify the pipeline blocked by missing enterprise features",
                "discovery",
                "status",
                None,
                None,
                "05-14",
                depends="Sales",
                by="Blocked-pipeline analysis in HubSpot",
                tasks=("Tag lost and stalled deals with the blocking feature",),
            ),
            KR(
                "Get Sales and Engineering sign-off on an H2 enterprise roadmap",
                "output",
                "binary",
                0,
                1,
                "06-18",
                owner="Amara Okafor",
                depends="Sales;Engineering",
                by="Signed-off roadmap document",
                tasks=("Roadmap review with Sales and Engineering leads",),
            ),
        ],
    ),
    # ---------------------------------------------------------------- Design
    Objective(
        "DES-O1",
        "Design",
        "CO-2",
        "Jonas Lindqvist",
        title="Make the product feel effortless for everyday users",
        context="In usability tests new users need 14 minutes to build their first report and 3 "
        "in 10 give up. A consistent design system and a redesigned first-run flow "
        "remove most of that friction.",
        krs=[
            KR(
                "Cut time to first report in usability tests from 14 to 5 minutes",
                "outcome",
                "number",
                14,
                5,
                "06-30",
                direction="decrease",
                unit="minutes",
                by="Moderated usability test protocol",
                tasks=("Redesign the first-run flow", "Empty states with sample reports"),
            ),
            KR(
                "Migrate 80% of screens to the design system (from 30%)",
                "output",
                "percent",
                30,
                80,
                "06-25",
                owner="Clara Jensen",
                depends="Engineering",
                by="Storybook coverage report",
                tasks=("Component audit", "Migrate the reporting screens"),
            ),
            KR(
                "Run 8 moderated usability tests with customers",
                "discovery",
                "number",
                0,
                8,
                "05-14",
                owner="Mei Tanaka",
                unit="tests",
                by="Research log",
                tasks=(),
            ),
            KR(
                "Raise the System Usability Scale score from 62 to 75",
                "outcome",
                "number",
                62,
                75,
                "06-30",
                unit="SUS",
                by="SUS survey after usability tests",
                tasks=(),
            ),
        ],
    ),
    Objective(
        "DES-O2",
        "Design",
        "CO-1",
        "Mei Tanaka",
        title="Give Marketing and Sales a brand that wins trust at first sight",
        context="Our website and decks look like a five-person startup while we sell to "
        "500-person companies. A refreshed brand and a case-study kit raise our "
        "credibility in enterprise deals.",
        krs=[
            KR(
                "Launch the refreshed website",
                "output",
                "status",
                None,
                None,
                "06-11",
                depends="Marketing",
                by="Website live",
                tasks=("Brand guidelines v2", "Homepage and product pages", "Launch checklist with Marketing"),
            ),
            KR(
                "Deliver 6 customer case studies in the new template",
                "output",
                "number",
                0,
                6,
                "06-18",
                owner="Clara Jensen",
                unit="case studies",
                depends="Success",
                by="Published case studies",
                tasks=("Case-study template", "Customer approval workflow"),
            ),
            KR(
                "Ship a sales deck and demo kit in the new brand",
                "output",
                "binary",
                0,
                1,
                "04-30",
                owner="Jonas Lindqvist",
                depends="Sales",
                by="Deck in the sales drive",
                tasks=("Sales deck master slides",),
            ),
        ],
    ),
    # ---------------------------------------------------------------- Data (all due 06-30)
    Objective(
        "DAT-O1",
        "Data",
        "CO-2",
        "Nadia Haddad",
        title="Give every team trustworthy numbers in one place",
        context="Sales, Success and Finance report three different ARR figures. A single "
        "governed metrics layer ends the debate in leadership reviews and frees analysts "
        "from ad-hoc pulls.",
        krs=[
            KR(
                "Certify 25 core metrics in the metrics layer (from 5)",
                "output",
                "number",
                5,
                25,
                "06-30",
                unit="metrics",
                by="dbt semantic layer catalogue",
                tasks=("Metric definitions signed off by owners", "Certification badge in the BI tool"),
            ),
            KR(
                "Reduce ad-hoc data requests from 40 to 15 per month",
                "outcome",
                "number",
                40,
                15,
                "06-30",
                owner="Chen Wei",
                direction="decrease",
                unit="requests/month",
                by="Jira DATA board",
                tasks=("Self-serve dashboards for Sales and Success",),
            ),
            KR(
                "Meet the data-freshness SLA on 95% of daily pipelines (from 80%)",
                "outcome",
                "percent",
                80,
                95,
                "06-30",
                owner="Ravi Kumar",
                by="Monte Carlo freshness monitor",
                tasks=("Alerting on late pipelines", "Retry policy for flaky sources"),
            ),
            KR(
                "Grow weekly active users of self-serve dashboards from 12 to 40",
                "outcome",
                "number",
                12,
                40,
                "06-30",
                owner="Chen Wei",
                unit="users",
                by="BI tool usage log",
                tasks=("Dashboard office hours every Thursday",),
            ),
        ],
    ),
    Objective(
        "DAT-O2",
        "Data",
        "CO-1",
        "Felix Wagner",
        title="Show where our best customers come from",
        context="We spend on four channels without knowing which one brings customers who stay. "
        "Multi-touch attribution joined to retention data tells Marketing and BizDev "
        "where to double down.",
        krs=[
            KR(
                "Ship channel attribution joined to 12-month retention",
                "output",
                "binary",
                0,
                1,
                "06-30",
                depends="Marketing",
                by="Attribution dashboard live",
                tasks=("UTM and source-field clean-up", "Attribution model in dbt"),
            ),
            KR(
                "Identify 2 channels with CAC payback under 12 months",
                "discovery",
                "number",
                0,
                2,
                "06-30",
                owner="Nadia Haddad",
                unit="channels",
                by="CAC payback analysis",
                tasks=("CAC by channel with Finance",),
            ),
            KR(
                "Attribute 90% of new opportunities to a source channel (from 55%)",
                "output",
                "percent",
                55,
                90,
                "06-30",
                owner="Ravi Kumar",
                depends="BizDev;Marketing",
                by="HubSpot attribution report",
                tasks=("Mandatory source field on opportunity creation",),
            ),
        ],
    ),
    # ---------------------------------------------------------------- Security
    Objective(
        "SEC-O1",
        "Security",
        "CO-2",
        "Marcus Johnson",
        title="Earn enterprise trust with SOC 2 Type II",
        context="Four enterprise deals worth $600k are gated on SOC 2 Type II. The observation "
        "window started in February; Q2 is about closing every control gap before the "
        "auditor's fieldwork.",
        krs=[
            KR(
                "Close all 42 open SOC 2 control gaps",
                "output",
                "number",
                42,
                0,
                "06-30",
                direction="decrease",
                unit="gaps",
                depends="Engineering",
                by="Vanta control dashboard",
                tasks=("Access reviews for production systems", "Vendor risk assessments"),
            ),
            KR(
                "Pass the SOC 2 readiness assessment with zero critical findings",
                "outcome",
                "binary",
                0,
                1,
                "06-18",
                by="Auditor readiness report",
                tasks=("Mock audit with the external auditor",),
            ),
            KR(
                "Complete security awareness training for 100% of staff (from 40%)",
                "input",
                "percent",
                40,
                100,
                "06-04",
                owner="Leo Fontaine",
                depends="Talent & People",
                by="Training platform completion report",
                tasks=("Phishing simulation", "Training reminders in Slack"),
            ),
            KR(
                "Collect evidence for 100% of controls in Vanta (from 70%)",
                "input",
                "percent",
                70,
                100,
                "06-30",
                owner="Isabel Cruz",
                by="Vanta control dashboard",
                tasks=(),
            ),
        ],
    ),
    Objective(
        "SEC-O2",
        "Security",
        "CO-4",
        "Isabel Cruz",
        title="Shrink our attack surface before it shrinks our pipeline",
        context="Security questionnaires now appear in 70% of enterprise deals and take 6 hours "
        "each. Fewer critical vulnerabilities and a public trust centre answer most of "
        "them upfront.",
        krs=[
            KR(
                "Reduce open critical vulnerabilities from 18 to 2",
                "outcome",
                "number",
                18,
                2,
                "06-30",
                direction="decrease",
                unit="vulnerabilities",
                by="Snyk dashboard",
                tasks=("Patch SLA of 7 days for criticals", "Dependency upgrade sprint"),
            ),
            KR(
                "Cut security questionnaire turnaround from 6 hours to 1",
                "output",
                "number",
                6,
                1,
                "06-11",
                owner="Marcus Johnson",
                direction="decrease",
                unit="hours",
                depends="Sales",
                by="Questionnaire tracker",
                step=0.5,
                tasks=("Answer library in the trust centre",),
            ),
            KR(
                "Publish a public trust centre",
                "output",
                "binary",
                0,
                1,
                "04-30",
                owner="Leo Fontaine",
                by="Trust centre live",
                tasks=("Select trust-centre vendor", "Publish policies and sub-processors"),
            ),
        ],
    ),
    # ---------------------------------------------------------------- BizDev
    Objective(
        "BDV-O1",
        "BizDev",
        "CO-1",
        "Chloé Dubois",
        title="Prove outbound is a repeatable acquisition channel",
        context="Outbound produced 30% of 2026 opportunities, mostly from one SDR's personal "
        "network. In Q2 we prove that a documented sequence fills the pipeline at "
        "predictable conversion rates with three SDRs.",
        krs=[
            KR(
                "Send 8,000 personalised outbound emails",
                "input",
                "number",
                0,
                8_000,
                "06-18",
                owner="Mateo Garcia",
                unit="emails",
                funnel="emails",
                by="Outreach sequence analytics",
                tasks=("Enrich 3,000 target accounts", "Personalisation snippets per persona"),
            ),
            KR(
                "Get 700 replies to outbound sequences",
                "output",
                "number",
                0,
                700,
                "06-30",
                owner="Ivy Chen",
                unit="replies",
                funnel="replies",
                by="Outreach sequence analytics",
                tasks=("A/B test subject lines every two weeks",),
            ),
            KR(
                "Book 180 first meetings from outbound",
                "output",
                "number",
                0,
                180,
                "06-30",
                owner="Ryan Patel",
                unit="meetings",
                funnel="meetings",
                by="HubSpot meetings report",
                tasks=("Meeting-booking SLA: reply within 2 hours", "Calendar links in every sequence"),
            ),
            KR(
                "Create 60 qualified opportunities",
                "outcome",
                "number",
                0,
                60,
                "06-30",
                weight=2,
                unit="opportunities",
                funnel="opportunities",
                by="HubSpot pipeline report",
                tasks=("Qualification criteria agreed with Sales", "Weekly SDR-AE handover review"),
            ),
        ],
    ),
    Objective(
        "BDV-O2",
        "BizDev",
        "CO-1",
        "Ryan Patel",
        title="Find the next outbound segment worth scaling",
        context="We sell mostly to logistics companies. Healthcare and fintech show early "
        "signals; a structured test tells us whether either converts before we commit "
        "SDR time in H2.",
        krs=[
            KR(
                "Run 3 segment tests of 500 contacts each",
                "discovery",
                "number",
                0,
                3,
                "05-21",
                unit="tests",
                by="Outreach sequence analytics",
                tasks=("Build healthcare and fintech lists", "Segment-specific messaging"),
            ),
            KR(
                "Reach a 4% reply-to-meeting rate in at least one new segment (from 1.5%)",
                "outcome",
                "percent",
                1.5,
                4,
                "06-11",
                owner="Zoe Adams",
                by="Outreach + HubSpot",
                tasks=("Weekly segment results review",),
            ),
            KR(
                "Document the ICP and personas of the winning segment",
                "output",
                "status",
                None,
                None,
                "06-04",
                owner="Chloé Dubois",
                by="ICP page in Notion",
                tasks=(),
            ),
        ],
    ),
    Objective(
        "BDV-O3",
        "BizDev",
        "CO-3",
        "Zoe Adams",
        title="Build an SDR team that ramps in weeks, not months",
        context="Two SDRs join in Q2. A shared sequence library and weekly call reviews cut "
        "ramp time and keep quality high as volume grows.",
        krs=[
            KR(
                "Ramp 2 new SDRs to 10 meetings a month each",
                "outcome",
                "number",
                0,
                2,
                "06-30",
                unit="SDRs",
                depends="Talent & People",
                by="HubSpot meetings by owner",
                tasks=("30-60-90 day SDR onboarding plan", "Weekly call review"),
            ),
            KR(
                "Publish a library of 12 tested outbound sequences",
                "output",
                "number",
                0,
                12,
                "06-11",
                owner="Mateo Garcia",
                unit="sequences",
                by="Outreach sequence library",
                tasks=("Sequence performance benchmark",),
            ),
        ],
    ),
    # ---------------------------------------------------------------- Marketing (all due 06-30)
    Objective(
        "MKT-O1",
        "Marketing",
        "CO-1",
        "Olivia Brennan",
        title="Prove inbound content as our second acquisition channel",
        context="Inbound brings 20% of pipeline but it is unmeasured and lumpy. Two pillar "
        "pieces a month plus SEO on our core use cases should produce a steady flow of "
        "qualified meetings by quarter end.",
        krs=[
            KR(
                "Generate 60 sales meetings from inbound",
                "outcome",
                "number",
                0,
                60,
                "06-30",
                weight=2,
                unit="meetings",
                funnel="meetings",
                by="HubSpot lifecycle report",
                tasks=("Demo-request form on every pillar page", "Inbound lead routing to BizDev in 1 hour"),
            ),
            KR(
                "Grow organic website sessions from 12,000 to 20,000 per month",
                "output",
                "number",
                12_000,
                20_000,
                "06-30",
                owner="Lea Schmidt",
                unit="sessions/month",
                by="Google Analytics 4",
                step=100,
                tasks=("Technical SEO audit", "Keyword cluster plan for 3 use cases"),
            ),
            KR(
                "Publish 12 pillar articles and 2 gated reports",
                "input",
                "number",
                0,
                14,
                "06-30",
                owner="Noah Williams",
                unit="pieces",
                by="Content calendar",
                tasks=("Freelance writer pool", "Editorial calendar"),
            ),
            KR(
                "Raise MQL-to-meeting conversion from 12% to 20%",
                "outcome",
                "percent",
                12,
                20,
                "06-30",
                depends="BizDev",
                by="HubSpot funnel conversion report",
                tasks=("Lead scoring model v2",),
            ),
        ],
    ),
    Objective(
        "MKT-O2",
        "Marketing",
        "CO-1",
        "Sanjay Iyer",
        title="Turn events and webinars into pipeline, not just badges",
        context="We spent $120k on events in 2026 and cannot trace a single deal to most of "
        "them. In Q2 every event has a pipeline target and a follow-up sequence owned "
        "with BizDev.",
        krs=[
            KR(
                "Source $450k of pipeline from events and webinars",
                "outcome",
                "currency",
                0,
                450_000,
                "06-30",
                depends="BizDev",
                by="HubSpot campaign influence report",
                tasks=("Pre-booked meetings at the two trade shows", "Follow-up sequence within 48 hours"),
            ),
            KR(
                "Run 4 webinars with 150+ registrants each",
                "input",
                "number",
                0,
                4,
                "06-30",
                owner="Noah Williams",
                unit="webinars",
                by="Webinar platform report",
                tasks=("Co-host webinars with 2 partners",),
            ),
            KR(
                "Cut cost per event-sourced opportunity from $4,000 to $2,500",
                "output",
                "currency",
                4_000,
                2_500,
                "06-30",
                owner="Olivia Brennan",
                direction="decrease",
                by="Marketing spend / HubSpot opportunities",
                tasks=("Drop the two lowest-yield events",),
            ),
            KR(
                "Capture 600 qualified leads from events",
                "output",
                "number",
                0,
                600,
                "06-30",
                owner="Lea Schmidt",
                unit="leads",
                by="HubSpot campaign report",
                tasks=("Badge-scan app with qualification questions",),
            ),
        ],
    ),
    # ---------------------------------------------------------------- Alliances
    Objective(
        "ALL-O1",
        "Alliances",
        "CO-1",
        "Victor Almeida",
        title="Open a partner channel that brings its own pipeline",
        context="Two cloud marketplaces and a handful of consultancies already resell tools like "
        "ours. A partner channel is our best bet for a second repeatable acquisition "
        "channel in 2027.",
        krs=[
            KR(
                "Sign 4 referral or reseller partners",
                "output",
                "number",
                0,
                4,
                "05-28",
                unit="partners",
                by="Partner agreements register",
                tasks=("Partner programme terms", "Shortlist of 12 target consultancies"),
            ),
            KR(
                "Create 30 partner-sourced qualified opportunities",
                "outcome",
                "number",
                0,
                30,
                "06-30",
                weight=2,
                unit="opportunities",
                funnel="opportunities",
                by="HubSpot pipeline report (source = partner)",
                tasks=("Deal registration form", "Monthly pipeline call with each partner"),
            ),
            KR(
                "List our offer on the AWS Marketplace",
                "output",
                "binary",
                0,
                1,
                "06-11",
                owner="Kofi Boateng",
                depends="Engineering;Finance",
                by="Marketplace listing live",
                tasks=("Marketplace metering integration", "Private-offer pricing with Finance"),
            ),
            KR(
                "Hold joint account planning with 8 partners",
                "input",
                "number",
                0,
                8,
                "06-18",
                owner="Kofi Boateng",
                unit="partners",
                by="Partner CRM activity log",
                tasks=(),
            ),
        ],
    ),
    Objective(
        "ALL-O2",
        "Alliances",
        "CO-2",
        "Grace Kim",
        title="Make partners successful with our product",
        context="Partner-delivered projects score lower on CSAT than ours because partners lack "
        "training. Enablement protects our reputation as the channel grows.",
        krs=[
            KR(
                "Certify 20 partner consultants",
                "input",
                "number",
                0,
                20,
                "06-25",
                unit="consultants",
                by="Partner academy certificates",
                tasks=("Partner certification course", "Sandbox tenants for partners"),
            ),
            KR(
                "Raise partner-delivered onboarding CSAT from 7.2 to 8.5",
                "outcome",
                "number",
                7.2,
                8.5,
                "06-30",
                owner="Victor Almeida",
                unit="/10",
                depends="Success",
                by="Post-onboarding survey (Typeform)",
                tasks=("Shared onboarding checklist with partners",),
            ),
            KR(
                "Publish the partner enablement portal",
                "output",
                "status",
                None,
                None,
                "06-04",
                by="Portal live",
                tasks=("Portal content: playbooks, decks, demo videos",),
            ),
        ],
    ),
    # ---------------------------------------------------------------- BizOps
    Objective(
        "BOP-O1",
        "BizOps",
        "CO-4",
        "Hugo Martin",
        title="Run the business on one clean source of truth in the CRM",
        context="Duplicate accounts and missing fields turn pipeline reviews into debates about "
        "data. CRM hygiene is the precondition for forecasting and for the funnel "
        "back-calculation.",
        krs=[
            KR(
                "Reduce duplicate CRM accounts from 1,400 to 100",
                "output",
                "number",
                1_400,
                100,
                "05-14",
                direction="decrease",
                unit="accounts",
                by="HubSpot data quality tool",
                tasks=("Merge rules and bulk de-duplication", "Block duplicate creation at entry"),
            ),
            KR(
                "Reach 95% completeness on required opportunity fields (from 62%)",
                "outcome",
                "percent",
                62,
                95,
                "06-30",
                owner="Rita Sousa",
                depends="Sales;BizDev",
                by="HubSpot property completeness report",
                tasks=("Required fields by stage", "Weekly completeness leaderboard"),
            ),
            KR(
                "Automate the weekly pipeline review pack",
                "output",
                "status",
                None,
                None,
                "06-11",
                depends="Data",
                by="Pack generated from the BI tool",
                tasks=("Pipeline pack template",),
            ),
            KR(
                "Agree funnel stage definitions with Sales, Marketing and BizDev",
                "output",
                "binary",
                0,
                1,
                "04-16",
                by="Signed-off definitions in Notion",
                tasks=("Stage definition workshop",),
            ),
        ],
    ),
    Objective(
        "BOP-O2",
        "BizOps",
        "CO-4",
        "Rita Sousa",
        title="Spend every software dollar on purpose",
        context="SaaS spend grew 60% last year to $310k, with overlapping tools. Consolidation "
        "and seat hygiene fund two hires without touching growth budgets.",
        krs=[
            KR(
                "Cut annualised SaaS spend from $310k to $250k",
                "outcome",
                "currency",
                310_000,
                250_000,
                "06-30",
                direction="decrease",
                depends="Finance",
                by="Vendr spend report",
                tasks=("Consolidate the 3 overlapping BI tools", "Renegotiate the 5 largest contracts"),
            ),
            KR(
                "Keep cloud infrastructure cost below 12% of revenue",
                "outcome",
                "percent",
                11,
                12,
                "06-30",
                owner="Hugo Martin",
                direction="stay_below",
                fate="off track",
                depends="Engineering",
                by="AWS Cost Explorer + Finance monthly close",
                tasks=("Monthly cost review with Engineering",),
            ),
            KR(
                "Audit 100% of tool seats and reclaim unused ones",
                "input",
                "percent",
                0,
                100,
                "04-30",
                by="SaaS management tool seat report",
                tasks=("Seat usage export from every admin console",),
            ),
        ],
    ),
    # ---------------------------------------------------------------- Talent & People
    Objective(
        "TAL-O1",
        "Talent & People",
        "CO-3",
        "Sarah Nguyen",
        title="Hire the people who will build our next chapter",
        context="We plan 14 hires in 2027, six of them in Q2. A 62-day time-to-hire loses the "
        "best candidates to faster offers; a structured process and a visible employer "
        "brand shorten it.",
        krs=[
            KR(
                "Make 6 hires in Q2 against plan",
                "outcome",
                "number",
                0,
                6,
                "06-30",
                weight=2,
                unit="hires",
                by="Greenhouse hires report",
                tasks=("Hiring plan reviewed weekly with team leads", "Agency for senior engineering roles"),
            ),
            KR(
                "Cut median time-to-hire from 62 to 40 days",
                "outcome",
                "number",
                62,
                40,
                "06-30",
                owner="Diego Alvarez",
                direction="decrease",
                unit="days",
                by="Greenhouse time-to-hire report",
                tasks=("Structured interview kits", "48-hour feedback SLA for interviewers"),
            ),
            KR(
                "Source 50% of hires from referrals (from 20%)",
                "input",
                "percent",
                20,
                50,
                "06-18",
                owner="Amir Rahimi",
                by="Greenhouse source report",
                tasks=("Referral bonus refresh", "Monthly referral drive"),
            ),
            KR(
                "Raise offer acceptance rate from 70% to 85%",
                "outcome",
                "percent",
                70,
                85,
                "06-30",
                owner="Diego Alvarez",
                by="Greenhouse offer report",
                tasks=("Compensation benchmark update",),
            ),
        ],
    ),
    Objective(
        "TAL-O2",
        "Talent & People",
        "CO-3",
        "Diego Alvarez",
        title="Make this the place where people do the best work of their career",
        context="eNPS fell from +32 to +18 after a hard 2026. People want clearer growth paths "
        "and managers who coach; we invest in both before the H2 hiring wave.",
        krs=[
            KR(
                "Lift eNPS from 18 to 30",
                "outcome",
                "number",
                18,
                30,
                "06-30",
                owner="Sarah Nguyen",
                unit="eNPS",
                by="Officevibe pulse survey",
                tasks=("Act on the top-3 pulse survey themes",),
            ),
            KR(
                "Train all 9 people managers in coaching skills",
                "input",
                "number",
                0,
                9,
                "05-21",
                unit="managers",
                by="Training attendance log",
                tasks=("Coaching workshop series (3 sessions)",),
            ),
            KR(
                "Hold career conversations with 100% of employees",
                "output",
                "percent",
                0,
                100,
                "06-18",
                by="HRIS conversation log",
                tasks=("Career conversation guide for managers", "Reminder cadence in Slack"),
            ),
        ],
    ),
    Objective(
        "TAL-O3",
        "Talent & People",
        "CO-3",
        "Emma Larsen",
        title="Bring every new joiner up to speed in their first 30 days",
        context="Onboarding differs in every team and new joiners rate it 6.1/10. A shared "
        "30-day path helps the 14 people joining this year contribute sooner.",
        krs=[
            KR(
                "Launch a company-wide 30-day onboarding path",
                "output",
                "binary",
                0,
                1,
                "04-30",
                by="Onboarding path live in the HRIS",
                tasks=("Day-1 to day-30 checklist per role family",),
            ),
            KR(
                "Raise the new-joiner onboarding score from 6.1 to 8.5",
                "outcome",
                "number",
                6.1,
                8.5,
                "06-30",
                unit="/10",
                by="30-day new-joiner survey",
                tasks=("Welcome week with the founders",),
            ),
            KR(
                "Give 100% of Q2 joiners a named onboarding buddy",
                "input",
                "percent",
                0,
                100,
                "06-11",
                owner="Amir Rahimi",
                by="HRIS onboarding records",
                tasks=(),
            ),
        ],
    ),
    # ---------------------------------------------------------------- Founders Office
    Objective(
        "FOF-O1",
        "Founders Office",
        "CO-4",
        "Alexandre Laurent",
        title="Prepare the company to raise on our own terms",
        context="We want the option, not the obligation, to raise a Series A in early 2028. That "
        "takes a data room that is always ready, a story investors remember and "
        "relationships built before we need them.",
        krs=[
            KR(
                "Build relationships with 25 target Series A investors",
                "input",
                "number",
                0,
                25,
                "06-30",
                unit="investors",
                by="Affinity CRM",
                tasks=("Quarterly investor update email", "Target list with warm intro paths"),
            ),
            KR(
                "Have an always-ready data room reviewed by counsel",
                "output",
                "status",
                None,
                None,
                "06-11",
                owner="Rachel Stein",
                depends="Finance",
                by="Data room checklist",
                tasks=("Data room index", "Legal review of material contracts"),
            ),
            KR(
                "Get 3 of 5 board members to endorse the 2028 plan",
                "outcome",
                "number",
                0,
                3,
                "06-18",
                unit="board members",
                by="Board minutes",
                tasks=("1:1 pre-reads with each board member",),
            ),
            KR(
                "Test the investor narrative with 5 friendly investors",
                "discovery",
                "number",
                0,
                5,
                "06-04",
                owner="Tariq Hassan",
                unit="investors",
                by="Feedback notes",
                tasks=(),
            ),
        ],
    ),
    Objective(
        "FOF-O2",
        "Founders Office",
        "CO-3",
        "Tariq Hassan",
        title="Run an OKR cadence that people trust and use",
        context="Q1 OKRs were set late and reviewed twice. A retro-planned calendar, monthly "
        "reviews and check-ins in the tool make OKRs the way we run the company rather "
        "than a slide deck.",
        krs=[
            KR(
                "Get 90% of KRs checked in at least every two weeks (from 45%)",
                "output",
                "percent",
                45,
                90,
                "06-18",
                by="OKR dashboard - check-in freshness",
                tasks=("Check-in reminder every other Friday", "Freshness shown in the monthly review"),
            ),
            KR(
                "Publish Q3 OKRs for all 14 teams by June 25",
                "output",
                "number",
                0,
                14,
                "06-25",
                unit="teams",
                by="OKR dashboard",
                tasks=("Retro-planned Q3 calendar", "Silent review round"),
            ),
            KR(
                "Hold 3 monthly leadership OKR reviews with decisions logged",
                "input",
                "number",
                0,
                3,
                "06-30",
                owner="Alexandre Laurent",
                unit="reviews",
                by="Review notes",
                tasks=(),
            ),
        ],
    ),
]

# leader -> quadrant -> items
SWOT = {
    "Alexandre Laurent": {
        "strength": [
            "Deep domain expertise in logistics operations",
            "Reference customers willing to speak for us",
            "Founding team that has shipped together for six years",
        ],
        "weakness": [
            "Founder-led sales does not scale",
            "No proven second acquisition channel",
            "Thin management layer below the leadership team",
        ],
        "opportunity": [
            "Mid-market logistics firms consolidating vendors",
            "Cloud marketplaces shortening procurement",
            "Healthcare and fintech asking for the same workflows",
        ],
        "threat": [
            "Well-funded competitor moving into the mid-market",
            "Longer enterprise buying cycles in a tight economy",
        ],
    },
    "Maya Goldberg": {
        "strength": ["20%+ win rate once a prospect sees a demo", "Time-to-value story backed by customer numbers"],
        "weakness": [
            "Pipeline concentrated in one SDR's network",
            "No sales playbook: new AEs ramp in six months",
            "Forecasts miss by 25% or more",
        ],
        "opportunity": [
            "Partner-sourced deals from two consultancies",
            "Upselling the reporting module to the installed base",
        ],
        "threat": ["Security reviews stall enterprise deals", "Competitors discounting 30% to win logos"],
    },
    "Daniel Ferreira": {
        "strength": ["Modern, well-tested core platform", "Low attrition in the engineering team"],
        "weakness": [
            "Fortnightly releases with frequent hotfixes",
            "Latency breaches the SLA at month-end peaks",
            "Few senior engineers to mentor new joiners",
        ],
        "opportunity": ["Managed cloud services reduce operational toil", "AI-assisted coding speeds up routine work"],
        "threat": ["Data volumes of the top five customers tripling", "Hiring market for senior engineers stays tight"],
    },
    "Catherine Wu": {
        "strength": ["Gross margin above 45% on services", "14 months of runway and no debt"],
        "weakness": ["12-day month-end close", "DSO drifting to 68 days", "SaaS spend growing faster than headcount"],
        "opportunity": ["Annual upfront billing on new contracts", "R&D tax credits not yet claimed"],
        "threat": ["Series A investors rewarding only efficient growth", "FX exposure on European contracts"],
    },
    "Benjamin Ade": {
        "strength": ["Customers rate our CSMs 9/10", "Strong relationships with the top 30 accounts"],
        "weakness": [
            "52 days to first value in onboarding",
            "No early-warning signal for churn",
            "Expansion left to chance",
        ],
        "opportunity": ["Reporting-module upsell to 60% of accounts", "Customer community and advocacy programme"],
        "threat": ["Champions leaving customer companies", "Budget cuts hitting our smallest accounts"],
    },
}

# Default back-calculation scenario (DESIGN "CLI" scenario keys). beginning_arr is filled in
# from the ARR history so the two always agree.
SCENARIO = {
    "target_arr": 5_000_000,
    "beginning_arr": None,
    "churn_rate": 0.12,
    "contraction_rate": 0.04,
    "expansion_rate": 0.10,
    "average_deal_size": 25_000,
    "stages": [
        {"name": "emails", "conversion_rate": 0.10},
        {"name": "replies", "conversion_rate": 0.33},
        {"name": "meetings", "conversion_rate": 0.50},
        {"name": "opportunities", "conversion_rate": 0.25},
    ],
    "seasonality": [0.2, 0.25, 0.25, 0.3],
    "sales_cycle_days": 90,
    "deals_per_rep_per_quarter": 6,
    "ramp": [0.25, 0.5, 0.75, 1.0],
    # Delivery capacity: the consultants the plan's ARR needs, against the Headcount sheet's.
    "delivery": {
        "services_share": 0.6,
        "rate_per_hour": 150,
        "hours_per_fte_per_month": 140,
        "target_utilisation": 0.75,
        "consultant_ramp": [0.5, 0.75, 1.0],
    },
}

# How many KRs of each fate to aim for among the KRs that are still open (due on or after AS_OF)
# and not forced; "on track" takes the rest. KRs already due are split completed / overdue.
OPEN_QUOTAS = {"not started": 6, "off track": 15, "at risk": 17}
# Fates of the KRs whose check-ins stop in April (stale at AS_OF).
STALE_PLAN = {"off track": 3, "at risk": 2, "overdue": 2, "on track": 2, "completed": 1}

STATUS_LEVELS = list(schema.STATUS_LEVELS)  # Not started, Early progress, Good progress, Completed
STATUS_ORDER = ("overdue", "off track", "at risk", "not started", "on track", "completed")


# --------------------------------------------------------------------------------------------
# Status formulas (DESIGN "Formulas"), self-contained so the distribution can be printed here
# --------------------------------------------------------------------------------------------


def kr_progress(kr: dict, checkin: dict) -> float:
    """Raw (unclamped) progress of a KR given one check-in row."""
    if kr["measure"] == "status":
        return STATUS_LEVELS.index(checkin["status"]) / 3
    v, start, target = checkin["value"], kr["start_value"], kr["target_value"]
    if kr["measure"] == "binary":
        return 1.0 if v >= 1 else 0.0
    if kr["direction"] == "stay_above":
        return 1.0 if v >= target else 0.0
    if kr["direction"] == "stay_below":
        return 1.0 if v <= target else 0.0
    if kr["direction"] == "decrease":
        return (start - v) / (start - target)
    return (v - start) / (target - start)


def expected_progress(kr: dict, d: date) -> float:
    span = (kr["due_date"] - kr["start_date"]).days
    return min(1.0, max(0.0, (d - kr["start_date"]).days / span))


def kr_status(kr: dict, checkins: list[dict], d: date) -> tuple[str, bool, float, float]:
    """(status, stale, progress, expected) of a KR at date d."""
    seen = [c for c in checkins if c["date"] <= d]
    expected = expected_progress(kr, d)
    if not seen:
        status = "overdue" if d > kr["due_date"] else "not started"
        return status, False, 0.0, expected
    last = max(seen, key=lambda c: c["date"])
    progress = kr_progress(kr, last)
    stale = (d - last["date"]).days > 30
    if progress >= 1:
        status = "completed"
    elif d > kr["due_date"]:
        status = "overdue"
    else:
        gap = expected - progress
        status = "on track" if gap <= 0.10 else "at risk" if gap <= 0.25 else "off track"
    return status, stale, progress, expected


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def day(mm_dd: str) -> date:
    month, dd = mm_dd.split("-")
    return date(YEAR, int(month), int(dd))


def weekday_on_or_before(d: date) -> date:
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


def email_of(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    local = ".".join(part.replace("'", "").lower() for part in ascii_name.split())
    return f"{local}@{EMAIL_DOMAIN}"


def value_step(kr: dict) -> float:
    """Granularity of reported values: whole units, or finer for small or fractional ranges."""
    start, target = kr["start_value"], kr["target_value"]
    span = abs(target - start)
    if kr["measure"] == "binary":
        return 1
    if kr["measure"] == "percent":
        return 1 if span >= 10 else 0.5 if span >= 4 else 0.1
    if kr["measure"] == "number" and (start % 1 or target % 1):
        return 0.1
    return max(1, 10 ** (math.floor(math.log10(span)) - 2))


def snap(x: float, step: float) -> float:
    v = round(round(x / step) * step, 2)
    return int(v) if float(v).is_integer() else v


# --------------------------------------------------------------------------------------------
# Building the tables
# --------------------------------------------------------------------------------------------


def build_teams() -> list[dict]:
    return [
        {"team": team, "group": group, "lead": people[0], "lead_email": email_of(people[0])}
        for team, group, _, _, people in TEAMS
    ]


def build_objectives() -> list[dict]:
    rows = [
        {
            "objective_id": oid,
            "period": str(YEAR),
            "level": "company",
            "team": "",
            "title": title,
            "context": context,
            "owner": owner,
            "parent_objective_id": "",
        }
        for oid, title, owner, context in COMPANY_OBJECTIVES
    ]
    rows += [
        {
            "objective_id": o.oid,
            "period": o.period,
            "level": "team",
            "team": o.team,
            "title": o.title,
            "context": o.context,
            "owner": o.owner,
            "parent_objective_id": o.parent,
        }
        for o in OBJECTIVES
    ]
    return rows


def build_key_results() -> tuple[list[dict], dict[str, KR], dict[str, str]]:
    """KeyResults rows, plus the KR specs and the team of each KR, by kr_id."""
    rows, specs, team_of = [], {}, {}
    for o in OBJECTIVES:
        annual = o.period == str(YEAR)
        for i, k in enumerate(o.krs, start=1):
            kr_id = f"{o.oid}-KR{i}"
            unit = {"currency": "USD", "percent": "%"}.get(k.measure, k.unit)
            start, target = (k.start, k.target) if k.measure != "status" else (None, None)
            rows.append(
                {
                    "kr_id": kr_id,
                    "objective_id": o.oid,
                    "title": k.title,
                    "kr_type": k.kr_type,
                    "measure": k.measure,
                    "unit": unit,
                    "start_value": start,
                    "target_value": target,
                    "direction": k.direction,
                    "owner": k.owner or o.owner,
                    "start_date": YEAR_START if annual else Q2_START,
                    "due_date": day(k.due),
                    "weight": k.weight,
                    "depends_on": k.depends,
                    "funnel_stage": k.funnel,
                    "measured_by": k.by,
                }
            )
            specs[kr_id], team_of[kr_id] = k, o.team
    return rows, specs, team_of


def build_arr(rng: random.Random) -> list[dict]:
    """Monthly ARR bridge for 2026 (history) and 2027-01..05; 2026-12 ends at exactly $2.0M."""
    months = [f"2026-{m:02d}" for m in range(1, 13)] + [f"2027-{m:02d}" for m in range(1, 6)]
    new = [round(58_000 + 4_200 * i + rng.uniform(-9_000, 9_000), -2) for i in range(12)]
    new += [round(x + rng.uniform(-6_000, 6_000), -2) for x in (148_000, 162_000, 186_000, 204_000, 226_000)]
    ratios = [(rng.uniform(0.006, 0.011), rng.uniform(0.002, 0.0045), rng.uniform(0.004, 0.016)) for _ in months]

    def simulate(opening: float) -> list[dict]:
        rows, arr = [], opening
        for month, n, (e, c, ch) in zip(months, new, ratios):
            flows = {
                "new": n,
                "expansion": round(arr * e, -2),
                "contraction": round(arr * c, -2),
                "churn": round(arr * ch, -2),
            }
            arr = arr + flows["new"] + flows["expansion"] - flows["contraction"] - flows["churn"]
            rows.append({"month": month, **flows, "ending_arr": arr})
        return rows

    opening = 1_200_000.0
    for _ in range(8):  # solve for the 2025-12 ARR that lands 2026-12 near $2.0M
        opening += (2_000_000 - simulate(opening)[11]["ending_arr"]) / 0.9
    opening = round(opening, -2)
    rows = simulate(opening)
    # absorb the last rounding residual in December's new ARR, then rebuild the endings
    rows[11]["new"] += 2_000_000 - rows[11]["ending_arr"]
    prev = opening
    for r in rows:
        r["ending_arr"] = prev + r["new"] + r["expansion"] - r["contraction"] - r["churn"]
        prev = r["ending_arr"]
    for r in rows:
        for key in ("new", "expansion", "contraction", "churn", "ending_arr"):
            r[key] = int(r[key])
    assert rows[11]["ending_arr"] == 2_000_000
    return rows


def build_company_targets(scenario: dict) -> list[dict]:
    begin, target = scenario["beginning_arr"], scenario["target_arr"]
    retained = 1 - scenario["churn_rate"] - scenario["contraction_rate"] + scenario["expansion_rate"]
    new_required = max(0.0, target - begin * retained)
    rows = [{"period": str(YEAR), "metric": "arr", "start_value": begin, "target_value": target}]
    cumulative, quarter_start = 0.0, begin
    for q, weight in enumerate(scenario["seasonality"], start=1):
        cumulative += weight
        quarter_end = round(begin + (target - begin) * cumulative, -3)
        rows.append(
            {"period": f"{YEAR}-Q{q}", "metric": "arr", "start_value": quarter_start, "target_value": int(quarter_end)}
        )
        quarter_start = int(quarter_end)
    for q, weight in enumerate(scenario["seasonality"], start=1):
        rows.append(
            {
                "period": f"{YEAR}-Q{q}",
                "metric": "bookings",
                "start_value": 0,
                "target_value": int(round(new_required * weight)),
            }
        )
    return rows


# The April review (held on 30 April): what it decided, the actions it agreed and its notes. Its
# decisions only keep KRs, so the status mix above is unchanged; the May review follows the actions up.
APRIL_REVIEW = date(YEAR, 4, 30)


def build_april_review() -> tuple[list[dict], list[dict], list[dict]]:
    decisions = [
        {
            "kr_id": "ALL-O1-KR3",
            "date": APRIL_REVIEW,
            "decision": "keep",
            "reason": "Listing blocked on reseller terms, not on demand: keep it and unblock legal.",
            "decided_by": "Alexandre Laurent",
        },
        {
            "kr_id": "BOP-O2-KR2",
            "date": APRIL_REVIEW,
            "decision": "keep",
            "reason": "Cost share is above 12% because of the migration; review again in May.",
            "decided_by": "Alexandre Laurent",
        },
    ]
    actions = [
        (
            "A-2027-04-01",
            "Get legal sign-off on the AWS reseller terms",
            "Kofi Boateng",
            "05-14",
            "Alliances",
            "ALL-O1-KR3",
            "open",
        ),
        (
            "A-2027-04-02",
            "Share the cloud cost breakdown by service with Engineering",
            "Hugo Martin",
            "05-07",
            "BizOps",
            "BOP-O2-KR2",
            "done",
        ),
        ("A-2027-04-03", "Agree the SDR hiring plan with Talent & People", "Zoe Adams", "05-21", "BizDev", "", "done"),
        (
            "A-2027-04-04",
            "Send the Q3 OKR calendar to every team lead",
            "Alexandre Laurent",
            "06-04",
            "Founders Office",
            "",
            "open",
        ),
        (
            "A-2027-04-05",
            "Run the pricing page test before the website launch",
            "Amara Okafor",
            "05-10",
            "Product",
            "",
            "dropped",
        ),
    ]
    notes = [
        {
            "review_month": f"{YEAR}-04",
            "written_by": "Alexandre Laurent",
            "notes": (
                "ARR 4% behind plan after a slow March; new bookings recovering in April.\n"
                "Alliances: AWS listing blocked on legal, kept (see decisions).\n"
                "BizOps: cloud cost above target during the migration, kept for one more month.\n"
                "Q3 planning starts in June: calendar to go out before the May review."
            ),
        }
    ]
    return (
        decisions,
        [
            {
                "action_id": action_id,
                "review_month": f"{YEAR}-04",
                "title": title,
                "owner": owner,
                "due_date": day(due),
                "team": team,
                "kr_id": kr_id,
                "status": status,
            }
            for action_id, title, owner, due, team, kr_id, status in actions
        ],
        notes,
    )


def build_swot() -> list[dict]:
    return [
        {"leader": leader, "quadrant": quadrant, "item": item}
        for leader, quadrants in SWOT.items()
        for quadrant in schema.SWOT_QUADRANTS
        for item in quadrants[quadrant]
    ]


# Staff by team and role, month by month over the ARR history: each (first month, fte) step holds
# until the next. Sales has 3 account executives by December 2026 (where SAL-O1-KR3 starts) and hires
# toward 6 in 2027; BizDev's SDRs are staff of another role. Success's onboarding consultants and
# Engineering's integration engineers deliver the customer projects, so they record hours.
STAFF_PLAN = {
    ("Sales", schema.SALES_REP): (
        ("2026-01", 2.0),
        ("2026-04", 2.5),
        ("2026-09", 3.0),
        ("2027-02", 4.0),
        ("2027-04", 5.0),
    ),
    ("Sales", "sales_manager"): (("2026-01", 1.0),),
    ("BizDev", "sdr"): (("2026-01", 1.0), ("2026-07", 2.0), ("2027-04", 4.0)),
    ("Success", schema.CONSULTANT): (("2026-01", 3.0), ("2026-04", 3.5), ("2026-09", 4.0), ("2027-03", 5.0)),
    ("Engineering", schema.CONSULTANT): (("2026-01", 2.0), ("2026-07", 3.0), ("2027-04", 4.0)),
}
HOURS_PER_FTE = (140, 160)  # available hours of one full-time consultant in a month
UTILISATION_BAND = {"Success": (0.70, 0.85), "Engineering": (0.65, 0.80)}  # billable ÷ available
HOLIDAY_MONTHS, HOLIDAY_DIP = (8, 12), 0.05  # August and December bill less


def build_headcount(months: list[str], rng: random.Random) -> list[dict]:
    """Headcount rows for `months` (the ARR history's): the fte of STAFF_PLAN's step in force, and
    for consultants available hours of 140-160 h per FTE with 65-85 % of them billable."""
    rows = []
    for month in months:
        for (team, role), steps in STAFF_PLAN.items():
            fte = next(fte for first, fte in reversed(steps) if first <= month)
            row = {"month": month, "team": team, "role": role, "fte": fte}
            if role == schema.CONSULTANT:
                low, high = UTILISATION_BAND[team]
                dip = HOLIDAY_DIP if int(month[5:]) in HOLIDAY_MONTHS else 0.0
                available = round(fte * rng.uniform(*HOURS_PER_FTE))
                row.update(
                    available_hours=available, billable_hours=round(available * rng.uniform(low - dip, high - dip))
                )
            rows.append(row)
    return rows


# --- check-ins -------------------------------------------------------------------------------


def team_checkin_dates(rng: random.Random) -> dict[str, list[date]]:
    """Q2 check-in dates per team: fortnightly (mid/end of month) or monthly, on weekdays."""
    base = {"biweekly": ["04-15", "04-30", "05-15", "05-31"], "monthly": ["04-30", "05-31"]}
    dates = {}
    for team, _, _, cadence, _ in TEAMS:
        dates[team] = [weekday_on_or_before(day(d) - timedelta(days=rng.randint(0, 3))) for d in base[cadence]]
    return dates


def annual_checkin_dates() -> list[date]:
    return [weekday_on_or_before(date(YEAR, m + 1, 1) - timedelta(days=1)) for m in range(1, 6)]


def candidate_finals(kr: dict) -> list[tuple[float | str, float]]:
    """Possible latest check-in values (or status levels) with their raw progress."""
    if kr["measure"] == "status":
        return [(level, i / 3) for i, level in enumerate(STATUS_LEVELS)]
    if kr["measure"] == "binary":
        return [(0, 0.0), (1, 1.0)]
    start, target, step = kr["start_value"], kr["target_value"], kr["_step"]
    values = {snap(start + p / 400 * (target - start), step) for p in range(-120, 560)}
    if min(start, target) >= 0:
        values = {v for v in values if v >= 0}
    if kr["measure"] == "percent":
        values = {v for v in values if v <= 100}
    return [(v, kr_progress(kr, {"value": v})) for v in sorted(values)]


def fate_window(fate: str, expected: float) -> tuple[float, float, float]:
    """(lowest, highest, preferred) raw progress for a planned fate at AS_OF.

    Windows keep a small margin from the status thresholds so the story is not a rounding
    accident; the preferred value is the centre that a random draw will perturb.
    """
    if fate == "completed":
        return 1.0, 1.12, 1.04
    if fate == "overdue":
        return 0.05, 0.95, 0.65
    if fate == "on track":
        return max(0.0, expected - 0.08), 0.97, min(0.95, expected + 0.01)
    if fate == "at risk":
        return expected - 0.23, expected - 0.12, expected - 0.175
    if fate == "off track":
        return 0.02, expected - 0.28, max(0.08, expected - 0.42)
    raise ValueError(fate)


def pick_final(kr: dict, fate: str, expected: float, rng: random.Random | None):
    """Choose the latest value/level giving `fate` at AS_OF, or None if the KR cannot.

    With rng=None the choice is deterministic (used to test feasibility).
    """
    jitter = rng.uniform(-0.04, 0.04) if rng is not None else 0.0
    if kr["direction"] in ("stay_above", "stay_below"):
        # progress is 0 or 1: held = between start and threshold, breached = past the threshold
        start, target = kr["start_value"], kr["target_value"]
        position = 0.4 + jitter if fate == "completed" else 1.4 + jitter
        value = snap(start + position * (target - start), kr["_step"])
        check = kr_status(kr, [{"date": AS_OF, "value": value}], AS_OF)[0]
        return value if check == fate else None
    low, high, preferred = fate_window(fate, expected)
    preferred += jitter
    options = []
    for value, progress in candidate_finals(kr):
        # the status the formulas will give, as if checked in on AS_OF
        status = kr_status(kr, [{"date": AS_OF, "value": value, "status": value}], AS_OF)[0]
        if status == fate:
            in_window = low - 1e-9 <= progress <= high + 1e-9
            options.append((not in_window, abs(progress - preferred), value))
    return min(options)[2] if options else None


COMMENTS = {
    "first": [
        "Baseline confirmed, work started.",
        "Kick-off done; first results in.",
        "Tracking set up in {by}.",
        "Early days, plan agreed with the team.",
    ],
    "progress": [
        "Pacing to plan.",
        "Good fortnight, no blockers.",
        "Steady progress.",
        "Ahead of plan after a strong push.",
        "On plan; next milestone in two weeks.",
        "Numbers checked against {by}.",
    ],
    "at risk": [
        "Behind pace; recovery plan agreed.",
        "Slower than planned, two items slipped.",
        "Capacity is the constraint; reprioritising.",
    ],
    "off track": [
        "Off track: team pulled onto escalations.",
        "Needs a decision: change the target or the scope.",
        "Underestimated the effort; proposing a new plan.",
    ],
    "waiting": [
        "Need help from {dep} to catch up.",
        "Blocked on {dep}; escalated.",
        "Waiting on {dep} for the next step.",
    ],
    "held": ["Holding on the right side of the threshold.", "Within the limit this month."],
    "breached": [
        "Breached the threshold this month; corrective plan in review.",
        "Over the limit: one-off spike, action plan agreed.",
    ],
    "overdue": [
        "Missed the due date; finishing in June.",
        "Slipped: waiting on a vendor.",
        "Late. New date proposed for the review.",
        "Mostly done, last part slipped.",
    ],
    "completed": [
        "Target reached.",
        "Done ahead of the due date.",
        "Completed; holding the line.",
        "Done, moving to business as usual.",
    ],
    "step back": [
        "Went backwards: data clean-up removed duplicates.",
        "Dip this period, one-off effect.",
        "Step back after a definition change.",
    ],
}


def comment(kind: str, kr: dict, rng: random.Random) -> str:
    """A short check-in comment of the given kind, adapted to the KR."""
    if kr["direction"] in ("stay_above", "stay_below") and kind in ("completed", "off track"):
        kind = "held" if kind == "completed" else "breached"
    elif kr["depends_on"] and kind in ("at risk", "off track") and rng.random() < 0.5:
        kind = "waiting"
    text = rng.choice(COMMENTS[kind])
    return text.format(dep=kr["depends_on"].split(";")[0], by=kr["measured_by"] or "the tracker")


def progress_path(
    kr: dict, dates: list[date], final_progress: float, fate: str, rng: random.Random
) -> tuple[list[float], int | None]:
    """Raw progress at each check-in date, ending at final_progress; index of a step back."""
    n = len(dates)
    span = max(1, (dates[-1] - kr["start_date"]).days)
    gamma = rng.uniform(0.8, 1.4)
    monotone = kr["start_value"] in (0, None) and kr["direction"] == "increase"
    top = final_progress if monotone else max(final_progress, 0.2) + 0.1
    path = []
    for t in dates[:-1]:
        frac = (t - kr["start_date"]).days / span
        path.append(min(max(final_progress, 0.0) * frac**gamma + rng.gauss(0, 0.03), top, 0.97))
    path.append(final_progress)
    step_back = None
    if not monotone and n >= 3 and rng.random() < 0.18:
        step_back = rng.randrange(1, n - 1)
        path[step_back] = path[step_back - 1] - rng.uniform(0.03, 0.08)
    elif not monotone and n >= 2 and fate in ("at risk", "off track") and rng.random() < 0.3:
        step_back = n - 1  # the latest check-in itself went backwards
        path[-2] = min(0.97, final_progress + rng.uniform(0.04, 0.1))
    if monotone:
        path = [max(0.0, p) for p in path]
        for i in range(1, n):
            path[i] = max(path[i], path[i - 1])
    if fate == "completed":  # reached by the due date, then held
        done = next((i for i, t in enumerate(dates) if t >= kr["due_date"] - timedelta(days=3)), n - 1)
        path = path[:done] + [final_progress] * (n - done)
    return path, step_back


def checkin_values(kr: dict, dates: list[date], final, fate: str, rng: random.Random):
    """Values (or status levels) for each date, plus the index of a step back if any."""
    measure, n = kr["measure"], len(dates)
    if measure == "status":
        final_level = STATUS_LEVELS.index(final)
        path, _ = progress_path(kr, dates, final_level / 3, fate, rng)
        levels = [min(final_level, max(0, int(p * 3 + 0.35))) for p in path[:-1]] + [final_level]
        levels = [max(levels[: i + 1]) for i in range(n)]
        return [STATUS_LEVELS[level] for level in levels], None
    if measure == "binary":
        path, _ = progress_path(kr, dates, float(final), fate, rng)
        return [1 if p >= 1 else 0 for p in path[:-1]] + [final], None
    if kr["direction"] in ("stay_above", "stay_below"):
        # values wander on the held side of the threshold; the last one is `final`
        values = [
            snap(kr["start_value"] + rng.uniform(0.05, 0.75) * (kr["target_value"] - kr["start_value"]), kr["_step"])
            for _ in dates[:-1]
        ]
        return values + [final], None
    final_progress = kr_progress(kr, {"value": final})
    path, step_back = progress_path(kr, dates, final_progress, fate, rng)
    start, target, step = kr["start_value"], kr["target_value"], kr["_step"]
    values = [snap(start + p * (target - start), step) for p in path[:-1]] + [final]
    if min(start, target) >= 0:
        values = [max(0, v) for v in values]
    return values, step_back


def confidence_path(n: int, fate: str, rng: random.Random) -> list[int]:
    final = {"on track": (7, 9), "at risk": (4, 6), "off track": (2, 4), "overdue": (3, 5), "completed": (9, 10)}[fate]
    first, last = rng.randint(6, 8), rng.randint(*final)
    if n == 1:
        return [last]
    out = [first + (last - first) * i / (n - 1) + rng.gauss(0, 0.6) for i in range(n - 1)]
    return [min(10, max(0, round(c))) for c in out] + [last]


def assign_fates(krs: list[dict], specs: dict[str, KR], rng: random.Random) -> dict[str, str]:
    """Plan each KR's status at AS_OF, within what its measure and dates allow."""
    fates = {}
    pool = []
    for kr in krs:
        spec = specs[kr["kr_id"]]
        if spec.from_arr:
            continue  # follows the ARR actuals
        if spec.fate:
            fates[kr["kr_id"]] = spec.fate
        else:
            pool.append(kr)
    due = [kr for kr in pool if kr["due_date"] < AS_OF]
    rng.shuffle(due)
    for i, kr in enumerate(due):
        fates[kr["kr_id"]] = "completed" if i % 2 == 0 else "overdue"

    open_krs = [kr for kr in pool if kr["due_date"] >= AS_OF]
    remaining = dict(OPEN_QUOTAS)
    remaining["on track"] = len(open_krs) - sum(OPEN_QUOTAS.values())
    feasible = {}
    for kr in open_krs:
        expected = expected_progress(kr, AS_OF)
        feasible[kr["kr_id"]] = ["not started"] + [
            f for f in ("on track", "at risk", "off track") if pick_final(kr, f, expected, None) is not None
        ]
    # most constrained first, so binary/status KRs get one of the few fates they allow
    order = sorted(open_krs, key=lambda kr: (len(feasible[kr["kr_id"]]), rng.random()))
    for kr in order:
        options = [f for f in feasible[kr["kr_id"]] if remaining[f] > 0] or feasible[kr["kr_id"]]
        weights = [max(remaining[f], 0.1) for f in options]
        fate = rng.choices(options, weights)[0]
        remaining[fate] -= 1
        fates[kr["kr_id"]] = fate
    return fates


def pick_stale(krs: list[dict], specs: dict[str, KR], fates: dict[str, str], rng: random.Random) -> set[str]:
    stale = set()
    for fate, count in STALE_PLAN.items():
        candidates = [
            kr["kr_id"]
            for kr in krs
            if fates.get(kr["kr_id"]) == fate
            and not specs[kr["kr_id"]].fate
            and kr["start_date"] == Q2_START
            and (fate != "completed" or kr["due_date"] <= date(YEAR, 4, 30))
        ]
        stale.update(rng.sample(candidates, min(count, len(candidates))))
    return stale


def build_checkins(
    krs: list[dict], specs: dict[str, KR], team_of: dict[str, str], arr: list[dict], rng: random.Random
) -> tuple[list[dict], dict[str, str], set[str]]:
    fates = assign_fates(krs, specs, rng)
    stale = pick_stale(krs, specs, fates, rng)
    team_dates = team_checkin_dates(rng)
    month_ends = annual_checkin_dates()
    rows = []
    for kr in krs:
        kr_id, spec = kr["kr_id"], specs[kr["kr_id"]]
        if spec.from_arr:
            rows += arr_checkins(kr, spec.from_arr, arr, rng)
            continue
        fate = fates[kr_id]
        if fate == "not started":
            continue
        dates = list(month_ends if kr["start_date"] == YEAR_START else team_dates[team_of[kr_id]])
        if kr_id in stale:
            dates = sorted(
                {
                    weekday_on_or_before(min(d, day("04-26") - timedelta(days=rng.randint(0, 4))))
                    for d in dates
                    if d.month == 4
                }
            )
        elif len(dates) >= 4 and rng.random() < 0.15:
            dates.pop(rng.randrange(1, len(dates) - 1))  # a missed check-in
        expected = expected_progress(kr, AS_OF)
        final = pick_final(kr, fate, expected, rng)
        assert final is not None, (kr_id, fate)
        values, step_back = checkin_values(kr, dates, final, fate, rng)
        confidences = confidence_path(len(dates), fate, rng)
        for i, (d, v, conf) in enumerate(zip(dates, values, confidences)):
            last = i == len(dates) - 1
            if i == step_back:
                note = comment("step back", kr, rng)
            elif last and fate != "on track":
                note = comment(fate, kr, rng)
            elif i == 0 and rng.random() < 0.5:
                note = comment("first", kr, rng)
            elif rng.random() < 0.35:
                note = comment(
                    "progress"
                    if fate in ("on track", "completed") or i < 1
                    else fate
                    if fate != "overdue"
                    else "at risk",
                    kr,
                    rng,
                )
            else:
                note = ""
            is_status = kr["measure"] == "status"
            rows.append(
                {
                    "kr_id": kr_id,
                    "date": d,
                    "value": None if is_status else v,
                    "status": v if is_status else "",
                    "confidence": conf,
                    "comment": note,
                    "updated_by": kr["owner"],
                }
            )
    return rows, fates, stale


def arr_checkins(kr: dict, column: str, arr: list[dict], rng: random.Random) -> list[dict]:
    """Monthly check-ins copied from the ARR actuals (running totals for the flows)."""
    rows, total = [], 0
    months_2027 = [r for r in arr if r["month"].startswith(str(YEAR))]
    for i, r in enumerate(months_2027):
        total = r["ending_arr"] if column == "ending_arr" else total + r[column]
        month_end = date(YEAR, i + 2, 1) - timedelta(days=1)
        rows.append(
            {
                "kr_id": kr["kr_id"],
                "date": month_end,
                "value": total,
                "status": "",
                "confidence": 7,
                "comment": f"{month_end:%B} close: ${total:,.0f}.",
                "updated_by": kr["owner"],
            }
        )
    status = kr_status(kr, rows, AS_OF)[0]
    if status in ("at risk", "off track"):
        for c in rows[2:]:
            c["confidence"] = rng.randint(5, 6) if status == "at risk" else rng.randint(3, 4)
        rows[-1]["comment"] += " Behind the linear path; Q2 pipeline has to close the gap."
    return rows


# --- initiatives ------------------------------------------------------------------------------


def build_initiatives(
    krs: list[dict],
    specs: dict[str, KR],
    team_of: dict[str, str],
    fates: dict[str, str],
    checkins: list[dict],
    rng: random.Random,
) -> list[dict]:
    rows = []
    for kr in krs:
        tasks = specs[kr["kr_id"]].tasks
        if not tasks:
            continue
        fate = fates.get(kr["kr_id"]) or kr_status(kr, [c for c in checkins if c["kr_id"] == kr["kr_id"]], AS_OF)[0]
        members = MEMBERS[team_of[kr["kr_id"]]]
        span = (kr["due_date"] - kr["start_date"]).days
        blocked_one, first_future = False, True
        for i, title in enumerate(tasks):
            due = weekday_on_or_before(
                kr["start_date"] + timedelta(days=round(span * (i + 1) / (len(tasks) + 0.4)) + rng.randint(-3, 3))
            )
            if fate == "not started":
                status = "planned"
            elif fate == "completed":
                status = "done"
            elif due < AS_OF:
                hard = fate in ("off track", "overdue") or (fate == "at risk" and rng.random() < 0.4)
                status = "blocked" if hard and not blocked_one else "done"
            elif fate == "off track" and not blocked_one:
                status = "blocked"
            else:
                status = "in progress" if first_future or rng.random() < 0.3 else "planned"
            if due >= AS_OF:
                first_future = False
            blocked_one |= status == "blocked"
            owner = kr["owner"] if i == 0 else rng.choice(members)
            rows.append({"kr_id": kr["kr_id"], "title": title, "owner": owner, "status": status, "due_date": due})
    return rows


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_workbook(path: Path, tables: list[tuple[schema.Table, list[dict]]]) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties(
        {
            "title": "Demo company OKRs 2027",
            "subject": "OKR dashboard demo data",
            "author": "okr_data/make_demo.py",
            "company": "Demo company (fictional)",
            "created": WORKBOOK_CREATED,
        }
    )
    header = workbook.add_format({"bold": True, "bottom": 1, "bg_color": "#E8EEF7"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money_format = workbook.add_format({"num_format": "#,##0"})
    money_sheets = {schema.ARR_ACTUALS.sheet, schema.COMPANY_TARGETS.sheet}
    for table, rows in tables:
        sheet = workbook.add_worksheet(table.sheet)
        widths = [len(c.name) for c in table.columns]
        for col, column in enumerate(table.columns):
            sheet.write_string(0, col, column.name, header)
        for r, row in enumerate(rows, start=1):
            for col, column in enumerate(table.columns):
                value = row.get(column.name)
                if value is None or value == "":
                    continue
                if column.kind == schema.DATE:
                    sheet.write_datetime(r, col, datetime.combine(value, time()), date_format)
                    shown = 10
                elif column.kind == schema.NUMBER:
                    fmt = money_format if table.sheet in money_sheets else None
                    sheet.write_number(r, col, value, fmt)
                    shown = len(f"{value:,}")
                else:
                    sheet.write_string(r, col, str(value))
                    shown = len(str(value))
                widths[col] = max(widths[col], shown)
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(width + 2, 70))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(1, len(rows)), len(table.columns) - 1)
    workbook.close()


def print_distribution(krs: list[dict], checkins: list[dict]) -> None:
    by_kr: dict[str, list[dict]] = {}
    for c in checkins:
        by_kr.setdefault(c["kr_id"], []).append(c)
    counts, stale = Counter(), 0
    for kr in krs:
        status, is_stale, _, _ = kr_status(kr, by_kr.get(kr["kr_id"], []), AS_OF)
        counts[status] += 1
        stale += is_stale
    total = len(krs)
    print(f"KR status at {AS_OF} ({total} KRs):")
    for status in STATUS_ORDER:
        print(f"  {status:<12} {counts[status]:>4}  {counts[status] / total:6.1%}")
    print(f"  {'stale':<12} {stale:>4}  {stale / total:6.1%}  (flag, overlaps the statuses)")


def main() -> None:
    rng = random.Random(SEED)
    teams = build_teams()
    objectives = build_objectives()
    krs, specs, team_of = build_key_results()
    for kr in krs:
        spec = specs[kr["kr_id"]]
        kr["_step"] = spec.step or (value_step(kr) if kr["measure"] != "status" else None)
    arr = build_arr(rng)
    scenario = dict(SCENARIO, beginning_arr=arr[11]["ending_arr"])  # 2026-12 ending ARR
    checkins, fates, _ = build_checkins(krs, specs, team_of, arr, rng)
    initiatives = build_initiatives(krs, specs, team_of, fates, checkins, rng)
    decisions, actions, notes = build_april_review()
    headcount = build_headcount([row["month"] for row in arr], rng)  # last: the sheets above keep their values

    OUT_SCENARIO.parent.mkdir(parents=True, exist_ok=True)
    write_workbook(
        OUT_XLSX,
        [
            (schema.TEAMS, teams),
            (schema.OBJECTIVES, objectives),
            (schema.KEY_RESULTS, krs),
            (schema.CHECK_INS, checkins),
            (schema.INITIATIVES, initiatives),
            (schema.ARR_ACTUALS, arr),
            (schema.COMPANY_TARGETS, build_company_targets(scenario)),
            (schema.SWOT, build_swot()),
            (schema.DECISIONS_TABLE, decisions),
            (schema.ACTIONS, actions),
            (schema.REVIEW_NOTES, notes),
            (schema.HEADCOUNT, headcount),
        ],
    )
    OUT_SCENARIO.write_text(json.dumps(scenario, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT_XLSX.relative_to(ROOT)} and {OUT_SCENARIO.relative_to(ROOT)}")
    print_distribution(krs, checkins)


if __name__ == "__main__":
    main()
