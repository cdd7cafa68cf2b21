"""Audience metrics: through which channel people registered and how many joined, who came back
(new and returning people, series cohorts, how often people attend, the most loyal attendees) and
who signed up for the recording only.

People are told apart as :func:`attendee_keys` and :func:`reach` tell them apart, and
registrants joined by the funnel's rule (``funnel_registrants``, shared with
:func:`session_funnel`), so every count here reconciles with theirs. Periods are cut as
:func:`period_summary` cuts them (``session_period``). Group-bys, joins and window expressions,
no Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final, Literal

import polars as pl

from webinar_insights import schemas
from webinar_insights._checks import check_choice, positive_int
from webinar_insights.errors import ConfigurationError

from ._columns import FLOAT, HINT_SESSION_METRICS, INT, STR, require
from ._expressions import ratio, session_moment
from ._people import _attendee_keys, funnel_registrants
from ._summaries import session_period

__all__ = [
    "CHANNELS",
    "COHORTS",
    "FREQUENCY",
    "NEW_VS_RETURNING",
    "NEW_VS_RETURNING_PERIODS",
    "ON_DEMAND",
    "ON_DEMAND_PERIODS",
    "SERIES_COHORTS",
    "SMALL_SAMPLE",
    "TOP_ATTENDEES",
    "TOP_ATTENDEES_PERSONAL",
    "UNKNOWN_CHANNEL",
    "attendance_frequency",
    "channel_summary",
    "new_vs_returning",
    "on_demand",
    "series_cohorts",
    "top_attendees",
]

UNKNOWN_CHANNEL: Final = "(no source)"
"""The channel of registrants whose ``source`` is missing or blank (in parentheses, so that it
cannot be mistaken for a source the platform sends)."""

SMALL_SAMPLE: Final = 30
"""Fewer registrants than this make a channel's join rate a small sample (``small_sample``)."""

CHANNELS = pl.Schema(
    {
        "channel": STR,
        "registered": INT,
        "joined": INT,
        "join_rate": FLOAT,
        "small_sample": pl.Boolean(),
    }
)
"""The schema of :func:`channel_summary` (after its group column: none, ``period`` or
``webinar_id``)."""

NEW_VS_RETURNING = pl.Schema(
    {"session_id": STR, "people": INT, "new": INT, "returning": INT, "returning_share": FLOAT}
)
"""The schema of :func:`new_vs_returning`, one row per session."""

NEW_VS_RETURNING_PERIODS = pl.Schema(
    {
        "period": schemas.TIMESTAMP,
        "people": INT,
        "new": INT,
        "returning": INT,
        "returning_share": FLOAT,
    }
)
"""The schema of :func:`new_vs_returning` with ``every``: one row per period (``period`` is a
Datetime in the ``time_zone`` asked for; UTC here)."""

COHORTS = pl.Schema(
    {"first_part": INT, "later_part": INT, "cohort": INT, "returned": INT, "share": FLOAT}
)
"""The schema of :func:`series_cohorts`, summed over the series."""

SERIES_COHORTS = pl.Schema({"webinar_id": STR, **COHORTS})
"""The schema of :func:`series_cohorts` with ``by_series=True``, one series at a time."""

FREQUENCY = pl.Schema({"sessions_attended": INT, "people": INT})
"""The schema of :func:`attendance_frequency`."""

TOP_ATTENDEES = pl.Schema({"rank": INT, "sessions_attended": INT})
"""The schema of :func:`top_attendees` (no identity at all)."""

TOP_ATTENDEES_PERSONAL = pl.Schema({**TOP_ATTENDEES, "name": STR, "email": STR})
"""The schema of :func:`top_attendees` with ``personal=True``."""

ON_DEMAND = pl.Schema(
    {
        "session_id": STR,
        "live_registrants": INT,
        "post_webinar_registrants": INT,
        "post_webinar_share": FLOAT,
    }
)
"""The schema of :func:`on_demand`, one row per session."""

