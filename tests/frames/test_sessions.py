"""The sessions frame's rules: titles, host names, runtime status, scheduled times."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.support.frame_records import HOST, SESSION, build, utc, with_


@pytest.mark.parametrize(
    ("title", "want"),
    [
        ("Live Broadcasting US", "Live Broadcasting US"),
        ("", "All-Hands"),
        ("   ", "All-Hands"),
        (None, "All-Hands"),
    ],
)
def test_session_title_falls_back_to_webinar_title(title: str | None, want: str) -> None:
    frame = build("sessions", [with_(SESSION, title=title)])
    assert frame.get_column("session_title").to_list() == [want]


def test_session_title_is_null_when_both_titles_are_missing() -> None:
    record = with_(SESSION, title=None, webinar={"id": "w1", "host": HOST})
    assert build("sessions", [record]).get_column("session_title").to_list() == [None]


@pytest.mark.parametrize(
    ("host", "want_name", "want_user"),
    [
        ({"firstName": " John ", "lastName": " Doe "}, "John Doe", None),
        ({"firstName": "John", "linkedUser": {"userId": "u1"}}, "John", "u1"),
        ({"lastName": "Doe"}, "Doe", None),
        ({"firstName": "", "lastName": "  "}, None, None),
        ({"linkedUser": {"userId": "u1", "accountId": "a"}}, None, "u1"),
        (None, None, None),
    ],
)
def test_host_name_is_trimmed_and_null_when_absent(
    host: dict[str, Any] | None, want_name: str | None, want_user: str | None
) -> None:
    webinar = {"id": "w1", "title": "All-Hands"} | ({"host": host} if host is not None else {})
    frame = build("sessions", [with_(SESSION, webinar=webinar)])
    assert frame.get_column("host_name").to_list() == [want_name]
    assert frame.get_column("host_user_id").to_list() == [want_user]


def test_runtime_status_is_null_unless_the_session_is_active() -> None:
    records = [
        with_(SESSION, id="active", status="Active", runtimeStatus="Break"),
        with_(SESSION, id="finished", status="Finished", runtimeStatus="Live"),
        with_(SESSION, id="scheduled", status="Scheduled", runtimeStatus="GoingLive"),
        with_(SESSION, id="active-without", status="Active", runtimeStatus=None),
        with_(SESSION, id="no-status", status=None, runtimeStatus="Live"),
    ]
    frame = build("sessions", records)
    assert frame.get_column("runtime_status").to_list() == ["Break", None, None, None, None]
    assert frame.get_column("status").to_list() == [
        "Active",
        "Finished",
        "Scheduled",
        "Active",
        None,
    ]


def test_scheduled_end_is_scheduled_start_plus_duration() -> None:
    records = [
        with_(SESSION, id="a", scheduledStartTime="2024-05-10T23:30:00-01:00"),
        with_(SESSION, id="b", scheduledDuration=None),
        with_(SESSION, id="c", scheduledStartTime=None),
        with_(SESSION, id="d", scheduledDuration=43200),
    ]
    frame = build("sessions", records)
    assert frame.get_column("scheduled_end").to_list() == [
        utc(2024, 5, 11, 1, 30),
        None,
        None,
        utc(2024, 5, 11, 6),
    ]
    assert frame.get_column("scheduled_duration").to_list() == [
        timedelta(hours=1),
        None,
        timedelta(hours=1),
        timedelta(hours=12),
    ]


def test_a_scheduled_session_keeps_planned_start_and_end_as_sent() -> None:
    record = with_(
        SESSION,
        status="Scheduled",
        broadcastingStartTime=None,
        broadcastingEndTime=None,
        recording=None,
        participantCount=None,
        attendeeCount=None,
        uniqueParticipantCount=None,
        uniqueAttendeeCount=None,
    )
    row = build("sessions", [record]).row(0, named=True)
    assert row["start_time"] == utc(2024, 5, 10, 17, 55)
    assert row["end_time"] == utc(2024, 5, 10, 19, 5, 30, us=500_000)
    assert row["broadcast_start"] is None
    assert row["broadcast_end"] is None
    assert row["recording_status"] is None
    assert row["unique_attendee_count"] is None


def test_a_session_fetched_alone_has_no_webinar_object() -> None:
    record = with_(SESSION, webinar=None, title="")
    row = build("sessions", [record]).row(0, named=True)
    assert row["session_id"] == "s1"
    assert row["webinar_id"] is None
    assert row["session_title"] is None
    assert row["host_name"] is None
