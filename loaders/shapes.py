"""Sheets of other shapes turned into tables of the workbook format, a column at a time.

- a one-row-per-KR sheet → Teams, Objectives, KeyResults, and a CheckIn per row with a current value
  or status (ids made from team, period and titles, so the same rows always get the same ids);
- an ARR/MRR bridge by month → ArrActuals (MRR × 12);
- a long KPI table → CheckIns of the KRs it names, CompanyTargets for the other metrics.

Each takes the sheet parsed as its pseudo table (loaders.mapping) and reports what it guessed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders import coerce
from loaders.headers import header_key
from loaders.problems import ERROR, INFO, WARNING, Problem
from loaders.read import RawSheet

ROW = "_row"
MRR_TO_ARR = 12


@dataclass
class Converted:
    tables: dict[str, tuple[pd.DataFrame, list[str]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


# Written with % in a value or header, or shown as a percentage by the workbook (RawSheet.percent_cells).
PERCENT_SIGN = r"%"


def _slug(text: object, words: int = 3, limit: int = 20) -> str:
    key = re.sub(r"[^0-9a-z]+", " ", _fold(str(text)).lower()).split()
    return "-".join(key[:words])[:limit].strip("-") or "x"


def _fold(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def stable_id(team: object, *parts: object) -> str:
    """A short id that the same team and titles always give: TEAM-first-words-hash6."""
    digest = hashlib.sha1("\x1f".join(header_key(p) for p in (team, *parts)).encode()).hexdigest()[:6]
    return f"{_slug(team, 1, 8).upper()}-{_slug(parts[-1])}-{digest}"


def _ids(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """stable_id of each row's values of `columns`, computed once per distinct combination."""
    keys = frame[columns].astype(object).where(frame[columns].notna(), "")
    distinct = keys.drop_duplicates()
    made = {tuple(row): stable_id(*row) for row in distinct.itertuples(index=False, name=None)}
    # Texts of the string dtype the store reads back: merged with stored rows, the keys compare alike.
    return pd.Series(
        [made[tuple(row)] for row in keys.itertuples(index=False, name=None)], index=frame.index, dtype="str"
    )


def _raw_mask(sheet: RawSheet, position: int | None, start: int, count: int, pattern: str) -> np.ndarray:
    """Which cells of a column (rows from `start`) are texts matching `pattern` (a regex)."""
    if position is None or start >= sheet.height or position >= sheet.width(start):
        return np.zeros(count, dtype=bool)
    cells = sheet.column(position, start)
    if isinstance(cells, (pa.Array, pa.ChunkedArray)):
        if not (pa.types.is_string(cells.type) or pa.types.is_large_string(cells.type)):
            return np.zeros(count, dtype=bool)
        found = pc.fill_null(pc.match_substring_regex(cells, pattern), False).to_numpy(zero_copy_only=False)
    else:
        compiled = re.compile(pattern)
        found = np.fromiter(
            (isinstance(c, str) and compiled.search(c) is not None for c in cells), dtype=bool, count=len(cells)
        )
    out = np.zeros(count, dtype=bool)
    out[: min(count, len(found))] = found[:count]
    return out


def _period_end(periods: pd.Series) -> pd.Series:
    from analytics.periods import period_bounds

    ends = {}
    for period in periods.dropna().unique():
        try:
            ends[period] = period_bounds(str(period))[1].date()
        except ValueError:
            ends[period] = None
    return periods.map(ends)


def stored_periods(periods: pd.Series) -> pd.Series:
    """Periods in their stored form (Q2 2027 → 2027-Q2), each distinct text once; a period that
    cannot be read stays as written (validation reports it)."""
    from analytics.periods import normalise_period

    forms = {}
    for period in periods.dropna().unique():
        try:
            forms[period] = normalise_period(str(period))
        except ValueError:
            forms[period] = period
    return periods.map(forms)


