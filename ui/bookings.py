"""The Company overview's "Bookings vs plan": new ARR won per quarter against the bookings targets the
Back-calculation page published, what the year still needs, and the published pipeline targets of the
current quarter against what the team KRs tagged with those funnel stages commit to and report. Shown
only when the stored company targets have bookings targets for the as-of date's year."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics.bookings import bookings_vs_plan, pipeline_vs_krs
from analytics.funnel import committed_key_results
from analytics.funnel.targets import metric_label
from charts.funnel import bookings_vs_target_figure, count_text
from charts.theme import money
from ui.context import snapshot
from ui.tables import table_height


def pipeline_rows(pipeline: pd.DataFrame) -> pd.DataFrame:
    """analytics.bookings.pipeline_vs_krs as shown: targets in words, volumes rounded up, what the KRs
    report so far with its share of the published target."""
    return pd.DataFrame(
        {
            "Target": [metric_label(metric) for metric in pipeline["metric"]],
            "Published": [count_text(v) for v in pipeline["target"]],
            "KRs commit to": [
                count_text(v) if n else "no KR" for v, n in zip(pipeline["committed"], pipeline["kr_count"])
            ],
            "KRs report": [
                f"{count_text(r)} · {r / t:.0%}" if t > 0 and n else count_text(r) if n else "—"
                for r, t, n in zip(pipeline["reported"], pipeline["target"], pipeline["kr_count"])
            ],
        }
    )


def bookings_vs_plan_section(data: dict[str, pd.DataFrame], as_of: dt.date) -> None:
    """The section, or nothing when no bookings target of the year is stored."""
    result = bookings_vs_plan(data["arr_actuals"], data["company_targets"], as_of)
    if result is None:
        return
    st.subheader("Bookings vs plan")
    chart_col, figures_col = st.columns([3, 1], gap="medium")
    chart_col.plotly_chart(
        bookings_vs_target_figure(result.quarters, f"New ARR won against the bookings target, {result.year}"),
        width="stretch",
    )
    share = result.won_to_date / result.target_year if result.target_year > 0 else float("nan")
    with figures_col:
        st.metric(
            f"Bookings target {result.year}",
            money(result.target_year),
            border=True,
            help=f"${result.target_year:,.0f}: the published quarterly bookings targets (company targets, "
            "metric bookings)",
        )
        st.metric(
            "Won to date",
            money(result.won_to_date),
            delta=f"{share:.0%} of the year" if pd.notna(share) else None,
            delta_color="off",
            delta_arrow="off",
            border=True,
            help=f"${result.won_to_date:,.0f}: new ARR of the ARR actuals from January to "
            f"{result.last_actual_month or 'no month yet'}",
        )
        st.metric(
            "Still needed this year",
            money(result.remaining),
            border=True,
            help=f"${result.remaining:,.0f} = target − won to date (never below 0)",
        )
    period = result.current_quarter
    in_force = snapshot(as_of, period).krs
    committed = committed_key_results(data["key_results"], data["objectives"], period, in_force)
    pipeline = pipeline_vs_krs(data["company_targets"], period, committed, in_force)
    if pipeline.empty:
        st.caption(f"No pipeline target is published for {period} (the Back-calculation page publishes them).")
        return
    st.markdown(f"**Pipeline targets of {period}** against the team KRs of {period} tagged with the stage")
    shown = pipeline_rows(pipeline)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=table_height(len(shown)),
        column_config={c: st.column_config.TextColumn(alignment="right") for c in shown.columns[1:]},
    )
    st.caption(
        f"KRs commit to: the sum of their targets in force on {as_of:%d %B}; KRs report: their latest values, "
        "and that as a share of the published target (cancelled KRs left out)."
    )