ON_DEMAND_PERIODS = pl.Schema(
    {
        "period": schemas.TIMESTAMP,
        "live_registrants": INT,
        "post_webinar_registrants": INT,
        "post_webinar_share": FLOAT,
    }
)
"""The schema of :func:`on_demand` with ``every``: one row per period (``period`` is a Datetime in
the ``time_zone`` asked for; UTC here)."""

_PERSONAL = ("first_name", "last_name", "email")
_OWN = "__own__"  # numbers the attendee rows with neither hash nor e-mail: each is a person
_PERSON = ("person", _OWN)  # one person: a key of the hash or e-mail, else the row's own number
_ORDER = "__order__"


def _people(
    participants: pl.DataFrame, session_ids: Iterable[str] | None = None, carry: Sequence[str] = ()
) -> pl.LazyFrame:
    """Each Attendee row as ``session_id``, ``person``, ``__own__`` and ``carry``: people told
    apart as :func:`attendee_keys` does, a row with neither hash nor e-mail a person of its own
    (``person`` null, ``__own__`` its row number; null otherwise)."""
    return (
        _attendee_keys(participants, session_ids, carry=carry)
        .with_row_index(_OWN)
        .with_columns(pl.when(pl.col("person").is_null()).then(pl.col(_OWN)).alias(_OWN))
    )


def _timed_sessions(
    sessions: pl.DataFrame, extra: Sequence[str] = (), every: str | None = None, time_zone: str = ""
) -> pl.DataFrame:
    """Each session once, ordered by :func:`session_moment` then ``session_id`` (``__order__``
    0, 1, …; sessions without a moment last), with ``extra`` columns and, with ``every``, the
    ``period`` of ``session_period``."""
    period = [] if every is None else [session_period(every=every, time_zone=time_zone)]
    frame = require(
        sessions,
        ("session_id", "scheduled_start", "actual_start", *extra),
        what="sessions",
        hint=HINT_SESSION_METRICS,
    )
    return (
        frame.select(pl.col("session_id").cast(STR), *extra, session_moment(), *period)
        .unique("session_id", keep="first", maintain_order=True)
        .sort("session_moment", "session_id", nulls_last=True)
        .with_row_index(_ORDER)
    )


