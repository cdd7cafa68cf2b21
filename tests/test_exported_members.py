"""Every public namespace's ``__all__``, pinned by equality: adding, removing or renaming a public
name is a decision this file records. Order is ruff's (RUF022, isort-style), so the lists below
are sorted the way ruff keeps the modules.
"""

from __future__ import annotations

import importlib
import types

import pytest

import webinar_insights
from webinar_insights import errors

EXPORTS: dict[str, list[str]] = {
    "webinar_insights": [
        "ApiError",
        "AuthenticationError",
        "BadDataError",
        "BadRequestError",
        "BadResponseError",
        "Client",
        "ConfigurationError",
        "DataWarning",
        "NotFoundError",
        "PagingError",
        "PermissionDeniedError",
        "RateLimitedError",
        "RetryPolicy",
        "ServerError",
        "Store",
        "StoreError",
        "SyncInterrupted",
        "SyncSummary",
        "TransportError",
        "WebinarInsightsError",
        "__version__",
        "sync",
    ],
    "webinar_insights.charts": [
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
    ],
    "webinar_insights.client": [
        "DEFAULT_SERVER_URL",
        "MAX_ID_LENGTH",
        "Client",
        "Credentials",
        "Page",
        "RetryPolicy",
        "api_id",
    ],
    "webinar_insights.errors": [
        "ApiError",
        "AuthenticationError",
        "BadDataError",
        "BadRequestError",
        "BadResponseError",
        "ConfigurationError",
        "DataWarning",
        "NotFoundError",
        "PagingError",
        "PermissionDeniedError",
        "RateLimitedError",
        "ServerError",
        "StoreError",
        "SyncInterrupted",
        "TransportError",
        "WebinarInsightsError",
    ],
    "webinar_insights.frames": [
        "BadRecord",
        "OnBadData",
        "participants_frame",
        "participants_frame_from_pages",
        "participants_frame_from_session_pages",
        "recordings_frame",
        "recordings_frame_from_pages",
        "registrants_frame",
        "registrants_frame_from_pages",
        "registrants_frame_from_session_pages",
        "sessions_frame",
        "sessions_frame_from_pages",
        "webinars_frame",
        "webinars_frame_from_pages",
    ],
    "webinar_insights.metrics": [
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
        "retention_curve",
        "series_cohorts",
        "session_funnel",
        "session_metrics",
        "session_moment",
        "start_delay",
        "top_attendees",
        "webinar_summary",
    ],
    "webinar_insights.notebook": [
        "DEMO_NOW",
        "RENDERER",
        "Setup",
        "chart_html",
        "enable_charts",
        "library_html",
        "setup",
    ],
    "webinar_insights.report": [
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
    ],
    "webinar_insights.schemas": [
        "DERIVED_SESSION_COLUMNS",
        "DURATION",
        "PARTICIPANTS",
        "PARTICIPANT_TYPE",
        "RECORDINGS",
        "RECORDING_STATUS",
        "REGISTRANTS",
        "ROLE",
        "RUNTIME_STATUS",
        "SESSIONS",
        "SESSION_STATUS",
        "TIMESTAMP",
        "WEBINARS",
    ],
    "webinar_insights.simulator": [
        "DEMO_CLIENT_ID",
        "DEMO_CLIENT_SECRET",
        "DEMO_JWT",
        "FAULT_KINDS",
        "STATS_PATH",
        "FaultKind",
        "Program",
        "ProgramConfig",
        "SimRequest",
        "SimResponse",
        "Simulator",
        "SimulatorConfig",
        "SimulatorServer",
        "SimulatorTransport",
        "operation_ids",
        "serve",
    ],
    "webinar_insights.store": [
        "DEFAULT_STORE",
        "DEPTH_ORDER",
        "FORMAT_VERSION",
        "NEVER_RAN_GRACE",
        "TABLES",
        "Coverage",
        "FetchKind",
        "FetchState",
        "Problem",
        "ProblemKind",
        "ProblemRecord",
        "QuarantinedRecord",
        "SessionState",
        "Store",
        "Stretch",
        "TableKind",
        "default_store_path",
        "parse_time",
        "problem_lines",
        "quarantine_lines",
        "synced_ranges",
    ],
    "webinar_insights.syncing": [
        "CHECKPOINT_SECONDS",
        "DEFAULT_AHEAD",
        "DEFAULT_BACK",
        "DEPTHS",
        "LATER_EVERY",
        "NEVER_RAN",
        "POST_WEBINAR_CHECKS",
        "REAL_PER_MINUTE",
        "SOON",
        "SOON_EVERY",
        "Depth",
        "SyncPlan",
        "SyncSummary",
        "default_range",
        "plan",
        "refresh_plan",
        "sync",
    ],
    "webinar_insights.theme": [
        "ACCENT",
        "FONT",
        "MUTED",
        "PALETTE",
        "SEQUENTIAL",
        "STATUS_COLORS",
        "THEME_NAME",
        "apply_theme",
        "status_scale",
        "theme_config",
        "use_theme",
    ],
    "webinar_insights.widgets": [
        "CHART_NAMES",
        "STATUSES",
        "ChartName",
        "Controls",
        "Dashboard",
        "Filters",
    ],
}


def _isort_style(name: str) -> tuple[int, str]:
    """Ruff's RUF022 order: SCREAMING_SNAKE_CASE, then CamelCase, then the rest."""
    if len(name) > 1 and name.isupper():
        return 0, name
    return (1, name) if name[:1].isupper() else (2, name)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_all_is_pinned_and_sorted(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__all__ == EXPORTS[name]
    assert EXPORTS[name] == sorted(EXPORTS[name], key=_isort_style)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_every_exported_name_resolves_once(name: str) -> None:
    module = importlib.import_module(name)
    names = module.__all__
    assert len(names) == len(set(names))
    missing = [n for n in names if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what the module lacks: {missing}"


def test_the_error_tree_is_exported_at_the_top() -> None:
    assert set(errors.__all__) <= set(webinar_insights.__all__)


def test_sync_module_is_reachable_as_a_module() -> None:
    # The package re-exports the function ``sync``; the module it lives in has its own name so
    # that ``import webinar_insights.syncing`` never yields the function.
    import webinar_insights.syncing as syncing_module
    from webinar_insights.syncing import sync as sync_function

    module = importlib.import_module("webinar_insights.syncing")
    assert isinstance(module, types.ModuleType)
    assert module is syncing_module
    assert module.__name__ == "webinar_insights.syncing"
    assert webinar_insights.sync is sync_function
    assert not isinstance(webinar_insights.sync, types.ModuleType)
