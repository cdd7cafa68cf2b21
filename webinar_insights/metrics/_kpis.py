"""Key figures: :func:`kpis` computes them, :data:`KPIS` says what each one is.

The catalogue is the one home of a key figure's label, unit, better direction, definition and
formatting: the report's KPI header and the dashboard's KPI strip read it, so a figure is
spelled the same wherever it is shown. A new key figure gets its computation in :func:`kpis`,
its key in :data:`KPI_KEYS` and its entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import Final, Literal

import polars as pl

from ._columns import FLOAT, HINT_SESSION_METRICS, require
from ._expressions import QUANTILE, finished, ratio
from ._summaries import SUMMARY_INPUTS, summary_aggs

__all__ = ["KPIS", "KPI_KEYS", "Kpi", "kpis"]

KPI_KEYS = (
    "sessions",
    "finished_sessions",
    "registrants",
    "unique_attendees",
    "attendance_rate",
    "median_start_delay_min",
    "p90_start_delay_min",
    "late_start_share",
    "mean_actual_duration_min",
    "overrun_share",
    "no_show_rate",
)
"""The keys of :func:`kpis`, in order."""


def kpis(sessions: pl.DataFrame) -> dict[str, float | int | None]:
    """Headline numbers of a frame from :func:`session_metrics` (keys :data:`KPI_KEYS`).

    ``sessions``, ``finished_sessions``: counts. ``registrants``, ``unique_attendees``: sums
    (None when unknown). ``attendance_rate``: weighted as in :func:`webinar_summary`.
    ``median_start_delay_min``, ``p90_start_delay_min``: over started sessions.
    ``late_start_share``: share of started sessions that started late.
    ``mean_actual_duration_min``: over Finished sessions. ``overrun_share``: share of Finished
    sessions (with a known overrun) whose overrun is above 0. ``no_show_rate``: weighted, the sum
    of no-shows over the sum of registrants of the sessions that have a no-show rate. A share
    or rate with nothing to divide is None. :data:`KPIS` labels and formats each one.
    """
    frame = require(
        sessions,
        (*SUMMARY_INPUTS, "overrun", "no_show_count", "no_show_rate"),
        what="sessions",
        hint=HINT_SESSION_METRICS,
    )
    by_name = {expr.meta.output_name(): expr for expr in summary_aggs()}
    has_rate = pl.col("no_show_rate").is_not_null()
    overrun_known = pl.col("overrun").filter(finished())
    row = frame.select(
        by_name["sessions"],
        by_name["finished_sessions"],
        by_name["registrants"],
        by_name["unique_attendees"],
        by_name["attendance_rate"],
        by_name["median_start_delay_min"],
        pl.col("start_delay_min").quantile(0.9, QUANTILE).cast(FLOAT).alias("p90_start_delay_min"),
        by_name["late_start_share"],
        by_name["mean_actual_duration_min"],
        (overrun_known > timedelta(0)).cast(FLOAT).mean().alias("overrun_share"),
        ratio(
            pl.col("no_show_count").filter(has_rate).sum(),
            pl.col("registrant_count").filter(has_rate).sum(),
        ).alias("no_show_rate"),
    ).row(0, named=True)
    return {key: row[key] for key in KPI_KEYS}


def _count(value: float | None) -> str:
    return "–" if value is None else f"{int(value):,}"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{float(value):.1%}"


def _minutes(value: float | None) -> str:
    return "–" if value is None else f"{float(value):.1f} min"


_FORMATTERS: Final[Mapping[str, Callable[[float | None], str]]] = {
    "count": _count,
    "share": _share,
    "minutes": _minutes,
}


@dataclass(frozen=True, slots=True)
class Kpi:
    """One key figure of :func:`kpis`, as the report and the dashboard show it.

    Attributes
    ----------
    key:
        Its key in :func:`kpis` (and :data:`KPI_KEYS`); the report's element id is
        ``kpi-<key with - for _>``.
    label:
        What it is called wherever it is shown (one label: no short form).
    unit:
        ``"count"`` (a whole number), ``"share"`` (0 … 1, shown as a percentage; a change is
        in percentage points) or ``"minutes"``.
    better:
        Which way is good news: ``"higher"``, ``"lower"`` or ``"neither"`` (a change is then
        neither better nor worse).
    definition:
        One sentence saying how it is computed (METRICS.md has the rules), for a tooltip or the
        report's notes.
    formatter:
        Its value as text: counts with thousands separators, shares as ``12.3%``, minutes as
        ``1.5 min``; an unknown value (None) as ``–``. :meth:`format` calls it.
    depth:
        The sync depth its data needs (``"sessions"``, ``"registrants"`` or
        ``"participants"``): a comparison of it is shown only where the store covers both
        periods at this depth.
    """

    key: str
    label: str
    unit: Literal["count", "share", "minutes"]
    better: Literal["higher", "lower", "neither"]
    definition: str
    formatter: Callable[[float | None], str]
    depth: Literal["sessions", "registrants", "participants"] = "sessions"

    def format(self, value: float | None) -> str:
        """``value`` as text (see :attr:`formatter`).

        >>> KPIS["attendance_rate"].format(0.4567)
        '45.7%'
        """
        return self.formatter(value)


def _kpi(
    key: str,
    label: str,
    unit: Literal["count", "share", "minutes"],
    better: Literal["higher", "lower", "neither"],
    definition: str,
    depth: Literal["sessions", "registrants", "participants"] = "sessions",
) -> Kpi:
    return Kpi(key, label, unit, better, definition, _FORMATTERS[unit], depth)


KPIS: Final[Mapping[str, Kpi]] = MappingProxyType(
    {
        kpi.key: kpi
        for kpi in (
            _kpi("sessions", "Sessions", "count", "neither", "Sessions in the range, any status."),
            _kpi(
                "finished_sessions",
                "Finished sessions",
                "count",
                "neither",
                "Sessions with status Finished.",
            ),
            _kpi(
                "registrants",
                "Registrants",
                "count",
                "higher",
                "Live registrants (not post-webinar) summed over the sessions.",
                "registrants",
            ),
            _kpi(
                "unique_attendees",
                "Unique attendees",
                "count",
                "higher",
                "Unique attendees per session, summed: a person at two sessions counts twice.",
            ),
            _kpi(
                "attendance_rate",
                "Attendance rate",
                "share",
                "higher",
                "Weighted: unique attendees / live registrants of the Finished sessions with"
                " registrants.",
                "registrants",
            ),
            _kpi(
                "no_show_rate",
                "No-show rate",
                "share",
                "lower",
                "Weighted: live registrants who never joined / live registrants (needs"
                " registrant lists).",
                "registrants",
            ),
            _kpi(
                "median_start_delay_min",
                "Median start delay",
                "minutes",
                "lower",
                "Median of actual start − scheduled start over started sessions (negative: early).",
            ),
            _kpi(
                "p90_start_delay_min",
                "90th percentile start delay",
                "minutes",
                "lower",
                "90th percentile of the start delay over started sessions.",
            ),
            _kpi(
                "late_start_share",
                "Late starts",
                "share",
                "lower",
                "Share of started sessions that went live more than the late-start threshold"
                " (5 minutes unless set otherwise) after their scheduled start.",
            ),
            _kpi(
                "mean_actual_duration_min",
                "Mean duration",
                "minutes",
                "neither",
                "Mean actual duration (actual end − actual start) of Finished sessions.",
            ),
            _kpi(
                "overrun_share",
                "Sessions that ran over",
                "share",
                "lower",
                "Share of Finished sessions that ran longer than scheduled.",
            ),
        )
    }
)
"""Every key figure of :func:`kpis`, by key, in the order the report and the dashboard show
them (not :data:`KPI_KEYS`' order: the no-show rate sits beside the attendance rate)."""
