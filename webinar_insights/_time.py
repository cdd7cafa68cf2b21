"""Parsing and formatting of the times users and the API pass around.

The one time-zone check (:func:`zone_key`, on :func:`zone`) and the one rule that reads an
instant as a local weekday and hour (:func:`local_weekday_hour`) live here, for every layer.
"""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from .errors import ConfigurationError, DataWarning

TimeLike = datetime | date | str
# The dates a user may ask for: RingCentral Webinar started in 2020, and nothing is planned a
# century ahead. Outside this, arithmetic on the range (a day after 9999-12-31) would overflow.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def to_utc(value: TimeLike, *, name: str, end_of_day: bool = False) -> datetime:
    """A user's date, datetime or ISO string as an aware UTC datetime.

    A date (or a date-only string) means midnight UTC at its start, or, with ``end_of_day``,
    midnight at its end, so that ``--to 2026-03-31`` includes that day. A naive datetime is
    taken as UTC.

    >>> to_utc("2026-03-01", name="start")
    datetime.datetime(2026, 3, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                value = date.fromisoformat(text)
            else:
                value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise ConfigurationError(
                f"{name}: {value!r} is not a date or date-time (use e.g. 2026-03-01 or "
                "2026-03-01T09:00:00Z)"
            ) from None
    if isinstance(value, datetime):
        try:
            moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        except OverflowError:
            moment = (datetime.max if value.year > EARLIEST.year else datetime.min).replace(
                tzinfo=UTC
            )
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0), tzinfo=UTC)
        if end_of_day and moment < LATEST:
            moment += timedelta(days=1)
    else:
        raise ConfigurationError(
            f"{name}: expected a date, datetime or ISO string, got {type(value).__name__}"
        )
    if not EARLIEST <= moment <= LATEST:
        raise ConfigurationError(
            f"{name}: {value} is outside the dates this tool handles,"
            f" {EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d}"
        )
    return moment


def time_range(start: TimeLike, end: TimeLike) -> tuple[datetime, datetime]:
    """``(start, end)`` in UTC; a reversed range is an error naming both ends."""
    first = to_utc(start, name="start")
    last = to_utc(end, name="end", end_of_day=True)
    if last <= first:
        raise ConfigurationError(
            f"the range is empty or reversed: start {first:%Y-%m-%d %H:%M} is not before end {last:%Y-%m-%d %H:%M} (UTC)"
        )
    return first, last


def api_time(moment: datetime) -> str:
    """UTC with milliseconds and ``Z`` (no ``+`` that a careless encoder could break)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def split_range(
    start: datetime, end: datetime, window: timedelta
) -> list[tuple[datetime, datetime]]:
    """Consecutive windows of at most ``window`` covering ``[start, end)``."""
    if window <= timedelta(0):
        raise ConfigurationError("window must be positive")
    windows = []
    cursor = start
    while cursor < end:
        upper = min(end, cursor + window)
        windows.append((cursor, upper))
        cursor = upper
    return windows


def zone(name: str) -> ZoneInfo:
    """An IANA time zone, or a clear error naming the bad value."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)"
        ) from None


def zone_key(name: object) -> str:
    """The IANA key of a time zone a user passed, once both zoneinfo and polars know it."""
    if not isinstance(name, str) or not name:
        raise ConfigurationError(
            f"time_zone must be an IANA name such as 'Europe/Berlin', not {name!r}"
        )
    key = zone(name).key
    try:
        pl.Series([datetime(2026, 1, 1, tzinfo=UTC)]).dt.convert_time_zone(key)
    except pl.exceptions.PolarsError:
        raise ConfigurationError(
            f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)"
        ) from None
    return key


def known_zone(name: object) -> bool:
    """Whether ``name`` is a time zone both zoneinfo and polars know (no error either way)."""
    if not isinstance(name, str) or not name:
        return False
    try:
        zone_key(name)
    except ConfigurationError:
        return False
    return True


def local_weekday_hour(
    frame: pl.DataFrame, *, at: pl.Expr, time_zone: str | None, what: str
) -> tuple[pl.DataFrame, int]:
    """``frame`` with ``weekday`` (1 = Monday … 7) and ``hour`` (0 … 23), Int8, of ``at`` in
    local time; the one rule the metrics and the charts bucket sessions by.

    ``at`` is an aware-timestamp expression: for sessions, ``metrics.session_moment()`` (the
    scheduled start, else the actual start). Converting an instant to a zone is exact across
    DST changes.

    Parameters
    ----------
    frame:
        The rows to place; with ``time_zone=None`` it needs a ``time_zone`` column.
    at:
        The instant of each row.
    time_zone:
        An IANA name (checked by :func:`zone_key`): every row in that zone. None: each row in its
        own ``time_zone``. A null zone is read as UTC; an unknown zone is read as UTC too and
        warns once (a ``DataWarning`` naming each zone and how many rows it held).
    what:
        The public function asking, to start the warning with.

    Returns
    -------
    tuple[polars.DataFrame, int]
        The frame (rows grouped by zone when each row has its own) and how many rows were read
        in UTC for want of a known zone (null or unknown).
    """

    def local(part: pl.DataFrame, name: str) -> pl.DataFrame:
        moment = at.dt.convert_time_zone(name)
        return part.with_columns(
            moment.dt.weekday().alias("weekday"), moment.dt.hour().alias("hour")
        )

    if time_zone is not None:
        return local(frame, zone_key(time_zone)), 0
    parts: list[pl.DataFrame] = []
    unknown: dict[str, int] = {}
    without = 0
    for (name,), part in frame.partition_by("time_zone", as_dict=True, maintain_order=True).items():
        if known_zone(name):
            parts.append(local(part, str(name)))
            continue
        without += part.height
        if name is not None:
            unknown[str(name)] = unknown.get(str(name), 0) + part.height
        parts.append(local(part, "UTC"))
    if unknown:
        shown = ", ".join(f"{name!r} ({count} session(s))" for name, count in unknown.items())
        warnings.warn(
            f"{what}: unknown time zone(s) {shown}; their weekday and hour are in UTC.",
            DataWarning,
            stacklevel=3,
        )
    if not parts:
        return local(frame, "UTC"), 0
    return pl.concat(parts), without
