"""``build_report`` and ``report_from_store``: frames in, a frozen :class:`Report` out.

Everything the document shows is computed here, once, into the report's frames and charts; the
HTML (``_render``), the summary (``_summary``) and the exports (``_export``) only read them.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any, Final, Literal

import polars as pl

from webinar_insights import charts, metrics, schemas
from webinar_insights._time import TimeLike, to_utc
from webinar_insights.charts import explore_period
from webinar_insights.errors import ConfigurationError
from webinar_insights.metrics import host_label
from webinar_insights.store import NEVER_RAN_GRACE, Store, coverage_line, synced_ranges

from ._audience import audience
from ._coverage import default_range, withheld_changes
from ._filter import filter_data
from ._model import FRAME_NAMES, ReportChart
from ._pages import page_session_ids, session_pages
from ._range import moments, previous_start, resolve_range, span, zone_name
from ._report import Report
from ._tables import (
    ANOMALY_ROWS,
    PARTICIPANT_COLUMNS,
    REGISTRANT_COLUMNS,
    kpi_frame,
    people_of,
    pseudonymous_hosts,
    ranked_sessions,
    shown_anomalies,
    with_webinar_titles,
)

__all__ = ["DEFAULT_TITLE", "build_report", "report_from_store"]

DEFAULT_TITLE: Final = "Webinar program report"
PERSONAL_DATA_FLAG_GONE: Final = (
    "include_personal_data is no longer needed: hosts are shown by name by default"
    " (pseudonymize_hosts=True, or --pseudonymize-hosts, shows them as Host 1, Host 2, ...), and"
    " the report holds no participant or registrant names or e-mail addresses"
)

_STATUSES: Final = tuple(schemas.SESSION_STATUS.categories.to_list())


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
    pseudonymize_hosts: bool = False,
    include_personal_data: bool | None = None,
    provenance: Mapping[str, Any] | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
    top: int = 10,
    late_after: timedelta = metrics.DEFAULT_LATE_AFTER,
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
    pseudonymize_hosts:
        Show hosts as "Host 1", "Host 2", ... (for a report shared outside the organisation).
        By default hosts appear by name: they are the organisation's staff acting in their
        role. Participants' and registrants' names and e-mail addresses are never shown.
    include_personal_data:
        No longer needed (a warning says so): host names are shown by default, and the report
        holds no participant or registrant names or e-mail addresses.
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
    tz = zone_name(time_zone)
    as_of = datetime.now(UTC) if now is None else to_utc(now, name="now")
    implausible = metrics.implausible(sessions, participants=participants)
    every = metrics.session_metrics(
        metrics.plausible(sessions),
        registrants=registrants if registrants is not None and not registrants.is_empty() else None,
        late_after=late_after,
    )
    if include_personal_data is not None:
        warnings.warn(PERSONAL_DATA_FLAG_GONE, DeprecationWarning, stacklevel=2)
    if pseudonymize_hosts:
        every = pseudonymous_hosts(every)
    lower, upper = resolve_range(every, start, end, time_zone=tz, now=as_of)
    earlier = previous_start(lower, upper, tz)
    synced = None if provenance is None else synced_ranges(provenance.get("syncs") or [])
    withheld = withheld_changes(
        provenance, start=lower, end=upper, previous_start=earlier, time_zone=tz
    )
    moment = metrics.session_moment()
    current = every.filter(moment >= lower, moment < upper).sort(
        "scheduled_start", "session_id", nulls_last=True
    )
    previous = every.filter(moment >= earlier, moment < lower)
    ids = current.get_column("session_id")
    people = people_of(participants, ids, what="participants")
    registered = people_of(registrants, ids, what="registrants")
    previous_people = people_of(
        participants, previous.get_column("session_id"), what="participants"
    )
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
        "anomalies": with_webinar_titles(
            metrics.anomalies(current, participants=people, late_after=late_after), current
        ),
    }
    frames["top_sessions"], frames["bottom_sessions"] = ranked_sessions(current, top=top)
    known = _known_people(people, current)
    reached = None if known is None else metrics.reach(known, ids)
    current_kpis = metrics.kpis(current, reach=reached)
    known_before = _known_people(previous_people, previous)
    previous_kpis = metrics.kpis(previous, participants=known_before)
    bases = metrics.kpi_bases(current, reach=reached)
    frames["kpis"] = kpi_frame(current_kpis, previous_kpis)

    sources: dict[str, pl.DataFrame] = {"sessions": current}
    if people is not None:
        frames["retention"] = sources["retention_curve"] = metrics.retention_curve(people, current)
    else:
        notes.append(
            "Participants were not given (sync with depth participants): no people reached, no"
            " retention curve, no leave-before-join check, and the funnel stops at"
            " registration."
        )
    session_funnel = None
    if registered is not None:
        funnel_inputs = (
            current.filter(pl.col("status") == "Finished"),
            registered,
            people if people is not None else pl.DataFrame(),
        )
        frames["funnel"] = sources["registration_funnel"] = metrics.registration_funnel(
            *funnel_inputs
        )
        session_funnel = metrics.session_funnel(*funnel_inputs)  # for the filter bar
        frames["lead_time"] = sources["registration_lead_time"] = metrics.registration_lead_time(
            registered, current
        )
    else:
        notes.append(
            "Registrants were not given (sync with depth registrants or participants): no funnel,"
            " no lead times and no no-show rate."
        )
    shown = [
        *frames["top_sessions"]["session_id"],
        *frames["bottom_sessions"]["session_id"],
        *shown_anomalies(frames["anomalies"], ANOMALY_ROWS)["session_id"],
    ]
    pages = session_pages(
        current,
        page_session_ids(current, shown=shown, now=as_of),
        time_zone=tz,
        now=as_of,
        retention=frames.get("retention"),
        participants=people,
        registrants=registered,
    )
    section = audience(
        every,
        current,
        registrants=registrants,
        registered=registered,
        people=people,
        every_unit=every_unit,
        time_zone=tz,
        as_of=as_of,
    )
    filtering = filter_data(
        current,
        previous,
        frames["anomalies"],
        start=lower,
        end=upper,
        previous_start=earlier,
        time_zone=tz,
        withheld=withheld,
        top=top,
        paged=pages,
        people={
            key: {
                "value": current_kpis[key],
                "pair": list(bases.get(key, (None, None))),
                "previous": previous_kpis[key],
            }
            for key in ("people_reached", "repeat_attendee_share")
        },
        # As the weekday/hour chart is drawn: with no zone chosen, each session in its own.
        weekday_zone=time_zone,
        late_after=late_after,
        now=as_of,
        funnel=session_funnel,
        lead_times=frames.get("lead_time"),
        retention=frames.get("retention"),
        audience=section.per_session,
        # Who attended, so that the page can count people again under a filter.
        attendees=(
            None if known is None else metrics.attendee_keys(known, ids),
            None
            if known_before is None
            else metrics.attendee_keys(known_before, previous.get_column("session_id")),
        ),
    )
    report_charts = [
        ReportChart(
            entry.key.replace("_", "-"),
            entry.title,
            entry.caption,
            entry.build(
                sources[entry.source],
                start=lower,
                end=upper,
                # With no zone chosen, the weekday/hour chart reads each session in its own.
                time_zone=time_zone if entry.key == "weekday_hour" else tz,
                late_after=late_after,
                now=as_of,
            ),
        )
        for entry in charts.CHARTS.values()
        if entry.source in sources
    ]
    frames.update(section.frames)
    notes += section.notes
    notes += _reach_notes(reached)
    notes += _problem_notes(implausible.filter(pl.col("session_id").is_in(ids.implode())))
    notes += [
        f"Changes against the previous period are not shown for {', '.join(keys)}: {reason}"
        " (a comparison needs the store to cover both periods at the depth the figure needs)."
        for reason, keys in _grouped(withheld).items()
    ]
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
        f"Not complete yet ({line}); figures built from people leave those sessions out."
        for line in (provenance or {}).get("incomplete") or []
    ]
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
        audience=section.charts,
        frames=MappingProxyType(ordered),
        pseudonymize_hosts=bool(pseudonymize_hosts),
        pages=MappingProxyType(pages),
        filtering=MappingProxyType(filtering),
        provenance=None if provenance is None else MappingProxyType(dict(provenance)),
        filters=tuple((k, tuple(v)) for k, v in (filters or {}).items() if v),
        notes=tuple(notes),
        top=top,
        period_unit=unit,
        previous_sessions=previous.height,
        coverage=coverage_line(provenance, synced, as_of=as_of),
        withheld=MappingProxyType(withheld),
        bases=MappingProxyType(bases),
    )


def _reach_notes(reached: pl.DataFrame | None) -> list[str]:
    """What the reader needs to know about how people were told apart."""
    if reached is None:
        return []
    row = reached.row(0, named=True)
    notes = []
    if row["by_email"]:
        notes.append(
            f"People reached: {row['by_email']:,} people had no user hash from the API and"
            " were told apart by e-mail address (read in memory only, never stored or shown)."
        )
    if row["unidentified"]:
        notes.append(
            f"People reached is an upper bound: {row['unidentified']:,} attendee records had"
            " neither a user hash nor an e-mail address, and each counts as a person."
        )
    return notes


def _known_people(people: pl.DataFrame | None, sessions: pl.DataFrame) -> pl.DataFrame | None:
    """``people`` when they can count who attended ``sessions``: None without participants, or
    when none of them is of these sessions although the sessions report attendees (their
    participants were not synced, as opposed to nobody came)."""
    if people is None or "unique_user_hash" not in people.columns:
        return None
    if people.is_empty() and (sessions.get_column("unique_attendee_count").fill_null(0) > 0).any():
        return None
    return people


def _problem_notes(problems: pl.DataFrame, *, examples: int = 5) -> list[str]:
    """One data note per kind of impossible value, with the sessions' ids."""
    notes = []
    for problem, ids in problems.group_by("problem", maintain_order=True).agg("session_id").rows():
        shown = ", ".join(ids[:examples]) + (
            f" and {len(ids) - examples:,} more" if len(ids) > examples else ""
        )
        notes.append(
            f"Data problem, left out of every figure: {problem} in {len(ids):,}"
            f" session{'s' if len(ids) != 1 else ''} ({shown})."
        )
    return notes


