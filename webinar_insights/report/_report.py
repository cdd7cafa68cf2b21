"""``build_report`` and ``report_from_store``: frames in, a frozen :class:`Report` out.

Everything the document shows is computed here, once, into the report's frames and charts; the
HTML (``_render``) and the exports (``_export``) only read them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import polars as pl

from webinar_insights import charts, metrics, schemas
from webinar_insights._files import atomic_write
from webinar_insights._time import TimeLike, to_utc, zone, zone_key
from webinar_insights.errors import ConfigurationError
from webinar_insights.store import NEVER_RAN_GRACE, Store

from ._bundle import vega_bundle
from ._explore import explore_chart, explore_period, host_label
from ._export import export_data
from ._render import render_document, summary_text

__all__ = [
    "DEFAULT_TITLE",
    "FRAME_NAMES",
    "Report",
    "ReportChart",
    "build_report",
    "report_from_store",
    "report_range",
]

DEFAULT_TITLE: Final = "Webinar program report"

FRAME_NAMES: Final = (
    "sessions",
    "kpis",
    "webinars",
    "hosts",
    "periods",
    "anomalies",
    "top_sessions",
    "bottom_sessions",
    "retention",
    "funnel",
    "lead_time",
)
"""The frames behind a report (``Report.frames``), in this order; each is exported by name."""

_STATUSES: Final = tuple(schemas.SESSION_STATUS.categories.to_list())
_MIN_REGISTRANTS = 10  # a session ranks by attendance rate only with this many registrants
_MAX_POINTS = 1_000  # attendance points drawn at most (the trend uses every session)
_TIMELINE_SESSIONS = 40


@dataclass(frozen=True, slots=True)
class ReportChart:
    """One chart of the report: ``key`` names its element (``chart-<key>``) and export files."""

    key: str
    title: str
    caption: str
    chart: charts.AnyChart


@dataclass(frozen=True, eq=False)
class Report:
    """A finished report: computed once, never changed (use :func:`dataclasses.replace`).

    ``to_html()`` gives the self-contained document, ``write_html(path)`` writes it and
    ``export_data(directory)`` writes the frames (Parquet and CSV) and charts (SVG and PNG)
    behind it. The range is ``[start, end)`` in UTC; the previous period, ``[previous_start,
    start)``, is as long just before it (as many local days when the range is whole days).
    """

    title: str
    as_of: datetime
    start: datetime
    end: datetime
    previous_start: datetime
    time_zone: str
    kpis: Mapping[str, float | int | None]
    previous_kpis: Mapping[str, float | int | None]
    charts: tuple[ReportChart, ...]
    frames: Mapping[str, pl.DataFrame]
    include_personal_data: bool = False
    provenance: Mapping[str, Any] | None = None
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    notes: tuple[str, ...] = ()
    top: int = 10
    period_unit: str = "week"
    previous_sessions: int = 0

    @property
    def previous_end(self) -> datetime:
        return self.start

    def summary(self) -> str:
        """The key figures and their changes as a few plain lines (what the CLI prints)."""
        return summary_text(self)

    def to_html(self) -> str:
        """The report as one HTML document that needs no network (about 1 MB of it is Vega)."""
        return render_document(self, bundle=vega_bundle())

    def write_html(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_html` to ``path`` (parent folders created); returns the path.

        The file appears whole or not at all: it is written beside and renamed into place.
        """
        target = Path(path)
        document = self.to_html()  # render first: a failure leaves nothing behind
        atomic_write(target, document.encode("utf-8"))
        return target

    def export_data(self, directory: str | os.PathLike[str], *, images: bool = True) -> list[Path]:
        """Write each frame as Parquet and CSV and each chart as SVG and PNG into ``directory``.

        CSV cells that begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a
        leading ``'`` so that a spreadsheet does not run them as formulas (text columns only:
        numbers stay numbers). Returns the files written.
        """
        return export_data(self, Path(directory), images=images)


# ---------------------------------------------------------------------------------------------
# Inputs: time zone, range, privacy.


def _zone_name(time_zone: str | None) -> str:
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


def _moment() -> pl.Expr:
    """When a session counts as happening: its scheduled start, else its actual start."""
    return pl.coalesce(pl.col("scheduled_start"), metrics.actual_start())


