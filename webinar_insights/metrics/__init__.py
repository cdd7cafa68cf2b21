"""Metrics of METRICS.md: ``pl.Expr`` builders and frame -> frame summaries.

Three layers, each usable on its own:

* expression builders (:func:`actual_start`, :func:`start_delay`, :func:`attendance_rate`,
  :func:`session_moment`, :func:`host_key`, ...) that compute one derived column from the base
  columns of the sessions frame, for use in a user's own polars code;
* :func:`session_metrics` and :func:`participant_metrics`, which append the derived columns
  (optionally filling registrant counts and no-shows from a registrants frame);
* aggregates over a frame from :func:`session_metrics` (:func:`webinar_summary`,
  :func:`host_summary`, :func:`period_summary`, :func:`kpis`, :func:`percentile_bands`,
  :func:`anomalies`) and over participants and registrants (:func:`retention_curve`,
  :func:`peak_concurrency`, :func:`registration_lead_time`, :func:`registration_funnel`,
  :func:`session_funnel`) and the audience (:func:`channel_summary`, :func:`new_vs_returning`,
  :func:`series_cohorts`, :func:`attendance_frequency`, :func:`top_attendees`,
  :func:`on_demand`).

:data:`KPIS` is the catalogue of the key figures of :func:`kpis`: label, unit, better
direction, definition and formatter, read by the report and the dashboard alike.

Every function accepts a frame with no rows (even one without columns) and returns an empty frame
of the documented schema. A frame with rows that lacks a column a function needs raises
``ConfigurationError`` naming the column. Nothing here loops in Python over rows: participant
metrics are group-bys and cumulative sums, so ten million participants fit in a few GB.

Modules: ``_expressions`` (expression builders), ``_derived`` (per-session and per-participant
columns), ``_summaries`` (per webinar, host, period), ``_kpis`` (key figures and their
catalogue), ``_people`` (retention, concurrency, lead time, funnel, reach), ``_forecast`` (registration pacing, the forecast and its backtest), ``_audience``
(channels, new and returning people, series cohorts, attendance frequency, top attendees,
on-demand sign-ups), ``_audience_frames`` (those of a set of sessions, for the report's
section and the dashboard's tab), ``_distributions`` (percentile bands), ``_anomalies``; ``_columns`` holds
the added columns and the frame check.
"""

from __future__ import annotations

from ._anomalies import ANOMALIES, ANOMALY_KINDS, anomalies
from ._audience import (
    CHANNELS,
    COHORTS,
    FREQUENCY,
    NEW_VS_RETURNING,
    NEW_VS_RETURNING_PERIODS,
    ON_DEMAND,
    ON_DEMAND_PERIODS,
    SERIES_COHORTS,
    SMALL_SAMPLE,
    TOP_ATTENDEES,
    TOP_ATTENDEES_PERSONAL,
    UNKNOWN_CHANNEL,
    attendance_frequency,
    channel_summary,
    new_vs_returning,
    on_demand,
    series_cohorts,
    top_attendees,
)
from ._audience_frames import audience_frames, upcoming_forecast
from ._columns import PARTICIPANT_METRICS_COLUMNS, SESSION_METRICS_COLUMNS
from ._derived import participant_metrics, session_metrics
from ._distributions import BandBy, BandValue, percentile_bands
from ._expressions import (
    DEFAULT_LATE_AFTER,
    actual_duration,
    actual_end,
    actual_start,
    attendance_rate,
    host_key,
    host_label,
    late_start,
    minutes,
    overrun,
    session_moment,
    start_delay,
)
from ._forecast import (
    BACKTEST,
    BACKTEST_HORIZONS,
    BACKTEST_SUMMARY,
    FORECAST,
    FORECAST_LEVEL,
    FORECAST_METHOD,
    REGISTRATION_CURVE,
    REGISTRATION_PROGRESS,
    SHRINKAGE,
    attendance_forecast,
    backtest_summary,
    forecast_backtest,
    registration_curve,
    registration_progress,
)
from ._kpis import KPI_KEYS, KPIS, Kpi, kpi_bases, kpis
from ._people import (
    ATTENDEE_KEYS,
    FUNNEL,
    LEAD_TIME,
    PEAK_CONCURRENCY,
    REACH,
    RETENTION,
    SESSION_FUNNEL,
    attendee_keys,
    peak_concurrency,
    reach,
    registration_funnel,
    registration_lead_time,
    retention_curve,
    session_funnel,
)
from ._plausibility import IMPLAUSIBLE, MAX_SESSION, implausible, plausible
from ._summaries import SUMMARY_COLUMNS, host_summary, period_summary, webinar_summary

__all__ = [
    "ANOMALIES",
    "ANOMALY_KINDS",
    "ATTENDEE_KEYS",
    "BACKTEST",
    "BACKTEST_HORIZONS",
    "BACKTEST_SUMMARY",
    "CHANNELS",
    "COHORTS",
    "DEFAULT_LATE_AFTER",
    "FORECAST",
    "FORECAST_LEVEL",
    "FORECAST_METHOD",
    "FREQUENCY",
    "FUNNEL",
    "IMPLAUSIBLE",
    "KPIS",
    "KPI_KEYS",
    "LEAD_TIME",
    "MAX_SESSION",
    "NEW_VS_RETURNING",
    "NEW_VS_RETURNING_PERIODS",
    "ON_DEMAND",
    "ON_DEMAND_PERIODS",
    "PARTICIPANT_METRICS_COLUMNS",
    "PEAK_CONCURRENCY",
    "REACH",
    "REGISTRATION_CURVE",
    "REGISTRATION_PROGRESS",
    "RETENTION",
    "SERIES_COHORTS",
    "SESSION_FUNNEL",
    "SESSION_METRICS_COLUMNS",
    "SHRINKAGE",
    "SMALL_SAMPLE",
    "SUMMARY_COLUMNS",
    "TOP_ATTENDEES",
    "TOP_ATTENDEES_PERSONAL",
    "UNKNOWN_CHANNEL",
    "BandBy",
    "BandValue",
    "Kpi",
    "actual_duration",
    "actual_end",
    "actual_start",
    "anomalies",
    "attendance_forecast",
    "attendance_frequency",
    "attendance_rate",
    "attendee_keys",
    "audience_frames",
    "backtest_summary",
    "channel_summary",
    "forecast_backtest",
    "host_key",
    "host_label",
    "host_summary",
    "implausible",
    "kpi_bases",
    "kpis",
    "late_start",
    "minutes",
    "new_vs_returning",
    "on_demand",
    "overrun",
    "participant_metrics",
    "peak_concurrency",
    "percentile_bands",
    "period_summary",
    "plausible",
    "reach",
    "registration_curve",
    "registration_funnel",
    "registration_lead_time",
    "registration_progress",
    "retention_curve",
    "series_cohorts",
    "session_funnel",
    "session_metrics",
    "session_moment",
    "start_delay",
    "top_attendees",
    "upcoming_forecast",
    "webinar_summary",
]
