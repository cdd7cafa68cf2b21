"""The report as a few plain lines for a terminal (what the CLI prints)."""

from __future__ import annotations

import polars as pl

from webinar_insights.metrics import KPIS

from ._format import change_text, day_range, whole
from ._model import ReportData

__all__ = ["summary_text"]


def summary_text(report: ReportData) -> str:
    """A few plain lines of the key figures, for a terminal."""
    scope = day_range(report.start, report.end, report.time_zone)
    lines = [
        f"{whole(report.kpis.get('sessions'))} sessions"
        f" ({whole(report.kpis.get('finished_sessions'))} finished) scheduled {scope}"
        f" ({report.time_zone}); {report.previous_sessions:,} in the previous period",
        report.coverage,
    ]
    for key in (
        "unique_attendees",
        "attendance_rate",
        "no_show_rate",
        "median_start_delay_min",
        "late_start_share",
    ):
        kpi = KPIS[key]
        current = report.kpis.get(key)
        change, _ = change_text(
            kpi,
            current,
            report.previous_kpis.get(key),
            report.previous_sessions,
            report.withheld.get(key),
        )
        lines.append(f"  {kpi.label.lower():<20} {kpi.format(current):>10}   {change}")
    flagged = report.frames["anomalies"]
    high = flagged.filter(pl.col("severity") == "high").height
    lines.append(f"  {'anomalies':<20} {flagged.height:>10,}   ({high:,} high)")
    return "\n".join(lines)