def _local_midnight(moment: datetime, time_zone: str, *, after: bool) -> datetime:
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
    tz = _zone_name(time_zone)
    lower = None if start is None else _bound(start, name="start", time_zone=tz, end=False)
    upper = None if end is None else _bound(end, name="end", time_zone=tz, end=True)
    if lower is not None and upper is not None and upper <= lower:
        raise ConfigurationError(
            f"the range is empty or reversed: start {lower:%Y-%m-%d %H:%M} is not before end"
            f" {upper:%Y-%m-%d %H:%M} (UTC)"
        )
    return lower, upper


def _resolve_range(
    sessions: pl.DataFrame,
    start: TimeLike | None,
    end: TimeLike | None,
    *,
    time_zone: str,
    now: datetime,
) -> tuple[datetime, datetime]:
    """``report_range``, with the days the sessions span for a bound left out."""
    lower, upper = report_range(start, end, time_zone=time_zone)
    first, last = sessions.select(_moment().min().alias("first"), _moment().max()).row(0)
    if lower is None:
        lower = _local_midnight(first or now, time_zone, after=False)
    if upper is None:
        upper = _local_midnight(max(last or now, lower), time_zone, after=True)
    if upper <= lower:
        raise ConfigurationError(
            f"the range is empty or reversed: start {lower:%Y-%m-%d %H:%M} is not before end"
            f" {upper:%Y-%m-%d %H:%M} (UTC)"
        )
    return lower, upper


def _previous_start(start: datetime, end: datetime, time_zone: str) -> datetime:
    """The start of the period before ``[start, end)``: as many local days when the range is
    whole days in ``time_zone`` (so a DST change does not shift it by an hour), else as long."""
    local = zone(time_zone)
    first, last = start.astimezone(local), end.astimezone(local)
    if first.time() == time(0) and last.time() == time(0):
        days = (last.date() - first.date()).days
        earlier = datetime.combine(first.date() - timedelta(days=days), time(0))
        return earlier.replace(tzinfo=local).astimezone(UTC)
    return start - (end - start)


def _without_host_names(sessions: pl.DataFrame) -> pl.DataFrame:
    """Hosts by user id only; a host without one becomes "unlinked host N" (N: name order)."""
    unlinked = (
        sessions.filter(pl.col("host_user_id").is_null() & pl.col("host_name").is_not_null())
        .get_column("host_name")
        .unique()
        .sort()
    )
    numbers = pl.Series(range(1, len(unlinked) + 1), dtype=pl.Int64)
    pseudonym = pl.format(
        "unlinked host {}",
        pl.col("host_name").replace_strict(unlinked, numbers, default=None, return_dtype=pl.Int64),
    )
    return sessions.with_columns(
        host_name=pl.when(pl.col("host_user_id").is_null() & pl.col("host_name").is_not_null())
        .then(pseudonym)
        .otherwise(pl.lit(None, dtype=pl.String))
    )


# ---------------------------------------------------------------------------------------------
# Tables.


