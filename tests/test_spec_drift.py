"""Spec drift and fixtures against the simulator: a drifted API is reported once and fails
nothing, new enum values reach the frames as text, and a recorded fixture (the shipped one,
and one recorded here) replays through the simulator to the same frames."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.test_cli_simulator import free_port, start_serving, stop
from webinar_insights import Client, Store, sync
from webinar_insights.cli import main
from webinar_insights.errors import DataWarning
from webinar_insights.fixtures import Fixture, FixtureRecorder, anonymise
from webinar_insights.frames import participants_frame, sessions_frame
from webinar_insights.openapi import SpecDrift
from webinar_insights.simulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_JWT,
    Simulator,
    SimulatorConfig,
)

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
SHIPPED = Path(__file__).parent / "data" / "drifted-fixture"
SESSIONS = "/webinar/history/v1/company/sessions"
DRIFT_LINES = {
    "sessions: `recording.status` = 'Archived' is not among the spec's values (kept as text)",
    "sessions: field `captionLanguage` not in the spec",
}


def simulator(**config: Any) -> Simulator:
    return Simulator(SimulatorConfig(scale=60, now=NOW, rate_limit_window=0.05, **config))


def kinds(lines: list[str] | tuple[str, ...]) -> set[str]:
    """The lines without their counts."""
    return {line.rsplit(", ", 1)[0] for line in lines}


# --------------------------------------------------------------------------- SpecDrift


USER = {"userId": "u1", "accountId": "a1", "domain": "pbx"}


def record(**changes: Any) -> dict[str, Any]:
    """A history session record as the spec documents it, with ``changes`` made."""
    base: dict[str, Any] = {
        "id": "s1",
        "creationTime": "2026-01-01T10:00:00Z",
        "lastModifiedTime": "2026-01-01T10:00:00Z",
        "webinar": {"id": "w1", "title": "T", "host": {"linkedUser": USER}},
        "startTime": "2026-01-02T10:00:00Z",
        "endTime": "2026-01-02T11:00:00Z",
        "scheduledStartTime": "2026-01-02T10:00:00Z",
        "scheduledDuration": 3600,
        "timeZone": "UTC",
        "status": "Finished",
        "participantCount": 3,
    }
    for key, value in changes.items():
        if value is None:
            base.pop(key)
        else:
            base[key] = value
    return base


def page(*records: dict[str, Any]) -> dict[str, Any]:
    return {"records": list(records), "paging": {"perPage": 10, "pageToken": "p1"}}


def test_an_answer_as_documented_shows_no_difference() -> None:
    drift = SpecDrift()
    drift.check("GET", SESSIONS, 200, page(record(), record(id="s2")))
    assert drift.answers_checked == 1
    assert drift.lines() == []
    assert drift.summary() == "1 answer matches the API spec."


def test_each_kind_of_difference_is_named_with_its_field_and_count() -> None:
    drift = SpecDrift()
    drifted = record(
        foo="someone@example.com",  # an unknown field: its value is never shown
        status="Cancelled",
        participantCount="3",
        webinar={"id": "w1", "host": {"linkedUser": USER, "pronoun": "x"}},  # no title
    )
    drift.check("GET", SESSIONS, 200, page(drifted, dict(drifted), record()))
    drift.check("GET", SESSIONS, 200, {"records": []})  # no paging: a page-level difference
    assert drift.lines() == [
        "sessions: required field `paging` missing, 1 answer",
        "sessions: required field `webinar.title` missing, 2 records",
        "sessions: `status` = 'Cancelled' is not among the spec's values (kept as text), 2 records",
        "sessions: `participantCount` is a string, the spec says integer, 2 records",
        "sessions: field `foo` not in the spec, 2 records",
        "sessions: field `webinar.host.pronoun` not in the spec, 2 records",
    ]
    text = drift.summary()
    assert text.startswith("2 answers differ from the API spec in 6 ways (nothing failed")
    assert "someone@example.com" not in text and "someone" not in repr(drift)


def test_answers_the_spec_does_not_document_are_not_judged() -> None:
    drift = SpecDrift()
    drift.check("GET", "/webinar/history/v1/nothing/here", 200, {"records": [1]})
    drift.check("GET", SESSIONS, 500, {"errors": []})
    assert drift.answers_checked == 0 and drift.lines() == []


# --------------------------------------------------------------------------- sync and doctor


def test_a_drifted_api_is_reported_once_and_its_new_values_reach_the_frames(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "store")
    with (
        Client.simulator(
            simulator=simulator(spec_drift=True), progress=False, check_spec=True
        ) as c,
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        summary = sync(c, store, start="2026-08-01", end="2026-11-01", depth="participants")
    assert kinds(summary.spec_drift) == DRIFT_LINES
    assert summary.spec_checked is not None and summary.spec_checked > 10
    assert "spec drift" in str(summary) and "captionLanguage" in str(summary)
    drift_warnings = [w for w in caught if "differ from the API spec" in str(w.message)]
    assert len(drift_warnings) == 1 and drift_warnings[0].category is DataWarning
    # Nothing failed: every session and its people are stored; 'Archived' is kept as text.
    sessions = store.sessions()
    assert sessions.height == summary.tables["sessions"] > 0
    statuses = sessions.get_column("recording_status")
    assert "Archived" in statuses.to_list()
    assert isinstance(statuses.dtype, pl.Enum)


def test_an_api_as_documented_syncs_without_a_word_of_drift(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    with (
        Client.simulator(simulator=simulator(), progress=False, check_spec=True) as c,
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("error", DataWarning)
        summary = sync(c, store, start="2026-08-01", end="2026-11-01", depth="participants")
    assert summary.spec_drift == () and summary.spec_checked
    assert f"spec       {summary.spec_checked:,} answers checked: as documented" in str(summary)
    without = sync(Client.simulator(simulator=simulator(), progress=False), Store(tmp_path / "b"),
                   start="2026-08-01", end="2026-11-01")  # fmt: skip
    assert without.spec_checked is None and "spec" not in str(without)


def test_the_doctor_reports_drift_as_a_warning_with_its_lines() -> None:
    with Client.simulator(simulator=simulator(spec_drift=True), progress=False) as c:
        found = c.doctor()
    check = found.check("spec")
    assert check.status == "warn" and found.ok
    assert kinds([line.strip() for line in check.detail.splitlines()[1:]]) == DRIFT_LINES
    assert "--save-fixture" in (check.fix or "")
    printed = str(found).splitlines()
    at = next(i for i, line in enumerate(printed) if line.startswith("warn  spec"))
    column = printed[at].index("2 answers")
    assert printed[at + 1].index("sessions:") == column + 2  # indented under the detail


# --------------------------------------------------------------------------- fixtures


def frames_of(fixture: Fixture) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The sessions and participants frames of a fixture's own answer bodies."""
    sessions: list[Any] = []
    people: list[pl.DataFrame] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        for answer in fixture.answers:
            records = answer.body.get("records", [])
            if answer.path.endswith("/participants"):
                webinar_id, session_id = answer.path.split("/")[5:8:2]
                people.append(
                    participants_frame(records, webinar_id=webinar_id, session_id=session_id)
                )
            else:
                sessions.extend(records)
        return sessions_frame(sessions), pl.concat(people)