def _typed(frame: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """``frame`` cast to ``schema``, except ``period``: it keeps the time zone asked for."""
    return frame.cast({name: dtype for name, dtype in schema.items() if name != "period"})


def channel_summary(
    sessions: pl.DataFrame,
    registrants: pl.DataFrame,
    participants: pl.DataFrame,
    *,
    by: Literal["period", "webinar", "session"] | None = None,
    every: str = "1mo",
    time_zone: str = "UTC",
) -> pl.DataFrame:
    """Registered and joined per registration channel (:data:`CHANNELS`).

    ``channel`` is the registrant's ``source``; a missing or blank one is
    :data:`UNKNOWN_CHANNEL`. ``registered`` counts the live registrants (not
    ``registered_post_webinar``) of the sessions, ``joined`` those of them who joined, by the
    rule of :func:`session_funnel` (the same code), so that summed over the channels both equal
    the funnel's sums over the same sessions. ``join_rate`` = joined / registered;
    ``small_sample`` is true with fewer than :data:`SMALL_SAMPLE` registered.

    The join rate is the complement of the no-show rate, **not** the attendance rate: the
    attendance rate also counts walk-ins, who have no registration and so no channel. Pass
    Finished sessions for rates comparable with the funnel's (an upcoming session's registrants
    have not joined yet).

    Parameters
    ----------
    sessions:
        The sessions counted (``session_id``; with ``by="period"`` a frame from
        :func:`session_metrics`, with ``by="webinar"`` its ``webinar_id``).
    registrants, participants:
        The registrants and participants frames (other sessions' rows are ignored).
    by:
        None (one row per channel), ``"period"`` (per period of the session, cut as
        :func:`period_summary` cuts it), ``"webinar"`` (per ``webinar_id``, a series) or
        ``"session"`` (per ``session_id``: the rows the others are sums of); the group is the
        first column.
    every, time_zone:
        The periods of ``by="period"``, as in :func:`period_summary` (default: months in UTC).

    Returns
    -------
    polars.DataFrame
        Sorted by the group, then ``registered`` descending, then ``channel``.

    Examples
    --------
    >>> sessions = pl.DataFrame({"session_id": ["s1"]})
    >>> registrants = pl.DataFrame(
    ...     {
    ...         "session_id": ["s1"] * 3,
    ...         "registrant_id": ["r1", "r2", "r3"],
    ...         "participant_id": ["p1", None, None],
    ...         "registered_post_webinar": [False] * 3,
    ...         "source": ["Email", "Email", None],
    ...     }
    ... )
    >>> participants = pl.DataFrame(
    ...     {"session_id": ["s1"], "participant_id": ["p1"], "registrant_id": [None]},
    ...     schema_overrides={"registrant_id": pl.String},
    ... )
    >>> channel_summary(sessions, registrants, participants).select(
    ...     "channel", "registered", "joined", "join_rate"
    ... ).rows()
    [('Email', 2, 1, 0.5), ('(no source)', 1, 0, 0.0)]
    """
    if by is not None:
        check_choice(by, "by", ("period", "webinar", "session"))
    group: list[str] = []
    groups: pl.DataFrame | None = None  # session_id -> the group
    if by == "session":
        group = ["session_id"]
    elif by == "period":
        group = ["period"]
        groups = _timed_sessions(sessions, every=every, time_zone=time_zone).select(
            "session_id", "period"
        )
    elif by == "webinar":
        group = ["webinar_id"]
        groups = (
            require(sessions, ("session_id", "webinar_id"), what="sessions")
            .select(pl.col("session_id").cast(STR), pl.col("webinar_id").cast(STR))
            .unique("session_id", keep="first", maintain_order=True)
        )
    source = pl.col("source").cast(STR)
    channel = (
        pl.when(source.str.strip_chars().fill_null("") == "")
        .then(pl.lit(UNKNOWN_CHANNEL))
        .otherwise(source)
        .alias("channel")
    )
    batches = funnel_registrants(
        sessions, registrants, participants, stayed_at_least=None, carry=("source",)
    )
    counts = pl.concat(
        [
            (batch if groups is None else batch.join(groups.lazy(), on="session_id"))
            .group_by(*group, channel)
            .agg(pl.len().cast(INT).alias("registered"), pl.col("joined").sum().cast(INT))
            .collect()
            for batch in batches
        ]
    )
    registered = pl.col("registered")
    return (
        counts.group_by(*group, "channel")
        .agg(registered.sum().cast(INT), pl.col("joined").sum().cast(INT))
        .with_columns(
            ratio(pl.col("joined"), registered).alias("join_rate"),
            (registered < SMALL_SAMPLE).alias("small_sample"),
        )
        .sort(
            [*group, "registered", "channel"],
            descending=[*(False for _ in group), True, False],
            nulls_last=True,
        )
        .select(*group, *CHANNELS.names())
        .cast(dict(CHANNELS))  # type: ignore[arg-type]
    )


def new_vs_returning(
    sessions: pl.DataFrame,
    participants: pl.DataFrame,
    *,
    every: str | None = None,
    time_zone: str = "UTC",
) -> pl.DataFrame:
    """New and returning people, per session or per period (:data:`NEW_VS_RETURNING`,
    :data:`NEW_VS_RETURNING_PERIODS`).

    People are told apart as :func:`attendee_keys` tells them apart (role Attendee; the user
    hash, else the e-mail; an attendee with neither is a person of their own, always new).
    Sessions are ordered by :func:`session_moment`, ties by ``session_id``. Per session:
    ``people`` (distinct people who attended), ``new`` (people whose first attended session
    among the given ones is this one), ``returning`` = people − new and ``returning_share`` =
    returning / people. Per period (with ``every``): ``people`` distinct in the period, ``new``
    those whose first attended session falls in it.

    "New" means first seen **among the sessions given** (the store's coverage), not first ever:
    someone who attended before the store's first session counts as new at their first session
    in it.

    Parameters
    ----------
    sessions:
        A frame from :func:`session_metrics`: only its sessions count.
    participants:
        The participants frame.
    every, time_zone:
        None (default): one row per session with attendees, in session order. A polars interval
        (``"1w"``, ``"1mo"``, …): one row per period with attendees, cut as
        :func:`period_summary` cuts it in ``time_zone``, sorted by period.
    """
    timed = _timed_sessions(sessions, every=every, time_zone=time_zone)
    where = [] if every is None else ["period"]
    visits = (
        _people(participants)
        .join(timed.lazy().select("session_id", _ORDER, *where), on="session_id", how="inner")
        .unique(["session_id", *_PERSON])
        .with_columns((pl.col(_ORDER) == pl.col(_ORDER).min().over(_PERSON)).alias("__new__"))
    )
    if every is None:
        keys, schema = ["session_id", _ORDER], NEW_VS_RETURNING
        people = pl.len()
    else:
        keys, schema = ["period"], NEW_VS_RETURNING_PERIODS
        people = pl.struct(_PERSON).n_unique()
    counted = (
        visits.group_by(keys)
        .agg(people.cast(INT).alias("people"), pl.col("__new__").sum().cast(INT).alias("new"))
        .sort(keys[-1], nulls_last=True)
        .with_columns((pl.col("people") - pl.col("new")).alias("returning"))
        .with_columns(ratio(pl.col("returning"), pl.col("people")).alias("returning_share"))
        .select(schema.names())
        .collect()
    )
    return _typed(counted, schema)


def series_cohorts(
    sessions: pl.DataFrame, participants: pl.DataFrame, *, by_series: bool = False
) -> pl.DataFrame:
    """Who comes back to later parts of a series (:data:`COHORTS`, :data:`SERIES_COHORTS`).

    A series is a ``webinar_id`` with two or more of the given sessions; its parts are numbered
    1, 2, … by :func:`session_moment` (ties by ``session_id``). A person's cohort in a series is
    the part of the first session of that series they attended (people told apart as
    :func:`attendee_keys` does; an attendee with neither hash nor e-mail is a person of their
    own, who never returns). For each ``first_part`` and each ``later_part`` after it that was
    **held** (status Finished): ``cohort`` counts the people whose first part is
    ``first_part``, ``returned`` those of them who attended ``later_part``, and ``share`` =
    returned / cohort (null with no one).

    Summed over the series (the default), a row counts only the series that held its
    ``later_part``: the people of a two-part series are not in the cohort of part 1 → part 3,
    so short series do not dilute the share of returning to a late part. A series whose later
    parts were not held yet has no rows.

    Parameters
    ----------
    sessions:
        A frame from :func:`session_metrics` (``webinar_id`` and ``status`` too).
    participants:
        The participants frame.
    by_series:
        One table per series, ``webinar_id`` first, not summed.

    Returns
    -------
    polars.DataFrame
        Sorted by (``webinar_id``,) ``first_part`` and ``later_part``.
    """
    if not isinstance(by_series, bool):
        raise ConfigurationError(f"by_series must be True or False, not {by_series!r}.")
    series = pl.col("webinar_id")
    parts = (
        _timed_sessions(sessions, extra=("webinar_id", "status"))
        .lazy()
        .filter(series.is_not_null() & (pl.len().over(series) >= 2))
        .select(
            "session_id",
            series.cast(STR),
            pl.col(_ORDER).rank("ordinal").over(series).cast(INT).alias("part"),
            (pl.col("status") == "Finished").fill_null(False).alias("__held__"),
        )
    )
    pairs = (
        parts.select(series, pl.col("part").alias("first_part"))
        .join(
            parts.filter("__held__").select(series, pl.col("part").alias("later_part")),
            on="webinar_id",
        )
        .filter(pl.col("first_part") < pl.col("later_part"))
    )
    visits = (
        _people(participants)
        .join(parts.select("session_id", "webinar_id", "part"), on="session_id", how="inner")
        .unique(["webinar_id", "part", *_PERSON])
        .with_columns(pl.col("part").min().over("webinar_id", *_PERSON).alias("first_part"))
    )
    cohorts = (
        visits.filter(pl.col("part") == pl.col("first_part"))
        .group_by("webinar_id", "first_part")
        .agg(pl.len().cast(INT).alias("cohort"))
    )
    returned = (
        visits.filter(pl.col("part") > pl.col("first_part"))
        .group_by("webinar_id", "first_part", pl.col("part").alias("later_part"))
        .agg(pl.len().cast(INT).alias("returned"))
    )
    table = (
        pairs.join(cohorts, on=["webinar_id", "first_part"], how="left")
        .join(returned, on=["webinar_id", "first_part", "later_part"], how="left")
        .with_columns(pl.col("cohort", "returned").fill_null(0))
    )
    keys = ["first_part", "later_part"]
    if by_series:
        keys = ["webinar_id", *keys]
    else:
        table = table.group_by(keys).agg(pl.col("cohort", "returned").sum())
    schema = SERIES_COHORTS if by_series else COHORTS
    return (
        table.with_columns(ratio(pl.col("returned"), pl.col("cohort")).alias("share"))
        .sort(keys)
        .select(schema.names())
        .collect()
        .cast(dict(schema))  # type: ignore[arg-type]
    )


def attendance_frequency(
    participants: pl.DataFrame, session_ids: Iterable[str] | None = None
) -> pl.DataFrame:
    """How many people attended 1, 2, 3, … of the sessions (:data:`FREQUENCY`).

    People are told apart as :func:`reach` tells them apart, so ``people`` sums to its
    ``people_reached`` and ``sessions_attended`` × ``people`` to its ``attendances``. Sorted by
    ``sessions_attended``; a number nobody attended has no row.

    Parameters
    ----------
    participants:
        The participants frame (role Attendee counts).
    session_ids:
        Restrict to these sessions.

    Examples
    --------
    >>> people = pl.DataFrame(
    ...     {
    ...         "session_id": ["s1", "s1", "s2", "s2"],
    ...         "role": ["Attendee"] * 4,
    ...         "unique_user_hash": ["a", "b", "a", None],
    ...     }
    ... )
    >>> attendance_frequency(people).rows()
    [(1, 2), (2, 1)]
    """
    return (
        _people(participants, session_ids)
        .group_by(_PERSON)
        .agg(pl.col("session_id").n_unique().cast(INT).alias("sessions_attended"))
        .group_by("sessions_attended")
        .agg(pl.len().cast(INT).alias("people"))
        .sort("sessions_attended")
        .collect()
        .cast(dict(FREQUENCY))  # type: ignore[arg-type]
    )


def top_attendees(
    participants: pl.DataFrame,
    *,
    n: int = 10,
    personal: bool = False,
    session_ids: Iterable[str] | None = None,
) -> pl.DataFrame:
    """The ``n`` people who attended the most sessions (:data:`TOP_ATTENDEES`,
    :data:`TOP_ATTENDEES_PERSONAL`).

    People are told apart as :func:`reach` tells them apart. ``rank`` is 1, 2, … in order of
    ``sessions_attended`` (descending), then the person's first join_time (earliest first),
    then their key, so ties always fall the same way. Without ``personal`` the frame holds no
    identity at all (not even the key); with it, ``name`` (first and last name of their latest
    attendance that has one) and ``email`` (the latest known).

    Parameters
    ----------
    participants:
        The participants frame (role Attendee counts).
    n:
        How many people (default 10).
    personal:
        Add ``name`` and ``email``; the frame must hold first_name, last_name and email.
    session_ids:
        Restrict to these sessions.

    Raises
    ------
    ConfigurationError
        ``personal=True`` and the frame has rows but no personal data (not synced, or dropped
        in privacy mode).
    """
    n = positive_int(n, name="n")
    if not isinstance(personal, bool):
        raise ConfigurationError(f"personal must be True or False, not {personal!r}.")
    if personal and isinstance(participants, pl.DataFrame) and participants.height:
        lacking = [name for name in _PERSONAL if name not in participants.columns]
        if lacking:
            raise ConfigurationError(
                "top_attendees(personal=True) needs the participants' first_name, last_name and"
                f" email, and this frame has no {', '.join(lacking)}: personal data was not"
                " synced or not kept (privacy mode); pass personal=False."
            )
    carry = ("join_time", *(_PERSONAL if personal else ()))
    rows = _people(participants, session_ids, carry=carry)
    identity: list[pl.Expr] = []
    if personal:

        def latest(value: pl.Expr) -> pl.Expr:
            return value.sort_by("join_time", "session_id").drop_nulls().last()

        name = pl.concat_str(
            pl.col("first_name").str.strip_chars(),
            pl.col("last_name").str.strip_chars(),
            separator=" ",
            ignore_nulls=True,
        ).str.strip_chars()
        email = pl.col("email").str.strip_chars()
        identity = [
            latest(pl.when(name != "").then(name)).alias("name"),
            latest(pl.when(email != "").then(email)).alias("email"),
        ]
    schema = TOP_ATTENDEES_PERSONAL if personal else TOP_ATTENDEES
    return (
        rows.group_by(_PERSON)
        .agg(
            pl.col("session_id").n_unique().cast(INT).alias("sessions_attended"),
            pl.col("join_time").min().alias("__first__"),
            *identity,
        )
        .sort(
            ["sessions_attended", "__first__", *_PERSON],
            descending=[True, False, False, False],
            nulls_last=True,
        )
        .head(n)
        .with_columns(pl.int_range(1, pl.len() + 1, dtype=INT).alias("rank"))
        .select(schema.names())
        .collect()
        .cast(dict(schema))  # type: ignore[arg-type]
    )


def on_demand(
    sessions: pl.DataFrame,
    registrants: pl.DataFrame,
    *,
    every: str | None = None,
    time_zone: str = "UTC",
) -> pl.DataFrame:
    """Live and post-webinar (on-demand) registrants, per session or per period
    (:data:`ON_DEMAND`, :data:`ON_DEMAND_PERIODS`).

    ``live_registrants`` counts the registrants with ``registered_post_webinar`` not true (as
    ``registrant_count``), ``post_webinar_registrants`` those with it true (sign-ups for the
    recording, never part of attendance), and ``post_webinar_share`` = post / (live + post).

    Parameters
    ----------
    sessions:
        The sessions counted (``session_id``; with ``every``, a frame from
        :func:`session_metrics`).
    registrants:
        The registrants frame (other sessions' rows are ignored).
    every, time_zone:
        None (default): one row per session with registrants, sorted by ``session_id``. A
        polars interval: one row per period with registrants, cut as :func:`period_summary`
        cuts it in ``time_zone``, the counts summed and the share of the sums.

    Examples
    --------
    >>> sessions = pl.DataFrame({"session_id": ["s1", "s2"]})
    >>> registrants = pl.DataFrame(
    ...     {
    ...         "session_id": ["s1", "s1", "s1", "s2"],
    ...         "registered_post_webinar": [False, True, None, False],
    ...     }
    ... )
    >>> on_demand(sessions, registrants).rows()
    [('s1', 2, 1, 0.3333333333333333), ('s2', 1, 0, 0.0)]
    """
    if every is None:
        keys, schema = ["session_id"], ON_DEMAND
        groups = (
            require(sessions, ("session_id",), what="sessions")
            .select(pl.col("session_id").cast(STR))
            .unique()
        )
    else:
        keys, schema = ["period"], ON_DEMAND_PERIODS
        groups = _timed_sessions(sessions, every=every, time_zone=time_zone).select(
            "session_id", "period"
        )
    frame = require(registrants, ("session_id", "registered_post_webinar"), what="registrants")
    post = pl.col("registered_post_webinar").fill_null(False)
    live, later = pl.col("live_registrants"), pl.col("post_webinar_registrants")
    return (
        frame.lazy()
        .select(pl.col("session_id").cast(STR), post.alias("__post__"))
        .join(groups.lazy(), on="session_id", how="inner")
        .group_by(keys)
        .agg(
            (~pl.col("__post__")).sum().cast(INT).alias("live_registrants"),
            pl.col("__post__").sum().cast(INT).alias("post_webinar_registrants"),
        )
        .with_columns(ratio(later, live + later).alias("post_webinar_share"))
        .sort(keys, nulls_last=True)
        .select(schema.names())
        .collect()
        .pipe(_typed, schema)
    )
