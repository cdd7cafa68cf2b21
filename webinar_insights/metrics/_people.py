"""People metrics: attendees over a session (retention, peak concurrency) and registrants
before it (lead time, the registration funnel). Group-bys and cumulative sums, no Python loop
over rows, so ten million participants fit in a few GB."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import timedelta

import polars as pl

from webinar_insights import schemas
from webinar_insights._checks import check_timedelta
from webinar_insights.errors import ConfigurationError

from ._columns import FLOAT, INT, STR, empty, require
from ._derived import session_times
from ._expressions import finished, ratio

__all__ = [
    "ATTENDEE_KEYS",
    "FUNNEL",
    "LEAD_TIME",
    "PEAK_CONCURRENCY",
    "REACH",
    "RETENTION",
    "SESSION_FUNNEL",
    "attendee_keys",
    "funnel_registrants",
    "peak_concurrency",
    "reach",
    "registration_funnel",
    "registration_lead_time",
    "retention_curve",
    "session_funnel",
]

_MINUTE_US = 60_000_000
_DAY_US = 86_400_000_000

RETENTION = pl.Schema(
    {"session_id": STR, "minute": INT, "attendees_present": INT, "share_present": FLOAT}
)
"""The schema of :func:`retention_curve`."""

PEAK_CONCURRENCY = pl.Schema(
    {"session_id": STR, "peak_attendees": INT, "peak_at": schemas.TIMESTAMP}
)
"""The schema of :func:`peak_concurrency`."""

LEAD_TIME = pl.Schema(
    {
        "session_id": STR,
        "registrant_id": STR,
        "lead_time": schemas.DURATION,
        "lead_time_days": FLOAT,
    }
)
"""The schema of :func:`registration_lead_time`."""

FUNNEL = pl.Schema({"stage": STR, "count": INT})
"""The schema of :func:`registration_funnel`."""

SESSION_FUNNEL = pl.Schema({"session_id": STR, "registered": INT, "joined": INT, "stayed": INT})
"""The schema of :func:`session_funnel`: the funnel's three counts of each session."""

ATTENDEE_KEYS = pl.Schema({"session_id": STR, "person": pl.UInt64(), "by_email": pl.Boolean()})
"""The schema of :func:`attendee_keys`."""

REACH = pl.Schema(
    {
        "people_reached": INT,
        "repeat_attendees": INT,
        "repeat_attendee_share": FLOAT,
        "attendances": INT,
        "by_email": INT,
        "unidentified": INT,
    }
)
"""The schema of :func:`reach` (one row)."""


_SID = "__session_index__"
_BATCH_ROWS = 1_000_000


