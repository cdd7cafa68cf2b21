"""The registrants frame's rules: registration time, attendance, late registration."""

from __future__ import annotations

from tests.support.frame_records import REGISTRANT, build, utc, with_


def test_registration_time_falls_back_to_creation_time() -> None:
    records = [
        REGISTRANT,
        with_(REGISTRANT, id="g2", registrationTime=None),
        with_(REGISTRANT, id="g3", registrationTime=None, creationTime=None),
    ]
    frame = build("registrants", records)
    assert frame.get_column("registration_time").to_list() == [
        utc(2024, 5, 3, 11, 59, 58, us=500_000),
        utc(2024, 5, 3, 12),
        None,
    ]


def test_attended_and_registered_post_webinar() -> None:
    records = [
        with_(REGISTRANT, id="live-attended", registeredPostWebinar=False),
        with_(REGISTRANT, id="no-show", participantId=None, registeredPostWebinar=None),
        with_(REGISTRANT, id="on-demand", participantId=None, registeredPostWebinar=True),
    ]
    frame = build("registrants", records)
    assert frame.get_column("attended").to_list() == [True, False, False]
    assert frame.get_column("participant_id").to_list() == ["p1", None, None]
    assert frame.get_column("registered_post_webinar").to_list() == [False, False, True]
