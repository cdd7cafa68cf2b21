"""The report's data model: what a finished report holds, frozen, with no behaviour.

The builder (``_build``) computes it; the renderers (``_render``, ``_summary``) and the exports
(``_export``) only read it, as great-tables keeps ``GTData`` apart from ``GT``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

import polars as pl

from webinar_insights import charts

__all__ = ["FRAME_NAMES", "ReportChart", "ReportData"]

FRAME_NAMES: Final = (
    "sessions",
    "kpis",
    "webinars",
    "hosts",
    "periods",
    "anomalies",
    "top_sessions",
    "bottom_sessions",
    "retention",
    "funnel",
    "lead_time",
    "channel_summary",
    "new_vs_returning",
    "series_cohorts",
    "on_demand",
    "registration_curve",
    "attendance_forecast",
    "backtest",
)
"""The frames behind a report (``Report.frames``), in this order; each is exported by name."""


@dataclass(frozen=True, slots=True)
class ReportChart:
    """One chart of the report: ``key`` names its element (``chart-<key>``) and export files."""

    key: str
    title: str
    caption: str
    chart: charts.AnyChart


@dataclass(frozen=True, eq=False)
class ReportData:
    """What a report holds: computed once, never changed (use :func:`dataclasses.replace`).

    The range is ``[start, end)`` in UTC; the previous period, ``[previous_start, start)``, is
    as long just before it (as many local days when the range is whole days).
    """

    title: str
    as_of: datetime
    start: datetime
    end: datetime
    previous_start: datetime
    time_zone: str
    kpis: Mapping[str, float | int | None]
    previous_kpis: Mapping[str, float | int | None]
    charts: tuple[ReportChart, ...]
    frames: Mapping[str, pl.DataFrame]
    pseudonymize_hosts: bool = False
    provenance: Mapping[str, Any] | None = None
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    notes: tuple[str, ...] = ()
    top: int = 10
    period_unit: str = "week"
    previous_sessions: int = 0
    coverage: str = ""
    """One line on what the data covers (the header shows it)."""
    withheld: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Key figure key -> why its change against the previous period is not shown (the store does
    not cover both periods at the depth it needs); a key not here shows its change."""
    bases: Mapping[str, tuple[int | None, int | None]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Share key -> (numerator, denominator) it is computed from (``metrics.kpi_bases``)."""
    # Both are large and for the page only: a notebook showing the report should not print them.
    pages: Mapping[str, Mapping[str, Any]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )
    """Session id -> what its page inside the report shows (``_pages.session_pages``)."""
    filtering: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False)
    audience: tuple[ReportChart, ...] = ()
    """The Audience section's charts (``charts.AUDIENCE_CHARTS``), after the program's charts."""
    """What the filter bar recomputes the figures and tables from (``_filter.filter_data``)."""

    @property
    def previous_end(self) -> datetime:
        return self.start
