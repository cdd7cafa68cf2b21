"""Altair charts of a webinar program: ``<subject>_chart(frame, *, ...) -> chart``.

Every chart here

* takes the frames of ``webinar_insights.frames`` / ``webinar_insights.metrics`` (a sessions
  frame without the derived columns is passed through ``metrics.session_metrics`` first);
* pre-aggregates in polars, so the data embedded in its spec stays bounded: at most
  :data:`MAX_ROWS` rows in all, however large the input (100,000 sessions included), with
  Altair's max-rows setting left as it is. Where a chart samples or aggregates rows it says so
  in its subtitle;
* embeds plain records (``{"values": frame.to_dicts()}``; no pandas needed): times as ISO-8601
  text drawn on UTC scales, durations as minutes (columns ending in ``_min``);
* carries the :mod:`webinar_insights.theme` settings itself (``theme.apply_theme``), so it
  looks the same whether or not the user enabled the theme. Why not enable the theme on import
  instead: importing must not restyle a user's other charts, and a chart that carries its own
  config looks the same in a notebook, the report and a vl-convert PNG whatever theme is active;
* turns an empty input into a chart that says "No data" and why, rather than an error.

Times on a time axis are shown in one time zone (``time_zone``, UTC by default): the embedded
values are the wall-clock times in that zone with a ``Z`` suffix, drawn on a UTC scale, so the
axis reads the same on every viewer's machine.

:data:`CHARTS` is the catalogue of the charts the report and the dashboard show: key, title,
caption, builder and the keywords the views pass, so a chart is called the same everywhere.

Linking parameters
------------------
Charts that a report links declare Vega-Lite parameters under fixed names (the constants below;
renaming one breaks reports). Each is declared by its chart in every case, its "No data" form
included (there it stays empty), so a report can always refer to it:

``period`` (:data:`PERIOD_PARAM`)
    :func:`attendance_rate_chart`: an interval brush over the x axis of the session points,
    on the field ``scheduled_start`` (wall-clock text in the chart's time zone, see above).
``host`` (:data:`HOST_PARAM`)
    :func:`start_delay_chart`: a click selection on the host ranking, on the field ``host``
    (the host's display name, ``metrics.host_label()``).
``status`` (:data:`STATUS_PARAM`)
    :func:`status_timeline_chart`: a selection on the field ``status`` bound to the colour
    legend (click a status to highlight it).

:func:`explore_chart` declares all three in one view of linked charts.

Modules: ``_base`` (shared pieces), ``_histogram`` (the split histogram), ``_attendance``,
``_timing``, ``_calendar``, ``_registration``, ``_audience`` (charts by subject), ``_explore`` (the linked
explore view), ``_catalogue`` (the chart catalogue) and ``_save`` (PNG and SVG files).
"""

from __future__ import annotations

from webinar_insights._periods import AUTO_MAX_PERIODS, Period

from ._attendance import attendance_rate_chart, retention_chart
from ._audience import (
    channel_chart,
    forecast_chart,
    on_demand_chart,
    registration_curve_chart,
    returning_chart,
    series_cohort_chart,
)
from ._base import HOST_PARAM, MAX_ROWS, PERIOD_PARAM, STATUS_PARAM, TIME_TICKS, AnyChart
from ._calendar import WeekdayHourValue, status_timeline_chart, weekday_hour_chart
from ._catalogue import AUDIENCE_CHARTS, CHARTS, ChartEntry, ChartOption, ChartSource
from ._explore import OTHER_HOSTS, explore_chart, explore_period
from ._histogram import MAX_BINS, NICE_STEPS
from ._registration import registration_funnel_chart, registration_lead_time_chart
from ._save import CONTROL_CHARACTERS, REPLACEMENT, save_chart
from ._timing import overrun_chart, start_delay_chart

__all__ = [
    "AUDIENCE_CHARTS",
    "AUTO_MAX_PERIODS",
    "CHARTS",
    "CONTROL_CHARACTERS",
    "HOST_PARAM",
    "MAX_BINS",
    "MAX_ROWS",
    "NICE_STEPS",
    "OTHER_HOSTS",
    "PERIOD_PARAM",
    "REPLACEMENT",
    "STATUS_PARAM",
    "TIME_TICKS",
    "AnyChart",
    "ChartEntry",
    "ChartOption",
    "ChartSource",
    "Period",
    "WeekdayHourValue",
    "attendance_rate_chart",
    "channel_chart",
    "explore_chart",
    "explore_period",
    "forecast_chart",
    "on_demand_chart",
    "overrun_chart",
    "registration_curve_chart",
    "registration_funnel_chart",
    "registration_lead_time_chart",
    "retention_chart",
    "returning_chart",
    "save_chart",
    "series_cohort_chart",
    "start_delay_chart",
    "status_timeline_chart",
    "weekday_hour_chart",
]
