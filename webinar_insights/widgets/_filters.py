"""The dashboard's state: one frozen :class:`Filters` value and the sessions it shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

import polars as pl

from webinar_insights import metrics, schemas
from webinar_insights._checks import check_timedelta
from webinar_insights._time import zone_key
from webinar_insights.errors import ConfigurationError
from webinar_insights.report import report_range

__all__ = [
    "DEFAULT_LATE_AFTER",
    "NO_HOST",
    "STATUSES",
    "Filters",
    "as_timedelta",
    "host_key",
    "minutes",
]

STATUSES: Final[tuple[str, ...]] = tuple(schemas.SESSION_STATUS.categories.to_list())
"""Session statuses, in the order of ``schemas.SESSION_STATUS``."""

DEFAULT_LATE_AFTER: Final = metrics.DEFAULT_LATE_AFTER
NO_HOST: Final = ""  # the host key of a session with neither a host user id nor a host name


def host_key() -> pl.Expr:
    """What a host filter matches: :func:`metrics.host_key`, with ``NO_HOST`` for no host.

    The same key the report's per-host figures group by, so a host picked here is the host
    counted there (a host without a user id is ``"name:"`` + its name).
    """
    return metrics.host_key().fill_null(NO_HOST)


@dataclass(frozen=True, slots=True)
class Filters:
    """What the dashboard shows: the one value its controls are read into.

    Parameters
    ----------
    start, end:
        The first and last day shown (both included), in ``time_zone``; None leaves that end
        open. A session's day is that of its scheduled start (its actual start when the
        schedule is unknown), as in the report.
    webinars:
        Webinar (series) ids to show; empty: all.
    hosts:
        Hosts to show, by :func:`metrics.host_key` (the host user id; a host without one:
        ``"name:"`` + its name; ``NO_HOST`` for sessions with neither); empty: all.
    statuses:
        Statuses to show; all three (the default) applies no status filter, so a session whose
        status is unknown (null) is shown too.
    time_zone:
        IANA name the days are cut in and times are shown in.
    late_after:
        A start more than this after the scheduled start is late.
    """

    start: date | None = None
    end: date | None = None
    webinars: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    statuses: tuple[str, ...] = STATUSES
    time_zone: str = "UTC"
    late_after: timedelta = DEFAULT_LATE_AFTER

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
                raise ConfigurationError(
                    f"{name} must be a datetime.date (e.g. date(2026, 3, 1)) or None, not {value!r}"
                )
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ConfigurationError(
                f"the date range is reversed: start {self.start} is after end {self.end}"
            )
        unknown = [s for s in self.statuses if s not in STATUSES]
        if unknown:
            raise ConfigurationError(
                f"unknown status(es) {', '.join(map(repr, unknown))}; use {', '.join(STATUSES)}"
            )
        object.__setattr__(self, "statuses", tuple(s for s in STATUSES if s in self.statuses))
        object.__setattr__(self, "webinars", tuple(self.webinars))
        object.__setattr__(self, "hosts", tuple(self.hosts))
        object.__setattr__(self, "time_zone", zone_key(self.time_zone))
        if check_timedelta(self.late_after, "late_after") < timedelta(0):
            raise ConfigurationError(f"late_after must be 0 or more, not {self.late_after!r}.")

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """``[lower, upper)`` in UTC: local midnight of ``start`` and of the day after ``end``
        (``report.report_range``, so the dashboard and its report cut days alike)."""
        return report_range(self.start, self.end, time_zone=self.time_zone)

    def rows_key(self) -> tuple[Any, ...]:
        """What decides which sessions are shown (the time zone only when a day bound is set)."""
        return (*self.bounds(), self.webinars, self.hosts, self.statuses)

    def apply(self, sessions: pl.DataFrame) -> pl.DataFrame:
        """The sessions these filters show (``sessions``: a frame from ``session_metrics``)."""
        conditions: list[pl.Expr] = []
        lower, upper = self.bounds()
        if lower is not None:
            conditions.append(metrics.session_moment() >= lower)
        if upper is not None:
            conditions.append(metrics.session_moment() < upper)
        if self.webinars:
            conditions.append(pl.col("webinar_id").is_in(list(self.webinars)))
        if self.hosts:
            conditions.append(host_key().is_in(list(self.hosts)))
        if self.statuses != STATUSES:
            conditions.append(pl.col("status").cast(pl.String).is_in(list(self.statuses)))
        return sessions.filter(*conditions) if conditions else sessions

    def describe(self) -> str:
        """One line for status bars and reprs, e.g. ``2026-01-01 to 2026-03-31 (UTC)``."""
        first = self.start.isoformat() if self.start else "first"
        last = self.end.isoformat() if self.end else "last"
        parts = [f"{first} to {last} ({self.time_zone})"]
        if self.webinars:
            parts.append(f"{len(self.webinars)} webinar(s)")
        if self.hosts:
            parts.append(f"{len(self.hosts)} host(s)")
        if self.statuses != STATUSES:
            parts.append("status " + "/".join(self.statuses) if self.statuses else "no status")
        parts.append(f"late after {minutes(self.late_after):g} min")
        return "; ".join(parts)


def minutes(value: timedelta) -> float:
    return value / timedelta(minutes=1)


def as_timedelta(value: object) -> Any:
    """A threshold given in minutes (a number) as a timedelta; anything else as it is, for
    :class:`Filters` to check."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(minutes=value)
    return value
