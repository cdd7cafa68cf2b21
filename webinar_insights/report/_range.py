"""The report's range: the bounds a user gives, the days the sessions span, the period before.

A date bound is midnight in the report's time zone (an end date: the next midnight), so a range
of whole days stays whole days across a DST change; the dashboard cuts its days with the same
:func:`report_range`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import polars as pl

from webinar_insights import metrics
from webinar_insights._time import TimeLike, to_utc, zone, zone_key
from webinar_insights.errors import ConfigurationError

__all__ = [
    "local_midnight",
    "moments",
    "previous_start",
    "report_range",
    "resolve_range",
    "span",
    "zone_name",
]


def zone_name(time_zone: str | None) -> str:
    return "UTC" if time_zone is None else zone_key(time_zone)


def _bound(value: TimeLike, *, name: str, time_zone: str, end: bool) -> datetime:
    """A user's bound in UTC: a date is midnight in the report's zone (the end: the next one)."""
    day: date | None = None
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            day = None
    elif isinstance(value, date) and not isinstance(value, datetime):
        day = value
    if day is None:
        return to_utc(value, name=name)
    to_utc(day, name=name)  # the supported range of dates, before any arithmetic
    moment = datetime.combine(day + timedelta(days=1) if end else day, time(0))
    return moment.replace(tzinfo=zone(time_zone)).astimezone(UTC)


def moments(sessions: pl.DataFrame) -> pl.Series:
    """``metrics.session_moment`` of each session, of a stored sessions frame (its actual start
    derived first) or one from ``session_metrics``."""
    if "actual_start" not in sessions.columns:
        sessions = sessions.with_columns(metrics.actual_start())
    return sessions.select(metrics.session_moment()).to_series()


def span(sessions: pl.DataFrame) -> tuple[datetime | None, datetime | None]:
    """The first and last of :func:`moments` (None for none)."""
    first, last = (
        moments(sessions)
        .to_frame()
        .select(pl.all().min().alias("first"), pl.all().max().alias("last"))
        .row(0)
    )
    return first, last


def local_midnight(moment: datetime, time_zone: str, *, after: bool) -> datetime:
    local = moment.astimezone(zone(time_zone))
    day = local.date() + timedelta(days=1) if after else local.date()
    return datetime.combine(day, time(0)).replace(tzinfo=zone(time_zone)).astimezone(UTC)


def report_range(
    start: TimeLike | None, end: TimeLike | None, *, time_zone: str | None = None
) -> tuple[datetime | None, datetime | None]:
    """The bounds a user gave, in UTC; a date is midnight in ``time_zone`` (``end``: the next).

    So ``report_range("2026-03-01", "2026-03-31", time_zone="Europe/Berlin")`` is March in
    Berlin, ``[2026-02-28 23:00, 2026-03-31 22:00)`` UTC. A bound left out stays None.

    Raises
    ------
    ConfigurationError
        A bound is not a date or date-time, the time zone is unknown, or the range is empty or
        reversed.
    """
    tz = zone_name(time_zone)
    lower = None if start is None else _bound(start, name="start", time_zone=tz, end=False)
    upper = None if end is None else _bound(end, name="end", time_zone=tz, end=True)
    if lower is not None and upper is not None and upper <= lower:
        raise ConfigurationError(
            f"the range is empty or reversed: start {lower:%Y-%m-%d %H:%M} is not before end"
            f" {upper:%Y-%m-%d %H:%M} (UTC)"
        )
    return lower, upper


def resolve_range(
    sessions: pl.DataFrame,
    start: TimeLike | None,
    end: TimeLike | None,
    *,
    time_zone: str,
    now: datetime,
) -> tuple[datetime, datetime]:
    """``report_range``, with the days the sessions span for a bound left out."""
    lower, upper = report_range(start, end, time_zone=time_zone)
    first, last = span(sessions)
    if lower is None:
        lower = local_midnight(first or now, time_zone, after=False)
    if upper is None:
        upper = local_midnight(max(last or now, lower), time_zone, after=True)
    if upper <= lower:
        raise ConfigurationError(
            f"the range is empty or reversed: start {lower:%Y-%m-%d %H:%M} is not before end"
            f" {upper:%Y-%m-%d %H:%M} (UTC)"
        )
    return lower, upper


def previous_start(start: datetime, end: datetime, time_zone: str) -> datetime:
    """The start of the period before ``[start, end)``: as many local days when the range is
    whole days in ``time_zone`` (so a DST change does not shift it by an hour), else as long."""
    local = zone(time_zone)
    first, last = start.astimezone(local), end.astimezone(local)
    if first.time() == time(0) and last.time() == time(0):
        days = (last.date() - first.date()).days
        earlier = datetime.combine(first.date() - timedelta(days=days), time(0))
        return earlier.replace(tzinfo=local).astimezone(UTC)
    return start - (end - start)
