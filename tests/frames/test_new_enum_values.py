"""Enum values the API spec does not list (the Webinar API is beta and may add some) are kept as
they are: the column stays a ``pl.Enum``, the declared categories first, then the new values
sorted, with one ``DataWarning`` per frame build counting them. They are not bad data."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.support.frame_records import (
    PARTICIPANT,
    RECORDING,
    SESSION,
    as_pages,
    data_warnings,
    with_,
)
from webinar_insights import charts, frames, metrics, schemas
from webinar_insights.errors import ConfigurationError
from webinar_insights.frames import _reader

NOW = datetime(2024, 5, 10, 18, 30, tzinfo=UTC)


def extended(declared: pl.Enum, *new: str) -> pl.Enum:
    return pl.Enum([*declared.categories, *new])


def built(make: Callable[[], pl.DataFrame]) -> tuple[pl.DataFrame, list[str]]:
    """The frame ``make`` builds and the DataWarnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = make()
    return frame, data_warnings(caught)


def rehearsing(session_id: str) -> dict[str, Any]:
    return with_(SESSION, id=session_id, status="Active", runtimeStatus="Rehearsal")


SESSIONS = [
    rehearsing("a"),
    with_(SESSION, id="b", status="Active", runtimeStatus="Live"),
    rehearsing("c"),
    SESSION,
    rehearsing("d"),
]


@pytest.mark.parametrize("source", ["records", "pages"])
def test_a_new_runtime_status_is_kept_after_the_declared_ones_with_one_warning(
    source: str,
) -> None:
    if source == "records":
        frame, messages = built(lambda: frames.sessions_frame(SESSIONS))
    else:
        frame, messages = built(lambda: frames.sessions_frame_from_pages(as_pages(SESSIONS)))
    assert messages == [
        "session records: 'runtimeStatus' has values the API spec does not list, kept as they"
        " are: 'Rehearsal' (3 records). The Webinar API is beta; such values come after the"
        " declared ones in the column's categories."
    ]
    assert frame.get_column("runtime_status").to_list() == [
        "Rehearsal",
        "Live",
        "Rehearsal",
        None,  # Finished: runtime_status is null unless the session is Active
        "Rehearsal",
    ]
    dtype = frame.schema["runtime_status"]
    assert isinstance(dtype, pl.Enum)
    assert dtype == extended(schemas.RUNTIME_STATUS, "Rehearsal")
    # Every other column is as declared.
    assert frame.schema == pl.Schema({**schemas.SESSIONS, "runtime_status": dtype})


@pytest.mark.parametrize("source", ["records", "pages"])
def test_a_new_role_is_kept_and_role_and_original_role_share_one_enum(source: str) -> None:
    records = [
        with_(PARTICIPANT, id="a", role="Moderator", originalRole="Guest"),
        with_(PARTICIPANT, id="b", role="Moderator", type="Phone"),
        PARTICIPANT,
    ]
    context = {"session_id": "s1", "webinar_id": "w1"}
    if source == "records":
        frame, messages = built(lambda: frames.participants_frame(records, **context))
    else:
        frame, messages = built(
            lambda: frames.participants_frame_from_pages(as_pages(records, 1), **context)
        )
    assert messages == [
        "participant records: 'role', 'originalRole' and 'type' have values the API spec does"
        " not list, kept as they are: 'role': 'Moderator' (2 records); 'originalRole': 'Guest'"
        " (1 record); 'type': 'Phone' (1 record). The Webinar API is beta; such values come"
        " after the declared ones in the column's categories."
    ]
    assert frame.get_column("role").to_list() == ["Moderator", "Moderator", "Attendee"]
    assert frame.get_column("original_role").to_list() == ["Guest", "Panelist", "Panelist"]
    assert frame.get_column("participant_type").to_list() == ["User", "Phone", "User"]
    roles = extended(schemas.ROLE, "Guest", "Moderator")  # declared, then the new ones sorted
    assert frame.schema["role"] == roles and frame.schema["original_role"] == roles
    assert frame.schema["participant_type"] == extended(schemas.PARTICIPANT_TYPE, "Phone")
    # A comparison across the two columns needs them to be one dtype.
    assert frame.select(same=pl.col("role") == pl.col("original_role"))["same"].to_list() == [
        False,
        False,
        False,
    ]


