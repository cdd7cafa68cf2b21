"""Every answer of every operation validates against the spec; paging loses and repeats nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx
import jsonschema
import pytest

from tests.support.simulator import NOW, Api, make_sim
from tests.support.spec import SpecChecker
from webinar_insights.simulator import Simulator, operation_ids
from webinar_insights.simulator import _render as render

H = "/webinar/history/v1"
C = "/webinar/configuration/v1"
R = "/webinar/registration/v1"
WIDE = {"endTimeFrom": "2024-01-01T00:00:00Z", "endTimeTo": "2028-01-01T00:00:00.000Z"}
RECORDINGS = {"creationTimeFrom": "2024-01-01T00:00:00Z", "creationTimeTo": "2028-01-01T00:00:00Z"}


def _ids(records: list[dict[str, object]]) -> list[object]:
    return [r["id"] for r in records]


def _walk(api: Api, sim: Simulator, per_page: int) -> None:
    program, now = sim.program, sim.now()
    me = sim.current_user.index

    company = api.all_pages(H + "/company/sessions", perPage=per_page, **WIDE)
    expected = sorted(
        program.sessions, key=lambda s: (s.listed_end_time(now), s.index), reverse=True
    )
    assert _ids(company) == [s.session_id for s in expected]
    own = api.all_pages(H + "/sessions", perPage=per_page, **WIDE)
    assert _ids(own) == [s.session_id for s in expected if program.webinar_of(s).host.index == me]

    config = api.all_pages(C + "/sessions", perPage=per_page, endTimeFrom="2024-01-01T00:00:00Z")
    mine = sorted(
        (s for s in program.sessions if program.webinar_of(s).host.index == me),
        key=lambda s: (s.scheduled_start, s.index),
    )
    assert _ids(config) == [s.session_id for s in mine]
    config_company = api.all_pages(
        C + "/company/sessions", perPage=per_page, endTimeFrom="2024-01-01T00:00:00Z"
    )
    assert len(config_company) == len(program.sessions)
    webinars = api.all_pages(
        C + "/webinars", perPage=per_page, creationTimeFrom="2020-01-01T00:00:00Z"
    )
    assert {w["id"] for w in webinars} == {
        w.webinar_id for w in program.webinars if w.host.index == me
    }

    recordings = api.all_pages(H + "/company/recordings", perPage=per_page, **RECORDINGS)
    with_recording = {s.session_id for s in program.sessions if render.recording_state(s, now)}
    assert {r["session"]["id"] for r in recordings} == with_recording
    assert len(recordings) == len(with_recording)
    own_recordings = api.all_pages(H + "/recordings", perPage=per_page, **RECORDINGS)
    assert {r["id"] for r in own_recordings} <= {r["id"] for r in recordings}
    for record in recordings[:3]:
        assert api.get(H + f"/company/recordings/{record['id']}").status_code == 200
        download = api.get(H + f"/recordings/{record['id']}/download", recordingMediaType="Audio")
        assert download.status_code == (200 if record["status"] == "Available" else 403)
    for record in own_recordings[:2]:
        assert api.get(H + f"/recordings/{record['id']}").status_code == 200

    # One session of each status, through every per-session operation.
    picks = {}
    for s in program.sessions:
        picks.setdefault(s.status(now), s)
    assert set(picks) == {"Scheduled", "Active", "Finished"}
    for session in picks.values():
        webinar = program.webinar_of(session)
        base = f"/webinars/{webinar.webinar_id}/sessions/{session.session_id}"
        assert api.get(H + f"/webinars/{webinar.webinar_id}").status_code == 200
        assert api.get(C + f"/webinars/{webinar.webinar_id}").status_code == 200
        one = api.get(H + base).json()
        assert one["status"] == session.status(now)
        assert api.get(C + base).status_code == 200

        participants = api.all_pages(H + base + "/participants", perPage=per_page)
        visible = render.visible_participants(program, session, now)
        assert _ids(participants) == [p.participant_id for p in visible]
        assert len(participants) == one["uniqueParticipantCount"]
        assert sum(p["role"] == "Attendee" for p in participants) == one["uniqueAttendeeCount"]
        attendees = api.all_pages(H + base + "/participants", perPage=per_page, role="Attendee")
        assert len(attendees) == one["uniqueAttendeeCount"]
        self_status = api.get(H + base + "/participants/self").status_code
        assert self_status == (200 if webinar.host.index == me and visible else 404)

        invitees = api.all_pages(H + base + "/invitees", perPage=per_page)
        assert invitees[0]["role"] == "Host"
        for invitee in invitees[:2]:
            assert api.get(H + base + f"/invitees/{invitee['id']}").status_code == 200
            assert api.get(C + base + f"/invitees/{invitee['id']}").status_code == 200
        config_invitees = api.all_pages(C + base + "/invitees", perPage=per_page)
        assert _ids(config_invitees) == _ids(invitees)

        registration = api.get(R + f"/sessions/{session.session_id}").json()
        registrants = api.all_pages(
            R + f"/sessions/{session.session_id}/registrants",
            perPage=per_page,
            includeQuestionnaire="true",
        )
        assert _ids(registrants) == sorted(_ids(registrants))  # by id ascending
        live = [r for r in registrants if not r["registeredPostWebinar"]]
        assert len(live) == registration["registrantCount"]
        attended = {r["participantId"] for r in registrants if "participantId" in r}
        assert attended <= {p["id"] for p in participants}
        for registrant in registrants[:2]:
            path = R + f"/sessions/{session.session_id}/registrants/{registrant['id']}"
            assert api.get(path).json() == {
                k: v for k, v in registrant.items() if k != "questionnaire"
            }


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("per_page", [1, 7, 1000])
def test_walk_all_operations(
    api_for: Callable[..., Api], spec: SpecChecker, seed: int, per_page: int
) -> None:
    scale = 12 if per_page == 1 else 40
    sim = make_sim(seed=seed, scale=scale)
    _walk(api_for(sim), sim, per_page)
    served = {op for op, _ in spec.checked}
    assert set(operation_ids()) <= served


def test_series_program_pages_every_session(api_for: Callable[..., Api]) -> None:
    sim = make_sim(scale=50, max_sessions_per_webinar=4)
    api = api_for(sim)
    sessions = api.all_pages(H + "/company/sessions", perPage=9, **WIDE)
    per_webinar: dict[str, int] = {}
    for s in sessions:
        per_webinar[s["webinar"]["id"]] = per_webinar.get(s["webinar"]["id"], 0) + 1
    assert len(sessions) == 50
    assert max(per_webinar.values()) > 1


def test_filters(api_for: Callable[..., Api]) -> None:
    sim = make_sim(scale=80)
    api = api_for(sim)
    program, now = sim.program, sim.now()
    finished = api.all_pages(H + "/company/sessions", status=["Finished", "Active"], **WIDE)
    assert {s["status"] for s in finished} == {"Finished", "Active"}
    host = program.hosts[1]
    hosted = api.all_pages(
        H + "/company/sessions", hostUserId=f"{host.user_id},{program.hosts[2].user_id}", **WIDE
    )
    assert {s["webinar"]["host"]["linkedUser"]["userId"] for s in hosted} == {
        host.user_id,
        program.hosts[2].user_id,
    }
    window_end = now - timedelta(days=30)
    window = {
        "endTimeFrom": (now - timedelta(days=90)).isoformat(),
        "endTimeTo": window_end.isoformat(),
    }
    in_window = api.all_pages(H + "/company/sessions", **window)
    assert in_window
    assert all(s["endTime"] <= render.ts(window_end) for s in in_window)
    fragment = api.all_pages(H + "/sessions", nameFragment="office hours", **WIDE)
    assert all("office hours" in s["webinar"]["title"].lower() for s in fragment)
    default_page = api.get(H + "/company/sessions", **WIDE).json()
    assert default_page["paging"]["perPage"] == 100
    clamped = api.get(H + "/company/sessions", perPage=5000, **WIDE).json()
    assert clamped["paging"]["perPage"] == 1000
    assert "nextPageToken" not in clamped["paging"]


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        (H + "/sessions", {"endTimeTo": "2026-01-01T00:00:00Z"}, 400, "CMN-100"),
        (H + "/sessions", {**WIDE, "perPage": "0"}, 400, "CMN-101"),
        (H + "/sessions", {**WIDE, "perPage": "ten"}, 400, "CMN-101"),
        (H + "/sessions", {**WIDE, "status": "Done"}, 400, "CMN-101"),
        (H + "/sessions", {**WIDE, "pageToken": "bm90LWEtdG9rZW4"}, 400, "CMN-101"),
        (
            H + "/sessions",
            {"endTimeFrom": "yesterday", "endTimeTo": "2026-01-01T00:00:00Z"},
            400,
            "CMN-101",
        ),
        (
            H + "/company/sessions",
            {**WIDE, "hostUserId": ",".join(str(i) for i in range(11))},
            400,
            "CMN-101",
        ),
        (H + "/recordings", {"creationTimeFrom": "2026-01-01T00:00:00Z"}, 400, "CMN-100"),
        (H + "/webinars/999", {}, 404, "CMN-102"),
        (H + "/webinars/300000000/sessions/1", {}, 404, "CMN-102"),
        (R + "/sessions/1/registrants", {}, 404, "CMN-102"),
        (H + "/recordings/1", {}, 404, "CMN-102"),
    ],
)
def test_errors_have_the_spec_shape(
    api_for: Callable[..., Api], path: str, params: dict[str, str], status: int, code: str
) -> None:
    response = api_for().get(path, **params)
    assert response.status_code == status
    assert response.json()["errors"][0]["errorCode"] == code


def test_page_token_of_another_query_is_refused(api_for: Callable[..., Api]) -> None:
    api = api_for()
    first = api.get(H + "/company/sessions", perPage=2, **WIDE).json()
    other = {**WIDE, "endTimeFrom": "2025-01-01T00:00:00Z"}
    response = api.get(H + "/company/sessions", pageToken=first["paging"]["nextPageToken"], **other)
    assert response.status_code == 400


def test_company_endpoints_need_webinar_settings(api_for: Callable[..., Api]) -> None:
    api = api_for(webinar_settings_permission=False)
    for path, params in [
        (H + "/company/sessions", WIDE),
        (C + "/company/sessions", {"endTimeFrom": "2024-01-01T00:00:00Z"}),
        (H + "/company/recordings", RECORDINGS),
    ]:
        response = api.get(path, **params)
        assert response.status_code == 403
        assert "WebinarSettings" in response.json()["errors"][0]["message"]
    assert api.get(H + "/sessions", **WIDE).status_code == 200


def test_checker_rejects_what_the_spec_forbids(spec: SpecChecker) -> None:
    request = httpx.Request("GET", "https://platform.ringcentral.com/webinar/history/v1/sessions")
    missing_paging = httpx.Response(200, json={"records": []}, request=request)
    with pytest.raises(Exception, match="paging"):
        spec.check(missing_paging)
    bad_status = httpx.Response(
        200,
        json={
            "records": [{"id": "1", "status": "Done"}],
            "paging": {"perPage": 1, "pageToken": "a"},
        },
        request=request,
    )
    with pytest.raises(Exception):  # noqa: B017, PT011 - openapi-core's error types vary by version
        spec.check(bad_status)
    with pytest.raises(jsonschema.ValidationError):
        spec.check(httpx.Response(429, json={"errors": []}, request=request))


def test_same_seed_same_answers() -> None:
    first, second = make_sim(seed=9), make_sim(seed=9)
    other = make_sim(seed=10)
    pick = first.program.sessions[7]
    assert render.history_session(
        first.program, pick, NOW, list_item=True
    ) == render.history_session(second.program, second.program.sessions[7], NOW, list_item=True)
    assert render.history_session(
        first.program, pick, NOW, list_item=True
    ) != render.history_session(other.program, other.program.sessions[7], NOW, list_item=True)