def months(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Month texts (2027-01, 2027-01-31, Jan 2027, January 2027, an Excel serial) as YYYY-MM, each
    distinct text read once; and which texts are no month."""
    from analytics.periods import normalise_period

    read = {}
    for text in values.dropna().unique():
        try:
            read[text] = coerce.to_month(text)
        except coerce.CellError:
            try:
                period = normalise_period(str(text))
            except ValueError:
                period = None
            read[text] = period if period and re.fullmatch(r"\d{4}-\d{2}", period) else None
    found = values.map(read)
    return found, values.notna() & found.isna()


def _bad_months(file: str, sheet: str, frame: pd.DataFrame, failed: pd.Series, column: str) -> list[Problem]:
    return [
        Problem(file, sheet, int(row), column, f"{coerce.quoted(value)} is not a month (use YYYY-MM or Jan 2027)")
        for row, value in zip(frame[ROW][failed], frame[column][failed])
    ]


def _numbers(frame: pd.DataFrame, column: str, have: set[str]) -> pd.Series:
    """A number column as floats (NaN where empty; a column without any value comes as None objects)."""
    if column not in have:
        return pd.Series(np.nan, index=frame.index)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def _info(file: str, sheet: str, column: str, message: str, severity: str = INFO) -> Problem:
    return Problem(file, sheet, None, column, message, severity)


def _row_list(rows: pd.Series, limit: int = 5) -> str:
    shown = ", ".join(str(int(r)) for r in rows.iloc[:limit])
    return shown + (", …" if len(rows) > limit else "")


# Columns a sheet often writes once, on the first row of each objective (merged or left blank below).
FILLED_DOWN = ("team", "period", "objective_id", "objective", "objective_owner", "context")


def _fill_down(file: str, sheet: str, frame: pd.DataFrame, have: set[str], out: Converted) -> pd.DataFrame:
    """Objective columns left blank under an objective's first row take its values; rows holding an
    objective and no key result (a heading row) are not KRs."""
    kr = frame["key_result"].notna() | (frame["kr_id"].notna() if "kr_id" in have else False)
    columns = [c for c in FILLED_DOWN if c in have or c in ("objective",)]
    blank = frame[columns].isna() & kr.to_numpy()[:, None]
    filled_rows = 0
    if blank.to_numpy().any() and frame["objective"].notna().any():
        before = frame[columns].isna()
        # Values carry down within an objective: a new objective starts a new block.
        block = frame["objective"].notna().cumsum()
        frame = frame.copy()
        frame[columns] = frame[columns].groupby(block).ffill()
        filled_rows = int(((before & ~frame[columns].isna()) & kr.to_numpy()[:, None]).any(axis=1).sum())
    if filled_rows:
        out.problems.append(
            _info(
                file,
                sheet,
                "objective",
                f"{filled_rows} row(s) left blank under an objective "
                "(merged cells) take the objective of the row above",
            )
        )
    headings = ~kr & frame["objective"].notna()
    if headings.any():
        out.problems.append(
            _info(
                file,
                sheet,
                "key_result",
                f"{int(headings.sum())} row(s) with an objective and no "
                "key result are read as headings of the rows below",
            )
        )
    stray = ~kr & ~headings
    if stray.any():
        out.problems.append(
            Problem(
                file,
                sheet,
                int(frame[ROW][stray].iloc[0]),
                "key_result",
                f"{int(stray.sum())} row(s) without a key result or objective are not read",
                WARNING,
            )
        )
    return frame[kr]


def kr_list_tables(
    file: str,
    sheet: RawSheet,
    frame: pd.DataFrame,
    present: list[str],
    positions: dict[str, int],
    header_index: int,
    constants: dict[str, object],
    default_date: dt.date | None,
) -> Converted:
    """A one-row-per-KR sheet (pseudo table loaders.mapping.KR_LIST_TABLE, parsed) → workbook tables."""
    out = Converted()
    name = sheet.name
    frame = frame.copy()
    have = set(present)
    for column, value in constants.items():
        if column not in have and value is not None:
            frame[column] = value
            have.add(column)

    def need(column: str, message: str) -> bool:
        if column in have:
            return True
        out.problems.append(Problem(file, name, None, column, message))
        return False

    ok = need(
        "team",
        "no team column: add one, give the team (--team NAME on the command line), or set team "
        "in [sheet.constants] of a mapping",
    )
    ok &= need(
        "period",
        "no period column: add one, give the period (--period 2027-Q2 on the command line), or "
        "set period in [sheet.constants] of a mapping",
    )
    if "objective" not in have and "objective_id" not in have:
        out.problems.append(
            Problem(
                file,
                name,
                None,
                "objective",
                "no objective column: map the column holding each KR's objective, or set "
                "objective in [sheet.constants] of a mapping",
            )
        )
        ok = False
    if "key_result" not in have and "kr_id" not in have:
        ok = False
        out.problems.append(
            Problem(file, name, None, "key_result", "no key result column: map the column holding each KR's title")
        )
    if not ok or frame.empty:
        return out
    frame["period"] = stored_periods(frame["period"])  # ids and due dates from one spelling
    if "objective" not in have:
        frame["objective"] = frame["objective_id"]
    if "key_result" not in have:
        frame["key_result"] = frame["kr_id"]
    frame = _fill_down(file, name, frame, have, out)
    if frame.empty:
        return out
    generated_objectives = "objective_id" not in have
    if generated_objectives:
        frame["objective_id"] = _ids(frame, ["team", "period", "objective"])
    if "kr_id" not in have:
        frame["kr_id"] = _ids(frame, ["team", "period", "objective", "key_result"])
    first = frame.drop_duplicates("objective_id")

    teams = first.dropna(subset=["team"]).drop_duplicates("team")[[ROW, "team"]]
    out.tables["teams"] = (teams.reset_index(drop=True), ["team"])

    objectives = pd.DataFrame(
        {
            ROW: first[ROW],
            "objective_id": first["objective_id"],
            "period": first["period"],
            "level": constants.get("level") or "team",
            "team": first["team"],
            "title": first["objective"],
        }
    )
    obj_present = ["objective_id", "period", "level", "team", "title"]
    for source, target in (("objective_owner", "owner"), ("context", "context")):
        if source in have:
            objectives[target] = first[source]
            obj_present.append(target)
    out.tables["objectives"] = (objectives.reset_index(drop=True), obj_present)

    count = len(frame)
    body_start = header_index + 1
    offsets = (frame[ROW].to_numpy() - body_start - 1).astype(int)
    header = sheet.head(header_index + 1)[header_index] if sheet.height > header_index else []

    def marked(pattern: str, columns=("start_value", "target_value", "current_value")) -> np.ndarray:
        mask = np.zeros(count, dtype=bool)
        for column in columns:
            position = positions.get(column)
            if position is None:
                continue
            header_text = str(header[position]) if position < len(header) else ""
            if re.search(pattern, header_text):
                return np.ones(count, dtype=bool)
            full = _raw_mask(sheet, position, body_start, sheet.height - body_start, pattern)
            mask |= full[offsets]
            if pattern == PERCENT_SIGN and sheet.percent_cells:
                mask |= np.array([(row - 1, position) in sheet.percent_cells for row in frame[ROW]], dtype=bool)
        return mask

    kr = pd.DataFrame(
        {ROW: frame[ROW], "kr_id": frame["kr_id"], "objective_id": frame["objective_id"], "title": frame["key_result"]}
    )
    kr_present = ["kr_id", "objective_id", "title"]
    value, start, target = (_numbers(frame, c, have) for c in ("current_value", "start_value", "target_value"))
    status = frame["status"] if "status" in have else pd.Series(None, index=frame.index, dtype=object)
    if "progress" in have and "current_value" not in have and "target_value" not in have:
        value = _numbers(frame, "progress", have)
        start = start.fillna(0.0)
        target = pd.Series(100.0, index=frame.index)
        forced_percent = True
        out.problems.append(
            _info(
                file,
                name,
                "progress",
                "progress read as a percent KR from 0 to 100 (no start, target or current value columns)",
            )
        )
    else:
        forced_percent = False
        if "progress" in have and frame["progress"].notna().any():
            out.problems.append(
                _info(
                    file,
                    name,
                    "progress",
                    "the progress column is not stored: progress is computed from start, target and current values",
                )
            )
    if "measure" in have:
        measure = frame["measure"]
    else:
        numbers = value.notna() | target.notna() | start.notna()
        percent = marked(PERCENT_SIGN) | forced_percent
        currency = marked(r"[$€£]|\b(?:USD|EUR|GBP)\b")
        measure = pd.Series(
            np.where(percent, "percent", np.where(currency, "currency", "number")), index=frame.index, dtype=object
        )
        measure = measure.where(numbers | status.isna(), "status")
        counts = measure.value_counts()
        out.problems.append(
            _info(
                file,
                name,
                "measure",
                "measure inferred: "
                + ", ".join(f"{n} {m}" for m, n in counts.items())
                + " (from % and currency signs in the values or headers)",
            )
        )
    kr["measure"] = measure
    kr_present.append("measure")
    numeric = ~measure.isin(["status", "binary"])
    if "start_value" not in have and not forced_percent and bool((numeric & target.notna()).any()):
        start = start.where(~numeric, start.fillna(0.0))
        out.problems.append(_info(file, name, "start_value", "no start column: numeric KRs start from 0"))
    kr["start_value"], kr["target_value"] = start, target
    kr_present += ["start_value", "target_value"]
    if "direction" in have:
        kr["direction"] = frame["direction"].fillna("increase")
    else:
        falling = numeric & (start > target)
        kr["direction"] = np.where(falling, "decrease", "increase")
        if falling.any():
            out.problems.append(
                _info(
                    file,
                    name,
                    "direction",
                    f"direction decrease inferred for {int(falling.sum())} "
                    f"KR(s) whose start is above the target (rows {_row_list(frame[ROW][falling])})",
                )
            )
    kr_present.append("direction")
    if "due_date" in have:
        due = frame["due_date"]
    else:
        due = pd.Series(None, index=frame.index, dtype=object)
    missing_due = due.isna()
    if missing_due.any():
        due = due.where(~missing_due, _period_end(frame["period"]))
        out.problems.append(
            _info(
                file,
                name,
                "due_date",
                f"{int(missing_due.sum())} KR(s) without a due date get the last day of their period",
            )
        )
    kr["due_date"] = due
    kr_present.append("due_date")
    for column in ("owner", "kr_type", "unit", "start_date", "weight"):
        if column in have:
            kr[column] = frame[column]
            kr_present.append(column)
    out.tables["key_results"] = (kr.reset_index(drop=True), kr_present)

    readings = value.notna() | status.notna()
    for column in ("confidence", "comment", "updated_by", "date"):
        if column in have and column not in constants and (lost := frame[column].notna() & ~readings).any():
            out.problems.append(
                Problem(
                    file,
                    name,
                    int(frame[ROW][lost].iloc[0]),
                    column,
                    f"{column} of {int(lost.sum())} row(s) without a current value or status "
                    "is not stored (a check-in needs a value or status)",
                    WARNING,
                )
            )
    if readings.any():
        if "date" in have:
            date = frame["date"].where(frame["date"].notna(), default_date)
        else:
            date = pd.Series([default_date] * count, index=frame.index, dtype=object)
        undated = readings & date.isna()
        if undated.any():
            out.problems.append(
                Problem(
                    file,
                    name,
                    int(frame[ROW][undated].iloc[0]),
                    "date",
                    f"{int(undated.sum())} row(s) have a current value or status but no check-in date: give the date "
                    "(--date YYYY-MM-DD on the command line), map a date column, or set date in [sheet.constants]",
                )
            )
            return out
        checks = pd.DataFrame(
            {ROW: frame[ROW], "kr_id": frame["kr_id"], "date": date, "value": value, "status": status}
        )[readings]
        ci_present = ["kr_id", "date", "value", "status"]
        for column in ("confidence", "comment", "updated_by"):
            if column in have:
                checks[column] = frame.loc[readings, column]
                ci_present.append(column)
        out.tables["check_ins"] = (checks.reset_index(drop=True), ci_present)
    return out


def bridge_tables(
    file: str, sheet: RawSheet, frame: pd.DataFrame, present: list[str], headers: dict[str, str]
) -> Converted:
    """An ARR/MRR bridge by month → ArrActuals. `headers`: column → the header it came from."""
    out = Converted()
    name = sheet.name
    have = set(present)
    if "month" in have:
        month, failed = months(frame["month"])
        out.problems.extend(_bad_months(file, name, frame, failed, "month"))
    else:
        month = None
    arr = pd.DataFrame({ROW: frame[ROW], "month": month})
    arr_present = ["month"]
    for figure in ("new", "expansion", "contraction", "churn", "ending"):
        target = "ending_arr" if figure == "ending" else figure
        if f"{figure}_arr" in have:
            values = frame[f"{figure}_arr"].astype(float)
            if f"{figure}_mrr" in have:
                out.problems.append(
                    Problem(
                        file,
                        name,
                        None,
                        target,
                        f"{headers[f'{figure}_mrr']} is not used: {target} comes from "
                        f"{headers[f'{figure}_arr']} (map one of them, mark the other ignored)",
                        WARNING,
                    )
                )
        elif f"{figure}_mrr" in have:
            values = frame[f"{figure}_mrr"].astype(float) * MRR_TO_ARR
            out.problems.append(_info(file, name, target, f"{headers[f'{figure}_mrr']} ×{MRR_TO_ARR} → {target}"))
        else:
            if figure == "ending":
                out.problems.append(
                    Problem(
                        file,
                        name,
                        None,
                        "ending_arr",
                        "no ending ARR or MRR column: map the column with the ARR (or MRR) at each month's end",
                    )
                )
            continue
        if figure in ("contraction", "churn") and values.notna().any() and (values.dropna() <= 0).all():
            values = -values
            out.problems.append(
                _info(file, name, target, f"{target} written as negative numbers: stored as amounts lost (positive)")
            )
        arr[target] = values
        arr_present.append(target)
    if any(p.severity == ERROR for p in out.problems):
        return out
    out.tables["arr_actuals"] = (arr.reset_index(drop=True), arr_present)
    return out


def kpi_tables(
    file: str,
    sheet: RawSheet,
    frame: pd.DataFrame,
    present: list[str],
    known: pd.DataFrame,
    default_date: dt.date | None,
) -> Converted:
    """A long KPI table (metric, period or date, actual, target) → CheckIns of the KRs it names
    (`known`: kr_id, title of stored KRs and of the upload's), CompanyTargets for the other metrics."""
    out = Converted()
    name = sheet.name
    have = set(present)
    if "metric" not in have or frame.empty:
        return out
    by_key = {}
    for kr_id, title in known[["kr_id", "title"]].itertuples(index=False, name=None):
        if isinstance(title, str):
            by_key.setdefault(header_key(title), kr_id)
    for kr_id in known["kr_id"]:
        by_key[header_key(kr_id)] = kr_id
    metrics = frame["metric"]
    distinct = metrics.dropna().unique()
    found = {m: by_key.get(header_key(m)) for m in distinct}
    kr_of = metrics.map(found)
    matched = kr_of.notna()
    actual = frame["actual"] if "actual" in have else pd.Series(np.nan, index=frame.index)
    target = frame["target"] if "target" in have else pd.Series(np.nan, index=frame.index)
    if "period" in have:
        frame = frame.assign(period=stored_periods(frame["period"]))
    period = frame["period"] if "period" in have else pd.Series(None, index=frame.index, dtype=object)
    if "month" in have:
        month, failed = months(frame["month"])
        if failed.any():
            out.problems.extend(_bad_months(file, name, frame, failed, "month"))
            return out
        frame = frame.assign(month=month)
        period = period.where(period.notna(), frame["month"])
    if "date" in have:
        date = frame["date"]
    else:
        date = pd.Series(None, index=frame.index, dtype=object)
    if "month" in have:
        month_ends = frame["month"].map(
            lambda m: None if not isinstance(m, str) else (pd.Timestamp(m + "-01") + pd.offsets.MonthEnd(0)).date(),
            na_action="ignore",
        )
        date = date.where(date.notna(), month_ends)
    if "period" in have:
        date = date.where(date.notna(), _period_end(frame["period"]))
    date = date.where(date.notna(), default_date)
    readings = matched & actual.notna()
    if readings.any():
        undated = readings & date.isna()
        if undated.any():
            out.problems.append(
                Problem(
                    file,
                    name,
                    int(frame[ROW][undated].iloc[0]),
                    "date",
                    f"{int(undated.sum())} KPI row(s) have no date or period: give the date "
                    "(--date YYYY-MM-DD) or map a date column",
                )
            )
        else:
            checks = pd.DataFrame({ROW: frame[ROW], "kr_id": kr_of, "date": date, "value": actual})[readings]
            ci_present = ["kr_id", "date", "value"]
            for column in ("comment", "updated_by"):
                if column in have:
                    checks[column] = frame.loc[readings, column]
                    ci_present.append(column)
            out.tables["check_ins"] = (checks.reset_index(drop=True), ci_present)
            metrics_read = int(kr_of[readings].nunique())
            out.problems.append(
                _info(
                    file,
                    name,
                    "metric",
                    f"{int(readings.sum())} row(s) of {metrics_read} metric(s) named like a KR become its check-ins",
                )
            )
    if (matched & target.notna()).any():
        out.problems.append(
            _info(
                file,
                name,
                "target",
                "targets of metrics that are KRs are not stored (a KR's target is on the KeyResults sheet)",
            )
        )
    if "date" in have:
        date_months = frame["date"].map(lambda d: f"{d.year:04d}-{d.month:02d}", na_action="ignore")
        period = period.where(period.notna(), date_months)
    others = ~matched & metrics.notna()
    unplaced = others & target.notna() & period.isna()
    if unplaced.any():
        out.problems.append(
            Problem(
                file,
                name,
                int(frame[ROW][unplaced].iloc[0]),
                "period",
                f"targets of {int(unplaced.sum())} row(s) have no period, month or date and are "
                "not stored; map a period column or set period in [sheet.constants]",
                WARNING,
            )
        )
    targets = others & target.notna() & period.notna()
    if targets.any():
        company = pd.DataFrame(
            {ROW: frame[ROW], "period": period, "metric": metrics.str.strip().str.lower(), "target_value": target}
        )[targets]
        ct_present = ["period", "metric", "target_value"]
        if "start_value" in have:
            company["start_value"] = frame.loc[targets, "start_value"]
            ct_present.append("start_value")
        out.tables["company_targets"] = (company.reset_index(drop=True), ct_present)
        out.problems.append(
            _info(
                file,
                name,
                "metric",
                f"{int(targets.sum())} target(s) of "
                f"{int(metrics[targets].nunique())} metric(s) not named like a KR become company "
                "targets (metric in lower case)",
            )
        )
    lost = others & actual.notna()
    if lost.any():
        names = ", ".join(coerce.quoted(m) for m in metrics[lost].unique()[:5])
        out.problems.append(
            Problem(
                file,
                name,
                int(frame[ROW][lost].iloc[0]),
                "actual",
                f"actual values of {int(lost.sum())} row(s) are not stored: no KR has the kr_id "
                f"or title {names}; name the KR in the metric column, or mark the column "
                "ignored",
                WARNING,
            )
        )
    return out
