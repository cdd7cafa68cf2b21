"""Retention, peak concurrency, registration lead time and the funnel."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.support.metrics_frames import (
    BASE,
    MIN,
    finished,
    iso,
    participants,
    person,
    record,
    registrants,
    sessions,
    utc,
)
from webinar_insights import metrics
from webinar_insights.errors import DataWarning


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
        {"stage": ["Registered", "Joined", "Stayed ≥ 10 min"], "count": [4, 3, 2]},
        schema=metrics.FUNNEL,
    )
    assert_frame_equal(result, want)
    short = metrics.registration_funnel(
        frame, people, visits, stayed_at_least=timedelta(seconds=90)
    )
    assert short.rows() == [("Registered", 4), ("Joined", 3), ("Stayed ≥ 1.5 min", 3)]
    exactly = metrics.registration_funnel(frame, people, visits, stayed_at_least=5 * MIN)
    assert exactly.rows()[2] == ("Stayed ≥ 5 min", 3)  # p2 stayed exactly 5 minutes


def test_session_funnel_counts_each_session_and_adds_up_to_the_funnel() -> None:
    frame = sessions(finished("s1"), finished("s2"), finished("s3"))
    people = pl.concat(
        [
            registrants(
                "s1",
                {"id": "r1", "participantId": "p1"},
                {"id": "r2"},
                {"id": "r3", "registeredPostWebinar": True},
            ),
            # s2's registrant joined (linked from the participant) but left after 3 minutes.
            registrants("s2", {"id": "r4"}, {"id": "r5"}, {"id": "r6"}),
            registrants("s9", {"id": "r9", "participantId": "p9"}),  # not among the sessions
        ]
    )
    visits = pl.concat(
        [
            participants("s1", person("p1", BASE, BASE + 30 * MIN)),
            participants("s2", person("p4", BASE, BASE + 3 * MIN, registrant_id="r4")),
        ]
    )
    result = metrics.session_funnel(frame, people, visits)
    want = pl.DataFrame(
        {
            "session_id": ["s1", "s2"],  # s3 has no registrant: no row
            "registered": [2, 3],
            "joined": [1, 1],
            "stayed": [1, 0],
        },
        schema=metrics.SESSION_FUNNEL,
    )
    assert_frame_equal(result, want)
    total = metrics.registration_funnel(frame, people, visits)
    assert total.get_column("count").to_list() == [5, 2, 1]


def test_attendee_keys_tell_people_apart_as_reach_does() -> None:
    people = pl.DataFrame(
        {
            "session_id": ["s1", "s1", "s1", "s2", "s2", "s2", "s2"],
            "role": [
                "Attendee",
                "Attendee",
                "Panelist",
                "Attendee",
                "Attendee",
                "Attendee",
                "Attendee",
            ],
            "unique_user_hash": ["a", "a", "z", "a", None, None, None],
            "email": [None, None, None, None, " C@x.org", None, None],
        }
    )
    keys = metrics.attendee_keys(people)
    assert keys.schema == metrics.ATTENDEE_KEYS
    # s1: "a" once (seen twice), the panelist left out; s2: "a", C by e-mail, two unknown.
    assert keys.get_column("session_id").to_list() == ["s1", "s2", "s2", "s2", "s2"]
    assert keys.get_column("person").null_count() == 2
    assert keys.get_column("by_email").sum() == 1
    assert keys.filter(pl.col("session_id") == "s1")["person"][0] in keys["person"].to_list()[1:3]
    counted = metrics.reach(people)
    assert counted.select("people_reached", "repeat_attendees", "unidentified").row(0) == (4, 1, 2)
