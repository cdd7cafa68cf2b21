"""The ipywidgets dashboard of a webinar program: ``display(Dashboard(store))``.

Controls filter the sessions (date range, webinars, hosts, statuses), choose the time zone the
dates and charts are read in, and set the late-start threshold. A KPI strip, the main charts and
an Audience tab (channels, returning people, series cohorts, on-demand sign-ups, registration
pacing, and the forecast of the upcoming sessions shown, learning from every session) follow
them; "Export report" writes the offline HTML report of exactly what is shown, "Download CSV"
saves the shown sessions, and, with a client, "Refresh" syncs the store and redraws.

State
-----
The applied state is one frozen :class:`Filters` value (:attr:`Dashboard.filters`), read from the
controls in one place. Everything shown is derived from it: :meth:`Dashboard.filtered`,
:meth:`Dashboard.kpis`, :meth:`Dashboard.charts` and the exports, each cached per value, so a
control set back to where it was costs nothing.

Updates
-------
A control change schedules one refresh ``debounce`` seconds later (on the kernel's event loop,
else a timer thread); further changes within that time push it back, so dragging the slider
redraws once. ``debounce=0`` refreshes inside the change itself (scripts and tests), and
:meth:`Dashboard.refresh_now` applies a pending change at once. A chart's ``Output`` gets its new
content in one message (its output list is replaced, never cleared first), so nothing flickers.
Only the chart on the open tab is rebuilt at once; another tab's chart when it is opened (or when
:meth:`Dashboard.charts` asks for it).

Examples
--------
>>> from webinar_insights import Store
>>> from webinar_insights.widgets import Dashboard
>>> dashboard = Dashboard(Store("webinar-data"), time_zone="Europe/Berlin")  # doctest: +SKIP
>>> display(dashboard)  # doctest: +SKIP
>>> dashboard.filtered().height  # doctest: +SKIP
"""

from __future__ import annotations

from ._charts import CHART_NAMES, ChartName
from ._controls import Controls
from ._dashboard import Dashboard
from ._filters import STATUSES, Filters

__all__ = [
    "CHART_NAMES",
    "STATUSES",
    "ChartName",
    "Controls",
    "Dashboard",
    "Filters",
]