def test_new_values_sort_after_the_declared_ones_and_the_warning_counts_the_most_first() -> None:
    statuses = ["Zombie", "Cancelled", "Cancelled", "Draft", "Archived", "Zombie", "Cancelled"]
    statuses += ["Queued", "Held", "Finished"]
    records = [with_(SESSION, id=f"s{i}", status=status) for i, status in enumerate(statuses)]
    frame, [message] = built(lambda: frames.sessions_frame(records))
    assert frame.get_column("status").to_list() == statuses
    assert frame.schema["status"] == extended(
        schemas.SESSION_STATUS, "Archived", "Cancelled", "Draft", "Held", "Queued", "Zombie"
    )
    assert (
        "'status' has values the API spec does not list, kept as they are: 'Cancelled'"
        " (3 records), 'Zombie' (2 records), 'Archived' (1 record), 'Draft' (1 record),"
        " 'Held' (1 record) and 1 more value(s)."
    ) in message
    # Sorting the column follows the categories: the declared ones first, in their order.
    assert frame.sort("status").get_column("status").to_list()[:2] == ["Finished", "Archived"]


@pytest.mark.parametrize("on_bad_data", ["raise", "null"])
def test_a_new_value_is_not_bad_data_in_any_mode(on_bad_data: Any) -> None:
    records = [with_(RECORDING, status="Deleted"), RECORDING]
    frame, messages = built(lambda: frames.recordings_frame(records, on_bad_data=on_bad_data))
    assert frame.get_column("status").to_list() == ["Deleted", "Failed"]
    assert len(messages) == 1 and "'Deleted' (1 record)" in messages[0]

    quarantine: list[frames.BadRecord] = []
    frame, messages = built(
        lambda: frames.recordings_frame_from_pages(
            as_pages(records), on_bad_data=on_bad_data, quarantine=quarantine
        )
    )
    assert quarantine == []  # nothing to quarantine: the value is kept
    assert frame.get_column("status").to_list() == ["Deleted", "Failed"]
    assert len(messages) == 1 and "'Deleted' (1 record)" in messages[0]


def test_a_new_value_and_bad_data_give_one_warning_each() -> None:
    records = [with_(SESSION, id="a", status="Cancelled", participantCount="many"), SESSION]
    frame, messages = built(lambda: frames.sessions_frame(records, on_bad_data="null"))
    assert len(messages) == 2
    assert "bad data loaded as null" in messages[0] and "'many'" in messages[0]
    assert "'status' has values the API spec does not list" in messages[1]
    assert frame.get_column("status").to_list() == ["Cancelled", "Finished"]
    assert frame.get_column("participant_count").to_list() == [None, 150]


def _participant_pages() -> list[bytes]:
    """Four pages: known roles only, a new role, another new one, and one Arrow refuses."""

    def page(*records: dict[str, Any]) -> bytes:
        return json.dumps({"records": list(records), "paging": {}}).encode()

    return [
        page(with_(PARTICIPANT, id="p0"), with_(PARTICIPANT, id="p1", role="Host")),
        page(with_(PARTICIPANT, id="p2", role="Moderator")),
        page(with_(PARTICIPANT, id="p3", role="Interpreter"), with_(PARTICIPANT, id="p4")),
        # A number where text belongs: Arrow refuses the batch, polars reads it page by page.
        page(with_(PARTICIPANT, id="p5", role="Moderator", firstName=7)),
    ]