def replayed(fixture: Fixture) -> tuple[pl.DataFrame, pl.DataFrame, SpecDrift]:
    """The same frames, as a client reads them from the simulator replaying ``fixture``."""
    sim = Simulator(SimulatorConfig(rate_limit_window=0.05), fixture=fixture)
    with Client.simulator(simulator=sim, progress=False, check_spec=True) as client:
        records = client.list_sessions("2020-01-01", "2030-01-01")
        people = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)
            for answer in fixture.answers:
                if answer.path.endswith("/participants"):
                    webinar_id, session_id = answer.path.split("/")[5:8:2]
                    listed = client.list_participants(webinar_id, session_id)
                    people.append(
                        participants_frame(listed, webinar_id=webinar_id, session_id=session_id)
                    )
            assert client.spec_drift is not None
            return sessions_frame(records), pl.concat(people), client.spec_drift


def shape(frame: pl.DataFrame) -> tuple[Any, ...]:
    return frame.schema, frame.height, frame.null_count().row(0)


def test_a_recorded_fixture_replays_to_frames_of_the_same_shape() -> None:
    recorder = FixtureRecorder()
    with Client.simulator(simulator=simulator(spec_drift=True), progress=False) as client:
        client.on_answer.append(recorder.observe)
        client.doctor()
    original = recorder.fixture()
    assert len(original.answers) == 2 and not original.anonymised
    shared = anonymise(original)
    sessions, people, drift = replayed(shared)
    assert (shape(sessions), shape(people)) == tuple(shape(f) for f in frames_of(original))
    assert sessions.height == 10 and people.height > 0
    assert kinds(drift.lines()) == DRIFT_LINES  # the drifted shape travels with the fixture


