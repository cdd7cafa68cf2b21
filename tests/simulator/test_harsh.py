"""The options that make the simulator as harsh as the real platform (all off by default)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import timedelta

import httpx
import pytest

from tests.support.simulator import BASE, Api, make_sim, token_for
from tests.support.spec import SpecChecker
from webinar_insights.simulator import Simulator, SimulatorConfig
from webinar_insights.simulator import _render as render
from webinar_insights.simulator._program import NeverRanSession, SessionPlan

H = "/webinar/history/v1"
C = "/webinar/configuration/v1"
R = "/webinar/registration/v1"
WIDE = {"endTimeFrom": "2024-01-01T00:00:00Z", "endTimeTo": "2028-01-01T00:00:00Z"}
CONFIG_WIDE = {"endTimeFrom": "2024-01-01T00:00:00Z"}
RECORDINGS = {"creationTimeFrom": "2024-01-01T00:00:00Z", "creationTimeTo": "2028-01-01T00:00:00Z"}
CLIENT = ("demo-client-id", "demo-client-secret")


def _ids(records: list[dict[str, object]]) -> list[object]:
    return [r["id"] for r in records]


def _session_paths(sim: Simulator, session: SessionPlan) -> list[str]:
    """Every per-session operation's path for ``session``."""
    webinar = sim.program.webinar_of(session)
    base = f"/webinars/{webinar.webinar_id}/sessions/{session.session_id}"
    invitee = render.invitee_id(session, render.panel(sim.program, session)[0])
    registrants = sim.program.people(session).registrants
    paths = [
        H + base,
        H + base + "/participants",
        H + base + "/participants/self",
        H + base + "/invitees",
        H + base + f"/invitees/{invitee}",
        C + base,
        C + base + "/invitees",
        C + base + f"/invitees/{invitee}",
        R + f"/sessions/{session.session_id}",
        R + f"/sessions/{session.session_id}/registrants",
    ]
    if registrants:
        paths.append(
            R + f"/sessions/{session.session_id}/registrants/{registrants[0].registrant_id}"
        )
    return paths


