"""The generated program is realistic, deterministic and scales without generating people."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

from tests.support.simulator import NOW, make_sim
from webinar_insights.simulator import Program, ProgramConfig
from webinar_insights.simulator import _render as render


def test_program_has_what_an_analyst_meets() -> None:
    sim = make_sim(scale=400)
    program, now = sim.program, sim.now()
    statuses = Counter(s.status(now) for s in program.sessions)
    assert statuses["Scheduled"] > 0
    assert statuses["Active"] > 0
    assert statuses["Finished"] > 300
    assert len({h.time_zone for h in program.hosts}) >= 3
    delays = [s.delay for s in program.sessions]
    assert min(delays) < 0  # early starts
    assert max(delays) > 900  # a long tail
    assert any(not s.has_broadcast_fields for s in program.sessions)
    assert any(s.live_registrants == 0 for s in program.sessions)
    states = {render.recording_state(s, now) for s in program.sessions}
    assert {"Available", "Failed", "Purged"} <= states
    active = next(s for s in program.sessions if s.status(now) == "Active")
    record = render.history_session(program, active, now, list_item=True)
    assert record["runtimeStatus"] in ("Practice", "GoingLive", "Live", "Break", "Debrief")
    assert "broadcastingEndTime" not in record


def test_people_are_consistent_with_session_counts() -> None:
    sim = make_sim(scale=120)
    program, now = sim.program, sim.now()
    finished = [s for s in program.sessions if s.status(now) == "Finished"][:40]
    post = ejected = early_leavers = 0
    for session in finished:
        people = program.people(session)
        record = render.history_session(program, session, now, list_item=True)
        assert len(people.participants) == record["uniqueParticipantCount"]
        attendees = [p for p in people.participants if p.role == "Attendee"]
        assert len(attendees) == record["uniqueAttendeeCount"]
        assert record["participantCount"] >= record["uniqueParticipantCount"]
        by_id = {p.participant_id: p for p in people.participants}
        for r in people.registrants:
            if r.participant_id is not None:
                assert by_id[r.participant_id].registrant_id == r.registrant_id
        assert all(p.leave_time > p.join_time for p in people.participants)
        post += sum(r.post_webinar for r in people.registrants)
        ejected += sum(p.was_ejected for p in people.participants)
        joins = sorted(p.join_time for p in attendees)
        early_leavers += sum(p.leave_time < joins[-1] for p in attendees) if joins else 0
    assert post > 0
    assert early_leavers > 0
    assert ejected > 0


def test_advancing_the_clock_finishes_sessions() -> None:
    sim = make_sim(scale=60)
    active = next(s for s in sim.program.sessions if s.status(sim.now()) == "Active")
    before = render.history_session(sim.program, active, sim.now(), list_item=True)
    sim.advance(timedelta(hours=4))
    after = render.history_session(sim.program, active, sim.now(), list_item=True)
    assert after["status"] == "Finished"
    assert after["lastModifiedTime"] > before["lastModifiedTime"]
    assert "broadcastingEndTime" in after or "broadcastingStartTime" not in after


def test_scale_to_100k_sessions_and_10m_participants_lazily() -> None:
    started = time.monotonic()
    program = Program(ProgramConfig(scale=100_000, anchor=NOW))
    elapsed = time.monotonic() - started
    assert len(program.sessions) == 100_000
    assert sum(s.unique_attendees() + s.panel_size() for s in program.sessions) >= 10_000_000
    assert elapsed < 30  # generous: it is about 3 s; people are not generated here
    some = program.sessions[12_345]
    people = program.people(some)  # generated on demand, for one session only
    assert len(people.participants) == some.unique_attendees() + some.panel_size()
