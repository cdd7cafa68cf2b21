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
from typing import Any, Final, Literal

import polars as pl

from ._columns import FLOAT, HINT_SESSION_METRICS, require
from ._expressions import QUANTILE, finished, ratio
from ._people import reach as people_reach
from ._summaries import SUMMARY_INPUTS, summary_aggs

__all__ = ["KPIS", "KPI_KEYS", "Kpi", "kpi_bases", "kpis"]

KPI_KEYS = (
    "sessions",
    "finished_sessions",
    "registrants",
    "unique_attendees",
    "people_reached",
    "repeat_attendee_share",
    "attendance_rate",
    "median_start_delay_min",
    "p90_start_delay_min",
    "late_start_share",
    "mean_actual_duration_min",
    "overrun_share",
    "no_show_rate",
)
"""The keys of :func:`kpis`, in order."""


def kpis(
    sessions: pl.DataFrame,
    *,
    participants: pl.DataFrame | None = None,
    reach: pl.DataFrame | None = None,
) -> dict[str, float | int | None]:
    """Headline numbers of a frame from :func:`session_metrics` (keys :data:`KPI_KEYS`).

    ``sessions``, ``finished_sessions``: counts. ``registrants``, ``unique_attendees``: sums
    (None when unknown). ``people_reached``, ``repeat_attendee_share``: :func:`reach` of the
    ``participants`` of these sessions (None without participants; ``reach``: that row when
    already computed, read instead of ``participants``). ``attendance_rate``:
    weighted as in :func:`webinar_summary`.
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
    row.update(_reach(frame, participants, reach))
    return {key: row[key] for key in KPI_KEYS}


def _reach(
    sessions: pl.DataFrame, participants: pl.DataFrame | None, known: pl.DataFrame | None
) -> dict[str, Any]:
    if known is not None:
        return known.row(0, named=True)
    if participants is None:
        return {"people_reached": None, "repeat_attendee_share": None, "repeat_attendees": None}
    return people_reach(participants, sessions.get_column("session_id").to_list()).row(
        0, named=True
    )


def kpi_bases(
    sessions: pl.DataFrame,
    *,
    participants: pl.DataFrame | None = None,
    reach: pl.DataFrame | None = None,
) -> dict[str, tuple[int | None, int | None]]:
    """What each share of :func:`kpis` is computed from: key -> (numerator, denominator).

    Every share in :data:`KPIS` with a :attr:`Kpi.basis` has an entry, and numerator /
    denominator is that share exactly (None over a zero or unknown denominator), so a reader
    can check a rate from the two counts shown beside it. ``participants`` and ``reach`` as
    in :func:`kpis`.
    """
    frame = require(
        sessions,
        (*SUMMARY_INPUTS, "overrun", "no_show_count", "no_show_rate"),
        what="sessions",
        hint=HINT_SESSION_METRICS,
    )
    rated = pl.col("attendance_rate").is_not_null()
    has_rate = pl.col("no_show_rate").is_not_null()
    overrun_known = pl.col("overrun").filter(finished() & pl.col("overrun").is_not_null())
    row = frame.select(
        pl.col("unique_attendee_count").filter(rated).sum().alias("attended"),
        pl.col("registrant_count").filter(rated).sum().alias("rated_registrants"),
        pl.col("no_show_count").filter(has_rate).sum().alias("no_shows"),
        pl.col("registrant_count").filter(has_rate).sum().alias("listed_registrants"),
        pl.col("late_start").sum().alias("late"),
        pl.col("late_start").count().alias("started"),
        (overrun_known > timedelta(0)).sum().alias("ran_over"),
        overrun_known.count().alias("overrun_known"),
    ).row(0, named=True)
    people = _reach(frame, participants, reach)
    return {
        "attendance_rate": (row["attended"], row["rated_registrants"]),
        "no_show_rate": (row["no_shows"], row["listed_registrants"]),
        "late_start_share": (row["late"], row["started"]),
        "overrun_share": (row["ran_over"], row["overrun_known"]),
        "repeat_attendee_share": (people["repeat_attendees"], people["people_reached"]),
    }


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
    basis:
        For a share: what it is computed from, as a format of ``numerator`` and
        ``denominator`` (the counts of :func:`kpi_bases`); :meth:`basis_text` fills it.
    """

    key: str
    label: str
    unit: Literal["count", "share", "minutes"]
    better: Literal["higher", "lower", "neither"]
    definition: str
    formatter: Callable[[float | None], str]
    depth: Literal["sessions", "registrants", "participants"] = "sessions"
    basis: str | None = None

    def format(self, value: float | None) -> str:
        """``value`` as text (see :attr:`formatter`).

        >>> KPIS["attendance_rate"].format(0.4567)
        '45.7%'
        """
        return self.formatter(value)

    def basis_text(self, numerator: int | None, denominator: int | None) -> str:
        """What the share is computed from, as a reader checks it ("" without a basis).

        >>> KPIS["late_start_share"].basis_text(12, 48)
        '12 of 48 started sessions'
        """
        if self.basis is None or numerator is None or not denominator:
            return ""
        return self.basis.format(numerator=numerator, denominator=denominator)


def _kpi(
    key: str,
    label: str,
    unit: Literal["count", "share", "minutes"],
    better: Literal["higher", "lower", "neither"],
    definition: str,
    depth: Literal["sessions", "registrants", "participants"] = "sessions",
    basis: str | None = None,
) -> Kpi:
    return Kpi(key, label, unit, better, definition, _FORMATTERS[unit], depth, basis)


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
                "Live registrants (not post-webinar) of the sessions, summed; an upcoming"
                " session's so far.",
                "registrants",
            ),
            _kpi(
                "unique_attendees",
                "Attendees",
                "count",
                "higher",
                "The API's unique attendees of each session, summed: a person at two sessions"
                " counts twice (People reached counts them once).",
            ),
            _kpi(
                "attendance_rate",
                "Attendance rate",
                "share",
                "higher",
                "Attendees / live registrants, over the Finished sessions with registrants;"
                " walk-ins (attendees who never registered) count, so it can pass 100%.",
                "registrants",
                "{numerator:,} attendees / {denominator:,} registrants of Finished sessions",
            ),
            _kpi(
                "no_show_rate",
                "No-show rate",
                "share",
                "lower",
                "Live registrants who never joined / live registrants, over the Finished"
                " sessions whose registrant lists were synced.",
                "registrants",
                "{numerator:,} no-shows / {denominator:,} registrants",
            ),
            _kpi(
                "people_reached",
                "People reached",
                "count",
                "higher",
                "Different people who attended any of the sessions, told apart by the API's"
                " unique user hash (else their e-mail): a person at two sessions counts once.",
                "participants",
            ),
            _kpi(
                "repeat_attendee_share",
                "Repeat attendees",
                "share",
                "higher",
                "Share of the people reached who attended two or more of the sessions.",
                "participants",
                "{numerator:,} of {denominator:,} people",
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
                basis="{numerator:,} of {denominator:,} started sessions",
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
                basis="{numerator:,} of {denominator:,} Finished sessions",
            ),
        )
    }
)
"""Every key figure of :func:`kpis`, by key, in the order the report and the dashboard show
them (not :data:`KPI_KEYS`' order: the no-show rate sits beside the attendance rate, people
reached after both)."""
