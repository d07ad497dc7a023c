"""The workbook format and the database tables, described once.

Every sheet of the workbook format (DESIGN "Workbook format") maps to one table with the same
columns. Loaders validate against these descriptions, the store builds its DDL from them and
analytics reads columns by these names. Pure Python: importing it opens no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEXT = "text"
NUMBER = "number"
DATE = "date"
MONTH = "month"  # YYYY-MM, stored as text

KR_TYPES = ("discovery", "input", "output", "outcome")
MEASURES = ("currency", "number", "percent", "binary", "status")
DIRECTIONS = ("increase", "decrease", "stay_above", "stay_below")
STATUS_LEVELS = ("Not started", "Early progress", "Good progress", "Completed")
OBJECTIVE_LEVELS = ("company", "team")
SWOT_QUADRANTS = ("strength", "weakness", "opportunity", "threat")
# `keep` records that the review looked at a KR and left it as it is; it changes nothing else.
DECISIONS = ("keep", "change", "cancel")
ACTION_STATUSES = ("open", "done", "dropped")
# Roles of the Headcount sheet the back-calculation reads; any other word is kept as written.
SALES_REP = "sales_rep"
CONSULTANT = "consultant"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    default: object = None


@dataclass(frozen=True)
class Table:
    name: str
    sheet: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


TEAMS = Table(
    "teams",
    "Teams",
    ("team",),
    (
        Column("team", required=True, aliases=("team name", "department")),
        Column("group", aliases=("team group", "division")),
        Column("lead", aliases=("team lead", "manager")),
        Column("lead_email", aliases=("email", "lead mail")),
    ),
)

OBJECTIVES = Table(
    "objectives",
    "Objectives",
    ("objective_id",),
    (
        Column("objective_id", required=True, aliases=("objective id", "id", "goal id")),
        Column("period", required=True, aliases=("quarter", "cycle", "time period")),
        Column("level", required=True, choices=OBJECTIVE_LEVELS),
        Column("team", aliases=("team name", "department")),
        Column("title", required=True, aliases=("objective", "name", "objective title", "goal")),
        Column("context", aliases=("description", "why", "strategic context")),
        Column("owner", aliases=("objective owner",)),
        Column("parent_objective_id", aliases=("parent", "parent id", "aligned to", "parent objective")),
    ),
    aliases=("Goals", "OKRs"),
)

KEY_RESULTS = Table(
    "key_results",
    "KeyResults",
    ("kr_id",),
    (
        Column("kr_id", required=True, aliases=("key result id", "kr", "id")),
        Column("objective_id", required=True, aliases=("objective id", "objective", "goal id")),
        Column("title", required=True, aliases=("key result", "name", "kr title")),
        Column("kr_type", choices=KR_TYPES, aliases=("type", "kr type")),
        Column("measure", required=True, choices=MEASURES, aliases=("metric type", "measurement")),
        Column("unit"),
        Column("start_value", NUMBER, aliases=("start", "baseline", "initial value")),
        Column("target_value", NUMBER, aliases=("target", "goal value")),
        Column("direction", choices=DIRECTIONS, default="increase"),
        Column("owner", aliases=("kr owner", "assignee")),
        Column("start_date", DATE, aliases=("start date",)),
        Column("due_date", DATE, required=True, aliases=("due", "due date", "deadline", "end date")),
        Column("weight", NUMBER, default=1.0),
        Column("depends_on", aliases=("dependencies", "depends on")),
        Column("funnel_stage", aliases=("funnel stage", "stage")),
        Column("measured_by", aliases=("measured by", "source", "data source")),
    ),
    aliases=("Key Results", "KRs"),
)

CHECK_INS = Table(
    "check_ins",
    "CheckIns",
    ("kr_id", "date"),
    (
        Column("kr_id", required=True, aliases=("key result id", "kr")),
        Column("date", DATE, required=True, aliases=("check-in date", "checkin date", "updated", "as of")),
        Column("value", NUMBER, aliases=("current", "current value", "actual", "progress value")),
        Column("status", choices=STATUS_LEVELS, aliases=("progress status", "state")),
        Column("confidence", NUMBER, aliases=("confidence level",)),
        Column("comment", aliases=("comments", "note", "notes")),
        Column("updated_by", aliases=("updated by", "author", "by")),
    ),
    aliases=("Check-ins", "Checkins", "Progress"),
)

INITIATIVES = Table(
    "initiatives",
    "Initiatives",
    ("kr_id", "title"),
    (
        Column("kr_id", required=True, aliases=("key result id", "kr")),
        Column("title", required=True, aliases=("initiative", "task", "name")),
        Column("owner"),
        Column("status"),
        Column("due_date", DATE, aliases=("due", "due date")),
    ),
    aliases=("Tasks",),
)

ARR_ACTUALS = Table(
    "arr_actuals",
    "ArrActuals",
    ("month",),
    (
        Column("month", MONTH, required=True),
        Column("new", NUMBER, default=0.0, aliases=("new arr",)),
        Column("expansion", NUMBER, default=0.0),
        Column("contraction", NUMBER, default=0.0),
        Column("churn", NUMBER, default=0.0, aliases=("churned",)),
        Column("ending_arr", NUMBER, required=True, aliases=("ending", "arr", "ending arr")),
    ),
    aliases=("ARR",),
)

COMPANY_TARGETS = Table(
    "company_targets",
    "CompanyTargets",
    ("period", "metric"),
    (
        Column("period", required=True),
        Column("metric", required=True),
        Column("start_value", NUMBER, aliases=("start",)),
        Column("target_value", NUMBER, required=True, aliases=("target",)),
    ),
    aliases=("Targets",),
)

SWOT = Table(
    "swot",
    "Swot",
    ("leader", "quadrant", "item"),
    (
        Column("leader", required=True),
        Column("quadrant", required=True, choices=SWOT_QUADRANTS),
        Column("item", required=True),
    ),
    aliases=("SWOT",),
)

DECISIONS_TABLE = Table(
    "decisions",
    "Decisions",
    ("kr_id", "date", "decision"),
    (
        Column("kr_id", required=True),
        Column("date", DATE, required=True),
        Column("decision", required=True, choices=DECISIONS),
        Column("new_target_value", NUMBER),
        Column("new_due_date", DATE),
        Column("reason"),
        Column("decided_by"),
    ),
)

ACTIONS = Table(
    "actions",
    "Actions",
    ("action_id",),
    (
        Column("action_id", required=True),
        Column("review_month", MONTH, required=True),
        Column("title", required=True),
        Column("owner"),
        Column("due_date", DATE),
        Column("team"),
        Column("kr_id"),
        Column("status", choices=ACTION_STATUSES, default="open"),
    ),
)

# The notes of one monthly review meeting (a sheet beside Decisions and Actions).
REVIEW_NOTES = Table(
    "review_notes",
    "ReviewNotes",
    ("review_month",),
    (
        Column("review_month", MONTH, required=True),
        Column("notes", required=True),
        Column("written_by"),
    ),
)

# Staff by month, team and role: the sales reps the back-calculation starts from and the consultants'
# hours delivery capacity and utilisation are measured by (hours only for roles that bill).
HEADCOUNT = Table(
    "headcount",
    "Headcount",
    ("month", "team", "role"),
    (
        Column("month", MONTH, required=True, aliases=("year month", "period month")),
        Column("team", required=True, aliases=("team name", "department", "squad")),
        Column("role", required=True, aliases=("position", "job", "job title", "function", "role name")),
        Column("fte", NUMBER, required=True, aliases=("headcount", "head count", "ftes", "full time equivalent")),
        Column("billable_hours", NUMBER, aliases=("billable hours", "billable", "billed hours", "hours billed")),
        Column(
            "available_hours",
            NUMBER,
            aliases=("available hours", "capacity hours", "hours available", "available", "capacity"),
        ),
    ),
    aliases=("Staffing", "Staff", "FTE", "Capacity"),
)

# Order matters: referenced tables come before the tables that refer to them.
TABLES: tuple[Table, ...] = (
    TEAMS,
    OBJECTIVES,
    KEY_RESULTS,
    CHECK_INS,
    INITIATIVES,
    ARR_ACTUALS,
    COMPANY_TARGETS,
    SWOT,
    DECISIONS_TABLE,
    ACTIONS,
    REVIEW_NOTES,
    HEADCOUNT,
)
TABLES_BY_NAME = {t.name: t for t in TABLES}
