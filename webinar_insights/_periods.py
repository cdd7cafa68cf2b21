"""Calendar periods: the intervals a program is cut into (day, week, month, quarter, year).

One table serves the charts' trend lines, the explore view and the report's period summary:
each period's polars interval, its name, its mean length and the Vega expression of its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal, TypeAlias

__all__ = [
    "AUTO_MAX_PERIODS",
    "PERIODS",
    "CalendarPeriod",
    "Period",
    "calendar_period",
    "fitting_period",
]

Period: TypeAlias = Literal["1d", "1w", "1mo", "1q", "1y"]
"""A calendar period as a polars interval (``dt.truncate``, ``dt.offset_by``)."""


@dataclass(frozen=True, slots=True)
class CalendarPeriod:
    """One calendar period.

    Attributes
    ----------
    every:
        The polars interval, e.g. ``"1w"``.
    name:
        How a sentence names it, e.g. ``"week"``.
    days:
        Its mean length in days (a month is 30.44), to count how many fit in a range.
    vega_end:
        A Vega expression of the period's end given its start as ``{s}`` (a Date on a UTC
        scale), for ``str.format(s=...)``.
    """

    every: Period
    name: str
    days: float
    vega_end: str


PERIODS: Final[tuple[CalendarPeriod, ...]] = (
    CalendarPeriod("1d", "day", 1.0, "utc(utcyear({s}), utcmonth({s}), utcdate({s}) + 1)"),
    CalendarPeriod("1w", "week", 7.0, "utc(utcyear({s}), utcmonth({s}), utcdate({s}) + 7)"),
    CalendarPeriod("1mo", "month", 30.44, "utc(utcyear({s}), utcmonth({s}) + 1, 1)"),
    CalendarPeriod("1q", "quarter", 91.3, "utc(utcyear({s}), utcmonth({s}) + 3, 1)"),
    CalendarPeriod("1y", "year", 365.25, "utc(utcyear({s}) + 1, 0, 1)"),
)
"""Every calendar period, shortest first."""


def calendar_period(every: str) -> CalendarPeriod:
    """The period of a polars interval; ``KeyError`` for one that is not in :data:`PERIODS`."""
    for period in PERIODS:
        if period.every == every:
            return period
    raise KeyError(every)


AUTO_MAX_PERIODS: Final = 60
"""Periods at most when one is chosen for a range: the attendance trend and the explore view
choose by this rule (and the report's filter bar with them), so a trend stays readable."""


def fitting_period(
    start: datetime, end: datetime, *, most: int = AUTO_MAX_PERIODS
) -> CalendarPeriod:
    """The shortest period that cuts ``[start, end)`` into at most ``most`` periods (a year when
    none does). A range shorter than a day counts as one day.

    >>> from datetime import UTC
    >>> fitting_period(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)).name
    'week'
    """
    days = max((end - start) / timedelta(days=1), 1.0)
    for period in PERIODS:
        if days / period.days <= most:
            return period
    return PERIODS[-1]