def _session_batches(rows: int) -> list[pl.Expr]:
    """Predicates cutting people frames of ``rows`` rows into batches of whole sessions (about
    ``_BATCH_ROWS`` rows each). A metric that groups or joins people per session runs batch by
    batch and adds the results up, so its working memory is that of one batch, not of ten
    million people."""
    count = -(-rows // _BATCH_ROWS)
    if count <= 1:
        return [pl.lit(True)]
    batch = pl.col("session_id").hash() % count
    return [batch == index for index in range(count)]


def _attendees(participants: pl.DataFrame, session_ids: Sequence[str] | None) -> pl.LazyFrame:
    frame = require(
        participants, ("session_id", "role", "join_time", "leave_time"), what="participants"
    )
    attendees = (
        frame.lazy()
        .filter(pl.col("role") == "Attendee")
        .select("session_id", "join_time", "leave_time")
    )
    if session_ids is not None:
        attendees = attendees.filter(pl.col("session_id").is_in(session_ids))
    return attendees


def _session_ids(session_ids: Iterable[str] | None) -> list[str] | None:
    if session_ids is None:
        return None
    if isinstance(session_ids, str):
        raise ConfigurationError(
            f"session_ids must be a list of session ids, e.g. [{session_ids!r}], not one string."
        )
    return list(session_ids)


def _indexed_sessions(sessions: pl.DataFrame, session_ids: Sequence[str] | None) -> pl.DataFrame:
    times = session_times(sessions)
    if session_ids is not None:
        times = times.filter(pl.col("session_id").is_in(session_ids))
    return times.with_row_index(_SID)


def retention_curve(
    participants: pl.DataFrame,
    sessions: pl.DataFrame,
    *,
    session_ids: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Share of a session's attendees present at each minute after it went live (:data:`RETENTION`).

    For minute m = 0, 1, … (t = actual_start + m minutes, up to and including the session's
    actual_end), ``attendees_present`` counts the participants with role Attendee whose
    join_time ≤ t < leave_time, and ``share_present`` divides it by the session's attendees
    (all its Attendee rows). An Active session runs up to its last known leave. A null
    leave_time means still present at the end; a null join_time is never present. The API keeps
    each person's earliest join and latest leave only, so this is an upper bound.

    Sessions without an actual_start, without an end, or without attendee rows have no rows.

    Parameters
    ----------
    participants:
        The participants frame.
    sessions:
        The sessions frame (raw or from :func:`session_metrics`); only sessions in it count.
    session_ids:
        Restrict to these sessions.
    """
    ids = _session_ids(session_ids)
    attendees = _attendees(participants, ids)
    info = _indexed_sessions(sessions, ids)
    if info.height == 0:
        return empty(RETENTION)
    curves = [
        _retention(attendees.filter(batch), info) for batch in _session_batches(participants.height)
    ]
    return pl.concat(curves).sort("session_id", "minute")


def _retention(attendees: pl.LazyFrame, info: pl.DataFrame) -> pl.DataFrame:
    """:func:`retention_curve` of some sessions' attendees (unsorted)."""
    joined = attendees.join(
        info.lazy().select(_SID, "session_id", "status", "actual_start", "actual_end"),
        on="session_id",
        how="inner",
    )
    start = pl.col("actual_start")
    per_session = (
        joined.group_by(_SID)
        .agg(
            pl.len().cast(INT).alias("__attendees__"),
            pl.col("leave_time").max().alias("__last_leave__"),
            pl.col("session_id", "status", "actual_start", "actual_end").first(),
        )
        .with_columns(
            pl.when(pl.col("status") == "Active")
            .then(pl.col("__last_leave__"))
            .otherwise(pl.col("actual_end"))
            .alias("__end__")
        )
        .with_columns(
            ((pl.col("__end__") - start).dt.total_microseconds() // _MINUTE_US).alias("__last__")
        )
        .filter(pl.col("__last__") >= 0)
        .select(_SID, "session_id", "actual_start", "__attendees__", "__last__")
        .collect()
    )
    if per_session.height == 0:
        return empty(RETENTION)

    # Minute bounds of each attendee: present from ceil((join − start) / 1 min) (at least 0) up to
    # ceil((leave − start) / 1 min), exclusive: join ≤ t < leave in whole minutes.
    def ceil_minutes(moment: str) -> pl.Expr:
        return -((start - pl.col(moment)).dt.total_microseconds() // _MINUTE_US)

    last = pl.col("__last__")
    bounds = (
        joined.select(_SID, "join_time", "leave_time")
        .join(per_session.lazy().select(_SID, "actual_start", "__last__"), on=_SID, how="inner")
        .select(
            _SID,
            ceil_minutes("join_time").clip(lower_bound=0).alias("__first__"),
            pl.when(pl.col("leave_time").is_null())
            .then(last + 1)
            .otherwise(pl.min_horizontal(ceil_minutes("leave_time"), last + 1))
            .alias("__stop__"),
            last,
        )
        .filter((pl.col("__first__") < pl.col("__stop__")) & (pl.col("__first__") <= last))
    )
    arrivals = bounds.group_by(_SID, pl.col("__first__").alias("minute")).agg(
        pl.len().cast(INT).alias("__in__")
    )
    departures = (
        bounds.filter(pl.col("__stop__") <= last)
        .group_by(_SID, pl.col("__stop__").alias("minute"))
        .agg(pl.len().cast(INT).alias("__out__"))
    )
    present = pl.col("attendees_present")
    return (
        per_session.lazy()
        .select(_SID, "session_id", "__attendees__", pl.int_ranges(0, last + 1).alias("minute"))
        .explode("minute", empty_as_null=False, keep_nulls=False)
        .join(arrivals, on=[_SID, "minute"], how="left")
        .join(departures, on=[_SID, "minute"], how="left")
        .sort(_SID, "minute")
        .with_columns(
            (pl.col("__in__").fill_null(0) - pl.col("__out__").fill_null(0))
            .cum_sum()
            .over(_SID)
            .alias("attendees_present")
        )
        .select(
            "session_id",
            pl.col("minute").cast(INT),
            present.cast(INT),
            ratio(present, pl.col("__attendees__")).alias("share_present"),
        )
        .collect()
    )


def peak_concurrency(participants: pl.DataFrame, sessions: pl.DataFrame) -> pl.DataFrame:
    """The most attendees present at once in each session (:data:`PEAK_CONCURRENCY`).

    A sweep over join (+1) and leave (−1) events of the participants with role Attendee, with a
    leave counted before a join at the same instant (present means join_time ≤ t < leave_time).
    ``peak_at`` is the first instant the peak is reached. A null leave_time counts as leaving at
    the session's actual_end (never, while it is Active); a null join_time, or a leave not after
    the join, is skipped. An upper bound (earliest join, latest leave per person).

    Parameters
    ----------
    participants:
        The participants frame.
    sessions:
        The sessions frame (raw or from :func:`session_metrics`); only sessions in it that have
        started (an actual_start) and have at least one usable attendee get a row.
    """
    attendees = _attendees(participants, None)
    info = _indexed_sessions(sessions, None).filter(pl.col("actual_start").is_not_null())
    if info.height == 0:
        return empty(PEAK_CONCURRENCY)
    leave = pl.col("__leave__")
    usable = (
        attendees.filter(pl.col("join_time").is_not_null())
        .join(info.lazy().select(_SID, "session_id", "status", "actual_end"), on="session_id")
        .select(
            _SID,
            pl.col("join_time"),
            pl.coalesce(pl.col("leave_time"), pl.when(finished()).then(pl.col("actual_end"))).alias(
                "__leave__"
            ),
        )
        .filter(leave.is_null() | (leave > pl.col("join_time")))
    )
    # One Int64 sort key: 2 × epoch µs, plus 1 for a join, so that at the same instant a leave
    # comes before a join (present means join_time ≤ t < leave_time). Sorting one column and
    # running the sums per session with `over` is much faster than a (session, time) sort.
    stamp, present = pl.col("__stamp__"), pl.col("__present__")
    events = (
        pl.concat(
            [
                usable.select(
                    _SID,
                    (pl.col("join_time").dt.epoch("us") * 2 + 1).alias("__stamp__"),
                    pl.lit(1, pl.Int8).alias("__delta__"),
                ),
                usable.filter(leave.is_not_null()).select(
                    _SID,
                    (leave.dt.epoch("us") * 2).alias("__stamp__"),
                    pl.lit(-1, pl.Int8).alias("__delta__"),
                ),
            ]
        )
        .collect()
        .sort(stamp)
    )
    peaks = (
        events.lazy()
        .with_columns(pl.col("__delta__").cum_sum().over(_SID).alias("__present__"))
        .group_by(_SID)
        .agg(
            present.max().cast(INT).alias("peak_attendees"),
            stamp.get(present.arg_max()).alias("__stamp__"),
        )
    )
    return (
        peaks.join(info.lazy().select(_SID, "session_id"), on=_SID)
        .select(
            "session_id",
            "peak_attendees",
            pl.from_epoch(stamp // 2, time_unit="us")
            .dt.replace_time_zone("UTC")
            .cast(schemas.TIMESTAMP)
            .alias("peak_at"),
        )
        .sort("session_id")
        .collect()
    )


def registration_lead_time(registrants: pl.DataFrame, sessions: pl.DataFrame) -> pl.DataFrame:
    """How long before the session each live registrant registered (:data:`LEAD_TIME`).

    ``lead_time`` = actual_start (scheduled_start when the session has not started) −
    registration_time; ``lead_time_days`` the same in fractional days. Post-webinar
    (on-demand) registrants are left out; so are registrants of sessions not in ``sessions``.
    A registration after the start gives a negative lead time.

    Parameters
    ----------
    registrants:
        The registrants frame.
    sessions:
        The sessions frame, raw or from :func:`session_metrics`.
    """
    frame = require(
        registrants,
        ("session_id", "registrant_id", "registration_time", "registered_post_webinar"),
        what="registrants",
    )
    starts = session_times(sessions).select(
        pl.col("session_id"),
        pl.coalesce(pl.col("actual_start"), pl.col("scheduled_start")).alias("__start__"),
    )
    lead = pl.col("__start__") - pl.col("registration_time")
    # Lazy, so that only the four columns it reads are copied, once.
    return (
        frame.lazy()
        .filter(~pl.col("registered_post_webinar").fill_null(False))
        .join(starts.lazy(), on="session_id", how="inner", maintain_order="left")
        .select(
            pl.col("session_id").cast(STR),
            pl.col("registrant_id").cast(STR),
            lead.cast(schemas.DURATION).alias("lead_time"),
            (lead.dt.total_microseconds() / _DAY_US).cast(FLOAT).alias("lead_time_days"),
        )
        .collect()
    )


def _minutes_label(value: timedelta) -> str:
    count = value / timedelta(minutes=1)
    return f"{count:g}" if not math.isclose(count, round(count)) else str(round(count))


def registration_funnel(
    sessions: pl.DataFrame,
    registrants: pl.DataFrame,
    participants: pl.DataFrame,
    *,
    stayed_at_least: timedelta = timedelta(minutes=10),
) -> pl.DataFrame:
    """Registered → attended → stayed, over the given sessions (:data:`FUNNEL`).

    Three rows, each a subset of the one before:

    * ``"Registered"``: live registrants (not post-webinar) of the sessions;
    * ``"Joined"``: those of them who joined: a ``participant_id`` on the registrant, or a
      participant of the session carrying their ``registrant_id``;
    * ``"Stayed ≥ N min"``: those of them with a linked participant whose ``time_in_session``
      (an upper bound) is at least ``stayed_at_least``.

    Walk-ins (attendees without a registration) are not in the funnel.

    Parameters
    ----------
    sessions:
        The sessions the funnel is over (only ``session_id`` is used).
    registrants, participants:
        The registrants and participants frames (other sessions' rows are ignored).
    stayed_at_least:
        The time in session of the last stage (default 10 minutes).
    """
    stayed_at_least = check_timedelta(stayed_at_least, "stayed_at_least")
    label = f"Stayed ≥ {_minutes_label(stayed_at_least)} min"
    counts = session_funnel(
        sessions, registrants, participants, stayed_at_least=stayed_at_least
    ).select(pl.col("registered", "joined", "stayed").sum().cast(INT))
    return pl.DataFrame(
        {
            "stage": ["Registered", "Joined", label],
            "count": [counts.item(0, name) for name in ("registered", "joined", "stayed")],
        },
        schema=FUNNEL,
    )


def session_funnel(
    sessions: pl.DataFrame,
    registrants: pl.DataFrame,
    participants: pl.DataFrame,
    *,
    stayed_at_least: timedelta = timedelta(minutes=10),
) -> pl.DataFrame:
    """The funnel of :func:`registration_funnel`, session by session (:data:`SESSION_FUNNEL`).

    One row per session of ``sessions`` with live registrants: ``registered``, ``joined`` and
    ``stayed`` as :func:`registration_funnel` counts them (each person belongs to one session's
    registration, so the funnel of any set of sessions is the sum of their rows). Sorted by
    ``session_id``.
    """
    stayed_at_least = check_timedelta(stayed_at_least, "stayed_at_least")
    batches = funnel_registrants(
        sessions, registrants, participants, stayed_at_least=stayed_at_least
    )
    counts = [
        batch.group_by("session_id")
        .agg(
            pl.len().cast(INT).alias("registered"),
            pl.col("joined").sum().cast(INT),
            pl.col("stayed").sum().cast(INT),
        )
        .collect()
        for batch in batches
    ]
    return pl.concat(counts).sort("session_id").cast(dict(SESSION_FUNNEL))  # type: ignore[arg-type]


def funnel_registrants(
    sessions: pl.DataFrame,
    registrants: pl.DataFrame,
    participants: pl.DataFrame,
    *,
    stayed_at_least: timedelta | None,
    carry: Sequence[str] = (),
) -> list[pl.LazyFrame]:
    """Each live registrant of ``sessions`` with whether they joined and stayed: the one home
    of the funnel's rule, which :func:`session_funnel` and ``channel_summary`` group.

    One lazy frame per batch of whole sessions (see :func:`_session_batches`), with the columns
    ``session_id``, ``registrant`` (the registrant's index in its batch), the registrants'
    columns named in ``carry``, ``joined`` and ``stayed`` (Boolean). Without
    ``stayed_at_least`` the participants need no ``time_in_session`` and ``stayed`` is false.
    """
    ids = (
        require(sessions, ("session_id",), what="sessions")
        .lazy()
        .select(pl.col("session_id").cast(STR))
        .unique()
    )
    people = require(
        registrants,
        ("session_id", "registrant_id", "participant_id", "registered_post_webinar", *carry),
        what="registrants",
    )
    timed = () if stayed_at_least is None else ("time_in_session",)
    visits = require(
        participants,
        ("session_id", "participant_id", "registrant_id", *timed),
        what="participants",
    )
    return [
        _funnel_registrants(
            people.lazy().filter(batch), visits.lazy().filter(batch), ids, stayed_at_least, carry
        )
        for batch in _session_batches(max(people.height, visits.height))
    ]


def _funnel_registrants(
    people: pl.LazyFrame,
    visits: pl.LazyFrame,
    ids: pl.LazyFrame,
    stayed_at_least: timedelta | None,
    carry: Sequence[str],
) -> pl.LazyFrame:
    """:func:`funnel_registrants` of some sessions' registrants and visits."""
    live = (
        people.filter(~pl.col("registered_post_webinar").fill_null(False))
        .join(ids, on="session_id", how="semi")
        .with_row_index("registrant")
    )
    visits_lazy = visits.join(ids, on="session_id", how="semi")
    stayed = (
        pl.lit(False)
        if stayed_at_least is None
        else (pl.col("time_in_session") >= stayed_at_least).fill_null(False)
    )
    by_registrant = visits_lazy.filter(pl.col("registrant_id").is_not_null()).select(
        "session_id", "registrant_id", stayed.alias("__stayed__")
    )
    by_participant = visits_lazy.filter(pl.col("participant_id").is_not_null()).select(
        "session_id", "participant_id", stayed.alias("__stayed__")
    )
    links = pl.concat(
        [
            live.join(by_registrant, on=["session_id", "registrant_id"]).select(
                "registrant", "__stayed__"
            ),
            live.join(by_participant, on=["session_id", "participant_id"]).select(
                "registrant", "__stayed__"
            ),
        ]
    )
    return (
        live.select(
            "session_id",
            "registrant",
            *carry,
            pl.col("participant_id").is_not_null().alias("__joined__"),
        )
        .join(
            links.group_by("registrant").agg(
                pl.lit(True).alias("__linked__"), pl.col("__stayed__").any()
            ),
            on="registrant",
            how="left",
        )
        .select(
            pl.col("session_id").cast(STR),
            "registrant",
            *carry,
            (pl.col("__joined__") | pl.col("__linked__").fill_null(False)).alias("joined"),
            pl.col("__stayed__").fill_null(False).alias("stayed"),
        )
    )


def attendee_keys(
    participants: pl.DataFrame, session_ids: Iterable[str] | None = None
) -> pl.DataFrame:
    """Who attended each session, as :func:`reach` tells people apart (:data:`ATTENDEE_KEYS`).

    One row per person and session (``person``: a 64-bit key of the ``unique_user_hash``,
    else of the lower-cased e-mail; ``by_email`` when the e-mail told them apart), plus one
    row with a null ``person`` per Attendee row that has neither (a person of its own). The
    reach of any set of sessions is computed from their rows, which is how the report's filter
    bar recounts people in the page. Sorted by session and person.
    """
    rows = _attendee_keys(participants, session_ids)
    known = pl.col("person").is_not_null()
    return (
        pl.concat([rows.filter(known).unique(["session_id", "person"]), rows.filter(~known)])
        .sort("session_id", "person", nulls_last=True)
        .collect()
    )


def _attendee_keys(
    participants: pl.DataFrame, session_ids: Iterable[str] | None, *, carry: Sequence[str] = ()
) -> pl.LazyFrame:
    """Each Attendee row as (session_id, person, by_email), then the columns named in
    ``carry``: see :func:`attendee_keys`."""
    frame = require(
        participants, ("session_id", "role", "unique_user_hash", *carry), what="participants"
    )
    ids = _session_ids(session_ids)
    lazy = frame.lazy().filter(pl.col("role") == "Attendee")
    if "email" not in frame.columns:  # a frame with personal data dropped
        lazy = lazy.with_columns(email=pl.lit(None, STR))
    if ids is not None:
        lazy = lazy.filter(pl.col("session_id").is_in(ids))
    hashed = pl.col("unique_user_hash").is_not_null()
    emailed = ~hashed & pl.col("email").is_not_null()
    # A person as a 64-bit hash (told apart by the API's hash, else the e-mail; the two seeds
    # keep a hash and an e-mail apart): ten million rows in about a second.
    person = (
        pl.when(hashed)
        .then(pl.col("unique_user_hash").hash(1))
        .when(emailed)
        .then(pl.col("email").str.strip_chars().str.to_lowercase().hash(2))
    )
    return lazy.select(
        pl.col("session_id").cast(STR), person.alias("person"), emailed.alias("by_email"), *carry
    )


def reach(participants: pl.DataFrame, session_ids: Iterable[str] | None = None) -> pl.DataFrame:
    """True reach: how many different people attended the sessions (one row, :data:`REACH`).

    A person is the participant's ``unique_user_hash``; without one, a hash of the lower-cased
    ``email``, computed here in memory and never stored or shown; without either, the row is a
    person of its own (``unidentified`` counts those, so ``people_reached`` is then an upper
    bound). Only participants with role Attendee count, as in the session's attendee count; a
    person seen twice in one session counts once there. A frame without an ``email`` column
    (personal data dropped) is read by hash alone.

    Columns: ``people_reached`` (distinct people), ``attendances`` (distinct person-session
    pairs: what a sum of per-session unique attendees counts), ``repeat_attendees`` (people at
    two or more of the sessions), ``repeat_attendee_share`` (repeat_attendees /
    people_reached; null with no one), ``by_email`` (people told apart by e-mail because the
    API gave no hash) and ``unidentified``.

    >>> people = pl.DataFrame(
    ...     {
    ...         "session_id": ["s1", "s1", "s2", "s2"],
    ...         "role": ["Attendee"] * 4,
    ...         "unique_user_hash": ["a", "b", "a", None],
    ...         "email": [None, None, None, "C@x.org"],
    ...     }
    ... )
    >>> reach(people).select("people_reached", "attendances", "repeat_attendees").row(0)
    (3, 4, 1)
    """
    rows = _attendee_keys(participants, session_ids)
    unidentified = rows.filter(pl.col("person").is_null()).select(pl.len()).collect().item()
    per_person = (
        rows.filter(pl.col("person").is_not_null())
        .group_by("person")
        .agg(pl.col("session_id").n_unique().alias("sessions"), pl.col("by_email").first())
        .select(
            pl.len().alias("people"),
            (pl.col("sessions") >= 2).sum().alias("repeat"),
            pl.col("sessions").sum().alias("visits"),
            pl.col("by_email").sum().alias("by_email"),
        )
        .collect()
        .row(0, named=True)
    )
    reached = per_person["people"] + unidentified
    repeat = per_person["repeat"]
    return pl.DataFrame(
        {
            "people_reached": [reached],
            "repeat_attendees": [repeat],
            "repeat_attendee_share": [repeat / reached if reached else None],
            "attendances": [(per_person["visits"] or 0) + unidentified],
            "by_email": [per_person["by_email"] or 0],
            "unidentified": [unidentified],
        },
        schema=REACH,
    )
