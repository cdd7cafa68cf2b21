"""What the frames take: sparse records, empty input, any iterable, stored pages (one or many
sessions at once)."""

from __future__ import annotations

import json
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.support.frame_records import FRAMES, HOST, SESSION, as_pages, build, expected, utc, with_
from webinar_insights import frames
from webinar_insights.errors import BadDataError, ConfigurationError


@pytest.mark.parametrize("kind", list(FRAMES))
def test_a_record_with_only_an_id_gives_nulls_not_a_crash(kind: str) -> None:
    schema = FRAMES[kind][3]
    frame = build(kind, [{"id": "x"}, {}])
    defaults_by_kind: dict[str, dict[str, list[Any]]] = {
        "sessions": {"session_id": ["x", None]},
        "participants": {
            "session_id": ["s1", "s1"],
            "webinar_id": ["w1", "w1"],
            "participant_id": ["x", None],
            "was_ejected": [False, False],
        },
        "registrants": {
            "registrant_id": ["x", None],
            "session_id": ["s1", "s1"],
            "attended": [False, False],
            "registered_post_webinar": [False, False],
        },
        "webinars": {"webinar_id": ["x", None]},
        "recordings": {"recording_id": ["x", None]},
    }
    defaults = defaults_by_kind[kind]
    assert_frame_equal(frame, expected(schema, 2, **defaults))


@pytest.mark.parametrize("kind", list(FRAMES))
def test_empty_input_gives_an_empty_frame_with_the_schema(kind: str) -> None:
    from_records, from_pages, context, schema = FRAMES[kind]
    empty = pl.DataFrame(schema=schema)
    assert_frame_equal(from_records([], **context), empty)
    assert_frame_equal(from_records(iter(()), **context), empty)
    assert_frame_equal(from_pages([], **context), empty)
    assert_frame_equal(from_pages(as_pages([]), **context), empty)
    assert_frame_equal(from_pages([b'{"records": []}', b'{"records":[]}'], **context), empty)


def test_a_key_first_appearing_at_row_150_is_kept() -> None:
    bare: dict[str, Any] = {"id": "s", "status": "Finished", "webinar": {"id": "w1"}}
    records = [bare | {"id": f"s{i}"} for i in range(150)]
    records.append(
        bare
        | {
            "id": "late",
            "broadcastingStartTime": "2024-05-10T18:02:00+02:00",
            "uniqueAttendeeCount": 7,
            "recording": {"status": "Purged"},
            "webinar": {"id": "w1", "host": HOST},
        }
    )
    frame = build("sessions", records, page_size=1000)
    last = frame.row(150, named=True)
    assert frame.height == 151
    assert last["session_id"] == "late"
    assert last["broadcast_start"] == utc(2024, 5, 10, 16, 2)
    assert last["unique_attendee_count"] == 7
    assert last["recording_status"] == "Purged"
    assert last["host_name"] == "John Doe"
    assert frame.get_column("broadcast_start").null_count() == 150


def test_records_may_be_any_iterable() -> None:
    frame = frames.sessions_frame(record for record in [SESSION, with_(SESSION, id="s2")])
    assert frame.get_column("session_id").to_list() == ["s1", "s2"]


def test_one_dict_instead_of_a_list_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="iterable of records"):
        frames.sessions_frame(SESSION)  # type: ignore[arg-type]


def test_pages_and_dicts_give_identical_frames_for_varied_records() -> None:
    records = [
        SESSION,
        with_(SESSION, id="s2", status="Active", runtimeStatus="Live", title=""),
        with_(SESSION, id="s3", status="Scheduled", recording=None, webinar=None),
        {"id": "s4"},
        with_(SESSION, id="s5", scheduledStartTime="2024-05-10T18:00:00.999999-11:00"),
    ]
    for size in (1, 2, 5):
        frame = build("sessions", records, page_size=size)
        assert frame.height == 5


def test_one_page_bytes_instead_of_a_list_is_a_configuration_error() -> None:
    (page,) = as_pages([SESSION])
    with pytest.raises(ConfigurationError, match="iterable of page bodies"):
        frames.sessions_frame_from_pages(page)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "page",
    [
        b'{"records": [',
        b"",
        b"[1, 2]",
        b'{"paging": {"perPage": 100, "pageToken": "x"}}',
        b'{"records": null}',
        b'{"records": {"id": "s1"}}',
        b'[{"records": []}, {"records": []}]',
    ],
)
def test_a_page_that_is_not_a_records_body_raises_in_either_mode(page: bytes) -> None:
    for mode in ("raise", "null"):
        with pytest.raises(BadDataError, match="page #1"):
            frames.sessions_frame_from_pages([as_pages([SESSION])[0], page], on_bad_data=mode)


def test_pages_ignore_paging_and_unknown_fields() -> None:
    page = json.dumps(
        {
            "records": [with_(SESSION, newField={"deep": [1, {"x": None}]}, anotherNew=3)],
            "paging": {"perPage": 1, "pageToken": "a", "nextPageToken": "b"},
            "extra": [1, 2, 3],
        }
    ).encode()
    assert_frame_equal(frames.sessions_frame_from_pages([page]), frames.sessions_frame([SESSION]))


def _page_of(records: list[dict[str, object]]) -> bytes:
    return json.dumps({"records": records, "paging": {"perPage": 100, "pageToken": "t"}}).encode()


def test_many_sessions_at_once_equal_one_session_at_a_time() -> None:
    def person(i: int, **extra: object) -> dict[str, object]:
        return {"id": f"p{i}", "role": "Attendee", "originalRole": "Attendee", "type": "User",
                "joinTime": "2026-01-01T10:00:00Z", "leaveTime": f"2026-01-01T10:{i:02d}:00.5+00:00", **extra}  # fmt: skip

    sessions = [
        ("s1", "w1", [_page_of([person(1), person(2)]), _page_of([person(3, wasEjected=True)])]),
        ("s2", "w2", [_page_of([])]),
        ("s3", "w3", [_page_of([person(4)])]),
    ]
    together = frames.participants_frame_from_session_pages(sessions)
    one_by_one = pl.concat(
        frames.participants_frame_from_pages(pages, session_id=sid, webinar_id=wid)
        for sid, wid, pages in sessions
    )
    assert_frame_equal(together, one_by_one)
    assert together["session_id"].to_list() == ["s1", "s1", "s1", "s3"]
    assert together["webinar_id"].to_list() == ["w1", "w1", "w1", "w3"]
    registrants = frames.registrants_frame_from_session_pages(
        [
            ("s1", [_page_of([{"id": "r1", "firstName": "A", "lastName": "B", "email": "a@b.c"}])]),
            ("s2", []),
        ]
    )
    assert registrants["session_id"].to_list() == ["s1"]


def test_many_sessions_with_a_bad_page_name_the_page() -> None:
    sessions = [
        ("s1", "w1", [_page_of([]), b'{"records": [{"id": "p1", "joinTime": "yesterday"}]}'])
    ]
    with pytest.raises(BadDataError, match="joinTime"):
        frames.participants_frame_from_session_pages(sessions)
