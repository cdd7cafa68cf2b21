"""True reach: distinct people across sessions (issue 17), by hand on small frames."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from tests.support.metrics_frames import finished, sessions
from webinar_insights import metrics
from webinar_insights.errors import ConfigurationError


def people(*rows: tuple[str, str, str | None, str | None]) -> pl.DataFrame:
    """(session, role, user hash, e-mail) rows."""
    return pl.DataFrame(
        [
            {"session_id": s, "role": role, "unique_user_hash": h, "email": e}
            for s, role, h, e in rows
        ],
        schema={
            "session_id": pl.String,
            "role": pl.String,
            "unique_user_hash": pl.String,
            "email": pl.String,
        },
    )


def row(frame: pl.DataFrame) -> dict[str, Any]:
    return frame.row(0, named=True)


def test_reach_counts_distinct_hashes_with_repeat_attendees() -> None:
    frame = people(
        ("s1", "Attendee", "ann", None),
        ("s1", "Attendee", "bo", None),
        ("s1", "Attendee", "cy", None),
        ("s2", "Attendee", "ann", None),
        ("s2", "Attendee", "bo", None),
        ("s3", "Attendee", "ann", None),
        ("s3", "Attendee", "dee", None),
        ("s3", "Host", "hal", None),  # hosts and panelists are not attendees
        ("s3", "Panelist", "pat", None),
    )
    result = row(metrics.reach(frame))
    assert result == {
        "people_reached": 4,  # ann, bo, cy, dee
        "repeat_attendees": 2,  # ann (3 sessions), bo (2)
        "repeat_attendee_share": 0.5,
        "attendances": 7,  # what a sum of per-session unique attendees counts
        "by_email": 0,
        "unidentified": 0,
    }
    assert result["people_reached"] == frame.filter(role="Attendee")["unique_user_hash"].n_unique()


def test_one_person_twice_in_one_session_is_one_attendance() -> None:
    frame = people(("s1", "Attendee", "ann", None), ("s1", "Attendee", "ann", None))
    assert row(metrics.reach(frame))["attendances"] == 1
    assert row(metrics.reach(frame))["repeat_attendees"] == 0


def test_without_a_hash_people_are_told_apart_by_e_mail_in_any_case() -> None:
    frame = people(
        ("s1", "Attendee", None, "Ann@Example.org"),
        ("s2", "Attendee", None, " ann@example.ORG "),
        ("s2", "Attendee", None, "bo@example.org"),
        ("s2", "Attendee", "ann@example.org", None),  # a hash that equals an e-mail: another
    )
    result = row(metrics.reach(frame))
    assert result["people_reached"] == 3
    assert result["repeat_attendees"] == 1
    assert result["by_email"] == 2


def test_with_neither_each_record_is_a_person_and_said() -> None:
    frame = people(("s1", "Attendee", None, None), ("s2", "Attendee", None, None))
    result = row(metrics.reach(frame))
    assert (result["people_reached"], result["unidentified"], result["repeat_attendees"]) == (
        2,
        2,
        0,
    )


def test_reach_reads_only_the_sessions_asked_for_and_no_e_mail_column_is_needed() -> None:
    frame = people(("s1", "Attendee", "ann", None), ("s2", "Attendee", "ann", None)).drop("email")
    assert row(metrics.reach(frame, ["s1"]))["people_reached"] == 1
    assert row(metrics.reach(frame, ["s1"]))["repeat_attendees"] == 0
    assert row(metrics.reach(frame.clear()))["repeat_attendee_share"] is None
    with pytest.raises(ConfigurationError, match="one string"):
        metrics.reach(frame, "s1")


def test_kpis_and_their_bases_read_reach() -> None:
    program = metrics.session_metrics(
        sessions(finished("s1", attendees=2), finished("s2", attendees=2))
    )
    frame = people(
        ("s1", "Attendee", "ann", None),
        ("s1", "Attendee", "bo", None),
        ("s2", "Attendee", "ann", None),
        ("s2", "Attendee", "cy", None),
        ("s9", "Attendee", "zed", None),  # not one of the sessions
    )
    figures = metrics.kpis(program, participants=frame)
    assert figures["unique_attendees"] == 4  # the API's counts, summed
    assert figures["people_reached"] == 3
    assert figures["repeat_attendee_share"] == pytest.approx(1 / 3)
    assert metrics.kpi_bases(program, participants=frame)["repeat_attendee_share"] == (1, 3)
    assert metrics.kpis(program)["people_reached"] is None
