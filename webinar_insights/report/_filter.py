"""What the report's filter bar works on: one compact row per session of the range and of the
previous period, with the few values the key figures, the summary and the tables are computed
from in the browser, and the choices each filter offers.

Columns, not records: one list per value (``columns``), strings replaced by their index in a
list given once (``webinars``, ``hosts``, ``titles``), times as local minutes. The page reads
them back in ``assets/report.js``; the values are those of ``metrics.session_metrics``, so the
page recomputes the figures with the same inputs ``metrics.kpis`` reads.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, time, timedelta
from functools import cache
from typing import Any, Final
from zoneinfo import ZoneInfo

import polars as pl

from webinar_insights import charts, metrics, schemas
from webinar_insights._periods import PERIODS
from webinar_insights._time import known_zone, local_weekday_hour
from webinar_insights.charts._audience import FORECAST_ROWS, forecast_labels
from webinar_insights.errors import DataWarning
from webinar_insights.theme import MUTED

from ._bundle import file_spec
from ._format import day_range
from ._tables import ANOMALY_ROWS, MIN_REGISTRANTS, SEVERITY_ORDER, WEBINAR_ROWS, shown_anomalies

__all__ = ["ANOMALIES_SHIPPED", "PEOPLE_VALUES_SHIPPED", "STATUSES", "filter_data"]

STATUSES: Final = tuple(schemas.SESSION_STATUS.categories)  # the status filter's first choices
ANOMALIES_SHIPPED: Final = 3_000
"""Anomalies the file carries for its table under a filter (most severe and recent first);
the kinds' counts cover all of them."""
PEOPLE_VALUES_SHIPPED: Final = 250_000
"""Values at most the file carries for each chart drawn from people (lead times, retention
minutes): beyond it the chart is not redrawn under a filter, and the page says so."""


