"""``never_ran_share``: sessions the host never started stay Scheduled, without participants
or a recording."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from tests.support.simulator import Api, make_sim
from tests.support.simulator_paths import CONFIG_WIDE, RECORDINGS, WIDE, C, H, ids, session_paths
from webinar_insights.simulator import _render as render


def test_sessions_that_never_ran_stay_scheduled(api_for: Callable[..., Api]) -> None:
    sim = make_sim(scale=80, never_ran_share=0.3)
    api = api_for(sim)
    now = sim.now()
    past = [s for s in sim.program.sessions if s.scheduled_start < now]
    never = [s for s in past if sim.never_ran(s)]
    assert 0.1 * len(past) < len(never) < 0.5 * len(past)
    assert any(s.status(now) == "Finished" for s in never)  # the plan would have run them
    assert make_sim(scale=80, never_ran_share=0.3).program.sessions == sim.program.sessions

    listed = {r["id"]: r for r in api.all_pages(H + "/company/sessions", perPage=9, **WIDE)}
    expected = sorted(sim.sessions(), key=lambda s: (s.listed_end_time(now), s.index))
    assert list(listed) == [s.session_id for s in reversed(expected)]
    recordings = api.all_pages(H + "/company/recordings", **RECORDINGS)
    recorded = {r["session"]["id"] for r in recordings}
    with_registrants = 0
    for plan in never:
        record = listed[plan.session_id]
        assert record["status"] == "Scheduled"
        assert record["startTime"] == render.ts(plan.scheduled_start)
        assert record["endTime"] == render.ts(plan.scheduled_end)
        for absent in ("duration", "recording", "runtimeStatus", "broadcastingStartTime"):
            assert absent not in record
        assert record["participantCount"] == record["uniqueAttendeeCount"] == 0
        assert record["lastModifiedTime"] == render.ts(plan.created)
        assert plan.session_id not in recorded

        paths = session_paths(sim, plan)
        assert api.get(paths[0]).json()["status"] == "Scheduled"
        assert api.get(paths[1]).json()["records"] == []
        assert api.get(paths[5]).json()["status"] == "Scheduled"
        registrants = api.all_pages(paths[9])
        live = [r for r in sim.program.people(plan).registrants if not r.post_webinar]
        assert ids(registrants) == [r.registrant_id for r in live]
        assert not any("participantId" in r for r in registrants)
        registration = api.get(paths[8]).json()
        assert registration["registrantCount"] == len(live)
        assert registration["postWebinarRegistrantCount"] == 0
        assert registration["settings"]["recordingExist"] is False
        with_registrants += bool(live)
    assert with_registrants

    # By its planned endTime: a window around it finds it, and Scheduled filters keep it.
    plan = never[0]
    window = {
        "endTimeFrom": render.ts(plan.scheduled_end - timedelta(minutes=1)),
        "endTimeTo": render.ts(plan.scheduled_end + timedelta(minutes=1)),
    }
    assert plan.session_id in ids(api.all_pages(H + "/company/sessions", **window))
    scheduled = api.all_pages(H + "/company/sessions", status="Scheduled", **WIDE)
    assert {s.session_id for s in never} <= set(ids(scheduled))
    config = api.all_pages(C + "/company/sessions", status="Scheduled", **CONFIG_WIDE)
    assert {s.session_id for s in never} <= set(ids(config))

    # Forever: a later clock (a new history index) still shows them Scheduled.
    sim.advance(timedelta(days=40))
    later = sim.now()
    relisted = api.all_pages(H + "/company/sessions", perPage=1000, **WIDE)
    assert {r["id"]: r["status"] for r in relisted if r["id"] in {s.session_id for s in never}} == {
        s.session_id: "Scheduled" for s in never
    }
    resorted = sorted(sim.sessions(), key=lambda s: (s.listed_end_time(later), s.index))
    assert ids(relisted) == [s.session_id for s in reversed(resorted)]
    assert sum(r["status"] == "Finished" for r in relisted) > sum(
        r["status"] == "Finished" for r in listed.values()
    )


def test_every_answer_validates_with_all_options_on(api_for: Callable[..., Api]) -> None:
    sim = make_sim(
        scale=40,
        delete_after_listing=0.3,
        host_only_participants=True,
        never_ran_share=0.3,
        max_oauth_sessions=2,
    )
    api = api_for(sim)  # every answer goes through the spec check
    statuses = set()
    api.all_pages(H + "/company/sessions", perPage=7, **WIDE)
    api.all_pages(H + "/sessions", perPage=7, **WIDE)
    assert sim.deleted_session_ids
    api.all_pages(C + "/company/sessions", **CONFIG_WIDE)
    api.all_pages(C + "/sessions", **CONFIG_WIDE)
    for record in api.all_pages(H + "/company/recordings", **RECORDINGS)[:5]:
        assert api.get(H + f"/company/recordings/{record['id']}").status_code == 200
    for session in sim.program.sessions:
        for path in session_paths(sim, session):
            statuses.add(api.get(path).status_code)
    assert statuses == {200, 403, 404}
