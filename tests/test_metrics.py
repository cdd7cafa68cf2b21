"""Tests for webinar_insights.metrics: every formula and edge case of METRICS.md."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from webinar_insights import frames, metrics, schemas
from webinar_insights.errors import ConfigurationError, DataWarning

BASE = datetime(2024, 5, 10, 18, tzinfo=UTC)
MIN = timedelta(minutes=1)
DERIVED = metrics.SESSION_METRICS_COLUMNS


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def record(
    session_id: str,
    status: str = "Finished",
    *,
    webinar: str = "w1",
    host: str | None = "u1",
    host_name: str = "Ann Lee",
    scheduled: datetime = BASE,
    duration: timedelta = 60 * MIN,
    start: datetime | None = None,
    end: datetime | None = None,
    broadcast_start: datetime | None = None,
    broadcast_end: datetime | None = None,
    attendees: int | None = None,
    recording: str | None = None,
    time_zone: str = "UTC",
) -> dict[str, Any]:
    """A history session record; start/end default to the planned values, as the API sends."""
    first, last = host_name.split(" ")
    person: dict[str, Any] = {"firstName": first, "lastName": last}
    if host is not None:
        person["linkedUser"] = {"userId": host}
    found: dict[str, Any] = {
        "id": session_id,
        "status": status,
        "timeZone": time_zone,
        "webinar": {"id": webinar, "title": f"Webinar {webinar}", "host": person},
        "scheduledStartTime": iso(scheduled),
        "scheduledDuration": int(duration.total_seconds()),
        "startTime": iso(start or scheduled),
        "endTime": iso(end or scheduled + duration),
    }
    if broadcast_start is not None:
        found["broadcastingStartTime"] = iso(broadcast_start)
    if broadcast_end is not None:
        found["broadcastingEndTime"] = iso(broadcast_end)
    if attendees is not None:
        found["uniqueAttendeeCount"] = attendees
    if recording is not None:
        found["recording"] = {"status": recording}
    return found


def finished(
    session_id: str,
    *,
    delay: timedelta = timedelta(0),
    ran: timedelta = 60 * MIN,
    scheduled: datetime = BASE,
    **options: Any,
) -> dict[str, Any]:
    """A Finished session that went live ``delay`` after its schedule and ran for ``ran``."""
    went_live = scheduled + delay
    return record(
        session_id,
        scheduled=scheduled,
        broadcast_start=went_live,
        broadcast_end=went_live + ran,
        **options,
    )


def sessions(
    *records: dict[str, Any], registrant_counts: dict[str, int] | None = None
) -> pl.DataFrame:
    """The sessions frame of ``records``; ``registrant_counts`` as the store would fill them."""
    frame = frames.sessions_frame(records)
    if registrant_counts is not None:
        frame = frame.with_columns(
            registrant_count=pl.col("session_id").replace_strict(
                registrant_counts, default=None, return_dtype=pl.Int64
            )
        )
    return frame


def registrants(session_id: str, *people: dict[str, Any]) -> pl.DataFrame:
    return frames.registrants_frame(people, session_id=session_id)


def participants(session_id: str, *people: dict[str, Any], webinar_id: str = "w1") -> pl.DataFrame:
    return frames.participants_frame(people, session_id=session_id, webinar_id=webinar_id)


def person(
    participant_id: str,
    joined: datetime | None,
    left: datetime | None,
    *,
    role: str = "Attendee",
    registrant_id: str | None = None,
) -> dict[str, Any]:
    found: dict[str, Any] = {"id": participant_id, "role": role}
    if joined is not None:
        found["joinTime"] = iso(joined)
    if left is not None:
        found["leaveTime"] = iso(left)
    if registrant_id is not None:
        found["registrantId"] = registrant_id
    return found


def derived(frame: pl.DataFrame, **columns: list[Any]) -> pl.DataFrame:
    """Expected derived columns: the given ones, every other one null."""
    rows = frame.height
    return pl.DataFrame(
        {name: columns.get(name, [None] * rows) for name in DERIVED.names()}, schema=DERIVED
    )


def only_derived(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(DERIVED.names())


# --- session_metrics: the derived columns -------------------------------------------------


def test_finished_session_uses_broadcast_times_and_registrants() -> None:
    frame = sessions(
        record(
            "s1",
            start=BASE - 5 * MIN,  # startTime: the room opened before going live
            end=BASE + 70 * MIN,
            broadcast_start=BASE + 2 * MIN,
            broadcast_end=BASE + 65 * MIN,
            attendees=3,
        )
    )
    people = registrants(
        "s1",
        {"id": "r1", "participantId": "p1"},
        {"id": "r2", "participantId": "p2"},
        {"id": "r3"},
        {"id": "r4"},
        {"id": "r5", "registeredPostWebinar": True},
    )
    result = metrics.session_metrics(frame, registrants=people)

    assert result.schema == pl.Schema({**schemas.SESSIONS, **DERIVED})
    assert result.select("registrant_count", "post_webinar_registrant_count").row(0) == (4, 1)
    want = derived(
        result,
        actual_start=[BASE + 2 * MIN],
        actual_end=[BASE + 65 * MIN],
        start_delay=[2 * MIN],
        start_delay_min=[2.0],
        late_start=[False],
        actual_duration=[63 * MIN],
        overrun=[3 * MIN],
        attendance_rate=[0.75],
        no_show_count=[2],
        no_show_rate=[0.5],
        actual_duration_min=[63.0],
        overrun_min=[3.0],
    )
    assert_frame_equal(only_derived(result), want)


def test_scheduled_session_has_null_metrics_never_zero() -> None:
    # The API fills startTime/endTime of a Scheduled session with the plan; they must not count.
    frame = sessions(record("s1", "Scheduled", attendees=0))
    people = registrants("s1", {"id": "r1"}, {"id": "r2"})
    result = metrics.session_metrics(frame, registrants=people)

    assert result.get_column("registrant_count").to_list() == [2]
    assert_frame_equal(only_derived(result), derived(result))
    assert result.get_column("start_delay").null_count() == 1


def test_active_session_has_a_start_but_no_end() -> None:
    frame = sessions(record("s1", "Active", broadcast_start=BASE + 7 * MIN, attendees=4))
    result = metrics.session_metrics(
        frame, registrants=registrants("s1", {"id": "r1"}, {"id": "r2", "participantId": "p2"})
    )
    want = derived(
        result,
        actual_start=[BASE + 7 * MIN],
        start_delay=[7 * MIN],
        start_delay_min=[7.0],
        late_start=[True],
    )
    assert_frame_equal(only_derived(result), want)
    assert result.get_column("registrant_count").to_list() == [2]


def test_without_broadcasting_fields_start_and_end_time_are_used() -> None:
    frame = sessions(
        record("s1", start=BASE + 90 * timedelta(seconds=1), end=BASE + 46 * MIN),
        record("s2", start=BASE + 3 * MIN, end=BASE + 80 * MIN, broadcast_end=BASE + 75 * MIN),
    )
    result = metrics.session_metrics(frame)
    want = derived(
        result,
        actual_start=[BASE + timedelta(seconds=90), BASE + 3 * MIN],
        actual_end=[BASE + 46 * MIN, BASE + 75 * MIN],
        start_delay=[timedelta(seconds=90), 3 * MIN],
        start_delay_min=[1.5, 3.0],  # fractional minutes, not truncated to 1
        late_start=[False, False],
        actual_duration=[timedelta(minutes=44, seconds=30), 72 * MIN],
        overrun=[-timedelta(minutes=15, seconds=30), 12 * MIN],
        actual_duration_min=[44.5, 72.0],
        overrun_min=[-15.5, 12.0],
    )
    assert_frame_equal(only_derived(result), want)


def test_zero_registrants_give_a_null_rate_not_zero_or_infinity() -> None:
    frame = sessions(finished("s1", attendees=5), finished("s2", attendees=5))
    # s1: registration data holds only an on-demand sign-up; s2: the store recorded 0.
    frame = frame.with_columns(
        registrant_count=pl.when(pl.col("session_id") == "s2").then(pl.lit(0, pl.Int64))
    )
    people = registrants("s1", {"id": "r1", "registeredPostWebinar": True})
    result = metrics.session_metrics(frame, registrants=people)

    assert result.select(
        "registrant_count", "post_webinar_registrant_count", "attendance_rate"
    ).rows() == [(0, 1, None), (0, None, None)]
    assert result.select("no_show_count", "no_show_rate").rows() == [(0, None), (None, None)]


def test_attendance_above_one_is_kept_and_flagged() -> None:
    frame = sessions(finished("s1", attendees=12), registrant_counts={"s1": 10})
    result = metrics.session_metrics(frame)
    assert result.get_column("attendance_rate").to_list() == [1.2]

    found = metrics.anomalies(result)
    assert found.select("session_id", "kind", "severity").rows() == [
        ("s1", "attendance_above_1", "low")
    ]
    assert "1.2: 12 unique attendees for 10 registrants" in found.item(0, "reason")


def test_registrants_fill_only_the_sessions_they_hold() -> None:
    frame = sessions(
        finished("s1", attendees=1),
        finished("s2", attendees=6),
        finished("s3", attendees=2),
        record("s4", "Active"),
    ).with_columns(
        # s2: counts the store filled earlier; s3: registrants never fetched (null).
        registrant_count=pl.col("session_id").replace_strict(
            {"s2": 8}, default=None, return_dtype=pl.Int64
        ),
        post_webinar_registrant_count=pl.col("session_id").replace_strict(
            {"s2": 3}, default=None, return_dtype=pl.Int64
        ),
    )
    people = pl.concat(
        [
            registrants("s1", {"id": "r1", "participantId": "p1"}, {"id": "r2"}),
            registrants("s4", {"id": "r3"}, {"id": "r4", "registeredPostWebinar": True}),
            registrants("s9", {"id": "r9"}),  # a session not in the frame: ignored
        ]
    )
    result = metrics.session_metrics(frame, registrants=people)

    assert result.select(
        "session_id",
        "registrant_count",
        "post_webinar_registrant_count",
        "attendance_rate",
        "no_show_count",
        "no_show_rate",
    ).rows() == [
        ("s1", 2, 0, 0.5, 1, 0.5),
        ("s2", 8, 3, 0.75, None, None),
        ("s3", None, None, None, None, None),
        ("s4", 1, 1, None, None, None),  # not Finished: no attendance, no no-shows yet
    ]


def test_session_metrics_twice_keeps_the_no_shows_it_had() -> None:
    frame = sessions(finished("s1", attendees=1), finished("s2", attendees=1))
    once = metrics.session_metrics(
        frame, registrants=registrants("s1", {"id": "r1"}, {"id": "r2", "participantId": "p"})
    )
    twice = metrics.session_metrics(once)
    assert_frame_equal(twice, once)
    assert twice.get_column("no_show_count").to_list() == [1, None]


@pytest.mark.parametrize(
    ("delay", "late_after", "late"),
    [
        (5 * MIN, timedelta(minutes=5), False),  # exactly the tolerance is not late
        (5 * MIN + timedelta(seconds=1), timedelta(minutes=5), True),
        (-3 * MIN, timedelta(minutes=5), False),  # early
        (8 * MIN, timedelta(minutes=10), False),
        (8 * MIN, timedelta(minutes=2), True),
    ],
)
def test_late_start_compares_the_delay_with_late_after(
    delay: timedelta, late_after: timedelta, late: bool
) -> None:
    frame = sessions(finished("s1", delay=delay))
    result = metrics.session_metrics(frame, late_after=late_after)
    assert result.get_column("late_start").to_list() == [late]
    assert result.get_column("start_delay_min").to_list() == [pytest.approx(delay / MIN)]


def mixed_sessions() -> pl.DataFrame:
    return sessions(
        finished("s1", delay=2 * MIN, ran=63 * MIN, attendees=7),
        record("s2", "Scheduled"),
        record("s3", "Active", broadcast_start=BASE + 9 * MIN),
        record("s4", start=BASE - MIN, end=BASE + 50 * MIN, attendees=0),
        finished("s5", delay=-MIN, attendees=4),
        registrant_counts={"s1": 10, "s2": 5, "s3": 3, "s4": 0, "s5": 2},
    )


def test_expression_builders_give_the_columns_of_session_metrics() -> None:
    frame = mixed_sessions()
    built = frame.select(
        metrics.actual_start(),
        metrics.actual_end(),
        metrics.start_delay(),
        metrics.minutes(metrics.start_delay()).alias("start_delay_min"),
        metrics.late_start(timedelta(minutes=3)),
        metrics.actual_duration(),
        metrics.overrun(),
        metrics.attendance_rate(),
    )
    result = metrics.session_metrics(frame, late_after=timedelta(minutes=3))
    assert_frame_equal(built, result.select(built.columns))
    assert built.get_column("late_start").to_list() == [False, None, True, False, False]
    assert built.get_column("attendance_rate").to_list() == [0.7, None, None, None, 2.0]


def test_minutes_keeps_the_fraction() -> None:
    frame = pl.DataFrame(
        {"d": [timedelta(seconds=90), timedelta(seconds=-90), None]},
        schema={"d": schemas.DURATION},
    )
    assert frame.select(metrics.minutes("d")).to_series().to_list() == [1.5, -1.5, None]
    assert frame.select(metrics.minutes(pl.col("d"))).dtypes == [pl.Float64]


def test_participant_metrics_adds_join_delay() -> None:
    frame = metrics.session_metrics(
        sessions(finished("s1", delay=2 * MIN), record("s2", "Scheduled"))
    )
    people = pl.concat(
        [
            participants(
                "s1",
                person("p1", BASE + MIN, BASE + 30 * MIN),
                person("p2", BASE + 4 * MIN + timedelta(seconds=30), None),
            ),
            participants("s2", person("p3", BASE, None)),
            participants("s7", person("p4", BASE, None)),  # a session not in the frame
        ]
    )
    result = metrics.participant_metrics(people, frame)
    assert result.columns == [*schemas.PARTICIPANTS.names(), "join_delay", "join_delay_min"]
    assert result.select("join_delay", "join_delay_min").rows() == [
        (-MIN, -1.0),
        (timedelta(minutes=2, seconds=30), 2.5),
        (None, None),
        (None, None),
    ]
    # a raw sessions frame works too (actual_start is computed)
    assert_frame_equal(
        metrics.participant_metrics(people, sessions(finished("s1", delay=2 * MIN))).drop(
            "join_delay", "join_delay_min"
        ),
        people,
    )


# --- aggregates -------------------------------------------------------------------------------


def program() -> pl.DataFrame:
    """Two webinars, three hosts; every number below is computed by hand in the tests."""
    day = timedelta(days=1)
    return metrics.session_metrics(
        sessions(
            finished("s1", delay=2 * MIN, ran=60 * MIN, attendees=10, host="u1"),
            finished(
                "s2",
                delay=10 * MIN,
                ran=90 * MIN,
                attendees=30,
                host="u1",
                scheduled=BASE + 7 * day,
            ),
            record("s3", "Scheduled", host="u2", scheduled=BASE + 30 * day),
            finished(
                "s4",
                webinar="w2",
                delay=timedelta(0),
                ran=30 * MIN,
                attendees=5,
                host=None,
                host_name="Bo Kim",
            ),
            record(
                "s5",
                "Active",
                webinar="w2",
                broadcast_start=BASE - MIN,
                host=None,
                host_name="Cy Ng",
            ),
            finished("s6", webinar="w2", delay=6 * MIN, ran=45 * MIN, attendees=8, host="u2"),
            registrant_counts={"s1": 100, "s2": 50, "s3": 20, "s4": 0, "s5": 40},
        )
    )


def test_webinar_summary_weights_the_attendance_rate() -> None:
    result = metrics.webinar_summary(program())
    want = pl.DataFrame(
        {
            "webinar_id": ["w1", "w2"],
            "webinar_title": ["Webinar w1", "Webinar w2"],
            "sessions": [3, 3],
            "finished_sessions": [2, 2],
            "registrants": [170, 40],
            "unique_attendees": [40, 13],
            # (10 + 30) / (100 + 50): the Scheduled session's 20 registrants do not count; w2 has
            # no Finished session with registrants (0 and unknown), so no rate.
            "attendance_rate": [40 / 150, None],
            "median_start_delay_min": [6.0, 0.0],
            "late_start_share": [0.5, 1 / 3],
            "total_actual_duration": [150 * MIN, 75 * MIN],
            "mean_actual_duration_min": [75.0, 37.5],
        },
        schema=pl.Schema(
            {"webinar_id": pl.String(), "webinar_title": pl.String(), **metrics.SUMMARY_COLUMNS}
        ),
    )
    assert_frame_equal(result, want)


def test_host_summary_tells_unlinked_hosts_apart_by_name() -> None:
    result = metrics.host_summary(program())
    assert result.select("host_user_id", "host_name", "sessions", "registrants").rows() == [
        ("u1", "Ann Lee", 2, 150),
        ("u2", "Ann Lee", 2, 20),
        (None, "Bo Kim", 1, 0),
        (None, "Cy Ng", 1, 40),
    ]
    assert result.schema == pl.Schema(
        {"host_user_id": pl.String(), "host_name": pl.String(), **metrics.SUMMARY_COLUMNS}
    )


def test_period_summary_cuts_local_days_across_dst() -> None:
    # Europe/Berlin moved to summer time on 2024-03-31 (02:00 -> 03:00).
    frame = metrics.session_metrics(
        sessions(
            finished("a", scheduled=utc(2024, 3, 30, 22, 30), attendees=1),  # 23:30 CET, Mar 30
            finished("b", scheduled=utc(2024, 3, 30, 23, 30), attendees=2),  # 00:30 CET, Mar 31
            finished("c", scheduled=utc(2024, 3, 31, 21, 30), attendees=4),  # 23:30 CEST, Mar 31
            finished("d", scheduled=utc(2024, 3, 31, 22, 30), attendees=8),  # 00:30 CEST, Apr 1
        )
    )
    result = metrics.period_summary(frame, every="1d", time_zone="Europe/Berlin")
    berlin = pl.Datetime("us", "Europe/Berlin")
    assert result.schema["period"] == berlin
    assert result.select(
        pl.col("period").dt.convert_time_zone("UTC"), "sessions", "unique_attendees"
    ).rows() == [
        (utc(2024, 3, 29, 23), 1, 1),  # local midnight CET = 23:00 UTC
        (utc(2024, 3, 30, 23), 2, 6),  # the 23-hour day
        (utc(2024, 3, 31, 22), 1, 8),  # local midnight CEST = 22:00 UTC
    ]
    weekly = metrics.period_summary(frame, time_zone="Europe/Berlin")  # weeks start on Monday
    assert weekly.select(pl.col("period").dt.strftime("%Y-%m-%d %a"), "sessions").rows() == [
        ("2024-03-25 Mon", 3),
        ("2024-04-01 Mon", 1),
    ]
    assert metrics.period_summary(frame).schema["period"] == schemas.TIMESTAMP


def test_kpis_by_hand() -> None:
    result = metrics.kpis(program())
    assert list(result) == list(metrics.KPI_KEYS)
    assert result == {
        "sessions": 6,
        "finished_sessions": 4,
        "registrants": 210,
        "unique_attendees": 53,
        "attendance_rate": pytest.approx(40 / 150),
        "median_start_delay_min": 2.0,  # of 2, 10, 0, -1, 6
        "p90_start_delay_min": pytest.approx(8.4),  # linear between 6 and 10
        "late_start_share": pytest.approx(0.4),  # 10 and 6 minutes late out of five starts
        "mean_actual_duration_min": 56.25,
        "overrun_share": 0.25,  # +30 min of four: 0, +30, -30, -15
        "no_show_rate": None,  # no registrants list
    }


def test_kpis_weight_the_no_show_rate() -> None:
    frame = metrics.session_metrics(
        sessions(finished("s1", attendees=3), finished("s2", attendees=0)),
        registrants=pl.concat(
            [
                registrants(
                    "s1",
                    *({"id": f"a{i}", "participantId": f"p{i}"} for i in range(3)),
                    {"id": "a9"},
                ),
                registrants("s2", {"id": "b1"}, {"id": "b2"}),
            ]
        ),
    )
    assert frame.get_column("no_show_rate").to_list() == [0.25, 1.0]
    assert metrics.kpis(frame)["no_show_rate"] == pytest.approx(3 / 6)


# --- retention, peak, lead time, funnel -------------------------------------------------------


def retention_fixture() -> tuple[pl.DataFrame, pl.DataFrame]:
    frame = metrics.session_metrics(
        sessions(
            finished("s1", ran=5 * MIN),
            record("s2", "Active", broadcast_start=BASE),
            record("s3", "Scheduled"),
        )
    )
    with pytest.warns(DataWarning, match="left before they joined"):
        s1 = participants(
            "s1",
            person("a", BASE - 2 * MIN, BASE + timedelta(minutes=2, seconds=30)),
            person("b", BASE + MIN, BASE + 3 * MIN),
            person("c", BASE + timedelta(minutes=3, seconds=10), None),  # still there at the end
            person("d", BASE + 4 * MIN, BASE + 3 * MIN),  # bad data: never present
            person("h", BASE - 10 * MIN, BASE + 10 * MIN, role="Host"),  # not an attendee
        )
    people = pl.concat(
        [
            s1,
            participants(
                "s2",
                person("p", BASE, BASE + 2 * MIN),
                person("q", BASE + MIN, None),
            ),
            participants("s3", person("x", BASE, BASE + MIN)),
        ]
    )
    return frame, people


def test_retention_curve_by_hand() -> None:
    frame, people = retention_fixture()
    result = metrics.retention_curve(people, frame)
    want = pl.DataFrame(
        {
            "session_id": ["s1"] * 6 + ["s2"] * 3,
            "minute": [0, 1, 2, 3, 4, 5, 0, 1, 2],
            "attendees_present": [1, 2, 2, 0, 1, 1, 1, 2, 1],
            # s1 has 4 attendees (d counts, though never present); s2 runs to its last leave.
            "share_present": [0.25, 0.5, 0.5, 0.0, 0.25, 0.25, 0.5, 1.0, 0.5],
        },
        schema=metrics.RETENTION,
    )
    assert_frame_equal(result, want)
    only = metrics.retention_curve(people, frame, session_ids=["s2"])
    assert_frame_equal(only, want.filter(pl.col("session_id") == "s2"))


def test_peak_concurrency_by_hand() -> None:
    frame, people = retention_fixture()
    result = metrics.peak_concurrency(people, frame)
    want = pl.DataFrame(
        {
            "session_id": ["s1", "s2"],
            "peak_attendees": [2, 2],
            "peak_at": [BASE + MIN, BASE + MIN],
        },
        schema=metrics.PEAK_CONCURRENCY,
    )
    assert_frame_equal(result, want)


def test_peak_counts_a_leave_before_a_join_at_the_same_instant() -> None:
    frame = metrics.session_metrics(sessions(finished("s1")))
    people = participants(
        "s1",
        person("x", BASE, BASE + 2 * MIN),
        person("y", BASE + 2 * MIN, BASE + 4 * MIN),
        person("z", BASE + 3 * MIN, None),  # leaves at actual_end
    )
    assert metrics.peak_concurrency(people, frame).rows() == [("s1", 2, BASE + 3 * MIN)]


def test_registration_lead_time() -> None:
    frame = sessions(
        finished("s1", delay=2 * MIN),
        record("s2", "Scheduled", scheduled=utc(2024, 6, 1, 12)),
    )
    people = pl.concat(
        [
            registrants(
                "s1",
                {"id": "r1", "registrationTime": iso(BASE + 2 * MIN - timedelta(days=2))},
                {"id": "r2", "creationTime": iso(BASE + 12 * MIN)},  # after the start
                {"id": "r3", "registrationTime": iso(BASE), "registeredPostWebinar": True},
            ),
            registrants("s2", {"id": "r4", "registrationTime": "2024-05-31T00:00:00Z"}),
            registrants("s9", {"id": "r9", "registrationTime": "2024-05-31T00:00:00Z"}),
        ]
    )
    result = metrics.registration_lead_time(people, frame)
    want = pl.DataFrame(
        {
            "session_id": ["s1", "s1", "s2"],
            "registrant_id": ["r1", "r2", "r4"],
            "lead_time": [timedelta(days=2), -10 * MIN, timedelta(days=1, hours=12)],
            "lead_time_days": [2.0, -10 / 1440, 1.5],
        },
        schema=metrics.LEAD_TIME,
    )
    assert_frame_equal(result, want)


def test_registration_funnel_stages_are_nested() -> None:
    frame = sessions(finished("s1"))
    people = pl.concat(
        [
            registrants(
                "s1",
                {"id": "r1", "participantId": "p1"},
                {"id": "r2", "participantId": "p2"},
                {"id": "r3"},
                {"id": "r4"},  # linked from the participant's side only
                {"id": "r5", "registeredPostWebinar": True},
            ),
            registrants("s9", {"id": "r9", "participantId": "p9"}),  # another session
        ]
    )
    visits = participants(
        "s1",
        person("p1", BASE, BASE + 30 * MIN),
        person("p2", BASE, BASE + 5 * MIN),
        person("p4", BASE, BASE + 12 * MIN, registrant_id="r4"),
        person("walk-in", BASE, BASE + 60 * MIN),
    )
    result = metrics.registration_funnel(frame, people, visits)
    want = pl.DataFrame(
        {"stage": ["Registered", "Attended", "Stayed ≥ 10 min"], "count": [4, 3, 2]},
        schema=metrics.FUNNEL,
    )
    assert_frame_equal(result, want)
    short = metrics.registration_funnel(
        frame, people, visits, stayed_at_least=timedelta(seconds=90)
    )
    assert short.rows() == [("Registered", 4), ("Attended", 3), ("Stayed ≥ 1.5 min", 3)]
    exactly = metrics.registration_funnel(frame, people, visits, stayed_at_least=5 * MIN)
    assert exactly.rows()[2] == ("Stayed ≥ 5 min", 3)  # p2 stayed exactly 5 minutes


# --- percentile bands ---------------------------------------------------------------------------


def test_percentile_bands_by_webinar_and_host() -> None:
    frame = metrics.session_metrics(
        sessions(
            *(finished(f"s{i}", attendees=i, host="u1" if i < 4 else "u2") for i in range(1, 6)),
            record("s6", "Scheduled"),  # no rate: ignored
            registrant_counts={f"s{i}": 10 for i in range(1, 7)},
        )
    )
    by_webinar = metrics.percentile_bands(frame, value="attendance_rate", by="webinar")
    want = pl.DataFrame(
        {
            "webinar_id": ["w1"],
            "webinar_title": ["Webinar w1"],
            "n": [5],
            "p25": [0.2],
            "p50": [0.3],
            "p75": [0.4],
            "p90": [0.46],
        },
        schema={
            "webinar_id": pl.String,
            "webinar_title": pl.String,
            "n": pl.Int64,
            **dict.fromkeys(("p25", "p50", "p75", "p90"), pl.Float64),
        },
    )
    assert_frame_equal(by_webinar, want)
    by_host = metrics.percentile_bands(frame, value="attendance_rate", by="host")
    assert by_host.select("host_user_id", "host_name", "n", "p50").rows() == [
        ("u1", "Ann Lee", 3, pytest.approx(0.2)),
        ("u2", "Ann Lee", 2, pytest.approx(0.45)),
    ]


def test_percentile_bands_by_local_weekday_and_hour_across_dst() -> None:
    frame = metrics.session_metrics(
        sessions(
            # Mondays at 10:00 in Berlin: 09:00 UTC in winter, 08:00 UTC in summer.
            finished("s1", scheduled=utc(2024, 1, 15, 9), delay=MIN, time_zone="Europe/Berlin"),
            finished("s2", scheduled=utc(2024, 7, 15, 8), delay=3 * MIN, time_zone="Europe/Berlin"),
            finished("s3", scheduled=utc(2024, 7, 21, 23), delay=5 * MIN, time_zone="Asia/Tokyo"),
        )
    )
    own = metrics.percentile_bands(frame, value="start_delay_min", by="weekday_hour")
    assert own.select("weekday", "hour", "n", "p50").rows() == [(1, 8, 1, 5.0), (1, 10, 2, 2.0)]
    assert own.schema["weekday"] == pl.Int8 and own.schema["hour"] == pl.Int8
    in_utc = metrics.percentile_bands(
        frame, value="start_delay_min", by="weekday_hour", time_zone="UTC"
    )
    assert in_utc.select("weekday", "hour", "n").rows() == [(1, 8, 1), (1, 9, 1), (7, 23, 1)]


def test_percentile_bands_warn_about_an_unknown_zone() -> None:
    frame = metrics.session_metrics(
        sessions(finished("s1", scheduled=utc(2024, 1, 15, 9), time_zone="Mars/Olympus"))
    )
    with pytest.warns(DataWarning, match="Mars/Olympus"):
        result = metrics.percentile_bands(frame, value="start_delay_min", by="weekday_hour")
    assert result.select("weekday", "hour", "n").rows() == [(1, 9, 1)]


# --- anomalies ----------------------------------------------------------------------------------


def test_anomalies_each_rule() -> None:
    day = timedelta(days=1)
    frame = metrics.session_metrics(
        sessions(
            finished("late-high", delay=20 * MIN, scheduled=BASE),
            finished("late-medium", delay=12 * MIN, scheduled=BASE + day),  # ≤ 3 × 5
            finished("overrun-medium", ran=80 * MIN, scheduled=BASE + 2 * day),
            finished("overrun-high", ran=110 * MIN, scheduled=BASE + 3 * day),
            finished("empty", attendees=0, scheduled=BASE + 4 * day, webinar="w2"),
            finished("walk-ins", attendees=12, scheduled=BASE + 5 * day),
            finished("no-recording", recording="Failed", scheduled=BASE + 6 * day),
            record("fallback", start=BASE + 7 * day + MIN, scheduled=BASE + 7 * day),
            finished("fine", attendees=5, scheduled=BASE + 8 * day),
            record("planned", "Scheduled", scheduled=BASE + 9 * day, attendees=0),
            registrant_counts={"empty": 10, "walk-ins": 10, "fine": 10, "planned": 10},
        )
    )
    with pytest.warns(DataWarning):
        bad = participants(
            "fine",
            person("p7", BASE + 9 * MIN, BASE + 8 * MIN),
            person("p8", BASE + 9 * MIN, BASE + 9 * MIN),  # no time in session, but no bad data
        )
    found = metrics.anomalies(frame, participants=bad)
    assert found.schema == metrics.ANOMALIES
    assert found.select("session_id", "kind", "severity").rows() == [
        ("late-high", "late_start", "high"),
        ("late-medium", "late_start", "medium"),
        ("overrun-medium", "overrun", "medium"),
        ("overrun-high", "overrun", "high"),
        ("empty", "no_attendees", "high"),
        ("walk-ins", "attendance_above_1", "low"),
        ("no-recording", "recording_failed", "high"),
        ("fallback", "no_broadcast_times", "low"),
        ("fine", "leave_before_join", "low"),
    ]
    reasons = dict(zip(found.get_column("session_id"), found.get_column("reason"), strict=True))
    assert reasons["late-high"] == "Started 20.0 min after its scheduled start (threshold 5 min)."
    assert reasons["overrun-high"] == (
        "Ran 50.0 min longer than its scheduled 60.0 min (threshold 15 min)."
    )
    assert "0 attendees although 10 people registered" in reasons["empty"]
    assert "broadcasting start and end times" in reasons["fallback"]
    assert reasons["fine"].startswith("1 participant(s) left before they joined")
    assert "p7" in reasons["fine"]
    stricter = metrics.anomalies(frame, late_after=timedelta(minutes=13))
    assert "late-medium" not in stricter.get_column("session_id").to_list()


def test_anomalies_below_the_series_usual() -> None:
    rates = {"a": 1, "b": 6, "c": 7, "d": 8, "e": 1, "f": 9}
    frame = metrics.session_metrics(
        sessions(
            *(finished(s, attendees=n, webinar="w1") for s, n in rates.items() if s < "e"),
            *(finished(s, attendees=n, webinar="w2") for s, n in rates.items() if s >= "e"),
            registrant_counts=dict.fromkeys(rates, 10),
        )
    )
    found = metrics.anomalies(frame)
    # a: 0.1 < 0.5 × median(0.6, 0.7, 0.8); w2 has only two sessions, too few to judge.
    assert found.select("session_id", "kind", "severity").rows() == [
        ("a", "below_usual_attendance", "medium")
    ]
    assert found.item(0, "reason") == (
        "Attendance rate 0.1 is below 0.5 × its series' usual 0.7 (median of its 3 other sessions)."
    )
    assert metrics.anomalies(frame, below_usual=0.1).height == 0


# --- empty frames, missing columns, bad arguments -------------------------------------------


EMPTY = pl.DataFrame()
EMPTY_CALLS: dict[str, tuple[Callable[[], object], pl.Schema | None]] = {
    "session_metrics": (
        lambda: metrics.session_metrics(EMPTY, registrants=EMPTY),
        pl.Schema({**schemas.SESSIONS, **DERIVED}),
    ),
    "participant_metrics": (
        lambda: metrics.participant_metrics(EMPTY, EMPTY),
        pl.Schema({**schemas.PARTICIPANTS, **metrics.PARTICIPANT_METRICS_COLUMNS}),
    ),
    "webinar_summary": (
        lambda: metrics.webinar_summary(EMPTY),
        pl.Schema(
            {"webinar_id": pl.String(), "webinar_title": pl.String(), **metrics.SUMMARY_COLUMNS}
        ),
    ),
    "host_summary": (
        lambda: metrics.host_summary(EMPTY),
        pl.Schema(
            {"host_user_id": pl.String(), "host_name": pl.String(), **metrics.SUMMARY_COLUMNS}
        ),
    ),
    "period_summary": (
        lambda: metrics.period_summary(EMPTY, time_zone="Asia/Tokyo"),
        pl.Schema({"period": pl.Datetime("us", "Asia/Tokyo"), **metrics.SUMMARY_COLUMNS}),
    ),
    "retention_curve": (lambda: metrics.retention_curve(EMPTY, EMPTY), metrics.RETENTION),
    "peak_concurrency": (lambda: metrics.peak_concurrency(EMPTY, EMPTY), metrics.PEAK_CONCURRENCY),
    "registration_lead_time": (
        lambda: metrics.registration_lead_time(EMPTY, EMPTY),
        metrics.LEAD_TIME,
    ),
    "percentile_bands": (
        lambda: metrics.percentile_bands(EMPTY, value="attendance_rate", by="weekday_hour"),
        pl.Schema(
            {
                "weekday": pl.Int8(),
                "hour": pl.Int8(),
                "n": pl.Int64(),
                **dict.fromkeys(("p25", "p50", "p75", "p90"), pl.Float64()),
            }
        ),
    ),
    "anomalies": (lambda: metrics.anomalies(EMPTY, participants=EMPTY), metrics.ANOMALIES),
}


@pytest.mark.parametrize("name", list(EMPTY_CALLS))
def test_empty_frames_give_empty_frames_with_the_schema(name: str) -> None:
    call, schema = EMPTY_CALLS[name]
    result = call()
    assert isinstance(result, pl.DataFrame)
    assert result.height == 0
    assert result.schema == schema


def test_empty_frames_with_their_schemas() -> None:
    none = metrics.session_metrics(frames.sessions_frame([]))
    assert none.schema == pl.Schema({**schemas.SESSIONS, **DERIVED})
    assert metrics.kpis(none) == {
        key: (0 if key in ("sessions", "finished_sessions") else None) for key in metrics.KPI_KEYS
    }
    assert metrics.registration_funnel(none, EMPTY, EMPTY).get_column("count").to_list() == [
        0,
        0,
        0,
    ]
    people = frames.participants_frame([], session_id="s", webinar_id="w")
    assert metrics.retention_curve(people, none).schema == metrics.RETENTION
    assert metrics.peak_concurrency(people, none).schema == metrics.PEAK_CONCURRENCY
    assert metrics.percentile_bands(none, value="start_delay_min", by="host").height == 0


def test_a_missing_column_is_named() -> None:
    frame = mixed_sessions()
    with pytest.raises(ConfigurationError, match="'broadcast_start'"):
        metrics.session_metrics(frame.drop("broadcast_start"))
    with pytest.raises(ConfigurationError, match=r"'attendance_rate'.*session_metrics\(\)"):
        metrics.webinar_summary(frame)  # not through session_metrics
    with pytest.raises(ConfigurationError, match="'registered_post_webinar'"):
        metrics.session_metrics(
            frame, registrants=registrants("s1", {"id": "r"}).drop("registered_post_webinar")
        )
    with pytest.raises(ConfigurationError, match="'role'"):
        metrics.retention_curve(participants("s1", person("p", BASE, None)).drop("role"), frame)


@pytest.mark.parametrize(
    "call",
    [
        lambda f: metrics.session_metrics(f, late_after=5),
        lambda f: metrics.late_start(5),
        lambda f: metrics.period_summary(f, every="fortnightly"),
        lambda f: metrics.period_summary(f, time_zone="Mars/Olympus"),
        lambda f: metrics.percentile_bands(f, value="rate", by="host"),
        lambda f: metrics.percentile_bands(f, value="attendance_rate", by="month"),
        lambda f: metrics.percentile_bands(
            f, value="attendance_rate", by="weekday_hour", time_zone="Nowhere/Else"
        ),
        lambda f: metrics.anomalies(f, below_usual=0),
        lambda f: metrics.retention_curve(EMPTY, f, session_ids="s1"),
        lambda f: metrics.webinar_summary(f.lazy()),
    ],
)
def test_bad_arguments_raise_configuration_errors(call: Callable[[pl.DataFrame], object]) -> None:
    with pytest.raises(ConfigurationError):
        call(metrics.session_metrics(mixed_sessions()))


# --- properties -------------------------------------------------------------------------------

PROPERTIES = settings(max_examples=60, deadline=None, derandomize=True)
STATUSES = ["Scheduled", "Active", "Finished", None]
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", None]


@st.composite
def session_frames(draw: st.DrawFn, max_size: int = 12) -> pl.DataFrame:
    """Sessions frames with every status, optional broadcast fields and counts, odd values."""
    rows: list[dict[str, Any]] = []
    for number in range(draw(st.integers(0, max_size))):
        scheduled = BASE + timedelta(minutes=draw(st.integers(-60 * 24 * 60, 60 * 24 * 60)))
        duration = timedelta(minutes=draw(st.sampled_from([15, 30, 60, 90])))
        start = scheduled + timedelta(seconds=draw(st.integers(-1200, 3600)))
        end = start + timedelta(seconds=draw(st.integers(0, 3 * 3600)))
        broadcast = draw(st.booleans())
        rows.append(
            {
                "session_id": f"s{number}",
                "webinar_id": draw(st.sampled_from(["w1", "w2", "w3", None])),
                "host_user_id": draw(st.sampled_from(["u1", "u2", None])),
                "host_name": draw(st.sampled_from(["Ann Lee", "Bo Kim", None])),
                "status": draw(st.sampled_from(STATUSES)),
                "time_zone": draw(st.sampled_from(ZONES)),
                "scheduled_start": scheduled,
                "scheduled_duration": duration,
                "start_time": start,
                "end_time": end,
                "broadcast_start": start + MIN if broadcast else None,
                "broadcast_end": end - MIN if broadcast and draw(st.booleans()) else None,
                "unique_attendee_count": draw(st.none() | st.integers(0, 300)),
                "registrant_count": draw(st.none() | st.integers(0, 200)),
            }
        )
    data = {name: [row.get(name) for row in rows] for name in schemas.SESSIONS.names()}
    return pl.DataFrame(data, schema=schemas.SESSIONS)


@PROPERTIES
@given(frame=session_frames())
def test_attendance_rate_is_null_exactly_when_undefined(frame: pl.DataFrame) -> None:
    result = metrics.session_metrics(frame)
    for row in result.iter_rows(named=True):
        defined = (
            row["status"] == "Finished"
            and row["registrant_count"] is not None
            and row["registrant_count"] > 0
            and row["unique_attendee_count"] is not None
        )
        if defined:
            assert row["attendance_rate"] == row["unique_attendee_count"] / row["registrant_count"]
        else:
            assert row["attendance_rate"] is None


@PROPERTIES
@given(frame=session_frames())
def test_nothing_started_has_a_start_delay(frame: pl.DataFrame) -> None:
    result = metrics.session_metrics(frame)
    not_started = result.filter(~pl.col("status").is_in(["Active", "Finished"]).fill_null(False))
    for column in ("actual_start", "start_delay", "start_delay_min", "late_start", "overrun"):
        assert not_started.get_column(column).null_count() == not_started.height, column
    not_finished = result.filter((pl.col("status") != "Finished").fill_null(True))
    assert not_finished.get_column("actual_duration").null_count() == not_finished.height
    started = result.filter(pl.col("status").is_in(["Active", "Finished"]).fill_null(False))
    assert started.get_column("start_delay").null_count() == 0


@PROPERTIES
@given(frame=session_frames())
def test_summary_totals_equal_input_totals(frame: pl.DataFrame) -> None:
    result = metrics.session_metrics(frame)
    summaries = [
        metrics.webinar_summary(result),
        metrics.host_summary(result),
        metrics.period_summary(result, every="1w", time_zone="Europe/Berlin"),
        metrics.period_summary(result, every="1mo"),
    ]
    expected = result.select(
        sessions=pl.len().cast(pl.Int64),
        finished_sessions=(pl.col("status") == "Finished").sum().cast(pl.Int64),
        registrants=pl.col("registrant_count").sum(),
        unique_attendees=pl.col("unique_attendee_count").sum(),
        total_actual_duration=pl.col("actual_duration").sum(),
    )
    for summary in summaries:
        totals = summary.select(pl.col(expected.columns).sum())
        assert_frame_equal(totals, expected)
    assert metrics.kpis(result)["sessions"] == result.height


def check_share(value: object) -> None:
    assert value is None or (isinstance(value, float) and 0.0 <= value <= 1.0), value


@PROPERTIES
@given(frame=session_frames())
def test_shares_stay_within_zero_and_one(frame: pl.DataFrame) -> None:
    result = metrics.session_metrics(frame)
    figures = metrics.kpis(result)
    for key in ("late_start_share", "overrun_share", "no_show_rate"):
        check_share(figures[key])
    for summary in (metrics.webinar_summary(result), metrics.host_summary(result)):
        for value in summary.get_column("late_start_share"):
            check_share(value)


@PROPERTIES
@given(
    frame=session_frames(max_size=20),
    value=st.sampled_from(["attendance_rate", "start_delay_min"]),
    by=st.sampled_from(["host", "webinar", "weekday_hour"]),
)
def test_percentiles_are_ordered(frame: pl.DataFrame, value: Any, by: Any) -> None:
    result = metrics.session_metrics(frame)
    bands = metrics.percentile_bands(result, value=value, by=by)
    assert bands.get_column("n").sum() == result.get_column(value).drop_nulls().len()
    for row in bands.iter_rows(named=True):
        assert row["n"] >= 1
        assert row["p25"] <= row["p50"] <= row["p75"] <= row["p90"]


@st.composite
def attendance(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A few sessions (Finished, Active, Scheduled) and their participants, with odd rows."""
    statuses = draw(
        st.lists(st.sampled_from(["Finished", "Active", "Scheduled"]), min_size=1, max_size=3)
    )
    records = [
        record(
            f"s{n}",
            status,
            broadcast_start=BASE if status != "Scheduled" else None,
            broadcast_end=BASE + timedelta(seconds=draw(st.integers(0, 1800)))
            if status == "Finished"
            else None,
        )
        for n, status in enumerate(statuses)
    ]
    people: list[dict[str, Any]] = []
    for number in range(draw(st.integers(0, 25))):
        joined = BASE + timedelta(seconds=draw(st.integers(-600, 2000)))
        stay = draw(st.none() | st.integers(-300, 2000))
        people.append(
            {
                "session_id": f"s{draw(st.integers(0, len(statuses)))}",  # may be unknown
                "participant_id": f"p{number}",
                "role": draw(st.sampled_from(["Attendee", "Attendee", "Attendee", "Host"])),
                "join_time": None if draw(st.integers(0, 9)) == 0 else joined,
                "leave_time": None if stay is None else joined + timedelta(seconds=stay),
            }
        )
    data = {name: [row.get(name) for row in people] for name in schemas.PARTICIPANTS.names()}
    return sessions(*records), pl.DataFrame(data, schema=schemas.PARTICIPANTS)


