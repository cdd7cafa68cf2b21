"""The participants frame's rules: ejection, time in session, the session's ids."""

from __future__ import annotations

import warnings
from datetime import timedelta

from tests.support.frame_records import PARTICIPANT, build, data_warnings, utc, with_
from webinar_insights import frames


def test_was_ejected_is_false_when_absent() -> None:
    records = [
        with_(PARTICIPANT, id="a", wasEjected=None),
        with_(PARTICIPANT, id="b", wasEjected=False),
        with_(PARTICIPANT, id="c", wasEjected=True),
    ]
    frame = build("participants", records)
    assert frame.get_column("was_ejected").to_list() == [False, False, True]


def test_time_in_session_is_leave_minus_join_and_null_when_either_is_missing() -> None:
    records = [
        with_(
            PARTICIPANT, id="a", joinTime="2024-05-10T18:00:00Z", leaveTime="2024-05-10T18:00:00Z"
        ),
        with_(PARTICIPANT, id="b", leaveTime=None),
        with_(PARTICIPANT, id="c", joinTime=None),
        with_(
            PARTICIPANT,
            id="d",
            joinTime="2024-05-10T23:59:59.5+05:00",
            leaveTime="2024-05-10T19:00:00.25Z",
        ),
    ]
    frame = build("participants", records)
    assert frame.get_column("time_in_session").to_list() == [
        timedelta(0),
        None,
        None,
        timedelta(seconds=0.75),  # 18:59:59.5 UTC to 19:00:00.25 UTC
    ]


def test_a_leave_before_the_join_is_null_with_one_warning_per_frame() -> None:
    records = [
        with_(PARTICIPANT, id="early", leaveTime="2024-05-10T17:00:00Z"),
        PARTICIPANT,
        with_(PARTICIPANT, id="earlier", leaveTime="2024-05-10T18:00:59Z"),
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = frames.participants_frame(records, session_id="s1", webinar_id="w1")
    messages = data_warnings(caught)
    assert len(messages) == 1
    assert "2 participant(s) left before they joined" in messages[0]
    assert "'early'" in messages[0]
    assert frame.get_column("time_in_session").to_list() == [
        None,
        timedelta(minutes=30, seconds=30),
        None,
    ]
    assert frame.get_column("leave_time").to_list()[0] == utc(2024, 5, 10, 17)


def test_participants_carry_the_session_and_webinar_given() -> None:
    frame = frames.participants_frame(
        [PARTICIPANT, with_(PARTICIPANT, id="p2")], session_id="s9", webinar_id="w9"
    )
    assert frame.get_column("session_id").to_list() == ["s9", "s9"]
    assert frame.get_column("webinar_id").to_list() == ["w9", "w9"]
