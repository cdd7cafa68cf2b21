"""Property tests: records generated from the spec's schemas go through the frame builders.

The only exception allowed is the documented one (``BadDataError``), and a valid record is
never dropped.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from tests.support.spec import json_schema
from webinar_insights import BadDataError, DataWarning, frames

# Derandomized so CI sees the same examples every run; generating from allOf schemas filters a lot.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _records(component: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(from_schema(json_schema(component)), min_size=0, max_size=4)


def _build(builder: Any, records: list[dict[str, Any]], **keys: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # odd but valid values may warn
        try:
            frame = builder(records, **keys)
        except BadDataError:
            return  # documented: a value the frame cannot type (e.g. an unreadable date-time)
        lenient = builder(records, on_bad_data="null", **keys)
    assert frame.height == len(records)
    assert lenient.height == len(records)


@FUZZ
@given(records=_records("SessionGlobalResource"))
def test_session_records(records: list[dict[str, Any]]) -> None:
    _build(frames.sessions_frame, records)


@FUZZ
@given(records=_records("ParticipantExtendedModel"))
def test_participant_records(records: list[dict[str, Any]]) -> None:
    _build(frames.participants_frame, records, session_id="s", webinar_id="w")


@FUZZ
@given(records=_records("RegistrantModelWithQuestionnaire"))
def test_registrant_records(records: list[dict[str, Any]]) -> None:
    _build(frames.registrants_frame, records, session_id="s")


@FUZZ
@given(records=_records("HistoryWebinarResource"))
def test_webinar_records(records: list[dict[str, Any]]) -> None:
    _build(frames.webinars_frame, records)


@FUZZ
@given(records=_records("RecordingAdminModel"))
def test_recording_records(records: list[dict[str, Any]]) -> None:
    _build(frames.recordings_frame, records)


def test_schema_conversion_inlines_references() -> None:
    schema = json_schema("SessionGlobalResource")
    assert "$ref" not in repr(schema)
    with pytest.raises(KeyError):
        json_schema("NoSuchSchema")
