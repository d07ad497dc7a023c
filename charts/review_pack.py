"""The monthly review pack: one self-contained HTML document with the company page and a section
per team, readable offline and printable (every team starts on a new page).

plotly.js is embedded once in the head; each figure is a div that draws with it, so the file
needs no network. Every piece of user text (titles, names, comments) goes through `html.escape`;
figure data is JSON that plotly writes with `<` escaped, so it cannot close its script tag.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from analytics.changes import ReviewChanges, largest_moves
from analytics.meetings import MeetingRecord, change_texts, due_texts
from analytics.overview import CompanyOverview
from analytics.review import ReviewSnapshot
from charts.changes import moves_figure
from charts.overview import arr_bridge_figure, arr_vs_target_figure
from charts.team import pace_progress_figure
from charts.theme import ACTION_BADGES, ACTUAL_COLOR, BASE_FONT_SIZE, STATUS_COLORS, gap_points, money

_FIGURE_CONFIG = {"displayModeBar": False, "responsive": True}
_NO_VALUE = "—"
_STATUS_CLASSES = {status: "status-" + status.replace(" ", "-") for status in STATUS_COLORS}
# Must run before plotly.js loads (plotly's own to_html does the same): no MathJax from a CDN.
_PLOTLY_CONFIG_SCRIPT = "window.PlotlyConfig = {MathJaxConfig: 'local'};"

_CSS = f"""
:root {{ font-size: {BASE_FONT_SIZE}px; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; color: #1B1F24; background: #FFFFFF;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  line-height: 1.45; -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
/* Figures are drawn at the width of main; at most ~960px they also fit a landscape A4 or Letter page. */
main {{ max-width: 1000px; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }}
h1 {{ font-size: 2.2rem; margin: 0 0 .25rem; color: {ACTUAL_COLOR}; }}
h2 {{ font-size: 1.8rem; margin: 0 0 .5rem; color: {ACTUAL_COLOR}; border-bottom: 3px solid {ACTUAL_COLOR};
  padding-bottom: .2rem; }}
h3 {{ font-size: 1.25rem; margin: 1.5rem 0 .4rem; }}
.subtitle, .meta {{ color: #4A5057; margin: 0 0 1rem; }}
section {{ margin-top: 2.5rem; }}
nav.contents ol {{ columns: 2; column-gap: 2.5rem; padding-left: 1.5rem; }}
nav.contents li {{ margin: .2rem 0; break-inside: avoid; }}
nav.contents a {{ color: {ACTUAL_COLOR}; font-weight: 600; }}
.metrics {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: .8rem; margin: 1rem 0; }}
.metric {{ border: 1px solid #D0D4D9; border-radius: .5rem; padding: .6rem .9rem; break-inside: avoid; }}
.metric .label {{ font-size: .85rem; color: #4A5057; }}
.metric .value {{ font-size: 1.8rem; font-weight: 700; }}
.metric .note {{ font-size: .85rem; color: #4A5057; }}
.figure {{ margin: 1rem 0; break-inside: avoid; page-break-inside: avoid; }}
table {{ width: 100%; border-collapse: collapse; font-size: .85rem; margin: .4rem 0 1rem; }}
th {{ text-align: left; background: #EEF1F4; border-bottom: 2px solid #B0B4BA; padding: .35rem .4rem; }}
td {{ border-bottom: 1px solid #E0E3E7; padding: .35rem .4rem; vertical-align: top; }}
td.number, th.number {{ text-align: right; white-space: nowrap; }}
td.nowrap {{ white-space: nowrap; }}
td.reading {{ text-align: right; }}
td.kr-title {{ min-width: 13rem; }}
td.comment {{ min-width: 11rem; }}
tr {{ break-inside: avoid; page-break-inside: avoid; }}
thead {{ display: table-header-group; }}
.status {{ display: inline-block; white-space: nowrap; font-weight: 600; border: 2px solid var(--status);
  border-radius: 999px; padding: 0 .5em; }}
.status::before {{ content: ""; display: inline-block; width: .7em; height: .7em; border-radius: 50%;
  background: var(--status); margin-right: .35em; }}
.stale {{ display: inline-block; margin-top: .2rem; font-size: .8rem; color: #4A5057; border: 1px dashed #8A8F98;
  border-radius: 999px; padding: 0 .45em; }}
.context {{ color: #4A5057; margin: 0 0 .4rem; }}
.notes {{ white-space: pre-wrap; }}
{"".join(f".{css_class} {{ --status: {STATUS_COLORS[status]}; }}" for status, css_class in _STATUS_CLASSES.items())}
@page {{ size: landscape; margin: 12mm; }}
@media print {{
  :root {{ font-size: 12pt; }}
  main {{ max-width: none; padding: 0; }}
  nav.contents a {{ text-decoration: none; }}
  section.team {{ page-break-before: always; break-before: page; }}
  section.company {{ page-break-before: always; break-before: page; }}
}}
"""


def review_pack_html(
    snapshot: ReviewSnapshot,
    overview: CompanyOverview,
    meeting: MeetingRecord,
    scope: str,
    changes: ReviewChanges | None = None,
) -> str:
    """The whole document. `scope` says which objectives and teams it covers (the review's filters);
    `changes`, when given, opens it with what changed since the last review."""
    as_of = f"{snapshot.as_of:%d %B %Y}"
    figures = _FigureWriter()
    teams = snapshot.teams.reset_index(drop=True)
    anchors = [f"team-{number}" for number in range(1, len(teams) + 1)]
    body = [
        "<header>",
        f"<h1>OKR monthly review — {as_of}</h1>",
        f'<p class="subtitle">{_text(scope)}</p>',
        "</header>",
        _contents(teams, anchors, changes is not None),
        _changes_section(changes, figures) if changes is not None else "",
        _company_section(snapshot, overview, figures),
        _meeting_section(meeting),
        *(_team_section(team, anchor, snapshot, figures) for team, anchor in zip(teams.itertuples(), anchors)),
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>OKR review {snapshot.as_of:%Y-%m-%d}</title>",
            f"<style>{_CSS}</style>",
            f"<script>{_PLOTLY_CONFIG_SCRIPT}</script>",
            f"<script>{get_plotlyjs()}</script>",
            "</head><body><main>",
            *body,
            "</main></body></html>",
        ]
    )


class _FigureWriter:
    """Figures as divs drawn by the plotly.js of the document head; ids are numbered, not random,
    so that the same review gives the same file."""

    def __init__(self):
        self._count = 0

    def __call__(self, figure: go.Figure) -> str:
        self._count += 1
        div = pio.to_html(
            figure, full_html=False, include_plotlyjs=False, config=_FIGURE_CONFIG, div_id=f"figure-{self._count}"
        )
        return f'<div class="figure">{div}</div>'


def _text(value) -> str:
    """User text, escaped; an em dash for an empty cell."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return _NO_VALUE
    return html.escape(str(value))


def _percent(value) -> str:
    return _NO_VALUE if pd.isna(value) else f"{value:.0%}"


def status_badge(status) -> str:
    """Status as word and colour (the colours of the charts); no status reads "no KRs"."""
    if status is None or pd.isna(status):
        return '<span class="status">no KRs</span>'
    css_class = _STATUS_CLASSES.get(status, "")
    return f'<span class="status {css_class}">{html.escape(status)}</span>'


def reading_text(value, measure, unit, status_level) -> str:
    """A KR reading as people say it: $930,800 · 45% · 12 days · yes · Good progress."""
    measure = str(measure).strip().lower() if isinstance(measure, str) else ""
    if measure == "status":
        return _text(status_level)
    if value is None or pd.isna(value):
        return _NO_VALUE
    if measure == "binary":
        return "yes" if value >= 1 else "no"
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    unit = unit.strip() if isinstance(unit, str) else ""
    if measure == "currency" and unit.upper() in ("", "USD", "$"):
        return ("-$" + number[1:]) if number.startswith("-") else "$" + number
    if unit == "%":
        return f"{number}%"
    return _text(f"{number} {unit}".strip())


def _metric(label: str, value_html: str, note: str = "") -> str:
    """A metric card: label and note are text, the value is HTML (a number or a status badge)."""
    note_html = f'<div class="note">{html.escape(note)}</div>' if note else ""
    return (
        f'<div class="metric"><div class="label">{html.escape(label)}</div>'
        f'<div class="value">{value_html}</div>{note_html}</div>'
    )


def _contents(teams: pd.DataFrame, anchors: list[str], with_changes: bool = False) -> str:
    items = ['<li><a href="#since-last-review">Since last review</a></li>'] if with_changes else []
    items += ['<li><a href="#company">Company</a></li>', '<li><a href="#meeting">Review meeting</a></li>']
    items += [
        f'<li><a href="#{anchor}">{_text(team)}</a> {status_badge(worst)}</li>'
        for team, worst, anchor in zip(teams["team"], teams["worst_status"], anchors)
    ]
    return f'<nav class="contents"><h2>Contents</h2><ol>{"".join(items)}</ol></nav>'


def _changes_section(changes: ReviewChanges, figure) -> str:
    """Since last review: the counts, the largest moves each way (figure and table), the teams that moved."""
    parts = [
        '<section id="since-last-review">',
        "<h2>Since last review</h2>",
        f'<p class="meta">{changes.since:%d %B %Y} → {changes.as_of:%d %B %Y} · every KR measured at both '
        "dates · KRs whose objectives started since count as new</p>",
        '<div class="metrics">'
        + "".join(
            _metric(label, str(changes.count(flag)))
            for label, flag in (
                ("Newly overdue", "newly_overdue"),
                ("Newly completed", "newly_completed"),
                ("Newly off track", "newly_off_track"),
                ("Recovered", "recovered"),
            )
        )
        + "</div>",
    ]
    ups, downs = largest_moves(changes.krs)
    if ups.empty and downs.empty:
        parts += ['<p class="meta">No key result has moved since the last review.</p>', "</section>"]
        return "\n".join(parts)
    parts.append(figure(moves_figure(ups, downs, f"Largest moves since {changes.since:%d %B}, in points of progress")))
    rows = "".join(
        f'<tr><td class="nowrap">{_text(row.kr_id)}</td><td class="kr-title">{_text(row.title)}</td>'
        f'<td>{_text(row.team)}</td><td class="number">{row.delta * 100:+.0f} pts</td>'
        f"<td>{status_badge(row.status_before) if pd.notna(row.status_before) else 'new'} → "
        f"{status_badge(row.status_now)}</td></tr>"
        for row in pd.concat([ups, downs]).itertuples()
    )
    parts.append(
        '<table><thead><tr><th>KR</th><th>Key result</th><th>Team</th><th class="number">Change</th>'
        f"<th>Status then → now</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    team_ups, team_downs = largest_moves(changes.teams, 3)
    moved = [f"{_text(t.team)} {t.delta * 100:+.0f} pts" for t in (*team_ups.itertuples(), *team_downs.itertuples())]
    if moved:
        parts.append(f'<p class="meta">Teams that moved most: {" · ".join(moved)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _company_section(snapshot: ReviewSnapshot, overview: CompanyOverview, figure) -> str:
    metrics = []
    if overview.arr_month:
        gap = overview.arr_actual - overview.arr_target if overview.arr_target is not None else None
        metrics.append(
            _metric(
                f"ARR, {overview.arr_month}",
                money(overview.arr_actual),
                f"{money(gap)} vs plan" if gap is not None else "",
            )
        )
        if overview.arr_year_target:
            metrics.append(
                _metric(
                    f"{overview.year} ARR target",
                    money(overview.arr_year_target),
                    f"{overview.arr_actual / overview.arr_year_target:.0%} reached",
                )
            )
    company = snapshot.company
    if not company.empty:
        progress, expected = company["progress"].mean(), company["expected"].mean()
        metrics.append(
            _metric(
                "Company objectives",
                _percent(progress),
                f"{gap_points(progress, expected)} vs expected by now" if pd.notna(progress - expected) else "",
            )
        )
    counts = overview.kr_status_counts
    metrics.append(
        _metric(
            "KRs off track or overdue",
            f"{counts['off track'] + counts['overdue']} of {overview.kr_count}",
            f"{counts['at risk']} more at risk",
        )
    )

    parts = [
        '<section id="company" class="company">',
        "<h2>Company</h2>",
        f'<div class="metrics">{"".join(metrics)}</div>',
        figure(arr_vs_target_figure(overview.arr_monthly, snapshot.as_of.strftime("%Y-%m"))),
    ]
    if overview.bridge:
        parts.append(
            figure(arr_bridge_figure(overview.bridge, f"ARR bridge, {overview.year}-01 to {overview.arr_month}"))
        )
    if not company.empty:
        parts.append(figure(pace_progress_figure(company, "title", "Company objectives: progress vs expected by now")))
        parts.append(_company_objectives_table(company))
    parts.append(_teams_table(snapshot.teams))
    parts.append("</section>")
    return "\n".join(parts)


def _meeting_section(meeting: MeetingRecord) -> str:
    """The month's decisions, the actions followed up and agreed, and the notes (all user text escaped)."""
    month = pd.Timestamp(f"{meeting.month}-01")
    parts = ['<section id="meeting" class="company">', f"<h2>Review meeting, {month:%B %Y}</h2>", "<h3>Decisions</h3>"]
    if meeting.decisions.empty:
        parts.append('<p class="meta">No decision recorded this month.</p>')
    else:
        rows = "".join(
            f'<tr><td class="nowrap">{row.date:%Y-%m-%d}</td><td class="nowrap">{_text(row.kr_id)}</td>'
            f'<td class="kr-title">{_text(row.title)}</td><td>{_text(row.decision)}</td>'
            f"<td>{_text(change or None)}</td>"
            f'<td class="comment">{_text(row.reason)}</td><td>{_text(row.decided_by)}</td></tr>'
            for row, change in zip(meeting.decisions.itertuples(), change_texts(meeting.decisions))
        )
        parts.append(
            "<table><thead><tr><th>From</th><th>KR</th><th>Key result</th><th>Decision</th><th>Change</th>"
            f"<th>Reason</th><th>By</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    for heading, actions, empty in (
        ("Actions from earlier reviews", meeting.followed_up, "None to follow up."),
        ("Actions agreed", meeting.agreed, "No action agreed this month."),
    ):
        parts.append(f"<h3>{heading}</h3>")
        if actions.empty:
            parts.append(f'<p class="meta">{empty}</p>')
            continue
        rows = "".join(
            f'<tr><td class="nowrap">{_text(row.action_id)}</td><td class="kr-title">{_text(row.title)}</td>'
            f'<td>{_text(row.owner)}</td><td class="nowrap">{_text(due)}</td><td>{_text(row.team)}</td>'
            f'<td class="nowrap">{_text(row.kr_id)}</td><td class="nowrap">{_text(ACTION_BADGES[row.status])}</td></tr>'
            for row, due in zip(actions.itertuples(), due_texts(actions))
        )
        parts.append(
            "<table><thead><tr><th>Action</th><th>What</th><th>Who</th><th>Due</th><th>Team</th><th>KR</th>"
            f"<th>Status</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    if meeting.notes:
        parts += ["<h3>Notes</h3>", f'<p class="notes">{_text(meeting.notes)}</p>']
    parts.append("</section>")
    return "\n".join(parts)


def _company_objectives_table(company: pd.DataFrame) -> str:
    rows = [
        f"<tr><td>{_text(row.title)}</td><td>{_text(row.teams or None)}</td>"
        f'<td class="number">{_percent(row.progress)}</td><td class="number">{_percent(row.expected)}</td>'
        f"<td>{status_badge(row.worst_status)}</td></tr>"
        for row in company.itertuples()
    ]
    return (
        "<h3>Company objectives</h3><table><thead><tr><th>Objective</th><th>Teams</th>"
        '<th class="number">Progress</th><th class="number">Expected</th><th>Worst KR status</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _teams_table(teams: pd.DataFrame) -> str:
    rows = [
        f"<tr><td>{_text(row.group)}</td><td>{_text(row.team)}</td>"
        f'<td class="number">{_percent(row.progress)}</td><td class="number">{_percent(row.expected)}</td>'
        f'<td>{status_badge(row.worst_status)}</td><td class="number">{row.kr_count}</td>'
        f'<td class="number">{row.n_off_track + row.n_overdue}</td></tr>'
        for row in teams.itertuples()
    ]
    return (
        '<h3>Teams</h3><table><thead><tr><th>Group</th><th>Team</th><th class="number">Progress</th>'
        '<th class="number">Expected</th><th>Worst KR status</th><th class="number">KRs</th>'
        '<th class="number">Off track or overdue</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _team_section(team, anchor: str, snapshot: ReviewSnapshot, figure) -> str:
    objectives = snapshot.objectives[snapshot.objectives["team"] == team.team]
    krs = snapshot.krs[snapshot.krs["team"] == team.team]
    lead = f" · lead {_text(team.lead)}" if isinstance(team.lead, str) and team.lead else ""
    group = _text(team.group) if isinstance(team.group, str) and team.group else "No group"
    parts = [
        f'<section id="{anchor}" class="team">',
        f"<h2>{_text(team.team)}</h2>",
        f'<p class="meta">{group}{lead}</p>',
    ]
    if objectives.empty:
        parts += ['<p class="meta">No objectives in force for this review.</p>', "</section>"]
        return "\n".join(parts)
    behind = team.n_off_track + team.n_overdue
    parts.append(
        '<div class="metrics">'
        + "".join(
            [
                _metric("Progress", _percent(team.progress), f"expected {_percent(team.expected)} by now"),
                _metric("Worst KR status", status_badge(team.worst_status)),
                _metric("KRs off track or overdue", f"{behind} of {team.kr_count}", f"{team.n_at_risk} more at risk"),
            ]
        )
        + "</div>"
    )
    parts.append(
        figure(pace_progress_figure(objectives, "title", f"{team.team}: objectives, progress vs expected by now"))
    )
    for objective in objectives.itertuples():
        parts.append(_objective_block(objective, krs[krs["objective_id"] == objective.objective_id]))
    parts.append("</section>")
    return "\n".join(parts)


def _objective_block(objective, krs: pd.DataFrame) -> str:
    heading = (
        f"<h3>{_text(objective.title)}</h3>"
        f'<p class="context">{_text(objective.objective_id)} · progress {_percent(objective.progress)}, '
        f"expected {_percent(objective.expected)} by now · worst KR {status_badge(objective.worst_status)}</p>"
    )
    if krs.empty:
        return heading + '<p class="meta">No key results in this review (see the filters above).</p>'
    rows = []
    for kr in krs.itertuples():
        stale = (
            '<br><span class="stale">stale</span>'
            if kr.stale
            else '<br><span class="stale">no check-in</span>'
            if kr.no_check_in
            else ""
        )
        due = _NO_VALUE if pd.isna(kr.due_date) else f"{kr.due_date:%Y-%m-%d}"
        rows.append(
            f'<tr><td class="nowrap">{_text(kr.kr_id)}</td><td class="kr-title">{_text(kr.title)}</td>'
            f"<td>{_text(kr.owner)}</td>"
            f"<td>{status_badge(kr.status)}{stale}</td>"
            f'<td class="number">{_percent(kr.raw_progress)}</td><td class="number">{_percent(kr.expected)}</td>'
            f'<td class="nowrap">{due}</td>'
            f'<td class="reading">{reading_text(kr.last_value, kr.measure, kr.unit, kr.last_status)}</td>'
            f'<td class="comment">{_text(kr.last_comment)}</td></tr>'
        )
    return heading + (
        "<table><thead><tr><th>ID</th><th>Key result</th><th>Owner</th><th>Status</th>"
        '<th class="number">Progress</th><th class="number">Expected</th><th>Due</th>'
        '<th class="number">Last value</th><th>Last comment</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
