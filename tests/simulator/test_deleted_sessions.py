"""Deleted sessions (``delete_after_listing``, ``Simulator.delete_session``): absent from
every listing, 404 on every per-session operation."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.simulator import Api, make_sim
from tests.support.simulator_paths import CONFIG_WIDE, RECORDINGS, WIDE, C, H, ids, session_paths
from webinar_insights.simulator import _render as render


def test_scheduled_sessions_are_deleted_after_a_history_listing(
    api_for: Callable[..., Api],
) -> None:
    sim = make_sim(scale=80, delete_after_listing=0.5)
    api = api_for(sim)
    now = sim.now()
    assert api.all_pages(C + "/company/sessions", **CONFIG_WIDE)  # config listings delete nothing
    assert sim.deleted_session_ids == frozenset()

    first = api.get(H + "/company/sessions", perPage=3, **WIDE).json()["records"]
    assert sim.deleted_session_ids <= set(ids(first))  # only what an answer showed
    listed = api.all_pages(H + "/company/sessions", perPage=10, **WIDE)
    scheduled = {r["id"] for r in listed} | set(ids(first))
    scheduled = {
        i for i in scheduled if sim.program.sessions_by_id[str(i)].status(now) == "Scheduled"
    }
    deleted = sim.deleted_session_ids
    assert deleted  # the option did something ...
    assert deleted < scheduled  # ... to Scheduled sessions only, and not to all of them

    again = api.all_pages(H + "/company/sessions", perPage=10, **WIDE)
    assert not deleted & set(ids(again))
    assert len(again) == len(sim.program.sessions) - len(deleted)
    assert not deleted & set(ids(api.all_pages(C + "/company/sessions", **CONFIG_WIDE)))
    assert not deleted & set(ids(api.all_pages(C + "/sessions", **CONFIG_WIDE)))
    for session_id in deleted:
        for path in session_paths(sim, sim.program.sessions_by_id[session_id]):
            response = api.get(path)  # validated against the spec
            assert response.status_code == 404, path
            assert response.json()["errors"][0] == {
                "errorCode": "CMN-102",
                "message": "Resource for parameter [sessionId] is not found",
            }
    ends, ordered = sim.history_index(now)
    assert not deleted & {s.session_id for s in ordered}
    assert ends == sorted(ends)

    # The same seed deletes the same sessions; a share of 1 deletes every Scheduled one.
    twin = make_sim(scale=80, delete_after_listing=0.5)
    api_for(twin).all_pages(H + "/company/sessions", perPage=1000, **WIDE)
    assert twin.deleted_session_ids == deleted
    everything = make_sim(scale=80, delete_after_listing=1.0)
    api_for(everything).all_pages(H + "/sessions", perPage=1000, **WIDE)
    mine = {
        s.session_id
        for s in everything.program.sessions
        if s.status(now) == "Scheduled"
        and everything.program.webinar_of(s).host.index == everything.current_user.index
    }
    assert everything.deleted_session_ids == mine


def test_delete_session_between_syncs(api_for: Callable[..., Api]) -> None:
    sim = make_sim(scale=60)
    api = api_for(sim)
    now = sim.now()
    recorded = next(s for s in sim.program.sessions if render.recording_state(s, now))
    before = api.all_pages(H + "/company/sessions", perPage=1000, **WIDE)
    assert recorded.session_id in ids(before)
    sim.delete_session(recorded.session_id)
    sim.delete_session(recorded.session_id)  # again: nothing more happens
    assert sim.deleted_session_ids == {recorded.session_id}
    after = api.all_pages(H + "/company/sessions", perPage=1000, **WIDE)
    assert ids(after) == [i for i in ids(before) if i != recorded.session_id]
    recordings = api.all_pages(H + "/company/recordings", **RECORDINGS)
    assert recorded.session_id not in {r["session"]["id"] for r in recordings}
    recording = H + f"/company/recordings/{700_000_000 + recorded.index}"
    assert api.get(recording).status_code == 404
    for path in session_paths(sim, recorded):
        assert api.get(path).status_code == 404, path
    with pytest.raises(KeyError):
        sim.delete_session("1")
