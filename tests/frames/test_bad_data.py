"""Bad data: wrong types raise or load null with one warning (``on_bad_data``). Enum values
the API spec does not list are not bad data: ``test_new_enum_values`` has them."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import polars as pl
import pytest

from tests.support.frame_records import (
    FRAMES,
    PARTICIPANT,
    RECORDING,
    REGISTRANT,
    SESSION,
    WEBINAR,
    as_pages,
    build,
    data_warnings,
    utc,
    with_,
)
from webinar_insights import frames
from webinar_insights.errors import BadDataError, ConfigurationError, DataWarning


@pytest.mark.parametrize(
    ("kind", "record", "field", "value"),
    [
        ("sessions", with_(SESSION, participantCount="150"), "participantCount", "'150'"),
        ("sessions", with_(SESSION, uniqueAttendeeCount="many"), "uniqueAttendeeCount", "many"),
        ("sessions", with_(SESSION, attendeeCount=12.5), "attendeeCount", "12.5"),
        ("sessions", with_(SESSION, scheduledDuration="1h"), "scheduledDuration", "1h"),
        ("sessions", with_(SESSION, webinar="w1"), "webinar", "'w1'"),
        ("sessions", with_(SESSION, title={"text": "x"}), "title", "{'text': 'x'}"),
        ("participants", with_(PARTICIPANT, wasEjected="yes"), "wasEjected", "'yes'"),
        ("participants", with_(PARTICIPANT, wasEjected=1), "wasEjected", "1"),
        ("participants", with_(PARTICIPANT, email=["a@b.c"]), "email", "['a@b.c']"),
        (
            "registrants",
            with_(REGISTRANT, registeredPostWebinar="true"),
            "'registeredPostWebinar'",
            "'true'",
        ),
        ("webinars", with_(WEBINAR, settings={"qnaEnabled": "on"}), "settings.qnaEnabled", "on"),
        ("recordings", with_(RECORDING, duration="3540"), "duration", "3540"),
        ("recordings", with_(RECORDING, session={"id": ["s1"]}), "'session.id'", "['s1']"),
    ],
)
def test_a_wrong_type_raises_naming_record_field_and_value(
    kind: str, record: dict[str, Any], field: str, value: str
) -> None:
    from_records, from_pages, context, _ = FRAMES[kind]
    runs: list[Callable[[], pl.DataFrame]] = [
        lambda: from_records([record], **context),
        lambda: from_pages(as_pages([record]), **context),
    ]
    for run in runs:
        with pytest.raises(BadDataError) as caught:
            run()
        message = str(caught.value)
        assert repr(record["id"]) in message
        assert field in message
        assert value in message
        assert "on_bad_data='null'" in message


def test_a_nan_in_a_dict_record_is_bad_data() -> None:
    with pytest.raises(BadDataError, match="participantCount"):
        frames.sessions_frame([with_(SESSION, participantCount=float("nan"))])


def test_a_non_json_value_in_a_dict_record_is_bad_data() -> None:
    record = with_(SESSION, startTime=datetime(2024, 5, 10, 18, tzinfo=UTC))
    with pytest.raises(BadDataError, match="'startTime'"):
        frames.sessions_frame([record])
    with pytest.warns(DataWarning, match="'startTime'"):
        frame = frames.sessions_frame([record], on_bad_data="null")
    assert frame.get_column("start_time").to_list() == [None]


def test_bad_data_as_null_keeps_the_rows_and_warns_once_per_call() -> None:
    records = [
        with_(SESSION, id="a", participantCount="many", startTime="soon"),
        with_(SESSION, id="b", startTime="later"),
        with_(SESSION, id="c", webinar=["not", "an", "object"]),
        with_(SESSION, id="d"),
    ]
    runs: list[Callable[[], pl.DataFrame]] = [
        lambda: frames.sessions_frame(records, on_bad_data="null"),
        lambda: frames.sessions_frame_from_pages(as_pages(records), on_bad_data="null"),
    ]
    for run in runs:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = run()
        messages = data_warnings(caught)
        assert len(messages) == 1
        (message,) = messages
        assert "'participantCount'" in message
        assert "'many'" in message
        assert "'startTime' had 2 unusable value(s)" in message
        assert "'soon'" in message
        assert "'webinar'" in message
        assert frame.get_column("session_id").to_list() == ["a", "b", "c", "d"]
        assert frame.get_column("participant_count").to_list() == [None, 150, 150, 150]
        assert (
            frame.get_column("start_time").to_list()
            == [None, None] + [utc(2024, 5, 10, 17, 55)] * 2
        )
        assert frame.get_column("webinar_id").to_list() == ["w1", "w1", None, "w1"]
        assert frame.get_column("host_name").to_list() == ["John Doe", "John Doe", None, "John Doe"]


def test_bad_data_as_null_gives_the_same_frame_from_dicts_and_pages() -> None:
    records = [
        with_(PARTICIPANT, id="a", joinTime="yesterday", wasEjected="no"),
        with_(PARTICIPANT, id="b", role=["Host"]),  # not text: bad data, not a new enum value
        PARTICIPANT,
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        frame = build("participants", records, page_size=1, on_bad_data="null")
    assert frame.get_column("join_time").to_list() == [None, *[utc(2024, 5, 10, 18, 1)] * 2]
    assert frame.get_column("was_ejected").to_list() == [False, True, True]
    assert frame.get_column("role").to_list() == ["Attendee", None, "Attendee"]


def test_the_record_number_counts_across_pages() -> None:
    records = [with_(SESSION, id=f"s{i}") for i in range(5)]
    records[3]["endTime"] = "whenever"
    with pytest.raises(BadDataError, match=r"record #3 \(id 's3'\)"):
        frames.sessions_frame_from_pages(as_pages(records, size=2))
    records[3]["endTime"] = None
    records[4]["participantCount"] = "x"  # found by the Python check of a refused page
    with pytest.raises(BadDataError, match=r"record #4 \(id 's4'\)"):
        frames.sessions_frame_from_pages(as_pages(records, size=2))


def test_the_record_number_counts_across_dict_chunks() -> None:
    records = [{"id": f"p{i}"} for i in range(10_005)]
    records[10_003]["leaveTime"] = "never"
    with pytest.raises(BadDataError, match=r"record #10003 \(id 'p10003'\)"):
        frames.participants_frame(records, session_id="s1", webinar_id="w1")


def test_a_record_that_is_not_an_object_raises_or_is_skipped() -> None:
    records: list[Any] = [SESSION, None, "s2", with_(SESSION, id="s3")]
    with pytest.raises(BadDataError, match=r"record #1 .* not a JSON object"):
        frames.sessions_frame(records)
    with pytest.raises(BadDataError, match="not a JSON object"):
        frames.sessions_frame_from_pages(as_pages(records))
    with pytest.warns(DataWarning, match=r"2 record\(s\) were not JSON objects"):
        frame = frames.sessions_frame(records, on_bad_data="null")
    assert frame.get_column("session_id").to_list() == ["s1", "s3"]


def test_on_bad_data_must_be_raise_or_null() -> None:
    with pytest.raises(ConfigurationError, match="on_bad_data"):
        frames.sessions_frame([SESSION], on_bad_data="drop")  # type: ignore[arg-type]
