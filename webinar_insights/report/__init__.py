"""Offline HTML reports of a webinar program: one file, no network, no kernel.

>>> from webinar_insights import Store
>>> from webinar_insights.report import report_from_store
>>> report = report_from_store(Store("webinar-data"), start="2026-05-01", end="2026-10-31")  # doctest: +SKIP
>>> report.write_html("reports/webinar-report.html")  # doctest: +SKIP

The document holds a KPI header (with the change against the previous period of equal length),
linked Vega-Lite charts (brush a period, click a host or a status), the anomalies with their
reasons, a per-webinar table, the top and bottom sessions, and data notes (definitions, caveats,
provenance). The Vega, Vega-Lite and vega-embed JavaScript is inlined once; a
Content-Security-Policy forbids every request. Every string from the API is escaped. It holds
no participant or registrant names or e-mail addresses; hosts appear by name, or as "Host 1",
"Host 2", ... with ``pseudonymize_hosts=True`` (for a report shared outside).
"""

from __future__ import annotations

from ._build import build_report, report_from_store
from ._bundle import vega_bundle
from ._coverage import withheld_changes
from ._export import csv_safe, write_safe_csv
from ._figures import key_figures, shown_change, withheld_note
from ._model import FRAME_NAMES, ReportChart
from ._range import previous_start, report_range
from ._report import Report

__all__ = [
    "FRAME_NAMES",
    "Report",
    "ReportChart",
    "build_report",
    "csv_safe",
    "key_figures",
    "previous_start",
    "report_from_store",
    "report_range",
    "shown_change",
    "vega_bundle",
    "withheld_changes",
    "withheld_note",
    "write_safe_csv",
]