def brute_force(
    frame: pl.DataFrame, people: pl.DataFrame
) -> tuple[dict[tuple[str, int], tuple[int, float]], dict[str, tuple[int, datetime]]]:
    """Retention and peak by looking at every minute and every join, one by one."""
    retention: dict[tuple[str, int], tuple[int, float]] = {}
    peaks: dict[str, tuple[int, datetime]] = {}
    for session in metrics.session_metrics(frame).iter_rows(named=True):
        rows = [
            p
            for p in people.iter_rows(named=True)
            if p["session_id"] == session["session_id"] and p["role"] == "Attendee"
        ]
        start, end = session["actual_start"], session["actual_end"]
        if start is None or not rows:
            continue
        if session["status"] == "Active":
            leaves = [p["leave_time"] for p in rows if p["leave_time"] is not None]
            end = max(leaves) if leaves else None
        if end is not None and end >= start:
            for minute in range(int((end - start) / MIN) + 1):
                moment = start + minute * MIN
                here = sum(
                    1
                    for p in rows
                    if p["join_time"] is not None
                    and p["join_time"] <= moment
                    and (p["leave_time"] is None or moment < p["leave_time"])
                )
                retention[(session["session_id"], minute)] = (here, here / len(rows))
        stop = session["actual_end"] if session["status"] == "Finished" else None
        spans = [
            (p["join_time"], p["leave_time"] or stop) for p in rows if p["join_time"] is not None
        ]
        spans = [(a, b) for a, b in spans if b is None or b > a]
        counts = [
            (sum(1 for a, b in spans if a <= t and (b is None or t < b)), t)
            for t in sorted(a for a, _ in spans)
        ]
        if counts:
            best = max(count for count, _ in counts)
            peaks[session["session_id"]] = (best, min(t for count, t in counts if count == best))
    return retention, peaks


