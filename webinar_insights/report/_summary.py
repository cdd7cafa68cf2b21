"""The report as a few plain lines for a terminal (what the CLI prints)."""

from __future__ import annotations

import polars as pl

from ._figures import figure_rows
from ._format import day_range, whole
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
    shown = {
        "unique_attendees",
        "people_reached",
        "attendance_rate",
        "no_show_rate",
        "median_start_delay_min",
        "late_start_share",
    }
    for figure in figure_rows(report):
        if figure["key"] in shown:
            lines.append(
                f"  {figure['label'].lower():<20} {figure['text']:>10}   {figure['change']}"
            )
    flagged = report.frames["anomalies"]
    high = flagged.filter(pl.col("severity") == "high").height
    lines.append(f"  {'anomalies':<20} {flagged.height:>10,}   ({high:,} high)")
    return "\n".join(lines)