def _grouped(withheld: Mapping[str, str]) -> dict[str, list[str]]:
    """The key figures' labels (lower case) by the reason their change is withheld."""
    grouped: dict[str, list[str]] = {}
    for key, reason in withheld.items():
        grouped.setdefault(reason, []).append(metrics.KPIS[key].label.lower())
    return grouped


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


def _holds_people(
    store: Store, name: Literal["registrants", "participants"], ids: pl.Series
) -> bool:
    """Whether the store's ``name`` table has rows of these sessions (a count, read lazily)."""
    rows = store.scan(name).filter(pl.col("session_id").is_in(ids.implode())).select(pl.len())
    try:
        return bool(rows.collect().item())
    except pl.exceptions.ComputeError:
        return True  # unreadable: reading it says so (StoreError) with what to do


def _with_emails_where_unhashed(store: Store, participants: pl.DataFrame) -> pl.DataFrame:
    """``participants`` with an ``email`` column filled only where the API gave no user hash,
    so that ``metrics.reach`` can tell those people apart; other e-mails are never read."""
    unhashed = participants.filter(pl.col("unique_user_hash").is_null())
    if unhashed.is_empty():
        return participants
    emails = store.participants(
        unhashed.get_column("session_id").unique(),
        columns=["session_id", "participant_id", "unique_user_hash", "email"],
    ).filter(pl.col("unique_user_hash").is_null(), pl.col("participant_id").is_not_null())
    return participants.join(
        emails.select("session_id", "participant_id", "email").unique(
            ["session_id", "participant_id"]
        ),
        on=["session_id", "participant_id"],
        how="left",
        nulls_equal=False,
    )


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
        ``pseudonymize_hosts``, ``top``, ``late_after``).

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
    tz = zone_name(options.get("time_zone"))
    now = options.get("now")
    as_of = datetime.now(UTC) if now is None else to_utc(now, name="now")
    provenance = store.provenance()
    timed = moments(sessions)
    covered = default_range(
        synced_ranges(provenance.get("syncs") or [])["sessions"], now=as_of, time_zone=tz
    )
    # Without a range: the last 90 days the store covers (its previous period covered too),
    # when they hold a session, so the simplest use shows the changes against the previous one.
    if (
        start is None
        and end is None
        and covered is not None
        and not sessions.filter((timed >= covered[0]) & (timed < covered[1])).is_empty()
    ):
        start, end = covered
    lower, upper = resolve_range(sessions, start, end, time_zone=tz, now=as_of)
    if sessions.filter((timed >= lower) & (timed < upper)).is_empty():
        first, last = span(sessions)
        raise ConfigurationError(
            f"no session between {lower:%Y-%m-%d %H:%M} and {upper:%Y-%m-%d %H:%M} (UTC); the"
            f" store's sessions run from {first:%Y-%m-%d} to {last:%Y-%m-%d}"
        )
    filters = {
        "webinars": wanted_webinars or [],
        "hosts": wanted_hosts or [],
        "statuses": list(statuses or []),
    }
    fetched = {fetch["depth"] for fetch in provenance.get("syncs", [])}
    # Only the people the report reads: those of the range's sessions and of the previous
    # period's (its KPIs: registrant counts, people reached), and only the columns the
    # metrics read. The filter and the columns go down into the parquet scan.
    earlier = previous_start(lower, upper, tz)
    ids = sessions.get_column("session_id")
    compared = ids.filter((timed >= earlier) & (timed < upper))
    participants = registrants = None
    if "participants" in fetched or _holds_people(store, "participants", ids):
        participants = _with_emails_where_unhashed(
            store, store.participants(compared, columns=PARTICIPANT_COLUMNS)
        )
    if fetched & {"registrants", "participants"} or _holds_people(store, "registrants", ids):
        registrants = store.registrants(compared, columns=REGISTRANT_COLUMNS)
    return build_report(
        sessions,
        participants=participants,
        registrants=registrants,
        start=lower,
        end=upper,
        provenance=provenance,
        filters=filters,
        **{k: v for k, v in options.items() if k not in ("start", "end")},
    )