def _ranked_sessions(sessions: pl.DataFrame, *, top: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The ``top`` Finished sessions with the highest attendance rate and the ``top`` with the
    lowest (lowest first), among those with enough registrants; never one session in both:
    with fewer than ``2 * top`` sessions, the better half is the top and the rest the bottom."""
    rated = sessions.filter(
        pl.col("attendance_rate").is_not_null(), pl.col("registrant_count") >= _MIN_REGISTRANTS
    ).sort(
        ["attendance_rate", "registrant_count", "session_id"],
        descending=[True, True, False],
    )
    best = min(top, (rated.height + 1) // 2)
    worst = min(top, rated.height - best)
    columns = [
        "session_id",
        "webinar_id",
        "session_title",
        "webinar_title",
        host_label().alias("host"),
        "scheduled_start",
        "registrant_count",
        "unique_attendee_count",
        "attendance_rate",
        "start_delay_min",
        "actual_duration_min",
    ]
    highest = rated.head(best).select(columns)
    lowest = rated.tail(worst).reverse().select(columns)
    return highest, lowest


def _with_webinar_titles(anomalies: pl.DataFrame, sessions: pl.DataFrame) -> pl.DataFrame:
    """The anomalies with each session's ``webinar_title`` after ``webinar_id``."""
    titles = sessions.select("session_id", "webinar_title").unique("session_id", keep="first")
    joined = anomalies.join(titles, on="session_id", how="left", maintain_order="left")
    names = anomalies.columns
    at = names.index("webinar_id") + 1
    return joined.select([*names[:at], "webinar_title", *names[at:]])


def _kpi_frame(current: Mapping[str, Any], previous: Mapping[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "kpi": list(metrics.KPI_KEYS),
            "value": [_as_float(current.get(k)) for k in metrics.KPI_KEYS],
            "previous_value": [_as_float(previous.get(k)) for k in metrics.KPI_KEYS],
        },
        schema={"kpi": pl.String, "value": pl.Float64, "previous_value": pl.Float64},
    )


def _as_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _people(frame: pl.DataFrame | None, ids: pl.Series, *, what: str) -> pl.DataFrame | None:
    if frame is None:
        return None
    if not isinstance(frame, pl.DataFrame):
        raise ConfigurationError(f"{what} must be a polars DataFrame, not {type(frame).__name__}")
    if frame.is_empty() or "session_id" not in frame.columns:
        return frame
    return frame.filter(pl.col("session_id").is_in(ids.implode()))


# ---------------------------------------------------------------------------------------------
# The report.


def build_report(
    sessions: pl.DataFrame,
    *,
    participants: pl.DataFrame | None = None,
    registrants: pl.DataFrame | None = None,
    title: str | None = None,
    start: TimeLike | None = None,
    end: TimeLike | None = None,
    time_zone: str | None = None,
    now: TimeLike | None = None,
    include_personal_data: bool = False,
    provenance: Mapping[str, Any] | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
    top: int = 10,
    late_after: timedelta = timedelta(minutes=5),
) -> Report:
    """Compute a report of the sessions in ``[start, end)`` against the period before it.

    Parameters
    ----------
    sessions:
        The sessions frame (``frames.sessions_frame`` or ``Store.sessions()``), with or without
        the ``session_metrics`` columns. Pass sessions before ``start`` too: those of the
        previous period of equal length give the KPI changes.
    participants, registrants:
        Optional people frames: retention, the registration funnel, lead times, no-shows and the
        leave-before-join check need them. Their names and e-mail addresses never reach the
        report.
    title:
        The document's title (default "Webinar program report").
    start, end:
        The range: dates (midnight in ``time_zone``; ``end`` is included), date-times or ISO
        strings. Default: the days the sessions span.
    time_zone:
        IANA name the periods and times are shown in (default UTC).
    now:
        The moment the report describes ("as of"; Active sessions run up to it). Default: now.
    include_personal_data:
        Show host names. By default hosts appear by their user id only; participants' and
        registrants' names and e-mail addresses are never shown either way.
    provenance:
        ``Store.provenance()``: when and what was synced, for the data notes.
    filters:
        What the sessions were filtered on before (for the data notes), e.g.
        ``{"webinars": ["123"]}``.
    top:
        Rows of the top and bottom sessions tables (sessions with at least 10 registrants,
        ranked by attendance rate).
    late_after:
        A session starting more than this after its scheduled start is late.

    Raises
    ------
    ConfigurationError
        A frame lacks columns, the range is reversed, the time zone is unknown.
    """
    if not isinstance(sessions, pl.DataFrame):
        raise ConfigurationError(
            f"sessions must be a polars DataFrame (e.g. Store.sessions()), not {type(sessions).__name__}"
        )
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= 100:
        raise ConfigurationError(f"top must be a whole number from 1 to 100, not {top!r}")
    tz = _zone_name(time_zone)
    as_of = datetime.now(UTC) if now is None else to_utc(now, name="now")
    every = metrics.session_metrics(
        sessions,
        registrants=registrants if registrants is not None and not registrants.is_empty() else None,
        late_after=late_after,
    )
    if not include_personal_data:
        every = _without_host_names(every)
    lower, upper = _resolve_range(every, start, end, time_zone=tz, now=as_of)
    earlier = _previous_start(lower, upper, tz)
    moment = _moment()
    current = every.filter(moment >= lower, moment < upper).sort(
        "scheduled_start", "session_id", nulls_last=True
    )
    previous = every.filter(moment >= earlier, moment < lower)
    ids = current.get_column("session_id")
    people = _people(participants, ids, what="participants")
    registered = _people(registrants, ids, what="registrants")
    every_unit, unit = explore_period(lower, upper)

    notes: list[str] = []
    frames: dict[str, pl.DataFrame] = {
        "sessions": current,
        "webinars": metrics.webinar_summary(current).sort(
            ["sessions", "registrants", "webinar_id"],
            descending=[True, True, False],
            nulls_last=True,
        ),
        "hosts": metrics.host_summary(current)
        .with_columns(host=host_label())
        .sort(["sessions", "host"], descending=[True, False]),
        "periods": metrics.period_summary(current, every=every_unit, time_zone=tz),
        "anomalies": _with_webinar_titles(
            metrics.anomalies(current, participants=people, late_after=late_after), current
        ),
    }
    frames["top_sessions"], frames["bottom_sessions"] = _ranked_sessions(current, top=top)
    current_kpis = metrics.kpis(current)
    previous_kpis = metrics.kpis(previous)
    frames["kpis"] = _kpi_frame(current_kpis, previous_kpis)

    report_charts = [
        ReportChart(
            "explore",
            "Explore",
            "Linked views: a period, host or status picked in one filters the others.",
            explore_chart(current, start=lower, end=upper, time_zone=tz),
        ),
        ReportChart(
            "attendance-rate",
            "Attendance rate",
            "Unique attendees / live registrants of each Finished session with registrants.",
            charts.attendance_rate_chart(current, time_zone=tz, max_points=_MAX_POINTS),
        ),
        ReportChart(
            "start-delay",
            "Start delay",
            "How late sessions went live, and which hosts start latest.",
            charts.start_delay_chart(current, late_after=late_after),
        ),
        ReportChart(
            "overrun",
            "Overrun",
            "Actual minus scheduled duration of Finished sessions.",
            charts.overrun_chart(current),
        ),
        ReportChart(
            "status-timeline",
            "Session timeline",
            "Scheduled and live windows of the sessions nearest to the report's clock.",
            charts.status_timeline_chart(
                current, now=as_of, time_zone=tz, max_sessions=_TIMELINE_SESSIONS
            ),
        ),
        ReportChart(
            "weekday-hour",
            "When sessions run",
            "Sessions per weekday and hour of their scheduled start.",
            charts.weekday_hour_chart(current, time_zone=tz if time_zone is not None else None),
        ),
    ]
    if people is not None:
        curve = metrics.retention_curve(people, current)
        frames["retention"] = curve
        report_charts.append(
            ReportChart(
                "retention",
                "Retention",
                "Share of attendees present minute by minute: an upper bound.",
                charts.retention_chart(curve),
            )
        )
    else:
        notes.append(
            "Participants were not given (sync with depth participants): no retention curve, no"
            " leave-before-join check, and the funnel stops at registration."
        )
    if registered is not None:
        funnel = metrics.registration_funnel(
            current, registered, people if people is not None else pl.DataFrame()
        )
        lead = metrics.registration_lead_time(registered, current)
        frames["funnel"] = funnel
        frames["lead_time"] = lead
        report_charts.append(
            ReportChart(
                "funnel",
                "Registration funnel",
                "Registered, attended, stayed: each stage a subset of the one before.",
                charts.registration_funnel_chart(funnel),
            )
        )
        report_charts.append(
            ReportChart(
                "lead-time",
                "Registration lead time",
                "How long before the start people register.",
                charts.registration_lead_time_chart(lead),
            )
        )
    else:
        notes.append(
            "Registrants were not given (sync with depth registrants or participants): no funnel,"
            " no lead times and no no-show rate."
        )
    if previous.is_empty():
        notes.append(
            "No sessions in the previous period of equal length: the KPI header shows no changes."
        )
    never_ran = current.filter(
        pl.col("status") == "Scheduled", pl.col("scheduled_end") + NEVER_RAN_GRACE <= as_of
    ).height
    if never_ran:
        notes.append(
            f"{never_ran:,} sessions never ran: still Scheduled more than a day after their"
            " planned end. They count as sessions but have no start delay or attendance rate."
        )
    notes += [
        f"Not read when the store was synced, so the figures built from them leave these out: {line}."
        for line in (provenance or {}).get("problems") or []
    ]
    notes += [
        f"Read but not usable as the API sent it (set aside, or loaded with the odd value as"
        f" empty): {line}."
        for line in (provenance or {}).get("quarantined") or []
    ]
    ordered: dict[str, pl.DataFrame] = {n: frames[n] for n in FRAME_NAMES if n in frames}
    return Report(
        title=DEFAULT_TITLE if title is None else str(title),
        as_of=as_of,
        start=lower,
        end=upper,
        previous_start=earlier,
        time_zone=tz,
        kpis=MappingProxyType(dict(current_kpis)),
        previous_kpis=MappingProxyType(dict(previous_kpis)),
        charts=tuple(report_charts),
        frames=MappingProxyType(ordered),
        include_personal_data=include_personal_data,
        provenance=None if provenance is None else MappingProxyType(dict(provenance)),
        filters=tuple((k, tuple(v)) for k, v in (filters or {}).items() if v),
        notes=tuple(notes),
        top=top,
        period_unit=unit,
        previous_sessions=previous.height,
    )


def _check_ids(
    frame: pl.DataFrame, column: str, wanted: Sequence[str] | None, *, what: str
) -> list[str] | None:
    if not wanted:
        return None
    known = set(frame.get_column(column).drop_nulls().to_list())
    unknown = [value for value in wanted if value not in known]
    if unknown:
        example = ", ".join(sorted(known)[:3])
        raise ConfigurationError(
            f"unknown {what} id(s) {', '.join(unknown)}: the store holds {len(known):,} {what}s"
            + (f" (e.g. {example})" if example else "")
        )
    return list(dict.fromkeys(wanted))


def report_from_store(
    store: Store | str | os.PathLike[str],
    *,
    start: TimeLike | None = None,
    end: TimeLike | None = None,
    webinars: Sequence[str] | None = None,
    hosts: Sequence[str] | None = None,
    statuses: Sequence[str] | None = None,
    **options: Any,
) -> Report:
    """:func:`build_report` of what a :class:`~webinar_insights.Store` holds, filtered.

    Parameters
    ----------
    store:
        A store or its directory.
    start, end:
        The range, as in :func:`build_report`.
    webinars, hosts:
        Only these webinar ids / host user ids; an id the store does not hold is an error.
    statuses:
        Only sessions of these statuses (Scheduled, Active, Finished).
    **options:
        Passed to :func:`build_report` (``title``, ``time_zone``, ``now``,
        ``include_personal_data``, ``top``, ``late_after``).

    Raises
    ------
    StoreError
        There is no store at the path, or it cannot be read.
    ConfigurationError
        The store holds no sessions, an id is unknown, the range is reversed or holds no
        sessions, or the time zone is unknown.
    """
    store = store if isinstance(store, Store) else Store(store)
    sessions = store.sessions()
    if sessions.is_empty():
        raise ConfigurationError(
            f"the store at {store.path} holds no sessions; sync first"
            " (webinar-insights sync --from ... --to ...)"
        )
    wanted_webinars = _check_ids(sessions, "webinar_id", webinars, what="webinar")
    wanted_hosts = _check_ids(sessions, "host_user_id", hosts, what="host")
    bad = [s for s in statuses or () if s not in _STATUSES]
    if bad:
        raise ConfigurationError(f"unknown status(es) {', '.join(bad)}; use {', '.join(_STATUSES)}")
    if wanted_webinars:
        sessions = sessions.filter(pl.col("webinar_id").is_in(wanted_webinars))
    if wanted_hosts:
        sessions = sessions.filter(pl.col("host_user_id").is_in(wanted_hosts))
    if statuses:
        sessions = sessions.filter(pl.col("status").cast(pl.String).is_in(list(statuses)))
    if sessions.is_empty():
        raise ConfigurationError(
            "no session in the store matches the webinar, host and status filters"
        )
    tz = _zone_name(options.get("time_zone"))
    now = options.get("now")
    as_of = datetime.now(UTC) if now is None else to_utc(now, name="now")
    lower, upper = _resolve_range(sessions, start, end, time_zone=tz, now=as_of)
    moment = _moment()
    if sessions.filter(moment >= lower, moment < upper).is_empty():
        first, last = sessions.select(moment.min().alias("first"), moment.max()).row(0)
        raise ConfigurationError(
            f"no session between {lower:%Y-%m-%d %H:%M} and {upper:%Y-%m-%d %H:%M} (UTC); the"
            f" store's sessions run from {first:%Y-%m-%d} to {last:%Y-%m-%d}"
        )
    ids = sessions.get_column("session_id").to_list()
    provenance = store.provenance()
    filters = {
        "webinars": wanted_webinars or [],
        "hosts": wanted_hosts or [],
        "statuses": list(statuses or []),
    }
    participants = store.participants(ids)
    registrants = store.registrants(ids)
    fetched = {fetch["depth"] for fetch in provenance.get("syncs", [])}
    return build_report(
        sessions,
        participants=participants
        if "participants" in fetched or not participants.is_empty()
        else None,
        registrants=registrants
        if fetched & {"registrants", "participants"} or not registrants.is_empty()
        else None,
        start=lower,
        end=upper,
        provenance=provenance,
        filters=filters,
        **{k: v for k, v in options.items() if k not in ("start", "end")},
    )
