"""Staff and utilisation from the Headcount sheet (DESIGN "Workbook format": `Headcount`).

Staff on a role at a date is the sum of the fte of that role in the month before the date's month:
the back-calculation starts the plan year Y from the staff of December Y−1. Utilisation is billable
÷ available hours, per team and for the whole company by month, weighted by hours (a team of ten
consultants weighs ten times a team of one), never a mean of the teams' ratios.
"""

from __future__ import annotations

import pandas as pd

COMPANY_LABEL = "Company"  # the `team` of the company row of each month in `utilisation`
UTILISATION_COLUMNS = ("month", "team", "level", "fte", "billable_hours", "available_hours", "utilisation")


def role_key(role: object) -> str:
    """A role as compared: `Sales rep`, `sales-rep` and `SALES_REP` are one role (`sales_rep`)."""
    return "_".join(str(role).strip().lower().replace("-", " ").split())


def month_before(at_date) -> str:
    """The `YYYY-MM` of the month before `at_date`'s month (2027-01-01 → 2026-12)."""
    return (pd.Timestamp(at_date).to_period("M") - 1).strftime("%Y-%m")


def staff_on(headcount: pd.DataFrame, role: str, at_date) -> float | None:
    """Staff of `role` at `at_date`: the sum of fte of that role over every team in the month before
    `at_date`'s month; None when the sheet has no row of that role in that month (callers then count
    0 and say so)."""
    if headcount.empty:
        return None
    rows = headcount[
        (headcount["month"].astype(str) == month_before(at_date)) & (headcount["role"].map(role_key) == role_key(role))
    ]
    if rows.empty:
        return None
    return float(pd.to_numeric(rows["fte"], errors="coerce").sum())


def utilisation(headcount: pd.DataFrame) -> pd.DataFrame:
    """UTILISATION_COLUMNS by month and team, then a company row per month (level `company`, team
    COMPANY_LABEL): billable_hours ÷ available_hours summed over the rows with available_hours above 0
    and billable_hours given (every role that records hours). Months in order, teams by name."""
    hours = headcount.reindex(columns=["month", "team", "fte", "billable_hours", "available_hours"]).astype(
        {"fte": float, "billable_hours": float, "available_hours": float}
    )
    hours = hours[(hours["available_hours"] > 0) & hours["billable_hours"].notna()].assign(
        month=lambda frame: frame["month"].astype(str)
    )
    sums = ["fte", "billable_hours", "available_hours"]
    teams = hours.groupby(["month", "team"], as_index=False)[sums].sum().assign(level="team")
    company = hours.groupby("month", as_index=False)[sums].sum().assign(team=COMPANY_LABEL, level="company")
    frame = pd.concat([teams, company], ignore_index=True)
    frame["utilisation"] = frame["billable_hours"] / frame["available_hours"]
    frame["company_last"] = frame["level"] == "company"
    frame = frame.sort_values(["month", "company_last", "team"], kind="stable")
    return frame.reset_index(drop=True).loc[:, list(UTILISATION_COLUMNS)]
