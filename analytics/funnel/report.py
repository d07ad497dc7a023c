"""The back-calculated plan as lines of text, for `python -m analytics backcalc` without --json."""

from __future__ import annotations

from analytics.funnel.plan import Plan, display_ceil, plan_table, stage_shift_days
from analytics.funnel.to_date import PlanToDate

QUARTER_COLUMNS = ("year", "Q1", "Q2", "Q3", "Q4")


def plan_report(plan_or_to_date: Plan | PlanToDate, scenario_name: str, notes=()) -> list[str]:
    to_date = plan_or_to_date if isinstance(plan_or_to_date, PlanToDate) else None
    plan = to_date.plan if to_date else plan_or_to_date
    s = plan.scenario
    lines = [f"Back-calculation of {scenario_name}"]
    lines += [
        _row("Target ARR", _money(s.target_arr)),
        _row("Beginning ARR", _money(s.beginning_arr)),
        _row(f"- churn ({s.churn_rate:.1%})", _money(plan.churn_arr)),
        _row(f"- contraction ({s.contraction_rate:.1%})", _money(plan.contraction_arr)),
        _row(f"+ expansion ({s.expansion_rate:.1%})", _money(plan.expansion_arr)),
        _row("New ARR required", _money(plan.new_arr_required)),
    ]
    if plan.surplus > 0:
        lines.append(
            f"  Retained + expansion ARR already exceeds the target by {_money(plan.surplus)} (surplus): "
            "no new bookings are required."
        )
    if to_date:
        lines += _to_date_lines(to_date)
    lines += ["", f"  {'':<22}" + "".join(f"{c:>12}" for c in QUARTER_COLUMNS)]
    for row in plan_table(plan).to_dict("records"):
        show = _money if row["kind"] == "currency" else _count
        lines.append(f"  {row['row']:<22}" + "".join(f"{show(row[c]):>12}" for c in QUARTER_COLUMNS))
    lines += ["", "  Volumes, deals and people are rounded up for display; --json gives the unrounded numbers."]
    if plan.reps is not None:
        lines.append(
            f"  Reps: {plan.reps:.2f} fully ramped reps for the peak quarter at {s.deals_per_rep_per_quarter:g} deals "
            f"per rep per quarter, {s.starting_reps:g} on staff at the start (year column: peak; headcount: year "
            "end; hires join early enough to be fully ramped when needed)."
        )
    else:
        lines.append("  Reps: not planned (the scenario has no deals_per_rep_per_quarter).")
    if s.sales_cycle_days > 0:
        leads = ", ".join(f"{stage.name} {days:g}" for stage, days in zip(s.stages, stage_shift_days(s)))
        lines.append(
            f"  Sales cycle {s.sales_cycle_days:g} days: each stage is needed this many days before its deals: {leads}."
        )
    if plan.delivery:
        lines += _delivery_lines(plan)
    lines += [f"  Note: {note}" for note in notes]
    return lines


def _to_date_lines(to_date: PlanToDate) -> list[str]:
    lines = [
        "",
        f"  Plan {to_date.plan_year} to {to_date.as_of.isoformat()} "
        f"(ARR actuals up to {to_date.last_actual_month or 'none'}):",
        _row("New ARR won to date", _money(to_date.new_arr_won_to_date)),
        _row("New ARR remaining", _money(to_date.new_arr_remaining)),
        _row("Deals remaining", _count(to_date.deals_remaining)),
    ]
    lines += [_row(f"{name} remaining", _count(volume)) for name, volume in to_date.stages_remaining]
    lines += ["", f"  {'':<22}" + "".join(f"{c:>12}" for c in QUARTER_COLUMNS[1:])]
    for label, key in (("bookings planned", "bookings_planned"), ("bookings actual", "bookings_actual")):
        lines.append(f"  {label:<22}" + "".join(f"{_money(q[key]):>12}" for q in to_date.quarters))
    lines.append(
        f"  {'bookings remaining':<22}" + "".join(f"{_money(v):>12}" for v in to_date.remaining_bookings_by_quarter)
    )
    if to_date.unplaced > 0:
        lines.append(f"  {_money(to_date.unplaced)} of the remaining new ARR has no month of the year left to book it.")
    return lines


def _delivery_lines(plan: Plan) -> list[str]:
    inputs, consultants = plan.delivery.inputs, plan.delivery.consultants
    lines = [
        "",
        f"  Delivery: {inputs.services_share:.0%} of ARR as services at {_money(inputs.rate_per_hour)} per billable"
        f" hour, {inputs.hours_per_fte_per_month:g} h per FTE a month at {inputs.target_utilisation:.0%} utilisation:",
        f"  {'month':<22}" + "".join(f"{m:>7}" for m in range(1, 13)),
    ]
    for label, values in (
        ("consultants needed", consultants.needed),
        ("hires", consultants.hires),
        ("headcount", consultants.headcount),
        ("short (ramping)", consultants.gap),
    ):
        lines.append(f"  {label:<22}" + "".join(f"{_count(v):>7}" for v in values))
    lines.append(f"  Peak: {consultants.peak:.2f} consultants.")
    return lines


def _row(label: str, value: str) -> str:
    return f"  {label:<28}{value:>14}"


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _count(value: float) -> str:
    return f"{display_ceil(value):,}"