def test_pages_read_in_several_batches_give_one_dtype_per_column(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = _participant_pages()
    one_batch, [message] = built(
        lambda: frames.participants_frame_from_session_pages(
            [("s1", "w1", pages[:2]), ("s2", "w1", pages[2:])]
        )
    )
    monkeypatch.setattr(_reader, "_BULK_BATCH_BYTES", 200)  # a page or so per batch
    read_batch = mock.Mock(wraps=_reader._read_batch)
    monkeypatch.setattr(_reader, "_read_batch", read_batch)
    batched, messages = built(
        lambda: frames.participants_frame_from_session_pages(
            [("s1", "w1", pages[:2]), ("s2", "w1", pages[2:])]
        )
    )
    assert read_batch.call_count >= 3  # the known-only page and the new roles in other batches
    assert messages == [message]
    assert "'Moderator' (2 records), 'Interpreter' (1 record)" in message
    assert_frame_equal(batched, one_batch)  # dtypes included
    assert batched.schema["role"] == extended(schemas.ROLE, "Interpreter", "Moderator")
    assert batched.get_column("role").to_list() == [
        "Attendee",
        "Host",
        "Moderator",
        "Interpreter",
        "Attendee",
        "Moderator",
    ]
    assert batched.get_column("session_id").to_list() == ["s1"] * 3 + ["s2"] * 3


def test_a_frame_with_a_new_value_loads_from_parquet_as_it_was(tmp_path: Path) -> None:
    frame, _ = built(lambda: frames.sessions_frame(SESSIONS))
    path = tmp_path / "sessions.parquet"
    frame.write_parquet(path)
    assert_frame_equal(pl.read_parquet(path), frame)
    rehearsals = pl.scan_parquet(path).filter(pl.col("runtime_status") == "Rehearsal").collect()
    assert rehearsals.get_column("session_id").to_list() == ["a", "c", "d"]


def test_frames_built_apart_stack_with_concat_frames() -> None:
    cancelled, _ = built(lambda: frames.sessions_frame([with_(SESSION, id="x", status="Gone")]))
    rehearsed, _ = built(lambda: frames.sessions_frame(SESSIONS))
    plain = frames.sessions_frame([with_(SESSION, id="y")])
    stacked = frames.concat_frames([plain, rehearsed, cancelled])
    assert stacked.get_column("session_id").to_list() == ["y", "a", "b", "c", "s1", "d", "x"]
    assert stacked.get_column("status").to_list()[-1] == "Gone"
    assert stacked.schema["status"] == extended(schemas.SESSION_STATUS, "Gone")
    assert stacked.schema["runtime_status"] == extended(schemas.RUNTIME_STATUS, "Rehearsal")
    assert stacked.schema["recording_status"] == schemas.RECORDING_STATUS
    # Frames of the declared dtypes stack to the declared dtypes.
    assert frames.concat_frames([plain, plain]).schema == schemas.SESSIONS


def test_concat_frames_names_what_it_takes() -> None:
    frame = frames.sessions_frame([SESSION])
    with pytest.raises(ConfigurationError, match="at least one frame"):
        frames.concat_frames([])
    with pytest.raises(ConfigurationError, match="not one frame"):
        frames.concat_frames(frame)
    with pytest.raises(ConfigurationError, match="LazyFrame"):
        frames.concat_frames([frame, frame.lazy()])  # type: ignore[list-item]


def _sessions_with_new_values() -> pl.DataFrame:
    records = [
        rehearsing("a"),
        with_(SESSION, id="b", status="Cancelled"),
        with_(SESSION, id="c", recording={"status": "Archived"}),
        SESSION,
    ]
    frame, messages = built(lambda: frames.sessions_frame(records))
    assert len(messages) == 1
    return frame


def test_session_metrics_take_a_frame_with_new_values() -> None:
    sessions = _sessions_with_new_values()
    result = metrics.session_metrics(sessions)
    assert result.get_column("status").to_list() == ["Active", "Cancelled", "Finished", "Finished"]
    assert result.get_column("runtime_status").to_list() == ["Rehearsal", None, None, None]
    assert result.get_column("recording_status").to_list()[2] == "Archived"
    assert result.select(sessions.columns).schema == sessions.schema  # the enums as they were
    # Only Active and Finished sessions count as started: a new status is not guessed at.
    broadcast = datetime(2024, 5, 10, 18, 2, tzinfo=UTC)
    assert result.get_column("actual_start").to_list() == [broadcast, None, broadcast, broadcast]
    # A summary counts every session, and only the Finished ones as finished.
    summary = metrics.period_summary(result)
    assert summary.get_column("sessions").sum() == 4
    assert summary.get_column("finished_sessions").sum() == 2


def test_the_status_timeline_shows_a_new_status_under_its_own_label() -> None:
    sessions = metrics.session_metrics(_sessions_with_new_values())
    chart = charts.status_timeline_chart(sessions, now=NOW)
    spec = chart.to_dict()  # validates the spec
    points = [row for values in spec["datasets"].values() for row in values if "status" in row]
    assert sorted((row["session_id"], row["status"]) for row in points) == [
        ("a", "Active"),
        ("b", "Cancelled"),
        ("c", "Finished"),
        ("s1", "Finished"),
    ]
    assert {row["runtime_status"] for row in points} == {"Rehearsal", "-"}
