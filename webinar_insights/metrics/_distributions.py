"""Distributions: percentiles of a session metric per host, webinar or local weekday and hour."""

from __future__ import annotations

from typing import Literal, TypeAlias

import polars as pl

from webinar_insights._checks import check_choice
from webinar_insights._time import local_weekday_hour, zone_key

from ._columns import FLOAT, HINT_SESSION_METRICS, INT, require
from ._expressions import QUANTILE, host_key, session_moment

__all__ = ["BandBy", "BandValue", "percentile_bands"]

BandValue: TypeAlias = Literal["attendance_rate", "start_delay_min"]
"""The session columns :func:`percentile_bands` can summarise."""

BandBy: TypeAlias = Literal["host", "webinar", "weekday_hour"]
"""How :func:`percentile_bands` groups sessions."""


def percentile_bands(
    sessions: pl.DataFrame,
    *,
    value: BandValue,
    by: BandBy,
    time_zone: str | None = None,
) -> pl.DataFrame:
    """Percentiles of a session metric per group: group columns, then n, p25, p50, p75, p90.

    Parameters
    ----------
    sessions:
        A frame from :func:`session_metrics`.
    value:
        ``"attendance_rate"`` or ``"start_delay_min"``. Null values are ignored; ``n`` counts
        the values used, and a group without any value has no row.
    by:
        ``"host"`` (``host_user_id``, ``host_name``; hosts told apart by :func:`host_key`),
        ``"webinar"`` (``webinar_id``, ``webinar_title``) or ``"weekday_hour"`` (``weekday``
        1 = Monday … 7 and ``hour`` 0 … 23, Int8, of the :func:`session_moment` in local time:
        the same cells as ``charts.weekday_hour_chart``).
    time_zone:
        For ``"weekday_hour"``: the IANA zone to read local time in; None (default) uses each
        session's own ``time_zone`` (UTC where it is null; an unknown zone warns with a
        ``DataWarning`` and uses UTC).

    Returns
    -------
    polars.DataFrame
        Sorted by the group columns; percentiles interpolate linearly (p25 ≤ p50 ≤ p75 ≤ p90).
    """
    check_choice(value, "value", ("attendance_rate", "start_delay_min"))
    check_choice(by, "by", ("host", "webinar", "weekday_hour"))
    if time_zone is not None:
        time_zone = zone_key(time_zone)
    groups = {
        "host": ("host_user_id", "host_name"),
        "webinar": ("webinar_id", "webinar_title"),
        "weekday_hour": ("scheduled_start", "actual_start")
        + (("time_zone",) if time_zone is None else ()),
    }[by]
    frame = require(sessions, (value, *groups), what="sessions", hint=HINT_SESSION_METRICS)
    frame = frame.filter(pl.col(value).is_not_null())
    labels: list[str]
    if by == "weekday_hour":
        frame, _ = local_weekday_hour(
            frame, at=session_moment(), time_zone=time_zone, what="percentile_bands"
        )
        keys, labels = ["weekday", "hour"], []
    elif by == "host":
        frame = frame.with_columns(host_key().alias("__host__"))
        keys, labels = ["__host__"], ["host_user_id", "host_name"]
    else:
        keys, labels = ["webinar_id"], ["webinar_title"]
    column = pl.col(value).cast(FLOAT)
    bands = frame.group_by(*keys).agg(
        *(pl.col(label).drop_nulls().first() for label in labels),
        pl.len().cast(INT).alias("n"),
        *(
            column.quantile(q, QUANTILE).alias(name)
            for name, q in (("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p90", 0.9))
        ),
    )
    if by == "host":
        return bands.sort(["host_user_id", "__host__"], nulls_last=True).drop("__host__")
    return bands.sort(keys, nulls_last=True)
