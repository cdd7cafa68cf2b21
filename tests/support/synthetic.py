"""The one synthetic program of the tests and the benchmarks: sessions, their participants and
their registrants, built in polars (no dicts, so a million rows take a second) with the declared
schemas, the same frames on every run.

Sessions are 10 minutes apart up to ``now``: the last 1 % Scheduled in the future, the two
before them Active, the rest Finished; three sessions per webinar, 400 hosts, five time zones,
about 1 % of recordings failed. Ids follow time (``s0`` is the oldest), so the started sessions
come first, which is what lets registrant ``r{n}`` and participant ``p{n}`` be the same person.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from webinar_insights import schemas

__all__ = ["NOW", "ZONES", "participants", "registrants", "sessions"]

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)  # a fixed clock: the same program every run
ZONES = ("America/New_York", "Europe/Berlin", "Asia/Tokyo", "UTC", "Australia/Sydney")


def _spread(index: pl.Expr, seed: int, modulo: int) -> pl.Expr:
    """A fixed pseudo-random whole number in [0, modulo) per row."""
    return (index.hash(seed) % modulo).cast(pl.Int64)


def sessions(n: int, *, now: datetime = NOW) -> pl.DataFrame:
    """``n`` sessions of ``schemas.SESSIONS`` (see the module's docstring for their shape).

    Counts are plausible for a Finished session (registrants 50-299; attendees 40-89 % of them;
    participants = attendees + 1 host + 2 panelists; walk-ins none) and null before it ends.
    """
    i = pl.int_range(n, dtype=pl.Int64)
    future = max(1, n // 100)
    start = pl.lit(now) + pl.duration(minutes=(i - (n - future)) * 10)
    status = (
        pl.when(i >= n - future)
        .then(pl.lit("Scheduled"))
        .when(i >= n - future - 2)
        .then(pl.lit("Active"))
        .otherwise(pl.lit("Finished"))
    )
    finished = status == "Finished"
    planned = pl.duration(minutes=30 + _spread(i, 1, 4) * 15)
    live = start + pl.duration(seconds=_spread(i, 2, 1_200) - 300)
    end = live + planned + pl.duration(seconds=_spread(i, 3, 1_800) - 900)
    registrants = 50 + _spread(i, 4, 250)
    attendees = registrants * (40 + _spread(i, 7, 50)) // 100
    host = _spread(i, 5, 400)
    frame = pl.select(
        session_id=pl.format("s{}", i),
        webinar_id=pl.format("w{}", i // 3),
        webinar_title=pl.format("Webinar {}", i // 3),
        session_title=pl.format("Session {}", i),
        host_user_id=pl.format("u{}", host),
        host_name=pl.format("Host {}", host),
        status=status,
        runtime_status=pl.when(status == "Active").then(pl.lit("Live")),
        time_zone=_spread(i, 6, len(ZONES)).replace_strict(
            list(range(len(ZONES))), list(ZONES), return_dtype=pl.String
        ),
        scheduled_start=start,
        scheduled_duration=planned,
        scheduled_end=start + planned,
        start_time=pl.when(status == "Scheduled").then(start).otherwise(live),
        end_time=end,
        broadcast_start=pl.when(status != "Scheduled").then(live),
        broadcast_end=pl.when(finished).then(end),
        participant_count=pl.when(finished).then(attendees + 3),
        attendee_count=pl.when(finished).then(attendees),
        unique_participant_count=pl.when(finished).then(attendees + 3),
        unique_attendee_count=pl.when(finished).then(attendees),
        registrant_count=registrants,
        post_webinar_registrant_count=_spread(i, 8, 10),
        recording_status=pl.when(~finished)
        .then(None)
        .when(_spread(i, 9, 100) == 0)
        .then(pl.lit("Failed"))
        .otherwise(pl.lit("Available")),
        created_at=start - pl.duration(days=14),
        modified_at=start,
    )
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schemas.SESSIONS.items())


def participants(sessions: pl.DataFrame, per_session: int) -> pl.DataFrame:
    """``per_session`` participants (``schemas.PARTICIPANTS``) for every started session: one
    host, 5 % panelists, the rest attendees, joining from 5 minutes before the start and leaving
    at any time up to the end."""
    started = sessions.filter(pl.col("broadcast_start").is_not_null()).select(
        "session_id",
        "webinar_id",
        start=pl.col("broadcast_start"),
        end=pl.coalesce("broadcast_end", pl.col("broadcast_start") + pl.col("scheduled_duration")),
    )
    people = (
        started.with_columns(slot=pl.int_ranges(0, per_session)).explode("slot").with_row_index("n")
    )
    n = pl.col("n").cast(pl.Int64)
    length_s = (pl.col("end") - pl.col("start")).dt.total_seconds()
    join = pl.col("start") + pl.duration(seconds=_spread(n, 1, 2_100) - 300)
    stay = pl.duration(seconds=60 + _spread(n, 2, 1_000_000) * length_s // 1_000_000)
    leave = pl.min_horizontal(join + stay, pl.col("end"))
    role = (
        pl.when(pl.col("slot") == 0)
        .then(pl.lit("Host"))
        .when(pl.col("slot") < per_session // 20)
        .then(pl.lit("Panelist"))
        .otherwise(pl.lit("Attendee"))
    )
    frame = people.select(
        "session_id",
        "webinar_id",
        participant_id=pl.format("p{}", n),
        role=role,
        original_role=role,
        participant_type=pl.lit("User"),
        join_time=join,
        leave_time=leave,
        was_ejected=pl.lit(False),
        registrant_id=pl.format("r{}", n),
        unique_user_hash=pl.format("h{}", _spread(n, 3, 10**12)),
        first_name=pl.format("First{}", _spread(n, 4, 5_000)),
        last_name=pl.format("Last{}", _spread(n, 5, 20_000)),
        email=pl.format("person{}@example.com", n),
        time_in_session=leave - join,
    )
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schemas.PARTICIPANTS.items())


def registrants(sessions: pl.DataFrame, per_session: int) -> pl.DataFrame:
    """``per_session`` registrants (``schemas.REGISTRANTS``) for every session, registering up
    to 30 days before its scheduled start; 5 % after it (post-webinar). Registrant n of a
    started session is ``r{n}``, the ``registrant_id`` of participant ``p{n}`` of
    :func:`participants` with the same ``per_session`` (started sessions come first); 80 % of
    them carry that ``participant_id``."""
    people = (
        sessions.select(
            "session_id",
            "scheduled_start",
            started=pl.col("broadcast_start").is_not_null(),
            slot=pl.int_ranges(0, per_session),
        )
        .explode("slot")
        .with_row_index("n")
    )
    n = pl.col("n").cast(pl.Int64)
    post = pl.col("slot") >= per_session - max(1, per_session // 20)
    lead = pl.duration(seconds=_spread(n, 11, 30 * 86_400))
    attended = pl.col("started") & ~post & (_spread(n, 12, 100) < 80)
    frame = people.select(
        registrant_id=pl.format("r{}", n),
        session_id="session_id",
        registration_time=pl.when(post)
        .then(pl.col("scheduled_start") + pl.duration(days=1) + lead)
        .otherwise(pl.col("scheduled_start") - lead),
        source=pl.lit("web"),
        participant_id=pl.when(attended).then(pl.format("p{}", n)),
        attended=attended,
        registered_post_webinar=post,
        first_name=pl.format("First{}", _spread(n, 4, 5_000)),
        last_name=pl.format("Last{}", _spread(n, 5, 20_000)),
        email=pl.format("person{}@example.com", n),
    )
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schemas.REGISTRANTS.items())
