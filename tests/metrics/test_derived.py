"""session_metrics, the expression builders and participant_metrics: the derived columns."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.support.metrics_frames import (
    BASE,
    DERIVED,
    MIN,
    derived,
    finished,
    mixed_sessions,
    only_derived,
    participants,
    person,
    record,
    registrants,
    sessions,
)
from webinar_insights import metrics, schemas


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
    assert "120%: 12 attendees for 10 registrants" in found.item(0, "reason")


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