@PROPERTIES
@given(case=attendance())
def test_retention_and_peak_match_a_brute_force(case: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    frame, people = case
    want_retention, want_peaks = brute_force(frame, people)
    curve = metrics.retention_curve(people, frame)
    got = {
        (row["session_id"], row["minute"]): (row["attendees_present"], row["share_present"])
        for row in curve.iter_rows(named=True)
    }
    assert got.keys() == want_retention.keys()
    for key, (here, share) in want_retention.items():
        assert got[key][0] == here
        assert math.isclose(got[key][1], share)
        check_share(got[key][1])
    peaks = metrics.peak_concurrency(people, frame)
    assert {row[0]: (row[1], row[2]) for row in peaks.rows()} == want_peaks


@PROPERTIES
@given(rates=st.lists(st.integers(0, 20), min_size=0, max_size=9))
def test_below_usual_uses_the_median_of_the_other_sessions(rates: Sequence[int]) -> None:
    ids = [f"s{n}" for n in range(len(rates))]
    frame = metrics.session_metrics(
        sessions(
            *(finished(s, attendees=r) for s, r in zip(ids, rates, strict=True)),
            registrant_counts=dict.fromkeys(ids, 10),
        )
    )
    found = metrics.anomalies(frame, below_usual=0.5).filter(
        pl.col("kind") == "below_usual_attendance"
    )
    want = []
    if len(rates) >= 3:
        for n, rate in enumerate(rates):
            usual = statistics.median(r / 10 for k, r in enumerate(rates) if k != n)
            if rate / 10 < 0.5 * usual:
                want.append(ids[n])
    assert sorted(found.get_column("session_id").to_list()) == sorted(want)