def _minutes_since(moment: pl.Expr, origin: datetime) -> pl.Expr:
    """Whole minutes from ``origin`` to ``moment`` (floored)."""
    return ((moment - pl.lit(origin.astimezone(UTC))).dt.total_seconds() // 60).cast(pl.Int64)


def _midnights(origin: datetime, end: datetime, zone: ZoneInfo) -> list[int]:
    """Minutes from ``origin`` (a local midnight) to each local midnight after it, up to the
    first at or after ``end``: day ``i`` of the filter is ``[midnights[i], midnights[i + 1])``."""
    day = origin.astimezone(zone).date()
    found = []
    while True:
        moment = datetime.combine(day, time(0), tzinfo=zone)
        # In UTC: two times of one zone subtract as wall-clock times, blind to DST.
        found.append(int((moment.astimezone(UTC) - origin.astimezone(UTC)).total_seconds() // 60))
        if moment >= end:
            return found
        day += timedelta(days=1)


def _index(values: pl.Series) -> tuple[list[Any], pl.Series]:
    """The distinct values (in order of first appearance) and each value's index among them."""
    distinct = values.unique(maintain_order=True)
    positions = pl.Series(range(distinct.len()), dtype=pl.Int64)
    return distinct.to_list(), values.replace_strict(distinct, positions, return_dtype=pl.Int64)


def _seconds(column: str) -> pl.Expr:
    return (pl.col(column).dt.total_microseconds() / 1e6).round(3)


def filter_data(
    current: pl.DataFrame,
    previous: pl.DataFrame,
    anomalies: pl.DataFrame,
    *,
    start: datetime,
    end: datetime,
    previous_start: datetime,
    time_zone: str,
    withheld: Mapping[str, str],
    top: int,
    paged: Iterable[str],
    people: Mapping[str, Mapping[str, Any]],
    weekday_zone: str | None,
    late_after: timedelta,
    now: datetime,
    funnel: pl.DataFrame | None = None,
    lead_times: pl.DataFrame | None = None,
    retention: pl.DataFrame | None = None,
    attendees: tuple[pl.DataFrame | None, pl.DataFrame | None] = (None, None),
    audience: Mapping[str, pl.DataFrame] | None = None,
) -> dict[str, Any]:
    """The filter bar's data: ``current`` and ``previous`` are the report's sessions of its
    range and of the previous period (``session_metrics`` columns, hosts as shown).

    ``funnel`` (``metrics.session_funnel`` of the Finished sessions of the range),
    ``lead_times`` (``metrics.registration_lead_time``) and ``retention``
    (``metrics.retention_curve``) are the per-session data of the charts drawn from people,
    when the report has them; ``attendees`` the ``metrics.attendee_keys`` of the range and of
    the previous period (None where the report cannot count people); ``audience`` the
    per-session frames of the Audience section (``report._audience.Audience.per_session``)."""
    zone = ZoneInfo(time_zone)
    origin = datetime.combine(previous_start.astimezone(zone).date(), time(0), tzinfo=zone)
    rows = pl.concat(
        [
            current.with_columns(current=pl.lit(1, pl.Int8)),
            previous.with_columns(current=pl.lit(0, pl.Int8)),
        ],
        how="diagonal_relaxed",
    ).sort("scheduled_start", "session_id", nulls_last=True)
    moment = metrics.session_moment()
    finished = pl.col("status") == "Finished"
    overrun_known = finished & pl.col("overrun").is_not_null()
    has_no_show_rate = pl.col("no_show_rate").is_not_null()
    # The declared statuses, then any other the sessions have (a value a later API sends).
    statuses = schemas.with_new_values(STATUSES, rows.get_column("status").cast(pl.String).unique())
    webinars = rows.select(
        pl.col("webinar_id").fill_null(""), pl.col("webinar_title").fill_null("")
    ).unique("webinar_id", keep="first", maintain_order=True)
    webinar_ids = webinars.get_column("webinar_id")
    hosts, host_index = _index(rows.select(metrics.host_label()).to_series())
    titles, title_index = _index(rows.get_column("session_title").fill_null(""))
    table = rows.select(
        current=pl.col("current"),
        minute=_minutes_since(moment, origin),
        webinar=pl.col("webinar_id")
        .fill_null("")
        .replace_strict(webinar_ids, pl.Series(range(webinar_ids.len())), return_dtype=pl.Int64),
        status=pl.col("status")
        .cast(pl.String)
        .replace_strict(statuses, list(range(len(statuses))), default=None, return_dtype=pl.Int8),
        registrants=pl.col("registrant_count"),
        attendees=pl.col("unique_attendee_count"),
        rated=pl.col("attendance_rate").is_not_null().cast(pl.Int8),
        no_shows=pl.when(has_no_show_rate).then(pl.col("no_show_count")),
        delay=_seconds("start_delay"),
        late=pl.col("late_start").cast(pl.Int8),
        duration=_seconds("actual_duration"),
        overran=pl.when(overrun_known).then(pl.col("overrun") > timedelta(0)).cast(pl.Int8),
        overrun=_seconds("overrun"),
        # The scheduled start's seconds past its minute (null: not scheduled), for the
        # attendance chart's points.
        second=pl.col("scheduled_start").dt.second().cast(pl.Int8),
        # The zone's offset from UTC then (minutes), so the page reads local wall clocks
        # without asking the browser for each session.
        offset=(
            moment.dt.convert_time_zone(time_zone).dt.replace_time_zone(None)
            - moment.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        )
        .dt.total_minutes()
        .cast(pl.Int16),
    ).with_columns(
        slot=_slots(rows, weekday_zone),
        host=host_index,
        # Only sessions of the range are named (the tables list no earlier one).
        title=pl.when(pl.col("current") == 1).then(title_index),
        id=pl.when(pl.col("current") == 1).then(rows.get_column("session_id")),
    )
    shipped = _shipped_anomalies(anomalies, rows)
    return {
        "zone": time_zone,
        "origin": origin.date().isoformat(),
        "originUtc": int(origin.timestamp() // 60),
        "midnights": _midnights(origin, end, zone),
        "start": int((start - origin).total_seconds() // 60),
        "end": int((end - origin).total_seconds() // 60),
        "statuses": statuses,
        "webinars": webinars.rows(),
        "hosts": hosts,
        "titles": titles,
        "columns": {name: table.get_column(name).to_list() for name in table.columns},
        "withheld": dict(withheld),
        "kpis": [
            {
                "key": kpi.key,
                "label": kpi.label,
                "unit": kpi.unit,
                "better": kpi.better,
                "basis": kpi.basis,
            }
            for kpi in metrics.KPIS.values()
        ],
        "paged": sorted(paged),
        "people": dict(people),
        "previousRange": day_range(previous_start, start, time_zone),
        "webinarRows": WEBINAR_ROWS,
        # How the histograms bin (charts._histogram), at the bar widths the report draws.
        "histograms": {
            "maxBins": charts.MAX_BINS,
            "niceSteps": list(charts.NICE_STEPS),
            "overrunWidth": _default(charts.overrun_chart, "bin_minutes"),
            "delayWidth": _default(charts.start_delay_chart, "bin_minutes"),
            "delayHosts": _default(charts.start_delay_chart, "top"),
            "delayHostSessions": _default(charts.start_delay_chart, "min_sessions"),
            "lateAfterMin": late_after / timedelta(minutes=1),
            "muted": MUTED,  # the colour of the start-delay chart's "no host" line
        },
        # How the status timeline picks its sessions and rows, and ticks its time axis.
        "timeline": {
            "maxSessions": _default(charts.status_timeline_chart, "max_sessions"),
            "maxRows": _default(charts.status_timeline_chart, "max_rows"),
            "ticks": [
                [interval, length.total_seconds() * 1000, list(steps), label]
                for interval, length, steps, label in charts.TIME_TICKS
            ],
            "now": int((now - origin).total_seconds() // 60),
        },
        # The periods the attendance-rate and explore charts choose from, and how (the
        # shortest giving at most autoMax of them: _periods.fitting_period).
        "periods": {
            "list": [[p.every, p.name, p.days] for p in PERIODS],
            "autoMax": charts.AUTO_MAX_PERIODS,
        },
        # How many sessions the attendance-rate chart draws as dots at most.
        "attendance": {"maxPoints": charts.CHARTS["attendance_rate"].defaults["max_points"]},
        # The explore view as drawn for each period it may choose: the page fills in the data.
        "explore": {
            "hosts": _default(charts.explore_chart, "hosts"),
            "other": charts.OTHER_HOSTS,
            "templates": _explore_templates(time_zone),
        },
        "top": top,
        "minRegistrants": MIN_REGISTRANTS,
        "anomalyRows": ANOMALY_ROWS,
        "anomalies": shipped,
        "peopleCharts": _people_charts(rows, funnel, lead_times, retention),
        "reach": _attendees(rows, *attendees),
        "audience": _audience(rows, audience or {}),
    }


def _row_positions(rows: pl.DataFrame) -> pl.DataFrame:
    """Each session's row in the filter's table (``session_id``, ``row``), to join its
    per-session values on."""
    return pl.DataFrame(
        {"session_id": rows.get_column("session_id").cast(pl.String)}
    ).with_row_index("row")


def _attendees(
    rows: pl.DataFrame, current: pl.DataFrame | None, previous: pl.DataFrame | None
) -> dict[str, Any] | bool:
    """Who attended each session (a person as a small number, -1 for an attendee who is a
    person of their own), for people reached and repeat attendees under a filter; False
    beyond :data:`PEOPLE_VALUES_SHIPPED` pairs. ``current``/``previous``: whether the report
    counts people in the range and in the period before."""
    known = [keys for keys in (current, previous) if keys is not None]
    if sum(keys.height for keys in known) > PEOPLE_VALUES_SHIPPED:
        return False
    position = _row_positions(rows)
    pairs = (
        pl.concat(known).join(position, on="session_id", how="inner").sort("row")
        if known
        else pl.DataFrame(schema={"row": pl.UInt32, "person": pl.UInt64})
    )
    people = pairs.select(
        "row",
        person=pl.when(pl.col("person").is_not_null())
        .then(pl.col("person").rank("dense").cast(pl.Int64) - 1)
        .otherwise(-1),
    )
    return {
        "current": current is not None,
        "previous": previous is not None,
        "row": people.get_column("row").to_list(),
        "person": people.get_column("person").to_list(),
    }


def _audience(rows: pl.DataFrame, frames: Mapping[str, pl.DataFrame]) -> dict[str, Any]:
    """What the Audience charts are drawn again from under a filter, per session (a key per
    frame the report has; False where more than :data:`PEOPLE_VALUES_SHIPPED` values would be
    needed). New and returning people and the series cohorts read ``reach``'s attendee keys."""
    position = _row_positions(rows)

    def per_row(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.join(position, on="session_id", how="inner").sort("row", maintain_order=True)

    found: dict[str, Any] = {
        "maxRows": charts.MAX_ROWS,
        "smallSample": metrics.SMALL_SAMPLE,
        "forecastRows": FORECAST_ROWS,
    }
    channels = frames.get("channels")
    if channels is not None:
        names, index = _index(channels.get_column("channel"))
        counts = per_row(channels.with_columns(channel=index))
        found["channels"] = (
            False
            if counts.height > PEOPLE_VALUES_SHIPPED
            else {
                "names": names,
                **{
                    c: counts.get_column(c).to_list()
                    for c in ("row", "channel", "registered", "joined")
                },
            }
        )
    on_demand = frames.get("on_demand")
    if on_demand is not None:
        counts = per_row(on_demand)
        found["onDemand"] = {
            "row": counts.get_column("row").to_list(),
            "live": counts.get_column("live_registrants").to_list(),
            "post": counts.get_column("post_webinar_registrants").to_list(),
        }
    progress = frames.get("progress")
    if progress is not None:
        counts = per_row(progress)
        days = counts.get_column("by_day").list.len().max() or 0
        found["progress"] = (
            False
            if counts.height * days > PEOPLE_VALUES_SHIPPED  # type: ignore[operator]
            else {
                "row": counts.get_column("row").to_list(),
                "final": counts.get_column("final").to_list(),
                "byDay": counts.get_column("by_day").to_list(),
                "maxDays": days - 1,  # type: ignore[operator]
            }
        )
    forecast = frames.get("forecast")
    if forecast is not None:
        # In the chart's order (by scheduled start), labelled as the chart labels them.
        labelled = forecast_labels(forecast, rows).join(
            position, on="session_id", how="inner", maintain_order="left"
        )
        found["forecast"] = {
            name: labelled.get_column(column).to_list()
            for name, column in (
                ("row", "row"),
                ("label", "label"),
                ("basis", "basis"),
                ("soFar", "registrants_so_far"),
                ("registrants", "forecast_registrants"),
                ("registrantsLow", "registrants_low"),
                ("registrantsHigh", "registrants_high"),
                ("attendees", "forecast_attendees"),
                ("attendeesLow", "attendees_low"),
                ("attendeesHigh", "attendees_high"),
            )
        }
    return found


def _people_charts(
    rows: pl.DataFrame,
    funnel: pl.DataFrame | None,
    lead_times: pl.DataFrame | None,
    retention: pl.DataFrame | None,
) -> dict[str, Any]:
    """What the funnel, lead-time and retention charts are drawn again from: a key per chart
    the report has, False where more than :data:`PEOPLE_VALUES_SHIPPED` values would be
    needed (the page then names the chart as not filtered)."""
    position = _row_positions(rows)
    found: dict[str, Any] = {}
    if funnel is not None:
        counts = funnel.join(position, on="session_id", how="inner").sort("row")
        found["funnel"] = {name: counts.get_column(name).to_list() for name in counts.columns}
        found["funnel"].pop("session_id")
    if lead_times is not None:
        if lead_times.height > PEOPLE_VALUES_SHIPPED:
            found["lead_time"] = False
        else:
            leads = lead_times.join(position, on="session_id", how="inner").select(
                "row", us=pl.col("lead_time").dt.total_microseconds()
            )
            found["lead_time"] = {
                "row": leads.get_column("row").to_list(),
                "us": leads.get_column("us").to_list(),
                "binDays": _default(charts.registration_lead_time_chart, "bin_days"),
            }
    if retention is not None:
        if retention.height > PEOPLE_VALUES_SHIPPED:
            found["retention"] = False
        else:
            found["retention"] = _retention_curves(retention, position)
    return found


def _retention_curves(curve: pl.DataFrame, position: pl.DataFrame) -> dict[str, Any]:
    """Each session's attendees present at minutes 0, 1, … (the curve has every minute), and
    its attendees (the share's denominator), with the chart's templates for each shape."""
    share = pl.col("share_present")
    per_session = (
        curve.sort("session_id", "minute")
        .group_by("session_id", maintain_order=True)
        .agg(
            pl.col("attendees_present").alias("present"),
            # share = present / attendees, so any minute with someone present gives it back.
            (pl.col("attendees_present") / share)
            .filter(share > 0)
            .round()
            .max()
            .fill_null(1)
            .cast(pl.Int64)
            .alias("attendees"),
        )
        .join(position, on="session_id", how="inner")
        .sort("row")
    )
    return {
        "row": per_session.get_column("row").to_list(),
        "id": per_session.get_column("session_id").to_list(),
        "attendees": per_session.get_column("attendees").to_list(),
        "present": per_session.get_column("present").to_list(),
        "maxLines": _default(charts.retention_chart, "max_lines"),
        "maxRows": charts.MAX_ROWS // 2,
        "templates": _retention_templates(),
    }


@cache
def _explore_templates(time_zone: str) -> dict[str, Any]:
    """``charts.explore_chart`` of no session over a range of each period's length, keyed by
    the period it chooses (``"1d"``, ``"1w"``, …)."""
    empty = metrics.session_metrics(pl.DataFrame(schema=schemas.SESSIONS))
    templates: dict[str, Any] = {}
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for period in PERIODS:
        end = start + timedelta(days=period.days * charts.AUTO_MAX_PERIODS * 0.9)
        every, _ = charts.explore_period(start, end)
        templates[every] = file_spec(
            charts.explore_chart(empty, start=start, end=end, time_zone=time_zone)
        )
    return templates


@cache
def _retention_templates() -> dict[str, Any]:
    """The retention chart as drawn for one session, a few (a line each) and many (median and
    band): the page fills in the data and subtitle of the shape its sessions need."""
    many = _default(charts.retention_chart, "max_lines") + 1

    def drawn(sessions: int) -> dict[str, Any]:
        curve = pl.DataFrame(
            {
                "session_id": [f"s{i}" for i in range(sessions) for _ in range(2)],
                "minute": [0, 1] * sessions,
                "attendees_present": [1, 1] * sessions,
                "share_present": [1.0, 1.0] * sessions,
            },
            schema=metrics.RETENTION,
        )
        return file_spec(charts.retention_chart(curve))

    return {"one": drawn(1), "lines": drawn(2), "many": drawn(many)}


def _default(builder: Callable[..., Any], name: str) -> Any:
    """The default of a chart builder's keyword (the report draws with it)."""
    return inspect.signature(builder).parameters[name].default


def _slots(rows: pl.DataFrame, time_zone: str | None) -> pl.Series:
    """Each session's cell of the weekday/hour chart: (weekday - 1) * 24 + hour, by the chart's
    rule (``_time.local_weekday_hour`` in ``time_zone``, None: each session's own zone); 168
    more when its own zone is unknown and UTC stands in (the chart's subtitle counts those)."""
    framed = rows.select(metrics.session_moment(), "time_zone").with_row_index("row")
    placed = framed.filter(pl.col("session_moment").is_not_null())
    with warnings.catch_warnings():  # the chart itself warns of an unknown zone
        warnings.simplefilter("ignore", DataWarning)
        local, _ = local_weekday_hour(
            placed, at=pl.col("session_moment"), time_zone=time_zone, what="report"
        )
    zones = local.get_column("time_zone").unique().to_list()
    unknown = (
        pl.lit(False)
        if time_zone is not None
        else pl.col("time_zone").is_in([z for z in zones if not known_zone(z)])
        | pl.col("time_zone").is_null()
    )
    slots = local.select(
        "row",
        slot=(pl.col("weekday").cast(pl.Int64) - 1) * 24
        + pl.col("hour").cast(pl.Int64)
        + pl.when(unknown).then(168).otherwise(0),
    )
    return framed.join(slots, on="row", how="left").sort("row").get_column("slot")


def _shipped_anomalies(anomalies: pl.DataFrame, rows: pl.DataFrame) -> dict[str, Any]:
    """Every anomaly's session (row in the table), kind and severity; the reason of the
    :data:`ANOMALIES_SHIPPED` the table could show first."""
    position = {sid: i for i, sid in enumerate(rows.get_column("session_id").to_list())}
    ordered = shown_anomalies(anomalies, anomalies.height)
    kinds = list(metrics.ANOMALY_KINDS)
    kinds += sorted(set(ordered.get_column("kind").to_list()) - set(kinds))
    severities = sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__)
    return {
        "kinds": kinds,
        "severities": severities,
        "session": [position.get(sid) for sid in ordered.get_column("session_id").to_list()],
        "kind": [kinds.index(k) for k in ordered.get_column("kind").to_list()],
        "severity": [
            severities.index(s) if s in SEVERITY_ORDER else None
            for s in ordered.get_column("severity").to_list()
        ],
        "reason": ordered.get_column("reason").head(ANOMALIES_SHIPPED).to_list(),
    }