# -- defaults and validation -------------------------------------------------------------------
def test_defaults_answer_as_without_the_options(api_for: Callable[..., Api]) -> None:
    plain = api_for(make_sim(scale=50))
    explicit = api_for(
        make_sim(
            scale=50,
            delete_after_listing=0.0,
            host_only_participants=False,
            never_ran_share=0.0,
            max_oauth_sessions=5,
        )
    )
    for api in (plain, explicit):
        for _ in range(2):  # a second listing: nothing was deleted by the first
            api.all_pages(H + "/company/sessions", perPage=7, **WIDE)
    listings: list[tuple[str, Mapping[str, object]]] = [
        (H + "/company/sessions", {**WIDE, "perPage": 1000}),
        (H + "/sessions", WIDE),
        (C + "/company/sessions", CONFIG_WIDE),
        (H + "/company/recordings", RECORDINGS),
    ]
    for path, params in listings:
        assert plain.get(path, **params).content == explicit.get(path, **params).content
    sim = make_sim(scale=50)
    assert sim.deleted_session_ids == frozenset()
    assert [s.session_id for s in sim.sessions()] == [s.session_id for s in sim.program.sessions]
    assert not any(isinstance(s, NeverRanSession) for s in sim.sessions())
    me = sim.current_user.index
    theirs = next(s for s in sim.program.sessions if sim.program.webinar_of(s).host.index != me)
    assert api_for(sim).get(_session_paths(sim, theirs)[1]).status_code == 200


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"delete_after_listing": 1.5}, "delete_after_listing must be a share between 0 and 1"),
        ({"delete_after_listing": -0.1}, "delete_after_listing must be a share between 0 and 1"),
        ({"never_ran_share": 2.0}, "never_ran_share must be a share between 0 and 1"),
        ({"never_ran_share": float("nan")}, "never_ran_share must be a share between 0 and 1"),
        ({"max_oauth_sessions": 0}, "max_oauth_sessions must be at least 1"),
    ],
)
def test_config_refuses_bad_values(options: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SimulatorConfig(**options)  # type: ignore[arg-type]


# -- delete_after_listing and delete_session ---------------------------------------------------
def test_scheduled_sessions_are_deleted_after_a_history_listing(
    api_for: Callable[..., Api],
) -> None:
    sim = make_sim(scale=80, delete_after_listing=0.5)
    api = api_for(sim)
    now = sim.now()
    assert api.all_pages(C + "/company/sessions", **CONFIG_WIDE)  # config listings delete nothing
    assert sim.deleted_session_ids == frozenset()

    first = api.get(H + "/company/sessions", perPage=3, **WIDE).json()["records"]
    assert sim.deleted_session_ids <= set(_ids(first))  # only what an answer showed
    listed = api.all_pages(H + "/company/sessions", perPage=10, **WIDE)
    scheduled = {r["id"] for r in listed} | set(_ids(first))
    scheduled = {
        i for i in scheduled if sim.program.sessions_by_id[str(i)].status(now) == "Scheduled"
    }
    deleted = sim.deleted_session_ids
    assert deleted  # the option did something ...
    assert deleted < scheduled  # ... to Scheduled sessions only, and not to all of them

    again = api.all_pages(H + "/company/sessions", perPage=10, **WIDE)
    assert not deleted & set(_ids(again))
    assert len(again) == len(sim.program.sessions) - len(deleted)
    assert not deleted & set(_ids(api.all_pages(C + "/company/sessions", **CONFIG_WIDE)))
    assert not deleted & set(_ids(api.all_pages(C + "/sessions", **CONFIG_WIDE)))
    for session_id in deleted:
        for path in _session_paths(sim, sim.program.sessions_by_id[session_id]):
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
    assert recorded.session_id in _ids(before)
    sim.delete_session(recorded.session_id)
    sim.delete_session(recorded.session_id)  # again: nothing more happens
    assert sim.deleted_session_ids == {recorded.session_id}
    after = api.all_pages(H + "/company/sessions", perPage=1000, **WIDE)
    assert _ids(after) == [i for i in _ids(before) if i != recorded.session_id]
    recordings = api.all_pages(H + "/company/recordings", **RECORDINGS)
    assert recorded.session_id not in {r["session"]["id"] for r in recordings}
    recording = H + f"/company/recordings/{700_000_000 + recorded.index}"
    assert api.get(recording).status_code == 404
    for path in _session_paths(sim, recorded):
        assert api.get(path).status_code == 404, path
    with pytest.raises(KeyError):
        sim.delete_session("1")


# -- host_only_participants --------------------------------------------------------------------
def test_participants_are_for_hosts_only(api_for: Callable[..., Api]) -> None:
    sim = make_sim(scale=60, host_only_participants=True)
    api = api_for(sim)
    now, me = sim.now(), sim.current_user.index
    ran = [s for s in sim.program.sessions if s.status(now) != "Scheduled"]
    mine = next(s for s in ran if sim.program.webinar_of(s).host.index == me)
    theirs = next(s for s in ran if sim.program.webinar_of(s).host.index != me)

    assert api.get(_session_paths(sim, mine)[1]).status_code == 200
    refused = api.get(_session_paths(sim, theirs)[1])  # validated against the spec
    assert refused.status_code == 403
    assert refused.json()["errors"][0] == {
        "errorCode": "CMN-419",
        "message": "The user is not a host or co-host of this session",
    }
    participants = _session_paths(sim, theirs)[1]
    for path in _session_paths(sim, theirs):
        if path != participants:
            assert api.get(path).status_code in (200, 404), path  # 404: participants/self only
    lenient = api_for(make_sim(scale=60))
    assert lenient.get(participants).status_code == 200


# -- never_ran_share ---------------------------------------------------------------------------
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

        paths = _session_paths(sim, plan)
        assert api.get(paths[0]).json()["status"] == "Scheduled"
        assert api.get(paths[1]).json()["records"] == []
        assert api.get(paths[5]).json()["status"] == "Scheduled"
        registrants = api.all_pages(paths[9])
        live = [r for r in sim.program.people(plan).registrants if not r.post_webinar]
        assert _ids(registrants) == [r.registrant_id for r in live]
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
    assert plan.session_id in _ids(api.all_pages(H + "/company/sessions", **window))
    scheduled = api.all_pages(H + "/company/sessions", status="Scheduled", **WIDE)
    assert {s.session_id for s in never} <= set(_ids(scheduled))
    config = api.all_pages(C + "/company/sessions", status="Scheduled", **CONFIG_WIDE)
    assert {s.session_id for s in never} <= set(_ids(config))

    # Forever: a later clock (a new history index) still shows them Scheduled.
    sim.advance(timedelta(days=40))
    later = sim.now()
    relisted = api.all_pages(H + "/company/sessions", perPage=1000, **WIDE)
    assert {r["id"]: r["status"] for r in relisted if r["id"] in {s.session_id for s in never}} == {
        s.session_id: "Scheduled" for s in never
    }
    resorted = sorted(sim.sessions(), key=lambda s: (s.listed_end_time(later), s.index))
    assert _ids(relisted) == [s.session_id for s in reversed(resorted)]
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
        for path in _session_paths(sim, session):
            statuses.add(api.get(path).status_code)
    assert statuses == {200, 403, 404}


# -- OAuth sessions, the Heavy bucket, revocation ----------------------------------------------
def _get(http: httpx.Client, token: str) -> httpx.Response:
    return http.get(H + "/sessions", params=WIDE, headers={"Authorization": f"Bearer {token}"})


def _refresh(http: httpx.Client, token: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": token}
    return http.post("/restapi/oauth/token", data=form, auth=CLIENT)


def test_a_new_exchange_evicts_the_oldest_oauth_session(spec: SpecChecker) -> None:
    sim = make_sim(max_oauth_sessions=2, auth_limit=100)
    http = httpx.Client(transport=sim.transport(), base_url=BASE)
    first, second, third = (token_for(http).json() for _ in range(3))
    evicted = _get(http, first["access_token"])
    spec.check(evicted)
    assert evicted.status_code == 401
    assert evicted.json()["errorCode"] == "OAU-213"
    assert evicted.json()["message"] == "Token not found"
    refused = _refresh(http, first["refresh_token"])
    spec.check(refused)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert _get(http, second["access_token"]).status_code == 200
    assert _get(http, third["access_token"]).status_code == 200
    assert _refresh(http, second["refresh_token"]).status_code == 200  # a refresh evicts nothing
    assert _get(http, third["access_token"]).status_code == 200


def test_heavy_bucket_is_shared_by_the_tokens_of_one_credential(spec: SpecChecker) -> None:
    sim = make_sim(rate_limit_window=0.8, heavy_limit=6)
    one = httpx.Client(transport=sim.transport(), base_url=BASE)
    two = httpx.Client(transport=sim.transport(), base_url=BASE)
    token_one = token_for(one).json()["access_token"]
    token_two = token_for(two).json()["access_token"]
    assert token_one != token_two

    def remaining(http: httpx.Client, token: str) -> int:
        response = _get(http, token)
        assert response.status_code == 200
        return int(response.headers["X-Rate-Limit-Remaining"])

    assert [remaining(one, token_one) for _ in range(3)] == [5, 4, 3]
    assert [remaining(two, token_two) for _ in range(3)] == [2, 1, 0]  # the first's bucket
    refused = _get(one, token_one)
    spec.check(refused)
    assert refused.status_code == 429
    assert refused.json()["errorCode"] == "CMN-301"
    assert _get(two, token_two).status_code == 429
    # The penalty restarts with every request sent during it, whichever token sends it.
    for http, token in ((one, token_one), (two, token_two)):
        time.sleep(0.4)  # a penalty that did not restart would be over at the second
        assert _get(http, token).status_code == 429
    time.sleep(0.9)
    assert _get(two, token_two).status_code == 200
    assert sim.stats()["rate_limited"] == 4


def test_revoke_ends_the_whole_oauth_session(spec: SpecChecker) -> None:
    sim = make_sim(auth_limit=100)
    http = httpx.Client(transport=sim.transport(), base_url=BASE)
    by_body, by_query, other = (token_for(http).json() for _ in range(3))

    revoked = http.post(
        "/restapi/oauth/revoke", data={"token": by_body["access_token"]}, auth=CLIENT
    )
    spec.check(revoked)
    assert revoked.status_code == 200
    assert revoked.headers["X-Rate-Limit-Group"] == "Auth"
    assert _get(http, by_body["access_token"]).status_code == 401
    assert _refresh(http, by_body["refresh_token"]).json()["error"] == "invalid_grant"

    revoked = http.post(
        "/restapi/oauth/revoke", params={"token": by_query["refresh_token"]}, auth=CLIENT
    )
    spec.check(revoked)
    assert revoked.status_code == 200
    assert _get(http, by_query["access_token"]).status_code == 401
    assert _refresh(http, by_query["refresh_token"]).status_code == 400

    assert _get(http, other["access_token"]).status_code == 200  # other sessions live on
    unknown = http.post("/restapi/oauth/revoke", data={"token": "not-a-token"}, auth=CLIENT)
    assert unknown.status_code == 200  # RFC 7009: nothing to revoke is no error
    for response, error in [
        (http.post("/restapi/oauth/revoke", data={}, auth=CLIENT), "invalid_request"),
        (
            http.post("/restapi/oauth/revoke", data={"token": other["access_token"]}),
            "invalid_client",
        ),
    ]:
        spec.check(response)
        assert response.status_code == 400
        assert response.json()["error"] == error
    assert _get(http, other["access_token"]).status_code == 200


def test_revoke_is_in_the_auth_group() -> None:
    sim = make_sim(rate_limit_window=30, auth_limit=2)
    http = httpx.Client(transport=sim.transport(), base_url=BASE)
    token = token_for(http).json()["access_token"]
    assert http.post("/restapi/oauth/revoke", data={"token": token}, auth=CLIENT).status_code == 200
    limited = http.post("/restapi/oauth/revoke", data={"token": token}, auth=CLIENT)
    assert limited.status_code == 429
    assert limited.headers["X-Rate-Limit-Group"] == "Auth"