def test_the_shipped_fixture_round_trips_and_replays(tmp_path: Path) -> None:
    shipped = Fixture.load(SHIPPED)
    assert shipped.anonymised
    shipped.save(tmp_path / "copy")
    assert Fixture.load(tmp_path / "copy") == shipped
    sessions, people, drift = replayed(shipped)
    assert (shape(sessions), shape(people)) == tuple(shape(f) for f in frames_of(shipped))
    assert "Archived" in sessions.get_column("recording_status").to_list()
    assert kinds(drift.lines()) == DRIFT_LINES


def test_a_refusal_is_recorded_and_replayed_as_the_user_met_it() -> None:
    """A user without WebinarSettings: the company listing's 403 travels in the fixture (its
    error code kept, its message replaced) and the replay refuses it the same way."""
    recorder = FixtureRecorder()
    refused = simulator(webinar_settings_permission=False)
    with Client.simulator(simulator=refused, progress=False) as client:
        client.on_answer.append(recorder.observe)
        met = client.doctor()
    recorded = recorder.fixture()
    assert [a.status for a in recorded.answers][:2] == [403, 200]
    shared = anonymise(recorded)
    (error,) = shared.answers[0].body["errors"]
    assert error["errorCode"] == recorded.answers[0].body["errors"][0]["errorCode"]
    assert error["message"] != recorded.answers[0].body["errors"][0]["message"]
    sim = Simulator(SimulatorConfig(rate_limit_window=0.05), fixture=shared)
    with Client.simulator(simulator=sim, progress=False) as client:
        replayed = client.doctor()
    for name in ("company listing", "own listing"):
        assert replayed.check(name).status == met.check(name).status, name
    assert replayed.check("company listing").status == "warn"
    assert "WebinarSettings" in replayed.check("company listing").detail


# --------------------------------------------------------------------------- the flags


@pytest.mark.filterwarnings("ignore::webinar_insights.errors.DataWarning")  # 'Archived', kept
def test_save_fixture_spec_drift_check_spec_and_serve_fixture_work_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in (
        ("RC_APP_CLIENT_ID", DEMO_CLIENT_ID),
        ("RC_APP_CLIENT_SECRET", DEMO_CLIENT_SECRET),
        ("RC_USER_JWT", DEMO_JWT),
    ):
        monkeypatch.setenv(name, value)
    # A drifted simulator over HTTP: the doctor warns of it and saves a fixture.
    drifted = start_serving(
        "--port", str(free_port()), "--scale", "60", "--now", "2026-11-01T12:00:00Z",
        "--rate-limit-window", "0.05", "--spec-drift",
    )  # fmt: skip
    try:
        assert main(["doctor", "--server-url", drifted.url, "--save-fixture", "fx"]) == 0
        out = capsys.readouterr().out
        assert "warn  spec" in out and "captionLanguage" in out and "ok    fixture" in out
        code = main(
            ["sync", "--server-url", drifted.url, "--from", "2026-08-01", "--to", "2026-11-01",
             "--store", "drifted", "--check-spec", "--no-progress"]
        )  # fmt: skip
        out = capsys.readouterr().out
    finally:
        stop(drifted)
    assert code == 0
    assert "spec drift" in out and kinds([line.strip() for line in out.splitlines()]) >= DRIFT_LINES
    assert (tmp_path / "fx" / "answers.json").exists()
    # The fixture served: the sync example it prints covers its sessions and stores them all.
    replaying = start_serving(
        "--port", str(free_port()), "--fixture", "fx", "--rate-limit-window", "0.05"
    )
    try:
        (example,) = [line for line in replaying.lines if "webinar-insights sync" in line]
        argv = example.split()[1:]
        code = main([*argv, "--server-url", replaying.url, "--check-spec", "--no-progress"])
        out = capsys.readouterr().out
    finally:
        stop(replaying)
    assert code == 0 and "10 new" in out and "spec drift" in out
    # Without --check-spec nothing is checked; the summary of a drifted simulator says so.
    assert main(["simulator", "summary", "--spec-drift", "--scale", "5"]) == 0
    assert "spec drift" in capsys.readouterr().out
    assert main(["sync", "--demo", "--scale", "5", "--store", "demo", "--no-progress"]) == 0
    assert "spec" not in capsys.readouterr().out


def test_a_fixture_that_is_not_one_is_refused_by_serve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "answers.json").write_text("{not json", encoding="utf-8")
    assert main(["simulator", "serve", "--port", "0", "--fixture", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "answers.json" in err and "line 1" in err
