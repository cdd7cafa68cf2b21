"""Date-times: mixed offsets and fractions to UTC; a malformed one is bad data."""

from __future__ import annotations

import polars as pl
import pytest

from tests.support.frame_records import PARTICIPANT, SESSION, as_pages, build, utc, with_
from webinar_insights import frames
from webinar_insights.errors import BadDataError


def test_mixed_offsets_and_fractions_in_one_frame_are_converted_to_utc() -> None:
    stamps = [
        "2024-05-10T18:00:00Z",
        "2024-05-10T20:00:00+02:00",
        "2024-05-10T13:00:00.5-05:00",
        "2024-05-10T18:00:00.123456+00:00",
        "2024-05-11T03:30:00.1+09:30",
        "2024-05-10T18:00:00.000Z",
    ]
    records = [with_(PARTICIPANT, id=f"p{i}", joinTime=s) for i, s in enumerate(stamps)]
    frame = build("participants", records, page_size=4)
    assert frame.get_column("join_time").to_list() == [
        utc(2024, 5, 10, 18),
        utc(2024, 5, 10, 18),
        utc(2024, 5, 10, 18, us=500_000),
        utc(2024, 5, 10, 18, us=123_456),
        utc(2024, 5, 10, 18, us=100_000),
        utc(2024, 5, 10, 18),
    ]
    assert frame.schema["join_time"] == pl.Datetime("us", "UTC")


@pytest.mark.parametrize(
    "stamp",
    ["not a date", "2024-05-10", "2024-05-10T18:00:00", "2024-13-10T18:00:00Z", "1715364000"],
)
def test_a_malformed_timestamp_raises_naming_record_field_and_value(stamp: str) -> None:
    records = [SESSION, with_(SESSION, id="bad-one", broadcastingEndTime=stamp)]
    with pytest.raises(BadDataError) as caught:
        frames.sessions_frame(records)
    message = str(caught.value)
    assert "'bad-one'" in message
    assert "'broadcastingEndTime'" in message
    assert repr(stamp) in message
    with pytest.raises(BadDataError, match="broadcastingEndTime"):
        frames.sessions_frame_from_pages(as_pages(records))


def test_a_number_where_a_timestamp_is_expected_is_bad_data() -> None:
    with pytest.raises(BadDataError, match=r"'joinTime' holds '1715364000'"):
        build("participants", [with_(PARTICIPANT, joinTime=1715364000)])
